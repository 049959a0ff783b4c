//! Model ids on the wire, cross-region inference profiles and region routing.
//!
//! - Model ids are percent-encoded as one path segment: `:` becomes `%3A` and
//!   the `/` of an ARN becomes `%2F`. The signer signs exactly the path that is
//!   sent (see [`crate::signing`]).
//! - A cross-region inference profile prefix (`us.`, `us-gov.`, `eu.`,
//!   `apac.`, `jp.`, `au.`, `global.`) must be called from a region of its
//!   geography. When the configured region is outside it, the call goes to the
//!   profile's home region instead (as GoAI does), e.g. `eu.` from `us-east-1`
//!   goes to `eu-west-1`. `global.` works from any region.
//! - An ARN names its region; calls go there.

/// A cross-region inference profile geography.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Geo {
    /// The id prefix, with its dot.
    pub(crate) prefix: &'static str,
    /// The region used when the configured one is outside the geography.
    pub(crate) home_region: &'static str,
    matches: fn(&str) -> bool,
}

impl PartialEq for Geo {
    fn eq(&self, other: &Self) -> bool {
        self.prefix == other.prefix
    }
}

impl Eq for Geo {}

impl Geo {
    /// Whether `region` can serve this profile.
    pub(crate) fn serves(&self, region: &str) -> bool {
        (self.matches)(region)
    }
}

/// Every recognized inference profile prefix. Order matters: `us-gov.` before `us.`.
pub(crate) const GEOS: &[Geo] = &[
    Geo {
        prefix: "us-gov.",
        home_region: "us-gov-west-1",
        matches: |r| r.starts_with("us-gov-"),
    },
    Geo {
        prefix: "us.",
        home_region: "us-east-1",
        matches: |r| r.starts_with("us-") && !r.starts_with("us-gov-"),
    },
    Geo {
        prefix: "eu.",
        home_region: "eu-west-1",
        matches: |r| r.starts_with("eu-"),
    },
    Geo {
        prefix: "apac.",
        home_region: "ap-southeast-1",
        matches: |r| r.starts_with("ap-"),
    },
    Geo {
        prefix: "jp.",
        home_region: "ap-northeast-1",
        matches: |r| matches!(r, "ap-northeast-1" | "ap-northeast-3"),
    },
    Geo {
        prefix: "au.",
        home_region: "ap-southeast-2",
        matches: |r| matches!(r, "ap-southeast-2" | "ap-southeast-4"),
    },
    Geo {
        prefix: "global.",
        home_region: "us-east-1",
        matches: |_| true,
    },
];

/// What kind of model identifier the caller gave.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum ModelIdKind {
    /// A foundation model id such as `anthropic.claude-3-haiku-20240307-v1:0`.
    Bare,
    /// A cross-region inference profile id such as `us.anthropic...`.
    Profile(Geo),
    /// An ARN (inference profile, provisioned throughput, imported model, ...),
    /// with the region it names.
    Arn { region: Option<String> },
}

/// Classifies a model id.
pub(crate) fn classify(model_id: &str) -> ModelIdKind {
    if let Some(rest) = model_id.strip_prefix("arn:") {
        // arn:partition:service:region:account:resource
        let region = rest
            .split(':')
            .nth(2)
            .filter(|r| !r.is_empty())
            .map(str::to_owned);
        return ModelIdKind::Arn { region };
    }
    match GEOS.iter().find(|g| model_id.starts_with(g.prefix)) {
        Some(geo) => ModelIdKind::Profile(*geo),
        None => ModelIdKind::Bare,
    }
}

/// The region a call for `model_id` goes to when `configured` is the client's region.
pub(crate) fn route_region(model_id: &str, configured: &str) -> String {
    match classify(model_id) {
        ModelIdKind::Profile(geo) if !geo.serves(configured) => geo.home_region.to_owned(),
        ModelIdKind::Arn {
            region: Some(region),
        } => region,
        _ => configured.to_owned(),
    }
}

/// Whether `region` is safe to put into a host name.
pub(crate) fn is_valid_region(region: &str) -> bool {
    let bytes = region.as_bytes();
    !bytes.is_empty()
        && bytes.len() <= 63
        && bytes[0].is_ascii_lowercase()
        && bytes
            .iter()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || *b == b'-')
}

/// `segment` percent-encoded as one URI path segment (see [`push_path_segment`]).
#[cfg(test)]
pub(crate) fn encode_path_segment(segment: &str) -> String {
    let mut out = String::with_capacity(segment.len() + 8);
    push_path_segment(&mut out, segment);
    out
}

