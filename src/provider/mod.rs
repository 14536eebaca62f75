//! The Acronis provider on the framework: its block ([`config`]), its resources, data sources
//! and list resources (one file each), and the registry that lists them.

pub mod checks;
pub mod config;
pub mod data_sources;
pub mod errors;
pub mod list_resources;
pub mod resources;
pub mod tenant;

use tokio_util::sync::CancellationToken;

use crate::acronis::AcronisClient;
use crate::framework::{self, Registry};
use crate::tfproto::proto::provider_server::ProviderServer;
use crate::tfproto::schema::SchemaDef;
use crate::tfproto::service::provider_service;
use crate::tfproto::{Diagnostic, Diagnostics};

/// The address Terraform knows this provider by.
pub const PROVIDER_ADDRESS: &str = "registry.terraform.io/acronis/acronis";

pub struct AcronisProvider {
    env: Box<EnvLookup>,
}

/// Reads an environment variable; injectable so tests need not touch the process environment.
type EnvLookup = dyn Fn(&str) -> Option<String> + Send + Sync;

impl Default for AcronisProvider {
    fn default() -> Self {
        Self::with_env(|k| std::env::var(k).ok())
    }
}

impl AcronisProvider {
    /// A provider that reads its `ACRONIS_*` fallbacks through `env`.
    pub fn with_env(env: impl Fn(&str) -> Option<String> + Send + Sync + 'static) -> Self {
        AcronisProvider { env: Box::new(env) }
    }

    /// The gRPC service (it accepts messages as large as Terraform sends), and the token that
    /// abandons its API calls in flight, as `StopProvider` does.
    pub fn into_service(
        self,
    ) -> (
        ProviderServer<framework::Server<AcronisProvider>>,
        CancellationToken,
    ) {
        let server = framework::Server::new(self);
        let stop = server.stop_token();
        (provider_service(server), stop)
    }
}

/// Every resource, data source and list resource of the provider.
pub fn registry() -> Registry<AcronisClient> {
    list_resources::register(data_sources::register(resources::register(
        Registry::default(),
    )))
}

impl framework::Provider for AcronisProvider {
    type Config = config::ProviderConfig;
    type Client = AcronisClient;

    fn schema(&self) -> &'static SchemaDef {
        config::schema()
    }

    fn validate(&self, config: &config::ProviderConfig) -> Diagnostics {
        config::validate(config)
    }

    fn configure(
        &self,
        config: config::ProviderConfig,
        stop: CancellationToken,
    ) -> Result<AcronisClient, Diagnostics> {
        let options = config::resolve(&config, &*self.env)?;
        AcronisClient::new(options, stop)
            .map_err(|e| Diagnostic::error("Could not set up the HTTP client", e).into())
    }

    fn registry(&self) -> Registry<AcronisClient> {
        registry()
    }
}
