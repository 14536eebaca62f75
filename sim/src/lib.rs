//! `acronis-sim`: a simulator of the Acronis Cyber Platform account API (OAuth2 token
//! endpoint, the user and tenant endpoints under `/api/2`, as the vendor's OpenAPI document
//! describes them), with an unauthenticated `/admin` API to seed users and nested tenants, make
//! out-of-band edits, count calls, record traffic and inject faults.
//!
//! Embed it in synchronous tests with [`Simulator`], or in async code with [`serve`].

pub mod admin;
pub mod api;
mod calls;
mod clock;
mod config;
mod error;
mod faults;
mod listing;
mod lod;
mod server;
mod simulator;
mod state;
mod store;
mod tenant;
mod tenant_tree;
mod tokens;
mod user;

use axum::http::{Method, Uri};
use axum::response::{IntoResponse, Response};
use axum::Router;

pub use calls::{CallCounts, Endpoint, Exchange};
pub use config::{ExpiryFields, SeedFile, SeedTenant, SeedUser, SimConfig};
pub use error::StoreError;
pub use faults::{
    Fault, FaultKind, FaultTarget, FaultsView, PendingBump, PendingHide, PendingMalformed,
    OVERSIZED_BODY_BYTES,
};
pub use listing::{Listing, TenantUsersQuery, UserFilter, UserOrder};
pub use lod::Lod;
pub use server::{serve, serve_with_shutdown};
pub use simulator::Simulator;
pub use state::SimState;
pub use tenant::{Tenant, TenantKind, ROOT_TENANT_ID};
pub use tokens::IssuedToken;
pub use user::{is_valid_user_id, Contact, User, UserUpdate, DEFAULT_IDP_ID, DEFAULT_TENANT_ID};

/// The whole application: `/api/2/...`, `/admin/...`, and an API-shaped 404 for anything else.
///
/// `drop` faults need the connection handling of [`serve`]; served any other way they answer 500.
pub fn router(state: SimState) -> Router {
    Router::new()
        .merge(api::router(state.clone()))
        .nest("/admin", admin::router(state))
        .fallback(unknown_route)
}

async fn unknown_route(method: Method, uri: Uri) -> Response {
    api::ApiError::not_found(format!("No such endpoint: {method} {}", uri.path())).into_response()
}
