//! IAM Identity Center (SSO) profiles: the token `aws sso login` cached, then
//! the portal's GetRoleCredentials.
//!
//! The token is read from `~/.aws/sso/cache/<sha1>.json`, where the SHA-1 is
//! of the `sso_session` name (or, for legacy profiles, of `sso_start_url`).
//! Expired tokens are not refreshed here: the error says to run
//! `aws sso login`. Portal endpoint: `AWS_ENDPOINT_URL_SSO`, else
//! `https://portal.sso.{sso_region}.amazonaws.com` (the partition's DNS suffix
//! in China and the isolated partitions).

mod sha1;

use std::path::PathBuf;
use std::time::{Duration, SystemTime};

use bytes::Bytes;
use http_body_util::Full;
use serde::Deserialize;

use super::profile::ProfileSet;
use super::provider_config::{ProviderConfig, excerpt, percent_encode};
use super::timestamp::parse_rfc3339;
use super::{Credentials, CredentialsError};

const DEADLINE: Duration = Duration::from_secs(15);
const MAX_BODY: usize = 64 * 1024;
const MAX_CACHE_FILE: u64 = 256 * 1024;

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct CachedToken {
    access_token: Option<String>,
    expires_at: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct PortalResponse {
    role_credentials: Option<RoleCredentials>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RoleCredentials {
    access_key_id: Option<String>,
    secret_access_key: Option<String>,
    session_token: Option<String>,
    expiration: Option<u64>,
}

/// Where the token comes from, for messages and the login hint.
struct Session {
    cache_key: String,
    login_hint: String,
    region: String,
}

fn session(set: &ProfileSet, profile: &str) -> Result<Session, CredentialsError> {
    let section = set.profile(profile).cloned().unwrap_or_default();
    let invalid = |what: String| {
        CredentialsError::invalid_configuration(format!("profile {profile:?}: {what}"))
    };
    if let Some(name) = section.get("sso_session") {
        let Some(sso) = set.sso_session(name) else {
            return Err(invalid(format!(
                "sso_session {name:?} has no [sso-session {name}] section"
            )));
        };
        let start_url = sso
            .get("sso_start_url")
            .ok_or_else(|| invalid(format!("[sso-session {name}] has no sso_start_url")))?;
        let region = sso
            .get("sso_region")
            .ok_or_else(|| invalid(format!("[sso-session {name}] has no sso_region")))?;
        for (key, value) in [("sso_start_url", start_url), ("sso_region", region)] {
            if section.get(key).is_some_and(|v| v != value) {
                return Err(invalid(format!(
                    "{key} differs from the one of sso_session {name:?}"
                )));
            }
        }
        return Ok(Session {
            cache_key: name.to_owned(),
            login_hint: format!("aws sso login --sso-session {name}"),
            region: region.to_owned(),
        });
    }
    let start_url = section
        .get("sso_start_url")
        .ok_or_else(|| invalid("neither sso_session nor sso_start_url is set".to_owned()))?;
    let region = section
        .get("sso_region")
        .ok_or_else(|| invalid("sso_start_url is set but sso_region is not".to_owned()))?;
    Ok(Session {
        cache_key: start_url.to_owned(),
        login_hint: format!("aws sso login --profile {profile}"),
        region: region.to_owned(),
    })
}

/// The path of the cached token for `cache_key`.
pub(crate) fn cache_path(config: &ProviderConfig, cache_key: &str) -> Option<PathBuf> {
    config.home_dir().map(|home| {
        home.join(".aws")
            .join("sso")
            .join("cache")
            .join(format!("{}.json", sha1::sha1_hex(cache_key.as_bytes())))
    })
}

/// Credentials of an SSO profile.
pub(crate) async fn credentials(
    config: &ProviderConfig,
    set: &ProfileSet,
    profile: &str,
) -> Result<Credentials, CredentialsError> {
    let section = set.profile(profile).cloned().unwrap_or_default();
    let session = session(set, profile)?;
    let (Some(account), Some(role)) = (section.get("sso_account_id"), section.get("sso_role_name"))
    else {
        return Err(CredentialsError::invalid_configuration(format!(
            "profile {profile:?}: an SSO profile needs sso_account_id and sso_role_name"
        )));
    };
    let token = cached_token(config, &session).await?;
    let base = config
        .env()
        .get("AWS_ENDPOINT_URL_SSO")
        .map(|u| u.trim().trim_end_matches('/').to_owned())
        .unwrap_or_else(|| {
            let suffix = crate::client::partition_dns_suffix(&session.region);
            format!("https://portal.sso.{}.{suffix}", session.region)
        });
    let url = format!(
        "{base}/federation/credentials?account_id={}&role_name={}",
        percent_encode(account),
        percent_encode(role)
    );
    let what = format!("IAM Identity Center GetRoleCredentials (account {account}, role {role})");
    let mut bearer = http::HeaderValue::from_str(&token).map_err(|_| {
        CredentialsError::provider_error(format!(
            "the cached IAM Identity Center token is malformed; run `{}`",
            session.login_hint
        ))
    })?;
    bearer.set_sensitive(true);
    let request = http::Request::get(&url)
        .header("x-amz-sso_bearer_token", bearer)
        .header("accept", "application/json")
        .body(Full::new(Bytes::new()))
        .map_err(|_| {
            CredentialsError::invalid_configuration(format!("{what}: {url:?} is not a valid URL"))
        })?;
    let (status, body) = config
        .fetch(request, DEADLINE, MAX_BODY)
        .await
        .map_err(|e| {
            CredentialsError::provider_error(format!("{what}: request to {base} failed"))
                .with_source(e)
        })?;
    if status == http::StatusCode::UNAUTHORIZED || status == http::StatusCode::FORBIDDEN {
        return Err(CredentialsError::provider_error(format!(
            "{what}: the portal rejected the cached token (HTTP {}: {}); it may have been revoked: run `{}`",
            status.as_u16(),
            portal_error(&body),
            session.login_hint
        )));
    }
    if !status.is_success() {
        return Err(CredentialsError::provider_error(format!(
            "{what}: HTTP {}: {}",
            status.as_u16(),
            portal_error(&body)
        )));
    }
    let parsed: PortalResponse = serde_json::from_slice(&body)
        .map_err(|_| CredentialsError::provider_error(format!("{what}: unexpected response")))?;
    let rc = parsed.role_credentials.ok_or_else(|| {
        CredentialsError::provider_error(format!("{what}: response lacks roleCredentials"))
    })?;
    let (Some(akid), Some(secret)) = (
        rc.access_key_id.filter(|s| !s.is_empty()),
        rc.secret_access_key.filter(|s| !s.is_empty()),
    ) else {
        return Err(CredentialsError::provider_error(format!(
            "{what}: response lacks accessKeyId or secretAccessKey"
        )));
    };
    let mut creds = Credentials::new(akid, secret, rc.session_token).with_provider_name("sso");
    if let Some(ms) = rc.expiration {
        creds = creds.with_expiry(SystemTime::UNIX_EPOCH + Duration::from_millis(ms));
    }
    Ok(creds)
}

/// The `message` of the portal's JSON error body.
fn portal_error(body: &[u8]) -> String {
    #[derive(Deserialize)]
    struct ErrorBody {
        message: Option<String>,
        #[serde(rename = "__type")]
        kind: Option<String>,
    }
    match serde_json::from_slice::<ErrorBody>(body) {
        Ok(e) => excerpt(
            format!(
                "{} {}",
                e.kind.unwrap_or_default(),
                e.message.unwrap_or_default()
            )
            .as_bytes(),
        ),
        Err(_) => format!("{} byte body", body.len()),
    }
}

async fn cached_token(
    config: &ProviderConfig,
    session: &Session,
) -> Result<String, CredentialsError> {
    let hint = &session.login_hint;
    let Some(path) = cache_path(config, &session.cache_key) else {
        return Err(CredentialsError::invalid_configuration(
            "no home directory (HOME) to find the IAM Identity Center token cache in",
        ));
    };
    let bytes = match tokio::fs::read(&path).await {
        Ok(b) => b,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(CredentialsError::provider_error(format!(
                "no cached IAM Identity Center token at {}: run `{hint}`",
                path.display()
            )));
        }
        Err(e) => {
            return Err(CredentialsError::provider_error(format!(
                "cannot read the IAM Identity Center token cache {}",
                path.display()
            ))
            .with_source(e));
        }
    };
    if bytes.len() as u64 > MAX_CACHE_FILE {
        return Err(CredentialsError::provider_error(format!(
            "the IAM Identity Center token cache {} is too large; run `{hint}`",
            path.display()
        )));
    }
    let cached: CachedToken = serde_json::from_slice(&bytes).map_err(|_| {
        CredentialsError::provider_error(format!(
            "the IAM Identity Center token cache {} is not valid JSON; run `{hint}`",
            path.display()
        ))
    })?;
    let (Some(token), Some(expires_at)) = (
        cached.access_token.filter(|t| !t.is_empty()),
        cached.expires_at,
    ) else {
        return Err(CredentialsError::provider_error(format!(
            "the IAM Identity Center token cache {} lacks accessToken or expiresAt; run `{hint}`",
            path.display()
        )));
    };
    let expiry = parse_rfc3339(&expires_at).ok_or_else(|| {
        CredentialsError::provider_error(format!(
            "the IAM Identity Center token cache {} has an unreadable expiresAt; run `{hint}`",
            path.display()
        ))
    })?;
    if expiry <= config.now() {
        return Err(CredentialsError::provider_error(format!(
            "the IAM Identity Center token expired at {}: run `{hint}` to sign in again",
            excerpt(expires_at.as_bytes())
        )));
    }
    Ok(token)
}
