//! The two clients, driven through their public, user-facing APIs:
//!
//! - ours: `goai_bedrock::Bedrock` + `goai_core::{generate_text, stream_text}`, over HTTP/1.1
//!   to the emulator's plain `http://` URL, like the peer;
//! - ours-h2: the same, with `http2_prior_knowledge(true)`: HTTP/2 without TLS (h2c), so that
//!   concurrent streams share a connection as they would over TLS, where both clients offer `h2`
//!   through ALPN;
//! - peer: `aws_sdk_bedrockruntime::Client` configured with `aws_config` (static credentials and
//!   `endpoint_url`), `converse()` / `converse_stream()`.
//!
//! Both get the same model ids, the same prompt, the same emulator headers, and run on the same
//! kind of tokio runtime (chosen by the caller).

use std::time::{Duration, Instant};

use futures_util::StreamExt;

/// The model of the round-trip workload (a catalog model answering from the prompt).
pub const CONVERSE_MODEL: &str = "anthropic.claude-3-haiku-20240307-v1:0";
/// The emulator's throughput model: `x-emulator-throughput: N:M` gives N deltas of M bytes.
pub const THROUGHPUT_MODEL: &str = bedrock_emulator::THROUGHPUT_MODEL_ID;
/// The prompt of every request.
pub const PROMPT: &str = "Say hello to the benchmark.";

/// Which client.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Which {
    Ours,
    /// `Ours` over HTTP/2 with prior knowledge (h2c) to the emulator.
    OursH2,
    Peer,
    /// Not a product: hyper + `sigv4` + `eventstream` + serde_json by hand, with no goai-core or
    /// goai-bedrock layer. What the same building blocks cost at least; the gap between it and
    /// `Ours` is what our two upper layers add.
    Floor,
    /// goai-bedrock's `LanguageModel::generate` / `stream` called directly, without goai-core's
    /// `generate_text` / `stream_text` (no tool loop, retries, channel or accumulator): with
    /// `Floor` and `Ours`, it splits our cost between the two layers.
    Provider,
}

impl Which {
    pub fn name(self) -> &'static str {
        match self {
            Which::Ours => "ours",
            Which::OursH2 => "ours-h2",
            Which::Peer => "peer",
            Which::Floor => "floor",
            Which::Provider => "provider",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "ours" => Some(Which::Ours),
            "ours-h2" => Some(Which::OursH2),
            "peer" => Some(Which::Peer),
            "floor" => Some(Which::Floor),
            "provider" => Some(Which::Provider),
            _ => None,
        }
    }
}

/// A configured client (one per process, so the size difference between variants is moot).
#[allow(clippy::large_enum_variant)]
pub enum Client {
    Ours {
        converse: goai_bedrock::BedrockChatModel,
        throughput: goai_bedrock::BedrockChatModel,
        /// Call the provider directly instead of through goai-core's functions.
        direct: bool,
    },
    Peer(aws_sdk_bedrockruntime::Client),
    Floor(crate::floor::Floor),
}

/// One stream's timings.
#[derive(Debug, Clone, Copy)]
pub struct StreamRun {
    /// From the call to the first text delta.
    pub ttft: Duration,
    /// From the call to the end of the stream (every event consumed).
    pub total: Duration,
    /// Text deltas received.
    pub deltas: u64,
}

impl Client {
    pub async fn new(which: Which, url: &str) -> Result<Self, String> {
        match which {
            Which::Ours | Which::OursH2 | Which::Provider => {
                let mut builder = goai_bedrock::Bedrock::builder();
                builder
                    .base_url(url)
                    .http2_prior_knowledge(which == Which::OursH2)
                    .region(bedrock_emulator::DEFAULT_REGION)
                    .access_key(
                        bedrock_emulator::DEFAULT_ACCESS_KEY_ID,
                        bedrock_emulator::DEFAULT_SECRET_ACCESS_KEY,
                    );
                let bedrock = builder.build().map_err(|e| e.to_string())?;
                Ok(Client::Ours {
                    converse: bedrock.chat(CONVERSE_MODEL),
                    throughput: bedrock.chat(THROUGHPUT_MODEL),
                    direct: which == Which::Provider,
                })
            }
            Which::Peer => {
                let credentials = aws_credential_types::Credentials::new(
                    bedrock_emulator::DEFAULT_ACCESS_KEY_ID,
                    bedrock_emulator::DEFAULT_SECRET_ACCESS_KEY,
                    None,
                    None,
                    "bench",
                );
                let config = aws_config::defaults(aws_config::BehaviorVersion::latest())
                    .region(aws_config::Region::new(bedrock_emulator::DEFAULT_REGION))
                    .credentials_provider(credentials)
                    .endpoint_url(url)
                    .load()
                    .await;
                Ok(Client::Peer(aws_sdk_bedrockruntime::Client::new(&config)))
            }
            Which::Floor => Ok(Client::Floor(crate::floor::Floor::new(url))),
        }
    }

