//! `acronis_user`: reads one account by id, for outputs and `for_each` pipelines.

use serde::{Deserialize, Serialize};

use super::account;
use crate::acronis::{AcronisClient, User as Account};
use crate::framework::{DataSource, Field};
use crate::provider::checks::check_user_id;
use crate::provider::errors::api_error;
use crate::tfproto::schema::{Attribute, Mode, SchemaDef, Type};
use crate::tfproto::{Diagnostic, Diagnostics};

pub struct User;

const SCHEMA: SchemaDef = SchemaDef {
    version: 0,
    description: "Reads one Acronis user account by its id.",
    attributes: &[
        Attribute::new(
            "id",
            Type::String,
            Mode::Required,
            "The id of the user account (a lowercase UUID).",
        ),
        account::LOGIN,
        account::EMAIL,
        account::FIRST_NAME,
        account::LAST_NAME,
        Attribute::new(
            "tenant_id",
            Type::String,
            Mode::Computed,
            "The id of the tenant the user belongs to.",
        ),
        account::ENABLED,
        Attribute::new(
            "activated",
            Type::Bool,
            Mode::Computed,
            "Whether the user has activated the account.",
        ),
        account::VERSION,
        Attribute::new(
            "mfa_status",
            Type::String,
            Mode::Computed,
            "The account's multi-factor authentication status.",
        ),
        Attribute::new(
            "created_at",
            Type::String,
            Mode::Computed,
            "When the account was created (RFC 3339).",
        ),
    ],
};

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct UserModel {
    pub id: Field<String>,
    pub login: Field<String>,
    pub email: Field<String>,
    pub first_name: Field<String>,
    pub last_name: Field<String>,
    pub tenant_id: Field<String>,
    pub enabled: Field<bool>,
    pub activated: Field<bool>,
    pub version: Field<i64>,
    pub mfa_status: Field<String>,
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

    fn schema(&self) -> &'static SchemaDef {
        &SCHEMA
    }

    fn validate(&self, config: &UserModel) -> Diagnostics {
        config
            .id
            .as_deref()
            .and_then(check_user_id)
            .map(|d| d.at("id"))
            .into_iter()
            .collect()
    }

    async fn read(
        &self,
        client: &AcronisClient,
        config: UserModel,
    ) -> Result<UserModel, Diagnostics> {
        let Some(id) = config.id.as_deref() else {
            return Err(Diagnostic::error(
                "Missing id",
                "The id of the user must be known to read it.",
            )
            .at("id")
            .into());
        };
        if let Some(d) = check_user_id(id) {
            return Err(d.at("id").into());
        }
        match client.get_user(id).await {
            Ok(account) => Ok(UserModel::of(id, account)),
            Err(e) if e.is_not_found() => Err(Diagnostic::error(
                format!("User {id} not found"),
                format!("No user with id {id} exists (or it was deleted)."),
            )
            .at("id")
            .into()),
            Err(e) => Err(api_error("Could not read the user", &e).into()),
        }
    }
}
