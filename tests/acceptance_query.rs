//! `terraform query` with real Terraform against the simulator: `list "acronis_user_status"`
//! lists exactly a tenant's accounts (and honours `limit` by reading one page), its results
//! become configuration with `-generate-config-out` that imports every account with no change,
//! `include_resource` objects equal what the import stores, `plan -generate-config-out` on an
//! `import` block writes the same smallest configuration, an unknown tenant is an error at
//! `tenant_id`, a 503 mid-stream is retried, and Ctrl-C ends a long listing promptly.
//! Terraform older than 1.14 has no `terraform query`: there each test prints why it is skipped.

mod support;

use std::collections::BTreeMap;
use std::time::Duration;

use acronis_sim::Endpoint;
use serde_json::Value as Json;
use support::wait::{wait_for, wait_with_output_before};
use support::*;

const TENANT: &str = "7e4a0700-0000-4000-8000-000000000005";
const OTHER_TENANT: &str = "7e4a0700-0000-4000-8000-000000000006";
const UNKNOWN_TENANT: &str = "7e4a0700-0000-4000-8000-000000000009";

/// True on Terraform 1.14 and later; otherwise prints why `test` is skipped.
fn has_query(test: &str) -> bool {
    terraform_at_least(1, 14, test, "terraform query")
}

/// A workspace with the provider block and `accounts.tfquery.hcl` listing `tenant_id` with
/// `arguments` (e.g. `limit = 7`) in the list block.
fn query_workspace(sim: &Simulator, tenant_id: &str, arguments: &str) -> Workspace {
    let ws = Workspace::new(sim);
    ws.config("");
    ws.write(
        "accounts.tfquery.hcl",
        &format!(
            "list \"acronis_user_status\" \"customer\" {{\n  provider = acronis\n{arguments}\n  config {{\n    tenant_id = \"{tenant_id}\"\n  }}\n}}\n"
        ),
    );
    ws
}

/// The `list_resource_found` results of a `terraform query -json` run.
fn found(run: &Run) -> Vec<Json> {
    run.json_lines()
        .into_iter()
        .filter(|line| line["type"] == "list_resource_found")
        .map(|line| line["list_resource_found"].clone())
        .collect()
}

/// The user ids of `results`, sorted.
fn user_ids(results: &[Json]) -> Vec<String> {
    let mut ids: Vec<String> = results
        .iter()
        .map(|r| {
            r["identity"]["user_id"]
                .as_str()
                .expect("an identity")
                .to_owned()
        })
        .collect();
    ids.sort();
    ids
}

#[test]
fn query_lists_exactly_the_tenants_accounts_and_a_limit_reads_one_page() {
    if !has_query("query_lists_exactly_the_tenants_accounts_and_a_limit_reads_one_page") {
        return;
    }
    let sim = simulator(vec![]);
    let ids = sim.add_tenant(TENANT, 250);
    sim.add_tenant(OTHER_TENANT, 30);
    let ws = query_workspace(&sim, TENANT, "  limit = 1000");
    let run = ws.terraform(&["query", "-json", "-no-color"]);
    run.assert_success();
    let results = found(&run);
    assert_eq!(user_ids(&results), ids, "the 250 and no one else");
    for result in &results {
        assert_eq!(result["address"], "list.acronis_user_status.customer");
        let id = result["identity"]["user_id"].as_str().expect("user_id");
        let user = sim.user(id).expect("a live account");
        assert_eq!(result["display_name"], user["login"], "shown by login");
    }

    sim.reset_calls();
    let ws = query_workspace(&sim, TENANT, "  limit = 7");
    let run = ws.terraform(&["query", "-json", "-no-color"]);
    run.assert_success();
    assert_eq!(found(&run).len(), 7);
    assert_eq!(
        sim.calls().batch_users,
        1,
        "one page read: {:?}",
        sim.calls()
    );
}

#[test]
fn generated_configuration_imports_every_account_with_no_change() {
    if !has_query("generated_configuration_imports_every_account_with_no_change") {
        return;
    }
    let sim = simulator(vec![]);
    let ids = sim.add_tenant(TENANT, 250);
    sim.add_tenant(OTHER_TENANT, 30);
    let ws = query_workspace(
        &sim,
        TENANT,
        "  limit            = 1000\n  include_resource = true",
    );
    let run = ws.terraform(&["query", "-json", "-no-color"]);
    run.assert_success();
    let objects: BTreeMap<String, Json> = found(&run)
        .into_iter()
        .map(|r| {
            let id = r["identity"]["user_id"]
                .as_str()
                .expect("user_id")
                .to_owned();
            (id, r["resource_object"].clone())
        })
        .collect();
    assert_eq!(objects.keys().cloned().collect::<Vec<_>>(), ids);

    let run = ws.terraform(&["query", "-no-color", "-generate-config-out=generated.tf"]);
    run.assert_success();
    let generated =
        std::fs::read_to_string(ws.path().join("generated.tf")).expect("generated.tf is written");
    assert_eq!(
        generated
            .matches("resource \"acronis_user_status\"")
            .count(),
        250
    );
    assert_eq!(generated.matches("import {").count(), 250);
    for absent in ["version", "on_destroy", " id "] {
        assert!(
            !generated.contains(absent),
            "{absent} is not configuration:\n{generated}"
        );
    }

    let run = ws.plan(&[]);
    run.assert_no_provider_fault();
    assert_eq!(run.code, 2, "{}", run.output());
    assert!(
        run.stdout
            .contains("Plan: 250 to import, 0 to add, 0 to change, 0 to destroy."),
        "{}",
        run.stdout
    );
    let run = ws.apply();
    run.assert_success();
    assert!(run
        .stdout
        .contains("250 imported, 0 added, 0 changed, 0 destroyed"));
    ws.assert_plan_empty("after importing the generated configuration");
    assert_eq!(sim.calls().put_user, 0, "importing changes no account");

    // include_resource gave exactly what the import stored.
    for resource in ws.resources() {
        let id = resource["values"]["user_id"].as_str().expect("user_id");
        assert_eq!(objects[id], resource["values"], "{id}");
    }
}

