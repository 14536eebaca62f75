//! The HTTP client: one connection pool and one token cache per provider process, every call
//! bounded by a timeout, retried per [`RetryPolicy`], and cancellable when Terraform stops the
//! provider.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

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
use super::user::{check_user_id, BatchAnswer, BatchItem, StatusItem, User};

/// The most ids one batch read may ask for (the API's limit).
pub(super) const MAX_BATCH_IDS: usize = 100;

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
    /// Share batch reads among concurrent reads of whole users and of their status; `None`
    /// when batching is off.
    reads: Option<Reads>,
    /// Set once the API has shown it has no batch read endpoint: every read then goes alone.
    no_batch_endpoint: AtomicBool,
}

/// The coalescers of single-user reads, one per level of detail.
struct Reads {
    users: Coalescer<User, ApiError>,
    statuses: Coalescer<StatusItem, ApiError>,
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
pub(super) struct Answer {
    status: StatusCode,
    body: bytes::Bytes,
    /// The server's `Retry-After`, parsed.
    retry_after: Option<Duration>,
}

impl Answer {
    pub(super) fn is_success(&self) -> bool {
        self.status.is_success()
    }
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
                let limits = Limits {
                    max_batch: MAX_BATCH_IDS,
                    ..Limits::default()
                };
                Reads {
                    users: Coalescer::new(limits),
                    statuses: Coalescer::new(limits),
                }
            }),
            no_batch_endpoint: AtomicBool::new(false),
        })
    }

    /// The coalescer of whole-user reads; `None` when batching is off.
    pub(super) fn user_reads(&self) -> Option<&Coalescer<User, ApiError>> {
        self.reads.as_ref().map(|r| &r.users)
    }

    /// The coalescer of status reads; `None` when batching is off.
    pub(super) fn status_reads(&self) -> Option<&Coalescer<StatusItem, ApiError>> {
        self.reads.as_ref().map(|r| &r.statuses)
    }

    /// One user's item, through `reads` while batching works.
    ///
    /// Only the account's own address may say it is gone: an id left out of a batch answer,
    /// a malformed item and a failed batch call (404 included) all send the read to
    /// `GET /users/{id}`.
    pub(super) async fn read_one<V: BatchItem>(
        &self,
        reads: Option<&Coalescer<V, ApiError>>,
        id: &str,
    ) -> Result<V, ApiError> {
        check_user_id(&Operation::ReadUser(id.to_owned()), id)?;
        let Some(reads) = reads.filter(|_| self.batching()) else {
            return self.read_user(id).await;
        };
        let delivery = reads.read(id, |ids| self.read_shared(ids), V::id).await;
        match delivery {
            Delivery::Found(item) => Ok(item),
            // The read went alone: its own answer is final.
            Delivery::Failed(e) if matches!(e.operation(), Operation::ReadUser(_)) => Err(e),
            Delivery::Failed(ApiError::Cancelled { .. }) => Err(ApiError::Cancelled {
                operation: Operation::ReadUser(id.to_owned()),
            }),
            Delivery::Failed(e) => {
                tracing::debug!(user_id = id, error = %e, "batch read failed; reading the account alone");
                self.read_user(id).await
            }
            Delivery::Absent => {
                tracing::debug!(user_id = id, "absent from a batch answer; reading it alone");
                self.read_user(id).await
            }
            Delivery::Orphaned => self.read_user(id).await,
        }
    }

    /// The items of one coalesced batch: a plain read for a single id, a batch read for more.
    async fn read_shared<V: BatchItem>(&self, ids: Vec<String>) -> Result<Vec<V>, ApiError> {
        match ids.as_slice() {
            [id] => Ok(vec![self.read_user(id).await?]),
            // Batching stopped while these waited: an empty answer sends each to its own GET.
            _ if !self.batching() => Ok(Vec::new()),
            _ => {
                let ids: Vec<&str> = ids.iter().map(String::as_str).collect();
                self.read_batch(&ids).await
            }
        }
    }

    /// `GET` of an API path whose answer is JSON of type `T`.
    pub(super) async fn get_json<T: serde::de::DeserializeOwned>(
        &self,
        op: &Operation,
        path: &str,
    ) -> Result<T, ApiError> {
        let answer = self.call(op, Method::GET, path, None::<&()>).await?;
        decode(op, &answer)
    }

    /// One batch read of at most [`MAX_BATCH_IDS`] checked ids, at `V`'s level of detail.
    ///
    /// Items are decoded one by one: a malformed item is left out (its reader then asks the
    /// account's own address) instead of failing the reads of the others. An answer of 404,
    /// 405 or 501 means the API has no batch endpoint: batching stops for this process.
    pub(super) async fn read_batch<V: BatchItem>(&self, ids: &[&str]) -> Result<Vec<V>, ApiError> {
        let op = Operation::ReadUsers(ids.len());
        let path = format!("users?uuids={}&lod={}", ids.join(","), V::LOD);
        let answer: BatchAnswer = match self.get_json(&op, &path).await {
            Ok(answer) => answer,
            Err(e) => {
                if matches!(e.status(), Some(404 | 405 | 501)) {
                    self.stop_batching(&e);
                }
                return Err(e);
            }
        };
        let mut items = Vec::with_capacity(answer.items.len());
        for raw in answer.items {
            match serde_json::from_str::<V>(raw.get()) {
                Ok(item) => items.push(item),
                Err(e) => tracing::warn!(
                    error = %shown_decode_error(&e),
                    "an item of a batch answer could not be read; its account is read alone"
                ),
            }
        }
        Ok(items)
    }

    /// Whether batch reads are still worth trying.
    pub(super) fn batching(&self) -> bool {
        !self.no_batch_endpoint.load(Ordering::Relaxed)
    }

    /// Turns batching off for the rest of the process, saying so once.
    fn stop_batching(&self, cause: &ApiError) {
        if !self.no_batch_endpoint.swap(true, Ordering::Relaxed) {
            tracing::warn!(
                status = cause.status().unwrap_or_default(),
                "the API has no batch read endpoint (GET /users?uuids=); accounts are read one \
                 by one from now on"
            );
        }
    }

    /// A call whose error statuses become errors.
    pub(super) async fn call<B: Serialize>(
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
    pub(super) async fn call_raw<B: Serialize>(
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

pub(super) fn decode<T: serde::de::DeserializeOwned>(
    op: &Operation,
    answer: &Answer,
) -> Result<T, ApiError> {
    serde_json::from_slice(&answer.body).map_err(|e| ApiError::InvalidResponse {
        operation: op.clone(),
        detail: shown_decode_error(&e),
    })
}

/// What went wrong decoding an answer, by kind and place only: serde's own text may quote the
/// body (an access token, say).
fn shown_decode_error(e: &serde_json::Error) -> String {
    let kind = match e.classify() {
        serde_json::error::Category::Io => "it could not be read",
        serde_json::error::Category::Syntax => "it is not valid JSON",
        serde_json::error::Category::Data => "a field is missing or of the wrong type",
        serde_json::error::Category::Eof => "it ends early",
    };
    format!("{kind} (line {}, column {})", e.line(), e.column())
}

pub(super) fn status_error(op: &Operation, answer: &Answer) -> ApiError {
    let (code, message) = parse_error_body(&answer.body);
    ApiError::Status {
        operation: op.clone(),
        status: answer.status.as_u16(),
        code,
        message,
    }
}

/// 409, or a 400 whose message says the version is stale (the API docs leave this open).
pub(super) fn is_version_conflict(answer: &Answer) -> bool {
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
    fn decode_errors_name_the_kind_and_place_but_never_quote_the_body() {
        let answer = |body: &'static str| Answer {
            status: StatusCode::OK,
            body: Bytes::from_static(body.as_bytes()),
            retry_after: None,
        };
        // serde's own text would say: invalid type: string "sEcReT-t0ken", expected f64.
        let secret = r#"{"access_token": "a", "expires_in": "sEcReT-t0ken"}"#;
        let err = decode::<TokenAnswer>(&Operation::Token, &answer(secret))
            .err()
            .expect("a number is no token");
        let text = err.to_string();
        assert!(text.contains("wrong type (line 1, column"), "{text}");
        assert!(!text.contains("sEcReT"), "{text}");
        let err = decode::<TokenAnswer>(&Operation::Token, &answer("{\"access_token\": \"Xq9z"))
            .err()
            .expect("cut short");
        assert!(err.to_string().contains("ends early"), "{err}");
        assert!(!err.to_string().contains("Xq9z"), "{err}");
    }
}
