//! The windows_amd64 release binary under Wine, as go-plugin's client on Windows sees it: it
//! announces `tcp` on 127.0.0.1 in the PLUGIN_MIN_PORT..PLUGIN_MAX_PORT range, serves over
//! mutual TLS with Terraform's certificate only, and `Shutdown` ends the Wine process within
//! Terraform's 2 s. Run by `make test-platforms` (which prepares WINEPREFIX); skipped elsewhere.

mod support;

use std::process::{Command, Stdio};
use std::time::Duration;

use support::packages::*;
use support::platforms::*;
use support::plugin_client::*;
use terraform_provider_acronis::goplugin::proto as plugin_proto;
use terraform_provider_acronis::tfproto::proto;

#[tokio::test]
async fn the_windows_binary_serves_go_plugin_over_tcp_with_mutual_tls() {
    let Some(dist) = dist("the_windows_binary_serves_go_plugin_over_tcp") else {
        return;
    };
    let dir = tempfile::tempdir().expect("tempdir");
    let exe = dir.path().join(binary_name("windows_amd64"));
    std::fs::write(&exe, binary_of(&dist, "windows_amd64")).expect("unpack the exe");
    let mut wine = Command::new("wine");
    wine.arg(&exe).env("WINEDEBUG", "-all");

    let client = terraform_like_identity();
    let mut plugin = launch_program(
        wine,
        Some(&client.pem),
        &[("PLUGIN_MIN_PORT", "20000"), ("PLUGIN_MAX_PORT", "20100")],
        Stdio::null(),
    );
    assert_eq!(plugin.network, "tcp", "go-plugin on Windows speaks TCP");
    let (host, port) = plugin.address.rsplit_once(':').expect("host:port");
    assert_eq!(host, "127.0.0.1", "loopback only");
    let port: u16 = port.parse().expect("a port");
    assert!((20000..=20100).contains(&port), "port {port} in the range");
    let cert = plugin.server_cert.clone().expect("AutoMTLS is on");

    // Another certificate than Terraform's is refused.
    let intruder = terraform_like_identity();
    let refused = match connect_to("tcp", &plugin.address, Some(&cert), Some(&intruder)).await {
        Err(_) => true,
        Ok(channel) => proto::provider_client::ProviderClient::new(channel)
            .get_provider_schema(proto::get_provider_schema::Request {})
            .await
            .is_err(),
    };
    assert!(refused, "a foreign client certificate must not be served");

    let channel = connect_to("tcp", &plugin.address, Some(&cert), Some(&client))
        .await
        .expect("connect over TCP with mutual TLS");
    let schema = proto::provider_client::ProviderClient::new(channel.clone())
        .get_provider_schema(proto::get_provider_schema::Request {})
        .await
        .expect("GetProviderSchema")
        .into_inner();
    assert!(schema.resource_schemas.contains_key("acronis_user_status"));
    proto::provider_client::ProviderClient::new(channel.clone())
        .stop_provider(proto::stop_provider::Request {})
        .await
        .expect("StopProvider");

    plugin_proto::grpc_controller_client::GrpcControllerClient::new(channel)
        .shutdown(plugin_proto::Empty {})
        .await
        .expect("Shutdown");
    let took = wait_for_exit(&mut plugin.child, Duration::from_secs(2))
        .expect("the Wine process exits before Terraform's 2 s kill");
    assert!(
        plugin
            .child
            .try_wait()
            .expect("status")
            .is_some_and(|s| s.success()),
        "exit status 0 after {took:?}"
    );
}
