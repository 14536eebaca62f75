//! The [`Resource`] trait: what a managed resource type implements, over its typed model, for
//! the framework to serve every resource RPC of the protocol.

use std::future::Future;

use super::{Changes, Model, PlanRules, Planned, Schema};
use crate::tfproto::schema::{IdentitySchemaDef, SchemaDef};
use crate::tfproto::{Diagnostic, Diagnostics};

/// A managed resource type, served by the framework. `Client` is what the provider's
/// configuration produces (an API client), handed to every call that talks to the remote side.
pub trait Resource: Send + Sync + 'static {
    type Client: Send + Sync + 'static;
    /// The resource's configuration, plan and state, which declares the schema and plan rules.
    type Model: Model + Schema + PlanRules + Clone;
    /// The resource's identity; `()` for a resource without one.
    type Identity: Model;

    /// The type name in configuration, e.g. `acronis_user_status`.
    const TYPE_NAME: &'static str;

    /// The schema, as the model declares it.
    fn schema(&self) -> &'static SchemaDef {
        <Self::Model as Schema>::schema()
    }

    /// The identity's schema, for a resource that has one.
    fn identity_schema(&self) -> Option<&'static IdentitySchemaDef> {
        None
    }

    /// The identity of a state, when it can be told.
    fn identity(&self, _state: &Self::Model) -> Option<Self::Identity> {
        None
    }

    /// Checks of a configuration beyond its types (those are Terraform's) and its attributes'
    /// choices (those are the framework's); values may be unknown. Read-only attributes set in
    /// configuration are refused by the framework.
    fn validate(&self, _config: &Self::Model) -> Diagnostics {
        Diagnostics::new()
    }

    /// Readers of state stored by older schema versions; the framework reads the current
    /// version itself and refuses versions without an upgrader.
    fn state_upgraders(&self) -> &'static [StateUpgrader] {
        &[]
    }

    /// Refreshes a state from the remote object; `None` when it no longer exists.
    fn read(
        &self,
        client: &Self::Client,
        state: Self::Model,
    ) -> impl Future<Output = Result<Option<Self::Model>, Diagnostics>> + Send;

    /// Adjusts the plan the attributes' rules made, for what only the resource knows (e.g. a
    /// revision that changes when some attribute does).
    fn modify_plan(&self, _planned: &mut Planned<Self::Model>) {}

    /// Creates (or adopts) the remote object; an error leaves nothing in state.
    fn create(
        &self,
        client: &Self::Client,
        planned: Self::Model,
    ) -> impl Future<Output = Result<Self::Model, Diagnostics>> + Send;

    /// Brings the remote object to the plan, told which configured attributes `changes`; an
    /// error keeps the prior state.
    fn update(
        &self,
        client: &Self::Client,
        prior: Self::Model,
        planned: Self::Model,
        changes: &Changes,
    ) -> impl Future<Output = Result<Self::Model, Diagnostics>> + Send;

    /// Deletes (or lets go of) the remote object; an error keeps the prior state.
    fn delete(
        &self,
        client: &Self::Client,
        prior: Self::Model,
    ) -> impl Future<Output = Result<(), Diagnostics>> + Send;

    /// The configuration that manages an object as it is (`-generate-config-out` of
    /// `terraform query` and of `terraform plan` with `import` blocks), from its state. The
    /// framework leaves read-only attributes out; by default every other attribute is written
    /// as stored. Override to leave out what configuration need not say (defaults).
    fn generate_config(&self, state: Self::Model) -> Self::Model {
        state
    }

    /// The state of an existing remote object named by an import id or identity.
    fn import(
        &self,
        _client: &Self::Client,
        _request: ImportRequest<Self::Identity>,
    ) -> impl Future<Output = Result<Self::Model, Diagnostics>> + Send {
        let type_name = Self::TYPE_NAME;
        async move {
            Err(Diagnostic::error(
                "Import not supported",
                format!("{type_name} cannot be imported."),
            )
            .into())
        }
    }
}

/// Reads state stored by an older schema version (`from_version`), as JSON, into JSON of the
/// current version.
#[derive(Debug, Clone, Copy)]
pub struct StateUpgrader {
    pub from_version: i64,
    pub upgrade: fn(serde_json::Value) -> Result<serde_json::Value, Diagnostics>,
}

/// How an import names the object: by the id of `terraform import` or an `import` block, or
/// by an identity.
#[derive(Debug, Clone)]
pub enum ImportRequest<I> {
    Id(String),
    Identity(I),
}
