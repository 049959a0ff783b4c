//! Embedding models: the [`EmbeddingModel`] trait and [`embed`] / [`embed_many`].

use std::sync::Arc;
use std::time::Duration;

use futures_util::StreamExt;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use tracing::Instrument;

use crate::cancel::CancellationToken;
use crate::error::Error;
use crate::generate::controlled;
use crate::headers::Headers;
use crate::message::{DataSource, ProviderMetadata, ProviderOptions};
use crate::model::BoxFuture;
use crate::retry::RetryPolicy;
use crate::telemetry;

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

/// An embedding request for [`embed_many`]: the values plus settings, built
/// with consuming setters.
///
/// # Examples
///
/// ```
/// let req = goai_core::EmbedRequest::new(["a", "b", "c"]).max_parallel_calls(2).dimensions(256);
/// # drop(req);
/// ```
#[derive(Debug, Clone)]
pub struct EmbedRequest {
    values: Vec<EmbeddingInput>,
    dimensions: Option<u32>,
    headers: Headers,
    provider_options: ProviderOptions,
    max_parallel_calls: usize,
    retry: RetryPolicy,
    timeout: Option<Duration>,
    cancel: Option<CancellationToken>,
}

impl EmbedRequest {
    /// A request for `values`.
    pub fn new<I>(values: I) -> Self
    where
        I: IntoIterator,
        I::Item: Into<EmbeddingInput>,
    {
        Self {
            values: values.into_iter().map(Into::into).collect(),
            dimensions: None,
            headers: Headers::new(),
            provider_options: ProviderOptions::new(),
            max_parallel_calls: 4,
            retry: RetryPolicy::default(),
            timeout: None,
            cancel: None,
        }
    }

    /// Output dimensions, where supported. Default is the model's.
    #[must_use]
    pub fn dimensions(mut self, n: u32) -> Self {
        self.dimensions = Some(n);
        self
    }

    /// Adds a request header. Default is none.
    #[must_use]
    pub fn header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.headers.append(name, value);
        self
    }

    /// Sets a provider option. Default is none.
    #[must_use]
    pub fn provider_option(mut self, key: impl Into<String>, value: Value) -> Self {
        self.provider_options.insert(key.into(), value);
        self
    }

    /// The most calls in flight at once. Default is 4; 0 is treated as 1.
    #[must_use]
    pub fn max_parallel_calls(mut self, n: usize) -> Self {
        self.max_parallel_calls = n.max(1);
        self
    }

    /// The retry policy of each call. Default is [`RetryPolicy::default`].
    #[must_use]
    pub fn retry(mut self, policy: RetryPolicy) -> Self {
        self.retry = policy;
        self
    }

    /// A deadline for the whole operation. Default is none.
    #[must_use]
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// A cancellation token. Default is none.
    #[must_use]
    pub fn cancel_token(mut self, token: CancellationToken) -> Self {
        self.cancel = Some(token);
        self
    }
}

/// The result of [`embed_many`].
#[derive(Debug, Clone, Default, PartialEq)]
#[non_exhaustive]
pub struct EmbedManyResult {
    /// One embedding per value, in input order.
    pub embeddings: Vec<Vec<f32>>,
    /// Usage summed over all calls.
    pub usage: EmbeddingUsage,
    /// Each call's response metadata (headers and provider metadata), in order.
    pub responses: Vec<EmbeddingResponse>,
}

/// The result of [`embed`].
#[derive(Debug, Clone, Default, PartialEq)]
#[non_exhaustive]
pub struct EmbedResult {
    /// The embedding.
    pub embedding: Vec<f32>,
    /// Usage.
    pub usage: EmbeddingUsage,
}

/// Embeds one value with default settings.
///
/// # Errors
///
/// As [`embed_many`].
pub async fn embed<M>(model: &M, value: impl Into<EmbeddingInput>) -> Result<EmbedResult, Error>
where
    M: EmbeddingModel + ?Sized,
{
    let mut many = embed_many(model, EmbedRequest::new([value.into()])).await?;
    let embedding = many.embeddings.pop().unwrap_or_default();
    Ok(EmbedResult {
        embedding,
        usage: many.usage,
    })
}

