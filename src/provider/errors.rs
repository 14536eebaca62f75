//! The one place where API errors become Terraform diagnostics, with what the user can do
//! about them in the provider's terms (its arguments, its commands).

use crate::acronis::{ApiError, Operation};
use crate::tfproto::Diagnostic;

/// A diagnostic for a failed API call: what failed, the API's status and message, and what to
/// do about it. Secrets never reach here: errors carry no credentials.
pub fn api_error(summary: &str, err: &ApiError) -> Diagnostic {
    let hint = hint(err);
    let detail = if hint.is_empty() {
        format!("{err}.")
    } else {
        format!("{err}.\n\n{hint}")
    };
    Diagnostic::error(summary, detail)
}

/// What a failed call was about, for remedies that name it.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Subject {
    Token,
    User,
    Tenant,
}

impl Subject {
    fn of(operation: &Operation) -> Subject {
        match operation {
            Operation::Token => Subject::Token,
            Operation::ReadUser(_) | Operation::UpdateUser(_) | Operation::ReadUsers(_) => {
                Subject::User
            }
            Operation::ListTenantUsers(_) | Operation::ReadTenant(_) => Subject::Tenant,
        }
    }
}

/// What the user can do about a failed call, in the terms of the object it was about.
fn hint(err: &ApiError) -> &'static str {
    let subject = Subject::of(err.operation());
    match (subject, err, err.status()) {
        (Subject::Token, ApiError::Status { .. }, Some(400 | 401)) => {
            "Check client_id and client_secret (or ACRONIS_CLIENT_ID / ACRONIS_CLIENT_SECRET): \
             the identity provider refused them."
        }
        (_, _, Some(401)) => {
            "The API refused the credentials. Check client_id and client_secret, or that the \
             access_token has not expired."
        }
        (Subject::Tenant, _, Some(403)) => {
            "The API client is not allowed to do this: the tenant must be its own or one below \
             it, and it needs an administrator role there."
        }
        (_, _, Some(403)) => {
            "The API client is not allowed to do this: its tenant must own the user, and it \
             needs an administrator role there."
        }
        (_, err, Some(404)) if !err.is_not_found() => {
            "The 404 did not come from the Acronis API (its answer had no API error body): \
             check base_url and any proxy in between."
        }
        (Subject::Tenant, _, Some(404)) => "No such tenant: check the tenant_id.",
        (_, _, Some(404)) => {
            "No such user: check the user_id, and that the account has not been deleted."
        }
        (_, _, Some(409)) | (_, ApiError::Conflict { .. }, _) => {
            "Someone else is changing this account; run terraform apply again."
        }
        (_, _, Some(429)) => "The API is rate limiting this client; try again later.",
        (_, _, Some(500..=599))
        | (_, ApiError::Transport { .. }, _)
        | (_, ApiError::Timeout { .. }, _) => {
            "The API is unreachable or failing; check base_url and try again later \
             (max_retries and request_timeout tune how long the provider keeps trying)."
        }
        (_, ApiError::Cancelled { .. }, _) => {
            "The operation was interrupted; nothing more was sent."
        }
        _ => "",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An error status as the API answers it, with its error code.
    fn status(operation: Operation, status: u16) -> ApiError {
        ApiError::Status {
            operation,
            status,
            code: Some("c".into()),
            message: "m".into(),
        }
    }

    #[test]
    fn each_kind_of_failure_gets_its_remedy() {
        let user = || Operation::ReadUser("u".into());
        let cases = [
            (
                status(Operation::Token, 401),
                "client_id and client_secret (or ACRONIS_CLIENT_ID",
            ),
            (
                status(Operation::Token, 400),
                "the identity provider refused them",
            ),
            (status(user(), 401), "access_token has not expired"),
            (status(user(), 403), "tenant must own the user"),
            (
                status(Operation::ListTenantUsers("t".into()), 404),
                "No such tenant",
            ),
            (status(user(), 404), "No such user"),
            (
                status(Operation::ReadTenant("t".into()), 404),
                "No such tenant",
            ),
            (
                status(Operation::ReadTenant("t".into()), 403),
                "the tenant must be its own or one below it",
            ),
            (
                ApiError::Status {
                    operation: user(),
                    status: 404,
                    code: None,
                    message: "m".into(),
                },
                "did not come from the Acronis API",
            ),
            (status(user(), 409), "run terraform apply again"),
            (
                ApiError::Conflict {
                    operation: user(),
                    attempts: 5,
                },
                "run terraform apply again",
            ),
            (status(user(), 429), "rate limiting"),
            (status(user(), 503), "check base_url"),
            (
                ApiError::Timeout {
                    operation: user(),
                    seconds: 30,
                },
                "max_retries and request_timeout",
            ),
            (ApiError::Cancelled { operation: user() }, "interrupted"),
        ];
        for (err, remedy) in cases {
            assert!(hint(&err).contains(remedy), "{err:?}: {}", hint(&err));
            assert!(api_error("s", &err).detail.ends_with(hint(&err)), "{err:?}");
        }
        assert_eq!(hint(&status(user(), 418)), "", "no advice to give");
        assert_eq!(
            api_error("s", &status(user(), 418)).detail,
            "reading user u failed: HTTP 418: m."
        );
    }

    #[test]
    fn names_the_operation_the_status_and_the_remedy() {
        let err = ApiError::Status {
            operation: Operation::UpdateUser("1c234e69-5469-424a-a6d1-ff5658b387a6".into()),
            status: 403,
            code: Some("forbidden".into()),
            message: "Access denied".into(),
        };
        let d = api_error("Could not update the account", &err);
        assert_eq!(d.summary, "Could not update the account");
        assert!(d
            .detail
            .contains("updating user 1c234e69-5469-424a-a6d1-ff5658b387a6"));
        assert!(d.detail.contains("HTTP 403: Access denied"));
        assert!(d.detail.contains("tenant must own the user"));
    }
}
