//! `InvokeModel` for embedding models: deterministic vectors from a hash of the input.

use base64::Engine as _;
use serde_json::{Map, Value, json};

use crate::catalog::EmbeddingShape;
use crate::error::ApiError;
use crate::ids::{fnv1a, request_id, splitmix64};
use crate::tokens;

/// The most texts (or images, or inputs) one Cohere call accepts.
const COHERE_MAX_INPUTS: usize = 96;

/// The most tokens of text one Nova multimodal embedding accepts.
const NOVA_MAX_TEXT_TOKENS: u64 = 8192;

/// The answer to one `InvokeModel` call.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Invoked {
    /// The JSON body.
    pub(crate) body: Value,
    /// The input tokens, sent as `X-Amzn-Bedrock-Input-Token-Count`.
    pub(crate) input_tokens: u64,
}

/// A deterministic unit-scale vector for `text`: equal texts get equal vectors.
pub(crate) fn vector(text: &str, dimensions: usize, normalize: bool) -> Vec<f64> {
    vector_of(text.as_bytes(), dimensions, normalize)
}

/// A deterministic unit-scale vector for any bytes.
fn vector_of(bytes: &[u8], dimensions: usize, normalize: bool) -> Vec<f64> {
    let mut state = fnv1a(bytes);
    let mut values: Vec<f64> = (0..dimensions)
        .map(|_| {
            let bits = splitmix64(&mut state) >> 11;
            (bits as f64 / (1u64 << 53) as f64) * 2.0 - 1.0
        })
        .collect();
    if normalize {
        normalize_in_place(&mut values);
    }
    values
}

fn normalize_in_place(values: &mut [f64]) {
    let norm = values.iter().map(|v| v * v).sum::<f64>().sqrt();
    if norm > 0.0 {
        for v in values {
            *v /= norm;
        }
    }
}

