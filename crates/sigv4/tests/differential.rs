//! Differential property test: thousands of random requests signed by this crate and by the
//! `aws-sigv4` crate (the official Rust SDK's signer) must give identical signatures and
//! identical headers / query parameters to add. Every signed request must then verify with
//! the server-side helpers.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use proptest::prelude::*;

use aws_sigv4::http_request as aws;
use aws_smithy_runtime_api::client::identity::Identity;

use sigv4::{
    Credentials, ParsedAuthorization, Payload, PercentEncoding, SessionTokenMode, SignableRequest,
    Signer, SigningParams, SigningSettings,
};

const MODEL_IDS: &[&str] = &[
    "anthropic.claude-3-haiku-20240307-v1%3A0",
    "us.anthropic.claude-sonnet-4-20250514-v1%3A0",
    "global.anthropic.claude-sonnet-4-5-20250929-v1%3A0",
    "amazon.nova-lite-v1%3A0",
    "meta.llama3-8b-instruct-v1%3A0",
    "arn%3Aaws%3Abedrock%3Aus-east-1%3A123456789012%3Ainference-profile%2Fus.anthropic.claude-3-haiku-20240307-v1%3A0",
    "arn%3Aaws%3Abedrock%3Aus-west-2%3A123456789012%3Aprovisioned-model%2Fabc123def",
    "arn%3Aaws%3Abedrock%3Aeu-west-1%3A123456789012%3Aapplication-inference-profile%2Fa1b2c3",
];
const OPERATIONS: &[&str] = &[
    "converse",
    "converse-stream",
    "invoke",
    "invoke-with-response-stream",
    "count-tokens",
];

#[derive(Debug, Clone)]
struct Case {
    method: &'static str,
    scheme: &'static str,
    host: &'static str,
    port: Option<&'static str>,
    host_header: Option<(&'static str, String)>,
    path: String,
    query: Option<String>,
    headers: Vec<(&'static str, String)>,
    token: Option<String>,
    body: Option<Vec<u8>>,
    precomputed: bool,
    time_secs: u64,
    region: &'static str,
    service: &'static str,
    presign: Option<u64>,
    single_encoding: bool,
    normalize: bool,
    content_sha256: bool,
    token_after: bool,
}

fn bedrock_path() -> impl Strategy<Value = String> {
    (
        prop::sample::select(MODEL_IDS),
        prop::sample::select(OPERATIONS),
    )
        .prop_map(|(m, op)| format!("/model/{m}/{op}"))
}

fn path_segment() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => prop::collection::vec(
            prop_oneof![
                6 => "[A-Za-z0-9_~-]{1,6}",
                2 => prop::sample::select(vec![
                    "%3A", "%2F", "%20", "%25", "%41", "%e2%82%ac", ":", "@", "!", "$", "&", "'",
                    "(", ")", "*", "+", ",", ";", "=", ".",
                ])
                .prop_map(str::to_owned),
            ],
            1..4
        )
        .prop_map(|parts| parts.concat()),
        1 => prop::sample::select(vec!["", ".", ".."]).prop_map(str::to_owned),
    ]
}

fn random_path() -> impl Strategy<Value = String> {
    (prop::collection::vec(path_segment(), 0..6), any::<bool>()).prop_map(|(segs, trailing)| {
        let mut p = String::from("/");
        p.push_str(&segs.join("/"));
        if trailing && !p.ends_with('/') {
            p.push('/');
        }
        p
    })
}

fn query_component() -> impl Strategy<Value = String> {
    prop::collection::vec(
        prop_oneof![
            5 => "[A-Za-z0-9_.~-]{0,5}",
            3 => prop::sample::select(vec![
                "%26", "%3D", "%2B", "+", "%20", "/", ":", "@", "?", "%2F", "%3A", "%", "%zz",
                "%C3%A9", "%FF", "!", "$", "'", "(", ")", "*", ",", ";", "%7E", "%41",
            ])
            .prop_map(str::to_owned),
        ],
        0..4,
    )
    .prop_map(|parts| parts.concat())
}

