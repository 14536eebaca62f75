//! Terraform values and their wire encodings (`DynamicValue`).
//!
//! Terraform sends values as msgpack, marking values it does not know yet with a msgpack
//! extension (the wholly unknown value is `fixext1` type 0, refined unknowns use type 12 with a
//! payload). Any extension decodes as [`Value::Unknown`]: this provider does not use
//! refinements. Raw state (in `UpgradeResourceState`) arrives as JSON. Values are always sent
//! back as msgpack.

use std::borrow::Cow;

use rmp::{decode, Marker};

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
    Object(Attrs),
}

/// An attribute name: borrowed when a provider builds an object from names it knows, owned
/// when decoded, so building state and plans allocates no names.
pub type Name = Cow<'static, str>;

/// The attributes of an object, sorted by name, each name once: a sorted vector, since objects
/// here have a handful of attributes.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Attrs(Vec<(Name, Value)>);

impl Attrs {
    pub fn with_capacity(n: usize) -> Attrs {
        Attrs(Vec::with_capacity(n))
    }

    pub fn get(&self, name: &str) -> Option<&Value> {
        self.position(name).ok().map(|i| &self.0[i].1)
    }

    /// Sets `name` to `value`; returns the value it replaces.
    pub fn insert(&mut self, name: impl Into<Name>, value: Value) -> Option<Value> {
        let name = name.into();
        // Terraform sends attributes sorted, so the common case appends.
        if self.0.last().is_none_or(|(last, _)| *last < name) {
            self.0.push((name, value));
            return None;
        }
        match self.position(&name) {
            Ok(i) => Some(std::mem::replace(&mut self.0[i].1, value)),
            Err(i) => {
                self.0.insert(i, (name, value));
                None
            }
        }
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The attributes in name order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &Value)> {
        self.0.iter().map(|(k, v)| (k.as_ref(), v))
    }

    pub fn values(&self) -> impl Iterator<Item = &Value> {
        self.0.iter().map(|(_, v)| v)
    }

    fn position(&self, name: &str) -> Result<usize, usize> {
        self.0.binary_search_by(|(k, _)| k.as_ref().cmp(name))
    }
}

