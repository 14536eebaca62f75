//! The Acronis Cyber Platform account API, as this provider uses it: OAuth2 client-credentials
//! tokens, reading and updating users, reading tenants, the API's error shapes, and retries. Nothing here knows
//! about Terraform.

pub mod auth;
pub mod client;
pub mod coalesce;
pub mod error;
pub mod proxy;
pub mod retry;
pub mod roots;
pub mod tenant;
pub mod tenant_users;
pub mod tls;
pub mod transport;
pub mod url;
pub mod user;
mod user_calls;

pub use auth::Credentials;
pub use client::{AcronisClient, ClientOptions};
pub use error::{ApiError, Operation};
pub use proxy::{ProxyError, ProxySettings};
pub use retry::RetryPolicy;
pub use tenant::Tenant;
pub use tenant_users::{TenantScope, TenantUserPages};
pub use url::{BaseUrl, BaseUrlError};
pub use user::{User, UserStatus};
