//! Attribute checks shared by the provider's resources and data sources.

use crate::acronis::user::{is_valid_tenant_id, is_valid_user_id};
use crate::tfproto::Diagnostic;

/// A diagnostic if `id` is not the lowercase UUID the API requires of a user id.
pub fn check_user_id(id: &str) -> Option<Diagnostic> {
    invalid_id("user", id, is_valid_user_id)
}

/// A diagnostic if `id` is not the lowercase UUID the API requires of a tenant id.
pub fn check_tenant_id(id: &str) -> Option<Diagnostic> {
    invalid_id("tenant", id, is_valid_tenant_id)
}

/// A diagnostic if the id of a `kind` of object is not of the form `is_valid` accepts (both
/// kinds are lowercase UUIDs).
fn invalid_id(kind: &str, id: &str, is_valid: fn(&str) -> bool) -> Option<Diagnostic> {
    (!is_valid(id)).then(|| {
        Diagnostic::error(
            format!("Invalid {kind} id"),
            format!(
                "Expected a lowercase UUID such as \"1c234e69-5469-424a-a6d1-ff5658b387a6\", got {:?}.",
                truncate(id, 80)
            ),
        )
    })
}

/// At most `max` characters of `s`, marked when cut.
fn truncate(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        s.to_owned()
    } else {
        format!("{}...", s.chars().take(max).collect::<String>())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_long_bad_id_is_quoted_cut_short() {
        let d = check_user_id(&"x".repeat(500)).expect("invalid");
        assert_eq!(d.summary, "Invalid user id");
        assert!(
            d.detail.contains(&format!("\"{}...\"", "x".repeat(80))),
            "{}",
            d.detail
        );
        assert!(check_user_id("1c234e69-5469-424a-a6d1-ff5658b387a6").is_none());
    }

    #[test]
    fn the_kind_of_id_is_named() {
        let d = check_tenant_id("Acme").expect("invalid");
        assert_eq!(d.summary, "Invalid tenant id");
        assert!(d.detail.contains("\"Acme\""));
    }
}
