//! Terraform values and their wire encodings (`DynamicValue`).
//!
//! Terraform sends values as msgpack, marking values it does not know yet with a msgpack
//! extension (the wholly unknown value is `fixext1` type 0, refined unknowns use type 12 with a
//! payload). Any extension decodes as [`Value::Unknown`]: this provider does not use
//! refinements. Raw state (in `UpgradeResourceState`) arrives as JSON. Values are always sent
//! back as msgpack.

use std::borrow::Cow;

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

/// The attributes of an object, sorted by name, each name once.
///
/// A sorted vector rather than a tree map: objects here have a handful of attributes, and
/// one allocation and a binary search beat a tree's node on every decode (docs/PERFORMANCE.md).
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
        let mut reader = MsgpackReader {
            bytes,
            pos: 0,
            known,
        };
        let value = reader.value(0)?;
        if reader.pos != bytes.len() {
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

/// The static name equal to an object key's bytes, if the decoder's caller knows one.
pub type KnownName<'a> = &'a dyn Fn(&[u8]) -> Option<&'static str>;

/// A strict msgpack reader: every length is checked against the bytes that are left, so
/// hostile input can neither panic it nor make it allocate more than the input's size.
struct MsgpackReader<'a> {
    bytes: &'a [u8],
    pos: usize,
    known: KnownName<'a>,
}

impl<'a> MsgpackReader<'a> {
    fn take(&mut self, n: usize) -> Result<&'a [u8], DecodeError> {
        let end = self
            .pos
            .checked_add(n)
            .filter(|end| *end <= self.bytes.len())
            .ok_or_else(|| DecodeError::Msgpack(format!("truncated at byte {}", self.pos)))?;
        let bytes: &'a [u8] = self.bytes;
        let slice = &bytes[self.pos..end];
        self.pos = end;
        Ok(slice)
    }

    fn uint(&mut self, width: usize) -> Result<u64, DecodeError> {
        Ok(self
            .take(width)?
            .iter()
            .fold(0u64, |acc, b| (acc << 8) | u64::from(*b)))
    }

    fn len(&mut self, width: usize) -> Result<usize, DecodeError> {
        let n = self.uint(width)?;
        usize::try_from(n).map_err(|_| DecodeError::Msgpack("length too large".into()))
    }

    fn string(&mut self, len: usize) -> Result<String, DecodeError> {
        utf8(self.take(len)?).map(str::to_owned)
    }

    /// The length of the string that `marker` starts (binary counts: older encoders sent
    /// strings that way), or `None` when it starts any other kind of value.
    fn string_len(&mut self, marker: u8) -> Result<Option<usize>, DecodeError> {
        Ok(Some(match marker {
            0xa0..=0xbf => usize::from(marker & 0x1f),
            0xc4..=0xc6 => self.len(1 << (marker - 0xc4))?,
            0xd9..=0xdb => self.len(1 << (marker - 0xd9))?,
            _ => return Ok(None),
        }))
    }

    /// An object key: a string, borrowed when it is a known name.
    fn key(&mut self) -> Result<Name, DecodeError> {
        let marker = self.take(1)?[0];
        let len = self.string_len(marker)?.ok_or(DecodeError::NonStringKey)?;
        let bytes = self.take(len)?;
        Ok(match (self.known)(bytes) {
            Some(name) => Cow::Borrowed(name),
            None => Cow::Owned(utf8(bytes)?.to_owned()),
        })
    }

    fn value(&mut self, depth: usize) -> Result<Value, DecodeError> {
        if depth > MAX_DEPTH {
            return Err(DecodeError::TooDeep);
        }
        let marker = self.take(1)?[0];
        if let Some(len) = self.string_len(marker)? {
            return Ok(Value::String(self.string(len)?));
        }
        Ok(match marker {
            0x00..=0x7f => Value::from(i64::from(marker)),
            0xe0..=0xff => Value::from(i64::from(marker as i8)),
            0x80..=0x8f => self.object(usize::from(marker & 0x0f), depth)?,
            0x90..=0x9f => self.list(usize::from(marker & 0x0f), depth)?,
            0xc0 => Value::Null,
            0xc2 => Value::Bool(false),
            0xc3 => Value::Bool(true),
            // Extensions, of any type, are unknown values; refinements are not used.
            0xc7..=0xc9 => {
                let len = self.len(1 << (marker - 0xc7))?;
                self.take(1 + len)?;
                Value::Unknown
            }
            0xd4..=0xd8 => {
                self.take(1 + (1 << (marker - 0xd4)))?;
                Value::Unknown
            }
            0xca => Value::Number(Number::Float(f64::from(f32::from_bits(
                self.uint(4)? as u32
            )))),
            0xcb => Value::Number(Number::Float(f64::from_bits(self.uint(8)?))),
            0xcc..=0xcf => {
                let n = self.uint(1 << (marker - 0xcc))?;
                match i64::try_from(n) {
                    Ok(i) => Value::from(i),
                    // Above i64::MAX: keep the magnitude.
                    Err(_) => Value::Number(Number::Float(n as f64)),
                }
            }
            0xd0..=0xd3 => {
                let width = 1usize << (marker - 0xd0);
                let raw = self.uint(width)?;
                let shift = 64 - 8 * width as u32;
                Value::from(((raw << shift) as i64) >> shift)
            }
            0xdc | 0xdd => {
                let len = self.len(if marker == 0xdc { 2 } else { 4 })?;
                self.list(len, depth)?
            }
            0xde | 0xdf => {
                let len = self.len(if marker == 0xde { 2 } else { 4 })?;
                self.object(len, depth)?
            }
            // Only the reserved 0xc1 is left: strings were read above.
            _ => {
                return Err(DecodeError::Msgpack(format!(
                    "reserved marker {marker:#04x}"
                )))
            }
        })
    }

    fn list(&mut self, len: usize, depth: usize) -> Result<Value, DecodeError> {
        // Each item takes at least one byte: never reserve more than what is left.
        let mut items = Vec::with_capacity(len.min(self.bytes.len() - self.pos));
        for _ in 0..len {
            items.push(self.value(depth + 1)?);
        }
        Ok(Value::List(items))
    }

    fn object(&mut self, len: usize, depth: usize) -> Result<Value, DecodeError> {
        // Each attribute takes at least two bytes: never reserve more than what is left.
        let mut attrs = Attrs::with_capacity(len.min((self.bytes.len() - self.pos) / 2));
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
