//! Start-up configuration: API client credentials, token policy, seed users and the seed-file format.

use std::fmt;
use std::str::FromStr;
use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::tenant::TenantKind;

/// Which expiry fields the token endpoint puts in its answer (real clients must cope with each).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ExpiryFields {
    /// `expires_in` and `expires_on`.
    #[default]
    Both,
    /// Only `expires_in` (seconds from now).
    ExpiresIn,
    /// Only `expires_on` (Unix seconds).
    ExpiresOn,
    /// Neither field.
    Neither,
}

impl ExpiryFields {
    /// Whether the answer carries `expires_in`.
    pub fn has_expires_in(self) -> bool {
        matches!(self, ExpiryFields::Both | ExpiryFields::ExpiresIn)
    }

    /// Whether the answer carries `expires_on`.
    pub fn has_expires_on(self) -> bool {
        matches!(self, ExpiryFields::Both | ExpiryFields::ExpiresOn)
    }

    fn as_str(self) -> &'static str {
        match self {
            ExpiryFields::Both => "both",
            ExpiryFields::ExpiresIn => "expires_in",
            ExpiryFields::ExpiresOn => "expires_on",
            ExpiryFields::Neither => "neither",
        }
    }
}

impl fmt::Display for ExpiryFields {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for ExpiryFields {
    type Err = String;

    /// Accepts `both`, `expires_in`, `expires_on`, `neither` (dashes may stand for underscores).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.replace('-', "_").as_str() {
            "both" => Ok(ExpiryFields::Both),
            "expires_in" => Ok(ExpiryFields::ExpiresIn),
            "expires_on" => Ok(ExpiryFields::ExpiresOn),
            "neither" | "none" => Ok(ExpiryFields::Neither),
            _ => Err(format!(
                "unknown expiry fields {s:?}: expected both, expires_in, expires_on or neither"
            )),
        }
    }
}

/// A user to create at start-up or through the admin API. Absent fields get realistic defaults.
///
/// `Default` gives an *enabled* user with an empty login, meant for struct-update syntax:
/// `SeedUser { login: "alice".into(), ..Default::default() }`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SeedUser {
    /// Lowercase UUID; generated when absent.
    pub id: Option<String>,
    pub login: String,
    pub enabled: bool,
    /// Whether the user has activated the account (set a password); true by default.
    pub activated: bool,
    /// Starting version; 1 when absent.
    pub version: Option<i64>,
    pub tenant_id: Option<String>,
    pub email: Option<String>,
    #[serde(alias = "firstname")]
    pub first_name: Option<String>,
    #[serde(alias = "lastname")]
    pub last_name: Option<String>,
}

impl Default for SeedUser {
    fn default() -> Self {
        SeedUser {
            id: None,
            login: String::new(),
            enabled: true,
            activated: true,
            version: None,
            tenant_id: None,
            email: None,
            first_name: None,
            last_name: None,
        }
    }
}

impl SeedUser {
    /// An enabled user with the given login and defaults for everything else.
    pub fn new(login: impl Into<String>) -> Self {
        SeedUser {
            login: login.into(),
            ..SeedUser::default()
        }
    }

    /// The same user with a fixed id.
    pub fn with_id(mut self, id: impl Into<String>) -> Self {
        self.id = Some(id.into());
        self
    }

    /// The same user, disabled.
    pub fn disabled(mut self) -> Self {
        self.enabled = false;
        self
    }
}

/// A tenant to make known at start-up or through the admin API, with `users` generated live
/// users in it (logins `user001`, `user002`, ...), and optionally its place in the tree.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SeedTenant {
    /// Lowercase UUID.
    pub id: String,
    #[serde(default)]
    pub users: usize,
    /// A known tenant to nest it in; top-level (below the platform's root) when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent_id: Option<String>,
    /// Its kind; when absent a unit below a customer or unit, else a customer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<TenantKind>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
}

impl SeedTenant {
    /// A tenant with `users` generated users.
    pub fn new(id: impl Into<String>, users: usize) -> Self {
        SeedTenant {
            id: id.into(),
            users,
            parent_id: None,
            kind: None,
            name: None,
        }
    }

    /// The same tenant nested in `parent_id`.
    pub fn with_parent(mut self, parent_id: impl Into<String>) -> Self {
        self.parent_id = Some(parent_id.into());
        self
    }

    /// The same tenant of another kind.
    pub fn with_kind(mut self, kind: TenantKind) -> Self {
        self.kind = Some(kind);
        self
    }
}

/// Everything a simulator starts with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SimConfig {
    pub client_id: String,
    pub client_secret: String,
    /// Lifetime of tokens issued (changeable later with `set_token_ttl`).
    pub token_ttl: Duration,
    pub expiry_fields: ExpiryFields,
    pub users: Vec<SeedUser>,
    /// Tenants made known after the users are created.
    pub tenants: Vec<SeedTenant>,
}

impl Default for SimConfig {
    fn default() -> Self {
        SimConfig {
            client_id: "sim-client".to_owned(),
            client_secret: "sim-secret".to_owned(),
            token_ttl: Duration::from_secs(7_200),
            expiry_fields: ExpiryFields::Both,
            users: Vec::new(),
            tenants: Vec::new(),
        }
    }
}

/// The `--seed` file of the binary: `{"client_id": "...", "client_secret": "...",
/// "users": [{"login": "...", ...}], "tenants": [{"id": "...", "users": 250}]}`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SeedFile {
    pub client_id: Option<String>,
    pub client_secret: Option<String>,
    pub users: Vec<SeedUser>,
    pub tenants: Vec<SeedTenant>,
}

impl SeedFile {
    /// Folds the file into a configuration: credentials it names replace the configured ones,
    /// its users and tenants are appended.
    pub fn apply_to(self, config: &mut SimConfig) {
        if let Some(id) = self.client_id {
            config.client_id = id;
        }
        if let Some(secret) = self.client_secret {
            config.client_secret = secret;
        }
        config.users.extend(self.users);
        config.tenants.extend(self.tenants);
    }
}
