//! embed / embed_many against the mock embedding model.
#![cfg(feature = "testing")]

use std::sync::Arc;
use std::time::Duration;

use goai_core::testing::MockEmbeddingModel;
use goai_core::*;

#[tokio::test(start_paused = true)]
async fn embed_many_chunks_keeps_order_and_bounds_parallelism() {
    let model = MockEmbeddingModel::new()
        .with_max_values_per_call(2)
        .with_delay(Duration::from_millis(100));
    let values: Vec<String> = (0..9).map(|i| "x".repeat(i + 1)).collect();
    let out = embed_many(
        &model,
        EmbedRequest::new(values.clone()).max_parallel_calls(2),
    )
    .await
    .unwrap();
    assert_eq!(out.embeddings.len(), 9);
    for (v, e) in values.iter().zip(&out.embeddings) {
        assert_eq!(e, &model.embedding_of(v));
    }
    let sizes: Vec<usize> = model.requests().iter().map(|r| r.values.len()).collect();
    assert_eq!(sizes, vec![2, 2, 2, 2, 1]);
    assert_eq!(model.max_in_flight(), 2);
    assert_eq!(out.usage.tokens, Some(9));
    assert_eq!(out.responses.len(), 5);
}

#[tokio::test(start_paused = true)]
async fn embed_retries_and_works_through_dyn() {
    let model: Arc<dyn EmbeddingModel> =
        Arc::new(MockEmbeddingModel::new().with_error(ApiError::new(429, "slow")));
    let out = embed(&model, "hello").await.unwrap();
    assert_eq!(out.embedding[0], 5.0);

    let failing = MockEmbeddingModel::new().with_error(ApiError::new(400, "bad"));
    let err = embed_many(&failing, EmbedRequest::new(["a"]))
        .await
        .unwrap_err();
    assert_eq!(err.as_api().map(|a| a.status), Some(400));
}

#[tokio::test(start_paused = true)]
async fn embed_many_times_out() {
    let model = MockEmbeddingModel::new().with_delay(Duration::from_secs(10));
    let err = embed_many(
        &model,
        EmbedRequest::new(["a"]).timeout(Duration::from_secs(1)),
    )
    .await
    .unwrap_err();
    assert!(err.is_timeout());
}
