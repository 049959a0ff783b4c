//! The public face: configure, start, inspect and stop an emulator.

use std::collections::VecDeque;
use std::fmt;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

use crate::auth::Authenticator;
use crate::fault::{AttemptCounter, Fault};
use crate::model::PromptCache;
use crate::{DEFAULT_ACCESS_KEY_ID, DEFAULT_SECRET_ACCESS_KEY};

/// Default cap on request bodies (32 MiB).
const DEFAULT_MAX_BODY_BYTES: usize = 32 * 1024 * 1024;
/// How many requests the journal keeps.
const JOURNAL_CAPACITY: usize = 1000;

/// A set of AWS credentials the emulator accepts.
#[derive(Clone, PartialEq, Eq)]
pub struct Credentials {
    /// The access key id (`AKIA...`).
    pub access_key_id: String,
    /// The secret access key.
    pub secret_access_key: String,
    /// The session token clients must send as `x-amz-security-token`, if any.
    pub session_token: Option<String>,
}

impl Credentials {
    /// Credentials without a session token.
    pub fn new(access_key_id: impl Into<String>, secret_access_key: impl Into<String>) -> Self {
        Self {
            access_key_id: access_key_id.into(),
            secret_access_key: secret_access_key.into(),
            session_token: None,
        }
    }

    /// These credentials with a session token (temporary credentials).
    #[must_use]
    pub fn with_session_token(mut self, token: impl Into<String>) -> Self {
        self.session_token = Some(token.into());
        self
    }
}

impl Default for Credentials {
    /// [`DEFAULT_ACCESS_KEY_ID`] and [`DEFAULT_SECRET_ACCESS_KEY`].
    fn default() -> Self {
        Self::new(DEFAULT_ACCESS_KEY_ID, DEFAULT_SECRET_ACCESS_KEY)
    }
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Credentials")
            .field("access_key_id", &self.access_key_id)
            .field("secret_access_key", &"** redacted **")
            .field(
                "session_token",
                &self.session_token.as_ref().map(|_| "** redacted **"),
            )
            .finish()
    }
}

/// One request the emulator received, as kept in its journal.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct RecordedRequest {
    /// The HTTP method.
    pub method: String,
    /// The path as received (still percent-encoded).
    pub path: String,
    /// The operation (`Converse`, `ConverseStream`, `CountTokens`, `InvokeModel`, ...), if routed.
    pub operation: Option<&'static str>,
    /// The percent-decoded model id, if routed.
    pub model_id: Option<String>,
    /// The access key id of a SigV4 request that authenticated.
    pub access_key_id: Option<String>,
    /// The region of a SigV4 request's credential scope.
    pub region: Option<String>,
    /// Whether the request authenticated with the bearer token.
    pub bearer: bool,
    /// Every header but `authorization`.
    pub headers: Vec<(String, String)>,
    /// The body, when it was JSON.
    pub body: Option<serde_json::Value>,
    /// The status the emulator answered.
    pub status: u16,
}

/// Shared server state.
#[derive(Debug)]
pub(crate) struct State {
    pub(crate) auth: Authenticator,
    pub(crate) faults: Vec<Fault>,
    pub(crate) attempts: AttemptCounter,
    pub(crate) cache: PromptCache,
    pub(crate) max_body_bytes: usize,
    journal: Mutex<VecDeque<RecordedRequest>>,
}

impl State {
    pub(crate) fn push_record(&self, entry: RecordedRequest) {
        let mut journal = match self.journal.lock() {
            Ok(guard) => guard,
            Err(poisoned) => poisoned.into_inner(),
        };
        if journal.len() >= JOURNAL_CAPACITY {
            journal.pop_front();
        }
        journal.push_back(entry);
    }

    fn records(&self) -> Vec<RecordedRequest> {
        match self.journal.lock() {
            Ok(guard) => guard.iter().cloned().collect(),
            Err(poisoned) => poisoned.into_inner().iter().cloned().collect(),
        }
    }
}

/// Entry point: `Emulator::builder()`.
#[derive(Debug, Clone, Copy)]
pub struct Emulator;

impl Emulator {
    /// A builder with the defaults: `127.0.0.1:0`, the default credentials, no
    /// bearer token, no faults.
    pub fn builder() -> EmulatorBuilder {
        EmulatorBuilder::default()
    }
}

/// Configures an emulator. Every setter states its default.
#[derive(Clone)]
pub struct EmulatorBuilder {
    addr: SocketAddr,
    credentials: Vec<Credentials>,
    bearer_token: Option<String>,
    faults: Vec<Fault>,
    max_body_bytes: usize,
}

