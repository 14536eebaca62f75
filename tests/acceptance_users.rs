//! The `acronis_users` data source with real Terraform: a tenant's users read across pages,
//! the off-boarding flow (`for_each` over them to disable them all) that touches no other
//! tenant and the tenant's units only when asked, and the errors for an unknown or malformed
//! tenant id, read from Terraform's JSON diagnostics.

mod support;

use acronis_sim::{SeedTenant, TenantKind};
use serde_json::Value as Json;
use support::*;

const DEPARTING: &str = "3f9a1c2e-8b7d-4e6f-a5c4-d3b2a1f0e9d8";
const STAYING: &str = "7b2e4c6a-1d3f-4a5b-8c9d-0e1f2a3b4c5d";

fn users_of(tenant_id: &str) -> String {
    format!(
        "data \"acronis_users\" \"tenant\" {{\n  tenant_id = \"{tenant_id}\"\n}}\n\
         output \"users\" {{ value = data.acronis_users.tenant.users }}\n"
    )
}

/// The diagnostics of a `-json` command: `validate -json` prints one document, `plan -json`
/// one message per line.
fn diagnostics(run: &Run) -> Vec<Json> {
    if let Ok(doc) = serde_json::from_str::<Json>(&run.stdout) {
        if let Some(list) = doc["diagnostics"].as_array() {
            return list.clone();
        }
    }
    run.stdout
        .lines()
        .filter_map(|line| serde_json::from_str::<Json>(line).ok())
        .filter(|msg| msg["type"] == "diagnostic")
        .map(|msg| msg["diagnostic"].clone())
        .collect()
}

/// The one error diagnostic, and the configuration line its range points at.
fn the_error(run: &Run, ws: &Workspace) -> (Json, String) {
    run.assert_no_provider_fault();
    assert_ne!(run.code, 0, "the command should fail:\n{}", run.output());
    let errors: Vec<Json> = diagnostics(run)
        .into_iter()
        .filter(|d| d["severity"] == "error")
        .collect();
    assert_eq!(errors.len(), 1, "one error:\n{}", run.output());
    let error = errors[0].clone();
    let line = error["range"]["start"]["line"]
        .as_u64()
        .unwrap_or_else(|| panic!("the error has a range: {error}"));
    let main = std::fs::read_to_string(ws.path().join("main.tf")).expect("read main.tf");
    let text = main
        .lines()
        .nth(line as usize - 1)
        .expect("the range is in main.tf")
        .to_owned();
    (error, text)
}

#[test]
fn lists_every_live_user_of_a_tenant_across_pages() {
    let sim = simulator(Vec::new());
    let departing = sim.add_tenant(DEPARTING, 250);
    sim.add_tenant(STAYING, 3);
    let ws = Workspace::new(&sim);
    ws.config(&users_of(DEPARTING));
    ws.apply().assert_success();

    let users = ws.output("users");
    let users = users.as_array().expect("a list");
    let mut ids: Vec<&str> = users
        .iter()
        .map(|u| u["id"].as_str().expect("id"))
        .collect();
    let logins: Vec<&str> = users
        .iter()
        .map(|u| u["login"].as_str().expect("login"))
        .collect();
    let mut sorted = logins.clone();
    sorted.sort_unstable();
    assert_eq!(logins, sorted, "sorted by login");
    ids.sort_unstable();
    assert_eq!(
        ids, departing,
        "exactly the tenant's users, none of the other tenant's"
    );
    let first = sim.user(ids[0]).expect("a user");
    let listed = users.iter().find(|u| u["id"] == ids[0]).expect("listed");
    for (attribute, field) in [
        ("enabled", "enabled"),
        ("version", "version"),
        ("login", "login"),
    ] {
        assert_eq!(listed[attribute], first[field], "{attribute}");
    }
    assert_eq!(listed["email"], first["contact"]["email"]);
    let calls = sim.calls();
    assert_eq!(
        (calls.tenant_users, calls.batch_users, calls.list_users),
        (1, 3, 0),
        "the tenant's ids once, then 250 users in three batch reads of 100"
    );
}

const UNIT: &str = "5c1d2e3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f";

