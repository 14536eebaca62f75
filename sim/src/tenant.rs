//! A tenant as the simulator stores it (its kind and place in the tree) and the API's
//! `tenant` object that `GET /tenants/{tenant_id}` answers.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

/// The platform's root above every tenant seeded without a parent. The simulator does not
/// serve it: it is only the `parent_id` of top-level tenants.
pub const ROOT_TENANT_ID: &str = "00000000-0000-4000-8000-000000000000";

/// The kinds of tenant, as the API's `tenantKind` names them; they nest
/// partner -> folder -> customer -> unit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TenantKind {
    Root,
    Partner,
    Folder,
    #[default]
    Customer,
    Unit,
}

impl TenantKind {
    /// Every kind, in the order the API lists them.
    pub const ALL: [TenantKind; 5] = [
        TenantKind::Root,
        TenantKind::Partner,
        TenantKind::Folder,
        TenantKind::Customer,
        TenantKind::Unit,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            TenantKind::Root => "root",
            TenantKind::Partner => "partner",
            TenantKind::Folder => "folder",
            TenantKind::Customer => "customer",
            TenantKind::Unit => "unit",
        }
    }
}

impl fmt::Display for TenantKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for TenantKind {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        TenantKind::ALL
            .into_iter()
            .find(|kind| kind.as_str() == s)
            .ok_or_else(|| {
                format!(
                    "unknown tenant kind {s:?}: expected root, partner, folder, customer or unit"
                )
            })
    }
}

/// A stored tenant.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tenant {
    pub id: String,
    pub name: String,
    pub kind: TenantKind,
    /// The parent tenant, or [`ROOT_TENANT_ID`] for a top-level one.
    pub parent_id: String,
    pub version: i64,
    pub created_at: String,
    pub updated_at: String,
}

impl Tenant {
    /// The API's `tenant` object; `has_children` comes from the tree the tenant is in.
    pub fn to_json(&self, has_children: bool) -> Value {
        json!({
            "id": self.id,
            "version": self.version,
            "name": self.name,
            "kind": self.kind,
            "parent_id": self.parent_id,
            "enabled": true,
            "customer_type": "default",
            "contact": { "email": "", "firstname": "", "lastname": "" },
            "contacts": [],
            "language": "en",
            "has_children": has_children,
            "update_lock": { "enabled": false, "owner_id": null },
            "ancestral_access": true,
            "mfa_status": "disabled",
            "pricing_mode": "production",
            "brand_id": null,
            "brand_enabled": false,
            "internal_tag": null,
            "created_at": self.created_at,
            "updated_at": self.updated_at,
            "deleted_at": null,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_round_trip_by_name() {
        for kind in TenantKind::ALL {
            assert_eq!(kind.as_str().parse::<TenantKind>(), Ok(kind));
            assert_eq!(serde_json::to_value(kind).expect("kind"), kind.as_str());
        }
        assert!("company".parse::<TenantKind>().is_err());
    }
}
