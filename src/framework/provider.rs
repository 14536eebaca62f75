//! The [`Provider`] trait: the provider block of a provider built on the framework, and what
//! it serves.

use tokio_util::sync::CancellationToken;

use super::{Model, Registry};
use crate::tfproto::schema::SchemaDef;
use crate::tfproto::Diagnostics;

pub trait Provider: Send + Sync + 'static {
    /// The provider block.
    type Config: Model;
    /// What configuring the provider yields for its resources and data sources.
    type Client: Send + Sync + 'static;

    fn schema(&self) -> &'static SchemaDef;

    /// Checks of the provider block beyond its types; values may be unknown.
    fn validate(&self, _config: &Self::Config) -> Diagnostics {
        Diagnostics::new()
    }

    /// Builds the client from the provider block. `stop` is cancelled when Terraform stops the
    /// provider (or the user presses Ctrl-C): whatever the client is doing should end then.
    fn configure(
        &self,
        config: Self::Config,
        stop: CancellationToken,
    ) -> Result<Self::Client, Diagnostics>;

    /// Every resource and data source the provider serves.
    fn registry(&self) -> Registry<Self::Client>;
}
