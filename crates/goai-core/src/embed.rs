//! Embedding models: the [`EmbeddingModel`] trait and [`embed`] / [`embed_many`].

use std::sync::Arc;

use serde::{Deserialize, Serialize};

use crate::error::Error;
use crate::headers::Headers;
use crate::message::{DataSource, ProviderMetadata, ProviderOptions};
use crate::model::BoxFuture;

/// A model that turns values into vectors.
///
/// Object-safe, like [`LanguageModel`](crate::LanguageModel). A provider
/// makes one attempt per call; `goai-core` chunks, retries and parallelizes.
pub trait EmbeddingModel: Send + Sync {
    /// The provider name.
    fn provider(&self) -> &str;

    /// The model id.
    fn model_id(&self) -> &str;

    /// The most values one call accepts; `None` means no limit. Default is `None`.
    fn max_values_per_call(&self) -> Option<usize> {
        None
    }

    /// Embeds every value of the request, one embedding per value, in order.
    ///
    /// # Errors
    ///
    /// Any [`Error`]; mark transient failures retryable.
    fn embed<'a>(
        &'a self,
        request: &'a EmbeddingRequest,
    ) -> BoxFuture<'a, Result<EmbeddingResponse, Error>>;
}

macro_rules! forward_embedding_model {
    ($($ty:ty),*) => {$(
        impl<M: EmbeddingModel + ?Sized> EmbeddingModel for $ty {
            fn provider(&self) -> &str { (**self).provider() }
            fn model_id(&self) -> &str { (**self).model_id() }
            fn max_values_per_call(&self) -> Option<usize> { (**self).max_values_per_call() }
            fn embed<'a>(&'a self, request: &'a EmbeddingRequest) -> BoxFuture<'a, Result<EmbeddingResponse, Error>> {
                (**self).embed(request)
            }
        }
    )*};
}
forward_embedding_model!(&M, Box<M>, Arc<M>);

/// A value to embed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
#[non_exhaustive]
pub enum EmbeddingInput {
    /// Text.
    Text {
        /// The text.
        text: String,
    },
    /// An image (for multimodal embedding models).
    Image {
        /// The image.
        data: DataSource,
        /// The media type.
        media_type: String,
    },
}

impl From<&str> for EmbeddingInput {
    fn from(text: &str) -> Self {
        Self::Text {
            text: text.to_owned(),
        }
    }
}

impl From<String> for EmbeddingInput {
    fn from(text: String) -> Self {
        Self::Text { text }
    }
}

/// The request a provider receives for one embedding call.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct EmbeddingRequest {
    /// The values, at most [`EmbeddingModel::max_values_per_call`].
    pub values: Vec<EmbeddingInput>,
    /// Requested output dimensions, where supported.
    pub dimensions: Option<u32>,
    /// Extra request headers.
    pub headers: Headers,
    /// Provider options.
    pub provider_options: ProviderOptions,
}

/// Usage of an embedding call.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[non_exhaustive]
pub struct EmbeddingUsage {
    /// Input tokens, `None` when not reported.
    pub tokens: Option<u64>,
}

/// The result of one embedding call.
///
/// Providers build it from `EmbeddingResponse::default()` and set the fields.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct EmbeddingResponse {
    /// One embedding per input value, in input order.
    pub embeddings: Vec<Vec<f32>>,
    /// Usage.
    pub usage: EmbeddingUsage,
    /// Response headers.
    pub headers: Headers,
    /// Provider-specific metadata.
    pub provider_metadata: ProviderMetadata,
}
