//! What every credential source needs from its surroundings: environment
//! variables, the home directory, a clock and an HTTP client. All injectable.

use std::fmt;
use std::path::PathBuf;
use std::sync::{Arc, OnceLock};
use std::time::{Duration, SystemTime};

use bytes::Bytes;
use http_body_util::Full;

use crate::env::Env;
use crate::transport::{HttpSettings, Transport, TransportError};

type ClockFn = Arc<dyn Fn() -> SystemTime + Send + Sync>;

/// The default base of `AWS_CONTAINER_CREDENTIALS_RELATIVE_URI` (the ECS agent).
pub(crate) const ECS_CONTAINER_HOST: &str = "http://169.254.170.2";

/// The environment credential sources read: variables (which also locate the
/// shared config files and the home directory), the wall clock, and the HTTP
/// client used for STS, IAM Identity Center, ECS/EKS and EC2 metadata calls.
///
/// Defaults: the process environment, [`SystemTime::now`], and a transport
/// with short timeouts (connect 2 s, response headers 5 s) built on first use.
/// Tests and embedders replace any of them; nothing here reads the real
/// environment unless [`Env::process`] is used.
///
/// Cheap to clone; clones share the HTTP connection pool.
///
/// # Examples
///
/// ```
/// use goai_bedrock::Env;
/// use goai_bedrock::credentials::ProviderConfig;
///
/// let config = ProviderConfig::new()
///     .with_env(Env::from_pairs([("HOME", "/tmp/somebody"), ("AWS_PROFILE", "dev")]));
/// # let _ = config;
/// ```
#[derive(Clone)]
pub struct ProviderConfig {
    env: Env,
    clock: ClockFn,
    transport: Arc<OnceLock<Result<Transport, String>>>,
    /// Trust and proxy settings for the default transport.
    network: HttpSettings,
    container_endpoint: Option<String>,
}

impl Default for ProviderConfig {
    fn default() -> Self {
        Self::new()
    }
}

impl fmt::Debug for ProviderConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ProviderConfig")
            .field("env", &self.env)
            .field("container_endpoint", &self.container_endpoint)
            .finish_non_exhaustive()
    }
}

impl ProviderConfig {
    /// The process environment, the system clock and a default transport.
    pub fn new() -> Self {
        Self {
            env: Env::process(),
            clock: Arc::new(SystemTime::now),
            transport: Arc::new(OnceLock::new()),
            network: HttpSettings::default(),
            container_endpoint: None,
        }
    }

    /// Reads variables (including `HOME`, `AWS_PROFILE`, `AWS_CONFIG_FILE`, ...)
    /// from `env`. Default is [`Env::process`].
    #[must_use]
    pub fn with_env(mut self, env: Env) -> Self {
        self.env = env;
        self
    }

    /// The wall clock used to judge token and credential expiry and to sign
    /// STS requests. Default is [`SystemTime::now`].
    #[must_use]
    pub fn with_clock(mut self, clock: impl Fn() -> SystemTime + Send + Sync + 'static) -> Self {
        self.clock = Arc::new(clock);
        self
    }

    /// Sends credential requests through `transport` (for example the one of
    /// the Bedrock client, to share its pool). Default is a dedicated transport
    /// with short timeouts.
    #[must_use]
    pub fn with_transport(mut self, transport: Transport) -> Self {
        self.transport = Arc::new(OnceLock::from(Ok(transport)));
        self
    }

    /// Takes the certificate trust (`tls_roots`, `ca_bundle`) and proxy
    /// (`https_proxy`, `no_proxy`) of `settings` for the default transport, so
    /// that STS, SSO, web identity and container calls go where the Bedrock
    /// calls go (a TLS-inspecting corporate proxy needs both). Its timeouts
    /// and pool size stay the providers' own short ones. The Bedrock client
    /// passes its own settings; default is [`HttpSettings::default`].
    #[must_use]
    pub fn with_network_settings(mut self, settings: &HttpSettings) -> Self {
        self.network.tls_roots = settings.tls_roots;
        self.network.ca_bundle.clone_from(&settings.ca_bundle);
        self.network.https_proxy.clone_from(&settings.https_proxy);
        self.network.no_proxy.clone_from(&settings.no_proxy);
        self.transport = Arc::new(OnceLock::new());
        self
    }

