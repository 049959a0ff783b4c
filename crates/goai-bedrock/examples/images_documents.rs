//! Images and documents: bytes inline, or `s3://` URIs that Bedrock reads
//! itself.
//!
//! ```sh
//! cargo run -p goai-bedrock --example images_documents
//! ```

#[path = "support/connect.rs"]
mod connect;

use goai_core::{Message, Part, Request, generate_text};

/// A 1x1 transparent PNG.
const PIXEL_PNG: &[u8] = &[
    0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44, 0x52,
    0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06, 0x00, 0x00, 0x00, 0x1f, 0x15, 0xc4,
    0x89, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x44, 0x41, 0x54, 0x78, 0x9c, 0x63, 0x00, 0x01, 0x00, 0x00,
    0x05, 0x00, 0x01, 0x0d, 0x0a, 0x2d, 0xb4, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4e, 0x44, 0xae,
    0x42, 0x60, 0x82,
];

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let conn = connect::connect().await?;
    let model = conn
        .bedrock
        .chat(conn.model_id("us.amazon.nova-lite-v1:0", "amazon.nova-lite-v1:0"));
    let csv = b"city,celsius\nParis,21\nOslo,9\n".to_vec();
    let message = Message::user("Describe the image, then say which city in the table is warmer.")
        .with_part(Part::image_bytes(PIXEL_PNG, "image/png"))
        .with_part(Part::file(
            csv,
            "text/csv",
            Some("weather table.csv".to_owned()),
        ));
    // An S3 object works the same way: Part::image_url("s3://bucket/key.png").
    let out = generate_text(&model, Request::from_messages([message]).max_tokens(300)).await?;
    println!("{}", out.text);
    Ok(())
}
