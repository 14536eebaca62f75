//! `acronis_user_status` under every rule Terraform enforces, one test per behaviour, each
//! driving real Terraform against the simulator.

mod support;
use support::tfjson::attribute_of;
use support::*;

const JOHN: &str = "1c234e69-5469-424a-a6d1-ff5658b387a6";
const MARY: &str = "5d1f3b7a-8c2e-4f6a-9b0d-1e2f3a4b5c6d";

fn plan_json(ws: &Workspace, args: &[&str]) -> serde_json::Value {
    let mut plan_args = vec!["plan", "-no-color", "-out=tfplan"];
    plan_args.extend_from_slice(args);
    ws.terraform(&plan_args).assert_success();
    let show = ws.terraform(&["show", "-json", "tfplan"]);
    show.assert_success();
    serde_json::from_str(&show.stdout).expect("plan JSON")
}

fn change_of<'a>(plan: &'a serde_json::Value, address: &str) -> &'a serde_json::Value {
    plan["resource_changes"]
        .as_array()
        .and_then(|changes| changes.iter().find(|c| c["address"] == address))
        .map(|c| &c["change"])
        .unwrap_or_else(|| panic!("no change for {address} in {plan}"))
}

// 1. Plan precision

#[test]
fn a_revision_moved_out_of_band_is_refreshed_silently() {
    let sim = simulator(vec![user(JOHN, "john", true)]);
    let ws = Workspace::new(&sim);
    ws.config(&user_status("john", JOHN, false));
    ws.apply().assert_success();

    sim.console_bump(JOHN); // e.g. contact details edited in the console
    let plan = ws.plan(&[]);
    plan.assert_no_provider_fault();
    assert_eq!(
        plan.code,
        0,
        "only the revision moved: no change\n{}",
        plan.output()
    );

    let puts = sim.calls().put_user;
    ws.apply().assert_success();
    assert_eq!(sim.calls().put_user, puts, "nothing sent");
    let state = ws.resource("acronis_user_status.john").expect("state");
    assert_eq!(
        state["version"],
        truth(&sim, JOHN).1,
        "state carries the new revision"
    );
}

#[test]
fn version_is_unknown_only_where_a_put_will_happen() {
    let sim = simulator(vec![user(JOHN, "john", true), user(MARY, "mary", true)]);
    let ws = Workspace::new(&sim);
    ws.config(&format!(
        "{}{}",
        user_status("john", JOHN, true),
        user_status("mary", MARY, true)
    ));
    ws.apply().assert_success();

    ws.config(&format!(
        "{}{}",
        user_status("john", JOHN, false),
        user_status("mary", MARY, true)
    ));
    let plan = plan_json(&ws, &[]);
    let john = change_of(&plan, "acronis_user_status.john");
    assert_eq!(john["actions"], serde_json::json!(["update"]));
    assert_eq!(john["after_unknown"]["version"], true);
    let mary = change_of(&plan, "acronis_user_status.mary");
    assert_eq!(mary["actions"], serde_json::json!(["no-op"]));
    assert_eq!(mary["after"]["version"], truth(&sim, MARY).1);
    assert_ne!(mary["after_unknown"]["version"], true);
}

#[test]
fn unknown_configuration_values_plan_and_apply_cleanly() {
    let sim = simulator(vec![user(JOHN, "john", true)]);
    let ws = Workspace::new(&sim);
    ws.config(&format!(
        "resource \"terraform_data\" \"flag\" {{\n  input = false\n}}\n\
         resource \"acronis_user_status\" \"john\" {{\n  user_id = \"{JOHN}\"\n  enabled = terraform_data.flag.output\n}}\n"
    ));
    let plan = plan_json(&ws, &[]);
    let john = change_of(&plan, "acronis_user_status.john");
    assert_eq!(john["actions"], serde_json::json!(["create"]));
    assert_eq!(john["after_unknown"]["enabled"], true, "{john}");
    ws.apply().assert_success();
    assert!(!truth(&sim, JOHN).0);
    assert_eq!(ws.plan(&[]).code, 0);
}

