//! The provider's data sources, one file each.

mod account;
mod tenant;
mod user;
mod users;

use crate::acronis::AcronisClient;
use crate::framework::Registry;

/// Adds every data source to `registry`.
pub fn register(registry: Registry<AcronisClient>) -> Registry<AcronisClient> {
    registry
        .data_source(user::User)
        .data_source(users::Users)
        .data_source(tenant::Tenant)
}
