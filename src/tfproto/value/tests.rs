//! The codec against byte strings written down from the msgpack spec and Terraform's use of it.

use super::*;

fn obj(pairs: &[(&str, Value)]) -> Value {
    Value::object(pairs.iter().map(|(k, v)| (k.to_string(), v.clone())))
}

#[test]
fn decodes_scalars() {
    assert_eq!(Value::from_msgpack(&[0xc0]), Ok(Value::Null));
    assert_eq!(Value::from_msgpack(&[0xc3]), Ok(Value::Bool(true)));
    assert_eq!(Value::from_msgpack(&[0xc2]), Ok(Value::Bool(false)));
    assert_eq!(Value::from_msgpack(&[0x07]), Ok(Value::from(7)));
    assert_eq!(Value::from_msgpack(&[0xff]), Ok(Value::from(-1)));
    // int64 -2^40
    assert_eq!(
        Value::from_msgpack(&[0xd3, 0xff, 0xff, 0xff, 0x00, 0, 0, 0, 0]),
        Ok(Value::from(-(1i64 << 40)))
    );
    // float64 1.5
    assert_eq!(
        Value::from_msgpack(&[0xcb, 0x3f, 0xf8, 0, 0, 0, 0, 0, 0]),
        Ok(Value::Number(Number::Float(1.5)))
    );
    assert_eq!(
        Value::from_msgpack(&[0xa3, b'a', b'b', b'c']),
        Ok(Value::from("abc"))
    );
}

#[test]
fn every_extension_is_unknown() {
    // The wholly unknown value.
    assert_eq!(Value::from_msgpack(&[0xd4, 0x00, 0x00]), Ok(Value::Unknown));
    // A refined unknown: ext 12 whose payload is the map {1: true} (known not null).
    assert_eq!(
        Value::from_msgpack(&[0xc7, 0x03, 0x0c, 0x81, 0x01, 0xc3]),
        Ok(Value::Unknown)
    );
    // Any other extension type also stands for an unknown.
    assert_eq!(Value::from_msgpack(&[0xd5, 0x05, 1, 2]), Ok(Value::Unknown));
}

#[test]
fn decodes_an_object_with_an_unknown_attribute() {
    // {"enabled": false, "version": <unknown>}
    let mut bytes = vec![0x82, 0xa7];
    bytes.extend_from_slice(b"enabled");
    bytes.push(0xc2);
    bytes.push(0xa7);
    bytes.extend_from_slice(b"version");
    bytes.extend_from_slice(&[0xd4, 0, 0]);
    let value = Value::from_msgpack(&bytes).expect("valid object");
    assert_eq!(value.get("enabled"), &Value::Bool(false));
    assert!(value.get("version").is_unknown());
    assert!(!value.is_wholly_known());
    assert_eq!(value.get("missing"), &Value::Null);
}

#[test]
fn known_keys_are_borrowed_and_decode_like_any_other() {
    let value = obj(&[
        ("enabled", Value::from(true)),
        ("extra", Value::from("x")),
        ("nested", obj(&[("enabled", Value::Null)])),
    ]);
    let bytes = value.to_msgpack();
    let known = |key: &[u8]| (key == b"enabled").then_some("enabled");
    let decoded = Value::decode_msgpack(&bytes, &known).expect("valid object");
    assert_eq!(decoded, value);
    let Value::Object(attrs) = &decoded else {
        panic!("an object decodes as an object")
    };
    let borrowed: Vec<_> = attrs
        .0
        .iter()
        .filter(|(name, _)| matches!(name, Cow::Borrowed(_)))
        .map(|(name, _)| name)
        .collect();
    assert_eq!(borrowed, vec!["enabled"]);
    let Value::Object(nested) = decoded.get("nested") else {
        panic!("a nested object decodes as an object")
    };
    assert!(matches!(nested.0[0].0, Cow::Borrowed("enabled")));
}

