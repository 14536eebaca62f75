//! The two error shapes the platform answers with: the account API's
//! `{"error": {"code", "message", "details", "domain", "context"}}` and the IdP's OAuth
//! `{"error", "error_description"}`.

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::{json, Map, Value};

use crate::error::StoreError;

/// An account-API error answer.
#[derive(Debug, Clone, PartialEq)]
pub struct ApiError {
    pub status: StatusCode,
    pub code: Value,
    pub message: String,
    pub details: Map<String, Value>,
}

impl ApiError {
    /// An error with `details.info` equal to the message.
    pub fn new(status: StatusCode, code: impl Into<Value>, message: impl Into<String>) -> Self {
        let message = message.into();
        let mut details = Map::new();
        details.insert("info".to_owned(), Value::String(message.clone()));
        ApiError {
            status,
            code: code.into(),
            message,
            details,
        }
    }

    /// The same error with another `details.info`.
    pub fn with_info(self, info: impl Into<String>) -> Self {
        self.with_detail("info", Value::String(info.into()))
    }

    /// The same error with one more entry in `details`.
    pub fn with_detail(mut self, key: &str, value: Value) -> Self {
        self.details.insert(key.to_owned(), value);
        self
    }

    pub fn bad_request(message: impl Into<String>) -> Self {
        ApiError::new(StatusCode::BAD_REQUEST, "bad_request", message)
    }

    /// A 400 about one field of the request.
    pub fn invalid_field(field: &str, message: impl Into<String>) -> Self {
        ApiError::new(StatusCode::BAD_REQUEST, "validation_error", message)
            .with_detail("field", Value::String(field.to_owned()))
    }

    pub fn unauthorized(info: impl Into<String>) -> Self {
        ApiError::new(
            StatusCode::UNAUTHORIZED,
            "unauthorized",
            "Authorization is required",
        )
        .with_info(info)
    }

    pub fn not_found(message: impl Into<String>) -> Self {
        ApiError::new(StatusCode::NOT_FOUND, "not_found", message)
    }

    /// The answer an injected `status` fault gives: the status's reason as code and message.
    pub fn for_status(status: StatusCode) -> Self {
        let reason = status.canonical_reason().unwrap_or("Error");
        let code = reason.to_ascii_lowercase().replace([' ', '-'], "_");
        ApiError::new(status, code, reason).with_info("Simulated fault injected by acronis-sim")
    }
}

impl From<StoreError> for ApiError {
    fn from(err: StoreError) -> Self {
        let message = err.to_string();
        match err {
            StoreError::NotFound(_) | StoreError::TenantNotFound(_) => ApiError::not_found(message),
            StoreError::VersionMismatch { current, given } => {
                ApiError::new(StatusCode::CONFLICT, "conflict", message)
                    .with_detail("current_version", json!(current))
                    .with_detail("given_version", json!(given))
            }
            StoreError::NotDisabled => ApiError::new(StatusCode::BAD_REQUEST, 1006, message),
            StoreError::Duplicate(_) => ApiError::new(StatusCode::CONFLICT, "conflict", message),
            StoreError::InvalidId(_) | StoreError::EmptyLogin | StoreError::TenantCycle(_) => {
                ApiError::bad_request(message)
            }
            StoreError::InvalidTenantId(_) => ApiError::invalid_field("tenant_id", message),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = json!({
            "error": {
                "code": self.code,
                "message": self.message,
                "details": self.details,
                "domain": "PlatformAccountServer",
                "context": {},
            }
        });
        let mut response = (self.status, Json(body)).into_response();
        if self.status == StatusCode::UNAUTHORIZED {
            response
                .headers_mut()
                .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        }
        response
    }
}

/// An OAuth error answer of the token endpoint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OAuthError {
    pub status: StatusCode,
    pub error: &'static str,
    pub description: String,
}

impl OAuthError {
    pub fn new(status: StatusCode, error: &'static str, description: impl Into<String>) -> Self {
        OAuthError {
            status,
            error,
            description: description.into(),
        }
    }

    /// Failed client authentication. The vendor's `tokenError` schema allows only
    /// `totp_setup_required`, `totp_required`, `invalid_totp`, `access_denied` and
    /// `invalid_request` (not RFC 6749's `invalid_client`), so the simulator answers these.
    pub fn access_denied(description: impl Into<String>) -> Self {
        OAuthError::new(StatusCode::UNAUTHORIZED, "access_denied", description)
    }

    pub fn invalid_request(description: impl Into<String>) -> Self {
        OAuthError::new(StatusCode::BAD_REQUEST, "invalid_request", description)
    }

    /// The answer an injected `status` fault gives on the token endpoint.
    pub fn for_status(status: StatusCode) -> Self {
        let error = match status.as_u16() {
            401 | 403 => "access_denied",
            429 => "too_many_requests",
            503 => "temporarily_unavailable",
            500..=599 => "server_error",
            _ => "invalid_request",
        };
        let description = match status.as_u16() {
            403 => "Requested scope is not allowed".to_owned(),
            _ => format!(
                "{} (simulated fault injected by acronis-sim)",
                status.canonical_reason().unwrap_or("Error")
            ),
        };
        OAuthError::new(status, error, description)
    }
}

impl IntoResponse for OAuthError {
    fn into_response(self) -> Response {
        let body = json!({ "error": self.error, "error_description": self.description });
        let mut response = (self.status, Json(body)).into_response();
        if self.status == StatusCode::UNAUTHORIZED {
            response.headers_mut().insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static("Basic realm=\"acronis-sim\""),
            );
        }
        response
    }
}
