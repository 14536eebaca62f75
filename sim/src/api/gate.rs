//! The gate every account-API request passes before its handler: it counts the call, applies
//! the global latency, serves an injected fault if one is booked (or a 404 for `GET /users`
//! while the batch endpoint is made absent), then checks the bearer token (all but the token
//! endpoint).

use std::time::Duration;

use axum::extract::{MatchedPath, Request, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use super::classify::{classify, Classified};
use super::errors::{ApiError, OAuthError};
use super::record::FaultServed;
use super::USERS_PATH;
use crate::calls::Endpoint;
use crate::faults::{Fault, FaultKind, OVERSIZED_BODY_BYTES};
use crate::server::ConnectionKill;
use crate::state::SimState;

pub async fn gate(State(state): State<SimState>, request: Request, next: Next) -> Response {
    let classified = request
        .extensions()
        .get::<MatchedPath>()
        .and_then(|path| classify(request.method(), path.as_str(), request.uri()));
    let Some(Classified {
        endpoint,
        batch_ids,
    }) = classified
    else {
        return next.run(request).await;
    };
    state.record_call(endpoint, batch_ids);
    pause(state.latency()).await;
    let kill = request.extensions().get::<ConnectionKill>().cloned();
    let mut drop_after = false;
    if let Some(fault) = state.take_fault(endpoint) {
        drop_after = fault.kind == FaultKind::DropAfter;
        if !drop_after {
            if let Some(mut response) = serve_fault(&fault, endpoint, kill.clone()).await {
                response.extensions_mut().insert(FaultServed);
                return response;
            }
        }
    }
    let users_route = matches!(endpoint, Endpoint::BatchUsers | Endpoint::ListUsers);
    if users_route && state.take_batch_endpoint_absent() {
        // A server without `FetchUsersBatch` routes the request nowhere, token or not.
        let mut response =
            ApiError::not_found(format!("No such endpoint: GET {USERS_PATH}")).into_response();
        response.extensions_mut().insert(FaultServed);
        return response;
    }
    if endpoint != Endpoint::Token {
        if let Err(err) = authorize(&state, request.headers()) {
            return err.into_response();
        }
    }
    let response = next.run(request).await;
    if drop_after {
        return drop_connection(kill).await;
    }
    response
}

async fn pause(delay: Duration) {
    if !delay.is_zero() {
        tokio::time::sleep(delay).await;
    }
}

/// The fault's answer, or `None` when the request is to be served normally afterwards.
async fn serve_fault(
    fault: &Fault,
    endpoint: Endpoint,
    kill: Option<ConnectionKill>,
) -> Option<Response> {
    let status =
        StatusCode::from_u16(fault.effective_status()).unwrap_or(StatusCode::SERVICE_UNAVAILABLE);
    let response = match fault.kind {
        FaultKind::Latency => {
            pause(Duration::from_millis(fault.latency_ms)).await;
            return None;
        }
        FaultKind::Drop => return Some(drop_connection(kill).await),
        // Handled by the gate after the handler ran.
        FaultKind::DropAfter => return None,
        FaultKind::Status if endpoint == Endpoint::Token => {
            OAuthError::for_status(status).into_response()
        }
        FaultKind::Status => ApiError::for_status(status).into_response(),
        FaultKind::Garbage => proxy_error_page(status),
        FaultKind::Oversized => oversized_body(status),
    };
    Some(with_retry_after(response, fault.retry_after.as_deref()))
}

fn with_retry_after(mut response: Response, retry_after: Option<&str>) -> Response {
    if let Some(value) = retry_after.and_then(|v| HeaderValue::from_str(v).ok()) {
        response.headers_mut().insert(header::RETRY_AFTER, value);
    }
    response
}

/// Closes the connection without answering; never resolves when the kill switch is there.
async fn drop_connection(kill: Option<ConnectionKill>) -> Response {
    match kill {
        Some(kill) => {
            kill.trigger();
            std::future::pending().await
        }
        None => ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal_error",
            "drop faults need the connection handling of acronis_sim::serve",
        )
        .into_response(),
    }
}

/// Valid JSON, far larger than any answer of the API.
fn oversized_body(status: StatusCode) -> Response {
    let padding = "x".repeat(OVERSIZED_BODY_BYTES);
    let body = format!(r#"{{"items":[],"padding":"{padding}"}}"#);
    (status, [(header::CONTENT_TYPE, "application/json")], body).into_response()
}

/// What a front proxy answers when the backend misbehaves: HTML, not JSON.
fn proxy_error_page(status: StatusCode) -> Response {
    let title = format!(
        "{} {}",
        status.as_u16(),
        status.canonical_reason().unwrap_or("Error")
    );
    let page = format!(
        "<html>\r\n<head><title>{title}</title></head>\r\n<body>\r\n<center><h1>{title}</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n"
    );
    (status, [(header::CONTENT_TYPE, "text/html")], page).into_response()
}

fn authorize(state: &SimState, headers: &HeaderMap) -> Result<(), ApiError> {
    let value = headers
        .get(header::AUTHORIZATION)
        .ok_or_else(|| ApiError::unauthorized("The Authorization header is missing"))?;
    let token = value
        .to_str()
        .ok()
        .and_then(|v| v.trim().split_once(' '))
        .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
        .map(|(_, token)| token.trim())
        .ok_or_else(|| ApiError::unauthorized("Expected 'Authorization: Bearer <access token>'"))?;
    if state.token_is_valid(token) {
        Ok(())
    } else {
        Err(ApiError::unauthorized(
            "The access token is invalid or has expired",
        ))
    }
}
