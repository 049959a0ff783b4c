//! A `Signer` reused across many different requests (its caches of the parsed target, the
//! scope, the first canonical lines and the SHA-256 prefix state) gives exactly what a
//! fresh `Signer` gives, for signing and for server-side recomputation.

use std::time::{Duration, UNIX_EPOCH};

use proptest::prelude::*;
use sigv4::{
    Credentials, ParsedAuthorization, Payload, PercentEncoding, SessionTokenMode, SignableRequest,
    Signer, SigningKeyCache, SigningParams, SigningSettings,
};

const TARGETS: &[&str] = &[
    "https://bedrock-runtime.us-east-1.amazonaws.com/model/anthropic.claude-3-haiku-20240307-v1%3A0/converse-stream",
    "https://bedrock-runtime.us-east-1.amazonaws.com/model/anthropic.claude-3-haiku-20240307-v1%3A0/converse",
    "https://bedrock-runtime.us-east-1.amazonaws.com/model/arn%3Aaws%3Abedrock%3Aus-east-1%3A123456789012%3Ainference-profile%2Fus.anthropic.claude-3-haiku-20240307-v1%3A0/converse-stream",
    "https://bedrock-runtime.us-east-1.amazonaws.com:443/model/m/converse?b=2&a=1&a=0",
    "https://bedrock-runtime.us-east-1.amazonaws.com/model/m/converse?a=%20x+y&c",
    "http://example.com:8080/a/./b/../c//d/?x=%2F",
    "/a/./b/../c//d/",
    "/example space/\u{e9}?q=\u{e9}",
];

fn headers(set: u8) -> Vec<(&'static str, &'static str)> {
    let mut headers = vec![
        ("content-type", "application/json"),
        ("Accept", "application/vnd.amazon.eventstream"),
        ("Host", "example.com"),
        ("X-Custom", "  a   b  "),
        ("x-custom", "c"),
        ("User-Agent", "test"),
        ("X-Amz-Date", "19990101T000000Z"),
        ("X-Amz-User-Agent", "sdk/1"),
    ];
    let mut i = 0;
    headers.retain(|_| {
        i += 1;
        set & (1 << (i - 1)) != 0
    });
    headers
}

prop_compose! {
    fn step()(
        target in 0..TARGETS.len(),
        // A few header sets, so that consecutive requests often share their header names.
        header_set in prop::sample::select(vec![0b0000_0011u8, 0b0000_0111, 0b1000_0011, 0b1111_1111, 0b0101_1011]),
        method in prop::sample::select(vec!["POST", "GET", "PUT"]),
        body_len in prop::sample::select(vec![0usize, 3, 64, 1000]),
        secs in prop::sample::select(vec![1_736_937_000u64, 1_736_937_001, 1_737_000_000]),
        region in prop::sample::select(vec!["us-east-1", "eu-west-3"]),
        service in prop::sample::select(vec!["bedrock", "s3"]),
        token in any::<bool>(),
        presign in any::<bool>(),
        single in any::<bool>(),
        normalize in any::<bool>(),
        sha_header in any::<bool>(),
        token_after in any::<bool>(),
        verify in any::<bool>(),
    ) -> (usize, u8, &'static str, usize, u64, &'static str, &'static str, [bool; 7]) {
        (target, header_set, method, body_len, secs, region, service,
         [token, presign, single, normalize, sha_header, token_after, verify])
    }
}

#[derive(Debug, PartialEq)]
struct Signed {
    canonical_request: String,
    string_to_sign: String,
    signature: String,
    headers: Vec<(String, String)>,
    query: String,
    recomputed: Option<String>,
}

