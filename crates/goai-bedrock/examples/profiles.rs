//! Resolves credentials and region the way the AWS CLI does: from a profile
//! of `~/.aws/config` / `~/.aws/credentials` (or `AWS_CONFIG_FILE`,
//! `AWS_SHARED_CREDENTIALS_FILE`), then through the whole default chain.
//!
//! ```sh
//! cargo run -p goai-bedrock --example profiles            # AWS_PROFILE or `default`
//! cargo run -p goai-bedrock --example profiles -- my-sso   # a named profile
//! ```
//!
//! Prints which source answered, the first characters of the access key id
//! and the region; never a secret. Without a usable profile it explains why
//! each source was skipped.

use goai_bedrock::credentials::{
    DefaultChain, ProfileProvider, ProvideCredentials, ProviderConfig, default_region,
};

#[tokio::main]
async fn main() {
    let profile = std::env::args().nth(1);
    let config = ProviderConfig::new();

    let mut provider = ProfileProvider::new(config.clone());
    if let Some(name) = &profile {
        provider = provider.with_profile_name(name.clone());
    }
    println!("profile: {}", provider.profile_name());
    println!(
        "region:  {}",
        default_region(&config, profile.as_deref()).unwrap_or_else(|| "(not set)".to_owned())
    );
    match provider.provide_credentials().await {
        Ok(creds) => println!("profile credentials: {}", describe(&creds)),
        Err(err) => println!("profile credentials: none ({err})"),
    }

    let mut chain = DefaultChain::builder();
    chain.config(config);
    if let Some(name) = &profile {
        chain.profile_name(name.clone());
    }
    match chain.build().provide_credentials().await {
        Ok(creds) => println!("default chain:       {}", describe(&creds)),
        Err(err) => println!("default chain:       none\n  {err}"),
    }
}

fn describe(creds: &goai_bedrock::credentials::Credentials) -> String {
    let prefix: String = creds.access_key_id().chars().take(4).collect();
    let expiry = match creds.expires_at() {
        Some(at) => match at.duration_since(std::time::SystemTime::now()) {
            Ok(left) => format!("expires in {} min", left.as_secs() / 60),
            Err(_) => "expired".to_owned(),
        },
        None => "long-lived".to_owned(),
    };
    format!(
        "from {}, access key {prefix}…, {}, {expiry}",
        creds.provider_name(),
        if creds.session_token().is_some() {
            "temporary"
        } else {
            "no session token"
        }
    )
}