#[test]
fn changing_the_user_id_replaces_the_resource() {
    let sim = simulator(vec![user(JOHN, "john", true), user(MARY, "mary", true)]);
    let ws = Workspace::new(&sim);
    ws.config(&user_status("x", JOHN, false));
    ws.apply().assert_success();
    ws.config(&user_status("x", MARY, false));
    let plan = plan_json(&ws, &[]);
    let x = change_of(&plan, "acronis_user_status.x");
    assert_eq!(x["actions"], serde_json::json!(["delete", "create"]), "{x}");
    let replace = plan["resource_changes"]
        .as_array()
        .and_then(|c| c.iter().find(|c| c["address"] == "acronis_user_status.x"))
        .map(|c| c["action_reason"].clone());
    assert_eq!(
        replace,
        Some(serde_json::json!("replace_because_cannot_update"))
    );
    assert_eq!(x["replace_paths"], serde_json::json!([["user_id"]]), "{x}");
    ws.apply().assert_success();
    assert!(!truth(&sim, MARY).0, "the new account is disabled");
    assert!(
        !truth(&sim, JOHN).0,
        "on_destroy = keep leaves the old one as it was"
    );
    assert_eq!(
        ws.resource("acronis_user_status.x").expect("state")["user_id"],
        MARY
    );
}

// 2. Drift detection

#[test]
fn refresh_only_plans_report_drift_with_exit_code_2() {
    let sim = simulator(vec![user(JOHN, "john", true)]);
    let ws = Workspace::new(&sim);
    ws.config(&user_status("john", JOHN, false));
    ws.apply().assert_success();

    let clean = ws.plan(&["-refresh-only"]);
    clean.assert_no_provider_fault();
    let reliable = refresh_only_exit_code_is_reliable(
        "refresh_only_plans_report_drift_with_exit_code_2",
        "exit code 0 without drift",
    );
    assert!(
        clean.code == 0 || (!reliable && clean.code == 2),
        "no drift yet\n{}",
        clean.output()
    );

    sim.console_set_enabled(JOHN, true);
    let drift = ws.plan(&["-refresh-only"]);
    drift.assert_no_provider_fault();
    assert_eq!(drift.code, 2, "{}", drift.output());

    let plan = plan_json(&ws, &["-refresh-only"]);
    let entries = plan["resource_drift"].as_array().expect("resource_drift");
    let john = entries
        .iter()
        .find(|d| d["address"] == "acronis_user_status.john")
        .expect("john drifted");
    assert_eq!(john["change"]["before"]["enabled"], false);
    assert_eq!(john["change"]["after"]["enabled"], true);
    assert_eq!(john["change"]["after"]["version"], truth(&sim, JOHN).1);
}

// 3. Saved plans

/// John enabled and managed, and a saved plan `tfplan` that disables him.
fn saved_plan_disabling_john() -> (Simulator, Workspace) {
    let sim = simulator(vec![user(JOHN, "john", true)]);
    let ws = Workspace::new(&sim);
    ws.config(&user_status("john", JOHN, true));
    ws.apply().assert_success();
    ws.config(&user_status("john", JOHN, false));
    ws.terraform(&["plan", "-no-color", "-out=tfplan"])
        .assert_success();
    (sim, ws)
}

#[test]
fn a_saved_plan_applies_after_the_revision_moved() {
    let (sim, ws) = saved_plan_disabling_john();

    sim.console_bump(JOHN); // another admin edits the account
    sim.console_bump(JOHN);
    sim.reset_calls();
    ws.terraform(&["apply", "-no-color", "tfplan"])
        .assert_success();
    let (enabled, version) = truth(&sim, JOHN);
    assert!(!enabled);
    let state = ws.resource("acronis_user_status.john").expect("state");
    assert_eq!(state["version"], version, "the final revision is recorded");
    let calls = sim.calls();
    assert_eq!(
        calls.put_user, 2,
        "a stale PUT, then one with the fresh version: {calls:?}"
    );
    assert_eq!(
        calls.get_user, 1,
        "one re-read after the conflict: {calls:?}"
    );
}

