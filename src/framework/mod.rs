//! A small provider framework over the protocol, after terraform-plugin-framework: a provider
//! implements [`Provider`] for its block, [`Resource`] and [`DataSource`] for its types over
//! typed [`Model`]s, lists them in one [`Registry`], and [`Server`] serves the whole tfplugin6
//! `Provider` service from that. Diagnostics are the one error type: whatever a type returns
//! reaches Terraform through the server.

mod data_source;
mod field;
mod model;
mod provider;
mod registry;
mod resource;
mod server;

pub use data_source::DataSource;
pub use field::Field;
pub use model::{from_value, to_value, Model, ModelError};
pub use provider::Provider;
pub use registry::{AnyDataSource, AnyResource, Registry, Stated};
pub use resource::{ImportRequest, PlanChange, Planned, Resource};
pub use server::Server;
