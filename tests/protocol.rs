//! The plugin at the protocol level, as go-plugin's client sees it: the cookie, the handshake
//! line, AutoMTLS with a P-521 client certificate like Terraform's, refusal of any other
//! certificate, the go-plugin services, `Unimplemented` for unserved RPCs, messages past gRPC's
//! 4 MiB default, `Shutdown`, and the `--debug` reattach mode.

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::Duration;

use terraform_provider_acronis::goplugin::handshake::{MAGIC_COOKIE_KEY, MAGIC_COOKIE_VALUE};
use terraform_provider_acronis::goplugin::proto as plugin_proto;
use terraform_provider_acronis::tfproto::{proto, Value};
use tonic::transport::Channel;
use tonic_health::pb as health_proto;

mod support;
use support::plugin_client::*;

async fn schema(channel: Channel) -> Result<proto::get_provider_schema::Response, tonic::Status> {
    let mut client = proto::provider_client::ProviderClient::new(channel);
    client
        .get_provider_schema(proto::get_provider_schema::Request {})
        .await
        .map(|r| r.into_inner())
}

#[tokio::test]
async fn mutual_tls_with_terraforms_certificate_serves_the_provider() {
    let client = terraform_like_identity();
    let plugin = launch(Some(&client.pem), &[]);
    let cert = plugin
        .server_cert
        .clone()
        .expect("TLS is on when a client cert is given");
    let channel = connect(&plugin.socket, Some(&cert), Some(&client))
        .await
        .expect("connect");

    let schema = schema(channel.clone()).await.expect("GetProviderSchema");
    assert!(schema.resource_schemas.contains_key("acronis_user_status"));
    assert!(schema.data_source_schemas.contains_key("acronis_user"));
    assert!(
        schema
            .server_capabilities
            .expect("capabilities")
            .get_provider_schema_optional
    );

    let mut health = health_proto::health_client::HealthClient::new(channel.clone());
    // go-plugin's client asks about "plugin"; "" is the server as a whole.
    for service in ["plugin", ""] {
        let status = health
            .check(health_proto::HealthCheckRequest {
                service: service.into(),
            })
            .await
            .expect("health")
            .into_inner()
            .status;
        assert_eq!(
            status,
            health_proto::health_check_response::ServingStatus::Serving as i32,
            "{service:?}"
        );
    }
    let unknown = health
        .check(health_proto::HealthCheckRequest {
            service: "no.such.Service".into(),
        })
        .await
        .expect_err("an unknown service has no health");
    assert_eq!(unknown.code(), tonic::Code::NotFound);
}

#[tokio::test]
async fn messages_past_grpcs_4_mib_default_are_served_both_ways() {
    let (_plugin, channel) = launch_and_connect(&[]).await;
    // A state this large arrives only from a big configuration; Terraform sends up to 2 GiB.
    let big = "a".repeat(5 * 1024 * 1024);
    let raw = serde_json::json!({
        "id": "id", "user_id": big, "enabled": true, "version": 1, "on_destroy": "keep",
    });
    let request = proto::upgrade_resource_state::Request {
        type_name: "acronis_user_status".into(),
        version: 1,
        raw_state: Some(proto::RawState {
            json: serde_json::to_vec(&raw).expect("JSON").into(),
            flatmap: Default::default(),
        }),
    };
    let mut client =
        proto::provider_client::ProviderClient::new(channel).max_decoding_message_size(usize::MAX);
    let answer = client
        .upgrade_resource_state(request)
        .await
        .expect("a request over 4 MiB is served")
        .into_inner();
    assert!(answer.diagnostics.is_empty(), "{:?}", answer.diagnostics);
    let state = Value::from_dynamic(&answer.upgraded_state.expect("upgraded state"))
        .expect("msgpack state");
    assert_eq!(state.get("user_id").as_str(), Some(big.as_str()));
}