#[test]
fn a_saved_plan_changes_nothing_when_the_account_already_matches() {
    let (sim, ws) = saved_plan_disabling_john();

    sim.console_set_enabled(JOHN, false); // someone did it by hand meanwhile
    let edited = truth(&sim, JOHN);
    let before = sim.calls();
    ws.terraform(&["apply", "-no-color", "tfplan"])
        .assert_success();
    let after = sim.calls();
    // The saved plan's PUT carries the revision from before the edit and is refused (409); the
    // re-read shows the account already disabled, so nothing more is sent and nothing changes.
    assert_eq!(after.put_user - before.put_user, 1, "{after:?}");
    assert_eq!(truth(&sim, JOHN), edited, "the account was not written");
    assert_eq!(
        ws.resource("acronis_user_status.john").expect("state")["version"],
        edited.1
    );
}

// 4. Gone accounts

#[test]
fn a_deleted_account_leaves_state_and_is_planned_again() {
    let sim = simulator(vec![user(JOHN, "john", true)]);
    let ws = Workspace::new(&sim);
    ws.config(&user_status("john", JOHN, false));
    ws.apply().assert_success();
    sim.delete_user(JOHN);

    let plan = plan_json(&ws, &[]);
    assert_eq!(
        change_of(&plan, "acronis_user_status.john")["actions"],
        serde_json::json!(["create"])
    );
    ws.terraform(&["apply", "-refresh-only", "-auto-approve", "-no-color"])
        .assert_success();
    assert!(
        ws.resource("acronis_user_status.john").is_none(),
        "removed from state"
    );
}

#[test]
fn creating_for_a_missing_user_fails_and_writes_nothing() {
    let sim = simulator(vec![]);
    let ws = Workspace::new(&sim);
    ws.config(&user_status("ghost", JOHN, false));
    ws.apply()
        .assert_failure_containing(&format!("User {JOHN} not found"));
    assert!(ws.resources().is_empty(), "nothing in state");
}

#[test]
fn updating_a_user_deleted_since_the_plan_fails_and_keeps_the_old_state() {
    let sim = simulator(vec![user(JOHN, "john", true)]);
    let ws = Workspace::new(&sim);
    ws.config(&user_status("john", JOHN, true));
    ws.apply().assert_success();
    let before = ws.resource("acronis_user_status.john").expect("state");
    ws.config(&user_status("john", JOHN, false));
    ws.terraform(&["plan", "-no-color", "-out=tfplan"])
        .assert_success();
    sim.delete_user(JOHN);
    ws.terraform(&["apply", "-no-color", "tfplan"])
        .assert_failure_containing(&format!("User {JOHN} not found"));
    let after = ws
        .resource("acronis_user_status.john")
        .expect("still in state");
    assert_eq!(
        after, before,
        "state is not written as if the update had worked"
    );
}

// 5. Destroy policy

#[test]
fn on_destroy_keep_enable_and_disable() {
    for (policy, start, expected) in [
        ("keep", false, false),
        ("enable", false, true),
        ("disable", true, false),
    ] {
        let sim = simulator(vec![user(JOHN, "john", true)]);
        let ws = Workspace::new(&sim);
        ws.config(&format!(
            "resource \"acronis_user_status\" \"john\" {{\n  user_id = \"{JOHN}\"\n  enabled = {start}\n  on_destroy = \"{policy}\"\n}}\n"
        ));
        ws.apply().assert_success();
        ws.destroy().assert_success();
        assert_eq!(truth(&sim, JOHN).0, expected, "on_destroy = {policy}");
        assert!(ws.resources().is_empty());
    }
}