/// The vector of an image: its bytes, kept apart from any text's.
fn image_vector(bytes: &[u8], dimensions: usize) -> Vec<f64> {
    let mut keyed = b"image:".to_vec();
    keyed.extend_from_slice(bytes);
    vector_of(&keyed, dimensions, true)
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
pub(crate) fn invoke(shape: EmbeddingShape, body: &Value) -> Result<Invoked, ApiError> {
    let Some(map) = body.as_object() else {
        return Err(malformed("#: expected type: JSONObject"));
    };
    match shape {
        EmbeddingShape::TitanV2 | EmbeddingShape::TitanV1 => titan(shape, map),
        EmbeddingShape::CohereV3 => cohere(map),
        EmbeddingShape::TitanImageV1 => titan_image(map),
        EmbeddingShape::NovaMultimodal => nova(map),
        EmbeddingShape::CohereV4 => cohere_v4(map),
    }
}

fn check_keys(map: &Map<String, Value>, allowed: &[&str], at: &str) -> Result<(), ApiError> {
    match map.keys().find(|k| !allowed.contains(&k.as_str())) {
        Some(key) => Err(malformed(&format!(
            "{at}: extraneous key [{key}] is not permitted"
        ))),
        None => Ok(()),
    }
}

fn decode_base64(value: &str, at: &str) -> Result<Vec<u8>, ApiError> {
    base64::engine::general_purpose::STANDARD
        .decode(value)
        .map_err(|_| malformed(&format!("{at}: invalid base64 image data")))
}

/// Amazon Titan Multimodal Embeddings G1.
fn titan_image(map: &Map<String, Value>) -> Result<Invoked, ApiError> {
    check_keys(map, &["inputText", "inputImage", "embeddingConfig"], "#")?;
    let text = match map.get("inputText") {
        None | Some(Value::Null) => None,
        Some(Value::String(t)) if t.is_empty() => {
            return Err(malformed("#/inputText: expected minLength: 1, actual: 0"));
        }
        Some(Value::String(t)) => Some(t.as_str()),
        Some(_) => {
            return Err(malformed(
                "#/inputText: expected type: String, found: other",
            ));
        }
    };
    let image = match map.get("inputImage") {
        None | Some(Value::Null) => None,
        Some(Value::String(b64)) => Some(decode_base64(b64, "#/inputImage")?),
        Some(_) => {
            return Err(malformed(
                "#/inputImage: expected type: String, found: other",
            ));
        }
    };
    let length = match map.get("embeddingConfig") {
        None | Some(Value::Null) => 1024,
        Some(Value::Object(config)) => {
            check_keys(config, &["outputEmbeddingLength"], "#/embeddingConfig")?;
            match config.get("outputEmbeddingLength") {
                None => 1024,
                Some(value) => match value.as_u64() {
                    Some(n @ (256 | 384 | 1024)) => n as usize,
                    _ => {
                        return Err(malformed(&format!(
                            "#/embeddingConfig/outputEmbeddingLength: {value} is not a valid enum value"
                        )));
                    }
                },
            }
        }
        Some(_) => {
            return Err(malformed(
                "#/embeddingConfig: expected type: JSONObject, found: other",
            ));
        }
    };
    let mut values = match (text, &image) {
        (None, None) => {
            return Err(malformed(
                "#: at least one of [inputText, inputImage] is required",
            ));
        }
        (Some(t), None) => vector(t, length, true),
        (None, Some(bytes)) => image_vector(bytes, length),
        (Some(t), Some(bytes)) => {
            // Both: the average of the text and the image vectors.
            let text_vector = vector(t, length, true);
            image_vector(bytes, length)
                .into_iter()
                .zip(text_vector)
                .map(|(a, b)| (a + b) / 2.0)
                .collect()
        }
    };
    normalize_in_place(&mut values);
    let text_tokens = text.map_or(0, tokens::text);
    Ok(Invoked {
        body: json!({
            "embedding": round(values),
            "inputTextTokenCount": text_tokens,
        }),
        input_tokens: text_tokens,
    })
}

const NOVA_PURPOSES: &[&str] = &[
    "GENERIC_INDEX",
    "GENERIC_RETRIEVAL",
    "TEXT_RETRIEVAL",
    "IMAGE_RETRIEVAL",
    "VIDEO_RETRIEVAL",
    "DOCUMENT_RETRIEVAL",
    "AUDIO_RETRIEVAL",
    "CLASSIFICATION",
    "CLUSTERING",
];

fn enum_value<'a>(
    map: &'a Map<String, Value>,
    key: &str,
    allowed: &[&str],
    at: &str,
) -> Result<Option<&'a str>, ApiError> {
    match map.get(key) {
        None => Ok(None),
        Some(Value::String(v)) if allowed.contains(&v.as_str()) => Ok(Some(v.as_str())),
        Some(other) => Err(malformed(&format!(
            "{at}/{key}: {other} is not a valid enum value"
        ))),
    }
}

