//! ECS (relative URI) and EKS Pod Identity (full URI + token file) credentials.

use goai_bedrock::credentials::{ContainerProvider, ProvideCredentials};

use super::support::{Clock, Fake, Home, Reply, config, dead_url, metadata_document};

#[tokio::test]
async fn relative_uri_against_the_ecs_agent() {
    let fake = Fake::start(|req| {
        if req.target == "/v2/credentials/task-uuid" {
            Reply::ok(metadata_document("ASIAECS", "ECSSECRET", 3600))
        } else {
            Reply::status(404, "{}")
        }
    })
    .await;
    let home = Home::new();
    let clock = Clock::new();
    let cfg = config(
        home.env(&[(
            "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
            "/v2/credentials/task-uuid",
        )]),
        &clock,
    )
    .with_container_endpoint(fake.url());
    let creds = ContainerProvider::new(cfg)
        .provide_credentials()
        .await
        .expect("ecs credentials");
    assert_eq!(creds.access_key_id(), "ASIAECS");
    assert_eq!(creds.session_token(), Some("TOKEN-ASIAECS"));
    assert_eq!(creds.provider_name(), "container");
    assert!(creds.expires_at().is_some());
    assert_eq!(fake.requests()[0].header("authorization"), None);
}

#[tokio::test]
async fn full_uri_with_an_authorization_token_file() {
    let fake = Fake::start(|req| match req.header("authorization") {
        Some("eks-token-from-file") => Reply::ok(metadata_document("ASIAEKS", "S", 3600)),
        _ => Reply::status(401, r#"{"code":"AccessDenied","message":"bad token"}"#),
    })
    .await;
    let home = Home::new();
    let token = home.write("eks/token", "eks-token-from-file\n");
    let clock = Clock::new();
    let url = format!("{}/v1/credentials", fake.url());
    let cfg = config(
        home.env(&[
            ("AWS_CONTAINER_CREDENTIALS_FULL_URI", &url),
            (
                "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE",
                token.to_str().expect("utf-8"),
            ),
            // The file wins over the variable.
            ("AWS_CONTAINER_AUTHORIZATION_TOKEN", "stale-token"),
        ]),
        &clock,
    );
    let creds = ContainerProvider::new(cfg)
        .provide_credentials()
        .await
        .expect("eks credentials");
    assert_eq!(creds.access_key_id(), "ASIAEKS");

    // With only the variable, the stale token is sent and refused.
    let cfg = config(
        home.env(&[
            ("AWS_CONTAINER_CREDENTIALS_FULL_URI", &url),
            ("AWS_CONTAINER_AUTHORIZATION_TOKEN", "stale-token"),
        ]),
        &clock,
    );
    let err = ContainerProvider::new(cfg)
        .provide_credentials()
        .await
        .expect_err("refused");
    let shown = err.to_string();
    assert!(shown.contains("HTTP 401"), "{shown}");
    assert!(shown.contains("AccessDenied bad token"), "{shown}");
    assert!(!shown.contains("stale-token"), "{shown}");
}

#[tokio::test]
async fn plain_http_to_other_hosts_is_refused_and_unset_is_not_loaded() {
    let home = Home::new();
    let clock = Clock::new();
    let err = ContainerProvider::new(config(
        home.env(&[(
            "AWS_CONTAINER_CREDENTIALS_FULL_URI",
            "http://169.254.169.254/creds",
        )]),
        &clock,
    ))
    .provide_credentials()
    .await
    .expect_err("metadata host over http is not allowed");
    assert!(err.is_invalid_configuration(), "{err}");
    let err = ContainerProvider::new(config(home.env(&[]), &clock))
        .provide_credentials()
        .await
        .expect_err("unset");
    assert!(err.is_not_loaded());
}

#[tokio::test]
async fn an_unreachable_agent_is_a_provider_error() {
    let home = Home::new();
    let clock = Clock::new();
    let err = ContainerProvider::new(config(
        home.env(&[(
            "AWS_CONTAINER_CREDENTIALS_FULL_URI",
            &format!("{}/creds", dead_url()),
        )]),
        &clock,
    ))
    .provide_credentials()
    .await
    .expect_err("nothing listens");
    assert!(err.is_provider_error(), "{err}");
    assert!(err.to_string().contains("could not connect"), "{err}");
}