#[test]
fn object_keys_must_be_utf8_strings() {
    // {"\xff": null} and {1: null}
    assert!(matches!(
        Value::from_msgpack(&[0x81, 0xa1, 0xff, 0xc0]),
        Err(DecodeError::Msgpack(_))
    ));
    assert_eq!(
        Value::from_msgpack(&[0x81, 0x01, 0xc0]),
        Err(DecodeError::NonStringKey)
    );
    // Binary keys, as older encoders wrote them, are names like any other.
    assert_eq!(
        Value::from_msgpack(&[0x81, 0xc4, 0x01, b'a', 0xc3]),
        Ok(obj(&[("a", Value::from(true))]))
    );
}

#[test]
fn encodes_unknown_as_fixext1_type_zero() {
    assert_eq!(Value::Unknown.to_msgpack(), vec![0xd4, 0x00, 0x00]);
    assert_eq!(Value::Null.to_msgpack(), vec![0xc0]);
    assert_eq!(Value::from(300).to_msgpack(), vec![0xcd, 0x01, 0x2c]);
}

#[test]
fn encodes_objects_with_sorted_keys() {
    let value = obj(&[("b", Value::from(true)), ("a", Value::Null)]);
    assert_eq!(
        value.to_msgpack(),
        vec![0x82, 0xa1, b'a', 0xc0, 0xa1, b'b', 0xc3]
    );
}

#[test]
fn round_trips_nested_values() {
    let value = obj(&[
        ("id", Value::from("x")),
        (
            "list",
            Value::List(vec![Value::from(1), Value::Unknown, Value::Null]),
        ),
        ("n", Value::Number(Number::Float(0.25))),
        ("nested", obj(&[("deep", Value::from(false))])),
    ]);
    assert_eq!(Value::from_msgpack(&value.to_msgpack()), Ok(value));
}

