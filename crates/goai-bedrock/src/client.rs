//! The provider: [`Bedrock`], its [`BedrockBuilder`], and the per-model handle.

use std::fmt;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use goai_core::{Headers, RetryPolicy};

use crate::chat::BedrockChatModel;
use crate::credentials::{
    Credentials, CredentialsCache, ProvideCredentials, SharedCredentialsProvider,
};
use crate::embed::BedrockEmbeddingModel;
use crate::env::Env;
use crate::options::{
    GuardrailConfig, ModelOptions, PerformanceLatency, ReasoningConfig, ServiceTier,
};
use crate::routing;
use crate::signing::{Clock, Signer};
use crate::transport::{HttpSettings, TlsRoots, Transport};

/// The region used when none is configured.
pub const DEFAULT_REGION: &str = "us-east-1";

/// A configuration that cannot work (bad region, bad base URL, TLS setup failure).
///
/// The `Display` text is not a stable interface.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError {
    message: String,
}

impl ConfigError {
    fn new(message: impl Into<String>) -> Self {
        Self {
            message: message.into(),
        }
    }
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "invalid Bedrock configuration: {}", self.message)
    }
}

impl std::error::Error for ConfigError {}

/// A secret string whose `Debug` is redacted.
#[derive(Clone)]
pub(crate) struct Secret(pub(crate) String);

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("** redacted **")
    }
}

/// How requests are authenticated.
#[derive(Debug, Clone)]
pub(crate) enum Auth {
    /// `Authorization: Bearer <token>` (Bedrock API keys).
    Bearer(Secret),
    /// SigV4 with credentials from a (cached) provider.
    SigV4(SharedCredentialsProvider),
}

/// Where requests go: `scheme://authority` plus an optional path prefix.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Endpoint {
    /// `http` or `https`.
    pub(crate) scheme: &'static str,
    pub(crate) authority: String,
    pub(crate) path_prefix: String,
}

impl Endpoint {
    fn parse(url: &str) -> Result<Self, ConfigError> {
        let uri: http::Uri = url
            .trim()
            .parse()
            .map_err(|e| ConfigError::new(format!("base URL {url:?}: {e}")))?;
        let scheme = match uri.scheme_str() {
            Some(s) if s.eq_ignore_ascii_case("https") => "https",
            Some(s) if s.eq_ignore_ascii_case("http") => "http",
            _ => {
                return Err(ConfigError::new(format!(
                    "base URL {url:?} must start with http:// or https://"
                )));
            }
        };
        let authority = uri
            .authority()
            .map(|a| a.as_str().to_owned())
            .filter(|a| !a.is_empty() && !a.contains('@'))
            .ok_or_else(|| {
                ConfigError::new(format!("base URL {url:?} needs a host (and no user info)"))
            })?;
        if uri.query().is_some() {
            return Err(ConfigError::new(format!(
                "base URL {url:?} must not have a query"
            )));
        }
        let path_prefix = uri.path().trim_end_matches('/').to_owned();
        Ok(Self {
            scheme,
            authority,
            path_prefix,
        })
    }

    /// The public endpoint of Bedrock Runtime in `region`, as AWS's endpoint
    /// rules give it: `bedrock-runtime[-fips].{region}.{suffix}`, where the
    /// suffix is the partition's (`amazonaws.com`, `amazonaws.com.cn`) or, for
    /// dual-stack (IPv6), its dual-stack one (`api.aws`,
    /// `api.amazonwebservices.com.cn`).
    pub(crate) fn for_region(region: &str, variant: EndpointVariant) -> Self {
        let suffix = match (iso_partition_suffix(region), variant.dualstack) {
            // The isolated partitions have no dual-stack endpoints; `build` refuses that.
            (Some(_), _) | (None, false) => partition_dns_suffix(region),
            (None, true) if region.starts_with("cn-") => "api.amazonwebservices.com.cn",
            (None, true) => "api.aws",
        };
        let service = if variant.fips {
            "bedrock-runtime-fips"
        } else {
            "bedrock-runtime"
        };
        Self {
            scheme: "https",
            authority: format!("{service}.{region}.{suffix}"),
            path_prefix: String::new(),
        }
    }

    /// `{base}{path}`.
    #[cfg(test)]
    pub(crate) fn url(&self, path: &str) -> String {
        let mut out = self.base(path.len());
        out.push_str(path);
        out
    }

    /// The URL of a model operation, `{base}/model/{encoded id}/{operation}`.
    pub(crate) fn model_url(&self, model_id: &str, operation: &str) -> String {
        let mut out = self.base(model_id.len() + operation.len() + 24);
        crate::routing::push_model_path(&mut out, model_id, operation);
        out
    }

    /// `scheme://authority` and the path prefix, with room for `more` bytes.
    fn base(&self, more: usize) -> String {
        let mut out = String::with_capacity(
            self.scheme.len() + 3 + self.authority.len() + self.path_prefix.len() + more,
        );
        out.push_str(self.scheme);
        out.push_str("://");
        out.push_str(&self.authority);
        out.push_str(&self.path_prefix);
        out
    }
}

/// The DNS suffix of the partition `region` is in, for AWS's regional
/// `{service}.{region}.{suffix}` endpoints (Bedrock Runtime, STS, the SSO
/// portal): an isolated (ISO) partition's own suffix, `amazonaws.com.cn` in
/// China, else `amazonaws.com`.
pub(crate) fn partition_dns_suffix(region: &str) -> &'static str {
    match iso_partition_suffix(region) {
        Some(suffix) => suffix,
        None if region.starts_with("cn-") => "amazonaws.com.cn",
        None => "amazonaws.com",
    }
}

/// The DNS suffix of the isolated (ISO) partition `region` is in, if any.
fn iso_partition_suffix(region: &str) -> Option<&'static str> {
    [
        ("us-isob-", "sc2s.sgov.gov"),
        ("us-isof-", "csp.hci.ic.gov"),
        ("us-iso-", "c2s.ic.gov"),
        ("eu-isoe-", "cloud.adc-e.uk"),
    ]
    .into_iter()
    .find(|(prefix, _)| region.starts_with(prefix))
    .map(|(_, suffix)| suffix)
}

