//! `credential_process`: run a command that prints credentials as JSON.
//!
//! The command runs through the shell (`sh -c`, or `cmd /C` on Windows), with
//! a deadline of one minute; its stdout must be
//! `{"Version": 1, "AccessKeyId": ..., "SecretAccessKey": ...,
//! "SessionToken": ..., "Expiration": "RFC 3339"}`. Error messages never show
//! the command line (it may hold secrets) nor stdout; they show the exit
//! status and the first line of stderr.

use std::process::Stdio;
use std::time::Duration;

use serde::Deserialize;
use tokio::io::AsyncReadExt;

use super::provider_config::{ProviderConfig, excerpt};
use super::timestamp::parse_rfc3339;
use super::{Credentials, CredentialsError};

const DEADLINE: Duration = Duration::from_secs(60);
const MAX_OUTPUT: u64 = 64 * 1024;

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Output {
    version: Option<serde_json::Value>,
    access_key_id: Option<String>,
    secret_access_key: Option<String>,
    session_token: Option<String>,
    expiration: Option<String>,
}

/// Runs the `credential_process` of `profile`.
pub(crate) async fn run(
    config: &ProviderConfig,
    profile: &str,
    command: &str,
) -> Result<Credentials, CredentialsError> {
    let what = format!("credential_process of profile {profile:?}");
    if command.trim().is_empty() {
        return Err(CredentialsError::invalid_configuration(format!(
            "{what} is empty"
        )));
    }
    let mut cmd = if cfg!(windows) {
        let mut c = tokio::process::Command::new("cmd.exe");
        c.arg("/C").arg(command);
        c
    } else {
        let mut c = tokio::process::Command::new("sh");
        c.arg("-c").arg(command);
        c
    };
    cmd.stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true);
    let mut child = cmd.spawn().map_err(|e| {
        CredentialsError::provider_error(format!("{what}: could not start the shell"))
            .with_source(e)
    })?;
    let mut stdout = child.stdout.take();
    let mut stderr = child.stderr.take();
    let collected = async {
        let mut out = Vec::new();
        let mut err = Vec::new();
        let read_out = async {
            if let Some(s) = stdout.as_mut() {
                s.take(MAX_OUTPUT + 1).read_to_end(&mut out).await?;
            }
            Ok::<_, std::io::Error>(())
        };
        let read_err = async {
            if let Some(s) = stderr.as_mut() {
                s.take(MAX_OUTPUT).read_to_end(&mut err).await?;
            }
            Ok::<_, std::io::Error>(())
        };
        let (a, b) = tokio::join!(read_out, read_err);
        a?;
        b?;
        let status = child.wait().await?;
        Ok::<_, std::io::Error>((status, out, err))
    };
    let (status, out, err) = match tokio::time::timeout(DEADLINE, collected).await {
        Ok(Ok(done)) => done,
        Ok(Err(e)) => {
            return Err(CredentialsError::provider_error(format!(
                "{what}: reading its output failed"
            ))
            .with_source(e));
        }
        Err(_) => {
            return Err(CredentialsError::provider_error(format!(
                "{what}: did not finish within {DEADLINE:?} (killed)"
            )));
        }
    };
    if !status.success() {
        let first_line = String::from_utf8_lossy(&err)
            .lines()
            .find(|l| !l.trim().is_empty())
            .map(|l| excerpt(l.as_bytes()))
            .unwrap_or_default();
        let code = status
            .code()
            .map_or_else(|| "a signal".to_owned(), |c| format!("code {c}"));
        let stderr_part = if first_line.is_empty() {
            String::new()
        } else {
            format!("; stderr: {first_line}")
        };
        return Err(CredentialsError::provider_error(format!(
            "{what}: exited with {code}{stderr_part}"
        )));
    }
    if out.len() as u64 > MAX_OUTPUT {
        return Err(CredentialsError::provider_error(format!(
            "{what}: printed more than {MAX_OUTPUT} bytes"
        )));
    }
    parse_output(&out, &what, config)
}

fn parse_output(
    out: &[u8],
    what: &str,
    config: &ProviderConfig,
) -> Result<Credentials, CredentialsError> {
    // Never attach serde's error: it can quote the input.
    let parsed: Output = serde_json::from_slice(out).map_err(|_| {
        CredentialsError::provider_error(format!("{what}: stdout is not the expected JSON object"))
    })?;
    match parsed.version.as_ref().and_then(serde_json::Value::as_u64) {
        Some(1) => {}
        _ => {
            return Err(CredentialsError::provider_error(format!(
                "{what}: \"Version\" must be 1"
            )));
        }
    }
    let (Some(akid), Some(secret)) = (
        parsed.access_key_id.filter(|s| !s.is_empty()),
        parsed.secret_access_key.filter(|s| !s.is_empty()),
    ) else {
        return Err(CredentialsError::provider_error(format!(
            "{what}: output lacks AccessKeyId or SecretAccessKey"
        )));
    };
    let mut creds = Credentials::new(akid, secret, parsed.session_token);
    if let Some(expiration) = parsed.expiration.filter(|s| !s.is_empty()) {
        let Some(at) = parse_rfc3339(&expiration) else {
            return Err(CredentialsError::provider_error(format!(
                "{what}: \"Expiration\" is not an RFC 3339 timestamp"
            )));
        };
        if at <= config.now() {
            return Err(CredentialsError::provider_error(format!(
                "{what}: returned credentials that already expired at {expiration}"
            )));
        }
        creds = creds.with_expiry(at);
    }
    Ok(creds.with_provider_name("credential_process"))
}

#[cfg(test)]
mod tests {
    use std::time::SystemTime;

    use super::*;

    fn config_at(secs: u64) -> ProviderConfig {
        ProviderConfig::new()
            .with_env(crate::Env::from_pairs::<&str, &str, _>([]))
            .with_clock(move || SystemTime::UNIX_EPOCH + Duration::from_secs(secs))
    }

    #[test]
    fn parses_and_validates_output() {
        let config = config_at(1_795_590_000);
        let ok = parse_output(
            br#"{"Version":1,"AccessKeyId":"AKID","SecretAccessKey":"S3CR3T","SessionToken":"T","Expiration":"2026-11-25T08:00:00Z"}"#,
            "p",
            &config,
        )
        .expect("valid");
        assert_eq!(ok.access_key_id(), "AKID");
        assert_eq!(ok.session_token(), Some("T"));
        assert!(ok.expires_at().is_some());
        for bad in [
            &br#"{"Version":2,"AccessKeyId":"AKID","SecretAccessKey":"S3CR3T"}"#[..],
            br#"{"Version":1,"AccessKeyId":"AKID"}"#,
            br#"{"Version":1,"AccessKeyId":"AKID","SecretAccessKey":"S3CR3T","Expiration":"soon"}"#,
            br#"{"Version":1,"AccessKeyId":"AKID","SecretAccessKey":"S3CR3T","Expiration":"2020-01-01T00:00:00Z"}"#,
            br#"not json S3CR3T"#,
        ] {
            let err = parse_output(bad, "p", &config).expect_err("invalid");
            assert!(!err.to_string().contains("S3CR3T"), "{err}");
        }
    }
}
