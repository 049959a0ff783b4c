//! AWS STS: AssumeRole (SigV4-signed with this crate's signer) and
//! AssumeRoleWithWebIdentity (unsigned), over the query protocol, with a tiny
//! strict reader of the XML responses.
//!
//! Endpoint: `AWS_ENDPOINT_URL_STS`, else `AWS_ENDPOINT_URL`, else
//! `https://sts.{region}.amazonaws.com` (`.amazonaws.com.cn` in China, the
//! partition's own suffix in the isolated partitions).

use std::fmt;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use bytes::Bytes;
use http_body_util::Full;
use sigv4::{Payload, SignableRequest, SigningParams};

use super::profile::Section;
use super::provider_config::{ProviderConfig, excerpt, percent_encode};
use super::timestamp::parse_rfc3339;
use super::{
    BoxFuture, Credentials, CredentialsError, ProvideCredentials, SharedCredentialsProvider,
};

const DEADLINE: Duration = Duration::from_secs(15);
const MAX_BODY: usize = 64 * 1024;
const CONTENT_TYPE: &str = "application/x-www-form-urlencoded; charset=utf-8";
/// The region used for STS when none is configured.
const DEFAULT_STS_REGION: &str = "us-east-1";

/// The STS endpoint for `region`.
pub(crate) fn endpoint(config: &ProviderConfig, region: &str) -> String {
    if let Some(url) = config
        .env()
        .get("AWS_ENDPOINT_URL_STS")
        .or_else(|| config.env().get("AWS_ENDPOINT_URL"))
    {
        return url.trim().trim_end_matches('/').to_owned() + "/";
    }
    let suffix = crate::client::partition_dns_suffix(region);
    format!("https://sts.{region}.{suffix}/")
}

/// A session name for calls that were given none.
pub(crate) fn default_session_name(now: SystemTime) -> String {
    let millis = now
        .duration_since(SystemTime::UNIX_EPOCH)
        .unwrap_or_default()
        .as_millis();
    format!("goai-rs-{millis}")
}

/// What to assume.
#[derive(Debug, Clone)]
pub(crate) struct RoleParams {
    pub(crate) role_arn: String,
    pub(crate) session_name: String,
    pub(crate) external_id: Option<String>,
    pub(crate) duration_seconds: Option<u32>,
}

/// AssumeRole for the role step of `profile`.
pub(crate) async fn assume_role_for_profile(
    config: &ProviderConfig,
    source: &Credentials,
    profile: &str,
    section: &Section,
    region: Option<&str>,
) -> Result<Credentials, CredentialsError> {
    let role_arn = section.get("role_arn").unwrap_or_default().to_owned();
    let duration_seconds = match section.get("duration_seconds") {
        None => None,
        Some(raw) => match raw.parse::<u32>() {
            Ok(d) if (900..=43_200).contains(&d) => Some(d),
            _ => {
                return Err(CredentialsError::invalid_configuration(format!(
                    "profile {profile:?}: duration_seconds must be a number from 900 to 43200"
                )));
            }
        },
    };
    let params = RoleParams {
        session_name: section
            .get("role_session_name")
            .map_or_else(|| default_session_name(config.now()), str::to_owned),
        external_id: section.get("external_id").map(str::to_owned),
        duration_seconds,
        role_arn,
    };
    assume_role(
        config,
        source,
        region.unwrap_or(DEFAULT_STS_REGION),
        &params,
    )
    .await
    .map_err(|e| prefix(e, &format!("profile {profile:?}")))
}

/// Adds context in front of an error's message, keeping its kind.
pub(crate) fn prefix(err: CredentialsError, context: &str) -> CredentialsError {
    let message = format!("{context}: {}", err.message());
    let mut out = if err.is_not_loaded() {
        CredentialsError::not_loaded(message)
    } else if err.is_invalid_configuration() {
        CredentialsError::invalid_configuration(message)
    } else {
        CredentialsError::provider_error(message)
    };
    if let Some(source) = std::error::Error::source(&err) {
        out = out.with_source(SourceText(source.to_string()));
    }
    out
}

