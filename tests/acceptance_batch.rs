//! Batched refreshes with real Terraform: reads that arrive while the API is busy share
//! `GET /users?uuids=...` calls, a lone read is one plain GET, drift is still found per
//! account, an account left out of a batch answer is confirmed before it is dropped, batch
//! calls are retried like any read, a malformed item sends only its own read alone, a batch
//! endpoint that is missing (404) turns batching off without dropping anyone, and
//! `batch_reads = false` turns it all off.
//!
//! The simulator answers after 20 ms, like a real API: on loopback a read is answered before
//! Terraform sends the next one, and there would be little to batch.

mod support;

use std::time::Duration;

use acronis_sim::{CallCounts, Endpoint, Fault};
use serde_json::Value as Json;
use support::*;

const LATENCY: Duration = Duration::from_millis(20);

/// A simulator holding `n` enabled users, and a workspace that manages them all (applied).
fn managed(n: usize) -> (Simulator, Workspace, Vec<String>) {
    let ids = uuids(n);
    let sim = simulator_with_enabled(&ids);
    let ws = Workspace::new(&sim);
    ws.config(&user_statuses("all", &ids, true));
    ws.apply().assert_success();
    sim.set_latency(LATENCY);
    sim.reset_calls();
    (sim, ws, ids)
}

/// `plan -refresh-only` at the given parallelism; it must succeed (exit 0 or 2).
fn refresh(ws: &Workspace, parallelism: u32) -> Run {
    let run = ws.plan(&["-refresh-only", &format!("-parallelism={parallelism}")]);
    run.assert_no_provider_fault();
    assert!(run.code == 0 || run.code == 2, "{}", run.output());
    run
}

/// The refresh found no drift: exit code 0, or 2 on the Terraform versions whose exit code
/// says so without drift (their plan text still says "No changes").
fn assert_no_drift(run: &Run, test: &str) {
    let reliable = refresh_only_exit_code_is_reliable(test, "exit code 0 without drift");
    assert!(
        run.code == 0 || (!reliable && run.code == 2 && run.stdout.contains("No changes")),
        "no drift:\n{}",
        run.output()
    );
}

/// Every account read exactly once: alone with a GET, or as one id of a batch.
fn assert_each_read_once(calls: &CallCounts, n: u64) {
    assert_eq!(calls.get_user + calls.batch_user_ids, n, "{calls:?}");
    assert_eq!(calls.put_user, 0, "{calls:?}");
}

/// The state's `version` and `enabled` of every resource equal the simulator's.
fn assert_state_is_truth(sim: &Simulator, ws: &Workspace) {
    for resource in ws.resources() {
        let attrs = &resource["values"];
        let id = attrs["user_id"].as_str().expect("user_id");
        let (enabled, version) = truth(sim, id);
        assert_eq!(attrs["enabled"], enabled, "{id}");
        assert_eq!(attrs["version"], version, "{id}");
    }
}

/// `apply -refresh-only` at -parallelism=10; the user ids left in state.
fn refresh_into_state(ws: &Workspace) -> Vec<String> {
    ws.terraform(&[
        "apply",
        "-refresh-only",
        "-auto-approve",
        "-parallelism=10",
        "-no-color",
    ])
    .assert_success();
    ws.resources()
        .iter()
        .map(|r| r["values"]["user_id"].as_str().expect("user_id").to_owned())
        .collect()
}

#[test]
fn a_wide_refresh_shares_batch_calls_and_reads_each_account_once() {
    let (sim, ws, _) = managed(200);
    let run = refresh(&ws, 10);
    assert_no_drift(
        &run,
        "a_wide_refresh_shares_batch_calls_and_reads_each_account_once",
    );
    let calls = sim.calls();
    assert_each_read_once(&calls, 200);
    let reads = calls.get_user + calls.batch_users;
    eprintln!("200 accounts at -parallelism=10: {reads} read calls ({calls:?})");
    assert!(calls.batch_users > 0, "{calls:?}");
    assert!(
        reads <= 100,
        "batching should at least halve the calls: {calls:?}"
    );
    assert_eq!(calls.token, 1, "{calls:?}");
}

#[test]
fn at_parallelism_1_every_read_is_one_plain_get() {
    let (sim, ws, _) = managed(20);
    refresh(&ws, 1);
    let calls = sim.calls();
    assert_eq!((calls.get_user, calls.batch_users), (20, 0), "{calls:?}");
}

#[test]
fn one_account_edited_out_of_band_among_150_is_the_one_drift() {
    let (sim, ws, ids) = managed(150);
    let edited = &ids[97];
    sim.console_set_enabled(edited, false);
    let plan = ws.terraform(&[
        "plan",
        "-refresh-only",
        "-parallelism=10",
        "-out=tfplan",
        "-no-color",
    ]);
    plan.assert_success();
    assert!(sim.calls().batch_users > 0, "{:?}", sim.calls());
    let show = ws.terraform(&["show", "-json", "tfplan"]);
    show.assert_success();
    let plan: Json = serde_json::from_str(&show.stdout).expect("show -json");
    let drift: Vec<&Json> = plan["resource_drift"]
        .as_array()
        .expect("resource_drift")
        .iter()
        .collect();
    assert_eq!(drift.len(), 1, "{drift:?}");
    assert_eq!(drift[0]["change"]["after"]["user_id"], edited.as_str());
    assert_eq!(drift[0]["change"]["after"]["enabled"], false);
    assert_eq!(
        drift[0]["change"]["after"]["version"],
        truth(&sim, edited).1
    );
}

