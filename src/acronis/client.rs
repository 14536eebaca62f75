//! The HTTP client: one connection pool and one token cache per provider process, every call
//! bounded by a timeout, retried per [`RetryPolicy`], and cancellable when Terraform stops the
//! provider.

use std::time::{Duration, Instant, SystemTime};

use std::sync::Arc;

use bytes::Bytes;
use reqwest::header::{HeaderValue, RETRY_AFTER};
use reqwest::{Method, StatusCode, Url};
use secrecy::{ExposeSecret as _, SecretString};
use serde::Serialize;
use tokio_util::sync::CancellationToken;

use super::auth::{Credentials, TokenAnswer, TokenCache};
use super::coalesce::{Coalescer, Delivery, Limits};
use super::error::{parse_error_body, ApiError, Operation};
use super::proxy::ProxySettings;
use super::retry::{is_retryable_status, parse_retry_after, RetryPolicy};
use super::tls;
use super::transport::{self, HttpClient, HttpError, HttpRequest, HttpSettings};
use super::url::BaseUrl;
use super::user::{is_valid_tenant_id, is_valid_user_id, User, UserPage, UserStatus};

/// How often an update is retried when the account changed under it (409).
const MAX_CONFLICT_ATTEMPTS: u32 = 5;

/// Users asked for per page of a tenant listing (the API's default and its batch-read size).
const PAGE_SIZE: usize = 100;

/// The most ids one batch read may ask for.
const MAX_BATCH_IDS: usize = 100;

/// Settings of a client, all checked before it is built. No `Debug`: it holds credentials.
pub struct ClientOptions {
    pub base_url: BaseUrl,
    pub credentials: Credentials,
    pub retry: RetryPolicy,
    pub request_timeout: Duration,
    /// Extra trusted CA certificates (PEM), for private deployments.
    pub extra_ca_pem: Option<Vec<u8>>,
    pub user_agent: String,
    /// The proxy for HTTPS, as the environment names it.
    pub proxy: ProxySettings,
    /// Whether concurrent single-user reads share batch calls.
    pub batch_reads: bool,
}

/// No `Debug`: it holds credentials and tokens.
pub struct AcronisClient {
    http: HttpClient,
    base: BaseUrl,
    auth: Auth,
    tokens: TokenCache<Token>,
    retry: RetryPolicy,
    timeout: Duration,
    cancel: CancellationToken,
    /// Shares batch reads among concurrent user reads; `None` when batching is off.
    reads: Option<Coalescer<User, ApiError>>,
}

/// An access token, zeroed when its last holder drops it. Two tokens are the same token only
/// if they are one fetch's, which is what invalidating a refused token needs.
#[derive(Clone)]
struct Token(Arc<SecretString>);

impl PartialEq for Token {
    fn eq(&self, other: &Token) -> bool {
        Arc::ptr_eq(&self.0, &other.0)
    }
}

impl Token {
    /// The token, once it is known to fit in a header.
    fn new(secret: SecretString) -> Result<Token, HttpError> {
        transport::bearer(secret.expose_secret())?;
        Ok(Token(Arc::new(secret)))
    }

    /// Its `Authorization: Bearer` header, marked sensitive.
    fn header(&self) -> Result<HeaderValue, HttpError> {
        transport::bearer(self.0.expose_secret())
    }
}

/// How calls are authorised.
enum Auth {
    /// A token minted elsewhere.
    Fixed(Token),
    /// Tokens fetched with the API client's credentials.
    Fetched {
        client_id: String,
        client_secret: SecretString,
    },
}

/// A response that arrived, with its body read.
struct Answer {
    status: StatusCode,
    body: bytes::Bytes,
    /// The server's `Retry-After`, parsed.
    retry_after: Option<Duration>,
}

#[derive(Serialize)]
struct EnabledUpdate {
    enabled: bool,
    version: i64,
}

