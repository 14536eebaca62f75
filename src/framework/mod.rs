//! A small provider framework over the protocol, after terraform-plugin-framework: a provider
//! implements [`Provider`] for its block, [`Resource`], [`DataSource`] and [`ListResource`] for
//! its types over typed [`Model`]s, lists them in one [`Registry`], and [`Server`] serves the whole tfplugin6
//! `Provider` service from that. Diagnostics are the one error type: whatever a type returns
//! reaches Terraform through the server.

mod data_source;
mod field;
mod list_resource;
mod model;
mod plan;
mod provider;
mod registry;
mod resource;
mod schema;
mod server;

pub use data_source::DataSource;
pub use field::Field;
pub use list_resource::{ListResource, ListResults, Listed};
pub use model::{from_value, to_value, Model, ModelError};
pub use plan::{Changes, PlanRules, Planned};
pub use provider::Provider;
pub use registry::{AnyDataSource, AnyListResource, AnyResource, ListRequest, Registry, Stated};
pub use resource::{ImportRequest, Resource, StateUpgrader};
pub use schema::{AttributeType, Attributes, Choice, IdentitySchema, Schema};
pub use server::Server;
pub use terraform_provider_acronis_derive::{Choice, Identity, Schema};
