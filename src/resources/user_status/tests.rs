//! Planning and validation rules, without the API.

use super::*;

const ID: &str = "1c234e69-5469-424a-a6d1-ff5658b387a6";
const OTHER: &str = "2c234e69-5469-424a-a6d1-ff5658b387a6";

fn config(user_id: Value, enabled: Value, on_destroy: Value) -> Value {
    Value::object([
        ("id", Value::Null),
        ("user_id", user_id),
        ("enabled", enabled),
        ("version", Value::Null),
        ("on_destroy", on_destroy),
    ])
}

fn state(enabled: bool, version: i64) -> Value {
    Value::object([
        ("id", ID.into()),
        ("user_id", ID.into()),
        ("enabled", enabled.into()),
        ("version", version.into()),
        ("on_destroy", "keep".into()),
    ])
}

#[test]
fn create_plans_an_unknown_version_and_the_default_on_destroy() {
    let cfg = config(ID.into(), false.into(), Value::Null);
    let plan = plan(&Value::Null, &cfg, &cfg);
    assert_eq!(plan.planned.get("id"), &Value::from(ID));
    assert!(plan.planned.get("version").is_unknown());
    assert_eq!(plan.planned.get("on_destroy"), &Value::from("keep"));
    assert!(plan.requires_replace.is_empty());
}

#[test]
fn no_change_keeps_the_version_known() {
    let cfg = config(ID.into(), true.into(), Value::Null);
    let prior = state(true, 7);
    let plan = plan(&prior, &cfg, &cfg);
    assert_eq!(plan.planned, prior);
}

#[test]
fn a_toggle_makes_the_version_unknown() {
    let cfg = config(ID.into(), false.into(), Value::Null);
    let plan = plan(&state(true, 7), &cfg, &cfg);
    assert_eq!(plan.planned.get("enabled"), &Value::from(false));
    assert!(plan.planned.get("version").is_unknown());
    assert_eq!(plan.planned.get("id"), &Value::from(ID));
}

#[test]
fn an_unknown_enabled_plans_cleanly() {
    let cfg = config(ID.into(), Value::Unknown, Value::Null);
    let plan = plan(&state(true, 7), &cfg, &cfg);
    assert!(plan.planned.get("enabled").is_unknown());
    assert!(plan.planned.get("version").is_unknown());
}

#[test]
fn changing_or_not_knowing_the_user_id_replaces() {
    for user_id in [Value::from(OTHER), Value::Unknown] {
        let cfg = config(user_id.clone(), true.into(), Value::Null);
        let plan = plan(&state(true, 7), &cfg, &cfg);
        assert_eq!(plan.requires_replace, vec!["user_id"]);
        assert!(plan.planned.get("version").is_unknown());
        assert_eq!(plan.planned.get("id").is_unknown(), user_id.is_unknown());
    }
}

#[test]
fn an_on_destroy_change_alone_sends_nothing() {
    let cfg = config(ID.into(), true.into(), "enable".into());
    let plan = plan(&state(true, 7), &cfg, &cfg);
    assert_eq!(plan.planned.get("version"), &Value::from(7));
    assert_eq!(plan.planned.get("on_destroy"), &Value::from("enable"));
}

#[test]
fn destroy_plans_null() {
    let cfg = config(ID.into(), true.into(), Value::Null);
    assert!(plan(&state(true, 1), &Value::Null, &cfg).planned.is_null());
}

#[test]
fn validation_names_the_attribute_and_the_expected_form() {
    let diags = validate(&config(
        "1C234E69-5469-424A-A6D1-FF5658B387A6".into(),
        true.into(),
        "nuke".into(),
    ));
    let found: Vec<_> = diags
        .iter()
        .map(|d| (d.summary.as_str(), d.attribute.clone()))
        .collect();
    assert_eq!(
        found,
        vec![
            ("Invalid user id", vec!["user_id".to_owned()]),
            ("Invalid on_destroy", vec!["on_destroy".to_owned()])
        ]
    );
    assert!(diags
        .iter()
        .next()
        .is_some_and(|d| d.detail.contains("lowercase UUID")));
    assert!(!validate(&config(Value::Unknown, Value::Unknown, Value::Unknown)).has_errors());
    assert!(!validate(&config(ID.into(), false.into(), "disable".into())).has_errors());
}

#[test]
fn upgrades_version_0_state_and_refuses_newer_versions() {
    let v0 = RawState {
        json: format!(r#"{{"id":"{ID}","user_id":"{ID}","enabled":false,"version":4}}"#)
            .into_bytes()
            .into(),
        flatmap: Default::default(),
    };
    let upgraded = upgrade(0, &v0).expect("v0 upgrades");
    assert_eq!(upgraded, state(false, 4));
    let v1 = RawState {
        json: format!(r#"{{"id":"{ID}","user_id":"{ID}","enabled":true,"version":5,"on_destroy":"disable","stray":1}}"#).into_bytes().into(),
        flatmap: Default::default(),
    };
    let upgraded = upgrade(1, &v1).expect("v1 reads");
    assert_eq!(upgraded.get("on_destroy"), &Value::from("disable"));
    assert_eq!(upgraded.get("stray"), &Value::Null);
    assert!(upgrade(2, &v1).is_err());
    assert!(upgrade(0, &RawState::default()).is_err());
    let garbage = RawState {
        json: b"{".to_vec().into(),
        flatmap: Default::default(),
    };
    assert!(upgrade(1, &garbage).is_err());
}

#[test]
fn the_typed_and_the_generic_reading_of_stored_state_agree() {
    for json in [
        format!(r#"{{"id":"{ID}","user_id":"{ID}","enabled":false,"version":4}}"#),
        format!(
            r#"{{"id":"{ID}","user_id":"{ID}","enabled":true,"version":5,"on_destroy":"disable"}}"#
        ),
        format!(
            r#"{{"id":null,"user_id":"{ID}","enabled":null,"version":null,"on_destroy":null}}"#
        ),
        "{}".to_owned(),
    ] {
        let typed: StoredState = serde_json::from_slice(json.as_bytes()).expect(&json);
        let generic = Value::from_json(json.as_bytes()).expect(&json);
        assert_eq!(typed.into_value(), current_shape(&generic), "{json}");
    }
    // Anything else is left to the generic reading.
    assert!(serde_json::from_slice::<StoredState>(br#"{"stray":1}"#).is_err());
    assert!(serde_json::from_slice::<StoredState>(br#"{"version":1.5}"#).is_err());
}