impl AcronisClient {
    /// Builds the client; `cancel` aborts every call in flight and any later one.
    pub fn new(options: ClientOptions, cancel: CancellationToken) -> Result<Self, String> {
        let http = HttpClient::new(HttpSettings {
            user_agent: options.user_agent,
            timeout: options.request_timeout,
            connect_timeout: options.request_timeout.min(Duration::from_secs(10)),
            pool_idle_timeout: Duration::from_secs(60),
            tls: tls::client_config(options.extra_ca_pem.as_deref())?,
            proxy: options.proxy,
        })?;
        let auth = match options.credentials {
            Credentials::AccessToken(token) => Auth::Fixed(
                Token::new(token)
                    .map_err(|_| "the access token holds characters an HTTP header cannot carry")?,
            ),
            Credentials::ClientSecret {
                client_id,
                client_secret,
            } => Auth::Fetched {
                client_id,
                client_secret,
            },
        };
        Ok(AcronisClient {
            http,
            base: options.base_url,
            auth,
            tokens: TokenCache::default(),
            retry: options.retry,
            timeout: options.request_timeout,
            cancel,
            reads: options.batch_reads.then(|| {
                Coalescer::new(Limits {
                    max_batch: MAX_BATCH_IDS,
                    ..Limits::default()
                })
            }),
        })
    }

    /// One user. With batching on, reads that arrive while the API is busy share one
    /// `GET /users?uuids=...`; a lone read is a plain `GET /users/{id}`.
    pub async fn get_user(&self, id: &str) -> Result<User, ApiError> {
        let op = Operation::ReadUser(id.to_owned());
        check_user_id(&op, id)?;
        let Some(reads) = &self.reads else {
            return self.read_user(id).await;
        };
        let delivery = reads
            .read(id, |ids| self.read_batch(ids), |user: &User| &user.id)
            .await;
        match delivery {
            Delivery::Found(user) => Ok(user),
            Delivery::Failed(e) => Err(e.as_read_of(id)),
            // Left out of a batch answer: only the user's own address may say it is gone
            // (the batch endpoint may lag behind).
            Delivery::Absent => {
                tracing::debug!(user_id = id, "absent from a batch answer; reading it alone");
                self.read_user(id).await
            }
            Delivery::Orphaned => self.read_user(id).await,
        }
    }

    /// Whether the account is enabled, and its version: what a refresh needs. Batched as
    /// [`get_user`](Self::get_user) is; unbatched, the rest of the object is not built.
    pub async fn get_user_status(&self, id: &str) -> Result<UserStatus, ApiError> {
        if self.reads.is_none() {
            let op = Operation::ReadUser(id.to_owned());
            check_user_id(&op, id)?;
            return self.read_user(id).await;
        }
        let user = self.get_user(id).await?;
        Ok(UserStatus {
            version: user.version,
            enabled: user.enabled,
        })
    }

    /// The users of one batch: a plain read for a single id, a batch read for more.
    async fn read_batch(&self, ids: Vec<String>) -> Result<Vec<User>, ApiError> {
        match ids.as_slice() {
            [id] => Ok(vec![self.read_user(id).await?]),
            _ => {
                let ids: Vec<&str> = ids.iter().map(String::as_str).collect();
                self.get_users(&ids).await
            }
        }
    }

    /// `GET /users/{id}`, for an id already checked.
    async fn read_user<U: serde::de::DeserializeOwned>(&self, id: &str) -> Result<U, ApiError> {
        let op = Operation::ReadUser(id.to_owned());
        let answer = self
            .call(&op, Method::GET, &format!("users/{id}"), None::<&()>)
            .await?;
        decode(&op, &answer)
    }

    /// `GET /users?uuids=...`: the users among `ids` that exist (at most 100 ids a call).
    pub async fn get_users(&self, ids: &[&str]) -> Result<Vec<User>, ApiError> {
        for id in ids {
            check_user_id(&Operation::ReadUsers(ids.len()), id)?;
        }
        let mut users = Vec::with_capacity(ids.len());
        for chunk in ids.chunks(MAX_BATCH_IDS) {
            let op = Operation::ReadUsers(chunk.len());
            let answer = self
                .call(
                    &op,
                    Method::GET,
                    &format!("users?uuids={}", chunk.join(",")),
                    None::<&()>,
                )
                .await?;
            users.extend(decode::<UserPage>(&op, &answer)?.items);
        }
        Ok(users)
    }

