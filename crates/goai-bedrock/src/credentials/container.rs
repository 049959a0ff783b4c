//! ECS and EKS (Pod Identity) container credentials.

use std::net::IpAddr;
use std::time::Duration;

use bytes::Bytes;
use http_body_util::Full;
use serde::Deserialize;

use super::provider_config::{ProviderConfig, excerpt};
use super::timestamp::parse_rfc3339;
use super::{BoxFuture, Credentials, CredentialsError, ProvideCredentials};

const DEADLINE: Duration = Duration::from_secs(5);
const MAX_BODY: usize = 64 * 1024;

/// The credential document of the ECS/EKS agent and of EC2 instance metadata.
#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Document {
    code: Option<String>,
    access_key_id: Option<String>,
    secret_access_key: Option<String>,
    token: Option<String>,
    expiration: Option<String>,
}

/// Parses the JSON credential document of a metadata endpoint.
pub(crate) fn parse_document(
    body: &[u8],
    what: &str,
    config: &ProviderConfig,
) -> Result<Credentials, CredentialsError> {
    // serde's messages can quote the input: never attach them.
    let doc: Document = serde_json::from_slice(body).map_err(|_| {
        CredentialsError::provider_error(format!(
            "{what}: the answer is not a credentials document"
        ))
    })?;
    if let Some(code) = doc.code.as_deref()
        && code != "Success"
    {
        return Err(CredentialsError::provider_error(format!(
            "{what}: the endpoint reported {:?}",
            excerpt(code.as_bytes())
        )));
    }
    let (Some(akid), Some(secret)) = (
        doc.access_key_id.filter(|s| !s.is_empty()),
        doc.secret_access_key.filter(|s| !s.is_empty()),
    ) else {
        return Err(CredentialsError::provider_error(format!(
            "{what}: the answer lacks AccessKeyId or SecretAccessKey"
        )));
    };
    let mut creds = Credentials::new(akid, secret, doc.token);
    if let Some(expiration) = doc.expiration.filter(|s| !s.is_empty()) {
        let at = parse_rfc3339(&expiration).ok_or_else(|| {
            CredentialsError::provider_error(format!(
                "{what}: \"Expiration\" is not an RFC 3339 timestamp"
            ))
        })?;
        if at <= config.now() {
            tracing::warn!(
                what,
                expiration,
                "the endpoint returned credentials that already expired"
            );
        }
        creds = creds.with_expiry(at);
    }
    Ok(creds)
}

/// Credentials from the ECS agent or the EKS Pod Identity agent.
///
/// - `AWS_CONTAINER_CREDENTIALS_RELATIVE_URI`: a path on `http://169.254.170.2`
///   (ECS); takes precedence;
/// - `AWS_CONTAINER_CREDENTIALS_FULL_URI`: a full URL. `https` may point
///   anywhere; plain `http` only to a loopback address, `localhost`, the ECS
///   agent (`169.254.170.2`) or the EKS agent (`169.254.170.23`,
///   `[fd00:ec2::23]`);
/// - `AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE` (re-read on every call; wins)
///   or `AWS_CONTAINER_AUTHORIZATION_TOKEN`: sent as `Authorization`.
///
/// [Not loaded](CredentialsError::is_not_loaded) when neither URI variable is set.
#[derive(Debug, Clone)]
pub struct ContainerProvider {
    config: ProviderConfig,
}

impl ContainerProvider {
    /// Reads the variables of `config`'s environment.
    pub fn new(config: ProviderConfig) -> Self {
        Self { config }
    }

    fn url(&self) -> Result<String, CredentialsError> {
        let env = self.config.env();
        if let Some(relative) = env.get("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI") {
            let relative = relative.trim();
            if !relative.starts_with('/') {
                return Err(CredentialsError::invalid_configuration(
                    "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI must start with `/`",
                ));
            }
            let base = self.config.container_endpoint().trim_end_matches('/');
            return Ok(format!("{base}{relative}"));
        }
        let Some(full) = env.get("AWS_CONTAINER_CREDENTIALS_FULL_URI") else {
            return Err(CredentialsError::not_loaded(
                "neither AWS_CONTAINER_CREDENTIALS_RELATIVE_URI nor AWS_CONTAINER_CREDENTIALS_FULL_URI is set",
            ));
        };
        let full = full.trim().to_owned();
        check_full_uri(&full)?;
        Ok(full)
    }

    async fn token(&self) -> Result<Option<String>, CredentialsError> {
        let env = self.config.env();
        let token = if let Some(file) = env.get("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE") {
            let path = self.config.expand_home(&file);
            let text = tokio::fs::read_to_string(&path).await.map_err(|e| {
                CredentialsError::provider_error(format!(
                    "cannot read AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE {}",
                    path.display()
                ))
                .with_source(e)
            })?;
            Some(text.trim().to_owned())
        } else {
            env.get("AWS_CONTAINER_AUTHORIZATION_TOKEN")
                .map(|t| t.trim().to_owned())
        };
        match token {
            Some(t) if t.contains(['\r', '\n']) => Err(CredentialsError::invalid_configuration(
                "the container authorization token contains a line break",
            )),
            other => Ok(other.filter(|t| !t.is_empty())),
        }
    }

