//! `POST /api/2/idp/token`: the OAuth2 client-credentials grant, with client authentication by
//! HTTP Basic or by `client_id`/`client_secret` form fields.

use axum::extract::rejection::FormRejection;
use axum::extract::{Form, State};
use axum::http::{header, HeaderMap, HeaderValue};
use axum::response::{IntoResponse, Response};
use axum::Json;
use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use serde::Deserialize;

use super::errors::OAuthError;
use crate::state::SimState;

/// The form fields the endpoint reads (others are ignored).
#[derive(Debug, Default, Deserialize)]
pub struct TokenForm {
    grant_type: Option<String>,
    client_id: Option<String>,
    client_secret: Option<String>,
}

pub async fn issue(
    State(state): State<SimState>,
    headers: HeaderMap,
    form: Result<Form<TokenForm>, FormRejection>,
) -> Response {
    match grant(&state, &headers, form) {
        Ok(body) => body,
        Err(err) => err.into_response(),
    }
}

fn grant(
    state: &SimState,
    headers: &HeaderMap,
    form: Result<Form<TokenForm>, FormRejection>,
) -> Result<Response, OAuthError> {
    let Form(form) =
        form.map_err(|rejection| OAuthError::invalid_request(rejection.body_text()))?;
    let (client_id, client_secret) = client_credentials(headers, &form)?;
    if !state.client_matches(&client_id, &client_secret) {
        return Err(OAuthError::access_denied(
            "Client authentication failed: unknown client or wrong secret",
        ));
    }
    match form.grant_type.as_deref() {
        Some("client_credentials") => {}
        Some(other) => {
            return Err(OAuthError::invalid_request(format!(
                "Grant type {other:?} is not supported; use client_credentials"
            )))
        }
        None => return Err(OAuthError::invalid_request("grant_type is required")),
    }
    let mut response = Json(state.issue_token().to_json()).into_response();
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(response)
}

/// The client's id and secret: from `Authorization: Basic`, else from the form.
fn client_credentials(
    headers: &HeaderMap,
    form: &TokenForm,
) -> Result<(String, String), OAuthError> {
    if let Some(value) = headers.get(header::AUTHORIZATION) {
        return basic_credentials(value)
            .ok_or_else(|| OAuthError::access_denied("Malformed Basic authorization header"));
    }
    match (&form.client_id, &form.client_secret) {
        (Some(id), Some(secret)) => Ok((id.clone(), secret.clone())),
        _ => Err(OAuthError::access_denied(
            "Client authentication is required (HTTP Basic or client_id/client_secret)",
        )),
    }
}

fn basic_credentials(value: &HeaderValue) -> Option<(String, String)> {
    let value = value.to_str().ok()?;
    let (scheme, encoded) = value.trim().split_once(' ')?;
    if !scheme.eq_ignore_ascii_case("basic") {
        return None;
    }
    let decoded = String::from_utf8(STANDARD.decode(encoded.trim()).ok()?).ok()?;
    let (id, secret) = decoded.split_once(':')?;
    Some((id.to_owned(), secret.to_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn basic_header_is_decoded() {
        let header = HeaderValue::from_static("Basic c2ltLWNsaWVudDpzM2M6cmV0");
        assert_eq!(
            basic_credentials(&header),
            Some(("sim-client".to_owned(), "s3c:ret".to_owned()))
        );
        assert_eq!(
            basic_credentials(&HeaderValue::from_static("Basic !!")),
            None
        );
        assert_eq!(
            basic_credentials(&HeaderValue::from_static("Bearer c2ltLWNsaWVudDp4")),
            None
        );
    }
}
