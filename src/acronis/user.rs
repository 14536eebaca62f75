//! The user object, as far as the provider reads it. Unknown fields are ignored: the API adds
//! fields over time.

use serde::Deserialize;

use super::error::{ApiError, Operation};

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct User {
    pub id: String,
    pub version: i64,
    pub enabled: bool,
    #[serde(default)]
    pub activated: Option<bool>,
    #[serde(default)]
    pub tenant_id: Option<String>,
    #[serde(default)]
    pub login: Option<String>,
    #[serde(default)]
    pub contact: Contact,
    #[serde(default)]
    pub mfa_status: Option<String>,
    #[serde(default)]
    pub created_at: Option<String>,
    #[serde(default)]
    pub deleted_at: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
pub struct Contact {
    #[serde(default)]
    pub email: Option<String>,
    #[serde(default)]
    pub firstname: Option<String>,
    #[serde(default)]
    pub lastname: Option<String>,
}

/// The part of the user object that says whether the account is enabled, and its revision.
/// Reading only this skips building the rest of the object (the user object has dozens of
/// fields) on every refresh.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
pub struct UserStatus {
    pub version: i64,
    pub enabled: bool,
}

/// An account's status with its id: a batch item at `lod=basic`, which the resource's refresh
/// reads.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct StatusItem {
    pub id: String,
    pub version: i64,
    pub enabled: bool,
}

impl StatusItem {
    pub fn status(&self) -> UserStatus {
        UserStatus {
            version: self.version,
            enabled: self.enabled,
        }
    }
}

/// What a batch read decodes each item into, and the level of detail (`lod`) it asks for.
pub trait BatchItem: serde::de::DeserializeOwned + Clone {
    /// The `lod` of `GET /users` that carries every field of the item.
    const LOD: &'static str;
    fn id(&self) -> &str;
}

impl BatchItem for User {
    const LOD: &'static str = "full";
    fn id(&self) -> &str {
        &self.id
    }
}

impl BatchItem for StatusItem {
    const LOD: &'static str = "basic";
    fn id(&self) -> &str {
        &self.id
    }
}

/// The answer of `GET /users?uuids=...`, its items still undecoded so that one malformed item
/// fails only its own read.
#[derive(Debug, Deserialize)]
pub struct BatchAnswer {
    pub items: Vec<Box<serde_json::value::RawValue>>,
}

/// Checks the form the API requires of a user id: a lowercase UUID.
pub fn is_valid_user_id(id: &str) -> bool {
    let bytes = id.as_bytes();
    bytes.len() == 36
        && bytes.iter().enumerate().all(|(i, b)| match i {
            8 | 13 | 18 | 23 => *b == b'-',
            _ => b.is_ascii_digit() || (b'a'..=b'f').contains(b),
        })
}

/// Tenant ids have the form of user ids: a lowercase UUID.
pub fn is_valid_tenant_id(id: &str) -> bool {
    is_valid_user_id(id)
}

/// Refuses a user id that is not one lowercase UUID before it becomes part of a URL, so no
/// caller (nor tampered state) can smuggle a path or a query into a request.
pub(super) fn check_user_id(op: &Operation, id: &str) -> Result<(), ApiError> {
    if is_valid_user_id(id) {
        Ok(())
    } else {
        Err(ApiError::InvalidArgument {
            operation: op.clone(),
            detail: "a user id is a lowercase UUID".into(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_a_full_user_and_ignores_unknown_fields() {
        let user: User = serde_json::from_str(
            r#"{"id":"1c234e69-5469-424a-a6d1-ff5658b387a6","version":4,"enabled":false,
                "activated":true,"tenant_id":"t","login":"john","contact":{"email":"j@x","firstname":"J"},
                "mfa_status":"disabled","created_at":"2026-01-01T00:00:00Z","deleted_at":null,
                "brand_new_field":{"x":1}}"#,
        )
        .expect("user");
        assert_eq!(user.version, 4);
        assert!(!user.enabled);
        assert_eq!(user.contact.email.as_deref(), Some("j@x"));
        assert_eq!(user.contact.lastname, None);
    }

    #[test]
    fn the_status_is_read_from_the_same_object() {
        let json = r#"{"id":"1c234e69-5469-424a-a6d1-ff5658b387a6","version":7,"enabled":true,
            "login":"john","contact":{"email":"j@x"},"access_policies":[{"id":"p"}]}"#;
        let status: UserStatus = serde_json::from_str(json).expect("status");
        assert_eq!(
            status,
            UserStatus {
                version: 7,
                enabled: true
            }
        );
        let missing_version = r#"{"id":"x","enabled":true}"#;
        assert!(serde_json::from_str::<UserStatus>(missing_version).is_err());
    }

    #[test]
    fn user_ids_are_lowercase_uuids() {
        assert!(is_valid_user_id("1c234e69-5469-424a-a6d1-ff5658b387a6"));
        assert!(!is_valid_user_id("1C234E69-5469-424A-A6D1-FF5658B387A6"));
        assert!(!is_valid_user_id("1c234e69-5469-424a-a6d1-ff5658b387a"));
        assert!(!is_valid_user_id("1c234e69x5469-424a-a6d1-ff5658b387a6"));
        assert!(!is_valid_user_id(""));
        assert!(!is_valid_user_id(" 1c234e69-5469-424a-a6d1-ff5658b387a6"));
        assert!(is_valid_tenant_id("6b6f7a2e-3c1d-4e5f-8a9b-0c1d2e3f4a5b"));
        assert!(!is_valid_tenant_id("tenant&limit=1"));
    }

    #[test]
    fn batch_items_stay_undecoded_until_each_is_read() {
        let answer: BatchAnswer = serde_json::from_str(
            r#"{"timestamp":"t","items":[
                {"id":"a","version":1,"enabled":true,"login":"a"},
                {"id":"b","version":"two","enabled":true}],
                "paging":{"cursors":{}}}"#,
        )
        .expect("the answer's shape is right even if an item is not");
        let items: Vec<Result<StatusItem, _>> = answer
            .items
            .iter()
            .map(|raw| serde_json::from_str::<StatusItem>(raw.get()))
            .collect();
        assert_eq!(items[0].as_ref().map(StatusItem::id).ok(), Some("a"));
        assert!(items[1].is_err(), "a version that is no number");
        assert!(serde_json::from_str::<BatchAnswer>(r#"{"timestamp":"t"}"#).is_err());
    }
}
