//! The SigV4 canonical request, built into reusable buffers.
//!
//! ```text
//! CanonicalRequest =
//!   HTTPRequestMethod + '\n' +
//!   CanonicalURI + '\n' +
//!   CanonicalQueryString + '\n' +
//!   CanonicalHeaders + '\n' +
//!   SignedHeaders + '\n' +
//!   HexEncode(Hash(RequestPayload))
//! ```
//! See <https://docs.aws.amazon.com/IAM/latest/UserGuide/create-signed-request.html>.

use std::borrow::Cow;

use crate::encoding::{
    form_decode_into, form_is_plain, is_token, push_path_as_sent, push_path_encoded,
    push_uri_encoded,
};
use crate::error::Error;
use crate::request::Target;
use crate::settings::PercentEncoding;

/// Which headers go into the canonical request.
#[derive(Debug, Clone, Copy)]
pub(crate) enum HeaderPlan<'p> {
    /// Client side: every request header except the excluded ones, plus `host` when the
    /// request has none, plus `extras`, which replace request headers of the same name.
    Sign {
        excluded: &'static [&'static str],
        also_excluded: &'p [&'static str],
        extras: &'p [(&'static str, &'p str)],
    },
    /// Server side: exactly the headers named by a received `SignedHeaders` list
    /// (lower case, `;`-separated, already checked to be sorted and unique).
    Verify { signed_headers: &'p str },
}

/// Everything the canonical request is made of.
#[derive(Debug, Clone, Copy)]
pub(crate) struct CanonicalInput<'p> {
    pub(crate) method: &'p str,
    pub(crate) target: Target<'p>,
    pub(crate) headers: &'p [(&'p str, &'p str)],
    pub(crate) plan: HeaderPlan<'p>,
    /// Extra query parameters (raw, unencoded), e.g. the presigning ones.
    pub(crate) extra_params: &'p [(&'static str, &'p str)],
    /// Add `X-Amz-SignedHeaders` with the computed list to the query (client presigning).
    pub(crate) signed_headers_param: bool,
    /// Query parameters left out of the canonical query, by exact (decoded) name; a server
    /// checking a presigned URL leaves out `X-Amz-Signature`.
    pub(crate) skip_params: &'p [&'static str],
    pub(crate) payload_hash: &'p str,
    pub(crate) encoding: PercentEncoding,
    pub(crate) normalize_path: bool,
}

#[derive(Debug, Clone, Copy)]
enum Source {
    Request(usize),
    Host,
    Extra(usize),
}

/// Reusable buffers; after a few requests, building a canonical request allocates nothing.
#[derive(Debug, Default)]
pub(crate) struct Canonicalizer {
    /// The canonical request of the last build.
    pub(crate) out: String,
    /// The `SignedHeaders` value of the last build.
    pub(crate) signed_headers: String,
    /// Selected headers: where the value comes from, and the lower-case name as a range of
    /// `names`.
    entries: Vec<(Source, usize, usize)>,
    names: String,
    pairs: Vec<(usize, usize, usize)>,
    query: String,
    decoded: Vec<u8>,
    segments: Vec<(usize, usize)>,
    /// The first three lines (method, path, query) of the last canonical request built
    /// without extra or skipped query parameters, and what they were built from.
    lines: RequestLines,
    /// What the current `entries`, `names` and `signed_headers` were selected from.
    selection: SelectionKey,
}

/// The inputs of a client-side header selection: the request's header names in order,
/// the added headers' names, the exclusions, and whether the target names a host.
#[derive(Debug, Default)]
struct SelectionKey {
    valid: bool,
    names: String,
    lens: Vec<usize>,
    extras: Vec<&'static str>,
    excluded: &'static [&'static str],
    also_excluded: Vec<&'static str>,
    target_host: bool,
}

