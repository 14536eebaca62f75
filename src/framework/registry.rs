//! The registry: every resource, data source and list resource a provider serves, by type name. The server
//! dispatches RPCs through it and the docs generator lists it, so adding a type is one line.
//!
//! Each type is held with its model erased: the wrappers here turn Terraform's values into the
//! type's model and back, each state with the identity of the same model, so the types
//! themselves only see their models.

mod list_entry;

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

pub use list_entry::{in_config_block, AnyListResource, ListRequest};

use super::{
    from_value, to_value, DataSource, ImportRequest, ListResource, Model, PlanRules, Resource,
};
use crate::tfproto::schema::{IdentitySchemaDef, SchemaDef};
use crate::tfproto::{Diagnostic, Diagnostics, Value};

pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// The resources, data sources and list resources of a provider whose configuration yields a
/// `C`. List resources are shared with the tasks that stream their results.
pub struct Registry<C> {
    resources: Vec<Box<dyn AnyResource<C>>>,
    data_sources: Vec<Box<dyn AnyDataSource<C>>>,
    list_resources: Vec<Arc<dyn AnyListResource<C>>>,
}

impl<C: Send + Sync + 'static> Default for Registry<C> {
    fn default() -> Self {
        Registry {
            resources: Vec::new(),
            data_sources: Vec::new(),
            list_resources: Vec::new(),
        }
    }
}

impl<C: Send + Sync + 'static> Registry<C> {
    pub fn resource<R: Resource<Client = C>>(mut self, resource: R) -> Self {
        self.resources.push(Box::new(resource));
        self
    }

    pub fn data_source<D: DataSource<Client = C>>(mut self, data_source: D) -> Self {
        self.data_sources.push(Box::new(data_source));
        self
    }

    /// A list resource, listing the objects of the managed resource type it names (which must
    /// be registered too, with an identity: Terraform requires both).
    pub fn list_resource<L: ListResource>(mut self, list_resource: L) -> Self
    where
        L::Resource: Resource<Client = C>,
    {
        self.list_resources.push(Arc::new(list_resource));
        self
    }

    pub fn resources(&self) -> impl Iterator<Item = &dyn AnyResource<C>> {
        self.resources.iter().map(Box::as_ref)
    }

    pub fn data_sources(&self) -> impl Iterator<Item = &dyn AnyDataSource<C>> {
        self.data_sources.iter().map(Box::as_ref)
    }

    pub fn list_resources(&self) -> impl Iterator<Item = &dyn AnyListResource<C>> {
        self.list_resources.iter().map(Arc::as_ref)
    }

    /// The list resource type `name`, or the diagnostic for an unknown one.
    pub fn find_list_resource(
        &self,
        name: &str,
    ) -> Result<Arc<dyn AnyListResource<C>>, Diagnostics> {
        self.list_resources
            .iter()
            .find(|l| l.type_name() == name)
            .cloned()
            .ok_or_else(|| unknown_type("list resource", name))
    }

    /// The resource type `name`, or the diagnostic for an unknown one.
    pub fn find_resource(&self, name: &str) -> Result<&dyn AnyResource<C>, Diagnostics> {
        self.resources()
            .find(|r| r.type_name() == name)
            .ok_or_else(|| unknown_type("resource", name))
    }

    /// The data source type `name`, or the diagnostic for an unknown one.
    pub fn find_data_source(&self, name: &str) -> Result<&dyn AnyDataSource<C>, Diagnostics> {
        self.data_sources()
            .find(|d| d.type_name() == name)
            .ok_or_else(|| unknown_type("data source", name))
    }
}

fn unknown_type(kind: &str, name: &str) -> Diagnostics {
    Diagnostic::error(
        format!("Unknown {kind} type"),
        format!("This provider has no {kind} type {name:?}."),
    )
    .into()
}

/// Reads a model from a value Terraform sent; `what` names the value in the error.
pub(crate) fn decode<M: Model>(value: &Value, what: &str) -> Result<M, Diagnostics> {
    from_value(value).map_err(|e| {
        Diagnostic::error(
            "Value does not fit the schema",
            format!("The {what} could not be read: {e}."),
        )
        .into()
    })
}

