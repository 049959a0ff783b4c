//! `InvokeModel` for embedding models: deterministic vectors from a hash of the text.

use serde_json::{Map, Value, json};

use crate::catalog::EmbeddingShape;
use crate::error::ApiError;
use crate::ids::{fnv1a, request_id, splitmix64};
use crate::tokens;

/// A deterministic unit-scale vector for `text`: equal texts get equal vectors.
pub(crate) fn vector(text: &str, dimensions: usize, normalize: bool) -> Vec<f64> {
    let mut state = fnv1a(text.as_bytes());
    let mut values: Vec<f64> = (0..dimensions)
        .map(|_| {
            let bits = splitmix64(&mut state) >> 11;
            (bits as f64 / (1u64 << 53) as f64) * 2.0 - 1.0
        })
        .collect();
    if normalize {
        let norm = values.iter().map(|v| v * v).sum::<f64>().sqrt();
        if norm > 0.0 {
            for v in &mut values {
                *v /= norm;
            }
        }
    }
    values
}

fn round(values: Vec<f64>) -> Vec<Value> {
    values
        .into_iter()
        .map(|v| json!((v * 1e7).round() / 1e7))
        .collect()
}

fn malformed(detail: &str) -> ApiError {
    ApiError::validation(format!(
        "Malformed input request: {detail}, please reformat your input and try again."
    ))
}

/// Answers an `InvokeModel` body for an embedding model.
pub(crate) fn invoke(shape: EmbeddingShape, body: &Value) -> Result<Value, ApiError> {
    let Some(map) = body.as_object() else {
        return Err(malformed("#: expected type: JSONObject"));
    };
    match shape {
        EmbeddingShape::TitanV2 | EmbeddingShape::TitanV1 => titan(shape, map),
        EmbeddingShape::CohereV3 => cohere(map),
    }
}

fn titan(shape: EmbeddingShape, map: &Map<String, Value>) -> Result<Value, ApiError> {
    let allowed: &[&str] = match shape {
        EmbeddingShape::TitanV2 => &["inputText", "dimensions", "normalize", "embeddingTypes"],
        _ => &["inputText"],
    };
    for key in map.keys() {
        if !allowed.contains(&key.as_str()) {
            return Err(malformed(&format!(
                "extraneous key [{key}] is not permitted"
            )));
        }
    }
    let text = match map.get("inputText") {
        Some(Value::String(text)) => text,
        Some(_) => {
            return Err(malformed(
                "#/inputText: expected type: String, found: other",
            ));
        }
        None => return Err(malformed("#: required key [inputText] not found")),
    };
    if text.is_empty() {
        return Err(malformed("#/inputText: expected minLength: 1, actual: 0"));
    }
    let (dimensions, normalize) = match shape {
        EmbeddingShape::TitanV2 => {
            let dimensions = match map.get("dimensions") {
                None => 1024,
                Some(value) => match value.as_u64() {
                    Some(d @ (256 | 512 | 1024)) => d as usize,
                    _ => {
                        return Err(malformed(&format!(
                            "#/dimensions: {value} is not a valid enum value"
                        )));
                    }
                },
            };
            let normalize = match map.get("normalize") {
                None => true,
                Some(Value::Bool(b)) => *b,
                Some(_) => {
                    return Err(malformed(
                        "#/normalize: expected type: Boolean, found: other",
                    ));
                }
            };
            (dimensions, normalize)
        }
        _ => (1536, false),
    };
    let embedding = round(vector(text, dimensions, normalize));
    let mut out = json!({
        "embedding": embedding,
        "inputTextTokenCount": tokens::text(text),
    });
    if shape == EmbeddingShape::TitanV2
        && let Some(types) = map.get("embeddingTypes").and_then(Value::as_array)
    {
        let mut by_type = Map::new();
        for kind in types.iter().filter_map(Value::as_str) {
            match kind {
                "float" => {
                    by_type.insert("float".into(), out["embedding"].clone());
                }
                "binary" => {
                    let bits: Vec<Value> = vector(text, dimensions, normalize)
                        .into_iter()
                        .map(|v| json!(u8::from(v > 0.0)))
                        .collect();
                    by_type.insert("binary".into(), Value::Array(bits));
                }
                other => {
                    return Err(malformed(&format!(
                        "#/embeddingTypes: {other} is not a valid enum value"
                    )));
                }
            }
        }
        out["embeddingsByType"] = Value::Object(by_type);
    }
    Ok(out)
}