impl SelectionKey {
    fn matches(
        &self,
        input: &CanonicalInput<'_>,
        excluded: &[&str],
        also_excluded: &[&str],
        extras: &[(&str, &str)],
    ) -> bool {
        if !self.valid
            || self.target_host != input.target.host.is_some()
            || self.lens.len() != input.headers.len()
            || self.extras.len() != extras.len()
            || self.excluded != excluded
            || self.also_excluded != also_excluded
        {
            return false;
        }
        let mut offset = 0;
        for ((name, _), &len) in input.headers.iter().zip(&self.lens) {
            if self.names.get(offset..offset + len) != Some(*name) {
                return false;
            }
            offset += len;
        }
        self.extras.iter().zip(extras).all(|(a, (b, _))| a == b)
    }

    fn set(
        &mut self,
        input: &CanonicalInput<'_>,
        excluded: &'static [&'static str],
        also_excluded: &[&'static str],
        extras: &[(&'static str, &str)],
    ) {
        self.names.clear();
        self.lens.clear();
        for (name, _) in input.headers {
            self.names.push_str(name);
            self.lens.push(name.len());
        }
        self.extras.clear();
        self.extras.extend(extras.iter().map(|(name, _)| *name));
        self.excluded = excluded;
        self.also_excluded.clear();
        self.also_excluded.extend_from_slice(also_excluded);
        self.target_host = input.target.host.is_some();
        self.valid = true;
    }
}

#[derive(Debug, Default)]
struct RequestLines {
    valid: bool,
    method: String,
    path: String,
    query: Option<String>,
    encoding: Option<PercentEncoding>,
    normalize_path: bool,
    text: String,
}

impl RequestLines {
    fn matches(&self, input: &CanonicalInput<'_>) -> bool {
        self.valid
            && self.encoding == Some(input.encoding)
            && self.normalize_path == input.normalize_path
            && self.method == input.method
            && self.path == input.target.path
            && self.query.as_deref() == input.target.query
    }
}

fn name_of<'p>(input: &CanonicalInput<'p>, source: Source) -> &'p str {
    match source {
        Source::Request(i) => input.headers.get(i).map_or("", |h| h.0),
        Source::Host => "host",
        Source::Extra(i) => match input.plan {
            HeaderPlan::Sign { extras, .. } => extras.get(i).map_or("", |h| h.0),
            HeaderPlan::Verify { .. } => "",
        },
    }
}

fn value_of<'p>(input: &CanonicalInput<'p>, source: Source) -> &'p str {
    match source {
        Source::Request(i) => input.headers.get(i).map_or("", |h| h.1),
        Source::Host => input.target.host.unwrap_or(""),
        Source::Extra(i) => match input.plan {
            HeaderPlan::Sign { extras, .. } => extras.get(i).map_or("", |h| h.1),
            HeaderPlan::Verify { .. } => "",
        },
    }
}

/// Whether any byte is a space, a control character (tab included) or DEL; eight bytes at
/// a time.
fn has_space_or_control(bytes: &[u8]) -> bool {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let words = bytes.chunks_exact(8);
    let tail = words.remainder();
    let mut found = 0u64;
    for word in words {
        let x = u64::from_le_bytes(<[u8; 8]>::try_from(word).unwrap_or_default());
        // Some byte is below 0x21 (exact as a whole, though not per byte), or is 0x7f.
        let y = x ^ (ONES * 0x7f);
        found |= (x.wrapping_sub(ONES * 0x21) & !x) | (y.wrapping_sub(ONES) & !y);
    }
    found & HIGH != 0 || tail.iter().any(|&b| b <= b' ' || b == 0x7f)
}

/// Header value bytes: 0 ordinary, 1 space, 3 control (other than tab) or DEL.
static VALUE_CLASS: [u8; 256] = {
    let mut table = [0u8; 256];
    let mut b = 0;
    while b < 256 {
        table[b] = if b == b' ' as usize {
            1
        } else if (b < 0x20 && b != b'\t' as usize) || b == 0x7f {
            3
        } else {
            0
        };
        b += 1;
    }
    table
};

/// Header name bytes: 0 not a `tchar`, 1 a `tchar` that is not upper case, 3 upper case.
static NAME_CLASS: [u8; 256] = {
    let tchar = crate::encoding::tchar_table();
    let mut table = [0u8; 256];
    let mut b = 0;
    while b < 256 {
        table[b] = if !tchar[b] {
            0
        } else if (b as u8).is_ascii_uppercase() {
            3
        } else {
            1
        };
        b += 1;
    }
    table
};

