//! Helpers: sign and send requests, decode EventStream bodies.

use std::time::SystemTime;

use bedrock_emulator::{DEFAULT_ACCESS_KEY_ID, DEFAULT_REGION, DEFAULT_SECRET_ACCESS_KEY};
use bytes::{Bytes, BytesMut};
use eventstream::{Decoder, Message};
use http::{HeaderMap, Request, StatusCode};
use http_body_util::{BodyExt, Full};
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;
use serde_json::Value;
use sigv4::{Payload, SignableRequest, Signer, SigningParams};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

pub(crate) const HAIKU: &str = "anthropic.claude-3-haiku-20240307-v1:0";

/// How to authenticate a request.
#[derive(Debug, Clone)]
pub(crate) enum Auth {
    SigV4 {
        key: String,
        secret: String,
        region: String,
        service: String,
        time: SystemTime,
    },
    Bearer(String),
    None,
}

impl Auth {
    pub(crate) fn default_sigv4() -> Self {
        Auth::SigV4 {
            key: DEFAULT_ACCESS_KEY_ID.into(),
            secret: DEFAULT_SECRET_ACCESS_KEY.into(),
            region: DEFAULT_REGION.into(),
            service: "bedrock".into(),
            time: SystemTime::now(),
        }
    }

    pub(crate) fn with_secret(secret: &str) -> Self {
        match Self::default_sigv4() {
            Auth::SigV4 {
                key,
                region,
                service,
                time,
                ..
            } => Auth::SigV4 {
                key,
                secret: secret.into(),
                region,
                service,
                time,
            },
            other => other,
        }
    }
}

/// Percent-encodes a model id for the path, as AWS SDKs do.
pub(crate) fn encode_model(model: &str) -> String {
    let mut out = String::new();
    for byte in model.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'_' | b'.' | b'~') {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// A request to send.
#[derive(Debug, Clone)]
pub(crate) struct Call {
    pub(crate) path: String,
    pub(crate) body: Vec<u8>,
    pub(crate) auth: Auth,
    pub(crate) headers: Vec<(String, String)>,
}

impl Call {
    pub(crate) fn new(model: &str, operation: &str, body: &Value) -> Self {
        Self {
            path: format!("/model/{}/{operation}", encode_model(model)),
            body: serde_json::to_vec(body).unwrap_or_default(),
            auth: Auth::default_sigv4(),
            headers: Vec::new(),
        }
    }

    pub(crate) fn auth(mut self, auth: Auth) -> Self {
        self.auth = auth;
        self
    }

    pub(crate) fn header(mut self, name: &str, value: &str) -> Self {
        self.headers.push((name.to_lowercase(), value.to_string()));
        self
    }

    /// All request headers (signed ones included) for `host`.
    fn signed_headers(&self, host: &str) -> Vec<(String, String)> {
        let mut headers = vec![
            ("host".to_string(), host.to_string()),
            ("content-type".to_string(), "application/json".to_string()),
        ];
        headers.extend(self.headers.iter().cloned());
        match &self.auth {
            Auth::SigV4 {
                key,
                secret,
                region,
                service,
                time,
            } => {
                let credentials = sigv4::Credentials::new(key.clone(), secret.clone());
                let pairs: Vec<(&str, &str)> = headers
                    .iter()
                    .map(|(n, v)| (n.as_str(), v.as_str()))
                    .collect();
                let target = format!("http://{host}{}", self.path);
                let request =
                    SignableRequest::new("POST", &target, &pairs, Payload::Bytes(&self.body));
                let params = SigningParams::new(&credentials, region, service, *time);
                let mut signer = Signer::new();
                let out = signer.sign(&request, &params).expect("signing succeeds");
                let added: Vec<(String, String)> = out
                    .headers()
                    .iter()
                    .map(|h| (h.name.to_string(), h.value.to_string()))
                    .collect();
                headers.extend(added);
            }
            Auth::Bearer(token) => {
                headers.push(("authorization".into(), format!("Bearer {token}")))
            }
            Auth::None => {}
        }
        headers
    }
}

/// A response, with its body read to the end (or the error that ended it).
#[derive(Debug)]
pub(crate) struct Reply {
    pub(crate) status: StatusCode,
    pub(crate) headers: HeaderMap,
    pub(crate) body: Result<Bytes, String>,
}

impl Reply {
    pub(crate) fn json(&self) -> Value {
        let body = self.body.as_ref().expect("a complete body");
        serde_json::from_slice(body).expect("a JSON body")
    }

    pub(crate) fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// The exception name from `x-amzn-ErrorType` (cut at `:`).
    pub(crate) fn error_type(&self) -> Option<&str> {
        self.header("x-amzn-errortype")
            .map(|v| v.split(':').next().unwrap_or(v))
    }

    pub(crate) fn message(&self) -> String {
        let json = self.json();
        json.get("message")
            .or_else(|| json.get("Message"))
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string()
    }

    /// Decodes the body as EventStream messages; `Err` when the decoder fails.
    pub(crate) fn frames(&self) -> Result<Vec<Message>, String> {
        let body = self.body.as_ref().map_err(Clone::clone)?;
        let mut buffer = BytesMut::from(body.as_ref());
        let mut decoder = Decoder::new();
        let mut out = Vec::new();
        loop {
            match decoder.decode(&mut buffer) {
                Ok(Some(message)) => out.push(message),
                Ok(None) => break,
                Err(e) => return Err(e.to_string()),
            }
        }
        decoder.decode_eof(&mut buffer).map_err(|e| e.to_string())?;
        Ok(out)
    }
}

/// Sends `call` to `base` (`http://127.0.0.1:PORT`) with hyper.
pub(crate) async fn send(base: &str, call: &Call) -> Reply {
    let host = base.trim_start_matches("http://");
    let client = Client::builder(TokioExecutor::new()).build_http::<Full<Bytes>>();
    let mut builder = Request::builder()
        .method("POST")
        .uri(format!("{base}{}", call.path));
    for (name, value) in call.signed_headers(host) {
        if name != "host" {
            builder = builder.header(name, value);
        }
    }
    let request = builder
        .body(Full::new(Bytes::from(call.body.clone())))
        .expect("a valid request");
    let response = client.request(request).await.expect("the emulator answers");
    let (parts, body) = response.into_parts();
    let body = body
        .collect()
        .await
        .map(|c| c.to_bytes())
        .map_err(|e| format!("{e:?}"));
    Reply {
        status: parts.status,
        headers: parts.headers,
        body,
    }
}

/// Sends `call` over a raw TCP connection (HTTP/1.1), returning everything read
/// until the server closed, or the read error (e.g. a reset).
pub(crate) async fn send_raw(base: &str, call: &Call) -> Result<Vec<u8>, std::io::Error> {
    let host = base.trim_start_matches("http://");
    let mut stream = tokio::net::TcpStream::connect(host).await?;
    let mut head = format!("POST {} HTTP/1.1\r\n", call.path);
    for (name, value) in call.signed_headers(host) {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str(&format!(
        "content-length: {}\r\nconnection: close\r\n\r\n",
        call.body.len()
    ));
    stream.write_all(head.as_bytes()).await?;
    stream.write_all(&call.body).await?;
    let mut out = Vec::new();
    stream.read_to_end(&mut out).await?;
    Ok(out)
}

/// A user message.
pub(crate) fn user(text: &str) -> Value {
    serde_json::json!({"role": "user", "content": [{"text": text}]})
}

/// The JSON payload of an EventStream message.
pub(crate) fn payload(message: &Message) -> Value {
    serde_json::from_slice(message.payload()).expect("a JSON payload")
}
