//! AWS credentials and the providers that supply them.
//!
//! A [`ProvideCredentials`] is asked for [`Credentials`] before each signed
//! request. Providers in this module:
//!
//! - [`StaticProvider`] (or a bare [`Credentials`]): fixed keys.
//! - [`EnvironmentProvider`]: `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`,
//!   `AWS_SESSION_TOKEN`.
//! - [`CredentialsCache`]: wraps any provider, caches what it returns, refreshes
//!   ahead of expiry, and makes concurrent callers share one refresh.
//! - [`DefaultChain`]: the standard AWS chain (explicit, environment, shared
//!   config files, web identity, ECS/EKS container, EC2 IMDSv2), built from
//!   [`ProfileProvider`], [`WebIdentityProvider`], [`ContainerProvider`] and
//!   [`ImdsProvider`]; [`CredentialsChain`] for chains of your own;
//!   [`AssumeRoleProvider`] to assume a role with any source.
//! - [`default_region`]: the region from `AWS_REGION`, `AWS_DEFAULT_REGION` or
//!   the profile.
//!
//! Every source reads its surroundings (variables, home directory, clock,
//! HTTP client) through a [`ProviderConfig`], so tests never touch the real
//! environment or `~/.aws`.
//!
//! The trait is object safe, so custom sources (a secrets manager, a vault
//! agent, ...) plug in with [`crate::BedrockBuilder::credentials_provider`].
//!
//! Secrets never appear in `Debug` output, logs or error messages.

mod cache;
mod chain;
mod container;
mod environment;
mod imds;
mod process;
mod profile;
mod provider_config;
mod sso;
mod sts;
mod timestamp;
mod web_identity;

use std::borrow::Cow;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::SystemTime;

pub use cache::CredentialsCache;
pub use chain::{
    CredentialsChain, DefaultChain, DefaultChainBuilder, default_region, profile_region,
};
pub use container::ContainerProvider;
pub use environment::EnvironmentProvider;
pub use imds::ImdsProvider;
pub use profile::ProfileProvider;
pub(crate) use profile::selected_profile_with_services;
pub use provider_config::ProviderConfig;
pub use sts::AssumeRoleProvider;
pub use web_identity::WebIdentityProvider;

/// A boxed, `Send` future, the return type of [`ProvideCredentials`].
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// A set of AWS credentials: access key id, secret key, optional session token
/// and optional expiry.
///
/// `Debug` shows the access key id (not a secret) and redacts the rest.
/// Cloning is cheap (a reference count): a cache hands out the same keys to
/// every request without copying them.
///
/// # Examples
///
/// ```
/// use goai_bedrock::credentials::Credentials;
/// let c = Credentials::new("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG", None);
/// assert!(!format!("{c:?}").contains("wJalr"));
/// ```
#[derive(Clone)]
pub struct Credentials {
    inner: Arc<CredentialsInner>,
}

#[derive(Clone)]
struct CredentialsInner {
    /// The keys, in the form the signer takes them.
    keys: sigv4::Credentials,
    expires_at: Option<SystemTime>,
    provider_name: Cow<'static, str>,
}

impl Credentials {
    /// Long-lived (non-expiring) credentials, as from explicit configuration.
    pub fn new(
        access_key_id: impl Into<String>,
        secret_access_key: impl Into<String>,
        session_token: Option<String>,
    ) -> Self {
        let mut keys = sigv4::Credentials::new(access_key_id, secret_access_key);
        if let Some(token) = session_token.filter(|t| !t.is_empty()) {
            keys = keys.with_session_token(token);
        }
        Self {
            inner: Arc::new(CredentialsInner {
                keys,
                expires_at: None,
                provider_name: Cow::Borrowed("static"),
            }),
        }
    }

    /// Sets when these credentials expire. [`CredentialsCache`] refreshes ahead of it.
    #[must_use]
    pub fn with_expiry(mut self, expires_at: SystemTime) -> Self {
        Arc::make_mut(&mut self.inner).expires_at = Some(expires_at);
        self
    }

    /// Names the source these credentials came from (shown in `Debug` and logs).
    #[must_use]
    pub fn with_provider_name(mut self, name: impl Into<Cow<'static, str>>) -> Self {
        Arc::make_mut(&mut self.inner).provider_name = name.into();
        self
    }

