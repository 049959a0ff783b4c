//! Signing-key derivation and a cache of derived keys.

use std::fmt;
use std::sync::{Arc, Mutex, PoisonError};

use ring::hmac;

use crate::authorization::constant_time_eq;
use crate::credentials::Credentials;
use crate::date::AmzDateTime;

/// A derived SigV4 signing key, ready to sign strings to sign.
///
/// ```text
/// kDate    = HMAC("AWS4" + secret, YYYYMMDD)
/// kRegion  = HMAC(kDate, region)
/// kService = HMAC(kRegion, service)
/// kSigning = HMAC(kService, "aws4_request")
/// ```
///
/// The key is valid for one (date, region, service). `Debug` never shows key material.
#[derive(Clone)]
pub struct SigningKey {
    key: hmac::Key,
}

impl SigningKey {
    /// Runs the HMAC chain for `secret_access_key` on the UTC date of `date`.
    pub fn derive(secret_access_key: &str, date: AmzDateTime, region: &str, service: &str) -> Self {
        let k_signing = derive_bytes(secret_access_key, date, region, service);
        Self {
            key: hmac::Key::new(hmac::HMAC_SHA256, k_signing.as_ref()),
        }
    }

    /// HMAC-SHA256 of `data` under this key.
    pub fn sign(&self, data: &[u8]) -> [u8; 32] {
        let tag = hmac::sign(&self.key, data);
        let mut out = [0u8; 32];
        for (o, t) in out.iter_mut().zip(tag.as_ref()) {
            *o = *t;
        }
        out
    }
}

/// The raw signing key: the four-step HMAC chain.
fn derive_bytes(
    secret_access_key: &str,
    date: AmzDateTime,
    region: &str,
    service: &str,
) -> hmac::Tag {
    let mut secret = Vec::with_capacity(4 + secret_access_key.len());
    secret.extend_from_slice(b"AWS4");
    secret.extend_from_slice(secret_access_key.as_bytes());
    let mut day = String::with_capacity(8);
    date.write_date(&mut day);
    let k_date = hmac::sign(&hmac::Key::new(hmac::HMAC_SHA256, &secret), day.as_bytes());
    let k_region = hmac::sign(
        &hmac::Key::new(hmac::HMAC_SHA256, k_date.as_ref()),
        region.as_bytes(),
    );
    let k_service = hmac::sign(
        &hmac::Key::new(hmac::HMAC_SHA256, k_region.as_ref()),
        service.as_bytes(),
    );
    hmac::sign(
        &hmac::Key::new(hmac::HMAC_SHA256, k_service.as_ref()),
        b"aws4_request",
    )
}

impl fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SigningKey(** redacted **)")
    }
}

struct Entry {
    access_key_id: String,
    /// Kept only to tell apart two secrets behind one access key id; compared in constant
    /// time and never printed.
    secret: String,
    date: u32,
    region: String,
    service: String,
    key: Arc<SigningKey>,
    last_used: u64,
}

/// A thread-safe cache of signing keys, keyed by (access key, date, region, service).
///
/// A steady stream of requests then costs one HMAC chain per day and scope instead of four
/// HMACs per request. Entries also remember the secret they were derived from (compared in
/// constant time), so rotated secrets behind a reused access key id are never confused.
/// The least recently used entry is evicted when the cache is full. `Debug` shows the
/// scopes, never a secret or a key.
///
/// # Examples
///
/// ```
/// use std::time::SystemTime;
/// use sigv4::{AmzDateTime, Credentials, SigningKeyCache};
///
/// let cache = SigningKeyCache::new();
/// let creds = Credentials::new("AKIDEXAMPLE", "secret");
/// let today = AmzDateTime::from_system_time(SystemTime::now())?;
/// let a = cache.get_or_derive(&creds, today, "us-east-1", "bedrock");
/// let b = cache.get_or_derive(&creds, today, "us-east-1", "bedrock");
/// assert!(std::sync::Arc::ptr_eq(&a, &b));
/// assert_eq!(cache.len(), 1);
/// # Ok::<(), sigv4::Error>(())
/// ```
pub struct SigningKeyCache {
    inner: Mutex<Inner>,
    capacity: usize,
}

struct Inner {
    entries: Vec<Entry>,
    clock: u64,
}

/// The default number of cached keys.
const DEFAULT_CAPACITY: usize = 16;

impl SigningKeyCache {
    /// A cache holding up to 16 keys.
    pub fn new() -> Self {
        Self::with_capacity(DEFAULT_CAPACITY)
    }

