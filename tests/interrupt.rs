//! Ctrl-C in a terminal sends SIGINT to Terraform's whole process group, the provider
//! included. During the planning phase of `terraform apply`, Terraform sends no `StopProvider`,
//! so the provider itself turns the SIGINT into a stop: the hung API call is abandoned, and
//! Terraform ends with the "cancelled" diagnostic instead of waiting out timeouts and retries.

use std::os::unix::process::CommandExt as _;
use std::process::Stdio;
use std::time::{Duration, Instant};

use acronis_sim::Endpoint;

mod support;
use support::*;

const JOHN: &str = "1c234e69-5469-424a-a6d1-ff5658b387a6";
/// How long each user read hangs: far longer than the few seconds a stop may take.
const HANG: Duration = Duration::from_secs(120);

/// Polls `done` until it holds, or fails the test after `limit`.
fn wait_for(what: &str, limit: Duration, done: impl Fn() -> bool) {
    let started = Instant::now();
    while !done() {
        assert!(started.elapsed() < limit, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn ctrl_c_during_a_hung_refresh_in_apply_stops_terraform_with_nothing_sent() {
    let sim = simulator(vec![user(JOHN, "john", true)]);
    let ws = Workspace::new(&sim);
    ws.config(&user_status("john", JOHN, true));
    ws.apply().assert_success();
    let state_before = ws.resource("acronis_user_status.john").expect("in state");

    // Every refresh now hangs, and the configuration asks for a change.
    sim.inject(Fault::latency(Endpoint::GetUser, HANG).times(100));
    ws.config(&user_status("john", JOHN, false));
    let before = sim.calls();
    let mut command = ws.command(&["apply", "-auto-approve", "-no-color"]);
    // Its own process group, as a terminal gives a foreground job.
    command
        .process_group(0)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let child = command.spawn().expect("spawn terraform");
    wait_for(
        "the refresh to reach the API",
        Duration::from_secs(60),
        || sim.calls().get_user > before.get_user,
    );

    let interrupted = Instant::now();
    let kill = std::process::Command::new("kill")
        .args(["-INT", "--", &format!("-{}", child.id())])
        .status()
        .expect("kill");
    assert!(kill.success());
    let out = child.wait_with_output().expect("wait for terraform");
    let took = interrupted.elapsed();

    let run = Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    };
    assert!(
        took < HANG / 4,
        "Terraform waited on the hung call ({took:?}):\n{}",
        run.output()
    );
    run.assert_failure_containing("was cancelled");
    let after = sim.calls();
    assert_eq!(after.put_user, before.put_user, "nothing was sent");
    assert_eq!(
        ws.resource("acronis_user_status.john"),
        Some(state_before),
        "state is as it was"
    );
    assert!(truth(&sim, JOHN).0, "the account is untouched");
}