/// Amazon Nova multimodal embeddings, synchronous (`SINGLE_EMBEDDING`).
fn nova(map: &Map<String, Value>) -> Result<Invoked, ApiError> {
    check_keys(
        map,
        &[
            "schemaVersion",
            "taskType",
            "singleEmbeddingParams",
            "segmentedEmbeddingParams",
        ],
        "#",
    )?;
    enum_value(map, "schemaVersion", &["nova-multimodal-embed-v1"], "#")?;
    match enum_value(
        map,
        "taskType",
        &["SINGLE_EMBEDDING", "SEGMENTED_EMBEDDING"],
        "#",
    )? {
        None => return Err(malformed("#: required key [taskType] not found")),
        Some("SEGMENTED_EMBEDDING") => {
            return Err(ApiError::validation(
                "The SEGMENTED_EMBEDDING task type is only supported by StartAsyncInvoke. Use SINGLE_EMBEDDING with InvokeModel.",
            ));
        }
        Some(_) => {}
    }
    let params = match map.get("singleEmbeddingParams") {
        Some(Value::Object(p)) => p,
        Some(_) => {
            return Err(malformed(
                "#/singleEmbeddingParams: expected type: JSONObject, found: other",
            ));
        }
        None => {
            return Err(malformed(
                "#: required key [singleEmbeddingParams] not found",
            ));
        }
    };
    let at = "#/singleEmbeddingParams";
    check_keys(
        params,
        &[
            "embeddingPurpose",
            "embeddingDimension",
            "text",
            "image",
            "audio",
            "video",
        ],
        at,
    )?;
    if enum_value(params, "embeddingPurpose", NOVA_PURPOSES, at)?.is_none() {
        return Err(malformed(&format!(
            "{at}: required key [embeddingPurpose] not found"
        )));
    }
    let dimension = match params.get("embeddingDimension") {
        None => 3072,
        Some(value) => match value.as_u64() {
            Some(d @ (256 | 384 | 1024 | 3072)) => d as usize,
            _ => {
                return Err(malformed(&format!(
                    "{at}/embeddingDimension: {value} is not a valid enum value"
                )));
            }
        },
    };
    let modalities: Vec<&str> = ["text", "image", "audio", "video"]
        .into_iter()
        .filter(|m| params.contains_key(*m))
        .collect();
    if modalities.len() != 1 {
        return Err(malformed(&format!(
            "{at}: exactly one of [text, image, audio, video] is required, found {}",
            modalities.len()
        )));
    }
    let object = |key: &str| match params.get(key) {
        Some(Value::Object(o)) => Ok(o),
        _ => Err(malformed(&format!(
            "{at}/{key}: expected type: JSONObject, found: other"
        ))),
    };
    let (kind, values, input_tokens) = match modalities[0] {
        "text" => {
            let text = object("text")?;
            let at = "#/singleEmbeddingParams/text";
            check_keys(text, &["truncationMode", "value", "source"], at)?;
            let Some(mode) = enum_value(text, "truncationMode", &["START", "END", "NONE"], at)?
            else {
                return Err(malformed(&format!(
                    "{at}: required key [truncationMode] not found"
                )));
            };
            if text.contains_key("source") {
                return Err(ApiError::validation(
                    "The emulator cannot read text from a source; send the text as value.",
                ));
            }
            let value = match text.get("value") {
                Some(Value::String(v)) if !v.is_empty() => v.as_str(),
                Some(Value::String(_)) => {
                    return Err(malformed(&format!(
                        "{at}/value: expected minLength: 1, actual: 0"
                    )));
                }
                _ => return Err(malformed(&format!("{at}: required key [value] not found"))),
            };
            let value = nova_truncate(value, mode)?;
            ("TEXT", vector(value, dimension, true), tokens::text(value))
        }
        "image" => {
            let image = object("image")?;
            let at = "#/singleEmbeddingParams/image";
            check_keys(image, &["format", "source", "detailLevel"], at)?;
            if enum_value(image, "format", &["png", "jpeg", "gif", "webp"], at)?.is_none() {
                return Err(malformed(&format!("{at}: required key [format] not found")));
            }
            enum_value(
                image,
                "detailLevel",
                &["STANDARD_IMAGE", "DOCUMENT_IMAGE"],
                at,
            )?;
            let bytes = match image.get("source") {
                Some(Value::Object(source)) => match source.get("bytes") {
                    Some(Value::String(b64)) => decode_base64(b64, &format!("{at}/source/bytes"))?,
                    _ if source.contains_key("s3Location") => {
                        return Err(ApiError::validation(
                            "The emulator cannot read S3 objects; send the image as source.bytes.",
                        ));
                    }
                    _ => {
                        return Err(malformed(&format!(
                            "{at}/source: required key [bytes] not found"
                        )));
                    }
                },
                _ => return Err(malformed(&format!("{at}: required key [source] not found"))),
            };
            ("IMAGE", image_vector(&bytes, dimension), 0)
        }
        other => {
            return Err(ApiError::validation(format!(
                "The emulator does not embed {other}; use text or image."
            )));
        }
    };
    Ok(Invoked {
        body: json!({
            "embeddings": [{"embeddingType": kind, "embedding": round(values)}],
        }),
        input_tokens,
    })
}