    /// A cache holding up to `capacity` keys (at least one).
    pub fn with_capacity(capacity: usize) -> Self {
        Self {
            inner: Mutex::new(Inner {
                entries: Vec::new(),
                clock: 0,
            }),
            capacity: capacity.max(1),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        // A panic while holding the lock cannot leave the entries inconsistent, so a
        // poisoned lock is still usable.
        self.inner.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Returns the cached key for this scope, deriving and caching it when missing.
    pub fn get_or_derive(
        &self,
        credentials: &Credentials,
        date: AmzDateTime,
        region: &str,
        service: &str,
    ) -> Arc<SigningKey> {
        let day = date.date_number();
        let matches = |e: &Entry| {
            e.date == day
                && e.region == region
                && e.service == service
                && e.access_key_id == credentials.access_key_id()
                && constant_time_eq(
                    e.secret.as_bytes(),
                    credentials.secret_access_key().as_bytes(),
                )
        };
        {
            let mut inner = self.lock();
            inner.clock += 1;
            let now = inner.clock;
            if let Some(entry) = inner.entries.iter_mut().find(|e| matches(e)) {
                entry.last_used = now;
                return Arc::clone(&entry.key);
            }
        }
        // Derive outside the lock: four HMACs.
        let key = Arc::new(SigningKey::derive(
            credentials.secret_access_key(),
            date,
            region,
            service,
        ));
        let mut inner = self.lock();
        inner.clock += 1;
        let now = inner.clock;
        if let Some(entry) = inner.entries.iter_mut().find(|e| matches(e)) {
            // Another thread derived it meanwhile.
            entry.last_used = now;
            return Arc::clone(&entry.key);
        }
        let entry = Entry {
            access_key_id: credentials.access_key_id().to_owned(),
            secret: credentials.secret_access_key().to_owned(),
            date: day,
            region: region.to_owned(),
            service: service.to_owned(),
            key: Arc::clone(&key),
            last_used: now,
        };
        if inner.entries.len() < self.capacity {
            inner.entries.push(entry);
        } else if let Some(oldest) = inner.entries.iter_mut().min_by_key(|e| e.last_used) {
            *oldest = entry;
        }
        key
    }

    /// The number of cached keys.
    pub fn len(&self) -> usize {
        self.lock().entries.len()
    }

    /// Whether the cache is empty.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Drops every cached key (for example after credentials were revoked).
    pub fn clear(&self) {
        self.lock().entries.clear();
    }
}

impl Default for SigningKeyCache {
    fn default() -> Self {
        Self::new()
    }
}

impl fmt::Debug for SigningKeyCache {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        struct Scope<'e>(&'e Entry);
        impl fmt::Debug for Scope<'_> {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(
                    f,
                    "{}/{}/{}/{}",
                    self.0.access_key_id, self.0.date, self.0.region, self.0.service
                )
            }
        }
        let inner = self.lock();
        f.debug_struct("SigningKeyCache")
            .field("capacity", &self.capacity)
            .field(
                "scopes",
                &inner.entries.iter().map(Scope).collect::<Vec<_>>(),
            )
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::encoding::push_hex32;

    fn day(s: &str) -> AmzDateTime {
        AmzDateTime::parse(s).unwrap()
    }

    #[test]
    fn derivation_matches_the_aws_documentation_example() {
        // "Derive a signing key" example from the AWS SigV4 documentation.
        let tag = derive_bytes(
            "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
            day("20120215T000000Z"),
            "us-east-1",
            "iam",
        );
        let mut hex = String::new();
        push_hex32(&mut hex, tag.as_ref());
        assert_eq!(
            hex,
            "f4780e2d9f65fa895f9c67b32ce1baf0b0d8a43505a000a1a9e090d414db404d"
        );
    }

    #[test]
    fn cache_hits_misses_and_eviction() {
        let cache = SigningKeyCache::with_capacity(2);
        let a = Credentials::new("AKID", "secret-a");
        let a_rotated = Credentials::new("AKID", "secret-b");
        let d1 = day("20150830T123600Z");
        let d1_later = day("20150830T235959Z");
        let d2 = day("20150831T000000Z");
        let k1 = cache.get_or_derive(&a, d1, "us-east-1", "bedrock");
        let k1_again = cache.get_or_derive(&a, d1_later, "us-east-1", "bedrock");
        assert!(Arc::ptr_eq(&k1, &k1_again));
        let k_rotated = cache.get_or_derive(&a_rotated, d1, "us-east-1", "bedrock");
        assert!(!Arc::ptr_eq(&k1, &k_rotated));
        assert_ne!(k1.sign(b"x"), k_rotated.sign(b"x"));
        assert_eq!(cache.len(), 2);
        // Touch k1 so the rotated one is the least recently used, then evict it.
        cache.get_or_derive(&a, d1, "us-east-1", "bedrock");
        let k2 = cache.get_or_derive(&a, d2, "us-east-1", "bedrock");
        assert_eq!(cache.len(), 2);
        assert_ne!(k1.sign(b"x"), k2.sign(b"x"));
        assert!(Arc::ptr_eq(
            &k1,
            &cache.get_or_derive(&a, d1, "us-east-1", "bedrock")
        ));
        cache.clear();
        assert!(cache.is_empty());
    }

    #[test]
    fn debug_shows_scopes_only() {
        let cache = SigningKeyCache::new();
        let creds = Credentials::new("AKIDEXAMPLE", "TOPSECRETKEY");
        let key = cache.get_or_derive(&creds, day("20150830T123600Z"), "us-east-1", "bedrock");
        let shown = format!("{cache:?} {key:?}");
        assert!(
            shown.contains("AKIDEXAMPLE/20150830/us-east-1/bedrock"),
            "{shown}"
        );
        assert!(!shown.contains("TOPSECRETKEY"));
    }
}
