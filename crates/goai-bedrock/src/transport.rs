//! The HTTP transport: a pooled hyper client over rustls, with timeouts.
//!
//! [`Transport`] is deliberately small and service-agnostic so that other AWS
//! calls of this crate (STS, container and instance metadata credential
//! endpoints) reuse the same connection pool and timeout rules:
//!
//! - **connect timeout**: TCP connect (and, for `https`, the TLS handshake is
//!   bounded by the first-byte timeout);
//! - **first-byte timeout**: from sending the request until the response
//!   status and headers arrive;
//! - **idle timeout**: the longest gap between two chunks of a response body
//!   (for event streams: between two events);
//! - **request timeout** (optional): a deadline for the whole exchange, applied
//!   by the caller with [`Transport::request_timeout`].
//!
//! `https` uses rustls with the webpki (Mozilla) roots, or the platform's
//! native roots when asked, and offers `h2` and `http/1.1` through ALPN: the
//! server picks, and an HTTP/2 connection carries every concurrent request to
//! that host. Plain `http` is allowed for local endpoints such as the emulator;
//! it speaks HTTP/1.1 (one connection per concurrent request) unless
//! [`HttpSettings::http2_prior_knowledge`] asks for HTTP/2 without ALPN (h2c).

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use bytes::{Bytes, BytesMut};
use http_body_util::{BodyExt, Full};
use hyper::body::{Body as _, Incoming};
use hyper_rustls::HttpsConnector;
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::{TokioExecutor, TokioTimer};

mod proxy;

pub use proxy::ProxyUrl;

/// Which certificate roots `https` connections trust.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum TlsRoots {
    /// The Mozilla roots compiled into the binary (`webpki-roots`). The default.
    #[default]
    WebPki,
    /// The operating system's certificate store (`rustls-native-certs`).
    Native,
}

/// Connection and timeout settings of a [`Transport`].
///
/// Every field documents its default; set them through
/// [`crate::BedrockBuilder`] or directly.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct HttpSettings {
    /// TCP connect timeout. Default is 10 s.
    pub connect_timeout: Option<Duration>,
    /// Time from sending a request until its response headers arrive. A
    /// non-streaming Converse call answers only when the model has finished,
    /// so this must cover a whole generation. Default is 10 minutes.
    pub first_byte_timeout: Option<Duration>,
    /// Longest gap between two chunks of a response body (for ConverseStream:
    /// between two events). Default is 2 minutes.
    pub idle_timeout: Option<Duration>,
    /// Deadline for a whole call: for Converse until the body is read, for
    /// ConverseStream until the response headers arrive (the open stream is
    /// then bounded by the idle timeout). Default is none.
    pub request_timeout: Option<Duration>,
    /// Idle connections kept per host. Default is 32.
    pub pool_max_idle_per_host: usize,
    /// How long an idle pooled connection is kept. Default is 90 s.
    pub pool_idle_timeout: Option<Duration>,
    /// The trusted roots for `https`. Default is [`TlsRoots::WebPki`].
    pub tls_roots: TlsRoots,
    /// A PEM file of CA certificates to trust for `https` **instead of**
    /// [`tls_roots`](Self::tls_roots): the AWS `ca_bundle` setting, for a
    /// corporate TLS proxy or a private endpoint. [`Bedrock::from_env`] reads it
    /// from `AWS_CA_BUNDLE`, then from the shared config profile's `ca_bundle`.
    /// Default is none.
    ///
    /// [`Bedrock::from_env`]: crate::Bedrock::from_env
    pub ca_bundle: Option<std::path::PathBuf>,
    /// An HTTP proxy for `https` requests (`http://[user:password@]host:port`):
    /// each connection is a `CONNECT` tunnel through it, with TLS to the real
    /// host inside, and `Proxy-Authorization: Basic` when the URL has a user.
    /// Loopback hosts and [`no_proxy`](Self::no_proxy) hosts are connected to
    /// directly, and so are plain `http` endpoints. [`Bedrock::from_env`] reads
    /// it from `HTTPS_PROXY` (or `https_proxy`). Default is none.
    ///
    /// [`Bedrock::from_env`]: crate::Bedrock::from_env
    pub https_proxy: Option<ProxyUrl>,
    /// Hosts never sent through [`https_proxy`](Self::https_proxy), in the
    /// `NO_PROXY` syntax: comma-separated host names (which also match their
    /// subdomains), `.domain` suffixes, IP addresses, CIDR blocks, or `*`.
    /// [`Bedrock::from_env`] reads it from `NO_PROXY` (or `no_proxy`).
    /// Default is none.
    ///
    /// [`Bedrock::from_env`]: crate::Bedrock::from_env
    pub no_proxy: Option<String>,
    /// Speak HTTP/2 right away on plain `http://` endpoints (h2c with prior
    /// knowledge, RFC 9113 §3.3) instead of HTTP/1.1. Default is false.
    ///
    /// For local proxies and emulators that speak h2c: many concurrent streams
    /// then share one connection instead of opening one each, which saves the
    /// per-connection buffers (tens of KiB per stream) and file descriptors.
    /// An endpoint that only speaks HTTP/1.1 fails every request when this is
    /// on. Needs the `http2` cargo feature (on by default): without it,
    /// [`Transport::new`] fails with a setup error when this is set.
    /// `https` is unaffected either way: it always offers `h2` and
    /// `http/1.1` through ALPN and uses what the server picks (Bedrock picks
    /// `h2`).
    ///
    /// Over HTTP/2, every request to one host shares a single connection, and
    /// requests beyond the server's `SETTINGS_MAX_CONCURRENT_STREAMS` wait for
    /// a stream to finish rather than opening a second connection.
    pub http2_prior_knowledge: bool,
}

