//! Web identity federation (EKS IRSA and the like): a token file plus a role,
//! exchanged through STS AssumeRoleWithWebIdentity.

use super::profile::Section;
use super::provider_config::ProviderConfig;
use super::sts;
use super::{BoxFuture, Credentials, CredentialsError, ProvideCredentials};

/// The region used for STS when none is configured.
const DEFAULT_STS_REGION: &str = "us-east-1";

/// Credentials for `AWS_ROLE_ARN` in exchange for the token in
/// `AWS_WEB_IDENTITY_TOKEN_FILE` (re-read on every call, since the platform
/// rotates it), with session name `AWS_ROLE_SESSION_NAME` (default
/// `goai-rs-<unix milliseconds>`). STS is called in `AWS_REGION` (else
/// `AWS_DEFAULT_REGION`, else `us-east-1`).
///
/// [Not loaded](CredentialsError::is_not_loaded) when
/// `AWS_WEB_IDENTITY_TOKEN_FILE` is unset.
#[derive(Debug, Clone)]
pub struct WebIdentityProvider {
    config: ProviderConfig,
}

impl WebIdentityProvider {
    /// Reads the variables of `config`'s environment.
    pub fn new(config: ProviderConfig) -> Self {
        Self { config }
    }

    async fn load(&self) -> Result<Credentials, CredentialsError> {
        let env = self.config.env();
        let Some(token_file) = env.get("AWS_WEB_IDENTITY_TOKEN_FILE") else {
            return Err(CredentialsError::not_loaded(
                "AWS_WEB_IDENTITY_TOKEN_FILE is not set",
            ));
        };
        let Some(role_arn) = env.get("AWS_ROLE_ARN") else {
            return Err(CredentialsError::invalid_configuration(
                "AWS_WEB_IDENTITY_TOKEN_FILE is set but AWS_ROLE_ARN is not",
            ));
        };
        let region = env
            .get("AWS_REGION")
            .or_else(|| env.get("AWS_DEFAULT_REGION"))
            .unwrap_or_else(|| DEFAULT_STS_REGION.to_owned());
        let session = env
            .get("AWS_ROLE_SESSION_NAME")
            .unwrap_or_else(|| sts::default_session_name(self.config.now()));
        exchange(&self.config, &token_file, &role_arn, &session, &region)
            .await
            .map(|c| c.with_provider_name("web_identity"))
    }
}

impl ProvideCredentials for WebIdentityProvider {
    fn provide_credentials(&self) -> BoxFuture<'_, Result<Credentials, CredentialsError>> {
        Box::pin(self.load())
    }
}

/// A profile with `role_arn` and `web_identity_token_file`.
pub(crate) async fn from_profile(
    config: &ProviderConfig,
    profile: &str,
    section: &Section,
    region: Option<&str>,
) -> Result<Credentials, CredentialsError> {
    let token_file = section.get("web_identity_token_file").unwrap_or_default();
    let role_arn = section.get("role_arn").unwrap_or_default();
    let session = section
        .get("role_session_name")
        .map_or_else(|| sts::default_session_name(config.now()), str::to_owned);
    exchange(
        config,
        token_file,
        role_arn,
        &session,
        region.unwrap_or(DEFAULT_STS_REGION),
    )
    .await
    .map_err(|e| sts::prefix(e, &format!("profile {profile:?}")))
}

async fn exchange(
    config: &ProviderConfig,
    token_file: &str,
    role_arn: &str,
    session: &str,
    region: &str,
) -> Result<Credentials, CredentialsError> {
    let path = config.expand_home(token_file);
    let token = tokio::fs::read_to_string(&path).await.map_err(|e| {
        CredentialsError::provider_error(format!(
            "cannot read the web identity token file {}",
            path.display()
        ))
        .with_source(e)
    })?;
    let token = token.trim();
    if token.is_empty() {
        return Err(CredentialsError::provider_error(format!(
            "the web identity token file {} is empty",
            path.display()
        )));
    }
    sts::assume_role_with_web_identity(config, region, role_arn, session, token).await
}
