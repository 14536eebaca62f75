//! The one place where API errors become Terraform diagnostics.

use crate::acronis::ApiError;
use crate::tfproto::Diagnostic;

/// A diagnostic for a failed API call: what failed, the API's status and message, and what to
/// do about it. Secrets never reach here: errors carry no credentials.
pub fn api_error(summary: &str, err: &ApiError) -> Diagnostic {
    let hint = err.hint();
    let detail = if hint.is_empty() {
        format!("{err}.")
    } else {
        format!("{err}.\n\n{hint}")
    };
    Diagnostic::error(summary, detail)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::acronis::Operation;

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
