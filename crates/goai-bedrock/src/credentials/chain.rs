//! Chains of credential sources, the default AWS chain, and region resolution.

use std::borrow::Cow;
use std::fmt::Write as _;
use std::sync::Arc;

use super::container::ContainerProvider;
use super::imds::ImdsProvider;
use super::profile::{ProfileProvider, region_of_profile};
use super::provider_config::ProviderConfig;
use super::web_identity::WebIdentityProvider;
use super::{
    BoxFuture, Credentials, CredentialsError, EnvironmentProvider, ProvideCredentials,
    SharedCredentialsProvider,
};

/// Tries named sources in order and returns the first credentials found.
///
/// A source that fails (not configured, misconfigured, or erroring) is
/// skipped; failures other than "not configured" are logged at `warn`. When
/// every source fails, the error lists each source and why it failed (the
/// messages of [`CredentialsError`] never hold secrets). Its kind is
/// [not loaded](CredentialsError::is_not_loaded) when no source was
/// configured at all, else [provider error](CredentialsError::is_provider_error).
///
/// # Examples
///
/// ```
/// use goai_bedrock::Env;
/// use goai_bedrock::credentials::{Credentials, CredentialsChain, EnvironmentProvider};
///
/// let chain = CredentialsChain::new()
///     .or_else("environment", EnvironmentProvider::with_env(Env::from_pairs::<&str, &str, _>([])))
///     .or_else("fallback", Credentials::new("AKIDEXAMPLE", "secret", None));
/// # let _ = chain;
/// ```
#[derive(Debug, Clone, Default)]
pub struct CredentialsChain {
    sources: Vec<(Cow<'static, str>, SharedCredentialsProvider)>,
}

impl CredentialsChain {
    /// An empty chain (which fails with "no credential source").
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds `provider`, tried after those already added, named `name` in errors and logs.
    #[must_use]
    pub fn or_else(
        mut self,
        name: impl Into<Cow<'static, str>>,
        provider: impl ProvideCredentials + 'static,
    ) -> Self {
        self.sources.push((name.into(), Arc::new(provider)));
        self
    }

    /// Adds a shared provider; see [`or_else`](Self::or_else).
    #[must_use]
    pub fn or_else_shared(
        mut self,
        name: impl Into<Cow<'static, str>>,
        provider: SharedCredentialsProvider,
    ) -> Self {
        self.sources.push((name.into(), provider));
        self
    }

    /// The names of the sources, in order.
    pub fn source_names(&self) -> impl Iterator<Item = &str> {
        self.sources.iter().map(|(n, _)| n.as_ref())
    }

    async fn load(&self) -> Result<Credentials, CredentialsError> {
        let mut failures: Vec<(&str, CredentialsError)> = Vec::with_capacity(self.sources.len());
        for (name, provider) in &self.sources {
            match provider.provide_credentials().await {
                Ok(creds) => {
                    tracing::debug!(source = name.as_ref(), "credentials found");
                    return Ok(creds);
                }
                Err(err) => {
                    if err.is_not_loaded() {
                        tracing::debug!(source = name.as_ref(), error = %err, "credential source not configured");
                    } else {
                        tracing::warn!(source = name.as_ref(), error = %err, "credential source failed; trying the next");
                    }
                    failures.push((name.as_ref(), err));
                }
            }
        }
        Err(summarize(&failures))
    }
}

fn summarize(failures: &[(&str, CredentialsError)]) -> CredentialsError {
    if failures.is_empty() {
        return CredentialsError::not_loaded("no credential source is configured");
    }
    let mut message = String::from("no credential source produced credentials; tried ");
    for (i, (name, err)) in failures.iter().enumerate() {
        if i > 0 {
            message.push_str("; ");
        }
        let state = if err.is_not_loaded() {
            "not configured"
        } else if err.is_invalid_configuration() {
            "misconfigured"
        } else {
            "failed"
        };
        let _ = write!(message, "[{}] {name} ({state}): {}", i + 1, err.message());
        let mut cause = std::error::Error::source(err);
        while let Some(c) = cause {
            let _ = write!(message, ": {c}");
            cause = c.source();
        }
    }
    if failures.iter().all(|(_, e)| e.is_not_loaded()) {
        CredentialsError::not_loaded(message)
    } else {
        CredentialsError::provider_error(message)
    }
}

impl ProvideCredentials for CredentialsChain {
    fn provide_credentials(&self) -> BoxFuture<'_, Result<Credentials, CredentialsError>> {
        Box::pin(self.load())
    }
}

