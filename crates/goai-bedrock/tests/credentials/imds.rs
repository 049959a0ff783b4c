//! EC2 instance metadata, IMDSv2.

use goai_bedrock::credentials::{ImdsProvider, ProvideCredentials};

use super::support::{Clock, Fake, Home, Reply, config, dead_url, metadata_document};

fn imds(role: Option<&'static str>) -> impl Fn(&super::support::Recorded) -> Reply + Send + Sync {
    move |req| {
        if req.method == "PUT" && req.target == "/latest/api/token" {
            return match req.header("x-aws-ec2-metadata-token-ttl-seconds") {
                Some("21600") => Reply::ok("IMDSTOKEN"),
                _ => Reply::status(400, ""),
            };
        }
        if req.header("x-aws-ec2-metadata-token") != Some("IMDSTOKEN") {
            return Reply::status(401, "");
        }
        match (req.target.as_str(), role) {
            ("/latest/meta-data/iam/security-credentials/", Some(role)) => {
                Reply::ok(format!("{role}\n"))
            }
            ("/latest/meta-data/iam/security-credentials/", None) => Reply::status(404, ""),
            ("/latest/meta-data/iam/security-credentials/web-role", Some(_)) => {
                Reply::ok(metadata_document("ASIAIMDS", "IMDSSECRET", 6 * 3600))
            }
            _ => Reply::status(404, ""),
        }
    }
}

#[tokio::test]
async fn token_then_role_then_credentials() {
    let fake = Fake::start(imds(Some("web-role"))).await;
    let home = Home::new();
    let clock = Clock::new();
    let cfg = config(
        home.env(&[
            ("AWS_EC2_METADATA_DISABLED", "false"),
            ("AWS_EC2_METADATA_SERVICE_ENDPOINT", &fake.url()),
        ]),
        &clock,
    );
    let creds = ImdsProvider::new(cfg)
        .provide_credentials()
        .await
        .expect("imds credentials");
    assert_eq!(creds.access_key_id(), "ASIAIMDS");
    assert_eq!(creds.provider_name(), "imds");
    assert!(creds.expires_at().is_some());
    let steps: Vec<(String, String)> = fake
        .requests()
        .into_iter()
        .map(|r| (r.method, r.target))
        .collect();
    assert_eq!(
        steps,
        [
            ("PUT".to_owned(), "/latest/api/token".to_owned()),
            (
                "GET".to_owned(),
                "/latest/meta-data/iam/security-credentials/".to_owned()
            ),
            (
                "GET".to_owned(),
                "/latest/meta-data/iam/security-credentials/web-role".to_owned()
            ),
        ]
    );
}

#[tokio::test]
async fn disabled_no_role_and_unreachable_are_not_loaded() {
    let fake = Fake::start(imds(None)).await;
    let home = Home::new();
    let clock = Clock::new();
    let disabled = config(
        home.env(&[("AWS_EC2_METADATA_SERVICE_ENDPOINT", &fake.url())]),
        &clock,
    );
    let err = ImdsProvider::new(disabled)
        .provide_credentials()
        .await
        .expect_err("disabled");
    assert!(err.is_not_loaded());
    assert!(fake.requests().is_empty());

    let no_role = config(
        home.env(&[
            ("AWS_EC2_METADATA_DISABLED", "false"),
            ("AWS_EC2_METADATA_SERVICE_ENDPOINT", &fake.url()),
        ]),
        &clock,
    );
    let err = ImdsProvider::new(no_role)
        .provide_credentials()
        .await
        .expect_err("no role");
    assert!(err.is_not_loaded(), "{err}");
    assert!(err.message().contains("no IAM instance profile"), "{err}");

    let dead = dead_url();
    let unreachable = config(
        home.env(&[
            ("AWS_EC2_METADATA_DISABLED", "false"),
            ("AWS_EC2_METADATA_SERVICE_ENDPOINT", &dead),
        ]),
        &clock,
    );
    let err = ImdsProvider::new(unreachable)
        .provide_credentials()
        .await
        .expect_err("unreachable");
    assert!(err.is_not_loaded(), "{err}");
}

#[tokio::test]
async fn a_refused_token_is_a_provider_error() {
    let fake = Fake::start(|_| Reply::status(403, "")).await;
    let home = Home::new();
    let clock = Clock::new();
    let cfg = config(
        home.env(&[
            ("AWS_EC2_METADATA_DISABLED", "false"),
            ("AWS_EC2_METADATA_SERVICE_ENDPOINT", &fake.url()),
        ]),
        &clock,
    );
    let err = ImdsProvider::new(cfg)
        .provide_credentials()
        .await
        .expect_err("403");
    assert!(err.is_provider_error(), "{err}");
    assert!(err.message().contains("HTTP 403"), "{err}");
}
