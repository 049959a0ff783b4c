//! Retries with exponential backoff, jitter and `retry-after`.

use std::future::Future;
use std::hash::{BuildHasher, Hasher};
use std::time::Duration;

use crate::error::Error;

/// How failed model calls are retried.
///
/// Only [retryable](Error::is_retryable) errors are retried. The delay before
/// retry `n` (from 1) is `initial_backoff * multiplier^(n-1)`, capped at
/// `max_backoff`, with "equal jitter" (a random value between half and all of
/// it). When the API error carries a retry-after delay
/// ([`ApiError::retry_after`](crate::ApiError::retry_after), which reads the
/// `retry-after-ms` and `retry-after` headers) no longer than `max_retry_after`,
/// that delay is used instead. When more than one attempt was made and all
/// failed, the error is [`Error::RetriesExhausted`] with every attempt's error.
///
/// # Examples
///
/// ```
/// use std::time::Duration;
/// let policy = goai_core::RetryPolicy::default().max_retries(5).initial_backoff(Duration::from_millis(200));
/// assert_eq!(policy.get_max_retries(), 5);
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct RetryPolicy {
    max_retries: u32,
    initial_backoff: Duration,
    max_backoff: Duration,
    multiplier: f64,
    jitter: bool,
    max_retry_after: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            max_retries: 2,
            initial_backoff: Duration::from_millis(500),
            max_backoff: Duration::from_secs(30),
            multiplier: 2.0,
            jitter: true,
            max_retry_after: Duration::from_secs(60),
        }
    }
}

impl RetryPolicy {
    /// No retries: a single attempt.
    pub fn none() -> Self {
        Self {
            max_retries: 0,
            ..Self::default()
        }
    }

    /// Retries after the first attempt. Default is 2 (three attempts in all).
    #[must_use]
    pub fn max_retries(mut self, n: u32) -> Self {
        self.max_retries = n;
        self
    }

    /// The delay before the first retry. Default is 500 ms.
    #[must_use]
    pub fn initial_backoff(mut self, d: Duration) -> Self {
        self.initial_backoff = d;
        self
    }

    /// The longest backoff delay. Default is 30 s.
    #[must_use]
    pub fn max_backoff(mut self, d: Duration) -> Self {
        self.max_backoff = d;
        self
    }

    /// The backoff growth factor (values below 1 are treated as 1). Default is 2.
    #[must_use]
    pub fn multiplier(mut self, m: f64) -> Self {
        self.multiplier = if m.is_finite() { m.max(1.0) } else { 1.0 };
        self
    }

    /// Randomize delays. Default is true.
    #[must_use]
    pub fn jitter(mut self, on: bool) -> Self {
        self.jitter = on;
        self
    }

    /// The longest server-requested delay that is honoured; longer ones fall
    /// back to the backoff. Default is 60 s.
    #[must_use]
    pub fn max_retry_after(mut self, d: Duration) -> Self {
        self.max_retry_after = d;
        self
    }

    /// The configured number of retries.
    pub fn get_max_retries(&self) -> u32 {
        self.max_retries
    }

    /// The delay before retry number `retry` (1-based) after `error`.
    pub fn delay_for(&self, retry: u32, error: &Error) -> Duration {
        if let Some(d) = error.as_api().and_then(|a| a.retry_after())
            && d <= self.max_retry_after
        {
            return d;
        }
        let exp = i32::try_from(retry.saturating_sub(1)).unwrap_or(i32::MAX);
        let secs = self.initial_backoff.as_secs_f64() * self.multiplier.powi(exp);
        let base = if secs.is_finite() {
            Duration::from_secs_f64(secs.min(self.max_backoff.as_secs_f64()))
        } else {
            self.max_backoff
        };
        if self.jitter {
            let half = base / 2;
            half + half.mul_f64(random_unit())
        } else {
            base
        }
    }

    /// Runs `attempt` until it succeeds, fails with a non-retryable error, or
    /// retries run out. `attempt` receives the attempt number (from 0).
    pub(crate) async fn run<T, F, Fut>(&self, mut attempt: F) -> Result<T, Error>
    where
        F: FnMut(u32) -> Fut,
        Fut: Future<Output = Result<T, Error>>,
    {
        let mut errors = Vec::new();
        let mut n = 0u32;
        loop {
            match attempt(n).await {
                Ok(v) => return Ok(v),
                Err(e) => {
                    let retry = e.is_retryable() && n < self.max_retries;
                    let delay = retry.then(|| self.delay_for(n + 1, &e));
                    if retry {
                        tracing::debug!(attempt = n, error = %e, ?delay, "retrying model call");
                    }
                    errors.push(e);
                    match delay {
                        Some(d) => tokio::time::sleep(d).await,
                        None if errors.len() == 1 => return Err(errors.remove(0)),
                        None => return Err(Error::RetriesExhausted { attempts: errors }),
                    }
                    n += 1;
                }
            }
        }
    }
}

/// A uniformly distributed value in `[0, 1)`, from the std hasher's random keys.
fn random_unit() -> f64 {
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u64(0x9e37_79b9_7f4a_7c15);
    (h.finish() >> 11) as f64 / (1u64 << 53) as f64
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ApiError;

    #[test]
    fn backoff_grows_and_caps() {
        let p = RetryPolicy::default()
            .jitter(false)
            .max_backoff(Duration::from_secs(3));
        let e = Error::from(ApiError::new(503, ""));
        assert_eq!(p.delay_for(1, &e), Duration::from_millis(500));
        assert_eq!(p.delay_for(2, &e), Duration::from_secs(1));
        assert_eq!(p.delay_for(4, &e), Duration::from_secs(3));
        assert_eq!(p.delay_for(1000, &e), Duration::from_secs(3));
    }

    #[test]
    fn jitter_stays_in_range() {
        let p = RetryPolicy::default();
        let e = Error::from(ApiError::new(503, ""));
        for _ in 0..100 {
            let d = p.delay_for(2, &e);
            assert!(
                d >= Duration::from_millis(500) && d <= Duration::from_secs(1),
                "{d:?}"
            );
        }
    }

    #[test]
    fn retry_after_wins_unless_too_long() {
        let p = RetryPolicy::default().jitter(false);
        let e = Error::from(ApiError::new(429, "").with_retry_after(Duration::from_secs(5)));
        assert_eq!(p.delay_for(1, &e), Duration::from_secs(5));
        let long = Error::from(ApiError::new(429, "").with_retry_after(Duration::from_secs(600)));
        assert_eq!(p.delay_for(1, &long), Duration::from_millis(500));
    }
}
