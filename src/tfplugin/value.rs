//! Terraform values and their wire encodings (`DynamicValue`).
//!
//! Terraform sends values as msgpack, marking values it does not know yet with a msgpack
//! extension (the wholly unknown value is `fixext1` type 0, refined unknowns use type 12 with a
//! payload). Any extension decodes as [`Value::Unknown`]: this provider does not use
//! refinements. Raw state (in `UpgradeResourceState`) arrives as JSON. Values are always sent
//! back as msgpack.

use std::collections::BTreeMap;

use super::proto::DynamicValue;

/// A Terraform value, decoded without its type (the schema gives meaning to it).
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Null,
    Unknown,
    Bool(bool),
    Number(Number),
    String(String),
    /// A list, set or tuple.
    List(Vec<Value>),
    /// An object or a map, keyed by attribute name.
    Object(BTreeMap<String, Value>),
}

/// A Terraform number: an exact integer where the encoder could send one.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Number {
    Int(i64),
    Float(f64),
}

/// Why bytes could not be read as a Terraform value.
#[derive(Debug, thiserror::Error, PartialEq)]
pub enum DecodeError {
    #[error("malformed msgpack value: {0}")]
    Msgpack(String),
    #[error("malformed JSON value: {0}")]
    Json(String),
    #[error("object keys must be strings")]
    NonStringKey,
    #[error("{0} is not a number Terraform can send")]
    BadNumber(String),
    #[error("unexpected trailing bytes after the value")]
    TrailingBytes,
    #[error("the value is nested deeper than {MAX_DEPTH} levels")]
    TooDeep,
}

/// Deeper nesting than any real schema produces; a guard against hostile input.
const MAX_DEPTH: usize = 64;

/// The bytes of the wholly unknown value: fixext1, extension type 0, payload 0.
const UNKNOWN_EXT_TYPE: i8 = 0;

impl Value {
    /// Decodes a `DynamicValue`, preferring msgpack; an empty message is null.
    pub fn from_dynamic(dv: &DynamicValue) -> Result<Value, DecodeError> {
        if !dv.msgpack.is_empty() {
            Value::from_msgpack(&dv.msgpack)
        } else if !dv.json.is_empty() {
            Value::from_json(&dv.json)
        } else {
            Ok(Value::Null)
        }
    }

    /// Decodes one msgpack value that must fill `bytes` exactly.
    pub fn from_msgpack(bytes: &[u8]) -> Result<Value, DecodeError> {
        let mut reader = bytes;
        let raw =
            rmpv::decode::read_value_with_max_depth(&mut reader, MAX_DEPTH).map_err(
                |e| match e {
                    rmpv::decode::Error::DepthLimitExceeded => DecodeError::TooDeep,
                    other => DecodeError::Msgpack(other.to_string()),
                },
            )?;
        if !reader.is_empty() {
            return Err(DecodeError::TrailingBytes);
        }
        from_rmpv(raw)
    }

    /// Decodes JSON as Terraform writes state: numbers, strings, bools, arrays, objects, null.
    pub fn from_json(bytes: &[u8]) -> Result<Value, DecodeError> {
        let json: serde_json::Value =
            serde_json::from_slice(bytes).map_err(|e| DecodeError::Json(e.to_string()))?;
        from_json_value(json, 0)
    }

    /// Encodes as msgpack, the form Terraform expects in every response.
    pub fn to_msgpack(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(64);
        write_msgpack(self, &mut out);
        out
    }

    /// Wraps the msgpack encoding in a `DynamicValue`.
    pub fn to_dynamic(&self) -> DynamicValue {
        DynamicValue {
            msgpack: self.to_msgpack(),
            json: Vec::new(),
        }
    }

    pub fn is_null(&self) -> bool {
        matches!(self, Value::Null)
    }

    pub fn is_unknown(&self) -> bool {
        matches!(self, Value::Unknown)
    }

    /// True when neither this value nor anything inside it is unknown.
    pub fn is_wholly_known(&self) -> bool {
        match self {
            Value::Unknown => false,
            Value::List(items) => items.iter().all(Value::is_wholly_known),
            Value::Object(attrs) => attrs.values().all(Value::is_wholly_known),
            _ => true,
        }
    }

    /// The attribute `name` of an object; null for anything else or a missing attribute.
    pub fn get(&self, name: &str) -> &Value {
        match self {
            Value::Object(attrs) => attrs.get(name).unwrap_or(&Value::Null),
            _ => &Value::Null,
        }
    }

    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::String(s) => Some(s),
            _ => None,
        }
    }

    pub fn as_bool(&self) -> Option<bool> {
        match self {
            Value::Bool(b) => Some(*b),
            _ => None,
        }
    }

    /// The number as an integer, if it is one (a float with no fraction counts).
    pub fn as_i64(&self) -> Option<i64> {
        match self {
            Value::Number(Number::Int(i)) => Some(*i),
            Value::Number(Number::Float(f))
                if f.fract() == 0.0 && *f >= i64::MIN as f64 && *f <= i64::MAX as f64 =>
            {
                Some(*f as i64)
            }
            _ => None,
        }
    }

    /// Builds an object from `(name, value)` pairs.
    pub fn object<I, K>(attrs: I) -> Value
    where
        I: IntoIterator<Item = (K, Value)>,
        K: Into<String>,
    {
        Value::Object(attrs.into_iter().map(|(k, v)| (k.into(), v)).collect())
    }

    /// A string value, or null for `None`.
    pub fn opt_string(s: Option<impl Into<String>>) -> Value {
        s.map_or(Value::Null, |s| Value::String(s.into()))
    }
}

