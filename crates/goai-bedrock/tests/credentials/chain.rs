//! The default chain: order, falling through, the full walk to IMDS, error
//! reports without secrets, and caching with a shared refresh.

use std::sync::Arc;
use std::time::Duration;

use goai_bedrock::credentials::{Credentials, CredentialsCache, DefaultChain, ProvideCredentials};

use super::support::{
    Clock, Fake, Home, Reply, START, config, dead_url, metadata_document, rfc3339_after,
};

#[tokio::test]
async fn sources_are_tried_in_order() {
    let home = Home::new();
    home.write(
        ".aws/credentials",
        "[default]\naws_access_key_id = AKIDPROFILE\naws_secret_access_key = S\n",
    );
    let clock = Clock::new();
    let env = home.env(&[
        ("AWS_ACCESS_KEY_ID", "AKIDENV"),
        ("AWS_SECRET_ACCESS_KEY", "S"),
    ]);
    let chain = DefaultChain::builder()
        .config(config(env.clone(), &clock))
        .build();
    let names: Vec<&str> = chain.source_names().collect();
    assert_eq!(
        names,
        [
            "environment",
            "profile",
            "web identity",
            "container",
            "instance metadata"
        ]
    );
    assert_eq!(
        chain
            .provide_credentials()
            .await
            .expect("env")
            .access_key_id(),
        "AKIDENV"
    );
    let chain = DefaultChain::builder()
        .config(config(env, &clock))
        .explicit(Credentials::new("AKIDEXPLICIT", "S", None))
        .build();
    assert_eq!(chain.source_names().next(), Some("explicit"));
    assert_eq!(
        chain
            .provide_credentials()
            .await
            .expect("explicit")
            .access_key_id(),
        "AKIDEXPLICIT"
    );
    let chain = DefaultChain::builder()
        .config(config(home.env(&[]), &clock))
        .build();
    assert_eq!(
        chain
            .provide_credentials()
            .await
            .expect("profile")
            .access_key_id(),
        "AKIDPROFILE"
    );
}

#[cfg(unix)]
#[tokio::test]
async fn a_failing_source_falls_through_to_the_next() {
    let fake = Fake::start(|_| Reply::ok(metadata_document("ASIACONTAINER", "S", 3600))).await;
    let home = Home::new();
    let script = home.script("bin/fail", "exit 1");
    home.write(
        ".aws/config",
        &format!("[default]\ncredential_process = {}\n", script.display()),
    );
    let clock = Clock::new();
    let cfg = config(
        home.env(&[(
            "AWS_CONTAINER_CREDENTIALS_FULL_URI",
            &format!("{}/creds", fake.url()),
        )]),
        &clock,
    );
    let creds = DefaultChain::builder()
        .config(cfg)
        .build()
        .provide_credentials()
        .await
        .expect("container after the failing profile");
    assert_eq!(creds.access_key_id(), "ASIACONTAINER");

    // A malformed config file falls through the same way.
    home.write(".aws/config", "[default\n");
    let cfg = config(
        home.env(&[(
            "AWS_CONTAINER_CREDENTIALS_FULL_URI",
            &format!("{}/creds", fake.url()),
        )]),
        &clock,
    );
    let creds = DefaultChain::builder()
        .config(cfg)
        .build()
        .provide_credentials()
        .await
        .expect("container after the malformed file");
    assert_eq!(creds.access_key_id(), "ASIACONTAINER");
}

/// Every source is missing but IMDS: the chain walks all of them and ends at
/// the fake instance metadata service.
#[tokio::test]
async fn the_whole_chain_ends_at_imds() {
    let imds = Fake::start(|req| match (req.method.as_str(), req.target.as_str()) {
        ("PUT", "/latest/api/token") => Reply::ok("T"),
        (_, "/latest/meta-data/iam/security-credentials/") => Reply::ok("role"),
        (_, "/latest/meta-data/iam/security-credentials/role") => {
            Reply::ok(metadata_document("ASIAIMDS", "S", 3600))
        }
        _ => Reply::status(404, ""),
    })
    .await;
    let home = Home::new();
    // A config file with a region but no credentials: the profile source is consulted and skipped.
    home.write(".aws/config", "[default]\nregion = sa-east-1\n");
    let clock = Clock::new();
    let cfg = config(
        home.env(&[
            ("AWS_EC2_METADATA_DISABLED", "false"),
            ("AWS_EC2_METADATA_SERVICE_ENDPOINT", &imds.url()),
        ]),
        &clock,
    );
    let chain = DefaultChain::builder().config(cfg).build();
    assert_eq!(chain.region().as_deref(), Some("sa-east-1"));
    let creds = chain.provide_credentials().await.expect("imds at the end");
    assert_eq!(creds.access_key_id(), "ASIAIMDS");
    assert_eq!(creds.provider_name(), "imds");
    assert_eq!(imds.requests().len(), 3);
}

