//! The [`Resource`] trait: what a managed resource type implements, over its typed model, for
//! the framework to serve every resource RPC of the protocol.

use std::future::Future;

use super::Model;
use crate::tfproto::schema::{IdentitySchemaDef, SchemaDef};
use crate::tfproto::{Diagnostic, Diagnostics};

/// A managed resource type, served by the framework. `Client` is what the provider's
/// configuration produces (an API client), handed to every call that talks to the remote side.
pub trait Resource: Send + Sync + 'static {
    type Client: Send + Sync + 'static;
    /// The resource's configuration, plan and state: one object of [`Resource::schema`].
    type Model: Model;
    /// The resource's identity; `()` for a resource without one.
    type Identity: Model;

    /// The type name in configuration, e.g. `acronis_user_status`.
    const TYPE_NAME: &'static str;

    fn schema(&self) -> &'static SchemaDef;

    /// The identity's schema, for a resource that has one.
    fn identity_schema(&self) -> Option<&'static IdentitySchemaDef> {
        None
    }

    /// The identity of a state, when it can be told.
    fn identity(&self, _state: &Self::Model) -> Option<Self::Identity> {
        None
    }

    /// Checks of a configuration beyond its types (those are Terraform's); values may be
    /// unknown. Read-only attributes set in configuration are refused by the framework.
    fn validate(&self, _config: &Self::Model) -> Diagnostics {
        Diagnostics::new()
    }

    /// Reads state stored by schema `version` (as JSON) into the current model.
    fn upgrade_state(&self, version: i64, json: &[u8]) -> Result<Self::Model, Diagnostics> {
        let current = self.schema().version;
        if version != current {
            return Err(Diagnostic::error(
                "Unsupported state version",
                format!(
                    "The state was written with schema version {version}; this provider reads version {current}."
                ),
            )
            .into());
        }
        serde_json::from_slice(json).map_err(|e| {
            Diagnostic::error(
                "Unreadable state",
                format!("The stored state does not fit the schema: {e}."),
            )
            .into()
        })
    }

    /// Refreshes a state from the remote object; `None` when it no longer exists.
    fn read(
        &self,
        client: &Self::Client,
        state: Self::Model,
    ) -> impl Future<Output = Result<Option<Self::Model>, Diagnostics>> + Send;

    /// The planned new state for a create (`prior` is `None`) or an update.
    fn plan(&self, change: PlanChange<Self::Model>) -> Result<Planned<Self::Model>, Diagnostics>;

    /// Creates (or adopts) the remote object; an error leaves nothing in state.
    fn create(
        &self,
        client: &Self::Client,
        planned: Self::Model,
    ) -> impl Future<Output = Result<Self::Model, Diagnostics>> + Send;

    /// Brings the remote object to the plan; an error keeps the prior state.
    fn update(
        &self,
        client: &Self::Client,
        prior: Self::Model,
        planned: Self::Model,
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

/// What a plan starts from.
#[derive(Debug, Clone)]
pub struct PlanChange<M> {
    /// The state before the change; `None` for a create.
    pub prior: Option<M>,
    /// Terraform's proposal: the configuration merged with the prior state.
    pub proposed: M,
    pub config: M,
}

/// A planned new state, and the attributes whose change forces a replacement.
#[derive(Debug, Clone)]
pub struct Planned<M> {
    pub state: M,
    pub requires_replace: Vec<&'static str>,
}

impl<M> Planned<M> {
    /// A plan that changes the object in place.
    pub fn in_place(state: M) -> Self {
        Planned {
            state,
            requires_replace: Vec::new(),
        }
    }
}

/// How an import names the object: by the id of `terraform import` or an `import` block, or
/// by an identity.
#[derive(Debug, Clone)]
pub enum ImportRequest<I> {
    Id(String),
    Identity(I),
}