/// Embeds many values, split into calls of at most
/// [`EmbeddingModel::max_values_per_call`] values, with at most
/// `max_parallel_calls` calls in flight. Each call is retried on its own.
///
/// # Examples
///
/// ```
/// # #[cfg(feature = "testing")] {
/// use goai_core::{embed_many, EmbedRequest, testing::MockEmbeddingModel};
/// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
/// let model = MockEmbeddingModel::new().with_max_values_per_call(2);
/// let out = embed_many(&model, EmbedRequest::new(["a", "b", "c"])).await?;
/// assert_eq!(out.embeddings.len(), 3);
/// assert_eq!(model.requests().len(), 2);
/// # Ok::<_, goai_core::Error>(()) }).unwrap();
/// # }
/// ```
///
/// # Errors
///
/// The first failing call's error (after retries), [`Error::Timeout`],
/// [`Error::Cancelled`], or [`Error::SchemaValidation`] when a call returns
/// a different number of embeddings than values.
pub async fn embed_many<M>(model: &M, request: EmbedRequest) -> Result<EmbedManyResult, Error>
where
    M: EmbeddingModel + ?Sized,
{
    // The body is boxed in goai-core, so that it is compiled there once and not again in
    // every calling crate (an async body is compiled in the crate that polls it).
    embed_many_boxed(&model, request).await
}

/// [`embed_many_dyn`], boxed in goai-core.
fn embed_many_boxed<'a>(
    model: &'a dyn EmbeddingModel,
    request: EmbedRequest,
) -> crate::model::BoxFuture<'a, Result<EmbedManyResult, Error>> {
    Box::pin(embed_many_dyn(model, request))
}

/// One call of [`embed_many`], with retries; checks that every value got an embedding.
async fn embed_chunk(
    model: &dyn EmbeddingModel,
    retry: &crate::retry::RetryPolicy,
    req: &EmbeddingRequest,
) -> Result<EmbeddingResponse, Error> {
    let res = retry.run(|_| model.embed(req)).await?;
    if res.embeddings.len() != req.values.len() {
        return Err(Error::schema_validation(
            format!(
                "the model returned {} embeddings for {} values",
                res.embeddings.len(),
                req.values.len()
            ),
            String::new(),
        ));
    }
    Ok(res)
}

/// [`embed_many`] for any model, behind one vtable.
async fn embed_many_dyn(
    model: &dyn EmbeddingModel,
    request: EmbedRequest,
) -> Result<EmbedManyResult, Error> {
    let span = telemetry::operation_span("embeddings", model.provider(), model.model_id(), None);
    let chunk_size = model.max_values_per_call().unwrap_or(usize::MAX).max(1);
    let requests: Vec<EmbeddingRequest> = request
        .values
        .chunks(chunk_size)
        .map(|values| EmbeddingRequest {
            values: values.to_vec(),
            dimensions: request.dimensions,
            headers: request.headers.clone(),
            provider_options: request.provider_options.clone(),
        })
        .collect();
    let retry = &request.retry;
    let fut = async {
        // Collected first: a `map` closure kept in this future's state would not prove `Send`
        // for every lifetime behind the `dyn` box (a known limit of the compiler).
        let chunks: Vec<_> = requests
            .iter()
            .map(|req| embed_chunk(model, retry, req))
            .collect();
        let mut calls = futures_util::stream::iter(chunks).buffered(request.max_parallel_calls);
        let mut out = EmbedManyResult::default();
        while let Some(res) = calls.next().await {
            let mut res = res?;
            out.embeddings.append(&mut res.embeddings);
            if let Some(t) = res.usage.tokens {
                out.usage.tokens = Some(out.usage.tokens.unwrap_or(0).saturating_add(t));
            }
            out.responses.push(res);
        }
        if let Some(t) = out.usage.tokens {
            tracing::Span::current().record("gen_ai.usage.input_tokens", t);
        }
        Ok(out)
    };
    controlled(fut, request.timeout, request.cancel.clone())
        .instrument(span)
        .await
}
