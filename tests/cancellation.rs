//! StopProvider (Terraform's Ctrl-C) cancels API calls in flight: the RPCs return with a
//! diagnostic instead of waiting for a hung API, and nothing more is sent. So does a terminal's
//! Ctrl-C reaching the provider as SIGINT, for the planning phase, when Terraform sends no
//! StopProvider.

use std::time::Duration;

use acronis_sim::Endpoint;
use terraform_provider_acronis::tfproto::proto::{self, provider_client::ProviderClient};
use terraform_provider_acronis::tfproto::Value;

mod support;
use support::plugin_client::launch_and_connect;
use support::wait::{wait_for, wait_for_async};
use support::*;

const JOHN: &str = "1c234e69-5469-424a-a6d1-ff5658b387a6";

/// How long a hung API read takes to answer.
const HUNG: Duration = Duration::from_secs(60);

fn provider_config(sim: &Simulator) -> proto::DynamicValue {
    Value::object([
        ("base_url", Value::from(sim.base_url())),
        ("client_id", Value::from(CLIENT_ID)),
        ("client_secret", Value::from(CLIENT_SECRET)),
    ])
    .to_dynamic()
}

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
    let (_plugin, channel) = launch_and_connect(&[]).await;
    let mut client = ProviderClient::new(channel);
    let configured = client
        .configure_provider(proto::configure_provider::Request {
            config: Some(provider_config(&sim)),
            ..Default::default()
        })
        .await
        .expect("ConfigureProvider")
        .into_inner();
    assert!(
        configured.diagnostics.is_empty(),
        "{}",
        diagnostics_text(&configured.diagnostics)
    );

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
    let child = ws
        .command(&["apply", "-auto-approve", "-no-color"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("spawn terraform");
    wait_for("the apply's read reached the API", || {
        sim.calls().get_user >= 1
    });
    let kill = std::process::Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .expect("kill");
    assert!(kill.success());
    // Terraform is done before the hung read would have answered, or the wait fails the test.
    let out = wait_with_output_before(child, HUNG / 2);
    let run = Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    };
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
    let mut command = ws.command(&["apply", "-auto-approve", "-no-color"]);
    // Its own process group, as a terminal gives a foreground job.
    std::os::unix::process::CommandExt::process_group(&mut command, 0);
    let child = command
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("spawn terraform");
    wait_for("the refresh reached the API", || {
        sim.calls().get_user > before.get_user
    });
    let kill = std::process::Command::new("kill")
        .args(["-INT", "--", &format!("-{}", child.id())])
        .status()
        .expect("kill");
    assert!(kill.success());
    let out = wait_with_output_before(child, HUNG / 2);
    let run = Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    };
    run.assert_failure_containing("was cancelled");
    assert_eq!(sim.calls().put_user, before.put_user, "nothing was sent");
    assert_eq!(
        ws.resource("acronis_user_status.john"),
        Some(state_before),
        "state is as it was"
    );
    assert!(truth(&sim, JOHN).0, "the account is untouched");
}

/// The child's exit and output, failing the test (after killing it) if it runs past `limit`.
fn wait_with_output_before(
    mut child: std::process::Child,
    limit: Duration,
) -> std::process::Output {
    let exited = support::plugin_client::wait_for_exit(&mut child, limit);
    if exited.is_none() {
        let _ = child.kill();
    }
    let out = child.wait_with_output().expect("wait");
    assert!(exited.is_some(), "still running after {limit:?}: {out:?}");
    out
}