/// Appends `segment` percent-encoded as one URI path segment: everything but
/// the RFC 3986 unreserved characters (`A-Z a-z 0-9 - _ . ~`) becomes `%XX`.
fn push_path_segment(out: &mut String, segment: &str) {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    for b in segment.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(char::from(b));
        } else {
            out.push('%');
            out.push(char::from(HEX[usize::from(b >> 4)]));
            out.push(char::from(HEX[usize::from(b & 0xf)]));
        }
    }
}

/// Appends the wire path of a model operation, `/model/{encoded id}/{operation}`.
pub(crate) fn push_model_path(out: &mut String, model_id: &str, operation: &str) {
    out.push_str("/model/");
    push_path_segment(out, model_id);
    out.push('/');
    out.push_str(operation);
}

/// The wire path of a model operation: `/model/{encoded id}/{operation}`.
#[cfg(test)]
pub(crate) fn model_path(model_id: &str, operation: &str) -> String {
    let mut out = String::new();
    push_model_path(&mut out, model_id, operation);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodes_colons_and_arn_slashes() {
        assert_eq!(
            model_path("anthropic.claude-3-haiku-20240307-v1:0", "converse"),
            "/model/anthropic.claude-3-haiku-20240307-v1%3A0/converse"
        );
        assert_eq!(
            model_path(
                "arn:aws:bedrock:us-west-2:123456789012:inference-profile/us.meta.llama3-1-8b-instruct-v1:0",
                "converse-stream"
            ),
            "/model/arn%3Aaws%3Abedrock%3Aus-west-2%3A123456789012%3Ainference-profile%2Fus.meta.llama3-1-8b-instruct-v1%3A0/converse-stream"
        );
        assert_eq!(encode_path_segment("a b~é"), "a%20b~%C3%A9");
    }

    #[test]
    fn recognizes_every_prefix() {
        for (id, prefix) in [
            ("us.anthropic.claude-sonnet-4-6", "us."),
            ("us-gov.anthropic.claude-3-haiku-20240307-v1:0", "us-gov."),
            ("eu.amazon.nova-pro-v1:0", "eu."),
            ("apac.amazon.nova-lite-v1:0", "apac."),
            ("jp.anthropic.claude-sonnet-4-5-20250929-v1:0", "jp."),
            ("au.anthropic.claude-haiku-4-5-20251001-v1:0", "au."),
            ("global.anthropic.claude-opus-4-5-20251101-v1:0", "global."),
        ] {
            match classify(id) {
                ModelIdKind::Profile(geo) => assert_eq!(geo.prefix, prefix, "{id}"),
                other => panic!("{id}: {other:?}"),
            }
        }
        assert_eq!(
            classify("anthropic.claude-3-haiku-20240307-v1:0"),
            ModelIdKind::Bare
        );
        // A vendor name that merely starts like a geo is not a prefix.
        assert_eq!(classify("usage.model"), ModelIdKind::Bare);
    }

    #[test]
    fn routes_profiles_to_their_geography() {
        assert_eq!(route_region("us.x", "us-west-2"), "us-west-2");
        assert_eq!(route_region("us.x", "eu-central-1"), "us-east-1");
        assert_eq!(route_region("us.x", "us-gov-west-1"), "us-east-1");
        assert_eq!(route_region("us-gov.x", "us-east-1"), "us-gov-west-1");
        assert_eq!(route_region("eu.x", "us-east-1"), "eu-west-1");
        assert_eq!(route_region("eu.x", "eu-central-1"), "eu-central-1");
        assert_eq!(route_region("apac.x", "ap-northeast-2"), "ap-northeast-2");
        assert_eq!(route_region("apac.x", "us-east-1"), "ap-southeast-1");
        assert_eq!(route_region("jp.x", "ap-northeast-3"), "ap-northeast-3");
        assert_eq!(route_region("jp.x", "ap-southeast-1"), "ap-northeast-1");
        assert_eq!(route_region("au.x", "ap-southeast-4"), "ap-southeast-4");
        assert_eq!(route_region("au.x", "eu-west-1"), "ap-southeast-2");
        assert_eq!(route_region("global.x", "eu-north-1"), "eu-north-1");
        assert_eq!(route_region("anthropic.x", "eu-north-1"), "eu-north-1");
        assert_eq!(
            route_region(
                "arn:aws:bedrock:eu-west-3:1:provisioned-model/abc",
                "us-east-1"
            ),
            "eu-west-3"
        );
        assert_eq!(
            route_region("arn:aws:bedrock::1:x", "us-east-1"),
            "us-east-1"
        );
    }

    #[test]
    fn region_validation() {
        assert!(is_valid_region("us-east-1"));
        assert!(!is_valid_region(""));
        assert!(!is_valid_region("evil.com/x"));
        assert!(!is_valid_region("US-EAST-1"));
        assert!(!is_valid_region("1us"));
    }
}
