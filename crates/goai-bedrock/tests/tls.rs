//! `https` with a CA bundle and through an HTTP proxy: a TLS terminator holding
//! a test certificate (signed by `tests/data/tls/ca.pem`, which no public root
//! store knows) in front of the in-process emulator, and a `CONNECT` proxy in
//! front of that. The client must trust the server through the bundle and only
//! through it, and reach it through the proxy when told to.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use goai_bedrock::Bedrock;
use goai_core::{Request, generate_text};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
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

fn try_client(
    port: u16,
    configure: impl FnOnce(&mut goai_bedrock::BedrockBuilder),
) -> Result<Bedrock, goai_bedrock::ConfigError> {
    emulator_client(&format!("https://localhost:{port}"), configure)
}

/// A client of the emulator's region and keys at `base`, configured further by `configure`.
fn emulator_client(
    base: &str,
    configure: impl FnOnce(&mut goai_bedrock::BedrockBuilder),
) -> Result<Bedrock, goai_bedrock::ConfigError> {
    let mut builder = Bedrock::builder();
    builder
        .base_url(base)
        .region(bedrock_emulator::DEFAULT_REGION)
        .access_key(
            bedrock_emulator::DEFAULT_ACCESS_KEY_ID,
            bedrock_emulator::DEFAULT_SECRET_ACCESS_KEY,
        );
    configure(&mut builder);
    builder.build()
}

