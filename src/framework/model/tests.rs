//! Models round-trip through values: null, unknown and known fields, nested lists of objects,
//! enums as strings, and errors that name the attribute at fault.

use serde::{Deserialize, Serialize};

use super::*;
use crate::framework::Field;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct Item {
    id: String,
    enabled: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
enum Choice {
    Keep,
    Enable,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct Model {
    name: Field<String>,
    count: Field<i64>,
    ratio: Field<f64>,
    choice: Field<Choice>,
    items: Field<Vec<Item>>,
}

fn object(pairs: Vec<(&'static str, Value)>) -> Value {
    Value::object(pairs)
}

#[test]
fn null_unknown_and_known_fields_survive_a_round_trip() {
    let value = object(vec![
        ("name", Value::from("a")),
        ("count", Value::Unknown),
        ("ratio", Value::Null),
        ("choice", Value::from("enable")),
        (
            "items",
            Value::List(vec![object(vec![
                ("id", Value::from("x")),
                ("enabled", Value::from(true)),
            ])]),
        ),
    ]);
    let model: Model = from_value(&value).expect("decodes");
    assert_eq!(
        model,
        Model {
            name: Field::Known("a".into()),
            count: Field::Unknown,
            ratio: Field::Null,
            choice: Field::Known(Choice::Enable),
            items: Field::Known(vec![Item {
                id: "x".into(),
                enabled: true
            }]),
        }
    );
    assert_eq!(to_value(&model).expect("encodes"), value);
}

#[test]
fn integers_read_as_floats_but_not_floats_as_integers() {
    let value = object(vec![("count", Value::from(3)), ("ratio", Value::from(2))]);
    #[derive(Deserialize)]
    struct Numbers {
        count: Field<i64>,
        ratio: Field<f64>,
    }
    let numbers: Numbers = from_value(&value).expect("decodes");
    assert_eq!(numbers.count, Field::Known(3));
    assert_eq!(numbers.ratio, Field::Known(2.0));

    let fractional = object(vec![
        (
            "count",
            Value::Number(crate::tfproto::value::Number::Float(1.5)),
        ),
        ("ratio", Value::Null),
    ]);
    let err = from_value::<Numbers>(&fractional)
        .err()
        .expect("1.5 is no i64");
    assert!(
        err.to_string().starts_with("attribute \"count\": "),
        "{err}"
    );
}

#[test]
fn an_unknown_value_where_a_known_one_is_needed_names_the_attribute() {
    let value = object(vec![(
        "items",
        Value::List(vec![object(vec![
            ("id", Value::Unknown),
            ("enabled", Value::from(true)),
        ])]),
    )]);
    #[derive(Debug, Deserialize)]
    struct Only {
        #[allow(dead_code)]
        items: Field<Vec<Item>>,
    }
    let err = from_value::<Only>(&value).expect_err("unknown id");
    let text = err.to_string();
    assert!(
        text.starts_with("attribute \"items\": attribute \"id\": "),
        "{text}"
    );
    assert!(text.contains("not known"), "{text}");
}

#[test]
fn attributes_a_model_does_not_name_are_ignored_even_when_unknown() {
    #[derive(Debug, PartialEq, Deserialize)]
    struct Small {
        name: Field<String>,
    }
    let value = object(vec![("name", Value::from("a")), ("other", Value::Unknown)]);
    let small: Small = from_value(&value).expect("decodes");
    assert_eq!(small.name, Field::Known("a".into()));
}

#[test]
fn a_wrong_type_is_an_error_not_a_default() {
    let value = object(vec![("name", Value::from(true))]);
    #[derive(Debug, Deserialize)]
    struct Named {
        #[allow(dead_code)]
        name: Field<String>,
    }
    assert!(from_value::<Named>(&value).is_err());
    let bad_enum = object(vec![("choice", Value::from("sometimes"))]);
    #[derive(Debug, Deserialize)]
    struct Chosen {
        #[allow(dead_code)]
        choice: Field<Choice>,
    }
    assert!(from_value::<Chosen>(&bad_enum).is_err());
}

#[test]
fn struct_attribute_names_are_borrowed_when_written() {
    let model = Item {
        id: "x".into(),
        enabled: false,
    };
    let Value::Object(attrs) = to_value(&model).expect("encodes") else {
        panic!("a struct is an object")
    };
    let names: Vec<&str> = attrs.iter().map(|(name, _)| name).collect();
    assert_eq!(names, ["enabled", "id"], "sorted as Terraform sends them");
}

#[test]
fn json_state_reads_fields_as_options() {
    // State stored by Terraform is JSON: null is Field::Null, a missing attribute needs a
    // serde default.
    #[derive(Debug, PartialEq, Deserialize)]
    struct Stored {
        name: Field<String>,
        #[serde(default)]
        count: Field<i64>,
    }
    let stored: Stored = serde_json::from_str(r#"{"name": null}"#).expect("json");
    assert_eq!(
        stored,
        Stored {
            name: Field::Null,
            count: Field::Null
        }
    );
    let stored: Stored = serde_json::from_str(r#"{"name": "a", "count": 4}"#).expect("json");
    assert_eq!(stored.count, Field::Known(4));
}
