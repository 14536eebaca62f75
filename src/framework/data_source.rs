//! The [`DataSource`] trait: what a data source type implements, over its typed model.

use std::future::Future;

use super::{Model, Schema};
use crate::tfproto::schema::SchemaDef;
use crate::tfproto::Diagnostics;

/// A data source type, served by the framework.
pub trait DataSource: Send + Sync + 'static {
    type Client: Send + Sync + 'static;
    /// The configuration and the result: one object of [`DataSource::schema`].
    /// The configuration and the result, which declares the schema.
    type Model: Model + Schema;

    const TYPE_NAME: &'static str;

    fn schema(&self) -> &'static SchemaDef {
        <Self::Model as Schema>::schema()
    }

    /// Checks of a configuration beyond its types and choices; values may be unknown. Read-only attributes
    /// set in configuration are refused by the framework.
    fn validate(&self, _config: &Self::Model) -> Diagnostics {
        Diagnostics::new()
    }

    /// Reads the data for a wholly known configuration.
    fn read(
        &self,
        client: &Self::Client,
        config: Self::Model,
    ) -> impl Future<Output = Result<Self::Model, Diagnostics>> + Send;
}
