//! The registry: every resource and data source a provider serves, by type name. The server
//! dispatches RPCs through it and the docs generator lists it, so adding a type is one line.
//!
//! Each type is held with its model erased: the wrappers here turn Terraform's values into the
//! type's model and back, so the types themselves only see their models.

use std::future::Future;
use std::pin::Pin;

use super::{from_value, to_value, DataSource, ImportRequest, Model, PlanChange, Resource};
use crate::tfproto::schema::{IdentitySchemaDef, SchemaDef};
use crate::tfproto::{Diagnostic, Diagnostics, Value};

pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// The resources and data sources of a provider whose configuration yields a `C`.
pub struct Registry<C> {
    resources: Vec<Box<dyn AnyResource<C>>>,
    data_sources: Vec<Box<dyn AnyDataSource<C>>>,
}

impl<C: Send + Sync + 'static> Default for Registry<C> {
    fn default() -> Self {
        Registry {
            resources: Vec::new(),
            data_sources: Vec::new(),
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

    pub fn resources(&self) -> impl Iterator<Item = &dyn AnyResource<C>> {
        self.resources.iter().map(Box::as_ref)
    }

    pub fn data_sources(&self) -> impl Iterator<Item = &dyn AnyDataSource<C>> {
        self.data_sources.iter().map(Box::as_ref)
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
    /// The identity of a state (null when there is none).
    fn identity(&self, state: &Value) -> Option<Value>;
    fn read<'a>(
        &'a self,
        client: &'a C,
        state: &Value,
    ) -> BoxFuture<'a, Result<Value, Diagnostics>>;
    fn plan(
        &self,
        prior: &Value,
        proposed: &Value,
        config: &Value,
    ) -> Result<(Value, Vec<&'static str>), Diagnostics>;
    /// Creates, updates or deletes; the new state is always there, diagnostics or not.
    fn apply<'a>(
        &'a self,
        client: &'a C,
        prior: &Value,
        planned: &Value,
    ) -> BoxFuture<'a, (Value, Diagnostics)>;
    fn import<'a>(
        &'a self,
        client: &'a C,
        id: &str,
        identity: &Value,
    ) -> BoxFuture<'a, Result<Value, Diagnostics>>;
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
        let mut diags = Resource::schema(self).check_read_only(config);
        match decode(config, "resource configuration") {
            Ok(config) => diags.extend(Resource::validate(self, &config)),
            Err(d) => diags.extend(d),
        }
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
        encode(&Resource::upgrade_state(self, version, json)?)
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

    fn identity(&self, state: &Value) -> Option<Value> {
        let state: R::Model = decode_optional(state, "state").ok()??;
        Resource::identity(self, &state).and_then(|id| encode(&id).ok())
    }

    fn read<'a>(
        &'a self,
        client: &'a R::Client,
        state: &Value,
    ) -> BoxFuture<'a, Result<Value, Diagnostics>> {
        let state = decode_optional::<R::Model>(state, "current state");
        Box::pin(async move {
            let Some(state) = state? else {
                return Ok(Value::Null);
            };
            match Resource::read(self, client, state).await? {
                Some(state) => encode(&state),
                None => Ok(Value::Null),
            }
        })
    }

    fn plan(
        &self,
        prior: &Value,
        proposed: &Value,
        config: &Value,
    ) -> Result<(Value, Vec<&'static str>), Diagnostics> {
        if proposed.is_null() {
            return Ok((Value::Null, Vec::new()));
        }
        let change = PlanChange {
            prior: decode_optional(prior, "prior state")?,
            proposed: decode(proposed, "proposed new state")?,
            config: decode(config, "configuration")?,
        };
        let planned = Resource::plan(self, change)?;
        Ok((encode(&planned.state)?, planned.requires_replace))
    }

    fn apply<'a>(
        &'a self,
        client: &'a R::Client,
        prior: &Value,
        planned: &Value,
    ) -> BoxFuture<'a, (Value, Diagnostics)> {
        let prior_value = prior.clone();
        let decoded = decode_optional::<R::Model>(prior, "prior state")
            .and_then(|p| Ok((p, decode_optional::<R::Model>(planned, "planned state")?)));
        Box::pin(async move {
            let (prior, planned) = match decoded {
                Ok(pair) => pair,
                Err(d) => return (prior_value, d),
            };
            let outcome = match (prior, planned) {
                (None, None) => Ok(Value::Null),
                (Some(prior), None) => Resource::delete(self, client, prior)
                    .await
                    .map(|()| Value::Null),
                // Nothing was created: nothing goes into state.
                (None, Some(planned)) => {
                    return match Resource::create(self, client, planned).await {
                        Ok(state) => with_diagnostics(encode(&state), Value::Null),
                        Err(d) => (Value::Null, d),
                    }
                }
                (Some(prior), Some(planned)) => Resource::update(self, client, prior, planned)
                    .await
                    .and_then(|state| encode(&state)),
            };
            // On failure the prior state stands: the remote object was not changed as asked.
            with_diagnostics(outcome, prior_value)
        })
    }

    fn import<'a>(
        &'a self,
        client: &'a R::Client,
        id: &str,
        identity: &Value,
    ) -> BoxFuture<'a, Result<Value, Diagnostics>> {
        let request = if identity.is_null() {
            Ok(ImportRequest::Id(id.to_owned()))
        } else {
            decode::<R::Identity>(identity, "import identity").map(ImportRequest::Identity)
        };
        Box::pin(async move {
            let state = Resource::import(self, client, request?).await?;
            encode(&state)
        })
    }
}

/// The new state and no diagnostics, or `fallback` and the error.
fn with_diagnostics(outcome: Result<Value, Diagnostics>, fallback: Value) -> (Value, Diagnostics) {
    match outcome {
        Ok(state) => (state, Diagnostics::new()),
        Err(d) => (fallback, d),
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
        let mut diags = DataSource::schema(self).check_read_only(config);
        match decode(config, "data source configuration") {
            Ok(config) => diags.extend(DataSource::validate(self, &config)),
            Err(d) => diags.extend(d),
        }
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
