//! The user account as the simulator stores it, its JSON form, and the edits that change it.

use serde::Serialize;
use serde_json::Value;

use crate::config::SeedUser;

/// Tenant of seeded users that name none.
pub const DEFAULT_TENANT_ID: &str = "6b6f7a2e-3c1d-4e5f-8a9b-0c1d2e3f4a5b";
/// Identity provider every user belongs to.
pub const DEFAULT_IDP_ID: &str = "0e7f2a4c-9b1d-4c3e-8f5a-6d7e8f9a0b1c";

/// Whether `id` is a lowercase UUID: `^[0-9a-f]{8}-([0-9a-f]{4}-){3}[0-9a-f]{12}$`.
pub fn is_valid_user_id(id: &str) -> bool {
    id.len() == 36
        && id.char_indices().all(|(i, c)| match i {
            8 | 13 | 18 | 23 => c == '-',
            _ => c.is_ascii_digit() || ('a'..='f').contains(&c),
        })
}

/// A user's contact details; every field is a string (empty when unset).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Contact {
    pub email: String,
    pub firstname: String,
    pub lastname: String,
    pub phone: String,
    pub address1: String,
    pub address2: String,
    pub country: String,
    pub state: String,
    pub zipcode: String,
    pub city: String,
}

impl Contact {
    /// The names of the contact fields, as they appear in JSON.
    pub const FIELDS: [&'static str; 10] = [
        "email",
        "firstname",
        "lastname",
        "phone",
        "address1",
        "address2",
        "country",
        "state",
        "zipcode",
        "city",
    ];

    /// The static name of a contact field, if `name` is one.
    pub fn field_name(name: &str) -> Option<&'static str> {
        Self::FIELDS.into_iter().find(|f| *f == name)
    }

    /// The field called `name`, for writing.
    pub fn field_mut(&mut self, name: &str) -> Option<&mut String> {
        Some(match name {
            "email" => &mut self.email,
            "firstname" => &mut self.firstname,
            "lastname" => &mut self.lastname,
            "phone" => &mut self.phone,
            "address1" => &mut self.address1,
            "address2" => &mut self.address2,
            "country" => &mut self.country,
            "state" => &mut self.state,
            "zipcode" => &mut self.zipcode,
            "city" => &mut self.city,
            _ => return None,
        })
    }
}

/// A stored user account; serializes to the Account Management API's user object.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct User {
    pub id: String,
    pub version: i64,
    pub tenant_id: String,
    pub login: String,
    pub contact: Contact,
    pub activated: bool,
    pub enabled: bool,
    pub created_at: String,
    pub updated_at: String,
    pub deleted_at: Option<String>,
    pub language: String,
    pub business_types: Vec<String>,
    pub notifications: Vec<String>,
    pub idp_id: String,
    /// Shown only when set: the API's `user` schema has no null for it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub external_id: Option<String>,
    pub personal_tenant_id: Option<String>,
    pub mfa_status: String,
    pub terms_accepted: bool,
    pub access_policies: Vec<Value>,
    /// Set through `PUT`; only shown once set.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub disable_after: Option<String>,
}

impl User {
    /// A new account built from a seed, with the given id and creation time.
    pub fn from_seed(id: String, seed: &SeedUser, now: &str) -> User {
        let email = seed.email.clone().unwrap_or_else(|| {
            if seed.login.contains('@') {
                seed.login.clone()
            } else {
                format!("{}@example.com", seed.login)
            }
        });
        User {
            id,
            version: seed.version.unwrap_or(1),
            tenant_id: seed
                .tenant_id
                .clone()
                .unwrap_or_else(|| DEFAULT_TENANT_ID.to_owned()),
            login: seed.login.clone(),
            contact: Contact {
                email,
                firstname: seed.first_name.clone().unwrap_or_default(),
                lastname: seed.last_name.clone().unwrap_or_default(),
                ..Contact::default()
            },
            activated: seed.activated,
            enabled: seed.enabled,
            created_at: now.to_owned(),
            updated_at: now.to_owned(),
            deleted_at: None,
            language: "en".to_owned(),
            business_types: Vec::new(),
            notifications: ["quota", "reports", "backup_daily_report"]
                .map(str::to_owned)
                .to_vec(),
            idp_id: DEFAULT_IDP_ID.to_owned(),
            external_id: None,
            personal_tenant_id: None,
            mfa_status: "disabled".to_owned(),
            terms_accepted: true,
            access_policies: Vec::new(),
            disable_after: None,
        }
    }

