//! The API endpoints the simulator tells apart, and the per-endpoint call counters.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// One of the simulated API operations; calls, faults and latency are accounted per endpoint.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Endpoint {
    /// `POST /api/2/idp/token`
    Token,
    /// `GET /api/2/users/{id}`
    GetUser,
    /// `PUT /api/2/users/{id}`
    PutUser,
    /// `GET /api/2/users?uuids=...`
    ListUsers,
    /// `DELETE /api/2/users/{id}?version=N`
    DeleteUser,
    /// `GET /api/2/tenants/{tenant_id}/users`
    TenantUsers,
}

impl Endpoint {
    /// Every endpoint, in a fixed order.
    pub const ALL: [Endpoint; 6] = [
        Endpoint::Token,
        Endpoint::GetUser,
        Endpoint::PutUser,
        Endpoint::ListUsers,
        Endpoint::DeleteUser,
        Endpoint::TenantUsers,
    ];

    /// The snake_case name used in JSON and on the command line.
    pub fn as_str(self) -> &'static str {
        match self {
            Endpoint::Token => "token",
            Endpoint::GetUser => "get_user",
            Endpoint::PutUser => "put_user",
            Endpoint::ListUsers => "list_users",
            Endpoint::DeleteUser => "delete_user",
            Endpoint::TenantUsers => "tenant_users",
        }
    }
}

impl fmt::Display for Endpoint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Endpoint {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Endpoint::ALL
            .into_iter()
            .find(|e| e.as_str() == s)
            .ok_or_else(|| {
                format!(
                    "unknown endpoint {s:?}: expected one of token, get_user, put_user, list_users, delete_user, tenant_users"
                )
            })
    }
}

/// How many requests each endpoint has received, failed and fault-served ones included.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct CallCounts {
    pub token: u64,
    pub get_user: u64,
    pub put_user: u64,
    pub list_users: u64,
    pub delete_user: u64,
    pub tenant_users: u64,
}

impl CallCounts {
    /// The count for one endpoint.
    pub fn get(&self, endpoint: Endpoint) -> u64 {
        match endpoint {
            Endpoint::Token => self.token,
            Endpoint::GetUser => self.get_user,
            Endpoint::PutUser => self.put_user,
            Endpoint::ListUsers => self.list_users,
            Endpoint::DeleteUser => self.delete_user,
            Endpoint::TenantUsers => self.tenant_users,
        }
    }

    /// Adds one call to an endpoint's count.
    pub fn record(&mut self, endpoint: Endpoint) {
        let slot = match endpoint {
            Endpoint::Token => &mut self.token,
            Endpoint::GetUser => &mut self.get_user,
            Endpoint::PutUser => &mut self.put_user,
            Endpoint::ListUsers => &mut self.list_users,
            Endpoint::DeleteUser => &mut self.delete_user,
            Endpoint::TenantUsers => &mut self.tenant_users,
        };
        *slot = slot.saturating_add(1);
    }

    /// The sum over all endpoints.
    pub fn total(&self) -> u64 {
        Endpoint::ALL.into_iter().map(|e| self.get(e)).sum()
    }
}