fn random_query() -> impl Strategy<Value = Option<String>> {
    let keys = prop_oneof![
        3 => prop::sample::select(vec!["a", "A", "b", "key", "prefix", "max-keys", "x"]).prop_map(str::to_owned),
        2 => query_component(),
    ];
    let pair = (keys, prop::option::of(query_component()), 0..3u8);
    prop::option::of(prop::collection::vec(pair, 0..6).prop_map(|pairs| {
        pairs
            .into_iter()
            .map(|(k, v, shape)| match (v, shape) {
                (None, _) => k,
                (Some(v), 0) => format!("{k}={v}&{k}={v}"), // repeated key and value
                (Some(v), 1) => format!("{k}={v}&&"),       // empty piece
                (Some(v), _) => format!("{k}={v}"),
            })
            .collect::<Vec<_>>()
            .join("&")
    }))
}

fn header_value() -> impl Strategy<Value = String> {
    prop::collection::vec(
        prop_oneof![
            4 => "[ -~]{0,8}",
            2 => prop::sample::select(vec![" ", "   ", "\t", " \t ", "  a  b  ", "\"q   q\""]).prop_map(str::to_owned),
        ],
        0..4,
    )
    .prop_map(|parts| parts.concat())
}

fn headers() -> impl Strategy<Value = Vec<(&'static str, String)>> {
    let names = prop::sample::select(vec![
        "content-type",
        "Content-Type",
        "accept",
        "X-Custom",
        "x-custom",
        "X-Amz-Target",
        "x-amz-meta-a",
        "X-Amzn-Bedrock-Trace",
        "user-agent",
        "x-amzn-trace-id",
        "transfer-encoding",
        "x-amz-date",
        "x-amz-user-agent",
        "x-amz-checksum-mode",
        "content-length",
    ]);
    prop::collection::vec((names, header_value()), 0..7)
}

fn case() -> impl Strategy<Value = Case> {
    let target = (
        prop::sample::select(vec!["GET", "POST", "PUT", "DELETE", "HEAD", "PATCH"]),
        prop::sample::select(vec!["https", "http"]),
        prop::sample::select(vec![
            "bedrock-runtime.us-east-1.amazonaws.com",
            "bedrock-runtime.eu-west-1.amazonaws.com",
            "localhost",
            "127.0.0.1",
        ]),
        prop::option::of(prop::sample::select(vec!["443", "80", "8443", "8080"])),
        prop::option::of((
            prop::sample::select(vec!["Host", "host", "HOST"]),
            prop::sample::select(vec!["example.com", " example.com ", "h:8080", "a  b"])
                .prop_map(str::to_owned),
        )),
        prop_oneof![3 => bedrock_path(), 2 => random_path()],
        random_query(),
    );
    let auth = (
        headers(),
        prop::option::of("[A-Za-z0-9/+=]{1,600}"),
        prop::option::of(prop::collection::vec(any::<u8>(), 0..128)),
        any::<bool>(),
        0u64..4_102_444_800,
        prop::sample::select(vec![
            "us-east-1",
            "us-west-2",
            "eu-central-1",
            "ap-northeast-1",
        ]),
        prop::sample::select(vec!["bedrock", "s3", "execute-api", "sts"]),
    );
    let settings = (
        prop::option::of(1u64..=604_800),
        any::<bool>(),
        any::<bool>(),
        any::<bool>(),
        any::<bool>(),
    );
    (target, auth, settings).prop_map(
        |(
            (method, scheme, host, port, host_header, path, query),
            (headers, token, body, precomputed, time_secs, region, service),
            (presign, single_encoding, normalize, content_sha256, token_after),
        )| Case {
            method,
            scheme,
            host,
            port,
            host_header,
            path,
            query,
            headers,
            token,
            body,
            precomputed,
            time_secs,
            region,
            service,
            presign,
            single_encoding,
            normalize,
            content_sha256,
            token_after,
        },
    )
}

impl Case {
    fn uri(&self) -> String {
        let mut uri = format!("{}://{}", self.scheme, self.host);
        if let Some(port) = self.port {
            uri.push(':');
            uri.push_str(port);
        }
        uri.push_str(&self.path);
        if let Some(q) = &self.query {
            uri.push('?');
            uri.push_str(q);
        }
        uri
    }