/// Applies Nova's `truncationMode` to text over the token limit.
fn nova_truncate<'a>(text: &'a str, mode: &str) -> Result<&'a str, ApiError> {
    if tokens::text(text) <= NOVA_MAX_TEXT_TOKENS {
        return Ok(text);
    }
    let max_bytes = (NOVA_MAX_TEXT_TOKENS * 4) as usize;
    match mode {
        "END" => {
            let mut end = max_bytes;
            while !text.is_char_boundary(end) {
                end -= 1;
            }
            Ok(&text[..end])
        }
        "START" => {
            let mut start = text.len() - max_bytes;
            while !text.is_char_boundary(start) {
                start += 1;
            }
            Ok(&text[start..])
        }
        _ => Err(ApiError::validation(format!(
            "Input text is too long: {} tokens exceed the maximum of {NOVA_MAX_TEXT_TOKENS}. Shorten it or set truncationMode to START or END.",
            tokens::text(text)
        ))),
    }
}

fn titan(shape: EmbeddingShape, map: &Map<String, Value>) -> Result<Invoked, ApiError> {
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
    Ok(Invoked {
        body: out,
        input_tokens: tokens::text(text),
    })
}

const COHERE_INPUT_TYPES: &[&str] = &[
    "search_document",
    "search_query",
    "classification",
    "clustering",
];

/// One Cohere embedding row of type `kind`, or `None` for an unknown type.
fn cohere_row(kind: &str, key: &[u8], dimensions: usize) -> Option<Value> {
    let values = vector_of(key, dimensions, true);
    Some(match kind {
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
        _ => return None,
    })
}

/// `{"float": [[...]], "int8": [[...]], ...}` for the given types.
fn cohere_by_type(kinds: &[Value], keys: &[Vec<u8>], dimensions: usize) -> Result<Value, ApiError> {
    let mut by_type = Map::new();
    for (i, kind) in kinds.iter().enumerate() {
        let name = kind.as_str().unwrap_or("");
        let rows: Vec<Value> = keys
            .iter()
            .map(|key| {
                cohere_row(name, key, dimensions).ok_or_else(|| {
                    malformed(&format!(
                        "#/embedding_types/{i}: {kind} is not a valid enum value"
                    ))
                })
            })
            .collect::<Result<_, _>>()?;
        by_type.insert(name.to_owned(), Value::Array(rows));
    }
    Ok(Value::Object(by_type))
}