    /// The access key id.
    pub fn access_key_id(&self) -> &str {
        self.inner.keys.access_key_id()
    }

    /// The secret access key. Never log it.
    pub fn secret_access_key(&self) -> &str {
        self.inner.keys.secret_access_key()
    }

    /// The session token of temporary credentials.
    pub fn session_token(&self) -> Option<&str> {
        self.inner.keys.session_token()
    }

    /// When the credentials expire; `None` means never.
    pub fn expires_at(&self) -> Option<SystemTime> {
        self.inner.expires_at
    }

    /// The name of the source that produced these credentials.
    pub fn provider_name(&self) -> &str {
        &self.inner.provider_name
    }

    /// Whether the credentials have expired at `now`.
    pub fn is_expired_at(&self, now: SystemTime) -> bool {
        self.inner.expires_at.is_some_and(|t| t <= now)
    }

    /// The keys as the signer takes them.
    pub(crate) fn signing_keys(&self) -> &sigv4::Credentials {
        &self.inner.keys
    }
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Credentials")
            .field("provider_name", &self.provider_name())
            .field("access_key_id", &self.access_key_id())
            .field("secret_access_key", &"** redacted **")
            .field(
                "session_token",
                &self.session_token().map(|_| "** redacted **"),
            )
            .field("expires_at", &self.expires_at())
            .finish()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ErrorKind {
    NotLoaded,
    InvalidConfiguration,
    Provider,
}

/// Why a credentials provider could not supply credentials.
///
/// Three kinds, told apart by predicates:
/// - [`is_not_loaded`](Self::is_not_loaded): the source is not configured here
///   (no variables, no file); a chain moves on to the next source;
/// - [`is_invalid_configuration`](Self::is_invalid_configuration): the source
///   is configured but wrongly (a key without its secret, a malformed file);
/// - [`is_provider_error`](Self::is_provider_error): the source failed
///   (endpoint unreachable, token expired, refused).
///
/// Messages never contain secrets. The `Display` text is not a stable interface.
#[derive(Debug, Clone)]
pub struct CredentialsError {
    kind: ErrorKind,
    message: Cow<'static, str>,
    source: Option<Arc<dyn std::error::Error + Send + Sync + 'static>>,
}

impl CredentialsError {
    fn new(kind: ErrorKind, message: impl Into<Cow<'static, str>>) -> Self {
        Self {
            kind,
            message: message.into(),
            source: None,
        }
    }

    /// The source is not configured in this environment.
    pub fn not_loaded(message: impl Into<Cow<'static, str>>) -> Self {
        Self::new(ErrorKind::NotLoaded, message)
    }

    /// The source is configured, but wrongly.
    pub fn invalid_configuration(message: impl Into<Cow<'static, str>>) -> Self {
        Self::new(ErrorKind::InvalidConfiguration, message)
    }

    /// The source failed to produce credentials.
    pub fn provider_error(message: impl Into<Cow<'static, str>>) -> Self {
        Self::new(ErrorKind::Provider, message)
    }

    /// Attaches an underlying cause (it must not carry secrets in its `Display`).
    #[must_use]
    pub fn with_source<E>(mut self, source: E) -> Self
    where
        E: std::error::Error + Send + Sync + 'static,
    {
        self.source = Some(Arc::new(source));
        self
    }

    /// Whether the source is simply not configured here.
    pub fn is_not_loaded(&self) -> bool {
        self.kind == ErrorKind::NotLoaded
    }

    /// Whether the source is configured wrongly.
    pub fn is_invalid_configuration(&self) -> bool {
        self.kind == ErrorKind::InvalidConfiguration
    }

    /// Whether the source failed while fetching credentials.
    pub fn is_provider_error(&self) -> bool {
        self.kind == ErrorKind::Provider
    }

    /// The human-readable message.
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl fmt::Display for CredentialsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let what = match self.kind {
            ErrorKind::NotLoaded => "credentials not loaded",
            ErrorKind::InvalidConfiguration => "invalid credentials configuration",
            ErrorKind::Provider => "credentials provider failed",
        };
        write!(f, "{what}: {}", self.message)?;
        if let Some(source) = &self.source {
            write!(f, ": {source}")?;
        }
        Ok(())
    }
}

impl std::error::Error for CredentialsError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.source
            .as_deref()
            .map(|e| e as &(dyn std::error::Error + 'static))
    }
}

