//! Authentication: how the client proves who it is, and the access-token cache.
//!
//! Tokens are fetched lazily (a run with no API work asks for none), shared by every request of
//! the process, refreshed ahead of expiry, and fetched by one request at a time however many
//! callers need one at once (single flight).

use std::sync::RwLock;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use secrecy::SecretString;
use serde::Deserialize;

/// The two ways to authenticate. No `Debug`: it holds the secret or the token.
pub enum Credentials {
    /// OAuth2 client credentials of an API client; the provider fetches tokens itself.
    ClientSecret {
        client_id: String,
        client_secret: SecretString,
    },
    /// A token minted elsewhere (e.g. by a pipeline); used as is until it is refused.
    AccessToken(SecretString),
}

/// Lifetime assumed when the token answer gives none.
const DEFAULT_LIFETIME: Duration = Duration::from_secs(300);
/// The longest lifetime believed, whatever the answer says (Acronis tokens live two hours).
const MAX_LIFETIME: Duration = Duration::from_secs(24 * 60 * 60);
/// Refresh this long before expiry (or a tenth of the lifetime, if shorter).
const REFRESH_MARGIN: Duration = Duration::from_secs(60);

/// The token endpoint's answer; `expires_in` and `expires_on` are each optional.
#[derive(Deserialize)]
pub struct TokenAnswer {
    pub access_token: SecretString,
    #[serde(default)]
    pub expires_in: Option<f64>,
    #[serde(default)]
    pub expires_on: Option<f64>,
}

impl TokenAnswer {
    /// How long the token may be used: the shorter of the two fields when both are present,
    /// never more than [`MAX_LIFETIME`], whatever numbers the answer holds.
    pub fn lifetime(&self, now: SystemTime) -> Duration {
        let unix_now = now
            .duration_since(UNIX_EPOCH)
            .unwrap_or(Duration::ZERO)
            .as_secs_f64();
        let from_in = self.expires_in.filter(|s| s.is_finite() && *s > 0.0);
        let from_on = self
            .expires_on
            .filter(|s| s.is_finite())
            .map(|on| (on - unix_now).max(0.0));
        let seconds = match (from_in, from_on) {
            (Some(a), Some(b)) => a.min(b),
            (Some(s), None) | (None, Some(s)) => s,
            (None, None) => return DEFAULT_LIFETIME,
        };
        // Clamped as a float first: from_secs_f64 panics on values a Duration cannot hold.
        Duration::from_secs_f64(seconds.clamp(0.0, MAX_LIFETIME.as_secs_f64()))
    }
}

#[derive(Clone)]
struct CachedToken<T> {
    token: T,
    refresh_at: Instant,
}

/// The process-wide token cache, of tokens in whatever form they are sent (`T`).
pub struct TokenCache<T> {
    current: RwLock<Option<CachedToken<T>>>,
    /// Held while one caller fetches, so the others wait for its token instead of fetching.
    fetching: tokio::sync::Mutex<()>,
}

impl<T> Default for TokenCache<T> {
    fn default() -> Self {
        TokenCache {
            current: RwLock::new(None),
            fetching: tokio::sync::Mutex::new(()),
        }
    }
}

impl<T: Clone + PartialEq> TokenCache<T> {
    /// A token that is still fresh, without waiting.
    pub fn fresh(&self) -> Option<T> {
        let guard = self.current.read().unwrap_or_else(|e| e.into_inner());
        guard
            .as_ref()
            .filter(|c| Instant::now() < c.refresh_at)
            .map(|c| c.token.clone())
    }

    /// A fresh token, calling `fetch` only if no one else fetched one meanwhile.
    pub async fn get_or_fetch<F, Fut, E>(&self, fetch: F) -> Result<T, E>
    where
        F: FnOnce() -> Fut,
        Fut: std::future::Future<Output = Result<(T, Duration), E>>,
    {
        if let Some(token) = self.fresh() {
            return Ok(token);
        }
        let _single_flight = self.fetching.lock().await;
        if let Some(token) = self.fresh() {
            return Ok(token);
        }
        let (token, lifetime) = fetch().await?;
        let lifetime = lifetime.min(MAX_LIFETIME);
        let margin = REFRESH_MARGIN.min(lifetime / 10);
        let now = Instant::now();
        let cached = CachedToken {
            token: token.clone(),
            refresh_at: now
                .checked_add(lifetime.saturating_sub(margin))
                .unwrap_or(now),
        };
        *self.current.write().unwrap_or_else(|e| e.into_inner()) = Some(cached);
        Ok(token)
    }

