//! [`Field`]: one attribute of a typed model, which Terraform may leave null, not know yet, or
//! know.

use std::fmt;
use std::marker::PhantomData;

use serde::de::{Deserialize, Deserializer, Visitor};
use serde::ser::{Serialize, Serializer};

/// The newtype name a [`Field`] deserializes through, so the value deserializer can tell it
/// "unknown" apart from null.
pub(crate) const FIELD_MARKER: &str = "$terraform::Field";
/// The unit struct a [`Field::Unknown`] serializes as.
pub(crate) const UNKNOWN_MARKER: &str = "$terraform::Unknown";

/// An attribute's value as Terraform sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Field<T> {
    #[default]
    Null,
    /// Known only after apply (in a plan), or depending on such a value (in configuration).
    Unknown,
    Known(T),
}

impl<T> Field<T> {
    /// The value, when it is known.
    pub fn known(&self) -> Option<&T> {
        match self {
            Field::Known(v) => Some(v),
            _ => None,
        }
    }

    pub fn is_null(&self) -> bool {
        matches!(self, Field::Null)
    }

    pub fn is_unknown(&self) -> bool {
        matches!(self, Field::Unknown)
    }

    pub fn as_ref(&self) -> Field<&T> {
        match self {
            Field::Null => Field::Null,
            Field::Unknown => Field::Unknown,
            Field::Known(v) => Field::Known(v),
        }
    }

    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> Field<U> {
        match self {
            Field::Null => Field::Null,
            Field::Unknown => Field::Unknown,
            Field::Known(v) => Field::Known(f(v)),
        }
    }

    /// This value, or `default` in its place when null (an optional attribute left out).
    pub fn or_default_to(self, default: T) -> Field<T> {
        match self {
            Field::Null => Field::Known(default),
            other => other,
        }
    }
}

impl Field<String> {
    pub fn as_deref(&self) -> Option<&str> {
        self.known().map(String::as_str)
    }
}

/// `None` is null.
impl<T> From<Option<T>> for Field<T> {
    fn from(value: Option<T>) -> Self {
        value.map_or(Field::Null, Field::Known)
    }
}

impl From<&str> for Field<String> {
    fn from(value: &str) -> Self {
        Field::Known(value.to_owned())
    }
}

impl<T: Serialize> Serialize for Field<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Field::Null => serializer.serialize_none(),
            Field::Unknown => serializer.serialize_unit_struct(UNKNOWN_MARKER),
            Field::Known(v) => serializer.serialize_some(v),
        }
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Field<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_newtype_struct(FIELD_MARKER, FieldVisitor(PhantomData))
    }
}

/// Reads null as `none`, unknown as `unit` (from the value deserializer), anything else as the
/// value; other formats (JSON state) see the newtype and read it as an option.
struct FieldVisitor<T>(PhantomData<T>);

impl<'de, T: Deserialize<'de>> Visitor<'de> for FieldVisitor<T> {
    type Value = Field<T>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a Terraform attribute value")
    }

    fn visit_none<E: serde::de::Error>(self) -> Result<Field<T>, E> {
        Ok(Field::Null)
    }

    fn visit_unit<E: serde::de::Error>(self) -> Result<Field<T>, E> {
        Ok(Field::Unknown)
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<Field<T>, D::Error> {
        T::deserialize(deserializer).map(Field::Known)
    }

    fn visit_newtype_struct<D: Deserializer<'de>>(
        self,
        deserializer: D,
    ) -> Result<Field<T>, D::Error> {
        Option::<T>::deserialize(deserializer).map(Field::from)
    }
}