/// A source of AWS credentials, asked before each SigV4-signed request.
///
/// Object safe: the client holds an `Arc<dyn ProvideCredentials>`. Slow
/// sources should be wrapped in a [`CredentialsCache`] (the client does this
/// for every provider you give it, so implementations need not cache).
///
/// # Examples
///
/// ```
/// use goai_bedrock::credentials::{BoxFuture, Credentials, CredentialsError, ProvideCredentials};
///
/// #[derive(Debug)]
/// struct FromVault;
///
/// impl ProvideCredentials for FromVault {
///     fn provide_credentials(&self) -> BoxFuture<'_, Result<Credentials, CredentialsError>> {
///         Box::pin(async { Ok(Credentials::new("AKID", "SECRET", None).with_provider_name("vault")) })
///     }
/// }
/// ```
pub trait ProvideCredentials: Send + Sync + fmt::Debug {
    /// Returns credentials, or why none could be produced.
    ///
    /// # Errors
    ///
    /// A [`CredentialsError`]; see its predicates for the kinds.
    fn provide_credentials(&self) -> BoxFuture<'_, Result<Credentials, CredentialsError>>;
}

impl<T: ProvideCredentials + ?Sized> ProvideCredentials for Arc<T> {
    fn provide_credentials(&self) -> BoxFuture<'_, Result<Credentials, CredentialsError>> {
        (**self).provide_credentials()
    }
}

impl<T: ProvideCredentials + ?Sized> ProvideCredentials for Box<T> {
    fn provide_credentials(&self) -> BoxFuture<'_, Result<Credentials, CredentialsError>> {
        (**self).provide_credentials()
    }
}

impl ProvideCredentials for Credentials {
    fn provide_credentials(&self) -> BoxFuture<'_, Result<Credentials, CredentialsError>> {
        let creds = self.clone();
        Box::pin(async move { Ok(creds) })
    }
}

/// Always returns the same credentials.
#[derive(Debug, Clone)]
pub struct StaticProvider {
    credentials: Credentials,
}

impl StaticProvider {
    /// A provider of fixed `credentials`.
    pub fn new(credentials: Credentials) -> Self {
        Self { credentials }
    }
}

impl ProvideCredentials for StaticProvider {
    fn provide_credentials(&self) -> BoxFuture<'_, Result<Credentials, CredentialsError>> {
        self.credentials.provide_credentials()
    }
}

/// A shared, type-erased credentials provider.
pub type SharedCredentialsProvider = Arc<dyn ProvideCredentials>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_redacts_secrets() {
        let c = Credentials::new("AKIDEXAMPLE", "SECRETKEY123", Some("TOKEN456".into()));
        let shown = format!("{c:?}");
        assert!(shown.contains("AKIDEXAMPLE"));
        assert!(!shown.contains("SECRETKEY123"));
        assert!(!shown.contains("TOKEN456"));
    }

    #[test]
    fn empty_session_token_is_none() {
        let c = Credentials::new("A", "B", Some(String::new()));
        assert_eq!(c.session_token(), None);
    }

    #[test]
    fn expiry() {
        let now = SystemTime::UNIX_EPOCH + std::time::Duration::from_secs(1000);
        let c = Credentials::new("A", "B", None);
        assert!(!c.is_expired_at(now));
        let c = c.with_expiry(now);
        assert!(c.is_expired_at(now));
    }

    #[test]
    fn error_kinds_and_display() {
        let e = CredentialsError::provider_error("sts refused")
            .with_source(std::io::Error::other("connection refused"));
        assert!(e.is_provider_error());
        assert!(!e.is_not_loaded());
        assert!(e.to_string().contains("connection refused"));
        assert!(std::error::Error::source(&e).is_some());
        assert!(CredentialsError::not_loaded("x").is_not_loaded());
        assert!(CredentialsError::invalid_configuration("x").is_invalid_configuration());
    }

    #[tokio::test]
    async fn static_provider_returns_its_credentials() {
        let p: SharedCredentialsProvider =
            Arc::new(StaticProvider::new(Credentials::new("A", "B", None)));
        let c = p.provide_credentials().await.expect("static credentials");
        assert_eq!(c.access_key_id(), "A");
        assert_eq!(c.secret_access_key(), "B");
        assert_eq!(c.provider_name(), "static");
    }
}