impl Default for HttpSettings {
    fn default() -> Self {
        Self {
            connect_timeout: Some(Duration::from_secs(10)),
            first_byte_timeout: Some(Duration::from_secs(600)),
            idle_timeout: Some(Duration::from_secs(120)),
            request_timeout: None,
            pool_max_idle_per_host: 32,
            pool_idle_timeout: Some(Duration::from_secs(90)),
            tls_roots: TlsRoots::WebPki,
            ca_bundle: None,
            https_proxy: None,
            no_proxy: None,
            http2_prior_knowledge: false,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Setup,
    Connect,
    /// The TLS handshake failed for good: a certificate was rejected, or the
    /// server and client share no protocol version or cipher suite.
    Tls,
    /// The proxy refused the tunnel for good (407: wrong or missing
    /// credentials; 403: destination forbidden).
    Proxy,
    Timeout(TimeoutKind),
    Io,
    BodyTooLarge,
}

/// Which timeout fired.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum TimeoutKind {
    /// The response headers did not arrive in time.
    FirstByte,
    /// The body stalled between two chunks.
    Idle,
    /// The whole call ran over its deadline.
    Request,
}

/// A transport failure: connection, TLS, I/O, timeout or an oversized body.
///
/// Opaque: use the predicates. The `Display` text is not a stable interface.
#[derive(Debug)]
pub struct TransportError {
    kind: Kind,
    after: Option<Duration>,
    source: Option<Box<dyn std::error::Error + Send + Sync + 'static>>,
}

impl TransportError {
    fn new(
        kind: Kind,
        source: impl Into<Box<dyn std::error::Error + Send + Sync + 'static>>,
    ) -> Self {
        Self {
            kind,
            after: None,
            source: Some(source.into()),
        }
    }

    pub(crate) fn timeout(kind: TimeoutKind, after: Duration) -> Self {
        Self {
            kind: Kind::Timeout(kind),
            after: Some(after),
            source: None,
        }
    }

    /// Whether a timeout fired (see [`TransportError::timeout_kind`]).
    pub fn is_timeout(&self) -> bool {
        matches!(self.kind, Kind::Timeout(_))
    }

    /// Which timeout fired, if one did.
    pub fn timeout_kind(&self) -> Option<TimeoutKind> {
        match self.kind {
            Kind::Timeout(k) => Some(k),
            _ => None,
        }
    }

