//! The registry's entry for a list resource: [`AnyListResource`], a [`ListResource`] with its
//! models erased, taking Terraform's values and sending protocol events.
//!
//! Terraform reads a list resource's diagnostics against the whole `list` block, in which the
//! type's attributes sit inside the `config` block: their paths are given from there.

use tokio::sync::mpsc;

use super::{decode, BoxFuture};
use crate::framework::{ListResource, ListResults, Resource};
use crate::tfproto::proto::list_resource;
use crate::tfproto::schema::SchemaDef;
use crate::tfproto::{Diagnostic, Diagnostics, Value};

/// The block of a `list` block that holds the list resource's own attributes.
pub const CONFIG_BLOCK: &str = "config";

/// What Terraform asks of one listing besides the configuration.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ListRequest {
    /// Send each object along with its identity.
    pub include_resource: bool,
    /// The most results Terraform reads; 0 or less asks for none.
    pub limit: i64,
}

/// A list resource type as the server and the docs see it.
pub trait AnyListResource<C>: Send + Sync {
    fn type_name(&self) -> &'static str;
    fn schema(&self) -> &'static SchemaDef;
    fn validate(&self, config: &Value) -> Diagnostics;
    /// Lists into `events` until the listing ends, Terraform has `request.limit` results or
    /// the stream is closed; a failure is the last event.
    fn list<'a>(
        &'a self,
        client: &'a C,
        config: &Value,
        request: ListRequest,
        events: mpsc::Sender<list_resource::Event>,
    ) -> BoxFuture<'a, ()>;
}

/// `diagnostics` with their attribute paths taken from the `list` block.
pub fn in_config_block(diagnostics: Diagnostics) -> Diagnostics {
    diagnostics
        .iter()
        .cloned()
        .map(|d| {
            if d.attribute.is_empty() {
                return d;
            }
            let mut path = vec![CONFIG_BLOCK.to_owned()];
            path.extend(d.attribute.iter().cloned());
            Diagnostic {
                attribute: path,
                ..d
            }
        })
        .collect()
}

impl<L: ListResource> AnyListResource<<L::Resource as Resource>::Client> for L {
    fn type_name(&self) -> &'static str {
        L::Resource::TYPE_NAME
    }

    fn schema(&self) -> &'static SchemaDef {
        ListResource::schema(self)
    }

    fn validate(&self, config: &Value) -> Diagnostics {
        let mut diags = ListResource::schema(self).check_read_only(config);
        match decode(config, "list configuration") {
            Ok(config) => diags.extend(ListResource::validate(self, &config)),
            Err(d) => diags.extend(d),
        }
        in_config_block(diags)
    }

    fn list<'a>(
        &'a self,
        client: &'a <L::Resource as Resource>::Client,
        config: &Value,
        request: ListRequest,
        events: mpsc::Sender<list_resource::Event>,
    ) -> BoxFuture<'a, ()> {
        let config = decode::<L::Config>(config, "list configuration");
        let limit = u64::try_from(request.limit).unwrap_or(0);
        Box::pin(async move {
            let mut results = ListResults::new(events, limit, request.include_resource);
            let outcome = match config {
                // Nothing is asked for: nothing is read.
                Ok(_) if !results.wants_more() => Ok(()),
                Ok(config) => ListResource::list(self, client, config, &mut results).await,
                Err(d) => Err(d),
            };
            if let Err(d) = outcome {
                results.send_error(in_config_block(d)).await;
            }
        })
    }
}
