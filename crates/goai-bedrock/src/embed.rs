//! [`BedrockEmbeddingModel`]: goai-core's [`EmbeddingModel`] over InvokeModel
//! (`POST /model/{id}/invoke`).
//!
//! # Families
//!
//! The request and response shapes depend on the model, recognized from its id
//! (after a cross-region prefix such as `us.` or an ARN's resource part):
//!
//! | family | ids | values per call | options |
//! |---|---|---|---|
//! | [`TitanTextV1`](EmbeddingFamily::TitanTextV1) | `amazon.titan-embed-text-v1` | 1 | none (1536 dimensions) |
//! | [`TitanTextV2`](EmbeddingFamily::TitanTextV2) | `amazon.titan-embed-text-v2:0` | 1 | `dimensions` (256, 512, 1024), `normalize`, `embeddingTypes` (`float`, `binary`) |
//! | [`TitanImageV1`](EmbeddingFamily::TitanImageV1) | `amazon.titan-embed-image-v1` | 1 | `dimensions` (256, 384, 1024); text or image values |
//! | [`NovaMultimodal`](EmbeddingFamily::NovaMultimodal) | `amazon.nova-2-multimodal-embeddings-v1:0` | 1 | `dimensions` (256, 384, 1024, 3072), `purpose` (default `GENERIC_INDEX`), `truncation` (`START`, `END` (default), `NONE`); text or image values |
//! | [`CohereV3`](EmbeddingFamily::CohereV3) | `cohere.embed-english-v3`, `cohere.embed-multilingual-v3` | 96 | `inputType` (default `search_document`), `truncation` (`NONE`, `START`, `END`), `embeddingTypes` |
//! | [`CohereV4`](EmbeddingFamily::CohereV4) | `cohere.embed-v4:0` | 96 | `dimensions` (256, 512, 1024, 1536), `inputType`, `truncation` (`NONE`, `LEFT`, `RIGHT`), `embeddingTypes`; text and image values |
//!
//! Titan and Nova embed one value per call; goai-core's
//! [`embed_many`](goai_core::embed_many) splits larger requests and runs the
//! calls in parallel. Cohere takes up to 96 values per call.
//!
//! # Options
//!
//! Set them on the model ([`BedrockEmbeddingModel::with_dimensions`] and the
//! other `with_*` methods) or per request under the `bedrock` provider option,
//! in camelCase; per-request values win:
//!
//! ```json
//! {"bedrock": {"dimensions": 256, "normalize": true, "embeddingTypes": ["float"],
//!              "inputType": "search_query", "purpose": "GENERIC_RETRIEVAL",
//!              "truncation": "END"}}
//! ```
//!
//! `dimensions` is also taken from [`EmbeddingRequest::dimensions`] (the
//! provider option wins). Asking a fixed-size model (Titan text v1, Cohere v3)
//! for another size is an error; the other options are ignored by families
//! that do not have them. Values are sent as given, so Bedrock validates them.
//!
//! # Results
//!
//! Each value's `float` embedding is returned. When `embeddingTypes` leaves out
//! `float`, the first requested type is returned as `f32` values. Every type
//! Bedrock answered is also kept in the provider metadata,
//! `{"bedrock": {"requestId": ..., "embeddingsByType": [{"float": [...], "int8": [...]}, ...]}}`
//! (one object per value). Usage is the response's `inputTextTokenCount`, else
//! the `X-Amzn-Bedrock-Input-Token-Count` header, when present.

use std::fmt;

use base64::Engine as _;
use bytes::Bytes;
use goai_core::{
    BoxFuture, DataSource, EmbeddingInput, EmbeddingModel, EmbeddingRequest, EmbeddingResponse,
    Error,
};
use serde_json::{Map, Value, json};

use crate::call::{AttemptError, Operation, Target, invocation_id, to_headers};
use crate::client::Bedrock;
use crate::routing;

/// Largest InvokeModel response body accepted (64 MiB).
const MAX_RESPONSE_BODY: usize = 64 << 20;

/// The most values one Cohere call accepts.
const COHERE_MAX_VALUES: usize = 96;

/// An embedding model family: decides the request and response shapes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum EmbeddingFamily {
    /// Amazon Titan Text Embeddings v1 (`amazon.titan-embed-text-v1`).
    TitanTextV1,
    /// Amazon Titan Text Embeddings v2 (`amazon.titan-embed-text-v2:0`).
    TitanTextV2,
    /// Amazon Titan Multimodal Embeddings G1 (`amazon.titan-embed-image-v1`).
    TitanImageV1,
    /// Amazon Nova multimodal embeddings (`amazon.nova-2-multimodal-embeddings-v1:0`).
    NovaMultimodal,
    /// Cohere Embed v3 (`cohere.embed-english-v3`, `cohere.embed-multilingual-v3`).
    CohereV3,
    /// Cohere Embed v4 (`cohere.embed-v4:0`).
    CohereV4,
}

