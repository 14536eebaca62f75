//! Batch reads (`GET /api/2/users?uuids=`), the delete rules, and per-endpoint call counts
//! (batch reads apart from tenant listings).

use acronis_sim::{CallCounts, SeedUser};
use serde_json::{json, Value};

use crate::client::{send, Api};
use crate::{sim_with_alice, user_path, ALICE, NOBODY};

const BOB: &str = "b0b00000-0000-4000-8000-000000000002";
const CAROL: &str = "ca201000-0000-4000-8000-000000000003";

fn ids_of(body: &Value) -> Vec<String> {
    body["items"]
        .as_array()
        .expect("items is an array")
        .iter()
        .map(|u| u["id"].as_str().expect("id").to_owned())
        .collect()
}

#[test]
fn batch_read_returns_live_users_among_the_ids() {
    let sim = sim_with_alice();
    sim.add_user(SeedUser::new("bob").with_id(BOB).disabled());
    sim.add_user(SeedUser::new("carol").with_id(CAROL));
    sim.delete_user(CAROL);
    let api = Api::login(&sim);
    let reply = api.get(&format!(
        "/api/2/users?uuids={BOB},{NOBODY},{ALICE},{CAROL}"
    ));
    assert_eq!(reply.status, 200, "{}", reply.text());
    let body = reply.json();
    assert_eq!(ids_of(&body), vec![BOB.to_owned(), ALICE.to_owned()]);
    assert_eq!(body["items"][0]["enabled"], false);
    assert_eq!(body["items"][1]["login"], "alice");
    assert!(body["timestamp"].is_string());
    assert_eq!(body["paging"], json!({"cursors": {}}));
    let calls = sim.calls();
    assert_eq!(
        (calls.batch_users, calls.batch_user_ids, calls.list_users),
        (1, 4, 0),
        "one batch read of four ids, no listing"
    );
}

#[test]
fn batch_read_limits_and_validates_ids() {
    let sim = sim_with_alice();
    let api = Api::login(&sim);
    let many = |n: usize| -> String {
        (0..n)
            .map(|i| format!("00000000-0000-4000-8000-{i:012x}"))
            .collect::<Vec<_>>()
            .join(",")
    };
    let hundred = api.get(&format!("/api/2/users?uuids={}", many(100)));
    assert_eq!(hundred.status, 200);
    assert_eq!(ids_of(&hundred.json()), Vec::<String>::new());
    let too_many = api.get(&format!("/api/2/users?uuids={}", many(101)));
    assert_eq!(too_many.status, 400);
    assert_eq!(too_many.json()["error"]["details"]["field"], "uuids");
    assert_eq!(
        api.get(&format!("/api/2/users?uuids={ALICE},nope")).status,
        400
    );
    for other in ["tenant_id", "subtree_root_tenant_id", "external_ids"] {
        let reply = api.get(&format!(
            "/api/2/users?uuids={ALICE}&{other}={}",
            acronis_sim::DEFAULT_TENANT_ID
        ));
        assert_eq!(reply.status, 400, "uuids with {other}");
        assert_eq!(reply.json()["error"]["details"]["field"], "uuids");
    }
}

#[test]
fn delete_requires_a_disabled_user_and_the_current_version() {
    let sim = sim_with_alice();
    let api = Api::login(&sim);
    let path = user_path(ALICE);
    let enabled = api.delete(&format!("{path}?version=1"));
    assert_eq!(enabled.status, 400);
    assert_eq!(enabled.json()["error"]["code"], 1006);
    assert_eq!(
        enabled.json()["error"]["message"],
        "It is prohibited to delete a non-disabled user."
    );
    let disabled = api.put_json(&path, &json!({"enabled": false, "version": 1}));
    assert_eq!(disabled.json()["version"], 2);
    assert_eq!(api.delete(&path).status, 400, "version is required");
    assert_eq!(api.delete(&format!("{path}?version=two")).status, 400);
    let stale = api.delete(&format!("{path}?version=1"));
    assert_eq!(stale.status, 409);
    assert_eq!(stale.error_code(), "conflict");
    let done = api.delete(&format!("{path}?version=2"));
    assert_eq!(done.status, 204);
    assert!(done.body.is_empty());
    assert_eq!(api.get(&path).status, 404);
    let stored = sim.user(ALICE).expect("soft delete keeps the user");
    assert!(stored["deleted_at"].is_string());
    assert_eq!(api.delete(&format!("{path}?version=3")).status, 404);
    assert_eq!(
        api.delete(&format!("{}?version=1", user_path(NOBODY)))
            .status,
        404
    );
}

#[test]
fn every_request_is_counted_per_endpoint() {
    let sim = sim_with_alice();
    let api = Api::login(&sim);
    let path = user_path(ALICE);
    api.get(&path);
    api.get(&user_path("bad"));
    send(&api.base, "GET", &path, &[], b"").expect("401 answer");
    api.put_json(&path, &json!({"enabled": false, "version": 9}));
    api.get(&format!("/api/2/users?uuids={ALICE}"));
    api.get(&format!("/api/2/users?uuids={ALICE},{NOBODY}"));
    api.get(&format!(
        "/api/2/users?tenant_id={}",
        acronis_sim::DEFAULT_TENANT_ID
    ));
    api.get(&format!(
        "/api/2/tenants/{}",
        acronis_sim::DEFAULT_TENANT_ID
    ));
    api.delete(&format!("{path}?version=1"));
    api.delete(&format!("{path}?version=1"));
    assert_eq!(
        sim.calls(),
        CallCounts {
            token: 1,
            get_user: 3,
            put_user: 1,
            list_users: 1,
            batch_users: 2,
            delete_user: 2,
            tenant_users: 0,
            get_tenant: 1,
            batch_user_ids: 3,
        }
    );
    sim.reset_calls();
    assert_eq!(sim.calls(), CallCounts::default());
    api.get("/api/2/nothing-here");
    assert_eq!(sim.calls().total(), 0, "unknown routes are not counted");
}
