//! The provider's data sources.

pub mod user;
