//! A credentials source of your own (here: a pretend secrets vault that hands
//! out temporary keys), plugged into the client and used against the
//! in-process Bedrock emulator.
//!
//! ```sh
//! cargo run -p goai-bedrock --example custom_credentials
//! ```
//!
//! The client wraps any provider in a `CredentialsCache`: the vault is asked
//! once, and again only when the keys are about to expire (5 minutes ahead),
//! with concurrent requests sharing a single refresh.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, SystemTime};

use goai_bedrock::Bedrock;
use goai_bedrock::credentials::{BoxFuture, Credentials, CredentialsError, ProvideCredentials};
use goai_core::{Request, generate_text};

/// Pretends to fetch short-lived keys from a secrets vault.
#[derive(Debug)]
struct VaultProvider {
    access_key_id: String,
    secret_access_key: String,
    session_token: String,
    fetches: Arc<AtomicUsize>,
}

impl ProvideCredentials for VaultProvider {
    fn provide_credentials(&self) -> BoxFuture<'_, Result<Credentials, CredentialsError>> {
        Box::pin(async move {
            self.fetches.fetch_add(1, Ordering::SeqCst);
            // A real vault call goes here; map its failures to
            // `CredentialsError::provider_error(..)` without the secret in the message.
            Ok(Credentials::new(
                &self.access_key_id,
                &self.secret_access_key,
                Some(self.session_token.clone()),
            )
            .with_expiry(SystemTime::now() + Duration::from_secs(3600))
            .with_provider_name("vault"))
        })
    }
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    // The emulator accepts exactly these temporary credentials.
    let (akid, secret, token) = (
        "ASIAVAULTEXAMPLE0001",
        "vault/secret/key",
        "vault-session-token",
    );
    let emulator = bedrock_emulator::Emulator::builder()
        .credentials(bedrock_emulator::Credentials::new(akid, secret).with_session_token(token))
        .start()
        .await?;
    eprintln!("emulator at {}", emulator.url());

    let fetches = Arc::new(AtomicUsize::new(0));
    let vault = VaultProvider {
        access_key_id: akid.to_owned(),
        secret_access_key: secret.to_owned(),
        session_token: token.to_owned(),
        fetches: fetches.clone(),
    };
    let bedrock = Bedrock::builder()
        .base_url(emulator.url())
        .region(bedrock_emulator::DEFAULT_REGION)
        .credentials_provider(vault)
        .build()?;
    let model = bedrock.chat("anthropic.claude-3-haiku-20240307-v1:0");
    for question in [
        "What is a credential chain?",
        "Why refresh keys ahead of expiry?",
    ] {
        let out = generate_text(&model, Request::prompt(question).max_tokens(100)).await?;
        println!("> {question}\n{}\n", out.text);
    }
    println!(
        "two signed calls, {} vault fetch(es) (cached until 5 minutes before expiry)",
        fetches.load(Ordering::SeqCst)
    );
    Ok(())
}