    /// The live users of a tenant, every page of them. A tenant that does not exist is an
    /// error for which `is_not_found()` holds.
    pub async fn list_tenant_users(&self, tenant_id: &str) -> Result<Vec<User>, ApiError> {
        let op = Operation::ListTenantUsers(tenant_id.to_owned());
        if !is_valid_tenant_id(tenant_id) {
            return Err(ApiError::InvalidArgument {
                operation: op,
                detail: "a tenant id is a lowercase UUID".into(),
            });
        }
        // The paged `users?tenant_id=` takes one call per 100 users; listing the ids first
        // (`tenants/{id}/users`) would take that one more call and the same batch reads.
        let mut users = Vec::new();
        let mut after: Option<String> = None;
        loop {
            let mut path = format!(
                "users?tenant_id={}&limit={PAGE_SIZE}",
                query_value(tenant_id)
            );
            if let Some(cursor) = &after {
                path.push_str("&after=");
                path.push_str(&query_value(cursor));
            }
            let answer = self.call(&op, Method::GET, &path, None::<&()>).await?;
            let page: UserPage = decode(&op, &answer)?;
            let got_users = !page.items.is_empty();
            users.extend(page.items);
            match page.paging.cursors.after {
                None => return Ok(users),
                // A listing that does not move on would never end.
                Some(next) if !got_users || after.as_ref() == Some(&next) => {
                    return Err(ApiError::InvalidResponse {
                        operation: op,
                        detail: "the listing's next page cursor does not move on".into(),
                    })
                }
                Some(next) => after = Some(next),
            }
        }
    }

    /// Brings the account to `enabled`, starting from `version` if the caller knows it.
    ///
    /// On a version conflict (the account changed since it was read, or a retried request had
    /// already landed) it re-reads the account: if it already has the wanted `enabled`, nothing
    /// more is sent; otherwise only `enabled` is sent again with the new version. Bounded.
    pub async fn set_enabled(
        &self,
        id: &str,
        enabled: bool,
        version: Option<i64>,
    ) -> Result<UserStatus, ApiError> {
        let op = Operation::UpdateUser(id.to_owned());
        check_user_id(&op, id)?;
        let mut version = match version {
            Some(v) => v,
            None => {
                let user = self.get_user_status(id).await?;
                if user.enabled == enabled {
                    return Ok(user);
                }
                user.version
            }
        };
        for _ in 0..MAX_CONFLICT_ATTEMPTS {
            let body = EnabledUpdate { enabled, version };
            let answer = self
                .call_raw(&op, Method::PUT, &format!("users/{id}"), Some(&body))
                .await?;
            if answer.status.is_success() {
                return decode(&op, &answer);
            }
            if !is_version_conflict(&answer) {
                return Err(status_error(&op, &answer));
            }
            tracing::debug!(user_id = id, "version conflict; re-reading the account");
            let current = self.get_user_status(id).await?;
            if current.enabled == enabled {
                return Ok(current);
            }
            version = current.version;
        }
        Err(ApiError::Conflict {
            operation: op,
            attempts: MAX_CONFLICT_ATTEMPTS,
        })
    }

    /// A call whose error statuses become errors.
    async fn call<B: Serialize>(
        &self,
        op: &Operation,
        method: Method,
        path: &str,
        body: Option<&B>,
    ) -> Result<Answer, ApiError> {
        let answer = self.call_raw(op, method, path, body).await?;
        if answer.status.is_success() {
            Ok(answer)
        } else {
            Err(status_error(op, &answer))
        }
    }

