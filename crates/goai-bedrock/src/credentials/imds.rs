//! EC2 instance metadata (IMDSv2 only).

use std::time::Duration;

use bytes::Bytes;
use http_body_util::Full;

use super::container::parse_document;
use super::provider_config::{ProviderConfig, percent_encode};
use super::{BoxFuture, Credentials, CredentialsError, ProvideCredentials};

const DEFAULT_ENDPOINT: &str = "http://169.254.169.254";
const DEFAULT_ENDPOINT_V6: &str = "http://[fd00:ec2::254]";
const TOKEN_TTL_SECONDS: &str = "21600";
const DEADLINE: Duration = Duration::from_secs(2);
const MAX_BODY: usize = 64 * 1024;

/// Credentials of the EC2 instance profile, through IMDSv2: a session token
/// (`PUT /latest/api/token`), then the role name
/// (`GET /latest/meta-data/iam/security-credentials/`), then its credentials.
///
/// - Endpoint: `AWS_EC2_METADATA_SERVICE_ENDPOINT`, else
///   `http://[fd00:ec2::254]` when `AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE` is
///   `IPv6`, else `http://169.254.169.254`.
/// - `AWS_EC2_METADATA_DISABLED=true` turns it off.
/// - Each request has a 2 s deadline. An endpoint that does not answer (not
///   on EC2) or an instance without a role is
///   [not loaded](CredentialsError::is_not_loaded).
#[derive(Debug, Clone)]
pub struct ImdsProvider {
    config: ProviderConfig,
}

impl ImdsProvider {
    /// Reads the variables of `config`'s environment.
    pub fn new(config: ProviderConfig) -> Self {
        Self { config }
    }

    fn endpoint(&self) -> String {
        let env = self.config.env();
        if let Some(url) = env.get("AWS_EC2_METADATA_SERVICE_ENDPOINT") {
            return url.trim().trim_end_matches('/').to_owned();
        }
        match env.get("AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE") {
            Some(mode) if mode.trim().eq_ignore_ascii_case("ipv6") => {
                DEFAULT_ENDPOINT_V6.to_owned()
            }
            _ => DEFAULT_ENDPOINT.to_owned(),
        }
    }

    async fn request(
        &self,
        method: http::Method,
        url: &str,
        header: (&'static str, &str),
        what: &str,
    ) -> Result<(http::StatusCode, Bytes), CredentialsError> {
        let mut value = http::HeaderValue::from_str(header.1).map_err(|_| {
            CredentialsError::provider_error(format!(
                "{what}: the metadata token is not a valid header value"
            ))
        })?;
        value.set_sensitive(true);
        let request = http::Request::builder()
            .method(method)
            .uri(url)
            .header(header.0, value)
            .body(Full::new(Bytes::new()))
            .map_err(|_| {
                CredentialsError::invalid_configuration(format!(
                    "{what}: {url:?} is not a valid URL (check AWS_EC2_METADATA_SERVICE_ENDPOINT)"
                ))
            })?;
        self.config
            .fetch(request, DEADLINE, MAX_BODY)
            .await
            .map_err(|e| {
                let message = format!("{what}: no answer from the instance metadata service");
                if e.is_unreachable() {
                    CredentialsError::not_loaded(message).with_source(e)
                } else {
                    CredentialsError::provider_error(message).with_source(e)
                }
            })
    }

    async fn load(&self) -> Result<Credentials, CredentialsError> {
        if self
            .config
            .env()
            .get("AWS_EC2_METADATA_DISABLED")
            .is_some_and(|v| v.trim().eq_ignore_ascii_case("true"))
        {
            return Err(CredentialsError::not_loaded(
                "AWS_EC2_METADATA_DISABLED is true",
            ));
        }
        let base = self.endpoint();
        let (status, token) = self
            .request(
                http::Method::PUT,
                &format!("{base}/latest/api/token"),
                ("x-aws-ec2-metadata-token-ttl-seconds", TOKEN_TTL_SECONDS),
                &format!("IMDSv2 token from {base}"),
            )
            .await?;
        if !status.is_success() {
            return Err(CredentialsError::provider_error(format!(
                "IMDSv2 token from {base}: HTTP {} (IMDSv2 disabled, or a hop limit too low for containers?)",
                status.as_u16()
            )));
        }
        let token = std::str::from_utf8(&token)
            .map(str::trim)
            .ok()
            .filter(|t| !t.is_empty())
            .ok_or_else(|| {
                CredentialsError::provider_error(format!(
                    "IMDSv2 token from {base}: empty or not text"
                ))
            })?
            .to_owned();
        let roles_url = format!("{base}/latest/meta-data/iam/security-credentials/");
        let what = format!("instance role from {base}");
        let (status, roles) = self
            .request(
                http::Method::GET,
                &roles_url,
                ("x-aws-ec2-metadata-token", &token),
                &what,
            )
            .await?;
        if status == http::StatusCode::NOT_FOUND {
            return Err(CredentialsError::not_loaded(format!(
                "{what}: the instance has no IAM instance profile"
            )));
        }
        if !status.is_success() {
            return Err(CredentialsError::provider_error(format!(
                "{what}: HTTP {}",
                status.as_u16()
            )));
        }
        let role = std::str::from_utf8(&roles)
            .ok()
            .and_then(|text| text.lines().map(str::trim).find(|l| !l.is_empty()))
            .ok_or_else(|| {
                CredentialsError::not_loaded(format!("{what}: the instance has no IAM role"))
            })?
            .to_owned();
        let what = format!("credentials of instance role {role:?} from {base}");
        let (status, body) = self
            .request(
                http::Method::GET,
                &format!("{roles_url}{}", percent_encode(&role)),
                ("x-aws-ec2-metadata-token", &token),
                &what,
            )
            .await?;
        if !status.is_success() {
            return Err(CredentialsError::provider_error(format!(
                "{what}: HTTP {}",
                status.as_u16()
            )));
        }
        parse_document(&body, &what, &self.config).map(|c| c.with_provider_name("imds"))
    }
}

impl ProvideCredentials for ImdsProvider {
    fn provide_credentials(&self) -> BoxFuture<'_, Result<Credentials, CredentialsError>> {
        Box::pin(self.load())
    }
}
