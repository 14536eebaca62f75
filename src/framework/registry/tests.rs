//! What the framework does with a type's outcome: which state survives a failed create,
//! update or delete, which identity goes with each state and plan, and how unknown type names
//! and ill-fitting values are reported.

use serde::{Deserialize, Serialize};

use super::*;
use crate::framework::{Changes, Field, IdentitySchema};

/// A resource whose every call fails when its `fail` attribute says so. Its identity is its
/// name; a rename is made in place, a change of `fail` replaces it.
struct Toy;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, crate::framework::Schema)]
#[schema(resource, version = 0, description = "A toy.")]
struct ToyModel {
    #[attr(required, description = "Its name.")]
    name: Field<String>,
    #[attr(optional, requires_replace, description = "Whether calls fail.")]
    fail: Field<bool>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, crate::framework::Identity)]
#[identity(version = 0)]
struct ToyIdentity {
    #[attr(required_for_import, description = "Its name.")]
    name: String,
}

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
    type Identity = ToyIdentity;
    const TYPE_NAME: &'static str = "toy";

    fn identity_schema(&self) -> Option<&'static IdentitySchemaDef> {
        Some(ToyIdentity::identity_schema())
    }

    fn identity(&self, state: &ToyModel) -> Option<ToyIdentity> {
        state.name.as_deref().map(|name| ToyIdentity {
            name: name.to_owned(),
        })
    }

    async fn read(&self, _: &(), state: ToyModel) -> Result<Option<ToyModel>, Diagnostics> {
        failure(&state).map(|()| Some(state))
    }

    async fn create(&self, _: &(), planned: ToyModel) -> Result<ToyModel, Diagnostics> {
        failure(&planned).map(|()| planned)
    }

    async fn update(
        &self,
        _: &(),
        _: ToyModel,
        planned: ToyModel,
        _: &Changes,
    ) -> Result<ToyModel, Diagnostics> {
        failure(&planned).map(|()| planned)
    }

    async fn delete(&self, _: &(), prior: ToyModel) -> Result<(), Diagnostics> {
        failure(&prior)
    }

    async fn import(
        &self,
        _: &(),
        request: ImportRequest<ToyIdentity>,
    ) -> Result<ToyModel, Diagnostics> {
        let name = match request {
            ImportRequest::Id(id) => id,
            ImportRequest::Identity(identity) => identity.name,
        };
        Ok(ToyModel {
            name: Field::Known(name),
            fail: Field::Known(false),
        })
    }
}

fn toy(name: &str, fail: bool) -> Value {
    Value::object([("name", Value::from(name)), ("fail", Value::from(fail))])
}

fn registry() -> Registry<()> {
    Registry::default().resource(Toy)
}

/// The identity value of a toy named `name`.
fn named(name: &str) -> Option<Value> {
    Some(Value::object([("name", Value::from(name))]))
}

fn not_configured() -> Diagnostics {
    Diagnostic::error("Not configured", "no client").into()
}

#[tokio::test]
async fn a_failed_create_leaves_nothing_in_state() {
    let registry = registry();
    let toy_type = registry.find_resource("toy").expect("registered");
    let (new, diags) = toy_type
        .apply(Ok(&()), &Value::Null, Ok(toy("a", true)))
        .await;
    assert_eq!(new, Stated::null(), "a failed create must not be stored");
    assert!(diags.has_errors());
    let (new, diags) = toy_type
        .apply(Ok(&()), &Value::Null, Ok(toy("a", false)))
        .await;
    assert_eq!(new.state, toy("a", false));
    assert_eq!(
        new.identity,
        named("a"),
        "a created object has its identity"
    );
    assert!(!diags.has_errors());
}

#[tokio::test]
async fn a_failed_update_or_delete_keeps_the_prior_state_and_identity() {
    let registry = registry();
    let toy_type = registry.find_resource("toy").expect("registered");
    let prior = toy("a", false);
    let (new, diags) = toy_type.apply(Ok(&()), &prior, Ok(toy("b", true))).await;
    assert_eq!((new.state, new.identity), (prior.clone(), named("a")));
    assert!(diags.has_errors());
    let (new, diags) = toy_type.apply(Ok(&()), &prior, Ok(toy("b", false))).await;
    assert_eq!((new.state, new.identity), (toy("b", false), named("b")));
    assert!(!diags.has_errors());

    let failing_prior = toy("c", true);
    let (new, diags) = toy_type
        .apply(Ok(&()), &failing_prior, Ok(Value::Null))
        .await;
    assert_eq!((new.state, new.identity), (failing_prior, named("c")));
    assert!(diags.has_errors());
    let (new, diags) = toy_type.apply(Ok(&()), &prior, Ok(Value::Null)).await;
    assert_eq!(new, Stated::null(), "a deleted object has no identity");
    assert!(!diags.has_errors());
}

