//! `GET /api/2/tenants/{tenant_id}/users`: the ids of a tenant's own live users.

use axum::extract::{Path, State};
use axum::Json;
use serde_json::{json, Value};

use super::errors::ApiError;
use crate::state::SimState;

pub async fn user_ids(
    State(state): State<SimState>,
    Path(tenant_id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let page = state.tenant_page(&tenant_id, None, usize::MAX)?;
    let ids: Vec<&str> = page.users.iter().map(|u| u.id.as_str()).collect();
    Ok(Json(json!({ "items": ids })))
}
