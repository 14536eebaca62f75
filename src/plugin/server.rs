//! Runs a gRPC service as a go-plugin server: binds the socket, sets up AutoMTLS, prints the
//! handshake line, serves until Terraform calls `Shutdown` (or SIGTERM), then removes the socket.

use std::io::Write as _;
use std::time::Duration;

use tokio::net::UnixListener;
use tokio::sync::mpsc;
use tokio::task::JoinSet;
use tokio_rustls::TlsAcceptor;
use tokio_util::sync::CancellationToken;

use super::connection::serve_connection;
use super::handshake::{handshake_line, negotiate_protocol, HandshakeEnv};
use super::listener::{PluginSocket, PluginStream};
use super::router::{GrpcService, Router};
use super::services::{Controller, Stdio};
use super::{tls, PluginError};

/// What the hosted application tells the plugin layer about itself.
#[derive(Debug, Clone)]
pub struct ServeOptions {
    /// Application protocol versions the service speaks (tfplugin: 6).
    pub protocol_versions: &'static [u32],
    /// The address Terraform knows the provider by, for the debug reattach line.
    pub provider_address: &'static str,
}

/// How long in-flight RPCs get to finish once shutdown starts; Terraform waits 2 s in all.
const DRAIN_TIMEOUT: Duration = Duration::from_millis(500);

/// Hosts `app` for a go-plugin client that launched this process.
pub async fn serve(
    app: impl GrpcService,
    options: ServeOptions,
    env: HandshakeEnv,
) -> Result<(), PluginError> {
    env.require_terraform()?;
    let version = negotiate_protocol(env.protocol_versions.as_deref(), options.protocol_versions);
    let socket = PluginSocket::bind(env.socket_dir.as_deref(), env.socket_group.as_deref())
        .map_err(PluginError::Socket)?;

    let tls = match (&env.client_cert, env.disable_tls) {
        (Some(pem), false) => {
            let identity = tls::generate_server_identity()?;
            let config = tls::server_config(&identity, tls::parse_client_cert(pem)?)?;
            Some((identity.cert_der, TlsAcceptor::from(config)))
        }
        _ => None,
    };

    let shutdown = CancellationToken::new();
    watch_signals(shutdown.clone(), false);
    let (listener, path, _socket_dir) = socket.into_parts();
    let incoming = accept_loop(
        listener,
        tls.as_ref().map(|(_, a)| a.clone()),
        shutdown.clone(),
    );

    let line = handshake_line(
        version,
        "unix",
        &path.to_string_lossy(),
        tls.as_ref().map(|(cert, _)| cert.as_ref()),
    );
    print_handshake(&line)?;

    // `_socket_dir` lives until here: the socket and its directory go when serving ends.
    run(app, incoming, shutdown, false).await;
    Ok(())
}

/// Serves without the cookie, in plaintext, and prints how to point Terraform at this process
/// (`TF_REATTACH_PROVIDERS`), for running the provider under a debugger.
pub async fn serve_debug(
    app: impl GrpcService,
    options: ServeOptions,
    env: HandshakeEnv,
) -> Result<(), PluginError> {
    let version = options.protocol_versions.iter().copied().max().unwrap_or(6);
    let socket = PluginSocket::bind(env.socket_dir.as_deref(), env.socket_group.as_deref())
        .map_err(PluginError::Socket)?;
    let shutdown = CancellationToken::new();
    watch_signals(shutdown.clone(), true);
    let (listener, path, _socket_dir) = socket.into_parts();
    let incoming = accept_loop(listener, None, shutdown.clone());
    let reattach = serde_json::json!({
        options.provider_address: {
            "Protocol": "grpc",
            "ProtocolVersion": version,
            "Pid": std::process::id(),
            "Test": true,
            "Addr": {"Network": "unix", "String": path.to_string_lossy()},
        }
    });
    let message = format!(
        "Provider started. To attach Terraform, set TF_REATTACH_PROVIDERS in the shell where \
         you run it:\n\n\tTF_REATTACH_PROVIDERS='{reattach}'\n\nPress Ctrl-C to stop the provider.\n"
    );
    print_handshake(&message)?;
    run(app, incoming, shutdown, true).await;
    Ok(())
}

