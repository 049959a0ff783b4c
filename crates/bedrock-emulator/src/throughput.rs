//! The throughput mode: `N` text deltas of `M` bytes, as fast as the server can.
//!
//! Select it with the model id `emulator.throughput`. The shape comes from the
//! `x-emulator-throughput: N:M` header, else from
//! `additionalModelRequestFields.emulatorThroughput = {"deltas": N, "deltaBytes": M}`,
//! else defaults to 100 deltas of 16 bytes.

use bytes::{Bytes, BytesMut};
use serde_json::Value;

use crate::error::ApiError;
use crate::frames;

/// Default number of deltas.
pub(crate) const DEFAULT_DELTAS: u64 = 100;
/// Default bytes per delta.
pub(crate) const DEFAULT_DELTA_BYTES: usize = 16;
const MAX_DELTAS: u64 = 100_000_000;
const MAX_DELTA_BYTES: usize = 1 << 20;
const MAX_TOTAL_BYTES: u64 = 1 << 32;
/// Largest non-streaming (`converse`) throughput answer.
pub(crate) const MAX_CONVERSE_BYTES: u64 = 64 << 20;
/// Target size of one network chunk when frames are batched.
const BATCH_BYTES: usize = 16 * 1024;

/// The shape of a throughput response.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Shape {
    pub(crate) deltas: u64,
    pub(crate) delta_bytes: usize,
}

fn invalid(detail: &str) -> ApiError {
    ApiError::validation(format!(
        "Invalid throughput shape: {detail}. Use N:M with 1 <= N <= {MAX_DELTAS}, 1 <= M <= {MAX_DELTA_BYTES} and N*M <= {MAX_TOTAL_BYTES}."
    ))
}

/// Reads the shape from the header value or the request's additional fields.
pub(crate) fn shape(header: Option<&str>, additional: Option<&Value>) -> Result<Shape, ApiError> {
    let (deltas, delta_bytes) = if let Some(header) = header {
        let (n, m) = header
            .trim()
            .split_once(':')
            .ok_or_else(|| invalid("expected N:M"))?;
        let n: u64 = n.trim().parse().map_err(|_| invalid("N is not a number"))?;
        let m: usize = m.trim().parse().map_err(|_| invalid("M is not a number"))?;
        (n, m)
    } else if let Some(fields) = additional.and_then(|a| a.get("emulatorThroughput")) {
        let n = match fields.get("deltas") {
            None => DEFAULT_DELTAS,
            Some(v) => v
                .as_u64()
                .ok_or_else(|| invalid("deltas is not a number"))?,
        };
        let m = match fields.get("deltaBytes") {
            None => DEFAULT_DELTA_BYTES,
            Some(v) => v
                .as_u64()
                .and_then(|m| usize::try_from(m).ok())
                .ok_or_else(|| invalid("deltaBytes is not a number"))?,
        };
        (n, m)
    } else {
        (DEFAULT_DELTAS, DEFAULT_DELTA_BYTES)
    };
    if deltas == 0 || deltas > MAX_DELTAS {
        return Err(invalid("N is out of range"));
    }
    if delta_bytes == 0 || delta_bytes > MAX_DELTA_BYTES {
        return Err(invalid("M is out of range"));
    }
    if deltas.saturating_mul(delta_bytes as u64) > MAX_TOTAL_BYTES {
        return Err(invalid("N*M is too large"));
    }
    Ok(Shape {
        deltas,
        delta_bytes,
    })
}

/// The text of one delta: `M` bytes of ASCII letters.
pub(crate) fn delta_text(delta_bytes: usize) -> String {
    const LETTERS: &[u8] = b"abcdefghijklmnopqrstuvwxyz";
    (0..delta_bytes)
        .map(|i| char::from(LETTERS.get(i % LETTERS.len()).copied().unwrap_or(b'a')))
        .collect()
}

/// The one `contentBlockDelta` frame every delta repeats.
pub(crate) fn delta_frame(shape: Shape) -> Bytes {
    frames::event(
        "contentBlockDelta",
        serde_json::json!({"contentBlockIndex": 0, "delta": {"text": delta_text(shape.delta_bytes)}}),
        1,
    )
}

/// `frame` repeated into chunks of about 16 KiB: `(chunk, times, remainder frames)`.
pub(crate) fn batch(frame: &Bytes, count: u64) -> (Bytes, u64, u64) {
    let per_chunk = (BATCH_BYTES / frame.len().max(1)).max(1) as u64;
    let per_chunk = per_chunk.min(count.max(1));
    let mut chunk = BytesMut::with_capacity(frame.len() * per_chunk as usize);
    for _ in 0..per_chunk {
        chunk.extend_from_slice(frame);
    }
    (chunk.freeze(), count / per_chunk, count % per_chunk)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shape_from_header_fields_or_defaults() {
        assert_eq!(
            shape(Some("1000:64"), None),
            Ok(Shape {
                deltas: 1000,
                delta_bytes: 64
            })
        );
        let fields = serde_json::json!({"emulatorThroughput": {"deltas": 5, "deltaBytes": 3}});
        assert_eq!(
            shape(None, Some(&fields)),
            Ok(Shape {
                deltas: 5,
                delta_bytes: 3
            })
        );
        assert_eq!(
            shape(None, None),
            Ok(Shape {
                deltas: DEFAULT_DELTAS,
                delta_bytes: DEFAULT_DELTA_BYTES
            })
        );
        for bad in ["0:1", "1:0", "x:1", "10", "100000000:1048576"] {
            assert!(shape(Some(bad), None).is_err(), "{bad}");
        }
    }

    #[test]
    fn batches_cover_every_frame() {
        let frame = delta_frame(Shape {
            deltas: 1000,
            delta_bytes: 10,
        });
        let (chunk, times, rest) = batch(&frame, 1000);
        let per_chunk = chunk.len() / frame.len();
        assert_eq!(times * per_chunk as u64 + rest, 1000);
        assert_eq!(delta_text(30).len(), 30);
    }
}
