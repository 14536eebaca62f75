//! Which endpoint an account-API request is, for counting and fault targeting: by method and
//! route pattern, and on `GET /api/2/users` by the query (`uuids` makes it a batch read).

use axum::extract::Query;
use axum::http::{Method, Uri};

use super::users::split_ids;
use super::{TENANT_PATH, TENANT_USERS_PATH, TOKEN_PATH, USERS_PATH, USER_PATH};
use crate::calls::Endpoint;

/// Which endpoint a routed request is, by method and route pattern (`GET /users` refined below).
const ROUTES: [(Method, &str, Endpoint); 7] = [
    (Method::POST, TOKEN_PATH, Endpoint::Token),
    (Method::GET, USER_PATH, Endpoint::GetUser),
    (Method::PUT, USER_PATH, Endpoint::PutUser),
    (Method::DELETE, USER_PATH, Endpoint::DeleteUser),
    (Method::GET, USERS_PATH, Endpoint::ListUsers),
    (Method::GET, TENANT_USERS_PATH, Endpoint::TenantUsers),
    (Method::GET, TENANT_PATH, Endpoint::GetTenant),
];

/// A request as the call counters see it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Classified {
    pub endpoint: Endpoint,
    /// How many ids a batch read names (0 for every other endpoint).
    pub batch_ids: u64,
}

/// The endpoint of a request matched to route pattern `route`, or `None` when it is none of
/// the API's.
pub fn classify(method: &Method, route: &str, uri: &Uri) -> Option<Classified> {
    let endpoint = ROUTES
        .iter()
        .find(|(m, p, _)| m == method && *p == route)
        .map(|(_, _, endpoint)| *endpoint)?;
    let batch = (endpoint == Endpoint::ListUsers)
        .then(|| uuids_named(uri))
        .flatten();
    Some(match batch {
        Some(batch_ids) => Classified {
            endpoint: Endpoint::BatchUsers,
            batch_ids,
        },
        None => Classified {
            endpoint,
            batch_ids: 0,
        },
    })
}

/// How many ids the query's `uuids` parameters name, or `None` when it has none (or the query
/// does not parse: the handler then answers 400 and the call counts as a listing).
fn uuids_named(uri: &Uri) -> Option<u64> {
    let Query(pairs) = Query::<Vec<(String, String)>>::try_from_uri(uri).ok()?;
    pairs
        .iter()
        .filter(|(name, _)| name == "uuids")
        .map(|(_, value)| split_ids(value).count() as u64)
        .reduce(|a, b| a + b)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn users(query: &str) -> Option<Classified> {
        let uri: Uri = format!("{USERS_PATH}{query}").parse().expect("uri");
        classify(&Method::GET, USERS_PATH, &uri)
    }

    #[test]
    fn uuids_make_a_batch_read_and_tenant_ids_a_listing() {
        let batch = |batch_ids| {
            Some(Classified {
                endpoint: Endpoint::BatchUsers,
                batch_ids,
            })
        };
        let listing = Some(Classified {
            endpoint: Endpoint::ListUsers,
            batch_ids: 0,
        });
        assert_eq!(users("?uuids=a,b,,c"), batch(3));
        assert_eq!(users("?uuids=a%2Cb"), batch(2), "percent-encoded commas");
        assert_eq!(users("?uuids="), batch(0), "an empty batch is still one");
        assert_eq!(users("?uuids=a&tenant_id=t"), batch(1));
        assert_eq!(users("?tenant_id=t&limit=5"), listing);
        assert_eq!(users(""), listing);
    }

    #[test]
    fn other_routes_keep_their_endpoint_whatever_the_query() {
        let uri: Uri = "/api/2/users/x?uuids=a".parse().expect("uri");
        let get = classify(&Method::GET, USER_PATH, &uri);
        assert_eq!(get.map(|c| c.endpoint), Some(Endpoint::GetUser));
        let post = classify(&Method::POST, USERS_PATH, &uri);
        assert_eq!(post, None);
    }
}