/// Later pairs win over earlier ones with the same name, as in a map.
impl<K: Into<Name>> FromIterator<(K, Value)> for Attrs {
    fn from_iter<I: IntoIterator<Item = (K, Value)>>(pairs: I) -> Attrs {
        let pairs = pairs.into_iter();
        let mut attrs = Attrs::with_capacity(pairs.size_hint().0);
        for (k, v) in pairs {
            attrs.insert(k, v);
        }
        attrs
    }
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
        Value::from_dynamic_naming(dv, &|_| None)
    }

    /// Like [`Value::from_dynamic`], but object keys that `known` names (a schema's attribute
    /// names) borrow that name instead of allocating one: most of the keys Terraform sends.
    pub fn from_dynamic_naming(dv: &DynamicValue, known: KnownName) -> Result<Value, DecodeError> {
        if !dv.msgpack.is_empty() {
            Value::decode_msgpack(&dv.msgpack, known)
        } else if !dv.json.is_empty() {
            Value::from_json(&dv.json)
        } else {
            Ok(Value::Null)
        }
    }

    /// Decodes one msgpack value that must fill `bytes` exactly.
    pub fn from_msgpack(bytes: &[u8]) -> Result<Value, DecodeError> {
        Value::decode_msgpack(bytes, &|_| None)
    }

    fn decode_msgpack(bytes: &[u8], known: KnownName) -> Result<Value, DecodeError> {
        let mut reader = MsgpackReader::new(bytes, known);
        let value = reader.value(0)?;
        if !reader.rest.is_empty() {
            return Err(DecodeError::TrailingBytes);
        }
        Ok(value)
    }

    /// Decodes JSON as Terraform writes state: numbers, strings, bools, arrays, objects, null.
    pub fn from_json(bytes: &[u8]) -> Result<Value, DecodeError> {
        let json: serde_json::Value =
            serde_json::from_slice(bytes).map_err(|e| DecodeError::Json(e.to_string()))?;
        from_json_value(json, 0)
    }

    /// Encodes as msgpack, the form Terraform expects in every response.
    pub fn to_msgpack(&self) -> Vec<u8> {
        // Room for a typical resource's state without growing.
        let mut out = Vec::with_capacity(256);
        write_msgpack(self, &mut out);
        out
    }

    /// Wraps the msgpack encoding in a `DynamicValue`.
    pub fn to_dynamic(&self) -> DynamicValue {
        DynamicValue {
            msgpack: self.to_msgpack().into(),
            json: bytes::Bytes::new(),
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
        K: Into<Name>,
    {
        Value::Object(attrs.into_iter().collect())
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

/// The static name equal to an object key's bytes, if the decoder's caller knows one.
pub type KnownName<'a> = &'a dyn Fn(&[u8]) -> Option<&'static str>;

/// A strict msgpack reader on `rmp::decode`: each value's marker is looked at, then the value
/// is read by rmp's reader for that kind. Every length is checked against the bytes left before
/// anything is allocated for it, so hostile input can neither panic it nor make it allocate
/// more than the input's size.
struct MsgpackReader<'a> {
    /// The bytes not read yet.
    rest: &'a [u8],
    /// The input's length, to say at which byte an error is.
    len: usize,
    known: KnownName<'a>,
}

impl<'a> MsgpackReader<'a> {
    fn new(bytes: &'a [u8], known: KnownName<'a>) -> MsgpackReader<'a> {
        MsgpackReader {
            rest: bytes,
            len: bytes.len(),
            known,
        }
    }

    /// The offset of the next byte to read.
    fn at(&self) -> usize {
        self.len - self.rest.len()
    }

    fn truncated(&self) -> DecodeError {
        DecodeError::Msgpack(format!("truncated at byte {}", self.at()))
    }

    /// The next value's marker, left in place: rmp's readers read it again.
    fn peek(&self) -> Result<Marker, DecodeError> {
        match self.rest.first() {
            Some(byte) => Ok(Marker::from_u8(*byte)),
            None => Err(self.truncated()),
        }
    }

    /// Runs one of rmp's readers on the bytes left, saying at which byte it failed.
    fn read<T, E: std::fmt::Display>(
        &mut self,
        read: impl FnOnce(&mut &'a [u8]) -> Result<T, E>,
    ) -> Result<T, DecodeError> {
        let at = self.at();
        read(&mut self.rest).map_err(|e| DecodeError::Msgpack(format!("{e} at byte {at}")))
    }

    /// The next `len` bytes, borrowed from the input once they are known to be there.
    fn take(&mut self, len: u32) -> Result<&'a [u8], DecodeError> {
        let split = usize::try_from(len)
            .ok()
            .and_then(|len| self.rest.split_at_checked(len));
        let (taken, rest) = split.ok_or_else(|| self.truncated())?;
        self.rest = rest;
        Ok(taken)
    }

    /// The bytes of the string that `marker` starts (binary counts: older encoders sent
    /// strings that way), or `None` when it starts any other kind of value.
    fn string_bytes(&mut self, marker: Marker) -> Result<Option<&'a [u8]>, DecodeError> {
        let len = match marker {
            Marker::FixStr(_) | Marker::Str8 | Marker::Str16 | Marker::Str32 => {
                self.read(decode::read_str_len)?
            }
            Marker::Bin8 | Marker::Bin16 | Marker::Bin32 => self.read(decode::read_bin_len)?,
            _ => return Ok(None),
        };
        self.take(len).map(Some)
    }

    /// An object key: a string, borrowed when it is a known name.
    fn key(&mut self) -> Result<Name, DecodeError> {
        let marker = self.peek()?;
        let bytes = self
            .string_bytes(marker)?
            .ok_or(DecodeError::NonStringKey)?;
        Ok(match (self.known)(bytes) {
            Some(name) => Cow::Borrowed(name),
            None => Cow::Owned(utf8(bytes)?.to_owned()),
        })
    }

    fn value(&mut self, depth: usize) -> Result<Value, DecodeError> {
        if depth > MAX_DEPTH {
            return Err(DecodeError::TooDeep);
        }
        let marker = self.peek()?;
        if let Some(bytes) = self.string_bytes(marker)? {
            return Ok(Value::String(utf8(bytes)?.to_owned()));
        }
        Ok(match marker {
            Marker::Null => {
                self.read(decode::read_nil)?;
                Value::Null
            }
            Marker::True | Marker::False => Value::Bool(self.read(decode::read_bool)?),
            Marker::FixPos(_)
            | Marker::FixNeg(_)
            | Marker::U8
            | Marker::U16
            | Marker::U32
            | Marker::I8
            | Marker::I16
            | Marker::I32
            | Marker::I64 => Value::from(self.read(decode::read_int::<i64, _>)?),
            Marker::U64 => {
                let n = self.read(decode::read_u64)?;
                match i64::try_from(n) {
                    Ok(i) => Value::from(i),
                    // Above i64::MAX: keep the magnitude.
                    Err(_) => Value::Number(Number::Float(n as f64)),
                }
            }
            Marker::F32 => Value::Number(Number::Float(f64::from(self.read(decode::read_f32)?))),
            Marker::F64 => Value::Number(Number::Float(self.read(decode::read_f64)?)),
            Marker::FixArray(_) | Marker::Array16 | Marker::Array32 => {
                let len = self.read(decode::read_array_len)?;
                self.list(len, depth)?
            }
            Marker::FixMap(_) | Marker::Map16 | Marker::Map32 => {
                let len = self.read(decode::read_map_len)?;
                self.object(len, depth)?
            }
            // Extensions, of any type, are unknown values; refinements are not used.
            Marker::FixExt1
            | Marker::FixExt2
            | Marker::FixExt4
            | Marker::FixExt8
            | Marker::FixExt16
            | Marker::Ext8
            | Marker::Ext16
            | Marker::Ext32 => {
                let meta = self.read(decode::read_ext_meta)?;
                self.take(meta.size)?;
                Value::Unknown
            }
            // Only the reserved 0xc1 is left: strings were read above.
            _ => {
                return Err(DecodeError::Msgpack(format!(
                    "reserved marker {:#04x} at byte {}",
                    marker.to_u8(),
                    self.at()
                )))
            }
        })
    }

    /// Room for `len` claimed items, never more than the bytes left can hold when each item
    /// takes at least `min_size` bytes.
    fn capacity(&self, len: u32, min_size: usize) -> usize {
        usize::try_from(len)
            .unwrap_or(usize::MAX)
            .min(self.rest.len() / min_size)
    }

    fn list(&mut self, len: u32, depth: usize) -> Result<Value, DecodeError> {
        let mut items = Vec::with_capacity(self.capacity(len, 1));
        for _ in 0..len {
            items.push(self.value(depth + 1)?);
        }
        Ok(Value::List(items))
    }

    fn object(&mut self, len: u32, depth: usize) -> Result<Value, DecodeError> {
        // A key and a value: at least two bytes an attribute.
        let mut attrs = Attrs::with_capacity(self.capacity(len, 2));
        for _ in 0..len {
            let key = self.key()?;
            attrs.insert(key, self.value(depth + 1)?);
        }
        Ok(Value::Object(attrs))
    }
}

fn utf8(bytes: &[u8]) -> Result<&str, DecodeError> {
    std::str::from_utf8(bytes).map_err(|_| DecodeError::Msgpack("string is not valid UTF-8".into()))
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
            for (k, v) in attrs.iter() {
                let _ = rmp::encode::write_str(out, k);
                write_msgpack(v, out);
            }
        }
    }
}

#[cfg(test)]
mod tests;
