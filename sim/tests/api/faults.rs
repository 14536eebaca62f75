//! Injected faults over the wire: error statuses with `Retry-After`, dropped connections,
//! garbage bodies, latency (per fault and global), `any` targets, the out-of-band bump
//! between a client's read and its write, and users left out of batch answers.

use std::time::{Duration, Instant};

use acronis_sim::{Endpoint, Fault, FaultKind, FaultTarget, PendingHide, SeedUser};
use serde_json::{json, Value};

use crate::client::{admin, send, token_with_basic, Api};
use crate::{sim_with_alice, user_path, ALICE, NOBODY};

const BOB: &str = "b0b00000-0000-4000-8000-000000000002";

/// The ids in a batch answer, in order.
fn batch(api: &Api, ids: &[&str]) -> Vec<String> {
    let reply = api.get(&format!("/api/2/users?uuids={}", ids.join(",")));
    assert_eq!(reply.status, 200, "{}", reply.text());
    reply.json()["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|user| user["id"].as_str().expect("id").to_owned())
        .collect()
}

fn remaining_hides(sim: &acronis_sim::Simulator) -> Vec<PendingHide> {
    sim.faults().hidden_from_batches
}

#[test]
fn status_faults_answer_api_errors_with_retry_after_then_clear() {
    let sim = sim_with_alice();
    let api = Api::login(&sim);
    sim.inject(
        Fault::status(Endpoint::GetUser, 503)
            .times(2)
            .with_retry_after("1"),
    );
    for _ in 0..2 {
        let reply = api.get(&user_path(ALICE));
        assert_eq!(reply.status, 503);
        assert_eq!(reply.header("retry-after"), Some("1"));
        let error = &reply.json()["error"];
        assert_eq!(error["code"], "service_unavailable");
        assert_eq!(error["domain"], "PlatformAccountServer");
    }
    assert_eq!(api.get(&user_path(ALICE)).status, 200);
    assert_eq!(sim.calls().get_user, 3);
    let view = sim.faults();
    assert!(view.faults.is_empty());
    assert_eq!(view.consumed, 2);
}

#[test]
fn faults_hit_only_their_endpoint_and_come_before_auth() {
    let sim = sim_with_alice();
    let api = Api::login(&sim);
    sim.inject(Fault::status(Endpoint::PutUser, 500));
    assert_eq!(api.get(&user_path(ALICE)).status, 200);
    let unauthenticated = send(&api.base, "PUT", &user_path(ALICE), &[], b"").expect("answer");
    assert_eq!(unauthenticated.status, 500);
    assert_eq!(unauthenticated.error_code(), "internal_server_error");
    assert_eq!(sim.calls().put_user, 1);
}

#[test]
fn token_faults_use_the_oauth_shape() {
    let sim = sim_with_alice();
    sim.inject(Fault::status(Endpoint::Token, 429).with_retry_after("2"));
    let reply = token_with_basic(&sim.base_url(), "sim-client", "sim-secret");
    assert_eq!(reply.status, 429);
    assert_eq!(reply.header("retry-after"), Some("2"));
    assert_eq!(reply.json()["error"], "too_many_requests");
    assert!(reply.json()["error_description"].is_string());
    assert_eq!(
        token_with_basic(&sim.base_url(), "sim-client", "sim-secret").status,
        200
    );
    assert_eq!(sim.calls().token, 2);
}

#[test]
fn drop_faults_close_the_connection_without_answer() {
    let sim = sim_with_alice();
    let api = Api::login(&sim);
    sim.inject(Fault::drop_connection(Endpoint::GetUser).times(2));
    for _ in 0..2 {
        let err = api.try_get(&user_path(ALICE)).expect_err("no answer");
        assert!(
            matches!(
                err.kind(),
                std::io::ErrorKind::UnexpectedEof | std::io::ErrorKind::ConnectionReset
            ),
            "{err:?}"
        );
    }
    assert_eq!(api.get(&user_path(ALICE)).status, 200);
    assert_eq!(sim.calls().get_user, 3);
}

#[test]
fn garbage_faults_answer_html() {
    let sim = sim_with_alice();
    let api = Api::login(&sim);
    sim.inject(Fault::garbage(Endpoint::BatchUsers));
    sim.inject(Fault::garbage(Endpoint::BatchUsers).with_status(200));
    let path = format!("/api/2/users?uuids={ALICE}");
    let bad_gateway = api.get(&path);
    assert_eq!(bad_gateway.status, 502);
    assert!(bad_gateway
        .header("content-type")
        .is_some_and(|ct| ct.starts_with("text/html")));
    assert!(serde_json::from_slice::<serde_json::Value>(&bad_gateway.body).is_err());
    assert!(bad_gateway.text().contains("<html>"));
    let ok_but_html = api.get(&path);
    assert_eq!(ok_but_html.status, 200);
    assert!(serde_json::from_slice::<serde_json::Value>(&ok_but_html.body).is_err());
    assert_eq!(api.get(&path).json()["items"][0]["id"], ALICE);
}

#[test]
fn oversized_faults_answer_a_9_mib_json_body() {
    let sim = sim_with_alice();
    let api = Api::login(&sim);
    sim.inject(Fault::oversized(Endpoint::GetUser));
    let reply = api.get(&user_path(ALICE));
    assert_eq!(reply.status, 200);
    assert!(reply.body.len() >= acronis_sim::OVERSIZED_BODY_BYTES);
    assert_eq!(reply.json()["items"], serde_json::json!([]));
    assert_eq!(api.get(&user_path(ALICE)).json()["id"], ALICE);
}

#[test]
fn latency_faults_and_global_latency_delay_answers() {
    let sim = sim_with_alice();
    let api = Api::login(&sim);
    let path = user_path(ALICE);
    let timed = |api: &Api| {
        let start = Instant::now();
        let reply = api.get(&path);
        (reply.status, start.elapsed())
    };
    sim.inject(Fault::latency(
        Endpoint::GetUser,
        Duration::from_millis(300),
    ));
    let (status, slow) = timed(&api);
    assert_eq!(status, 200, "latency faults still serve the request");
    assert!(slow >= Duration::from_millis(300), "{slow:?}");
    // The fault is used up by the one request: the next is served without it.
    let used = sim.faults();
    assert!(used.faults.is_empty(), "{used:?}");
    assert_eq!(used.consumed, 1);
    assert_eq!(timed(&api).0, 200);
    assert_eq!(sim.faults().consumed, 1, "no fault hit the next request");
    sim.set_latency(Duration::from_millis(200));
    for _ in 0..2 {
        let (status, delayed) = timed(&api);
        assert_eq!(status, 200);
        assert!(delayed >= Duration::from_millis(200), "{delayed:?}");
    }
    sim.clear_faults();
    assert_eq!(
        sim.faults().latency_ms,
        0,
        "clearing drops the global latency"
    );
}

#[test]
fn any_target_hits_whatever_comes_next() {
    let sim = sim_with_alice();
    let api = Api::login(&sim);
    sim.inject(Fault::status(FaultTarget::Any, 502));
    let reply = api.put_json(&user_path(ALICE), &json!({"enabled": false, "version": 1}));
    assert_eq!(reply.status, 502);
    assert_eq!(sim.user(ALICE).expect("stored")["version"], 1);
    assert_eq!(api.get(&user_path(ALICE)).status, 200);
}

#[test]
fn bump_between_read_and_write_makes_the_put_conflict() {
    let sim = sim_with_alice();
    let api = Api::login(&sim);
    let path = user_path(ALICE);
    let version = api.get(&path).json()["version"].as_i64().expect("version");
    sim.bump_between_read_and_write(ALICE, 1);
    let conflict = api.put_json(&path, &json!({"enabled": false, "version": version}));
    assert_eq!(conflict.status, 409);
    let reread = api.get(&path).json();
    assert_eq!(reread["version"], version + 1);
    assert_eq!(reread["enabled"], true);
    let retried = api.put_json(&path, &json!({"enabled": false, "version": version + 1}));
    assert_eq!(retried.status, 200);
    assert_eq!(retried.json()["version"], version + 2);
    assert_eq!(sim.faults().consumed, 1);
}

#[test]
fn faults_are_booked_listed_and_cleared_over_the_admin_api() {
    let sim = sim_with_alice();
    let api = Api::login(&sim);
    let booked = admin(
        &sim,
        "POST",
        "/admin/faults",
        Some(
            &json!({"endpoint": "get_user", "status": 503, "count": 2, "retry_after": "1",
                     "latency_ms": 0, "kind": "status"}),
        ),
    );
    assert_eq!(booked.status, 200, "{}", booked.text());
    assert_eq!(booked.json()["faults"][0]["count"], 2);
    assert_eq!(api.get(&user_path(ALICE)).status, 503);
    let listed = admin(&sim, "GET", "/admin/faults", None).json();
    assert_eq!(listed["faults"][0]["count"], 1);
    assert_eq!(listed["consumed"], 1);
    let drop = json!({"endpoint": "any", "kind": "drop"});
    assert_eq!(
        admin(&sim, "POST", "/admin/faults", Some(&drop)).status,
        200
    );
    assert_eq!(sim.faults().faults[1].kind, FaultKind::Drop);
    let cleared = admin(&sim, "DELETE", "/admin/faults", None).json();
    assert_eq!(cleared["faults"], json!([]));
    assert_eq!(api.get(&user_path(ALICE)).status, 200);
    for bad in [
        json!({"endpoint": "users"}),
        json!({"endpoint": "get_user", "count": 0}),
        json!({"endpoint": "get_user", "status": 99}),
        json!({"endpoint": "get_user", "kind": "latency"}),
        json!({"endpoint": "get_user", "colour": "red"}),
    ] {
        assert_eq!(
            admin(&sim, "POST", "/admin/faults", Some(&bad)).status,
            400,
            "{bad}"
        );
    }
    let bump = json!({"user_id": ALICE, "count": 1});
    let bumped = admin(
        &sim,
        "POST",
        "/admin/faults/bump-between-read-and-write",
        Some(&bump),
    );
    assert_eq!(bumped.json()["bumps"][0]["user_id"], ALICE);
    let conflict = api.put_json(&user_path(ALICE), &json!({"enabled": false, "version": 1}));
    assert_eq!(conflict.status, 409);
    let latency = admin(
        &sim,
        "POST",
        "/admin/latency",
        Some(&json!({"latency_ms": 150})),
    );
    assert_eq!(latency.json()["latency_ms"], 150);
    let start = Instant::now();
    assert_eq!(api.get(&user_path(ALICE)).status, 200);
    assert!(start.elapsed() >= Duration::from_millis(150));
}

#[test]
fn lost_responses_apply_the_change_but_answer_nothing() {
    let sim = sim_with_alice();
    let api = Api::login(&sim);
    let version = api.get(&user_path(ALICE)).json()["version"]
        .as_i64()
        .expect("version");
    sim.inject(Fault::lose_response(Endpoint::PutUser));
    let body = serde_json::json!({"enabled": false, "version": version}).to_string();
    let err = send(
        &sim.base_url(),
        "PUT",
        &user_path(ALICE),
        &[
            (
                "Authorization",
                &format!("Bearer {}", sim.issued_tokens()[0]),
            ),
            ("Content-Type", "application/json"),
        ],
        body.as_bytes(),
    )
    .expect_err("no answer");
    assert!(
        matches!(
            err.kind(),
            std::io::ErrorKind::UnexpectedEof | std::io::ErrorKind::ConnectionReset
        ),
        "{err:?}"
    );
    let user = api.get(&user_path(ALICE)).json();
    assert_eq!(user["enabled"], false, "the change was made");
    assert_eq!(user["version"], version + 1);
    assert_eq!(sim.issued_tokens().len(), 1);
}

#[test]
fn batch_faults_hit_batch_reads_and_not_tenant_listings() {
    let sim = sim_with_alice();
    let api = Api::login(&sim);
    sim.inject(Fault::status(Endpoint::BatchUsers, 503).times(1));
    let listing = format!(
        "/api/2/users?subtree_root_tenant_id={}",
        acronis_sim::DEFAULT_TENANT_ID
    );
    assert_eq!(api.get(&listing).status, 200, "a listing passes");
    assert_eq!(api.get(&user_path(ALICE)).status, 200);
    let batch_path = format!("/api/2/users?uuids={ALICE}");
    assert_eq!(api.get(&batch_path).status, 503);
    assert_eq!(api.get(&batch_path).status, 200, "used up");
    let by_name = json!({"endpoint": "batch_users", "status": 429, "retry_after": 1});
    assert_eq!(
        admin(&sim, "POST", "/admin/faults", Some(&by_name)).status,
        200
    );
    assert_eq!(api.get(&listing).status, 200);
    let limited = api.get(&batch_path);
    assert_eq!(limited.status, 429);
    assert_eq!(limited.header("retry-after"), Some("1"));
    let calls = sim.calls();
    assert_eq!((calls.batch_users, calls.list_users), (3, 2));
    assert_eq!(sim.faults().consumed, 2);
}

#[test]
fn hidden_users_are_left_out_of_batch_answers_but_still_read_alone() {
    let sim = sim_with_alice();
    sim.add_user(SeedUser::new("bob").with_id(BOB));
    let api = Api::login(&sim);
    sim.hide_from_batches(ALICE, 2);
    assert_eq!(batch(&api, &[ALICE, BOB]), vec![BOB.to_owned()]);
    assert_eq!(
        remaining_hides(&sim),
        vec![PendingHide {
            user_id: ALICE.to_owned(),
            times: 1
        }]
    );
    let alone = api.get(&user_path(ALICE));
    assert_eq!(alone.status, 200, "the single read still serves it");
    assert_eq!(alone.json()["id"], ALICE);
    assert_eq!(
        batch(&api, &[BOB, NOBODY]),
        vec![BOB.to_owned()],
        "an answer without the user uses nothing up"
    );
    assert_eq!(remaining_hides(&sim)[0].times, 1);
    assert_eq!(batch(&api, &[ALICE]), Vec::<String>::new());
    assert!(remaining_hides(&sim).is_empty());
    assert_eq!(
        batch(&api, &[ALICE, BOB]),
        vec![ALICE.to_owned(), BOB.to_owned()]
    );
    assert_eq!(sim.faults().consumed, 2, "one per answer that left it out");
}

#[test]
fn hides_are_booked_over_the_admin_api_and_cleared() {
    let sim = sim_with_alice();
    let api = Api::login(&sim);
    let hide = |body: Value| admin(&sim, "POST", "/admin/faults/hide-from-batches", Some(&body));
    let booked = hide(json!({"user_id": ALICE}));
    assert_eq!(booked.status, 200, "{}", booked.text());
    assert_eq!(
        booked.json()["hidden_from_batches"],
        json!([{"user_id": ALICE, "times": 1}]),
        "times defaults to 1"
    );
    assert_eq!(
        hide(json!({"user_id": ALICE, "times": 2})).json()["hidden_from_batches"][0]["times"],
        3
    );
    assert_eq!(hide(json!({"user_id": NOBODY})).status, 404);
    assert_eq!(hide(json!({"user_id": ALICE, "times": 0})).status, 400);
    assert_eq!(hide(json!({"user_id": ALICE, "count": 1})).status, 400);
    assert_eq!(hide(json!({})).status, 400);
    let listed = admin(&sim, "GET", "/admin/faults", None).json();
    assert_eq!(listed["hidden_from_batches"][0]["times"], 3);
    assert_eq!(batch(&api, &[ALICE]), Vec::<String>::new());
    let cleared = admin(&sim, "DELETE", "/admin/faults", None).json();
    assert_eq!(cleared["hidden_from_batches"], json!([]));
    assert_eq!(batch(&api, &[ALICE]), vec![ALICE.to_owned()]);
    assert_eq!(sim.faults().consumed, 1);
}

#[test]
#[should_panic(expected = "not found")]
fn hiding_an_unknown_user_panics_in_the_helper() {
    sim_with_alice().hide_from_batches(NOBODY, 1);
}

#[test]
fn malformed_items_spoil_only_their_own_batch_item() {
    let sim = sim_with_alice();
    let bob = sim.add_user(SeedUser::new("bob"));
    let bob = bob["id"].as_str().expect("id").to_owned();
    sim.malform_in_batches(ALICE, 1);
    let api = Api::login(&sim);
    let batch = api.get(&format!("/api/2/users?uuids={ALICE},{bob}&lod=basic"));
    assert_eq!(batch.status, 200);
    let items = batch.json()["items"].clone();
    let version_of = |id: &str| {
        items
            .as_array()
            .and_then(|items| items.iter().find(|i| i["id"] == id))
            .map(|item| item["version"].clone())
    };
    assert_eq!(version_of(ALICE), Some(json!("v1")), "not a number");
    assert_eq!(version_of(&bob), Some(json!(1)));
    assert_eq!(
        api.get(&user_path(ALICE)).json()["version"],
        1,
        "its own address is fine"
    );
    let again = api.get(&format!("/api/2/users?uuids={ALICE}")).json();
    assert_eq!(again["items"][0]["version"], 1, "used up");
    let by_admin = json!({"user_id": ALICE, "times": 2});
    let view = admin(
        &sim,
        "POST",
        "/admin/faults/malformed-in-batches",
        Some(&by_admin),
    );
    assert_eq!(
        view.json()["malformed_in_batches"],
        json!([{"user_id": ALICE, "times": 2}])
    );
    let unknown = json!({"user_id": NOBODY});
    let refused = admin(
        &sim,
        "POST",
        "/admin/faults/malformed-in-batches",
        Some(&unknown),
    );
    assert_eq!(refused.status, 404);
}

#[test]
fn an_absent_batch_endpoint_answers_404_until_cleared_and_is_counted() {
    let sim = sim_with_alice();
    let api = Api::login(&sim);
    sim.set_batch_endpoint_absent(true);
    let batch = api.get(&format!("/api/2/users?uuids={ALICE}"));
    assert_eq!(batch.status, 404);
    assert_eq!(batch.json()["error"]["domain"], "PlatformAccountServer");
    assert_eq!(
        api.get("/api/2/users").status,
        404,
        "listings too: GET /users is absent"
    );
    assert_eq!(
        api.get(&user_path(ALICE)).status,
        200,
        "single reads still work"
    );
    assert_eq!((sim.calls().batch_users, sim.calls().list_users), (1, 1));
    assert!(sim.faults().batch_endpoint_absent);
    assert_eq!(sim.faults().consumed, 2);
    sim.clear_faults();
    assert_eq!(api.get(&format!("/api/2/users?uuids={ALICE}")).status, 200);
    let by_admin = admin(
        &sim,
        "POST",
        "/admin/faults/batch-endpoint-absent",
        Some(&json!({})),
    );
    assert_eq!(by_admin.json()["batch_endpoint_absent"], true);
    assert_eq!(api.get(&format!("/api/2/users?uuids={ALICE}")).status, 404);
    let back = json!({"absent": false});
    admin(
        &sim,
        "POST",
        "/admin/faults/batch-endpoint-absent",
        Some(&back),
    );
    assert_eq!(api.get(&format!("/api/2/users?uuids={ALICE}")).status, 200);
}