    /// The base URL that `AWS_CONTAINER_CREDENTIALS_RELATIVE_URI` is resolved
    /// against. Default is `http://169.254.170.2` (the ECS agent); change it
    /// only to point at a local fake.
    #[must_use]
    pub fn with_container_endpoint(mut self, base_url: impl Into<String>) -> Self {
        self.container_endpoint = Some(base_url.into());
        self
    }

    /// The environment variables.
    pub fn env(&self) -> &Env {
        &self.env
    }

    /// The current time by the configured clock.
    pub fn now(&self) -> SystemTime {
        (self.clock)()
    }

    pub(crate) fn container_endpoint(&self) -> &str {
        self.container_endpoint
            .as_deref()
            .unwrap_or(ECS_CONTAINER_HOST)
    }

    /// The user's home directory: `HOME`, else `USERPROFILE`, else
    /// `HOMEDRIVE` + `HOMEPATH`.
    pub fn home_dir(&self) -> Option<PathBuf> {
        if let Some(home) = self.env.get("HOME") {
            return Some(PathBuf::from(home));
        }
        if let Some(profile) = self.env.get("USERPROFILE") {
            return Some(PathBuf::from(profile));
        }
        match (self.env.get("HOMEDRIVE"), self.env.get("HOMEPATH")) {
            (Some(drive), Some(path)) => Some(PathBuf::from(format!("{drive}{path}"))),
            _ => None,
        }
    }

    /// Expands a leading `~/` (or `~\`) against the home directory.
    pub(crate) fn expand_home(&self, path: &str) -> PathBuf {
        let rest = path.strip_prefix("~/").or_else(|| path.strip_prefix("~\\"));
        match (rest, self.home_dir()) {
            (Some(rest), Some(home)) => home.join(rest),
            _ if path == "~" => self.home_dir().unwrap_or_else(|| PathBuf::from(path)),
            _ => PathBuf::from(path),
        }
    }

    fn transport(&self) -> Result<&Transport, FetchError> {
        let built = self.transport.get_or_init(|| {
            let settings = HttpSettings {
                connect_timeout: Some(Duration::from_secs(2)),
                first_byte_timeout: Some(Duration::from_secs(5)),
                idle_timeout: Some(Duration::from_secs(5)),
                pool_max_idle_per_host: 4,
                ..self.network.clone()
            };
            Transport::new(settings).map_err(|e| e.to_string())
        });
        built.as_ref().map_err(|e| FetchError::Setup(e.clone()))
    }

    /// Sends one request and reads its whole body (at most `limit` bytes),
    /// all within `deadline`.
    pub(crate) async fn fetch(
        &self,
        request: http::Request<Full<Bytes>>,
        deadline: Duration,
        limit: usize,
    ) -> Result<(http::StatusCode, Bytes), FetchError> {
        let transport = self.transport()?;
        let exchange = async {
            let response = transport.send(request).await?;
            let status = response.status();
            let mut body = response.into_body();
            let bytes = transport.read_body(&mut body, limit).await?;
            Ok::<_, TransportError>((status, bytes))
        };
        match tokio::time::timeout(deadline, exchange).await {
            Ok(result) => result.map_err(FetchError::Transport),
            Err(_) => Err(FetchError::Deadline(deadline)),
        }
    }
}

/// Why an HTTP exchange with a credential endpoint failed.
#[derive(Debug)]
pub(crate) enum FetchError {
    Setup(String),
    Transport(TransportError),
    Deadline(Duration),
}

impl FetchError {
    /// Nothing answered: connection refused, unreachable, or timed out before
    /// a response. For the metadata services this means "not running here".
    pub(crate) fn is_unreachable(&self) -> bool {
        match self {
            Self::Setup(_) => false,
            Self::Transport(e) => e.is_connect() || e.is_timeout(),
            Self::Deadline(_) => true,
        }
    }
}

