//! What the framework does with a type's outcome: which state survives a failed create,
//! update or delete, and how unknown type names and ill-fitting values are reported.

use serde::{Deserialize, Serialize};

use super::*;
use crate::framework::{Field, Planned};
use crate::tfproto::schema::{Attribute, Mode, Type};

/// A resource whose every call fails when its `fail` attribute says so.
struct Toy;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct ToyModel {
    name: Field<String>,
    fail: Field<bool>,
}

const TOY_SCHEMA: SchemaDef = SchemaDef {
    version: 0,
    description: "A toy.",
    attributes: &[
        Attribute::new("name", Type::String, Mode::Required, "Its name."),
        Attribute::new("fail", Type::Bool, Mode::Optional, "Whether calls fail."),
    ],
};

fn failure(model: &ToyModel) -> Result<(), Diagnostics> {
    if model.fail == Field::Known(true) {
        Err(Diagnostic::error("Failed", "as asked").into())
    } else {
        Ok(())
    }
}

impl Resource for Toy {
    type Client = ();
    type Model = ToyModel;
    type Identity = ();
    const TYPE_NAME: &'static str = "toy";

    fn schema(&self) -> &'static SchemaDef {
        &TOY_SCHEMA
    }

    async fn read(&self, _: &(), state: ToyModel) -> Result<Option<ToyModel>, Diagnostics> {
        failure(&state).map(|()| Some(state))
    }

    fn plan(&self, change: PlanChange<ToyModel>) -> Result<Planned<ToyModel>, Diagnostics> {
        Ok(Planned::in_place(change.config))
    }

    async fn create(&self, _: &(), planned: ToyModel) -> Result<ToyModel, Diagnostics> {
        failure(&planned).map(|()| planned)
    }

    async fn update(
        &self,
        _: &(),
        _: ToyModel,
        planned: ToyModel,
    ) -> Result<ToyModel, Diagnostics> {
        failure(&planned).map(|()| planned)
    }

    async fn delete(&self, _: &(), prior: ToyModel) -> Result<(), Diagnostics> {
        failure(&prior)
    }
}

fn toy(name: &str, fail: bool) -> Value {
    Value::object([("name", Value::from(name)), ("fail", Value::from(fail))])
}

fn registry() -> Registry<()> {
    Registry::default().resource(Toy)
}

#[tokio::test]
async fn a_failed_create_leaves_nothing_in_state() {
    let registry = registry();
    let toy_type = registry.find_resource("toy").expect("registered");
    let (state, diags) = toy_type.apply(&(), &Value::Null, &toy("a", true)).await;
    assert!(
        state.is_null(),
        "a failed create must not be stored (tainted)"
    );
    assert!(diags.has_errors());
    let (state, diags) = toy_type.apply(&(), &Value::Null, &toy("a", false)).await;
    assert_eq!(state, toy("a", false));
    assert!(!diags.has_errors());
}

#[tokio::test]
async fn a_failed_update_or_delete_keeps_the_prior_state() {
    let registry = registry();
    let toy_type = registry.find_resource("toy").expect("registered");
    let prior = toy("a", false);
    let (state, diags) = toy_type.apply(&(), &prior, &toy("b", true)).await;
    assert_eq!(state, prior);
    assert!(diags.has_errors());
    let failing_prior = toy("a", true);
    let (state, diags) = toy_type.apply(&(), &failing_prior, &Value::Null).await;
    assert_eq!(state, failing_prior);
    assert!(diags.has_errors());
    let (state, diags) = toy_type.apply(&(), &prior, &Value::Null).await;
    assert!(state.is_null());
    assert!(!diags.has_errors());
}

#[tokio::test]
async fn a_null_state_reads_as_null_without_a_call() {
    let registry = registry();
    let toy_type = registry.find_resource("toy").expect("registered");
    let read = toy_type.read(&(), &Value::Null).await.expect("no call");
    assert!(read.is_null());
}

#[test]
fn unknown_types_and_ill_fitting_values_are_diagnostics() {
    let registry = registry();
    let Err(diags) = registry.find_resource("nope") else {
        panic!("no such type")
    };
    let d = diags.iter().next().expect("one diagnostic");
    assert_eq!(d.summary, "Unknown resource type");
    assert!(d.detail.contains("\"nope\""));
    assert!(
        registry.find_data_source("toy").is_err(),
        "kinds are separate"
    );

    let toy_type = registry.find_resource("toy").expect("registered");
    let wrong = Value::object([("name", Value::from(3)), ("fail", Value::Null)]);
    let diags = toy_type.validate(&wrong);
    let d = diags.iter().next().expect("one diagnostic");
    assert_eq!(d.summary, "Value does not fit the schema");
    assert!(d.detail.contains("\"name\""), "{}", d.detail);
}

#[test]
fn state_from_a_newer_schema_is_refused_before_the_type_sees_it() {
    let registry = registry();
    let toy_type = registry.find_resource("toy").expect("registered");
    let Err(diags) = toy_type.upgrade_state(1, br#"{"name":"a","fail":null}"#) else {
        panic!("version 1 is newer than 0")
    };
    assert_eq!(
        diags.iter().next().map(|d| d.summary.as_str()),
        Some("State from a newer provider")
    );
    let upgraded = toy_type
        .upgrade_state(0, br#"{"name":"a","fail":null}"#)
        .expect("current version");
    assert_eq!(upgraded.get("name"), &Value::from("a"));
    assert!(
        toy_type.upgrade_identity(0, b"{}").is_err(),
        "the toy has no identity"
    );
}
