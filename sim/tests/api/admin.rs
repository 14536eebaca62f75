//! The admin API and the library helpers: creating users, console edits, soft delete and
//! purge, call counters, token policy, and the API-shaped 404 for unknown routes.

use std::time::Duration;

use acronis_sim::{SeedUser, SimConfig, Simulator};
use serde_json::json;

use crate::client::{admin, token_with_basic, Api};
use crate::{sim_with_alice, user_path, ALICE, NOBODY};

const DAVE: &str = "da7e0000-0000-4000-8000-000000000004";
const TENANT: &str = "7e4a0700-0000-4000-8000-000000000005";

#[test]
fn admin_creates_users_with_given_or_generated_ids() {
    let sim = Simulator::start(SimConfig::default()).expect("starts");
    let full = json!({"id": DAVE, "login": "dave", "enabled": false, "tenant_id": TENANT,
                      "email": "d@x.example", "firstname": "Dave", "lastname": "Jones",
                      "version": 7, "activated": false});
    let created = admin(&sim, "POST", "/admin/users", Some(&full));
    assert_eq!(created.status, 201, "{}", created.text());
    let user = created.json();
    assert_eq!(user["id"], DAVE);
    assert_eq!(user["version"], 7);
    assert_eq!(user["enabled"], false);
    assert_eq!(user["activated"], false);
    assert_eq!(user["tenant_id"], TENANT);
    assert_eq!(user["contact"]["email"], "d@x.example");
    assert_eq!(user["contact"]["firstname"], "Dave");
    assert_eq!(user["contact"]["lastname"], "Jones");
    let minimal = admin(&sim, "POST", "/admin/users", Some(&json!({"login": "eve"}))).json();
    let id = minimal["id"].as_str().expect("generated id");
    assert!(acronis_sim::is_valid_user_id(id));
    assert_eq!(
        (
            minimal["enabled"].as_bool(),
            minimal["activated"].as_bool(),
            minimal["version"].as_i64()
        ),
        (Some(true), Some(true), Some(1))
    );
    let api = Api::login(&sim);
    assert_eq!(api.get(&user_path(id)).json()["login"], "eve");
    assert_eq!(api.get(&user_path(DAVE)).json()["activated"], false);
    let duplicate = admin(
        &sim,
        "POST",
        "/admin/users",
        Some(&json!({"id": DAVE, "login": "d2"})),
    );
    assert_eq!(duplicate.status, 409);
    for bad in [
        json!({"id": "nope", "login": "x"}),
        json!({"enabled": true}),
        json!({"login": "x", "role": "admin"}),
    ] {
        assert_eq!(
            admin(&sim, "POST", "/admin/users", Some(&bad)).status,
            400,
            "{bad}"
        );
    }
    let all = admin(&sim, "GET", "/admin/users", None).json();
    assert_eq!(all.as_array().map(Vec::len), Some(2));
}

#[test]
fn console_edits_bump_the_version_once_each() {
    let sim = sim_with_alice();
    let path = format!("/admin/users/{ALICE}");
    let disabled = admin(&sim, "PATCH", &path, Some(&json!({"enabled": false}))).json();
    assert_eq!(
        (disabled["enabled"].as_bool(), disabled["version"].as_i64()),
        (Some(false), Some(2))
    );
    let bumped = admin(&sim, "PATCH", &path, Some(&json!({"bump": true}))).json();
    assert_eq!(bumped["version"], 3);
    assert_eq!(bumped["enabled"], false);
    let contact = admin(
        &sim,
        "PATCH",
        &path,
        Some(&json!({"contact": {"city": "Basel"}, "lastname": "Smith"})),
    )
    .json();
    assert_eq!(contact["version"], 4);
    assert_eq!(contact["contact"]["city"], "Basel");
    assert_eq!(contact["contact"]["lastname"], "Smith");
    assert_eq!(admin(&sim, "PATCH", &path, Some(&json!({}))).status, 400);
    let unknown_contact = json!({"contact": {"fax": "1"}});
    assert_eq!(
        admin(&sim, "PATCH", &path, Some(&unknown_contact)).status,
        400
    );
    let missing = format!("/admin/users/{NOBODY}");
    assert_eq!(
        admin(&sim, "PATCH", &missing, Some(&json!({"bump": true}))).status,
        404
    );
    sim.console_set_enabled(ALICE, true);
    sim.console_bump(ALICE);
    let stored = sim.user(ALICE).expect("stored");
    assert_eq!(
        (stored["enabled"].as_bool(), stored["version"].as_i64()),
        (Some(true), Some(6))
    );
    assert_eq!(sim.calls().total(), 0, "admin calls are not API calls");
}