/// Appends a header name lower-cased to `names`, or fails if it is not an RFC 9110 token.
fn push_lower_name(names: &mut String, name: &str) -> Result<(), Error> {
    let mut all = 1u8;
    let mut any = 0u8;
    for &b in name.as_bytes() {
        let class = NAME_CLASS[usize::from(b)];
        all &= class;
        any |= class;
    }
    if name.is_empty() || all == 0 {
        return Err(Error::InvalidHeaderName {
            name: name.to_owned(),
        });
    }
    let start = names.len();
    names.push_str(name);
    if any & 2 != 0
        && let Some(added) = names.get_mut(start..)
    {
        added.make_ascii_lowercase();
    }
    Ok(())
}

/// Writes a header value trimmed, with runs of spaces collapsed to one and obsolete line
/// folds (a line break followed by spaces or tabs) replaced by one space.
/// Fails on other control characters.
fn normalize_value(out: &mut String, value: &str) -> Result<(), ()> {
    let bytes = value.as_bytes();
    // Fast path: nothing to trim, fold or collapse, and no control characters. A byte
    // stops it when it is a control (class 3) or a space after a space (1 & 1).
    let mut plain = bytes.first() != Some(&b' ') && bytes.last() != Some(&b' ');
    if plain && !has_space_or_control(bytes) {
        out.push_str(value);
        return Ok(());
    }
    let mut previous = 0u8;
    for &b in bytes {
        let class = VALUE_CLASS[usize::from(b)];
        if class & (previous | 2) != 0 {
            plain = false;
            break;
        }
        previous = class;
    }
    if plain {
        out.push_str(value);
        return Ok(());
    }
    let mut pending_space = false;
    let mut wrote_any = false;
    let mut run_start: Option<usize> = None;
    let flush = |out: &mut String, run_start: &mut Option<usize>, end: usize| {
        if let Some(run) = run_start.take().and_then(|start| value.get(start..end)) {
            out.push_str(run);
        }
    };
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        match b {
            b' ' => {
                flush(out, &mut run_start, i);
                pending_space = true;
                i += 1;
            }
            b'\r' | b'\n' => {
                flush(out, &mut run_start, i);
                let mut j = i + 1;
                if b == b'\r' && bytes.get(j) == Some(&b'\n') {
                    j += 1;
                }
                if !matches!(bytes.get(j), Some(b' ' | b'\t')) {
                    return Err(());
                }
                while matches!(bytes.get(j), Some(b' ' | b'\t')) {
                    j += 1;
                }
                pending_space = true;
                i = j;
            }
            b if (b < 0x20 && b != b'\t') || b == 0x7f => return Err(()),
            _ => {
                if run_start.is_none() {
                    if pending_space && wrote_any {
                        out.push(' ');
                    }
                    pending_space = false;
                    wrote_any = true;
                    run_start = Some(i);
                }
                i += 1;
            }
        }
    }
    flush(out, &mut run_start, bytes.len());
    Ok(())
}

/// Whether removing dot segments and empty segments would change `path` (which starts with
/// `/`): some segment other than the trailing one is empty, or a segment is `.` or `..`.
fn needs_normalization(path: &str) -> bool {
    let bytes = path.as_bytes();
    // Every segment follows a '/': look at what comes after each one.
    bytes.iter().enumerate().any(|(i, &b)| {
        b == b'/'
            && matches!(
                bytes.get(i + 1..).unwrap_or_default(),
                [b'/', ..] | [b'.'] | [b'.', b'/', ..] | [b'.', b'.'] | [b'.', b'.', b'/', ..]
            )
    })
}