/// A cause carried over as text.
#[derive(Debug)]
struct SourceText(String);

impl fmt::Display for SourceText {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for SourceText {}

/// STS AssumeRole, signed with `source`.
pub(crate) async fn assume_role(
    config: &ProviderConfig,
    source: &Credentials,
    region: &str,
    params: &RoleParams,
) -> Result<Credentials, CredentialsError> {
    let mut form = vec![
        ("Action", "AssumeRole".to_owned()),
        ("Version", "2011-06-15".to_owned()),
        ("RoleArn", params.role_arn.clone()),
        ("RoleSessionName", params.session_name.clone()),
    ];
    if let Some(id) = &params.external_id {
        form.push(("ExternalId", id.clone()));
    }
    if let Some(d) = params.duration_seconds {
        form.push(("DurationSeconds", d.to_string()));
    }
    let body = encode_form(&form);
    let url = endpoint(config, region);
    let mut headers: Vec<(String, String, bool)> =
        vec![("content-type".to_owned(), CONTENT_TYPE.to_owned(), false)];
    {
        let mut creds = sigv4::Credentials::new(source.access_key_id(), source.secret_access_key());
        if let Some(token) = source.session_token() {
            creds = creds.with_session_token(token);
        }
        let signed_headers = [("content-type", CONTENT_TYPE)];
        let request = SignableRequest::new(
            "POST",
            &url,
            &signed_headers,
            Payload::Bytes(body.as_bytes()),
        );
        let signing = SigningParams::new(&creds, region, "sts", config.now());
        let mut signer = sigv4::Signer::new();
        let out = signer.sign(&request, &signing).map_err(|e| {
            CredentialsError::invalid_configuration(format!(
                "AssumeRole {}: cannot sign the STS request",
                params.role_arn
            ))
            .with_source(e)
        })?;
        for h in out.headers() {
            headers.push((h.name.to_owned(), h.value.to_owned(), h.sensitive));
        }
    }
    let what = format!("AssumeRole {}", params.role_arn);
    call(config, &url, headers, body, "AssumeRoleResult", &what).await
}

/// STS AssumeRoleWithWebIdentity (unsigned: the token is the proof).
pub(crate) async fn assume_role_with_web_identity(
    config: &ProviderConfig,
    region: &str,
    role_arn: &str,
    session_name: &str,
    token: &str,
) -> Result<Credentials, CredentialsError> {
    let body = encode_form(&[
        ("Action", "AssumeRoleWithWebIdentity".to_owned()),
        ("Version", "2011-06-15".to_owned()),
        ("RoleArn", role_arn.to_owned()),
        ("RoleSessionName", session_name.to_owned()),
        ("WebIdentityToken", token.to_owned()),
    ]);
    let url = endpoint(config, region);
    let headers = vec![("content-type".to_owned(), CONTENT_TYPE.to_owned(), false)];
    let what = format!("AssumeRoleWithWebIdentity {role_arn}");
    call(
        config,
        &url,
        headers,
        body,
        "AssumeRoleWithWebIdentityResult",
        &what,
    )
    .await
}

fn encode_form(pairs: &[(&str, String)]) -> String {
    pairs
        .iter()
        .map(|(k, v)| format!("{}={}", percent_encode(k), percent_encode(v)))
        .collect::<Vec<_>>()
        .join("&")
}

async fn call(
    config: &ProviderConfig,
    url: &str,
    headers: Vec<(String, String, bool)>,
    body: String,
    result_element: &str,
    what: &str,
) -> Result<Credentials, CredentialsError> {
    let mut builder = http::Request::post(url);
    for (name, value, sensitive) in headers {
        let mut value = http::HeaderValue::from_str(&value).map_err(|_| {
            CredentialsError::invalid_configuration(format!("{what}: a header value is not valid"))
        })?;
        value.set_sensitive(sensitive);
        builder = builder.header(name, value);
    }
    let request = builder.body(Full::new(Bytes::from(body))).map_err(|_| {
        CredentialsError::invalid_configuration(format!(
            "{what}: the STS endpoint {url:?} is not a valid URL"
        ))
    })?;
    let (status, body) = config
        .fetch(request, DEADLINE, MAX_BODY)
        .await
        .map_err(|e| {
            CredentialsError::provider_error(format!("{what}: STS at {url} failed")).with_source(e)
        })?;
    let text = std::str::from_utf8(&body).map_err(|_| {
        CredentialsError::provider_error(format!(
            "{what}: STS answered HTTP {status} with a non-UTF-8 body"
        ))
    })?;
    if !status.is_success() {
        let code = element(text, "Code").ok().flatten().unwrap_or_default();
        let message = element(text, "Message").ok().flatten().unwrap_or_default();
        let detail = if code.is_empty() && message.is_empty() {
            excerpt(body.as_ref())
        } else {
            excerpt(format!("{code}: {message}").as_bytes())
        };
        return Err(CredentialsError::provider_error(format!(
            "{what}: STS answered HTTP {}: {detail}",
            status.as_u16()
        )));
    }
    parse_credentials(text, result_element).map_err(|why| {
        CredentialsError::provider_error(format!("{what}: unexpected STS response: {why}"))
    })
}

/// Reads `<Result><Credentials>` of a successful STS response.
pub(crate) fn parse_credentials(xml: &str, result_element: &str) -> Result<Credentials, String> {
    let result = element(xml, result_element)?.ok_or_else(|| format!("no <{result_element}>"))?;
    let creds = element(result, "Credentials")?.ok_or("no <Credentials>")?;
    let field = |name: &str| -> Result<String, String> {
        let raw = element(creds, name)?.ok_or_else(|| format!("no <{name}>"))?;
        let value = unescape(raw.trim())?;
        if value.is_empty() {
            return Err(format!("empty <{name}>"));
        }
        Ok(value)
    };
    let akid = field("AccessKeyId")?;
    let secret = field("SecretAccessKey")?;
    let token = field("SessionToken")?;
    let expiration = field("Expiration")?;
    let expires_at =
        parse_rfc3339(&expiration).ok_or("<Expiration> is not an RFC 3339 timestamp")?;
    Ok(Credentials::new(akid, secret, Some(token))
        .with_expiry(expires_at)
        .with_provider_name("sts"))
}

/// The text between `<name>` (or `<name attr..>`) and `</name>`. `Ok(None)`
/// when absent; an error when it occurs more than once or is not closed.
fn element<'a>(xml: &'a str, name: &str) -> Result<Option<&'a str>, String> {
    let open_plain = format!("<{name}>");
    let open_attrs = format!("<{name} ");
    let close = format!("</{name}>");
    let find_open = |from: usize| -> Option<(usize, usize)> {
        let hay = xml.get(from..)?;
        let a = hay.find(&open_plain).map(|i| (i, i + open_plain.len()));
        let b = hay.find(&open_attrs).and_then(|i| {
            let end = hay.get(i..)?.find('>')?;
            Some((i, i + end + 1))
        });
        let (start, content) = match (a, b) {
            (Some(a), Some(b)) => {
                if a.0 <= b.0 {
                    a
                } else {
                    b
                }
            }
            (Some(x), None) | (None, Some(x)) => x,
            (None, None) => return None,
        };
        Some((from + start, from + content))
    };
    let Some((_, content_start)) = find_open(0) else {
        return Ok(None);
    };
    let rest = xml.get(content_start..).unwrap_or_default();
    let end = rest
        .find(&close)
        .ok_or_else(|| format!("<{name}> is not closed"))?;
    let after = content_start + end + close.len();
    if find_open(after).is_some() {
        return Err(format!("<{name}> occurs more than once"));
    }
    Ok(rest.get(..end))
}