/// Writes a model as a value for Terraform.
pub(crate) fn encode<M: Model>(model: &M) -> Result<Value, Diagnostics> {
    to_value(model).map_err(|e| {
        Diagnostic::error(
            "Value could not be written",
            format!("The provider built a value that does not fit its schema: {e}. This is a bug in the provider."),
        )
        .into()
    })
}

/// A stored state that does not fit the model it is read into.
fn unreadable_state(e: serde_json::Error) -> Diagnostics {
    Diagnostic::error(
        "Unreadable state",
        format!("The stored state does not fit the schema: {e}."),
    )
    .into()
}

/// A null value as `None`, anything else as a model.
fn decode_optional<M: Model>(value: &Value, what: &str) -> Result<Option<M>, Diagnostics> {
    if value.is_null() {
        Ok(None)
    } else {
        decode(value, what).map(Some)
    }
}

/// A resource type as the server and the docs see it: values in, values out.
pub trait AnyResource<C>: Send + Sync {
    fn type_name(&self) -> &'static str;
    fn schema(&self) -> &'static SchemaDef;
    fn identity_schema(&self) -> Option<&'static IdentitySchemaDef>;
    fn validate(&self, config: &Value) -> Diagnostics;
    fn upgrade_state(&self, version: i64, json: &[u8]) -> Result<Value, Diagnostics>;
    fn upgrade_identity(&self, version: i64, json: &[u8]) -> Result<Value, Diagnostics>;
    /// Refreshes a state. `client` is the provider's client, or why there is none; on any
    /// failure the current state stands, with its identity.
    fn read<'a>(
        &'a self,
        client: Result<&'a C, Diagnostics>,
        current: &Value,
    ) -> BoxFuture<'a, (Stated, Diagnostics)>;
    /// The planned state, with the identity Terraform should expect for it, and the attributes
    /// whose change forces a replacement.
    fn plan(
        &self,
        prior: &Value,
        proposed: &Value,
        config: &Value,
    ) -> Result<(Stated, Vec<&'static str>), Diagnostics>;
    /// Creates, updates or deletes; the new state is always there, diagnostics or not.
    /// `client` and `planned` are what could be made of the request: an error in either fails
    /// the apply with the prior state standing, with its identity.
    fn apply<'a>(
        &'a self,
        client: Result<&'a C, Diagnostics>,
        prior: &Value,
        planned: Result<Value, Diagnostics>,
    ) -> BoxFuture<'a, (Stated, Diagnostics)>;
    fn import<'a>(
        &'a self,
        client: &'a C,
        id: &str,
        identity: &Value,
    ) -> BoxFuture<'a, Result<Stated, Diagnostics>>;
    /// The configuration Terraform writes for a state it imported or listed: the type's own
    /// choice, without read-only attributes (a null state gives a null configuration).
    fn generate_config(&self, state: &Value) -> Result<Value, Diagnostics>;
}

/// A state for Terraform and the identity of the object it describes (`None` when the type has
/// none or it cannot be told yet), both written from the same model.
#[derive(Debug, Clone, PartialEq)]
pub struct Stated {
    pub state: Value,
    pub identity: Option<Value>,
}

impl Stated {
    /// No object: a null state without identity.
    pub fn null() -> Self {
        Stated {
            state: Value::Null,
            identity: None,
        }
    }
}

/// A model as state, with its identity.
fn stated<R: Resource>(resource: &R, model: &R::Model) -> Result<Stated, Diagnostics> {
    Ok(Stated {
        state: encode(model)?,
        identity: encode_identity(Resource::identity(resource, model)),
    })
}

/// An identity as a value; one that cannot be written is left out rather than failing the call.
fn encode_identity<I: Model>(identity: Option<I>) -> Option<Value> {
    identity.and_then(|id| encode(&id).ok())
}

