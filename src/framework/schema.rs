//! Schemas declared on the model: `#[derive(Schema)]` (from the `derive` crate) writes a model's
//! attributes from its fields, and the traits here say what a field's Rust type means to
//! Terraform.
//!
//! Each field carries `#[attr(MODE, description = ..., OPTIONS)]`, where MODE is `required`,
//! `optional`, `computed` or `optional_computed`, and OPTIONS are `sensitive`,
//! `use_state_for_unknown`, `requires_replace` and `default = EXPR` (see [`PlanRules`](super::PlanRules)).
//! The derive also gives the model one constant per attribute name (`UserStatusModel::USER_ID`),
//! so diagnostics and plan rules name attributes the compiler knows. A field without a mode or
//! a description, or two names that would make the same constant, fail the build.

use super::Field;
use crate::tfproto::schema::{Attribute, IdentitySchemaDef, SchemaDef, Type};

/// The attributes of a model (or of the objects of a nested list).
pub trait Attributes {
    const ATTRIBUTES: &'static [Attribute];
}

/// A model that is a whole schema: `#[schema(version = N, description = "...")]`.
pub trait Schema: Attributes {
    fn schema() -> &'static SchemaDef;
}

/// A resource identity: `#[derive(Identity)]` with `#[identity(version = N)]`; its fields take
/// only a description and `required_for_import`.
pub trait IdentitySchema {
    fn identity_schema() -> &'static IdentitySchemaDef;
}

/// What a field's Rust type is in Terraform, and the only strings it may be (none: any).
pub trait AttributeType {
    const TYPE: Type;
    const CHOICES: &'static [&'static str] = &[];
}

/// A closed set of strings as a fieldless enum: `#[derive(Choice)]`.
pub trait Choice: Sized + Copy + 'static {
    /// Every value, in declaration order.
    const VALUES: &'static [&'static str];
    fn as_str(self) -> &'static str;
    fn parse(value: &str) -> Option<Self>;
}

impl AttributeType for String {
    const TYPE: Type = Type::String;
}

impl AttributeType for bool {
    const TYPE: Type = Type::Bool;
}

impl AttributeType for i64 {
    const TYPE: Type = Type::Number;
}

impl AttributeType for f64 {
    const TYPE: Type = Type::Number;
}

impl<T: AttributeType> AttributeType for Option<T> {
    const TYPE: Type = T::TYPE;
    const CHOICES: &'static [&'static str] = T::CHOICES;
}

impl<T: AttributeType> AttributeType for Field<T> {
    const TYPE: Type = T::TYPE;
    const CHOICES: &'static [&'static str] = T::CHOICES;
}

/// A list of objects, each a model of its own.
impl<T: Attributes> AttributeType for Vec<T> {
    const TYPE: Type = Type::ObjectList(T::ATTRIBUTES);
}
