//! The shared config and credentials files, and roles through STS AssumeRole.

use goai_bedrock::credentials::{
    CredentialsCache, ProfileProvider, ProvideCredentials, default_region, profile_region,
};

use super::support::{Clock, Fake, Home, Reply, START, config, sts_response, verify_sigv4};

#[tokio::test]
async fn static_keys_and_region_from_the_default_files() {
    let home = Home::new();
    home.write(
        ".aws/credentials",
        "[default]\naws_access_key_id = AKIDFILE\naws_secret_access_key = SECRETFILE\naws_session_token = TOKENFILE\n",
    );
    home.write(".aws/config", "[default]\nregion = eu-west-3\n");
    let clock = Clock::new();
    let cfg = config(home.env(&[]), &clock);
    let creds = ProfileProvider::new(cfg.clone())
        .provide_credentials()
        .await
        .expect("static keys");
    assert_eq!(creds.access_key_id(), "AKIDFILE");
    assert_eq!(creds.secret_access_key(), "SECRETFILE");
    assert_eq!(creds.session_token(), Some("TOKENFILE"));
    assert_eq!(creds.provider_name(), "profile:default");
    assert_eq!(creds.expires_at(), None);
    assert_eq!(default_region(&cfg, None).as_deref(), Some("eu-west-3"));
    // AWS_REGION wins over the profile; profile_region ignores it.
    let cfg = config(home.env(&[("AWS_REGION", "ap-southeast-2")]), &clock);
    assert_eq!(
        default_region(&cfg, None).as_deref(),
        Some("ap-southeast-2")
    );
    assert_eq!(profile_region(&cfg, None).as_deref(), Some("eu-west-3"));
}

#[tokio::test]
async fn aws_profile_and_custom_file_locations() {
    let home = Home::new();
    let config_path = home.write(
        "elsewhere/cfg",
        "[profile dev]\nregion = us-west-2\naws_access_key_id = AKIDCONFIG\naws_secret_access_key = S1\n",
    );
    let creds_path = home.write(
        "elsewhere/creds",
        "[dev]\naws_access_key_id = AKIDCREDS\naws_secret_access_key = S2\n",
    );
    // Files under ~/.aws must be ignored when the variables point elsewhere.
    home.write(
        ".aws/credentials",
        "[dev]\naws_access_key_id = WRONG\naws_secret_access_key = WRONG\n",
    );
    let clock = Clock::new();
    let cfg = config(
        home.env(&[
            ("AWS_PROFILE", "dev"),
            ("AWS_CONFIG_FILE", config_path.to_str().expect("utf-8 path")),
            (
                "AWS_SHARED_CREDENTIALS_FILE",
                creds_path.to_str().expect("utf-8 path"),
            ),
        ]),
        &clock,
    );
    let creds = ProfileProvider::new(cfg.clone())
        .provide_credentials()
        .await
        .expect("dev profile");
    // The credentials file wins over the config file.
    assert_eq!(creds.access_key_id(), "AKIDCREDS");
    assert_eq!(default_region(&cfg, None).as_deref(), Some("us-west-2"));
    // An explicit name overrides AWS_PROFILE.
    let err = ProfileProvider::new(cfg)
        .with_profile_name("prod")
        .provide_credentials()
        .await
        .expect_err("no prod profile");
    assert!(err.is_invalid_configuration(), "{err}");
    assert!(err.message().contains("\"prod\""), "{err}");
}

#[tokio::test]
async fn absent_files_and_profiles_without_credentials_are_not_loaded() {
    let home = Home::new();
    let clock = Clock::new();
    let err = ProfileProvider::new(config(home.env(&[]), &clock))
        .provide_credentials()
        .await
        .expect_err("no files");
    assert!(err.is_not_loaded(), "{err}");
    home.write(".aws/config", "[default]\nregion = eu-north-1\n");
    let err = ProfileProvider::new(config(home.env(&[]), &clock))
        .provide_credentials()
        .await
        .expect_err("region only");
    assert!(err.is_not_loaded(), "{err}");
}

