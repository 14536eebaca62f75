//! Access tokens: issuing opaque bearer tokens with a lifetime, and checking them.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use serde_json::{json, Value};
use uuid::Uuid;

use crate::clock::unix_now;
use crate::config::ExpiryFields;

/// A freshly issued token and what the token endpoint says about it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IssuedToken {
    pub access_token: String,
    pub id_token: String,
    pub expires_in: u64,
    pub expires_on: u64,
    pub fields: ExpiryFields,
}

impl IssuedToken {
    /// The token endpoint's 200 body, with the configured expiry fields.
    pub fn to_json(&self) -> Value {
        let mut body = json!({
            "access_token": self.access_token,
            "token_type": "bearer",
            "id_token": self.id_token,
        });
        if self.fields.has_expires_in() {
            body["expires_in"] = json!(self.expires_in);
        }
        if self.fields.has_expires_on() {
            body["expires_on"] = json!(self.expires_on);
        }
        body
    }
}

/// Tokens issued so far, with when each stops working.
#[derive(Debug)]
pub struct TokenStore {
    ttl: Duration,
    fields: ExpiryFields,
    expiry: HashMap<String, Instant>,
    /// Every token ever issued, for tests that check none leaks.
    issued: Vec<String>,
}

impl TokenStore {
    pub fn new(ttl: Duration, fields: ExpiryFields) -> Self {
        TokenStore {
            ttl,
            fields,
            expiry: HashMap::new(),
            issued: Vec::new(),
        }
    }

    /// Lifetime of tokens issued from now on.
    pub fn set_ttl(&mut self, ttl: Duration) {
        self.ttl = ttl;
    }

    /// Expiry fields of answers given from now on.
    pub fn set_expiry_fields(&mut self, fields: ExpiryFields) {
        self.fields = fields;
    }

    /// Issues a new token (and forgets the expired ones).
    pub fn issue(&mut self) -> IssuedToken {
        let now = Instant::now();
        self.expiry.retain(|_, until| *until > now);
        let access_token = random_string();
        self.expiry.insert(access_token.clone(), now + self.ttl);
        self.issued.push(access_token.clone());
        IssuedToken {
            access_token,
            id_token: random_string(),
            expires_in: self.ttl.as_secs(),
            expires_on: unix_now().saturating_add(self.ttl.as_secs()),
            fields: self.fields,
        }
    }

    /// Whether `token` was issued here and has not expired or been revoked.
    pub fn is_valid(&self, token: &str) -> bool {
        self.expiry
            .get(token)
            .is_some_and(|until| Instant::now() < *until)
    }

    /// Every access token issued so far, expired and revoked ones included.
    pub fn issued(&self) -> Vec<String> {
        self.issued.clone()
    }

    /// Makes every issued token invalid.
    pub fn revoke_all(&mut self) {
        self.expiry.clear();
    }
}

fn random_string() -> String {
    format!("{}{}", Uuid::new_v4().simple(), Uuid::new_v4().simple())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_expire_and_can_be_revoked() {
        let mut store = TokenStore::new(Duration::from_secs(60), ExpiryFields::Both);
        let token = store.issue();
        assert!(store.is_valid(&token.access_token));
        assert!(!store.is_valid(&token.id_token));
        store.set_ttl(Duration::ZERO);
        let short = store.issue();
        assert!(!store.is_valid(&short.access_token));
        store.revoke_all();
        assert!(!store.is_valid(&token.access_token));
    }

    #[test]
    fn answer_carries_the_configured_expiry_fields() {
        let mut store = TokenStore::new(Duration::from_secs(600), ExpiryFields::ExpiresOn);
        let body = store.issue().to_json();
        assert!(body.get("expires_in").is_none());
        assert!(body["expires_on"].as_u64().is_some_and(|t| t > unix_now()));
        store.set_expiry_fields(ExpiryFields::Neither);
        let body = store.issue().to_json();
        assert!(body.get("expires_in").is_none() && body.get("expires_on").is_none());
        assert_eq!(body["token_type"], "bearer");
    }
}