    async fn load(&self) -> Result<Credentials, CredentialsError> {
        let url = self.url()?;
        let token = self.token().await?;
        let what = format!("container credentials endpoint {url}");
        let mut builder = http::Request::get(&url).header("accept", "application/json");
        if let Some(token) = token {
            let mut value = http::HeaderValue::from_str(&token).map_err(|_| {
                CredentialsError::invalid_configuration(
                    "the container authorization token is not a valid header value",
                )
            })?;
            value.set_sensitive(true);
            builder = builder.header(http::header::AUTHORIZATION, value);
        }
        let request = builder.body(Full::new(Bytes::new())).map_err(|_| {
            CredentialsError::invalid_configuration(format!("{what}: not a valid URL"))
        })?;
        let (status, body) = self
            .config
            .fetch(request, DEADLINE, MAX_BODY)
            .await
            .map_err(|e| {
                CredentialsError::provider_error(format!("{what}: request failed")).with_source(e)
            })?;
        if !status.is_success() {
            return Err(CredentialsError::provider_error(format!(
                "{what}: HTTP {}: {}",
                status.as_u16(),
                error_detail(&body)
            )));
        }
        parse_document(&body, &what, &self.config).map(|c| c.with_provider_name("container"))
    }
}

impl ProvideCredentials for ContainerProvider {
    fn provide_credentials(&self) -> BoxFuture<'_, Result<Credentials, CredentialsError>> {
        Box::pin(self.load())
    }
}

/// The `message` (and `code`) of a JSON error body; nothing else of it.
fn error_detail(body: &[u8]) -> String {
    #[derive(Deserialize)]
    struct ErrorBody {
        #[serde(alias = "Code")]
        code: Option<String>,
        #[serde(alias = "Message")]
        message: Option<String>,
    }
    match serde_json::from_slice::<ErrorBody>(body) {
        Ok(e) => excerpt(
            format!(
                "{} {}",
                e.code.unwrap_or_default(),
                e.message.unwrap_or_default()
            )
            .as_bytes(),
        ),
        Err(_) => format!("{} byte body", body.len()),
    }
}

/// Checks that a plain-http full URI points at an allowed host.
fn check_full_uri(url: &str) -> Result<(), CredentialsError> {
    let uri: http::Uri = url.parse().map_err(|_| {
        CredentialsError::invalid_configuration(
            "AWS_CONTAINER_CREDENTIALS_FULL_URI is not a valid URL",
        )
    })?;
    let host = uri.host().unwrap_or_default();
    match uri.scheme_str() {
        Some("https") if !host.is_empty() => Ok(()),
        Some("http") if is_allowed_http_host(host) => Ok(()),
        Some("http") => Err(CredentialsError::invalid_configuration(format!(
            "AWS_CONTAINER_CREDENTIALS_FULL_URI: plain http is allowed only to loopback, \
             169.254.170.2 (ECS) or 169.254.170.23 / fd00:ec2::23 (EKS), not {host:?}"
        ))),
        _ => Err(CredentialsError::invalid_configuration(
            "AWS_CONTAINER_CREDENTIALS_FULL_URI must be an http or https URL with a host",
        )),
    }
}

fn is_allowed_http_host(host: &str) -> bool {
    if host.eq_ignore_ascii_case("localhost") {
        return true;
    }
    let bare = host.trim_start_matches('[').trim_end_matches(']');
    match bare.parse::<IpAddr>() {
        Ok(ip) => {
            ip.is_loopback()
                || ip == IpAddr::from([169, 254, 170, 2])
                || ip == IpAddr::from([169, 254, 170, 23])
                || ip == IpAddr::from([0xfd00, 0x0ec2, 0, 0, 0, 0, 0, 0x23])
        }
        Err(_) => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn full_uri_hosts() {
        for ok in [
            "http://127.0.0.1:8080/creds",
            "http://127.1.2.3/creds",
            "http://localhost/creds",
            "http://[::1]:9/x",
            "http://169.254.170.2/v2/credentials",
            "http://169.254.170.23/v1/credentials",
            "http://[fd00:ec2::23]/v1/credentials",
            "https://credentials.example.com/x",
        ] {
            assert!(check_full_uri(ok).is_ok(), "{ok}");
        }
        for bad in [
            "http://example.com/creds",
            "http://10.0.0.1/creds",
            "http://169.254.169.254/",
            "ftp://127.0.0.1/",
            "not a url",
            "/relative",
        ] {
            let err = check_full_uri(bad).expect_err(bad);
            assert!(err.is_invalid_configuration());
        }
    }

    #[test]
    fn documents() {
        let config = ProviderConfig::new().with_env(crate::Env::from_pairs::<&str, &str, _>([]));
        let c = parse_document(
            br#"{"AccessKeyId":"ASIA","SecretAccessKey":"S3CR3T","Token":"T","Expiration":"2026-11-25T08:00:00Z","RoleArn":"arn"}"#,
            "x",
            &config,
        )
        .expect("valid");
        assert_eq!(c.session_token(), Some("T"));
        for bad in [
            &br#"{"Code":"Failure","AccessKeyId":"ASIA","SecretAccessKey":"S3CR3T"}"#[..],
            br#"{"AccessKeyId":"ASIA"}"#,
            br#"{"AccessKeyId":"ASIA","SecretAccessKey":"S3CR3T","Expiration":"later"}"#,
            br#"S3CR3T"#,
        ] {
            let err = parse_document(bad, "x", &config).expect_err("invalid");
            assert!(!err.to_string().contains("S3CR3T"));
        }
        assert_eq!(
            error_detail(br#"{"code":"Denied","message":"no"}"#),
            "Denied no"
        );
        assert_eq!(error_detail(b"S3CR3T"), "6 byte body");
    }
}