fn cohere(map: &Map<String, Value>) -> Result<Value, ApiError> {
    let texts = match map.get("texts") {
        Some(Value::Array(texts)) => texts,
        Some(_) => return Err(malformed("#/texts: expected type: JSONArray, found: other")),
        None => return Err(malformed("#: required key [texts] not found")),
    };
    if texts.len() > 96 {
        return Err(malformed(&format!(
            "#/texts: expected maximum item count: 96, found: {}",
            texts.len()
        )));
    }
    let texts: Vec<&str> = texts
        .iter()
        .map(|t| {
            t.as_str()
                .ok_or_else(|| malformed("#/texts: expected type: String"))
        })
        .collect::<Result<_, _>>()?;
    for text in &texts {
        if text.chars().count() > 2048 {
            return Err(malformed("#/texts: expected maxLength: 2048"));
        }
    }
    match map.get("input_type").and_then(Value::as_str) {
        Some("search_document" | "search_query" | "classification" | "clustering") => {}
        Some(other) => {
            return Err(malformed(&format!(
                "#/input_type: {other} is not a valid enum value"
            )));
        }
        None => return Err(malformed("#: required key [input_type] not found")),
    }
    let floats = |text: &str| round(vector(text, 1024, true));
    let id = request_id();
    let texts_json: Vec<Value> = texts.iter().map(|t| json!(t)).collect();
    match map.get("embedding_types") {
        None | Some(Value::Null) => Ok(json!({
            "embeddings": texts.iter().map(|t| Value::Array(floats(t))).collect::<Vec<_>>(),
            "id": id,
            "response_type": "embeddings_floats",
            "texts": texts_json,
        })),
        Some(Value::Array(kinds)) => {
            let mut by_type = Map::new();
            for kind in kinds {
                let kind = kind.as_str().unwrap_or("");
                let rows: Vec<Value> = texts
                    .iter()
                    .map(|text| {
                        let values = vector(text, 1024, true);
                        Ok(match kind {
                            "float" => Value::Array(round(values)),
                            "int8" => values
                                .iter()
                                .map(|v| json!((v * 127.0).round() as i64))
                                .collect(),
                            "uint8" => values
                                .iter()
                                .map(|v| json!(((v + 1.0) * 127.5).round() as i64))
                                .collect(),
                            "binary" | "ubinary" => values
                                .chunks(8)
                                .map(|chunk| {
                                    let byte = chunk
                                        .iter()
                                        .fold(0u8, |acc, v| (acc << 1) | u8::from(*v > 0.0));
                                    if kind == "binary" {
                                        json!(i64::from(byte) - 128)
                                    } else {
                                        json!(byte)
                                    }
                                })
                                .collect(),
                            other => {
                                return Err(malformed(&format!(
                                    "#/embedding_types/0: {other} is not a valid enum value"
                                )));
                            }
                        })
                    })
                    .collect::<Result<_, ApiError>>()?;
                by_type.insert(kind.to_string(), Value::Array(rows));
            }
            Ok(json!({
                "embeddings": by_type,
                "id": id,
                "response_type": "embeddings_by_type",
                "texts": texts_json,
            }))
        }
        Some(_) => Err(malformed("#/embedding_types: expected type: JSONArray")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn titan_v2_is_deterministic_and_normalized() {
        let body = json!({"inputText": "hello world", "dimensions": 256});
        let a = invoke(EmbeddingShape::TitanV2, &body).expect("ok");
        let b = invoke(EmbeddingShape::TitanV2, &body).expect("ok");
        assert_eq!(a, b);
        let values = a["embedding"].as_array().expect("array");
        assert_eq!(values.len(), 256);
        let norm: f64 = values.iter().filter_map(Value::as_f64).map(|v| v * v).sum();
        assert!((norm - 1.0).abs() < 1e-3);
        assert_eq!(a["inputTextTokenCount"], 3);
        let other = invoke(EmbeddingShape::TitanV2, &json!({"inputText": "other"})).expect("ok");
        assert_ne!(other["embedding"], a["embedding"]);
        assert_eq!(other["embedding"].as_array().map(Vec::len), Some(1024));
    }

    #[test]
    fn titan_rejects_bad_input() {
        for body in [
            json!({}),
            json!({"inputText": ""}),
            json!({"inputText": "x", "dimensions": 7}),
            json!({"inputText": "x", "bogus": 1}),
        ] {
            let error = invoke(EmbeddingShape::TitanV2, &body).expect_err("bad");
            assert!(
                error.message.starts_with("Malformed input request: "),
                "{}",
                error.message
            );
        }
    }

    #[test]
    fn cohere_shapes() {
        let floats = invoke(
            EmbeddingShape::CohereV3,
            &json!({"texts": ["a", "b"], "input_type": "search_document"}),
        )
        .expect("ok");
        assert_eq!(floats["response_type"], "embeddings_floats");
        assert_eq!(floats["embeddings"].as_array().map(Vec::len), Some(2));
        assert_eq!(floats["texts"], json!(["a", "b"]));
        let by_type = invoke(EmbeddingShape::CohereV3, &json!({"texts": ["a"], "input_type": "search_query", "embedding_types": ["float", "int8"]})).expect("ok");
        assert_eq!(by_type["response_type"], "embeddings_by_type");
        assert_eq!(by_type["embeddings"]["float"][0], floats["embeddings"][0]);
        assert_eq!(
            by_type["embeddings"]["int8"][0].as_array().map(Vec::len),
            Some(1024)
        );
        assert!(invoke(EmbeddingShape::CohereV3, &json!({"texts": ["a"]})).is_err());
    }
}
