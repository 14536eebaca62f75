//! When and how long to wait before trying a request again: `Retry-After` for 429/503,
//! exponential backoff with jitter for 5xx and lost connections, bounded in count and time.

use std::time::{Duration, SystemTime};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Retries after the first attempt.
    pub max_retries: u32,
    /// The first backoff; each further one doubles.
    pub base_delay: Duration,
    /// No single wait is longer, whatever `Retry-After` says.
    pub max_delay: Duration,
    /// No retry starts once this much time has passed since the first attempt.
    pub max_elapsed: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        // Acronis' guidance: retry 5xx twice, 1-2 s apart. One more absorbs a 429 round.
        RetryPolicy {
            max_retries: 3,
            base_delay: Duration::from_secs(1),
            max_delay: Duration::from_secs(30),
            max_elapsed: Duration::from_secs(120),
        }
    }
}

/// Statuses worth another attempt.
pub fn is_retryable_status(status: u16) -> bool {
    matches!(status, 429 | 500 | 502 | 503 | 504)
}

impl RetryPolicy {
    /// The wait before retry number `retry` (1-based), honouring `retry_after` when the server
    /// sent one; `None` when the budget is spent.
    pub fn delay(
        &self,
        retry: u32,
        retry_after: Option<Duration>,
        elapsed: Duration,
    ) -> Option<Duration> {
        if retry > self.max_retries {
            return None;
        }
        let delay = match retry_after {
            Some(wait) => wait,
            None => {
                let exp = self
                    .base_delay
                    .saturating_mul(1u32 << (retry.saturating_sub(1)).min(16));
                // Full jitter in the upper half keeps clients that failed together apart.
                let half = exp / 2;
                half + half.mul_f64(rand::random::<f64>())
            }
        }
        .min(self.max_delay);
        (elapsed + delay <= self.max_elapsed).then_some(delay)
    }
}

/// Parses `Retry-After`: delay seconds or an HTTP date.
pub fn parse_retry_after(value: &str, now: SystemTime) -> Option<Duration> {
    let value = value.trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let at = httpdate::parse_http_date(value).ok()?;
    Some(at.duration_since(now).unwrap_or(Duration::ZERO))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_after_reads_seconds_and_dates() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_000_000_000);
        assert_eq!(parse_retry_after("3", now), Some(Duration::from_secs(3)));
        let later = httpdate::fmt_http_date(now + Duration::from_secs(7));
        assert_eq!(parse_retry_after(&later, now), Some(Duration::from_secs(7)));
        let past = httpdate::fmt_http_date(now - Duration::from_secs(7));
        assert_eq!(parse_retry_after(&past, now), Some(Duration::ZERO));
        assert_eq!(parse_retry_after("soon", now), None);
    }

    #[test]
    fn backoff_grows_and_stops() {
        let policy = RetryPolicy::default();
        let first = policy.delay(1, None, Duration::ZERO).expect("retry 1");
        let third = policy.delay(3, None, Duration::ZERO).expect("retry 3");
        assert!(first >= Duration::from_millis(500) && first <= Duration::from_secs(1));
        assert!(third >= Duration::from_secs(2) && third <= Duration::from_secs(4));
        assert_eq!(policy.delay(4, None, Duration::ZERO), None);
    }

    #[test]
    fn retry_after_is_capped_and_the_time_budget_holds() {
        let policy = RetryPolicy::default();
        assert_eq!(
            policy.delay(1, Some(Duration::from_secs(3600)), Duration::ZERO),
            Some(policy.max_delay)
        );
        assert_eq!(
            policy.delay(1, Some(Duration::from_secs(5)), Duration::from_secs(118)),
            None
        );
        assert!(is_retryable_status(503) && is_retryable_status(429));
        assert!(!is_retryable_status(409) && !is_retryable_status(404));
    }
}
