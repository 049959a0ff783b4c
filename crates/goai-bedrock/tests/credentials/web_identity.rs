//! Web identity: a token file exchanged through unsigned AssumeRoleWithWebIdentity.

use goai_bedrock::credentials::{ProfileProvider, ProvideCredentials, WebIdentityProvider};

use super::support::{Clock, Fake, Home, Reply, config, sts_response};

#[tokio::test]
async fn exchanges_the_token_file_and_rereads_it() {
    let fake = Fake::start(|req| {
        let token = req.form("WebIdentityToken").unwrap_or_default();
        Reply::ok(sts_response(
            "AssumeRoleWithWebIdentity",
            &format!("ASIA{}", token.to_uppercase()),
            "WISECRET",
            3600,
        ))
    })
    .await;
    let home = Home::new();
    let token = home.write("var/run/token", "jwt1\n");
    let clock = Clock::new();
    let cfg = config(
        home.env(&[
            (
                "AWS_WEB_IDENTITY_TOKEN_FILE",
                token.to_str().expect("utf-8"),
            ),
            ("AWS_ROLE_ARN", "arn:aws:iam::1:role/pod"),
            ("AWS_ROLE_SESSION_NAME", "pod-session"),
            ("AWS_REGION", "eu-west-2"),
            ("AWS_ENDPOINT_URL_STS", &fake.url()),
        ]),
        &clock,
    );
    let provider = WebIdentityProvider::new(cfg);
    let creds = provider.provide_credentials().await.expect("web identity");
    assert_eq!(creds.access_key_id(), "ASIAJWT1");
    assert_eq!(creds.provider_name(), "web_identity");
    assert!(creds.expires_at().is_some());
    // The platform rotates the token: the next call sends the new one.
    home.write("var/run/token", "jwt2");
    let creds = provider.provide_credentials().await.expect("rotated");
    assert_eq!(creds.access_key_id(), "ASIAJWT2");

    let req = &fake.requests()[0];
    assert_eq!(req.method, "POST");
    assert_eq!(req.header("authorization"), None, "unsigned");
    assert_eq!(
        req.form("Action").as_deref(),
        Some("AssumeRoleWithWebIdentity")
    );
    assert_eq!(
        req.form("RoleArn").as_deref(),
        Some("arn:aws:iam::1:role/pod")
    );
    assert_eq!(req.form("RoleSessionName").as_deref(), Some("pod-session"));
    assert_eq!(req.form("WebIdentityToken").as_deref(), Some("jwt1"));
}

#[tokio::test]
async fn unset_is_not_loaded_and_half_set_is_invalid() {
    let home = Home::new();
    let clock = Clock::new();
    let err = WebIdentityProvider::new(config(home.env(&[]), &clock))
        .provide_credentials()
        .await
        .expect_err("unset");
    assert!(err.is_not_loaded());
    let err = WebIdentityProvider::new(config(
        home.env(&[("AWS_WEB_IDENTITY_TOKEN_FILE", "/nonexistent")]),
        &clock,
    ))
    .provide_credentials()
    .await
    .expect_err("no role");
    assert!(err.is_invalid_configuration());
    assert!(err.message().contains("AWS_ROLE_ARN"));
}

#[tokio::test]
async fn sts_rejection_is_reported_without_the_token() {
    let fake = Fake::start(|_| {
        Reply::status(
            400,
            "<ErrorResponse><Error><Code>InvalidIdentityToken</Code><Message>Token is expired</Message></Error></ErrorResponse>",
        )
    })
    .await;
    let home = Home::new();
    let token = home.write("token", "SECRETJWT");
    let clock = Clock::new();
    let err = WebIdentityProvider::new(config(
        home.env(&[
            (
                "AWS_WEB_IDENTITY_TOKEN_FILE",
                token.to_str().expect("utf-8"),
            ),
            ("AWS_ROLE_ARN", "arn:aws:iam::1:role/pod"),
            ("AWS_ENDPOINT_URL_STS", &fake.url()),
        ]),
        &clock,
    ))
    .provide_credentials()
    .await
    .expect_err("rejected");
    let shown = err.to_string();
    assert!(
        shown.contains("InvalidIdentityToken: Token is expired"),
        "{shown}"
    );
    assert!(!shown.contains("SECRETJWT"), "{shown}");
}

#[tokio::test]
async fn profiles_with_a_web_identity_token_file() {
    let fake = Fake::start(|_| {
        Reply::ok(sts_response(
            "AssumeRoleWithWebIdentity",
            "ASIAPROFILE",
            "S",
            3600,
        ))
    })
    .await;
    let home = Home::new();
    home.write("token", "jwt");
    home.write(
        ".aws/config",
        "[default]\nrole_arn = arn:aws:iam::1:role/p\nweb_identity_token_file = ~/token\nrole_session_name = s\n",
    );
    let clock = Clock::new();
    let creds = ProfileProvider::new(config(
        home.env(&[("AWS_ENDPOINT_URL_STS", &fake.url())]),
        &clock,
    ))
    .provide_credentials()
    .await
    .expect("profile web identity");
    assert_eq!(creds.access_key_id(), "ASIAPROFILE");
    assert_eq!(
        fake.requests()[0].form("WebIdentityToken").as_deref(),
        Some("jwt")
    );
}
