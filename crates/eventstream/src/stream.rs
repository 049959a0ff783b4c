//! The [`futures_core::Stream`] adapter (feature `stream`).

use std::pin::Pin;
use std::task::{Context, Poll};

use bytes::{Buf, BufMut, BytesMut};
use futures_core::Stream;

use crate::decoder::Decoder;
use crate::error::Error;
use crate::message::Message;

/// Turns a stream of byte chunks into a stream of [`Message`]s.
///
/// The inner stream yields `Result<B, E>` where `B` is any [`Buf`] (usually
/// [`Bytes`](bytes::Bytes)); decoding errors are converted into `E` with
/// `From<Error>`. For a stream of plain chunks, map them to
/// `Ok::<_, eventstream::Error>` first.
///
/// The stream ends after the first error, whether it came from the inner stream
/// or from decoding. If the inner stream ends inside a frame, the last item is
/// [`Error::UnexpectedEof`]. At most one whole frame plus one chunk is buffered.
///
/// ```
/// use bytes::Bytes;
/// use eventstream::{Message, MessageStream};
/// use futures_core::Stream;
/// use std::pin::pin;
/// use std::task::{Context, Poll, Waker};
///
/// let frame = Message::new(&b"hi"[..]).to_bytes().unwrap();
/// let (a, b) = (frame.slice(..5), frame.slice(5..));
/// let chunks = futures_util::stream::iter([Ok::<Bytes, eventstream::Error>(a), Ok(b)]);
/// let mut messages = pin!(MessageStream::new(chunks));
///
/// let mut cx = Context::from_waker(Waker::noop());
/// let Poll::Ready(Some(Ok(message))) = messages.as_mut().poll_next(&mut cx) else {
///     panic!("expected a message");
/// };
/// assert_eq!(&message.payload()[..], b"hi");
/// assert!(matches!(messages.as_mut().poll_next(&mut cx), Poll::Ready(None)));
/// ```
#[derive(Debug)]
pub struct MessageStream<S> {
    inner: S,
    decoder: Decoder,
    buf: BytesMut,
    inner_done: bool,
    done: bool,
}

impl<S> MessageStream<S> {
    /// Wraps `inner` with a [`Decoder`] that has the default limits.
    pub fn new(inner: S) -> Self {
        MessageStream::with_decoder(inner, Decoder::new())
    }

    /// Wraps `inner` with `decoder` (for example one with other limits).
    pub fn with_decoder(inner: S, decoder: Decoder) -> Self {
        MessageStream {
            inner,
            decoder,
            buf: BytesMut::new(),
            inner_done: false,
            done: false,
        }
    }

    /// The inner stream.
    pub fn get_ref(&self) -> &S {
        &self.inner
    }

    /// The inner stream, dropping any buffered bytes.
    pub fn into_inner(self) -> S {
        self.inner
    }

    /// Bytes received but not yet returned as a message.
    pub fn buffered(&self) -> usize {
        self.buf.len()
    }
}

