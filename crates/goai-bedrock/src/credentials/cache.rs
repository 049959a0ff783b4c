//! Caching wrapper that refreshes credentials ahead of expiry.

use std::fmt;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, SystemTime};

use super::{
    BoxFuture, Credentials, CredentialsError, ProvideCredentials, SharedCredentialsProvider,
};

/// How long before expiry credentials are refreshed, by default.
const DEFAULT_REFRESH_AHEAD: Duration = Duration::from_secs(5 * 60);

/// Minimum age before credentials that are already inside the refresh window
/// are fetched again, so a source handing out short-lived credentials is not
/// called on every request.
const MIN_REFRESH_INTERVAL: Duration = Duration::from_secs(10);

type ClockFn = Arc<dyn Fn() -> SystemTime + Send + Sync>;

#[derive(Clone)]
struct Cached {
    credentials: Credentials,
    fetched_at: SystemTime,
}

/// Caches the credentials of an inner provider.
///
/// - Credentials without an expiry are fetched once and kept.
/// - Expiring credentials are refreshed once fewer than the refresh-ahead
///   window (default 5 minutes) remains.
/// - Concurrent callers that find the cache stale share a single refresh:
///   one of them calls the inner provider, the others wait for its result.
/// - If a refresh fails while the cached credentials have not yet expired,
///   the cached ones are returned (and the failure logged at `warn`).
///
/// # Cancel safety
///
/// Dropping a caller while it refreshes abandons that refresh; the next caller
/// starts a new one.
pub struct CredentialsCache {
    inner: SharedCredentialsProvider,
    refresh_ahead: Duration,
    clock: ClockFn,
    state: Mutex<Option<Cached>>,
    refresh_gate: tokio::sync::Mutex<()>,
}

impl CredentialsCache {
    /// Caches the credentials of `inner`.
    pub fn new(inner: impl ProvideCredentials + 'static) -> Self {
        Self::from_shared(Arc::new(inner))
    }

    /// Caches the credentials of a shared provider.
    pub fn from_shared(inner: SharedCredentialsProvider) -> Self {
        Self {
            inner,
            refresh_ahead: DEFAULT_REFRESH_AHEAD,
            clock: Arc::new(SystemTime::now),
            state: Mutex::new(None),
            refresh_gate: tokio::sync::Mutex::new(()),
        }
    }

    /// How long before expiry to refresh. Default is 5 minutes.
    #[must_use]
    pub fn with_refresh_ahead(mut self, refresh_ahead: Duration) -> Self {
        self.refresh_ahead = refresh_ahead;
        self
    }

    /// The wall clock used to judge expiry. Default is [`SystemTime::now`];
    /// replace it only in tests.
    #[must_use]
    pub fn with_clock(mut self, clock: impl Fn() -> SystemTime + Send + Sync + 'static) -> Self {
        self.clock = Arc::new(clock);
        self
    }

    /// Drops the cached credentials; the next call fetches new ones.
    pub fn invalidate(&self) {
        *self.lock_state() = None;
    }

    fn lock_state(&self) -> MutexGuard<'_, Option<Cached>> {
        // The critical sections never panic; recover the data if one ever did.
        self.state
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    fn fresh(&self, now: SystemTime) -> Option<Credentials> {
        let state = self.lock_state();
        let cached = state.as_ref()?;
        let Some(expires_at) = cached.credentials.expires_at() else {
            return Some(cached.credentials.clone());
        };
        if expires_at <= now {
            return None;
        }
        let remaining = expires_at.duration_since(now).unwrap_or_default();
        let age = now.duration_since(cached.fetched_at).unwrap_or_default();
        (remaining > self.refresh_ahead || age < MIN_REFRESH_INTERVAL)
            .then(|| cached.credentials.clone())
    }

    fn unexpired(&self, now: SystemTime) -> Option<Credentials> {
        let state = self.lock_state();
        state
            .as_ref()
            .filter(|c| !c.credentials.is_expired_at(now))
            .map(|c| c.credentials.clone())
    }

    async fn get(&self) -> Result<Credentials, CredentialsError> {
        if let Some(creds) = self.fresh((self.clock)()) {
            return Ok(creds);
        }
        let _gate = self.refresh_gate.lock().await;
        // Another caller may have refreshed while we waited for the gate.
        let now = (self.clock)();
        if let Some(creds) = self.fresh(now) {
            return Ok(creds);
        }
        match self.inner.provide_credentials().await {
            Ok(creds) => {
                let fetched_at = (self.clock)();
                tracing::debug!(provider = creds.provider_name(), expires_at = ?creds.expires_at(), "credentials refreshed");
                *self.lock_state() = Some(Cached {
                    credentials: creds.clone(),
                    fetched_at,
                });
                Ok(creds)
            }
            Err(err) => match self.unexpired((self.clock)()) {
                Some(creds) => {
                    tracing::warn!(error = %err, "credentials refresh failed; using cached credentials until they expire");
                    Ok(creds)
                }
                None => Err(err),
            },
        }
    }
}

impl fmt::Debug for CredentialsCache {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CredentialsCache")
            .field("inner", &self.inner)
            .field("refresh_ahead", &self.refresh_ahead)
            .finish_non_exhaustive()
    }
}