#[tokio::test]
async fn role_with_source_profile_is_assumed_through_signed_sts() {
    let fake =
        Fake::start(|_| Reply::ok(sts_response("AssumeRole", "ASIAROLE", "ROLESECRET", 3600)))
            .await;
    let home = Home::new();
    home.write(
        ".aws/config",
        "[profile dev]\nrole_arn = arn:aws:iam::123456789012:role/dev\nsource_profile = base\n\
         role_session_name = my-session\nexternal_id = ext-1\nduration_seconds = 1800\nregion = us-west-2\n\
         [profile base]\naws_access_key_id = AKIDBASE\naws_secret_access_key = BASESECRET\n",
    );
    let clock = Clock::new();
    let cfg = config(
        home.env(&[
            ("AWS_PROFILE", "dev"),
            ("AWS_ENDPOINT_URL_STS", &fake.url()),
        ]),
        &clock,
    );
    let creds = ProfileProvider::new(cfg)
        .provide_credentials()
        .await
        .expect("assumed role");
    assert_eq!(creds.access_key_id(), "ASIAROLE");
    assert_eq!(creds.secret_access_key(), "ROLESECRET");
    assert_eq!(creds.session_token(), Some("SESSION-ASIAROLE"));
    assert_eq!(
        creds.expires_at(),
        Some(std::time::UNIX_EPOCH + std::time::Duration::from_secs(START + 3600))
    );
    assert_eq!(creds.provider_name(), "profile:dev");

    let requests = fake.requests();
    assert_eq!(requests.len(), 1);
    let req = &requests[0];
    assert_eq!(req.method, "POST");
    assert_eq!(req.target, "/");
    assert_eq!(req.form("Action").as_deref(), Some("AssumeRole"));
    assert_eq!(req.form("Version").as_deref(), Some("2011-06-15"));
    assert_eq!(
        req.form("RoleArn").as_deref(),
        Some("arn:aws:iam::123456789012:role/dev")
    );
    assert_eq!(req.form("RoleSessionName").as_deref(), Some("my-session"));
    assert_eq!(req.form("ExternalId").as_deref(), Some("ext-1"));
    assert_eq!(req.form("DurationSeconds").as_deref(), Some("1800"));
    let (_, region) = verify_sigv4(req, "AKIDBASE", "BASESECRET");
    assert_eq!(region, "us-west-2");
}

#[tokio::test]
async fn role_chains_sign_each_step_with_the_previous_credentials() {
    let fake = Fake::start(|req| {
        match req.form("RoleArn").as_deref() {
            Some("arn:aws:iam::1:role/first") => {
                Reply::ok(sts_response("AssumeRole", "ASIAFIRST", "FIRSTSECRET", 3600))
            }
            Some("arn:aws:iam::2:role/second") => {
                Reply::ok(sts_response("AssumeRole", "ASIASECOND", "SECONDSECRET", 3600))
            }
            _ => Reply::status(400, "<ErrorResponse><Error><Code>ValidationError</Code><Message>unknown role</Message></Error></ErrorResponse>"),
        }
    })
    .await;
    let home = Home::new();
    home.write(
        ".aws/config",
        "[profile second]\nrole_arn = arn:aws:iam::2:role/second\nsource_profile = first\n\
         [profile first]\nrole_arn = arn:aws:iam::1:role/first\nsource_profile = base\n\
         [profile base]\naws_access_key_id = AKIDBASE\naws_secret_access_key = BASESECRET\n",
    );
    let clock = Clock::new();
    let cfg = config(home.env(&[("AWS_ENDPOINT_URL_STS", &fake.url())]), &clock);
    let creds = ProfileProvider::new(cfg)
        .with_profile_name("second")
        .provide_credentials()
        .await
        .expect("role chain");
    assert_eq!(creds.access_key_id(), "ASIASECOND");
    let requests = fake.requests();
    assert_eq!(requests.len(), 2);
    let (_, region) = verify_sigv4(&requests[0], "AKIDBASE", "BASESECRET");
    assert_eq!(
        region, "us-east-1",
        "no region configured: STS in us-east-1"
    );
    verify_sigv4(&requests[1], "ASIAFIRST", "FIRSTSECRET");
    assert_eq!(
        requests[1].header("x-amz-security-token"),
        Some("SESSION-ASIAFIRST")
    );
    assert!(
        requests[0]
            .form("RoleSessionName")
            .is_some_and(|n| n.starts_with("goai-rs-"))
    );
}

