//! A listing served as `ListResource`'s server stream: it runs in a task of its own, sending
//! events through a channel of one, so it reads no further ahead than Terraform takes, and is
//! dropped (its API call in flight abandoned) as soon as Terraform closes the stream.

use std::pin::Pin;
use std::sync::Arc;

use tokio::sync::mpsc;
use tokio_stream::wrappers::ReceiverStream;
use tokio_stream::{Stream, StreamExt as _};
use tonic::Status;
use tracing::Instrument as _;

use crate::framework::registry::in_config_block;
use crate::framework::{AnyListResource, ListRequest};
use crate::tfproto::proto::list_resource::Event;
use crate::tfproto::{Diagnostics, Value};

pub type EventStream = Pin<Box<dyn Stream<Item = Result<Event, Status>> + Send>>;

/// The stream of `entry`'s listing of `config`.
pub fn listing<C: Send + Sync + 'static>(
    entry: Arc<dyn AnyListResource<C>>,
    client: Arc<C>,
    config: Value,
    request: ListRequest,
) -> EventStream {
    let (events, received) = mpsc::channel(1);
    let watch = events.clone();
    let span = tracing::debug_span!(
        "rpc",
        tf_rpc = "ListResource",
        tf_resource_type = entry.type_name()
    );
    tokio::spawn(
        async move {
            tokio::select! {
                () = entry.list(&client, &config, request, events) => {
                    tracing::trace!("listing done");
                }
                () = watch.closed() => {
                    tracing::debug!("Terraform closed the stream; the listing stops");
                }
            }
        }
        .instrument(span),
    );
    Box::pin(ReceiverStream::new(received).map(Ok))
}

/// A stream of one event carrying `diagnostics`: a listing that could not start.
pub fn failed(diagnostics: Diagnostics) -> EventStream {
    let event = Event {
        diagnostic: in_config_block(diagnostics).to_proto(),
        ..Default::default()
    };
    Box::pin(tokio_stream::once(Ok(event)))
}