impl EmbeddingFamily {
    /// The family of `model_id`, looking past a cross-region prefix (`us.`,
    /// `global.`, ...) and an ARN's resource type; `None` when unknown.
    pub fn from_model_id(model_id: &str) -> Option<Self> {
        let id = model_id.rsplit('/').next().unwrap_or(model_id);
        let id = routing::GEOS
            .iter()
            .find_map(|g| id.strip_prefix(g.prefix))
            .unwrap_or(id)
            .to_ascii_lowercase();
        if id.starts_with("amazon.titan-embed-text-v1") {
            Some(Self::TitanTextV1)
        } else if id.starts_with("amazon.titan-embed-text-v2") {
            Some(Self::TitanTextV2)
        } else if id.starts_with("amazon.titan-embed-image-v1") {
            Some(Self::TitanImageV1)
        } else if id.starts_with("amazon.nova") && id.contains("embed") {
            Some(Self::NovaMultimodal)
        } else if id.starts_with("cohere.embed-v4") {
            Some(Self::CohereV4)
        } else if id.starts_with("cohere.embed-") {
            Some(Self::CohereV3)
        } else {
            None
        }
    }

    /// The most values one call accepts: 96 for Cohere, else 1.
    pub fn max_values_per_call(self) -> usize {
        match self {
            Self::CohereV3 | Self::CohereV4 => COHERE_MAX_VALUES,
            _ => 1,
        }
    }

    fn name(self) -> &'static str {
        match self {
            Self::TitanTextV1 => "Titan text v1",
            Self::TitanTextV2 => "Titan text v2",
            Self::TitanImageV1 => "Titan multimodal v1",
            Self::NovaMultimodal => "Nova multimodal",
            Self::CohereV3 => "Cohere v3",
            Self::CohereV4 => "Cohere v4",
        }
    }
}

/// Embedding options, set on the model or per request (see the [module docs](self)).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct EmbeddingOptions {
    /// Output dimensions (`dimensions`, `outputEmbeddingLength`,
    /// `embeddingDimension` or `output_dimension` on the wire).
    pub dimensions: Option<u32>,
    /// Titan text v2: normalize the vector.
    pub normalize: Option<bool>,
    /// Titan text v2 `embeddingTypes`, Cohere `embedding_types`.
    pub embedding_types: Vec<String>,
    /// Cohere `input_type`. Default `search_document`.
    pub input_type: Option<String>,
    /// Nova `embeddingPurpose`. Default `GENERIC_INDEX`.
    pub purpose: Option<String>,
    /// Nova `truncationMode` (default `END`), Cohere `truncate`.
    pub truncation: Option<String>,
}

impl EmbeddingOptions {
    /// Overrides these options with the `bedrock` provider options of `request`.
    fn merged(&self, request: &EmbeddingRequest) -> Result<Self, Error> {
        let mut out = self.clone();
        if let Some(d) = request.dimensions {
            out.dimensions = Some(d);
        }
        let Some(options) = request.provider_options.get("bedrock") else {
            return Ok(out);
        };
        let options = match options {
            Value::Null => return Ok(out),
            Value::Object(o) => o,
            _ => {
                return Err(Error::invalid_request(
                    "the `bedrock` provider option must be an object",
                ));
            }
        };
        let wrong = |key: &str, what: &str| {
            Error::invalid_request(format!("bedrock provider option `{key}` must be {what}"))
        };
        for (key, value) in options {
            if value.is_null() {
                continue;
            }
            match key.as_str() {
                "dimensions" => {
                    let n = value
                        .as_u64()
                        .and_then(|n| u32::try_from(n).ok())
                        .ok_or_else(|| wrong(key, "a positive integer"))?;
                    out.dimensions = Some(n);
                }
                "normalize" => {
                    out.normalize = Some(value.as_bool().ok_or_else(|| wrong(key, "a boolean"))?);
                }
                "embeddingTypes" => {
                    out.embedding_types = value
                        .as_array()
                        .and_then(|a| {
                            a.iter()
                                .map(|v| v.as_str().map(str::to_owned))
                                .collect::<Option<Vec<_>>>()
                        })
                        .ok_or_else(|| wrong(key, "an array of strings"))?;
                }
                "inputType" | "purpose" | "truncation" => {
                    let s = value
                        .as_str()
                        .ok_or_else(|| wrong(key, "a string"))?
                        .to_owned();
                    match key.as_str() {
                        "inputType" => out.input_type = Some(s),
                        "purpose" => out.purpose = Some(s),
                        _ => out.truncation = Some(s),
                    }
                }
                _ => {}
            }
        }
        Ok(out)
    }
}

/// A Bedrock embedding model: implements goai-core's [`EmbeddingModel`].
///
/// Created by [`Bedrock::embedding`]. Cheap to clone; shares the provider's
/// connection pool, credentials and retry policy.
///
/// # Examples
///
/// ```no_run
/// # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
/// use goai_core::{EmbedRequest, embed_many};
/// let bedrock = goai_bedrock::Bedrock::from_env()?;
/// let model = bedrock.embedding("amazon.titan-embed-text-v2:0").with_dimensions(256);
/// let out = embed_many(&model, EmbedRequest::new(["a", "b"])).await?;
/// assert_eq!(out.embeddings[0].len(), 256);
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct BedrockEmbeddingModel {
    client: Bedrock,
    model_id: String,
    family: Option<EmbeddingFamily>,
    options: EmbeddingOptions,
}

impl fmt::Debug for BedrockEmbeddingModel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BedrockEmbeddingModel")
            .field("model_id", &self.model_id)
            .field("family", &self.family)
            .field("region", &self.client.region())
            .field("options", &self.options)
            .finish()
    }
}

