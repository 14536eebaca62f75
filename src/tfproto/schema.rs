//! Builders for schemas as the protocol describes them: attributes with a type, flags and a
//! Markdown description. Types are written as Terraform's JSON type constraints.

use super::proto::{resource_identity_schema, schema, DynamicValue, ResourceIdentitySchema};
use super::proto::{Schema, StringKind};
use std::borrow::Cow;

use super::{DecodeError, Diagnostic, Diagnostics, Value};

/// The types this provider's schemas use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Type {
    String,
    Bool,
    Number,
    /// A list of objects with these attributes (their modes are those of the list).
    ObjectList(&'static [Attribute]),
}

impl Type {
    /// The JSON type constraint, e.g. `"string"` (with its quotes).
    pub fn json(self) -> Vec<u8> {
        self.constraint().to_string().into_bytes()
    }

    fn constraint(self) -> serde_json::Value {
        match self {
            Type::String => "string".into(),
            Type::Bool => "bool".into(),
            Type::Number => "number".into(),
            Type::ObjectList(attributes) => {
                let fields: serde_json::Map<_, _> = attributes
                    .iter()
                    .map(|a| (a.name.to_owned(), a.ty.constraint()))
                    .collect();
                serde_json::json!(["list", ["object", fields]])
            }
        }
    }

    /// The name Terraform's documentation uses for the type.
    pub fn name(self) -> &'static str {
        match self {
            Type::String => "String",
            Type::Bool => "Boolean",
            Type::Number => "Number",
            Type::ObjectList(_) => "List of Object",
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
    /// The only strings the attribute may be; empty for any.
    pub choices: &'static [&'static str],
}

impl Attribute {
    pub const fn new(name: &'static str, ty: Type, mode: Mode, description: &'static str) -> Self {
        Attribute {
            name,
            ty,
            mode,
            sensitive: false,
            description,
            choices: &[],
        }
    }

    pub const fn choices(mut self, choices: &'static [&'static str]) -> Self {
        self.choices = choices;
        self
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

    /// Decodes a value of this schema, borrowing its attribute names (nested ones too) instead
    /// of allocating them for every value.
    pub fn decode(&self, dv: &DynamicValue) -> Result<Value, DecodeError> {
        Value::from_dynamic_naming(dv, &|key| known_name(self.attributes, key))
    }

    pub fn attribute(&self, name: &str) -> Option<&Attribute> {
        self.attributes.iter().find(|a| a.name == name)
    }

    /// `value` with every computed-only attribute null: what configuration may say of it.
    pub fn without_read_only(&self, value: Value) -> Value {
        let Value::Object(mut attrs) = value else {
            return value;
        };
        for a in self.attributes.iter().filter(|a| a.mode == Mode::Computed) {
            if attrs.get(a.name).is_some() {
                attrs.insert(a.name, Value::Null);
            }
        }
        Value::Object(attrs)
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

    /// Errors for string attributes set to none of their choices, and the configuration
    /// without those values (null in their place), so that it can still be read and checked.
    pub fn check_choices<'v>(&self, config: &'v Value) -> (Cow<'v, Value>, Diagnostics) {
        let mut diags = Diagnostics::new();
        let mut config = Cow::Borrowed(config);
        for a in self.attributes.iter().filter(|a| !a.choices.is_empty()) {
            let Some(value) = config.get(a.name).as_str() else {
                continue;
            };
            if a.choices.contains(&value) {
                continue;
            }
            diags.push(
                Diagnostic::error(
                    format!("Invalid {}", a.name),
                    format!(
                        "{} must be {}, not {value:?}.",
                        a.name,
                        spelled_choices(a.choices)
                    ),
                )
                .at(a.name),
            );
            if let Value::Object(attrs) = config.to_mut() {
                attrs.insert(a.name, Value::Null);
            }
        }
        (config, diags)
    }
}

/// `"a", "b" or "c"`: the choices as a sentence says them.
pub fn spelled_choices(choices: &[&str]) -> String {
    let quoted: Vec<String> = choices.iter().map(|c| format!("{c:?}")).collect();
    match quoted.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("{} or {last}", rest.join(", ")),
        _ => quoted.concat(),
    }
}

/// The attribute name, among `attributes` and those nested in them, that `key` spells.
fn known_name(attributes: &'static [Attribute], key: &[u8]) -> Option<&'static str> {
    attributes.iter().find_map(|a| {
        if a.name.as_bytes() == key {
            return Some(a.name);
        }
        match a.ty {
            Type::ObjectList(nested) => known_name(nested, key),
            _ => None,
        }
    })
}

/// A resource's identity: the attributes that name one remote object, for import by identity.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdentitySchemaDef {
    pub version: i64,
    pub attributes: &'static [IdentityAttribute],
}

/// One attribute of an identity.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdentityAttribute {
    pub name: &'static str,
    pub ty: Type,
    pub required_for_import: bool,
    pub description: &'static str,
}

impl IdentitySchemaDef {
    pub fn to_proto(&self) -> ResourceIdentitySchema {
        ResourceIdentitySchema {
            version: self.version,
            identity_attributes: self
                .attributes
                .iter()
                .map(|a| resource_identity_schema::IdentityAttribute {
                    name: a.name.to_owned(),
                    r#type: a.ty.json().into(),
                    required_for_import: a.required_for_import,
                    optional_for_import: !a.required_for_import,
                    description: a.description.to_owned(),
                })
                .collect(),
        }
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

    #[test]
    fn read_only_attributes_are_left_out_of_configuration() {
        let def = SchemaDef {
            version: 0,
            description: "d",
            attributes: ATTRS,
        };
        let state = Value::object([
            ("a", Value::from("x")),
            ("b", Value::from(3)),
            ("c", Value::from("y")),
        ]);
        assert_eq!(
            def.without_read_only(state),
            Value::object([
                ("a", Value::from("x")),
                ("b", Value::Null),
                ("c", Value::from("y"))
            ]),
            "computed-only goes, optional-computed stays"
        );
        assert_eq!(def.without_read_only(Value::Null), Value::Null);
    }
}