impl Canonicalizer {
    /// Builds the canonical request into `self.out` and the signed header list into
    /// `self.signed_headers`. The query parameters in `input.extra_params` are added to the
    /// request's own; `X-Amz-SignedHeaders` too when asked.
    pub(crate) fn build(&mut self, input: &CanonicalInput<'_>) -> Result<(), Error> {
        if !is_token(input.method) {
            return Err(Error::InvalidMethod {
                method: input.method.to_owned(),
            });
        }
        self.select_headers(input)?;

        self.out.clear();
        // The request's own method, path and query: the same lines as last time when
        // nothing is added to or left out of the query.
        let reusable = input.extra_params.is_empty()
            && !input.signed_headers_param
            && input.skip_params.is_empty();
        if reusable && self.lines.matches(input) {
            self.out.push_str(&self.lines.text);
        } else {
            self.out.push_str(input.method);
            self.out.push('\n');
            self.write_path(input.target.path, input.encoding, input.normalize_path);
            self.out.push('\n');
            self.write_query(input);
            self.out.push('\n');
            if reusable {
                let lines = &mut self.lines;
                lines.method.clear();
                lines.method.push_str(input.method);
                lines.path.clear();
                lines.path.push_str(input.target.path);
                lines.query = input.target.query.map(str::to_owned);
                lines.encoding = Some(input.encoding);
                lines.normalize_path = input.normalize_path;
                lines.text.clear();
                lines.text.push_str(&self.out);
                lines.valid = true;
            }
        }
        self.write_headers(input)?;
        self.out.push('\n');
        self.out.push_str(&self.signed_headers);
        self.out.push('\n');
        self.out.push_str(input.payload_hash);
        Ok(())
    }

    /// Records a selected header, its name lower-cased into `self.names`.
    fn push_entry(&mut self, source: Source, name: &str) {
        let start = self.names.len();
        self.names.push_str(name);
        if let Some(added) = self.names.get_mut(start..) {
            added.make_ascii_lowercase();
        }
        self.entries.push((source, start, self.names.len()));
    }

    fn select_headers(&mut self, input: &CanonicalInput<'_>) -> Result<(), Error> {
        // The same header names as last time select the same headers.
        if let HeaderPlan::Sign {
            excluded,
            also_excluded,
            extras,
        } = input.plan
            && self
                .selection
                .matches(input, excluded, also_excluded, extras)
        {
            return Ok(());
        }
        self.selection.valid = false;
        self.entries.clear();
        self.names.clear();
        self.signed_headers.clear();
        match input.plan {
            HeaderPlan::Sign {
                excluded,
                also_excluded,
                extras,
            } => {
                let is_excluded = |name: &str| {
                    excluded.iter().any(|e| e.eq_ignore_ascii_case(name))
                        || also_excluded.iter().any(|e| e.eq_ignore_ascii_case(name))
                };
                let mut has_host = false;
                for (i, (name, _)) in input.headers.iter().enumerate() {
                    let start = self.names.len();
                    push_lower_name(&mut self.names, name)?;
                    let lower = self.names.get(start..).unwrap_or("");
                    has_host |= lower == "host";
                    let overridden = extras.iter().any(|(e, _)| e.eq_ignore_ascii_case(lower));
                    if overridden || is_excluded(lower) {
                        self.names.truncate(start);
                    } else {
                        self.entries
                            .push((Source::Request(i), start, self.names.len()));
                    }
                }
                if !has_host && !is_excluded("host") {
                    if input.target.host.is_none() {
                        return Err(Error::MissingHost);
                    }
                    self.push_entry(Source::Host, "host");
                }
                for (i, (name, _)) in extras.iter().enumerate() {
                    let start = self.names.len();
                    push_lower_name(&mut self.names, name)?;
                    let lower = self.names.get(start..).unwrap_or("");
                    if is_excluded(lower) {
                        self.names.truncate(start);
                    } else {
                        self.entries
                            .push((Source::Extra(i), start, self.names.len()));
                    }
                }
                let names = self.names.as_str();
                let name =
                    |&(_, start, end): &(Source, usize, usize)| names.get(start..end).unwrap_or("");
                // Stable: values of repeated names stay in request order. Headers often
                // arrive sorted already.
                if !self.entries.is_sorted_by(|a, b| name(a) <= name(b)) {
                    self.entries.sort_by(|a, b| name(a).cmp(name(b)));
                }
                let mut previous: Option<&str> = None;
                for entry in &self.entries {
                    let current = name(entry);
                    if previous == Some(current) {
                        continue;
                    }
                    if previous.is_some() {
                        self.signed_headers.push(';');
                    }
                    self.signed_headers.push_str(current);
                    previous = Some(current);
                }
                self.selection.set(input, excluded, also_excluded, extras);
            }
            HeaderPlan::Verify { signed_headers } => {
                for wanted in signed_headers.split(';') {
                    let before = self.entries.len();
                    for (i, (name, _)) in input.headers.iter().enumerate() {
                        if name.eq_ignore_ascii_case(wanted) {
                            self.push_entry(Source::Request(i), name);
                        }
                    }
                    if self.entries.len() == before {
                        return Err(Error::MissingSignedHeader {
                            name: wanted.to_owned(),
                        });
                    }
                }
                self.signed_headers.push_str(signed_headers);
            }
        }
        Ok(())
    }