    /// One Converse round trip; returns the answer's length (so nothing is optimised away).
    pub async fn converse(&self) -> Result<usize, String> {
        match self {
            Client::Ours {
                converse,
                direct: true,
                ..
            } => {
                use goai_core::LanguageModel;
                let request = goai_core::Request::prompt(PROMPT).max_tokens(64);
                let out = converse
                    .generate(request.model_request())
                    .await
                    .map_err(|e| e.to_string())?;
                Ok(out.content.len())
            }
            Client::Ours { converse, .. } => {
                let out = goai_core::generate_text(
                    converse,
                    goai_core::Request::prompt(PROMPT).max_tokens(64),
                )
                .await
                .map_err(|e| e.to_string())?;
                Ok(out.text.len())
            }
            Client::Peer(client) => {
                use aws_sdk_bedrockruntime::types::InferenceConfiguration;
                let out = client
                    .converse()
                    .model_id(CONVERSE_MODEL)
                    .messages(peer_message()?)
                    .inference_config(InferenceConfiguration::builder().max_tokens(64).build())
                    .send()
                    .await
                    .map_err(|e| {
                        format!("{}", aws_sdk_bedrockruntime::error::DisplayErrorContext(e))
                    })?;
                let text = out
                    .output()
                    .and_then(|o| o.as_message().ok())
                    .map(|m| {
                        m.content()
                            .iter()
                            .filter_map(|b| b.as_text().ok())
                            .map(String::len)
                            .sum()
                    })
                    .unwrap_or(0);
                Ok(text)
            }
            Client::Floor(floor) => floor.converse(CONVERSE_MODEL).await,
        }
    }

    /// One ConverseStream on the throughput model with the given emulator headers.
    ///
    /// `on_first` runs once, right after the first text delta (the concurrent workload uses it
    /// to hold every stream open until all have started).
    pub async fn stream<F, Fut>(
        &self,
        headers: &[(&str, &str)],
        on_first: F,
    ) -> Result<StreamRun, String>
    where
        F: FnOnce() -> Fut,
        Fut: std::future::Future<Output = ()>,
    {
        let mut on_first = Some(on_first);
        let start = Instant::now();
        let mut ttft = None;
        let mut deltas = 0u64;
        // Each client's own future is boxed, so that the workloads' futures (and the memory
        // workload's figures) carry only the client being measured, not the largest variant.
        match self {
            Client::Ours {
                throughput, direct, ..
            } => {
                Box::pin(async {
                    use goai_core::LanguageModel;
                    let mut request = goai_core::Request::prompt(PROMPT);
                    for (name, value) in headers {
                        request = request.header(*name, *value);
                    }
                    let mut stream: std::pin::Pin<
                        Box<
                            dyn futures_util::Stream<
                                    Item = Result<goai_core::StreamPart, goai_core::Error>,
                                > + Send
                                + '_,
                        >,
                    > = if *direct {
                        throughput
                            .stream(request.model_request())
                            .await
                            .map_err(|e| e.to_string())?
                    } else {
                        // Opened in a box of its own, so that the `provider` path (same async
                        // block) is not charged for goai-core's opening state, nor this path
                        // for the provider's.
                        Box::pin(
                            Box::pin(goai_core::stream_text(throughput, request))
                                .await
                                .map_err(|e| e.to_string())?,
                        )
                    };
                    while let Some(part) = stream.next().await {
                        match part.map_err(|e| e.to_string())? {
                            goai_core::StreamPart::TextDelta { text } => {
                                std::hint::black_box(&text);
                                deltas += 1;
                                if ttft.is_none() {
                                    ttft = Some(start.elapsed());
                                    if let Some(f) = on_first.take() {
                                        f().await;
                                    }
                                }
                            }
                            other => {
                                std::hint::black_box(&other);
                            }
                        }
                    }
                    Ok::<(), String>(())
                })
                .await?
            }
            Client::Peer(client) => {
                Box::pin(async {
                    use aws_sdk_bedrockruntime::types::{ContentBlockDelta, ConverseStreamOutput};
                    let owned: Vec<(String, String)> = headers
                        .iter()
                        .map(|(n, v)| ((*n).to_owned(), (*v).to_owned()))
                        .collect();
                    let mut out = client
                        .converse_stream()
                        .model_id(THROUGHPUT_MODEL)
                        .messages(peer_message()?)
                        .customize()
                        .mutate_request(move |request| {
                            for (name, value) in &owned {
                                request.headers_mut().insert(name.clone(), value.clone());
                            }
                        })
                        .send()
                        .await
                        .map_err(|e| {
                            format!("{}", aws_sdk_bedrockruntime::error::DisplayErrorContext(e))
                        })?;
                    loop {
                        let event = out.stream.recv().await.map_err(|e| {
                            format!("{}", aws_sdk_bedrockruntime::error::DisplayErrorContext(e))
                        })?;
                        let Some(event) = event else { break };
                        match event {
                            ConverseStreamOutput::ContentBlockDelta(d) => {
                                if let Some(ContentBlockDelta::Text(text)) = d.delta() {
                                    std::hint::black_box(text);
                                    deltas += 1;
                                    if ttft.is_none() {
                                        ttft = Some(start.elapsed());
                                        if let Some(f) = on_first.take() {
                                            f().await;
                                        }
                                    }
                                }
                            }
                            other => {
                                std::hint::black_box(&other);
                            }
                        }
                    }
                    Ok::<(), String>(())
                })
                .await?
            }
            Client::Floor(floor) => {
                Box::pin(async {
                    let mut body = floor.stream(THROUGHPUT_MODEL, headers).await?;
                    while let Some(text) = body.next_text().await? {
                        std::hint::black_box(&text);
                        deltas += 1;
                        if ttft.is_none() {
                            ttft = Some(start.elapsed());
                            if let Some(f) = on_first.take() {
                                f().await;
                            }
                        }
                    }
                    Ok::<(), String>(())
                })
                .await?
            }
        }
        let total = start.elapsed();
        Ok(StreamRun {
            ttft: ttft.ok_or("the stream carried no text delta")?,
            total,
            deltas,
        })
    }
}

fn peer_message() -> Result<aws_sdk_bedrockruntime::types::Message, String> {
    use aws_sdk_bedrockruntime::types::{ContentBlock, ConversationRole, Message};
    Message::builder()
        .role(ConversationRole::User)
        .content(ContentBlock::Text(PROMPT.into()))
        .build()
        .map_err(|e| e.to_string())
}