impl BedrockEmbeddingModel {
    pub(crate) fn new(client: Bedrock, model_id: String) -> Self {
        let family = EmbeddingFamily::from_model_id(&model_id);
        Self {
            client,
            model_id,
            family,
            options: EmbeddingOptions::default(),
        }
    }

    /// The family, recognized from the model id or set with [`with_family`](Self::with_family).
    pub fn family(&self) -> Option<EmbeddingFamily> {
        self.family
    }

    /// The model-level options.
    pub fn options(&self) -> &EmbeddingOptions {
        &self.options
    }

    /// Sets the family, for ids it cannot be recognized from (a provisioned
    /// throughput or application inference profile ARN). Default is the recognized one.
    #[must_use]
    pub fn with_family(mut self, family: EmbeddingFamily) -> Self {
        self.family = Some(family);
        self
    }

    /// Output dimensions. Default is the model's.
    #[must_use]
    pub fn with_dimensions(mut self, dimensions: u32) -> Self {
        self.options.dimensions = Some(dimensions);
        self
    }

    /// Titan text v2 `normalize`. Default is Bedrock's (true).
    #[must_use]
    pub fn with_normalize(mut self, normalize: bool) -> Self {
        self.options.normalize = Some(normalize);
        self
    }

    /// Titan text v2 `embeddingTypes` / Cohere `embedding_types`
    /// (`float`, `binary`, `int8`, `uint8`, `ubinary`). Default is none (float).
    #[must_use]
    pub fn with_embedding_types<I, S>(mut self, types: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.options.embedding_types = types.into_iter().map(Into::into).collect();
        self
    }

    /// Cohere `input_type` (`search_document`, `search_query`,
    /// `classification`, `clustering`). Default is `search_document`.
    #[must_use]
    pub fn with_input_type(mut self, input_type: impl Into<String>) -> Self {
        self.options.input_type = Some(input_type.into());
        self
    }

    /// Nova `embeddingPurpose` (`GENERIC_INDEX`, `GENERIC_RETRIEVAL`,
    /// `TEXT_RETRIEVAL`, `IMAGE_RETRIEVAL`, `DOCUMENT_RETRIEVAL`,
    /// `CLASSIFICATION`, `CLUSTERING`, ...). Default is `GENERIC_INDEX`.
    #[must_use]
    pub fn with_purpose(mut self, purpose: impl Into<String>) -> Self {
        self.options.purpose = Some(purpose.into());
        self
    }

    /// Nova `truncationMode` (`START`, `END`, `NONE`; default `END`) or
    /// Cohere `truncate` (v3: `NONE`, `START`, `END`; v4: `NONE`, `LEFT`,
    /// `RIGHT`). Default is none for Cohere (Bedrock's default).
    #[must_use]
    pub fn with_truncation(mut self, truncation: impl Into<String>) -> Self {
        self.options.truncation = Some(truncation.into());
        self
    }

    /// The region a call goes to, after cross-region profile routing.
    pub fn routed_region(&self) -> String {
        routing::route_region(&self.model_id, self.client.region())
    }

    fn family_or_error(&self) -> Result<EmbeddingFamily, Error> {
        self.family.ok_or_else(|| {
            Error::invalid_request(format!(
                "unknown Bedrock embedding model {:?}: set its family with BedrockEmbeddingModel::with_family",
                self.model_id
            ))
        })
    }

    async fn run(&self, request: &EmbeddingRequest) -> Result<EmbeddingResponse, Error> {
        let family = self.family_or_error()?;
        if request.values.is_empty() {
            return Ok(EmbeddingResponse::default());
        }
        if request.values.len() > family.max_values_per_call() {
            return Err(Error::invalid_request(format!(
                "{} embeds at most {} values per call, got {}",
                family.name(),
                family.max_values_per_call(),
                request.values.len()
            )));
        }
        let options = self.options.merged(request)?;
        let body = build_body(family, &request.values, &options)?;
        let body = Bytes::from(serde_json::to_vec(&body).map_err(|e| {
            Error::invalid_request(format!("could not serialize the request: {e}"))
        })?);
        let target = Target {
            model_id: self.model_id.clone(),
            region: self.routed_region(),
        };
        let transport = self.client.transport().clone();
        let (value, headers) = self
            .client
            .call(
                &target,
                Operation::Invoke,
                body,
                &request.headers,
                &invocation_id(),
                |response| {
                    let transport = transport.clone();
                    async move {
                        let headers = response.headers().clone();
                        let mut body = response.into_body();
                        let bytes = transport
                            .read_body(&mut body, MAX_RESPONSE_BODY)
                            .await
                            .map_err(|e| AttemptError::Other(e.into()))?;
                        let value: Value = serde_json::from_slice(&bytes)
                            .map_err(|e| AttemptError::Other(invalid_response(e.to_string())))?;
                        Ok((value, headers))
                    }
                },
            )
            .await
            .map_err(|e| e.into_core())?;
        let mut response = parse_response(family, &value, &options)?;
        if response.usage.tokens.is_none() {
            response.usage.tokens = headers
                .get("x-amzn-bedrock-input-token-count")
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.trim().parse().ok());
        }
        if let Some(id) = headers
            .get("x-amzn-requestid")
            .and_then(|v| v.to_str().ok())
        {
            set_metadata(
                &mut response.provider_metadata,
                "requestId",
                Value::String(id.to_owned()),
            );
        }
        response.headers = to_headers(&headers);
        Ok(response)
    }
}

