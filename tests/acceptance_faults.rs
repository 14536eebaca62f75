//! The fault matrix with real Terraform: each fault the simulator can inject, during plan (the
//! refresh) and during apply, ends in success or in the documented diagnostic. Every case checks
//! that its fault fired, and afterwards that state as written (no refresh) equals the simulator's
//! truth and a refresh-only plan finds no drift: nothing lost, nothing invented.

use std::time::Duration;

use acronis_sim::Endpoint;

mod support;
use support::tfjson::resource_in;
use support::*;

const JOHN: &str = "1c234e69-5469-424a-a6d1-ff5658b387a6";
const ADDRESS: &str = "acronis_user_status.john";

/// A managed, enabled account whose state is in place; call counters start at zero.
fn managed_account(provider_args: &str) -> (Simulator, Workspace) {
    let sim = simulator(vec![user(JOHN, "john", true)]);
    let ws = Workspace::new(&sim);
    ws.config_with_provider(provider_args, &user_status("john", JOHN, true));
    ws.apply().assert_success();
    sim.reset_calls();
    (sim, ws)
}

/// Books `faults` and returns how many requests faults had hit before.
fn inject_all(sim: &Simulator, faults: &[Fault]) -> u64 {
    let before = sim.faults().consumed;
    for fault in faults {
        sim.inject(fault.clone());
    }
    before
}

/// Fails the test unless every booked fault fired in full (`exact`) or at least once.
fn assert_fired(sim: &Simulator, before: u64, faults: &[Fault], exact: bool, case: &str) {
    let view = sim.faults();
    let fired = view.consumed - before;
    let booked: u64 = faults.iter().map(|f| u64::from(f.count)).sum();
    if exact {
        assert_eq!(fired, booked, "{case}: every booked fault fired: {view:?}");
        assert!(view.faults.is_empty(), "{case}: faults left: {view:?}");
    } else {
        assert!(fired >= 1, "{case}: the fault fired: {view:?}");
    }
}

/// After the fault: state as written equals the simulator, and a refresh-only plan is empty.
fn assert_state_is_the_truth(sim: &Simulator, ws: &Workspace, case: &str) {
    sim.clear_faults();
    assert!(ws.resource(ADDRESS).is_some(), "{case}: resource lost");
    ws.assert_state_matches_api(sim, case);
    ws.assert_no_drift(case);
}

#[test]
fn faults_during_plan_are_retried_away() {
    // (case, faults, the endpoint that must have been asked again after the fault)
    let cases: Vec<(&str, Vec<Fault>, Option<Endpoint>)> = vec![
        (
            "503 with Retry-After",
            vec![Fault::status(Endpoint::GetUser, 503).with_retry_after("1")],
            Some(Endpoint::GetUser),
        ),
        (
            "429 with Retry-After",
            vec![Fault::status(Endpoint::GetUser, 429).with_retry_after("1")],
            Some(Endpoint::GetUser),
        ),
        (
            "500 twice",
            vec![Fault::status(Endpoint::GetUser, 500).times(2)],
            Some(Endpoint::GetUser),
        ),
        (
            "HTML from a proxy",
            vec![Fault::garbage(Endpoint::GetUser)],
            Some(Endpoint::GetUser),
        ),
        (
            "dropped connection",
            vec![Fault::drop_connection(Endpoint::GetUser)],
            Some(Endpoint::GetUser),
        ),
        (
            "slow answer",
            vec![Fault::latency(
                Endpoint::GetUser,
                Duration::from_millis(1500),
            )],
            None,
        ),
        (
            "token endpoint 503",
            vec![Fault::status(Endpoint::Token, 503)],
            Some(Endpoint::Token),
        ),
        (
            "token endpoint 429",
            vec![Fault::status(Endpoint::Token, 429).with_retry_after("1")],
            Some(Endpoint::Token),
        ),
    ];
    for (case, faults, retried) in cases {
        let (sim, ws) = managed_account("");
        sim.console_bump(JOHN); // the refresh must bring the new revision home
        let before = inject_all(&sim, &faults);
        let (run, plan) = ws.plan_out("tfplan", &[]);
        assert_eq!(run.code, 0, "{case}: no change planned:\n{}", run.output());
        let plan = plan.expect("saved plan");
        assert_fired(&sim, before, &faults, true, case);

        // The refreshed prior state carries the revision the API has now: the provider re-read
        // after the fault instead of keeping the old state.
        let prior = resource_in(&plan["prior_state"], ADDRESS)
            .unwrap_or_else(|| panic!("{case}: {ADDRESS} in the plan's prior state"));
        let (enabled, version) = truth(&sim, JOHN);
        assert_eq!(prior["values"]["version"], version, "{case}: {plan}");
        assert_eq!(prior["values"]["enabled"], enabled, "{case}");
        let calls = sim.calls();
        assert_eq!(calls.put_user, 0, "{case}: a refresh changes nothing");
        if let Some(endpoint) = retried {
            assert!(
                calls.get(endpoint) >= 2,
                "{case}: {endpoint} asked again after the fault: {calls:?}"
            );
        }

        ws.apply_saved("tfplan").assert_success();
        assert_state_is_the_truth(&sim, &ws, case);
    }
}

