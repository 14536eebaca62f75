//! Hands each gRPC call to the service its path names (`/<package.Service>/<Method>`).
//!
//! A plugin serves a fixed handful of services, so a match on the service name is all the
//! routing it needs; a general web router (with path parameters, percent-decoding and body
//! adapters) cost measurable CPU on every call (docs/PERFORMANCE.md). A call to a service that
//! is not served gets gRPC `Unimplemented`, as does a method a served service lacks (each
//! service answers that itself).

use std::convert::Infallible;

use http::{Request, Response};
use tonic::body::Body;
use tonic::codegen::{BoxFuture, Service};
use tonic::server::NamedService;

use super::connection::RequestBody;
use super::health_proto::health_server::HealthServer;
use super::proto::grpc_controller_server::GrpcControllerServer;
use super::proto::grpc_stdio_server::GrpcStdioServer;
use super::services::{Controller, Health, Stdio};

/// What every generated tonic service returns for a call.
pub type CallFuture = BoxFuture<Response<Body>, Infallible>;

/// A gRPC service as tonic generates it: cloneable, always ready, boxed futures.
pub trait GrpcService:
    Service<
        Request<RequestBody>,
        Response = Response<Body>,
        Error = Infallible,
        Future = CallFuture,
    > + NamedService
    + Clone
    + Send
    + 'static
{
}

impl<S> GrpcService for S where
    S: Service<
            Request<RequestBody>,
            Response = Response<Body>,
            Error = Infallible,
            Future = CallFuture,
        > + NamedService
        + Clone
        + Send
        + 'static
{
}

/// The application's service next to go-plugin's own three.
#[derive(Clone)]
pub struct Router<A> {
    app: A,
    controller: GrpcControllerServer<Controller>,
    stdio: GrpcStdioServer<Stdio>,
    health: HealthServer<Health>,
}

impl<A: GrpcService> Router<A> {
    pub fn new(app: A, controller: Controller, stdio: Stdio) -> Self {
        Router {
            app,
            controller: GrpcControllerServer::new(controller),
            stdio: GrpcStdioServer::new(stdio),
            health: HealthServer::new(Health),
        }
    }

    /// Routes one call. The generated services are always ready, so each call goes to a clone
    /// (a reference count) without waiting for readiness.
    pub fn route(&self, request: Request<RequestBody>) -> CallFuture {
        match service_name(request.uri().path()) {
            Some(name) if name == A::NAME => self.app.clone().call(request),
            Some(name) if name == <GrpcControllerServer<Controller> as NamedService>::NAME => {
                self.controller.clone().call(request)
            }
            Some(name) if name == <GrpcStdioServer<Stdio> as NamedService>::NAME => {
                self.stdio.clone().call(request)
            }
            Some(name) if name == <HealthServer<Health> as NamedService>::NAME => {
                self.health.clone().call(request)
            }
            _ => {
                let status = tonic::Status::unimplemented(format!(
                    "this plugin does not serve {}",
                    request.uri().path()
                ));
                Box::pin(std::future::ready(Ok(status.into_http())))
            }
        }
    }
}

/// `package.Service` of a gRPC path `/package.Service/Method`.
fn service_name(path: &str) -> Option<&str> {
    let (service, method) = path.strip_prefix('/')?.split_once('/')?;
    (!service.is_empty() && !method.is_empty() && !method.contains('/')).then_some(service)
}

#[cfg(test)]
mod tests {
    use super::service_name;

    #[test]
    fn the_service_is_the_first_path_segment_of_a_grpc_path() {
        assert_eq!(
            service_name("/tfplugin6.Provider/ReadResource"),
            Some("tfplugin6.Provider")
        );
        assert_eq!(
            service_name("/plugin.GRPCController/Shutdown"),
            Some("plugin.GRPCController")
        );
        for not_grpc in [
            "",
            "/",
            "/x",
            "/x/",
            "//m",
            "/a/b/c",
            "tfplugin6.Provider/X",
        ] {
            assert_eq!(service_name(not_grpc), None, "{not_grpc:?}");
        }
    }
}
