//! Shared by the examples: real Bedrock when AWS credentials are in the
//! environment, else the in-process emulator (said once on stderr).

use goai_bedrock::{Bedrock, BedrockBuilder, Env};

/// A configured provider, and the emulator that serves it when there are no credentials.
pub(crate) struct Connection {
    /// The provider.
    pub(crate) bedrock: Bedrock,
    /// Keeps the emulator running while the example runs.
    pub(crate) emulator: Option<bedrock_emulator::RunningEmulator>,
}

impl Connection {
    /// `GOAI_BEDROCK_MODEL` when set, else `real` against Bedrock or `emulated` against the emulator.
    #[allow(dead_code)] // not every example picks a model this way
    pub(crate) fn model_id(&self, real: &str, emulated: &str) -> String {
        Env::process().get("GOAI_BEDROCK_MODEL").unwrap_or_else(|| {
            if self.emulator.is_some() {
                emulated
            } else {
                real
            }
            .to_owned()
        })
    }
}

/// Whether the environment holds AWS credentials (keys or a Bedrock API key).
pub(crate) fn has_aws_credentials(env: &Env) -> bool {
    env.get("AWS_BEARER_TOKEN_BEDROCK").is_some()
        || (env.get("AWS_ACCESS_KEY_ID").is_some() && env.get("AWS_SECRET_ACCESS_KEY").is_some())
}

/// Connects, applying `configure` to the builder either way.
pub(crate) async fn connect_with(
    configure: impl FnOnce(&mut BedrockBuilder),
) -> Result<Connection, Box<dyn std::error::Error>> {
    let env = Env::process();
    let mut builder = Bedrock::builder();
    let emulator = if has_aws_credentials(&env) {
        builder.env(env);
        None
    } else {
        let emulator = bedrock_emulator::Emulator::builder().start().await?;
        eprintln!(
            "No AWS credentials in the environment: using the in-process Bedrock emulator at {}",
            emulator.url()
        );
        builder
            .base_url(emulator.url())
            .region(bedrock_emulator::DEFAULT_REGION)
            .access_key(
                bedrock_emulator::DEFAULT_ACCESS_KEY_ID,
                bedrock_emulator::DEFAULT_SECRET_ACCESS_KEY,
            );
        Some(emulator)
    };
    configure(&mut builder);
    Ok(Connection {
        bedrock: builder.build()?,
        emulator,
    })
}

/// Connects with default settings.
#[allow(dead_code)] // not every example uses the default settings
pub(crate) async fn connect() -> Result<Connection, Box<dyn std::error::Error>> {
    connect_with(|_| {}).await
}
