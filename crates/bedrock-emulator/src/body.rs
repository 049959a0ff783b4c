//! Response bodies: a script of chunks, pauses and deliberate connection cuts.

use std::collections::VecDeque;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::task::{Context, Poll};
use std::time::Duration;

use bytes::Bytes;
use http_body::{Frame, SizeHint};
use tokio::time::Sleep;

/// Shared between a connection's IO and the bodies it serves.
#[derive(Debug, Default)]
pub(crate) struct ConnControl {
    reset: AtomicBool,
}

impl ConnControl {
    /// Asks for the connection to be closed with a TCP RST.
    pub(crate) fn request_reset(&self) {
        self.reset.store(true, Ordering::SeqCst);
    }

    /// Whether a reset was asked for.
    pub(crate) fn reset_requested(&self) -> bool {
        self.reset.load(Ordering::SeqCst)
    }
}

/// How a scripted body ends its connection on purpose.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Cut {
    /// Close the connection (FIN) where the body stands.
    Truncate,
    /// Reset the connection (RST) where the body stands.
    Reset,
}

/// One step of a scripted body.
#[derive(Debug)]
pub(crate) enum Step {
    /// Send these bytes.
    Data(Bytes),
    /// Send `chunk` this many times.
    Repeat { chunk: Bytes, times: u64 },
    /// End the connection.
    Cut(Cut),
}

/// The error a scripted body ends with when it cuts its connection.
#[derive(Debug)]
pub(crate) struct CutError(Cut);

impl fmt::Display for CutError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            Cut::Truncate => f.write_str("response truncated on purpose (fault injection)"),
            Cut::Reset => f.write_str("connection reset on purpose (fault injection)"),
        }
    }
}

impl std::error::Error for CutError {}

/// How many times a cutting body yields before failing, so hyper flushes what
/// was already written.
const FLUSH_YIELDS: u8 = 3;

/// A response body played from a script.
pub(crate) struct ScriptBody {
    steps: VecDeque<Step>,
    /// A pause taken before every data step but the first.
    pause: Option<Duration>,
    sleep: Option<Pin<Box<Sleep>>>,
    data_sent: bool,
    pause_taken: bool,
    flush_yields: u8,
    conn: Option<Arc<ConnControl>>,
}

impl fmt::Debug for ScriptBody {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ScriptBody")
            .field("steps", &self.steps.len())
            .field("pause", &self.pause)
            .finish_non_exhaustive()
    }
}

impl ScriptBody {
    /// A body of these steps.
    pub(crate) fn new(steps: Vec<Step>) -> Self {
        Self {
            steps: steps.into(),
            pause: None,
            sleep: None,
            data_sent: false,
            pause_taken: false,
            flush_yields: 0,
            conn: None,
        }
    }

    /// A body of one chunk.
    pub(crate) fn full(bytes: impl Into<Bytes>) -> Self {
        Self::new(vec![Step::Data(bytes.into())])
    }

    /// An empty body.
    pub(crate) fn empty() -> Self {
        Self::new(Vec::new())
    }

    /// Pauses `pause` between data steps.
    pub(crate) fn with_pause(mut self, pause: Option<Duration>) -> Self {
        self.pause = pause.filter(|p| !p.is_zero());
        self
    }

    /// The connection a `Cut::Reset` applies to.
    pub(crate) fn with_conn(mut self, conn: Arc<ConnControl>) -> Self {
        self.conn = Some(conn);
        self
    }
}

impl http_body::Body for ScriptBody {
    type Data = Bytes;
    type Error = CutError;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, CutError>>> {
        let this = self.get_mut();
        loop {
            if let Some(sleep) = this.sleep.as_mut() {
                if sleep.as_mut().poll(cx).is_pending() {
                    return Poll::Pending;
                }
                this.sleep = None;
            }
            let pause_due = this.data_sent && this.pause.is_some() && !this.pause_taken;
            let Some(step) = this.steps.front_mut() else {
                return Poll::Ready(None);
            };
            match step {
                Step::Data(_) | Step::Repeat { .. } if pause_due => {
                    if let Some(pause) = this.pause {
                        this.sleep = Some(Box::pin(tokio::time::sleep(pause)));
                    }
                    this.pause_taken = true;
                    continue;
                }
                Step::Data(_) => {
                    this.data_sent = true;
                    this.pause_taken = false;
                    if let Some(Step::Data(bytes)) = this.steps.pop_front() {
                        return Poll::Ready(Some(Ok(Frame::data(bytes))));
                    }
                }
                Step::Repeat { chunk, times } => {
                    if *times == 0 {
                        this.steps.pop_front();
                        continue;
                    }
                    *times -= 1;
                    let chunk = chunk.clone();
                    this.data_sent = true;
                    this.pause_taken = false;
                    return Poll::Ready(Some(Ok(Frame::data(chunk))));
                }
                Step::Cut(cut) => {
                    let cut = *cut;
                    if this.flush_yields < FLUSH_YIELDS {
                        this.flush_yields += 1;
                        cx.waker().wake_by_ref();
                        return Poll::Pending;
                    }
                    this.steps.clear();
                    if cut == Cut::Reset
                        && let Some(conn) = &this.conn
                    {
                        conn.request_reset();
                    }
                    return Poll::Ready(Some(Err(CutError(cut))));
                }
            }
        }
    }

    fn is_end_stream(&self) -> bool {
        self.steps.is_empty() && self.sleep.is_none()
    }

    fn size_hint(&self) -> SizeHint {
        let mut total: u64 = 0;
        for step in &self.steps {
            match step {
                Step::Data(bytes) => total = total.saturating_add(bytes.len() as u64),
                _ => return SizeHint::default(),
            }
        }
        SizeHint::with_exact(total)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use http_body_util::BodyExt;

    #[tokio::test]
    async fn plays_data_and_repeats_in_order() {
        let body = ScriptBody::new(vec![
            Step::Data(Bytes::from_static(b"a")),
            Step::Repeat {
                chunk: Bytes::from_static(b"b"),
                times: 3,
            },
            Step::Data(Bytes::from_static(b"c")),
        ]);
        let collected = body.collect().await.expect("no cut").to_bytes();
        assert_eq!(collected.as_ref(), b"abbbc");
    }

    #[tokio::test]
    async fn full_bodies_have_an_exact_size() {
        let body = ScriptBody::full("hello");
        assert_eq!(http_body::Body::size_hint(&body).exact(), Some(5));
        assert_eq!(
            http_body::Body::size_hint(&ScriptBody::empty()).exact(),
            Some(0)
        );
    }

    #[tokio::test]
    async fn cut_ends_with_an_error_and_requests_reset() {
        let conn = Arc::new(ConnControl::default());
        let mut body = ScriptBody::new(vec![
            Step::Data(Bytes::from_static(b"partial")),
            Step::Cut(Cut::Reset),
        ])
        .with_conn(conn.clone());
        let first = body.frame().await.expect("frame").expect("data");
        assert_eq!(first.into_data().ok(), Some(Bytes::from_static(b"partial")));
        let second = body.frame().await.expect("frame");
        assert!(second.is_err());
        assert!(conn.reset_requested());
    }

    #[tokio::test]
    async fn pauses_do_not_change_the_bytes() {
        let body = ScriptBody::new(vec![
            Step::Data(Bytes::from_static(b"x")),
            Step::Data(Bytes::from_static(b"y")),
        ])
        .with_pause(Some(Duration::from_millis(1)));
        let collected = body.collect().await.expect("no cut").to_bytes();
        assert_eq!(collected.as_ref(), b"xy");
    }
}
