//! go-plugin's own services next to the application's: the controller (Terraform's "I am
//! done") and stdio streaming. The health check is tonic-health's (see [`super::server`]).

use std::pin::Pin;

use tokio_stream::wrappers::ReceiverStream;
use tokio_stream::Stream;
use tokio_util::sync::CancellationToken;
use tonic::{Request, Response, Status};

use super::proto;

/// Stops the server when Terraform calls `Shutdown`.
pub struct Controller {
    pub shutdown: CancellationToken,
    /// In debug mode the process outlives each Terraform command that attaches to it.
    pub ignore_shutdown: bool,
}

#[tonic::async_trait]
impl proto::grpc_controller_server::GrpcController for Controller {
    async fn shutdown(
        &self,
        _request: Request<proto::Empty>,
    ) -> Result<Response<proto::Empty>, Status> {
        if self.ignore_shutdown {
            tracing::debug!("Shutdown requested; staying up in debug mode");
        } else {
            tracing::debug!("Shutdown requested by the client");
            self.shutdown.cancel();
        }
        Ok(Response::new(proto::Empty {}))
    }
}

/// Offers the stdio stream; nothing is written to it, and it ends when the server stops so
/// that it never holds a graceful shutdown back.
pub struct Stdio {
    pub shutdown: CancellationToken,
}

type StdioStream = Pin<Box<dyn Stream<Item = Result<proto::StdioData, Status>> + Send>>;

#[tonic::async_trait]
impl proto::grpc_stdio_server::GrpcStdio for Stdio {
    type StreamStdioStream = StdioStream;

    async fn stream_stdio(
        &self,
        _request: Request<proto::Empty>,
    ) -> Result<Response<Self::StreamStdioStream>, Status> {
        // The sender lives until shutdown; dropping it ends the stream.
        let (sender, receiver) = tokio::sync::mpsc::channel::<Result<proto::StdioData, Status>>(1);
        let shutdown = self.shutdown.clone();
        tokio::spawn(async move {
            shutdown.cancelled().await;
            drop(sender);
        });
        Ok(Response::new(Box::pin(ReceiverStream::new(receiver))))
    }
}