impl<R: Resource> AnyResource<R::Client> for R {
    fn type_name(&self) -> &'static str {
        R::TYPE_NAME
    }

    fn schema(&self) -> &'static SchemaDef {
        Resource::schema(self)
    }

    fn identity_schema(&self) -> Option<&'static IdentitySchemaDef> {
        Resource::identity_schema(self)
    }

    fn validate(&self, config: &Value) -> Diagnostics {
        let schema = Resource::schema(self);
        let mut diags = schema.check_read_only(config);
        let (config, invalid) = schema.check_choices(config);
        match decode(&config, "resource configuration") {
            Ok(config) => diags.extend(Resource::validate(self, &config)),
            Err(d) => diags.extend(d),
        }
        diags.extend(invalid);
        diags
    }

    fn upgrade_state(&self, version: i64, json: &[u8]) -> Result<Value, Diagnostics> {
        let current = Resource::schema(self).version;
        if version > current {
            return Err(Diagnostic::error(
                "State from a newer provider",
                format!(
                    "The state was written with schema version {version}; this provider knows versions up to {current}. Use the provider version that wrote it, or newer."
                ),
            )
            .into());
        }
        let stored = if version == current {
            serde_json::from_slice(json).map_err(unreadable_state)?
        } else {
            let Some(upgrader) = Resource::state_upgraders(self)
                .iter()
                .find(|u| u.from_version == version)
            else {
                return Err(Diagnostic::error(
                    "Unsupported state version",
                    format!(
                        "The state was written with schema version {version}, which this provider cannot read (it reads version {current})."
                    ),
                )
                .into());
            };
            let old = serde_json::from_slice(json).map_err(unreadable_state)?;
            let upgraded = (upgrader.upgrade)(old)?;
            serde_json::from_value::<R::Model>(upgraded).map_err(unreadable_state)?
        };
        encode(&stored)
    }

    fn upgrade_identity(&self, version: i64, json: &[u8]) -> Result<Value, Diagnostics> {
        let Some(schema) = Resource::identity_schema(self) else {
            return Err(Diagnostic::error(
                "No identity",
                format!("{} has no resource identity.", R::TYPE_NAME),
            )
            .into());
        };
        if version > schema.version {
            return Err(Diagnostic::error(
                "Identity from a newer provider",
                format!(
                    "Identity version {version} is newer than this provider knows ({}).",
                    schema.version
                ),
            )
            .into());
        }
        let identity: R::Identity = serde_json::from_slice(json)
            .map_err(|e| Diagnostic::error("Unreadable identity", e.to_string()))?;
        encode(&identity)
    }

    fn read<'a>(
        &'a self,
        client: Result<&'a R::Client, Diagnostics>,
        current: &Value,
    ) -> BoxFuture<'a, (Stated, Diagnostics)> {
        let current_value = current.clone();
        let decoded = decode_optional::<R::Model>(current, "current state");
        Box::pin(async move {
            let current = match decoded {
                Ok(Some(current)) => current,
                Ok(None) => return (Stated::null(), Diagnostics::new()),
                Err(d) => return settle(Err(d), current_value, None::<R::Identity>),
            };
            let current_identity = Resource::identity(self, &current);
            let outcome = match client {
                Ok(client) => match Resource::read(self, client, current).await {
                    Ok(Some(state)) => stated(self, &state),
                    Ok(None) => Ok(Stated::null()),
                    Err(d) => Err(d),
                },
                Err(d) => Err(d),
            };
            // On failure the current state stands: nothing is lost.
            settle(outcome, current_value, current_identity)
        })
    }

    fn plan(
        &self,
        prior: &Value,
        proposed: &Value,
        config: &Value,
    ) -> Result<(Stated, Vec<&'static str>), Diagnostics> {
        let prior = decode_optional::<R::Model>(prior, "prior state");
        if proposed.is_null() {
            // A destroy: the object keeps its identity until it is gone.
            let identity = prior
                .ok()
                .flatten()
                .and_then(|p| Resource::identity(self, &p));
            let state = Stated {
                state: Value::Null,
                identity: encode_identity(identity),
            };
            return Ok((state, Vec::new()));
        }
        let prior = prior?;
        let config = decode::<R::Model>(config, "configuration")?;
        let prior_identity = prior.as_ref().map(|p| Resource::identity(self, p));
        let mut planned = R::Model::planned(prior.as_ref(), &config);
        Resource::modify_plan(self, &mut planned);
        // An object changed in place keeps its identity; a new one has the plan's.
        let identity = match prior_identity {
            Some(identity) if planned.requires_replace.is_empty() => identity,
            _ => Resource::identity(self, &planned.state),
        };
        let state = Stated {
            state: encode(&planned.state)?,
            identity: encode_identity(identity),
        };
        Ok((state, planned.requires_replace))
    }

    fn apply<'a>(
        &'a self,
        client: Result<&'a R::Client, Diagnostics>,
        prior: &Value,
        planned: Result<Value, Diagnostics>,
    ) -> BoxFuture<'a, (Stated, Diagnostics)> {
        let prior_value = prior.clone();
        let prior = decode_optional::<R::Model>(prior, "prior state");
        let prior_identity = match &prior {
            Ok(Some(p)) => Resource::identity(self, p),
            _ => None,
        };
        // Errors in the order the request's parts are read.
        let inputs = planned.and_then(|planned| {
            let client = client?;
            let prior = prior?;
            let planned = decode_optional::<R::Model>(&planned, "planned state")?;
            Ok((client, prior, planned))
        });
        Box::pin(async move {
            let (client, prior, planned) = match inputs {
                Ok(inputs) => inputs,
                Err(d) => return settle(Err(d), prior_value, prior_identity),
            };
            let outcome = match (prior, planned) {
                (None, None) => Ok(Stated::null()),
                (Some(prior), None) => Resource::delete(self, client, prior)
                    .await
                    .map(|()| Stated::null()),
                // Nothing was created: nothing goes into state.
                (None, Some(planned)) => {
                    let created = Resource::create(self, client, planned).await;
                    return settle(
                        created.and_then(|state| stated(self, &state)),
                        Value::Null,
                        None::<R::Identity>,
                    );
                }
                (Some(prior), Some(planned)) => {
                    let changes = R::Model::changes(&prior, &planned);
                    Resource::update(self, client, prior, planned, &changes)
                        .await
                        .and_then(|state| stated(self, &state))
                }
            };
            // On failure the prior state stands: the remote object was not changed as asked.
            settle(outcome, prior_value, prior_identity)
        })
    }

    fn import<'a>(
        &'a self,
        client: &'a R::Client,
        id: &str,
        identity: &Value,
    ) -> BoxFuture<'a, Result<Stated, Diagnostics>> {
        let request = if identity.is_null() {
            Ok(ImportRequest::Id(id.to_owned()))
        } else {
            decode::<R::Identity>(identity, "import identity").map(ImportRequest::Identity)
        };
        Box::pin(async move {
            let state = Resource::import(self, client, request?).await?;
            stated(self, &state)
        })
    }

    fn generate_config(&self, state: &Value) -> Result<Value, Diagnostics> {
        let Some(state) = decode_optional::<R::Model>(state, "state")? else {
            return Ok(Value::Null);
        };
        let config = encode(&Resource::generate_config(self, state))?;
        Ok(Resource::schema(self).without_read_only(config))
    }
}