/// Which of Bedrock's public endpoints to use: FIPS 140 validated, dual-stack
/// (IPv4 and IPv6), both, or neither.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct EndpointVariant {
    pub(crate) fips: bool,
    pub(crate) dualstack: bool,
}

/// The shared state behind a [`Bedrock`] handle.
pub(crate) struct Inner {
    pub(crate) region: String,
    pub(crate) base_url: Option<Endpoint>,
    pub(crate) variant: EndpointVariant,
    pub(crate) auth: Auth,
    pub(crate) headers: Headers,
    pub(crate) transport: Transport,
    pub(crate) model_options: ModelOptions,
    pub(crate) retry: RetryPolicy,
    pub(crate) signer: Signer,
}

/// Extra header values may be secrets (a gateway key): only their names are shown.
impl fmt::Debug for Inner {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let header_names: Vec<&str> = self.headers.iter().map(|(n, _)| n).collect();
        f.debug_struct("Inner")
            .field("region", &self.region)
            .field("base_url", &self.base_url)
            .field("auth", &self.auth)
            .field("header_names", &header_names)
            .field("transport", &self.transport)
            .field("model_options", &self.model_options)
            .field("retry", &self.retry)
            .finish_non_exhaustive()
    }
}

/// The Amazon Bedrock provider: connection pool, credentials and settings
/// shared by every model handle it creates.
///
/// Cheap to clone (an `Arc` inside).
///
/// # Examples
///
/// ```no_run
/// # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
/// use goai_core::LanguageModel;
/// let bedrock = goai_bedrock::Bedrock::from_env()?;
/// let model = bedrock.chat("us.anthropic.claude-sonnet-4-5-20250929-v1:0");
/// assert_eq!(model.provider(), "bedrock");
/// # Ok(()) }
/// ```
#[derive(Debug, Clone)]
pub struct Bedrock {
    pub(crate) inner: Arc<Inner>,
}

impl Bedrock {
    /// A builder with nothing configured and **no environment fallbacks**; see
    /// [`BedrockBuilder::env`] to add them.
    pub fn builder() -> BedrockBuilder {
        BedrockBuilder::default()
    }

    /// A provider configured from the process environment, exactly as GoAI does:
    ///
    /// - region: `AWS_REGION`, then `AWS_DEFAULT_REGION`, then the shared config
    ///   profile's `region`, then `us-east-1`;
    /// - `AWS_BEARER_TOKEN_BEDROCK`: a Bedrock API key; when set it is used
    ///   instead of SigV4 credentials;
    /// - SigV4 credentials from the default chain
    ///   ([`DefaultChain`](crate::credentials::DefaultChain)): the environment
    ///   (`AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`, `AWS_SESSION_TOKEN`), the
    ///   shared config and credentials files (static keys, `credential_process`,
    ///   assumed roles, SSO), web identity, ECS/EKS container credentials, then
    ///   EC2 IMDSv2;
    /// - the endpoint: `AWS_BEDROCK_BASE_URL` (GoAI's: a proxy, the emulator),
    ///   then AWS's configured endpoints `AWS_ENDPOINT_URL_BEDROCK_RUNTIME`,
    ///   `AWS_ENDPOINT_URL`, the profile's `[services]` section's
    ///   `bedrock_runtime` `endpoint_url`, and the profile's `endpoint_url` (unless
    ///   `AWS_IGNORE_CONFIGURED_ENDPOINT_URLS` or the profile's
    ///   `ignore_configured_endpoint_urls` is true), else the public endpoint of
    ///   the region: FIPS with `AWS_USE_FIPS_ENDPOINT` (or the profile's
    ///   `use_fips_endpoint`), dual-stack with `AWS_USE_DUALSTACK_ENDPOINT` (or
    ///   `use_dualstack_endpoint`);
    /// - `AWS_CA_BUNDLE`, then the profile's `ca_bundle`: a PEM file of CA
    ///   certificates to trust for `https` instead of the built-in roots (see
    ///   [`BedrockBuilder::ca_bundle`]);
    /// - `HTTPS_PROXY` and `NO_PROXY` (or lower case): an HTTP proxy for `https`
    ///   requests and the hosts that bypass it (see
    ///   [`BedrockBuilder::https_proxy`]).
    ///
    /// Credentials are read when a request needs them, so a provider built
    /// without any still builds; its requests then fail with a clear error.
    ///
    /// # Errors
    ///
    /// [`ConfigError`] for an invalid region or base URL, or a TLS setup failure
    /// (among them a CA bundle that cannot be read or holds no certificate).
    pub fn from_env() -> Result<Self, ConfigError> {
        Self::builder().env(Env::process()).build()
    }

    /// A chat model handle for `model_id`: a foundation model id
    /// (`anthropic.claude-3-haiku-20240307-v1:0`), a cross-region inference
    /// profile (`us.`, `us-gov.`, `eu.`, `apac.`, `jp.`, `au.`, `global.`) or an ARN.
    pub fn chat(&self, model_id: impl Into<String>) -> BedrockChatModel {
        BedrockChatModel::new(self.clone(), model_id.into())
    }

    /// An embedding model handle for `model_id` (a foundation model id such as
    /// `amazon.titan-embed-text-v2:0`, a cross-region profile such as
    /// `us.cohere.embed-v4:0`, or an ARN). See [`crate::embed`] for the
    /// families and their options.
    pub fn embedding(&self, model_id: impl Into<String>) -> BedrockEmbeddingModel {
        BedrockEmbeddingModel::new(self.clone(), model_id.into())
    }

    /// Counts the input tokens `request` would use with `model_id`, through
    /// the same mapping as Converse (CountTokens, no inference and no charge).
    /// A cross-region profile id is counted by its bare model id.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidRequest`](goai_core::Error::InvalidRequest) when the
    /// request cannot be mapped; Bedrock's errors as for a Converse call
    /// (e.g. a `ValidationException` for a model that cannot count tokens).
    pub async fn count_tokens(
        &self,
        model_id: &str,
        request: &goai_core::ModelRequest,
    ) -> Result<u64, goai_core::Error> {
        crate::count_tokens::count_tokens(self, model_id, request).await
    }

    /// The configured region (a cross-region profile may route a call elsewhere).
    pub fn region(&self) -> &str {
        &self.inner.region
    }

