//! Accepting plugin connections: TLS handshakes run off the accept path, each within
//! [`HANDSHAKE_TIMEOUT`], at most [`MAX_PENDING_HANDSHAKES`] at once, and a failed `accept`
//! is retried after [`ACCEPT_ERROR_PAUSE`] rather than in a tight loop.

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::{mpsc, Semaphore};
use tokio_rustls::TlsAcceptor;
use tokio_util::sync::CancellationToken;

use super::listener::{PluginListener, PluginStream};

/// How long a new connection has to complete its TLS handshake. Terraform completes it in
/// milliseconds; a connection that says nothing is closed after this.
pub const HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(10);
/// Handshakes in progress at once. Past that, new connections wait in the listener's backlog
/// until one finishes or times out.
pub const MAX_PENDING_HANDSHAKES: usize = 16;
/// The pause after a failed `accept` (out of file descriptors, say) before the next try.
pub const ACCEPT_ERROR_PAUSE: Duration = Duration::from_millis(100);

/// Accepts connections until `shutdown`, handing each one to the server once its TLS handshake
/// (when `tls` is set) has completed. A failed or timed-out handshake drops only that
/// connection.
pub fn accept_loop(
    listener: PluginListener,
    tls: Option<TlsAcceptor>,
    shutdown: CancellationToken,
) -> mpsc::Receiver<PluginStream> {
    let (sender, receiver) = mpsc::channel(16);
    let pending = Arc::new(Semaphore::new(MAX_PENDING_HANDSHAKES));
    tokio::spawn(async move {
        loop {
            // A permit first: a flood of silent connections cannot pile up handshakes.
            let permit = tokio::select! {
                permit = pending.clone().acquire_owned() => match permit {
                    Ok(permit) => permit,
                    Err(_) => break,
                },
                () = shutdown.cancelled() => break,
            };
            let accepted = tokio::select! {
                accepted = listener.accept() => accepted,
                () = shutdown.cancelled() => break,
            };
            let stream = match accepted {
                Ok(stream) => stream,
                Err(e) => {
                    tracing::warn!(error = %e, "accept failed; trying again shortly");
                    tokio::select! {
                        () = tokio::time::sleep(ACCEPT_ERROR_PAUSE) => continue,
                        () = shutdown.cancelled() => break,
                    }
                }
            };
            let sender = sender.clone();
            let tls = tls.clone();
            tokio::spawn(async move {
                let conn = match tls {
                    None => PluginStream::plain(stream),
                    Some(acceptor) => {
                        match tokio::time::timeout(HANDSHAKE_TIMEOUT, acceptor.accept(stream)).await
                        {
                            Ok(Ok(tls_stream)) => PluginStream::tls(tls_stream),
                            Ok(Err(e)) => {
                                tracing::warn!(error = %e, "refused a connection: TLS handshake failed");
                                return;
                            }
                            Err(_) => {
                                tracing::warn!(
                                    timeout_secs = HANDSHAKE_TIMEOUT.as_secs(),
                                    "closed a connection that did not complete TLS in time"
                                );
                                return;
                            }
                        }
                    }
                };
                drop(permit);
                let _ = sender.send(conn).await;
            });
        }
    });
    receiver
}
