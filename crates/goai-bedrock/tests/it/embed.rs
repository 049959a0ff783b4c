//! Every embedding family through goai-core's `embed` / `embed_many`, against the emulator.

use goai_bedrock::{EmbeddingFamily, EmbeddingOptions};
use goai_core::{
    DataSource, EmbedRequest, EmbeddingInput, EmbeddingModel, EmbeddingRequest, Error, embed,
    embed_many,
};
use serde_json::json;

use super::support::{bedrock, bounded};

fn norm(v: &[f32]) -> f32 {
    v.iter().map(|x| x * x).sum::<f32>().sqrt()
}

fn image(bytes: &[u8], media_type: &str) -> EmbeddingInput {
    EmbeddingInput::Image {
        data: DataSource::Bytes(bytes.to_vec()),
        media_type: media_type.into(),
    }
}

fn api_error(err: &Error) -> &goai_core::ApiError {
    match err {
        Error::Api(api) => api,
        other => panic!("expected an API error, got {other:?}"),
    }
}

#[tokio::test]
async fn titan_text_v2_dimensions_normalize_and_usage() {
    let (_emu, b) = bedrock().await;
    let model = b.embedding("amazon.titan-embed-text-v2:0");
    assert_eq!(model.family(), Some(EmbeddingFamily::TitanTextV2));
    assert_eq!(model.max_values_per_call(), Some(1));
    let out = bounded(embed_many(
        &model,
        EmbedRequest::new(["alpha", "beta", "alpha"]).dimensions(256),
    ))
    .await
    .expect("embeds");
    assert_eq!(out.embeddings.len(), 3);
    assert_eq!(out.responses.len(), 3, "one call per value");
    assert!(out.embeddings.iter().all(|e| e.len() == 256));
    assert_eq!(out.embeddings[0], out.embeddings[2]);
    assert_ne!(out.embeddings[0], out.embeddings[1]);
    assert!((norm(&out.embeddings[0]) - 1.0).abs() < 1e-3);
    assert_eq!(out.usage.tokens, Some(5), "2 + 1 + 2 (one per 4 bytes)");
    assert!(
        out.responses[0].provider_metadata["bedrock"]["requestId"].is_string(),
        "{:?}",
        out.responses[0].provider_metadata
    );

    // normalize=false and embeddingTypes through the provider options.
    let raw = bounded(embed_many(
        &model,
        EmbedRequest::new(["alpha"]).provider_option(
            "bedrock",
            json!({"dimensions": 512, "normalize": false, "embeddingTypes": ["float", "binary"]}),
        ),
    ))
    .await
    .expect("embeds");
    assert_eq!(raw.embeddings[0].len(), 512);
    assert!((norm(&raw.embeddings[0]) - 1.0).abs() > 1e-2);
    let by_type = &raw.responses[0].provider_metadata["bedrock"]["embeddingsByType"][0];
    assert_eq!(by_type["binary"].as_array().map(Vec::len), Some(512));

    // Bedrock's validation reaches the caller.
    let err = bounded(embed_many(&model, EmbedRequest::new(["x"]).dimensions(7)))
        .await
        .expect_err("7 dimensions");
    assert_eq!(
        api_error(&err).error_type.as_deref(),
        Some("ValidationException")
    );
}

#[tokio::test]
async fn titan_text_v1_is_fixed_size() {
    let (_emu, b) = bedrock().await;
    let model = b.embedding("amazon.titan-embed-text-v1");
    let one = bounded(embed(&model, "hello")).await.expect("embeds");
    assert_eq!(one.embedding.len(), 1536);
    assert_eq!(one.usage.tokens, Some(2));
    let err = bounded(embed_many(&model, EmbedRequest::new(["x"]).dimensions(256)))
        .await
        .expect_err("fixed size");
    assert!(matches!(err, Error::InvalidRequest { .. }), "{err:?}");
}

#[tokio::test]
async fn titan_multimodal_text_and_image() {
    let (_emu, b) = bedrock().await;
    let model = b
        .embedding("amazon.titan-embed-image-v1")
        .with_dimensions(384);
    let out = bounded(embed_many(
        &model,
        EmbedRequest::new([
            EmbeddingInput::from("a red bicycle"),
            image(b"\x89PNG\r\n\x1a\nfake", "image/png"),
        ]),
    ))
    .await
    .expect("embeds");
    assert_eq!(out.embeddings.len(), 2);
    assert!(out.embeddings.iter().all(|e| e.len() == 384));
    assert_ne!(out.embeddings[0], out.embeddings[1]);
    assert_eq!(out.usage.tokens, Some(4));
}

#[tokio::test]
async fn nova_multimodal_purpose_dimensions_truncation() {
    let (_emu, b) = bedrock().await;
    let model = b
        .embedding("amazon.nova-2-multimodal-embeddings-v1:0")
        .with_purpose("GENERIC_RETRIEVAL");
    assert_eq!(model.family(), Some(EmbeddingFamily::NovaMultimodal));
    let text = bounded(embed_many(
        &model,
        EmbedRequest::new(["hello nova"])
            .dimensions(1024)
            .provider_option("bedrock", json!({"truncation": "NONE"})),
    ))
    .await
    .expect("embeds");
    assert_eq!(text.embeddings[0].len(), 1024);
    assert_eq!(text.usage.tokens, Some(3), "from the token-count header");
    assert_eq!(
        text.responses[0].provider_metadata["bedrock"]["embeddingType"],
        "TEXT"
    );
    // Default dimension (3072), an image value.
    let img = bounded(embed(&model, image(b"GIF89a...", "image/gif")))
        .await
        .expect("embeds");
    assert_eq!(img.embedding.len(), 3072);
    // A long text is cut by the default END truncation, rejected with NONE.
    let long = "word ".repeat(8000);
    bounded(embed(&model, long.as_str()))
        .await
        .expect("END truncation");
    let err = bounded(embed_many(
        &model,
        EmbedRequest::new([long.as_str()])
            .provider_option("bedrock", json!({"truncation": "NONE"})),
    ))
    .await
    .expect_err("too long");
    // Bedrock's "too long" is classified as a context overflow.
    assert!(matches!(err, Error::ContextOverflow { .. }), "{err:?}");
    let err = bounded(embed_many(
        &model,
        EmbedRequest::new(["x"]).provider_option("bedrock", json!({"purpose": "EVERYTHING"})),
    ))
    .await
    .expect_err("bad purpose");
    assert_eq!(
        api_error(&err).error_type.as_deref(),
        Some("ValidationException")
    );
}

