//! Paging of `GET /api/2/users?tenant_id=`: `limit` (default 100) and an opaque `after` cursor
//! in the query, `paging.cursors.after` in the answer while more remain.

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;

use super::errors::ApiError;

/// Users per page when the query gives no `limit`.
pub const DEFAULT_LIMIT: usize = 100;
/// The largest `limit` accepted.
pub const MAX_LIMIT: usize = 1000;

/// What a cursor holds before it is encoded, so that a user id alone is not a cursor.
const CURSOR_PREFIX: &str = "after-user:";

/// The page size a query asks for.
pub fn limit(raw: Option<&str>) -> Result<usize, ApiError> {
    let Some(raw) = raw else {
        return Ok(DEFAULT_LIMIT);
    };
    raw.parse::<usize>()
        .ok()
        .filter(|n| (1..=MAX_LIMIT).contains(n))
        .ok_or_else(|| {
            ApiError::invalid_field(
                "limit",
                format!("'limit' must be an integer from 1 to {MAX_LIMIT}, got {raw:?}"),
            )
        })
}

/// The cursor that resumes a listing after the user `id`. Standard base64, so it carries
/// characters (`+`, `/`, `=`) that a client must percent-encode in a query.
pub fn cursor_after(id: &str) -> String {
    STANDARD.encode(format!("{CURSOR_PREFIX}{id}"))
}

/// The user id a cursor resumes after.
pub fn decode_cursor(raw: &str) -> Result<String, ApiError> {
    STANDARD
        .decode(raw)
        .ok()
        .and_then(|bytes| String::from_utf8(bytes).ok())
        .and_then(|text| text.strip_prefix(CURSOR_PREFIX).map(str::to_owned))
        .ok_or_else(|| ApiError::invalid_field("after", "'after' is not a cursor this API gave"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip_and_strangers_are_refused() {
        let id = "a11ce000-0000-4000-8000-000000000001";
        assert_eq!(decode_cursor(&cursor_after(id)).expect("ours"), id);
        assert!(decode_cursor(id).is_err());
        assert!(decode_cursor("bm90IGEgY3Vyc29y").is_err());
    }

    #[test]
    fn limits_default_to_100_and_stay_in_range() {
        assert_eq!(limit(None).expect("default"), 100);
        assert_eq!(limit(Some("250")).expect("in range"), 250);
        for bad in ["0", "1001", "-1", "ten"] {
            assert!(limit(Some(bad)).is_err(), "{bad}");
        }
    }
}
