//! The admin API under `/admin` (no authentication), for tests and demos: out-of-band user
//! edits as from the management console, tenants, call counters, fault booking, latency and
//! token policy.

use std::collections::BTreeMap;
use std::time::Duration;

use axum::extract::{FromRequest, Path, Request, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::de::DeserializeOwned;
use serde::Deserialize;
use serde_json::{json, Value};

use crate::calls::{CallCounts, Exchange};
use crate::config::{ExpiryFields, SeedTenant, SeedUser};
use crate::error::StoreError;
use crate::faults::{Fault, FaultsView};
use crate::state::SimState;
use crate::user::{Contact, User, UserUpdate};

/// The `/admin` routes (to be nested under `/admin`).
pub fn router(state: SimState) -> Router {
    Router::new()
        .route("/users", get(list_users).post(create_user))
        .route(
            "/users/{id}",
            get(get_user).patch(edit_user).delete(delete_user),
        )
        .route("/users/{id}/purge", post(purge_user))
        .route("/tenants", get(list_tenants).post(create_tenant))
        .route("/tenants/{id}", get(get_tenant))
        .route("/calls", get(calls))
        .route("/calls/reset", post(reset_calls))
        .route("/traffic", get(traffic).post(set_recording))
        .route("/faults", get(faults).post(inject).delete(clear_faults))
        .route("/faults/bump-between-read-and-write", post(bump))
        .route("/faults/hide-from-batches", post(hide_from_batches))
        .route("/faults/malformed-in-batches", post(malformed_in_batches))
        .route("/faults/batch-endpoint-absent", post(batch_endpoint_absent))
        .route("/latency", post(set_latency))
        .route("/token-ttl", post(set_token_ttl))
        .route("/expiry-fields", post(set_expiry_fields))
        .route("/tokens/revoke", post(revoke_tokens))
        .with_state(state)
}

/// An admin error answer: `{"error": "..."}`.
#[derive(Debug)]
struct AdminError {
    status: StatusCode,
    message: String,
}

impl AdminError {
    fn bad_request(message: impl Into<String>) -> Self {
        AdminError {
            status: StatusCode::BAD_REQUEST,
            message: message.into(),
        }
    }
}

impl From<StoreError> for AdminError {
    fn from(err: StoreError) -> Self {
        let status = match err {
            StoreError::NotFound(_) | StoreError::TenantNotFound(_) => StatusCode::NOT_FOUND,
            StoreError::Duplicate(_) | StoreError::VersionMismatch { .. } => StatusCode::CONFLICT,
            StoreError::InvalidId(_)
            | StoreError::InvalidTenantId(_)
            | StoreError::TenantCycle(_)
            | StoreError::EmptyLogin
            | StoreError::NotDisabled => StatusCode::BAD_REQUEST,
        };
        AdminError {
            status,
            message: err.to_string(),
        }
    }
}

impl IntoResponse for AdminError {
    fn into_response(self) -> Response {
        (self.status, Json(json!({ "error": self.message }))).into_response()
    }
}

/// A JSON body whose rejection is an [`AdminError`].
struct Body<T>(T);

impl<T, S> FromRequest<S> for Body<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = AdminError;

    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        Json::<T>::from_request(request, state)
            .await
            .map(|Json(value)| Body(value))
            .map_err(|rejection| AdminError::bad_request(rejection.body_text()))
    }
}

type AdminResult<T> = Result<T, AdminError>;

async fn list_users(State(state): State<SimState>) -> Json<Vec<Value>> {
    Json(state.all_users().iter().map(User::to_json).collect())
}

async fn create_user(
    State(state): State<SimState>,
    Body(seed): Body<SeedUser>,
) -> AdminResult<(StatusCode, Json<Value>)> {
    let user = state.add_user(&seed)?;
    Ok((StatusCode::CREATED, Json(user.to_json())))
}

async fn get_user(
    State(state): State<SimState>,
    Path(id): Path<String>,
) -> AdminResult<Json<Value>> {
    state
        .user(&id)
        .map(|user| Json(user.to_json()))
        .ok_or_else(|| StoreError::NotFound(id).into())
}

async fn list_tenants(State(state): State<SimState>) -> Json<Vec<String>> {
    Json(state.tenants())
}

async fn create_tenant(
    State(state): State<SimState>,
    Body(seed): Body<SeedTenant>,
) -> AdminResult<(StatusCode, Json<Value>)> {
    let users = state.add_tenant(&seed)?;
    let ids: Vec<String> = users.into_iter().map(|user| user.id).collect();
    Ok((
        StatusCode::CREATED,
        Json(json!({ "id": seed.id, "users": ids })),
    ))
}

async fn get_tenant(
    State(state): State<SimState>,
    Path(id): Path<String>,
) -> AdminResult<Json<Value>> {
    Ok(Json(state.tenant_json(&id)?))
}

/// A console edit. Each accepted edit bumps the version by exactly one, like a saved change.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ConsoleEdit {
    enabled: Option<bool>,
    #[serde(default)]
    bump: bool,
    login: Option<String>,
    contact: Option<BTreeMap<String, String>>,
    email: Option<String>,
    firstname: Option<String>,
    lastname: Option<String>,
}

