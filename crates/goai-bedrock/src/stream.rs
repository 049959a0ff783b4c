//! Reading a ConverseStream response: hyper body → EventStream frames →
//! converse-types events, one frame at a time.
//!
//! Each chunk from the body is appended to the reader's own buffer as it
//! arrives and dropped at once (every byte is copied exactly once), so a
//! stream that is not being read holds only its undecoded bytes, never the
//! transport's read buffer: hyper can reuse that buffer instead of allocating
//! a new one for every open stream. Decoded payloads are slices of the
//! reader's buffer, not copies. Exceptions
//! (`:message-type` = `exception`, named by `:exception-type`) and errors
//! (`error`, named by `:error-code`) become classified [`ServiceError`]s; a
//! corrupt or truncated frame ends the stream with an error, never silently.

use std::task::{Context, Poll, ready};

use bytes::BytesMut;
use converse_types::{ConverseStreamEvent, StreamFrame};
use eventstream::{Decoder, Message};
use goai_core::Error;
use hyper::body::Incoming;

use crate::error::ServiceError;
use crate::transport::{IdleTimer, Transport, poll_next_chunk};

/// A failure while reading the stream.
#[derive(Debug)]
pub(crate) enum ReadError {
    /// The service sent an exception or error frame.
    Service(ServiceError),
    /// The stream broke: transport, framing or payload.
    Broken(Error),
}

/// Pulls [`ConverseStreamEvent`]s out of a response body.
///
/// Poll-based ([`poll_next_event`](Self::poll_next_event)), so that a part
/// stream over it needs no future per event.
#[derive(Debug)]
pub(crate) struct EventReader {
    body: Incoming,
    idle: IdleTimer,
    decoder: Decoder,
    /// Bytes received and not decoded yet.
    buf: BytesMut,
    eof: bool,
    done: bool,
}

impl EventReader {
    pub(crate) fn new(body: Incoming, transport: &Transport) -> Self {
        Self {
            body,
            idle: IdleTimer::new(transport),
            decoder: Decoder::new(),
            buf: BytesMut::new(),
            eof: false,
            done: false,
        }
    }

    /// The next event; `Ok(None)` when the body ended cleanly on a frame boundary.
    /// After an error or the end, every call returns `Ok(None)`.
    pub(crate) async fn next_event(&mut self) -> Result<Option<ConverseStreamEvent>, ReadError> {
        std::future::poll_fn(|cx| self.poll_next_event(cx)).await
    }

    /// [`next_event`](Self::next_event) as a poll function.
    pub(crate) fn poll_next_event(
        &mut self,
        cx: &mut Context<'_>,
    ) -> Poll<Result<Option<ConverseStreamEvent>, ReadError>> {
        if self.done {
            return Poll::Ready(Ok(None));
        }
        let result = ready!(self.poll_read(cx));
        if !matches!(result, Ok(Some(_))) {
            self.done = true;
        }
        Poll::Ready(result)
    }

    fn poll_read(
        &mut self,
        cx: &mut Context<'_>,
    ) -> Poll<Result<Option<ConverseStreamEvent>, ReadError>> {
        loop {
            let decoded = if self.eof {
                self.decoder.decode_eof(&mut self.buf)
            } else {
                self.decoder.decode(&mut self.buf)
            };
            match decoded {
                Ok(Some(message)) => {
                    if let Some(event) = classify(&message)? {
                        return Poll::Ready(Ok(Some(event)));
                    }
                    continue;
                }
                Ok(None) if self.eof => return Poll::Ready(Ok(None)),
                Ok(None) => {}
                Err(e) => {
                    let message = if self.eof {
                        format!("event stream ended inside a frame: {e}")
                    } else {
                        format!("corrupt event stream: {e}")
                    };
                    return Poll::Ready(Err(ReadError::Broken(Error::Stream {
                        message,
                        retryable: true,
                        source: Some(std::sync::Arc::new(e)),
                    })));
                }
            }
            match ready!(poll_next_chunk(&mut self.body, &mut self.idle, cx)) {
                Ok(Some(chunk)) => self.buf.extend_from_slice(&chunk),
                Ok(None) => self.eof = true,
                Err(e) => {
                    let core: Error = e.into();
                    let broken = match core {
                        Error::Transport {
                            message,
                            retryable,
                            source,
                        } => Error::Stream {
                            message: format!("event stream interrupted: {message}"),
                            retryable,
                            source,
                        },
                        other => other,
                    };
                    return Poll::Ready(Err(ReadError::Broken(broken)));
                }
            }
        }
    }
}