impl EmbeddingModel for BedrockEmbeddingModel {
    fn provider(&self) -> &str {
        "bedrock"
    }

    fn model_id(&self) -> &str {
        &self.model_id
    }

    fn max_values_per_call(&self) -> Option<usize> {
        Some(self.family.map_or(1, EmbeddingFamily::max_values_per_call))
    }

    fn embed<'a>(
        &'a self,
        request: &'a EmbeddingRequest,
    ) -> BoxFuture<'a, Result<EmbeddingResponse, Error>> {
        Box::pin(self.run(request))
    }
}

fn invalid_response(detail: impl fmt::Display) -> Error {
    Error::Transport {
        message: format!("invalid InvokeModel response body: {detail}"),
        retryable: false,
        source: None,
    }
}

/// Sets `key` in the `bedrock` object of the provider metadata.
fn set_metadata(metadata: &mut goai_core::ProviderMetadata, key: &str, value: Value) {
    let entry = metadata
        .entry("bedrock")
        .or_insert_with(|| Value::Object(Map::new()));
    if let Value::Object(map) = entry {
        map.insert(key.to_owned(), value);
    } else {
        let mut map = Map::new();
        map.insert(key.to_owned(), value);
        *entry = Value::Object(map);
    }
}

/// Image bytes, as sent: base64, or an S3 URI (Nova only).
enum ImageData {
    Base64 {
        data: String,
        media_type: Option<String>,
    },
    S3(String),
}

fn image_data(data: &DataSource, media_type: &str) -> Result<ImageData, Error> {
    let given = Some(media_type.trim().to_ascii_lowercase()).filter(|m| !m.is_empty());
    match data {
        DataSource::Bytes(bytes) => Ok(ImageData::Base64 {
            data: base64::engine::general_purpose::STANDARD.encode(bytes),
            media_type: given,
        }),
        DataSource::Url(url) => {
            if let Some(rest) = url.strip_prefix("data:") {
                let (meta, payload) = rest.split_once(',').ok_or_else(|| {
                    Error::invalid_request("malformed data URL: no `,` before the data")
                })?;
                let mut parts = meta.split(';');
                let url_type = parts
                    .next()
                    .filter(|m| !m.is_empty())
                    .map(str::to_ascii_lowercase);
                if !parts.any(|p| p.eq_ignore_ascii_case("base64")) {
                    return Err(Error::invalid_request(
                        "only base64 data URLs are supported (`data:<type>;base64,<data>`)",
                    ));
                }
                let payload = payload.trim();
                base64::engine::general_purpose::STANDARD
                    .decode(payload)
                    .map_err(|e| {
                        Error::invalid_request(format!("invalid base64 in data URL: {e}"))
                    })?;
                Ok(ImageData::Base64 {
                    data: payload.to_owned(),
                    media_type: given.or(url_type),
                })
            } else if url.starts_with("s3://") {
                Ok(ImageData::S3(url.clone()))
            } else {
                let scheme = url.split_once(':').map_or(url.as_str(), |(s, _)| s);
                Err(Error::invalid_request(format!(
                    "Bedrock cannot fetch `{scheme}:` URLs; pass the bytes or a data URL"
                )))
            }
        }
        _ => Err(Error::invalid_request("unsupported image data source")),
    }
}

/// `png`, `jpeg`, `gif` or `webp` from a media type.
fn image_format(media_type: Option<&str>) -> Result<&'static str, Error> {
    let sub = media_type
        .map(|m| m.split(';').next().unwrap_or("").trim())
        .map(|m| m.rsplit('/').next().unwrap_or(m).to_ascii_lowercase());
    match sub.as_deref() {
        Some("png") => Ok("png"),
        Some("jpeg" | "jpg" | "pjpeg") => Ok("jpeg"),
        Some("gif") => Ok("gif"),
        Some("webp") => Ok("webp"),
        other => Err(Error::invalid_request(format!(
            "unsupported image media type {:?} for Nova embeddings (png, jpeg, gif or webp)",
            other.unwrap_or("")
        ))),
    }
}

fn only_text(family: EmbeddingFamily, value: &EmbeddingInput) -> Result<&str, Error> {
    match value {
        EmbeddingInput::Text { text } => Ok(text),
        _ => Err(Error::invalid_request(format!(
            "{} embeds text only",
            family.name()
        ))),
    }
}

fn fixed_dimensions(family: EmbeddingFamily, fixed: u32, asked: Option<u32>) -> Result<(), Error> {
    match asked {
        Some(d) if d != fixed => Err(Error::invalid_request(format!(
            "{} has a fixed size of {fixed} dimensions, {d} were requested",
            family.name()
        ))),
        _ => Ok(()),
    }
}