#[tokio::test]
async fn credential_source_environment_signs_with_the_environment_keys() {
    let fake = Fake::start(|_| Reply::ok(sts_response("AssumeRole", "ASIAENV", "S", 3600))).await;
    let home = Home::new();
    home.write(
        ".aws/config",
        "[default]\nrole_arn = arn:aws:iam::1:role/r\ncredential_source = Environment\nregion = eu-central-1\n",
    );
    let clock = Clock::new();
    let cfg = config(
        home.env(&[
            ("AWS_ENDPOINT_URL_STS", &fake.url()),
            ("AWS_ACCESS_KEY_ID", "AKIDENV"),
            ("AWS_SECRET_ACCESS_KEY", "ENVSECRET"),
        ]),
        &clock,
    );
    let creds = ProfileProvider::new(cfg)
        .provide_credentials()
        .await
        .expect("role from environment keys");
    assert_eq!(creds.access_key_id(), "ASIAENV");
    let (_, region) = verify_sigv4(&fake.requests()[0], "AKIDENV", "ENVSECRET");
    assert_eq!(region, "eu-central-1");
}

#[tokio::test]
async fn sts_errors_are_reported_without_secrets() {
    let fake = Fake::start(|_| {
        Reply::status(
            403,
            r#"<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>Sender</Type><Code>AccessDenied</Code><Message>User is not authorized to perform: sts:AssumeRole</Message></Error><RequestId>r</RequestId></ErrorResponse>"#,
        )
    })
    .await;
    let home = Home::new();
    home.write(
        ".aws/config",
        "[default]\nrole_arn = arn:aws:iam::1:role/denied\nsource_profile = base\n\
         [profile base]\naws_access_key_id = AKIDBASE\naws_secret_access_key = BASESECRET\n",
    );
    let clock = Clock::new();
    let cfg = config(home.env(&[("AWS_ENDPOINT_URL_STS", &fake.url())]), &clock);
    let err = ProfileProvider::new(cfg)
        .provide_credentials()
        .await
        .expect_err("denied");
    assert!(err.is_provider_error());
    let shown = err.to_string();
    assert!(shown.contains("AccessDenied"), "{shown}");
    assert!(shown.contains("arn:aws:iam::1:role/denied"), "{shown}");
    assert!(shown.contains("403"), "{shown}");
    assert!(!shown.contains("BASESECRET"), "{shown}");
}

#[tokio::test]
async fn assumed_role_credentials_are_refreshed_ahead_of_expiry() {
    let fake = Fake::start(|req| {
        let n = req.form("RoleSessionName").unwrap_or_default();
        Reply::ok(sts_response(
            "AssumeRole",
            &format!("ASIA{}", n.len()),
            "S",
            3600,
        ))
    })
    .await;
    let home = Home::new();
    home.write(
        ".aws/config",
        "[default]\nrole_arn = arn:aws:iam::1:role/r\nsource_profile = base\nrole_session_name = s\n\
         [profile base]\naws_access_key_id = AKIDBASE\naws_secret_access_key = BASESECRET\n",
    );
    let clock = Clock::new();
    let cfg = config(home.env(&[("AWS_ENDPOINT_URL_STS", &fake.url())]), &clock);
    let cache = CredentialsCache::new(ProfileProvider::new(cfg)).with_clock(clock.fun());
    cache.provide_credentials().await.expect("first");
    clock.advance(std::time::Duration::from_secs(50 * 60));
    cache.provide_credentials().await.expect("cached");
    assert_eq!(fake.requests().len(), 1, "10 minutes left: still cached");
    clock.advance(std::time::Duration::from_secs(6 * 60));
    cache.provide_credentials().await.expect("refreshed");
    assert_eq!(fake.requests().len(), 2, "4 minutes left: refreshed");
}