impl ProvideCredentials for CredentialsCache {
    fn provide_credentials(&self) -> BoxFuture<'_, Result<Credentials, CredentialsError>> {
        Box::pin(self.get())
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};

    use super::*;

    /// A provider that counts calls and hands out credentials expiring
    /// `lifetime` after the fake clock's current time.
    #[derive(Debug)]
    struct Counting {
        calls: Arc<AtomicUsize>,
        now: Arc<AtomicU64>,
        lifetime: Option<Duration>,
        fail_after_first: bool,
    }

    impl ProvideCredentials for Counting {
        fn provide_credentials(&self) -> BoxFuture<'_, Result<Credentials, CredentialsError>> {
            Box::pin(async move {
                let n = self.calls.fetch_add(1, Ordering::SeqCst);
                // Yield so concurrent callers really overlap with the refresh.
                tokio::task::yield_now().await;
                if self.fail_after_first && n > 0 {
                    return Err(CredentialsError::provider_error("endpoint down"));
                }
                let mut c = Credentials::new(format!("AKID{n}"), "SECRET", None);
                if let Some(lifetime) = self.lifetime {
                    c = c.with_expiry(at(self.now.load(Ordering::SeqCst)) + lifetime);
                }
                Ok(c)
            })
        }
    }

    fn at(secs: u64) -> SystemTime {
        SystemTime::UNIX_EPOCH + Duration::from_secs(secs)
    }

    fn setup(
        lifetime: Option<Duration>,
        fail_after_first: bool,
    ) -> (CredentialsCache, Arc<AtomicUsize>, Arc<AtomicU64>) {
        let calls = Arc::new(AtomicUsize::new(0));
        let now = Arc::new(AtomicU64::new(1_000_000));
        let inner = Counting {
            calls: calls.clone(),
            now: now.clone(),
            lifetime,
            fail_after_first,
        };
        let clock_now = now.clone();
        let cache =
            CredentialsCache::new(inner).with_clock(move || at(clock_now.load(Ordering::SeqCst)));
        (cache, calls, now)
    }

    #[tokio::test]
    async fn non_expiring_fetched_once() {
        let (cache, calls, now) = setup(None, false);
        for _ in 0..3 {
            assert_eq!(
                cache
                    .provide_credentials()
                    .await
                    .expect("creds")
                    .access_key_id(),
                "AKID0"
            );
            now.fetch_add(365 * 86_400, Ordering::SeqCst);
        }
        assert_eq!(calls.load(Ordering::SeqCst), 1);
    }

    #[tokio::test]
    async fn refreshes_ahead_of_expiry() {
        let (cache, calls, now) = setup(Some(Duration::from_secs(3600)), false);
        assert_eq!(
            cache
                .provide_credentials()
                .await
                .expect("creds")
                .access_key_id(),
            "AKID0"
        );
        // 50 minutes later: 10 minutes remain, outside the 5-minute window.
        now.fetch_add(50 * 60, Ordering::SeqCst);
        assert_eq!(
            cache
                .provide_credentials()
                .await
                .expect("creds")
                .access_key_id(),
            "AKID0"
        );
        // 56 minutes: 4 minutes remain, inside the window: refresh.
        now.fetch_add(6 * 60, Ordering::SeqCst);
        assert_eq!(
            cache
                .provide_credentials()
                .await
                .expect("creds")
                .access_key_id(),
            "AKID1"
        );
        assert_eq!(calls.load(Ordering::SeqCst), 2);
    }

    #[tokio::test]
    async fn concurrent_callers_share_one_refresh() {
        let (cache, calls, _now) = setup(Some(Duration::from_secs(3600)), false);
        let cache = Arc::new(cache);
        let mut tasks = Vec::new();
        for _ in 0..16 {
            let cache = cache.clone();
            tasks.push(tokio::spawn(async move {
                cache
                    .provide_credentials()
                    .await
                    .map(|c| c.access_key_id().to_owned())
            }));
        }
        for t in tasks {
            assert_eq!(t.await.expect("task").expect("creds"), "AKID0");
        }
        assert_eq!(calls.load(Ordering::SeqCst), 1);
    }

    #[tokio::test]
    async fn failed_refresh_keeps_unexpired_credentials_then_errors() {
        let (cache, _calls, now) = setup(Some(Duration::from_secs(3600)), true);
        cache.provide_credentials().await.expect("first fetch");
        now.fetch_add(58 * 60, Ordering::SeqCst);
        let still = cache
            .provide_credentials()
            .await
            .expect("cached until expiry");
        assert_eq!(still.access_key_id(), "AKID0");
        now.fetch_add(3 * 60, Ordering::SeqCst);
        let err = cache
            .provide_credentials()
            .await
            .expect_err("expired and refresh fails");
        assert!(err.is_provider_error());
    }

    #[tokio::test]
    async fn invalidate_forces_fetch() {
        let (cache, calls, _now) = setup(None, false);
        cache.provide_credentials().await.expect("creds");
        cache.invalidate();
        assert_eq!(
            cache
                .provide_credentials()
                .await
                .expect("creds")
                .access_key_id(),
            "AKID1"
        );
        assert_eq!(calls.load(Ordering::SeqCst), 2);
    }
}
