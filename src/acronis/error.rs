//! Every way an API call can fail, as one error type, and the parser for the two error bodies
//! Acronis sends: the API's `{"error": {"code", "message", "details", "domain"}}` and OAuth's
//! `{"error": "...", "error_description": "..."}` (plus anything else, e.g. a proxy's HTML page).

use std::fmt;

/// What the provider was doing when a call failed, named in every message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Operation {
    Token,
    ReadUser(String),
    UpdateUser(String),
    /// A batch read of this many users.
    ReadUsers(usize),
    /// Listing the live users of a tenant, by its id.
    ListTenantUsers(String),
    /// Reading one tenant, by its id.
    ReadTenant(String),
}

impl fmt::Display for Operation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Operation::Token => f.write_str("requesting an access token"),
            Operation::ReadUser(id) => write!(f, "reading user {}", shown_id(id)),
            Operation::UpdateUser(id) => write!(f, "updating user {}", shown_id(id)),
            Operation::ReadUsers(count) => write!(f, "reading {count} users in one call"),
            Operation::ListTenantUsers(id) => {
                write!(f, "listing the users of tenant {}", shown_id(id))
            }
            Operation::ReadTenant(id) => write!(f, "reading tenant {}", shown_id(id)),
        }
    }
}

/// The most characters of an id a message shows.
const MAX_SHOWN_ID: usize = 40;

