//! Diagnostics: the errors and warnings a provider returns with every RPC, each with a summary,
//! a detail and, where there is one, the path of the attribute at fault.

use super::proto;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Severity {
    Error,
    Warning,
}

/// One error or warning, in terms Terraform shows to the user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub severity: Severity,
    pub summary: String,
    pub detail: String,
    /// The attribute path, outermost first (attribute names only: this provider has no
    /// collections in its schemas).
    pub attribute: Vec<String>,
}

impl Diagnostic {
    pub fn error(summary: impl Into<String>, detail: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Error,
            summary: summary.into(),
            detail: detail.into(),
            attribute: Vec::new(),
        }
    }

    pub fn warning(summary: impl Into<String>, detail: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::error(summary, detail)
        }
    }

    /// Points the diagnostic at a top-level attribute.
    pub fn at(mut self, attribute: &str) -> Self {
        self.attribute = vec![attribute.to_owned()];
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    pub fn to_proto(&self) -> proto::Diagnostic {
        proto::Diagnostic {
            severity: match self.severity {
                Severity::Error => proto::diagnostic::Severity::Error,
                Severity::Warning => proto::diagnostic::Severity::Warning,
            } as i32,
            summary: self.summary.clone(),
            detail: self.detail.clone(),
            attribute: (!self.attribute.is_empty()).then(|| attribute_path(&self.attribute)),
        }
    }
}

/// A protocol attribute path from attribute names.
pub fn attribute_path(names: &[impl AsRef<str>]) -> proto::AttributePath {
    proto::AttributePath {
        steps: names
            .iter()
            .map(|name| proto::attribute_path::Step {
                selector: Some(proto::attribute_path::step::Selector::AttributeName(
                    name.as_ref().to_owned(),
                )),
            })
            .collect(),
    }
}

/// The diagnostics gathered while serving one RPC.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Diagnostics(Vec<Diagnostic>);

impl Diagnostics {
    pub fn new() -> Self {
        Diagnostics(Vec::new())
    }

    pub fn push(&mut self, diagnostic: Diagnostic) {
        self.0.push(diagnostic);
    }

    pub fn extend(&mut self, other: Diagnostics) {
        self.0.extend(other.0);
    }

    pub fn has_errors(&self) -> bool {
        self.0.iter().any(Diagnostic::is_error)
    }

    pub fn iter(&self) -> impl Iterator<Item = &Diagnostic> {
        self.0.iter()
    }

    pub fn to_proto(&self) -> Vec<proto::Diagnostic> {
        self.0.iter().map(Diagnostic::to_proto).collect()
    }
}

impl From<Diagnostic> for Diagnostics {
    fn from(d: Diagnostic) -> Self {
        Diagnostics(vec![d])
    }
}

impl FromIterator<Diagnostic> for Diagnostics {
    fn from_iter<I: IntoIterator<Item = Diagnostic>>(iter: I) -> Self {
        Diagnostics(iter.into_iter().collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn converts_to_protocol_with_the_attribute_path() {
        let d = Diagnostic::error("Invalid user_id", "must be a UUID").at("user_id");
        let p = d.to_proto();
        assert_eq!(p.severity, proto::diagnostic::Severity::Error as i32);
        assert_eq!(p.summary, "Invalid user_id");
        let steps = p.attribute.expect("a path").steps;
        assert_eq!(
            steps[0].selector,
            Some(proto::attribute_path::step::Selector::AttributeName(
                "user_id".into()
            ))
        );
        assert!(Diagnostic::warning("w", "d").to_proto().attribute.is_none());
    }

    #[test]
    fn errors_are_told_from_warnings() {
        let mut all = Diagnostics::new();
        all.push(Diagnostic::warning("w", ""));
        assert!(!all.has_errors());
        all.push(Diagnostic::error("e", ""));
        assert!(all.has_errors());
        assert_eq!(all.to_proto().len(), 2);
    }
}
