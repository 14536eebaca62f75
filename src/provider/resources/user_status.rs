//! `acronis_user_status`: whether a user account is enabled, with the account's revision
//! (`version`) as computed state, and what destroying the resource does to the account.

use serde::{Deserialize, Serialize};

use crate::acronis::error::shown_id;
use crate::acronis::{AcronisClient, ApiError, UserStatus as Account};
use crate::framework::{
    Changes, Choice, Field, IdentitySchema, ImportRequest, Planned, Resource, StateUpgrader,
};
use crate::provider::checks::{check_user_id, check_user_id_at};
use crate::provider::errors::api_error;
use crate::tfproto::schema::IdentitySchemaDef;
use crate::tfproto::{Diagnostic, Diagnostics};

pub struct UserStatus;

/// The resource's configuration, plan and state.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, crate::framework::Schema)]
#[schema(
    resource,
    version = 1,
    description = "Enables or disables an Acronis user account, and records the account's \
                   revision number. Destroying the resource leaves the account as it is unless \
                   `on_destroy` says otherwise."
)]
pub struct UserStatusModel {
    #[attr(computed, description = "The user id (same as `user_id`).")]
    pub id: Field<String>,
    #[attr(
        required,
        requires_replace,
        description = "The id of the user account: a lowercase UUID, as the API writes it. \
                       Changing it replaces the resource."
    )]
    pub user_id: Field<String>,
    #[attr(
        required,
        description = "`true` to enable the account, `false` to disable it (the user cannot \
                       sign in)."
    )]
    pub enabled: Field<bool>,
    #[attr(
        computed,
        use_state_for_unknown,
        description = "The account's revision number; the API increments it on every change."
    )]
    pub version: Field<i64>,
    #[attr(
        optional_computed,
        default = OnDestroy::Keep,
        description = "What destroying the resource does to the account: `keep` (default) \
                       leaves it as it is, `enable` re-enables it (end of a temporary \
                       suspension), `disable` disables it (off-boarding)."
    )]
    pub on_destroy: Field<OnDestroy>,
}

/// A user is identified by its id alone.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, crate::framework::Identity)]
#[identity(version = 0)]
pub struct UserIdentity {
    #[attr(
        required_for_import,
        description = "The id of the user account (a lowercase UUID)."
    )]
    pub user_id: String,
}

/// What destroying the resource does to the account.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, crate::framework::Choice)]
pub enum OnDestroy {
    #[default]
    Keep,
    Enable,
    Disable,
}

/// Version 0 (the first release) had no `on_destroy`; its behaviour was `keep`.
fn upgrade_from_version_0(mut state: serde_json::Value) -> Result<serde_json::Value, Diagnostics> {
    if let Some(attributes) = state.as_object_mut() {
        attributes.insert(
            UserStatusModel::ON_DESTROY.to_owned(),
            OnDestroy::Keep.as_str().into(),
        );
    }
    Ok(state)
}

/// The state of an account; `on_destroy` is the resource's own setting.
fn state_of(user_id: &str, account: &Account, on_destroy: Field<OnDestroy>) -> UserStatusModel {
    UserStatusModel {
        id: user_id.into(),
        user_id: user_id.into(),
        enabled: Field::Known(account.enabled),
        version: Field::Known(account.version),
        on_destroy: on_destroy.or_default_to(OnDestroy::Keep),
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
    api_error(&summary, err).at(UserStatusModel::USER_ID).into()
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

    fn identity_schema(&self) -> Option<&'static IdentitySchemaDef> {
        Some(UserIdentity::identity_schema())
    }

    fn identity(&self, state: &UserStatusModel) -> Option<UserIdentity> {
        state.user_id.as_deref().map(|id| UserIdentity {
            user_id: id.to_owned(),
        })
    }

    fn validate(&self, config: &UserStatusModel) -> Diagnostics {
        check_user_id_at(&config.user_id, UserStatusModel::USER_ID)
            .into_iter()
            .collect()
    }

    fn state_upgraders(&self) -> &'static [StateUpgrader] {
        &[StateUpgrader {
            from_version: 0,
            upgrade: upgrade_from_version_0,
        }]
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
            Ok(account) => Ok(Some(state_of(user_id, &account, state.on_destroy))),
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

    /// `id` is the user id; `version` changes when a PUT will happen, that is when `enabled`
    /// does.
    fn modify_plan(&self, planned: &mut Planned<UserStatusModel>) {
        planned.state.id = planned.state.user_id.clone();
        if planned.changes.contains(UserStatusModel::ENABLED) {
            planned.state.version = Field::Unknown;
        }
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
        Ok(state_of(user_id, &account, planned.on_destroy))
    }

    async fn update(
        &self,
        client: &AcronisClient,
        prior: UserStatusModel,
        planned: UserStatusModel,
        changes: &Changes,
    ) -> Result<UserStatusModel, Diagnostics> {
        if !changes.contains(UserStatusModel::ENABLED) {
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
        let choice = prior.on_destroy.known().copied().unwrap_or_default();
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
            Field::Known(choice) if choice != OnDestroy::default() => Field::Known(choice),
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
                format!("{} Import {} by the user's id.", d.detail, Self::TYPE_NAME),
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