    fn all_headers(&self) -> Vec<(&str, &str)> {
        let mut all: Vec<(&str, &str)> =
            self.headers.iter().map(|(n, v)| (*n, v.as_str())).collect();
        if let Some((name, value)) = &self.host_header {
            all.push((name, value.as_str()));
        }
        all
    }

    fn body_hash(&self) -> String {
        let digest =
            ring::digest::digest(&ring::digest::SHA256, self.body.as_deref().unwrap_or(b""));
        digest.as_ref().iter().map(|b| format!("{b:02x}")).collect()
    }

    fn time(&self) -> SystemTime {
        UNIX_EPOCH + Duration::from_secs(self.time_secs)
    }
}

type Added = (Vec<(String, String)>, Vec<(String, String)>, String);

fn sign_with_aws(case: &Case, uri: &str, body_hash: &str) -> Added {
    let identity: Identity = aws_credential_types::Credentials::new(
        "AKIDEXAMPLE",
        "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
        case.token.clone(),
        None,
        "differential",
    )
    .into();
    let mut settings = aws::SigningSettings::default();
    if let Some(secs) = case.presign {
        settings.signature_location = aws::SignatureLocation::QueryParams;
        settings.expires_in = Some(Duration::from_secs(secs));
    }
    settings.percent_encoding_mode = if case.single_encoding {
        aws::PercentEncodingMode::Single
    } else {
        aws::PercentEncodingMode::Double
    };
    settings.uri_path_normalization_mode = case.normalize.into();
    if case.content_sha256 {
        settings.payload_checksum_kind = aws::PayloadChecksumKind::XAmzSha256;
    }
    if case.token_after {
        settings.session_token_mode = aws::SessionTokenMode::Exclude;
    }
    let params = aws_sigv4::sign::v4::SigningParams::builder()
        .identity(&identity)
        .region(case.region)
        .name(case.service)
        .time(case.time())
        .settings(settings)
        .build()
        .expect("aws params")
        .into();
    let headers = case.all_headers();
    let body = match (&case.body, case.precomputed) {
        (None, _) => aws::SignableBody::UnsignedPayload,
        (Some(_), true) => aws::SignableBody::Precomputed(body_hash.to_owned()),
        (Some(b), false) => aws::SignableBody::Bytes(b),
    };
    let request = aws::SignableRequest::new(case.method, uri, headers.into_iter(), body)
        .expect("aws-sigv4 accepts the request");
    let (instructions, signature) = aws::sign(request, &params)
        .expect("aws-sigv4 signs")
        .into_parts();
    let mut added_headers: Vec<(String, String)> = instructions
        .headers()
        .map(|(n, v)| (n.to_ascii_lowercase(), v.to_owned()))
        .collect();
    let mut added_params: Vec<(String, String)> = instructions
        .params()
        .iter()
        .map(|(n, v)| ((*n).to_owned(), v.to_string()))
        .collect();
    added_headers.sort();
    added_params.sort();
    (added_headers, added_params, signature)
}

fn our_settings(case: &Case) -> SigningSettings {
    let mut settings = SigningSettings::new();
    if let Some(secs) = case.presign {
        settings = settings.presigned(Duration::from_secs(secs));
    }
    settings.percent_encoding = if case.single_encoding {
        PercentEncoding::Single
    } else {
        PercentEncoding::Double
    };
    settings.normalize_path = case.normalize;
    settings.content_sha256_header = case.content_sha256;
    if case.token_after {
        settings.session_token = SessionTokenMode::AddedAfterSigning;
    }
    settings
}

