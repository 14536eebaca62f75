//! What listing a tenant's accounts means wherever the provider does it (the `acronis_users`
//! data source, the `acronis_user_status` list resource): the `tenant_id` and
//! `include_child_tenants` attributes, the scope they select, and the errors of a listing.

use crate::acronis::{ApiError, TenantScope};
use crate::framework::Field;
use crate::provider::errors::api_error;
use crate::tfproto::Diagnostic;

/// The description of `tenant_id`.
pub const TENANT_ID: &str = "The id of the tenant (a lowercase UUID).";

/// The description of `include_child_tenants`.
pub const INCLUDE_CHILD_TENANTS: &str =
    "Whether the users of the tenants nested in this one count too: for a customer, its \
     units; for a partner or folder, its folders (as the API's `include_grand_children` \
     defines). Defaults to false: the tenant's own users only.";

/// The scope `include_child_tenants` selects.
pub fn scope(include_child_tenants: &Field<bool>) -> TenantScope {
    match include_child_tenants.known() {
        Some(true) => TenantScope::WithChildTenants,
        _ => TenantScope::OwnUsers,
    }
}

/// The diagnostic of a failed listing of `tenant_id`'s users, at `attribute`: an unknown
/// tenant, or the API's failure with what to do about it.
pub fn listing_error(tenant_id: &str, err: &ApiError, attribute: &str) -> Diagnostic {
    if err.is_not_found() {
        Diagnostic::error(
            format!("Tenant {tenant_id} not found"),
            format!("No tenant with id {tenant_id} exists, so it has no users to list."),
        )
    } else {
        api_error("Could not list the tenant's users", err)
    }
    .at(attribute)
}
