//! Writing any `Serialize` type as a [`Value`]: structs and maps as objects (struct field names
//! borrowed, not copied), sequences as lists, `None` as null and
//! [`Field::Unknown`](crate::framework::Field) as unknown.

use serde::ser::{Impossible, Serialize, SerializeMap, SerializeSeq, SerializeStruct, Serializer};
use serde::ser::{SerializeTuple, SerializeTupleStruct};

use super::ModelError;
use crate::framework::field::UNKNOWN_MARKER;
use crate::tfproto::value::{Attrs, Name, Number};
use crate::tfproto::Value;

pub struct ValueSerializer;

fn unsupported(what: &str) -> ModelError {
    ModelError(format!("{what} cannot be a Terraform value"))
}

impl Serializer for ValueSerializer {
    type Ok = Value;
    type Error = ModelError;
    type SerializeSeq = ListBuilder;
    type SerializeTuple = ListBuilder;
    type SerializeTupleStruct = ListBuilder;
    type SerializeTupleVariant = Impossible<Value, ModelError>;
    type SerializeMap = ObjectBuilder;
    type SerializeStruct = ObjectBuilder;
    type SerializeStructVariant = Impossible<Value, ModelError>;

    fn serialize_bool(self, v: bool) -> Result<Value, ModelError> {
        Ok(Value::Bool(v))
    }
    fn serialize_i8(self, v: i8) -> Result<Value, ModelError> {
        Ok(Value::from(i64::from(v)))
    }
    fn serialize_i16(self, v: i16) -> Result<Value, ModelError> {
        Ok(Value::from(i64::from(v)))
    }
    fn serialize_i32(self, v: i32) -> Result<Value, ModelError> {
        Ok(Value::from(i64::from(v)))
    }
    fn serialize_i64(self, v: i64) -> Result<Value, ModelError> {
        Ok(Value::from(v))
    }
    fn serialize_u8(self, v: u8) -> Result<Value, ModelError> {
        Ok(Value::from(i64::from(v)))
    }
    fn serialize_u16(self, v: u16) -> Result<Value, ModelError> {
        Ok(Value::from(i64::from(v)))
    }
    fn serialize_u32(self, v: u32) -> Result<Value, ModelError> {
        Ok(Value::from(i64::from(v)))
    }
    fn serialize_u64(self, v: u64) -> Result<Value, ModelError> {
        Ok(i64::try_from(v).map_or(Value::Number(Number::Float(v as f64)), Value::from))
    }
    fn serialize_f32(self, v: f32) -> Result<Value, ModelError> {
        Ok(Value::Number(Number::Float(f64::from(v))))
    }
    fn serialize_f64(self, v: f64) -> Result<Value, ModelError> {
        Ok(Value::Number(Number::Float(v)))
    }
    fn serialize_char(self, v: char) -> Result<Value, ModelError> {
        Ok(Value::String(v.to_string()))
    }
    fn serialize_str(self, v: &str) -> Result<Value, ModelError> {
        Ok(Value::from(v))
    }
    fn serialize_bytes(self, _: &[u8]) -> Result<Value, ModelError> {
        Err(unsupported("raw bytes"))
    }
    fn serialize_none(self) -> Result<Value, ModelError> {
        Ok(Value::Null)
    }
    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<Value, ModelError> {
        value.serialize(self)
    }
    fn serialize_unit(self) -> Result<Value, ModelError> {
        Ok(Value::Null)
    }
    fn serialize_unit_struct(self, name: &'static str) -> Result<Value, ModelError> {
        Ok(if name == UNKNOWN_MARKER {
            Value::Unknown
        } else {
            Value::Null
        })
    }
    /// Enums without data are the strings naming their variant.
    fn serialize_unit_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
    ) -> Result<Value, ModelError> {
        Ok(Value::from(variant))
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        value: &T,
    ) -> Result<Value, ModelError> {
        value.serialize(self)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        _index: u32,
        _variant: &'static str,
        _value: &T,
    ) -> Result<Value, ModelError> {
        Err(unsupported("an enum variant with data"))
    }
    fn serialize_seq(self, len: Option<usize>) -> Result<ListBuilder, ModelError> {
        Ok(ListBuilder(Vec::with_capacity(len.unwrap_or(0))))
    }
    fn serialize_tuple(self, len: usize) -> Result<ListBuilder, ModelError> {
        self.serialize_seq(Some(len))
    }
    fn serialize_tuple_struct(
        self,
        _name: &'static str,
        len: usize,
    ) -> Result<ListBuilder, ModelError> {
        self.serialize_seq(Some(len))
    }
    fn serialize_tuple_variant(
        self,
        _name: &'static str,
        _index: u32,
        _variant: &'static str,
        _len: usize,
    ) -> Result<Self::SerializeTupleVariant, ModelError> {
        Err(unsupported("an enum variant with data"))
    }
    fn serialize_map(self, len: Option<usize>) -> Result<ObjectBuilder, ModelError> {
        Ok(ObjectBuilder::with_capacity(len.unwrap_or(0)))
    }
    fn serialize_struct(
        self,
        _name: &'static str,
        len: usize,
    ) -> Result<ObjectBuilder, ModelError> {
        Ok(ObjectBuilder::with_capacity(len))
    }
    fn serialize_struct_variant(
        self,
        _name: &'static str,
        _index: u32,
        _variant: &'static str,
        _len: usize,
    ) -> Result<Self::SerializeStructVariant, ModelError> {
        Err(unsupported("an enum variant with data"))
    }
}

