//! The tenant tree: every known tenant by id with its parent, and the walks the listings need
//! (a whole subtree, and the nested tenants `include_grand_children` adds).

use std::collections::{BTreeMap, BTreeSet};

use crate::clock::rfc3339_now;
use crate::config::SeedTenant;
use crate::error::StoreError;
use crate::tenant::{Tenant, TenantKind, ROOT_TENANT_ID};
use crate::user::is_valid_user_id;

/// Known tenants: those seeded, and every tenant a user was created in.
#[derive(Debug, Default)]
pub struct TenantTree {
    tenants: BTreeMap<String, Tenant>,
}

impl TenantTree {
    /// Makes a tenant known as a top-level customer, unless it is known already.
    pub fn ensure(&mut self, id: &str) -> Result<(), StoreError> {
        check_id(id)?;
        if !self.tenants.contains_key(id) {
            self.insert(id, None, None, None);
        }
        Ok(())
    }

    /// Adds a seeded tenant, or re-places a known one: the kind, parent and name it gives
    /// replace the tenant's. A parent must be known, and may not be the tenant or below it.
    pub fn seed(&mut self, seed: &SeedTenant) -> Result<(), StoreError> {
        check_id(&seed.id)?;
        if let Some(parent) = &seed.parent_id {
            self.check(parent)?;
            if self.subtree(&seed.id).contains(parent) {
                return Err(StoreError::TenantCycle(seed.id.clone()));
            }
        }
        match self.tenants.get_mut(&seed.id) {
            Some(tenant) => {
                if let Some(kind) = seed.kind {
                    tenant.kind = kind;
                }
                if let Some(parent) = &seed.parent_id {
                    tenant.parent_id.clone_from(parent);
                }
                if let Some(name) = &seed.name {
                    tenant.name.clone_from(name);
                }
            }
            None => self.insert(
                &seed.id,
                seed.parent_id.as_deref(),
                seed.kind,
                seed.name.clone(),
            ),
        }
        Ok(())
    }

    fn insert(
        &mut self,
        id: &str,
        parent: Option<&str>,
        kind: Option<TenantKind>,
        name: Option<String>,
    ) {
        let parent_kind = parent.and_then(|p| self.tenants.get(p)).map(|p| p.kind);
        // Below a customer or a unit only units nest; elsewhere a customer is the usual child.
        let default_kind = match parent_kind {
            Some(TenantKind::Customer | TenantKind::Unit) => TenantKind::Unit,
            _ => TenantKind::Customer,
        };
        let now = rfc3339_now();
        let tenant = Tenant {
            id: id.to_owned(),
            name: name.unwrap_or_else(|| format!("Tenant {}", &id[..8])),
            kind: kind.unwrap_or(default_kind),
            parent_id: parent.unwrap_or(ROOT_TENANT_ID).to_owned(),
            version: 1,
            created_at: now.clone(),
            updated_at: now,
        };
        self.tenants.insert(id.to_owned(), tenant);
    }

    /// A known tenant; 400 for a malformed id, 404 for an unknown one.
    pub fn check(&self, id: &str) -> Result<&Tenant, StoreError> {
        check_id(id)?;
        self.tenants
            .get(id)
            .ok_or_else(|| StoreError::TenantNotFound(id.to_owned()))
    }

    /// Every known tenant id, in id order.
    pub fn ids(&self) -> Vec<String> {
        self.tenants.keys().cloned().collect()
    }

    /// Whether any tenant has `id` as its parent.
    pub fn has_children(&self, id: &str) -> bool {
        self.tenants.values().any(|t| t.parent_id == id)
    }

    /// `root` and every tenant below it.
    pub fn subtree(&self, root: &str) -> BTreeSet<String> {
        self.walk(root, |_| true)
    }

    /// The tenants whose users `GET /tenants/{id}/users?include_grand_children=true` lists:
    /// the tenant, and for a customer every unit nested in it (through units), for any other
    /// kind every folder nested in it (through folders).
    pub fn with_grand_children(&self, id: &str) -> BTreeSet<String> {
        let follow = match self.tenants.get(id).map(|t| t.kind) {
            Some(TenantKind::Customer) => TenantKind::Unit,
            _ => TenantKind::Folder,
        };
        self.walk(id, |tenant| tenant.kind == follow)
    }