#[tokio::test]
async fn an_apply_that_cannot_start_keeps_the_prior_state_and_identity() {
    let registry = registry();
    let toy_type = registry.find_resource("toy").expect("registered");
    let prior = toy("a", false);
    let (new, diags) = toy_type
        .apply(Err(not_configured()), &prior, Ok(toy("b", false)))
        .await;
    assert_eq!((new.state, new.identity), (prior.clone(), named("a")));
    assert_eq!(diags, not_configured());
    let (new, diags) = toy_type.apply(Ok(&()), &prior, Err(not_configured())).await;
    assert_eq!((new.state, new.identity), (prior, named("a")));
    assert_eq!(diags, not_configured());

    let wrong = Value::object([("name", Value::from(3)), ("fail", Value::Null)]);
    let (new, diags) = toy_type.apply(Ok(&()), &wrong, Ok(Value::Null)).await;
    assert_eq!(
        (new.state, new.identity),
        (wrong, None),
        "an unreadable prior state stands, without identity"
    );
    assert!(diags.has_errors());
}

#[tokio::test]
async fn a_read_returns_the_identity_of_the_state_it_returns() {
    let registry = registry();
    let toy_type = registry.find_resource("toy").expect("registered");
    let (new, diags) = toy_type.read(Ok(&()), &toy("a", false)).await;
    assert_eq!((new.state, new.identity), (toy("a", false), named("a")));
    assert!(!diags.has_errors());

    // On failure the current state stands, with its identity.
    let failing = toy("b", true);
    let (new, diags) = toy_type.read(Ok(&()), &failing).await;
    assert_eq!((new.state, new.identity), (failing.clone(), named("b")));
    assert!(diags.has_errors());
    let (new, diags) = toy_type.read(Err(not_configured()), &failing).await;
    assert_eq!((new.state, new.identity), (failing, named("b")));
    assert_eq!(diags, not_configured());
}

#[tokio::test]
async fn a_null_state_reads_as_null_without_a_call() {
    let registry = registry();
    let toy_type = registry.find_resource("toy").expect("registered");
    let (new, diags) = toy_type.read(Err(not_configured()), &Value::Null).await;
    assert_eq!(new, Stated::null());
    assert!(!diags.has_errors(), "no client was needed");
}

#[test]
fn a_plan_expects_the_prior_identity_unless_the_object_is_new() {
    let registry = registry();
    let toy_type = registry.find_resource("toy").expect("registered");
    let plan = |prior: &Value, proposed: Value| {
        toy_type.plan(prior, &proposed, &proposed).expect("a plan")
    };
    let prior = toy("a", false);

    let (planned, replace) = plan(&prior, toy("b", false));
    assert!(replace.is_empty());
    assert_eq!(planned.state, toy("b", false));
    assert_eq!(
        planned.identity,
        named("a"),
        "changed in place: same object"
    );

    let (planned, replace) = plan(&prior, toy("b", true));
    assert_eq!(replace, vec!["fail"]);
    assert_eq!(planned.identity, named("b"), "replaced: the new object's");

    let (planned, _) = plan(&Value::Null, toy("c", false));
    assert_eq!(planned.identity, named("c"), "created: the new object's");

    let unknown = Value::object([("name", Value::Unknown), ("fail", Value::from(false))]);
    let (planned, _) = plan(&Value::Null, unknown);
    assert_eq!(planned.identity, None, "not known until applied");

    let (planned, _) = plan(&prior, Value::Null);
    assert_eq!(
        (planned.state, planned.identity),
        (Value::Null, named("a")),
        "destroyed: the object's until it is gone"
    );
    let (planned, _) = plan(&Value::Null, Value::Null);
    assert_eq!(planned, Stated::null());
}

#[tokio::test]
async fn an_import_returns_the_identity_of_the_imported_state() {
    let registry = registry();
    let toy_type = registry.find_resource("toy").expect("registered");
    let by_id = toy_type
        .import(&(), "a", &Value::Null)
        .await
        .expect("import");
    assert_eq!((by_id.state, by_id.identity), (toy("a", false), named("a")));
    let identity = named("b").expect("an identity");
    let by_identity = toy_type.import(&(), "", &identity).await.expect("import");
    assert_eq!(
        (by_identity.state, by_identity.identity),
        (toy("b", false), named("b"))
    );
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
        toy_type.upgrade_identity(1, br#"{"name":"a"}"#).is_err(),
        "identity version 1 is newer than 0"
    );
    assert_eq!(
        toy_type
            .upgrade_identity(0, br#"{"name":"a"}"#)
            .expect("current version"),
        named("a").expect("an identity")
    );
}

mod list;