/// A departing customer with 130 users and a unit of 25 below it, and another customer with 40.
fn customers() -> (Simulator, Vec<String>, Vec<String>, Vec<String>) {
    let sim = simulator(Vec::new());
    let departing = sim.seed_tenant(SeedTenant {
        kind: Some(TenantKind::Customer),
        ..SeedTenant::new(DEPARTING, 130)
    });
    let unit = sim.seed_tenant(SeedTenant {
        parent_id: Some(DEPARTING.into()),
        kind: Some(TenantKind::Unit),
        ..SeedTenant::new(UNIT, 25)
    });
    let staying = sim.seed_tenant(SeedTenant {
        kind: Some(TenantKind::Customer),
        ..SeedTenant::new(STAYING, 40)
    });
    (sim, departing, unit, staying)
}

/// Off-boards the departing tenant (`include_child_tenants` as given, or left out).
fn off_board(sim: &Simulator, include_child_tenants: Option<bool>) -> Workspace {
    let children = include_child_tenants
        .map(|on| format!("  include_child_tenants = {on}\n"))
        .unwrap_or_default();
    let ws = Workspace::new(sim);
    ws.config(&format!(
        "data \"acronis_users\" \"departing\" {{\n  tenant_id = \"{DEPARTING}\"\n{children}}}\n\
         resource \"acronis_user_status\" \"departing\" {{\n  for_each = {{ for user in data.acronis_users.departing.users : user.id => user }}\n  user_id = each.key\n  enabled = false\n  on_destroy = \"disable\"\n}}\n"
    ));
    ws.apply().assert_success();
    let again = ws.plan(&[]);
    again.assert_no_provider_fault();
    assert_eq!(again.code, 0, "nothing left to do:\n{}", again.output());
    ws
}

fn assert_enabled(sim: &Simulator, ids: &[String], enabled: bool, whose: &str) {
    for id in ids {
        assert_eq!(truth(sim, id).0, enabled, "{whose}: {id}");
    }
}

#[test]
fn off_boarding_disables_the_departing_tenants_accounts_and_no_one_elses() {
    let (sim, departing, unit, staying) = customers();
    let ws = off_board(&sim, None);
    assert_enabled(&sim, &departing, false, "the departing tenant's");
    assert_enabled(&sim, &unit, true, "its unit's, not asked for");
    assert_enabled(&sim, &staying, true, "the other customer's");
    let managed = ws
        .resources()
        .iter()
        .filter(|r| r["type"] == "acronis_user_status")
        .count();
    assert_eq!(managed, departing.len());
}

#[test]
fn off_boarding_with_child_tenants_disables_the_units_accounts_too() {
    let (sim, departing, unit, staying) = customers();
    off_board(&sim, Some(true));
    assert_enabled(&sim, &departing, false, "the departing tenant's");
    assert_enabled(&sim, &unit, false, "its unit's, asked for");
    assert_enabled(&sim, &staying, true, "the other customer's");
}

#[test]
fn an_unknown_tenant_is_an_error_naming_it_at_tenant_id() {
    let sim = simulator(Vec::new());
    sim.add_tenant(STAYING, 1);
    let ws = Workspace::new(&sim);
    ws.config(&users_of(DEPARTING));
    let run = ws.terraform(&["plan", "-json", "-no-color"]);
    let (error, line) = the_error(&run, &ws);
    assert_eq!(error["summary"], format!("Tenant {DEPARTING} not found"));
    assert!(
        line.contains("tenant_id"),
        "the range is the tenant_id line: {line:?}"
    );
    assert_eq!(sim.calls().tenant_users, 1, "a 404 is not retried");
}

#[test]
fn a_malformed_tenant_id_is_refused_before_any_call() {
    let sim = simulator(Vec::new());
    let ws = Workspace::new(&sim);
    ws.config(&users_of("Acme Corp"));
    let run = ws.terraform(&["validate", "-json", "-no-color"]);
    let (error, line) = the_error(&run, &ws);
    assert_eq!(error["summary"], "Invalid tenant id");
    assert!(
        error["detail"]
            .as_str()
            .is_some_and(|d| d.contains("\"Acme Corp\"")),
        "{error}"
    );
    assert!(line.contains("tenant_id"), "{line:?}");
    assert_eq!(sim.calls().token, 0, "nothing was sent");
}
