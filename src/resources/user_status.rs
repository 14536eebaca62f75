//! `acronis_user_status`: whether a user account is enabled, with the account's revision
//! (`version`) as computed state.
//!
//! The lifecycle follows terraform-plugin-framework's: validate, upgrade, read, plan, apply
//! (create, update, delete) and import, each a function over Terraform values.

use crate::acronis::user::is_valid_user_id;
use crate::acronis::{AcronisClient, ApiError, UserStatus};
use crate::provider::errors::api_error;
use crate::tfplugin::proto::{resource_identity_schema, RawState, ResourceIdentitySchema};
use crate::tfplugin::schema::{Attribute, Mode, SchemaDef, Type};
use crate::tfplugin::{Diagnostic, Diagnostics, Value};

pub const TYPE_NAME: &str = "acronis_user_status";

pub const SCHEMA: SchemaDef = SchemaDef {
    version: 1,
    description: "Enables or disables an Acronis user account, and records the account's \
                  revision number. Destroying the resource leaves the account as it is unless \
                  `on_destroy` says otherwise.",
    attributes: &[
        Attribute::new(
            "id",
            Type::String,
            Mode::Computed,
            "The user id (same as `user_id`).",
        ),
        Attribute::new(
            "user_id",
            Type::String,
            Mode::Required,
            "The id of the user account: a lowercase UUID, as the API writes it. Changing it \
             replaces the resource.",
        ),
        Attribute::new(
            "enabled",
            Type::Bool,
            Mode::Required,
            "`true` to enable the account, `false` to disable it (the user cannot sign in).",
        ),
        Attribute::new(
            "version",
            Type::Number,
            Mode::Computed,
            "The account's revision number; the API increments it on every change.",
        ),
        Attribute::new(
            "on_destroy",
            Type::String,
            Mode::OptionalComputed,
            "What destroying the resource does to the account: `keep` (default) leaves it as it \
             is, `enable` re-enables it (end of a temporary suspension), `disable` disables it \
             (off-boarding).",
        ),
    ],
};

/// What destroying the resource does to the account.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OnDestroy {
    Keep,
    Enable,
    Disable,
}

impl OnDestroy {
    pub const DEFAULT: &'static str = "keep";

    pub fn parse(s: &str) -> Option<OnDestroy> {
        match s {
            "keep" => Some(OnDestroy::Keep),
            "enable" => Some(OnDestroy::Enable),
            "disable" => Some(OnDestroy::Disable),
            _ => None,
        }
    }
}

/// The identity schema: a user is identified by its id alone.
pub fn identity_schema() -> ResourceIdentitySchema {
    ResourceIdentitySchema {
        version: 0,
        identity_attributes: vec![resource_identity_schema::IdentityAttribute {
            name: "user_id".into(),
            r#type: Type::String.json().into(),
            required_for_import: true,
            optional_for_import: false,
            description: "The id of the user account (a lowercase UUID).".into(),
        }],
    }
}

/// The identity of a state, when its user id is known.
pub fn identity(state: &Value) -> Option<Value> {
    state
        .get("user_id")
        .as_str()
        .map(|id| Value::object([("user_id", Value::from(id))]))
}

pub fn validate(config: &Value) -> Diagnostics {
    let mut diags = SCHEMA.check_read_only(config);
    if let Some(id) = config.get("user_id").as_str() {
        if let Some(d) = check_user_id(id) {
            diags.push(d.at("user_id"));
        }
    }
    if let Some(choice) = config.get("on_destroy").as_str() {
        if OnDestroy::parse(choice).is_none() {
            diags.push(
                Diagnostic::error(
                    "Invalid on_destroy",
                    format!(
                        "on_destroy must be \"keep\", \"enable\" or \"disable\", not {choice:?}."
                    ),
                )
                .at("on_destroy"),
            );
        }
    }
    diags
}

/// A diagnostic if `id` is not the lowercase UUID the API requires.
pub fn check_user_id(id: &str) -> Option<Diagnostic> {
    (!is_valid_user_id(id)).then(|| {
        Diagnostic::error(
            "Invalid user id",
            format!(
                "Expected a lowercase UUID such as \"1c234e69-5469-424a-a6d1-ff5658b387a6\", got {:?}.",
                truncate(id, 80)
            ),
        )
    })
}

fn truncate(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        s.to_owned()
    } else {
        format!("{}...", s.chars().take(max).collect::<String>())
    }
}

