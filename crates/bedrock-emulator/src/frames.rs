//! Bedrock's EventStream frames: events, exceptions, padding and corruption.

use bytes::Bytes;
use eventstream::Message;
use serde_json::Value;

/// The characters Bedrock pads event payloads with (the `p` member).
const PADDING: &str = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";

/// The padding for the `seq`-th event of a stream; its length varies like Bedrock's.
pub(crate) fn padding(seq: usize) -> &'static str {
    let len = 1 + (seq.wrapping_mul(7).wrapping_add(3)) % PADDING.len();
    PADDING.get(..len).unwrap_or(PADDING)
}

fn encode(message: &Message) -> Bytes {
    // Encoding only fails for oversized headers or payloads, which the emulator
    // never builds (payloads are bounded by the request limits); an empty frame
    // would be caught by the client's decoder, never silently accepted.
    message.to_bytes().unwrap_or_default()
}

/// An `event` frame: `:event-type` = `event_type`, JSON payload padded with `p`.
pub(crate) fn event(event_type: &'static str, mut payload: Value, seq: usize) -> Bytes {
    if let Value::Object(map) = &mut payload {
        map.insert("p".to_string(), Value::String(padding(seq).to_string()));
    }
    let body = serde_json::to_vec(&payload).unwrap_or_default();
    encode(
        &Message::new(body)
            .with_header(":event-type", event_type)
            .with_header(":content-type", "application/json")
            .with_header(":message-type", "event"),
    )
}

/// An `exception` frame: `:exception-type` = `name`, payload `{"message": ...}` plus extras.
pub(crate) fn exception(name: &'static str, payload: &Value) -> Bytes {
    let body = serde_json::to_vec(payload).unwrap_or_default();
    encode(
        &Message::new(body)
            .with_header(":exception-type", name)
            .with_header(":content-type", "application/json")
            .with_header(":message-type", "exception"),
    )
}

/// The frame with its message CRC (the last four bytes) altered.
pub(crate) fn corrupt_crc(frame: &Bytes) -> Bytes {
    let mut bytes = frame.to_vec();
    if let Some(last) = bytes.last_mut() {
        *last ^= 0xff;
    }
    Bytes::from(bytes)
}

/// The payload Bedrock sends with an in-stream exception of type `name`.
pub(crate) fn exception_payload(name: &str) -> Value {
    match name {
        "modelStreamErrorException" => serde_json::json!({
            "message": "Model stream error: the model returned an error while streaming the response.",
            "originalStatusCode": 500,
            "originalMessage": "Internal server error",
        }),
        "throttlingException" => serde_json::json!({
            "message": "Too many tokens, please wait before trying again."
        }),
        "validationException" => serde_json::json!({
            "message": "The model returned an invalid response while streaming. Try your request again."
        }),
        "serviceUnavailableException" => serde_json::json!({
            "message": "Bedrock is unable to process your request."
        }),
        _ => serde_json::json!({
            "message": "The system encountered an unexpected error during processing. Try your request again."
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use bytes::BytesMut;
    use eventstream::Decoder;

    fn decode(frame: &Bytes) -> Result<Option<Message>, eventstream::Error> {
        let mut buffer = BytesMut::from(frame.as_ref());
        Decoder::new().decode(&mut buffer)
    }

    #[test]
    fn event_frames_carry_bedrock_headers_and_padding() {
        let frame = event(
            "contentBlockDelta",
            serde_json::json!({"contentBlockIndex": 0, "delta": {"text": "Hi"}}),
            4,
        );
        let message = decode(&frame).expect("valid").expect("complete");
        assert_eq!(message.header_str(":message-type"), Some("event"));
        assert_eq!(message.header_str(":event-type"), Some("contentBlockDelta"));
        assert_eq!(
            message.header_str(":content-type"),
            Some("application/json")
        );
        let payload: Value = serde_json::from_slice(message.payload()).expect("json");
        assert_eq!(payload["delta"]["text"], "Hi");
        assert_eq!(payload["p"], padding(4));
    }

    #[test]
    fn exception_frames_use_exception_type() {
        let frame = exception(
            "modelStreamErrorException",
            &exception_payload("modelStreamErrorException"),
        );
        let message = decode(&frame).expect("valid").expect("complete");
        assert_eq!(message.header_str(":message-type"), Some("exception"));
        assert_eq!(
            message.header_str(":exception-type"),
            Some("modelStreamErrorException")
        );
        let payload: Value = serde_json::from_slice(message.payload()).expect("json");
        assert_eq!(payload["originalStatusCode"], 500);
    }

    #[test]
    fn corrupted_frames_fail_to_decode() {
        let frame = event("messageStart", serde_json::json!({"role": "assistant"}), 0);
        assert!(decode(&corrupt_crc(&frame)).is_err());
    }

    #[test]
    fn padding_varies_and_stays_in_range() {
        let lengths: std::collections::BTreeSet<usize> =
            (0..100).map(|i| padding(i).len()).collect();
        assert!(lengths.len() > 10);
        assert!(
            lengths
                .iter()
                .all(|&len| (1..=PADDING.len()).contains(&len))
        );
    }
}
