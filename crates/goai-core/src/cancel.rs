//! Cooperative cancellation.

use std::sync::Arc;

use tokio::sync::watch;

/// A cloneable handle that cancels the operations it was given to.
///
/// Give a clone to [`Request::cancel_token`](crate::Request::cancel_token) and
/// call [`cancel`](Self::cancel) from anywhere; the operation then ends with
/// [`Error::Cancelled`](crate::Error::Cancelled). Dropping a future or a stream
/// returned by this crate cancels it too.
///
/// # Examples
///
/// ```
/// let token = goai_core::CancellationToken::new();
/// let for_request = token.clone();
/// token.cancel();
/// assert!(for_request.is_cancelled());
/// ```
#[derive(Debug, Clone)]
pub struct CancellationToken {
    tx: Arc<watch::Sender<bool>>,
}

impl Default for CancellationToken {
    fn default() -> Self {
        Self::new()
    }
}

impl CancellationToken {
    /// A token that is not cancelled.
    pub fn new() -> Self {
        Self {
            tx: Arc::new(watch::Sender::new(false)),
        }
    }

    /// Cancels every operation holding a clone of this token. Idempotent.
    pub fn cancel(&self) {
        self.tx.send_replace(true);
    }

    /// Whether [`cancel`](Self::cancel) was called.
    pub fn is_cancelled(&self) -> bool {
        *self.tx.borrow()
    }

    /// Completes once the token is cancelled.
    pub async fn cancelled(&self) {
        let mut rx = self.tx.subscribe();
        // The sender lives in `self`, so `wait_for` cannot fail while we wait.
        let _ = rx.wait_for(|c| *c).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn cancelled_wakes_waiters() {
        let t = CancellationToken::new();
        let t2 = t.clone();
        let waiter = tokio::spawn(async move { t2.cancelled().await });
        tokio::task::yield_now().await;
        assert!(!t.is_cancelled());
        t.cancel();
        waiter.await.unwrap();
        assert!(t.is_cancelled());
        // Already cancelled: returns at once.
        t.cancelled().await;
    }
}