impl ConsoleEdit {
    fn into_update(self) -> AdminResult<UserUpdate> {
        let top_level = [
            ("email", self.email),
            ("firstname", self.firstname),
            ("lastname", self.lastname),
        ]
        .into_iter()
        .filter_map(|(name, value)| value.map(|v| (name.to_owned(), v)));
        let contact = self
            .contact
            .unwrap_or_default()
            .into_iter()
            .chain(top_level)
            .map(|(name, value)| {
                Contact::field_name(&name)
                    .map(|field| (field, value))
                    .ok_or_else(|| {
                        AdminError::bad_request(format!("unknown contact field {name:?}"))
                    })
            })
            .collect::<AdminResult<Vec<_>>>()?;
        let update = UserUpdate {
            login: self.login,
            enabled: self.enabled,
            contact,
            ..UserUpdate::default()
        };
        if update.is_empty() && !self.bump {
            return Err(AdminError::bad_request(
                "nothing to change: give enabled, login, contact fields or \"bump\": true",
            ));
        }
        Ok(update)
    }
}

async fn edit_user(
    State(state): State<SimState>,
    Path(id): Path<String>,
    Body(edit): Body<ConsoleEdit>,
) -> AdminResult<Json<Value>> {
    let user = state.console_update(&id, edit.into_update()?)?;
    Ok(Json(user.to_json()))
}

async fn delete_user(
    State(state): State<SimState>,
    Path(id): Path<String>,
) -> AdminResult<Json<Value>> {
    Ok(Json(state.console_delete(&id)?.to_json()))
}

async fn purge_user(
    State(state): State<SimState>,
    Path(id): Path<String>,
) -> AdminResult<StatusCode> {
    state.purge_user(&id)?;
    Ok(StatusCode::NO_CONTENT)
}

async fn calls(State(state): State<SimState>) -> Json<CallCounts> {
    Json(state.calls())
}

async fn reset_calls(State(state): State<SimState>) -> Json<CallCounts> {
    state.reset_calls();
    Json(state.calls())
}

async fn traffic(State(state): State<SimState>) -> Json<Vec<Exchange>> {
    Json(state.traffic())
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RecordingRequest {
    record: bool,
}

async fn set_recording(
    State(state): State<SimState>,
    Body(request): Body<RecordingRequest>,
) -> Json<Value> {
    state.set_recording(request.record);
    Json(json!({ "record": request.record }))
}

async fn faults(State(state): State<SimState>) -> Json<FaultsView> {
    Json(state.faults())
}

async fn inject(
    State(state): State<SimState>,
    Body(fault): Body<Fault>,
) -> AdminResult<Json<FaultsView>> {
    state.inject(fault).map_err(AdminError::bad_request)?;
    Ok(Json(state.faults()))
}

async fn clear_faults(State(state): State<SimState>) -> Json<FaultsView> {
    state.clear_faults();
    Json(state.faults())
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct BumpRequest {
    user_id: String,
    #[serde(default = "one")]
    count: u32,
}

fn one() -> u32 {
    1
}

async fn bump(
    State(state): State<SimState>,
    Body(request): Body<BumpRequest>,
) -> AdminResult<Json<FaultsView>> {
    if request.count == 0 {
        return Err(AdminError::bad_request("count must be at least 1"));
    }
    state.bump_between_read_and_write(&request.user_id, request.count);
    Ok(Json(state.faults()))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct PerUserFault {
    user_id: String,
    #[serde(default = "one")]
    times: u32,
}

async fn hide_from_batches(
    State(state): State<SimState>,
    Body(request): Body<PerUserFault>,
) -> AdminResult<Json<FaultsView>> {
    if request.times == 0 {
        return Err(AdminError::bad_request("times must be at least 1"));
    }
    state.hide_from_batches(&request.user_id, request.times)?;
    Ok(Json(state.faults()))
}

async fn malformed_in_batches(
    State(state): State<SimState>,
    Body(request): Body<PerUserFault>,
) -> AdminResult<Json<FaultsView>> {
    if request.times == 0 {
        return Err(AdminError::bad_request("times must be at least 1"));
    }
    state.malform_in_batches(&request.user_id, request.times)?;
    Ok(Json(state.faults()))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct AbsentRequest {
    #[serde(default = "yes")]
    absent: bool,
}

fn yes() -> bool {
    true
}

async fn batch_endpoint_absent(
    State(state): State<SimState>,
    Body(request): Body<AbsentRequest>,
) -> Json<FaultsView> {
    state.set_batch_endpoint_absent(request.absent);
    Json(state.faults())
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct LatencyRequest {
    latency_ms: u64,
}

async fn set_latency(
    State(state): State<SimState>,
    Body(request): Body<LatencyRequest>,
) -> Json<FaultsView> {
    state.set_latency(Duration::from_millis(request.latency_ms));
    Json(state.faults())
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct TokenTtlRequest {
    seconds: u64,
}

async fn set_token_ttl(
    State(state): State<SimState>,
    Body(request): Body<TokenTtlRequest>,
) -> Json<Value> {
    state.set_token_ttl(Duration::from_secs(request.seconds));
    Json(json!({ "seconds": request.seconds }))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ExpiryFieldsRequest {
    expiry_fields: ExpiryFields,
}

async fn set_expiry_fields(
    State(state): State<SimState>,
    Body(request): Body<ExpiryFieldsRequest>,
) -> Json<Value> {
    state.set_expiry_fields(request.expiry_fields);
    Json(json!({ "expiry_fields": request.expiry_fields }))
}

async fn revoke_tokens(State(state): State<SimState>) -> StatusCode {
    state.revoke_tokens();
    StatusCode::NO_CONTENT
}
