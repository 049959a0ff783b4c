//! `https` through an HTTP proxy: a connector that opens a `CONNECT` tunnel
//! through the proxy for the hosts the proxy settings select, and a direct TCP
//! connection for the others. TLS to the real host then runs inside the
//! tunnel, so the proxy sees only the host name and port.

use std::error::Error as StdError;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use http::{HeaderValue, Uri};
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::client::proxy::matcher::Matcher;
use hyper_util::rt::TokioIo;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tower_service::Service;

type BoxError = Box<dyn StdError + Send + Sync>;

/// A proxy URL, `http://[user:password@]host[:port]`, whose `Debug` hides the
/// password.
#[derive(Clone, PartialEq, Eq)]
pub struct ProxyUrl(String);

impl ProxyUrl {
    /// Wraps a proxy URL; it is checked when the transport is built.
    pub fn new(url: impl Into<String>) -> Self {
        Self(url.into())
    }

    /// The URL as given (password included).
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The URL without the password of its user info (with or without a
    /// scheme: `user:password@host:port` is accepted too).
    fn redacted(&self) -> String {
        let (scheme, rest) = match self.0.split_once("://") {
            Some((scheme, rest)) => (Some(scheme), rest),
            None => (None, self.0.as_str()),
        };
        let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
        let (authority, path) = rest.split_at(authority_end);
        let authority = match authority.rsplit_once('@') {
            Some((user_info, host)) => {
                let user = user_info.split(':').next().unwrap_or_default();
                format!("{user}:***@{host}")
            }
            None => authority.to_owned(),
        };
        match scheme {
            Some(scheme) => format!("{scheme}://{authority}{path}"),
            None => format!("{authority}{path}"),
        }
    }
}

impl fmt::Debug for ProxyUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("ProxyUrl").field(&self.redacted()).finish()
    }
}

/// Which hosts go through the proxy.
#[derive(Clone)]
pub(super) struct Route {
    matcher: Arc<Matcher>,
    bypass: Arc<NoProxy>,
    /// The proxy, password hidden, for error messages.
    shown: Arc<str>,
}

impl fmt::Debug for Route {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Route")
            .field("proxy", &self.shown)
            .field("no_proxy", &self.bypass)
            .finish()
    }
}

impl Route {
    /// The route for `https` through `proxy`, except the hosts in `no_proxy`
    /// (the `NO_PROXY` syntax: comma-separated names, `.domain` suffixes, IP
    /// addresses, CIDR blocks, or `*` for all) and loopback hosts.
    ///
    /// # Errors
    ///
    /// A message naming the (redacted) URL when it is not an `http://` URL with
    /// a host.
    pub(super) fn new(proxy: &ProxyUrl, no_proxy: Option<&str>) -> Result<Self, String> {
        let shown = proxy.redacted();
        // Like Go's and curl's reading of HTTPS_PROXY: `host:port` means http://.
        let url = if proxy.as_str().contains("://") {
            proxy.as_str().to_owned()
        } else {
            format!("http://{}", proxy.as_str())
        };
        let uri: Uri = url
            .parse()
            .map_err(|e| format!("invalid proxy URL {shown}: {e}"))?;
        match uri.scheme_str() {
            Some("http") => {}
            other => {
                return Err(format!(
                    "proxy URL {shown}: only http:// proxies are supported, not {}://",
                    other.unwrap_or_default()
                ));
            }
        }
        if uri.host().is_none_or(str::is_empty) {
            return Err(format!("proxy URL {shown} has no host"));
        }
        // `http::Uri` reads a port that is not a u16 as no port at all.
        let host_port = uri.authority().map_or("", |a| a.as_str());
        let host_port = host_port.rsplit_once('@').map_or(host_port, |(_, hp)| hp);
        let port = match host_port.rsplit_once(']') {
            Some((_, rest)) => rest.strip_prefix(':'),
            None => host_port.rsplit_once(':').map(|(_, port)| port),
        };
        if port.is_some_and(|p| p.parse::<u16>().is_err()) {
            return Err(format!("proxy URL {shown} has an invalid port"));
        }
        // NO_PROXY is matched here (see `NoProxy`), not by hyper-util's matcher.
        let matcher = Matcher::builder().https(url).build();
        Ok(Self {
            matcher: Arc::new(matcher),
            bypass: Arc::new(NoProxy::parse(no_proxy.unwrap_or_default())),
            shown: shown.into(),
        })
    }