fn print_handshake(line: &str) -> Result<(), PluginError> {
    let mut stdout = std::io::stdout().lock();
    writeln!(stdout, "{}", line.trim_end()).map_err(PluginError::Stdout)?;
    stdout.flush().map_err(PluginError::Stdout)
}

/// Serves HTTP/2 on every connection until shutdown, then gives in-flight RPCs a short,
/// bounded time to finish.
async fn run(
    app: impl GrpcService,
    mut incoming: mpsc::Receiver<PluginStream>,
    shutdown: CancellationToken,
    debug: bool,
) {
    let controller = Controller {
        shutdown: shutdown.clone(),
        ignore_shutdown: debug,
    };
    let stdio = Stdio {
        shutdown: shutdown.clone(),
    };
    let router = Router::new(app, controller, stdio);
    let mut connections = JoinSet::new();
    loop {
        tokio::select! {
            stream = incoming.recv() => {
                let Some(stream) = stream else { break };
                let router = router.clone();
                let shutdown = shutdown.clone();
                connections.spawn(async move {
                    serve_connection(stream, move |call| router.route(call), shutdown).await;
                });
            }
            // Reaps connections the client has closed.
            Some(_) = connections.join_next(), if !connections.is_empty() => {}
            () = shutdown.cancelled() => break,
        }
    }
    // Each connection saw the shutdown too and is finishing its calls.
    let drained = async { while connections.join_next().await.is_some() {} };
    if tokio::time::timeout(DRAIN_TIMEOUT, drained).await.is_err() {
        tracing::debug!("connections still open after shutdown; closing them");
    }
}

/// Accepts connections and completes TLS handshakes off the accept path, handing finished
/// streams to the server. A failed handshake (a wrong client certificate) drops only that
/// connection.
fn accept_loop(
    listener: UnixListener,
    tls: Option<TlsAcceptor>,
    shutdown: CancellationToken,
) -> mpsc::Receiver<PluginStream> {
    let (sender, receiver) = mpsc::channel(16);
    tokio::spawn(async move {
        loop {
            let accepted = tokio::select! {
                accepted = listener.accept() => accepted,
                () = shutdown.cancelled() => break,
            };
            let stream = match accepted {
                Ok((stream, _)) => stream,
                Err(e) => {
                    tracing::warn!(error = %e, "accept failed");
                    continue;
                }
            };
            let sender = sender.clone();
            let tls = tls.clone();
            tokio::spawn(async move {
                let conn = match tls {
                    None => PluginStream::Plain(stream),
                    Some(acceptor) => match acceptor.accept(stream).await {
                        Ok(tls_stream) => PluginStream::Tls(Box::new(tls_stream)),
                        Err(e) => {
                            tracing::warn!(error = %e, "refused a connection: TLS handshake failed");
                            return;
                        }
                    },
                };
                let _ = sender.send(conn).await;
            });
        }
    });
    receiver
}

/// SIGTERM stops the server cleanly. SIGINT is Terraform's Ctrl-C reaching the whole process
/// group: the provider keeps running so Terraform can call `StopProvider` and finish its
/// bookkeeping; in debug mode SIGINT stops it.
fn watch_signals(shutdown: CancellationToken, debug: bool) {
    use tokio::signal::unix::{signal, SignalKind};
    let (Ok(mut term), Ok(mut int)) = (
        signal(SignalKind::terminate()),
        signal(SignalKind::interrupt()),
    ) else {
        tracing::warn!("could not install signal handlers");
        return;
    };
    tokio::spawn(async move {
        loop {
            tokio::select! {
                _ = term.recv() => { shutdown.cancel(); break; }
                _ = int.recv() => {
                    if debug { shutdown.cancel(); break; }
                    tracing::debug!("SIGINT ignored: Terraform stops the provider through StopProvider");
                }
            }
        }
    });
}
