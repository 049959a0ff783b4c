//! Local fakes for the credential tests: a tiny hyper server on loopback that
//! records requests, a temporary home directory, and injectable clocks.

use std::convert::Infallible;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use bytes::Bytes;
use goai_bedrock::Env;
use goai_bedrock::credentials::ProviderConfig;
use http_body_util::{BodyExt, Full};
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;

/// One request the fake received.
#[derive(Debug, Clone)]
pub(crate) struct Recorded {
    pub(crate) method: String,
    /// Path and query, as received.
    pub(crate) target: String,
    pub(crate) headers: Vec<(String, String)>,
    pub(crate) body: String,
}

impl Recorded {
    /// The first value of header `name`.
    pub(crate) fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The value of form field `name` in a `application/x-www-form-urlencoded` body.
    pub(crate) fn form(&self, name: &str) -> Option<String> {
        self.body.split('&').find_map(|pair| {
            let (k, v) = pair.split_once('=')?;
            (k == name).then(|| percent_decode(v))
        })
    }
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && let Some(hex) = s.get(i + 1..i + 3)
            && let Ok(b) = u8::from_str_radix(hex, 16)
        {
            out.push(b);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The fake's answer.
#[derive(Debug, Clone)]
pub(crate) struct Reply {
    pub(crate) status: u16,
    pub(crate) body: String,
}

impl Reply {
    pub(crate) fn ok(body: impl Into<String>) -> Self {
        Self {
            status: 200,
            body: body.into(),
        }
    }

    pub(crate) fn status(status: u16, body: impl Into<String>) -> Self {
        Self {
            status,
            body: body.into(),
        }
    }
}

type Handler = Arc<dyn Fn(&Recorded) -> Reply + Send + Sync>;

/// A loopback HTTP/1.1 server answering with `handler`; stops when dropped.
pub(crate) struct Fake {
    addr: SocketAddr,
    requests: Arc<Mutex<Vec<Recorded>>>,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for Fake {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl Fake {
    pub(crate) async fn start(
        handler: impl Fn(&Recorded) -> Reply + Send + Sync + 'static,
    ) -> Self {
        let handler: Handler = Arc::new(handler);
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind loopback");
        let addr = listener.local_addr().expect("local addr");
        let requests = Arc::new(Mutex::new(Vec::new()));
        let recorded = requests.clone();
        let task = tokio::spawn(async move {
            loop {
                let Ok((stream, _)) = listener.accept().await else {
                    return;
                };
                let handler = handler.clone();
                let recorded = recorded.clone();
                tokio::spawn(async move {
                    let service = service_fn(move |req: hyper::Request<hyper::body::Incoming>| {
                        let handler = handler.clone();
                        let recorded = recorded.clone();
                        async move {
                            let (parts, body) = req.into_parts();
                            let body = body
                                .collect()
                                .await
                                .map(|b| b.to_bytes())
                                .unwrap_or_default();
                            let rec = Recorded {
                                method: parts.method.to_string(),
                                target: parts
                                    .uri
                                    .path_and_query()
                                    .map(|p| p.as_str().to_owned())
                                    .unwrap_or_default(),
                                headers: parts
                                    .headers
                                    .iter()
                                    .map(|(n, v)| {
                                        (n.as_str().to_owned(), v.to_str().unwrap_or("").to_owned())
                                    })
                                    .collect(),
                                body: String::from_utf8_lossy(&body).into_owned(),
                            };
                            let reply = handler(&rec);
                            recorded.lock().expect("lock").push(rec);
                            let response = hyper::Response::builder()
                                .status(reply.status)
                                .body(Full::new(Bytes::from(reply.body)))
                                .expect("response");
                            Ok::<_, Infallible>(response)
                        }
                    });
                    let _ = hyper::server::conn::http1::Builder::new()
                        .serve_connection(TokioIo::new(stream), service)
                        .await;
                });
            }
        });
        Self {
            addr,
            requests,
            task,
        }
    }

    /// `http://127.0.0.1:port`
    pub(crate) fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Everything received so far.
    pub(crate) fn requests(&self) -> Vec<Recorded> {
        self.requests.lock().expect("lock").clone()
    }
}

/// A URL on loopback where nothing listens.
pub(crate) fn dead_url() -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let addr = listener.local_addr().expect("addr");
    drop(listener);
    format!("http://{addr}")
}

/// A temporary home directory.
pub(crate) struct Home {
    dir: tempfile::TempDir,
}

impl Home {
    pub(crate) fn new() -> Self {
        Self {
            dir: tempfile::tempdir().expect("temp dir"),
        }
    }

    pub(crate) fn path(&self) -> &Path {
        self.dir.path()
    }

    /// Writes `contents` to `relative` (creating directories) and returns the full path.
    pub(crate) fn write(&self, relative: &str, contents: &str) -> PathBuf {
        let path = self.dir.path().join(relative);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).expect("create dirs");
        }
        std::fs::write(&path, contents).expect("write file");
        path
    }

    /// Writes an executable shell script.
    #[cfg(unix)]
    pub(crate) fn script(&self, relative: &str, body: &str) -> PathBuf {
        use std::os::unix::fs::PermissionsExt;
        let path = self.write(relative, &format!("#!/bin/sh\n{body}\n"));
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).expect("chmod");
        path
    }

