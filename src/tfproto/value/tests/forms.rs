//! The reader against every msgpack form at each of its widths, written down byte by byte from
//! the spec, and against lengths and nesting that hostile input could claim.

use super::*;

/// `[<value>, true]`: the `true` reads back only if `value` took exactly its own bytes.
fn pair_with_true(value: &[u8]) -> Vec<u8> {
    let mut bytes = vec![0x92];
    bytes.extend_from_slice(value);
    bytes.push(0xc3);
    bytes
}

fn is_malformed(result: Result<Value, DecodeError>) -> bool {
    matches!(result, Err(DecodeError::Msgpack(_)))
}

#[test]
fn every_extension_width_is_skipped_as_an_unknown() {
    // (header before the type byte, payload length): fixext1..16, ext8, ext16, ext32.
    let widths: [(&[u8], usize); 8] = [
        (&[0xd4], 1),
        (&[0xd5], 2),
        (&[0xd6], 4),
        (&[0xd7], 8),
        (&[0xd8], 16),
        (&[0xc7, 0x03], 3),
        (&[0xc8, 0x01, 0x2c], 300),
        (&[0xc9, 0x00, 0x01, 0x11, 0x70], 70_000),
    ];
    for (header, len) in widths {
        let mut ext = header.to_vec();
        ext.push(0x0c);
        // Payload bytes are the reserved marker: reading any of them as a value fails.
        ext.resize(ext.len() + len, 0xc1);
        assert_eq!(
            Value::from_msgpack(&pair_with_true(&ext)),
            Ok(Value::List(vec![Value::Unknown, Value::Bool(true)])),
            "extension header {header:02x?}"
        );
        ext.pop();
        assert!(
            is_malformed(Value::from_msgpack(&ext)),
            "a payload one byte short, header {header:02x?}"
        );
    }
    // An empty ext8 payload is an unknown too.
    assert_eq!(Value::from_msgpack(&[0xc7, 0x00, 0x05]), Ok(Value::Unknown));
}

#[test]
fn strings_and_binaries_read_as_strings_at_every_width() {
    let forms: [&[u8]; 6] = [
        &[0xd9, 0x03],
        &[0xda, 0x00, 0x03],
        &[0xdb, 0x00, 0x00, 0x00, 0x03],
        &[0xc4, 0x03],
        &[0xc5, 0x00, 0x03],
        &[0xc6, 0x00, 0x00, 0x00, 0x03],
    ];
    for header in forms {
        let mut string = header.to_vec();
        string.extend_from_slice(b"abc");
        assert_eq!(
            Value::from_msgpack(&pair_with_true(&string)),
            Ok(Value::List(vec![Value::from("abc"), Value::Bool(true)])),
            "string header {header:02x?}"
        );
        // The same length over bytes that are not UTF-8.
        let mut invalid = header.to_vec();
        invalid.extend_from_slice(&[b'a', 0xff, b'c']);
        assert!(
            is_malformed(Value::from_msgpack(&invalid)),
            "invalid UTF-8 after header {header:02x?}"
        );
    }
}

#[test]
fn binary_keys_borrow_known_names_too() {
    let known = |key: &[u8]| (key == b"a").then_some("a");
    let decoded = Value::decode_msgpack(&[0x81, 0xc4, 0x01, b'a', 0xc3], &known);
    let Ok(Value::Object(attrs)) = decoded else {
        panic!("an object decodes as an object: {decoded:?}")
    };
    assert!(matches!(
        attrs.0[..],
        [(Cow::Borrowed("a"), Value::Bool(true))]
    ));
}

#[test]
fn numbers_read_at_every_width() {
    let int = |i: i64| Ok(Value::from(i));
    let float = |f: f64| Ok(Value::Number(Number::Float(f)));
    let cases: [(&[u8], Result<Value, DecodeError>); 13] = [
        (&[0x7f], int(127)),
        (&[0xe0], int(-32)),
        (&[0xcc, 0xff], int(255)),
        (&[0xcd, 0xff, 0xff], int(65_535)),
        (&[0xce, 0xff, 0xff, 0xff, 0xff], int(4_294_967_295)),
        (
            &[0xcf, 0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff],
            int(i64::MAX),
        ),
        // Above i64::MAX the magnitude is kept as a float.
        (
            &[0xcf, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff],
            float(u64::MAX as f64),
        ),
        (&[0xd0, 0x80], int(-128)),
        (&[0xd1, 0x80, 0x00], int(-32_768)),
        (&[0xd2, 0x80, 0x00, 0x00, 0x00], int(-2_147_483_648)),
        (&[0xd3, 0x80, 0, 0, 0, 0, 0, 0, 0], int(i64::MIN)),
        (&[0xca, 0x3f, 0xc0, 0x00, 0x00], float(1.5)),
        (&[0xcb, 0xbf, 0xf8, 0, 0, 0, 0, 0, 0], float(-1.5)),
    ];
    for (bytes, expected) in cases {
        assert_eq!(Value::from_msgpack(bytes), expected, "bytes {bytes:02x?}");
        // Each width takes exactly its own bytes, and one short is an error.
        assert_eq!(
            Value::from_msgpack(&pair_with_true(bytes)),
            expected.map(|v| Value::List(vec![v, Value::Bool(true)])),
        );
        if bytes.len() > 1 {
            assert!(is_malformed(Value::from_msgpack(&bytes[..bytes.len() - 1])));
        }
    }
}

