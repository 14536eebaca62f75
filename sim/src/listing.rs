//! What a user listing selects: the filters of `GET /users` (which a page cursor carries) and
//! the flags and order of `GET /tenants/{tenant_id}/users`.

use std::cmp::Ordering;

use serde::{Deserialize, Serialize};

use crate::user::User;

/// Which users `GET /users` lists (without `uuids`). `tenant_id` alone selects nothing: the
/// API ignores it unless `external_ids` is given.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "by", rename_all = "snake_case")]
pub enum UserFilter {
    /// Every user the API client can see.
    All,
    /// The users of a tenant and of every tenant below it (`subtree_root_tenant_id`).
    Subtree { root: String },
    /// The users of one tenant with these external ids (`external_ids` with `tenant_id`).
    ExternalIds {
        tenant_id: String,
        external_ids: Vec<String>,
    },
}

/// A `GET /users` listing: its filter, and whether deleted users are listed too.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Listing {
    pub filter: UserFilter,
    pub allow_deleted: bool,
}

/// The key `order` sorts a tenant's users by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum OrderKey {
    /// As stored: by id.
    AsIs,
    Login,
    /// Enabled users first.
    Status,
    /// First and last name, or the login when both are empty. Also what the keys the
    /// simulator has no data for (`roles`, `level`, `usage.*`, `contact_types`) fall back to.
    Name,
    MfaStatus,
}

/// The `order` of `GET /tenants/{tenant_id}/users`: a key, `-` before it to reverse.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UserOrder {
    key: OrderKey,
    reverse: bool,
}

impl Default for UserOrder {
    fn default() -> Self {
        UserOrder {
            key: OrderKey::Name,
            reverse: false,
        }
    }
}

impl UserOrder {
    /// Parses `order`, e.g. `name`, `-login`, `usage.workstations`.
    pub fn parse(raw: &str) -> Option<UserOrder> {
        let (reverse, name) = match raw.strip_prefix('-') {
            Some(name) => (true, name),
            None => (false, raw),
        };
        let key = match name {
            "as_is" => OrderKey::AsIs,
            "login" => OrderKey::Login,
            "status" => OrderKey::Status,
            "name" | "roles" | "level" | "contact_types" => OrderKey::Name,
            "mfa_status" => OrderKey::MfaStatus,
            usage if usage.strip_prefix("usage.").is_some_and(|u| !u.is_empty()) => OrderKey::Name,
            _ => return None,
        };
        Some(UserOrder { key, reverse })
    }

    /// Sorts users by this order (ties by id).
    pub fn sort(self, users: &mut [&User]) {
        users.sort_by(|a, b| {
            let by_key = self.compare(a, b);
            let by_key = if self.reverse {
                by_key.reverse()
            } else {
                by_key
            };
            by_key.then_with(|| a.id.cmp(&b.id))
        });
    }

    fn compare(self, a: &User, b: &User) -> Ordering {
        match self.key {
            OrderKey::AsIs => Ordering::Equal,
            OrderKey::Login => a.login.to_lowercase().cmp(&b.login.to_lowercase()),
            OrderKey::Status => b.enabled.cmp(&a.enabled),
            OrderKey::Name => display_name(a).cmp(&display_name(b)),
            OrderKey::MfaStatus => a.mfa_status.cmp(&b.mfa_status),
        }
    }
}

fn display_name(user: &User) -> String {
    let name = format!("{} {}", user.contact.firstname, user.contact.lastname);
    let name = name.trim();
    if name.is_empty() {
        user.login.to_lowercase()
    } else {
        name.to_lowercase()
    }
}

/// The flags of `GET /tenants/{tenant_id}/users`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct TenantUsersQuery {
    /// Adds the users of nested unit tenants (of a customer) or folder tenants (of others).
    pub include_grand_children: bool,
    /// Lists deleted users too.
    pub allow_deleted: bool,
    pub order: UserOrder,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn orders_parse_with_reversal_and_usage_names() {
        assert_eq!(UserOrder::parse("name"), Some(UserOrder::default()));
        let reversed = UserOrder::parse("-login").expect("valid");
        assert!(reversed.reverse && reversed.key == OrderKey::Login);
        assert!(UserOrder::parse("usage.workstations").is_some());
        for bad in ["", "-", "usage.", "colour", "--name"] {
            assert_eq!(UserOrder::parse(bad), None, "{bad}");
        }
    }
}