#[test]
fn accounts_left_out_of_batch_answers_stay_while_a_deleted_one_leaves() {
    let (sim, ws, ids) = managed(30);
    let (deleted, kept) = ids.split_first().expect("ids");
    sim.delete_user(deleted);
    // Every live account is left out of the batch answers that would hold it, as a lagging
    // replica behind the batch endpoint would; each must be confirmed with its own GET.
    for id in kept {
        sim.hide_from_batches(id, 10);
    }
    let before = sim.faults().consumed;
    let in_state = refresh_into_state(&ws);
    let calls = sim.calls();
    let left_out = sim.faults().consumed - before;
    assert!(calls.batch_users > 0 && left_out > 0, "{calls:?}");
    // One GET per account read alone, one per account left out of a batch answer, and one
    // more if the deleted account was in a batch (its absence is confirmed too).
    let alone = 30 - calls.batch_user_ids;
    assert!(
        (alone + left_out..=alone + left_out + 1).contains(&calls.get_user),
        "{calls:?}, {left_out} left out"
    );
    assert_eq!(in_state.len(), kept.len(), "{in_state:?}");
    assert!(!in_state.contains(deleted));
    assert_state_is_truth(&sim, &ws);
}

#[test]
fn a_batch_endpoint_that_answers_404_drops_nobody_and_is_asked_once() {
    let (sim, ws, ids) = managed(60);
    let (deleted, kept) = ids.split_first().expect("ids");
    sim.delete_user(deleted);
    // A server without the batch endpoint (it exists in the cloud only) answers 404 to each.
    sim.set_batch_endpoint_absent(true);
    let in_state = refresh_into_state(&ws);
    assert_eq!(
        in_state.len(),
        kept.len(),
        "every live account stays: {in_state:?}"
    );
    assert!(!in_state.contains(deleted), "the deleted account leaves");
    assert_state_is_truth(&sim, &ws);
    let calls = sim.calls();
    assert!(
        (1..=4).contains(&calls.batch_users),
        "batching stops after the first 404 (at most the calls already in flight): {calls:?}"
    );
    assert_eq!(
        calls.get_user, 60,
        "every account read at its own address: {calls:?}"
    );
}

#[test]
fn a_malformed_item_in_a_batch_answer_sends_only_its_own_read_alone() {
    let (sim, ws, ids) = managed(60);
    // Every fifth account's item in the batch answers that carry it has a `version` that is
    // no number, while its own address serves it well.
    for id in ids.iter().step_by(5) {
        sim.malform_in_batches(id, 10);
    }
    let before = sim.faults().consumed;
    let in_state = refresh_into_state(&ws);
    assert_eq!(
        in_state.len(),
        ids.len(),
        "every account stays: {in_state:?}"
    );
    assert_state_is_truth(&sim, &ws);
    let calls = sim.calls();
    let malformed = sim.faults().consumed - before;
    assert!(calls.batch_users > 0 && malformed > 0, "{calls:?}");
    // Reads sent alone, and one more GET for each malformed item: the other items of its
    // batch were read from the answer.
    assert_eq!(
        calls.get_user,
        60 - calls.batch_user_ids + malformed,
        "{calls:?}, {malformed} malformed items"
    );
}

#[test]
fn a_503_and_a_429_on_batch_calls_are_retried() {
    let (sim, ws, _) = managed(40);
    sim.inject(Fault::status(Endpoint::BatchUsers, 503).times(1));
    sim.inject(
        Fault::status(Endpoint::BatchUsers, 429)
            .with_retry_after("1")
            .times(1),
    );
    let before = sim.faults().consumed;
    let run = refresh(&ws, 10);
    assert_no_drift(&run, "a_503_and_a_429_on_batch_calls_are_retried");
    assert_eq!(sim.faults().consumed - before, 2, "both faults fired");
    assert!(sim.faults().faults.is_empty());
    let calls = sim.calls();
    // The two batches that were refused were sent again, so their ids count twice.
    assert!(calls.get_user + calls.batch_user_ids >= 44, "{calls:?}");
    assert_state_is_truth(&sim, &ws);
}

#[test]
fn batch_reads_false_reads_each_account_with_its_own_get() {
    let (sim, mut ws, ids) = managed(30);
    ws.config_with_provider("batch_reads = false", &user_statuses("all", &ids, true));
    refresh(&ws, 10);
    let calls = sim.calls();
    assert_eq!((calls.get_user, calls.batch_users), (30, 0), "{calls:?}");

    ws.config(&user_statuses("all", &ids, true));
    ws.env("ACRONIS_BATCH_READS", "false");
    sim.reset_calls();
    refresh(&ws, 10);
    let calls = sim.calls();
    assert_eq!((calls.get_user, calls.batch_users), (30, 0), "{calls:?}");

    ws.env("ACRONIS_BATCH_READS", "sometimes");
    ws.plan(&["-refresh-only"])
        .assert_failure_containing("Invalid ACRONIS_BATCH_READS");
}