    /// Whether the account has been soft-deleted.
    pub fn is_deleted(&self) -> bool {
        self.deleted_at.is_some()
    }

    /// Marks one change: the version goes up by one and `updated_at` moves to `now`.
    pub fn record_change(&mut self, now: &str) {
        self.version = self.version.saturating_add(1);
        self.updated_at = now.to_owned();
    }

    /// The API's JSON form of the account.
    pub fn to_json(&self) -> Value {
        serde_json::to_value(self).unwrap_or_else(|e| {
            // Only strings, numbers and booleans are inside: serialization cannot fail.
            Value::String(format!("unserializable user: {e}"))
        })
    }
}

/// The fields one edit (an API `PUT` or a console change) sets; `None` leaves a field alone.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct UserUpdate {
    pub login: Option<String>,
    pub external_id: Option<Option<String>>,
    pub idp_id: Option<String>,
    /// Contact fields to overwrite, by name (one of [`Contact::FIELDS`]).
    pub contact: Vec<(&'static str, String)>,
    pub enabled: Option<bool>,
    pub language: Option<String>,
    pub notifications: Option<Vec<String>>,
    pub disable_after: Option<Option<String>>,
}

impl UserUpdate {
    /// Whether the edit sets nothing.
    pub fn is_empty(&self) -> bool {
        *self == UserUpdate::default()
    }

    /// Writes the edit's fields into `user` (version and timestamps are the caller's business).
    pub fn apply(self, user: &mut User) {
        if let Some(login) = self.login {
            user.login = login;
        }
        if let Some(external_id) = self.external_id {
            user.external_id = external_id;
        }
        if let Some(idp_id) = self.idp_id {
            user.idp_id = idp_id;
        }
        for (name, value) in self.contact {
            if let Some(slot) = user.contact.field_mut(name) {
                *slot = value;
            }
        }
        if let Some(enabled) = self.enabled {
            user.enabled = enabled;
        }
        if let Some(language) = self.language {
            user.language = language;
        }
        if let Some(notifications) = self.notifications {
            user.notifications = notifications;
        }
        if let Some(disable_after) = self.disable_after {
            user.disable_after = disable_after;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn user_ids_must_be_lowercase_uuids() {
        assert!(is_valid_user_id("0a1b2c3d-4e5f-6a7b-8c9d-0e1f2a3b4c5d"));
        assert!(!is_valid_user_id("0A1B2C3D-4E5F-6A7B-8C9D-0E1F2A3B4C5D"));
        assert!(!is_valid_user_id("0a1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d"));
        assert!(!is_valid_user_id("0a1b2c3d-4e5f-6a7b-8c9d-0e1f2a3b4c5"));
        assert!(!is_valid_user_id("0a1b2c3d-4e5f-6a7b-8c9d-0e1f2a3b4c5g"));
        assert!(!is_valid_user_id("0a1b2c3d-4e5f-6a7b-8c9d_0e1f2a3b4c5d"));
        assert!(!is_valid_user_id(""));
    }

    #[test]
    fn every_contact_field_is_writable() {
        let mut contact = Contact::default();
        for name in Contact::FIELDS {
            *contact.field_mut(name).expect("known field") = name.to_owned();
        }
        let json = serde_json::to_value(&contact).expect("contact serializes");
        for name in Contact::FIELDS {
            assert_eq!(json[name], name);
        }
        assert!(contact.field_mut("fax").is_none());
    }
}
