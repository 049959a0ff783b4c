//! HTTP/2 with prior knowledge (h2c) to the emulator: many concurrent streams on one
//! connection. A small TCP relay in front of the emulator counts the connections and keeps the
//! first bytes of each, which tell HTTP/2 (the connection preface) from HTTP/1.1.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use futures_util::StreamExt;
use goai_core::{LanguageModel, Request, StreamPart};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

use super::support::{bounded, setup};

/// The HTTP/2 connection preface (RFC 9113 §3.4).
const PREFACE: &[u8] = b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n";

/// A relay to `upstream` that records the first bytes of every connection it accepts.
struct Relay {
    url: String,
    openings: Arc<Mutex<Vec<Vec<u8>>>>,
    task: tokio::task::JoinHandle<()>,
}

impl Relay {
    async fn start(upstream: SocketAddr) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let url = format!("http://{}", listener.local_addr().expect("addr"));
        let openings = Arc::new(Mutex::new(Vec::new()));
        let seen = openings.clone();
        let task = tokio::spawn(async move {
            while let Ok((mut client, _)) = listener.accept().await {
                let seen = seen.clone();
                tokio::spawn(async move {
                    let mut first = vec![0u8; PREFACE.len()];
                    if client.read_exact(&mut first).await.is_err() {
                        return;
                    }
                    seen.lock().expect("lock").push(first.clone());
                    let Ok(mut server) = TcpStream::connect(upstream).await else {
                        return;
                    };
                    if server.write_all(&first).await.is_ok() {
                        let _ = tokio::io::copy_bidirectional(&mut client, &mut server).await;
                    }
                });
            }
        });
        Self {
            url,
            openings,
            task,
        }
    }

    fn openings(&self) -> Vec<Vec<u8>> {
        self.openings.lock().expect("lock").clone()
    }
}

impl Drop for Relay {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// Runs `n` ConverseStreams of 5 deltas at once through a relay, every stream holding after
/// its first delta until all have one (so all are open together); returns the connections'
/// openings.
async fn concurrent_streams(n: usize, prior_knowledge: bool) -> Vec<Vec<u8>> {
    let mut s = setup().await;
    let relay = Relay::start(s.emulator.local_addr()).await;
    let bedrock = s
        .builder
        .base_url(&relay.url)
        .http2_prior_knowledge(prior_knowledge)
        .build()
        .expect("provider builds");
    let model = bedrock.chat(bedrock_emulator::THROUGHPUT_MODEL_ID);
    let all_open = Arc::new(tokio::sync::Barrier::new(n));
    let runs = (0..n).map(|_| {
        let (model, all_open) = (&model, all_open.clone());
        async move {
            let request = Request::prompt("hi").header(bedrock_emulator::THROUGHPUT_HEADER, "5:20");
            let mut stream = model
                .stream(request.model_request())
                .await
                .expect("stream opens");
            let mut text = String::new();
            let mut deltas = 0;
            while let Some(part) = stream.next().await {
                if let StreamPart::TextDelta { text: t } = part.expect("stream part") {
                    text.push_str(&t);
                    deltas += 1;
                    if deltas == 1 {
                        all_open.wait().await;
                    }
                }
            }
            (deltas, text.len())
        }
    });
    let results = bounded(futures_util::future::join_all(runs)).await;
    assert_eq!(results.len(), n);
    for (deltas, len) in results {
        assert_eq!(
            (deltas, len),
            (5, 100),
            "every stream delivers 5 deltas of 20 B"
        );
    }
    relay.openings()
}

#[tokio::test]
async fn fifty_streams_share_one_h2c_connection() {
    let openings = concurrent_streams(50, true).await;
    assert_eq!(openings.len(), 1, "one connection for all streams");
    assert_eq!(openings[0], PREFACE, "HTTP/2 from the first byte");
}

#[tokio::test]
async fn plain_http_stays_http11_by_default() {
    let openings = concurrent_streams(50, false).await;
    assert_eq!(openings.len(), 50, "HTTP/1.1: a connection per open stream");
    for first in openings {
        assert!(first.starts_with(b"POST /model/"), "{first:?}");
        assert!(!first.starts_with(b"PRI "));
    }
}
