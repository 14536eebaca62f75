//! `acronis_user`: reads one account by id, for outputs and `for_each` pipelines.

use serde::{Deserialize, Serialize};

use super::account;
use crate::acronis::{AcronisClient, User as Account};
use crate::framework::{DataSource, Field};
use crate::provider::checks::{check_user_id_at, known_user_id};
use crate::provider::errors::api_error;
use crate::tfproto::{Diagnostic, Diagnostics};

pub struct User;

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, crate::framework::Schema)]
#[schema(version = 0, description = "Reads one Acronis user account by its id.")]
pub struct UserModel {
    #[attr(
        required,
        description = "The id of the user account (a lowercase UUID)."
    )]
    pub id: Field<String>,
    #[attr(computed, description = account::LOGIN)]
    pub login: Field<String>,
    #[attr(computed, description = account::EMAIL)]
    pub email: Field<String>,
    #[attr(computed, description = account::FIRST_NAME)]
    pub first_name: Field<String>,
    #[attr(computed, description = account::LAST_NAME)]
    pub last_name: Field<String>,
    #[attr(computed, description = "The id of the tenant the user belongs to.")]
    pub tenant_id: Field<String>,
    #[attr(computed, description = account::ENABLED)]
    pub enabled: Field<bool>,
    #[attr(computed, description = "Whether the user has activated the account.")]
    pub activated: Field<bool>,
    #[attr(computed, description = account::VERSION)]
    pub version: Field<i64>,
    #[attr(
        computed,
        description = "The account's multi-factor authentication status."
    )]
    pub mfa_status: Field<String>,
    #[attr(computed, description = "When the account was created (RFC 3339).")]
    pub created_at: Field<String>,
}

impl UserModel {
    fn of(id: &str, account: Account) -> UserModel {
        UserModel {
            id: id.into(),
            login: account.login.into(),
            email: account.contact.email.into(),
            first_name: account.contact.firstname.into(),
            last_name: account.contact.lastname.into(),
            tenant_id: account.tenant_id.into(),
            enabled: Field::Known(account.enabled),
            activated: account.activated.into(),
            version: Field::Known(account.version),
            mfa_status: account.mfa_status.into(),
            created_at: account.created_at.into(),
        }
    }
}

impl DataSource for User {
    type Client = AcronisClient;
    type Model = UserModel;

    const TYPE_NAME: &'static str = "acronis_user";

    fn validate(&self, config: &UserModel) -> Diagnostics {
        check_user_id_at(&config.id, UserModel::ID)
            .into_iter()
            .collect()
    }

    async fn read(
        &self,
        client: &AcronisClient,
        config: UserModel,
    ) -> Result<UserModel, Diagnostics> {
        let id = known_user_id(&config.id, UserModel::ID, "read it")?;
        match client.get_user(id).await {
            Ok(account) => Ok(UserModel::of(id, account)),
            Err(e) if e.is_not_found() => Err(Diagnostic::error(
                format!("User {id} not found"),
                format!("No user with id {id} exists (or it was deleted)."),
            )
            .at(UserModel::ID)
            .into()),
            Err(e) => Err(api_error("Could not read the user", &e).into()),
        }
    }
}
