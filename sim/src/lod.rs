//! The `lod` (level of detail) of `GET /users` and the item objects each level answers: the
//! `userBatch` item schemas `stamps`, `userBasic` and `item0` (full).

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};

use crate::user::User;

/// A level of detail; `full` when the query names none.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Lod {
    Stamps,
    Basic,
    #[default]
    Full,
}

impl FromStr for Lod {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "stamps" => Ok(Lod::Stamps),
            "basic" => Ok(Lod::Basic),
            "full" => Ok(Lod::Full),
            _ => Err(format!("'lod' must be stamps, basic or full, got {s:?}")),
        }
    }
}

impl fmt::Display for Lod {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Lod::Stamps => "stamps",
            Lod::Basic => "basic",
            Lod::Full => "full",
        })
    }
}

impl Lod {
    /// The user as a `GET /users` item at this level.
    pub fn item(self, user: &User) -> Value {
        let mut item = Map::new();
        let mut put = |key: &str, value: Value| {
            item.insert(key.to_owned(), value);
        };
        put("id", json!(user.id));
        put("version", json!(user.version));
        put("tenant_id", json!(user.tenant_id));
        put("created_at", json!(user.created_at));
        put("updated_at", json!(user.updated_at));
        put("deleted_at", json!(user.deleted_at));
        put("access_policies", json!(user.access_policies));
        put("origin_id", Value::Null);
        put("origin_external_id", Value::Null);
        put("disable_after", json!(user.disable_after));
        if self == Lod::Stamps {
            return Value::Object(item);
        }
        put("personal_tenant_id", json!(user.personal_tenant_id));
        put("login", json!(user.login));
        put("enabled", json!(user.enabled));
        put("session_mfa_status", json!("passed_or_not_required"));
        put("delivery_channel", json!("email"));
        if self == Lod::Basic {
            return Value::Object(item);
        }
        put("contact", json!(user.contact));
        put("activated", json!(user.activated));
        put("language", json!(user.language));
        put("business_types", json!(user.business_types));
        put("notifications", json!(user.notifications));
        put("idp_id", json!(user.idp_id));
        if let Some(external_id) = &user.external_id {
            put("external_id", json!(external_id));
        }
        put("mfa_status", json!(user.mfa_status));
        put("external_operation_status", Value::Null);
        Value::Object(item)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::SeedUser;

    fn keys(value: &Value) -> Vec<&str> {
        let mut keys: Vec<&str> = value
            .as_object()
            .map(|o| o.keys().map(String::as_str).collect())
            .unwrap_or_default();
        keys.sort_unstable();
        keys
    }

    #[test]
    fn each_level_adds_to_the_one_below() {
        let user = User::from_seed(
            "0a1b2c3d-4e5f-6a7b-8c9d-0e1f2a3b4c5d".to_owned(),
            &SeedUser::new("alice"),
            "2024-05-01T12:00:00Z",
        );
        let stamps = Lod::Stamps.item(&user);
        let basic = Lod::Basic.item(&user);
        let full = Lod::Full.item(&user);
        assert_eq!(stamps.get("login"), None);
        assert_eq!(basic["enabled"], true);
        assert_eq!(basic.get("contact"), None);
        assert_eq!(full["contact"]["email"], "alice@example.com");
        for key in keys(&stamps) {
            assert!(basic.get(key).is_some() && full.get(key).is_some(), "{key}");
        }
        assert_eq!(keys(&stamps).len(), 10);
        assert_eq!(keys(&basic).len(), 15);
        assert_eq!(full.get("terms_accepted"), None, "not an item field");
        assert_eq!("full".parse::<Lod>(), Ok(Lod::Full));
        assert!("all".parse::<Lod>().is_err());
    }
}