fn check(case: &Case, signer: &mut Signer) -> Result<(), TestCaseError> {
    let uri = case.uri();
    let body_hash = case.body_hash();
    let expected = sign_with_aws(case, &uri, &body_hash);

    let mut creds = Credentials::new("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY");
    if let Some(token) = &case.token {
        creds = creds.with_session_token(token.clone());
    }
    let settings = our_settings(case);
    let headers = case.all_headers();
    let payload = match (&case.body, case.precomputed) {
        (None, _) => Payload::Unsigned,
        (Some(_), true) => Payload::Precomputed(&body_hash),
        (Some(b), false) => Payload::Bytes(b),
    };
    let request = SignableRequest::new(case.method, &uri, &headers, payload);
    let params =
        SigningParams::new(&creds, case.region, case.service, case.time()).with_settings(&settings);
    let out = signer
        .sign(&request, &params)
        .map_err(|e| TestCaseError::fail(format!("sigv4 failed: {e}")))?;
    let mut added_headers: Vec<(String, String)> = out
        .headers()
        .iter()
        .map(|h| (h.name.to_owned(), h.value.to_owned()))
        .collect();
    let mut added_params: Vec<(String, String)> = out
        .query_params()
        .iter()
        .map(|(n, v)| ((*n).to_owned(), (*v).to_owned()))
        .collect();
    added_headers.sort();
    added_params.sort();
    let actual: Added = (added_headers, added_params, out.signature().to_owned());
    prop_assert_eq!(
        &actual,
        &expected,
        "canonical request:\n{}",
        out.canonical_request()
    );

    // Server side: apply the signature as a client would, then parse and verify it.
    let query_string = out.query_string().to_owned();
    let header_auth = out.authorization().map(str::to_owned);
    let mut received: Vec<(String, String)> = case
        .all_headers()
        .iter()
        .filter(|(n, _)| !actual.0.iter().any(|(a, _)| a.eq_ignore_ascii_case(n)))
        .map(|(n, v)| ((*n).to_owned(), (*v).to_owned()))
        .collect();
    received.extend(actual.0.iter().cloned());
    if case.host_header.is_none() {
        let default_port = matches!(
            (case.scheme, case.port),
            ("https", Some("443")) | ("http", Some("80"))
        );
        let host = match case.port {
            Some(port) if !default_port => format!("{}:{port}", case.host),
            _ => case.host.to_owned(),
        };
        received.push(("host".to_owned(), host));
    }
    let mut target = case.path.clone();
    if let Some(q) = &case.query {
        target.push('?');
        target.push_str(q);
    }
    let auth = match header_auth {
        Some(value) => ParsedAuthorization::from_authorization_header(&value),
        None => {
            target.push(if case.query.is_some() { '&' } else { '?' });
            target.push_str(&query_string);
            let q = target.split_once('?').map(|(_, q)| q).unwrap_or("");
            ParsedAuthorization::from_query(q)
        }
    }
    .map_err(|e| TestCaseError::fail(format!("parse failed: {e}")))?;
    let received_refs: Vec<(&str, &str)> = received
        .iter()
        .map(|(n, v)| (n.as_str(), v.as_str()))
        .collect();
    let received_request = SignableRequest::new(case.method, &target, &received_refs, payload);
    signer
        .verify(&received_request, &auth, &creds, &settings, None)
        .map_err(|e| TestCaseError::fail(format!("verify failed: {e}")))?;
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 4000, ..ProptestConfig::default() })]

    #[test]
    fn identical_to_aws_sigv4(case in case()) {
        let mut signer = Signer::new();
        check(&case, &mut signer)?;
    }
}

/// A few hand-picked requests, so the interesting shapes are always covered.
#[test]
fn bedrock_shapes_match_aws_sigv4() {
    let mut signer = Signer::new();
    for (i, model) in MODEL_IDS.iter().enumerate() {
        for presign in [None, Some(900)] {
            let case = Case {
                method: "POST",
                scheme: "https",
                host: "bedrock-runtime.us-east-1.amazonaws.com",
                port: None,
                host_header: None,
                path: format!("/model/{model}/converse-stream"),
                query: None,
                headers: vec![
                    ("content-type", "application/json".to_owned()),
                    ("accept", "application/vnd.amazon.eventstream".to_owned()),
                ],
                token: (i % 2 == 0)
                    .then(|| "FwoGZXIvYXdzEJr//////////wEaDOEXAMPLE+token=".to_owned()),
                body: Some(br#"{"messages":[]}"#.to_vec()),
                precomputed: false,
                time_secs: 1_736_937_000,
                region: "us-east-1",
                service: "bedrock",
                presign,
                single_encoding: false,
                normalize: true,
                content_sha256: false,
                token_after: false,
            };
            check(&case, &mut signer).unwrap();
        }
    }
}