#[test]
fn an_invalid_on_destroy_is_refused_at_validate() {
    let sim = simulator(vec![]);
    let ws = Workspace::new(&sim);
    ws.config(&format!(
        "resource \"acronis_user_status\" \"john\" {{\n  user_id = \"{JOHN}\"\n  enabled = false\n  on_destroy = \"nuke\"\n}}\n"
    ));
    let diagnostic = ws
        .terraform(&["validate", "-json"])
        .error_diagnostic("Invalid on_destroy");
    // The attribute path makes Terraform point at the offending line.
    assert_eq!(attribute_of(&diagnostic).as_deref(), Some("on_destroy"));
    assert_eq!(sim.calls().total(), 0, "validation needs no API");
}

// 6. Validation

#[test]
fn a_user_id_that_is_not_a_lowercase_uuid_is_refused_at_validate() {
    let sim = simulator(vec![]);
    let ws = Workspace::new(&sim);
    for bad in [
        "1C234E69-5469-424A-A6D1-FF5658B387A6",
        "john",
        "",
        " 1c234e69-5469-424a-a6d1-ff5658b387a6",
    ] {
        ws.config(&user_status("john", bad, false));
        let diagnostic = ws
            .terraform(&["validate", "-json"])
            .error_diagnostic("Invalid user id");
        assert_eq!(
            attribute_of(&diagnostic).as_deref(),
            Some("user_id"),
            "{bad:?}"
        );
    }
}

// 7. Import

#[test]
fn import_blocks_and_generated_configuration() {
    let sim = simulator(vec![user(JOHN, "john", false)]);
    let ws = Workspace::new(&sim);
    ws.config(&format!(
        "import {{\n  to = acronis_user_status.john\n  id = \"{JOHN}\"\n}}\n"
    ));
    ws.terraform(&["plan", "-no-color", "-generate-config-out=generated.tf"])
        .assert_success();
    let generated = std::fs::read_to_string(ws.path().join("generated.tf")).expect("generated.tf");
    // Compared with the alignment folded away: `terraform fmt` pads names to line up.
    let flat = flatten(&generated);
    assert!(
        flat.contains(&format!("user_id = \"{JOHN}\"")),
        "{generated}"
    );
    assert!(flat.contains("enabled = false"), "{generated}");
    ws.apply().assert_success();
    assert_eq!(
        ws.resource("acronis_user_status.john").expect("imported")["version"],
        truth(&sim, JOHN).1
    );
    let plan = ws.plan(&[]);
    assert_eq!(
        plan.code,
        0,
        "the generated configuration plans empty\n{}",
        plan.output()
    );
    assert_eq!(sim.calls().put_user, 0);
}

#[test]
fn import_by_identity() {
    if !terraform_at_least(1, 12, "import_by_identity", "resource identity") {
        return;
    }
    let sim = simulator(vec![user(JOHN, "john", true)]);
    let ws = Workspace::new(&sim);
    ws.config(&format!(
        "import {{\n  to = acronis_user_status.john\n  identity = {{\n    user_id = \"{JOHN}\"\n  }}\n}}\n{}",
        user_status("john", JOHN, true)
    ));
    ws.apply().assert_success();
    let state = ws.state();
    let john = &state["values"]["root_module"]["resources"][0];
    assert_eq!(john["values"]["user_id"], JOHN);
    assert_eq!(
        john["identity"]["user_id"], JOHN,
        "identity recorded: {state}"
    );
    assert_eq!(ws.plan(&[]).code, 0);
}

#[test]
fn importing_an_unknown_or_malformed_id_fails_clearly() {
    let sim = simulator(vec![]);
    let ws = Workspace::new(&sim);
    ws.config(&user_status("john", JOHN, true));
    ws.terraform(&["import", "-no-color", "acronis_user_status.john", JOHN])
        .assert_failure_containing("Cannot import a user that does not exist");
    ws.terraform(&["import", "-no-color", "acronis_user_status.john", "JOHN"])
        .assert_failure_containing("Invalid import id");
    assert!(ws.resources().is_empty());
}

// 8. State upgrades

