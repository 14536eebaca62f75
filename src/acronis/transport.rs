//! The HTTP transport under the API client: hyper's pooled HTTP/1.1 and HTTP/2 client over
//! rustls, through the proxy the environment names, with every exchange bounded by one timeout.
//!
//! It is thin on purpose. A general-purpose client (redirect following, URL re-parsing on every
//! request) cost a measurable share of a large refresh (docs/PERFORMANCE.md), and the API never
//! redirects; a bearer token must not follow a redirect anyway.
//!
//! Proxies are read as curl and Go programs read them: `HTTPS_PROXY` (or `ALL_PROXY`) for the
//! https:// API, minus the hosts in `NO_PROXY`. Loopback addresses are never proxied, as in Go.
//! The proxy itself is spoken to in plain HTTP (`CONNECT`), the usual setup.

use std::error::Error as StdError;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use bytes::Bytes;
use http::header::{HeaderMap, HeaderValue, ACCEPT, AUTHORIZATION, CONTENT_TYPE, USER_AGENT};
use http::{Method, StatusCode, Uri};
use http_body_util::{BodyExt as _, Full};
use hyper_rustls::HttpsConnector;
use hyper_util::client::legacy::connect::proxy::Tunnel;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::client::legacy::Client;
use hyper_util::client::proxy::matcher::Matcher;
use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
use tokio::net::TcpStream;

use super::url::is_loopback_host;

type BoxError = Box<dyn StdError + Send + Sync>;

/// Proxy settings, as the environment gives them (`HTTPS_PROXY`, `ALL_PROXY`, `NO_PROXY`).
#[derive(Clone, Default, PartialEq, Eq)]
pub struct ProxySettings {
    pub https: Option<String>,
    pub all: Option<String>,
    pub no: Option<String>,
}

impl ProxySettings {
    /// Reads the variables through `env`, upper case first, as curl does.
    pub fn from_env(env: impl Fn(&str) -> Option<String>) -> Self {
        let var = |upper: &str, lower: &str| {
            env(upper)
                .or_else(|| env(lower))
                .filter(|v| !v.trim().is_empty())
        };
        ProxySettings {
            https: var("HTTPS_PROXY", "https_proxy"),
            all: var("ALL_PROXY", "all_proxy"),
            no: var("NO_PROXY", "no_proxy"),
        }
    }

    fn matcher(&self) -> Matcher {
        let mut builder = Matcher::builder();
        if let Some(https) = &self.https {
            builder = builder.https(https.as_str());
        }
        if let Some(all) = &self.all {
            builder = builder.all(all.as_str());
        }
        if let Some(no) = &self.no {
            builder = builder.no(no.as_str());
        }
        builder.build()
    }
}

/// Proxy URLs may hold credentials: only whether each is set is shown.
impl fmt::Debug for ProxySettings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ProxySettings")
            .field("https", &self.https.is_some())
            .field("all", &self.all.is_some())
            .field("no", &self.no)
            .finish()
    }
}

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

/// One request: the URI, an optional `Authorization` and an optional body with its type.
#[derive(Clone)]
pub struct HttpRequest<'a> {
    pub method: Method,
    pub uri: &'a Uri,
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
}

pub struct HttpClient {
    client: Client<HttpsConnector<ProxyConnector>, Full<Bytes>>,
    user_agent: HeaderValue,
    timeout: Duration,
}

impl HttpClient {
    pub fn new(settings: HttpSettings) -> Result<Self, String> {
        let user_agent = HeaderValue::from_str(&settings.user_agent)
            .map_err(|_| "the User-Agent is not a valid header value".to_owned())?;
        let mut direct = HttpConnector::new();
        direct.enforce_http(false);
        direct.set_nodelay(true);
        direct.set_connect_timeout(Some(settings.connect_timeout));
        let connector = hyper_rustls::HttpsConnectorBuilder::new()
            .with_tls_config(settings.tls)
            .https_or_http()
            .enable_http1()
            .enable_http2()
            .wrap_connector(ProxyConnector {
                direct,
                proxy: Arc::new(settings.proxy.matcher()),
            });
        let client = Client::builder(TokioExecutor::new())
            .pool_idle_timeout(settings.pool_idle_timeout)
            .pool_timer(TokioTimer::new())
            .timer(TokioTimer::new())
            .build(connector);
        Ok(HttpClient {
            client,
            user_agent,
            timeout: settings.timeout,
        })
    }

