//! Credentials from environment variables.

use super::{BoxFuture, Credentials, CredentialsError, ProvideCredentials};
use crate::env::Env;

/// Reads `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY` and (optionally)
/// `AWS_SESSION_TOKEN` on every call.
///
/// Returns a [`not loaded`](CredentialsError::is_not_loaded) error when neither
/// key variable is set, and an [`invalid configuration`](CredentialsError::is_invalid_configuration)
/// error when only one of them is.
#[derive(Debug, Clone, Default)]
pub struct EnvironmentProvider {
    env: Env,
}

impl EnvironmentProvider {
    /// Reads the process environment.
    pub fn new() -> Self {
        Self {
            env: Env::process(),
        }
    }

    /// Reads `env` instead of the process environment.
    pub fn with_env(env: Env) -> Self {
        Self { env }
    }

    /// Reads the variables now.
    ///
    /// # Errors
    ///
    /// Not loaded when neither key is set; invalid configuration when only one is.
    pub fn load(&self) -> Result<Credentials, CredentialsError> {
        let access_key = self.env.get("AWS_ACCESS_KEY_ID");
        let secret_key = self.env.get("AWS_SECRET_ACCESS_KEY");
        match (access_key, secret_key) {
            (Some(akid), Some(secret)) => {
                Ok(
                    Credentials::new(akid, secret, self.env.get("AWS_SESSION_TOKEN"))
                        .with_provider_name("environment"),
                )
            }
            (None, None) => Err(CredentialsError::not_loaded(
                "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are not set",
            )),
            (Some(_), None) => Err(CredentialsError::invalid_configuration(
                "AWS_ACCESS_KEY_ID is set but AWS_SECRET_ACCESS_KEY is not",
            )),
            (None, Some(_)) => Err(CredentialsError::invalid_configuration(
                "AWS_SECRET_ACCESS_KEY is set but AWS_ACCESS_KEY_ID is not",
            )),
        }
    }
}

impl ProvideCredentials for EnvironmentProvider {
    fn provide_credentials(&self) -> BoxFuture<'_, Result<Credentials, CredentialsError>> {
        let result = self.load();
        Box::pin(async move { result })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_keys_and_token() {
        let p = EnvironmentProvider::with_env(Env::from_pairs([
            ("AWS_ACCESS_KEY_ID", "AKID"),
            ("AWS_SECRET_ACCESS_KEY", "SECRET"),
            ("AWS_SESSION_TOKEN", "TOKEN"),
        ]));
        let c = p.load().expect("credentials from env");
        assert_eq!(c.access_key_id(), "AKID");
        assert_eq!(c.secret_access_key(), "SECRET");
        assert_eq!(c.session_token(), Some("TOKEN"));
        assert_eq!(c.provider_name(), "environment");
    }

    #[test]
    fn missing_and_partial() {
        let none = EnvironmentProvider::with_env(Env::from_pairs::<&str, &str, _>([]));
        assert!(none.load().expect_err("nothing set").is_not_loaded());
        let half = EnvironmentProvider::with_env(Env::from_pairs([("AWS_ACCESS_KEY_ID", "AKID")]));
        let err = half.load().expect_err("secret missing");
        assert!(err.is_invalid_configuration());
        assert!(!err.to_string().contains("AKID"));
    }
}
