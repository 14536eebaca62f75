//! The provider block: its schema, its checks, and turning it (with the `ACRONIS_*`
//! environment variables as fallbacks) into API client settings.

use std::time::Duration;

use serde::{Deserialize, Serialize};

use secrecy::SecretString;

use crate::acronis::{BaseUrl, ClientOptions, Credentials, ProxySettings, RetryPolicy};
use crate::framework::Field;
use crate::tfproto::schema::{Attribute, Mode, SchemaDef, Type};
use crate::tfproto::{Diagnostic, Diagnostics};

pub const SCHEMA: SchemaDef = SchemaDef {
    version: 0,
    description: "The Acronis provider manages accounts of the Acronis Cyber Platform through its \
                  account-management API. Authenticate with an API client (`client_id` and \
                  `client_secret`) or with an `access_token` minted elsewhere.",
    attributes: &[
        Attribute::new(
            "base_url",
            Type::String,
            Mode::Optional,
            "The data-center URL of your Acronis account, e.g. `https://eu2-cloud.acronis.com` \
             (with or without `/api/2`). Falls back to `ACRONIS_BASE_URL`. `https://` is \
             required; `http://` is accepted for loopback addresses only.",
        ),
        Attribute::new(
            "client_id",
            Type::String,
            Mode::Optional,
            "The id of an API client. Falls back to `ACRONIS_CLIENT_ID`.",
        ),
        Attribute::new(
            "client_secret",
            Type::String,
            Mode::Optional,
            "The secret of that API client. Falls back to `ACRONIS_CLIENT_SECRET`.",
        )
        .sensitive(),
        Attribute::new(
            "access_token",
            Type::String,
            Mode::Optional,
            "A bearer token obtained elsewhere, instead of `client_id` and `client_secret`. \
             Falls back to `ACRONIS_ACCESS_TOKEN`.",
        )
        .sensitive(),
        Attribute::new(
            "ca_file",
            Type::String,
            Mode::Optional,
            "Path to a PEM file of extra CA certificates to trust, for deployments behind a \
             private CA. Falls back to `ACRONIS_CA_FILE`. The system trust store is always used.",
        ),
        Attribute::new(
            "max_retries",
            Type::Number,
            Mode::Optional,
            "How many times a failed call (HTTP 429, 5xx, lost connection) is retried, 0 to 10. \
             Defaults to 3.",
        ),
        Attribute::new(
            "request_timeout",
            Type::Number,
            Mode::Optional,
            "Seconds to wait for one HTTP answer, 1 to 600. Defaults to 30.",
        ),
        Attribute::new(
            "batch_reads",
            Type::Bool,
            Mode::Optional,
            "Whether reads of single accounts that arrive while the API is busy share one batch \
             call (`GET /users?uuids=...`, up to 100 accounts). Defaults to `true`. Falls back to \
             `ACRONIS_BATCH_READS`. A refresh of many resources then makes a fraction of the calls \
             (fewer 429s) in about the same time; a read that arrives alone is sent alone at once. \
             Set `false` for one `GET` per account, e.g. to match API logs to resources.",
        ),
    ],
};

/// Every environment variable the provider reads, with the argument it stands in for.
pub const ENVIRONMENT: &[(&str, &str)] = &[
    ("ACRONIS_BASE_URL", "base_url"),
    ("ACRONIS_CLIENT_ID", "client_id"),
    ("ACRONIS_CLIENT_SECRET", "client_secret"),
    ("ACRONIS_ACCESS_TOKEN", "access_token"),
    ("ACRONIS_CA_FILE", "ca_file"),
    ("ACRONIS_BATCH_READS", "batch_reads"),
];

/// The provider block. No `Debug`: it holds the secret and the token.
#[derive(Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct ProviderConfig {
    pub base_url: Field<String>,
    pub client_id: Field<String>,
    pub client_secret: Field<String>,
    pub access_token: Field<String>,
    pub ca_file: Field<String>,
    /// Numbers as Terraform sends them, so that a fraction is reported, not refused unread.
    pub max_retries: Field<f64>,
    pub request_timeout: Field<f64>,
    pub batch_reads: Field<bool>,
}

const DEFAULT_MAX_RETRIES: i64 = 3;
const MAX_RETRIES_LIMIT: i64 = 10;
const DEFAULT_TIMEOUT_SECS: i64 = 30;
const TIMEOUT_LIMIT_SECS: i64 = 600;

