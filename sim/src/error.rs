//! Why an operation on the simulated account store was refused.

use thiserror::Error;

/// A refused store operation; the API and admin layers turn it into an HTTP answer.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum StoreError {
    #[error("invalid user id {0:?}: expected a lowercase UUID")]
    InvalidId(String),
    #[error("invalid tenant id {0:?}: expected a lowercase UUID")]
    InvalidTenantId(String),
    #[error("tenant {0} not found")]
    TenantNotFound(String),
    #[error("tenant {0} cannot be nested in itself or in a tenant below it")]
    TenantCycle(String),
    #[error("user {0} not found")]
    NotFound(String),
    #[error("user {0} already exists")]
    Duplicate(String),
    #[error("login must not be empty")]
    EmptyLogin,
    #[error(
        "Version mismatch: the user was modified by someone else (current version {current}, request has version {given})."
    )]
    VersionMismatch { current: i64, given: i64 },
    #[error("It is prohibited to delete a non-disabled user.")]
    NotDisabled,
}