impl From<&str> for Value {
    fn from(s: &str) -> Value {
        Value::String(s.to_owned())
    }
}

impl From<String> for Value {
    fn from(s: String) -> Value {
        Value::String(s)
    }
}

impl From<bool> for Value {
    fn from(b: bool) -> Value {
        Value::Bool(b)
    }
}

impl From<i64> for Value {
    fn from(i: i64) -> Value {
        Value::Number(Number::Int(i))
    }
}

fn from_rmpv(raw: rmpv::Value) -> Result<Value, DecodeError> {
    Ok(match raw {
        rmpv::Value::Nil => Value::Null,
        rmpv::Value::Boolean(b) => Value::Bool(b),
        rmpv::Value::Integer(i) => match i.as_i64() {
            Some(v) => Value::Number(Number::Int(v)),
            // Only u64 above i64::MAX lands here; keep its magnitude as a float.
            None => Value::Number(Number::Float(i.as_f64().unwrap_or(f64::NAN))),
        },
        rmpv::Value::F32(f) => Value::Number(Number::Float(f64::from(f))),
        rmpv::Value::F64(f) => Value::Number(Number::Float(f)),
        rmpv::Value::String(s) => match s.into_str() {
            Some(s) => Value::String(s),
            None => return Err(DecodeError::Msgpack("string is not valid UTF-8".into())),
        },
        // Terraform sends numbers too large for float64 as decimal strings, never as binary;
        // binary only appears for strings from older encoders.
        rmpv::Value::Binary(b) => Value::String(
            String::from_utf8(b)
                .map_err(|_| DecodeError::Msgpack("binary is not valid UTF-8".into()))?,
        ),
        rmpv::Value::Array(items) => {
            Value::List(items.into_iter().map(from_rmpv).collect::<Result<_, _>>()?)
        }
        rmpv::Value::Map(entries) => {
            let mut attrs = BTreeMap::new();
            for (k, v) in entries {
                let key = match k {
                    rmpv::Value::String(s) => s.into_str().ok_or(DecodeError::NonStringKey)?,
                    _ => return Err(DecodeError::NonStringKey),
                };
                attrs.insert(key, from_rmpv(v)?);
            }
            Value::Object(attrs)
        }
        // Every extension is an unknown: type 0 plainly, type 12 with refinements we ignore.
        rmpv::Value::Ext(_, _) => Value::Unknown,
    })
}

fn from_json_value(json: serde_json::Value, depth: usize) -> Result<Value, DecodeError> {
    if depth > MAX_DEPTH {
        return Err(DecodeError::TooDeep);
    }
    Ok(match json {
        serde_json::Value::Null => Value::Null,
        serde_json::Value::Bool(b) => Value::Bool(b),
        serde_json::Value::Number(n) => match (n.as_i64(), n.as_f64()) {
            (Some(i), _) => Value::Number(Number::Int(i)),
            (None, Some(f)) => Value::Number(Number::Float(f)),
            _ => return Err(DecodeError::BadNumber(n.to_string())),
        },
        serde_json::Value::String(s) => Value::String(s),
        serde_json::Value::Array(items) => Value::List(
            items
                .into_iter()
                .map(|v| from_json_value(v, depth + 1))
                .collect::<Result<_, _>>()?,
        ),
        serde_json::Value::Object(map) => Value::Object(
            map.into_iter()
                .map(|(k, v)| Ok((k, from_json_value(v, depth + 1)?)))
                .collect::<Result<_, DecodeError>>()?,
        ),
    })
}

fn write_msgpack(value: &Value, out: &mut Vec<u8>) {
    // Writing into a Vec cannot fail; the results are io::Result only by signature.
    match value {
        Value::Null => {
            let _ = rmp::encode::write_nil(out);
        }
        Value::Unknown => {
            let _ = rmp::encode::write_ext_meta(out, 1, UNKNOWN_EXT_TYPE);
            out.push(0);
        }
        Value::Bool(b) => {
            let _ = rmp::encode::write_bool(out, *b);
        }
        Value::Number(Number::Int(i)) => {
            let _ = rmp::encode::write_sint(out, *i);
        }
        Value::Number(Number::Float(f)) => {
            let _ = rmp::encode::write_f64(out, *f);
        }
        Value::String(s) => {
            let _ = rmp::encode::write_str(out, s);
        }
        Value::List(items) => {
            let _ = rmp::encode::write_array_len(out, items.len() as u32);
            for item in items {
                write_msgpack(item, out);
            }
        }
        Value::Object(attrs) => {
            let _ = rmp::encode::write_map_len(out, attrs.len() as u32);
            for (k, v) in attrs {
                let _ = rmp::encode::write_str(out, k);
                write_msgpack(v, out);
            }
        }
    }
}

#[cfg(test)]
mod tests;