    /// Whether the connection could not be established (TLS handshake
    /// failures included).
    pub fn is_connect(&self) -> bool {
        matches!(self.kind, Kind::Connect | Kind::Tls | Kind::Proxy)
    }

    /// Whether the TLS handshake failed: the server's certificate was rejected
    /// (an unknown issuer, a name or validity mismatch), or there was no
    /// protocol or cipher suite in common. Not retryable: trust the server's
    /// CA with [`BedrockBuilder::ca_bundle`](crate::BedrockBuilder::ca_bundle)
    /// or [`BedrockBuilder::native_roots`](crate::BedrockBuilder::native_roots).
    pub fn is_tls(&self) -> bool {
        self.kind == Kind::Tls
    }

    /// Whether the HTTPS proxy refused the tunnel in a way a retry cannot fix:
    /// it asks for other credentials (407; set them in the proxy URL,
    /// `http://user:password@host:port`) or forbids the destination (403).
    pub fn is_proxy_refused(&self) -> bool {
        self.kind == Kind::Proxy
    }

    /// Whether the response body exceeded the caller's size limit.
    pub fn is_body_too_large(&self) -> bool {
        self.kind == Kind::BodyTooLarge
    }

    /// Whether retrying may help (connect failures, I/O errors, first-byte and
    /// idle timeouts; not TLS handshake failures nor a proxy's final refusal).
    pub fn is_retryable(&self) -> bool {
        match self.kind {
            Kind::Connect | Kind::Io => true,
            Kind::Timeout(k) => k != TimeoutKind::Request,
            Kind::Setup | Kind::Tls | Kind::Proxy | Kind::BodyTooLarge => false,
        }
    }
}

impl fmt::Display for TransportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.kind {
            Kind::Setup => f.write_str("could not set up the HTTP client")?,
            Kind::Connect => f.write_str("could not connect")?,
            Kind::Tls => f.write_str("TLS handshake failed")?,
            Kind::Proxy => f.write_str("the proxy refused the tunnel")?,
            Kind::Timeout(TimeoutKind::FirstByte) => {
                f.write_str("timed out waiting for the response headers")?
            }
            Kind::Timeout(TimeoutKind::Idle) => {
                f.write_str("timed out waiting for more of the response body")?
            }
            Kind::Timeout(TimeoutKind::Request) => {
                f.write_str("the request ran over its deadline")?
            }
            Kind::Io => f.write_str("HTTP exchange failed")?,
            Kind::BodyTooLarge => f.write_str("response body too large")?,
        }
        if let Some(after) = self.after {
            write!(f, " after {after:?}")?;
        }
        if let Some(source) = &self.source {
            write!(f, ": {source}")?;
            // hyper-util's error hides the cause (e.g. "connection refused") one level down.
            let mut cause = source.source();
            while let Some(c) = cause {
                write!(f, ": {c}")?;
                cause = c.source();
            }
        }
        Ok(())
    }
}

impl std::error::Error for TransportError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.source
            .as_deref()
            .map(|e| e as &(dyn std::error::Error + 'static))
    }
}

impl From<TransportError> for goai_core::Error {
    fn from(e: TransportError) -> Self {
        match e.kind {
            Kind::Timeout(_) if e.after.is_some() && !e.is_retryable() => {
                Self::Timeout { after: e.after }
            }
            _ => Self::Transport {
                message: e.to_string(),
                retryable: e.is_retryable(),
                source: Some(std::sync::Arc::new(e)),
            },
        }
    }
}

type HyperClient = Client<HttpsConnector<proxy::ProxyConnector>, Full<Bytes>>;

/// A pooled HTTP/1.1 + HTTP/2 client with the timeouts of [`HttpSettings`].
///
/// Cheap to clone: clones share the connection pool.
#[derive(Clone)]
pub struct Transport {
    // Behind one `Arc`: every open stream holds a handle, and a pointer is
    // cheaper to keep and to move than the client and settings.
    inner: Arc<Inner>,
}

