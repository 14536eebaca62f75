//! The user endpoints: `GET`, `PUT`, `DELETE /api/2/users/{id}`, and `GET /api/2/users` with
//! `uuids=` (a batch read) or `tenant_id=` (a tenant's live users, paged).

use axum::body::Bytes;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::Json;
use serde::Deserialize;
use serde_json::{json, Value};

use super::errors::ApiError;
use super::{paging, update_body};
use crate::clock::rfc3339_now;
use crate::state::SimState;
use crate::user::{is_valid_user_id, User, UserUpdate};

/// Most ids one batch read may ask for.
pub const MAX_BATCH_IDS: usize = 100;

type ApiResult<T> = Result<T, ApiError>;

#[derive(Debug, Deserialize)]
pub struct GetQuery {
    allow_deleted: Option<String>,
}

#[derive(Debug, Deserialize)]
pub struct DeleteQuery {
    version: Option<String>,
}

#[derive(Debug, Deserialize)]
pub struct ListQuery {
    uuids: Option<String>,
    tenant_id: Option<String>,
    limit: Option<String>,
    after: Option<String>,
}

pub async fn get_user(
    State(state): State<SimState>,
    Path(id): Path<String>,
    query: Result<Query<GetQuery>, QueryRejection>,
) -> ApiResult<Json<Value>> {
    check_id(&id)?;
    let Query(query) = query.map_err(query_error)?;
    let allow_deleted = match query.allow_deleted.as_deref() {
        None => false,
        Some(raw) => flag("allow_deleted", raw)?,
    };
    let user = state.visible_user(&id, allow_deleted)?;
    Ok(Json(user.to_json()))
}

pub async fn put_user(
    State(state): State<SimState>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> ApiResult<Json<Value>> {
    check_id(&id)?;
    require_json(&headers)?;
    let body: Value = serde_json::from_slice(&body)
        .map_err(|e| ApiError::bad_request(format!("Request body is not valid JSON: {e}")))?;
    let request = update_body::parse(&body)?;
    if state.take_bump(&id) {
        // Someone edits the account in the console between the client's read and this write.
        state.console_update(&id, UserUpdate::default())?;
    }
    let user = state.api_update(&id, request.version, request.update)?;
    Ok(Json(user.to_json()))
}

pub async fn delete_user(
    State(state): State<SimState>,
    Path(id): Path<String>,
    query: Result<Query<DeleteQuery>, QueryRejection>,
) -> ApiResult<StatusCode> {
    check_id(&id)?;
    let Query(query) = query.map_err(query_error)?;
    let raw = query.version.ok_or_else(|| {
        ApiError::invalid_field("version", "Query parameter 'version' is required")
    })?;
    let version = raw.parse::<i64>().map_err(|_| {
        ApiError::invalid_field(
            "version",
            format!("'version' must be an integer, got {raw:?}"),
        )
    })?;
    state.api_delete(&id, version)?;
    Ok(StatusCode::NO_CONTENT)
}

pub async fn list_users(
    State(state): State<SimState>,
    query: Result<Query<ListQuery>, QueryRejection>,
) -> ApiResult<Json<Value>> {
    let Query(query) = query.map_err(query_error)?;
    let (items, next) = match (&query.uuids, &query.tenant_id) {
        (Some(_), Some(_)) => {
            return Err(ApiError::bad_request(
                "'uuids' cannot be combined with tenant filters",
            ))
        }
        (Some(uuids), None) => (state.batch_users(&batch_ids(uuids)?), None),
        (None, Some(tenant_id)) => tenant_page(&state, tenant_id, &query)?,
        (None, None) => {
            return Err(ApiError::bad_request(
                "One of 'uuids' or 'tenant_id' is required",
            ))
        }
    };
    let cursors = match next {
        Some(after) => json!({ "after": after }),
        None => json!({}),
    };
    Ok(Json(json!({
        "timestamp": rfc3339_now(),
        "items": items.iter().map(User::to_json).collect::<Vec<_>>(),
        "paging": { "cursors": cursors },
    })))
}

/// One page of a tenant's live users, and the cursor of the next page if more remain.
fn tenant_page(
    state: &SimState,
    tenant_id: &str,
    query: &ListQuery,
) -> ApiResult<(Vec<User>, Option<String>)> {
    let limit = paging::limit(query.limit.as_deref())?;
    let after = query
        .after
        .as_deref()
        .map(paging::decode_cursor)
        .transpose()?;
    let page = state.tenant_page(tenant_id, after.as_deref(), limit)?;
    let next = match page.users.last() {
        Some(last) if page.more => Some(paging::cursor_after(&last.id)),
        _ => None,
    };
    Ok((page.users, next))
}

/// The ids of `uuids=a,b,c`: each a lowercase UUID, at most [`MAX_BATCH_IDS`].
fn batch_ids(raw: &str) -> ApiResult<Vec<String>> {
    let ids: Vec<String> = split_ids(raw).map(str::to_owned).collect();
    if ids.is_empty() {
        return Err(ApiError::invalid_field(
            "uuids",
            "'uuids' must list at least one id",
        ));
    }
    if ids.len() > MAX_BATCH_IDS {
        return Err(ApiError::invalid_field(
            "uuids",
            format!(
                "'uuids' may list at most {MAX_BATCH_IDS} ids, got {}",
                ids.len()
            ),
        ));
    }
    if let Some(bad) = ids.iter().find(|id| !is_valid_user_id(id)) {
        return Err(ApiError::invalid_field(
            "uuids",
            format!("'{bad}' is not a valid user id"),
        ));
    }
    Ok(ids)
}

/// The ids a `uuids=` value names: comma-separated, blanks ignored, not yet validated.
pub(super) fn split_ids(raw: &str) -> impl Iterator<Item = &str> {
    raw.split(',').map(str::trim).filter(|id| !id.is_empty())
}

fn check_id(id: &str) -> ApiResult<()> {
    if is_valid_user_id(id) {
        Ok(())
    } else {
        Err(ApiError::invalid_field(
            "user_id",
            format!("'{id}' does not match '^[0-9a-f]{{8}}-([0-9a-f]{{4}}-){{3}}[0-9a-f]{{12}}$'"),
        ))
    }
}

fn require_json(headers: &HeaderMap) -> ApiResult<()> {
    let is_json = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|mime| mime.trim().eq_ignore_ascii_case("application/json"));
    if is_json {
        Ok(())
    } else {
        Err(ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
            "Content-Type must be application/json",
        ))
    }
}

fn flag(name: &str, raw: &str) -> ApiResult<bool> {
    match raw {
        "true" | "1" => Ok(true),
        "false" | "0" => Ok(false),
        _ => Err(ApiError::invalid_field(
            name,
            format!("'{name}' must be true or false, got {raw:?}"),
        )),
    }
}

fn query_error(rejection: QueryRejection) -> ApiError {
    ApiError::bad_request(rejection.body_text())
}
