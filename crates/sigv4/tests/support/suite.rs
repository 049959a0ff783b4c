//! Reads one case of the AWS signing test suite layout (`context.json` + `request.txt`)
//! and signs it. Shared by the `sign` example and the suite tests.

use std::path::Path;
use std::time::Duration;

use sigv4::{
    AmzDateTime, Credentials, Payload, SessionTokenMode, SignableRequest, Signer, SigningParams,
    SigningSettings,
};

/// A request as written in `request.txt`.
#[derive(Debug, Clone)]
pub(crate) struct RawRequest {
    pub(crate) method: String,
    pub(crate) target: String,
    pub(crate) version: String,
    /// Names and values as written; folded lines are kept as `\n` + the continuation line.
    pub(crate) headers: Vec<(String, String)>,
    pub(crate) body: Vec<u8>,
}

/// The fields of `context.json`.
#[derive(Debug, Clone)]
pub(crate) struct Context {
    pub(crate) credentials: Credentials,
    pub(crate) region: String,
    pub(crate) service: String,
    pub(crate) time: AmzDateTime,
    pub(crate) normalize: bool,
    pub(crate) sign_body: bool,
    pub(crate) omit_session_token: bool,
    pub(crate) expiration_in_seconds: u64,
}

/// What signing a case produces.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Signed {
    pub(crate) canonical_request: String,
    pub(crate) string_to_sign: String,
    pub(crate) signature: String,
    pub(crate) signed_request: String,
}

pub(crate) fn parse_request(text: &[u8]) -> Result<RawRequest, String> {
    let (head, body) = match find(text, b"\n\n") {
        Some(i) => (&text[..i], text[i + 2..].to_vec()),
        None => (text.strip_suffix(b"\n").unwrap_or(text), Vec::new()),
    };
    let head = std::str::from_utf8(head).map_err(|e| format!("request head is not UTF-8: {e}"))?;
    let mut lines = head.split('\n');
    let request_line = lines.next().ok_or("empty request")?;
    let (method, rest) = request_line
        .split_once(' ')
        .ok_or("request line has no target")?;
    let (target, version) = rest
        .rsplit_once(' ')
        .ok_or("request line has no HTTP version")?;
    let mut headers: Vec<(String, String)> = Vec::new();
    for line in lines {
        if line.starts_with([' ', '\t']) {
            let last = headers
                .last_mut()
                .ok_or("continuation line before any header")?;
            last.1.push('\n');
            last.1.push_str(line);
        } else {
            let (name, value) = line
                .split_once(':')
                .ok_or_else(|| format!("header line without ':': {line:?}"))?;
            headers.push((name.to_owned(), value.to_owned()));
        }
    }
    Ok(RawRequest {
        method: method.to_owned(),
        target: target.to_owned(),
        version: version.to_owned(),
        headers,
        body,
    })
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

pub(crate) fn parse_context(text: &str) -> Result<Context, String> {
    let json: serde_json::Value =
        serde_json::from_str(text).map_err(|e| format!("context.json: {e}"))?;
    let str_field = |v: &serde_json::Value, name: &str| -> Result<String, String> {
        v.get(name)
            .and_then(serde_json::Value::as_str)
            .map(str::to_owned)
            .ok_or_else(|| format!("context.json: missing string {name}"))
    };
    let bool_field = |name: &str, default: bool| -> bool {
        json.get(name)
            .and_then(serde_json::Value::as_bool)
            .unwrap_or(default)
    };
    let creds_json = json
        .get("credentials")
        .ok_or("context.json: missing credentials")?;
    let mut credentials = Credentials::new(
        str_field(creds_json, "access_key_id")?,
        str_field(creds_json, "secret_access_key")?,
    );
    if let Some(token) = creds_json.get("token").and_then(serde_json::Value::as_str) {
        credentials = credentials.with_session_token(token);
    }
    // RFC 3339 "2015-08-30T12:36:00Z" -> "20150830T123600Z".
    let timestamp = str_field(&json, "timestamp")?;
    let compact: String = timestamp
        .chars()
        .filter(|c| !matches!(c, '-' | ':'))
        .collect();
    let time = AmzDateTime::parse(&compact).map_err(|e| format!("context.json timestamp: {e}"))?;
    Ok(Context {
        credentials,
        region: str_field(&json, "region")?,
        service: str_field(&json, "service")?,
        time,
        normalize: bool_field("normalize", true),
        sign_body: bool_field("sign_body", false),
        omit_session_token: bool_field("omit_session_token", false),
        expiration_in_seconds: json
            .get("expiration_in_seconds")
            .and_then(serde_json::Value::as_u64)
            .unwrap_or(3600),
    })
}

/// Loads `dir/context.json` and `dir/request.txt`.
pub(crate) fn load(dir: &Path) -> Result<(Context, RawRequest), String> {
    let context = std::fs::read_to_string(dir.join("context.json"))
        .map_err(|e| format!("{}: {e}", dir.join("context.json").display()))?;
    let request = std::fs::read(dir.join("request.txt"))
        .map_err(|e| format!("{}: {e}", dir.join("request.txt").display()))?;
    Ok((parse_context(&context)?, parse_request(&request)?))
}

/// How the suite writes the names of the headers the signer adds.
fn display_name(name: &str) -> &str {
    match name {
        "x-amz-date" => "X-Amz-Date",
        "x-amz-security-token" => "X-Amz-Security-Token",
        "authorization" => "Authorization",
        other => other,
    }
}

/// The settings a context asks for.
pub(crate) fn settings(context: &Context, query: bool) -> SigningSettings {
    let mut settings = SigningSettings::new();
    settings.normalize_path = context.normalize;
    settings.content_sha256_header = context.sign_body;
    if context.omit_session_token {
        settings.session_token = SessionTokenMode::AddedAfterSigning;
    }
    if query {
        settings = settings.presigned(Duration::from_secs(context.expiration_in_seconds));
    }
    settings
}

/// Signs a case in header or query mode and renders the signed request like the suite.
pub(crate) fn sign(context: &Context, request: &RawRequest, query: bool) -> Result<Signed, String> {
    let settings = settings(context, query);
    let headers: Vec<(&str, &str)> = request
        .headers
        .iter()
        .map(|(n, v)| (n.as_str(), v.as_str()))
        .collect();
    let signable = SignableRequest::new(
        &request.method,
        &request.target,
        &headers,
        Payload::Bytes(&request.body),
    );
    let params = SigningParams::new(
        &context.credentials,
        &context.region,
        &context.service,
        context.time.to_system_time(),
    )
    .with_settings(&settings);
    let mut signer = Signer::new();
    let out = signer.sign(&signable, &params).map_err(|e| e.to_string())?;

    let mut target = request.target.clone();
    if query {
        target.push(if target.contains('?') { '&' } else { '?' });
        target.push_str(out.query_string());
    }
    let mut text = format!("{} {} {}\n", request.method, target, request.version);
    for (name, value) in &request.headers {
        let replaced = out
            .headers()
            .iter()
            .any(|h| h.name.eq_ignore_ascii_case(name));
        if !replaced {
            text.push_str(&format!("{name}:{value}\n"));
        }
    }
    for header in out.headers() {
        text.push_str(&format!("{}:{}\n", display_name(header.name), header.value));
    }
    text.push('\n');
    text.push_str(&String::from_utf8_lossy(&request.body));
    Ok(Signed {
        canonical_request: out.canonical_request().to_owned(),
        string_to_sign: out.string_to_sign().to_owned(),
        signature: out.signature().to_owned(),
        signed_request: text,
    })
}
