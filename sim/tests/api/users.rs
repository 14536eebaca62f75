//! `GET` and `PUT /api/2/users/{id}`: the user object, id validation, 404s, soft deletion,
//! the PUT schema, content type, optimistic concurrency and version bumps.

use serde_json::{json, Value};

use crate::client::{send, Api};
use crate::{sim_with_alice, user_path, ALICE, NOBODY};

fn is_rfc3339(value: &Value) -> bool {
    value.as_str().is_some_and(|s| {
        s.len() == 20 && s.as_bytes()[4] == b'-' && s.as_bytes()[10] == b'T' && s.ends_with('Z')
    })
}

#[test]
fn get_returns_the_full_user_object() {
    let sim = sim_with_alice();
    let reply = Api::login(&sim).get(&user_path(ALICE));
    assert_eq!(reply.status, 200);
    let user = reply.json();
    assert_eq!(user["id"], ALICE);
    assert_eq!(user["version"], 1);
    assert_eq!(user["login"], "alice");
    assert_eq!(user["enabled"], true);
    assert_eq!(user["activated"], true);
    assert!(user["tenant_id"]
        .as_str()
        .is_some_and(acronis_sim::is_valid_user_id));
    let contact = &user["contact"];
    assert_eq!(contact["email"], "alice@corp.example");
    assert_eq!(contact["firstname"], "Alice");
    assert_eq!(contact["lastname"], "Liddell");
    for field in [
        "phone", "address1", "address2", "country", "state", "zipcode", "city",
    ] {
        assert!(contact[field].is_string(), "contact.{field}");
    }
    assert!(is_rfc3339(&user["created_at"]) && is_rfc3339(&user["updated_at"]));
    assert_eq!(user["deleted_at"], Value::Null);
    assert!(user["language"].is_string());
    assert!(user["business_types"].is_array() && user["notifications"].is_array());
    assert!(user["idp_id"].is_string());
    assert_eq!(user["external_id"], Value::Null);
    assert_eq!(user["personal_tenant_id"], Value::Null);
    assert_eq!(user["mfa_status"], "disabled");
    assert!(user["terms_accepted"].is_boolean());
    assert_eq!(user["access_policies"], json!([]));
}

#[test]
fn malformed_ids_get_400_and_unknown_ids_404() {
    let sim = sim_with_alice();
    let api = Api::login(&sim);
    for bad in [
        "A11CE000-0000-4000-8000-000000000001",
        "a11ce000000040008000000000000001",
        "alice",
        "a11ce000-0000-4000-8000-00000000000g",
    ] {
        let reply = api.get(&user_path(bad));
        assert_eq!(reply.status, 400, "{bad}");
        assert_eq!(reply.json()["error"]["domain"], "PlatformAccountServer");
    }
    let missing = api.get(&user_path(NOBODY));
    assert_eq!(missing.status, 404);
    assert_eq!(missing.error_code(), "not_found");
}

#[test]
fn deleted_users_are_hidden_unless_allow_deleted() {
    let sim = sim_with_alice();
    let api = Api::login(&sim);
    sim.delete_user(ALICE);
    assert_eq!(api.get(&user_path(ALICE)).status, 404);
    assert_eq!(
        api.get(&format!("{}?allow_deleted=false", user_path(ALICE)))
            .status,
        404
    );
    let shown = api.get(&format!("{}?allow_deleted=true", user_path(ALICE)));
    assert_eq!(shown.status, 200);
    assert!(is_rfc3339(&shown.json()["deleted_at"]));
    assert_eq!(
        api.get(&format!("{}?allow_deleted=maybe", user_path(ALICE)))
            .status,
        400
    );
}

#[test]
fn put_needs_json_content_type() {
    let sim = sim_with_alice();
    let api = Api::login(&sim);
    let body = br#"{"enabled": false, "version": 1}"#;
    let bearer = format!("Bearer {}", api.token);
    for content_type in [
        None,
        Some("text/plain"),
        Some("application/x-www-form-urlencoded"),
    ] {
        let mut headers = vec![("Authorization", bearer.as_str())];
        headers.extend(content_type.map(|ct| ("Content-Type", ct)));
        let reply = send(&api.base, "PUT", &user_path(ALICE), &headers, body).expect("an answer");
        assert_eq!(reply.status, 415, "{content_type:?}");
        assert_eq!(reply.json()["error"]["domain"], "PlatformAccountServer");
    }
    headers_with_charset_work(&api, &bearer, body);
    assert_eq!(sim.calls().put_user, 4);
}

fn headers_with_charset_work(api: &Api, bearer: &str, body: &[u8]) {
    let reply = send(
        &api.base,
        "PUT",
        &user_path(ALICE),
        &[
            ("Authorization", bearer),
            ("Content-Type", "application/json; charset=utf-8"),
        ],
        body,
    )
    .expect("an answer");
    assert_eq!(reply.status, 200, "{}", reply.text());
}

