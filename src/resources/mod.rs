//! The provider's managed resources.

pub mod user_status;
