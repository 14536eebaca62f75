//! `list "acronis_user_status"`: the accounts of one tenant, streamed page by page as the API
//! hands them out, each with its identity, its login and (with `include_resource`) the state a
//! refresh of the imported account would store.

use std::ops::ControlFlow;

use serde::{Deserialize, Serialize};

use crate::acronis::{AcronisClient, ApiError, TenantUserPages, User, UserStatus as Account};
use crate::framework::{Field, ListResource, ListResults, Listed};
use crate::provider::resources::user_status::{self, UserIdentity};
use crate::provider::{checks, tenant};
use crate::tfproto::{Diagnostic, Diagnostics};

pub struct UserStatusList;

/// The `config` block of `list "acronis_user_status"`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, crate::framework::Schema)]
#[serde(default)]
#[schema(
    version = 0,
    description = "Lists the live user accounts of one tenant for `terraform query` (Terraform \
                   1.14 and later): exactly the accounts the API lists for that tenant, each \
                   checked to belong to it, in the API's order, as pages of up to 100 arrive. \
                   Each result is identified by `user_id` and shown by its login; \
                   `terraform query -generate-config-out=FILE` writes an \
                   `acronis_user_status` resource and an `import` block for each."
)]
pub struct UserStatusListConfig {
    #[attr(required, description = tenant::TENANT_ID)]
    pub tenant_id: Field<String>,
    #[attr(optional, description = tenant::INCLUDE_CHILD_TENANTS)]
    pub include_child_tenants: Field<bool>,
    #[attr(
        optional,
        description = "Only the accounts with this status: `true` the enabled ones, `false` \
                       the disabled ones. All of them when left out."
    )]
    pub enabled: Field<bool>,
}

/// An account as a result: its login (its id when it has none) for people to read, and the
/// state an import of it stores.
fn listed(user: User) -> Listed<user_status::UserStatus> {
    let account = Account {
        version: user.version,
        enabled: user.enabled,
    };
    Listed {
        object: Some(user_status::imported_state(&user.id, &account)),
        display_name: user.login.unwrap_or_else(|| user.id.clone()),
        identity: UserIdentity { user_id: user.id },
    }
}

/// Why the listing stopped: an unknown tenant, or a failed page, named with what was listed
/// before it.
fn page_error(
    tenant_id: &str,
    err: &ApiError,
    pages: &TenantUserPages<'_>,
    sent: u64,
) -> Diagnostic {
    let mut d = tenant::listing_error(tenant_id, err, UserStatusListConfig::TENANT_ID);
    if !err.is_not_found() {
        let page = pages.pages_read() + 1;
        d.detail = format!(
            "{}\n\nListing the users of tenant {tenant_id} stopped at page {page} (pages hold up to 100 accounts); the {sent} accounts listed before it stand.",
            d.detail
        );
    }
    d
}

impl ListResource for UserStatusList {
    type Resource = user_status::UserStatus;
    type Config = UserStatusListConfig;

    fn validate(&self, config: &UserStatusListConfig) -> Diagnostics {
        checks::check_tenant_id_at(&config.tenant_id, UserStatusListConfig::TENANT_ID)
            .into_iter()
            .collect()
    }

    async fn list(
        &self,
        client: &AcronisClient,
        config: UserStatusListConfig,
        results: &mut ListResults<user_status::UserStatus>,
    ) -> Result<(), Diagnostics> {
        let tenant_id = checks::known_tenant_id(
            &config.tenant_id,
            UserStatusListConfig::TENANT_ID,
            "list its users",
        )?;
        let wanted = config.enabled.known().copied();
        let mut pages =
            client.tenant_users(tenant_id, tenant::scope(&config.include_child_tenants));
        // A page is read only while Terraform wants more than it has been sent.
        while results.wants_more() {
            let page = match pages.next_page().await {
                Ok(Some(page)) => page,
                Ok(None) => break,
                Err(e) => return Err(page_error(tenant_id, &e, &pages, results.sent()).into()),
            };
            tracing::debug!(
                tenant_id,
                accounts = page.len(),
                "a page of the tenant's accounts"
            );
            let matching = page
                .into_iter()
                .filter(|user| wanted.is_none_or(|enabled| user.enabled == enabled));
            for user in matching {
                if results.push(listed(user)).await == ControlFlow::Break(()) {
                    return Ok(());
                }
            }
        }
        Ok(())
    }
}