#[test]
fn put_rejects_bodies_outside_the_schema() {
    let sim = sim_with_alice();
    let api = Api::login(&sim);
    let path = user_path(ALICE);
    let cases = [
        (
            json!({"enabled": false, "version": 1, "tenant_id": "x"}),
            Some("tenant_id"),
        ),
        (json!({"version": 1, "id": ALICE}), Some("id")),
        (
            json!({"version": 1, "contact": {"fax": "1"}}),
            Some("contact.fax"),
        ),
        (json!({"enabled": false}), Some("version")),
        (json!({"enabled": false, "version": "1"}), Some("version")),
        (json!({"enabled": false, "version": 1.5}), Some("version")),
        (json!({"enabled": "no", "version": 1}), Some("enabled")),
        (
            json!({"notifications": "quota", "version": 1}),
            Some("notifications"),
        ),
        (json!([{"version": 1}]), None),
    ];
    for (body, field) in cases {
        let reply = api.put_json(&path, &body);
        assert_eq!(reply.status, 400, "{body}");
        let error = &reply.json()["error"];
        assert_eq!(error["domain"], "PlatformAccountServer");
        if let Some(field) = field {
            assert_eq!(error["details"]["field"], field, "{body}");
            assert!(error["message"].as_str().is_some_and(|m| m.contains(field)));
        }
    }
    let bearer = format!("Bearer {}", api.token);
    let not_json = send(
        &api.base,
        "PUT",
        &path,
        &[
            ("Authorization", &bearer),
            ("Content-Type", "application/json"),
        ],
        b"{enabled: false",
    )
    .expect("an answer");
    assert_eq!(not_json.status, 400);
    let unchanged = sim.user(ALICE).expect("stored");
    assert_eq!(
        (
            unchanged["version"].as_i64(),
            unchanged["enabled"].as_bool()
        ),
        (Some(1), Some(true))
    );
}

#[test]
fn put_applies_fields_and_bumps_the_version() {
    let sim = sim_with_alice();
    let api = Api::login(&sim);
    let path = user_path(ALICE);
    let before = api.get(&path).json();
    let reply = api.put_json(
        &path,
        &json!({
            "enabled": false,
            "version": 1,
            "contact": {"email": "new@corp.example", "phone": "+1 555"},
            "language": "de",
            "external_id": "ext-1",
            "notifications": ["quota"],
        }),
    );
    assert_eq!(reply.status, 200, "{}", reply.text());
    let user = reply.json();
    assert_eq!(user["version"], 2);
    assert_eq!(user["enabled"], false);
    assert_eq!(user["contact"]["email"], "new@corp.example");
    assert_eq!(user["contact"]["phone"], "+1 555");
    assert_eq!(
        user["contact"]["firstname"], "Alice",
        "other contact fields stay"
    );
    assert_eq!(user["language"], "de");
    assert_eq!(user["external_id"], "ext-1");
    assert_eq!(user["notifications"], json!(["quota"]));
    assert_eq!(user["login"], before["login"]);
    assert_eq!(user["created_at"], before["created_at"]);
    assert_eq!(api.get(&path).json(), user, "GET shows what PUT answered");
    let again = api.put_json(&path, &json!({"enabled": true, "version": 2}));
    assert_eq!(again.status, 200);
    assert_eq!(again.json()["version"], 3);
    assert_eq!(again.json()["enabled"], true);
}

#[test]
fn stale_version_gets_409_and_changes_nothing() {
    let sim = sim_with_alice();
    let api = Api::login(&sim);
    sim.console_set_enabled(ALICE, false);
    let reply = api.put_json(&user_path(ALICE), &json!({"enabled": true, "version": 1}));
    assert_eq!(reply.status, 409);
    let error = &reply.json()["error"];
    assert_eq!(error["code"], "conflict");
    assert!(error["message"]
        .as_str()
        .is_some_and(|m| m.starts_with("Version mismatch")));
    let stored = sim.user(ALICE).expect("stored");
    assert_eq!(stored["version"], 2);
    assert_eq!(stored["enabled"], false);
}

#[test]
fn put_on_unknown_or_deleted_users_gets_404() {
    let sim = sim_with_alice();
    let api = Api::login(&sim);
    let body = json!({"enabled": false, "version": 1});
    assert_eq!(api.put_json(&user_path(NOBODY), &body).status, 404);
    sim.delete_user(ALICE);
    let deleted = api.put_json(&user_path(ALICE), &json!({"enabled": false, "version": 2}));
    assert_eq!(deleted.status, 404);
    assert_eq!(api.put_json(&user_path("bad-id"), &body).status, 400);
}