    /// An authenticated API call with retries; any final status is returned as is.
    async fn call_raw<B: Serialize>(
        &self,
        op: &Operation,
        method: Method,
        path: &str,
        body: Option<&B>,
    ) -> Result<Answer, ApiError> {
        let url = self.url(op, path)?;
        let body = match body {
            Some(body) => Some((
                "application/json",
                Bytes::from(serde_json::to_vec(body).map_err(|e| ApiError::Transport {
                    operation: op.clone(),
                    detail: format!("could not encode the request: {e}"),
                })?),
            )),
            None => None,
        };
        let mut refreshed = false;
        loop {
            let token = self.token().await?;
            let authorization = token
                .header()
                .map_err(|e| transport_error(op, e, self.timeout))?;
            let request = HttpRequest {
                method: method.clone(),
                url: &url,
                authorization: Some(authorization),
                body: body.clone(),
            };
            let answer = self.send_with_retries(op, &request, path).await?;
            let may_refresh = matches!(self.auth, Auth::Fetched { .. });
            if answer.status == StatusCode::UNAUTHORIZED && may_refresh && !refreshed {
                // The token may have been revoked or expired early: one fresh token, once.
                self.tokens.invalidate(&token);
                refreshed = true;
                continue;
            }
            return Ok(answer);
        }
    }

    /// Sends `request` until it gets a final answer: retryable statuses and lost connections
    /// are tried again per the retry policy.
    async fn send_with_retries(
        &self,
        op: &Operation,
        request: &HttpRequest<'_>,
        path: &str,
    ) -> Result<Answer, ApiError> {
        let started = Instant::now();
        let mut retry = 0;
        loop {
            let outcome = self.send(op, request.clone(), path, retry).await;
            let server_wait = match &outcome {
                Ok(answer) if is_retryable_status(answer.status.as_u16()) => answer.retry_after,
                Err(ApiError::Transport { .. } | ApiError::Timeout { .. }) => None,
                _ => return outcome,
            };
            retry += 1;
            match self.retry.delay(retry, server_wait, started.elapsed()) {
                Some(delay) => self.sleep(op, delay).await?,
                None => return outcome,
            }
        }
    }

    /// Sends one request, racing it against cancellation, and reads the whole body.
    async fn send(
        &self,
        op: &Operation,
        request: HttpRequest<'_>,
        path: &str,
        attempt: u32,
    ) -> Result<Answer, ApiError> {
        let started = Instant::now();
        let method = request.method.clone();
        let result = tokio::select! {
            result = self.http.send(request) => result,
            () = self.cancel.cancelled() => return Err(ApiError::Cancelled { operation: op.clone() }),
        };
        let elapsed_ms = started.elapsed().as_millis() as u64;
        match result {
            Ok(response) => {
                tracing::debug!(
                    method = %method, path = path, status = response.status.as_u16(),
                    duration_ms = elapsed_ms, retry = attempt, "HTTP call"
                );
                let retry_after = response
                    .headers
                    .get(RETRY_AFTER)
                    .and_then(|v| v.to_str().ok())
                    .and_then(|v| parse_retry_after(v, SystemTime::now()));
                Ok(Answer {
                    status: response.status,
                    body: response.body,
                    retry_after,
                })
            }
            Err(e) => {
                tracing::debug!(
                    method = %method, path = path, error = %e,
                    duration_ms = elapsed_ms, retry = attempt, "HTTP call failed"
                );
                Err(transport_error(op, e, self.timeout))
            }
        }
    }

    /// The URL of an API path; a path that makes no valid URL is the caller's bug, reported as
    /// a failed request.
    fn url(&self, op: &Operation, path: &str) -> Result<Url, ApiError> {
        self.base.api(path).map_err(|e| ApiError::Transport {
            operation: op.clone(),
            detail: format!("could not build the request URL: {e}"),
        })
    }

    async fn sleep(&self, op: &Operation, delay: Duration) -> Result<(), ApiError> {
        tokio::select! {
            () = tokio::time::sleep(delay) => Ok(()),
            () = self.cancel.cancelled() => Err(ApiError::Cancelled { operation: op.clone() }),
        }
    }

