//! The Terraform plugin protocol (tfplugin6): the generated gRPC types and service, the
//! DynamicValue codec, and helpers to describe schemas and report diagnostics.
//!
//! Nothing here knows about Acronis; a provider is built on top of these pieces.

pub mod diagnostics;
pub mod schema;
pub mod service;
pub mod value;

/// Types and service traits generated from `proto/tfplugin6.proto`.
#[allow(clippy::all, missing_docs)]
pub mod proto {
    tonic::include_proto!("tfplugin6");
}

pub use diagnostics::{Diagnostic, Diagnostics};
pub use value::{Attrs, DecodeError, Value};

/// The major version of the plugin protocol this crate speaks.
pub const PROTOCOL_VERSION: u32 = 6;
