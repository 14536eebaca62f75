//! Runs gRPC services as a go-plugin server: binds the listener, sets up AutoMTLS, prints the
//! handshake line, serves with tonic's server until Terraform calls `Shutdown` (or the OS asks
//! the process to terminate), then removes the socket.

use std::convert::Infallible;
use std::io::Write as _;
use std::time::Duration;

use tokio::sync::mpsc;
use tokio_rustls::TlsAcceptor;
use tokio_stream::wrappers::ReceiverStream;
use tokio_stream::StreamExt as _;
use tokio_util::sync::CancellationToken;
use tonic::service::Routes;
use tonic::transport::Server;
use tonic_health::ServingStatus;

use super::accept::accept_loop;
use super::handshake::{handshake_line, negotiate_protocol, HandshakeEnv};
use super::listener::{PluginListener, PluginStream};
use super::proto::grpc_controller_server::GrpcControllerServer;
use super::proto::grpc_stdio_server::GrpcStdioServer;
use super::services::{Controller, Stdio};
use super::{signals, tls, PluginError};

/// What the hosted application tells the plugin layer about itself.
#[derive(Debug, Clone)]
pub struct ServeOptions {
    /// Application protocol versions the service speaks (tfplugin: 6).
    pub protocol_versions: &'static [u32],
    /// The address Terraform knows the provider by, for the debug reattach line.
    pub provider_address: &'static str,
    /// Cancelled when the user presses Ctrl-C (SIGINT reaches Terraform's whole process group):
    /// the application should abandon the work in flight. Serving goes on until `Shutdown`.
    pub interrupt: CancellationToken,
}

/// How long in-flight RPCs get to finish once shutdown starts; Terraform waits 2 s in all.
const DRAIN_TIMEOUT: Duration = Duration::from_millis(500);
/// Calls one connection may have open at once; Terraform makes at most its `-parallelism`
/// (10 by default) plus the long-lived stdio stream.
const MAX_CONCURRENT_CALLS: u32 = 200;
/// Per-call and per-connection receive windows, so that a large configuration or state
/// arrives without waiting for window updates.
const RECEIVE_WINDOW: u32 = 1024 * 1024;
/// The largest header block a client may send; gRPC calls send a handful of short headers.
const MAX_HEADER_LIST_SIZE: u32 = 16 * 1024;
/// The service name go-plugin's client asks the health service about.
const HEALTH_SERVICE: &str = "plugin";

/// Hosts the `app` services for a go-plugin client that launched this process.
pub async fn serve(
    app: Routes,
    options: ServeOptions,
    env: HandshakeEnv,
) -> Result<(), PluginError> {
    env.require_terraform()?;
    let version = negotiate_protocol(env.protocol_versions.as_deref(), options.protocol_versions);
    // Plaintext only when asked for; otherwise a client without a certificate is refused.
    let tls = match (&env.client_cert, env.disable_tls) {
        (_, true) => None,
        (Some(pem), false) => {
            let identity = tls::generate_server_identity()?;
            let config = tls::server_config(&identity, tls::parse_client_cert(pem)?)?;
            Some((identity.cert_der, TlsAcceptor::from(config)))
        }
        (None, false) => return Err(PluginError::MissingClientCert),
    };
    let listener = PluginListener::bind(&env)
        .await
        .map_err(PluginError::Socket)?;
    let line = handshake_line(
        version,
        listener.network,
        &listener.address,
        tls.as_ref().map(|(cert, _)| cert.as_ref()),
    );

    let shutdown = CancellationToken::new();
    signals::watch(shutdown.clone(), options.interrupt.clone(), false);
    // The accept loop owns the listener: a unix socket and its directory go when it ends.
    let incoming = accept_loop(
        listener,
        tls.as_ref().map(|(_, a)| a.clone()),
        shutdown.clone(),
    );
    print_handshake(&line)?;
    run(app, incoming, shutdown, false).await
}

/// Serves without the cookie, in plaintext, and prints how to point Terraform at this process
/// (`TF_REATTACH_PROVIDERS`), for running the provider under a debugger.
pub async fn serve_debug(
    app: Routes,
    options: ServeOptions,
    env: HandshakeEnv,
) -> Result<(), PluginError> {
    let version = options.protocol_versions.iter().copied().max().unwrap_or(6);
    let listener = PluginListener::bind(&env)
        .await
        .map_err(PluginError::Socket)?;
    let reattach = serde_json::json!({
        options.provider_address: {
            "Protocol": "grpc",
            "ProtocolVersion": version,
            "Pid": std::process::id(),
            "Test": true,
            "Addr": {"Network": listener.network, "String": listener.address},
        }
    });
    let shutdown = CancellationToken::new();
    signals::watch(shutdown.clone(), options.interrupt.clone(), true);
    let incoming = accept_loop(listener, None, shutdown.clone());
    let message = format!(
        "Provider started. To attach Terraform, set TF_REATTACH_PROVIDERS in the shell where \
         you run it:\n\n\tTF_REATTACH_PROVIDERS='{reattach}'\n\nPress Ctrl-C to stop the provider.\n"
    );
    print_handshake(&message)?;
    run(app, incoming, shutdown, true).await
}

fn print_handshake(line: &str) -> Result<(), PluginError> {
    let mut stdout = std::io::stdout().lock();
    writeln!(stdout, "{}", line.trim_end()).map_err(PluginError::Stdout)?;
    stdout.flush().map_err(PluginError::Stdout)
}

/// Serves `app` beside go-plugin's controller, stdio and health services on every connection
/// until shutdown, then gives in-flight RPCs a short, bounded time to finish.
async fn run(
    app: Routes,
    incoming: mpsc::Receiver<PluginStream>,
    shutdown: CancellationToken,
    debug: bool,
) -> Result<(), PluginError> {
    let controller = Controller {
        shutdown: shutdown.clone(),
        ignore_shutdown: debug,
    };
    let stdio = Stdio {
        shutdown: shutdown.clone(),
    };
    // The reporter answers SERVING for "" (the server as a whole) from the start.
    let (health_reporter, health) = tonic_health::server::health_reporter();
    health_reporter
        .set_service_status(HEALTH_SERVICE, ServingStatus::Serving)
        .await;
    let routes = app
        .add_service(GrpcControllerServer::new(controller))
        .add_service(GrpcStdioServer::new(stdio))
        .add_service(health);

    let incoming = ReceiverStream::new(incoming).map(Ok::<_, Infallible>);
    let server = Server::builder()
        .max_concurrent_streams(MAX_CONCURRENT_CALLS)
        .initial_stream_window_size(RECEIVE_WINDOW)
        .initial_connection_window_size(RECEIVE_WINDOW)
        .http2_max_header_list_size(MAX_HEADER_LIST_SIZE)
        .add_routes(routes)
        .serve_with_incoming_shutdown(incoming, shutdown.clone().cancelled_owned());
    // After the signal tonic waits for every connection to close; Terraform kills at 2 s, so
    // the wait is bounded.
    let drain_deadline = async {
        shutdown.cancelled().await;
        tokio::time::sleep(DRAIN_TIMEOUT).await;
    };
    tokio::select! {
        served = server => served.map_err(PluginError::Serve),
        () = drain_deadline => {
            tracing::debug!("connections still open after shutdown; closing them");
            Ok(())
        }
    }
}