    /// Whether requests are authenticated with a bearer token instead of SigV4.
    pub fn uses_bearer_token(&self) -> bool {
        matches!(self.inner.auth, Auth::Bearer(_))
    }

    /// The HTTP transport, shared by every call of this provider.
    pub fn transport(&self) -> &Transport {
        &self.inner.transport
    }

    /// The provider-level model options.
    pub fn model_options(&self) -> &ModelOptions {
        &self.inner.model_options
    }
}

/// Configures a [`Bedrock`] provider. Setters take `&mut self`; finish with
/// [`build`](Self::build).
///
/// # Examples
///
/// ```
/// use std::time::Duration;
/// use goai_bedrock::{Bedrock, ReasoningConfig};
///
/// let bedrock = Bedrock::builder()
///     .region("eu-central-1")
///     .access_key("AKIDEXAMPLE", "SECRET")
///     .idle_timeout(Duration::from_secs(30))
///     .reasoning(ReasoningConfig::enabled(2048))
///     .build()?;
/// assert_eq!(bedrock.region(), "eu-central-1");
/// # Ok::<(), goai_bedrock::ConfigError>(())
/// ```
#[derive(Default)]
pub struct BedrockBuilder {
    region: Option<String>,
    access_key_id: Option<String>,
    secret_access_key: Option<Secret>,
    session_token: Option<Secret>,
    bearer_token: Option<Secret>,
    credentials_provider: Option<SharedCredentialsProvider>,
    base_url: Option<String>,
    use_fips: Option<bool>,
    use_dualstack: Option<bool>,
    headers: Headers,
    http: HttpSettings,
    model_options: ModelOptions,
    retry: Option<RetryPolicy>,
    env: Option<Env>,
    clock: Option<Clock>,
}

impl fmt::Debug for BedrockBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BedrockBuilder")
            .field("region", &self.region)
            .field("access_key_id", &self.access_key_id)
            .field("secret_access_key", &self.secret_access_key)
            .field("session_token", &self.session_token)
            .field("bearer_token", &self.bearer_token)
            .field("credentials_provider", &self.credentials_provider)
            .field("base_url", &self.base_url)
            .field("use_fips", &self.use_fips)
            .field("use_dualstack", &self.use_dualstack)
            .field(
                "header_names",
                &self.headers.iter().map(|(n, _)| n).collect::<Vec<_>>(),
            )
            .field("http", &self.http)
            .field("model_options", &self.model_options)
            .field("retry", &self.retry)
            .field("env", &self.env)
            .finish_non_exhaustive()
    }
}

impl BedrockBuilder {
    /// The AWS region. Default is the environment's (when [`env`](Self::env)
    /// is set), else `us-east-1`.
    pub fn region(&mut self, region: impl Into<String>) -> &mut Self {
        self.region = Some(region.into());
        self
    }

    /// Long-lived SigV4 keys. Default is none (see [`env`](Self::env)).
    pub fn access_key(
        &mut self,
        access_key_id: impl Into<String>,
        secret_access_key: impl Into<String>,
    ) -> &mut Self {
        self.access_key_id = Some(access_key_id.into());
        self.secret_access_key = Some(Secret(secret_access_key.into()));
        self
    }

    /// The session token that goes with temporary keys. Default is none.
    pub fn session_token(&mut self, token: impl Into<String>) -> &mut Self {
        self.session_token = Some(Secret(token.into()));
        self
    }

    /// A Bedrock API key, sent as `Authorization: Bearer <token>` instead of a
    /// SigV4 signature. When set (here or through `AWS_BEARER_TOKEN_BEDROCK`)
    /// it takes precedence over every SigV4 credential, as in GoAI. Default is none.
    pub fn bearer_token(&mut self, token: impl Into<String>) -> &mut Self {
        self.bearer_token = Some(Secret(token.into()));
        self
    }

    /// A custom credentials source, asked before each signed request and cached
    /// by a [`CredentialsCache`]. Takes precedence over [`access_key`](Self::access_key).
    /// Default is none.
    pub fn credentials_provider(
        &mut self,
        provider: impl ProvideCredentials + 'static,
    ) -> &mut Self {
        self.credentials_provider = Some(Arc::new(provider));
        self
    }

    /// Another endpoint instead of `https://bedrock-runtime.{region}.amazonaws.com`,
    /// e.g. a VPC endpoint, a proxy or the emulator (`http://` is allowed). A
    /// path prefix is kept. Requests are still signed for the configured
    /// region. Default is none (or `AWS_BEDROCK_BASE_URL`).
    pub fn base_url(&mut self, url: impl Into<String>) -> &mut Self {
        self.base_url = Some(url.into());
        self
    }

    /// Use the FIPS 140 validated endpoint (`bedrock-runtime-fips.{region}...`).
    /// With [`env`](Self::env), `AWS_USE_FIPS_ENDPOINT` and then the profile's
    /// `use_fips_endpoint` are used when this is not called. Default is false.
    ///
    /// [`build`](Self::build) fails when this is combined with a base URL.
    pub fn use_fips_endpoint(&mut self, on: bool) -> &mut Self {
        self.use_fips = Some(on);
        self
    }

    /// Use the dual-stack (IPv4 and IPv6) endpoint
    /// (`bedrock-runtime.{region}.api.aws`). With [`env`](Self::env),
    /// `AWS_USE_DUALSTACK_ENDPOINT` and then the profile's
    /// `use_dualstack_endpoint` are used when this is not called. Default is
    /// false.
    ///
    /// [`build`](Self::build) fails when this is combined with a base URL.
    pub fn use_dualstack_endpoint(&mut self, on: bool) -> &mut Self {
        self.use_dualstack = Some(on);
        self
    }

    /// Adds a header sent with every request. Per-request headers
    /// (`ModelRequest::headers`) are added after these. Default is none.
    pub fn header(&mut self, name: impl Into<String>, value: impl Into<String>) -> &mut Self {
        self.headers.insert(name, value);
        self
    }

    /// Fills unset options from environment variables (see [`Bedrock::from_env`]
    /// for which). Default is none: [`Bedrock::builder`] reads no variable.
    pub fn env(&mut self, env: Env) -> &mut Self {
        self.env = Some(env);
        self
    }

