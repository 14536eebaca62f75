//! The user endpoints: `GET`, `PUT`, `DELETE /api/2/users/{id}`, and `GET /api/2/users`
//! (`FetchUsersBatch`): with `uuids=` a batch read, else a paged listing of every user the
//! client sees, narrowed only by `subtree_root_tenant_id` or by `external_ids` with
//! `tenant_id` (`tenant_id` alone is not a filter), at the `lod` asked.

use axum::body::Bytes;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Deserialize;
use serde_json::{json, Value};

use super::errors::ApiError;
use super::paging::{self, Cursor};
use super::params::{check_id, optional_flag, query_error};
use super::record::FaultServed;
use super::update_body;
use crate::clock::rfc3339_now;
use crate::listing::{Listing, UserFilter};
use crate::lod::Lod;
use crate::state::SimState;
use crate::user::{is_valid_user_id, UserUpdate};

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
    subtree_root_tenant_id: Option<String>,
    external_ids: Option<String>,
    limit: Option<String>,
    after: Option<String>,
    lod: Option<String>,
    allow_deleted: Option<String>,
}

pub async fn get_user(
    State(state): State<SimState>,
    Path(id): Path<String>,
    query: Result<Query<GetQuery>, QueryRejection>,
) -> ApiResult<Json<Value>> {
    check_id("user_id", &id)?;
    let Query(query) = query.map_err(query_error)?;
    let allow_deleted = optional_flag("allow_deleted", query.allow_deleted.as_deref())?;
    let user = state.visible_user(&id, allow_deleted)?;
    Ok(Json(user.to_json()))
}

pub async fn put_user(
    State(state): State<SimState>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> ApiResult<Json<Value>> {
    check_id("user_id", &id)?;
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
    check_id("user_id", &id)?;
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
) -> ApiResult<Response> {
    let Query(query) = query.map_err(query_error)?;
    let lod = query
        .lod
        .as_deref()
        .map(str::parse::<Lod>)
        .transpose()
        .map_err(|message| ApiError::invalid_field("lod", message))?;
    let allow_deleted = optional_flag("allow_deleted", query.allow_deleted.as_deref())?;
    let mut spoiled = false;
    let (items, next) = match &query.uuids {
        Some(uuids) => {
            exclusive_with_uuids(&query)?;
            let ids = batch_ids(uuids)?;
            let (items, malformed) =
                state.batch_items(&ids, allow_deleted, lod.unwrap_or_default());
            spoiled = malformed;
            (items, None)
        }
        None => listing_page(&state, &query, lod, allow_deleted)?,
    };
    let cursors = match next {
        Some(after) => json!({ "after": after }),
        None => json!({}),
    };
    let mut response = Json(json!({
        "timestamp": rfc3339_now(),
        "items": items,
        "paging": { "cursors": cursors },
    }))
    .into_response();
    if spoiled {
        response.extensions_mut().insert(FaultServed);
    }
    Ok(response)
}

/// `uuids` is mutually exclusive with `subtree_root_tenant_id`, `external_ids` and `tenant_id`.
fn exclusive_with_uuids(query: &ListQuery) -> ApiResult<()> {
    let others = [
        ("subtree_root_tenant_id", &query.subtree_root_tenant_id),
        ("external_ids", &query.external_ids),
        ("tenant_id", &query.tenant_id),
    ];
    match others.iter().find(|(_, value)| value.is_some()) {
        Some((name, _)) => Err(ApiError::invalid_field(
            "uuids",
            format!("'uuids' is mutually exclusive with '{name}'"),
        )),
        None => Ok(()),
    }
}

/// The listing a query asks for: from its cursor when it has one (which carries everything),
/// else from its filters.
fn listing_of(query: &ListQuery, allow_deleted: bool) -> ApiResult<Listing> {
    let filter = match (&query.subtree_root_tenant_id, &query.external_ids) {
        (Some(_), Some(_)) => {
            return Err(ApiError::invalid_field(
                "external_ids",
                "'external_ids' is mutually exclusive with 'subtree_root_tenant_id'",
            ))
        }
        (Some(root), None) => UserFilter::Subtree { root: root.clone() },
        (None, Some(external_ids)) => {
            let tenant_id = query.tenant_id.clone().ok_or_else(|| {
                ApiError::invalid_field(
                    "tenant_id",
                    "'tenant_id' is required when searching by 'external_ids'",
                )
            })?;
            UserFilter::ExternalIds {
                tenant_id,
                external_ids: split_ids(external_ids).map(str::to_owned).collect(),
            }
        }
        // `tenant_id` alone: "Not used otherwise."
        (None, None) => UserFilter::All,
    };
    Ok(Listing {
        filter,
        allow_deleted,
    })
}

/// One page of a listing, and the cursor of the next page if more remain.
fn listing_page(
    state: &SimState,
    query: &ListQuery,
    lod: Option<Lod>,
    allow_deleted: bool,
) -> ApiResult<(Vec<Value>, Option<String>)> {
    let limit = paging::limit(query.limit.as_deref())?;
    let (listing, after, lod, limit) = match query.after.as_deref() {
        Some(raw) => {
            let cursor = Cursor::decode(raw)?;
            let limit = limit.unwrap_or(cursor.limit);
            let lod = lod.unwrap_or(cursor.lod);
            (cursor.listing, Some(cursor.after), lod, limit)
        }
        None => (
            listing_of(query, allow_deleted)?,
            None,
            lod.unwrap_or_default(),
            limit.unwrap_or(paging::DEFAULT_LIMIT),
        ),
    };
    let page = state.users_page(&listing, after.as_deref(), limit)?;
    let next = match page.users.last() {
        Some(last) if page.more => Some(
            Cursor {
                after: last.id.clone(),
                listing,
                lod,
                limit,
            }
            .encode(),
        ),
        _ => None,
    };
    Ok((page.users.iter().map(|u| lod.item(u)).collect(), next))
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