/// Builds a list, a set or a tuple.
pub struct ListBuilder(Vec<Value>);

impl SerializeSeq for ListBuilder {
    type Ok = Value;
    type Error = ModelError;

    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), ModelError> {
        self.0.push(value.serialize(ValueSerializer)?);
        Ok(())
    }

    fn end(self) -> Result<Value, ModelError> {
        Ok(Value::List(self.0))
    }
}

impl SerializeTuple for ListBuilder {
    type Ok = Value;
    type Error = ModelError;

    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), ModelError> {
        SerializeSeq::serialize_element(self, value)
    }

    fn end(self) -> Result<Value, ModelError> {
        SerializeSeq::end(self)
    }
}

impl SerializeTupleStruct for ListBuilder {
    type Ok = Value;
    type Error = ModelError;

    fn serialize_field<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), ModelError> {
        SerializeSeq::serialize_element(self, value)
    }

    fn end(self) -> Result<Value, ModelError> {
        SerializeSeq::end(self)
    }
}

/// Builds an object or a map.
pub struct ObjectBuilder {
    attrs: Attrs,
    next_key: Option<Name>,
}

impl ObjectBuilder {
    fn with_capacity(n: usize) -> Self {
        ObjectBuilder {
            attrs: Attrs::with_capacity(n),
            next_key: None,
        }
    }
}

impl SerializeStruct for ObjectBuilder {
    type Ok = Value;
    type Error = ModelError;

    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> Result<(), ModelError> {
        let value = value
            .serialize(ValueSerializer)
            .map_err(|e| e.in_attribute(key))?;
        self.attrs.insert(key, value);
        Ok(())
    }

    fn end(self) -> Result<Value, ModelError> {
        Ok(Value::Object(self.attrs))
    }
}

impl SerializeMap for ObjectBuilder {
    type Ok = Value;
    type Error = ModelError;

    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result<(), ModelError> {
        match key.serialize(ValueSerializer)? {
            Value::String(name) => {
                self.next_key = Some(name.into());
                Ok(())
            }
            _ => Err(unsupported("a map key that is not a string")),
        }
    }

    fn serialize_value<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), ModelError> {
        let key = self
            .next_key
            .take()
            .ok_or_else(|| ModelError("a map value came before its key".into()))?;
        let value = value
            .serialize(ValueSerializer)
            .map_err(|e| e.in_attribute(&key))?;
        self.attrs.insert(key, value);
        Ok(())
    }

    fn end(self) -> Result<Value, ModelError> {
        Ok(Value::Object(self.attrs))
    }
}