    /// Sends `request` and reads the whole answer, within the timeout.
    pub async fn send(&self, request: HttpRequest<'_>) -> Result<HttpResponse, HttpError> {
        let mut builder = http::Request::builder()
            .method(request.method)
            .uri(request.uri.clone())
            .header(USER_AGENT, self.user_agent.clone())
            .header(ACCEPT, HeaderValue::from_static("application/json"));
        if let Some(authorization) = request.authorization {
            builder = builder.header(AUTHORIZATION, authorization);
        }
        let body = match request.body {
            Some((content_type, body)) => {
                builder = builder.header(CONTENT_TYPE, HeaderValue::from_static(content_type));
                body
            }
            None => Bytes::new(),
        };
        let request = builder
            .body(Full::new(body))
            .map_err(|e| HttpError::Transport(e.to_string()))?;
        let exchange = async {
            let response = self.client.request(request).await.map_err(cause_chain)?;
            let (parts, body) = response.into_parts();
            let body = body.collect().await.map_err(cause_chain)?.to_bytes();
            Ok(HttpResponse {
                status: parts.status,
                headers: parts.headers,
                body,
            })
        };
        match tokio::time::timeout(self.timeout, exchange).await {
            Ok(result) => result.map_err(HttpError::Transport),
            Err(_) => Err(HttpError::Timeout),
        }
    }
}

/// An error and its causes, joined: "client error (Connect): tcp connect error: ...".
fn cause_chain(e: impl StdError) -> String {
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

/// Connects directly, or through a `CONNECT` tunnel when a proxy applies to the host.
#[derive(Clone)]
struct ProxyConnector {
    direct: HttpConnector,
    proxy: Arc<Matcher>,
}

type Connecting = Pin<Box<dyn Future<Output = Result<TokioIo<TcpStream>, BoxError>> + Send>>;

impl tower_service::Service<Uri> for ProxyConnector {
    type Response = TokioIo<TcpStream>;
    type Error = BoxError;
    type Future = Connecting;

    fn poll_ready(&mut self, _cx: &mut Context<'_>) -> Poll<Result<(), BoxError>> {
        // HttpConnector is always ready.
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, destination: Uri) -> Connecting {
        let mut direct = self.direct.clone();
        let intercept = match destination.host() {
            Some(host) if !is_loopback_host(host) => self.proxy.intercept(&destination),
            _ => None,
        };
        match intercept {
            None => Box::pin(async move { direct.call(destination).await.map_err(Into::into) }),
            Some(proxy) if proxy.uri().scheme_str() != Some("http") => Box::pin(async {
                Err("the proxy for HTTPS is not an http:// URL; only http:// proxies (CONNECT) are supported".into())
            }),
            Some(proxy) => {
                let mut tunnel = Tunnel::new(proxy.uri().clone(), direct);
                if let Some(auth) = proxy.basic_auth() {
                    tunnel = tunnel.with_auth(auth.clone());
                }
                Box::pin(async move { tunnel.call(destination).await.map_err(Into::into) })
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn proxy_settings_come_from_upper_or_lower_case_variables() {
        let env = |k: &str| match k {
            "https_proxy" => Some("http://proxy:3128".to_owned()),
            "NO_PROXY" => Some("internal.example".to_owned()),
            "ALL_PROXY" => Some("  ".to_owned()),
            _ => None,
        };
        let settings = ProxySettings::from_env(env);
        assert_eq!(settings.https.as_deref(), Some("http://proxy:3128"));
        assert_eq!(settings.all, None);
        assert_eq!(settings.no.as_deref(), Some("internal.example"));
    }

    #[test]
    fn proxy_credentials_stay_out_of_debug_output() {
        let settings = ProxySettings {
            https: Some("http://user:hunter2@proxy:3128".into()),
            ..ProxySettings::default()
        };
        assert!(!format!("{settings:?}").contains("hunter2"));
    }

    #[test]
    fn loopback_hosts_are_recognised() {
        for host in ["localhost", "LOCALHOST", "127.0.0.1", "127.8.9.1", "[::1]"] {
            assert!(is_loopback_host(host), "{host}");
        }
        for host in ["eu2-cloud.acronis.com", "10.0.0.1", "[2001:db8::1]"] {
            assert!(!is_loopback_host(host), "{host}");
        }
    }

    #[test]
    fn authorization_values_are_sensitive() {
        let value = basic("id", "secret").expect("basic");
        assert!(value.is_sensitive());
        assert_eq!(value.to_str().ok(), Some("Basic aWQ6c2VjcmV0"));
        assert!(bearer("token").expect("bearer").is_sensitive());
        assert!(bearer("bad\ntoken").is_err());
    }
}
