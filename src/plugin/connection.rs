//! Serves one HTTP/2 connection with `h2`: every call on it runs as a future inside the
//! connection's own task, reads its request through [`RequestBody`] and has its answer written
//! back as headers, data and trailers.
//!
//! hyper's server would spawn a task per call and pipe each answer through a second future; a
//! plugin's calls are small and mostly answered at once, so running them next to the connection
//! costs less per call. Each turn reads every frame that has arrived, runs every call that can
//! go on, and only then writes: answers that are ready together leave in one write, which is
//! what keeps the wake-ups of Terraform and of this process down (docs/PERFORMANCE.md).

use std::convert::Infallible;
use std::future::{poll_fn, Future};
use std::pin::{pin, Pin};
use std::task::{ready, Context, Poll};

use bytes::Bytes;
use futures_util::stream::{FuturesUnordered, StreamExt as _};
use h2::server::SendResponse;
use h2::{Reason, RecvStream, SendStream};
use http::{Request, Response};
use http_body::{Body, Frame};
use tokio::io::{AsyncRead, AsyncWrite};
use tokio_util::sync::CancellationToken;

/// Calls one connection may have open at once; Terraform makes at most its `-parallelism`
/// (10 by default) plus the long-lived stdio stream.
const MAX_CONCURRENT_CALLS: u32 = 200;
/// Per-call and per-connection receive windows, so that a large configuration or state
/// arrives without waiting for window updates.
const RECEIVE_WINDOW: u32 = 1024 * 1024;
/// The largest header block a client may send; gRPC calls send a handful of short headers.
const MAX_HEADER_LIST_SIZE: u32 = 16 * 1024;

/// The request body of one call, as the `http_body::Body` gRPC services read.
pub struct RequestBody {
    stream: RecvStream,
    state: ReadState,
}

enum ReadState {
    Data,
    Trailers,
    Done,
}

impl RequestBody {
    fn new(stream: RecvStream) -> Self {
        RequestBody {
            stream,
            state: ReadState::Data,
        }
    }
}

impl Body for RequestBody {
    type Data = Bytes;
    type Error = h2::Error;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, h2::Error>>> {
        let body = &mut *self;
        if let ReadState::Data = body.state {
            match ready!(body.stream.poll_data(cx)) {
                Some(Ok(data)) => {
                    // The bytes are the caller's now: give the window back so more can come.
                    // Failing means the stream is gone, which the next poll reports.
                    let _ = body.stream.flow_control().release_capacity(data.len());
                    return Poll::Ready(Some(Ok(Frame::data(data))));
                }
                Some(Err(e)) => {
                    body.state = ReadState::Done;
                    return Poll::Ready(Some(Err(e)));
                }
                None => body.state = ReadState::Trailers,
            }
        }
        if let ReadState::Trailers = body.state {
            let trailers = ready!(body.stream.poll_trailers(cx));
            body.state = ReadState::Done;
            return Poll::Ready(match trailers {
                Ok(Some(trailers)) => Some(Ok(Frame::trailers(trailers))),
                Ok(None) => None,
                Err(e) => Some(Err(e)),
            });
        }
        Poll::Ready(None)
    }

    fn is_end_stream(&self) -> bool {
        matches!(self.state, ReadState::Done)
            || (matches!(self.state, ReadState::Data) && self.stream.is_end_stream())
    }
}

