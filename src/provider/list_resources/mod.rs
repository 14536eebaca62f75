//! The provider's list resources (`list` blocks of `terraform query`), one file each.

mod user_status;

use crate::acronis::AcronisClient;
use crate::framework::Registry;

/// Adds every list resource to `registry`.
pub fn register(registry: Registry<AcronisClient>) -> Registry<AcronisClient> {
    registry.list_resource(user_status::UserStatusList)
}