#[test]
fn decodes_json_state() {
    let value = Value::from_json(br#"{"id":"u","enabled":true,"version":3,"ratio":0.5,"x":null}"#)
        .expect("valid JSON");
    assert_eq!(value.get("id").as_str(), Some("u"));
    assert_eq!(value.get("enabled").as_bool(), Some(true));
    assert_eq!(value.get("version").as_i64(), Some(3));
    assert_eq!(value.get("ratio"), &Value::Number(Number::Float(0.5)));
    assert!(value.get("x").is_null());
}

#[test]
fn dynamic_value_prefers_msgpack_and_treats_empty_as_null() {
    let dv = DynamicValue {
        msgpack: vec![0xc3].into(),
        json: b"false".to_vec().into(),
    };
    assert_eq!(Value::from_dynamic(&dv), Ok(Value::Bool(true)));
    assert_eq!(
        Value::from_dynamic(&DynamicValue::default()),
        Ok(Value::Null)
    );
    let json_only = DynamicValue {
        msgpack: Default::default(),
        json: b"{\"a\":1}".to_vec().into(),
    };
    assert_eq!(
        Value::from_dynamic(&json_only),
        Ok(obj(&[("a", Value::from(1))]))
    );
}

#[test]
fn malformed_input_is_an_error_not_a_panic() {
    // Truncated str8 header.
    assert!(matches!(
        Value::from_msgpack(&[0xd9]),
        Err(DecodeError::Msgpack(_))
    ));
    // A map claiming one entry with none present.
    assert!(matches!(
        Value::from_msgpack(&[0x81]),
        Err(DecodeError::Msgpack(_))
    ));
    // Reserved marker 0xc1.
    assert!(Value::from_msgpack(&[0xc1]).is_err());
    // Empty input when msgpack is expected.
    assert!(Value::from_msgpack(&[]).is_err());
    // Two values where one is expected.
    assert_eq!(
        Value::from_msgpack(&[0xc0, 0xc0]),
        Err(DecodeError::TrailingBytes)
    );
    // A map with an integer key.
    assert_eq!(
        Value::from_msgpack(&[0x81, 0x01, 0x02]),
        Err(DecodeError::NonStringKey)
    );
    // Invalid UTF-8 in a string.
    assert!(Value::from_msgpack(&[0xa1, 0xff]).is_err());
    assert!(matches!(
        Value::from_json(b"{\"a\":"),
        Err(DecodeError::Json(_))
    ));
}

#[test]
fn hostile_nesting_is_refused() {
    let bytes = vec![0x91; 10_000];
    assert!(Value::from_msgpack(&bytes).is_err());
    let json = format!("{}{}", "[".repeat(200), "]".repeat(200));
    assert!(Value::from_json(json.as_bytes()).is_err());
}

#[test]
fn integers_read_from_floats_only_when_whole() {
    assert_eq!(Value::Number(Number::Float(4.0)).as_i64(), Some(4));
    assert_eq!(Value::Number(Number::Float(4.5)).as_i64(), None);
    assert_eq!(Value::from("4").as_i64(), None);
}

mod fuzz {
    //! Property tests standing in for a fuzzer: arbitrary bytes never panic the decoders, and
    //! every value the encoder writes reads back the same.
    use super::*;
    use proptest::prelude::*;

    fn value() -> impl Strategy<Value = Value> {
        let leaf = prop_oneof![
            Just(Value::Null),
            Just(Value::Unknown),
            any::<bool>().prop_map(Value::Bool),
            any::<i64>().prop_map(Value::from),
            (-1e12f64..1e12).prop_map(|f| Value::Number(Number::Float(f))),
            ".{0,20}".prop_map(Value::String),
        ];
        leaf.prop_recursive(4, 48, 6, |inner| {
            prop_oneof![
                proptest::collection::vec(inner.clone(), 0..6).prop_map(Value::List),
                proptest::collection::btree_map("[a-z_]{1,8}", inner, 0..6)
                    .prop_map(|attrs| Value::Object(attrs.into_iter().collect())),
            ]
        })
    }

    proptest! {
        #[test]
        fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..256)) {
            let _ = Value::from_msgpack(&bytes);
            let _ = Value::from_json(&bytes);
        }

        #[test]
        fn msgpack_shaped_bytes_never_panic(
            head in prop_oneof![Just(0x80u8), Just(0x90), Just(0xdc), Just(0xde), Just(0xc7), Just(0xd4), Just(0xd9)],
            tail in proptest::collection::vec(any::<u8>(), 0..64),
        ) {
            let mut bytes = vec![head];
            bytes.extend(tail);
            let _ = Value::from_msgpack(&bytes);
        }

        #[test]
        fn encoded_values_decode_to_themselves(v in value()) {
            prop_assert_eq!(Value::from_msgpack(&v.to_msgpack()), Ok(v));
        }
    }
}

#[test]
fn attrs_stay_sorted_and_unique_whatever_the_insertion_order() {
    let mut attrs = Attrs::default();
    assert_eq!(attrs.insert("b", Value::from(2)), None);
    assert_eq!(attrs.insert("a".to_owned(), Value::from(1)), None);
    assert_eq!(attrs.insert("c", Value::from(3)), None);
    assert_eq!(attrs.insert("b", Value::from(20)), Some(Value::from(2)));
    let names: Vec<&str> = attrs.iter().map(|(k, _)| k).collect();
    assert_eq!(names, ["a", "b", "c"]);
    assert_eq!(attrs.get("b"), Some(&Value::from(20)));
    assert_eq!(attrs.get("d"), None);
    assert_eq!(attrs.len(), 3);
}

#[test]
fn attrs_built_from_pairs_keep_the_last_value_of_a_name() {
    let attrs: Attrs = [
        ("x", Value::from(1)),
        ("a", Value::Null),
        ("x", Value::from(2)),
    ]
    .into_iter()
    .collect();
    assert_eq!(attrs.len(), 2);
    assert_eq!(attrs.get("x"), Some(&Value::from(2)));
    // Equal maps compare equal however they were built.
    let other: Attrs = [("a", Value::Null), ("x", Value::from(2))]
        .into_iter()
        .collect();
    assert_eq!(attrs, other);
}

mod forms;
