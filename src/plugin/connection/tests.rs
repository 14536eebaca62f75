use std::time::Duration;

use bytes::Bytes;
use futures_util::stream;
use http::{HeaderMap, HeaderValue, Request, Response};
use http_body_util::{BodyExt as _, StreamBody};
use tokio::sync::oneshot;
use tokio_util::sync::CancellationToken;

use super::*;

type TestBody = StreamBody<stream::Iter<std::vec::IntoIter<Result<Frame<Bytes>, Infallible>>>>;

/// An answer of the given data frames, then `x-status: ok` trailers.
fn answer_of(chunks: Vec<Bytes>) -> Response<TestBody> {
    let mut trailers = HeaderMap::new();
    trailers.insert("x-status", HeaderValue::from_static("ok"));
    let frames: Vec<_> = chunks
        .into_iter()
        .map(Frame::data)
        .chain([Frame::trailers(trailers)])
        .map(Ok)
        .collect();
    Response::new(StreamBody::new(stream::iter(frames)))
}

/// A client connected to `serve_connection(route)` over an in-memory pipe.
async fn connect<F>(
    route: impl Fn(Request<RequestBody>) -> F + Send + 'static,
    shutdown: CancellationToken,
) -> (h2::client::SendRequest<Bytes>, tokio::task::JoinHandle<()>)
where
    F: Future<Output = Result<Response<TestBody>, Infallible>> + Send + 'static,
{
    let (client_io, server_io) = tokio::io::duplex(64 * 1024);
    let server = tokio::spawn(serve_connection(server_io, route, shutdown));
    let (client, connection) = h2::client::handshake(client_io)
        .await
        .expect("h2 handshake");
    tokio::spawn(connection);
    (client, server)
}

fn post() -> Request<()> {
    Request::post("http://plugin/test.Service/Call")
        .body(())
        .expect("request")
}

/// Hands `value` to the first caller only: a route is called once per request, and each test
/// gives its one call something to hold.
fn first_call_takes<T>(value: T) -> impl Fn() -> Option<T> {
    let slot = std::sync::Mutex::new(Some(value));
    move || slot.lock().expect("lock").take()
}

async fn within<T>(what: &str, future: impl Future<Output = T>) -> T {
    tokio::time::timeout(Duration::from_secs(10), future)
        .await
        .unwrap_or_else(|_| panic!("timed out waiting for {what}"))
}

#[tokio::test]
async fn a_call_reads_a_body_larger_than_the_window_and_gets_its_answer_and_trailers() {
    let route = |request: Request<RequestBody>| async move {
        let body = request.into_body().collect().await.expect("request body");
        let received = body.to_bytes();
        let sum: u64 = received.iter().map(|b| u64::from(*b)).sum();
        Ok(answer_of(vec![
            Bytes::from(received.len().to_string()),
            Bytes::from(format!("/{sum}")),
        ]))
    };
    let (mut client, _server) = connect(route, CancellationToken::new()).await;
    // Three times the receive window: this only arrives if the server gives the window back
    // as it reads.
    let size = 3 * RECEIVE_WINDOW as usize;
    let payload: Vec<u8> = (0..size).map(|i| (i % 251) as u8).collect();
    let expected_sum: u64 = payload.iter().map(|b| u64::from(*b)).sum();
    let (response, mut request) = client.send_request(post(), false).expect("send");
    request.reserve_capacity(payload.len());
    request
        .send_data(Bytes::from(payload), true)
        .expect("send body");

    let response = within("the answer", response).await.expect("answer");
    assert_eq!(response.status(), http::StatusCode::OK);
    // The client's side of a stream reads through the same adapter as the server's.
    let answer = within("the body", RequestBody::new(response.into_body()).collect())
        .await
        .expect("body");
    let trailers = answer.trailers().cloned().expect("trailers");
    assert_eq!(
        String::from_utf8(answer.to_bytes().to_vec()).expect("utf-8"),
        format!("{size}/{expected_sum}")
    );
    assert_eq!(
        trailers.get("x-status"),
        Some(&HeaderValue::from_static("ok"))
    );
}

#[tokio::test]
async fn a_call_the_client_resets_is_dropped_where_it_stands() {
    let (dropped_sender, dropped) = oneshot::channel::<()>();
    let take_sender = first_call_takes(dropped_sender);
    let route = move |_request: Request<RequestBody>| {
        // Dropping the call drops this sender, which the test sees as a closed channel.
        let sender = take_sender();
        async move {
            let _sender = sender;
            std::future::pending::<()>().await;
            Ok(answer_of(vec![]))
        }
    };
    let (mut client, _server) = connect(route, CancellationToken::new()).await;
    let (_response, mut request) = client.send_request(post(), true).expect("send");
    tokio::time::sleep(Duration::from_millis(50)).await;
    request.send_reset(h2::Reason::CANCEL);
    assert!(
        within("the call to be dropped", dropped).await.is_err(),
        "the call was never dropped"
    );
}

#[tokio::test]
async fn shutdown_lets_a_call_in_flight_finish_then_closes_the_connection() {
    let (release, released) = oneshot::channel::<()>();
    let take_released = first_call_takes(released);
    let route = move |_request: Request<RequestBody>| {
        let released = take_released();
        async move {
            if let Some(released) = released {
                let _ = released.await;
            }
            Ok(answer_of(vec![Bytes::from_static(b"done")]))
        }
    };
    let shutdown = CancellationToken::new();
    let (mut client, server) = connect(route, shutdown.clone()).await;
    let (response, _request) = client.send_request(post(), true).expect("send");
    tokio::time::sleep(Duration::from_millis(50)).await;
    shutdown.cancel();
    tokio::time::sleep(Duration::from_millis(50)).await;
    assert!(
        !server.is_finished(),
        "the connection closed with a call in flight"
    );

    release.send(()).expect("the call is waiting");
    let response = within("the answer", response).await.expect("answer");
    let body = within("the body", RequestBody::new(response.into_body()).collect())
        .await
        .expect("body");
    assert_eq!(&body.to_bytes()[..], b"done");
    within("the connection to close", server)
        .await
        .expect("server task");
}