impl fmt::Display for FetchError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Setup(e) => write!(f, "could not set up the HTTP client: {e}"),
            Self::Transport(e) => e.fmt(f),
            Self::Deadline(d) => write!(f, "no complete answer within {d:?}"),
        }
    }
}

impl std::error::Error for FetchError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::Transport(e) => Some(e),
            Self::Setup(_) | Self::Deadline(_) => None,
        }
    }
}

/// Percent-encodes `value` for a query string or a form body (RFC 3986
/// unreserved characters stay, everything else is `%XX`).
pub(crate) fn percent_encode(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for b in value.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(char::from(b));
        } else {
            out.push('%');
            out.push(char::from(HEX[usize::from(b >> 4)]));
            out.push(char::from(HEX[usize::from(b & 0x0f)]));
        }
    }
    out
}

const HEX: &[u8; 16] = b"0123456789ABCDEF";

/// A short, printable, single-line excerpt of an endpoint's error body (for
/// error messages; callers use it only on bodies that carry no credentials).
pub(crate) fn excerpt(body: &[u8]) -> String {
    let text = String::from_utf8_lossy(body);
    let mut out: String = text
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .take(200)
        .collect();
    if text.chars().count() > 200 {
        out.push('…');
    }
    out.trim().to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The Bedrock client's CA bundle and proxy reach credential requests.
    #[tokio::test]
    async fn credential_requests_use_the_clients_trust_and_proxy_settings() {
        let request = || {
            http::Request::get("https://sts.us-east-1.amazonaws.com/")
                .body(Full::new(Bytes::new()))
                .expect("request")
        };
        let settings = HttpSettings {
            ca_bundle: Some(PathBuf::from("/nonexistent/corp-ca.pem")),
            ..HttpSettings::default()
        };
        let config = ProviderConfig::new().with_network_settings(&settings);
        let err = config
            .fetch(request(), Duration::from_secs(5), 1024)
            .await
            .expect_err("the bundle cannot be read");
        assert!(
            matches!(&err, FetchError::Setup(m) if m.contains("/nonexistent/corp-ca.pem")),
            "{err:?}"
        );

        let closed = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        let port = closed.local_addr().expect("addr").port();
        drop(closed);
        let settings = HttpSettings {
            https_proxy: Some(crate::transport::ProxyUrl::new(format!("127.0.0.1:{port}"))),
            ..HttpSettings::default()
        };
        let config = ProviderConfig::new().with_network_settings(&settings);
        let err = config
            .fetch(request(), Duration::from_secs(5), 1024)
            .await
            .expect_err("the proxy is down");
        let FetchError::Transport(e) = err else {
            panic!("expected a transport error, got {err:?}");
        };
        assert!(
            e.to_string().contains(&format!("proxy 127.0.0.1:{port}")),
            "{e}"
        );
    }

    #[test]
    fn home_dir_and_expansion() {
        let c = ProviderConfig::new().with_env(Env::from_pairs([("HOME", "/home/u")]));
        assert_eq!(c.home_dir(), Some(PathBuf::from("/home/u")));
        assert_eq!(c.expand_home("~/x/y"), PathBuf::from("/home/u/x/y"));
        assert_eq!(c.expand_home("/abs"), PathBuf::from("/abs"));
        let c = ProviderConfig::new().with_env(Env::from_pairs([
            ("HOMEDRIVE", "C:"),
            ("HOMEPATH", "\\Users\\u"),
        ]));
        assert_eq!(c.home_dir(), Some(PathBuf::from("C:\\Users\\u")));
        let none = ProviderConfig::new().with_env(Env::from_pairs::<&str, &str, _>([]));
        assert_eq!(none.home_dir(), None);
        assert_eq!(none.expand_home("~/x"), PathBuf::from("~/x"));
    }

    #[test]
    fn encoding_and_excerpts() {
        assert_eq!(percent_encode("a b/c=d~e"), "a%20b%2Fc%3Dd~e");
        assert_eq!(percent_encode("é"), "%C3%A9");
        assert_eq!(excerpt(b"line1\nline2"), "line1 line2");
        assert_eq!(excerpt(&[b'x'; 300]).chars().count(), 201);
    }
}
