//! The provider block: its schema, its checks, and turning it (with the `ACRONIS_*`
//! environment variables as fallbacks) into API client settings.

use std::time::Duration;

use serde::{Deserialize, Serialize};

use secrecy::SecretString;

use crate::acronis::{BaseUrl, ClientOptions, Credentials, ProxySettings, RetryPolicy};
use crate::framework::Field;
use crate::tfproto::schema::SchemaDef;
use crate::tfproto::{Diagnostic, Diagnostics};

/// Every environment variable the provider reads, with the argument it stands in for.
pub const ENVIRONMENT: &[(&str, &str)] = &[
    ("ACRONIS_BASE_URL", ProviderConfig::BASE_URL),
    ("ACRONIS_CLIENT_ID", ProviderConfig::CLIENT_ID),
    ("ACRONIS_CLIENT_SECRET", ProviderConfig::CLIENT_SECRET),
    ("ACRONIS_ACCESS_TOKEN", ProviderConfig::ACCESS_TOKEN),
    ("ACRONIS_CA_FILE", ProviderConfig::CA_FILE),
    ("ACRONIS_BATCH_READS", ProviderConfig::BATCH_READS),
];

/// The provider block. No `Debug`: it holds the secret and the token.
#[derive(Clone, Default, Serialize, Deserialize, crate::framework::Schema)]
#[serde(default)]
#[schema(
    version = 0,
    description = "The Acronis provider manages accounts of the Acronis Cyber Platform through its \
                   account-management API. Authenticate with an API client (`client_id` and \
                   `client_secret`) or with an `access_token` minted elsewhere."
)]
pub struct ProviderConfig {
    #[attr(
        optional,
        description = "The data-center URL of your Acronis account, e.g. `https://eu2-cloud.acronis.com` \
                       (with or without `/api/2`). Falls back to `ACRONIS_BASE_URL`. `https://` is \
                       required; `http://` is accepted for loopback addresses only."
    )]
    pub base_url: Field<String>,
    #[attr(
        optional,
        description = "The id of an API client. Falls back to `ACRONIS_CLIENT_ID`."
    )]
    pub client_id: Field<String>,
    #[attr(
        optional,
        sensitive,
        description = "The secret of that API client. Falls back to `ACRONIS_CLIENT_SECRET`."
    )]
    pub client_secret: Field<String>,
    #[attr(
        optional,
        sensitive,
        description = "A bearer token obtained elsewhere, instead of `client_id` and `client_secret`. \
                       Falls back to `ACRONIS_ACCESS_TOKEN`."
    )]
    pub access_token: Field<String>,
    #[attr(
        optional,
        description = "Path to a PEM file of extra CA certificates to trust, for deployments behind a \
                       private CA. Falls back to `ACRONIS_CA_FILE`. The system trust store is always used."
    )]
    pub ca_file: Field<String>,
    /// Numbers as Terraform sends them, so that a fraction is reported, not refused unread.
    #[attr(
        optional,
        description = "How many times a failed call (HTTP 429, 5xx, lost connection) is retried, 0 to 10. \
                       Defaults to 3."
    )]
    pub max_retries: Field<f64>,
    #[attr(
        optional,
        description = "Seconds to wait for one HTTP answer, 1 to 600. Defaults to 30."
    )]
    pub request_timeout: Field<f64>,
    #[attr(
        optional,
        description = "Whether reads of single accounts that arrive while the API is busy share one batch \
                       call (`GET /users?uuids=...`, up to 100 accounts). Defaults to `true`. Falls back to \
                       `ACRONIS_BATCH_READS`. A refresh of many resources then makes a fraction of the calls \
                       (fewer 429s) in about the same time; a read that arrives alone is sent alone at once. \
                       Set `false` for one `GET` per account, e.g. to match API logs to resources."
    )]
    pub batch_reads: Field<bool>,
}

/// The provider block's schema.
pub fn schema() -> &'static SchemaDef {
    <ProviderConfig as crate::framework::Schema>::schema()
}

const DEFAULT_MAX_RETRIES: i64 = 3;
const MAX_RETRIES_LIMIT: i64 = 10;
const DEFAULT_TIMEOUT_SECS: i64 = 30;
const TIMEOUT_LIMIT_SECS: i64 = 600;

impl ProviderConfig {
    /// The string arguments with their names.
    fn strings(&self) -> [(&'static str, &Field<String>); 5] {
        [
            (ProviderConfig::BASE_URL, &self.base_url),
            (ProviderConfig::CLIENT_ID, &self.client_id),
            (ProviderConfig::CLIENT_SECRET, &self.client_secret),
            (ProviderConfig::ACCESS_TOKEN, &self.access_token),
            (ProviderConfig::CA_FILE, &self.ca_file),
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
        ProviderConfig::MAX_RETRIES,
        0,
        MAX_RETRIES_LIMIT,
        DEFAULT_MAX_RETRIES,
    )
}

fn request_timeout(config: &ProviderConfig) -> Result<i64, Diagnostic> {
    number_in_range(
        &config.request_timeout,
        ProviderConfig::REQUEST_TIMEOUT,
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
    .at(ProviderConfig::BASE_URL)
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
    let base_url = setting(
        ProviderConfig::BASE_URL,
        &config.base_url,
        "ACRONIS_BASE_URL",
    );
    let client_id = setting(
        ProviderConfig::CLIENT_ID,
        &config.client_id,
        "ACRONIS_CLIENT_ID",
    );
    let client_secret = setting(
        ProviderConfig::CLIENT_SECRET,
        &config.client_secret,
        "ACRONIS_CLIENT_SECRET",
    );
    let access_token = setting(
        ProviderConfig::ACCESS_TOKEN,
        &config.access_token,
        "ACRONIS_ACCESS_TOKEN",
    );
    let ca_file = setting(ProviderConfig::CA_FILE, &config.ca_file, "ACRONIS_CA_FILE");

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
                .at(ProviderConfig::BASE_URL),
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
                .at(ProviderConfig::CA_FILE),
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
                    .at(ProviderConfig::CLIENT_SECRET),
            );
            None
        }
        (None, Some(_), None) => {
            diags.push(
                Diagnostic::error("Missing client_id", "client_secret is set but client_id is not: set client_id or ACRONIS_CLIENT_ID.")
                    .at(ProviderConfig::CLIENT_ID),
            );
            None
        }
        (_, _, Some(_)) => {
            diags.push(
                Diagnostic::error(
                    "Conflicting credentials",
                    "Both access_token and client credentials are set (in the provider block or ACRONIS_* variables); use one way to authenticate: unset access_token / ACRONIS_ACCESS_TOKEN, or client_id and client_secret / ACRONIS_CLIENT_ID and ACRONIS_CLIENT_SECRET.",
                )
                .at(ProviderConfig::ACCESS_TOKEN),
            );
            None
        }
    }
}

#[cfg(test)]
mod tests;