#[tokio::test]
async fn rpcs_the_provider_does_not_serve_answer_unimplemented() {
    let client = terraform_like_identity();
    let plugin = launch(Some(&client.pem), &[]);
    let channel = connect(&plugin.socket, plugin.server_cert.as_deref(), Some(&client))
        .await
        .expect("connect");
    let mut grpc = tonic::client::Grpc::new(channel);
    // Methods of the served service that this provider lacks, and services it does not serve.
    for method in [
        "/tfplugin6.Provider/GetFunctions",
        "/tfplugin6.Provider/MoveResourceState",
        "/tfplugin6.Provider/OpenEphemeralResource",
        "/tfplugin6.Provider/PlanAction",
        "/tfplugin5.Provider/GetSchema",
        "/plugin.GRPCBroker/StartStream",
        "/plugin.GRPCController/Restart",
        "/grpc.health.v1.Health/List",
    ] {
        grpc.ready().await.expect("ready");
        let path = http::uri::PathAndQuery::try_from(method).expect("path");
        let codec = tonic_prost::ProstCodec::<plugin_proto::Empty, plugin_proto::Empty>::default();
        let err = grpc
            .unary(tonic::Request::new(plugin_proto::Empty {}), path, codec)
            .await
            .expect_err("unserved RPC");
        assert_eq!(err.code(), tonic::Code::Unimplemented, "{method}");
    }
}

#[tokio::test]
async fn any_other_client_certificate_is_refused() {
    let terraform = terraform_like_identity();
    let intruder = terraform_like_identity();
    let plugin = launch(Some(&terraform.pem), &[]);
    let cert = plugin.server_cert.clone().expect("TLS");

    for client in [Some(&intruder), None] {
        let refused = match connect(&plugin.socket, Some(&cert), client).await {
            Err(_) => true,
            Ok(channel) => schema(channel).await.is_err(),
        };
        assert!(
            refused,
            "a connection without Terraform's certificate must not be served"
        );
    }
    // Terraform's own certificate still works after the refusals.
    let channel = connect(&plugin.socket, Some(&cert), Some(&terraform))
        .await
        .expect("connect");
    assert!(schema(channel).await.is_ok());
}

#[tokio::test]
async fn shutdown_ends_the_process_promptly_and_removes_the_socket() {
    let client = terraform_like_identity();
    let mut plugin = launch(Some(&client.pem), &[]);
    let channel = connect(&plugin.socket, plugin.server_cert.as_deref(), Some(&client))
        .await
        .expect("connect");
    // Terraform opens the stdio stream first; it must not hold the shutdown back.
    let mut stdio = plugin_proto::grpc_stdio_client::GrpcStdioClient::new(channel.clone());
    let _stream = stdio
        .stream_stdio(plugin_proto::Empty {})
        .await
        .expect("stdio stream");

    let mut controller = plugin_proto::grpc_controller_client::GrpcControllerClient::new(channel);
    controller
        .shutdown(plugin_proto::Empty {})
        .await
        .expect("Shutdown");
    wait_for_exit(&mut plugin.child, Duration::from_secs(2))
        .expect("exits before Terraform's 2 s kill");
    assert!(plugin
        .child
        .try_wait()
        .expect("status")
        .is_some_and(|s| s.success()));
    assert!(!plugin.socket.exists(), "socket removed");
    assert!(
        !plugin.socket.parent().expect("dir").exists(),
        "socket directory removed"
    );
}

