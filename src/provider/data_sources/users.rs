//! `acronis_users`: the live users of one tenant, for `for_each` over a customer's accounts
//! (for instance to disable them all when the customer leaves).

use serde::{Deserialize, Serialize};

use super::account;
use crate::acronis::{AcronisClient, User as Account};
use crate::framework::{DataSource, Field};
use crate::provider::tenant;
use crate::tfproto::schema::{Attribute, Mode, SchemaDef, Type};
use crate::tfproto::Diagnostics;

pub struct Users;

const SCHEMA: SchemaDef = SchemaDef {
    version: 0,
    description: "Lists the live (not deleted) user accounts of one tenant, sorted by login: \
                  the accounts the API lists for that tenant, each checked to belong to it. \
                  Users of the tenants nested in it are included only with \
                  `include_child_tenants`.",
    attributes: &[
        tenant::TENANT_ID,
        tenant::INCLUDE_CHILD_TENANTS,
        Attribute::new(
            "users",
            Type::ObjectList(USER_ATTRIBUTES),
            Mode::Computed,
            "The tenant's users.",
        ),
    ],
};

const USER_ATTRIBUTES: &[Attribute] = &[
    Attribute::new("id", Type::String, Mode::Computed, "The user id."),
    account::LOGIN,
    account::EMAIL,
    account::FIRST_NAME,
    account::LAST_NAME,
    account::ENABLED,
    account::VERSION,
];

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct UsersModel {
    pub tenant_id: Field<String>,
    #[serde(default)]
    pub include_child_tenants: Field<bool>,
    pub users: Field<Vec<UserItem>>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UserItem {
    pub id: String,
    pub login: Option<String>,
    pub email: Option<String>,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub enabled: bool,
    pub version: i64,
}

impl From<Account> for UserItem {
    fn from(account: Account) -> Self {
        UserItem {
            id: account.id,
            login: account.login,
            email: account.contact.email,
            first_name: account.contact.firstname,
            last_name: account.contact.lastname,
            enabled: account.enabled,
            version: account.version,
        }
    }
}

impl DataSource for Users {
    type Client = AcronisClient;
    type Model = UsersModel;

    const TYPE_NAME: &'static str = "acronis_users";

    fn schema(&self) -> &'static SchemaDef {
        &SCHEMA
    }

    fn validate(&self, config: &UsersModel) -> Diagnostics {
        tenant::check_tenant_id(&config.tenant_id)
            .into_iter()
            .collect()
    }

    async fn read(
        &self,
        client: &AcronisClient,
        config: UsersModel,
    ) -> Result<UsersModel, Diagnostics> {
        let tenant_id = tenant::known_tenant_id(&config.tenant_id)?;
        let scope = tenant::scope(&config.include_child_tenants);
        let accounts = client
            .list_tenant_users(tenant_id, scope)
            .await
            .map_err(|e| tenant::listing_error(tenant_id, &e))?;
        let mut users: Vec<UserItem> = accounts.into_iter().map(UserItem::from).collect();
        users.sort_by(|a, b| (&a.login, &a.id).cmp(&(&b.login, &b.id)));
        Ok(UsersModel {
            tenant_id: config.tenant_id,
            include_child_tenants: config.include_child_tenants,
            users: Field::Known(users),
        })
    }
}
