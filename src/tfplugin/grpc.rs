//! Serves the tfplugin6 `Provider` service: each call's one request message in, the handler's
//! one answer out.
//!
//! Every tfplugin6 RPC is unary, so a call is a whole body of one length-prefixed message and
//! an answer is one message and a `grpc-status` trailer. Serving exactly that, instead of
//! tonic's general streaming machinery (a decoder stream and an 8 KiB buffer each way per
//! call, and trailers built through a metadata map), costs measurably less per call
//! (docs/PERFORMANCE.md). The handlers are still the `Provider` trait tonic generates, so a
//! provider implements the same methods either way.

use std::convert::Infallible;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use bytes::{BufMut as _, Bytes, BytesMut};
use http::header::CONTENT_TYPE;
use http::{HeaderMap, HeaderName, HeaderValue, Request, Response};
use http_body::{Body as HttpBody, Frame, SizeHint};
use http_body_util::BodyExt as _;
use tonic::body::Body;
use tonic::codegen::BoxFuture;
use tonic::server::NamedService;
use tonic::Status;

use super::proto::provider_server::Provider;

/// What a call resolves to: always an HTTP answer, gRPC errors included.
pub type CallFuture = BoxFuture<Response<Body>, Infallible>;

/// The gRPC header before each message: a compression flag and a big-endian length.
const MESSAGE_HEADER_LEN: usize = 5;

const GRPC_STATUS: HeaderName = HeaderName::from_static("grpc-status");

/// The `tfplugin6.Provider` service over a provider's handlers.
pub struct ProviderService<P> {
    provider: Arc<P>,
}

impl<P> Clone for ProviderService<P> {
    fn clone(&self) -> Self {
        ProviderService {
            provider: Arc::clone(&self.provider),
        }
    }
}

impl<P: Provider> ProviderService<P> {
    pub fn new(provider: P) -> Self {
        ProviderService {
            provider: Arc::new(provider),
        }
    }
}

impl<P> NamedService for ProviderService<P> {
    const NAME: &'static str = "tfplugin6.Provider";
}

/// Routes a call to its handler: `unary(request, method)` for each RPC of the protocol.
macro_rules! dispatch {
    ($request:ident, $provider:ident, $path:expr, { $($name:literal => $method:ident,)* }) => {
        match $path {
            $(
                $name => unary($request, move |message| async move {
                    $provider
                        .$method(tonic::Request::new(message))
                        .await
                        .map(tonic::Response::into_inner)
                }),
            )*
            _ => ready(Status::unimplemented(format!(
                "this plugin does not serve {}",
                $request.uri().path()
            ))),
        }
    };
}

/// Serves calls whose bodies come from any HTTP/2 server (the plugin layer's, or a test's).
impl<P, B> tonic::codegen::Service<Request<B>> for ProviderService<P>
where
    P: Provider,
    B: HttpBody<Data = Bytes> + Send + 'static,
    B::Error: std::fmt::Display,
{
    type Response = Response<Body>;
    type Error = Infallible;
    type Future = CallFuture;

    fn poll_ready(&mut self, _cx: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, request: Request<B>) -> CallFuture {
        let provider = Arc::clone(&self.provider);
        // A clone of the URI shares its bytes; it lets the request move into the handler.
        let uri = request.uri().clone();
        let method = uri
            .path()
            .strip_prefix("/tfplugin6.Provider/")
            .unwrap_or_default();
        dispatch!(request, provider, method, {
            "GetMetadata" => get_metadata,
            "GetProviderSchema" => get_provider_schema,
            "ValidateProviderConfig" => validate_provider_config,
            "ValidateResourceConfig" => validate_resource_config,
            "ValidateDataResourceConfig" => validate_data_resource_config,
            "UpgradeResourceState" => upgrade_resource_state,
            "GetResourceIdentitySchemas" => get_resource_identity_schemas,
            "UpgradeResourceIdentity" => upgrade_resource_identity,
            "ConfigureProvider" => configure_provider,
            "ReadResource" => read_resource,
            "PlanResourceChange" => plan_resource_change,
            "ApplyResourceChange" => apply_resource_change,
            "ImportResourceState" => import_resource_state,
            "ReadDataSource" => read_data_source,
            "StopProvider" => stop_provider,
        })
    }
}

