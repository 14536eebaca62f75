//! The [`ListResource`] trait: what a list resource type implements (the `list` blocks of
//! `terraform query`, Terraform 1.14 and later) over its typed `config` model, and
//! [`ListResults`], the sink it pushes each listed object into, which says when to stop.

use std::future::Future;
use std::marker::PhantomData;
use std::ops::ControlFlow;

use tokio::sync::mpsc;

use super::registry::encode;
use super::{Model, Resource, Schema};
use crate::tfproto::proto::{list_resource, ResourceIdentityData};
use crate::tfproto::schema::SchemaDef;
use crate::tfproto::Diagnostics;

/// Lists the remote objects of the managed resource type [`ListResource::Resource`], whose type
/// name it shares: each result carries the object's identity, a name for people and, when
/// Terraform asks, the object as a refresh would store it.
pub trait ListResource: Send + Sync + 'static {
    /// The managed resource type whose objects are listed.
    type Resource: Resource;
    /// The `config` block of a `list` block, which declares its schema.
    type Config: Model + Schema;

    /// The `config` block's schema, as the model declares it.
    fn schema(&self) -> &'static SchemaDef {
        <Self::Config as Schema>::schema()
    }

    /// Checks of a configuration beyond its types; values may be unknown. Read-only
    /// attributes set in configuration are refused by the framework.
    fn validate(&self, _config: &Self::Config) -> Diagnostics {
        Diagnostics::new()
    }

    /// Lists the objects `config` selects into `results`, as they arrive: stop (return `Ok`)
    /// once [`ListResults::push`] says so. An error ends the listing; the results pushed
    /// before it stand.
    fn list(
        &self,
        client: &<Self::Resource as Resource>::Client,
        config: Self::Config,
        results: &mut ListResults<Self::Resource>,
    ) -> impl Future<Output = Result<(), Diagnostics>> + Send;
}

/// One listed object of the resource type `R`.
#[derive(Debug, Clone, PartialEq)]
pub struct Listed<R: Resource> {
    pub identity: R::Identity,
    /// What a person recognises the object by, e.g. a login.
    pub display_name: String,
    /// The object as a refresh would store it; sent only when
    /// [`ListResults::include_resource`] says Terraform asked for it.
    pub object: Option<R::Model>,
}

/// Where a listing sends its results: on to Terraform's stream, until Terraform has as many as
/// it asked for or has closed the stream.
pub struct ListResults<R: Resource> {
    events: mpsc::Sender<list_resource::Event>,
    /// How many more results Terraform wants.
    remaining: u64,
    include_resource: bool,
    sent: u64,
    resource: PhantomData<fn() -> R>,
}

impl<R: Resource> ListResults<R> {
    /// A sink sending at most `limit` results as events on `events`.
    pub(crate) fn new(
        events: mpsc::Sender<list_resource::Event>,
        limit: u64,
        include_resource: bool,
    ) -> Self {
        ListResults {
            events,
            remaining: limit,
            include_resource,
            sent: 0,
            resource: PhantomData,
        }
    }

    /// Whether Terraform asked for each object along with its identity.
    pub fn include_resource(&self) -> bool {
        self.include_resource
    }

    /// Whether Terraform wants more results: false once it has its `limit` or has closed the
    /// stream. A listing checks this before it reads anything more.
    pub fn wants_more(&self) -> bool {
        self.remaining > 0 && !self.events.is_closed()
    }

    /// How many results have gone to Terraform.
    pub fn sent(&self) -> u64 {
        self.sent
    }

    /// Sends one result. `Break` means list no further: Terraform has all it asked for, has
    /// closed the stream, or the result could not be written (an error event says why).
    pub async fn push(&mut self, result: Listed<R>) -> ControlFlow<()> {
        if !self.wants_more() {
            return ControlFlow::Break(());
        }
        let event = match self.event_of(result) {
            Ok(event) => event,
            Err(diags) => {
                self.send_error(diags).await;
                return ControlFlow::Break(());
            }
        };
        if self.events.send(event).await.is_err() {
            return ControlFlow::Break(());
        }
        self.sent += 1;
        self.remaining -= 1;
        if self.remaining == 0 {
            ControlFlow::Break(())
        } else {
            ControlFlow::Continue(())
        }
    }

    /// Sends an event carrying only `diagnostics` (the listing's error).
    pub(crate) async fn send_error(&mut self, diagnostics: Diagnostics) {
        let event = list_resource::Event {
            diagnostic: diagnostics.to_proto(),
            ..Default::default()
        };
        // A closed stream has no one left to tell.
        let _ = self.events.send(event).await;
    }

    fn event_of(&self, result: Listed<R>) -> Result<list_resource::Event, Diagnostics> {
        let identity = encode(&result.identity)?;
        let object = match (self.include_resource, &result.object) {
            (true, Some(object)) => Some(encode(object)?.to_dynamic()),
            _ => None,
        };
        Ok(list_resource::Event {
            identity: Some(ResourceIdentityData {
                identity_data: Some(identity.to_dynamic()),
            }),
            display_name: result.display_name,
            resource_object: object,
            diagnostic: Vec::new(),
        })
    }
}