    fn write_headers(&mut self, input: &CanonicalInput<'_>) -> Result<(), Error> {
        let names = self.names.as_str();
        let mut previous: Option<&str> = None;
        for &(source, start, end) in &self.entries {
            let name = names.get(start..end).unwrap_or("");
            if previous == Some(name) {
                self.out.push(',');
            } else {
                if previous.is_some() {
                    self.out.push('\n');
                }
                self.out.push_str(name);
                self.out.push(':');
                previous = Some(name);
            }
            normalize_value(&mut self.out, value_of(input, source)).map_err(|()| {
                Error::InvalidHeaderValue {
                    name: name_of(input, source).to_owned(),
                }
            })?;
        }
        if previous.is_some() {
            self.out.push('\n');
        }
        Ok(())
    }

    fn write_path(&mut self, path: &str, encoding: PercentEncoding, normalize: bool) {
        let push = match encoding {
            PercentEncoding::Double => push_path_encoded,
            PercentEncoding::Single => push_path_as_sent,
        };
        if path.is_empty() {
            self.out.push('/');
            return;
        }
        if !normalize || !needs_normalization(path) {
            if !path.starts_with('/') {
                self.out.push('/');
            }
            push(&mut self.out, path);
            return;
        }
        // RFC 3986 section 5.2.4 "Remove Dot Segments"; empty segments are dropped too.
        self.segments.clear();
        let mut offset = 0;
        for segment in path.split('/') {
            match segment {
                "" | "." => {}
                ".." => {
                    self.segments.pop();
                }
                _ => self.segments.push((offset, offset + segment.len())),
            }
            offset += segment.len() + 1;
        }
        for &(start, end) in &self.segments {
            self.out.push('/');
            push(&mut self.out, path.get(start..end).unwrap_or(""));
        }
        let ends_with_segment = |s: &str| {
            path.strip_suffix(s)
                .is_some_and(|head| head.is_empty() || head.ends_with('/'))
        };
        let trailing_slash =
            path.ends_with('/') || ends_with_segment(".") || ends_with_segment("..");
        if self.segments.is_empty() || trailing_slash {
            self.out.push('/');
        }
    }

    fn write_query(&mut self, input: &CanonicalInput<'_>) {
        self.pairs.clear();
        self.query.clear();
        if let Some(raw) = input.target.query {
            for piece in raw.split('&').filter(|p| !p.is_empty()) {
                let (key, value) = piece.split_once('=').unwrap_or((piece, ""));
                let start = self.query.len();
                self.push_form_component(key);
                let encoded_key = self.query.get(start..).unwrap_or("");
                if input.skip_params.contains(&encoded_key) {
                    self.query.truncate(start);
                    continue;
                }
                let mid = self.query.len();
                self.push_form_component(value);
                self.pairs.push((start, mid, self.query.len()));
            }
        }
        let signed_headers_param = input
            .signed_headers_param
            .then_some(("X-Amz-SignedHeaders", self.signed_headers.as_str()));
        for (key, value) in input
            .extra_params
            .iter()
            .copied()
            .chain(signed_headers_param)
        {
            let start = self.query.len();
            push_uri_encoded(&mut self.query, key);
            let mid = self.query.len();
            push_uri_encoded(&mut self.query, value);
            self.pairs.push((start, mid, self.query.len()));
        }
        let query = self.query.as_str();
        let key = |&(s, m, _): &(usize, usize, usize)| query.get(s..m).unwrap_or("");
        let value = |&(_, m, e): &(usize, usize, usize)| query.get(m..e).unwrap_or("");
        self.pairs
            .sort_unstable_by(|a, b| key(a).cmp(key(b)).then_with(|| value(a).cmp(value(b))));
        for (i, pair) in self.pairs.iter().enumerate() {
            if i > 0 {
                self.out.push('&');
            }
            self.out.push_str(key(pair));
            self.out.push('=');
            self.out.push_str(value(pair));
        }
    }

