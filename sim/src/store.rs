//! The account store: creation, look-up, listings, versioned edits and (soft) deletion of
//! users, and the tenant tree they live in.

use std::collections::{BTreeMap, BTreeSet};

use uuid::Uuid;

use crate::clock::rfc3339_now;
use crate::config::{SeedTenant, SeedUser};
use crate::error::StoreError;
use crate::listing::{Listing, TenantUsersQuery, UserFilter};
use crate::tenant::Tenant;
use crate::tenant_tree::TenantTree;
use crate::user::{is_valid_user_id, User, UserUpdate};

/// All users ever created, deleted ones included, by id; and every known tenant.
#[derive(Debug, Default)]
pub struct UserStore {
    users: BTreeMap<String, User>,
    /// Tenants seeded on their own, plus every tenant a user was created in: a tenant listing
    /// tells an unknown tenant (404) from an empty one.
    tenants: TenantTree,
}

/// One page of a `GET /users` listing, in id order.
#[derive(Debug, Clone, PartialEq)]
pub struct UserPage {
    pub users: Vec<User>,
    /// Whether more users follow the last one of this page.
    pub more: bool,
}

impl UserStore {
    /// Makes a tenant known (or re-places a known one) and creates its generated users.
    pub fn seed_tenant(&mut self, seed: &SeedTenant) -> Result<Vec<User>, StoreError> {
        self.tenants.seed(seed)?;
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
        self.tenants.ids()
    }

    /// A known tenant, and whether any tenant is nested in it.
    pub fn tenant(&self, id: &str) -> Result<(Tenant, bool), StoreError> {
        let tenant = self.tenants.check(id)?.clone();
        let has_children = self.tenants.has_children(id);
        Ok((tenant, has_children))
    }

    /// The ids `GET /tenants/{tenant_id}/users` answers, in the query's order.
    pub fn tenant_user_ids(
        &self,
        tenant_id: &str,
        query: &TenantUsersQuery,
    ) -> Result<Vec<String>, StoreError> {
        self.tenants.check(tenant_id)?;
        let tenants = if query.include_grand_children {
            self.tenants.with_grand_children(tenant_id)
        } else {
            BTreeSet::from([tenant_id.to_owned()])
        };
        let mut users: Vec<&User> = self
            .users
            .values()
            .filter(|u| tenants.contains(&u.tenant_id))
            .filter(|u| query.allow_deleted || !u.is_deleted())
            .collect();
        query.order.sort(&mut users);
        Ok(users.into_iter().map(|u| u.id.clone()).collect())
    }

    /// Up to `limit` users of a `GET /users` listing whose ids sort after `after`.
    pub fn users_page(
        &self,
        listing: &Listing,
        after: Option<&str>,
        limit: usize,
    ) -> Result<UserPage, StoreError> {
        let tenants: Option<BTreeSet<String>> = match &listing.filter {
            UserFilter::All => None,
            UserFilter::Subtree { root } => {
                self.tenants.check(root)?;
                Some(self.tenants.subtree(root))
            }
            UserFilter::ExternalIds { tenant_id, .. } => {
                self.tenants.check(tenant_id)?;
                Some(BTreeSet::from([tenant_id.clone()]))
            }
        };
        let external_ids = match &listing.filter {
            UserFilter::ExternalIds { external_ids, .. } => Some(external_ids),
            _ => None,
        };
        let mut selected = self
            .users
            .values()
            .filter(|u| listing.allow_deleted || !u.is_deleted())
            .filter(|u| tenants.as_ref().is_none_or(|t| t.contains(&u.tenant_id)))
            .filter(|u| {
                external_ids
                    .is_none_or(|ids| u.external_id.as_ref().is_some_and(|e| ids.contains(e)))
            })
            .filter(|u| after.is_none_or(|after| u.id.as_str() > after));
        let users: Vec<User> = selected.by_ref().take(limit).cloned().collect();
        Ok(UserPage {
            users,
            more: selected.next().is_some(),
        })
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
        self.tenants.ensure(&user.tenant_id)?;
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

    /// Every user among `ids` (live ones, or deleted ones too with `allow_deleted`), in the
    /// order asked, each once.
    pub fn among(&self, ids: &[String], allow_deleted: bool) -> Vec<User> {
        let mut seen = Vec::new();
        for id in ids {
            if seen.iter().any(|u: &User| &u.id == id) {
                continue;
            }
            if let Ok(user) = self.visible(id, allow_deleted) {
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
    fn listings_ignore_no_tenant_and_page_in_id_order() {
        const TENANT: &str = "7e4a0700-0000-4000-8000-000000000005";
        const UNIT: &str = "7e4a0700-0000-4000-8000-000000000006";
        let mut store = store_with_user(true);
        store
            .seed_tenant(&SeedTenant::new(TENANT, 3))
            .expect("valid");
        let unit = SeedTenant {
            parent_id: Some(TENANT.to_owned()),
            ..SeedTenant::new(UNIT, 2)
        };
        store.seed_tenant(&unit).expect("valid");
        let all = Listing {
            filter: UserFilter::All,
            allow_deleted: false,
        };
        let first = store.users_page(&all, None, 4).expect("listing");
        assert_eq!((first.users.len(), first.more), (4, true));
        let last_id = first.users[3].id.clone();
        let rest = store.users_page(&all, Some(&last_id), 4).expect("listing");
        assert_eq!((rest.users.len(), rest.more), (2, false));
        assert!(first
            .users
            .iter()
            .chain(&rest.users)
            .is_sorted_by(|a, b| a.id < b.id));
        let subtree = Listing {
            filter: UserFilter::Subtree {
                root: TENANT.to_owned(),
            },
            allow_deleted: false,
        };
        let page = store.users_page(&subtree, None, 100).expect("known");
        assert_eq!(page.users.len(), 5, "the tenant's and its unit's");
        let unknown = Listing {
            filter: UserFilter::Subtree {
                root: "7e4a0700-0000-4000-8000-000000000007".to_owned(),
            },
            allow_deleted: false,
        };
        assert!(matches!(
            store.users_page(&unknown, None, 1),
            Err(StoreError::TenantNotFound(_))
        ));
        let own = TenantUsersQuery::default();
        assert_eq!(store.tenant_user_ids(TENANT, &own).expect("known").len(), 3);
        let nested = TenantUsersQuery {
            include_grand_children: true,
            ..own
        };
        assert_eq!(
            store.tenant_user_ids(TENANT, &nested).expect("known").len(),
            5
        );
        store.console_delete(&last_id).expect("live");
        assert_eq!(
            store.users_page(&all, None, 100).expect("all").users.len(),
            5
        );
        let with_deleted = Listing {
            allow_deleted: true,
            ..all
        };
        assert_eq!(
            store
                .users_page(&with_deleted, None, 100)
                .expect("all")
                .users
                .len(),
            6
        );
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