impl<S, B, E> Stream for MessageStream<S>
where
    S: Stream<Item = Result<B, E>> + Unpin,
    B: Buf,
    E: From<Error>,
{
    type Item = Result<Message, E>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        loop {
            if this.done {
                return Poll::Ready(None);
            }
            let decoded = if this.inner_done {
                this.decoder.decode_eof(&mut this.buf)
            } else {
                this.decoder.decode(&mut this.buf)
            };
            match decoded {
                Ok(Some(message)) => return Poll::Ready(Some(Ok(message))),
                Ok(None) if this.inner_done => {
                    this.done = true;
                    return Poll::Ready(None);
                }
                Ok(None) => {}
                Err(e) => {
                    this.done = true;
                    return Poll::Ready(Some(Err(E::from(e))));
                }
            }
            match Pin::new(&mut this.inner).poll_next(cx) {
                Poll::Pending => return Poll::Pending,
                Poll::Ready(Some(Ok(chunk))) => this.buf.put(chunk),
                Poll::Ready(Some(Err(e))) => {
                    this.done = true;
                    return Poll::Ready(Some(Err(e)));
                }
                Poll::Ready(None) => this.inner_done = true,
            }
        }
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        if self.done { (0, Some(0)) } else { (0, None) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use bytes::Bytes;
    use std::task::Waker;

    /// Polls an always-ready stream to its end.
    fn drain<S: Stream + Unpin>(mut s: S) -> Vec<S::Item> {
        let mut cx = Context::from_waker(Waker::noop());
        let mut out = Vec::new();
        while let Poll::Ready(Some(item)) = Pin::new(&mut s).poll_next(&mut cx) {
            out.push(item);
        }
        out
    }

    fn frames() -> (Vec<Message>, Bytes) {
        let messages: Vec<Message> = (0..5)
            .map(|i| {
                Message::new(Bytes::from(vec![i as u8; i * 7]))
                    .with_header(":event-type", format!("e{i}"))
                    .with_header("i", i as i64)
            })
            .collect();
        let mut wire = BytesMut::new();
        for m in &messages {
            m.encode_to(&mut wire).unwrap();
        }
        (messages, wire.freeze())
    }

    #[test]
    fn decodes_across_chunks_of_every_size() {
        let (messages, wire) = frames();
        for size in 1..=wire.len() {
            let chunks: Vec<Result<Bytes, Error>> = wire
                .chunks(size)
                .map(|c| Ok(Bytes::copy_from_slice(c)))
                .collect();
            let out = drain(MessageStream::new(futures_util::stream::iter(chunks)));
            let out: Vec<Message> = out.into_iter().map(Result::unwrap).collect();
            assert_eq!(out, messages, "chunk size {size}");
        }
    }

    #[test]
    fn truncated_input_ends_with_unexpected_eof() {
        let (messages, wire) = frames();
        let cut = wire.len() - 3;
        let chunks = vec![Ok::<_, Error>(wire.slice(..cut))];
        let out = drain(MessageStream::new(futures_util::stream::iter(chunks)));
        // Four whole messages, then the error for the fifth.
        assert_eq!(out.len(), messages.len());
        for (got, want) in out.iter().zip(&messages[..messages.len() - 1]) {
            assert_eq!(got.as_ref().ok(), Some(want));
        }
        let last_len = messages.last().unwrap().encoded_len().unwrap();
        assert_eq!(
            out.last().unwrap().as_ref().err(),
            Some(&Error::UnexpectedEof {
                buffered: last_len - 3,
                total_length: Some(last_len as u32)
            })
        );
    }

    #[test]
    fn decode_error_ends_stream() {
        let (_, wire) = frames();
        let mut bad = BytesMut::from(&wire[..]);
        bad[20] ^= 1;
        let chunks = vec![Ok::<_, Error>(bad.freeze()), Ok(wire)];
        let out = drain(MessageStream::new(futures_util::stream::iter(chunks)));
        assert_eq!(out.len(), 1);
        assert!(matches!(out[0], Err(Error::MessageCrcMismatch { .. })));
    }

    #[derive(Debug, PartialEq)]
    enum TransportError {
        Io,
        Codec(Error),
    }
    impl From<Error> for TransportError {
        fn from(e: Error) -> Self {
            TransportError::Codec(e)
        }
    }

    #[test]
    fn transport_error_passes_through_and_ends_stream() {
        let (messages, wire) = frames();
        let first = messages[0].encoded_len().unwrap();
        let chunks = vec![
            Ok(wire.slice(..first + 2)),
            Err(TransportError::Io),
            Ok(wire.slice(first + 2..)),
        ];
        let out = drain(MessageStream::new(futures_util::stream::iter(chunks)));
        assert_eq!(out, vec![Ok(messages[0].clone()), Err(TransportError::Io)]);
    }

    #[test]
    fn empty_input_is_a_clean_end() {
        let chunks: Vec<Result<Bytes, Error>> = vec![Ok(Bytes::new())];
        let s = MessageStream::new(futures_util::stream::iter(chunks));
        assert_eq!(s.buffered(), 0);
        assert!(drain(s).is_empty());
    }
}