/// The bearer token is never shown; credentials show their access key id only.
impl fmt::Debug for EmulatorBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EmulatorBuilder")
            .field("addr", &self.addr)
            .field("credentials", &self.credentials)
            .field(
                "bearer_token",
                &self.bearer_token.as_ref().map(|_| "<redacted>"),
            )
            .field("faults", &self.faults)
            .field("max_body_bytes", &self.max_body_bytes)
            .finish()
    }
}

impl Default for EmulatorBuilder {
    fn default() -> Self {
        Self {
            addr: SocketAddr::from(([127, 0, 0, 1], 0)),
            credentials: vec![Credentials::default()],
            bearer_token: None,
            faults: Vec::new(),
            max_body_bytes: DEFAULT_MAX_BODY_BYTES,
        }
    }
}

impl EmulatorBuilder {
    /// The address to listen on. Default is `127.0.0.1:0` (an ephemeral port).
    #[must_use]
    pub fn addr(mut self, addr: SocketAddr) -> Self {
        self.addr = addr;
        self
    }

    /// Accepts exactly these credentials, replacing the default ones. Default is
    /// [`Credentials::default`] ([`DEFAULT_ACCESS_KEY_ID`] / [`DEFAULT_SECRET_ACCESS_KEY`]).
    #[must_use]
    pub fn credentials(mut self, credentials: Credentials) -> Self {
        self.credentials = vec![credentials];
        self
    }

    /// Accepts these credentials too (several keys can be valid at once).
    #[must_use]
    pub fn add_credentials(mut self, credentials: Credentials) -> Self {
        self.credentials.push(credentials);
        self
    }

    /// Accepts `Authorization: Bearer TOKEN`. Default is no bearer token (bearer
    /// requests are refused like AWS refuses an unknown API key).
    #[must_use]
    pub fn bearer_token(mut self, token: impl Into<String>) -> Self {
        self.bearer_token = Some(token.into());
        self
    }

    /// Injects `fault` into every request (in addition to any `x-emulator-fault`
    /// header). Default is no fault. May be called several times.
    #[must_use]
    pub fn fault(mut self, fault: Fault) -> Self {
        self.faults.push(fault);
        self
    }

    /// The largest request body accepted. Default is 32 MiB.
    #[must_use]
    pub fn max_body_bytes(mut self, max: usize) -> Self {
        self.max_body_bytes = max;
        self
    }

    /// Binds the address and starts serving on the current tokio runtime.
    ///
    /// # Errors
    ///
    /// [`StartError`] if the address cannot be bound.
    pub async fn start(self) -> Result<RunningEmulator, StartError> {
        let listener = TcpListener::bind(self.addr).await.map_err(StartError)?;
        let local_addr = listener.local_addr().map_err(StartError)?;
        let state = Arc::new(State {
            auth: Authenticator::new(self.credentials, self.bearer_token),
            faults: self.faults,
            attempts: AttemptCounter::default(),
            cache: PromptCache::default(),
            max_body_bytes: self.max_body_bytes,
            journal: Mutex::new(VecDeque::new()),
        });
        let (shutdown, stop) = oneshot::channel();
        let task = tokio::spawn(crate::server::serve(listener, state.clone(), stop));
        Ok(RunningEmulator {
            local_addr,
            state,
            shutdown: Some(shutdown),
            task: Some(task),
        })
    }
}

/// The emulator could not start.
#[derive(Debug)]
pub struct StartError(std::io::Error);

impl fmt::Display for StartError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "could not start the Bedrock emulator: {}", self.0)
    }
}

impl std::error::Error for StartError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&self.0)
    }
}

/// A running emulator.
///
/// # Drop behavior
///
/// Dropping it stops accepting connections and closes the open ones.
#[derive(Debug)]
pub struct RunningEmulator {
    local_addr: SocketAddr,
    state: Arc<State>,
    shutdown: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<()>>,
}

impl RunningEmulator {
    /// The base URL, e.g. `http://127.0.0.1:40123`.
    pub fn url(&self) -> String {
        format!("http://{}", self.local_addr)
    }

    /// The address the server listens on.
    pub fn local_addr(&self) -> SocketAddr {
        self.local_addr
    }

    /// The most recent requests (up to 1000), oldest first.
    pub fn requests(&self) -> Vec<RecordedRequest> {
        self.state.records()
    }

    /// Stops the server and waits until its connections are closed.
    pub async fn shutdown(mut self) {
        if let Some(shutdown) = self.shutdown.take() {
            let _ = shutdown.send(());
        }
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
    }

    /// Waits until the server stops (it runs until [`shutdown`](Self::shutdown) or drop).
    pub async fn wait(mut self) {
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
    }
}

impl Drop for RunningEmulator {
    fn drop(&mut self) {
        if let Some(shutdown) = self.shutdown.take() {
            let _ = shutdown.send(());
        }
    }
}
