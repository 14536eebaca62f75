//! Tenants: the tenant object as this provider reads it, and `GET /tenants/{tenant_id}`
//! (`FetchTenant`).

use serde::Deserialize;

use super::client::AcronisClient;
use super::error::{ApiError, Operation};
use super::user::is_valid_tenant_id;

/// The fields of the API's `tenant` object this provider shows.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Tenant {
    pub id: String,
    pub name: String,
    /// `root`, `partner`, `folder`, `customer`, `unit`, ...
    pub kind: String,
    pub parent_id: Option<String>,
    pub enabled: bool,
    pub version: i64,
}

impl AcronisClient {
    /// One tenant. An unknown tenant is an error for which `is_not_found()` holds.
    pub async fn get_tenant(&self, tenant_id: &str) -> Result<Tenant, ApiError> {
        let op = Operation::ReadTenant(tenant_id.to_owned());
        if !is_valid_tenant_id(tenant_id) {
            return Err(ApiError::InvalidArgument {
                operation: op,
                detail: "a tenant id is a lowercase UUID".into(),
            });
        }
        self.get_json(&op, &format!("tenants/{tenant_id}")).await
    }
}
