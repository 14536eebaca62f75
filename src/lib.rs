//! terraform-provider-acronis: a Terraform provider for the Acronis Cyber Platform that speaks
//! the plugin protocol (tfplugin6 over gRPC, behind go-plugin's handshake) itself.
//!
//! Layers, each knowing only the ones below it:
//! - [`plugin`]: go-plugin hosting (handshake, AutoMTLS, unix socket, controller). No Terraform
//!   resources, no Acronis.
//! - [`tfplugin`]: generated protocol types, the DynamicValue codec, schema and diagnostic
//!   helpers. No Acronis.
//! - [`acronis`]: the HTTP client of the Acronis account API. No Terraform.
//! - [`provider`], [`resources`], [`data_sources`]: the Acronis provider built from the above.

pub mod acronis;
pub mod framework;
pub mod logging;
pub mod plugin;
pub mod provider;
pub mod tfplugin;