/// An id as a message may show it: control characters and quotes escaped (an id from tampered
/// state must not drive the terminal), and cut to [`MAX_SHOWN_ID`] characters.
pub fn shown_id(id: &str) -> String {
    let mut out: String = id
        .chars()
        .take(MAX_SHOWN_ID)
        .flat_map(char::escape_debug)
        .collect();
    if id.chars().count() > MAX_SHOWN_ID {
        out.push_str("...");
    }
    out
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ApiError {
    /// The API answered with an error status.
    #[error("{operation} failed: HTTP {status}: {message}")]
    Status {
        operation: Operation,
        status: u16,
        /// Acronis' own error code, when the body had one.
        code: Option<String>,
        message: String,
    },
    /// No answer: connection refused or reset, DNS, TLS.
    #[error("{operation} failed: could not reach the API: {detail}")]
    Transport {
        operation: Operation,
        detail: String,
    },
    #[error("{operation} failed: no answer within {seconds} s")]
    Timeout { operation: Operation, seconds: u64 },
    #[error("{operation} was cancelled before it finished (the provider was told to stop)")]
    Cancelled { operation: Operation },
    /// A success status with a body that is not what the API documents.
    #[error("{operation} failed: the API's answer could not be read: {detail}")]
    InvalidResponse {
        operation: Operation,
        detail: String,
    },
    /// An argument the API would refuse, caught before any call.
    #[error("{operation} failed: {detail}")]
    InvalidArgument {
        operation: Operation,
        detail: String,
    },
    /// The account kept changing under us.
    #[error("{operation} failed: the account changed {attempts} times while it was being updated")]
    Conflict { operation: Operation, attempts: u32 },
}

impl ApiError {
    /// The HTTP status, for errors that have one.
    pub fn status(&self) -> Option<u16> {
        match self {
            ApiError::Status { status, .. } => Some(*status),
            _ => None,
        }
    }

    /// What was being done when the call failed.
    pub fn operation(&self) -> &Operation {
        match self {
            ApiError::Status { operation, .. }
            | ApiError::Transport { operation, .. }
            | ApiError::Timeout { operation, .. }
            | ApiError::Cancelled { operation }
            | ApiError::InvalidResponse { operation, .. }
            | ApiError::InvalidArgument { operation, .. }
            | ApiError::Conflict { operation, .. } => operation,
        }
    }

    /// The API said the object does not exist: a 404 in the API's own error shape. A 404 page
    /// from anything else (a proxy, a wrong `base_url`) says nothing about the object, so a
    /// refresh never takes it for a deletion.
    pub fn is_not_found(&self) -> bool {
        matches!(
            self,
            ApiError::Status {
                status: 404,
                code: Some(_),
                ..
            }
        )
    }
}

/// The code and message of an error body, whichever shape it has. The message is made safe to
/// print: control characters (a terminal escape sequence, say) become spaces, and it is capped.
pub fn parse_error_body(body: &[u8]) -> (Option<String>, String) {
    let (code, message) = parse_error_shape(body);
    (code.map(|c| printable(&c, 100)), printable(&message, 500))
}

/// Replaces control characters with spaces and cuts the text at `max` characters.
fn printable(text: &str, max: usize) -> String {
    let mut out: String = text
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .take(max)
        .collect();
    if text.chars().count() > max {
        out.push_str("...");
    }
    out
}

fn parse_error_shape(body: &[u8]) -> (Option<String>, String) {
    if let Ok(json) = serde_json::from_slice::<serde_json::Value>(body) {
        match &json["error"] {
            serde_json::Value::Object(error) => {
                let code = error.get("code").and_then(code_text);
                let mut message = error
                    .get("message")
                    .and_then(|m| m.as_str())
                    .unwrap_or_default()
                    .to_owned();
                if let Some(info) = error
                    .get("details")
                    .and_then(|d| d.get("info"))
                    .and_then(|i| i.as_str())
                    .filter(|i| !i.is_empty() && *i != message)
                {
                    message = if message.is_empty() {
                        info.to_owned()
                    } else {
                        format!("{message} ({info})")
                    };
                }
                return (code, non_empty(message));
            }
            serde_json::Value::String(code) => {
                let description = json["error_description"].as_str().unwrap_or_default();
                let message = if description.is_empty() {
                    code.clone()
                } else {
                    format!("{code}: {description}")
                };
                return (Some(code.clone()), non_empty(message));
            }
            _ => {}
        }
    }
    (None, describe_unparsed(body))
}

fn code_text(code: &serde_json::Value) -> Option<String> {
    match code {
        serde_json::Value::String(s) => Some(s.clone()),
        serde_json::Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

fn non_empty(message: String) -> String {
    if message.trim().is_empty() {
        "no message given".to_owned()
    } else {
        message
    }
}

/// A short, printable description of a body that is not an API error (e.g. an HTML page).
fn describe_unparsed(body: &[u8]) -> String {
    let text = String::from_utf8_lossy(body);
    let text = text.trim();
    if text.is_empty() {
        return "empty response body".to_owned();
    }
    if text.starts_with('<') {
        return "the response was an HTML page, not the API (a proxy or a wrong base_url?)"
            .to_owned();
    }
    format!("unexpected response: {}", printable(text, 200))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_api_error_shape() {
        let body = br#"{"error":{"code":1006,"message":"It is prohibited to delete a non-disabled tenant.","details":{"info":"disable it first"},"domain":"PlatformAccountServer"}}"#;
        let (code, message) = parse_error_body(body);
        assert_eq!(code.as_deref(), Some("1006"));
        assert_eq!(
            message,
            "It is prohibited to delete a non-disabled tenant. (disable it first)"
        );
    }

    #[test]
    fn parses_the_oauth_shape() {
        let (code, message) =
            parse_error_body(br#"{"error":"invalid_client","error_description":"Bad secret"}"#);
        assert_eq!(code.as_deref(), Some("invalid_client"));
        assert_eq!(message, "invalid_client: Bad secret");
    }

    #[test]
    fn describes_bodies_that_are_not_json() {
        assert!(
            parse_error_body(b"<html><body>502 Bad Gateway</body></html>")
                .1
                .contains("HTML page")
        );
        assert_eq!(parse_error_body(b"").1, "empty response body");
        assert_eq!(parse_error_body(b"oops").1, "unexpected response: oops");
        assert_eq!(parse_error_body(br#"{"error":{}}"#).1, "no message given");
        assert_eq!(
            parse_error_body(b"{\"error\":{\"message\":\"a\\u001b[31mb\"}}").1,
            "a [31mb"
        );
        assert!(parse_error_body("x".repeat(10_000).as_bytes()).1.len() < 300);
    }

    #[test]
    fn statuses_and_operations_are_told_apart() {
        let with_code = |status, code: Option<&str>| ApiError::Status {
            operation: Operation::ReadUser("u".into()),
            status,
            code: code.map(str::to_owned),
            message: "m".into(),
        };
        let err = |status| with_code(status, None);
        assert!(
            !err(404).is_not_found(),
            "a 404 without the API's error body"
        );
        assert!(with_code(404, Some("not_found")).is_not_found());
        assert!(!with_code(403, Some("forbidden")).is_not_found());
        assert!(err(404)
            .to_string()
            .contains("reading user u failed: HTTP 404: m"));
        let tenant = ApiError::Status {
            operation: Operation::ListTenantUsers("t".into()),
            status: 404,
            code: Some("1".into()),
            message: "m".into(),
        };
        assert!(tenant.is_not_found());
        assert!(tenant
            .to_string()
            .starts_with("listing the users of tenant t failed: HTTP 404"));
    }

    #[test]
    fn ids_in_messages_are_escaped_and_cut() {
        let hostile = "\u{1b}[2J\u{1b}]0;owned\u{7}\ngone";
        let text = Operation::ReadUser(hostile.into()).to_string();
        assert!(!text.chars().any(char::is_control), "{text:?}");
        assert_eq!(text, r"reading user \u{1b}[2J\u{1b}]0;owned\u{7}\ngone");
        let long = "a".repeat(500);
        let text = Operation::UpdateUser(long).to_string();
        assert_eq!(
            text,
            format!("updating user {}...", "a".repeat(MAX_SHOWN_ID))
        );
        let id = "1c234e69-5469-424a-a6d1-ff5658b387a6";
        assert_eq!(
            Operation::ReadUser(id.into()).to_string(),
            format!("reading user {id}")
        );
    }

    mod fuzz {
        //! Property tests standing in for a fuzzer: no error body panics the parser, and the
        //! message it yields is always printable.
        use super::super::parse_error_body;
        use proptest::prelude::*;

        proptest! {
            #[test]
            fn arbitrary_bodies_never_panic(body in proptest::collection::vec(any::<u8>(), 0..512)) {
                let (_, message) = parse_error_body(&body);
                prop_assert!(!message.is_empty());
            }

            #[test]
            fn json_shaped_bodies_never_panic(
                code in prop_oneof![Just("1".to_owned()), ".{0,10}".prop_map(|s| format!("{s:?}")), Just("null".to_owned()), Just("[]".to_owned())],
                message in ".{0,40}",
                oauth in any::<bool>(),
            ) {
                let body = if oauth {
                    format!(r#"{{"error":{code},"error_description":{message:?}}}"#)
                } else {
                    format!(r#"{{"error":{{"code":{code},"message":{message:?},"details":{{"info":{message:?}}}}}}}"#)
                };
                let (_, parsed) = parse_error_body(body.as_bytes());
                prop_assert!(!parsed.is_empty());
                prop_assert!(!parsed.chars().any(char::is_control));
            }
        }
    }
}
