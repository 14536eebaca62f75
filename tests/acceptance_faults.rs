//! The fault matrix with real Terraform: each fault the simulator can inject, during plan (the
//! refresh) and during apply, ends in success or in the documented diagnostic; afterwards a
//! clean refresh shows state equal to the simulator's truth: nothing lost, nothing invented.

use std::time::Duration;

use acronis_sim::Endpoint;

mod support;
use support::*;

const JOHN: &str = "1c234e69-5469-424a-a6d1-ff5658b387a6";

/// A managed, enabled account whose state is in place.
fn managed_account(provider_args: &str) -> (Simulator, Workspace) {
    let sim = simulator(vec![user(JOHN, "john", true)]);
    let ws = Workspace::new(&sim);
    ws.config_with_provider(provider_args, &user_status("john", JOHN, true));
    ws.apply().assert_success();
    sim.reset_calls();
    (sim, ws)
}

/// After the fault: a clean refresh, then state must equal the simulator.
fn assert_state_is_the_truth(sim: &Simulator, ws: &Workspace, case: &str) {
    sim.clear_faults();
    ws.terraform(&["apply", "-refresh-only", "-auto-approve", "-no-color"])
        .assert_success();
    let state = ws
        .resource("acronis_user_status.john")
        .unwrap_or_else(|| panic!("{case}: resource lost"));
    let (enabled, version) = truth(sim, JOHN);
    assert_eq!(state["enabled"], enabled, "{case}");
    assert_eq!(state["version"], version, "{case}");
}

#[test]
fn faults_during_plan_are_retried_away() {
    let cases: Vec<(&str, Vec<Fault>)> = vec![
        (
            "503 with Retry-After",
            vec![Fault::status(Endpoint::GetUser, 503).with_retry_after("1")],
        ),
        (
            "429 with Retry-After",
            vec![Fault::status(Endpoint::GetUser, 429).with_retry_after("1")],
        ),
        (
            "500 twice",
            vec![Fault::status(Endpoint::GetUser, 500).times(2)],
        ),
        ("HTML from a proxy", vec![Fault::garbage(Endpoint::GetUser)]),
        (
            "dropped connection",
            vec![Fault::drop_connection(Endpoint::GetUser)],
        ),
        (
            "slow answer",
            vec![Fault::latency(
                Endpoint::GetUser,
                Duration::from_millis(1500),
            )],
        ),
        (
            "token endpoint 503",
            vec![Fault::status(Endpoint::Token, 503)],
        ),
        (
            "token endpoint 429",
            vec![Fault::status(Endpoint::Token, 429).with_retry_after("1")],
        ),
    ];
    for (case, faults) in cases {
        let (sim, ws) = managed_account("");
        sim.console_bump(JOHN);
        for fault in faults {
            sim.inject(fault);
        }
        let plan = ws.plan(&[]);
        plan.assert_no_provider_fault();
        assert_eq!(plan.code, 0, "{case}:\n{}", plan.output());
        assert!(sim.faults().faults.is_empty(), "{case}: the fault was hit");
        assert_state_is_the_truth(&sim, &ws, case);
    }
}

#[test]
fn faults_during_plan_that_persist_end_in_the_documented_diagnostic() {
    let cases: Vec<(&str, Fault, &str, &str)> = vec![
        (
            "403",
            Fault::status(Endpoint::GetUser, 403),
            "HTTP 403",
            "its tenant must own the user",
        ),
        (
            "503 for good",
            Fault::status(Endpoint::GetUser, 503).times(50),
            "HTTP 503",
            "unreachable or failing",
        ),
        (
            "401 for good",
            Fault::status(Endpoint::GetUser, 401).times(50),
            "HTTP 401",
            "Check client_id and client_secret",
        ),
        (
            "token refused",
            Fault::status(Endpoint::Token, 401).times(50),
            "requesting an access token failed: HTTP 401",
            "Check client_id",
        ),
    ];
    for (case, fault, what, advice) in cases {
        let (sim, ws) = managed_account("  max_retries = 1");
        let before = ws.resource("acronis_user_status.john").expect("state");
        sim.inject(fault);
        let plan = ws.plan(&[]);
        plan.assert_failure_containing("Could not read the account");
        plan.assert_failure_containing(what);
        plan.assert_failure_containing(advice);
        assert_eq!(
            ws.resource("acronis_user_status.john").expect("state"),
            before,
            "{case}: state untouched"
        );
        assert_state_is_the_truth(&sim, &ws, case);
    }
}