fn client(port: u16, configure: impl FnOnce(&mut goai_bedrock::BedrockBuilder)) -> Bedrock {
    try_client(port, configure).expect("client builds")
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

    let mut untrusted = vec![("bundled Mozilla roots", client(port, |_| {}))];
    // A machine without a system certificate store cannot build this one at all.
    match try_client(port, |b| {
        b.native_roots(true);
    }) {
        Ok(c) => untrusted.push(("system roots", c)),
        Err(e) => eprintln!("no system roots here, that case is skipped: {e}"),
    }
    for (what, untrusted) in untrusted {
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

/// A TCP server on 127.0.0.1 that reads each connection's request head (up to
/// the blank line, at most 8 KiB) and hands the connection and the head to
/// `handle`.
async fn head_server<F, Fut>(handle: F) -> u16
where
    F: Fn(TcpStream, String) -> Fut + Send + Sync + 'static,
    Fut: std::future::Future<Output = ()> + Send + 'static,
{
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let port = listener.local_addr().expect("addr").port();
    let handle = Arc::new(handle);
    tokio::spawn(async move {
        while let Ok((mut client, _)) = listener.accept().await {
            let handle = Arc::clone(&handle);
            tokio::spawn(async move {
                let mut head = Vec::new();
                let mut byte = [0u8; 1];
                while !head.ends_with(b"\r\n\r\n") && head.len() < 8192 {
                    if client.read_exact(&mut byte).await.is_err() {
                        return;
                    }
                    head.push(byte[0]);
                }
                handle(client, String::from_utf8_lossy(&head).into_owned()).await;
            });
        }
    });
    port
}

/// A minimal HTTP `CONNECT` proxy on 127.0.0.1 that records each request head,
/// sends every tunnel to 127.0.0.1 at the port asked for (so that the client
/// never resolves the name itself), and answers `200` before relaying bytes.
async fn connect_proxy() -> (u16, Arc<Mutex<Vec<String>>>) {
    let heads: Arc<Mutex<Vec<String>>> = Arc::default();
    let log = Arc::clone(&heads);
    let port = head_server(move |mut client, head| {
        log.lock().expect("log").push(head.clone());
        async move {
            let port = head
                .split_whitespace()
                .nth(1)
                .and_then(|target| target.rsplit_once(':'))
                .and_then(|(_, port)| port.parse::<u16>().ok());
            let Some(port) = port else { return };
            let Ok(mut upstream) = TcpStream::connect(("127.0.0.1", port)).await else {
                return;
            };
            if client
                .write_all(b"HTTP/1.1 200 Connection established\r\n\r\n")
                .await
                .is_ok()
            {
                let _ = tokio::io::copy_bidirectional(&mut client, &mut upstream).await;
            }
        }
    })
    .await;
    (port, heads)
}

#[tokio::test]
async fn https_goes_through_the_proxy_with_basic_auth_unless_no_proxy_says_otherwise() {
    let emulator = bedrock_emulator::Emulator::builder()
        .start()
        .await
        .expect("emulator starts");
    let (tls_port, _) = tls_proxy(emulator.local_addr()).await;
    let (proxy_port, heads) = connect_proxy().await;
    let model_id = "anthropic.claude-3-haiku-20240307-v1:0";
    // `bedrock.test` (RFC 6761) does not resolve: only the proxy can reach it.
    let base = format!("https://bedrock.test:{tls_port}");
    let proxied = |no_proxy: Option<&str>| {
        emulator_client(&base, |builder| {
            builder
                .ca_bundle(CA)
                .connect_timeout(std::time::Duration::from_secs(2))
                .https_proxy(format!("http://user:pw@127.0.0.1:{proxy_port}"));
            if let Some(hosts) = no_proxy {
                builder.no_proxy(hosts);
            }
        })
        .expect("client builds")
    };

    let client = proxied(None);
    assert!(!format!("{client:?}").contains(":pw@"), "{client:?}");
    let out = generate_text(&client.chat(model_id), Request::prompt("hello via proxy"))
        .await
        .expect("the call succeeds through the proxy");
    assert!(out.text.contains("hello via proxy"), "{}", out.text);
    let seen = heads.lock().expect("log").clone();
    assert_eq!(seen.len(), 1, "{seen:?}");
    assert!(
        seen[0].starts_with(&format!("CONNECT bedrock.test:{tls_port} HTTP/1.1\r\n")),
        "{seen:?}"
    );
    // base64("user:pw")
    assert!(
        seen[0].contains("Proxy-Authorization: Basic dXNlcjpwdw==\r\n"),
        "{seen:?}"
    );

    // Bypassed: the client goes to `bedrock.test` itself, which does not
    // resolve (RFC 6761) or at least does not serve this port, and the proxy
    // sees nothing more.
    let direct = proxied(Some("other.example,*.test"));
    let err = generate_text(&direct.chat(model_id), Request::prompt("hi"))
        .await
        .expect_err("bedrock.test is not reachable without the proxy");
    assert!(
        matches!(
            err,
            goai_core::Error::Transport { .. } | goai_core::Error::RetriesExhausted { .. }
        ),
        "{err:?}"
    );
    assert_eq!(heads.lock().expect("log").len(), 1);
}

/// A proxy that reads each `CONNECT` head, counts it and answers `answer`,
/// then closes the connection.
async fn refusing_proxy(answer: &'static str) -> (u16, Arc<Mutex<usize>>) {
    let count: Arc<Mutex<usize>> = Arc::default();
    let seen = Arc::clone(&count);
    let port = head_server(move |mut client, _head| {
        *seen.lock().expect("count") += 1;
        async move {
            let _ = client.write_all(answer.as_bytes()).await;
        }
    })
    .await;
    (port, count)
}

#[tokio::test]
async fn a_proxy_refusal_is_typed_and_final_unless_it_may_pass() {
    let model_id = "anthropic.claude-3-haiku-20240307-v1:0";
    let through = |proxy_port: u16| {
        emulator_client("https://bedrock.test:443", |builder| {
            builder
                .ca_bundle(CA)
                .connect_timeout(std::time::Duration::from_secs(2))
                .https_proxy(format!("http://user:wrong@127.0.0.1:{proxy_port}"));
        })
        .expect("client builds")
    };
    let request = || {
        Request::prompt("hi").retry(
            goai_core::RetryPolicy::default()
                .max_retries(2)
                .initial_backoff(std::time::Duration::from_millis(1)),
        )
    };

    // 407: the credentials are wrong; asking again cannot help.
    let (port, count) =
        refusing_proxy("HTTP/1.1 407 Proxy Authentication Required\r\nContent-Length: 0\r\n\r\n")
            .await;
    let err = generate_text(&through(port).chat(model_id), request())
        .await
        .expect_err("the proxy refuses");
    let shown = err.to_string();
    assert!(
        matches!(
            err,
            goai_core::Error::Transport {
                retryable: false,
                ..
            }
        ),
        "{err:?}"
    );
    assert!(shown.contains("407"), "{shown}");
    assert!(!shown.contains("wrong"), "the password leaked: {shown}");
    assert_eq!(*count.lock().expect("count"), 1, "retried a 407");

    // 502: the proxy could not reach the host this time; retried.
    let (port, count) = refusing_proxy("HTTP/1.1 502 Bad Gateway\r\n\r\n").await;
    let err = generate_text(&through(port).chat(model_id), request())
        .await
        .expect_err("the proxy refuses");
    assert!(err.to_string().contains("502"), "{err}");
    assert_eq!(*count.lock().expect("count"), 3, "{err:?}");
}
