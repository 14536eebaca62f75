//! Traffic recording: while it is on, the outermost layer of the API keeps each request
//! (method, path, query, body) with the answer it got (status, body, whether a fault gave it).

use axum::body::{to_bytes, Body};
use axum::extract::{Request, State};
use axum::http::{header, HeaderMap};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use super::errors::ApiError;
use crate::calls::Exchange;
use crate::state::SimState;

/// The largest body kept; larger ones (an oversized fault's) are cut.
const MAX_KEPT_BODY: usize = 16 * 1024 * 1024;

/// Marks an answer that an injected fault gave.
#[derive(Debug, Clone, Copy)]
pub struct FaultServed;

pub async fn record(State(state): State<SimState>, request: Request, next: Next) -> Response {
    if !state.is_recording() {
        return next.run(request).await;
    }
    let (parts, body) = request.into_parts();
    let Ok(request_body) = to_bytes(body, MAX_KEPT_BODY).await else {
        return ApiError::bad_request("Request body is too large").into_response();
    };
    let mut exchange = Exchange {
        method: parts.method.to_string(),
        path: parts.uri.path().to_owned(),
        query: parts.uri.query().unwrap_or_default().to_owned(),
        content_type: content_type(&parts.headers),
        request_body: String::from_utf8_lossy(&request_body).into_owned(),
        status: 0,
        response_content_type: None,
        response_body: String::new(),
        fault: false,
    };
    let response = next
        .run(Request::from_parts(parts, Body::from(request_body)))
        .await;
    let (parts, body) = response.into_parts();
    let response_body = to_bytes(body, MAX_KEPT_BODY).await.unwrap_or_default();
    exchange.status = parts.status.as_u16();
    exchange.response_content_type = content_type(&parts.headers);
    exchange.response_body = String::from_utf8_lossy(&response_body).into_owned();
    exchange.fault = parts.extensions.get::<FaultServed>().is_some();
    state.record_exchange(exchange);
    Response::from_parts(parts, Body::from(response_body))
}

fn content_type(headers: &HeaderMap) -> Option<String> {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
}