    /// TCP connect timeout. Default is 10 s.
    pub fn connect_timeout(&mut self, timeout: Duration) -> &mut Self {
        self.http.connect_timeout = Some(timeout);
        self
    }

    /// Deadline for a whole call: for Converse until the body is read, for
    /// ConverseStream until the response headers arrive. Default is none.
    pub fn request_timeout(&mut self, timeout: Duration) -> &mut Self {
        self.http.request_timeout = Some(timeout);
        self
    }

    /// Time from sending a request to receiving its response headers. A
    /// non-streaming call gets its headers only once the model has finished, so
    /// keep this generous. Default is 10 minutes.
    pub fn first_byte_timeout(&mut self, timeout: Duration) -> &mut Self {
        self.http.first_byte_timeout = Some(timeout);
        self
    }

    /// Longest silence between two events of a stream (and between two chunks
    /// of any response body). Default is 2 minutes.
    pub fn idle_timeout(&mut self, timeout: Duration) -> &mut Self {
        self.http.idle_timeout = Some(timeout);
        self
    }

    /// Idle connections kept open per host. Default is 32.
    pub fn pool_max_idle_per_host(&mut self, n: usize) -> &mut Self {
        self.http.pool_max_idle_per_host = n;
        self
    }

    /// Trust the operating system's certificate store instead of the bundled
    /// Mozilla roots. Default is false.
    pub fn native_roots(&mut self, on: bool) -> &mut Self {
        self.http.tls_roots = if on {
            TlsRoots::Native
        } else {
            TlsRoots::WebPki
        };
        self
    }

    /// Trust exactly the CA certificates in this PEM file for `https`, instead
    /// of the bundled Mozilla roots or the system store (the AWS `ca_bundle`
    /// setting: a corporate TLS proxy, a private endpoint). With
    /// [`env`](Self::env), `AWS_CA_BUNDLE` and then the profile's `ca_bundle`
    /// are used when this is not called. Default is none.
    ///
    /// The file is read by [`build`](Self::build), which fails naming the file
    /// when it cannot be read, is not PEM, or holds no usable CA certificate.
    pub fn ca_bundle(&mut self, path: impl Into<std::path::PathBuf>) -> &mut Self {
        self.http.ca_bundle = Some(path.into());
        self
    }

    /// Send `https` requests through this HTTP proxy, as `CONNECT` tunnels
    /// (`http://[user:password@]host:port`; a bare `host:port` means
    /// `http://`, and no port means 80, as in Go). With a user, the proxy gets
    /// `Proxy-Authorization: Basic`.
    /// Loopback hosts, [`no_proxy`](Self::no_proxy) hosts and plain `http`
    /// endpoints are connected to directly. With [`env`](Self::env),
    /// `HTTPS_PROXY` (or `https_proxy`) is used when this is not called.
    /// Default is none.
    ///
    /// [`build`](Self::build) fails for a URL that is not `http://` or has no
    /// host; the password never appears in errors or `Debug` output.
    pub fn https_proxy(&mut self, url: impl Into<String>) -> &mut Self {
        self.http.https_proxy = Some(crate::transport::ProxyUrl::new(url));
        self
    }

    /// Hosts that bypass [`https_proxy`](Self::https_proxy), in the
    /// `NO_PROXY` syntax: comma-separated host names (with their subdomains),
    /// `.domain` suffixes, IP addresses, CIDR blocks, or `*`. With
    /// [`env`](Self::env), `NO_PROXY` (or `no_proxy`) is used when this is not
    /// called. Default is none.
    pub fn no_proxy(&mut self, hosts: impl Into<String>) -> &mut Self {
        self.http.no_proxy = Some(hosts.into());
        self
    }

    /// Speak HTTP/2 with prior knowledge (h2c) to a plain `http://` base URL
    /// instead of HTTP/1.1. Default is false.
    ///
    /// For local proxies and emulators that speak h2c: concurrent streams then
    /// share one connection instead of opening one each. `https` endpoints are
    /// unaffected: they negotiate HTTP/2 or HTTP/1.1 through ALPN either way.
    /// See [`HttpSettings::http2_prior_knowledge`].
    pub fn http2_prior_knowledge(&mut self, on: bool) -> &mut Self {
        self.http.http2_prior_knowledge = on;
        self
    }

    /// All HTTP settings at once. Default is [`HttpSettings::default`].
    pub fn http_settings(&mut self, settings: HttpSettings) -> &mut Self {
        self.http = settings;
        self
    }

    /// Reasoning for every request. Per-request provider options
    /// (`{"bedrock": {"reasoningConfig": ...}}`) win. Default is none.
    pub fn reasoning(&mut self, config: ReasoningConfig) -> &mut Self {
        self.model_options.reasoning = Some(config);
        self
    }

    /// Extra `additionalModelRequestFields` merged into every request (the
    /// mapped fields, such as `thinking` or `top_k`, win on conflict). Default is none.
    pub fn additional_model_request_fields(
        &mut self,
        fields: serde_json::Map<String, serde_json::Value>,
    ) -> &mut Self {
        self.model_options.additional_model_request_fields = fields;
        self
    }

