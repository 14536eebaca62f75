//! The provider's managed resources, one file each.

pub(crate) mod user_status;

use crate::acronis::AcronisClient;
use crate::framework::Registry;

/// Adds every resource to `registry`.
pub fn register(registry: Registry<AcronisClient>) -> Registry<AcronisClient> {
    registry.resource(user_status::UserStatus)
}