    /// Decodes a form component and appends it URI-encoded to `self.query`.
    fn push_form_component(&mut self, component: &str) {
        if form_is_plain(component) {
            push_uri_encoded(&mut self.query, component);
        } else {
            form_decode_into(component, &mut self.decoded);
            let text = String::from_utf8_lossy(&self.decoded);
            let text: &str = match &text {
                Cow::Borrowed(s) => s,
                Cow::Owned(s) => s.as_str(),
            };
            push_uri_encoded(&mut self.query, text);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn normalized(value: &str) -> Result<String, ()> {
        let mut s = String::new();
        normalize_value(&mut s, value).map(|()| s)
    }

    #[test]
    fn header_values_are_trimmed_and_folded() {
        assert_eq!(normalized("  a   b  c  ").unwrap(), "a b c");
        assert_eq!(normalized("\"a   b   c\"").unwrap(), "\"a b c\"");
        assert_eq!(
            normalized("value1\n  value2\n     value3").unwrap(),
            "value1 value2 value3"
        );
        assert_eq!(normalized("a\r\n\tb").unwrap(), "a b");
        assert_eq!(normalized("a\tb").unwrap(), "a\tb");
        assert_eq!(normalized("").unwrap(), "");
        assert_eq!(normalized("   ").unwrap(), "");
        assert_eq!(normalized("\u{e9}  \u{e9}").unwrap(), "\u{e9} \u{e9}");
        assert!(normalized("a\nb").is_err());
        assert!(normalized("a\n").is_err());
        assert!(normalized("a\0b").is_err());
        assert!(normalized("a\u{7f}").is_err());
        for (i, bad) in [0u8, 0x1f, 0x7f, b'\r', b'\n'].into_iter().enumerate() {
            let mut value = b"application/vnd.amazon.eventstream".to_vec();
            value[3 + 7 * i] = bad;
            assert!(normalized(std::str::from_utf8(&value).unwrap()).is_err());
        }
        assert_eq!(
            normalized("application/vnd\t.amazon  .event \u{e9}\u{7ff}ream").unwrap(),
            "application/vnd\t.amazon .event \u{e9}\u{7ff}ream"
        );
    }

    fn canonical_path(path: &str, encoding: PercentEncoding, normalize: bool) -> String {
        let mut c = Canonicalizer::default();
        c.write_path(path, encoding, normalize);
        c.out
    }

    #[test]
    fn paths() {
        use PercentEncoding::{Double, Single};
        let cases = [
            ("", "/"),
            ("/", "/"),
            ("/foo", "/foo"),
            ("/foo/bar/", "/foo/bar/"),
            ("//example//", "/example/"),
            ("/./example", "/example"),
            ("/example1/example2/../..", "/"),
            ("/example/..", "/"),
            ("/a/b/.", "/a/b/"),
            ("/a/b/..", "/a/"),
            ("/../foo", "/foo"),
            ("/a/.b/..c", "/a/.b/..c"),
            ("/model/x-v1%3A0/converse", "/model/x-v1%253A0/converse"),
            ("/example space/", "/example%20space/"),
        ];
        for (path, expected) in cases {
            assert_eq!(canonical_path(path, Double, true), expected, "{path}");
        }
        assert_eq!(canonical_path("//example//", Double, false), "//example//");
        assert_eq!(canonical_path("/a/%3A:b", Single, false), "/a/%3A:b");
        assert_eq!(canonical_path("/a/%3A:b", Double, false), "/a/%253A%3Ab");
    }
}
