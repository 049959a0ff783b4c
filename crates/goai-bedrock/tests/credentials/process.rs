//! `credential_process` profiles (Unix shell scripts in a temporary home).
#![cfg(unix)]

use goai_bedrock::credentials::{ProfileProvider, ProvideCredentials};

use super::support::{Clock, Home, config, rfc3339_after};

#[tokio::test]
async fn runs_the_command_and_reads_expiring_credentials() {
    let home = Home::new();
    let script = home.script(
        "bin/creds",
        &format!(
            r#"[ "$1" = "--role" ] && [ "$2" = "a b" ] || exit 9
echo '{{"Version": 1, "AccessKeyId": "AKIDPROC", "SecretAccessKey": "PROCSECRET", "SessionToken": "PROCTOKEN", "Expiration": "{}"}}'"#,
            rfc3339_after(900)
        ),
    );
    home.write(
        ".aws/config",
        &format!(
            "[default]\ncredential_process = {} --role \"a b\"\n",
            script.display()
        ),
    );
    let clock = Clock::new();
    let creds = ProfileProvider::new(config(home.env(&[]), &clock))
        .provide_credentials()
        .await
        .expect("process credentials");
    assert_eq!(creds.access_key_id(), "AKIDPROC");
    assert_eq!(creds.secret_access_key(), "PROCSECRET");
    assert_eq!(creds.session_token(), Some("PROCTOKEN"));
    assert_eq!(
        creds.expires_at(),
        Some(std::time::UNIX_EPOCH + std::time::Duration::from_secs(super::support::START + 900))
    );
}

#[tokio::test]
async fn a_failing_command_reports_its_status_and_stderr_but_not_the_command() {
    let home = Home::new();
    let script = home.script("bin/fail", "echo 'token for vault expired' >&2\nexit 3");
    home.write(
        ".aws/config",
        &format!(
            "[default]\ncredential_process = {} --password SECRETARG\n",
            script.display()
        ),
    );
    let clock = Clock::new();
    let err = ProfileProvider::new(config(home.env(&[]), &clock))
        .provide_credentials()
        .await
        .expect_err("exit 3");
    assert!(err.is_provider_error());
    let shown = err.to_string();
    assert!(shown.contains("code 3"), "{shown}");
    assert!(shown.contains("token for vault expired"), "{shown}");
    assert!(!shown.contains("SECRETARG"), "{shown}");
}

#[tokio::test]
async fn malformed_output_is_rejected_without_echoing_it() {
    let home = Home::new();
    let script = home.script(
        "bin/bad",
        r#"echo '{"Version": 1, "AccessKeyId": "AKID", "SecretAccessKey": "LEAKME", "Expiration": "tomorrow"}'"#,
    );
    home.write(
        ".aws/config",
        &format!("[default]\ncredential_process = {}\n", script.display()),
    );
    let clock = Clock::new();
    let err = ProfileProvider::new(config(home.env(&[]), &clock))
        .provide_credentials()
        .await
        .expect_err("bad expiration");
    assert!(err.to_string().contains("Expiration"), "{err}");
    assert!(!err.to_string().contains("LEAKME"), "{err}");
}
