//! StopProvider (Terraform's Ctrl-C) cancels API calls in flight: the RPCs return with a
//! diagnostic instead of waiting for a hung API, and nothing more is sent. So does a terminal's
//! Ctrl-C reaching the provider as SIGINT, for the planning phase, when Terraform sends no
//! StopProvider.

use std::time::Duration;

use acronis_sim::Endpoint;
use terraform_provider_acronis::tfproto::proto;
use terraform_provider_acronis::tfproto::Value;

mod support;
use support::plugin_client::configured_provider;
use support::wait::{wait_for, wait_for_async, wait_with_output_before};
use support::*;

const JOHN: &str = "1c234e69-5469-424a-a6d1-ff5658b387a6";

/// How long a hung API read takes to answer.
const HUNG: Duration = Duration::from_secs(60);

fn diagnostics_text(diags: &[proto::Diagnostic]) -> String {
    diags
        .iter()
        .map(|d| format!("{}: {}", d.summary, d.detail))
        .collect::<Vec<_>>()
        .join("\n")
}

#[tokio::test]
async fn stop_provider_cancels_calls_in_flight() {
    let sim = simulator(vec![user(JOHN, "john", true)]);
    // Every user read hangs for a minute (HUNG), far longer than the test waits for anything.
    sim.inject(Fault::latency(Endpoint::GetUser, HUNG).times(10));
    let (_plugin, mut client) = configured_provider(&sim, &[]).await;

    let planned = Value::object([
        ("id", Value::from(JOHN)),
        ("user_id", Value::from(JOHN)),
        ("enabled", Value::from(false)),
        ("version", Value::Unknown),
        ("on_destroy", Value::from("keep")),
    ]);
    let mut apply_client = client.clone();
    let apply = tokio::spawn(async move {
        apply_client
            .apply_resource_change(proto::apply_resource_change::Request {
                type_name: "acronis_user_status".into(),
                prior_state: Some(Value::Null.to_dynamic()),
                planned_state: Some(planned.to_dynamic()),
                config: Some(planned.to_dynamic()),
                ..Default::default()
            })
            .await
            .expect("ApplyResourceChange answers")
            .into_inner()
    });

    // Once the simulator holds the apply's read, stop.
    wait_for_async("the apply's read reached the API", || {
        sim.calls().get_user >= 1
    })
    .await;
    assert!(!apply.is_finished(), "the apply is waiting on the API");
    client
        .stop_provider(proto::stop_provider::Request {})
        .await
        .expect("StopProvider");

    // The hung read would answer only after HUNG: an answer before it is the cancellation's.
    let response = tokio::time::timeout(HUNG / 2, apply)
        .await
        .expect("the apply answers before the hung read would have")
        .expect("join");
    let text = diagnostics_text(&response.diagnostics);
    assert!(text.contains("cancelled"), "{text}");
    let new_state = Value::from_dynamic(&response.new_state.expect("new_state")).expect("decode");
    assert!(
        new_state.is_null(),
        "nothing was created, so nothing is stored"
    );
    assert_eq!(sim.calls().put_user, 0, "nothing was sent after the stop");

    // Later calls fail without asking the API.
    let reads = sim.calls().get_user;
    let read = client
        .read_resource(proto::read_resource::Request {
            type_name: "acronis_user_status".into(),
            current_state: Some(
                Value::object([
                    ("id", Value::from(JOHN)),
                    ("user_id", Value::from(JOHN)),
                    ("enabled", Value::from(true)),
                    ("version", Value::from(1)),
                    ("on_destroy", Value::from("keep")),
                ])
                .to_dynamic(),
            ),
            ..Default::default()
        })
        .await
        .expect("ReadResource")
        .into_inner();
    assert!(diagnostics_text(&read.diagnostics).contains("cancelled"));
    assert_eq!(
        sim.calls().get_user,
        reads,
        "the stopped provider sent no read"
    );
}

#[test]
fn ctrl_c_during_terraform_apply_ends_it_promptly_with_a_diagnostic() {
    let sim = simulator(vec![user(JOHN, "john", true)]);
    sim.inject(Fault::latency(Endpoint::GetUser, HUNG).times(10));
    let ws = Workspace::new(&sim);
    ws.config(&user_status("john", JOHN, false));
    let run = apply_interrupted(&ws, &sim, Interrupt::Terraform);
    run.assert_failure_containing("was cancelled before it finished");
    assert_eq!(sim.calls().put_user, 0);
    assert!(ws.resources().is_empty(), "nothing half-written to state");
}

#[test]
fn ctrl_c_to_the_process_group_during_a_hung_refresh_stops_the_apply() {
    let sim = simulator(vec![user(JOHN, "john", true)]);
    let ws = Workspace::new(&sim);
    ws.config(&user_status("john", JOHN, true));
    ws.apply().assert_success();
    let state_before = ws.resource("acronis_user_status.john").expect("in state");

    // Every refresh now hangs, and the configuration asks for a change.
    sim.inject(Fault::latency(Endpoint::GetUser, HUNG).times(100));
    ws.config(&user_status("john", JOHN, false));
    let before = sim.calls();
    let run = apply_interrupted(&ws, &sim, Interrupt::ProcessGroup);
    run.assert_failure_containing("was cancelled before it finished");
    assert_eq!(sim.calls().put_user, before.put_user, "nothing was sent");
    assert_eq!(
        ws.resource("acronis_user_status.john"),
        Some(state_before),
        "state is as it was"
    );
    assert!(truth(&sim, JOHN).0, "the account is untouched");
}

/// Who receives the SIGINT.
enum Interrupt {
    /// Terraform alone, as a signal sent to its process.
    Terraform,
    /// Terraform's process group, the provider included, as a terminal's Ctrl-C.
    ProcessGroup,
}

/// Runs `terraform apply`, sends SIGINT once its next user read has reached the simulator, and
/// returns the run; Terraform must be done before the hung read would have answered.
fn apply_interrupted(ws: &Workspace, sim: &Simulator, interrupt: Interrupt) -> Run {
    let reads_before = sim.calls().get_user;
    let mut command = ws.command(&["apply", "-auto-approve", "-no-color"]);
    if let Interrupt::ProcessGroup = interrupt {
        // Its own process group, as a terminal gives a foreground job.
        std::os::unix::process::CommandExt::process_group(&mut command, 0);
    }
    let child = command
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("spawn terraform");
    wait_for("the apply's read reached the API", || {
        sim.calls().get_user > reads_before
    });
    let target = match interrupt {
        Interrupt::Terraform => child.id().to_string(),
        Interrupt::ProcessGroup => format!("-{}", child.id()),
    };
    let kill = std::process::Command::new("kill")
        .args(["-INT", "--", &target])
        .status()
        .expect("kill");
    assert!(kill.success());
    Run::of(wait_with_output_before(child, HUNG / 2))
}