#[tokio::test]
async fn a_connection_that_never_starts_tls_is_closed_after_the_handshake_timeout() {
    use terraform_provider_acronis::goplugin::accept::HANDSHAKE_TIMEOUT;
    use tokio::io::AsyncReadExt as _;

    let client = terraform_like_identity();
    let plugin = launch(Some(&client.pem), &[]);
    // Connects and says nothing: no ClientHello, ever.
    let mut silent = tokio::net::UnixStream::connect(&plugin.socket)
        .await
        .expect("connect the silent client");
    let opened = std::time::Instant::now();

    // Meanwhile Terraform's connection is served, again and again.
    let channel = connect(&plugin.socket, plugin.server_cert.as_deref(), Some(&client))
        .await
        .expect("Terraform connects while the silent one waits");
    for _ in 0..3 {
        assert!(schema(channel.clone()).await.is_ok());
    }

    let mut byte = [0u8; 1];
    let read = tokio::time::timeout(
        HANDSHAKE_TIMEOUT + Duration::from_secs(3),
        silent.read(&mut byte),
    )
    .await
    .expect("the plugin closes the silent connection within its handshake timeout");
    let waited = opened.elapsed();
    assert!(
        matches!(read, Ok(0) | Err(_)),
        "the plugin sent nothing and closed: {read:?}"
    );
    assert!(
        waited >= HANDSHAKE_TIMEOUT - Duration::from_millis(500),
        "closed after {waited:?}, before the timeout"
    );
    // Terraform's connection outlived it.
    assert!(schema(channel).await.is_ok());
    assert_eq!(HANDSHAKE_TIMEOUT, Duration::from_secs(10));
}

#[test]
fn without_a_client_certificate_the_plugin_refuses_to_serve_plaintext() {
    let parent = tempfile::tempdir().expect("tempdir");
    let out = Command::new(env!("CARGO_BIN_EXE_terraform-provider-acronis"))
        .env(MAGIC_COOKIE_KEY, MAGIC_COOKIE_VALUE)
        .env("PLUGIN_PROTOCOL_VERSIONS", "6")
        .env("PLUGIN_UNIX_SOCKET_DIR", parent.path())
        .env_remove("PLUGIN_CLIENT_CERT")
        .env_remove("TF_DISABLE_PLUGIN_TLS")
        .stdin(Stdio::null())
        .output()
        .expect("run the plugin");
    assert!(!out.status.success());
    assert!(out.stdout.is_empty(), "no handshake line: {:?}", out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("PLUGIN_CLIENT_CERT is not set"), "{stderr}");
    assert!(stderr.contains("TF_DISABLE_PLUGIN_TLS"), "{stderr}");
    let left: Vec<_> = std::fs::read_dir(parent.path()).expect("read").collect();
    assert!(left.is_empty(), "no socket was created: {left:?}");
}

#[tokio::test]
async fn tf_disable_plugin_tls_serves_plaintext() {
    let client = terraform_like_identity();
    let plugin = launch(Some(&client.pem), &[("TF_DISABLE_PLUGIN_TLS", "1")]);
    assert!(
        plugin.server_cert.is_none(),
        "no certificate in the handshake line"
    );
    let channel = connect(&plugin.socket, None, None).await.expect("connect");
    assert!(schema(channel).await.is_ok());
}

#[tokio::test]
async fn sigint_from_terraforms_ctrl_c_does_not_kill_the_provider() {
    let client = terraform_like_identity();
    let mut plugin = launch(Some(&client.pem), &[]);
    let pid = plugin.child.id().to_string();
    assert!(Command::new("kill")
        .args(["-INT", &pid])
        .status()
        .expect("kill")
        .success());
    // The signal is delivered when kill returns; a process it ended would not answer this.
    let channel = connect(&plugin.socket, plugin.server_cert.as_deref(), Some(&client))
        .await
        .expect("connect after SIGINT");
    assert!(schema(channel).await.is_ok(), "still serving after SIGINT");
    assert!(
        plugin.child.try_wait().expect("try_wait").is_none(),
        "still running"
    );
    assert!(Command::new("kill")
        .args(["-TERM", &pid])
        .status()
        .expect("kill")
        .success());
    assert!(
        wait_for_exit(&mut plugin.child, Duration::from_secs(2)).is_some(),
        "SIGTERM stops it"
    );
    assert!(!plugin.socket.exists(), "socket removed after SIGTERM");
}

