//! A tenant's users: `GET /api/2/tenants/{id}/users` (ids) and `GET /api/2/users?tenant_id=`
//! (paged user objects), known tenants against unknown ones, and tenant seeding.

use acronis_sim::{Endpoint, Fault, SeedTenant, SimConfig, Simulator};
use serde_json::{json, Value};

use crate::client::{admin, Api};
use crate::{sim_with_alice, ALICE};

const TENANT: &str = "7e4a0700-0000-4000-8000-000000000005";
const EMPTY: &str = "7e4a0700-0000-4000-8000-000000000006";
const UNKNOWN: &str = "7e4a0700-0000-4000-8000-000000000007";

fn ids(items: &Value) -> Vec<String> {
    items
        .as_array()
        .expect("items")
        .iter()
        .map(|item| {
            item.as_str()
                .or(item["id"].as_str())
                .expect("id")
                .to_owned()
        })
        .collect()
}

/// Percent-encodes a cursor for a query (it is base64: `+`, `/` and `=` need it).
fn encoded(cursor: &str) -> String {
    cursor
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

#[test]
fn a_tenant_lists_the_ids_of_its_own_live_users() {
    let sim = sim_with_alice();
    let created = sim.add_tenant(TENANT, 3);
    sim.delete_user(&created[1]);
    let api = Api::login(&sim);
    let reply = api.get(&format!("/api/2/tenants/{TENANT}/users"));
    assert_eq!(reply.status, 200, "{}", reply.text());
    assert_eq!(
        ids(&reply.json()["items"]),
        vec![created[0].clone(), created[2].clone()]
    );
    let alice_tenant = sim.user(ALICE).expect("alice")["tenant_id"].clone();
    let own = api.get(&format!(
        "/api/2/tenants/{}/users",
        alice_tenant.as_str().expect("id")
    ));
    assert_eq!(ids(&own.json()["items"]), vec![ALICE.to_owned()]);
    assert_eq!(sim.calls().tenant_users, 2);
}

#[test]
fn an_unknown_tenant_is_404_and_an_empty_one_is_empty() {
    let sim = Simulator::start(SimConfig {
        tenants: vec![SeedTenant::new(EMPTY, 0)],
        ..SimConfig::default()
    })
    .expect("starts");
    let api = Api::login(&sim);
    let empty = api.get(&format!("/api/2/tenants/{EMPTY}/users"));
    assert_eq!(
        (empty.status, empty.json()["items"].clone()),
        (200, json!([]))
    );
    let paged = api.get(&format!("/api/2/users?tenant_id={EMPTY}"));
    assert_eq!(paged.json()["items"], json!([]));
    assert_eq!(paged.json()["paging"]["cursors"], json!({}));
    for path in [
        format!("/api/2/tenants/{UNKNOWN}/users"),
        format!("/api/2/users?tenant_id={UNKNOWN}"),
    ] {
        let reply = api.get(&path);
        assert_eq!(reply.status, 404, "{path}");
        assert_eq!(reply.json()["error"]["domain"], "PlatformAccountServer");
        assert!(reply.json()["error"]["message"]
            .as_str()
            .is_some_and(|m| m.contains(UNKNOWN)));
    }
    let malformed = api.get("/api/2/tenants/Tenant-1/users");
    assert_eq!(malformed.status, 400);
    assert_eq!(malformed.json()["error"]["details"]["field"], "tenant_id");
}

#[test]
fn tenant_listings_page_by_cursor_until_none_is_given() {
    let sim = sim_with_alice();
    let created = sim.add_tenant(TENANT, 250);
    let api = Api::login(&sim);
    let mut seen = Vec::new();
    let mut path = format!("/api/2/users?tenant_id={TENANT}");
    let mut pages = 0;
    loop {
        let page = api.get(&path).json();
        pages += 1;
        seen.extend(ids(&page["items"]));
        match page["paging"]["cursors"]["after"].as_str() {
            Some(cursor) => {
                path = format!("/api/2/users?tenant_id={TENANT}&after={}", encoded(cursor))
            }
            None => break,
        }
    }
    assert_eq!(pages, 3, "100 + 100 + 50");
    assert_eq!(seen, created);
    assert_eq!(sim.calls().list_users, 3);
    assert_eq!(sim.calls().batch_users, 0, "a listing is not a batch read");

    let small = api
        .get(&format!("/api/2/users?tenant_id={TENANT}&limit=249"))
        .json();
    assert_eq!(ids(&small["items"]).len(), 249);
    assert!(small["paging"]["cursors"]["after"].is_string());
    let all = api
        .get(&format!("/api/2/users?tenant_id={TENANT}&limit=250"))
        .json();
    assert_eq!(
        all["paging"]["cursors"],
        json!({}),
        "no cursor when nothing remains"
    );
    for bad in [
        "limit=0",
        "limit=1001",
        "after=not-a-cursor",
        &format!("after={ALICE}"),
    ] {
        let reply = api.get(&format!("/api/2/users?tenant_id={TENANT}&{bad}"));
        assert_eq!(reply.status, 400, "{bad}");
    }
}

#[test]
fn tenant_listings_pass_the_fault_gate() {
    let sim = sim_with_alice();
    sim.add_tenant(TENANT, 1);
    let api = Api::login(&sim);
    sim.inject(Fault::status(Endpoint::TenantUsers, 503));
    sim.inject(Fault::status(Endpoint::ListUsers, 503));
    assert_eq!(
        api.get(&format!("/api/2/tenants/{TENANT}/users")).status,
        503
    );
    assert_eq!(
        api.get(&format!("/api/2/tenants/{TENANT}/users")).status,
        200
    );
    assert_eq!(
        api.get(&format!("/api/2/users?tenant_id={TENANT}")).status,
        503
    );
    assert_eq!(
        api.get(&format!("/api/2/users?tenant_id={TENANT}")).status,
        200
    );
    assert_eq!((sim.calls().tenant_users, sim.calls().list_users), (2, 2));
    sim.revoke_tokens();
    assert_eq!(
        api.get(&format!("/api/2/tenants/{TENANT}/users")).status,
        401
    );
}

#[test]
fn tenants_are_seeded_through_the_admin_api() {
    let sim = Simulator::start(SimConfig::default()).expect("starts");
    let created = admin(
        &sim,
        "POST",
        "/admin/tenants",
        Some(&json!({"id": TENANT, "users": 2})),
    );
    assert_eq!(created.status, 201, "{}", created.text());
    assert_eq!(created.json()["users"].as_array().map(Vec::len), Some(2));
    let empty = admin(&sim, "POST", "/admin/tenants", Some(&json!({"id": EMPTY})));
    assert_eq!(empty.status, 201);
    let bad = admin(&sim, "POST", "/admin/tenants", Some(&json!({"id": "nope"})));
    assert_eq!(bad.status, 400);
    let listed = admin(&sim, "GET", "/admin/tenants", None).json();
    assert_eq!(listed, json!([TENANT, EMPTY]));
    let api = Api::login(&sim);
    let users = api.get(&format!("/api/2/users?tenant_id={TENANT}")).json();
    let items = users["items"].as_array().expect("items");
    let mut logins: Vec<&str> = items.iter().filter_map(|u| u["login"].as_str()).collect();
    logins.sort_unstable();
    assert_eq!(logins, ["user001", "user002"]);
    assert!(items.iter().all(|u| u["tenant_id"] == TENANT));
}