#[test]
fn lists_and_objects_read_at_every_width() {
    let list = Ok(Value::List(vec![Value::from(1), Value::from(2)]));
    for header in [&[0x92][..], &[0xdc, 0x00, 0x02], &[0xdd, 0, 0, 0, 0x02]] {
        let mut bytes = header.to_vec();
        bytes.extend_from_slice(&[0x01, 0x02]);
        assert_eq!(
            Value::from_msgpack(&bytes),
            list,
            "list header {header:02x?}"
        );
    }
    let object = Ok(obj(&[("a", Value::from(1))]));
    for header in [&[0x81][..], &[0xde, 0x00, 0x01], &[0xdf, 0, 0, 0, 0x01]] {
        let mut bytes = header.to_vec();
        bytes.extend_from_slice(&[0xa1, b'a', 0x01]);
        assert_eq!(
            Value::from_msgpack(&bytes),
            object,
            "map header {header:02x?}"
        );
    }
}

#[test]
fn claimed_lengths_beyond_the_input_are_refused_without_allocating_them() {
    // Each claims 2^32 - 1 elements or bytes over a few real ones: reserving the claim would
    // abort the process rather than fail the decode.
    let claims: [&[u8]; 5] = [
        &[0xdd, 0xff, 0xff, 0xff, 0xff, 0xc0, 0xc0],
        &[0xdf, 0xff, 0xff, 0xff, 0xff, 0xa1, b'a', 0xc0],
        &[0xdb, 0xff, 0xff, 0xff, 0xff, b'a', b'b'],
        &[0xc6, 0xff, 0xff, 0xff, 0xff, b'a', b'b'],
        &[0xc9, 0xff, 0xff, 0xff, 0xff, 0x00, 0x00],
    ];
    for bytes in claims {
        assert!(
            is_malformed(Value::from_msgpack(bytes)),
            "bytes {bytes:02x?}"
        );
    }
}

#[test]
fn nesting_is_allowed_to_max_depth_and_refused_beyond() {
    // MAX_DEPTH lists (or objects) around a null, then one more.
    let nested = |depth: usize, wrapper: &[u8]| {
        let mut bytes = wrapper.repeat(depth);
        bytes.push(0xc0);
        Value::from_msgpack(&bytes)
    };
    for wrapper in [&[0x91][..], &[0x81, 0xa1, b'a']] {
        assert!(nested(MAX_DEPTH, wrapper).is_ok(), "wrapper {wrapper:02x?}");
        assert_eq!(
            nested(MAX_DEPTH + 1, wrapper),
            Err(DecodeError::TooDeep),
            "wrapper {wrapper:02x?}"
        );
    }
}

#[test]
fn keys_of_any_other_kind_are_refused() {
    // Keys that are null, true, a float, a list, an object and an extension.
    let keys: [&[u8]; 6] = [
        &[0xc0],
        &[0xc3],
        &[0xcb, 0, 0, 0, 0, 0, 0, 0, 0],
        &[0x90],
        &[0x80],
        &[0xd4, 0x00, 0x00],
    ];
    for key in keys {
        let mut bytes = vec![0x81];
        bytes.extend_from_slice(key);
        bytes.push(0xc0);
        assert_eq!(
            Value::from_msgpack(&bytes),
            Err(DecodeError::NonStringKey),
            "key {key:02x?}"
        );
    }
}

#[test]
fn the_reserved_marker_is_refused_wherever_it_stands() {
    for bytes in [&[0xc1][..], &[0x91, 0xc1], &[0x81, 0xa1, b'a', 0xc1]] {
        assert!(
            matches!(Value::from_msgpack(bytes), Err(DecodeError::Msgpack(m)) if m.contains("0xc1")),
            "bytes {bytes:02x?}"
        );
    }
    // As a key it is no string.
    assert_eq!(
        Value::from_msgpack(&[0x81, 0xc1, 0xc0]),
        Err(DecodeError::NonStringKey)
    );
}

mod fuzz {
    //! The reader against rmp's own encoder at widths the value encoder never picks.
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn integers_read_alike_at_every_width(n in any::<i64>()) {
            let mut widest = Vec::new();
            rmp::encode::write_i64(&mut widest, n).expect("writing to a Vec");
            prop_assert_eq!(Value::from_msgpack(&widest), Ok(Value::from(n)));
            if let Ok(u) = u64::try_from(n) {
                let mut unsigned = Vec::new();
                rmp::encode::write_u64(&mut unsigned, u).expect("writing to a Vec");
                prop_assert_eq!(Value::from_msgpack(&unsigned), Ok(Value::from(n)));
            }
        }

        #[test]
        fn unsigned_integers_keep_their_magnitude(u in any::<u64>()) {
            let mut bytes = Vec::new();
            rmp::encode::write_uint(&mut bytes, u).expect("writing to a Vec");
            let expected = match i64::try_from(u) {
                Ok(i) => Value::from(i),
                Err(_) => Value::Number(Number::Float(u as f64)),
            };
            prop_assert_eq!(Value::from_msgpack(&bytes), Ok(expected));
        }

        #[test]
        fn extensions_of_any_type_and_size_are_skipped(
            ty in any::<i8>(),
            payload in proptest::collection::vec(any::<u8>(), 0..600),
        ) {
            let mut ext = Vec::new();
            let len = u32::try_from(payload.len()).expect("a short payload");
            rmp::encode::write_ext_meta(&mut ext, len, ty).expect("writing to a Vec");
            ext.extend_from_slice(&payload);
            prop_assert_eq!(
                Value::from_msgpack(&pair_with_true(&ext)),
                Ok(Value::List(vec![Value::Unknown, Value::Bool(true)]))
            );
        }

        #[test]
        fn binary_strings_read_as_strings(s in ".{0,300}") {
            let mut bytes = Vec::new();
            rmp::encode::write_bin(&mut bytes, s.as_bytes()).expect("writing to a Vec");
            prop_assert_eq!(Value::from_msgpack(&bytes), Ok(Value::String(s)));
        }
    }
}