#[test]
fn faults_during_plan_that_persist_end_in_the_documented_diagnostic() {
    // (case, fault, the status the diagnostic names)
    let cases: Vec<(&str, Fault, &str)> = vec![
        ("403", Fault::status(Endpoint::GetUser, 403), "HTTP 403"),
        (
            "503 for good",
            Fault::status(Endpoint::GetUser, 503).times(50),
            "HTTP 503",
        ),
        (
            "401 for good",
            Fault::status(Endpoint::GetUser, 401).times(50),
            "HTTP 401",
        ),
        (
            "token refused",
            Fault::status(Endpoint::Token, 401).times(50),
            "requesting an access token failed: HTTP 401",
        ),
        (
            // A proxy's or a wrong host's 404 page is no word on the account: it stays.
            "404 page that is not the API's",
            Fault::garbage(Endpoint::GetUser).with_status(404),
            "check base_url",
        ),
    ];
    for (case, fault, status) in cases {
        let (sim, ws) = managed_account("  max_retries = 1");
        let before = inject_all(&sim, std::slice::from_ref(&fault));
        let run = ws.terraform(&["plan", "-json"]);
        let diagnostic = run.error_diagnostic("Could not read the account");
        assert_eq!(diagnostic["address"], ADDRESS, "{case}: {diagnostic}");
        let detail = diagnostic["detail"].as_str().unwrap_or_default();
        assert!(detail.contains(status), "{case}: {detail}");
        assert_fired(&sim, before, std::slice::from_ref(&fault), false, case);
        assert_eq!(sim.calls().put_user, 0, "{case}: nothing sent");
        assert_state_is_the_truth(&sim, &ws, case);
    }
}

/// A managed account and a saved plan `tfplan` that disables it; counters start at zero.
fn saved_plan_disabling_john(provider_args: &str) -> (Simulator, Workspace) {
    let (sim, ws) = managed_account(provider_args);
    ws.config_with_provider(provider_args, &user_status("john", JOHN, false));
    let (run, _) = ws.plan_out("tfplan", &[]);
    assert_eq!(run.code, 2, "a change is planned:\n{}", run.output());
    sim.reset_calls();
    (sim, ws)
}