#[tokio::test]
async fn cohere_v3_batches_of_96() {
    let (_emu, b) = bedrock().await;
    let model = b
        .embedding("cohere.embed-english-v3")
        .with_input_type("search_query");
    assert_eq!(model.max_values_per_call(), Some(96));
    let values: Vec<String> = (0..200).map(|i| format!("text number {}", i % 7)).collect();
    let out = bounded(embed_many(&model, EmbedRequest::new(values.clone())))
        .await
        .expect("embeds");
    assert_eq!(out.embeddings.len(), 200);
    assert_eq!(out.responses.len(), 3, "96 + 96 + 8");
    assert!(out.embeddings.iter().all(|e| e.len() == 1024));
    assert_eq!(out.embeddings[0], out.embeddings[7]);
    assert_eq!(out.embeddings[5], out.embeddings[194]);
    let expected: u64 = values.iter().map(|v| v.len().div_ceil(4) as u64).sum();
    assert_eq!(out.usage.tokens, Some(expected));

    // One call with more than 96 values is refused before sending.
    let mut too_many = EmbeddingRequest::default();
    too_many.values = values
        .iter()
        .map(|v| EmbeddingInput::from(v.as_str()))
        .collect();
    let err = bounded(model.embed(&too_many)).await.expect_err("too many");
    assert!(matches!(err, Error::InvalidRequest { .. }), "{err:?}");

    // By type: float is returned, the rest kept in the metadata.
    let typed = bounded(embed_many(
        &model,
        EmbedRequest::new(["a", "b"])
            .provider_option("bedrock", json!({"embeddingTypes": ["int8", "float"]})),
    ))
    .await
    .expect("embeds");
    let meta = &typed.responses[0].provider_metadata["bedrock"]["embeddingsByType"];
    assert_eq!(meta[1]["int8"].as_array().map(Vec::len), Some(1024));
    let plain = bounded(embed(&model, "a")).await.expect("embeds");
    assert_eq!(typed.embeddings[0], plain.embedding);
}

#[tokio::test]
async fn cohere_v4_cross_region_dimensions_and_images() {
    let (_emu, b) = bedrock().await;
    let model = b.embedding("us.cohere.embed-v4:0");
    assert_eq!(model.family(), Some(EmbeddingFamily::CohereV4));
    assert_eq!(model.routed_region(), "us-east-1");
    let out = bounded(embed_many(
        &model,
        EmbedRequest::new(["first", "second"]).dimensions(512),
    ))
    .await
    .expect("embeds");
    assert_eq!(out.embeddings.len(), 2);
    assert!(out.embeddings.iter().all(|e| e.len() == 512));
    assert_eq!(out.usage.tokens, Some(4));
    let default_size = bounded(embed(&model, "first")).await.expect("embeds");
    assert_eq!(default_size.embedding.len(), 1536);

    let images = bounded(embed_many(
        &model,
        EmbedRequest::new([image(b"one", "image/png"), image(b"two", "image/jpeg")]),
    ))
    .await
    .expect("images");
    assert_eq!(images.embeddings.len(), 2);
    let mixed = bounded(embed_many(
        &model,
        EmbedRequest::new([EmbeddingInput::from("caption"), image(b"one", "image/png")]),
    ))
    .await
    .expect("mixed");
    assert_eq!(mixed.embeddings.len(), 2);
    assert_eq!(mixed.embeddings[1], images.embeddings[0]);

    let err = bounded(embed_many(
        &model,
        EmbedRequest::new(["x"]).provider_option("bedrock", json!({"inputType": "image"})),
    ))
    .await
    .expect_err("bad input type");
    assert_eq!(
        api_error(&err).error_type.as_deref(),
        Some("ValidationException")
    );
}

#[tokio::test]
async fn unknown_models_and_options() {
    let (_emu, b) = bedrock().await;
    let unknown = b.embedding("arn:aws:bedrock:us-east-1:123456789012:provisioned-model/abc");
    assert_eq!(unknown.family(), None);
    let err = bounded(embed(&unknown, "x"))
        .await
        .expect_err("unknown family");
    assert!(matches!(err, Error::InvalidRequest { .. }), "{err:?}");
    let pinned = b
        .embedding("amazon.titan-embed-text-v2:0")
        .with_family(EmbeddingFamily::TitanTextV2)
        .with_dimensions(256)
        .with_normalize(true)
        .with_embedding_types(["float"]);
    let mut expected = EmbeddingOptions::default();
    expected.dimensions = Some(256);
    expected.normalize = Some(true);
    expected.embedding_types = vec!["float".into()];
    assert_eq!(pinned.options(), &expected);
    assert_eq!(
        bounded(embed(&pinned, "x"))
            .await
            .expect("embeds")
            .embedding
            .len(),
        256
    );
}