#[test]
fn admin_delete_is_soft_and_purge_is_final() {
    let sim = sim_with_alice();
    let path = format!("/admin/users/{ALICE}");
    let deleted = admin(&sim, "DELETE", &path, None);
    assert_eq!(deleted.status, 200);
    assert!(
        deleted.json()["deleted_at"].is_string(),
        "deleted although enabled"
    );
    let stored = admin(&sim, "GET", &path, None);
    assert_eq!(stored.status, 200);
    assert_eq!(stored.json()["enabled"], true);
    assert_eq!(stored.json()["version"], 2);
    let api = Api::login(&sim);
    assert_eq!(api.get(&user_path(ALICE)).status, 404);
    assert_eq!(
        admin(&sim, "DELETE", &path, None).status,
        404,
        "already deleted"
    );
    assert_eq!(
        admin(&sim, "POST", &format!("{path}/purge"), None).status,
        204
    );
    assert_eq!(admin(&sim, "GET", &path, None).status, 404);
    assert!(sim.user(ALICE).is_none());
    assert_eq!(
        api.get(&format!("{}?allow_deleted=true", user_path(ALICE)))
            .status,
        404
    );
}

#[test]
fn admin_reads_and_resets_call_counts() {
    let sim = sim_with_alice();
    let api = Api::login(&sim);
    api.get(&user_path(ALICE));
    let calls = admin(&sim, "GET", "/admin/calls", None).json();
    assert_eq!(
        calls,
        json!({"token": 1, "get_user": 1, "put_user": 0, "list_users": 0, "batch_users": 0,
               "delete_user": 0, "tenant_users": 0, "get_tenant": 0, "batch_user_ids": 0})
    );
    let reset = admin(&sim, "POST", "/admin/calls/reset", None);
    assert_eq!(reset.status, 200);
    assert_eq!(sim.calls().total(), 0);
}

#[test]
fn admin_sets_token_ttl_expiry_fields_and_revokes() {
    let sim = sim_with_alice();
    let ttl = admin(
        &sim,
        "POST",
        "/admin/token-ttl",
        Some(&json!({"seconds": 42})),
    );
    assert_eq!(ttl.status, 200);
    let token = token_with_basic(&sim.base_url(), "sim-client", "sim-secret").json();
    assert_eq!(token["expires_in"], 42);
    let fields = json!({"expiry_fields": "neither"});
    assert_eq!(
        admin(&sim, "POST", "/admin/expiry-fields", Some(&fields)).status,
        200
    );
    let token = token_with_basic(&sim.base_url(), "sim-client", "sim-secret").json();
    assert!(token.get("expires_in").is_none() && token.get("expires_on").is_none());
    let api = Api::login(&sim);
    assert_eq!(
        admin(&sim, "POST", "/admin/tokens/revoke", None).status,
        204
    );
    assert_eq!(api.get(&user_path(ALICE)).status, 401);
    sim.set_token_ttl(Duration::from_secs(7_200));
}

#[test]
fn unknown_routes_get_an_api_shaped_404() {
    let sim = sim_with_alice();
    let reply = admin(&sim, "GET", "/api/2/tenants", None);
    assert_eq!(reply.status, 404);
    assert_eq!(reply.json()["error"]["domain"], "PlatformAccountServer");
}

#[test]
#[should_panic(expected = "already exists")]
fn adding_a_duplicate_user_panics_in_the_helper() {
    let sim = sim_with_alice();
    sim.add_user(SeedUser::new("again").with_id(ALICE));
}

#[test]
fn bad_seed_users_make_start_fail() {
    let err = Simulator::start(SimConfig {
        users: vec![SeedUser::new("x").with_id("NOT-A-UUID")],
        ..SimConfig::default()
    })
    .expect_err("invalid seed");
    assert_eq!(err.kind(), std::io::ErrorKind::InvalidInput);
}