/// Reads state written by any schema version into the current one.
///
/// Version 0 (the first release) had no `on_destroy`; its behaviour was `keep`.
pub fn upgrade(version: i64, raw: &RawState) -> Result<Value, Diagnostics> {
    if raw.json.is_empty() {
        return Err(Diagnostic::error(
            "Unsupported state format",
            "This resource's state was stored in the legacy flatmap format, which it never wrote.",
        )
        .into());
    }
    if !(0..=SCHEMA.version).contains(&version) {
        return Err(Diagnostic::error(
            "State from a newer provider",
            format!(
                "The state was written with schema version {version}; this provider knows versions up to {}. Use the provider version that wrote it, or newer.",
                SCHEMA.version
            ),
        )
        .into());
    }
    // Nearly always the state is in the shape this provider writes: read it straight into
    // that shape (this runs for every resource on every refresh), else through a generic tree.
    if let Ok(stored) = serde_json::from_slice::<StoredState>(&raw.json) {
        return Ok(stored.into_value());
    }
    let old = Value::from_json(&raw.json).map_err(|e| {
        Diagnostics::from(Diagnostic::error(
            "Unreadable state",
            format!("The stored state is not valid JSON: {e}."),
        ))
    })?;
    Ok(current_shape(&old))
}

/// State as this provider stores it (version 0 lacks `on_destroy`).
#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct StoredState {
    id: Option<String>,
    user_id: Option<String>,
    enabled: Option<bool>,
    version: Option<i64>,
    on_destroy: Option<String>,
}

impl StoredState {
    fn into_value(self) -> Value {
        Value::object([
            ("id", Value::opt_string(self.id)),
            ("user_id", Value::opt_string(self.user_id)),
            ("enabled", self.enabled.map_or(Value::Null, Value::from)),
            ("version", self.version.map_or(Value::Null, Value::from)),
            (
                "on_destroy",
                self.on_destroy
                    .map_or_else(|| Value::from(OnDestroy::DEFAULT), Value::String),
            ),
        ])
    }
}

/// Exactly the current attributes of any older or odd state: anything else would fail
/// Terraform's decoding.
fn current_shape(old: &Value) -> Value {
    Value::object([
        ("id", old.get("id").clone()),
        ("user_id", old.get("user_id").clone()),
        ("enabled", old.get("enabled").clone()),
        ("version", old.get("version").clone()),
        ("on_destroy", stored_on_destroy(old)),
    ])
}

/// The `on_destroy` of stored state; state written before it existed (or by an import) means
/// the default.
fn stored_on_destroy(state: &Value) -> Value {
    match state.get("on_destroy") {
        Value::String(s) => Value::String(s.clone()),
        _ => Value::from(OnDestroy::DEFAULT),
    }
}

/// The state Terraform stores for an account.
fn state_of(user_id: &str, user: &UserStatus, on_destroy: Value) -> Value {
    Value::object([
        ("id", Value::from(user_id)),
        ("user_id", Value::from(user_id)),
        ("enabled", Value::from(user.enabled)),
        ("version", Value::from(user.version)),
        ("on_destroy", on_destroy),
    ])
}

/// Refreshes `enabled` and `version`; `None` when the account is gone.
pub async fn read(client: &AcronisClient, state: &Value) -> Result<Option<Value>, Diagnostics> {
    let Some(user_id) = state.get("user_id").as_str() else {
        return Err(Diagnostic::error("Invalid state", "The stored state has no user_id.").into());
    };
    tracing::debug!(user_id, "refreshing the account");
    match client.get_user_status(user_id).await {
        Ok(user) => Ok(Some(state_of(user_id, &user, stored_on_destroy(state)))),
        Err(e) if e.is_not_found() => {
            tracing::info!(
                user_id,
                "the account no longer exists; removing it from state"
            );
            Ok(None)
        }
        Err(e) => Err(api_error("Could not read the account", &e).into()),
    }
}

/// The planned state, and the attributes whose change forces replacement.
pub struct Plan {
    pub planned: Value,
    pub requires_replace: Vec<&'static str>,
}

/// Plans a change. `version` stays known unless a PUT will happen.
pub fn plan(prior: &Value, proposed: &Value, config: &Value) -> Plan {
    if proposed.is_null() {
        return Plan {
            planned: Value::Null,
            requires_replace: Vec::new(),
        };
    }
    let user_id = config.get("user_id").clone();
    let enabled = config.get("enabled").clone();
    let on_destroy = match config.get("on_destroy") {
        Value::Null => Value::from(OnDestroy::DEFAULT),
        other => other.clone(),
    };
    let planned = |id: Value, version: Value| {
        Value::object([
            ("id", id),
            ("user_id", user_id.clone()),
            ("enabled", enabled.clone()),
            ("version", version),
            ("on_destroy", on_destroy.clone()),
        ])
    };
    let id_from_config = match &user_id {
        Value::String(_) => user_id.clone(),
        _ => Value::Unknown,
    };
    if prior.is_null() {
        return Plan {
            planned: planned(id_from_config, Value::Unknown),
            requires_replace: Vec::new(),
        };
    }
    if &user_id != prior.get("user_id") {
        return Plan {
            planned: planned(id_from_config, Value::Unknown),
            requires_replace: vec!["user_id"],
        };
    }
    let version = if &enabled == prior.get("enabled") {
        prior.get("version").clone()
    } else {
        Value::Unknown
    };
    Plan {
        planned: planned(prior.get("id").clone(), version),
        requires_replace: Vec::new(),
    }
}