#[test]
fn faults_during_apply_are_retried_or_reconciled() {
    // (case, fault, the endpoint that must have been asked again after the fault)
    let cases: Vec<(&str, Fault, Option<Endpoint>)> = vec![
        (
            "503 with Retry-After",
            Fault::status(Endpoint::PutUser, 503).with_retry_after("1"),
            Some(Endpoint::PutUser),
        ),
        (
            "500 twice",
            Fault::status(Endpoint::PutUser, 500).times(2),
            Some(Endpoint::PutUser),
        ),
        (
            "HTML from a proxy",
            Fault::garbage(Endpoint::PutUser),
            Some(Endpoint::PutUser),
        ),
        (
            "dropped before the change",
            Fault::drop_connection(Endpoint::PutUser),
            Some(Endpoint::PutUser),
        ),
        (
            "response lost after the change",
            Fault::lose_response(Endpoint::PutUser),
            Some(Endpoint::GetUser),
        ),
        (
            "slow answer",
            Fault::latency(Endpoint::PutUser, Duration::from_millis(1500)),
            None,
        ),
        (
            "token endpoint 503",
            Fault::status(Endpoint::Token, 503),
            Some(Endpoint::Token),
        ),
    ];
    for (case, fault, retried) in cases {
        let (sim, ws) = saved_plan_disabling_john("");
        let before = inject_all(&sim, std::slice::from_ref(&fault));
        ws.apply_saved("tfplan").assert_success();
        assert_fired(&sim, before, std::slice::from_ref(&fault), true, case);
        let calls = sim.calls();
        if let Some(endpoint) = retried {
            let least = if endpoint == Endpoint::GetUser { 1 } else { 2 };
            assert!(
                calls.get(endpoint) >= least,
                "{case}: {endpoint} asked again after the fault: {calls:?}"
            );
        }
        assert!(!truth(&sim, JOHN).0, "{case}: disabled");
        assert_state_is_the_truth(&sim, &ws, case);
        ws.assert_plan_empty(case);
    }
}

#[test]
fn a_revision_bumped_between_read_and_write_is_reconciled_during_apply() {
    let (sim, ws) = saved_plan_disabling_john("");
    sim.bump_between_read_and_write(JOHN, 1);
    ws.apply_saved("tfplan").assert_success();
    assert!(sim.faults().bumps.is_empty(), "the bump fired");
    assert_eq!(
        sim.calls().put_user,
        2,
        "the conflicting PUT, then the one with the new revision"
    );
    assert!(!truth(&sim, JOHN).0);
    assert_state_is_the_truth(&sim, &ws, "bump between read and write");
    ws.assert_plan_empty("bump between read and write");
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
    sim.set_latency(Duration::ZERO);
    ws.assert_state_matches_api(&sim, "token expiring mid-run");
}

#[test]
fn faults_during_apply_that_persist_keep_the_old_state() {
    // (case, fault, the status the diagnostic names, if one)
    let cases: Vec<(&str, Fault, Option<&str>)> = vec![
        (
            "403",
            Fault::status(Endpoint::PutUser, 403),
            Some("HTTP 403"),
        ),
        (
            "503 for good",
            Fault::status(Endpoint::PutUser, 503).times(50),
            Some("HTTP 503"),
        ),
        (
            "account keeps changing",
            Fault::status(Endpoint::PutUser, 409).times(50),
            None,
        ),
    ];
    for (case, fault, status) in cases {
        let (sim, ws) = saved_plan_disabling_john("  max_retries = 1");
        let before_state = ws.resource(ADDRESS).expect("state");
        let before = inject_all(&sim, std::slice::from_ref(&fault));
        let run = ws.terraform(&["apply", "-json", "tfplan"]);
        let diagnostic = run.error_diagnostic(&format!("Could not set the status of user {JOHN}"));
        assert_eq!(diagnostic["address"], ADDRESS, "{case}: {diagnostic}");
        let detail = diagnostic["detail"].as_str().unwrap_or_default();
        match status {
            Some(status) => assert!(detail.contains(status), "{case}: {detail}"),
            // A conflict is re-read and retried before the provider gives up.
            None => assert!(sim.calls().put_user >= 2, "{case}: {:?}", sim.calls()),
        }
        assert_fired(&sim, before, std::slice::from_ref(&fault), false, case);
        assert!(truth(&sim, JOHN).0, "{case}: nothing changed");
        assert_eq!(
            ws.resource(ADDRESS).expect("state"),
            before_state,
            "{case}: old state kept"
        );
        assert_state_is_the_truth(&sim, &ws, case);
    }
}