    /// The current access token, fetched if there is none fresh.
    async fn token(&self) -> Result<Token, ApiError> {
        match &self.auth {
            Auth::Fixed(token) => Ok(token.clone()),
            Auth::Fetched {
                client_id,
                client_secret,
            } => {
                self.tokens
                    .get_or_fetch(|| self.fetch_token(client_id, client_secret))
                    .await
            }
        }
    }

    /// `POST /idp/token` with HTTP Basic client authentication, retried like any call.
    async fn fetch_token(
        &self,
        client_id: &str,
        client_secret: &SecretString,
    ) -> Result<(Token, Duration), ApiError> {
        let op = Operation::Token;
        let url = self.url(&op, "idp/token")?;
        let request = HttpRequest {
            method: Method::POST,
            url: &url,
            authorization: Some(
                transport::basic(client_id, client_secret.expose_secret())
                    .map_err(|e| transport_error(&op, e, self.timeout))?,
            ),
            body: Some((
                "application/x-www-form-urlencoded",
                Bytes::from_static(b"grant_type=client_credentials"),
            )),
        };
        let answer = self.send_with_retries(&op, &request, "idp/token").await?;
        if !answer.status.is_success() {
            return Err(status_error(&op, &answer));
        }
        let answer: TokenAnswer = decode(&op, &answer)?;
        if answer.access_token.expose_secret().is_empty() {
            return Err(ApiError::InvalidResponse {
                operation: op,
                detail: "the token answer has an empty access_token".into(),
            });
        }
        let lifetime = answer.lifetime(SystemTime::now());
        let token = Token::new(answer.access_token).map_err(|_| ApiError::InvalidResponse {
            operation: op.clone(),
            detail: "the access_token holds characters an HTTP header cannot carry".into(),
        })?;
        Ok((token, lifetime))
    }
}

/// Refuses a user id that is not one lowercase UUID before it becomes part of a URL, so no
/// caller (nor tampered state) can smuggle a path or a query into a request.
fn check_user_id(op: &Operation, id: &str) -> Result<(), ApiError> {
    if is_valid_user_id(id) {
        Ok(())
    } else {
        Err(ApiError::InvalidArgument {
            operation: op.clone(),
            detail: "a user id is a lowercase UUID".into(),
        })
    }
}

fn decode<T: serde::de::DeserializeOwned>(op: &Operation, answer: &Answer) -> Result<T, ApiError> {
    serde_json::from_slice(&answer.body).map_err(|e| ApiError::InvalidResponse {
        operation: op.clone(),
        detail: e.to_string(),
    })
}

/// `value` percent-encoded for a query string.
fn query_value(value: &str) -> String {
    url::form_urlencoded::byte_serialize(value.as_bytes()).collect()
}

fn status_error(op: &Operation, answer: &Answer) -> ApiError {
    let (code, message) = parse_error_body(&answer.body);
    ApiError::Status {
        operation: op.clone(),
        status: answer.status.as_u16(),
        code,
        message,
    }
}

/// 409, or a 400 whose message says the version is stale (the API docs leave this open).
fn is_version_conflict(answer: &Answer) -> bool {
    match answer.status {
        StatusCode::CONFLICT => true,
        StatusCode::BAD_REQUEST => {
            let (_, message) = parse_error_body(&answer.body);
            let message = message.to_ascii_lowercase();
            message.contains("version")
                && (message.contains("mismatch")
                    || message.contains("stale")
                    || message.contains("conflict"))
        }
        _ => false,
    }
}

fn transport_error(op: &Operation, e: HttpError, timeout: Duration) -> ApiError {
    match e {
        HttpError::Timeout => ApiError::Timeout {
            operation: op.clone(),
            seconds: timeout.as_secs(),
        },
        HttpError::Transport(detail) => ApiError::Transport {
            operation: op.clone(),
            detail,
        },
        HttpError::TooLarge => ApiError::InvalidResponse {
            operation: op.clone(),
            detail: e.to_string(),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_values_are_percent_encoded() {
        assert_eq!(query_value("YWZ0+ZXI/dXNl=="), "YWZ0%2BZXI%2FdXNl%3D%3D");
        assert_eq!(query_value("a&b c"), "a%26b+c");
    }
}