struct Inner {
    /// `https` (ALPN picks HTTP/2 or HTTP/1.1) and, by default, plain `http` (HTTP/1.1).
    client: HyperClient,
    /// Plain `http` when [`HttpSettings::http2_prior_knowledge`] is on: HTTP/2 only.
    h2c: Option<HyperClient>,
    settings: HttpSettings,
}

impl fmt::Debug for Transport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Transport")
            .field("settings", &self.inner.settings)
            .finish_non_exhaustive()
    }
}

impl Transport {
    /// Builds a client with `settings`.
    ///
    /// # Errors
    ///
    /// When TLS cannot be set up (e.g. [`TlsRoots::Native`] and no usable
    /// certificate in the system store).
    pub fn new(settings: HttpSettings) -> Result<Self, TransportError> {
        let mut http = HttpConnector::new();
        http.enforce_http(false);
        http.set_connect_timeout(settings.connect_timeout);
        http.set_nodelay(true);
        let provider = std::sync::Arc::new(rustls::crypto::ring::default_provider());
        let builder = hyper_rustls::HttpsConnectorBuilder::new();
        let builder = match (&settings.ca_bundle, settings.tls_roots) {
            (Some(path), _) => builder.with_tls_config(
                rustls::ClientConfig::builder_with_provider(provider)
                    .with_safe_default_protocol_versions()
                    .map_err(|e| TransportError::new(Kind::Setup, e))?
                    .with_root_certificates(load_ca_bundle(path)?)
                    .with_no_client_auth(),
            ),
            (None, TlsRoots::WebPki) => builder
                .with_provider_and_webpki_roots(provider)
                .map_err(|e| TransportError::new(Kind::Setup, e))?,
            (None, TlsRoots::Native) => builder
                .with_provider_and_native_roots(provider)
                .map_err(|e| TransportError::new(Kind::Setup, e))?,
        };
        // With the `http2` feature, sets the ALPN offer to `h2`, `http/1.1` (in that order)
        // for `https`; without it, `https` speaks HTTP/1.1 only.
        let builder = builder.https_or_http().enable_http1();
        #[cfg(feature = "http2")]
        let builder = builder.enable_http2();
        let route = match &settings.https_proxy {
            Some(url) => Some(
                proxy::Route::new(url, settings.no_proxy.as_deref())
                    .map_err(|e| TransportError::new(Kind::Setup, e))?,
            ),
            None => None,
        };
        let connector = builder.wrap_connector(proxy::ProxyConnector::new(http, route));
        if settings.http2_prior_knowledge && !cfg!(feature = "http2") {
            return Err(TransportError::new(
                Kind::Setup,
                "http2_prior_knowledge needs goai-bedrock's `http2` feature (on by default)",
            ));
        }
        let client = Self::hyper_client(&settings, false).build(connector.clone());
        // A second pool for plain `http` with HTTP/2 from the first byte; `https` keeps
        // negotiating through the first one. hyper's HTTP/2 defaults suit many concurrent
        // streams: 2 MiB initial stream window and 5 MiB connection window (flow-control
        // credit, not preallocated buffers), the server's SETTINGS_MAX_CONCURRENT_STREAMS
        // honoured (100 assumed until its SETTINGS arrive), no adaptive (BDP) window, which
        // the small frames of an event stream would not benefit from.
        let h2c = settings
            .http2_prior_knowledge
            .then(|| Self::hyper_client(&settings, true).build(connector));
        Ok(Self {
            inner: Arc::new(Inner {
                client,
                h2c,
                settings,
            }),
        })
    }

    fn hyper_client(
        settings: &HttpSettings,
        http2_only: bool,
    ) -> hyper_util::client::legacy::Builder {
        let mut client = Client::builder(TokioExecutor::new());
        client
            .pool_timer(TokioTimer::new())
            .timer(TokioTimer::new())
            .pool_max_idle_per_host(settings.pool_max_idle_per_host)
            .pool_idle_timeout(settings.pool_idle_timeout);
        #[cfg(feature = "http2")]
        client.http2_only(http2_only);
        #[cfg(not(feature = "http2"))]
        let _ = http2_only;
        client
    }

