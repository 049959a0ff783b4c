//! The floor: the cheapest client one can build from the same blocks goai-bedrock uses
//! (hyper-util's pooled client, `sigv4` with a warm key cache, `eventstream::Decoder`, serde_json
//! into borrowed structs), with no goai-core or goai-bedrock in between, no retries, no timeouts,
//! no tool loop. It is a yardstick for the report, not a product.

use std::time::SystemTime;

use bytes::{Bytes, BytesMut};
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper_util::client::legacy::Client as HttpClient;
use hyper_util::client::legacy::connect::HttpConnector;
use serde::Deserialize;

use crate::clients::PROMPT;

pub struct Floor {
    http: HttpClient<HttpConnector, Full<Bytes>>,
    base: String,
    keys: sigv4::SigningKeyCache,
    body: Bytes,
}

/// The text of a `contentBlockDelta` payload, borrowed.
#[derive(Deserialize)]
struct DeltaEvent<'a> {
    #[serde(borrow)]
    delta: Delta<'a>,
}

#[derive(Deserialize)]
struct Delta<'a> {
    #[serde(borrow)]
    text: Option<std::borrow::Cow<'a, str>>,
}

pub struct FloorStream {
    body: Incoming,
    decoder: eventstream::Decoder,
    buf: BytesMut,
    eof: bool,
}

impl FloorStream {
    /// The next text delta; `None` at the end of the stream.
    pub async fn next_text(&mut self) -> Result<Option<String>, String> {
        loop {
            let decoded = if self.eof {
                self.decoder.decode_eof(&mut self.buf)
            } else {
                self.decoder.decode(&mut self.buf)
            };
            match decoded.map_err(|e| e.to_string())? {
                Some(message) => match message.header_str(":message-type") {
                    Some("event") => {
                        if message.header_str(":event-type") == Some("contentBlockDelta") {
                            let event: DeltaEvent<'_> = serde_json::from_slice(message.payload())
                                .map_err(|e| e.to_string())?;
                            if let Some(text) = event.delta.text {
                                return Ok(Some(text.into_owned()));
                            }
                        }
                    }
                    other => return Err(format!("stream {other:?} frame")),
                },
                None if self.eof => return Ok(None),
                None => match self.body.frame().await {
                    Some(frame) => {
                        if let Ok(data) = frame.map_err(|e| e.to_string())?.into_data() {
                            self.buf.extend_from_slice(&data);
                        }
                    }
                    None => self.eof = true,
                },
            }
        }
    }
}

impl Floor {
    pub fn new(url: &str) -> Self {
        let http = HttpClient::builder(hyper_util::rt::TokioExecutor::new()).build_http();
        let body = serde_json::to_vec(&serde_json::json!({
            "messages": [{"role": "user", "content": [{"text": PROMPT}]}],
            "inferenceConfig": {"maxTokens": 64},
        }))
        .expect("json");
        Self {
            http,
            base: url.trim_end_matches('/').to_owned(),
            keys: sigv4::SigningKeyCache::new(),
            body: Bytes::from(body),
        }
    }

    async fn send(
        &self,
        model: &str,
        operation: &str,
        extra: &[(&str, &str)],
    ) -> Result<http::Response<Incoming>, String> {
        let url = format!(
            "{}/model/{}/{operation}",
            self.base,
            model.replace(':', "%3A")
        );
        let mut headers: Vec<(&str, &str)> = vec![("content-type", "application/json")];
        headers.extend_from_slice(extra);
        let creds = sigv4::Credentials::new(
            bedrock_emulator::DEFAULT_ACCESS_KEY_ID,
            bedrock_emulator::DEFAULT_SECRET_ACCESS_KEY,
        );
        let params = sigv4::SigningParams::new(
            &creds,
            bedrock_emulator::DEFAULT_REGION,
            "bedrock",
            SystemTime::now(),
        )
        .with_key_cache(&self.keys);
        let signable =
            sigv4::SignableRequest::new("POST", &url, &headers, sigv4::Payload::Bytes(&self.body));
        let mut signer = sigv4::Signer::new();
        let out = signer.sign(&signable, &params).map_err(|e| e.to_string())?;
        let mut builder = http::Request::post(&url);
        for (name, value) in &headers {
            builder = builder.header(*name, *value);
        }
        for h in out.headers() {
            builder = builder.header(h.name, h.value);
        }
        let request = builder
            .body(Full::new(self.body.clone()))
            .map_err(|e| e.to_string())?;
        let response = self
            .http
            .request(request)
            .await
            .map_err(|e| e.to_string())?;
        if !response.status().is_success() {
            return Err(format!("HTTP {}", response.status()));
        }
        Ok(response)
    }

    pub async fn converse(&self, model: &str) -> Result<usize, String> {
        let response = self.send(model, "converse", &[]).await?;
        let body = response
            .into_body()
            .collect()
            .await
            .map_err(|e| e.to_string())?
            .to_bytes();
        let value: serde_json::Value = serde_json::from_slice(&body).map_err(|e| e.to_string())?;
        Ok(value["output"]["message"]["content"][0]["text"]
            .as_str()
            .map(str::len)
            .unwrap_or(0))
    }

    pub async fn stream(&self, model: &str, extra: &[(&str, &str)]) -> Result<FloorStream, String> {
        let response = self.send(model, "converse-stream", extra).await?;
        Ok(FloorStream {
            body: response.into_body(),
            decoder: eventstream::Decoder::new(),
            buf: BytesMut::new(),
            eof: false,
        })
    }
}