/// The InvokeModel body for `values` (one value, or up to 96 for Cohere).
fn build_body(
    family: EmbeddingFamily,
    values: &[EmbeddingInput],
    o: &EmbeddingOptions,
) -> Result<Value, Error> {
    let first = values
        .first()
        .ok_or_else(|| Error::invalid_request("nothing to embed"))?;
    let mut body = Map::new();
    match family {
        EmbeddingFamily::TitanTextV1 => {
            fixed_dimensions(family, 1536, o.dimensions)?;
            body.insert("inputText".into(), json!(only_text(family, first)?));
        }
        EmbeddingFamily::TitanTextV2 => {
            body.insert("inputText".into(), json!(only_text(family, first)?));
            if let Some(d) = o.dimensions {
                body.insert("dimensions".into(), json!(d));
            }
            if let Some(n) = o.normalize {
                body.insert("normalize".into(), json!(n));
            }
            if !o.embedding_types.is_empty() {
                body.insert("embeddingTypes".into(), json!(o.embedding_types));
            }
        }
        EmbeddingFamily::TitanImageV1 => {
            match first {
                EmbeddingInput::Text { text } => {
                    body.insert("inputText".into(), json!(text));
                }
                EmbeddingInput::Image { data, media_type } => match image_data(data, media_type)? {
                    ImageData::Base64 { data, .. } => {
                        body.insert("inputImage".into(), json!(data));
                    }
                    ImageData::S3(_) => {
                        return Err(Error::invalid_request(
                            "Titan multimodal embeddings take image bytes, not S3 URIs",
                        ));
                    }
                },
                _ => return Err(Error::invalid_request("unsupported embedding input")),
            }
            if let Some(d) = o.dimensions {
                body.insert(
                    "embeddingConfig".into(),
                    json!({ "outputEmbeddingLength": d }),
                );
            }
        }
        EmbeddingFamily::NovaMultimodal => {
            let mut params = Map::new();
            params.insert(
                "embeddingPurpose".into(),
                json!(o.purpose.as_deref().unwrap_or("GENERIC_INDEX")),
            );
            if let Some(d) = o.dimensions {
                params.insert("embeddingDimension".into(), json!(d));
            }
            match first {
                EmbeddingInput::Text { text } => {
                    params.insert(
                        "text".into(),
                        json!({
                            "truncationMode": o.truncation.as_deref().unwrap_or("END"),
                            "value": text,
                        }),
                    );
                }
                EmbeddingInput::Image { data, media_type } => {
                    let (format, source) = match image_data(data, media_type)? {
                        ImageData::Base64 { data, media_type } => (
                            image_format(media_type.as_deref())?,
                            json!({ "bytes": data }),
                        ),
                        ImageData::S3(uri) => {
                            let ext = uri.rsplit('.').next().map(|e| format!("image/{e}"));
                            let media = Some(media_type.as_str())
                                .filter(|m| !m.trim().is_empty())
                                .or(ext.as_deref());
                            (
                                image_format(media)?,
                                json!({ "s3Location": { "uri": uri } }),
                            )
                        }
                    };
                    params.insert(
                        "image".into(),
                        json!({ "format": format, "source": source }),
                    );
                }
                _ => return Err(Error::invalid_request("unsupported embedding input")),
            }
            body.insert("schemaVersion".into(), json!("nova-multimodal-embed-v1"));
            body.insert("taskType".into(), json!("SINGLE_EMBEDDING"));
            body.insert("singleEmbeddingParams".into(), Value::Object(params));
        }
        EmbeddingFamily::CohereV3 | EmbeddingFamily::CohereV4 => {
            if family == EmbeddingFamily::CohereV3 {
                fixed_dimensions(family, 1024, o.dimensions)?;
            } else if let Some(d) = o.dimensions {
                body.insert("output_dimension".into(), json!(d));
            }
            body.insert(
                "input_type".into(),
                json!(o.input_type.as_deref().unwrap_or("search_document")),
            );
            cohere_inputs(family, values, &mut body)?;
            if let Some(t) = &o.truncation {
                body.insert("truncate".into(), json!(t));
            }
            if !o.embedding_types.is_empty() {
                body.insert("embedding_types".into(), json!(o.embedding_types));
            }
        }
    }
    Ok(Value::Object(body))
}

/// Cohere's inputs: `texts` when all values are text; for v4 also `images`
/// when all are images, else interleaved `inputs`.
fn cohere_inputs(
    family: EmbeddingFamily,
    values: &[EmbeddingInput],
    body: &mut Map<String, Value>,
) -> Result<(), Error> {
    let data_uri = |data: &DataSource, media_type: &str| -> Result<String, Error> {
        match image_data(data, media_type)? {
            ImageData::Base64 { data, media_type } => Ok(format!(
                "data:image/{};base64,{data}",
                image_format(media_type.as_deref())?
            )),
            ImageData::S3(_) => Err(Error::invalid_request(
                "Cohere embeddings take image bytes or data URLs, not S3 URIs",
            )),
        }
    };
    let texts: Option<Vec<&str>> = values
        .iter()
        .map(|v| match v {
            EmbeddingInput::Text { text } => Some(text.as_str()),
            _ => None,
        })
        .collect();
    if let Some(texts) = texts {
        body.insert("texts".into(), json!(texts));
        return Ok(());
    }
    if family == EmbeddingFamily::CohereV3 {
        return Err(Error::invalid_request(
            "Cohere v3 embeds text only here; use Cohere v4 for images",
        ));
    }
    let all_images = values
        .iter()
        .all(|v| matches!(v, EmbeddingInput::Image { .. }));
    let mut items = Vec::with_capacity(values.len());
    for value in values {
        let item = match value {
            EmbeddingInput::Text { text } if !all_images => {
                json!({ "content": [{ "type": "text", "text": text }] })
            }
            EmbeddingInput::Image { data, media_type } => {
                let uri = data_uri(data, media_type)?;
                if all_images {
                    json!(uri)
                } else {
                    json!({ "content": [{ "type": "image_url", "image_url": uri }] })
                }
            }
            _ => return Err(Error::invalid_request("unsupported embedding input")),
        };
        items.push(item);
    }
    let key = if all_images { "images" } else { "inputs" };
    body.insert(key.into(), Value::Array(items));
    Ok(())
}

