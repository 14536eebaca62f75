//! The tenant endpoints: `GET /api/2/tenants/{tenant_id}` (`FetchTenant`: the tenant object)
//! and `GET /api/2/tenants/{tenant_id}/users` (`FetchTenantUsers`: the ids of its users, by
//! its flags `include_grand_children`, `include_hidden`, `order` and `allow_deleted`).

use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::Json;
use serde::Deserialize;
use serde_json::{json, Value};

use super::errors::ApiError;
use super::params::{check_id, optional_flag, query_error};
use crate::listing::{TenantUsersQuery, UserOrder};
use crate::state::SimState;

type ApiResult<T> = Result<T, ApiError>;

#[derive(Debug, Deserialize)]
pub struct TenantQuery {
    allow_deleted: Option<String>,
    embed_path: Option<String>,
}

#[derive(Debug, Deserialize)]
pub struct UsersQuery {
    include_grand_children: Option<String>,
    include_hidden: Option<String>,
    order: Option<String>,
    allow_deleted: Option<String>,
}

/// The tenant object. Tenants are never deleted here, and no path is embedded: both flags are
/// only checked.
pub async fn get_tenant(
    State(state): State<SimState>,
    Path(tenant_id): Path<String>,
    query: Result<Query<TenantQuery>, QueryRejection>,
) -> ApiResult<Json<Value>> {
    check_id("tenant_id", &tenant_id)?;
    let Query(query) = query.map_err(query_error)?;
    optional_flag("allow_deleted", query.allow_deleted.as_deref())?;
    optional_flag("embed_path", query.embed_path.as_deref())?;
    Ok(Json(state.tenant_json(&tenant_id)?))
}

/// `{"items": ["<user id>", ...]}`; the simulator has no hidden users, so `include_hidden`
/// changes nothing.
pub async fn user_ids(
    State(state): State<SimState>,
    Path(tenant_id): Path<String>,
    query: Result<Query<UsersQuery>, QueryRejection>,
) -> ApiResult<Json<Value>> {
    check_id("tenant_id", &tenant_id)?;
    let Query(query) = query.map_err(query_error)?;
    optional_flag("include_hidden", query.include_hidden.as_deref())?;
    let order = match query.order.as_deref() {
        None => UserOrder::default(),
        Some(raw) => UserOrder::parse(raw).ok_or_else(|| {
            ApiError::invalid_field("order", format!("'order' cannot order by {raw:?}"))
        })?,
    };
    let flags = TenantUsersQuery {
        include_grand_children: optional_flag(
            "include_grand_children",
            query.include_grand_children.as_deref(),
        )?,
        allow_deleted: optional_flag("allow_deleted", query.allow_deleted.as_deref())?,
        order,
    };
    let ids = state.tenant_user_ids(&tenant_id, &flags)?;
    Ok(Json(json!({ "items": ids })))
}
