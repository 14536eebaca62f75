//! The account store: creation, look-up, versioned edits and (soft) deletion of users, and the
//! tenants they live in.

use std::collections::{BTreeMap, BTreeSet};

use uuid::Uuid;

use crate::clock::rfc3339_now;
use crate::config::{SeedTenant, SeedUser};
use crate::error::StoreError;
use crate::user::{is_valid_user_id, User, UserUpdate};

/// All users ever created, deleted ones included, by id; and every known tenant.
#[derive(Debug, Default)]
pub struct UserStore {
    users: BTreeMap<String, User>,
    /// Tenants seeded on their own, plus every tenant a user was created in: a tenant listing
    /// tells an unknown tenant (404) from an empty one.
    tenants: BTreeSet<String>,
}

/// One page of a tenant's live users, in id order.
#[derive(Debug, Clone, PartialEq)]
pub struct TenantPage {
    pub users: Vec<User>,
    /// Whether more users follow the last one of this page.
    pub more: bool,
}

impl UserStore {
    /// Makes a tenant known (again: adding a known one changes nothing).
    pub fn add_tenant(&mut self, tenant_id: &str) -> Result<(), StoreError> {
        if !is_valid_user_id(tenant_id) {
            return Err(StoreError::InvalidTenantId(tenant_id.to_owned()));
        }
        self.tenants.insert(tenant_id.to_owned());
        Ok(())
    }

    /// Makes a tenant known and creates its generated users.
    pub fn seed_tenant(&mut self, seed: &SeedTenant) -> Result<Vec<User>, StoreError> {
        self.add_tenant(&seed.id)?;
        (1..=seed.users)
            .map(|i| {
                self.add(&SeedUser {
                    tenant_id: Some(seed.id.clone()),
                    ..SeedUser::new(format!("user{i:03}"))
                })
            })
            .collect()
    }

    /// Every known tenant, in id order.
    pub fn tenants(&self) -> Vec<String> {
        self.tenants.iter().cloned().collect()
    }

    /// Up to `limit` live users of a known tenant whose ids sort after `after`.
    pub fn tenant_page(
        &self,
        tenant_id: &str,
        after: Option<&str>,
        limit: usize,
    ) -> Result<TenantPage, StoreError> {
        self.check_tenant(tenant_id)?;
        let mut live = self
            .users
            .values()
            .filter(|u| !u.is_deleted() && u.tenant_id == tenant_id)
            .filter(|u| after.is_none_or(|after| u.id.as_str() > after));
        let users: Vec<User> = live.by_ref().take(limit).cloned().collect();
        Ok(TenantPage {
            users,
            more: live.next().is_some(),
        })
    }

    fn check_tenant(&self, tenant_id: &str) -> Result<(), StoreError> {
        if !is_valid_user_id(tenant_id) {
            return Err(StoreError::InvalidTenantId(tenant_id.to_owned()));
        }
        if !self.tenants.contains(tenant_id) {
            return Err(StoreError::TenantNotFound(tenant_id.to_owned()));
        }
        Ok(())
    }

    /// Creates a user from a seed; the id is generated when the seed has none.
    pub fn add(&mut self, seed: &SeedUser) -> Result<User, StoreError> {
        if seed.login.trim().is_empty() {
            return Err(StoreError::EmptyLogin);
        }
        let id = match &seed.id {
            Some(id) if !is_valid_user_id(id) => return Err(StoreError::InvalidId(id.clone())),
            Some(id) if self.users.contains_key(id) => {
                return Err(StoreError::Duplicate(id.clone()))
            }
            Some(id) => id.clone(),
            None => Uuid::new_v4().to_string(),
        };
        let user = User::from_seed(id.clone(), seed, &rfc3339_now());
        self.add_tenant(&user.tenant_id)?;
        self.users.insert(id, user.clone());
        Ok(user)
    }

    /// The user as stored, deleted or not.
    pub fn get(&self, id: &str) -> Option<&User> {
        self.users.get(id)
    }

    /// The user as the API shows it: deleted users are hidden unless `allow_deleted`.
    pub fn visible(&self, id: &str, allow_deleted: bool) -> Result<&User, StoreError> {
        match self.users.get(id) {
            Some(user) if allow_deleted || !user.is_deleted() => Ok(user),
            _ => Err(StoreError::NotFound(id.to_owned())),
        }
    }

    /// Every live (not deleted) user among `ids`, in the order asked, each once.
    pub fn live_among(&self, ids: &[String]) -> Vec<User> {
        let mut seen = Vec::new();
        for id in ids {
            if seen.iter().any(|u: &User| &u.id == id) {
                continue;
            }
            if let Ok(user) = self.visible(id, false) {
                seen.push(user.clone());
            }
        }
        seen
    }

    /// Every stored user, deleted ones included.
    pub fn all(&self) -> Vec<User> {
        self.users.values().cloned().collect()
    }

    /// An API edit: the user must be live and `version` current; the version then goes up by one.
    pub fn api_update(
        &mut self,
        id: &str,
        version: i64,
        update: UserUpdate,
    ) -> Result<User, StoreError> {
        let user = self.live_mut(id)?;
        check_version(user, version)?;
        update.apply(user);
        user.record_change(&rfc3339_now());
        Ok(user.clone())
    }

    /// An out-of-band (console) edit of any stored user: no version check, version + 1.
    pub fn console_update(&mut self, id: &str, update: UserUpdate) -> Result<User, StoreError> {
        let user = self
            .users
            .get_mut(id)
            .ok_or_else(|| StoreError::NotFound(id.to_owned()))?;
        update.apply(user);
        user.record_change(&rfc3339_now());
        Ok(user.clone())
    }