/// A JSON array of numbers as `f32`s.
fn floats(value: &Value) -> Result<Vec<f32>, Error> {
    value
        .as_array()
        .ok_or_else(|| invalid_response("an embedding is not an array"))?
        .iter()
        .map(|v| {
            v.as_f64()
                .map(|f| f as f32)
                .ok_or_else(|| invalid_response("an embedding holds a non-number"))
        })
        .collect()
}

/// The type to return from a by-type map: `float`, else the first requested
/// type present, else the first present.
fn pick_type<'a>(by_type: &'a Map<String, Value>, requested: &[String]) -> Option<&'a Value> {
    by_type
        .get("float")
        .or_else(|| requested.iter().find_map(|t| by_type.get(t)))
        .or_else(|| by_type.values().next())
}

fn parse_response(
    family: EmbeddingFamily,
    value: &Value,
    o: &EmbeddingOptions,
) -> Result<EmbeddingResponse, Error> {
    let mut out = EmbeddingResponse::default();
    match family {
        EmbeddingFamily::TitanTextV1
        | EmbeddingFamily::TitanTextV2
        | EmbeddingFamily::TitanImageV1 => {
            let by_type = value.get("embeddingsByType").and_then(Value::as_object);
            let embedding = match (value.get("embedding"), by_type) {
                (Some(e), _) if !e.is_null() => e,
                (_, Some(by_type)) => pick_type(by_type, &o.embedding_types)
                    .ok_or_else(|| invalid_response("embeddingsByType is empty"))?,
                _ => return Err(invalid_response("no `embedding` in the response")),
            };
            out.embeddings.push(floats(embedding)?);
            out.usage.tokens = value.get("inputTextTokenCount").and_then(Value::as_u64);
            if let Some(by_type) = by_type {
                set_metadata(
                    &mut out.provider_metadata,
                    "embeddingsByType",
                    json!([Value::Object(by_type.clone())]),
                );
            }
        }
        EmbeddingFamily::NovaMultimodal => {
            let first = value
                .get("embeddings")
                .and_then(Value::as_array)
                .and_then(|e| e.first())
                .ok_or_else(|| invalid_response("no `embeddings` in the response"))?;
            let embedding = first
                .get("embedding")
                .ok_or_else(|| invalid_response("no `embedding` in `embeddings[0]`"))?;
            out.embeddings.push(floats(embedding)?);
            if let Some(kind) = first.get("embeddingType") {
                set_metadata(&mut out.provider_metadata, "embeddingType", kind.clone());
            }
        }
        EmbeddingFamily::CohereV3 | EmbeddingFamily::CohereV4 => {
            match value.get("embeddings") {
                Some(Value::Array(rows)) => {
                    for row in rows {
                        out.embeddings.push(floats(row)?);
                    }
                }
                Some(Value::Object(by_type)) => {
                    let rows = pick_type(by_type, &o.embedding_types)
                        .and_then(Value::as_array)
                        .ok_or_else(|| invalid_response("no embeddings by type"))?;
                    for row in rows {
                        out.embeddings.push(floats(row)?);
                    }
                    // One object per value: {"float": [...], "int8": [...]}.
                    let per_value: Vec<Value> = (0..rows.len())
                        .map(|i| {
                            Value::Object(
                                by_type
                                    .iter()
                                    .filter_map(|(k, v)| {
                                        v.get(i).map(|row| (k.clone(), row.clone()))
                                    })
                                    .collect(),
                            )
                        })
                        .collect();
                    set_metadata(
                        &mut out.provider_metadata,
                        "embeddingsByType",
                        Value::Array(per_value),
                    );
                }
                _ => return Err(invalid_response("no `embeddings` in the response")),
            }
            if let Some(id) = value.get("id").and_then(Value::as_str) {
                set_metadata(
                    &mut out.provider_metadata,
                    "id",
                    Value::String(id.to_owned()),
                );
            }
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(t: &str) -> EmbeddingInput {
        EmbeddingInput::from(t)
    }

    fn image(bytes: &[u8], media_type: &str) -> EmbeddingInput {
        EmbeddingInput::Image {
            data: DataSource::Bytes(bytes.to_vec()),
            media_type: media_type.into(),
        }
    }

    #[test]
    fn families_from_ids() {
        use EmbeddingFamily::*;
        for (id, family) in [
            ("amazon.titan-embed-text-v1", TitanTextV1),
            ("amazon.titan-embed-text-v2:0", TitanTextV2),
            ("amazon.titan-embed-image-v1", TitanImageV1),
            ("amazon.nova-2-multimodal-embeddings-v1:0", NovaMultimodal),
            (
                "us.amazon.nova-2-multimodal-embeddings-v1:0",
                NovaMultimodal,
            ),
            ("cohere.embed-english-v3", CohereV3),
            ("cohere.embed-multilingual-v3", CohereV3),
            ("cohere.embed-v4:0", CohereV4),
            ("us.cohere.embed-v4:0", CohereV4),
            ("global.cohere.embed-v4:0", CohereV4),
            (
                "arn:aws:bedrock:us-east-1::foundation-model/cohere.embed-v4:0",
                CohereV4,
            ),
        ] {
            assert_eq!(EmbeddingFamily::from_model_id(id), Some(family), "{id}");
        }
        assert_eq!(
            EmbeddingFamily::from_model_id("anthropic.claude-3-haiku-20240307-v1:0"),
            None
        );
        assert_eq!(CohereV4.max_values_per_call(), 96);
        assert_eq!(TitanTextV2.max_values_per_call(), 1);
        assert_eq!(NovaMultimodal.max_values_per_call(), 1);
    }

    #[test]
    fn titan_bodies() {
        let o = EmbeddingOptions {
            dimensions: Some(256),
            normalize: Some(false),
            embedding_types: vec!["float".into(), "binary".into()],
            ..Default::default()
        };
        let body = build_body(EmbeddingFamily::TitanTextV2, &[text("hi")], &o).expect("body");
        assert_eq!(
            body,
            json!({"inputText": "hi", "dimensions": 256, "normalize": false, "embeddingTypes": ["float", "binary"]})
        );
        let v1 = build_body(
            EmbeddingFamily::TitanTextV1,
            &[text("hi")],
            &EmbeddingOptions::default(),
        )
        .expect("body");
        assert_eq!(v1, json!({"inputText": "hi"}));
        assert!(build_body(EmbeddingFamily::TitanTextV1, &[text("hi")], &o).is_err());
        assert!(
            build_body(
                EmbeddingFamily::TitanTextV2,
                &[image(b"x", "image/png")],
                &EmbeddingOptions::default()
            )
            .is_err()
        );
        let img = build_body(
            EmbeddingFamily::TitanImageV1,
            &[image(b"abc", "image/png")],
            &EmbeddingOptions {
                dimensions: Some(384),
                ..Default::default()
            },
        )
        .expect("body");
        assert_eq!(
            img,
            json!({"inputImage": "YWJj", "embeddingConfig": {"outputEmbeddingLength": 384}})
        );
    }

    #[test]
    fn nova_bodies() {
        let o = EmbeddingOptions {
            dimensions: Some(1024),
            purpose: Some("TEXT_RETRIEVAL".into()),
            truncation: Some("START".into()),
            ..Default::default()
        };
        let body = build_body(EmbeddingFamily::NovaMultimodal, &[text("hi")], &o).expect("body");
        assert_eq!(
            body,
            json!({
                "schemaVersion": "nova-multimodal-embed-v1",
                "taskType": "SINGLE_EMBEDDING",
                "singleEmbeddingParams": {
                    "embeddingPurpose": "TEXT_RETRIEVAL",
                    "embeddingDimension": 1024,
                    "text": {"truncationMode": "START", "value": "hi"}
                }
            })
        );
        let defaults = build_body(
            EmbeddingFamily::NovaMultimodal,
            &[EmbeddingInput::Image {
                data: DataSource::Url("data:image/jpeg;base64,YWJj".into()),
                media_type: String::new(),
            }],
            &EmbeddingOptions::default(),
        )
        .expect("body");
        assert_eq!(
            defaults["singleEmbeddingParams"],
            json!({"embeddingPurpose": "GENERIC_INDEX", "image": {"format": "jpeg", "source": {"bytes": "YWJj"}}})
        );
        let s3 = build_body(
            EmbeddingFamily::NovaMultimodal,
            &[EmbeddingInput::Image {
                data: DataSource::Url("s3://bucket/cat.webp".into()),
                media_type: String::new(),
            }],
            &EmbeddingOptions::default(),
        )
        .expect("body");
        assert_eq!(
            s3["singleEmbeddingParams"]["image"],
            json!({"format": "webp", "source": {"s3Location": {"uri": "s3://bucket/cat.webp"}}})
        );
        assert!(
            build_body(
                EmbeddingFamily::NovaMultimodal,
                &[image(b"x", "image/tiff")],
                &EmbeddingOptions::default()
            )
            .is_err()
        );
    }

    #[test]
    fn cohere_bodies() {
        let values = [text("a"), text("b")];
        let v3 = build_body(
            EmbeddingFamily::CohereV3,
            &values,
            &EmbeddingOptions::default(),
        )
        .expect("body");
        assert_eq!(
            v3,
            json!({"input_type": "search_document", "texts": ["a", "b"]})
        );
        let o = EmbeddingOptions {
            dimensions: Some(512),
            input_type: Some("search_query".into()),
            truncation: Some("RIGHT".into()),
            embedding_types: vec!["int8".into()],
            ..Default::default()
        };
        let v4 = build_body(EmbeddingFamily::CohereV4, &values, &o).expect("body");
        assert_eq!(
            v4,
            json!({"output_dimension": 512, "input_type": "search_query", "texts": ["a", "b"], "truncate": "RIGHT", "embedding_types": ["int8"]})
        );
        assert!(build_body(EmbeddingFamily::CohereV3, &values, &o).is_err());
        let images = build_body(
            EmbeddingFamily::CohereV4,
            &[image(b"abc", "image/png")],
            &EmbeddingOptions::default(),
        )
        .expect("body");
        assert_eq!(images["images"], json!(["data:image/png;base64,YWJj"]));
        let mixed = build_body(
            EmbeddingFamily::CohereV4,
            &[text("a"), image(b"abc", "image/png")],
            &EmbeddingOptions::default(),
        )
        .expect("body");
        assert_eq!(
            mixed["inputs"],
            json!([
                {"content": [{"type": "text", "text": "a"}]},
                {"content": [{"type": "image_url", "image_url": "data:image/png;base64,YWJj"}]}
            ])
        );
        assert!(
            build_body(
                EmbeddingFamily::CohereV3,
                &[image(b"abc", "image/png")],
                &EmbeddingOptions::default()
            )
            .is_err()
        );
    }

    #[test]
    fn options_merge_and_validate() {
        let model = EmbeddingOptions {
            dimensions: Some(1024),
            input_type: Some("clustering".into()),
            ..Default::default()
        };
        let mut req = EmbeddingRequest::default();
        req.dimensions = Some(512);
        assert_eq!(model.merged(&req).expect("ok").dimensions, Some(512));
        req.provider_options.insert(
            "bedrock".into(),
            json!({"dimensions": 256, "normalize": true, "embeddingTypes": ["binary"], "inputType": "search_query", "purpose": "CLUSTERING", "truncation": "NONE", "other": 1}),
        );
        let merged = model.merged(&req).expect("ok");
        assert_eq!(merged.dimensions, Some(256));
        assert_eq!(merged.normalize, Some(true));
        assert_eq!(merged.embedding_types, vec!["binary".to_owned()]);
        assert_eq!(merged.input_type.as_deref(), Some("search_query"));
        assert_eq!(merged.purpose.as_deref(), Some("CLUSTERING"));
        assert_eq!(merged.truncation.as_deref(), Some("NONE"));
        for bad in [
            json!({"dimensions": "256"}),
            json!({"normalize": 1}),
            json!({"embeddingTypes": "float"}),
            json!({"inputType": 3}),
            json!("x"),
        ] {
            req.provider_options.insert("bedrock".into(), bad.clone());
            assert!(model.merged(&req).is_err(), "{bad}");
        }
    }

    #[test]
    fn responses() {
        let o = EmbeddingOptions::default();
        let titan = parse_response(
            EmbeddingFamily::TitanTextV2,
            &json!({"embedding": [0.5, -0.25], "inputTextTokenCount": 3, "embeddingsByType": {"float": [0.5, -0.25], "binary": [1, 0]}}),
            &o,
        )
        .expect("ok");
        assert_eq!(titan.embeddings, vec![vec![0.5, -0.25]]);
        assert_eq!(titan.usage.tokens, Some(3));
        assert_eq!(
            titan.provider_metadata["bedrock"]["embeddingsByType"][0]["binary"],
            json!([1, 0])
        );
        let binary_only = parse_response(
            EmbeddingFamily::TitanTextV2,
            &json!({"embeddingsByType": {"binary": [1, 0]}, "inputTextTokenCount": 1}),
            &EmbeddingOptions {
                embedding_types: vec!["binary".into()],
                ..Default::default()
            },
        )
        .expect("ok");
        assert_eq!(binary_only.embeddings, vec![vec![1.0, 0.0]]);
        let nova = parse_response(
            EmbeddingFamily::NovaMultimodal,
            &json!({"embeddings": [{"embeddingType": "TEXT", "embedding": [0.25]}]}),
            &o,
        )
        .expect("ok");
        assert_eq!(nova.embeddings, vec![vec![0.25]]);
        assert_eq!(nova.usage.tokens, None);
        let flat = parse_response(
            EmbeddingFamily::CohereV3,
            &json!({"embeddings": [[0.5], [1.0]], "id": "x", "response_type": "embeddings_floats"}),
            &o,
        )
        .expect("ok");
        assert_eq!(flat.embeddings, vec![vec![0.5], vec![1.0]]);
        let by_type = parse_response(
            EmbeddingFamily::CohereV4,
            &json!({"embeddings": {"int8": [[3], [4]], "float": [[0.5], [1.0]]}, "response_type": "embeddings_by_type"}),
            &o,
        )
        .expect("ok");
        assert_eq!(by_type.embeddings, vec![vec![0.5], vec![1.0]]);
        assert_eq!(
            by_type.provider_metadata["bedrock"]["embeddingsByType"][1],
            json!({"int8": [4], "float": [1.0]})
        );
        for (family, bad) in [
            (EmbeddingFamily::TitanTextV2, json!({})),
            (EmbeddingFamily::TitanTextV2, json!({"embedding": ["x"]})),
            (EmbeddingFamily::NovaMultimodal, json!({"embeddings": []})),
            (EmbeddingFamily::CohereV3, json!({"embeddings": 1})),
        ] {
            assert!(parse_response(family, &bad, &o).is_err(), "{bad}");
        }
    }
}