    /// Whether `dst` goes through the proxy: `https`, not loopback, not in
    /// `NO_PROXY`.
    fn intercept(&self, dst: &Uri) -> Option<hyper_util::client::proxy::matcher::Intercept> {
        let host = dst.host()?;
        if is_loopback(host) || self.bypass.contains(host) {
            return None;
        }
        self.matcher.intercept(dst)
    }
}

/// `NO_PROXY`: comma-separated entries, read as Go's and curl's transports
/// do. `*` matches every host; an IP address or CIDR block matches addresses
/// in it; a name matches itself and its subdomains, with any leading `*` or
/// `.` dropped (`*.corp`, `.corp` and `corp` all match `api.corp` and
/// `corp`). A `:port` on an entry is ignored (the entry then matches every
/// port), and IPv6 addresses may be in brackets.
#[derive(Debug, Default)]
struct NoProxy {
    all: bool,
    nets: Vec<ipnet::IpNet>,
    names: Vec<String>,
}

impl NoProxy {
    fn parse(list: &str) -> Self {
        let mut out = NoProxy::default();
        for entry in list.split(',').map(str::trim).filter(|e| !e.is_empty()) {
            if entry == "*" {
                out.all = true;
                continue;
            }
            if let Some(net) = parse_net(entry) {
                out.nets.push(net);
                continue;
            }
            // A name, perhaps with a port.
            let name = match entry.rsplit_once(':') {
                Some((name, port)) if port.bytes().all(|b| b.is_ascii_digit()) => name,
                _ => entry,
            };
            let name = name.trim_start_matches('*').trim_start_matches('.');
            if !name.is_empty() {
                out.names.push(name.to_ascii_lowercase());
            }
        }
        out
    }

    /// Whether `host` (as in a URI: IPv6 in brackets) bypasses the proxy.
    fn contains(&self, host: &str) -> bool {
        if self.all {
            return true;
        }
        let bare = host.trim_start_matches('[').trim_end_matches(']');
        if let Ok(ip) = bare.parse::<std::net::IpAddr>() {
            return self.nets.iter().any(|net| net.contains(&ip.to_canonical()));
        }
        let host = bare.trim_end_matches('.').to_ascii_lowercase();
        self.names.iter().any(|name| {
            host == *name
                || host
                    .strip_suffix(name.as_str())
                    .is_some_and(|prefix| prefix.ends_with('.'))
        })
    }
}

/// An IP address or CIDR block, IPv6 perhaps in brackets and either perhaps
/// with a port: `10.0.0.0/8`, `192.168.1.7`, `[::1]`, `[fd00::]:443`,
/// `10.1.2.3:8080`.
fn parse_net(entry: &str) -> Option<ipnet::IpNet> {
    let unbracketed = match entry.strip_prefix('[') {
        Some(rest) => rest.split_once(']').map(|(addr, _port)| addr)?,
        None => entry,
    };
    if let Ok(net) = unbracketed.parse::<ipnet::IpNet>() {
        return Some(net);
    }
    if let Ok(ip) = unbracketed.parse::<std::net::IpAddr>() {
        return Some(ipnet::IpNet::from(ip.to_canonical()));
    }
    // `a.b.c.d:port`
    let (addr, port) = unbracketed.rsplit_once(':')?;
    if !port.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    addr.parse::<std::net::Ipv4Addr>()
        .ok()
        .map(|ip| ipnet::IpNet::from(std::net::IpAddr::V4(ip)))
}

/// A failure to tunnel through the proxy, naming it (password hidden); the
/// cause (refused, DNS, timeout, the proxy's answer) is its source.
#[derive(Debug)]
struct ProxyError {
    proxy: Arc<str>,
    source: TunnelError,
}

impl fmt::Display for ProxyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "could not tunnel through the proxy {}", self.proxy)
    }
}

impl StdError for ProxyError {
    fn source(&self) -> Option<&(dyn StdError + 'static)> {
        Some(&self.source)
    }
}