    /// Variables that point every source at this home and switch IMDS off;
    /// `extra` is added (and wins).
    pub(crate) fn env(&self, extra: &[(&str, &str)]) -> Env {
        let home = self.path().to_string_lossy().into_owned();
        let mut pairs: Vec<(String, String)> = vec![
            ("HOME".into(), home),
            ("AWS_EC2_METADATA_DISABLED".into(), "true".into()),
        ];
        for (k, v) in extra {
            pairs.retain(|(name, _)| name != k);
            pairs.push(((*k).to_owned(), (*v).to_owned()));
        }
        Env::from_pairs(pairs)
    }
}

/// A settable fake clock, starting at 2026-11-25T07:00:00Z.
#[derive(Clone)]
pub(crate) struct Clock(Arc<AtomicU64>);

/// 2026-11-25T07:00:00Z.
pub(crate) const START: u64 = 1_795_590_000;

impl Clock {
    pub(crate) fn new() -> Self {
        Self(Arc::new(AtomicU64::new(START)))
    }

    pub(crate) fn now(&self) -> SystemTime {
        SystemTime::UNIX_EPOCH + Duration::from_secs(self.0.load(Ordering::SeqCst))
    }

    pub(crate) fn advance(&self, by: Duration) {
        self.0.fetch_add(by.as_secs(), Ordering::SeqCst);
    }

    pub(crate) fn fun(&self) -> impl Fn() -> SystemTime + Send + Sync + 'static {
        let c = self.clone();
        move || c.now()
    }
}

/// A provider config over `env` with the fake clock.
pub(crate) fn config(env: Env, clock: &Clock) -> ProviderConfig {
    ProviderConfig::new().with_env(env).with_clock(clock.fun())
}

/// An RFC 3339 rendering of `START + secs` for fake responses (hour precision is enough).
pub(crate) fn rfc3339_after(secs: u64) -> String {
    let t = START + secs;
    let days = t / 86_400;
    let rem = t % 86_400;
    // START is 2026-11-25; the tests stay within a few days of it.
    let day_offset = days - START / 86_400;
    format!(
        "2026-11-{:02}T{:02}:{:02}:{:02}Z",
        25 + day_offset,
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

/// A JSON credential document as ECS and IMDS send it.
pub(crate) fn metadata_document(akid: &str, secret: &str, expires_in_secs: u64) -> String {
    format!(
        r#"{{"Code":"Success","Type":"AWS-HMAC","AccessKeyId":"{akid}","SecretAccessKey":"{secret}","Token":"TOKEN-{akid}","Expiration":"{}"}}"#,
        rfc3339_after(expires_in_secs)
    )
}

/// An STS success response.
pub(crate) fn sts_response(action: &str, akid: &str, secret: &str, expires_in_secs: u64) -> String {
    format!(
        r#"<{action}Response xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <{action}Result>
    <Credentials>
      <AccessKeyId>{akid}</AccessKeyId>
      <SecretAccessKey>{secret}</SecretAccessKey>
      <SessionToken>SESSION-{akid}</SessionToken>
      <Expiration>{}</Expiration>
    </Credentials>
  </{action}Result>
</{action}Response>"#,
        rfc3339_after(expires_in_secs)
    )
}

/// Checks a received request's SigV4 signature against `secret`; returns the
/// access key id and the credential scope region.
pub(crate) fn verify_sigv4(req: &Recorded, akid: &str, secret: &str) -> (String, String) {
    let auth = req.header("authorization").expect("signed request");
    let parsed =
        sigv4::ParsedAuthorization::from_authorization_header(auth).expect("valid authorization");
    assert_eq!(parsed.access_key_id(), akid);
    assert_eq!(parsed.service(), "sts");
    let headers: Vec<(&str, &str)> = req
        .headers
        .iter()
        .map(|(n, v)| (n.as_str(), v.as_str()))
        .collect();
    let signable = sigv4::SignableRequest::new(
        &req.method,
        &req.target,
        &headers,
        sigv4::Payload::Bytes(req.body.as_bytes()),
    );
    let creds = match req.header("x-amz-security-token") {
        Some(t) => sigv4::Credentials::new(akid, secret).with_session_token(t),
        None => sigv4::Credentials::new(akid, secret),
    };
    sigv4::Signer::new()
        .verify(
            &signable,
            &parsed,
            &creds,
            &sigv4::SigningSettings::new(),
            None,
        )
        .expect("signature verifies");
    (
        parsed.access_key_id().to_owned(),
        parsed.region().to_owned(),
    )
}
