//! The request to sign (or to verify).

use std::fmt;

/// `UNSIGNED-PAYLOAD`: the payload hash used when the body is not signed.
pub const UNSIGNED_PAYLOAD: &str = "UNSIGNED-PAYLOAD";

/// The SHA-256 of an empty payload, hex encoded.
pub const EMPTY_PAYLOAD_SHA256: &str =
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

/// Where the payload hash of the canonical request comes from.
#[derive(Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Payload<'a> {
    /// The body bytes; the signer hashes them.
    Bytes(&'a [u8]),
    /// A hash computed elsewhere: lower-case hex SHA-256 of the body, or one of the literal
    /// values some services accept (`STREAMING-...`).
    Precomputed(&'a str),
    /// [`UNSIGNED_PAYLOAD`]: the body is not covered by the signature.
    Unsigned,
}

impl fmt::Debug for Payload<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Bytes(bytes) => write!(f, "Bytes({} bytes)", bytes.len()),
            Self::Precomputed(hash) => f.debug_tuple("Precomputed").field(hash).finish(),
            Self::Unsigned => f.write_str("Unsigned"),
        }
    }
}

/// Header names whose values are credentials: `Debug` output hides them.
pub(crate) fn is_sensitive_header(name: &str) -> bool {
    [
        "authorization",
        "proxy-authorization",
        "x-amz-security-token",
        "cookie",
        "set-cookie",
    ]
    .iter()
    .any(|s| name.eq_ignore_ascii_case(s))
}

/// An HTTP request as it goes on the wire, borrowed.
///
/// `target` is either an absolute URL (`https://host[:port]/path?query`) or an origin-form
/// path and query (`/path?query`), exactly as sent: percent-encoding already applied, for
/// example `/model/anthropic.claude-3-haiku-20240307-v1%3A0/converse-stream`. With an
/// origin-form target the headers must include `Host`. With an absolute URL and no `Host`
/// header, the host is taken from the URL with a default port (`:443` for https, `:80` for
/// http) removed. A fragment (`#...`) is ignored.
///
/// # Examples
///
/// ```
/// use sigv4::{Payload, SignableRequest};
/// let headers = [("content-type", "application/json")];
/// let req = SignableRequest::new(
///     "POST",
///     "https://bedrock-runtime.us-east-1.amazonaws.com/model/m/converse",
///     &headers,
///     Payload::Bytes(b"{}"),
/// );
/// assert_eq!(req.method(), "POST");
/// ```
#[derive(Clone, Copy)]
pub struct SignableRequest<'a> {
    method: &'a str,
    target: &'a str,
    headers: &'a [(&'a str, &'a str)],
    payload: Payload<'a>,
}

impl<'a> SignableRequest<'a> {
    /// Describes a request: method, target (see the type docs), headers in the order they
    /// are sent (names in any case, repeated names allowed), and the payload.
    pub fn new(
        method: &'a str,
        target: &'a str,
        headers: &'a [(&'a str, &'a str)],
        payload: Payload<'a>,
    ) -> Self {
        Self {
            method,
            target,
            headers,
            payload,
        }
    }

    /// The method.
    pub fn method(&self) -> &'a str {
        self.method
    }

    /// The target, as given.
    pub fn target(&self) -> &'a str {
        self.target
    }

    /// The headers, as given.
    pub fn headers(&self) -> &'a [(&'a str, &'a str)] {
        self.headers
    }

    /// The payload.
    pub fn payload(&self) -> Payload<'a> {
        self.payload
    }
}

impl fmt::Debug for SignableRequest<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        struct Headers<'h>(&'h [(&'h str, &'h str)]);
        impl fmt::Debug for Headers<'_> {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                let mut list = f.debug_list();
                for (name, value) in self.0 {
                    if is_sensitive_header(name) {
                        list.entry(&(name, "** redacted **"));
                    } else {
                        list.entry(&(name, value));
                    }
                }
                list.finish()
            }
        }
        f.debug_struct("SignableRequest")
            .field("method", &self.method)
            .field("target", &self.target)
            .field("headers", &Headers(self.headers))
            .field("payload", &self.payload)
            .finish()
    }
}

/// The parts of a request target.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Target<'a> {
    /// Host for the canonical `host` header, default port removed; `None` for origin-form.
    pub(crate) host: Option<&'a str>,
    /// The path as sent; may be empty for an absolute URL without a path.
    pub(crate) path: &'a str,
    /// The raw query after `?`, if any.
    pub(crate) query: Option<&'a str>,
}

/// The last target parsed successfully, as offsets: a signer usually sees the same target
/// again and again, and comparing it is cheaper than parsing it.
#[derive(Debug, Default)]
pub(crate) struct TargetCache {
    target: String,
    host: Option<(usize, usize)>,
    path: (usize, usize),
    query: Option<(usize, usize)>,
}

impl TargetCache {
    /// Like [`parse_target`], remembering the result for the next call.
    pub(crate) fn parse<'a>(&mut self, target: &'a str) -> Result<Target<'a>, crate::Error> {
        let slice = |(start, end): (usize, usize)| target.get(start..end).unwrap_or("");
        if self.target == target {
            return Ok(Target {
                host: self.host.map(slice),
                path: slice(self.path),
                query: self.query.map(slice),
            });
        }
        let parsed = parse_target(target)?;
        // Every part is a slice of `target`: keep where it starts and ends.
        let base = target.as_ptr() as usize;
        let range = |part: &str| {
            let start = (part.as_ptr() as usize).wrapping_sub(base);
            (start, start + part.len())
        };
        self.target.clear();
        self.target.push_str(target);
        self.host = parsed.host.map(range);
        self.path = range(parsed.path);
        self.query = parsed.query.map(range);
        Ok(parsed)
    }
}