/// Replaces the five XML entities and numeric character references.
fn unescape(text: &str) -> Result<String, String> {
    if text.contains("<![CDATA[") || text.contains('<') {
        return Err("unexpected markup in a value".to_owned());
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        let after = &rest[amp + 1..];
        let semi = after.find(';').ok_or("unterminated entity")?;
        let entity = &after[..semi];
        let ch = match entity {
            "amp" => '&',
            "lt" => '<',
            "gt" => '>',
            "quot" => '"',
            "apos" => '\'',
            _ => {
                let code = if let Some(hex) = entity.strip_prefix("#x") {
                    u32::from_str_radix(hex, 16).ok()
                } else if let Some(dec) = entity.strip_prefix('#') {
                    dec.parse::<u32>().ok()
                } else {
                    None
                };
                code.and_then(char::from_u32).ok_or("unknown entity")?
            }
        };
        out.push(ch);
        rest = &after[semi + 1..];
    }
    out.push_str(rest);
    Ok(out)
}

/// Assumes an IAM role with credentials from another provider (STS
/// AssumeRole, signed with this crate's SigV4).
///
/// # Examples
///
/// ```
/// use goai_bedrock::credentials::{AssumeRoleProvider, Credentials};
///
/// let provider = AssumeRoleProvider::new(
///     "arn:aws:iam::123456789012:role/bedrock-caller",
///     Credentials::new("AKIDEXAMPLE", "secret", None),
/// )
/// .with_session_name("batch-job")
/// .with_region("eu-west-1");
/// # let _ = provider;
/// ```
#[derive(Debug, Clone)]
pub struct AssumeRoleProvider {
    source: SharedCredentialsProvider,
    role_arn: String,
    session_name: Option<String>,
    external_id: Option<String>,
    duration: Option<u32>,
    region: Option<String>,
    config: ProviderConfig,
}

