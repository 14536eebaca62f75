//! `acronis_user_status`: whether a user account is enabled, with the account's revision
//! (`version`) as computed state, and what destroying the resource does to the account.

use serde::{Deserialize, Serialize};

use crate::acronis::error::shown_id;
use crate::acronis::{AcronisClient, ApiError, UserStatus as Account};
use crate::framework::{Field, ImportRequest, PlanChange, Planned, Resource};
use crate::provider::checks::check_user_id;
use crate::provider::errors::api_error;
use crate::tfproto::schema::{
    Attribute, IdentityAttribute, IdentitySchemaDef, Mode, SchemaDef, Type,
};
use crate::tfproto::{Diagnostic, Diagnostics};

pub struct UserStatus;

const SCHEMA: SchemaDef = SchemaDef {
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

const IDENTITY: IdentitySchemaDef = IdentitySchemaDef {
    version: 0,
    attributes: &[IdentityAttribute {
        name: "user_id",
        ty: Type::String,
        required_for_import: true,
        description: "The id of the user account (a lowercase UUID).",
    }],
};

/// The resource's configuration, plan and state. Stored state of schema version 0 has no
/// `on_destroy`, hence the defaults.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct UserStatusModel {
    #[serde(default)]
    pub id: Field<String>,
    #[serde(default)]
    pub user_id: Field<String>,
    #[serde(default)]
    pub enabled: Field<bool>,
    #[serde(default)]
    pub version: Field<i64>,
    #[serde(default)]
    pub on_destroy: Field<String>,
}

/// A user is identified by its id alone.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UserIdentity {
    pub user_id: String,
}

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

/// The state of an account; `on_destroy` is the resource's own setting.
fn state_of(user_id: &str, account: &Account, on_destroy: Field<String>) -> UserStatusModel {
    UserStatusModel {
        id: user_id.into(),
        user_id: user_id.into(),
        enabled: Field::Known(account.enabled),
        version: Field::Known(account.version),
        on_destroy: on_destroy.or_default_to(OnDestroy::DEFAULT.to_owned()),
    }
}

/// The state of an account that was imported (or listed, as an import would store it): the
/// resource's own setting at its default.
pub fn imported_state(user_id: &str, account: &Account) -> UserStatusModel {
    state_of(user_id, account, Field::Null)
}

fn update_error(user_id: &str, err: &ApiError) -> Diagnostics {
    let user_id = shown_id(user_id);
    let summary = if err.is_not_found() {
        format!("User {user_id} not found")
    } else {
        format!("Could not set the status of user {user_id}")
    };
    api_error(&summary, err).at("user_id").into()
}

/// The user id and wanted status of a plan, which apply needs known.
fn known_target(planned: &UserStatusModel) -> Result<(&str, bool), Diagnostics> {
    match (planned.user_id.as_deref(), planned.enabled.known()) {
        (Some(user_id), Some(enabled)) => Ok((user_id, *enabled)),
        _ => Err(Diagnostic::error(
            "Invalid plan",
            "The planned state lacks a known user_id or enabled.",
        )
        .into()),
    }
}

impl Resource for UserStatus {
    type Client = AcronisClient;
    type Model = UserStatusModel;
    type Identity = UserIdentity;

    const TYPE_NAME: &'static str = "acronis_user_status";

