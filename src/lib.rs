//! terraform-provider-acronis: a Terraform provider for the Acronis Cyber Platform that speaks
//! the plugin protocol (tfplugin6 over gRPC, behind go-plugin's handshake) itself.
//!
//! Layers, each knowing only the ones below it:
//! - [`goplugin`]: go-plugin hosting (handshake, AutoMTLS, unix socket, controller, stdio,
//!   health, logs). Serves whatever gRPC routes it is given.
//! - [`tfproto`]: the tfplugin6 protocol: generated types, values with unknowns, schemas and
//!   diagnostics. No Acronis.
//! - [`framework`]: a small provider framework on the protocol: `Resource` and `DataSource` traits
//!   over typed models, one registry, and the server of the `Provider` service. No Acronis.
//! - [`acronis`]: the client of the Acronis account API. No Terraform.
//! - [`provider`]: the Acronis provider on the framework and the client: its configuration,
//!   resources and data sources, one file each.

pub mod acronis;
pub mod framework;
pub mod goplugin;
pub mod provider;
pub mod tfproto;
