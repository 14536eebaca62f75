//! Typed models: serde-derived structs that stand for a Terraform object (a configuration, a
//! plan, a state or an identity), converted to and from protocol [`Value`]s here so that a
//! resource never handles msgpack or untyped trees. Attributes that may be null or unknown are
//! [`Field`](super::Field)s.

mod de;
mod ser;

use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::tfproto::Value;

/// A typed Terraform object.
pub trait Model: Serialize + DeserializeOwned + Send + Sync + 'static {}

impl<T: Serialize + DeserializeOwned + Send + Sync + 'static> Model for T {}

/// Why a value and a model did not fit each other.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct ModelError(String);

impl serde::de::Error for ModelError {
    fn custom<T: std::fmt::Display>(msg: T) -> Self {
        ModelError(msg.to_string())
    }
}

impl serde::ser::Error for ModelError {
    fn custom<T: std::fmt::Display>(msg: T) -> Self {
        ModelError(msg.to_string())
    }
}

impl ModelError {
    /// The same error, said of the attribute `name`.
    fn in_attribute(self, name: &str) -> Self {
        ModelError(format!("attribute {name:?}: {}", self.0))
    }
}

/// Reads a model from a value.
pub fn from_value<M: DeserializeOwned>(value: &Value) -> Result<M, ModelError> {
    M::deserialize(de::ValueDeserializer(value))
}

/// Writes a model as a value.
pub fn to_value<M: Serialize>(model: &M) -> Result<Value, ModelError> {
    model.serialize(ser::ValueSerializer)
}

#[cfg(test)]
mod tests;
