//! Attribute checks shared by the provider's resources and data sources.

use crate::acronis::user::{is_valid_tenant_id, is_valid_user_id};
use crate::framework::Field;
use crate::tfproto::{Diagnostic, Diagnostics};

/// A diagnostic if `id` is not the lowercase UUID the API requires of a user id.
pub fn check_user_id(id: &str) -> Option<Diagnostic> {
    invalid_id("user", id, is_valid_user_id)
}

/// A diagnostic if `id` is not the lowercase UUID the API requires of a tenant id.
pub fn check_tenant_id(id: &str) -> Option<Diagnostic> {
    invalid_id("tenant", id, is_valid_tenant_id)
}

/// A diagnostic at `attribute` if the user id in `field` is known and malformed.
pub fn check_user_id_at(field: &Field<String>, attribute: &str) -> Option<Diagnostic> {
    field
        .as_deref()
        .and_then(check_user_id)
        .map(|d| d.at(attribute))
}

/// A diagnostic at `attribute` if the tenant id in `field` is known and malformed.
pub fn check_tenant_id_at(field: &Field<String>, attribute: &str) -> Option<Diagnostic> {
    field
        .as_deref()
        .and_then(check_tenant_id)
        .map(|d| d.at(attribute))
}

/// The user id in `field` that an operation needs (`purpose`, e.g. "read it"): known and well
/// formed, else the diagnostic at `attribute`.
pub fn known_user_id<'a>(
    field: &'a Field<String>,
    attribute: &str,
    purpose: &str,
) -> Result<&'a str, Diagnostics> {
    known_id(field, attribute, "user", purpose, check_user_id)
}

/// The tenant id in `field` that an operation needs (`purpose`, e.g. "list its users"): known
/// and well formed, else the diagnostic at `attribute`.
pub fn known_tenant_id<'a>(
    field: &'a Field<String>,
    attribute: &str,
    purpose: &str,
) -> Result<&'a str, Diagnostics> {
    known_id(field, attribute, "tenant", purpose, check_tenant_id)
}

fn known_id<'a>(
    field: &'a Field<String>,
    attribute: &str,
    kind: &str,
    purpose: &str,
    check: fn(&str) -> Option<Diagnostic>,
) -> Result<&'a str, Diagnostics> {
    let Some(id) = field.as_deref() else {
        return Err(Diagnostic::error(
            format!("Missing {attribute}"),
            format!("The id of the {kind} must be known to {purpose}."),
        )
        .at(attribute)
        .into());
    };
    match check(id) {
        Some(d) => Err(d.at(attribute).into()),
        None => Ok(id),
    }
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

    /// The one diagnostic of a refused id: (summary, detail, attribute path).
    fn refused(result: Result<&str, Diagnostics>) -> (String, String, Vec<String>) {
        let diagnostics = result.expect_err("refused");
        let all: Vec<&Diagnostic> = diagnostics.iter().collect();
        assert_eq!(all.len(), 1);
        (
            all[0].summary.clone(),
            all[0].detail.clone(),
            all[0].attribute.clone(),
        )
    }

    #[test]
    fn an_id_an_operation_needs_must_be_known_and_well_formed() {
        let valid = "1c234e69-5469-424a-a6d1-ff5658b387a6";
        let known = Field::Known(valid.to_owned());
        assert_eq!(known_tenant_id(&known, "tenant_id", "read it"), Ok(valid));
        assert_eq!(known_user_id(&known, "id", "read it"), Ok(valid));

        let (summary, detail, at) = refused(known_tenant_id(
            &Field::Unknown,
            "tenant_id",
            "list its users",
        ));
        assert_eq!(summary, "Missing tenant_id");
        assert_eq!(
            detail,
            "The id of the tenant must be known to list its users."
        );
        assert_eq!(at, ["tenant_id"]);

        let (summary, detail, at) = refused(known_user_id(&Field::Null, "id", "read it"));
        assert_eq!(summary, "Missing id");
        assert_eq!(detail, "The id of the user must be known to read it.");
        assert_eq!(at, ["id"]);

        let (summary, _, at) = refused(known_user_id(
            &Field::Known("Acme".to_owned()),
            "user_id",
            "read it",
        ));
        assert_eq!(
            (summary.as_str(), at),
            ("Invalid user id", vec!["user_id".to_owned()])
        );
    }

    #[test]
    fn a_known_malformed_id_is_reported_at_its_attribute() {
        let bad = Field::Known("Acme".to_owned());
        let d = check_tenant_id_at(&bad, "tenant_id").expect("invalid");
        assert_eq!(
            (d.summary.as_str(), d.attribute),
            ("Invalid tenant id", vec!["tenant_id".to_owned()])
        );
        assert!(check_user_id_at(&Field::Unknown, "user_id").is_none());
        assert!(check_user_id_at(&Field::Known("Acme".to_owned()), "user_id").is_some());
    }
}