#[test]
fn without_the_cookie_it_explains_itself_and_exits_1() {
    let out = Command::new(BIN)
        .env_remove(MAGIC_COOKIE_KEY)
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("this is a Terraform plugin"));
    assert!(
        out.stdout.is_empty(),
        "nothing on stdout that could pass for a handshake"
    );
}

#[test]
fn version_flag_prints_the_version() {
    let out = Command::new(BIN).arg("--version").output().expect("run");
    assert!(out.status.success());
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).trim(),
        format!("terraform-provider-acronis {}", env!("CARGO_PKG_VERSION"))
    );
}

#[tokio::test]
async fn debug_mode_prints_a_reattach_line_and_serves_plaintext() {
    let parent = tempfile::tempdir().expect("tempdir");
    let mut child = Command::new(BIN)
        .arg("--debug")
        .env_remove(MAGIC_COOKIE_KEY)
        .env("PLUGIN_UNIX_SOCKET_DIR", parent.path())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn");
    let mut reader = BufReader::new(child.stdout.take().expect("stdout"));
    let mut reattach = None;
    for _ in 0..10 {
        let mut line = String::new();
        reader.read_line(&mut line).expect("read");
        if let Some(rest) = line.trim().strip_prefix("TF_REATTACH_PROVIDERS='") {
            reattach = Some(rest.trim_end_matches('\'').to_owned());
            break;
        }
    }
    let reattach: serde_json::Value =
        serde_json::from_str(&reattach.expect("reattach line")).expect("JSON");
    let entry = &reattach["registry.terraform.io/acronis/acronis"];
    assert_eq!(entry["Protocol"], "grpc");
    assert_eq!(entry["ProtocolVersion"], 6);
    assert_eq!(entry["Test"], true);
    assert_eq!(entry["Pid"], child.id());
    assert_eq!(entry["Addr"]["Network"], "unix");
    let socket = PathBuf::from(entry["Addr"]["String"].as_str().expect("address"));
    let channel = connect(&socket, None, None).await.expect("connect");
    assert!(schema(channel).await.is_ok());
    assert!(Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .expect("kill")
        .success());
    assert!(
        wait_for_exit(&mut child, Duration::from_secs(2)).is_some(),
        "Ctrl-C stops debug mode"
    );
}

#[tokio::test]
async fn logs_are_written_only_when_terraform_asks_for_them() {
    for (env, expect_logs) in [(vec![], false), (vec![("TF_LOG_PROVIDER", "DEBUG")], true)] {
        let client = terraform_like_identity();
        let log = tempfile::NamedTempFile::new().expect("log file");
        let mut plugin = launch_with_stderr(
            Some(&client.pem),
            &env,
            Stdio::from(log.reopen().expect("reopen")),
        );
        let channel = connect(&plugin.socket, plugin.server_cert.as_deref(), Some(&client))
            .await
            .expect("connect");
        let mut provider = proto::provider_client::ProviderClient::new(channel.clone());
        provider
            .configure_provider(proto::configure_provider::Request::default())
            .await
            .expect("ConfigureProvider");
        plugin_proto::grpc_controller_client::GrpcControllerClient::new(channel)
            .shutdown(plugin_proto::Empty {})
            .await
            .expect("Shutdown");
        wait_for_exit(&mut plugin.child, Duration::from_secs(2)).expect("exits");
        let text = std::fs::read_to_string(log.path()).expect("read log");
        if expect_logs {
            let lines: Vec<serde_json::Value> = text
                .lines()
                .map(|l| {
                    serde_json::from_str(l).unwrap_or_else(|_| panic!("not a JSON log line: {l}"))
                })
                .collect();
            assert!(!lines.is_empty(), "TF_LOG_PROVIDER=DEBUG produces logs");
            for line in &lines {
                assert!(
                    line["@level"].is_string() && line["@message"].is_string(),
                    "{line}"
                );
                assert_eq!(line["@module"], "provider.terraform-provider-acronis");
            }
        } else {
            assert!(text.is_empty(), "nothing logged without TF_LOG: {text}");
        }
    }
}
