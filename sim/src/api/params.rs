//! Checks of path and query parameters the API endpoints share: ids, boolean flags, and a
//! query that does not parse.

use axum::extract::rejection::QueryRejection;

use super::errors::ApiError;
use crate::user::is_valid_user_id;

/// A path id (`user_id`, `tenant_id`) must be a lowercase UUID.
pub fn check_id(name: &str, id: &str) -> Result<(), ApiError> {
    if is_valid_user_id(id) {
        Ok(())
    } else {
        Err(ApiError::invalid_field(
            name,
            format!("'{id}' does not match '^[0-9a-f]{{8}}-([0-9a-f]{{4}}-){{3}}[0-9a-f]{{12}}$'"),
        ))
    }
}

/// A boolean query flag: `true`/`1` or `false`/`0`.
pub fn flag(name: &str, raw: &str) -> Result<bool, ApiError> {
    match raw {
        "true" | "1" => Ok(true),
        "false" | "0" => Ok(false),
        _ => Err(ApiError::invalid_field(
            name,
            format!("'{name}' must be true or false, got {raw:?}"),
        )),
    }
}

/// An optional boolean query flag, false when absent.
pub fn optional_flag(name: &str, raw: Option<&str>) -> Result<bool, ApiError> {
    raw.map_or(Ok(false), |raw| flag(name, raw))
}

pub fn query_error(rejection: QueryRejection) -> ApiError {
    ApiError::bad_request(rejection.body_text())
}