/// An answer that is a gRPC error alone (a "trailers-only" response).
fn ready(status: Status) -> CallFuture {
    Box::pin(std::future::ready(Ok(status.into_http())))
}

/// Reads the one request message, runs `handler` on it and answers with its one message.
fn unary<B, Req, Resp, F, Fut>(request: Request<B>, handler: F) -> CallFuture
where
    B: HttpBody<Data = Bytes> + Send + 'static,
    B::Error: std::fmt::Display,
    Req: prost::Message + Default + 'static,
    Resp: prost::Message + 'static,
    F: FnOnce(Req) -> Fut + Send + 'static,
    Fut: Future<Output = Result<Resp, Status>> + Send + 'static,
{
    Box::pin(async move {
        let answer = match read_message::<Req, B>(request.into_body()).await {
            Ok(message) => handler(message).await,
            Err(status) => Err(status),
        };
        Ok(match answer {
            Ok(message) => answer_with(&message),
            Err(status) => status.into_http(),
        })
    })
}

/// The request body as exactly one uncompressed message.
async fn read_message<M, B>(body: B) -> Result<M, Status>
where
    M: prost::Message + Default,
    B: HttpBody<Data = Bytes>,
    B::Error: std::fmt::Display,
{
    let body = body
        .collect()
        .await
        .map_err(|e| Status::cancelled(format!("reading the request failed: {e}")))?
        .to_bytes();
    let payload = unframe(body)?;
    M::decode(payload).map_err(|e| Status::internal(format!("failed to decode the request: {e}")))
}

/// The payload of a body that holds one length-prefixed gRPC message.
fn unframe(mut body: Bytes) -> Result<Bytes, Status> {
    if body.len() < MESSAGE_HEADER_LEN {
        return Err(Status::internal("the request holds no complete message"));
    }
    let header = body.split_to(MESSAGE_HEADER_LEN);
    if header[0] != 0 {
        return Err(Status::unimplemented(
            "compressed messages are not supported; send them uncompressed",
        ));
    }
    let len = u32::from_be_bytes([header[1], header[2], header[3], header[4]]) as usize;
    if body.len() != len {
        return Err(Status::internal(format!(
            "the request should hold one message of {len} bytes, but {} bytes follow its header",
            body.len()
        )));
    }
    Ok(body)
}

/// A 200 answer with `message`, length-prefixed, and the OK status trailer.
fn answer_with(message: &impl prost::Message) -> Response<Body> {
    let len = message.encoded_len();
    let mut data = BytesMut::with_capacity(MESSAGE_HEADER_LEN + len);
    data.put_u8(0);
    // A message over 4 GiB cannot be framed; no tfplugin6 answer comes near that.
    let Ok(framed_len) = u32::try_from(len) else {
        return Status::resource_exhausted("the answer is too large to send").into_http();
    };
    data.put_u32(framed_len);
    if message.encode(&mut data).is_err() {
        return Status::internal("the answer could not be encoded").into_http();
    }
    let mut trailers = HeaderMap::with_capacity(1);
    trailers.insert(GRPC_STATUS, HeaderValue::from_static("0"));
    let mut response = Response::new(Body::new(UnaryBody {
        data: Some(data.freeze()),
        trailers: Some(trailers),
    }));
    response
        .headers_mut()
        .insert(CONTENT_TYPE, HeaderValue::from_static("application/grpc"));
    response
}

/// One data frame, then the trailers.
struct UnaryBody {
    data: Option<Bytes>,
    trailers: Option<HeaderMap>,
}

impl HttpBody for UnaryBody {
    type Data = Bytes;
    type Error = Infallible;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        _cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Infallible>>> {
        let frame = match self.data.take() {
            Some(data) => Frame::data(data),
            None => match self.trailers.take() {
                Some(trailers) => Frame::trailers(trailers),
                None => return Poll::Ready(None),
            },
        };
        Poll::Ready(Some(Ok(frame)))
    }

    fn is_end_stream(&self) -> bool {
        self.data.is_none() && self.trailers.is_none()
    }

    fn size_hint(&self) -> SizeHint {
        SizeHint::with_exact(self.data.as_ref().map_or(0, |d| d.len() as u64))
    }
}

#[cfg(test)]
mod tests;