/// Splits a target into host, path and query.
pub(crate) fn parse_target(target: &str) -> Result<Target<'_>, crate::Error> {
    let bad = |reason: &'static str| crate::Error::InvalidTarget {
        target: target.to_owned(),
        reason,
    };
    let bytes = target.as_bytes();
    let end = target.find('#').unwrap_or(bytes.len());
    let (host, rest_start) = if bytes.first() == Some(&b'/') {
        (None, 0)
    } else {
        // scheme ":" "//" authority
        let scheme_len = bytes
            .iter()
            .position(|&b| !(b.is_ascii_alphanumeric() || matches!(b, b'+' | b'-' | b'.')))
            .unwrap_or(bytes.len());
        let scheme_ok = bytes.first().is_some_and(u8::is_ascii_alphabetic);
        if bytes.get(scheme_len..scheme_len + 3) != Some(b"://") {
            return Err(bad("expected an absolute URL or a path starting with '/'"));
        }
        if !scheme_ok {
            return Err(bad("invalid scheme"));
        }
        let scheme = target.get(..scheme_len).unwrap_or("");
        let authority_start = scheme_len + 3;
        let after = target.get(authority_start..end).unwrap_or("");
        let authority_len = match (after.find('/'), after.find('?')) {
            (Some(a), Some(b)) => a.min(b),
            (Some(a), None) | (None, Some(a)) => a,
            (None, None) => after.len(),
        };
        let authority_end = authority_start + authority_len;
        let authority = target.get(authority_start..authority_end).unwrap_or("");
        // Userinfo never goes into Host.
        let host_port = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
        if host_port.is_empty() {
            return Err(bad("empty authority"));
        }
        if !host_port
            .bytes()
            .all(|b| b.is_ascii_graphic() && !matches!(b, b'/' | b'?' | b'#' | b'@'))
        {
            return Err(bad("invalid character in authority"));
        }
        (Some(strip_default_port(scheme, host_port)), authority_end)
    };
    let rest = target.get(rest_start..end).unwrap_or("");
    let (path, query) = match rest.split_once('?') {
        Some((path, query)) => (path, Some(query)),
        None => (rest, None),
    };
    Ok(Target { host, path, query })
}

fn strip_default_port<'a>(scheme: &str, host_port: &'a str) -> &'a str {
    let bytes = host_port.as_bytes();
    // The port starts after the last ':' that follows any IPv6 literal's ']'.
    let Some(colon) = bytes.iter().rposition(|&b| b == b':' || b == b']') else {
        return host_port;
    };
    if bytes.get(colon) != Some(&b':') {
        return host_port;
    }
    let port = host_port.get(colon + 1..).unwrap_or("");
    let default = if scheme.eq_ignore_ascii_case("https") {
        "443"
    } else if scheme.eq_ignore_ascii_case("http") {
        "80"
    } else {
        return host_port;
    };
    if port == default {
        host_port.get(..colon).unwrap_or(host_port)
    } else {
        host_port
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_targets() {
        let t = parse_target("https://example.com:443/a/b?x=1#frag").unwrap();
        assert_eq!(
            t,
            Target {
                host: Some("example.com"),
                path: "/a/b",
                query: Some("x=1")
            }
        );
        let t = parse_target("http://user:pw@example.com:8080").unwrap();
        assert_eq!(t.host, Some("example.com:8080"));
        assert_eq!(t.path, "");
        assert_eq!(t.query, None);
        assert_eq!(
            parse_target("http://[::1]:80/x").unwrap().host,
            Some("[::1]")
        );
        assert_eq!(parse_target("http://[::1]/x").unwrap().host, Some("[::1]"));
        assert_eq!(parse_target("https://h:80/").unwrap().host, Some("h:80"));
        let t = parse_target("/p?").unwrap();
        assert_eq!((t.host, t.path, t.query), (None, "/p", Some("")));
        assert_eq!(parse_target("https://h?q").unwrap().query, Some("q"));
    }

    #[test]
    fn cached_parses_match() {
        let mut cache = TargetCache::default();
        for target in [
            "https://example.com:443/a/b?x=1#frag",
            "https://example.com:443/a/b?x=1#frag",
            "/p?",
            "/p?",
            "http://user:pw@example.com:8080",
            "http://user:pw@example.com:8080",
            "https://h?q",
            "",
            "https://h?q",
        ] {
            let expected = parse_target(target);
            let got = cache.parse(target);
            assert_eq!(got.ok(), expected.ok(), "{target}");
        }
    }

    #[test]
    fn rejects_bad_targets() {
        for bad in [
            "",
            "example.com/x",
            "1http://h/",
            "https:///x",
            "https://h h/",
        ] {
            assert!(
                matches!(parse_target(bad), Err(crate::Error::InvalidTarget { .. })),
                "{bad}"
            );
        }
    }

    #[test]
    fn debug_redacts_sensitive_headers() {
        let headers = [
            ("Authorization", "AWS4 secret"),
            ("X-Amz-Security-Token", "tok"),
        ];
        let req = SignableRequest::new("GET", "/", &headers, Payload::Bytes(b"body"));
        let shown = format!("{req:?}");
        assert!(!shown.contains("secret"));
        assert!(!shown.contains("tok\""));
        assert!(!shown.contains("body"));
    }
}
