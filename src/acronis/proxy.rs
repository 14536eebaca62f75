//! Which proxy the API is reached through, read as curl and Go programs read it: `HTTPS_PROXY`
//! (or `ALL_PROXY`) for the https:// API, minus the hosts in `NO_PROXY`; loopback addresses are
//! never proxied, as in Go. The proxy is spoken to in plain HTTP (`CONNECT`), the usual setup.

use std::fmt;

use reqwest::{NoProxy, Proxy, Url};

/// Hosts reached directly whatever `NO_PROXY` says: the loopback names and ranges.
const LOOPBACK: &str = "localhost,127.0.0.0/8,::1";

/// Proxy settings, as the environment gives them (`HTTPS_PROXY`, `ALL_PROXY`, `NO_PROXY`).
#[derive(Clone, Default, PartialEq, Eq)]
pub struct ProxySettings {
    pub https: Option<String>,
    pub all: Option<String>,
    pub no: Option<String>,
}

/// A proxy setting that cannot be used. The messages never repeat the URL: it may hold
/// credentials.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ProxyError {
    #[error("the proxy for HTTPS (HTTPS_PROXY or ALL_PROXY) is not a URL")]
    NotAUrl,
    #[error("the proxy for HTTPS uses {0}://; only http:// proxies (CONNECT) are supported")]
    Scheme(String),
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

    /// The proxy for https:// destinations, if one is set: `HTTPS_PROXY` before `ALL_PROXY`.
    /// (Plain http:// is only allowed to loopback, which is never proxied.)
    pub fn to_reqwest(&self) -> Result<Option<Proxy>, ProxyError> {
        let Some(raw) = self.https.as_deref().or(self.all.as_deref()) else {
            return Ok(None);
        };
        let url = proxy_url(raw)?;
        let no_proxy = match self.no.as_deref() {
            Some(no) => format!("{no},{LOOPBACK}"),
            None => LOOPBACK.to_owned(),
        };
        let proxy = Proxy::https(url).map_err(|_| ProxyError::NotAUrl)?;
        Ok(Some(proxy.no_proxy(NoProxy::from_string(&no_proxy))))
    }
}

/// The proxy's URL; `host:port` alone means `http://host:port`, as curl reads it.
fn proxy_url(raw: &str) -> Result<Url, ProxyError> {
    let raw = raw.trim();
    let url = if raw.contains("://") {
        Url::parse(raw)
    } else {
        Url::parse(&format!("http://{raw}"))
    }
    .map_err(|_| ProxyError::NotAUrl)?;
    if url.scheme() != "http" {
        return Err(ProxyError::Scheme(url.scheme().to_owned()));
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err(ProxyError::NotAUrl);
    }
    Ok(url)
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
    fn proxy_credentials_stay_out_of_debug_output_and_errors() {
        let settings = ProxySettings {
            https: Some("http://user:hunter2@proxy:3128".into()),
            ..ProxySettings::default()
        };
        assert!(!format!("{settings:?}").contains("hunter2"));
        let socks = ProxySettings {
            all: Some("socks5://user:hunter2@proxy:1080".into()),
            ..ProxySettings::default()
        };
        let err = socks.to_reqwest().expect_err("socks is not supported");
        assert_eq!(err, ProxyError::Scheme("socks5".into()));
        assert!(!err.to_string().contains("hunter2"));
    }

    #[test]
    fn a_bare_host_and_port_is_an_http_proxy() {
        assert_eq!(
            proxy_url("proxy.corp:3128").expect("bare").as_str(),
            "http://proxy.corp:3128/"
        );
        assert_eq!(proxy_url("http://"), Err(ProxyError::NotAUrl));
        assert!(ProxySettings::default()
            .to_reqwest()
            .expect("none")
            .is_none());
    }
}
