//! `https` with a CA bundle: a TLS proxy holding a test certificate (signed by
//! `tests/data/tls/ca.pem`, which no public root store knows) in front of the
//! in-process emulator. The client must trust the proxy through the bundle and
//! only through it.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use goai_bedrock::Bedrock;
use goai_core::{Request, generate_text};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use tokio::net::{TcpListener, TcpStream};

const CA: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/tls/ca.pem");
const CERT: &[u8] = include_bytes!("data/tls/server.pem");
const KEY: &[u8] = include_bytes!("data/tls/server.key");

/// What the proxy saw of each TLS connection: the ALPN protocol agreed on, or
/// `Err` with the handshake failure.
type Seen = Arc<Mutex<Vec<Result<Option<Vec<u8>>, String>>>>;

/// A TLS server on 127.0.0.1 that forwards each connection's plaintext to
/// `upstream`, offering `h2` and `http/1.1` through ALPN like Bedrock.
async fn tls_proxy(upstream: SocketAddr) -> (u16, Seen) {
    let certs = CertificateDer::pem_slice_iter(CERT)
        .collect::<Result<Vec<_>, _>>()
        .expect("test certificate");
    let key = PrivateKeyDer::from_pem_slice(KEY).expect("test key");
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .expect("protocol versions")
        .with_no_client_auth()
        .with_single_cert(certs, key)
        .expect("server config");
    config.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
    let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let port = listener.local_addr().expect("addr").port();
    let seen: Seen = Arc::default();
    let log = Arc::clone(&seen);
    tokio::spawn(async move {
        while let Ok((tcp, _)) = listener.accept().await {
            let (acceptor, log) = (acceptor.clone(), Arc::clone(&log));
            tokio::spawn(async move {
                let mut tls = match acceptor.accept(tcp).await {
                    Ok(tls) => tls,
                    Err(e) => {
                        log.lock().expect("log").push(Err(e.to_string()));
                        return;
                    }
                };
                let alpn = tls.get_ref().1.alpn_protocol().map(<[u8]>::to_vec);
                log.lock().expect("log").push(Ok(alpn));
                if let Ok(mut up) = TcpStream::connect(upstream).await {
                    let _ = tokio::io::copy_bidirectional(&mut tls, &mut up).await;
                }
            });
        }
    });
    (port, seen)
}

fn client(port: u16, configure: impl FnOnce(&mut goai_bedrock::BedrockBuilder)) -> Bedrock {
    let mut builder = Bedrock::builder();
    builder
        .base_url(format!("https://localhost:{port}"))
        .region(bedrock_emulator::DEFAULT_REGION)
        .access_key(
            bedrock_emulator::DEFAULT_ACCESS_KEY_ID,
            bedrock_emulator::DEFAULT_SECRET_ACCESS_KEY,
        );
    configure(&mut builder);
    builder.build().expect("client builds")
}

#[tokio::test]
async fn https_is_trusted_through_the_ca_bundle_and_only_through_it() {
    let emulator = bedrock_emulator::Emulator::builder()
        .start()
        .await
        .expect("emulator starts");
    let (port, seen) = tls_proxy(emulator.local_addr()).await;
    let model_id = "anthropic.claude-3-haiku-20240307-v1:0";

    let trusted = client(port, |b| {
        b.ca_bundle(CA);
    });
    let out = generate_text(&trusted.chat(model_id), Request::prompt("hello over TLS"))
        .await
        .expect("the call succeeds through the bundle");
    assert!(out.text.contains("hello over TLS"), "{}", out.text);
    let agreed = seen.lock().expect("log").last().cloned();
    let expected: &[u8] = if cfg!(feature = "http2") {
        b"h2"
    } else {
        b"http/1.1"
    };
    assert_eq!(agreed, Some(Ok(Some(expected.to_vec()))));

    for (what, untrusted) in [
        ("bundled Mozilla roots", client(port, |_| {})),
        (
            "system roots",
            client(port, |b| {
                b.native_roots(true);
            }),
        ),
    ] {
        let err = generate_text(&untrusted.chat(model_id), Request::prompt("hi"))
            .await
            .expect_err(what);
        // One attempt: an untrusted certificate does not become trusted on retry.
        let text = err.to_string();
        assert!(
            text.contains("TLS handshake failed") && text.contains("UnknownIssuer"),
            "{what}: {text}"
        );
        assert!(!text.contains("attempts"), "{what} was retried: {text}");
        assert!(
            matches!(
                err,
                goai_core::Error::Transport {
                    retryable: false,
                    ..
                }
            ),
            "{what}: {err:?}"
        );
    }
}
