//! The simulated account API under `/api/2`: its routes, behind the counting/fault/auth gate.

mod classify;
mod errors;
mod gate;
mod paging;
mod params;
mod record;
mod tenants;
mod token;
mod update_body;
mod users;

use axum::routing::{get, post};
use axum::{middleware, Router};

pub use errors::{ApiError, OAuthError};
pub use paging::DEFAULT_LIMIT;
pub use users::MAX_BATCH_IDS;

use crate::state::SimState;

pub(crate) const TOKEN_PATH: &str = "/api/2/idp/token";
pub(crate) const USERS_PATH: &str = "/api/2/users";
pub(crate) const USER_PATH: &str = "/api/2/users/{id}";
pub(crate) const TENANT_USERS_PATH: &str = "/api/2/tenants/{tenant_id}/users";
pub(crate) const TENANT_PATH: &str = "/api/2/tenants/{tenant_id}";

/// The `/api/2` routes.
pub fn router(state: SimState) -> Router {
    Router::new()
        .route(TOKEN_PATH, post(token::issue))
        .route(USERS_PATH, get(users::list_users))
        .route(
            USER_PATH,
            get(users::get_user)
                .put(users::put_user)
                .delete(users::delete_user),
        )
        .route(TENANT_USERS_PATH, get(tenants::user_ids))
        .route(TENANT_PATH, get(tenants::get_tenant))
        .route_layer(middleware::from_fn_with_state(state.clone(), gate::gate))
        .route_layer(middleware::from_fn_with_state(
            state.clone(),
            record::record,
        ))
        .with_state(state)
}