    /// Anthropic beta flags (`anthropic_beta`), merged with per-request ones
    /// and de-duplicated. Default is none.
    pub fn anthropic_beta<I, S>(&mut self, betas: I) -> &mut Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.model_options.anthropic_beta = betas.into_iter().map(Into::into).collect();
        self
    }

    /// A guardrail applied to every request. Default is none.
    pub fn guardrail(&mut self, config: GuardrailConfig) -> &mut Self {
        self.model_options.guardrail = Some(config);
        self
    }

    /// The latency profile (`performanceConfig`). Default is none (standard).
    pub fn performance_latency(&mut self, latency: PerformanceLatency) -> &mut Self {
        self.model_options.performance_latency = Some(latency);
        self
    }

    /// The processing tier (`serviceTier`). Default is none (Bedrock's default).
    pub fn service_tier(&mut self, tier: ServiceTier) -> &mut Self {
        self.model_options.service_tier = Some(tier);
        self
    }

    /// Adds a `requestMetadata` entry (Bedrock allows 16). Default is none.
    pub fn request_metadata(
        &mut self,
        key: impl Into<String>,
        value: impl Into<String>,
    ) -> &mut Self {
        self.model_options
            .request_metadata
            .insert(key.into(), value.into());
        self
    }

    /// Provider-level retries of throttling, 5xx, network errors and
    /// retryable stream exceptions that arrive before any content. Every
    /// attempt of one call carries the same `amz-sdk-invocation-id`.
    ///
    /// Default is [`RetryPolicy::none`]: calls made through goai-core
    /// (`generate_text`, `stream_text`, ...) are already retried by the
    /// request's policy (`Request::retry`, 2 retries by default), and retrying
    /// in both places would multiply the attempts. Set a policy here (and
    /// `Request::max_retries(0)`) to retry inside the provider instead, or when
    /// calling [`LanguageModel`](goai_core::LanguageModel) methods directly.
    pub fn retry_policy(&mut self, policy: RetryPolicy) -> &mut Self {
        self.retry = Some(policy);
        self
    }

    /// The wall clock used for signing. Default is [`SystemTime::now`]; the
    /// offset learned from a server's `Date` header after a clock-skew error
    /// is added to it. Replace it only in tests.
    pub fn clock(&mut self, clock: impl Fn() -> SystemTime + Send + Sync + 'static) -> &mut Self {
        self.clock = Some(Arc::new(clock));
        self
    }

    /// Builds the provider.
    ///
    /// # Errors
    ///
    /// [`ConfigError`] for an invalid region or base URL, or when TLS cannot be
    /// set up.
    pub fn build(&self) -> Result<Bedrock, ConfigError> {
        let env_get = |name: &str| self.env.as_ref().and_then(|e| e.get(name));
        // The shared config files are read once, and only if a setting falls through to them.
        let profile = std::cell::OnceCell::new();
        let selected = || {
            profile
                .get_or_init(|| {
                    self.env.as_ref().and_then(|e| {
                        let config = crate::credentials::ProviderConfig::new().with_env(e.clone());
                        crate::credentials::selected_profile_with_services(&config, None)
                    })
                })
                .as_ref()
        };
        let profile_setting = |key: &str| selected().and_then(|p| p.get(key));
        let region = self
            .region
            .clone()
            .filter(|r| !r.trim().is_empty())
            .or_else(|| env_get("AWS_REGION"))
            .or_else(|| env_get("AWS_DEFAULT_REGION"))
            .or_else(|| profile_setting("region"))
            .unwrap_or_else(|| DEFAULT_REGION.to_owned());
        let region = region.trim().to_owned();
        if !routing::is_valid_region(&region) {
            return Err(ConfigError::new(format!(
                "region {region:?} is not a valid AWS region name"
            )));
        }
        let flag = |name: &str, value: String| match value.trim().to_ascii_lowercase().as_str() {
            "true" => Ok(true),
            "false" => Ok(false),
            _ => Err(ConfigError::new(format!(
                "{name} must be true or false, not {value:?}"
            ))),
        };
        let setting = |explicit: Option<bool>, var: &str, key: &str| -> Result<bool, ConfigError> {
            if let Some(on) = explicit {
                return Ok(on);
            }
            if let Some(value) = env_get(var).filter(|v| !v.trim().is_empty()) {
                return flag(var, value);
            }
            match profile_setting(key).filter(|v| !v.trim().is_empty()) {
                Some(value) => flag(key, value),
                None => Ok(false),
            }
        };
        let variant = EndpointVariant {
            fips: setting(self.use_fips, "AWS_USE_FIPS_ENDPOINT", "use_fips_endpoint")?,
            dualstack: setting(
                self.use_dualstack,
                "AWS_USE_DUALSTACK_ENDPOINT",
                "use_dualstack_endpoint",
            )?,
        };
        if variant.dualstack && iso_partition_suffix(&region).is_some() {
            return Err(ConfigError::new(format!(
                "region {region:?} is in an isolated partition, which has no dual-stack endpoint"
            )));
        }
        // AWS's configured endpoints (service-specific, then global, then the profile's),
        // after the builder's base URL and GoAI's variable, unless told to ignore them.
        let ignore_configured = setting(
            None,
            "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS",
            "ignore_configured_endpoint_urls",
        )?;
        let base_url = self
            .base_url
            .clone()
            .filter(|u| !u.trim().is_empty())
            .or_else(|| env_get("AWS_BEDROCK_BASE_URL"))
            .or_else(|| {
                if ignore_configured {
                    return None;
                }
                env_get("AWS_ENDPOINT_URL_BEDROCK_RUNTIME")
                    .or_else(|| env_get("AWS_ENDPOINT_URL"))
                    .or_else(|| {
                        selected()
                            .and_then(|p| p.service_setting("bedrock_runtime", "endpoint_url"))
                    })
                    .or_else(|| profile_setting("endpoint_url"))
            })
            .filter(|u| !u.trim().is_empty());
        let base_url = match base_url {
            Some(url) => {
                if variant.fips || variant.dualstack {
                    return Err(ConfigError::new(format!(
                        "a FIPS or dual-stack endpoint cannot be combined with the custom endpoint {url:?}"
                    )));
                }
                Some(Endpoint::parse(&url)?)
            }
            None => None,
        };
        let bearer = self
            .bearer_token
            .clone()
            .filter(|t| !t.0.trim().is_empty())
            .or_else(|| env_get("AWS_BEARER_TOKEN_BEDROCK").map(Secret));
        let mut http = self.http.clone();
        let env_either = |upper: &str, lower: &str| {
            env_get(upper)
                .or_else(|| env_get(lower))
                .filter(|v| !v.trim().is_empty())
        };
        if http.https_proxy.is_none() {
            http.https_proxy =
                env_either("HTTPS_PROXY", "https_proxy").map(crate::transport::ProxyUrl::new);
        }
        if http.no_proxy.is_none() {
            http.no_proxy = env_either("NO_PROXY", "no_proxy");
        }
        if http.ca_bundle.is_none() {
            http.ca_bundle = env_get("AWS_CA_BUNDLE")
                .or_else(|| profile_setting("ca_bundle"))
                .filter(|p| !p.trim().is_empty())
                .map(std::path::PathBuf::from);
        }
        let auth = match bearer {
            Some(token) => Auth::Bearer(token),
            None => Auth::SigV4(self.credentials(&http)?),
        };
        let transport = Transport::new(http).map_err(|e| ConfigError::new(e.to_string()))?;
        let clock = self
            .clock
            .clone()
            .unwrap_or_else(|| Arc::new(SystemTime::now));
        Ok(Bedrock {
            inner: Arc::new(Inner {
                region,
                base_url,
                variant,
                auth,
                headers: self.headers.clone(),
                transport,
                model_options: self.model_options.clone(),
                retry: self.retry.clone().unwrap_or_else(RetryPolicy::none),
                signer: Signer::new(clock),
            }),
        })
    }

    /// The SigV4 credentials source: explicit provider, explicit keys, the
    /// environment, or (with none of these) a provider that explains what is missing.
    fn credentials(&self, http: &HttpSettings) -> Result<SharedCredentialsProvider, ConfigError> {
        let provider: SharedCredentialsProvider = if let Some(p) = &self.credentials_provider {
            p.clone()
        } else if let (Some(akid), Some(secret)) = (&self.access_key_id, &self.secret_access_key) {
            let token = self.session_token.as_ref().map(|t| t.0.clone());
            Arc::new(Credentials::new(akid.clone(), secret.0.clone(), token))
        } else if self.access_key_id.is_some() || self.secret_access_key.is_some() {
            return Err(ConfigError::new(
                "an access key id needs its secret access key",
            ));
        } else if let Some(env) = &self.env {
            let mut chain = crate::credentials::DefaultChain::builder();
            chain.config(
                crate::credentials::ProviderConfig::new()
                    .with_env(env.clone())
                    .with_network_settings(http),
            );
            Arc::new(chain.build())
        } else {
            Arc::new(NoCredentials)
        };
        Ok(Arc::new(CredentialsCache::from_shared(provider)))
    }
}