#[tokio::test]
async fn nothing_configured_lists_every_source_as_not_loaded() {
    let home = Home::new();
    let clock = Clock::new();
    let err = DefaultChain::builder()
        .config(config(home.env(&[]), &clock))
        .build()
        .provide_credentials()
        .await
        .expect_err("nothing");
    assert!(err.is_not_loaded(), "{err}");
    let shown = err.to_string();
    let mut at = 0;
    for name in [
        "environment",
        "profile",
        "web identity",
        "container",
        "instance metadata",
    ] {
        let pos = shown[at..]
            .find(&format!("] {name} (not configured)"))
            .unwrap_or_else(|| panic!("{name} listed in order: {shown}"));
        at += pos;
    }
    assert!(shown.contains("AWS_EC2_METADATA_DISABLED"), "{shown}");
}

#[tokio::test]
async fn failures_are_explained_without_leaking_secrets() {
    let sts = Fake::start(|_| {
        Reply::status(
            400,
            "<ErrorResponse><Error><Code>InvalidIdentityToken</Code><Message>expired</Message></Error></ErrorResponse>",
        )
    })
    .await;
    let home = Home::new();
    home.write(
        ".aws/credentials",
        "[default]\naws_secret_access_key = SECRET-PROFILE\n",
    );
    let token = home.write("token", "SECRET-WEBTOKEN");
    let dead = format!("{}/creds", dead_url());
    let clock = Clock::new();
    let cfg = config(
        home.env(&[
            ("AWS_SECRET_ACCESS_KEY", "SECRET-ENV"),
            ("AWS_SESSION_TOKEN", "SECRET-SESSION"),
            (
                "AWS_WEB_IDENTITY_TOKEN_FILE",
                token.to_str().expect("utf-8"),
            ),
            ("AWS_ROLE_ARN", "arn:aws:iam::1:role/r"),
            ("AWS_ENDPOINT_URL_STS", &sts.url()),
            ("AWS_CONTAINER_CREDENTIALS_FULL_URI", &dead),
            ("AWS_CONTAINER_AUTHORIZATION_TOKEN", "SECRET-CONTAINER"),
        ]),
        &clock,
    );
    let chain = DefaultChain::builder().config(cfg.clone()).build();
    let err = chain.provide_credentials().await.expect_err("all fail");
    assert!(err.is_provider_error(), "{err}");
    let shown = err.to_string();
    for expected in [
        "[1] environment (misconfigured): AWS_SECRET_ACCESS_KEY is set but AWS_ACCESS_KEY_ID is not",
        "[2] profile (misconfigured)",
        "aws_secret_access_key but no aws_access_key_id",
        "[3] web identity (failed)",
        "InvalidIdentityToken: expired",
        "[4] container (failed)",
        "could not connect",
        "[5] instance metadata (not configured)",
    ] {
        assert!(shown.contains(expected), "missing {expected:?} in {shown}");
    }
    let debug = format!("{err:?} {chain:?} {cfg:?}");
    for secret in [
        "SECRET-PROFILE",
        "SECRET-WEBTOKEN",
        "SECRET-ENV",
        "SECRET-SESSION",
        "SECRET-CONTAINER",
    ] {
        assert!(!shown.contains(secret), "{secret} leaked: {shown}");
        assert!(!debug.contains(secret), "{secret} leaked: {debug}");
    }
}

#[tokio::test]
async fn cached_chain_refreshes_ahead_of_expiry_with_one_shared_refresh() {
    let clock = Clock::new();
    let served = Arc::new(std::sync::atomic::AtomicU64::new(0));
    let fake = {
        let clock = clock.clone();
        let served = served.clone();
        Fake::start(move |_| {
            let n = served.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            let now = clock
                .now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_secs())
                .unwrap_or(START);
            let expires = now - START + 3600;
            Reply::ok(format!(
                r#"{{"AccessKeyId":"ASIA{n}","SecretAccessKey":"S","Token":"T","Expiration":"{}"}}"#,
                rfc3339_after(expires)
            ))
        })
        .await
    };
    let home = Home::new();
    let cfg = config(
        home.env(&[(
            "AWS_CONTAINER_CREDENTIALS_FULL_URI",
            &format!("{}/creds", fake.url()),
        )]),
        &clock,
    );
    let cache = Arc::new(
        CredentialsCache::new(DefaultChain::builder().config(cfg).build()).with_clock(clock.fun()),
    );
    assert_eq!(
        cache
            .provide_credentials()
            .await
            .expect("first")
            .access_key_id(),
        "ASIA0"
    );
    clock.advance(Duration::from_secs(50 * 60));
    assert_eq!(
        cache
            .provide_credentials()
            .await
            .expect("cached")
            .access_key_id(),
        "ASIA0"
    );
    assert_eq!(fake.requests().len(), 1);

    // Inside the 5-minute window: 16 concurrent callers share one refresh.
    clock.advance(Duration::from_secs(6 * 60));
    let mut tasks = Vec::new();
    for _ in 0..16 {
        let cache = cache.clone();
        tasks.push(tokio::spawn(async move {
            cache
                .provide_credentials()
                .await
                .map(|c| c.access_key_id().to_owned())
        }));
    }
    for task in tasks {
        assert_eq!(task.await.expect("task").expect("creds"), "ASIA1");
    }
    assert_eq!(fake.requests().len(), 2);
}