    /// `root` and the tenants below it reached through children that `follow` accepts.
    fn walk(&self, root: &str, follow: impl Fn(&Tenant) -> bool) -> BTreeSet<String> {
        let mut found = BTreeSet::from([root.to_owned()]);
        let mut queue = vec![root.to_owned()];
        while let Some(parent) = queue.pop() {
            for child in self.tenants.values() {
                if child.parent_id == parent && follow(child) && found.insert(child.id.clone()) {
                    queue.push(child.id.clone());
                }
            }
        }
        found
    }
}

fn check_id(id: &str) -> Result<(), StoreError> {
    if is_valid_user_id(id) {
        Ok(())
    } else {
        Err(StoreError::InvalidTenantId(id.to_owned()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const PARTNER: &str = "7e4a0700-0000-4000-8000-000000000001";
    const FOLDER: &str = "7e4a0700-0000-4000-8000-000000000002";
    const CUSTOMER: &str = "7e4a0700-0000-4000-8000-000000000003";
    const UNIT: &str = "7e4a0700-0000-4000-8000-000000000004";
    const SUBUNIT: &str = "7e4a0700-0000-4000-8000-000000000005";

    fn seed(id: &str, kind: TenantKind, parent: Option<&str>) -> SeedTenant {
        SeedTenant {
            kind: Some(kind),
            parent_id: parent.map(str::to_owned),
            ..SeedTenant::new(id, 0)
        }
    }

    fn tree() -> TenantTree {
        let mut tree = TenantTree::default();
        for s in [
            seed(PARTNER, TenantKind::Partner, None),
            seed(FOLDER, TenantKind::Folder, Some(PARTNER)),
            seed(CUSTOMER, TenantKind::Customer, Some(FOLDER)),
            seed(UNIT, TenantKind::Unit, Some(CUSTOMER)),
            seed(SUBUNIT, TenantKind::Unit, Some(UNIT)),
        ] {
            tree.seed(&s).expect("valid");
        }
        tree
    }

    fn set(ids: &[&str]) -> BTreeSet<String> {
        ids.iter().map(|id| (*id).to_owned()).collect()
    }

    #[test]
    fn subtrees_and_grand_children_follow_the_kinds() {
        let tree = tree();
        assert_eq!(
            tree.subtree(FOLDER),
            set(&[FOLDER, CUSTOMER, UNIT, SUBUNIT])
        );
        assert_eq!(
            tree.with_grand_children(CUSTOMER),
            set(&[CUSTOMER, UNIT, SUBUNIT])
        );
        assert_eq!(tree.with_grand_children(PARTNER), set(&[PARTNER, FOLDER]));
        assert!(tree.has_children(UNIT) && !tree.has_children(SUBUNIT));
        assert_eq!(
            tree.check(PARTNER).expect("known").parent_id,
            ROOT_TENANT_ID
        );
    }

    #[test]
    fn parents_must_be_known_and_not_below_the_tenant() {
        let mut tree = tree();
        let orphan = seed(
            "7e4a0700-0000-4000-8000-000000000009",
            TenantKind::Unit,
            Some("7e4a0700-0000-4000-8000-00000000000a"),
        );
        assert!(matches!(
            tree.seed(&orphan),
            Err(StoreError::TenantNotFound(_))
        ));
        let cycle = seed(CUSTOMER, TenantKind::Customer, Some(SUBUNIT));
        assert_eq!(
            tree.seed(&cycle),
            Err(StoreError::TenantCycle(CUSTOMER.to_owned()))
        );
        let unit_by_default = SeedTenant {
            parent_id: Some(CUSTOMER.to_owned()),
            ..SeedTenant::new("7e4a0700-0000-4000-8000-00000000000b", 0)
        };
        tree.seed(&unit_by_default).expect("valid");
        let unit = tree.check(&unit_by_default.id).expect("known");
        assert_eq!(unit.kind, TenantKind::Unit);
        assert!(matches!(
            tree.check("Tenant"),
            Err(StoreError::InvalidTenantId(_))
        ));
    }
}