#[test]
fn faults_during_apply_are_retried_or_reconciled() {
    let cases: Vec<(&str, Fault)> = vec![
        (
            "503 with Retry-After",
            Fault::status(Endpoint::PutUser, 503).with_retry_after("1"),
        ),
        ("500 twice", Fault::status(Endpoint::PutUser, 500).times(2)),
        ("HTML from a proxy", Fault::garbage(Endpoint::PutUser)),
        (
            "dropped before the change",
            Fault::drop_connection(Endpoint::PutUser),
        ),
        (
            "response lost after the change",
            Fault::lose_response(Endpoint::PutUser),
        ),
        (
            "slow answer",
            Fault::latency(Endpoint::PutUser, Duration::from_millis(1500)),
        ),
        ("token endpoint 503", Fault::status(Endpoint::Token, 503)),
    ];
    for (case, fault) in cases {
        let (sim, ws) = managed_account("");
        ws.config(&user_status("john", JOHN, false));
        sim.inject(fault);
        ws.apply().assert_success();
        assert!(!truth(&sim, JOHN).0, "{case}: disabled");
        assert_eq!(
            ws.resource("acronis_user_status.john").expect("state")["version"],
            truth(&sim, JOHN).1,
            "{case}: the recorded revision is the real one"
        );
        assert_state_is_the_truth(&sim, &ws, case);
    }
}

#[test]
fn a_revision_bumped_between_read_and_write_is_reconciled_during_apply() {
    let (sim, ws) = managed_account("");
    ws.config(&user_status("john", JOHN, false));
    sim.bump_between_read_and_write(JOHN, 1);
    ws.apply().assert_success();
    assert_eq!(
        sim.calls().put_user,
        2,
        "the conflicting PUT, then the one with the new revision"
    );
    assert_state_is_the_truth(&sim, &ws, "bump between read and write");
}

#[test]
fn a_token_that_expires_mid_run_is_replaced() {
    let ids = uuids(6);
    let sim = simulator(ids.iter().map(|id| user(id, "u", true)).collect());
    sim.set_token_ttl(Duration::from_secs(1));
    sim.set_latency(Duration::from_millis(400));
    let ws = Workspace::new(&sim);
    ws.config(&user_statuses("all", &ids, false));
    ws.terraform(&["apply", "-auto-approve", "-no-color", "-parallelism=1"])
        .assert_success();
    assert!(
        sim.calls().token >= 2,
        "the one-second token was replaced: {:?}",
        sim.calls()
    );
    assert!(ids.iter().all(|id| !truth(&sim, id).0));
}

#[test]
fn faults_during_apply_that_persist_keep_the_old_state() {
    let cases: Vec<(&str, Fault, &str)> = vec![
        (
            "403",
            Fault::status(Endpoint::PutUser, 403),
            "its tenant must own the user",
        ),
        (
            "503 for good",
            Fault::status(Endpoint::PutUser, 503).times(50),
            "unreachable or failing",
        ),
        (
            "account keeps changing",
            Fault::status(Endpoint::PutUser, 409).times(50),
            "Someone else is changing this account",
        ),
    ];
    for (case, fault, advice) in cases {
        let (sim, ws) = managed_account("  max_retries = 1");
        let before = ws.resource("acronis_user_status.john").expect("state");
        ws.config_with_provider("  max_retries = 1", &user_status("john", JOHN, false));
        sim.inject(fault);
        let run = ws.apply();
        run.assert_failure_containing(&format!("Could not set the status of user {JOHN}"));
        run.assert_failure_containing(advice);
        assert!(truth(&sim, JOHN).0, "{case}: nothing changed");
        assert_eq!(
            ws.resource("acronis_user_status.john").expect("state"),
            before,
            "{case}: old state kept"
        );
        assert_state_is_the_truth(&sim, &ws, case);
    }
}