fn cohere_texts(map: &Map<String, Value>, max_chars: Option<usize>) -> Result<Vec<&str>, ApiError> {
    let texts = match map.get("texts") {
        Some(Value::Array(texts)) => texts,
        Some(_) => return Err(malformed("#/texts: expected type: JSONArray, found: other")),
        None => return Err(malformed("#: required key [texts] not found")),
    };
    if texts.len() > COHERE_MAX_INPUTS {
        return Err(malformed(&format!(
            "#/texts: expected maximum item count: {COHERE_MAX_INPUTS}, found: {}",
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
    if let Some(max) = max_chars
        && texts.iter().any(|t| t.chars().count() > max)
    {
        return Err(malformed(&format!("#/texts: expected maxLength: {max}")));
    }
    Ok(texts)
}

fn cohere(map: &Map<String, Value>) -> Result<Invoked, ApiError> {
    let texts = cohere_texts(map, Some(2048))?;
    if enum_value(map, "input_type", COHERE_INPUT_TYPES, "#")?.is_none() {
        return Err(malformed("#: required key [input_type] not found"));
    }
    let id = request_id();
    let texts_json: Vec<Value> = texts.iter().map(|t| json!(t)).collect();
    let input_tokens = texts.iter().map(|t| tokens::text(t)).sum();
    let keys: Vec<Vec<u8>> = texts.iter().map(|t| t.as_bytes().to_vec()).collect();
    let body = match map.get("embedding_types") {
        None | Some(Value::Null) => json!({
            "embeddings": texts.iter().map(|t| Value::Array(round(vector(t, 1024, true)))).collect::<Vec<_>>(),
            "id": id,
            "response_type": "embeddings_floats",
            "texts": texts_json,
        }),
        Some(Value::Array(kinds)) => json!({
            "embeddings": cohere_by_type(kinds, &keys, 1024)?,
            "id": id,
            "response_type": "embeddings_by_type",
            "texts": texts_json,
        }),
        Some(_) => return Err(malformed("#/embedding_types: expected type: JSONArray")),
    };
    Ok(Invoked { body, input_tokens })
}

/// The hash key of one Cohere v4 image: a `data:image/...;base64,` URI, decoded.
fn cohere_image_key(uri: &str, at: &str) -> Result<Vec<u8>, ApiError> {
    let payload = uri
        .strip_prefix("data:image/")
        .and_then(|rest| rest.split_once(";base64,"))
        .map(|(_, data)| data)
        .ok_or_else(|| malformed(&format!("{at}: expected a data:image/...;base64, URI")))?;
    let mut key = b"image:".to_vec();
    key.extend(decode_base64(payload, at)?);
    Ok(key)
}

/// Cohere Embed v4: `texts`, `images` or interleaved `inputs`, answered by type.
fn cohere_v4(map: &Map<String, Value>) -> Result<Invoked, ApiError> {
    check_keys(
        map,
        &[
            "input_type",
            "texts",
            "images",
            "inputs",
            "embedding_types",
            "output_dimension",
            "max_tokens",
            "truncate",
        ],
        "#",
    )?;
    if enum_value(map, "input_type", COHERE_INPUT_TYPES, "#")?.is_none() {
        return Err(malformed("#: required key [input_type] not found"));
    }
    enum_value(map, "truncate", &["NONE", "LEFT", "RIGHT"], "#")?;
    let given = ["texts", "images", "inputs"]
        .into_iter()
        .filter(|k| map.contains_key(*k))
        .count();
    if given != 1 {
        return Err(malformed(
            "#: exactly one of [texts, images, inputs] is required",
        ));
    }
    let dimensions = match map.get("output_dimension") {
        None => 1536,
        Some(value) => match value.as_u64() {
            Some(d @ (256 | 512 | 1024 | 1536)) => d as usize,
            _ => {
                return Err(malformed(&format!(
                    "#/output_dimension: {value} is not a valid enum value"
                )));
            }
        },
    };
    let default_kinds = [json!("float")];
    let kinds: &[Value] = match map.get("embedding_types") {
        None | Some(Value::Null) => &default_kinds,
        Some(Value::Array(kinds)) => kinds,
        Some(_) => return Err(malformed("#/embedding_types: expected type: JSONArray")),
    };
    let mut out = Map::new();
    let (keys, input_tokens): (Vec<Vec<u8>>, u64) = if map.contains_key("texts") {
        let texts = cohere_texts(map, None)?;
        out.insert(
            "texts".into(),
            texts.iter().map(|t| json!(t)).collect::<Vec<_>>().into(),
        );
        (
            texts.iter().map(|t| t.as_bytes().to_vec()).collect(),
            texts.iter().map(|t| tokens::text(t)).sum(),
        )
    } else {
        let key = if map.contains_key("images") {
            "images"
        } else {
            "inputs"
        };
        let Some(Value::Array(items)) = map.get(key) else {
            return Err(malformed(&format!(
                "#/{key}: expected type: JSONArray, found: other"
            )));
        };
        if items.len() > COHERE_MAX_INPUTS {
            return Err(malformed(&format!(
                "#/{key}: expected maximum item count: {COHERE_MAX_INPUTS}, found: {}",
                items.len()
            )));
        }
        let mut keys = Vec::with_capacity(items.len());
        let mut input_tokens = 0u64;
        for (i, item) in items.iter().enumerate() {
            let at = format!("#/{key}/{i}");
            if key == "images" {
                let uri = item
                    .as_str()
                    .ok_or_else(|| malformed(&format!("{at}: expected type: String")))?;
                keys.push(cohere_image_key(uri, &at)?);
                continue;
            }
            let parts = item
                .get("content")
                .and_then(Value::as_array)
                .ok_or_else(|| malformed(&format!("{at}: required key [content] not found")))?;
            let mut input_key = Vec::new();
            for (j, part) in parts.iter().enumerate() {
                let at = format!("{at}/content/{j}");
                match part.get("type").and_then(Value::as_str) {
                    Some("text") => {
                        let text = part.get("text").and_then(Value::as_str).ok_or_else(|| {
                            malformed(&format!("{at}: required key [text] not found"))
                        })?;
                        input_tokens += tokens::text(text);
                        input_key.extend_from_slice(text.as_bytes());
                    }
                    Some("image_url") => {
                        let url = match part.get("image_url") {
                            Some(Value::String(url)) => Some(url.as_str()),
                            Some(Value::Object(o)) => o.get("url").and_then(Value::as_str),
                            _ => None,
                        }
                        .ok_or_else(|| {
                            malformed(&format!("{at}: required key [image_url] not found"))
                        })?;
                        input_key.extend(cohere_image_key(url, &at)?);
                    }
                    _ => {
                        return Err(malformed(&format!(
                            "{at}/type: expected one of [text, image_url]"
                        )));
                    }
                }
            }
            keys.push(input_key);
        }
        (keys, input_tokens)
    };
    out.insert(
        "embeddings".into(),
        cohere_by_type(kinds, &keys, dimensions)?,
    );
    out.insert("id".into(), json!(request_id()));
    out.insert("response_type".into(), json!("embeddings_by_type"));
    Ok(Invoked {
        body: Value::Object(out),
        input_tokens,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn titan_v2_is_deterministic_and_normalized() {
        let body = json!({"inputText": "hello world", "dimensions": 256});
        let a = invoke(EmbeddingShape::TitanV2, &body).expect("ok").body;
        let b = invoke(EmbeddingShape::TitanV2, &body).expect("ok").body;
        assert_eq!(a, b);
        let values = a["embedding"].as_array().expect("array");
        assert_eq!(values.len(), 256);
        let norm: f64 = values.iter().filter_map(Value::as_f64).map(|v| v * v).sum();
        assert!((norm - 1.0).abs() < 1e-3);
        assert_eq!(a["inputTextTokenCount"], 3);
        let other = invoke(EmbeddingShape::TitanV2, &json!({"inputText": "other"}))
            .expect("ok")
            .body;
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
        .expect("ok")
        .body;
        assert_eq!(floats["response_type"], "embeddings_floats");
        assert_eq!(floats["embeddings"].as_array().map(Vec::len), Some(2));
        assert_eq!(floats["texts"], json!(["a", "b"]));
        let by_type = invoke(EmbeddingShape::CohereV3, &json!({"texts": ["a"], "input_type": "search_query", "embedding_types": ["float", "int8"]})).expect("ok").body;
        assert_eq!(by_type["response_type"], "embeddings_by_type");
        assert_eq!(by_type["embeddings"]["float"][0], floats["embeddings"][0]);
        assert_eq!(
            by_type["embeddings"]["int8"][0].as_array().map(Vec::len),
            Some(1024)
        );
        assert!(invoke(EmbeddingShape::CohereV3, &json!({"texts": ["a"]})).is_err());
    }

    fn ok(shape: EmbeddingShape, body: Value) -> Invoked {
        invoke(shape, &body).unwrap_or_else(|e| panic!("{body}: {}", e.message))
    }

    fn bad(shape: EmbeddingShape, body: Value) -> ApiError {
        match invoke(shape, &body) {
            Ok(out) => panic!("{body} was accepted: {}", out.body),
            Err(e) => e,
        }
    }

    fn b64(bytes: &[u8]) -> String {
        base64::engine::general_purpose::STANDARD.encode(bytes)
    }

    #[test]
    fn titan_image_text_image_and_both() {
        let shape = EmbeddingShape::TitanImageV1;
        let text = ok(shape, json!({"inputText": "a red bicycle"}));
        assert_eq!(text.body["embedding"].as_array().map(Vec::len), Some(1024));
        assert_eq!(text.body["inputTextTokenCount"], 4);
        assert_eq!(text.input_tokens, 4);
        let image = ok(
            shape,
            json!({"inputImage": b64(b"png bytes"), "embeddingConfig": {"outputEmbeddingLength": 256}}),
        );
        assert_eq!(image.body["embedding"].as_array().map(Vec::len), Some(256));
        assert_eq!(image.body["inputTextTokenCount"], 0);
        let both = ok(
            shape,
            json!({"inputText": "a red bicycle", "inputImage": b64(b"png bytes")}),
        );
        assert_ne!(both.body["embedding"], text.body["embedding"]);
        for body in [
            json!({}),
            json!({"inputText": ""}),
            json!({"inputImage": "@@not base64@@"}),
            json!({"inputText": "x", "embeddingConfig": {"outputEmbeddingLength": 512}}),
            json!({"inputText": "x", "dimensions": 256}),
        ] {
            let e = bad(shape, body);
            assert_eq!(e.status.as_u16(), 400);
            assert!(
                e.message.starts_with("Malformed input request: "),
                "{}",
                e.message
            );
        }
    }

    fn nova_text(dimension: Value, mode: &str, value: &str) -> Value {
        json!({
            "schemaVersion": "nova-multimodal-embed-v1",
            "taskType": "SINGLE_EMBEDDING",
            "singleEmbeddingParams": {
                "embeddingPurpose": "GENERIC_INDEX",
                "embeddingDimension": dimension,
                "text": {"truncationMode": mode, "value": value}
            }
        })
    }

    #[test]
    fn nova_text_and_image() {
        let shape = EmbeddingShape::NovaMultimodal;
        let out = ok(shape, nova_text(json!(384), "END", "hello nova"));
        assert_eq!(out.body["embeddings"][0]["embeddingType"], "TEXT");
        assert_eq!(
            out.body["embeddings"][0]["embedding"]
                .as_array()
                .map(Vec::len),
            Some(384)
        );
        assert_eq!(out.input_tokens, 3);
        let mut default_dim = nova_text(json!(1024), "NONE", "hello nova");
        default_dim["singleEmbeddingParams"]
            .as_object_mut()
            .map(|p| p.remove("embeddingDimension"));
        let out = ok(shape, default_dim);
        assert_eq!(
            out.body["embeddings"][0]["embedding"]
                .as_array()
                .map(Vec::len),
            Some(3072)
        );
        let image = ok(
            shape,
            json!({"taskType": "SINGLE_EMBEDDING", "singleEmbeddingParams": {
                "embeddingPurpose": "IMAGE_RETRIEVAL", "embeddingDimension": 256,
                "image": {"format": "png", "source": {"bytes": b64(b"img")}}}}),
        );
        assert_eq!(image.body["embeddings"][0]["embeddingType"], "IMAGE");
        // Truncation: too long with NONE is an error; END and START embed a part.
        let long = "word ".repeat(8000);
        assert_eq!(
            bad(shape, nova_text(json!(256), "NONE", &long))
                .status
                .as_u16(),
            400
        );
        let end = ok(shape, nova_text(json!(256), "END", &long));
        let start = ok(shape, nova_text(json!(256), "START", &long));
        assert_eq!(end.input_tokens, NOVA_MAX_TEXT_TOKENS);
        assert_eq!(start.input_tokens, NOVA_MAX_TEXT_TOKENS);
        for body in [
            nova_text(json!(512), "END", "x"),
            nova_text(json!(256), "MIDDLE", "x"),
            nova_text(json!(256), "END", ""),
            json!({"taskType": "SINGLE_EMBEDDING"}),
            json!({"schemaVersion": "v2", "taskType": "SINGLE_EMBEDDING", "singleEmbeddingParams": {"embeddingPurpose": "GENERIC_INDEX", "text": {"truncationMode": "END", "value": "x"}}}),
            json!({"taskType": "SEGMENTED_EMBEDDING", "segmentedEmbeddingParams": {}}),
            json!({"taskType": "SINGLE_EMBEDDING", "singleEmbeddingParams": {"text": {"truncationMode": "END", "value": "x"}}}),
            json!({"taskType": "SINGLE_EMBEDDING", "singleEmbeddingParams": {"embeddingPurpose": "GENERIC_INDEX"}}),
            json!({"taskType": "SINGLE_EMBEDDING", "singleEmbeddingParams": {"embeddingPurpose": "GENERIC_INDEX", "text": {"value": "x"}}}),
        ] {
            assert_eq!(
                bad(shape, body.clone()).kind,
                "ValidationException",
                "{body}"
            );
        }
    }

    #[test]
    fn cohere_v4_shapes_and_limits() {
        let shape = EmbeddingShape::CohereV4;
        let out = ok(
            shape,
            json!({"texts": ["a", "bb"], "input_type": "search_document"}),
        );
        assert_eq!(out.body["response_type"], "embeddings_by_type");
        let floats = out.body["embeddings"]["float"]
            .as_array()
            .expect("float rows");
        assert_eq!(floats.len(), 2);
        assert_eq!(floats[0].as_array().map(Vec::len), Some(1536));
        assert_eq!(out.input_tokens, 2);
        let small = ok(
            shape,
            json!({"texts": ["a"], "input_type": "search_query", "output_dimension": 256, "embedding_types": ["float", "int8"]}),
        );
        assert_eq!(
            small.body["embeddings"]["float"][0]
                .as_array()
                .map(Vec::len),
            Some(256)
        );
        assert_eq!(
            small.body["embeddings"]["int8"][0].as_array().map(Vec::len),
            Some(256)
        );
        let image_uri = format!("data:image/png;base64,{}", b64(b"img"));
        let images = ok(
            shape,
            json!({"images": [image_uri], "input_type": "search_document"}),
        );
        assert_eq!(
            images.body["embeddings"]["float"].as_array().map(Vec::len),
            Some(1)
        );
        let inputs = ok(
            shape,
            json!({"inputs": [{"content": [{"type": "text", "text": "caption"}, {"type": "image_url", "image_url": image_uri}]}], "input_type": "search_document"}),
        );
        assert_eq!(
            inputs.body["embeddings"]["float"].as_array().map(Vec::len),
            Some(1)
        );
        let too_many: Vec<String> = (0..97).map(|i| format!("t{i}")).collect();
        let e = bad(
            shape,
            json!({"texts": too_many, "input_type": "search_document"}),
        );
        assert_eq!(e.kind, "ValidationException");
        assert!(
            e.message.contains("maximum item count: 96"),
            "{}",
            e.message
        );
        for body in [
            json!({"texts": ["a"]}),
            json!({"texts": ["a"], "images": [], "input_type": "clustering"}),
            json!({"texts": ["a"], "input_type": "clustering", "output_dimension": 3072}),
            json!({"texts": ["a"], "input_type": "clustering", "embedding_types": ["double"]}),
            json!({"texts": ["a"], "input_type": "clustering", "truncate": "END"}),
            json!({"images": ["https://example.com/a.png"], "input_type": "clustering"}),
        ] {
            assert_eq!(bad(shape, body.clone()).status.as_u16(), 400, "{body}");
        }
    }

    #[test]
    fn cohere_v3_caps_batches_at_96() {
        let texts: Vec<String> = (0..96).map(|i| format!("t{i}")).collect();
        let out = ok(
            EmbeddingShape::CohereV3,
            json!({"texts": texts, "input_type": "classification"}),
        );
        assert_eq!(out.body["embeddings"].as_array().map(Vec::len), Some(96));
        let texts: Vec<String> = (0..97).map(|i| format!("t{i}")).collect();
        let e = bad(
            EmbeddingShape::CohereV3,
            json!({"texts": texts, "input_type": "classification"}),
        );
        assert_eq!(e.kind, "ValidationException");
    }
}