/// Serves `io` until the client closes it, or until `shutdown`, after which calls in flight
/// finish, the client is told to open no more (GOAWAY) and the connection closes.
pub async fn serve_connection<IO, B, F>(
    io: IO,
    route: impl Fn(Request<RequestBody>) -> F,
    shutdown: CancellationToken,
) where
    IO: AsyncRead + AsyncWrite + Unpin,
    F: Future<Output = Result<Response<B>, Infallible>>,
    B: Body<Data = Bytes>,
    B::Error: std::fmt::Display,
{
    let handshake = h2::server::Builder::new()
        .max_concurrent_streams(MAX_CONCURRENT_CALLS)
        .initial_window_size(RECEIVE_WINDOW)
        .initial_connection_window_size(RECEIVE_WINDOW)
        .max_header_list_size(MAX_HEADER_LIST_SIZE)
        .handshake::<_, Bytes>(io);
    let mut connection = match handshake.await {
        Ok(connection) => connection,
        Err(e) => {
            tracing::debug!(error = %e, "HTTP/2 handshake failed");
            return;
        }
    };
    let mut calls = FuturesUnordered::new();
    let mut shutdown = pin!(shutdown.cancelled_owned());
    let mut closing = false;
    poll_fn(move |cx| loop {
        if !closing && shutdown.as_mut().poll(cx).is_ready() {
            closing = true;
            connection.graceful_shutdown();
        }
        // Reading frames and writing what the calls queued happen in the same turn of the
        // connection: take every call that has arrived...
        loop {
            match connection.poll_accept(cx) {
                Poll::Ready(Some(Ok((request, respond)))) => {
                    let call = route(request.map(RequestBody::new));
                    calls.push(answer(call, respond));
                }
                Poll::Ready(Some(Err(e))) => {
                    tracing::debug!(error = %e, "connection ended with an error");
                    return Poll::Ready(());
                }
                // Closed by the client, or drained after a graceful shutdown.
                Poll::Ready(None) => return Poll::Ready(()),
                Poll::Pending => break,
            }
        }
        // ...run every call that can go on, so that answers ready together leave in one write
        // on the next turn (and a call that is still streaming has h2 wake this task)...
        let mut answered = false;
        while let Poll::Ready(Some(())) = calls.poll_next_unpin(cx) {
            answered = true;
        }
        // ...and turn the connection again only if there is something to send.
        if !answered {
            return Poll::Pending;
        }
    })
    .await;
}

/// Waits for the call's answer and sends it: headers, then the body's frames. A call the
/// client cancels (a reset stream) is dropped where it stands, as Terraform expects when it
/// gives up on one.
async fn answer<F, B>(call: F, mut respond: SendResponse<Bytes>)
where
    F: Future<Output = Result<Response<B>, Infallible>>,
    B: Body<Data = Bytes>,
    B::Error: std::fmt::Display,
{
    let mut call = pin!(call);
    let answered = until_reset(|cx| call.as_mut().poll(cx), |cx| respond.poll_reset(cx)).await;
    let Some(Ok(response)) = answered else {
        tracing::debug!("the client cancelled a call; it stops here");
        return;
    };
    let (parts, body) = response.into_parts();
    let end_now = body.is_end_stream();
    match respond.send_response(Response::from_parts(parts, ()), end_now) {
        Ok(stream) if !end_now => send_body(body, stream).await,
        Ok(_) => {}
        Err(e) => tracing::debug!(error = %e, "could not send an answer"),
    }
}

/// Sends each frame of `body` as it comes. h2 queues data beyond the client's window and sends
/// it as the window opens; an answer is already in memory, so there is nothing to hold back.
/// A stream the client resets stops being sent (a stdio stream would otherwise wait for
/// shutdown).
async fn send_body<B>(body: B, mut stream: SendStream<Bytes>)
where
    B: Body<Data = Bytes>,
    B::Error: std::fmt::Display,
{
    let mut body = pin!(body);
    let sent = loop {
        let next = until_reset(
            |cx| body.as_mut().poll_frame(cx),
            |cx| stream.poll_reset(cx),
        )
        .await;
        match next {
            None => {
                tracing::debug!("the client reset a call");
                return;
            }
            Some(None) => break stream.send_data(Bytes::new(), true),
            Some(Some(Err(e))) => {
                tracing::debug!(error = %e, "an answer failed while being sent");
                stream.send_reset(Reason::INTERNAL_ERROR);
                return;
            }
            Some(Some(Ok(frame))) => match frame.into_data() {
                Ok(data) => {
                    let end = body.is_end_stream();
                    if let Err(e) = stream.send_data(data, end) {
                        break Err(e);
                    }
                    if end {
                        break Ok(());
                    }
                }
                Err(frame) => {
                    if let Ok(trailers) = frame.into_trailers() {
                        break stream.send_trailers(trailers);
                    }
                    // Any other kind of frame has no place in HTTP/2: nothing to send.
                }
            },
        }
    };
    if let Err(e) = sent {
        tracing::debug!(error = %e, "could not send an answer");
    }
}

/// What `poll` gives, or `None` once the client resets the stream. The reset is only looked at
/// while `poll` is pending: an answer that is ready is sent, and h2 reports the reset then.
async fn until_reset<T>(
    mut poll: impl FnMut(&mut Context<'_>) -> Poll<T>,
    mut poll_reset: impl FnMut(&mut Context<'_>) -> Poll<Result<Reason, h2::Error>>,
) -> Option<T> {
    poll_fn(|cx| match poll(cx) {
        Poll::Ready(value) => Poll::Ready(Some(value)),
        Poll::Pending => poll_reset(cx).map(|_| None),
    })
    .await
}

#[cfg(test)]
mod tests;