impl AssumeRoleProvider {
    /// Assumes `role_arn` with the credentials of `source`.
    pub fn new(role_arn: impl Into<String>, source: impl ProvideCredentials + 'static) -> Self {
        Self {
            source: Arc::new(source),
            role_arn: role_arn.into(),
            session_name: None,
            external_id: None,
            duration: None,
            region: None,
            config: ProviderConfig::new(),
        }
    }

    /// The role session name. Default is `goai-rs-<unix milliseconds>`.
    #[must_use]
    pub fn with_session_name(mut self, name: impl Into<String>) -> Self {
        self.session_name = Some(name.into());
        self
    }

    /// The external id the role's trust policy requires. Default is none.
    #[must_use]
    pub fn with_external_id(mut self, id: impl Into<String>) -> Self {
        self.external_id = Some(id.into());
        self
    }

    /// The session duration, in seconds (900 to 43200). Default is the
    /// role's (one hour unless changed).
    #[must_use]
    pub fn with_duration_seconds(mut self, seconds: u32) -> Self {
        self.duration = Some(seconds);
        self
    }

    /// The STS region. Default is `AWS_REGION`, else `AWS_DEFAULT_REGION`, else `us-east-1`.
    #[must_use]
    pub fn with_region(mut self, region: impl Into<String>) -> Self {
        self.region = Some(region.into());
        self
    }

    /// Environment, clock and HTTP client. Default is [`ProviderConfig::new`].
    #[must_use]
    pub fn with_config(mut self, config: ProviderConfig) -> Self {
        self.config = config;
        self
    }