    /// The settings this transport was built with.
    pub fn settings(&self) -> &HttpSettings {
        &self.inner.settings
    }

    /// The overall deadline configured for a call, if any.
    pub fn request_timeout(&self) -> Option<Duration> {
        self.inner.settings.request_timeout
    }

    /// Sends `request` and waits (at most the first-byte timeout) for the
    /// response status and headers. The body is left unread.
    ///
    /// The request is given to the pooled client when this is called (nothing
    /// is checked out, connected or sent until the future is polled); the
    /// returned future holds only the client's response future and the timer,
    /// not the request a second time as an `async fn` would.
    ///
    /// # Errors
    ///
    /// Connect, TLS and I/O failures, and the first-byte timeout.
    pub fn send(
        &self,
        request: http::Request<Full<Bytes>>,
    ) -> impl Future<Output = Result<http::Response<Incoming>, TransportError>> + Send + 'static
    {
        let client = match &self.inner.h2c {
            Some(h2c) if request.uri().scheme() == Some(&http::uri::Scheme::HTTP) => h2c,
            _ => &self.inner.client,
        };
        let fut = client.request(request);
        let first_byte_timeout = self.inner.settings.first_byte_timeout;
        async move {
            let result = match first_byte_timeout {
                Some(limit) => tokio::time::timeout(limit, fut)
                    .await
                    .map_err(|_| TransportError::timeout(TimeoutKind::FirstByte, limit))?,
                None => fut.await,
            };
            result.map_err(|e| {
                let kind = if e.is_connect() {
                    if tls_failure(&e) {
                        Kind::Tls
                    } else if proxy::proxy_refused(&e) {
                        Kind::Proxy
                    } else {
                        Kind::Connect
                    }
                } else {
                    Kind::Io
                };
                TransportError::new(kind, e)
            })
        }
    }

    /// Waits for the next chunk of `body` (at most the idle timeout).
    /// `Ok(None)` means the body ended cleanly.
    ///
    /// # Errors
    ///
    /// I/O failures (including a reset connection) and the idle timeout.
    pub async fn next_chunk(&self, body: &mut Incoming) -> Result<Option<Bytes>, TransportError> {
        loop {
            let frame = match self.inner.settings.idle_timeout {
                Some(limit) => tokio::time::timeout(limit, body.frame())
                    .await
                    .map_err(|_| TransportError::timeout(TimeoutKind::Idle, limit))?,
                None => body.frame().await,
            };
            match frame {
                None => return Ok(None),
                Some(Err(e)) => return Err(TransportError::new(Kind::Io, e)),
                Some(Ok(frame)) => {
                    // Trailers carry nothing we use; skip them.
                    if let Ok(data) = frame.into_data()
                        && !data.is_empty()
                    {
                        return Ok(Some(data));
                    }
                }
            }
        }
    }

    /// Reads a whole body of at most `limit` bytes, each chunk within the idle timeout.
    ///
    /// # Errors
    ///
    /// I/O failures, the idle timeout, and bodies longer than `limit`.
    pub async fn read_body(
        &self,
        body: &mut Incoming,
        limit: usize,
    ) -> Result<Bytes, TransportError> {
        let mut buf = BytesMut::new();
        while let Some(chunk) = self.next_chunk(body).await? {
            if buf.len().saturating_add(chunk.len()) > limit {
                return Err(TransportError {
                    kind: Kind::BodyTooLarge,
                    after: None,
                    source: Some(format!("more than {limit} bytes").into()),
                });
            }
            buf.extend_from_slice(&chunk);
        }
        Ok(buf.freeze())
    }
}

/// The idle timeout of a body read by polling ([`poll_next_chunk`]): armed
/// when a read has to wait, disarmed when a chunk (or the end) arrives.
#[derive(Debug)]
pub(crate) struct IdleTimer {
    limit: Option<Duration>,
    sleep: Option<Pin<Box<tokio::time::Sleep>>>,
    armed: bool,
}

