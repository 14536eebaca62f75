//! Paging of `GET /api/2/users` listings: `limit` (at least 1, default 2000) and an opaque
//! `after` cursor that carries the whole listing (filters, `lod`, page size), so a client
//! sends it alone; `paging.cursors.after` in the answer while more remain.

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use serde::{Deserialize, Serialize};

use super::errors::ApiError;
use crate::listing::Listing;
use crate::lod::Lod;

/// Users per page when the query gives no `limit`.
pub const DEFAULT_LIMIT: usize = 2000;

/// What a cursor holds before it is encoded: where the listing stopped, and what it lists.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Cursor {
    /// The id of the last user of the page before.
    pub after: String,
    pub listing: Listing,
    pub lod: Lod,
    pub limit: usize,
}

/// The page size a query asks for.
pub fn limit(raw: Option<&str>) -> Result<Option<usize>, ApiError> {
    let Some(raw) = raw else {
        return Ok(None);
    };
    raw.parse::<usize>()
        .ok()
        .filter(|n| *n >= 1)
        .map(Some)
        .ok_or_else(|| {
            ApiError::invalid_field(
                "limit",
                format!("'limit' must be an integer of at least 1, got {raw:?}"),
            )
        })
}

impl Cursor {
    /// The cursor as the API hands it out: standard base64, so it carries characters (`+`,
    /// `/`, `=`) that a client must percent-encode in a query.
    pub fn encode(&self) -> String {
        // A struct of strings, numbers and enums: serialization cannot fail.
        STANDARD.encode(serde_json::to_vec(self).unwrap_or_default())
    }

    /// A cursor this API gave.
    pub fn decode(raw: &str) -> Result<Cursor, ApiError> {
        STANDARD
            .decode(raw)
            .ok()
            .and_then(|bytes| serde_json::from_slice(&bytes).ok())
            .ok_or_else(|| {
                ApiError::invalid_field("after", "'after' is not a cursor this API gave")
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::listing::UserFilter;

    #[test]
    fn cursors_round_trip_and_strangers_are_refused() {
        let cursor = Cursor {
            after: "a11ce000-0000-4000-8000-000000000001".to_owned(),
            listing: Listing {
                filter: UserFilter::Subtree {
                    root: "7e4a0700-0000-4000-8000-000000000005".to_owned(),
                },
                allow_deleted: false,
            },
            lod: Lod::Basic,
            limit: 5,
        };
        assert_eq!(Cursor::decode(&cursor.encode()).expect("ours"), cursor);
        assert!(Cursor::decode(&cursor.after).is_err());
        assert!(Cursor::decode("bm90IGEgY3Vyc29y").is_err());
    }

    #[test]
    fn limits_are_at_least_one_and_have_no_maximum() {
        assert_eq!(limit(None).expect("none"), None);
        assert_eq!(limit(Some("250")).expect("in range"), Some(250));
        assert_eq!(limit(Some("5000")).expect("no maximum"), Some(5000));
        for bad in ["0", "-1", "ten", ""] {
            assert!(limit(Some(bad)).is_err(), "{bad}");
        }
    }
}