/// Classifies one frame: an event (`Ok(Some)`), an ignorable frame (`Ok(None)`),
/// or a service exception/error.
fn classify(message: &Message) -> Result<Option<ConverseStreamEvent>, ReadError> {
    let payload = message.payload();
    match message.header_str(":message-type") {
        Some("event") => {
            let event_type = message.header_str(":event-type").unwrap_or_default();
            if event_type == "contentBlockDelta"
                && let Some(event) = text_delta(payload)
            {
                return Ok(Some(event));
            }
            match converse_types::parse_stream_frame("event", event_type, payload) {
                Ok(StreamFrame::Event(event)) => Ok(Some(event)),
                Ok(_) => Ok(None),
                Err(e) => Err(ReadError::Broken(Error::Stream {
                    message: format!("invalid `{event_type}` event: {e}"),
                    retryable: false,
                    source: Some(std::sync::Arc::new(e)),
                })),
            }
        }
        Some("exception") => {
            let name = message
                .header_str(":exception-type")
                .unwrap_or("unknownException");
            Err(ReadError::Service(ServiceError::from_stream_exception(
                name, payload,
            )))
        }
        Some("error") => {
            let code = message
                .header_str(":error-code")
                .unwrap_or_default()
                .to_owned();
            let mut err = ServiceError::from_stream_exception(
                if code.is_empty() {
                    "unknownError"
                } else {
                    &code
                },
                payload,
            );
            if let Some(m) = message
                .header_str(":error-message")
                .filter(|m| !m.is_empty())
            {
                m.clone_into(&mut err.message);
            }
            Err(ReadError::Service(err))
        }
        other => Err(ReadError::Broken(Error::stream(format!(
            "event stream frame with unknown :message-type {:?}",
            other.unwrap_or("(missing)")
        )))),
    }
}

/// `{"contentBlockIndex":N,"delta":{"text":"..."},...}`, the hot event, with
/// other top-level keys (such as `p`) ignored as converse-types ignores them.
#[derive(serde::Deserialize)]
struct TextDeltaEvent {
    #[serde(rename = "contentBlockIndex")]
    index: u32,
    delta: TextDelta,
}

/// A delta with the `text` member alone; anything else takes the full parse.
#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct TextDelta {
    text: String,
}

