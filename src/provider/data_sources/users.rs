//! `acronis_users`: the live users of one tenant, for `for_each` over a customer's accounts
//! (for instance to disable them all when the customer leaves).

use serde::{Deserialize, Serialize};

use super::account;
use crate::acronis::{AcronisClient, User as Account};
use crate::framework::{DataSource, Field};
use crate::provider::{checks, tenant};
use crate::tfproto::Diagnostics;

pub struct Users;

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, crate::framework::Schema)]
#[schema(
    version = 0,
    description = "Lists the live (not deleted) user accounts of one tenant, sorted by login: \
                   the accounts the API lists for that tenant, each checked to belong to it. \
                   Users of the tenants nested in it are included only with \
                   `include_child_tenants`."
)]
pub struct UsersModel {
    #[attr(required, description = tenant::TENANT_ID)]
    pub tenant_id: Field<String>,
    #[attr(optional, description = tenant::INCLUDE_CHILD_TENANTS)]
    pub include_child_tenants: Field<bool>,
    #[attr(computed, description = "The tenant's users.")]
    pub users: Field<Vec<UserItem>>,
}

/// One element of `users`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, crate::framework::Schema)]
pub struct UserItem {
    #[attr(computed, description = "The user id.")]
    pub id: String,
    #[attr(computed, description = account::LOGIN)]
    pub login: Option<String>,
    #[attr(computed, description = account::EMAIL)]
    pub email: Option<String>,
    #[attr(computed, description = account::FIRST_NAME)]
    pub first_name: Option<String>,
    #[attr(computed, description = account::LAST_NAME)]
    pub last_name: Option<String>,
    #[attr(computed, description = account::ENABLED)]
    pub enabled: bool,
    #[attr(computed, description = account::VERSION)]
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

    fn validate(&self, config: &UsersModel) -> Diagnostics {
        checks::check_tenant_id_at(&config.tenant_id, UsersModel::TENANT_ID)
            .into_iter()
            .collect()
    }

    async fn read(
        &self,
        client: &AcronisClient,
        config: UsersModel,
    ) -> Result<UsersModel, Diagnostics> {
        let tenant_id =
            checks::known_tenant_id(&config.tenant_id, UsersModel::TENANT_ID, "list its users")?;
        let scope = tenant::scope(&config.include_child_tenants);
        let accounts = client
            .list_tenant_users(tenant_id, scope)
            .await
            .map_err(|e| tenant::listing_error(tenant_id, &e, UsersModel::TENANT_ID))?;
        let mut users: Vec<UserItem> = accounts.into_iter().map(UserItem::from).collect();
        users.sort_by(|a, b| (&a.login, &a.id).cmp(&(&b.login, &b.id)));
        Ok(UsersModel {
            tenant_id: config.tenant_id,
            include_child_tenants: config.include_child_tenants,
            users: Field::Known(users),
        })
    }
}
