//! The emulator's tokenizer: a fixed, documented estimate, the same everywhere.
//!
//! Text costs one token per started group of four bytes; an image costs
//! `85 + bytes / 750`; a document or JSON value costs as much as its text.
//! Every message adds 3 tokens, every tool definition its serialized size.

use serde_json::Value;

/// Tokens of a piece of text: one per started group of four bytes.
pub(crate) fn text(text: &str) -> u64 {
    (text.len() as u64).div_ceil(4)
}

/// Tokens of a JSON value (its compact serialization).
pub(crate) fn json(value: &Value) -> u64 {
    match value {
        Value::String(s) => text(s),
        other => text(&other.to_string()),
    }
}

/// Tokens of one content block (message, system or tool-result content).
pub(crate) fn block(block: &Value) -> u64 {
    let Some(map) = block.as_object() else {
        return 0;
    };
    let mut total = 0u64;
    for (key, value) in map {
        total += match key.as_str() {
            "text" => value.as_str().map(text).unwrap_or(0),
            "image" => image(value),
            "document" => document(value),
            "toolUse" => {
                let name = value.get("name").and_then(Value::as_str).unwrap_or("");
                text(name) + value.get("input").map(json).unwrap_or(0)
            }
            "toolResult" => value
                .get("content")
                .and_then(Value::as_array)
                .map(|blocks| blocks.iter().map(tool_result_block).sum())
                .unwrap_or(0),
            "reasoningContent" => value
                .get("reasoningText")
                .and_then(|r| r.get("text"))
                .and_then(Value::as_str)
                .map(text)
                .unwrap_or(0),
            "cachePoint" => 0,
            _ => json(value),
        };
    }
    total
}

fn tool_result_block(block: &Value) -> u64 {
    let Some(map) = block.as_object() else {
        return 0;
    };
    map.iter()
        .map(|(key, value)| match key.as_str() {
            "text" => value.as_str().map(text).unwrap_or(0),
            "json" => json(value),
            "image" => image(value),
            "document" => document(value),
            _ => json(value),
        })
        .sum()
}

fn image(image: &Value) -> u64 {
    let bytes = image
        .get("source")
        .and_then(|s| s.get("bytes"))
        .and_then(Value::as_str)
        .map(|b64| b64.len() as u64 * 3 / 4)
        .unwrap_or(0);
    85 + bytes / 750
}

fn document(document: &Value) -> u64 {
    let Some(source) = document.get("source") else {
        return 0;
    };
    if let Some(text_source) = source.get("text").and_then(Value::as_str) {
        return text(text_source);
    }
    if let Some(bytes) = source.get("bytes").and_then(Value::as_str) {
        return (bytes.len() as u64 * 3 / 4).div_ceil(4);
    }
    if let Some(blocks) = source.get("content").and_then(Value::as_array) {
        return blocks.iter().map(block).sum();
    }
    0
}

/// Tokens per message, for the role markers.
pub(crate) const PER_MESSAGE: u64 = 3;

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn text_costs_a_token_per_four_bytes() {
        assert_eq!(text(""), 0);
        assert_eq!(text("a"), 1);
        assert_eq!(text("abcd"), 1);
        assert_eq!(text("abcde"), 2);
    }

    #[test]
    fn blocks_add_their_parts() {
        assert_eq!(block(&json!({"text": "abcdefgh"})), 2);
        assert_eq!(block(&json!({"cachePoint": {"type": "default"}})), 0);
        assert_eq!(
            block(
                &json!({"toolResult": {"toolUseId": "t", "content": [{"text": "abcd"}, {"json": {"a": 1}}]}})
            ),
            1 + 2
        );
        assert_eq!(
            block(&json!({"image": {"format": "png", "source": {"bytes": "AAAA"}}})),
            85
        );
    }
}