/// Why a `CONNECT` tunnel could not be opened.
#[derive(Debug)]
pub(crate) enum TunnelError {
    /// The TCP connection to the proxy failed.
    Connect(BoxError),
    /// Writing the request or reading the answer failed.
    Io(std::io::Error),
    /// The proxy closed the connection before its answer was complete.
    UnexpectedEof,
    /// The answer's head is longer than [`MAX_ANSWER_HEAD`].
    AnswerTooLong,
    /// The answer is not an HTTP response.
    Malformed,
    /// The proxy answered with a status other than 2xx.
    Refused {
        /// The status code.
        status: u16,
        /// The reason phrase, shortened to 100 characters.
        reason: String,
    },
}

/// The longest answer head read from a proxy (its status line and headers).
const MAX_ANSWER_HEAD: usize = 8192;

impl TunnelError {
    /// Whether trying again cannot help: the proxy wants other credentials
    /// (407) or forbids the destination (403).
    pub(crate) fn is_final(&self) -> bool {
        matches!(
            self,
            Self::Refused {
                status: 403 | 407,
                ..
            }
        )
    }
}

impl fmt::Display for TunnelError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Connect(_) => f.write_str("could not connect to the proxy"),
            Self::Io(_) => f.write_str("the CONNECT exchange with the proxy failed"),
            Self::UnexpectedEof => {
                f.write_str("the proxy closed the connection before answering CONNECT")
            }
            Self::AnswerTooLong => write!(
                f,
                "the proxy's answer to CONNECT is longer than {MAX_ANSWER_HEAD} bytes"
            ),
            Self::Malformed => f.write_str("the proxy's answer to CONNECT is not an HTTP response"),
            Self::Refused { status: 407, .. } => f.write_str(
                "the proxy requires authorization (407 Proxy Authentication Required): \
                 check the user and password in the proxy URL",
            ),
            Self::Refused { status, reason } => {
                write!(f, "the proxy refused the tunnel: {status} {reason}")
            }
        }
    }
}

impl StdError for TunnelError {
    fn source(&self) -> Option<&(dyn StdError + 'static)> {
        match self {
            Self::Connect(e) => Some(&**e),
            Self::Io(e) => Some(e),
            _ => None,
        }
    }
}

/// Opens a TCP connection to `proxy` and asks it, with `CONNECT`, for a tunnel
/// to `dst`'s host and port (443 for `https`, 80 for `http` when `dst` names
/// none). Any 2xx answer opens the tunnel (RFC 9110, 9.3.6).
async fn open_tunnel(
    mut direct: HttpConnector,
    proxy: Uri,
    auth: Option<HeaderValue>,
    dst: Uri,
) -> Result<TokioIo<TcpStream>, TunnelError> {
    let host = dst.host().ok_or(TunnelError::Malformed)?;
    let port = dst
        .port_u16()
        .unwrap_or(if dst.scheme() == Some(&http::uri::Scheme::HTTP) {
            80
        } else {
            443
        });
    let mut head =
        format!("CONNECT {host}:{port} HTTP/1.1\r\nHost: {host}:{port}\r\n").into_bytes();
    if let Some(auth) = &auth {
        head.extend_from_slice(b"Proxy-Authorization: ");
        head.extend_from_slice(auth.as_bytes());
        head.extend_from_slice(b"\r\n");
    }
    head.extend_from_slice(b"\r\n");
    let mut io = direct
        .call(proxy)
        .await
        .map_err(|e| TunnelError::Connect(e.into()))?;
    let stream = io.inner_mut();
    stream.write_all(&head).await.map_err(TunnelError::Io)?;
    let mut answer = vec![0u8; MAX_ANSWER_HEAD];
    let mut filled = 0;
    loop {
        let n = stream
            .read(&mut answer[filled..])
            .await
            .map_err(TunnelError::Io)?;
        if n == 0 {
            return Err(TunnelError::UnexpectedEof);
        }
        filled += n;
        let mut headers = [httparse::EMPTY_HEADER; 64];
        let mut response = httparse::Response::new(&mut headers);
        match response.parse(&answer[..filled]) {
            Ok(httparse::Status::Complete(_)) => {
                return match response.code {
                    Some(200..=299) => Ok(io),
                    Some(status) => Err(TunnelError::Refused {
                        status,
                        reason: response.reason.unwrap_or("").chars().take(100).collect(),
                    }),
                    None => Err(TunnelError::Malformed),
                };
            }
            Ok(httparse::Status::Partial) if filled == answer.len() => {
                return Err(TunnelError::AnswerTooLong);
            }
            Ok(httparse::Status::Partial) => {}
            Err(_) => return Err(TunnelError::Malformed),
        }
    }
}

