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

use http::Uri;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::client::legacy::connect::proxy::Tunnel;
use hyper_util::client::proxy::matcher::Matcher;
use hyper_util::rt::TokioIo;
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

    /// The URL without the password of its user info.
    fn redacted(&self) -> String {
        match self.0.split_once("://") {
            Some((scheme, rest)) => match rest.rsplit_once('@') {
                Some((user_info, host)) => {
                    let user = user_info.split(':').next().unwrap_or_default();
                    format!("{scheme}://{user}:***@{host}")
                }
                None => self.0.clone(),
            },
            None => self.0.clone(),
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
        let matcher = Matcher::builder()
            .https(url)
            .no(no_proxy.unwrap_or_default())
            .build();
        Ok(Self {
            matcher: Arc::new(matcher),
        })
    }
}

/// Whether `host` is a loopback name or address, which is never proxied.
fn is_loopback(host: &str) -> bool {
    let host = host.trim_start_matches('[').trim_end_matches(']');
    host.eq_ignore_ascii_case("localhost")
        || host
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
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
        let intercept = self
            .route
            .as_ref()
            .filter(|_| !dst.host().is_some_and(is_loopback))
            .and_then(|route| route.matcher.intercept(&dst));
        match intercept {
            Some(intercept) => {
                let mut tunnel = Tunnel::new(intercept.uri().clone(), self.direct.clone());
                if let Some(auth) = intercept.basic_auth() {
                    tunnel = tunnel.with_auth(auth.clone());
                }
                Box::pin(async move {
                    tunnel
                        .call(dst)
                        .await
                        .map_err(|e| format!("proxy tunnel failed: {e}").into())
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
        let via = bare.matcher.intercept(&dst).expect("intercepted");
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
        let goes = |dst: &str| {
            let dst: Uri = dst.parse().expect("uri");
            !dst.host().is_some_and(is_loopback) && route.matcher.intercept(&dst).is_some()
        };
        assert!(goes("https://bedrock-runtime.us-east-1.amazonaws.com"));
        assert!(!goes("http://bedrock-runtime.us-east-1.amazonaws.com"));
        assert!(!goes("https://internal.example"));
        assert!(!goes("https://api.corp"));
        for local in [
            "https://localhost:4443",
            "https://127.0.0.1:4443",
            "https://[::1]:4443",
        ] {
            assert!(!goes(local), "{local}");
        }
        let dst: Uri = "https://bedrock-runtime.us-east-1.amazonaws.com"
            .parse()
            .expect("uri");
        let intercept = route.matcher.intercept(&dst).expect("intercepted");
        assert_eq!(intercept.uri().host(), Some("proxy.internal"));
        assert!(intercept.basic_auth().is_some());
    }
}
