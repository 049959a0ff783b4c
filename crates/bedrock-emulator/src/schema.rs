//! Builds a value that satisfies a JSON schema (for tool inputs and structured output).

use serde_json::{Map, Value, json};

/// Deepest nesting followed before giving up with `null`.
const MAX_DEPTH: usize = 16;
/// Most values built for one schema (bounds nested arrays and recursive refs).
const MAX_NODES: usize = 10_000;

/// A deterministic value that satisfies the common subset of JSON Schema:
/// `type`, `properties`, `required`, `items`, `minItems`, `enum`, `const`,
/// `default`, `examples`, `format`, `minimum`, `anyOf`/`oneOf`/`allOf` and local
/// `$ref`s (`#/$defs/...`, `#/definitions/...`).
pub(crate) fn example(schema: &Value) -> Value {
    let mut budget = MAX_NODES;
    build(schema, schema, MAX_DEPTH, None, &mut budget)
}

fn resolve_ref<'a>(root: &'a Value, reference: &str) -> Option<&'a Value> {
    let path = reference.strip_prefix("#")?;
    if path.is_empty() {
        return Some(root);
    }
    root.pointer(path)
}

fn build(
    root: &Value,
    schema: &Value,
    depth: usize,
    name: Option<&str>,
    budget: &mut usize,
) -> Value {
    if depth == 0 || *budget == 0 {
        return Value::Null;
    }
    *budget -= 1;
    let Some(map) = schema.as_object() else {
        // `true` or an empty schema accept anything.
        return Value::String("example".to_string());
    };
    if let Some(reference) = map.get("$ref").and_then(Value::as_str) {
        return match resolve_ref(root, reference) {
            Some(target) => build(root, target, depth - 1, name, budget),
            None => Value::Null,
        };
    }
    if let Some(value) = map.get("const") {
        return value.clone();
    }
    if let Some(first) = map
        .get("enum")
        .and_then(Value::as_array)
        .and_then(|v| v.first())
    {
        return first.clone();
    }
    if let Some(value) = map.get("default") {
        return value.clone();
    }
    if let Some(first) = map
        .get("examples")
        .and_then(Value::as_array)
        .and_then(|v| v.first())
    {
        return first.clone();
    }
    for key in ["anyOf", "oneOf"] {
        if let Some(options) = map.get(key).and_then(Value::as_array) {
            let choice = options
                .iter()
                .find(|o| o.get("type").and_then(Value::as_str) != Some("null"))
                .or_else(|| options.first());
            if let Some(choice) = choice {
                return build(root, choice, depth - 1, name, budget);
            }
        }
    }
    if let Some(parts) = map.get("allOf").and_then(Value::as_array) {
        let mut merged = Map::new();
        for part in parts {
            if let Value::Object(obj) = build(root, part, depth - 1, name, budget) {
                merged.extend(obj);
            }
        }
        return Value::Object(merged);
    }
    let ty = match map.get("type") {
        Some(Value::String(t)) => t.as_str(),
        Some(Value::Array(types)) => types
            .iter()
            .filter_map(Value::as_str)
            .find(|t| *t != "null")
            .unwrap_or("null"),
        _ if map.contains_key("properties") => "object",
        _ if map.contains_key("items") => "array",
        _ => "string",
    };
    match ty {
        "object" => {
            let mut object = Map::new();
            if let Some(properties) = map.get("properties").and_then(Value::as_object) {
                for (key, property) in properties {
                    object.insert(
                        key.clone(),
                        build(root, property, depth - 1, Some(key), budget),
                    );
                }
            }
            Value::Object(object)
        }
        "array" => {
            let count = map
                .get("minItems")
                .and_then(Value::as_u64)
                .unwrap_or(1)
                .clamp(1, 8);
            let item = map.get("items").cloned().unwrap_or(Value::Bool(true));
            Value::Array(
                (0..count)
                    .map(|_| build(root, &item, depth - 1, name, budget))
                    .collect(),
            )
        }
        "integer" => {
            let min = map.get("minimum").and_then(Value::as_i64).unwrap_or(1);
            json!(
                min.max(
                    map.get("exclusiveMinimum")
                        .and_then(Value::as_i64)
                        .map_or(i64::MIN, |m| m.saturating_add(1))
                )
            )
        }
        "number" => {
            let min = map.get("minimum").and_then(Value::as_f64).unwrap_or(1.5);
            json!(min)
        }
        "boolean" => Value::Bool(true),
        "null" => Value::Null,
        _ => Value::String(string_for(map, name)),
    }
}

fn string_for(map: &Map<String, Value>, name: Option<&str>) -> String {
    match map.get("format").and_then(Value::as_str) {
        Some("date") => return "2024-01-01".to_string(),
        Some("date-time") => return "2024-01-01T00:00:00Z".to_string(),
        Some("time") => return "00:00:00".to_string(),
        Some("email") => return "user@example.com".to_string(),
        Some("uri" | "url") => return "https://example.com".to_string(),
        Some("uuid") => return "00000000-0000-4000-8000-000000000000".to_string(),
        _ => {}
    }
    let base = match name {
        Some(name) => format!("example {name}"),
        None => "example".to_string(),
    };
    let min = map.get("minLength").and_then(Value::as_u64).unwrap_or(0) as usize;
    let max = map
        .get("maxLength")
        .and_then(Value::as_u64)
        .map(|m| m as usize);
    let mut text = base;
    while text.len() < min.min(4096) {
        text.push('x');
    }
    if let Some(max) = max {
        text.truncate(max);
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builds_objects_with_every_property() {
        let schema = json!({
            "type": "object",
            "properties": {
                "city": {"type": "string"},
                "unit": {"type": "string", "enum": ["celsius", "fahrenheit"]},
                "days": {"type": "integer", "minimum": 3},
                "tags": {"type": "array", "items": {"type": "string"}, "minItems": 2},
                "when": {"type": "string", "format": "date"},
                "ok": {"type": ["boolean", "null"]}
            },
            "required": ["city"]
        });
        let value = example(&schema);
        assert_eq!(value["city"], "example city");
        assert_eq!(value["unit"], "celsius");
        assert_eq!(value["days"], 3);
        assert_eq!(value["tags"].as_array().map(Vec::len), Some(2));
        assert_eq!(value["when"], "2024-01-01");
        assert_eq!(value["ok"], true);
    }

    #[test]
    fn follows_local_refs_and_stops_on_cycles() {
        let schema = json!({
            "$defs": {"node": {"type": "object", "properties": {"next": {"$ref": "#/$defs/node"}}}},
            "$ref": "#/$defs/node"
        });
        let value = example(&schema);
        assert!(value.is_object());
        assert!(example(&json!({"$ref": "#/nowhere"})).is_null());
    }

    #[test]
    fn nested_arrays_stay_bounded() {
        let mut schema = json!({"type": "string"});
        for _ in 0..20 {
            schema = json!({"type": "array", "minItems": 8, "items": schema});
        }
        let text = example(&schema).to_string();
        assert!(text.len() < 1_000_000, "{} bytes", text.len());
    }
}
