//! Every endpoint and status the simulator serves, asked for by bare requests; their answers
//! (not the requests, many of which are wrong on purpose) are held against the document.

use std::collections::BTreeSet;

use acronis_sim::{ExpiryFields, Simulator};
use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;

use crate::drive::{ALICE, BOB, CAROL, CUSTOMER, NOBODY, UNIT, UNKNOWN_TENANT};
use crate::raw::send;

/// Statuses the simulator answers (as the platform does, by the project's notes) that the
/// document does not declare for the operation: each answers the document's `errorScheme`.
pub const UNDECLARED: &[(&str, u16)] = &[
    ("FetchUser", 400),
    ("UpdateUser", 400),
    ("DeleteUser", 400),
    ("DeleteUser", 409),
    ("FetchTenant", 400),
    ("FetchTenantUsers", 400),
];

const FORM: (&str, &str) = ("Content-Type", "application/x-www-form-urlencoded");
const JSON: (&str, &str) = ("Content-Type", "application/json");

fn token(sim: &Simulator) -> String {
    let basic = format!("Basic {}", STANDARD.encode("sim-client:sim-secret"));
    let body = "grant_type=client_credentials";
    send(
        sim.addr(),
        "POST",
        "/api/2/idp/token",
        &[FORM, ("Authorization", &basic)],
        body,
    );
    let answer = sim
        .traffic()
        .last()
        .map(|ex| ex.response_body.clone())
        .unwrap_or_default();
    let answer: serde_json::Value = serde_json::from_str(&answer).expect("token answer");
    answer["access_token"]
        .as_str()
        .expect("access_token")
        .to_owned()
}

/// Sends every request, one per endpoint and answer the simulator gives.
pub fn exercise(sim: &Simulator) {
    let addr = sim.addr();
    for fields in [
        ExpiryFields::Neither,
        ExpiryFields::ExpiresIn,
        ExpiryFields::ExpiresOn,
    ] {
        sim.set_expiry_fields(fields);
        token(sim);
    }
    sim.set_expiry_fields(ExpiryFields::Both);
    let form_creds = "grant_type=client_credentials&client_id=sim-client&client_secret=sim-secret";
    send(addr, "POST", "/api/2/idp/token", &[FORM], form_creds);
    send(
        addr,
        "POST",
        "/api/2/idp/token",
        &[FORM],
        "grant_type=client_credentials&client_id=x&client_secret=y",
    );
    send(
        addr,
        "POST",
        "/api/2/idp/token",
        &[FORM],
        "grant_type=password&client_id=sim-client&client_secret=sim-secret",
    );
    let bearer = format!("Bearer {}", token(sim));
    let auth = ("Authorization", bearer.as_str());
    let get = |target: &str| send(addr, "GET", target, &[auth], "");
    get(&format!("/api/2/users/{ALICE}"));
    get(&format!("/api/2/users/{NOBODY}"));
    get("/api/2/users/NOT-A-UUID");
    send(addr, "GET", &format!("/api/2/users/{ALICE}"), &[], "");
    let put = |id: &str, headers: &[(&str, &str)], body: &str| {
        let mut all = vec![auth];
        all.extend_from_slice(headers);
        send(addr, "PUT", &format!("/api/2/users/{id}"), &all, body);
    };
    put(CAROL, &[JSON], r#"{"enabled": false, "version": 1}"#);
    put(CAROL, &[JSON], r#"{"enabled": true, "version": 1}"#);
    put(CAROL, &[("Content-Type", "text/plain")], "enabled");
    put(CAROL, &[JSON], r#"{"enabled": true}"#);
    put(NOBODY, &[JSON], r#"{"enabled": true, "version": 1}"#);
    let delete = |id: &str, version: u32| {
        send(
            addr,
            "DELETE",
            &format!("/api/2/users/{id}?version={version}"),
            &[auth],
            "",
        );
    };
    delete(ALICE, 1);
    delete(CAROL, 1);
    delete(CAROL, 2);
    delete(CAROL, 3);
    get(&format!("/api/2/users/{CAROL}?allow_deleted=true"));
    for lod in ["stamps", "basic", "full"] {
        get(&format!(
            "/api/2/users?uuids={ALICE},{BOB},{CAROL}&lod={lod}&allow_deleted=true"
        ));
        get(&format!(
            "/api/2/users?subtree_root_tenant_id={CUSTOMER}&lod={lod}&limit=2"
        ));
    }
    get(&format!("/api/2/users?uuids={ALICE}&tenant_id={CUSTOMER}"));
    get(&format!("/api/2/users?tenant_id={CUSTOMER}"));
    get(&format!(
        "/api/2/users?subtree_root_tenant_id={UNKNOWN_TENANT}"
    ));
    get(&format!(
        "/api/2/users?external_ids=e1&tenant_id={CUSTOMER}"
    ));
    get(&format!("/api/2/tenants/{CUSTOMER}"));
    get(&format!(
        "/api/2/tenants/{UNIT}?allow_deleted=true&embed_path=false"
    ));
    get(&format!("/api/2/tenants/{UNKNOWN_TENANT}"));
    get("/api/2/tenants/NOT-A-UUID");
    get(&format!("/api/2/tenants/{CUSTOMER}/users"));
    get(&format!(
        "/api/2/tenants/{CUSTOMER}/users?include_grand_children=true&include_hidden=false&order=-login&allow_deleted=true"
    ));
    get(&format!("/api/2/tenants/{UNKNOWN_TENANT}/users"));
    get(&format!("/api/2/tenants/{CUSTOMER}/users?order=colour"));
}

/// The (operation, status) pairs a run must have produced: every one the simulator serves.
pub const EXPECTED: &[(&str, u16)] = &[
    ("RequestTokens", 200),
    ("RequestTokens", 400),
    ("RequestTokens", 401),
    ("FetchUser", 200),
    ("FetchUser", 400),
    ("FetchUser", 401),
    ("FetchUser", 404),
    ("UpdateUser", 200),
    ("UpdateUser", 400),
    ("UpdateUser", 404),
    ("UpdateUser", 409),
    ("UpdateUser", 415),
    ("DeleteUser", 204),
    ("DeleteUser", 400),
    ("DeleteUser", 409),
    ("DeleteUser", 404),
    ("FetchUsersBatch", 200),
    ("FetchUsersBatch", 400),
    ("FetchUsersBatch", 404),
    ("FetchTenant", 200),
    ("FetchTenant", 400),
    ("FetchTenant", 404),
    ("FetchTenantUsers", 200),
    ("FetchTenantUsers", 400),
    ("FetchTenantUsers", 404),
];

/// The pairs the traffic shows.
pub fn seen(
    document: &crate::openapi::Document,
    traffic: &[acronis_sim::Exchange],
) -> BTreeSet<(String, u16)> {
    traffic
        .iter()
        .filter_map(|ex| {
            document
                .operation_id(&ex.method, &ex.path)
                .map(|id| (id, ex.status))
        })
        .collect()
}