    /// Forgets `token` after the API refused it, unless a newer one has replaced it already.
    pub fn invalidate(&self, token: &T) {
        let mut guard = self.current.write().unwrap_or_else(|e| e.into_inner());
        if guard.as_ref().is_some_and(|c| &c.token == token) {
            *guard = None;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicU32, Ordering};
    use std::sync::Arc;

    fn answer(expires_in: Option<f64>, expires_on: Option<f64>) -> TokenAnswer {
        TokenAnswer {
            access_token: SecretString::from("t"),
            expires_in,
            expires_on,
        }
    }

    #[test]
    fn lifetime_reads_either_field_or_assumes_a_short_one() {
        let now = UNIX_EPOCH + Duration::from_secs(1_000);
        assert_eq!(
            answer(Some(600.0), None).lifetime(now),
            Duration::from_secs(600)
        );
        assert_eq!(
            answer(None, Some(1_300.0)).lifetime(now),
            Duration::from_secs(300)
        );
        assert_eq!(
            answer(Some(600.0), Some(1_100.0)).lifetime(now),
            Duration::from_secs(100)
        );
        assert_eq!(answer(None, None).lifetime(now), DEFAULT_LIFETIME);
        assert_eq!(answer(None, Some(10.0)).lifetime(now), Duration::ZERO);
    }

    #[test]
    fn absurd_lifetimes_are_clamped_not_panicked_on() {
        let now = UNIX_EPOCH + Duration::from_secs(1_000);
        for (expires_in, expires_on) in [
            (Some(1e300), Some(1e300)),
            (Some(f64::MAX), None),
            (None, Some(f64::MAX)),
            (Some(f64::INFINITY), Some(f64::NAN)),
            (Some(-5.0), Some(-1e300)),
        ] {
            let lifetime = answer(expires_in, expires_on).lifetime(now);
            assert!(lifetime <= MAX_LIFETIME, "{expires_in:?} {expires_on:?}");
        }
        assert_eq!(answer(Some(1e300), None).lifetime(now), MAX_LIFETIME);
    }

    proptest::proptest! {
        #[test]
        fn any_pair_of_expiry_fields_gives_a_bounded_lifetime(
            expires_in in proptest::option::of(proptest::num::f64::ANY),
            expires_on in proptest::option::of(proptest::num::f64::ANY),
            unix_now in 0u64..=u64::from(u32::MAX),
        ) {
            let now = UNIX_EPOCH + Duration::from_secs(unix_now);
            let lifetime = answer(expires_in, expires_on).lifetime(now);
            proptest::prop_assert!(lifetime <= MAX_LIFETIME);
        }
    }

    #[tokio::test]
    async fn a_huge_lifetime_given_to_the_cache_does_not_overflow() {
        let cache = TokenCache::<String>::default();
        let token = cache
            .get_or_fetch(|| async { Ok::<_, ()>((String::from("t"), Duration::MAX)) })
            .await;
        assert_eq!(token, Ok(String::from("t")));
        assert_eq!(cache.fresh(), Some(String::from("t")));
    }

    #[tokio::test]
    async fn concurrent_callers_share_one_fetch() {
        let cache = Arc::new(TokenCache::<String>::default());
        let fetches = Arc::new(AtomicU32::new(0));
        let mut tasks = Vec::new();
        for _ in 0..20 {
            let (cache, fetches) = (cache.clone(), fetches.clone());
            tasks.push(tokio::spawn(async move {
                cache
                    .get_or_fetch(|| async {
                        fetches.fetch_add(1, Ordering::SeqCst);
                        tokio::time::sleep(Duration::from_millis(20)).await;
                        Ok::<_, ()>((String::from("tok"), Duration::from_secs(600)))
                    })
                    .await
            }));
        }
        for task in tasks {
            assert_eq!(task.await.expect("join"), Ok(String::from("tok")));
        }
        assert_eq!(fetches.load(Ordering::SeqCst), 1);
    }

    #[tokio::test]
    async fn invalidation_forces_a_new_fetch_and_short_tokens_refresh() {
        let cache = TokenCache::<String>::default();
        let fetch = |value: &'static str, secs| {
            move || async move { Ok::<_, ()>((String::from(value), Duration::from_secs(secs))) }
        };
        let first = cache.get_or_fetch(fetch("a", 600)).await.expect("a");
        assert_eq!(cache.get_or_fetch(fetch("b", 600)).await, Ok(first.clone()));
        cache.invalidate(&String::from("other"));
        assert_eq!(cache.fresh(), Some(first.clone()));
        cache.invalidate(&first);
        assert_eq!(
            cache.get_or_fetch(fetch("c", 0)).await,
            Ok(String::from("c"))
        );
        // A zero lifetime is never fresh: the next caller fetches again.
        assert_eq!(cache.fresh(), None);
    }
}