/// Whether `error`'s chain of causes holds a proxy's final refusal of a tunnel
/// (see [`TunnelError::is_final`]).
pub(crate) fn proxy_refused(error: &(dyn StdError + 'static)) -> bool {
    let mut next = Some(error);
    while let Some(e) = next {
        if e.downcast_ref::<TunnelError>()
            .is_some_and(TunnelError::is_final)
        {
            return true;
        }
        next = e.source();
    }
    false
}

/// Whether `host` is a loopback name or address (IPv4-mapped IPv6 included),
/// which is never proxied.
fn is_loopback(host: &str) -> bool {
    let host = host.trim_start_matches('[').trim_end_matches(']');
    host.eq_ignore_ascii_case("localhost")
        || host
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.to_canonical().is_loopback())
}

/// TCP connections, direct or through a `CONNECT` tunnel.
#[derive(Clone)]
pub(super) struct ProxyConnector {
    direct: HttpConnector,
    route: Option<Route>,
}

impl ProxyConnector {
    pub(super) fn new(direct: HttpConnector, route: Option<Route>) -> Self {
        Self { direct, route }
    }
}

impl Service<Uri> for ProxyConnector {
    type Response = TokioIo<TcpStream>;
    type Error = BoxError;
    type Future = Pin<Box<dyn Future<Output = Result<Self::Response, BoxError>> + Send>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.direct.poll_ready(cx).map_err(Into::into)
    }

    fn call(&mut self, dst: Uri) -> Self::Future {
        let route = self.route.as_ref();
        match route.and_then(|r| r.intercept(&dst).map(|i| (i, Arc::clone(&r.shown)))) {
            Some((intercept, proxy)) => {
                let opening = open_tunnel(
                    self.direct.clone(),
                    intercept.uri().clone(),
                    intercept.basic_auth().cloned(),
                    dst,
                );
                Box::pin(async move {
                    opening
                        .await
                        .map_err(|source| Box::new(ProxyError { proxy, source }) as BoxError)
                })
            }
            None => {
                let connecting = self.direct.call(dst);
                Box::pin(async move { connecting.await.map_err(Into::into) })
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_hides_the_password() {
        let url = ProxyUrl::new("http://alice:s3cret@proxy.example:3128");
        let shown = format!("{url:?}");
        assert!(!shown.contains("s3cret"), "{shown}");
        assert!(shown.contains("alice:***@proxy.example:3128"), "{shown}");
        assert_eq!(
            format!("{:?}", ProxyUrl::new("http://proxy:8080")),
            "ProxyUrl(\"http://proxy:8080\")"
        );
        // Without a scheme, and with a path: still hidden.
        for (url, shown) in [
            ("u:pw@proxy:3128", "u:***@proxy:3128"),
            ("http://u:p%40w@proxy:3128/x", "http://u:***@proxy:3128/x"),
            ("u@proxy", "u:***@proxy"),
        ] {
            let debug = format!("{:?}", ProxyUrl::new(url));
            assert!(
                debug.contains(shown) && !debug.contains("pw") && !debug.contains("p%40w"),
                "{debug}"
            );
        }
        let err =
            Route::new(&ProxyUrl::new("u:pw@proxy:99999"), None).expect_err("port out of range");
        assert!(
            err.contains("u:***@proxy:99999") && !err.contains("pw"),
            "{err}"
        );
    }

    #[test]
    fn bad_proxy_urls_are_named_without_their_password() {
        for (url, expect) in [
            ("https://u:pw@proxy:443", "only http:// proxies"),
            ("socks5://u:pw@proxy:1080", "only http:// proxies"),
            ("http://u:pw@", "proxy URL"),
        ] {
            let err = Route::new(&ProxyUrl::new(url), None)
                .err()
                .unwrap_or_else(|| panic!("{url} should be rejected"));
            assert!(err.contains(expect), "{url}: {err}");
            assert!(!err.contains("pw"), "{url}: {err}");
        }
        assert!(Route::new(&ProxyUrl::new("http://proxy.internal:3128"), Some("")).is_ok());
        // `host:port` is read as an http:// proxy, as Go and curl do.
        let bare = Route::new(&ProxyUrl::new("proxy.internal:3128"), None).expect("bare");
        let dst: Uri = "https://bedrock-runtime.us-east-1.amazonaws.com"
            .parse()
            .expect("uri");
        let via = bare.intercept(&dst).expect("intercepted");
        assert_eq!(via.uri().host(), Some("proxy.internal"));
        assert_eq!(via.uri().port_u16(), Some(3128));
    }

    #[test]
    fn only_https_to_non_loopback_hosts_outside_no_proxy_is_tunnelled() {
        let route = Route::new(
            &ProxyUrl::new("http://u:pw@proxy.internal:3128"),
            Some("internal.example,.corp"),
        )
        .expect("route");
        let goes = |dst: &str| route.intercept(&dst.parse().expect("uri")).is_some();
        assert!(goes("https://bedrock-runtime.us-east-1.amazonaws.com"));
        assert!(!goes("http://bedrock-runtime.us-east-1.amazonaws.com"));
        assert!(!goes("https://internal.example"));
        assert!(!goes("https://api.corp"));
        for local in [
            "https://localhost:4443",
            "https://127.0.0.1:4443",
            "https://127.8.9.10:4443",
            "https://[::1]:4443",
            "https://[::ffff:127.0.0.1]:4443",
        ] {
            assert!(!goes(local), "{local}");
        }
        let dst: Uri = "https://bedrock-runtime.us-east-1.amazonaws.com"
            .parse()
            .expect("uri");
        let intercept = route.intercept(&dst).expect("intercepted");
        assert_eq!(intercept.uri().host(), Some("proxy.internal"));
        assert!(intercept.basic_auth().is_some());
    }

    #[test]
    fn no_proxy_entries_are_read_like_go_and_curl() {
        let no = NoProxy::parse(
            " *.corp, internal.example:8443, [fd00::1], 10.0.0.0/8, 192.168.1.7:3128, .svc.local,, ",
        );
        for host in [
            "api.corp",
            "corp",
            "internal.example",
            "a.internal.example",
            "[fd00::1]",
            "10.20.30.40",
            "192.168.1.7",
            "x.svc.local",
            "svc.local",
            "API.CORP.",
        ] {
            assert!(no.contains(host), "{host} should bypass");
        }
        for host in [
            "notcorp",
            "example",
            "xinternal.example",
            "[fd00::2]",
            "11.0.0.1",
            "192.168.1.8",
        ] {
            assert!(!no.contains(host), "{host} should not bypass");
        }
        assert!(NoProxy::parse("*").contains("anything.example"));
        assert!(!NoProxy::parse("").contains("anything.example"));
        // An IPv4-mapped IPv6 address is matched as the IPv4 address it maps.
        assert!(NoProxy::parse("10.0.0.0/8").contains("[::ffff:10.0.0.1]"));
    }

    #[tokio::test]
    async fn a_failed_tunnel_names_the_proxy_and_keeps_the_cause() {
        // Nothing listens on port 9 of 127.0.0.2's loopback... use a closed port on 127.0.0.1.
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        let port = listener.local_addr().expect("addr").port();
        drop(listener);
        let route = Route::new(
            &ProxyUrl::new(format!("http://u:pw@127.0.0.1:{port}")),
            None,
        )
        .expect("route");
        let mut connector = ProxyConnector::new(HttpConnector::new(), Some(route));
        let err = connector
            .call(
                "https://bedrock-runtime.us-east-1.amazonaws.com"
                    .parse()
                    .expect("uri"),
            )
            .await
            .expect_err("the proxy is down");
        let mut text = err.to_string();
        let mut cause = err.source();
        while let Some(c) = cause {
            text.push_str(": ");
            text.push_str(&c.to_string());
            cause = c.source();
        }
        assert!(text.contains(&format!("u:***@127.0.0.1:{port}")), "{text}");
        assert!(!text.contains("pw"), "{text}");
        assert!(text.to_ascii_lowercase().contains("refused"), "{text}");
    }
}
