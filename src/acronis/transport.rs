//! The HTTP transport under the API client: one pooled reqwest client over the project's
//! rustls configuration, through the proxy the settings name, never following a redirect (a
//! bearer token must not follow one, and the API never sends one), with every exchange bounded
//! by one timeout and every answer read whole.

use std::error::Error as StdError;
use std::time::Duration;

use bytes::{Bytes, BytesMut};
use reqwest::header::{HeaderMap, HeaderValue, ACCEPT, AUTHORIZATION, CONTENT_TYPE};
use reqwest::{redirect, Method, StatusCode, Url};

use super::proxy::ProxySettings;

/// The largest answer read; the API's biggest (a page of 100 users) is a few hundred kilobytes.
pub const MAX_BODY_BYTES: usize = 8 * 1024 * 1024;

/// How the transport is set up.
pub struct HttpSettings {
    pub user_agent: String,
    /// The bound on one whole exchange: connecting, sending, and reading the whole answer.
    pub timeout: Duration,
    pub connect_timeout: Duration,
    pub pool_idle_timeout: Duration,
    pub tls: rustls::ClientConfig,
    pub proxy: ProxySettings,
}

/// One request: the URL, an optional `Authorization` and an optional body with its type.
#[derive(Clone)]
pub struct HttpRequest<'a> {
    pub method: Method,
    pub url: &'a Url,
    pub authorization: Option<HeaderValue>,
    pub body: Option<(&'static str, Bytes)>,
}

/// A whole answer.
#[derive(Debug)]
pub struct HttpResponse {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Bytes,
}

#[derive(Debug, thiserror::Error)]
pub enum HttpError {
    #[error("no complete answer within the timeout")]
    Timeout,
    /// No answer: the cause chain, without the URL.
    #[error("{0}")]
    Transport(String),
    #[error("the answer is larger than {} MiB", MAX_BODY_BYTES / (1024 * 1024))]
    TooLarge,
}

impl From<reqwest::Error> for HttpError {
    fn from(e: reqwest::Error) -> Self {
        // A connect timeout is a failure to reach the API, not the whole exchange running out.
        if e.is_timeout() && !e.is_connect() {
            HttpError::Timeout
        } else {
            HttpError::Transport(cause_chain(&e.without_url()))
        }
    }
}

pub struct HttpClient {
    client: reqwest::Client,
}

impl HttpClient {
    pub fn new(settings: HttpSettings) -> Result<Self, String> {
        let mut headers = HeaderMap::new();
        headers.insert(ACCEPT, HeaderValue::from_static("application/json"));
        // Proxies come only from the settings (read through the injectable environment).
        let mut builder = reqwest::Client::builder()
            .no_proxy()
            .use_preconfigured_tls(settings.tls)
            .redirect(redirect::Policy::none())
            .user_agent(settings.user_agent)
            .default_headers(headers)
            .connect_timeout(settings.connect_timeout)
            .timeout(settings.timeout)
            .pool_idle_timeout(settings.pool_idle_timeout)
            .tcp_nodelay(true);
        if let Some(proxy) = settings.proxy.to_reqwest().map_err(|e| e.to_string())? {
            builder = builder.proxy(proxy);
        }
        let client = builder
            .build()
            .map_err(|e| format!("the HTTP client could not be built: {}", cause_chain(&e)))?;
        Ok(HttpClient { client })
    }

    /// Sends `request` and reads the whole answer, within the timeout.
    pub async fn send(&self, request: HttpRequest<'_>) -> Result<HttpResponse, HttpError> {
        let mut builder = self.client.request(request.method, request.url.clone());
        if let Some(authorization) = request.authorization {
            builder = builder.header(AUTHORIZATION, authorization);
        }
        if let Some((content_type, body)) = request.body {
            builder = builder
                .header(CONTENT_TYPE, HeaderValue::from_static(content_type))
                .body(body);
        }
        let mut response = builder.send().await?;
        let status = response.status();
        let headers = std::mem::take(response.headers_mut());
        let body = read_body(response).await?;
        Ok(HttpResponse {
            status,
            headers,
            body,
        })
    }
}

/// The whole body, refused once it passes [`MAX_BODY_BYTES`].
async fn read_body(mut response: reqwest::Response) -> Result<Bytes, HttpError> {
    let announced = response.content_length().unwrap_or(0);
    if announced > MAX_BODY_BYTES as u64 {
        return Err(HttpError::TooLarge);
    }
    let mut body = BytesMut::with_capacity(announced as usize);
    while let Some(chunk) = response.chunk().await? {
        if body.len() + chunk.len() > MAX_BODY_BYTES {
            return Err(HttpError::TooLarge);
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body.freeze())
}

/// An error and its causes, joined: "error sending request: client error (Connect): ...".
fn cause_chain(e: &dyn StdError) -> String {
    let mut parts = vec![e.to_string()];
    let mut source = e.source();
    while let Some(cause) = source {
        let text = cause.to_string();
        if parts.last() != Some(&text) {
            parts.push(text);
        }
        source = cause.source();
    }
    parts.join(": ")
}

/// `Authorization: Bearer <token>`, kept out of any debug output.
pub fn bearer(token: &str) -> Result<HeaderValue, HttpError> {
    sensitive(format!("Bearer {token}"))
}

/// `Authorization: Basic <base64(user:password)>`, kept out of any debug output.
pub fn basic(user: &str, password: &str) -> Result<HeaderValue, HttpError> {
    use base64::Engine as _;
    let encoded = base64::engine::general_purpose::STANDARD.encode(format!("{user}:{password}"));
    sensitive(format!("Basic {encoded}"))
}

fn sensitive(value: String) -> Result<HeaderValue, HttpError> {
    let mut value = HeaderValue::try_from(value).map_err(|_| {
        HttpError::Transport("the credentials hold characters a header cannot carry".into())
    })?;
    value.set_sensitive(true);
    Ok(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn authorization_values_are_sensitive() {
        let value = basic("id", "secret").expect("basic");
        assert!(value.is_sensitive());
        assert_eq!(value.to_str().ok(), Some("Basic aWQ6c2VjcmV0"));
        assert!(bearer("token").expect("bearer").is_sensitive());
        assert!(bearer("bad\ntoken").is_err());
        assert!(!format!("{value:?}").contains("aWQ6c2VjcmV0"));
    }

    #[test]
    fn the_cause_chain_skips_repeated_causes() {
        #[derive(Debug, thiserror::Error)]
        #[error("{0}")]
        struct Layer(&'static str, #[source] Option<Box<Layer>>);
        let inner = Layer("connection refused", None);
        let same = Layer("connection refused", Some(Box::new(inner)));
        let outer = Layer("error sending request", Some(Box::new(same)));
        assert_eq!(
            cause_chain(&outer),
            "error sending request: connection refused"
        );
    }
}