impl IdleTimer {
    /// A timer with the idle timeout of `transport`.
    pub(crate) fn new(transport: &Transport) -> Self {
        Self {
            limit: transport.inner.settings.idle_timeout,
            sleep: None,
            armed: false,
        }
    }

    /// Whether the timeout fired; arms it first if it is not armed.
    fn poll_expired(&mut self, cx: &mut Context<'_>) -> Option<Duration> {
        let limit = self.limit?;
        if !self.armed {
            self.armed = true;
            let deadline = tokio::time::Instant::now() + limit;
            match &mut self.sleep {
                Some(sleep) => sleep.as_mut().reset(deadline),
                None => self.sleep = Some(Box::pin(tokio::time::sleep_until(deadline))),
            }
        }
        let sleep = self.sleep.as_mut()?;
        if sleep.as_mut().poll(cx).is_ready() {
            self.armed = false;
            Some(limit)
        } else {
            None
        }
    }
}

/// [`Transport::next_chunk`] as a poll function, for readers that keep their
/// own state instead of a future per chunk: the same chunks, errors and idle
/// timeout (measured from when the read first has to wait).
pub(crate) fn poll_next_chunk(
    body: &mut Incoming,
    timer: &mut IdleTimer,
    cx: &mut Context<'_>,
) -> Poll<Result<Option<Bytes>, TransportError>> {
    loop {
        match Pin::new(&mut *body).poll_frame(cx) {
            Poll::Ready(None) => {
                timer.armed = false;
                return Poll::Ready(Ok(None));
            }
            Poll::Ready(Some(Err(e))) => {
                timer.armed = false;
                return Poll::Ready(Err(TransportError::new(Kind::Io, e)));
            }
            Poll::Ready(Some(Ok(frame))) => {
                // Trailers carry nothing we use; skip them.
                if let Ok(data) = frame.into_data()
                    && !data.is_empty()
                {
                    timer.armed = false;
                    return Poll::Ready(Ok(Some(data)));
                }
            }
            Poll::Pending => {
                return match timer.poll_expired(cx) {
                    Some(limit) => {
                        Poll::Ready(Err(TransportError::timeout(TimeoutKind::Idle, limit)))
                    }
                    None => Poll::Pending,
                };
            }
        }
    }
}