#[test]
fn state_written_by_schema_version_0_is_upgraded() {
    let sim = simulator(vec![user(JOHN, "john", false)]);
    let ws = Workspace::new(&sim);
    let (_, version) = truth(&sim, JOHN);
    ws.config(&user_status("john", JOHN, false));
    // A state file as the first release wrote it: schema version 0, no on_destroy.
    let state = serde_json::json!({
        "version": 4, "terraform_version": "1.15.5", "serial": 1, "lineage": "5f0c1a64-0b6e-4bb6-9d7e-2d0f1e0a1b2c",
        "outputs": {}, "check_results": null,
        "resources": [{
            "mode": "managed", "type": "acronis_user_status", "name": "john",
            "provider": "provider[\"registry.terraform.io/acronis/acronis\"]",
            "instances": [{"schema_version": 0, "attributes": {
                "id": JOHN, "user_id": JOHN, "enabled": false, "version": version
            }, "sensitive_attributes": []}]
        }]
    });
    ws.write("terraform.tfstate", &state.to_string());
    let plan = ws.plan(&[]);
    plan.assert_no_provider_fault();
    assert_eq!(plan.code, 0, "{}", plan.output());
    ws.apply().assert_success();
    let raw: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(ws.path().join("terraform.tfstate")).expect("state"),
    )
    .expect("json");
    let instance = &raw["resources"][0]["instances"][0];
    assert_eq!(instance["schema_version"], 1);
    assert_eq!(instance["attributes"]["on_destroy"], "keep");
}

// 10. Many resources at once

#[test]
fn two_hundred_resources_share_one_token_and_make_only_the_calls_they_need() {
    let ids = uuids(200);
    let sim = simulator_with_enabled(&ids);
    let ws = Workspace::new(&sim);
    ws.config(&user_statuses("all", &ids, false));

    ws.apply().assert_success();
    let calls = sim.calls();
    // The plan phase has nothing to refresh and asks for no token; the apply phase asks once.
    // Each account is read once, alone or as one id of a batch read.
    assert_eq!(
        (
            calls.token,
            calls.get_user + calls.batch_user_ids,
            calls.put_user
        ),
        (1, 200, 200),
        "{calls:?}"
    );
    assert!(ids.iter().all(|id| !truth(&sim, id).0));

    sim.reset_calls();
    let refresh = ws.plan(&["-refresh-only"]);
    refresh.assert_no_provider_fault();
    let reliable = refresh_only_exit_code_is_reliable(
        "two_hundred_resources_share_one_token_and_make_only_the_calls_they_need",
        "exit code 0 without drift",
    );
    assert!(
        refresh.code == 0 || (!reliable && refresh.code == 2),
        "{}",
        refresh.output()
    );
    let calls = sim.calls();
    assert_eq!(
        (
            calls.token,
            calls.get_user + calls.batch_user_ids,
            calls.put_user
        ),
        (1, 200, 0),
        "{calls:?}"
    );

    sim.reset_calls();
    ws.destroy().assert_success();
    let calls = sim.calls();
    assert_eq!(
        (
            calls.token,
            calls.get_user + calls.batch_user_ids,
            calls.put_user
        ),
        (1, 200, 0),
        "{calls:?}"
    );
    assert!(ws.resources().is_empty());
    assert!(ids.iter().all(|id| !truth(&sim, id).0), "on_destroy = keep");
}

#[test]
fn import_verify_reproduces_the_applied_state() {
    let sim = simulator(vec![user(JOHN, "john", true)]);
    let applied = Workspace::new(&sim);
    applied.config(&user_status("john", JOHN, false));
    applied.apply().assert_success();
    let expected = applied
        .resource("acronis_user_status.john")
        .expect("applied");

    let imported = Workspace::new(&sim);
    imported.config(&user_status("john", JOHN, false));
    imported
        .terraform(&["import", "-no-color", "acronis_user_status.john", JOHN])
        .assert_success();
    assert_eq!(
        imported
            .resource("acronis_user_status.john")
            .expect("imported"),
        expected
    );
}