impl ProviderConfig {
    /// The string arguments with their names.
    fn strings(&self) -> [(&'static str, &Field<String>); 5] {
        [
            ("base_url", &self.base_url),
            ("client_id", &self.client_id),
            ("client_secret", &self.client_secret),
            ("access_token", &self.access_token),
            ("ca_file", &self.ca_file),
        ]
    }
}

/// Checks what can be checked before the environment is consulted: known values only.
pub fn validate(config: &ProviderConfig) -> Diagnostics {
    let mut diags = Diagnostics::new();
    if let Some(raw) = config.base_url.as_deref().filter(|s| !s.trim().is_empty()) {
        if let Err(e) = BaseUrl::parse(raw) {
            diags.push(invalid_base_url(&e.to_string()));
        }
    }
    for (name, value) in config.strings() {
        if value.as_deref().is_some_and(|s| s.trim().is_empty()) {
            diags.push(
                Diagnostic::error(
                    format!("Empty {name}"),
                    format!("{name} is set to an empty string; remove it to use the environment variable, or give a value."),
                )
                .at(name),
            );
        }
    }
    for result in [max_retries(config), request_timeout(config)] {
        if let Err(d) = result {
            diags.push(d);
        }
    }
    diags
}

fn max_retries(config: &ProviderConfig) -> Result<i64, Diagnostic> {
    number_in_range(
        &config.max_retries,
        "max_retries",
        0,
        MAX_RETRIES_LIMIT,
        DEFAULT_MAX_RETRIES,
    )
}

fn request_timeout(config: &ProviderConfig) -> Result<i64, Diagnostic> {
    number_in_range(
        &config.request_timeout,
        "request_timeout",
        1,
        TIMEOUT_LIMIT_SECS,
        DEFAULT_TIMEOUT_SECS,
    )
}

fn invalid_base_url(reason: &str) -> Diagnostic {
    Diagnostic::error(
        "Invalid base_url",
        format!("The base_url (or ACRONIS_BASE_URL) is not usable: {reason}."),
    )
    .at("base_url")
}

/// A whole number in `min..=max`, or `default` when null or not yet known.
fn number_in_range(
    value: &Field<f64>,
    name: &str,
    min: i64,
    max: i64,
    default: i64,
) -> Result<i64, Diagnostic> {
    let Some(&n) = value.known() else {
        return Ok(default);
    };
    if n.fract() == 0.0 && (min as f64..=max as f64).contains(&n) {
        Ok(n as i64)
    } else {
        Err(Diagnostic::error(
            format!("Invalid {name}"),
            format!("{name} must be a whole number from {min} to {max}."),
        )
        .at(name))
    }
}

/// Resolves the provider block and the environment into client settings, or says exactly what
/// is missing or wrong.
pub fn resolve(
    config: &ProviderConfig,
    env: &dyn Fn(&str) -> Option<String>,
) -> Result<ClientOptions, Diagnostics> {
    let mut diags = validate(config);
    let mut setting = |name: &str, value: &Field<String>, var: &str| -> Option<String> {
        match value {
            Field::Unknown => {
                diags.push(
                    Diagnostic::error(
                        format!("Unknown {name}"),
                        format!("{name} depends on a value that is not known until apply; the provider needs it to plan. Set it from a variable or {var}."),
                    )
                    .at(name),
                );
                None
            }
            Field::Known(s) => Some(s.trim().to_owned()).filter(|s| !s.is_empty()),
            Field::Null => env(var)
                .map(|s| s.trim().to_owned())
                .filter(|s| !s.is_empty()),
        }
    };
    let base_url = setting("base_url", &config.base_url, "ACRONIS_BASE_URL");
    let client_id = setting("client_id", &config.client_id, "ACRONIS_CLIENT_ID");
    let client_secret = setting(
        "client_secret",
        &config.client_secret,
        "ACRONIS_CLIENT_SECRET",
    );
    let access_token = setting("access_token", &config.access_token, "ACRONIS_ACCESS_TOKEN");
    let ca_file = setting("ca_file", &config.ca_file, "ACRONIS_CA_FILE");

    let base_url = match base_url.as_deref().map(BaseUrl::parse) {
        Some(Ok(url)) => Some(url),
        Some(Err(e)) => {
            // A bad value from the provider block is already reported by `validate`.
            if config.base_url.is_null() {
                diags.push(invalid_base_url(&e.to_string()));
            }
            None
        }
        None => {
            diags.push(
                Diagnostic::error(
                    "Missing base_url",
                    "Set base_url in the provider block or ACRONIS_BASE_URL to your data-center URL, e.g. https://eu2-cloud.acronis.com (the address you sign in to the console at).",
                )
                .at("base_url"),
            );
            None
        }
    };
    let credentials = credentials(client_id, client_secret, access_token, &mut diags);
    let extra_ca_pem = ca_file.and_then(|path| match read_capped(&path, MAX_CA_FILE_BYTES) {
        Ok(pem) => Some(pem),
        Err(e) => {
            diags.push(
                Diagnostic::error(
                    "Unreadable ca_file",
                    format!("Could not read the CA file {path:?}: {e}."),
                )
                .at("ca_file"),
            );
            None
        }
    });
    let batch_reads = batch_reads(config, env).unwrap_or_else(|d| {
        diags.push(d);
        true
    });
    let max_retries = max_retries(config).unwrap_or(DEFAULT_MAX_RETRIES);
    let timeout = request_timeout(config).unwrap_or(DEFAULT_TIMEOUT_SECS);

    match (base_url, credentials) {
        (Some(base_url), Some(credentials)) if !diags.has_errors() => Ok(ClientOptions {
            base_url,
            credentials,
            retry: RetryPolicy {
                max_retries: max_retries as u32,
                ..RetryPolicy::default()
            },
            request_timeout: Duration::from_secs(timeout as u64),
            extra_ca_pem,
            user_agent: format!("terraform-provider-acronis/{}", env!("CARGO_PKG_VERSION")),
            proxy: ProxySettings::from_env(env),
            batch_reads,
        }),
        _ => Err(diags),
    }
}

/// `batch_reads`, else `ACRONIS_BATCH_READS`, else on.
fn batch_reads(
    config: &ProviderConfig,
    env: &dyn Fn(&str) -> Option<String>,
) -> Result<bool, Diagnostic> {
    if let Some(&on) = config.batch_reads.known() {
        return Ok(on);
    }
    match env("ACRONIS_BATCH_READS").map(|v| v.trim().to_ascii_lowercase()) {
        None => Ok(true),
        Some(v) if v.is_empty() || v == "true" || v == "1" => Ok(true),
        Some(v) if v == "false" || v == "0" => Ok(false),
        Some(_) => Err(Diagnostic::error(
            "Invalid ACRONIS_BATCH_READS",
            "ACRONIS_BATCH_READS must be true or false (or 1 or 0).",
        )),
    }
}

/// The largest `ca_file` read: a bundle of every public CA is about 250 KiB.
const MAX_CA_FILE_BYTES: u64 = 4 * 1024 * 1024;

/// The file at `path`, refused beyond `max` bytes rather than read whole.
fn read_capped(path: &str, max: u64) -> std::io::Result<Vec<u8>> {
    use std::io::Read as _;
    let mut content = Vec::new();
    std::fs::File::open(path)?
        .take(max + 1)
        .read_to_end(&mut content)?;
    if content.len() as u64 > max {
        return Err(std::io::Error::other(format!(
            "it is larger than {} MiB, which no CA bundle is",
            max / (1024 * 1024)
        )));
    }
    Ok(content)
}

/// Exactly one way to authenticate: client id and secret together, or an access token.
fn credentials(
    client_id: Option<String>,
    client_secret: Option<String>,
    access_token: Option<String>,
    diags: &mut Diagnostics,
) -> Option<Credentials> {
    match (client_id, client_secret, access_token) {
        (Some(client_id), Some(secret), None) => Some(Credentials::ClientSecret {
            client_id,
            client_secret: SecretString::from(secret),
        }),
        (None, None, Some(token)) => Some(Credentials::AccessToken(SecretString::from(token))),
        (None, None, None) => {
            diags.push(Diagnostic::error(
                "No credentials",
                "Set client_id and client_secret (or ACRONIS_CLIENT_ID and ACRONIS_CLIENT_SECRET) to the id and secret of an API client, or access_token (or ACRONIS_ACCESS_TOKEN) to a bearer token.",
            ));
            None
        }
        (Some(_), None, None) => {
            diags.push(
                Diagnostic::error("Missing client_secret", "client_id is set but client_secret is not: set client_secret or ACRONIS_CLIENT_SECRET.")
                    .at("client_secret"),
            );
            None
        }
        (None, Some(_), None) => {
            diags.push(
                Diagnostic::error("Missing client_id", "client_secret is set but client_id is not: set client_id or ACRONIS_CLIENT_ID.")
                    .at("client_id"),
            );
            None
        }
        (_, _, Some(_)) => {
            diags.push(
                Diagnostic::error(
                    "Conflicting credentials",
                    "Both access_token and client credentials are set (in the provider block or ACRONIS_* variables); use one way to authenticate: unset access_token / ACRONIS_ACCESS_TOKEN, or client_id and client_secret / ACRONIS_CLIENT_ID and ACRONIS_CLIENT_SECRET.",
                )
                .at("access_token"),
            );
            None
        }
    }
}

#[cfg(test)]
mod tests;
