//! Tenants and their users: `GET /api/2/tenants/{id}` (the tenant), `GET
//! /api/2/tenants/{id}/users` (ids, nested tenants by flag) and `GET /api/2/users` listings
//! (`tenant_id` no filter, `subtree_root_tenant_id` a tree filter, paged), known tenants against
//! unknown ones, and tenant seeding.

use acronis_sim::{Endpoint, Fault, SeedTenant, SimConfig, Simulator, TenantKind};
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
    let second = created
        .iter()
        .find(|id| sim.user(id).is_some_and(|u| u["login"] == "user002"))
        .expect("user002");
    sim.delete_user(second);
    let api = Api::login(&sim);
    let reply = api.get(&format!("/api/2/tenants/{TENANT}/users"));
    assert_eq!(reply.status, 200, "{}", reply.text());
    let logins = |ids: Vec<String>| -> Vec<String> {
        ids.iter()
            .map(|id| {
                sim.user(id).expect("stored")["login"]
                    .as_str()
                    .expect("login")
                    .to_owned()
            })
            .collect()
    };
    assert_eq!(
        logins(ids(&reply.json()["items"])),
        ["user001", "user003"],
        "by name"
    );
    let reversed = api.get(&format!("/api/2/tenants/{TENANT}/users?order=-login"));
    assert_eq!(
        logins(ids(&reversed.json()["items"])),
        ["user003", "user001"]
    );
    let deleted = api.get(&format!("/api/2/tenants/{TENANT}/users?allow_deleted=true"));
    assert_eq!(ids(&deleted.json()["items"]).len(), 3);
    for bad in [
        "order=colour",
        "include_grand_children=yes",
        "include_hidden=2",
    ] {
        let reply = api.get(&format!("/api/2/tenants/{TENANT}/users?{bad}"));
        assert_eq!(reply.status, 400, "{bad}");
    }
    let alice_tenant = sim.user(ALICE).expect("alice")["tenant_id"].clone();
    let own = api.get(&format!(
        "/api/2/tenants/{}/users",
        alice_tenant.as_str().expect("id")
    ));
    assert_eq!(ids(&own.json()["items"]), vec![ALICE.to_owned()]);
    assert_eq!(sim.calls().tenant_users, 7);
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
    let paged = api.get(&format!("/api/2/users?subtree_root_tenant_id={EMPTY}"));
    assert_eq!(paged.json()["items"], json!([]));
    assert_eq!(paged.json()["paging"]["cursors"], json!({}));
    for path in [
        format!("/api/2/tenants/{UNKNOWN}/users"),
        format!("/api/2/users?subtree_root_tenant_id={UNKNOWN}"),
        format!("/api/2/tenants/{UNKNOWN}"),
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
    let mut path = format!("/api/2/users?subtree_root_tenant_id={TENANT}&limit=100");
    let mut pages = 0;
    loop {
        let page = api.get(&path).json();
        pages += 1;
        seen.extend(ids(&page["items"]));
        match page["paging"]["cursors"]["after"].as_str() {
            Some(cursor) => {
                // The cursor carries the filter and the page size: it is sent alone.
                path = format!("/api/2/users?after={}", encoded(cursor))
            }
            None => break,
        }
    }
    assert_eq!(pages, 3, "100 + 100 + 50");
    assert_eq!(seen, created);
    assert_eq!(sim.calls().list_users, 3);
    assert_eq!(sim.calls().batch_users, 0, "a listing is not a batch read");

    let small = api
        .get(&format!(
            "/api/2/users?subtree_root_tenant_id={TENANT}&limit=249"
        ))
        .json();
    assert_eq!(ids(&small["items"]).len(), 249);
    assert!(small["paging"]["cursors"]["after"].is_string());
    let all = api
        .get(&format!("/api/2/users?subtree_root_tenant_id={TENANT}"))
        .json();
    assert_eq!(
        all["paging"]["cursors"],
        json!({}),
        "no cursor when nothing remains (2000 a page by default)"
    );
    for bad in [
        "limit=0",
        "limit=-5",
        "lod=everything",
        "after=not-a-cursor",
        &format!("after={ALICE}"),
    ] {
        let reply = api.get(&format!(
            "/api/2/users?subtree_root_tenant_id={TENANT}&{bad}"
        ));
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
        api.get(&format!("/api/2/users?subtree_root_tenant_id={TENANT}"))
            .status,
        503
    );
    assert_eq!(
        api.get(&format!("/api/2/users?subtree_root_tenant_id={TENANT}"))
            .status,
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
    let users = api
        .get(&format!("/api/2/users?subtree_root_tenant_id={TENANT}"))
        .json();
    let items = users["items"].as_array().expect("items");
    let mut logins: Vec<&str> = items.iter().filter_map(|u| u["login"].as_str()).collect();
    logins.sort_unstable();
    assert_eq!(logins, ["user001", "user002"]);
    assert!(items.iter().all(|u| u["tenant_id"] == TENANT));
}

const CUSTOMER: &str = "c0570000-0000-4000-8000-000000000001";
const UNIT: &str = "c0570000-0000-4000-8000-000000000002";
const SUBUNIT: &str = "c0570000-0000-4000-8000-000000000003";
const OTHER: &str = "c0570000-0000-4000-8000-000000000004";

/// A customer with 3 users, a unit in it with 2, a unit in that with 1, and another customer
/// with 4.
fn nested() -> (Simulator, Api) {
    let sim = Simulator::start(SimConfig::default()).expect("starts");
    sim.add_tenant(CUSTOMER, 3);
    sim.seed_tenant(SeedTenant::new(UNIT, 2).with_parent(CUSTOMER));
    sim.seed_tenant(
        SeedTenant::new(SUBUNIT, 1)
            .with_parent(UNIT)
            .with_kind(TenantKind::Unit),
    );
    sim.add_tenant(OTHER, 4);
    let api = Api::login(&sim);
    (sim, api)
}

#[test]
fn tenant_id_is_no_filter_and_the_subtree_filter_takes_the_whole_tree() {
    let (_sim, api) = nested();
    let count = |query: &str| ids(&api.get(&format!("/api/2/users?{query}")).json()["items"]).len();
    assert_eq!(count(""), 10, "everyone the client sees");
    assert_eq!(
        count(&format!("tenant_id={CUSTOMER}")),
        10,
        "\"Not used otherwise\""
    );
    assert_eq!(count(&format!("subtree_root_tenant_id={CUSTOMER}")), 6);
    assert_eq!(count(&format!("subtree_root_tenant_id={UNIT}")), 3);
    assert_eq!(count(&format!("subtree_root_tenant_id={OTHER}")), 4);
    let without_tenant = api.get(&format!("/api/2/users?external_ids={ALICE}"));
    assert_eq!(without_tenant.status, 400);
    assert_eq!(
        without_tenant.json()["error"]["details"]["field"],
        "tenant_id"
    );
    let both = api.get(&format!(
        "/api/2/users?external_ids=x&subtree_root_tenant_id={CUSTOMER}"
    ));
    assert_eq!(both.status, 400);
    assert_eq!(
        count(&format!("external_ids=nobody&tenant_id={CUSTOMER}")),
        0,
        "seeded users have no external id"
    );
}

#[test]
fn grand_children_are_listed_only_when_asked() {
    let (_sim, api) = nested();
    let count = |tenant: &str, query: &str| {
        let reply = api.get(&format!("/api/2/tenants/{tenant}/users{query}"));
        assert_eq!(reply.status, 200, "{}", reply.text());
        ids(&reply.json()["items"]).len()
    };
    assert_eq!(count(CUSTOMER, ""), 3);
    assert_eq!(count(CUSTOMER, "?include_grand_children=false"), 3);
    assert_eq!(count(CUSTOMER, "?include_grand_children=true"), 6);
    assert_eq!(
        count(UNIT, "?include_grand_children=true"),
        2,
        "a unit nests no folders"
    );
    assert_eq!(
        count(OTHER, "?include_grand_children=true&include_hidden=true"),
        4
    );
}

#[test]
fn a_tenant_is_fetched_with_its_place_in_the_tree() {
    let (sim, api) = nested();
    let unit = api.get(&format!(
        "/api/2/tenants/{UNIT}?allow_deleted=false&embed_path=false"
    ));
    assert_eq!(unit.status, 200, "{}", unit.text());
    let unit = unit.json();
    assert_eq!(
        (
            &unit["id"],
            &unit["kind"],
            &unit["parent_id"],
            &unit["has_children"]
        ),
        (&json!(UNIT), &json!("unit"), &json!(CUSTOMER), &json!(true))
    );
    let customer = api.get(&format!("/api/2/tenants/{CUSTOMER}")).json();
    assert_eq!(customer["kind"], "customer");
    assert_eq!(customer["parent_id"], acronis_sim::ROOT_TENANT_ID);
    assert_eq!(customer["deleted_at"], Value::Null);
    assert!(customer["version"].is_i64() && customer["update_lock"]["enabled"] == false);
    assert_eq!(api.get("/api/2/tenants/Tenant-1").status, 400);
    assert_eq!(sim.calls().get_tenant, 3);
    let seeded = admin(&sim, "GET", &format!("/admin/tenants/{SUBUNIT}"), None);
    assert_eq!(seeded.json()["parent_id"], UNIT);
    let orphan = admin(
        &sim,
        "POST",
        "/admin/tenants",
        Some(&json!({"id": EMPTY, "parent_id": UNKNOWN, "kind": "unit"})),
    );
    assert_eq!(orphan.status, 404, "{}", orphan.text());
    let folder = admin(
        &sim,
        "POST",
        "/admin/tenants",
        Some(&json!({"id": EMPTY, "kind": "folder", "name": "Folder"})),
    );
    assert_eq!(folder.status, 201, "{}", folder.text());
    assert_eq!(sim.tenant(EMPTY).expect("known")["name"], "Folder");
}

#[test]
fn listings_page_by_2000_by_default() {
    let sim = Simulator::start(SimConfig::default()).expect("starts");
    sim.add_tenant(TENANT, 2001);
    let api = Api::login(&sim);
    let first = api.get("/api/2/users?lod=stamps").json();
    assert_eq!(ids(&first["items"]).len(), 2000);
    let cursor = first["paging"]["cursors"]["after"].as_str().expect("more");
    let rest = api
        .get(&format!("/api/2/users?after={}", encoded(cursor)))
        .json();
    assert_eq!(ids(&rest["items"]).len(), 1);
    assert_eq!(
        rest["items"][0].get("login"),
        None,
        "the cursor keeps lod=stamps"
    );
}