/// The new state and no diagnostics, or the state that stands (with its identity) and the error.
fn settle<I: Model>(
    outcome: Result<Stated, Diagnostics>,
    standing: Value,
    identity: Option<I>,
) -> (Stated, Diagnostics) {
    match outcome {
        Ok(stated) => (stated, Diagnostics::new()),
        Err(d) => (
            Stated {
                state: standing,
                identity: encode_identity(identity),
            },
            d,
        ),
    }
}

/// A data source type as the server and the docs see it.
pub trait AnyDataSource<C>: Send + Sync {
    fn type_name(&self) -> &'static str;
    fn schema(&self) -> &'static SchemaDef;
    fn validate(&self, config: &Value) -> Diagnostics;
    fn read<'a>(
        &'a self,
        client: &'a C,
        config: &Value,
    ) -> BoxFuture<'a, Result<Value, Diagnostics>>;
}

impl<D: DataSource> AnyDataSource<D::Client> for D {
    fn type_name(&self) -> &'static str {
        D::TYPE_NAME
    }

    fn schema(&self) -> &'static SchemaDef {
        DataSource::schema(self)
    }

    fn validate(&self, config: &Value) -> Diagnostics {
        let schema = DataSource::schema(self);
        let mut diags = schema.check_read_only(config);
        let (config, invalid) = schema.check_choices(config);
        match decode(&config, "data source configuration") {
            Ok(config) => diags.extend(DataSource::validate(self, &config)),
            Err(d) => diags.extend(d),
        }
        diags.extend(invalid);
        diags
    }

    fn read<'a>(
        &'a self,
        client: &'a D::Client,
        config: &Value,
    ) -> BoxFuture<'a, Result<Value, Diagnostics>> {
        let config = decode::<D::Model>(config, "data source configuration");
        Box::pin(async move {
            let state = DataSource::read(self, client, config?).await?;
            encode(&state)
        })
    }
}

#[cfg(test)]
mod tests;
