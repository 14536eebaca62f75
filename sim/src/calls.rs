//! The API endpoints the simulator tells apart, the per-endpoint call counters, and the
//! exchanges (request and answer) kept while traffic is recorded.

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
    /// `GET /api/2/users` without `uuids`: one page of a listing.
    ListUsers,
    /// `GET /api/2/users?uuids=...`: a batch read of users by id.
    BatchUsers,
    /// `DELETE /api/2/users/{id}?version=N`
    DeleteUser,
    /// `GET /api/2/tenants/{tenant_id}/users`
    TenantUsers,
    /// `GET /api/2/tenants/{tenant_id}`
    GetTenant,
}

impl Endpoint {
    /// Every endpoint, in a fixed order.
    pub const ALL: [Endpoint; 8] = [
        Endpoint::Token,
        Endpoint::GetUser,
        Endpoint::PutUser,
        Endpoint::ListUsers,
        Endpoint::BatchUsers,
        Endpoint::DeleteUser,
        Endpoint::TenantUsers,
        Endpoint::GetTenant,
    ];

    /// The snake_case name used in JSON and on the command line.
    pub fn as_str(self) -> &'static str {
        match self {
            Endpoint::Token => "token",
            Endpoint::GetUser => "get_user",
            Endpoint::PutUser => "put_user",
            Endpoint::ListUsers => "list_users",
            Endpoint::BatchUsers => "batch_users",
            Endpoint::DeleteUser => "delete_user",
            Endpoint::TenantUsers => "tenant_users",
            Endpoint::GetTenant => "get_tenant",
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
                let names: Vec<&str> = Endpoint::ALL.into_iter().map(Endpoint::as_str).collect();
                format!(
                    "unknown endpoint {s:?}: expected one of {}",
                    names.join(", ")
                )
            })
    }
}

/// How many requests each endpoint has received, failed and fault-served ones included, and
/// how many ids the batch reads among them asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct CallCounts {
    pub token: u64,
    pub get_user: u64,
    pub put_user: u64,
    pub list_users: u64,
    pub batch_users: u64,
    pub delete_user: u64,
    pub tenant_users: u64,
    pub get_tenant: u64,
    /// The ids named by every `batch_users` call (not a call count: `total` leaves it out).
    pub batch_user_ids: u64,
}

impl CallCounts {
    /// The count for one endpoint.
    pub fn get(&self, endpoint: Endpoint) -> u64 {
        match endpoint {
            Endpoint::Token => self.token,
            Endpoint::GetUser => self.get_user,
            Endpoint::PutUser => self.put_user,
            Endpoint::ListUsers => self.list_users,
            Endpoint::BatchUsers => self.batch_users,
            Endpoint::DeleteUser => self.delete_user,
            Endpoint::TenantUsers => self.tenant_users,
            Endpoint::GetTenant => self.get_tenant,
        }
    }

    /// Adds one call to an endpoint's count.
    pub fn record(&mut self, endpoint: Endpoint) {
        let slot = match endpoint {
            Endpoint::Token => &mut self.token,
            Endpoint::GetUser => &mut self.get_user,
            Endpoint::PutUser => &mut self.put_user,
            Endpoint::ListUsers => &mut self.list_users,
            Endpoint::BatchUsers => &mut self.batch_users,
            Endpoint::DeleteUser => &mut self.delete_user,
            Endpoint::TenantUsers => &mut self.tenant_users,
            Endpoint::GetTenant => &mut self.get_tenant,
        };
        *slot = slot.saturating_add(1);
    }

    /// Adds the ids one batch read asked for.
    pub fn record_batch_ids(&mut self, ids: u64) {
        self.batch_user_ids = self.batch_user_ids.saturating_add(ids);
    }

    /// The number of calls: the sum over all endpoints.
    pub fn total(&self) -> u64 {
        Endpoint::ALL.into_iter().map(|e| self.get(e)).sum()
    }
}

/// One API request and the answer it got, as recorded for contract tests.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Exchange {
    pub method: String,
    /// The path as sent, e.g. `/api/2/users/0a1b...`.
    pub path: String,
    /// The raw query string, without `?` (empty when there is none).
    pub query: String,
    /// The request's `Content-Type`, if any.
    pub content_type: Option<String>,
    /// The request body as UTF-8 (lossy), empty when there is none.
    pub request_body: String,
    pub status: u16,
    /// The answer's `Content-Type`, if any.
    pub response_content_type: Option<String>,
    /// The answer body as UTF-8 (lossy).
    pub response_body: String,
    /// Whether an injected fault (or the absent batch endpoint) gave this answer instead of
    /// the API's own behaviour.
    pub fault: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_unknown_names_list_every_endpoint() {
        for endpoint in Endpoint::ALL {
            assert_eq!(endpoint.as_str().parse::<Endpoint>(), Ok(endpoint));
        }
        let err = "users".parse::<Endpoint>().expect_err("unknown");
        for endpoint in Endpoint::ALL {
            assert!(err.contains(endpoint.as_str()), "{err}");
        }
    }

    #[test]
    fn total_counts_calls_not_batch_ids() {
        let mut counts = CallCounts::default();
        counts.record(Endpoint::BatchUsers);
        counts.record_batch_ids(40);
        counts.record(Endpoint::ListUsers);
        assert_eq!((counts.batch_users, counts.list_users), (1, 1));
        assert_eq!(counts.batch_user_ids, 40);
        assert_eq!(counts.total(), 2);
    }
}