#[test]
fn plan_writes_the_same_configuration_for_an_import_block() {
    if !has_query("plan_writes_the_same_configuration_for_an_import_block") {
        return;
    }
    let sim = simulator(vec![]);
    let ids = sim.add_tenant(TENANT, 1);
    sim.console_set_enabled(&ids[0], false);
    let ws = Workspace::new(&sim);
    ws.config(&format!(
        "import {{\n  to = acronis_user_status.john\n  identity = {{\n    user_id = \"{}\"\n  }}\n}}\n",
        ids[0]
    ));
    let run = ws.plan(&["-generate-config-out=generated.tf"]);
    run.assert_no_provider_fault();
    assert_eq!(run.code, 2, "{}", run.output());
    assert!(
        run.stdout.contains("1 to import, 0 to add, 0 to change"),
        "{}",
        run.stdout
    );
    let generated = std::fs::read_to_string(ws.path().join("generated.tf")).expect("written");
    let body: Vec<&str> = generated
        .lines()
        .map(str::trim)
        .filter(|l| l.contains('='))
        .collect();
    assert_eq!(
        body,
        ["enabled = false", &format!("user_id = \"{}\"", ids[0])],
        "{generated}"
    );
    ws.apply().assert_success();
    ws.assert_plan_empty("after the import");
}

#[test]
fn an_unknown_tenant_is_an_error_at_tenant_id() {
    if !has_query("an_unknown_tenant_is_an_error_at_tenant_id") {
        return;
    }
    let sim = simulator(vec![]);
    sim.add_tenant(TENANT, 3);
    let ws = query_workspace(&sim, UNKNOWN_TENANT, "");
    let run = ws.terraform(&["query", "-json", "-no-color"]);
    let diagnostic = run.error_diagnostic(&format!("Tenant {UNKNOWN_TENANT} not found"));
    assert_eq!(
        tfjson::attribute_of(&diagnostic).as_deref(),
        Some("tenant_id")
    );
    let ws = query_workspace(&sim, "Acme", "");
    let run = ws.terraform(&["query", "-json", "-no-color"]);
    let diagnostic = run.error_diagnostic("Invalid tenant id");
    assert_eq!(
        tfjson::attribute_of(&diagnostic).as_deref(),
        Some("tenant_id")
    );
}

#[test]
fn a_503_mid_stream_is_retried() {
    if !has_query("a_503_mid_stream_is_retried") {
        return;
    }
    let sim = simulator(vec![]);
    let ids = sim.add_tenant(TENANT, 250);
    // The first page passes; the second is answered 503 once.
    sim.inject(Fault::latency(
        Endpoint::BatchUsers,
        Duration::from_millis(1),
    ));
    sim.inject(Fault::status(Endpoint::BatchUsers, 503).with_retry_after("0"));
    let ws = query_workspace(&sim, TENANT, "  limit = 1000");
    let run = ws.terraform(&["query", "-json", "-no-color"]);
    run.assert_success();
    assert_eq!(user_ids(&found(&run)), ids);
    assert_eq!(sim.faults().consumed, 2, "both faults fired");
}

#[test]
fn ctrl_c_during_a_long_listing_ends_promptly() {
    if !has_query("ctrl_c_during_a_long_listing_ends_promptly") {
        return;
    }
    const HUNG: Duration = Duration::from_secs(60);
    let sim = simulator(vec![]);
    sim.add_tenant(TENANT, 250);
    sim.inject(Fault::latency(
        Endpoint::BatchUsers,
        Duration::from_millis(1),
    ));
    sim.inject(Fault::latency(Endpoint::BatchUsers, HUNG).times(5));
    let ws = query_workspace(&sim, TENANT, "  limit = 1000");
    let child = ws
        .command(&["query", "-no-color"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("spawn terraform");
    wait_for("the second page is asked for", || {
        sim.calls().batch_users >= 2
    });
    let kill = std::process::Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .expect("kill");
    assert!(kill.success());
    let started = std::time::Instant::now();
    let run = Run::of(wait_with_output_before(child, Duration::from_secs(20)));
    run.assert_no_provider_fault();
    assert!(
        started.elapsed() < Duration::from_secs(20),
        "Terraform took {:?}",
        started.elapsed()
    );
    assert_eq!(sim.calls().batch_users, 2, "no page after the interruption");
}
