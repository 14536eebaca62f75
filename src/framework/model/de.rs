//! Reading a [`Value`] into any `Deserialize` type: objects as structs or maps, lists as
//! sequences, and null or unknown handed to [`Field`](crate::framework::Field) through its
//! marker.

use serde::de::value::StrDeserializer;
use serde::de::{DeserializeSeed, Deserializer, IntoDeserializer, MapAccess, SeqAccess, Visitor};
use serde::forward_to_deserialize_any;

use super::ModelError;
use crate::framework::field::FIELD_MARKER;
use crate::tfproto::value::{Attrs, Number};
use crate::tfproto::Value;

pub struct ValueDeserializer<'a>(pub &'a Value);

impl<'de> Deserializer<'de> for ValueDeserializer<'_> {
    type Error = ModelError;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, ModelError> {
        match self.0 {
            Value::Null => visitor.visit_unit(),
            Value::Unknown => Err(ModelError(
                "the value is not known yet, and this attribute needs it known".into(),
            )),
            Value::Bool(b) => visitor.visit_bool(*b),
            Value::Number(Number::Int(i)) => visitor.visit_i64(*i),
            Value::Number(Number::Float(f)) => visitor.visit_f64(*f),
            Value::String(s) => visitor.visit_str(s),
            Value::List(items) => visitor.visit_seq(Items(items.iter())),
            Value::Object(attrs) => visitor.visit_map(Attributes::new(attrs)),
        }
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, ModelError> {
        match self.0 {
            Value::Null => visitor.visit_none(),
            _ => visitor.visit_some(self),
        }
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        visitor: V,
    ) -> Result<V::Value, ModelError> {
        if name != FIELD_MARKER {
            return visitor.visit_newtype_struct(self);
        }
        match self.0 {
            Value::Null => visitor.visit_none(),
            Value::Unknown => visitor.visit_unit(),
            _ => visitor.visit_some(self),
        }
    }

    /// Enums are strings naming their variant.
    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, ModelError> {
        match self.0 {
            Value::String(s) => {
                let variant: StrDeserializer<'_, ModelError> = s.as_str().into_deserializer();
                visitor.visit_enum(variant)
            }
            _ => self.deserialize_any(visitor),
        }
    }

    /// Attributes a model does not name are skipped, whatever they hold.
    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, ModelError> {
        visitor.visit_unit()
    }

    forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf
        unit unit_struct seq tuple tuple_struct map struct identifier
    }
}

/// The items of a list.
struct Items<'a>(std::slice::Iter<'a, Value>);

impl<'de> SeqAccess<'de> for Items<'_> {
    type Error = ModelError;

    fn next_element_seed<T: DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, ModelError> {
        self.0
            .next()
            .map(|item| seed.deserialize(ValueDeserializer(item)))
            .transpose()
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.0.len())
    }
}

/// The attributes of an object, each value's errors naming its attribute.
struct Attributes<'a> {
    iter: Box<dyn Iterator<Item = (&'a str, &'a Value)> + 'a>,
    current: Option<(&'a str, &'a Value)>,
}

impl<'a> Attributes<'a> {
    fn new(attrs: &'a Attrs) -> Self {
        Attributes {
            iter: Box::new(attrs.iter()),
            current: None,
        }
    }
}

impl<'de> MapAccess<'de> for Attributes<'_> {
    type Error = ModelError;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, ModelError> {
        self.current = self.iter.next();
        match self.current {
            Some((name, _)) => {
                let key: StrDeserializer<'_, ModelError> = name.into_deserializer();
                seed.deserialize(key).map(Some)
            }
            None => Ok(None),
        }
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(
        &mut self,
        seed: V,
    ) -> Result<V::Value, ModelError> {
        let (name, value) = self
            .current
            .take()
            .ok_or_else(|| ModelError("a value was read before its attribute name".into()))?;
        seed.deserialize(ValueDeserializer(value))
            .map_err(|e| e.in_attribute(name))
    }
}
