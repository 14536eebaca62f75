//! Validation of the `PUT /api/2/users/{id}` body against the API's schema: only `login`,
//! `external_id`, `idp_id`, `contact`, `enabled`, `language`, `notifications`, `disable_after`
//! and the required integer `version`; anything else is rejected, naming the field.

use serde_json::{Map, Value};

use super::errors::ApiError;
use crate::user::{Contact, UserUpdate};

/// A validated update: the version the client read, and the fields to set.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UpdateRequest {
    pub version: i64,
    pub update: UserUpdate,
}

/// Checks a parsed body and turns it into an [`UpdateRequest`].
pub fn parse(body: &Value) -> Result<UpdateRequest, ApiError> {
    let object = body
        .as_object()
        .ok_or_else(|| ApiError::bad_request("Request body must be a JSON object"))?;
    let mut update = UserUpdate::default();
    let mut version = None;
    for (key, value) in object {
        match key.as_str() {
            "version" => version = Some(integer(key, value)?),
            "login" => update.login = Some(non_empty_string(key, value)?),
            "external_id" => update.external_id = Some(nullable_string(key, value)?),
            "idp_id" => update.idp_id = Some(string(key, value)?),
            "contact" => update.contact = contact(value)?,
            "enabled" => update.enabled = Some(boolean(key, value)?),
            "language" => update.language = Some(string(key, value)?),
            "notifications" => update.notifications = Some(string_array(key, value)?),
            "disable_after" => update.disable_after = Some(nullable_string(key, value)?),
            other => {
                return Err(ApiError::invalid_field(
                    other,
                    format!("Additional properties are not allowed ('{other}' was unexpected)"),
                ))
            }
        }
    }
    let version = version
        .ok_or_else(|| ApiError::invalid_field("version", "'version' is a required property"))?;
    Ok(UpdateRequest { version, update })
}

fn wrong_type(field: &str, expected: &str, value: &Value) -> ApiError {
    ApiError::invalid_field(field, format!("'{field}' must be {expected}, got {value}"))
}

fn integer(field: &str, value: &Value) -> Result<i64, ApiError> {
    value
        .as_i64()
        .ok_or_else(|| wrong_type(field, "an integer", value))
}

fn boolean(field: &str, value: &Value) -> Result<bool, ApiError> {
    value
        .as_bool()
        .ok_or_else(|| wrong_type(field, "a boolean", value))
}

fn string(field: &str, value: &Value) -> Result<String, ApiError> {
    value
        .as_str()
        .map(str::to_owned)
        .ok_or_else(|| wrong_type(field, "a string", value))
}

fn non_empty_string(field: &str, value: &Value) -> Result<String, ApiError> {
    let text = string(field, value)?;
    if text.trim().is_empty() {
        return Err(ApiError::invalid_field(
            field,
            format!("'{field}' must not be empty"),
        ));
    }
    Ok(text)
}

fn nullable_string(field: &str, value: &Value) -> Result<Option<String>, ApiError> {
    match value {
        Value::Null => Ok(None),
        _ => string(field, value).map(Some),
    }
}

fn string_array(field: &str, value: &Value) -> Result<Vec<String>, ApiError> {
    let items = value
        .as_array()
        .ok_or_else(|| wrong_type(field, "an array of strings", value))?;
    items
        .iter()
        .map(|item| string(field, item))
        .collect::<Result<_, _>>()
}

/// The contact fields to set; `null` clears a field.
fn contact(value: &Value) -> Result<Vec<(&'static str, String)>, ApiError> {
    let object: &Map<String, Value> = value
        .as_object()
        .ok_or_else(|| wrong_type("contact", "an object", value))?;
    object
        .iter()
        .map(|(key, field_value)| {
            let path = format!("contact.{key}");
            let name = Contact::field_name(key).ok_or_else(|| {
                ApiError::invalid_field(
                    &path,
                    format!("Additional properties are not allowed ('{path}' was unexpected)"),
                )
            })?;
            Ok((
                name,
                nullable_string(&path, field_value)?.unwrap_or_default(),
            ))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn field_of(err: &ApiError) -> Option<&str> {
        err.details.get("field").and_then(Value::as_str)
    }

    #[test]
    fn accepts_every_allowed_field() {
        let parsed = parse(&json!({
            "version": 3, "login": "bob", "external_id": null, "idp_id": "idp",
            "contact": {"email": "b@x", "phone": null}, "enabled": false, "language": "de",
            "notifications": ["quota"], "disable_after": "2030-01-01T00:00:00Z"
        }))
        .expect("valid body");
        assert_eq!(parsed.version, 3);
        assert_eq!(parsed.update.enabled, Some(false));
        assert_eq!(parsed.update.external_id, Some(None));
        assert_eq!(
            parsed.update.contact,
            vec![("email", "b@x".to_owned()), ("phone", String::new())]
        );
    }

    #[test]
    fn rejects_unknown_fields_missing_version_and_wrong_types() {
        let unknown = parse(&json!({"version": 1, "tenant_id": "x"})).expect_err("unknown");
        assert_eq!(field_of(&unknown), Some("tenant_id"));
        let nested = parse(&json!({"version": 1, "contact": {"fax": "1"}})).expect_err("nested");
        assert_eq!(field_of(&nested), Some("contact.fax"));
        let missing = parse(&json!({"enabled": true})).expect_err("no version");
        assert_eq!(field_of(&missing), Some("version"));
        for body in [
            json!({"version": "1"}),
            json!({"version": 1.5}),
            json!({"version": 1, "enabled": "no"}),
            json!({"version": 1, "notifications": [1]}),
            json!({"version": 1, "login": ""}),
            json!([1]),
        ] {
            assert!(parse(&body).is_err(), "{body} should be rejected");
        }
    }
}
