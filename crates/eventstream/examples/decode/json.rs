//! The JSON-lines form of a message used by the `decode` example and the tests:
//! `{"headers":[{"name":..,"type":..,"value":..}],"payload":"<base64>"}`.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use eventstream::{HeaderValue, Message};
use serde_json::{Map, Value, json};

/// One message as a JSON object, keys in the documented order.
pub(crate) fn message_to_json(message: &Message) -> Value {
    let headers: Vec<Value> = message
        .headers()
        .iter()
        .map(|h| {
            let mut obj = Map::new();
            obj.insert("name".into(), Value::from(h.name().as_str()));
            obj.insert("type".into(), Value::from(h.value().type_name()));
            obj.insert("value".into(), value_to_json(h.value()));
            Value::Object(obj)
        })
        .collect();
    let mut obj = Map::new();
    obj.insert("headers".into(), Value::Array(headers));
    obj.insert(
        "payload".into(),
        Value::from(STANDARD.encode(message.payload())),
    );
    Value::Object(obj)
}

/// The `value` of one header.
pub(crate) fn value_to_json(value: &HeaderValue) -> Value {
    match value {
        HeaderValue::Bool(v) => json!(v),
        HeaderValue::Byte(v) => json!(v),
        HeaderValue::Int16(v) => json!(v),
        HeaderValue::Int32(v) => json!(v),
        HeaderValue::Int64(v) | HeaderValue::Timestamp(v) => json!(v),
        HeaderValue::ByteArray(v) => json!(STANDARD.encode(v)),
        HeaderValue::String(v) => json!(v.as_str()),
        HeaderValue::Uuid(v) => json!(v.iter().map(|b| format!("{b:02x}")).collect::<String>()),
        // `HeaderValue` is non-exhaustive; the nine types above are all of them today.
        other => json!(format!("{other:?}")),
    }
}