    fn schema(&self) -> &'static SchemaDef {
        &SCHEMA
    }

    fn identity_schema(&self) -> Option<&'static IdentitySchemaDef> {
        Some(&IDENTITY)
    }

    fn identity(&self, state: &UserStatusModel) -> Option<UserIdentity> {
        state.user_id.as_deref().map(|id| UserIdentity {
            user_id: id.to_owned(),
        })
    }

    fn validate(&self, config: &UserStatusModel) -> Diagnostics {
        let mut diags = Diagnostics::new();
        if let Some(d) = config.user_id.as_deref().and_then(check_user_id) {
            diags.push(d.at("user_id"));
        }
        if let Some(choice) = config.on_destroy.as_deref() {
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

    /// Version 0 (the first release) had no `on_destroy`; its behaviour was `keep`.
    fn upgrade_state(&self, version: i64, json: &[u8]) -> Result<UserStatusModel, Diagnostics> {
        if !(0..=SCHEMA.version).contains(&version) {
            return Err(Diagnostic::error(
                "Unsupported state version",
                format!(
                    "The state was written with schema version {version}, which never existed."
                ),
            )
            .into());
        }
        let mut state: UserStatusModel = serde_json::from_slice(json).map_err(|e| {
            Diagnostics::from(Diagnostic::error(
                "Unreadable state",
                format!("The stored state does not fit the schema: {e}."),
            ))
        })?;
        state.on_destroy = state
            .on_destroy
            .or_default_to(OnDestroy::DEFAULT.to_owned());
        Ok(state)
    }

    async fn read(
        &self,
        client: &AcronisClient,
        state: UserStatusModel,
    ) -> Result<Option<UserStatusModel>, Diagnostics> {
        let Some(user_id) = state.user_id.as_deref() else {
            return Err(
                Diagnostic::error("Invalid state", "The stored state has no user_id.").into(),
            );
        };
        tracing::debug!(user_id, "refreshing the account");
        match client.get_user_status(user_id).await {
            Ok(account) => Ok(Some(state_of(user_id, &account, state.on_destroy.clone()))),
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

    /// `version` stays known unless a PUT will happen.
    fn plan(
        &self,
        change: PlanChange<UserStatusModel>,
    ) -> Result<Planned<UserStatusModel>, Diagnostics> {
        let PlanChange { prior, config, .. } = change;
        let id_from_config = match &config.user_id {
            Field::Known(id) => Field::Known(id.clone()),
            _ => Field::Unknown,
        };
        let planned = |id: Field<String>, version: Field<i64>| UserStatusModel {
            id,
            user_id: config.user_id.clone(),
            enabled: config.enabled,
            version,
            on_destroy: config
                .on_destroy
                .clone()
                .or_default_to(OnDestroy::DEFAULT.to_owned()),
        };
        Ok(match prior {
            None => Planned::in_place(planned(id_from_config, Field::Unknown)),
            Some(prior) if prior.user_id != config.user_id => Planned {
                state: planned(id_from_config, Field::Unknown),
                requires_replace: vec!["user_id"],
            },
            Some(prior) => {
                let version = if prior.enabled == config.enabled {
                    prior.version
                } else {
                    Field::Unknown
                };
                Planned::in_place(planned(prior.id, version))
            }
        })
    }

    /// Adopts the account, setting its status if it differs.
    async fn create(
        &self,
        client: &AcronisClient,
        planned: UserStatusModel,
    ) -> Result<UserStatusModel, Diagnostics> {
        let (user_id, enabled) = known_target(&planned)?;
        tracing::debug!(user_id, enabled, "adopting the account");
        let mut account = client
            .get_user_status(user_id)
            .await
            .map_err(|e| update_error(user_id, &e))?;
        if account.enabled != enabled {
            account = client
                .set_enabled(user_id, enabled, Some(account.version))
                .await
                .map_err(|e| update_error(user_id, &e))?;
        }
        Ok(state_of(user_id, &account, planned.on_destroy.clone()))
    }

    async fn update(
        &self,
        client: &AcronisClient,
        prior: UserStatusModel,
        planned: UserStatusModel,
    ) -> Result<UserStatusModel, Diagnostics> {
        if !planned.version.is_unknown() {
            // Nothing to send: only provider-side settings changed.
            return Ok(planned);
        }
        let (user_id, enabled) = known_target(&planned)?;
        tracing::debug!(user_id, enabled, "setting the account's status");
        let account = client
            .set_enabled(user_id, enabled, prior.version.known().copied())
            .await
            .map_err(|e| update_error(user_id, &e))?;
        Ok(UserStatusModel {
            version: Field::Known(account.version),
            ..planned
        })
    }

    async fn delete(
        &self,
        client: &AcronisClient,
        prior: UserStatusModel,
    ) -> Result<(), Diagnostics> {
        let choice = prior
            .on_destroy
            .as_deref()
            .and_then(OnDestroy::parse)
            .unwrap_or(OnDestroy::Keep);
        let enabled = match choice {
            OnDestroy::Keep => return Ok(()),
            OnDestroy::Enable => true,
            OnDestroy::Disable => false,
        };
        let Some(user_id) = prior.user_id.as_deref() else {
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

    /// `user_id` and `enabled`, and `on_destroy` only when it is not the default.
    fn generate_config(&self, state: UserStatusModel) -> UserStatusModel {
        let on_destroy = match state.on_destroy {
            Field::Known(choice) if choice != OnDestroy::DEFAULT => Field::Known(choice),
            _ => Field::Null,
        };
        UserStatusModel {
            on_destroy,
            ..state
        }
    }

    async fn import(
        &self,
        client: &AcronisClient,
        request: ImportRequest<UserIdentity>,
    ) -> Result<UserStatusModel, Diagnostics> {
        let user_id = match request {
            ImportRequest::Id(id) => id,
            ImportRequest::Identity(identity) => identity.user_id,
        };
        if let Some(d) = check_user_id(&user_id) {
            return Err(Diagnostic::error(
                "Invalid import id",
                format!("{} Import acronis_user_status by the user's id.", d.detail),
            )
            .into());
        }
        tracing::debug!(user_id, "importing the account");
        match client.get_user_status(&user_id).await {
            Ok(account) => Ok(imported_state(&user_id, &account)),
            Err(e) if e.is_not_found() => Err(Diagnostic::error(
                "Cannot import a user that does not exist",
                format!("No user with id {user_id} exists (or it was deleted), so there is nothing to import."),
            )
            .into()),
            Err(e) => Err(api_error("Could not read the account to import", &e).into()),
        }
    }
}

#[cfg(test)]
mod tests;