/// Whether `error`'s chain of causes holds a TLS failure that a retry cannot
/// fix: the server's certificate rejected here or ours there, or no protocol
/// version or cipher suite in common. Other TLS errors (a corrupted record, an
/// internal error alert from a busy load balancer) stay retryable connect
/// errors. The rustls error comes inside an `io::Error` (from tokio-rustls),
/// whose `source` skips the error it wraps.
fn tls_failure(error: &(dyn std::error::Error + 'static)) -> bool {
    let mut next = Some(error);
    while let Some(e) = next {
        if rustls_error(e).is_some_and(is_permanent_tls_error) {
            return true;
        }
        next = e.source();
    }
    false
}

/// `e` as a rustls error, itself or inside an `io::Error`.
fn rustls_error<'a>(e: &'a (dyn std::error::Error + 'static)) -> Option<&'a rustls::Error> {
    if let Some(tls) = e.downcast_ref::<rustls::Error>() {
        return Some(tls);
    }
    let inner = e.downcast_ref::<std::io::Error>()?.get_ref()?;
    rustls_error(inner as &(dyn std::error::Error + 'static))
}

/// Certificate and negotiation failures: the same on every attempt.
fn is_permanent_tls_error(error: &rustls::Error) -> bool {
    use rustls::AlertDescription as Alert;
    match error {
        rustls::Error::InvalidCertificate(_)
        | rustls::Error::NoCertificatesPresented
        | rustls::Error::PeerIncompatible(_) => true,
        rustls::Error::AlertReceived(alert) => matches!(
            alert,
            Alert::BadCertificate
                | Alert::UnsupportedCertificate
                | Alert::CertificateRevoked
                | Alert::CertificateExpired
                | Alert::CertificateUnknown
                | Alert::UnknownCA
                | Alert::ProtocolVersion
                | Alert::HandshakeFailure
                | Alert::InsufficientSecurity
        ),
        _ => false,
    }
}

/// The certificates of the PEM file at `path`, as trusted roots.
///
/// Certificates that webpki cannot use as trust anchors are skipped with a
/// warning (system bundles carry a few); a file that cannot be read, is not
/// PEM, or holds no usable certificate is an error naming the file.
fn load_ca_bundle(path: &std::path::Path) -> Result<rustls::RootCertStore, TransportError> {
    use rustls::pki_types::CertificateDer;
    use rustls::pki_types::pem::PemObject;
    let shown = path.display();
    let pem = std::fs::read(path).map_err(|e| {
        TransportError::new(
            Kind::Setup,
            format!("could not read the CA bundle {shown}: {e}"),
        )
    })?;
    let certs = CertificateDer::pem_slice_iter(&pem)
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| {
            TransportError::new(
                Kind::Setup,
                format!("the CA bundle {shown} is not valid PEM: {e}"),
            )
        })?;
    let found = certs.len();
    let mut roots = rustls::RootCertStore::empty();
    let (added, skipped) = roots.add_parsable_certificates(certs);
    if added == 0 {
        return Err(TransportError::new(
            Kind::Setup,
            format!(
                "the CA bundle {shown} holds no usable CA certificate ({found} certificates found, {skipped} unusable)"
            ),
        ));
    }
    if skipped > 0 {
        tracing::warn!(bundle = %shown, added, skipped, "skipped CA bundle certificates that cannot be trust anchors");
    }
    Ok(roots)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_certificate_and_negotiation_failures_are_permanent() {
        use rustls::{AlertDescription, CertificateError, Error as Tls};
        let wrapped = |e: Tls| std::io::Error::new(std::io::ErrorKind::InvalidData, e);
        for permanent in [
            Tls::InvalidCertificate(CertificateError::UnknownIssuer),
            Tls::InvalidCertificate(CertificateError::Expired),
            Tls::NoCertificatesPresented,
            Tls::AlertReceived(AlertDescription::UnknownCA),
            Tls::AlertReceived(AlertDescription::HandshakeFailure),
            Tls::AlertReceived(AlertDescription::ProtocolVersion),
        ] {
            let shown = format!("{permanent:?}");
            assert!(tls_failure(&wrapped(permanent)), "{shown}");
        }
        for transient in [
            Tls::AlertReceived(AlertDescription::InternalError),
            Tls::DecryptError,
            Tls::General("busy".into()),
        ] {
            let shown = format!("{transient:?}");
            assert!(!tls_failure(&wrapped(transient)), "{shown}");
        }
        let plain = std::io::Error::new(std::io::ErrorKind::ConnectionReset, "reset");
        assert!(!tls_failure(&plain));
    }

    #[test]
    fn error_classification() {
        let idle = TransportError::timeout(TimeoutKind::Idle, Duration::from_secs(1));
        assert!(idle.is_timeout());
        assert!(idle.is_retryable());
        assert_eq!(idle.timeout_kind(), Some(TimeoutKind::Idle));
        let core: goai_core::Error = idle.into();
        assert!(core.is_retryable());
        let deadline = TransportError::timeout(TimeoutKind::Request, Duration::from_secs(1));
        assert!(!deadline.is_retryable());
        let core: goai_core::Error = deadline.into();
        assert!(core.is_timeout());
    }

    #[cfg(feature = "http2")]
    /// Sends one request to `scheme://127.0.0.1:PORT/x` through a transport with `settings`
    /// and returns the accepted server-side socket (the request stays unanswered).
    async fn first_connection(
        settings: HttpSettings,
        scheme: &str,
    ) -> (tokio::net::TcpStream, tokio::task::JoinHandle<()>) {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let url = format!("{scheme}://{}/x", listener.local_addr().expect("addr"));
        let t = Transport::new(settings).expect("transport");
        let client = tokio::spawn(async move {
            let req = http::Request::post(url)
                .body(Full::new(Bytes::from_static(b"{}")))
                .expect("request");
            // Never answered: the test only reads what the client sends first.
            let _ = t.send(req).await;
        });
        let (socket, _) = tokio::time::timeout(Duration::from_secs(10), listener.accept())
            .await
            .expect("the client connects")
            .expect("accept");
        (socket, client)
    }

    #[cfg(feature = "http2")]
    /// The first `n` bytes the client sends.
    async fn first_bytes(socket: &mut tokio::net::TcpStream, n: usize) -> Vec<u8> {
        use tokio::io::AsyncReadExt as _;
        let mut buf = vec![0; n];
        tokio::time::timeout(Duration::from_secs(10), socket.read_exact(&mut buf))
            .await
            .expect("the client writes")
            .expect("read");
        buf
    }

    #[cfg(feature = "http2")]
    /// The ALPN protocols of the TLS ClientHello the transport sends for `https`.
    async fn alpn_offer(settings: HttpSettings) -> Vec<Vec<u8>> {
        use tokio::io::AsyncReadExt as _;
        let (mut socket, client) = first_connection(settings, "https").await;
        let mut acceptor = rustls::server::Acceptor::default();
        let mut chunk = [0u8; 4096];
        let accepted = loop {
            let n = tokio::time::timeout(Duration::from_secs(10), socket.read(&mut chunk))
                .await
                .expect("the client sends its hello")
                .expect("read");
            assert!(n > 0, "the client closed before its hello");
            acceptor.read_tls(&mut &chunk[..n]).expect("read_tls");
            if let Some(accepted) = acceptor
                .accept()
                .map_err(|(e, _)| e)
                .expect("a ClientHello")
            {
                break accepted;
            }
        };
        let offer = accepted
            .client_hello()
            .alpn()
            .map(|protocols| protocols.map(<[u8]>::to_vec).collect())
            .unwrap_or_default();
        client.abort();
        offer
    }

    fn prior_knowledge() -> HttpSettings {
        HttpSettings {
            http2_prior_knowledge: true,
            ..HttpSettings::default()
        }
    }

    #[cfg(feature = "http2")]
    #[tokio::test]
    async fn https_offers_h2_then_http11_through_alpn() {
        let expected = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
        assert_eq!(alpn_offer(HttpSettings::default()).await, expected);
        // Prior knowledge is about plain http only: https still negotiates.
        assert_eq!(alpn_offer(prior_knowledge()).await, expected);
    }

    #[cfg(feature = "http2")]
    #[tokio::test]
    async fn plain_http_is_http11_unless_prior_knowledge() {
        assert!(!HttpSettings::default().http2_prior_knowledge);
        let (mut socket, client) = first_connection(HttpSettings::default(), "http").await;
        assert_eq!(first_bytes(&mut socket, 16).await, b"POST /x HTTP/1.1");
        client.abort();

        let (mut socket, client) = first_connection(prior_knowledge(), "http").await;
        // The HTTP/2 connection preface (RFC 9113 §3.4).
        assert_eq!(
            first_bytes(&mut socket, 24).await,
            b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"
        );
        client.abort();
    }

    #[cfg(not(feature = "http2"))]
    #[test]
    fn prior_knowledge_without_the_http2_feature_is_a_setup_error() {
        let err = Transport::new(prior_knowledge()).expect_err("needs the http2 feature");
        assert!(err.to_string().contains("http2"), "{err}");
        assert!(Transport::new(HttpSettings::default()).is_ok());
    }

    #[tokio::test]
    async fn connect_refused_is_a_retryable_connect_error() {
        // Bind then drop a listener to get a port nothing listens on.
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        let addr = listener.local_addr().expect("addr");
        drop(listener);
        let t = Transport::new(HttpSettings::default()).expect("transport");
        let req = http::Request::post(format!("http://{addr}/x"))
            .body(Full::new(Bytes::new()))
            .expect("request");
        let err = t.send(req).await.expect_err("nothing listens");
        assert!(err.is_connect(), "{err}");
        assert!(err.is_retryable());
    }
}
