//! The data-center URL users give (`https://eu2-cloud.acronis.com`, with or without `/api/2`
//! and a trailing slash), checked and normalised to the API root.

use percent_encoding::{utf8_percent_encode, AsciiSet, CONTROLS};
use url::Url;

/// What a path segment must escape: the URL standard's path-segment set, as the `url` crate
/// uses it.
const PATH_SEGMENT: &AsciiSet = &CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'#')
    .add(b'<')
    .add(b'>')
    .add(b'?')
    .add(b'`')
    .add(b'{')
    .add(b'}')
    .add(b'/')
    .add(b'%');

/// A checked data-center URL; `api(path)` builds endpoint URIs under `/api/2`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BaseUrl {
    /// The API root, always ending in `/api/2/`.
    api_root: Url,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BaseUrlError {
    #[error("it is empty")]
    Empty,
    #[error("it is not a URL ({0}); expected the data-center address, e.g. https://eu2-cloud.acronis.com")]
    NotAUrl(String),
    #[error("it uses {0}://; the API is only served over https:// (http:// is accepted for loopback addresses only)")]
    Scheme(String),
    #[error("it has a query or fragment; give only the data-center address, e.g. https://eu2-cloud.acronis.com")]
    QueryOrFragment,
    #[error("it has credentials in it; pass them as client_id and client_secret instead")]
    UserInfo,
    #[error("its path {0:?} is not the API's; give the data-center address alone or with /api/2")]
    Path(String),
}

impl BaseUrl {
    pub fn parse(raw: &str) -> Result<BaseUrl, BaseUrlError> {
        let raw = raw.trim();
        if raw.is_empty() {
            return Err(BaseUrlError::Empty);
        }
        let url = Url::parse(raw).map_err(|e| BaseUrlError::NotAUrl(e.to_string()))?;
        match url.scheme() {
            "https" => {}
            "http" if is_loopback(&url) => {}
            other => return Err(BaseUrlError::Scheme(other.to_owned())),
        }
        match url.host() {
            None => return Err(BaseUrlError::NotAUrl("no host".into())),
            // DNS limits: 253 characters in all, 63 per label.
            Some(url::Host::Domain(d))
                if d.len() > 253 || d.split('.').any(|l| l.is_empty() || l.len() > 63) =>
            {
                return Err(BaseUrlError::NotAUrl(
                    "the host name is not a valid DNS name".into(),
                ))
            }
            _ => {}
        }
        if url.query().is_some() || url.fragment().is_some() {
            return Err(BaseUrlError::QueryOrFragment);
        }
        if !url.username().is_empty() || url.password().is_some() {
            return Err(BaseUrlError::UserInfo);
        }
        let path = url.path().trim_end_matches('/');
        if !(path.is_empty() || path == "/api/2") {
            return Err(BaseUrlError::Path(url.path().to_owned()));
        }
        let mut api_root = url;
        api_root.set_path("/api/2/");
        Ok(BaseUrl { api_root })
    }

    /// The URL of `path` (relative, e.g. `users/<id>` or `users?uuids=<a>,<b>`) under the API
    /// root, each path segment percent-encoded; the query is the caller's, already encoded.
    pub fn api(&self, path: &str) -> Result<Url, url::ParseError> {
        let (path, query) = match path.split_once('?') {
            Some((path, query)) => (path, Some(query)),
            None => (path, None),
        };
        let root = self.api_root.as_str();
        let mut uri =
            String::with_capacity(root.len() + path.len() + query.map_or(0, str::len) + 8);
        uri.push_str(root);
        for (i, segment) in path.split('/').enumerate() {
            if i > 0 {
                uri.push('/');
            }
            uri.extend(utf8_percent_encode(segment, PATH_SEGMENT));
        }
        if let Some(query) = query {
            uri.push('?');
            uri.push_str(query);
        }
        Url::parse(&uri)
    }

    pub fn as_str(&self) -> &str {
        self.api_root.as_str()
    }
}

fn is_loopback(url: &Url) -> bool {
    url.host_str().is_some_and(is_loopback_host)
}

/// `localhost` or a loopback address (IPv6 in brackets or bare), as a URL or URI names it.
fn is_loopback_host(host: &str) -> bool {
    let bare = host.trim_start_matches('[').trim_end_matches(']');
    host.eq_ignore_ascii_case("localhost")
        || bare
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_every_form_users_copy() {
        for raw in [
            "https://eu2-cloud.acronis.com",
            "https://eu2-cloud.acronis.com/",
            "https://eu2-cloud.acronis.com/api/2",
            "https://eu2-cloud.acronis.com/api/2/",
            "  https://eu2-cloud.acronis.com  ",
        ] {
            let base = BaseUrl::parse(raw).expect(raw);
            assert_eq!(
                base.api("users/abc").expect("uri").to_string(),
                "https://eu2-cloud.acronis.com/api/2/users/abc",
                "{raw}"
            );
        }
    }

    #[test]
    fn endpoint_urls_keep_their_query_and_encode_their_segments() {
        let base = BaseUrl::parse("http://127.0.0.1:8080").expect("base");
        assert_eq!(
            base.api("users?uuids=a,b").expect("uri").to_string(),
            "http://127.0.0.1:8080/api/2/users?uuids=a,b"
        );
        assert_eq!(
            base.api("idp/token").expect("uri").to_string(),
            "http://127.0.0.1:8080/api/2/idp/token"
        );
        assert_eq!(
            base.api("users/a b#c").expect("uri").to_string(),
            "http://127.0.0.1:8080/api/2/users/a%20b%23c"
        );
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
    fn plain_http_only_for_loopback() {
        assert!(BaseUrl::parse("http://127.0.0.1:8080").is_ok());
        assert!(BaseUrl::parse("http://localhost:1/api/2").is_ok());
        assert!(BaseUrl::parse("http://[::1]:9").is_ok());
        assert_eq!(
            BaseUrl::parse("http://eu2-cloud.acronis.com"),
            Err(BaseUrlError::Scheme("http".into()))
        );
        assert_eq!(
            BaseUrl::parse("ftp://x"),
            Err(BaseUrlError::Scheme("ftp".into()))
        );
    }

    #[test]
    fn refuses_what_is_not_a_data_center_address() {
        assert_eq!(BaseUrl::parse(" "), Err(BaseUrlError::Empty));
        let long_label = format!("https://{}.acronis.com", "a".repeat(64));
        assert!(matches!(
            BaseUrl::parse(&long_label),
            Err(BaseUrlError::NotAUrl(_))
        ));
        assert!(matches!(
            BaseUrl::parse("https://a..b.com"),
            Err(BaseUrlError::NotAUrl(_))
        ));
        assert!(matches!(
            BaseUrl::parse("eu2-cloud.acronis.com"),
            Err(BaseUrlError::NotAUrl(_))
        ));
        assert_eq!(
            BaseUrl::parse("https://x.acronis.com/?a=1"),
            Err(BaseUrlError::QueryOrFragment)
        );
        assert_eq!(
            BaseUrl::parse("https://u:p@x.acronis.com"),
            Err(BaseUrlError::UserInfo)
        );
        assert!(matches!(
            BaseUrl::parse("https://x.acronis.com/api/1"),
            Err(BaseUrlError::Path(_))
        ));
    }
}
