//! Builders for schemas as the protocol describes them: attributes with a type, flags and a
//! Markdown description. Types are written as Terraform's JSON type constraints.

use super::proto::{schema, DynamicValue, Schema, StringKind};
use super::{DecodeError, Diagnostic, Diagnostics, Value};

/// The primitive types this provider's schemas use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Type {
    String,
    Bool,
    Number,
}

impl Type {
    /// The JSON type constraint, e.g. `"string"` (with its quotes).
    pub fn json(self) -> Vec<u8> {
        match self {
            Type::String => b"\"string\"".to_vec(),
            Type::Bool => b"\"bool\"".to_vec(),
            Type::Number => b"\"number\"".to_vec(),
        }
    }

    /// The name Terraform's documentation uses for the type.
    pub fn name(self) -> &'static str {
        match self {
            Type::String => "String",
            Type::Bool => "Boolean",
            Type::Number => "Number",
        }
    }
}

/// How an attribute is set.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Required,
    Optional,
    /// Set by the provider only.
    Computed,
    /// Set in configuration or, when left out, by the provider (a default).
    OptionalComputed,
}

/// One attribute of a schema, described once and used for both the protocol and the docs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attribute {
    pub name: &'static str,
    pub ty: Type,
    pub mode: Mode,
    pub sensitive: bool,
    pub description: &'static str,
}

impl Attribute {
    pub const fn new(name: &'static str, ty: Type, mode: Mode, description: &'static str) -> Self {
        Attribute {
            name,
            ty,
            mode,
            sensitive: false,
            description,
        }
    }

    pub const fn sensitive(mut self) -> Self {
        self.sensitive = true;
        self
    }

    pub fn to_proto(&self) -> schema::Attribute {
        schema::Attribute {
            name: self.name.to_owned(),
            r#type: self.ty.json().into(),
            description: self.description.to_owned(),
            description_kind: StringKind::Markdown as i32,
            required: self.mode == Mode::Required,
            optional: matches!(self.mode, Mode::Optional | Mode::OptionalComputed),
            computed: matches!(self.mode, Mode::Computed | Mode::OptionalComputed),
            sensitive: self.sensitive,
            ..Default::default()
        }
    }
}

/// A whole schema: a version, a description and flat attributes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SchemaDef {
    pub version: i64,
    pub description: &'static str,
    pub attributes: &'static [Attribute],
}

impl SchemaDef {
    pub fn to_proto(&self) -> Schema {
        Schema {
            version: self.version,
            block: Some(schema::Block {
                version: self.version,
                attributes: self.attributes.iter().map(Attribute::to_proto).collect(),
                block_types: Vec::new(),
                description: self.description.to_owned(),
                description_kind: StringKind::Markdown as i32,
                deprecated: false,
            }),
        }
    }

    /// Decodes a value of this schema: its attribute names are not allocated again for each
    /// value (docs/PERFORMANCE.md).
    pub fn decode(&self, dv: &DynamicValue) -> Result<Value, DecodeError> {
        Value::from_dynamic_naming(dv, &|key| {
            self.attributes
                .iter()
                .map(|a| a.name)
                .find(|name| name.as_bytes() == key)
        })
    }

    pub fn attribute(&self, name: &str) -> Option<&Attribute> {
        self.attributes.iter().find(|a| a.name == name)
    }

    /// Errors for configuration that sets a computed-only attribute. Terraform itself accepts
    /// such configuration, and a plan that then differs from it would be invalid, so the
    /// provider refuses it at validate time.
    pub fn check_read_only(&self, config: &Value) -> Diagnostics {
        self.attributes
            .iter()
            .filter(|a| a.mode == Mode::Computed && !config.get(a.name).is_null())
            .map(|a| {
                Diagnostic::error(
                    "Invalid configuration for read-only attribute",
                    format!(
                        "{} is set by the provider and cannot be set in configuration; remove it.",
                        a.name
                    ),
                )
                .at(a.name)
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ATTRS: &[Attribute] = &[
        Attribute::new("a", Type::String, Mode::Required, "A."),
        Attribute::new("b", Type::Number, Mode::Computed, "B."),
        Attribute::new("c", Type::String, Mode::OptionalComputed, "C.").sensitive(),
    ];

    #[test]
    fn flags_follow_the_mode() {
        let schema = SchemaDef {
            version: 2,
            description: "d",
            attributes: ATTRS,
        }
        .to_proto();
        let block = schema.block.expect("block");
        assert_eq!(schema.version, 2);
        let (a, b, c) = (
            &block.attributes[0],
            &block.attributes[1],
            &block.attributes[2],
        );
        assert!(a.required && !a.optional && !a.computed);
        assert_eq!(&a.r#type[..], b"\"string\"");
        assert!(!b.required && !b.optional && b.computed);
        assert_eq!(&b.r#type[..], b"\"number\"");
        assert!(c.optional && c.computed && c.sensitive);
    }

    #[test]
    fn decoding_borrows_the_attribute_names() {
        let def = SchemaDef {
            version: 0,
            description: "d",
            attributes: ATTRS,
        };
        let value = Value::object([("a", Value::from("x")), ("z", Value::Unknown)]);
        let decoded = def.decode(&value.to_dynamic()).expect("valid value");
        assert_eq!(decoded, value);
        let Value::Object(attrs) = decoded else {
            panic!("an object decodes as an object")
        };
        let names: Vec<_> = attrs.iter().map(|(name, _)| name).collect();
        assert_eq!(names, ["a", "z"]);
        // The schema's own name, not a copy of it, so nothing was allocated for it.
        assert!(attrs
            .iter()
            .any(|(name, _)| std::ptr::eq(name.as_ptr(), def.attributes[0].name.as_ptr())));
    }

    #[test]
    fn read_only_attributes_may_not_be_configured() {
        let def = SchemaDef {
            version: 0,
            description: "d",
            attributes: ATTRS,
        };
        let config = Value::object([
            ("a", Value::from("x")),
            ("b", Value::from(3)),
            ("c", Value::from("y")),
        ]);
        let diags = def.check_read_only(&config);
        let found: Vec<_> = diags.iter().map(|d| d.attribute.clone()).collect();
        assert_eq!(found, vec![vec!["b".to_owned()]]);
        let unknown = Value::object([("b", Value::Unknown)]);
        assert!(
            def.check_read_only(&unknown).has_errors(),
            "an unknown value is still a value"
        );
        assert!(!def
            .check_read_only(&Value::object([("a", Value::from("x"))]))
            .has_errors());
    }
}