    async fn load(&self) -> Result<Credentials, CredentialsError> {
        let source = self.source.provide_credentials().await.map_err(|e| {
            prefix(
                e,
                &format!("AssumeRole {}: source credentials", self.role_arn),
            )
        })?;
        let region = self
            .region
            .clone()
            .or_else(|| self.config.env().get("AWS_REGION"))
            .or_else(|| self.config.env().get("AWS_DEFAULT_REGION"))
            .unwrap_or_else(|| DEFAULT_STS_REGION.to_owned());
        let params = RoleParams {
            role_arn: self.role_arn.clone(),
            session_name: self
                .session_name
                .clone()
                .unwrap_or_else(|| default_session_name(self.config.now())),
            external_id: self.external_id.clone(),
            duration_seconds: self.duration,
        };
        assume_role(&self.config, &source, &region, &params).await
    }
}

impl ProvideCredentials for AssumeRoleProvider {
    fn provide_credentials(&self) -> BoxFuture<'_, Result<Credentials, CredentialsError>> {
        Box::pin(self.load())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const OK: &str = r#"<AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <AssumeRoleResult>
    <AssumedRoleUser><Arn>arn:aws:sts::1:assumed-role/r/s</Arn><AssumedRoleId>X:s</AssumedRoleId></AssumedRoleUser>
    <Credentials>
      <AccessKeyId>ASIAEXAMPLE</AccessKeyId>
      <SecretAccessKey>se&amp;cr&#x65;t</SecretAccessKey>
      <SessionToken>TOKEN</SessionToken>
      <Expiration>2026-11-25T08:00:00Z</Expiration>
    </Credentials>
  </AssumeRoleResult>
  <ResponseMetadata><RequestId>id</RequestId></ResponseMetadata>
</AssumeRoleResponse>"#;

    #[test]
    fn parses_a_success() {
        let c = parse_credentials(OK, "AssumeRoleResult").expect("valid");
        assert_eq!(c.access_key_id(), "ASIAEXAMPLE");
        assert_eq!(c.secret_access_key(), "se&cret");
        assert_eq!(c.session_token(), Some("TOKEN"));
        assert!(c.expires_at().is_some());
    }

    #[test]
    fn rejects_malformed_responses() {
        let cases = [
            OK.replace("<SessionToken>TOKEN</SessionToken>", ""),
            OK.replace("</Credentials>", ""),
            OK.replace("2026-11-25T08:00:00Z", "tomorrow"),
            OK.replace(
                "<AccessKeyId>ASIAEXAMPLE</AccessKeyId>",
                "<AccessKeyId>A</AccessKeyId><AccessKeyId>B</AccessKeyId>",
            ),
            OK.replace("TOKEN", "&bogus;"),
            OK.replace("AssumeRoleResult", "OtherResult"),
        ];
        for xml in &cases {
            assert!(parse_credentials(xml, "AssumeRoleResult").is_err(), "{xml}");
        }
    }

    #[test]
    fn form_and_endpoint() {
        assert_eq!(
            encode_form(&[("RoleArn", "arn:aws:iam::1:role/a b".to_owned())]),
            "RoleArn=arn%3Aaws%3Aiam%3A%3A1%3Arole%2Fa%20b"
        );
        let config = ProviderConfig::new().with_env(crate::Env::from_pairs::<&str, &str, _>([]));
        assert_eq!(
            endpoint(&config, "eu-west-1"),
            "https://sts.eu-west-1.amazonaws.com/"
        );
        assert_eq!(
            endpoint(&config, "cn-north-1"),
            "https://sts.cn-north-1.amazonaws.com.cn/"
        );
        assert_eq!(
            endpoint(&config, "us-iso-east-1"),
            "https://sts.us-iso-east-1.c2s.ic.gov/"
        );
        assert_eq!(
            endpoint(&config, "us-isob-east-1"),
            "https://sts.us-isob-east-1.sc2s.sgov.gov/"
        );
        let config = ProviderConfig::new().with_env(crate::Env::from_pairs([(
            "AWS_ENDPOINT_URL_STS",
            "http://127.0.0.1:9/",
        )]));
        assert_eq!(endpoint(&config, "eu-west-1"), "http://127.0.0.1:9/");
    }
}