/// The credentials source of a provider configured with none.
#[derive(Debug)]
struct NoCredentials;

impl ProvideCredentials for NoCredentials {
    fn provide_credentials(
        &self,
    ) -> crate::credentials::BoxFuture<'_, Result<Credentials, crate::credentials::CredentialsError>>
    {
        Box::pin(async {
            Err(crate::credentials::CredentialsError::not_loaded(
                "no credentials configured: set access_key, bearer_token or credentials_provider, or use Bedrock::from_env",
            ))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(pairs: &[(&str, &str)]) -> Env {
        Env::from_pairs(pairs.iter().copied())
    }

    #[test]
    fn region_fallbacks() {
        let b = Bedrock::builder()
            .env(env(&[
                ("AWS_REGION", "eu-west-3"),
                ("AWS_DEFAULT_REGION", "us-west-2"),
            ]))
            .build();
        assert_eq!(b.expect("build").region(), "eu-west-3");
        let b = Bedrock::builder()
            .env(env(&[("AWS_DEFAULT_REGION", "us-west-2")]))
            .build();
        assert_eq!(b.expect("build").region(), "us-west-2");
        let b = Bedrock::builder().env(env(&[])).build();
        assert_eq!(b.expect("build").region(), "us-east-1");
        let b = Bedrock::builder()
            .region("ap-south-1")
            .env(env(&[("AWS_REGION", "eu-west-3")]))
            .build();
        assert_eq!(b.expect("build").region(), "ap-south-1");
        // Without env(), no variable is read.
        assert_eq!(
            Bedrock::builder().build().expect("build").region(),
            "us-east-1"
        );
    }

    const TEST_CA: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/tls/ca.pem");

    #[test]
    fn ca_bundle_errors_name_the_file() {
        let missing = Bedrock::builder()
            .ca_bundle("/nonexistent/goai-ca.pem")
            .build()
            .expect_err("a missing bundle fails");
        let text = missing.to_string();
        assert!(
            text.contains("/nonexistent/goai-ca.pem") && text.contains("could not read"),
            "{text}"
        );
        let dir = tempfile::tempdir().expect("tempdir");
        let empty = dir.path().join("empty.pem");
        std::fs::write(&empty, "no certificates here\n").expect("write");
        let text = Bedrock::builder()
            .ca_bundle(&empty)
            .build()
            .expect_err("a bundle without certificates fails")
            .to_string();
        assert!(
            text.contains("empty.pem") && text.contains("no usable CA certificate"),
            "{text}"
        );
        let broken = dir.path().join("broken.pem");
        std::fs::write(
            &broken,
            "-----BEGIN CERTIFICATE-----\n%%%\n-----END CERTIFICATE-----\n",
        )
        .expect("write");
        let text = Bedrock::builder()
            .ca_bundle(&broken)
            .build()
            .expect_err("broken PEM fails")
            .to_string();
        assert!(text.contains("broken.pem"), "{text}");
        Bedrock::builder()
            .ca_bundle(TEST_CA)
            .build()
            .expect("a bundle with a CA certificate builds");
    }

    #[test]
    fn ca_bundle_comes_from_the_builder_then_aws_ca_bundle_then_the_profile() {
        let dir = tempfile::tempdir().expect("tempdir");
        let config = dir.path().join("config");
        std::fs::write(
            &config,
            "[default]\nca_bundle = /nonexistent/from-profile.pem\n",
        )
        .expect("write");
        let config = config.to_str().expect("utf-8 path");
        let err = |pairs: &[(&str, &str)]| {
            Bedrock::builder()
                .env(env(pairs))
                .build()
                .err()
                .map(|e| e.to_string())
        };
        // The profile's setting is read...
        let text = err(&[("AWS_CONFIG_FILE", config)]).expect("profile bundle is read");
        assert!(text.contains("from-profile.pem"), "{text}");
        // ...unless AWS_CA_BUNDLE is set...
        let text = err(&[
            ("AWS_CONFIG_FILE", config),
            ("AWS_CA_BUNDLE", "/nonexistent/from-env.pem"),
        ])
        .expect("env bundle is read");
        assert!(text.contains("from-env.pem"), "{text}");
        assert_eq!(
            err(&[("AWS_CONFIG_FILE", config), ("AWS_CA_BUNDLE", TEST_CA)]),
            None
        );
        // ...and the builder's wins over both.
        Bedrock::builder()
            .ca_bundle(TEST_CA)
            .env(env(&[
                ("AWS_CONFIG_FILE", config),
                ("AWS_CA_BUNDLE", "/nonexistent/from-env.pem"),
            ]))
            .build()
            .expect("the builder's bundle wins");
    }

    #[test]
    fn proxy_settings_come_from_the_builder_then_the_environment() {
        let settings =
            |b: &mut BedrockBuilder| b.build().expect("build").transport().settings().clone();
        let s = settings(Bedrock::builder().env(env(&[
            ("https_proxy", "proxy.internal:3128"),
            ("no_proxy", ".corp"),
        ])));
        assert_eq!(
            s.https_proxy.as_ref().map(|p| p.as_str()),
            Some("proxy.internal:3128")
        );
        assert_eq!(s.no_proxy.as_deref(), Some(".corp"));
        let s = settings(Bedrock::builder().env(env(&[
            ("HTTPS_PROXY", "http://upper:3128"),
            ("https_proxy", "http://lower:3128"),
            ("NO_PROXY", "a.example"),
        ])));
        assert_eq!(
            s.https_proxy.as_ref().map(|p| p.as_str()),
            Some("http://upper:3128")
        );
        assert_eq!(s.no_proxy.as_deref(), Some("a.example"));
        let s = settings(
            Bedrock::builder()
                .https_proxy("http://explicit:8080")
                .no_proxy("b.example")
                .env(env(&[
                    ("HTTPS_PROXY", "http://env:3128"),
                    ("NO_PROXY", "c"),
                ])),
        );
        assert_eq!(
            s.https_proxy.as_ref().map(|p| p.as_str()),
            Some("http://explicit:8080")
        );
        assert_eq!(s.no_proxy.as_deref(), Some("b.example"));
        // A bad proxy from the environment fails the build, password hidden.
        let err = Bedrock::builder()
            .env(env(&[("HTTPS_PROXY", "https://me:hunter2@proxy:443")]))
            .build()
            .expect_err("https:// proxies are not supported");
        let text = err.to_string();
        assert!(text.contains("only http:// proxies"), "{text}");
        assert!(
            !text.contains("hunter2") && !format!("{err:?}").contains("hunter2"),
            "{text}"
        );
    }

    #[test]
    fn bearer_token_from_env_wins_over_keys() {
        let b = Bedrock::builder()
            .env(env(&[
                ("AWS_BEARER_TOKEN_BEDROCK", "bedrock-api-key-123"),
                ("AWS_ACCESS_KEY_ID", "AKID"),
                ("AWS_SECRET_ACCESS_KEY", "SECRET"),
            ]))
            .build()
            .expect("build");
        assert!(b.uses_bearer_token());
        assert!(!format!("{b:?}").contains("bedrock-api-key-123"));
        let keys = Bedrock::builder()
            .env(env(&[
                ("AWS_ACCESS_KEY_ID", "AKID"),
                ("AWS_SECRET_ACCESS_KEY", "SECRET"),
            ]))
            .build();
        assert!(!keys.expect("build").uses_bearer_token());
    }

    #[test]
    fn base_url_from_env_and_validation() {
        let b = Bedrock::builder()
            .env(env(&[(
                "AWS_BEDROCK_BASE_URL",
                "http://127.0.0.1:4000/prefix/",
            )]))
            .build();
        let b = b.expect("build");
        let ep = b.inner.base_url.clone().expect("base url");
        assert_eq!(
            ep.url("/model/m/converse"),
            "http://127.0.0.1:4000/prefix/model/m/converse"
        );
        assert!(Bedrock::builder().base_url("ftp://x").build().is_err());
        assert!(
            Bedrock::builder()
                .base_url("http://user:pw@host")
                .build()
                .is_err()
        );
        assert!(Bedrock::builder().region("evil.com/").build().is_err());
        assert!(Bedrock::builder().access_key("AKID", "").build().is_ok());
    }

    #[test]
    fn endpoint_for_region() {
        let plain = EndpointVariant::default();
        assert_eq!(
            Endpoint::for_region("us-west-2", plain).url("/x"),
            "https://bedrock-runtime.us-west-2.amazonaws.com/x"
        );
        assert_eq!(
            Endpoint::for_region("cn-north-1", plain).authority,
            "bedrock-runtime.cn-north-1.amazonaws.com.cn"
        );
        for (region, suffix) in [
            ("us-east-1", "amazonaws.com"),
            ("cn-northwest-1", "amazonaws.com.cn"),
            ("us-iso-east-1", "c2s.ic.gov"),
            ("us-isob-east-1", "sc2s.sgov.gov"),
            ("us-isof-south-1", "csp.hci.ic.gov"),
            ("eu-isoe-west-1", "cloud.adc-e.uk"),
        ] {
            assert_eq!(partition_dns_suffix(region), suffix, "{region}");
            assert_eq!(
                Endpoint::for_region(region, plain).authority,
                format!("bedrock-runtime.{region}.{suffix}")
            );
        }
        let (fips, dual) = (
            EndpointVariant {
                fips: true,
                dualstack: false,
            },
            EndpointVariant {
                fips: false,
                dualstack: true,
            },
        );
        let both = EndpointVariant {
            fips: true,
            dualstack: true,
        };
        for (region, variant, authority) in [
            (
                "us-east-1",
                fips,
                "bedrock-runtime-fips.us-east-1.amazonaws.com",
            ),
            (
                "us-gov-west-1",
                fips,
                "bedrock-runtime-fips.us-gov-west-1.amazonaws.com",
            ),
            ("us-east-1", dual, "bedrock-runtime.us-east-1.api.aws"),
            ("us-west-2", both, "bedrock-runtime-fips.us-west-2.api.aws"),
            (
                "cn-north-1",
                dual,
                "bedrock-runtime.cn-north-1.api.amazonwebservices.com.cn",
            ),
            (
                "us-iso-east-1",
                plain,
                "bedrock-runtime.us-iso-east-1.c2s.ic.gov",
            ),
            (
                "us-isob-east-1",
                fips,
                "bedrock-runtime-fips.us-isob-east-1.sc2s.sgov.gov",
            ),
            (
                "eu-isoe-west-1",
                plain,
                "bedrock-runtime.eu-isoe-west-1.cloud.adc-e.uk",
            ),
            (
                "us-isof-south-1",
                plain,
                "bedrock-runtime.us-isof-south-1.csp.hci.ic.gov",
            ),
        ] {
            assert_eq!(Endpoint::for_region(region, variant).authority, authority);
        }
    }

    #[test]
    fn endpoint_settings_from_the_builder_the_environment_and_the_profile() {
        let dir = tempfile::tempdir().expect("tempdir");
        let config = dir.path().join("config");
        std::fs::write(
            &config,
            "[default]\nuse_fips_endpoint = true\nendpoint_url = http://127.0.0.1:9/profile\n",
        )
        .expect("write");
        // A `[services]` section's bedrock_runtime endpoint comes before the profile's own.
        let with_services = dir.path().join("config-services");
        std::fs::write(
            &with_services,
            "[profile dev]\nservices = local\nendpoint_url = http://127.0.0.1:9/profile\n\
             [services local]\ns3 =\n  endpoint_url = http://127.0.0.1:9/s3\n\
             bedrock_runtime =\n  endpoint_url = http://127.0.0.1:9/services\n",
        )
        .expect("write");
        let with_services = with_services.to_str().expect("utf-8 path");
        let config = config.to_str().expect("utf-8 path");
        let built = |b: &mut BedrockBuilder| {
            b.build()
                .map(|b| (b.inner.variant, b.inner.base_url.clone().map(|e| e.url(""))))
        };
        // Profile: FIPS with a custom endpoint is refused, as AWS's rules do.
        let err = built(Bedrock::builder().env(env(&[("AWS_CONFIG_FILE", config)])))
            .expect_err("fips + endpoint");
        assert!(err.to_string().contains("cannot be combined"), "{err}");
        // The environment overrides the profile's flag; the profile's endpoint is used.
        let (variant, url) = built(Bedrock::builder().env(env(&[
            ("AWS_CONFIG_FILE", config),
            ("AWS_USE_FIPS_ENDPOINT", "FALSE"),
        ])))
        .expect("build");
        assert_eq!(variant, EndpointVariant::default());
        assert_eq!(url.as_deref(), Some("http://127.0.0.1:9/profile"));
        // Service-specific over global over profile; GoAI's variable over all of them.
        let (_, url) = built(Bedrock::builder().env(env(&[
            ("AWS_CONFIG_FILE", config),
            ("AWS_USE_FIPS_ENDPOINT", "false"),
            ("AWS_ENDPOINT_URL", "http://127.0.0.1:9/global"),
            (
                "AWS_ENDPOINT_URL_BEDROCK_RUNTIME",
                "http://127.0.0.1:9/service",
            ),
        ])))
        .expect("build");
        assert_eq!(url.as_deref(), Some("http://127.0.0.1:9/service"));
        let (_, url) = built(Bedrock::builder().env(env(&[
            ("AWS_USE_FIPS_ENDPOINT", "false"),
            ("AWS_ENDPOINT_URL", "http://127.0.0.1:9/global"),
            ("AWS_BEDROCK_BASE_URL", "http://127.0.0.1:9/goai"),
        ])))
        .expect("build");
        assert_eq!(url.as_deref(), Some("http://127.0.0.1:9/goai"));
        // Configured endpoints can be ignored; then the profile's FIPS flag applies.
        let (variant, url) = built(Bedrock::builder().env(env(&[
            ("AWS_CONFIG_FILE", config),
            ("AWS_ENDPOINT_URL", "http://127.0.0.1:9/global"),
            ("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "true"),
        ])))
        .expect("build");
        assert!(variant.fips && !variant.dualstack);
        assert_eq!(url, None);
        let (_, url) = built(Bedrock::builder().env(env(&[
            ("AWS_CONFIG_FILE", with_services),
            ("AWS_PROFILE", "dev"),
        ])))
        .expect("build");
        assert_eq!(url.as_deref(), Some("http://127.0.0.1:9/services"));
        let (_, url) = built(Bedrock::builder().env(env(&[
            ("AWS_CONFIG_FILE", with_services),
            ("AWS_PROFILE", "dev"),
            ("AWS_ENDPOINT_URL", "http://127.0.0.1:9/global"),
        ])))
        .expect("build");
        assert_eq!(url.as_deref(), Some("http://127.0.0.1:9/global"));
        // The builder wins; bad flag values are errors that name the setting.
        let (variant, _) = built(
            Bedrock::builder()
                .use_dualstack_endpoint(true)
                .env(env(&[("AWS_USE_DUALSTACK_ENDPOINT", "false")])),
        )
        .expect("build");
        assert!(variant.dualstack);
        let err = built(Bedrock::builder().env(env(&[("AWS_USE_DUALSTACK_ENDPOINT", "yes")])))
            .expect_err("bad flag");
        assert!(
            err.to_string().contains("AWS_USE_DUALSTACK_ENDPOINT"),
            "{err}"
        );
        let err = built(
            Bedrock::builder()
                .region("us-iso-east-1")
                .use_dualstack_endpoint(true),
        )
        .expect_err("no dual-stack in the ISO partitions");
        assert!(err.to_string().contains("isolated partition"), "{err}");
    }

    #[test]
    fn builder_debug_redacts() {
        let mut b = Bedrock::builder();
        b.access_key("AKID", "SUPERSECRET")
            .session_token("TOKENVALUE")
            .bearer_token("BEARERVALUE")
            .header("x-api", "HEADERVALUE");
        let shown = format!("{b:?}");
        for secret in ["SUPERSECRET", "TOKENVALUE", "BEARERVALUE", "HEADERVALUE"] {
            assert!(!shown.contains(secret), "{secret} leaked: {shown}");
        }
    }

    #[tokio::test]
    async fn no_credentials_explains_itself() {
        let b = Bedrock::builder().build().expect("build");
        let Auth::SigV4(p) = &b.inner.auth else {
            panic!("expected sigv4")
        };
        let err = p.provide_credentials().await.expect_err("none configured");
        assert!(err.is_not_loaded());
        assert!(err.to_string().contains("from_env"));
    }
}
