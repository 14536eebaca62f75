//! Planning, validation and state upgrades, without the API.

use super::*;
use crate::framework::{to_value, AnyResource, PlanRules};
use crate::tfproto::Value;

const ID: &str = "1c234e69-5469-424a-a6d1-ff5658b387a6";
const OTHER: &str = "2c234e69-5469-424a-a6d1-ff5658b387a6";

fn config(
    user_id: Field<String>,
    enabled: Field<bool>,
    on_destroy: Field<OnDestroy>,
) -> UserStatusModel {
    UserStatusModel {
        user_id,
        enabled,
        on_destroy,
        ..UserStatusModel::default()
    }
}

fn state(enabled: bool, version: i64) -> UserStatusModel {
    UserStatusModel {
        id: ID.into(),
        user_id: ID.into(),
        enabled: Field::Known(enabled),
        version: Field::Known(version),
        on_destroy: Field::Known(OnDestroy::Keep),
    }
}

/// The plan the framework makes: the attributes' rules, then the resource's own adjustments.
fn plan(prior: Option<UserStatusModel>, config: UserStatusModel) -> Planned<UserStatusModel> {
    let mut planned = UserStatusModel::planned(prior.as_ref(), &config);
    UserStatus.modify_plan(&mut planned);
    planned
}

#[test]
fn create_plans_an_unknown_version_and_the_default_on_destroy() {
    let plan = plan(None, config(ID.into(), Field::Known(false), Field::Null));
    assert_eq!(plan.state.id, Field::Known(ID.to_owned()));
    assert!(plan.state.version.is_unknown());
    assert_eq!(plan.state.on_destroy, Field::Known(OnDestroy::Keep));
    assert!(plan.requires_replace.is_empty());
}

#[test]
fn no_change_keeps_the_version_known() {
    let prior = state(true, 7);
    let plan = plan(
        Some(prior.clone()),
        config(ID.into(), Field::Known(true), Field::Null),
    );
    assert_eq!(plan.state, prior);
}

#[test]
fn a_toggle_makes_the_version_unknown() {
    let plan = plan(
        Some(state(true, 7)),
        config(ID.into(), Field::Known(false), Field::Null),
    );
    assert_eq!(plan.state.enabled, Field::Known(false));
    assert!(plan.state.version.is_unknown());
    assert_eq!(plan.state.id, Field::Known(ID.to_owned()));
}

#[test]
fn an_unknown_enabled_plans_cleanly() {
    let plan = plan(
        Some(state(true, 7)),
        config(ID.into(), Field::Unknown, Field::Null),
    );
    assert!(plan.state.enabled.is_unknown());
    assert!(plan.state.version.is_unknown());
}

#[test]
fn changing_or_not_knowing_the_user_id_replaces() {
    for user_id in [Field::Known(OTHER.to_owned()), Field::Unknown] {
        let plan = plan(
            Some(state(true, 7)),
            config(user_id.clone(), Field::Known(true), Field::Null),
        );
        assert_eq!(plan.requires_replace, vec!["user_id"]);
        assert!(plan.state.version.is_unknown());
        assert_eq!(plan.state.id.is_unknown(), user_id.is_unknown());
    }
}

#[test]
fn an_on_destroy_change_alone_keeps_the_version() {
    let plan = plan(
        Some(state(true, 7)),
        config(
            ID.into(),
            Field::Known(true),
            Field::Known(OnDestroy::Enable),
        ),
    );
    assert_eq!(plan.state.version, Field::Known(7));
    assert_eq!(plan.state.on_destroy, Field::Known(OnDestroy::Enable));
    assert!(!plan.changes.contains(UserStatusModel::ENABLED));
}

/// A configuration as Terraform sends it, where `on_destroy` may be any string.
fn config_value(user_id: &str, on_destroy: &str) -> Value {
    Value::object([
        (UserStatusModel::ID, Value::Null),
        (UserStatusModel::USER_ID, Value::from(user_id)),
        (UserStatusModel::ENABLED, Value::from(true)),
        (UserStatusModel::VERSION, Value::Null),
        (UserStatusModel::ON_DESTROY, Value::from(on_destroy)),
    ])
}

#[test]
fn validation_names_the_attribute_and_the_expected_form() {
    let diags = AnyResource::validate(
        &UserStatus,
        &config_value("1C234E69-5469-424A-A6D1-FF5658B387A6", "nuke"),
    );
    let found: Vec<_> = diags
        .iter()
        .map(|d| (d.summary.as_str(), d.attribute.clone(), d.detail.as_str()))
        .collect();
    assert_eq!(found[0].0, "Invalid user id");
    assert_eq!(found[0].1, vec!["user_id".to_owned()]);
    assert_eq!(
        found[1],
        (
            "Invalid on_destroy",
            vec!["on_destroy".to_owned()],
            "on_destroy must be \"keep\", \"enable\" or \"disable\", not \"nuke\"."
        )
    );
    assert_eq!(found.len(), 2);
    assert!(!Resource::validate(
        &UserStatus,
        &config(Field::Unknown, Field::Unknown, Field::Unknown)
    )
    .has_errors());
    assert!(!AnyResource::validate(&UserStatus, &config_value(ID, "disable")).has_errors());
}

#[test]
fn upgrades_version_0_state_and_refuses_versions_that_never_existed() {
    let upgrade = |version, json: &[u8]| AnyResource::upgrade_state(&UserStatus, version, json);
    let v0 = format!(r#"{{"id":"{ID}","user_id":"{ID}","enabled":false,"version":4}}"#);
    let upgraded = upgrade(0, v0.as_bytes()).expect("v0 upgrades");
    assert_eq!(upgraded, to_value(&state(false, 4)).expect("encodes"));
    let v1 = format!(
        r#"{{"id":"{ID}","user_id":"{ID}","enabled":true,"version":5,"on_destroy":"disable","stray":1}}"#
    );
    let upgraded = upgrade(1, v1.as_bytes()).expect("v1 reads");
    assert_eq!(
        upgraded.get(UserStatusModel::ON_DESTROY),
        &Value::from("disable")
    );
    assert!(upgrade(-1, v1.as_bytes()).is_err());
    assert!(upgrade(2, v1.as_bytes()).is_err());
    assert!(upgrade(1, b"{").is_err());
    assert!(upgrade(1, br#"{"version": "four"}"#).is_err());
}

#[test]
fn the_identity_is_the_user_id_once_known() {
    assert_eq!(
        UserStatus.identity(&state(true, 1)),
        Some(UserIdentity {
            user_id: ID.to_owned()
        })
    );
    assert_eq!(
        UserStatus.identity(&config(Field::Unknown, Field::Known(true), Field::Null)),
        None
    );
}