/// Applies a planned change; returns the new state (null when nothing exists) and diagnostics.
pub async fn apply(client: &AcronisClient, prior: &Value, planned: &Value) -> (Value, Diagnostics) {
    if planned.is_null() {
        return match destroy(client, prior).await {
            Ok(()) => (Value::Null, Diagnostics::new()),
            // The account was not changed as asked: keep the resource so destroy can be retried.
            Err(d) => (prior.clone(), d.into()),
        };
    }
    let (Some(user_id), Some(enabled)) = (
        planned.get("user_id").as_str(),
        planned.get("enabled").as_bool(),
    ) else {
        let d = Diagnostic::error(
            "Invalid plan",
            "The planned state lacks a known user_id or enabled.",
        );
        return (prior.clone(), d.into());
    };
    tracing::debug!(
        user_id,
        enabled,
        create = prior.is_null(),
        "applying the account's status"
    );
    let on_destroy = planned.get("on_destroy").clone();
    if prior.is_null() {
        return match create(client, user_id, enabled).await {
            Ok(user) => (state_of(user_id, &user, on_destroy), Diagnostics::new()),
            Err(d) => (Value::Null, d.into()),
        };
    }
    if !planned.get("version").is_unknown() {
        // Nothing to send: only provider-side settings changed.
        return (planned.clone(), Diagnostics::new());
    }
    match client
        .set_enabled(user_id, enabled, prior.get("version").as_i64())
        .await
    {
        Ok(user) => {
            let mut state = planned.clone();
            if let Value::Object(attrs) = &mut state {
                attrs.insert("version", Value::from(user.version));
            }
            (state, Diagnostics::new())
        }
        Err(e) => (prior.clone(), update_error(user_id, &e).into()),
    }
}

async fn create(
    client: &AcronisClient,
    user_id: &str,
    enabled: bool,
) -> Result<UserStatus, Diagnostic> {
    let user = client
        .get_user_status(user_id)
        .await
        .map_err(|e| update_error(user_id, &e))?;
    if user.enabled == enabled {
        return Ok(user);
    }
    client
        .set_enabled(user_id, enabled, Some(user.version))
        .await
        .map_err(|e| update_error(user_id, &e))
}

fn update_error(user_id: &str, err: &ApiError) -> Diagnostic {
    let summary = if err.is_not_found() {
        format!("User {user_id} not found")
    } else {
        format!("Could not set the status of user {user_id}")
    };
    api_error(&summary, err).at("user_id")
}

async fn destroy(client: &AcronisClient, prior: &Value) -> Result<(), Diagnostic> {
    let choice = prior
        .get("on_destroy")
        .as_str()
        .and_then(OnDestroy::parse)
        .unwrap_or(OnDestroy::Keep);
    let enabled = match choice {
        OnDestroy::Keep => return Ok(()),
        OnDestroy::Enable => true,
        OnDestroy::Disable => false,
    };
    let Some(user_id) = prior.get("user_id").as_str() else {
        return Ok(());
    };
    tracing::debug!(user_id, enabled, "on_destroy: setting the account's status");
    match client.set_enabled(user_id, enabled, None).await {
        Ok(_) => Ok(()),
        // Nothing left to enable or disable.
        Err(e) if e.is_not_found() => Ok(()),
        Err(e) => Err(update_error(user_id, &e)),
    }
}

/// Imports an account by its user id.
pub async fn import(client: &AcronisClient, user_id: &str) -> Result<Value, Diagnostics> {
    if let Some(d) = check_user_id(user_id) {
        return Err(Diagnostic::error(
            "Invalid import id",
            format!("{} Import acronis_user_status by the user's id.", d.detail),
        )
        .into());
    }
    tracing::debug!(user_id, "importing the account");
    match client.get_user_status(user_id).await {
        Ok(user) => Ok(state_of(user_id, &user, Value::from(OnDestroy::DEFAULT))),
        Err(e) if e.is_not_found() => Err(Diagnostic::error(
            "Cannot import a user that does not exist",
            format!("No user with id {user_id} exists (or it was deleted), so there is nothing to import."),
        )
        .into()),
        Err(e) => Err(api_error("Could not read the account to import", &e).into()),
    }
}

#[cfg(test)]
mod tests;