/// The standard AWS credential chain:
///
/// 1. explicit credentials, when given ([`DefaultChainBuilder::explicit`]);
/// 2. environment variables (`AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`,
///    `AWS_SESSION_TOKEN`);
/// 3. the shared config and credentials files ([`ProfileProvider`]: static
///    keys, `credential_process`, roles through STS, IAM Identity Center);
/// 4. web identity ([`WebIdentityProvider`]);
/// 5. ECS/EKS container credentials ([`ContainerProvider`]);
/// 6. EC2 instance metadata, IMDSv2 ([`ImdsProvider`]).
///
/// Every call walks the chain again: wrap it in a
/// [`CredentialsCache`](super::CredentialsCache) (the Bedrock client does this
/// for any provider) to cache credentials, refresh them ahead of expiry and
/// share one refresh among concurrent callers.
///
/// # Examples
///
/// ```
/// use goai_bedrock::Env;
/// use goai_bedrock::credentials::{CredentialsCache, DefaultChain, ProviderConfig};
///
/// let config = ProviderConfig::new().with_env(Env::from_pairs([("AWS_PROFILE", "dev")]));
/// let chain = DefaultChain::builder().config(config).build();
/// assert_eq!(chain.profile_name(), "dev");
/// let cached = CredentialsCache::new(chain);
/// # let _ = cached;
/// ```
#[derive(Debug, Clone)]
pub struct DefaultChain {
    chain: CredentialsChain,
    config: ProviderConfig,
    profile_name: Option<String>,
}

impl DefaultChain {
    /// The chain over the process environment and the real home directory.
    pub fn new() -> Self {
        Self::builder().build()
    }

    /// A builder, to inject the environment, a profile name or explicit credentials.
    pub fn builder() -> DefaultChainBuilder {
        DefaultChainBuilder::default()
    }

    /// The profile the chain reads: the configured one, else `AWS_PROFILE`, else `default`.
    pub fn profile_name(&self) -> String {
        super::profile::selected_profile(&self.config, self.profile_name.as_deref()).0
    }

    /// The region from the same surroundings; see [`default_region`].
    pub fn region(&self) -> Option<String> {
        default_region(&self.config, self.profile_name.as_deref())
    }

    /// The sources, in order.
    pub fn source_names(&self) -> impl Iterator<Item = &str> {
        self.chain.source_names()
    }
}

impl Default for DefaultChain {
    fn default() -> Self {
        Self::new()
    }
}

impl ProvideCredentials for DefaultChain {
    fn provide_credentials(&self) -> BoxFuture<'_, Result<Credentials, CredentialsError>> {
        self.chain.provide_credentials()
    }
}

/// Configures a [`DefaultChain`].
#[derive(Debug, Clone, Default)]
pub struct DefaultChainBuilder {
    config: Option<ProviderConfig>,
    explicit: Option<SharedCredentialsProvider>,
    profile_name: Option<String>,
}

impl DefaultChainBuilder {
    /// Environment, clock and HTTP client of every source. Default is
    /// [`ProviderConfig::new`] (the process environment).
    pub fn config(&mut self, config: ProviderConfig) -> &mut Self {
        self.config = Some(config);
        self
    }

    /// Credentials tried first, before the environment. Default is none.
    pub fn explicit(&mut self, provider: impl ProvideCredentials + 'static) -> &mut Self {
        self.explicit = Some(Arc::new(provider));
        self
    }

    /// The profile of the shared files. Default is `AWS_PROFILE`, else `default`.
    pub fn profile_name(&mut self, name: impl Into<String>) -> &mut Self {
        self.profile_name = Some(name.into());
        self
    }

    /// Builds the chain.
    pub fn build(&self) -> DefaultChain {
        let config = self.config.clone().unwrap_or_default();
        let mut chain = CredentialsChain::new();
        if let Some(explicit) = &self.explicit {
            chain = chain.or_else_shared("explicit", explicit.clone());
        }
        let mut profile = ProfileProvider::new(config.clone());
        if let Some(name) = &self.profile_name {
            profile = profile.with_profile_name(name.clone());
        }
        let chain = chain
            .or_else(
                "environment",
                EnvironmentProvider::with_env(config.env().clone()),
            )
            .or_else("profile", profile)
            .or_else("web identity", WebIdentityProvider::new(config.clone()))
            .or_else("container", ContainerProvider::new(config.clone()))
            .or_else("instance metadata", ImdsProvider::new(config.clone()));
        DefaultChain {
            chain,
            config,
            profile_name: self.profile_name.clone(),
        }
    }
}

/// The region, as the AWS SDKs resolve it: `AWS_REGION`, else
/// `AWS_DEFAULT_REGION`, else the `region` of the profile (`profile`, else
/// `AWS_PROFILE`, else `default`) in the shared config files. `None` when
/// none of these is set.
///
/// Reads the files synchronously (they are small); call it at startup.
pub fn default_region(config: &ProviderConfig, profile: Option<&str>) -> Option<String> {
    let env = config.env();
    env.get("AWS_REGION")
        .or_else(|| env.get("AWS_DEFAULT_REGION"))
        .map(|r| r.trim().to_owned())
        .or_else(|| region_of_profile(config, profile))
}

/// The `region` of a profile of the shared config files only (`profile`, else
/// `AWS_PROFILE`, else `default`), ignoring `AWS_REGION`.
pub fn profile_region(config: &ProviderConfig, profile: Option<&str>) -> Option<String> {
    region_of_profile(config, profile)
}
