//! The walking skeleton, end to end with real Terraform: apply disables an account, a second
//! plan is empty, an out-of-band change shows up as an update, import reads an account.

mod support;
use support::*;

const JOHN: &str = "1c234e69-5469-424a-a6d1-ff5658b387a6";

#[test]
fn apply_disables_the_account_and_records_the_new_revision() {
    let sim = simulator(vec![user(JOHN, "john", true)]);
    let (_, version_before) = truth(&sim, JOHN);
    let ws = Workspace::new(&sim);
    ws.config(&format!(
        "{}\noutput \"revision\" {{ value = acronis_user_status.john.version }}",
        user_status("john", JOHN, false)
    ));
    ws.apply().assert_success();

    let (enabled, version) = truth(&sim, JOHN);
    assert!(!enabled, "the simulator shows the account disabled");
    assert_eq!(version, version_before + 1);
    let state = ws.resource("acronis_user_status.john").expect("in state");
    assert_eq!(state["enabled"], false);
    assert_eq!(state["version"], version);
    assert_eq!(state["id"], JOHN);
    assert_eq!(state["on_destroy"], "keep");
    assert_eq!(ws.output("revision"), version);

    // Nothing left to do: a second plan is empty.
    let plan = ws.plan(&[]);
    plan.assert_no_provider_fault();
    assert_eq!(plan.code, 0, "{}", plan.output());
}

#[test]
fn an_out_of_band_enable_shows_up_as_an_in_place_update() {
    let sim = simulator(vec![user(JOHN, "john", true)]);
    let ws = Workspace::new(&sim);
    ws.config(&user_status("john", JOHN, false));
    ws.apply().assert_success();

    sim.console_set_enabled(JOHN, true);
    let (run, plan) = ws.plan_out("tfplan", &[]);
    assert_eq!(run.code, 2, "{}", run.output());
    let plan = plan.expect("saved plan");
    let change = plan["resource_changes"]
        .as_array()
        .and_then(|changes| {
            changes
                .iter()
                .find(|c| c["address"] == "acronis_user_status.john")
        })
        .map(|c| &c["change"])
        .unwrap_or_else(|| panic!("a change for john: {plan}"));
    assert_eq!(change["actions"], serde_json::json!(["update"]));
    assert_eq!(
        change["before"]["enabled"], true,
        "the refresh saw the edit"
    );
    assert_eq!(change["after"]["enabled"], false);

    ws.apply().assert_success();
    assert!(!truth(&sim, JOHN).0);
}

#[test]
fn import_reads_an_existing_account() {
    let sim = simulator(vec![user(JOHN, "john", false)]);
    let (_, version) = truth(&sim, JOHN);
    let ws = Workspace::new(&sim);
    ws.config(&user_status("john", JOHN, false));
    ws.terraform(&["import", "-no-color", "acronis_user_status.john", JOHN])
        .assert_success();
    let state = ws.resource("acronis_user_status.john").expect("imported");
    assert_eq!(state["user_id"], JOHN);
    assert_eq!(state["enabled"], false);
    assert_eq!(state["version"], version);
    assert_eq!(ws.plan(&[]).code, 0);
    // Import changes nothing in the account.
    assert_eq!(sim.calls().put_user, 0);
}
