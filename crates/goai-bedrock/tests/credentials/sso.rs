//! IAM Identity Center profiles: cached token, then GetRoleCredentials.

use goai_bedrock::credentials::{ProfileProvider, ProvideCredentials};

use super::support::{Clock, Fake, Home, Reply, START, config, rfc3339_after};

/// SHA-1 of "my-sso-session", as `aws sso login` names the cache file.
const SESSION_CACHE: &str = ".aws/sso/cache/b755b5ec73400c04400e978208d8559ad1f39053.json";
/// SHA-1 of "https://my-sso-portal.awsapps.com/start".
const LEGACY_CACHE: &str = ".aws/sso/cache/c7aaaf71fcc8777ae2475525ed049d39fe16c484.json";

const SESSION_CONFIG: &str = "[profile dev]\nsso_session = my-sso-session\nsso_account_id = 111122223333\n\
     sso_role_name = Developer\nregion = eu-west-1\n\
     [sso-session my-sso-session]\nsso_start_url = https://my-sso-portal.awsapps.com/start\nsso_region = eu-west-1\n";

fn portal() -> impl Fn(&super::support::Recorded) -> Reply + Send + Sync + 'static {
    |req| {
        if req.header("x-amz-sso_bearer_token") != Some("SSOACCESSTOKEN") {
            return Reply::status(
                401,
                r#"{"message":"Session token not found or invalid","__type":"UnauthorizedException"}"#,
            );
        }
        let expiration_ms = (START + 3600) * 1000;
        Reply::ok(format!(
            r#"{{"roleCredentials":{{"accessKeyId":"ASIASSO","secretAccessKey":"SSOSECRET","sessionToken":"SSOTOKEN","expiration":{expiration_ms}}}}}"#
        ))
    }
}

fn token_file(expires_in: i64) -> String {
    let expires = if expires_in >= 0 {
        rfc3339_after(expires_in.unsigned_abs())
    } else {
        // Before START: an already expired token.
        "2026-11-24T06:00:00Z".to_owned()
    };
    format!(
        r#"{{"startUrl":"https://my-sso-portal.awsapps.com/start","region":"eu-west-1","accessToken":"SSOACCESSTOKEN","expiresAt":"{expires}"}}"#
    )
}

#[tokio::test]
async fn sso_session_profile_gets_role_credentials() {
    let fake = Fake::start(portal()).await;
    let home = Home::new();
    home.write(".aws/config", SESSION_CONFIG);
    home.write(SESSION_CACHE, &token_file(8 * 3600));
    let clock = Clock::new();
    let cfg = config(
        home.env(&[
            ("AWS_PROFILE", "dev"),
            ("AWS_ENDPOINT_URL_SSO", &fake.url()),
        ]),
        &clock,
    );
    let creds = ProfileProvider::new(cfg)
        .provide_credentials()
        .await
        .expect("sso credentials");
    assert_eq!(creds.access_key_id(), "ASIASSO");
    assert_eq!(creds.session_token(), Some("SSOTOKEN"));
    assert_eq!(
        creds.expires_at(),
        Some(std::time::UNIX_EPOCH + std::time::Duration::from_secs(START + 3600))
    );
    let requests = fake.requests();
    assert_eq!(requests.len(), 1);
    assert_eq!(requests[0].method, "GET");
    assert_eq!(
        requests[0].target,
        "/federation/credentials?account_id=111122223333&role_name=Developer"
    );
}

#[tokio::test]
async fn legacy_start_url_profile_uses_the_start_url_cache_name() {
    let fake = Fake::start(portal()).await;
    let home = Home::new();
    home.write(
        ".aws/config",
        "[default]\nsso_start_url = https://my-sso-portal.awsapps.com/start\nsso_region = us-east-1\n\
         sso_account_id = 111122223333\nsso_role_name = Developer\n",
    );
    home.write(LEGACY_CACHE, &token_file(3600));
    let clock = Clock::new();
    let cfg = config(home.env(&[("AWS_ENDPOINT_URL_SSO", &fake.url())]), &clock);
    let creds = ProfileProvider::new(cfg)
        .provide_credentials()
        .await
        .expect("legacy sso credentials");
    assert_eq!(creds.access_key_id(), "ASIASSO");
}

#[tokio::test]
async fn an_expired_token_asks_for_aws_sso_login() {
    let fake = Fake::start(portal()).await;
    let home = Home::new();
    home.write(".aws/config", SESSION_CONFIG);
    home.write(SESSION_CACHE, &token_file(-1));
    let clock = Clock::new();
    let cfg = config(
        home.env(&[
            ("AWS_PROFILE", "dev"),
            ("AWS_ENDPOINT_URL_SSO", &fake.url()),
        ]),
        &clock,
    );
    let err = ProfileProvider::new(cfg)
        .provide_credentials()
        .await
        .expect_err("expired");
    let shown = err.to_string();
    assert!(shown.contains("expired at 2026-11-24T06:00:00Z"), "{shown}");
    assert!(
        shown.contains("aws sso login --sso-session my-sso-session"),
        "{shown}"
    );
    assert!(!shown.contains("SSOACCESSTOKEN"), "{shown}");
    assert!(fake.requests().is_empty(), "no call with an expired token");
}

#[tokio::test]
async fn a_missing_or_rejected_token_asks_for_aws_sso_login() {
    let fake = Fake::start(portal()).await;
    let home = Home::new();
    home.write(".aws/config", SESSION_CONFIG);
    let clock = Clock::new();
    let cfg = config(
        home.env(&[
            ("AWS_PROFILE", "dev"),
            ("AWS_ENDPOINT_URL_SSO", &fake.url()),
        ]),
        &clock,
    );
    let err = ProfileProvider::new(cfg.clone())
        .provide_credentials()
        .await
        .expect_err("no cache file");
    assert!(
        err.to_string()
            .contains("run `aws sso login --sso-session my-sso-session`"),
        "{err}"
    );

    home.write(
        SESSION_CACHE,
        &token_file(3600).replace("SSOACCESSTOKEN", "REVOKEDTOKEN"),
    );
    let err = ProfileProvider::new(cfg)
        .provide_credentials()
        .await
        .expect_err("rejected");
    let shown = err.to_string();
    assert!(shown.contains("HTTP 401"), "{shown}");
    assert!(shown.contains("aws sso login"), "{shown}");
    assert!(!shown.contains("REVOKEDTOKEN"), "{shown}");
}