/// A text `contentBlockDelta` parsed without the general union machinery;
/// `None` for any other shape (including invalid JSON), which then goes
/// through converse-types for the same answer or error as before.
fn text_delta(payload: &[u8]) -> Option<ConverseStreamEvent> {
    let parsed: TextDeltaEvent = serde_json::from_slice(payload).ok()?;
    Some(ConverseStreamEvent::ContentBlockDelta(
        converse_types::ContentBlockDeltaEvent {
            delta: converse_types::ContentBlockDelta::Text(parsed.delta.text),
            content_block_index: parsed.index,
        },
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frame(headers: &[(&'static str, &'static str)], payload: &'static str) -> Message {
        let mut m = Message::new(payload);
        for (n, v) in headers {
            m = m.with_header(*n, *v);
        }
        m
    }

    #[test]
    fn classifies_events_exceptions_and_errors() {
        let ev = frame(
            &[
                (":message-type", "event"),
                (":event-type", "contentBlockDelta"),
            ],
            r#"{"contentBlockIndex":0,"delta":{"text":"Hi"},"p":"abc"}"#,
        );
        assert!(matches!(
            classify(&ev),
            Ok(Some(ConverseStreamEvent::ContentBlockDelta(_)))
        ));

        let ex = frame(
            &[
                (":message-type", "exception"),
                (":exception-type", "throttlingException"),
            ],
            r#"{"message":"slow"}"#,
        );
        match classify(&ex) {
            Err(ReadError::Service(e)) => {
                assert_eq!(e.kind.name(), "ThrottlingException");
                assert!(e.retryable);
                assert_eq!(e.message, "slow");
            }
            other => panic!("unexpected {other:?}"),
        }

        let er = frame(
            &[
                (":message-type", "error"),
                (":error-code", "InternalFailure"),
                (":error-message", "oops"),
            ],
            "",
        );
        match classify(&er) {
            Err(ReadError::Service(e)) => {
                assert_eq!(e.kind.name(), "InternalServerException");
                assert_eq!(e.message, "oops");
            }
            other => panic!("unexpected {other:?}"),
        }

        let bad = frame(
            &[
                (":message-type", "event"),
                (":event-type", "contentBlockDelta"),
            ],
            "not json",
        );
        assert!(matches!(classify(&bad), Err(ReadError::Broken(_))));
        let unknown = frame(&[(":message-type", "weird")], "{}");
        assert!(matches!(classify(&unknown), Err(ReadError::Broken(_))));
    }

    /// Decodes `chunks` the way the reader does; the messages, or the error.
    fn decode_chunks(chunks: &[&[u8]]) -> Result<Vec<Message>, eventstream::Error> {
        let (mut decoder, mut buf, mut out) = (Decoder::new(), BytesMut::new(), Vec::new());
        for chunk in chunks {
            buf.extend_from_slice(chunk);
            while let Some(m) = decoder.decode(&mut buf)? {
                out.push(m);
            }
        }
        while let Some(m) = decoder.decode_eof(&mut buf)? {
            out.push(m);
        }
        Ok(out)
    }

    /// Frames come out the same however the body is chunked; a truncated or
    /// corrupt stream is still an error.
    #[test]
    fn frames_are_the_same_however_the_body_is_chunked() {
        let frames: Vec<Message> = (0..4)
            .map(|i| frame(&[(":message-type", "event")], ["a", "bb", "", "dddd"][i]))
            .collect();
        let mut wire = Vec::new();
        for f in &frames {
            wire.extend_from_slice(&f.to_bytes().expect("encodes"));
        }
        assert_eq!(decode_chunks(&[&wire]).expect("decodes"), frames);
        for a in 0..wire.len() {
            for b in a..wire.len() {
                let got = decode_chunks(&[&wire[..a], &wire[a..b], &wire[b..]]).expect("decodes");
                assert_eq!(got, frames, "split at {a}, {b}");
            }
            assert!(decode_chunks(&[&wire[..a]]).is_err() || a == 0 || is_boundary(&wire, a));
        }
        let mut corrupt = wire.clone();
        corrupt[20] ^= 1;
        assert!(decode_chunks(&[&corrupt]).is_err());
        assert!(decode_chunks(&[&[0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 9]]).is_err());
    }

    fn is_boundary(wire: &[u8], at: usize) -> bool {
        let mut pos = 0;
        while pos < at {
            pos += u32::from_be_bytes([wire[pos], wire[pos + 1], wire[pos + 2], wire[pos + 3]])
                as usize;
        }
        pos == at
    }

    /// The text-delta fast path agrees with converse-types on every shape.
    #[test]
    fn text_delta_fast_path_matches_the_full_parse() {
        let payloads = [
            r#"{"contentBlockIndex":0,"delta":{"text":"Hi"},"p":"abc"}"#,
            r#"{"p":"x","delta":{"text":"a\"b\\c\n\u00e9\ud83d\ude00"},"contentBlockIndex":7}"#,
            r#"{"contentBlockIndex":1,"delta":{"text":""}}"#,
            r#"{"contentBlockIndex":1,"delta":{"te\u0078t":"esc key"}}"#,
            r#"{"contentBlockIndex":1,"delta":{"text":null}}"#,
            r#"{"contentBlockIndex":1,"delta":{"text":"a","citation":{"title":"t"}}}"#,
            r#"{"contentBlockIndex":1,"delta":{"toolUse":{"input":"{}"}}}"#,
            r#"{"contentBlockIndex":1,"delta":{"text":"a","p":"b"}}"#,
            r#"{"contentBlockIndex":1,"contentBlockIndex":2,"delta":{"text":"a"}}"#,
            r#"{"contentBlockIndex":-1,"delta":{"text":"a"}}"#,
            r#"{"delta":{"text":"a"}}"#,
            r#"{"contentBlockIndex":1,"delta":{"text":"a"}} trailing"#,
            "  ",
            "not json",
        ];
        for p in payloads {
            let full =
                converse_types::parse_stream_frame("event", "contentBlockDelta", p.as_bytes())
                    .ok()
                    .and_then(|f| match f {
                        StreamFrame::Event(e) => Some(e),
                        _ => None,
                    });
            if let Some(fast) = text_delta(p.as_bytes()) {
                assert_eq!(Some(fast), full, "{p}");
            }
            let ev = frame(
                &[
                    (":message-type", "event"),
                    (":event-type", "contentBlockDelta"),
                ],
                p,
            );
            match classify(&ev) {
                Ok(Some(e)) => assert_eq!(Some(e), full, "{p}"),
                Ok(None) => panic!("{p}: dropped"),
                Err(_) => assert_eq!(full, None, "{p}"),
            }
        }
        assert!(text_delta(payloads[0].as_bytes()).is_some());
        assert!(text_delta(payloads[1].as_bytes()).is_some());
    }
}