    /// An API delete: the user must be live, disabled, and `version` current.
    pub fn api_delete(&mut self, id: &str, version: i64) -> Result<(), StoreError> {
        let user = self.live_mut(id)?;
        if user.enabled {
            return Err(StoreError::NotDisabled);
        }
        check_version(user, version)?;
        soft_delete(user);
        Ok(())
    }

    /// A console delete: soft-deletes a live user whatever its state.
    pub fn console_delete(&mut self, id: &str) -> Result<User, StoreError> {
        let user = self.live_mut(id)?;
        soft_delete(user);
        Ok(user.clone())
    }

    /// Removes a user for good.
    pub fn purge(&mut self, id: &str) -> Result<User, StoreError> {
        self.users
            .remove(id)
            .ok_or_else(|| StoreError::NotFound(id.to_owned()))
    }

    fn live_mut(&mut self, id: &str) -> Result<&mut User, StoreError> {
        match self.users.get_mut(id) {
            Some(user) if !user.is_deleted() => Ok(user),
            _ => Err(StoreError::NotFound(id.to_owned())),
        }
    }
}

fn check_version(user: &User, given: i64) -> Result<(), StoreError> {
    if user.version == given {
        Ok(())
    } else {
        Err(StoreError::VersionMismatch {
            current: user.version,
            given,
        })
    }
}

/// Deletion is a change like any other: it stamps `deleted_at` and bumps the version.
fn soft_delete(user: &mut User) {
    let now = rfc3339_now();
    user.record_change(&now);
    user.deleted_at = Some(now);
}

#[cfg(test)]
mod tests {
    use super::*;

    const ID: &str = "0a1b2c3d-4e5f-6a7b-8c9d-0e1f2a3b4c5d";

    fn store_with_user(enabled: bool) -> UserStore {
        let mut store = UserStore::default();
        let seed = SeedUser {
            enabled,
            ..SeedUser::new("alice").with_id(ID)
        };
        store.add(&seed).expect("seed is valid");
        store
    }

    #[test]
    fn add_rejects_bad_ids_duplicates_and_empty_logins() {
        let mut store = store_with_user(true);
        assert_eq!(
            store.add(&SeedUser::new("bob").with_id(ID)),
            Err(StoreError::Duplicate(ID.to_owned()))
        );
        assert!(matches!(
            store.add(&SeedUser::new("bob").with_id("nope")),
            Err(StoreError::InvalidId(_))
        ));
        assert_eq!(store.add(&SeedUser::new(" ")), Err(StoreError::EmptyLogin));
        let generated = store.add(&SeedUser::new("carol")).expect("valid");
        assert!(is_valid_user_id(&generated.id));
    }

    #[test]
    fn tenants_are_known_from_their_users_or_on_their_own_and_paged_in_id_order() {
        const TENANT: &str = "7e4a0700-0000-4000-8000-000000000005";
        const EMPTY: &str = "7e4a0700-0000-4000-8000-000000000006";
        let mut store = store_with_user(true);
        for i in 0..5 {
            let seed = SeedUser {
                tenant_id: Some(TENANT.to_owned()),
                ..SeedUser::new(format!("u{i}"))
            };
            store.add(&seed).expect("valid");
        }
        store.add_tenant(EMPTY).expect("valid");
        let first = store.tenant_page(TENANT, None, 3).expect("known");
        assert_eq!((first.users.len(), first.more), (3, true));
        let last_id = first.users[2].id.clone();
        let rest = store.tenant_page(TENANT, Some(&last_id), 3).expect("known");
        assert_eq!((rest.users.len(), rest.more), (2, false));
        assert!(first
            .users
            .iter()
            .chain(&rest.users)
            .is_sorted_by(|a, b| a.id < b.id));
        assert_eq!(
            store.tenant_page(EMPTY, None, 3).expect("known"),
            TenantPage {
                users: Vec::new(),
                more: false
            }
        );
        let unknown = "7e4a0700-0000-4000-8000-000000000007";
        assert_eq!(
            store.tenant_page(unknown, None, 3),
            Err(StoreError::TenantNotFound(unknown.to_owned()))
        );
        assert!(matches!(
            store.add_tenant("Tenant"),
            Err(StoreError::InvalidTenantId(_))
        ));
        store.console_delete(&last_id).expect("live");
        let after_delete = store.tenant_page(TENANT, None, 10).expect("known");
        assert_eq!(after_delete.users.len(), 4, "deleted users are not listed");
    }

    #[test]
    fn api_update_checks_version_and_bumps_it() {
        let mut store = store_with_user(true);
        let update = UserUpdate {
            enabled: Some(false),
            ..UserUpdate::default()
        };
        assert_eq!(
            store.api_update(ID, 7, update.clone()),
            Err(StoreError::VersionMismatch {
                current: 1,
                given: 7
            })
        );
        let user = store.api_update(ID, 1, update).expect("current version");
        assert_eq!((user.version, user.enabled), (2, false));
    }

    #[test]
    fn api_delete_needs_a_disabled_user_and_is_soft() {
        let mut store = store_with_user(true);
        assert_eq!(store.api_delete(ID, 1), Err(StoreError::NotDisabled));
        store
            .console_update(
                ID,
                UserUpdate {
                    enabled: Some(false),
                    ..UserUpdate::default()
                },
            )
            .expect("exists");
        assert!(matches!(
            store.api_delete(ID, 1),
            Err(StoreError::VersionMismatch { current: 2, .. })
        ));
        store.api_delete(ID, 2).expect("disabled, current version");
        assert!(store.visible(ID, false).is_err());
        assert!(store.visible(ID, true).expect("kept").is_deleted());
        assert_eq!(
            store.api_delete(ID, 3),
            Err(StoreError::NotFound(ID.to_owned()))
        );
    }
}