fn run(
    signer: &mut Signer,
    cache: Option<&SigningKeyCache>,
    step: &(
        usize,
        u8,
        &'static str,
        usize,
        u64,
        &'static str,
        &'static str,
        [bool; 7],
    ),
) -> Result<Signed, String> {
    let &(target, header_set, method, body_len, secs, region, service, flags) = step;
    let [
        token,
        presign,
        single,
        normalize,
        sha_header,
        token_after,
        verify,
    ] = flags;
    let target = TARGETS[target];
    let headers = headers(header_set);
    let body = vec![b'x'; body_len];
    let mut creds = Credentials::new("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY");
    if token {
        creds = creds.with_session_token("FwoGZXIvYXdzEJr//////////wEaDOEXAMPLE+token=");
    }
    let mut settings = SigningSettings::new();
    if presign {
        settings = settings.presigned(Duration::from_secs(900));
    }
    if single {
        settings.percent_encoding = PercentEncoding::Single;
    }
    settings.normalize_path = normalize;
    settings.content_sha256_header = sha_header;
    if token_after {
        settings.session_token = SessionTokenMode::AddedAfterSigning;
    }
    let time = UNIX_EPOCH + Duration::from_secs(secs);
    let mut params = SigningParams::new(&creds, region, service, time).with_settings(&settings);
    if let Some(cache) = cache {
        params = params.with_key_cache(cache);
    }
    let request = SignableRequest::new(method, target, &headers, Payload::Bytes(&body));
    let out = signer.sign(&request, &params).map_err(|e| e.to_string())?;
    let mut signed = Signed {
        canonical_request: out.canonical_request().to_owned(),
        string_to_sign: out.string_to_sign().to_owned(),
        signature: out.signature().to_owned(),
        headers: out
            .headers()
            .iter()
            .map(|h| (h.name.to_owned(), h.value.to_owned()))
            .collect(),
        query: out.query_string().to_owned(),
        recomputed: None,
    };
    if !verify {
        return Ok(signed);
    }
    // Server side, on the same signer: rebuild from the signed request.
    let auth = if presign {
        ParsedAuthorization::from_query(&signed.query)
    } else {
        let value = signed
            .headers
            .iter()
            .find(|(n, _)| n == "authorization")
            .map(|(_, v)| v.clone())
            .unwrap_or_default();
        ParsedAuthorization::from_authorization_header(&value)
    };
    if let Ok(auth) = auth {
        let joined = if presign {
            let sep = if target.contains('?') { '&' } else { '?' };
            format!("{target}{sep}{}", signed.query)
        } else {
            target.to_owned()
        };
        let mut received: Vec<(&str, &str)> = headers.clone();
        received.retain(|(n, _)| {
            !signed
                .headers
                .iter()
                .any(|(added, _)| n.eq_ignore_ascii_case(added))
        });
        received.extend(signed.headers.iter().map(|(n, v)| (n.as_str(), v.as_str())));
        let request = SignableRequest::new(method, &joined, &received, Payload::Bytes(&body));
        signed.recomputed = Some(
            match signer.recompute(&request, &auth, &creds, &settings, cache) {
                Ok(r) => format!("{}\n{}", r.canonical_request(), r.signature()),
                Err(e) => e.to_string(),
            },
        );
    }
    Ok(signed)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    #[test]
    fn a_reused_signer_matches_fresh_ones(steps in prop::collection::vec(step(), 1..24)) {
        let mut reused = Signer::new();
        let cache = SigningKeyCache::with_capacity(2);
        for step in &steps {
            // Repeat each request a few times so that the caches are hit, not only missed.
            for _ in 0..2 {
                let expected = run(&mut Signer::new(), None, step);
                let got = run(&mut reused, Some(&cache), step);
                prop_assert_eq!(got, expected);
            }
        }
    }
}

/// Hand-picked sequences that a stale cache would get wrong.
#[test]
fn cached_state_never_leaks_into_the_next_request() {
    let step = |target, header_set, token, presign| {
        (
            target,
            header_set,
            "POST",
            3,
            1_736_937_000,
            "us-east-1",
            "bedrock",
            [token, presign, false, true, false, false, false],
        )
    };
    let sequences = [
        // The host came from the URL, then there is none.
        vec![step(0, 0b11, false, false), step(6, 0b11, false, false)],
        // A session token header joins the added headers.
        vec![step(0, 0b11, false, false), step(0, 0b11, true, false)],
        // Presigning leaves out x-amz-user-agent.
        vec![
            step(0, 0b1000_0011, false, false),
            step(0, 0b1000_0011, false, true),
        ],
    ];
    for steps in sequences {
        let mut reused = Signer::new();
        for step in &steps {
            let expected = run(&mut Signer::new(), None, step);
            assert_eq!(run(&mut reused, None, step), expected, "{step:?}");
        }
    }
}
