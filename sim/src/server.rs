//! The HTTP/1 accept loop. Each connection is served by hyper with its own kill switch, so a
//! `drop` fault can close the connection without sending any answer.

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use axum::http::Request;
use axum::Router;
use hyper::body::Incoming;
use hyper_util::rt::TokioIo;
use hyper_util::service::TowerToHyperService;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::Notify;
use tower::ServiceExt;

use crate::state::SimState;

/// Closes the connection its request arrived on, without an answer.
#[derive(Debug, Clone)]
pub(crate) struct ConnectionKill(Arc<Notify>);

impl ConnectionKill {
    pub(crate) fn trigger(&self) {
        self.0.notify_one();
    }
}

/// Serves the simulator on `listener` until the task is dropped.
pub async fn serve(listener: TcpListener, state: SimState) {
    serve_with_shutdown(listener, state, std::future::pending()).await;
}

/// Serves the simulator on `listener` until `shutdown` resolves. Connections already open keep
/// being served by their own tasks until the runtime goes away.
pub async fn serve_with_shutdown<F>(listener: TcpListener, state: SimState, shutdown: F)
where
    F: Future<Output = ()>,
{
    let app = crate::router(state);
    tokio::pin!(shutdown);
    loop {
        let accepted = tokio::select! {
            () = &mut shutdown => return,
            accepted = listener.accept() => accepted,
        };
        match accepted {
            Ok((stream, _peer)) => {
                tokio::spawn(serve_connection(stream, app.clone()));
            }
            Err(err) => {
                // Typically out of file descriptors: wait a little rather than spin.
                eprintln!("acronis-sim: accept failed: {err}");
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
        }
    }
}

async fn serve_connection(stream: TcpStream, app: Router) {
    // Best effort: answers are small, so Nagle's delay would only add latency.
    let _ = stream.set_nodelay(true);
    let kill = ConnectionKill(Arc::new(Notify::new()));
    let request_kill = kill.clone();
    let service = app.map_request(move |mut request: Request<Incoming>| {
        request.extensions_mut().insert(request_kill.clone());
        request
    });
    let connection = hyper::server::conn::http1::Builder::new()
        .serve_connection(TokioIo::new(stream), TowerToHyperService::new(service));
    tokio::select! {
        // Errors here are clients going away mid-request: nothing to report.
        _ = connection => {}
        // Dropping the connection future closes the socket with nothing written.
        () = kill.0.notified() => {}
    }
}
