//! Images, documents and videos: where the bytes come from, the wire format,
//! and document names.
//!
//! Sources: [`DataSource::Bytes`], a `data:<media type>;base64,<data>` URL, or
//! an `s3://bucket/key` URI (sent as `s3Location`; the part provider option
//! `{"bedrock": {"bucketOwner": "123456789012"}}` sets the bucket owner).
//! Other URLs (`https://...`) are rejected: Bedrock does not fetch them and this
//! crate does not download on the caller's behalf.

use std::collections::HashSet;

use base64::Engine as _;
use converse_types::{
    Blob, CitationsConfig, ContentBlock, DocumentBlock, DocumentFormat, DocumentSource, ImageBlock,
    ImageFormat, ImageSource, S3Location, VideoBlock, VideoFormat, VideoSource,
};
use goai_core::{DataSource, Error, Part};
use serde_json::Value;

use super::bedrock_options;

/// Longest document name Bedrock accepts.
const MAX_NAME_CHARS: usize = 200;

/// Where the bytes of a media part come from, resolved.
enum Source {
    Bytes(Vec<u8>, Option<String>),
    S3(S3Location),
}

/// Resolves a [`DataSource`]. A data URL's media type is returned with its bytes.
fn resolve(data: &DataSource, part: &Part) -> Result<Source, Error> {
    match data {
        DataSource::Bytes(bytes) => Ok(Source::Bytes(bytes.clone(), None)),
        DataSource::Url(url) => {
            if let Some(rest) = url.strip_prefix("data:") {
                let (meta, payload) = rest.split_once(',').ok_or_else(|| {
                    Error::invalid_request("malformed data URL: no `,` before the data")
                })?;
                let mut meta_parts = meta.split(';');
                let media_type = meta_parts
                    .next()
                    .filter(|m| !m.is_empty())
                    .map(str::to_ascii_lowercase);
                if !meta_parts.any(|p| p.eq_ignore_ascii_case("base64")) {
                    return Err(Error::invalid_request(
                        "only base64 data URLs are supported (`data:<type>;base64,<data>`)",
                    ));
                }
                let bytes = Blob::from_base64(payload.trim()).map_err(|e| {
                    Error::invalid_request(format!("invalid base64 in data URL: {e}"))
                })?;
                Ok(Source::Bytes(bytes.into_inner(), media_type))
            } else if url.starts_with("s3://") {
                let bucket_owner = bedrock_options(&part.provider_options)
                    .and_then(|o| o.get("bucketOwner"))
                    .and_then(Value::as_str)
                    .map(str::to_owned);
                Ok(Source::S3(S3Location {
                    uri: url.clone(),
                    bucket_owner,
                }))
            } else {
                let scheme = url.split_once(':').map_or(url.as_str(), |(s, _)| s);
                Err(Error::invalid_request(format!(
                    "Bedrock cannot fetch `{scheme}:` URLs; pass the bytes, a data URL or an s3:// URI"
                )))
            }
        }
        _ => Err(Error::invalid_request("unsupported media data source")),
    }
}

/// The subtype of a media type (`image/png` gives `png`), lower-cased, without parameters.
fn subtype(media_type: &str) -> String {
    let base = media_type.split(';').next().unwrap_or("").trim();
    base.rsplit('/').next().unwrap_or(base).to_ascii_lowercase()
}

fn image_format_from_subtype(sub: &str) -> Option<ImageFormat> {
    match sub {
        "png" => Some(ImageFormat::Png),
        "jpeg" | "jpg" | "pjpeg" => Some(ImageFormat::Jpeg),
        "gif" => Some(ImageFormat::Gif),
        "webp" => Some(ImageFormat::Webp),
        _ => None,
    }
}

/// Recognizes an image format from its magic bytes.
fn sniff_image(bytes: &[u8]) -> Option<ImageFormat> {
    if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some(ImageFormat::Png)
    } else if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some(ImageFormat::Jpeg)
    } else if bytes.starts_with(b"GIF87a") || bytes.starts_with(b"GIF89a") {
        Some(ImageFormat::Gif)
    } else if bytes.len() >= 12 && bytes.starts_with(b"RIFF") && bytes.get(8..12) == Some(b"WEBP") {
        Some(ImageFormat::Webp)
    } else {
        None
    }
}

/// The extension of an S3 key, lower-cased.
fn extension(uri: &str) -> Option<String> {
    let last = uri.rsplit('/').next()?;
    let (_, ext) = last.rsplit_once('.')?;
    Some(ext.to_ascii_lowercase())
}

/// An image block.
///
/// The format comes from the media type, else the data URL's media type, else
/// the bytes' magic number, else the S3 key's extension.
pub(crate) fn image_block(
    data: &DataSource,
    media_type: Option<&str>,
    part: &Part,
) -> Result<ContentBlock, Error> {
    let source = resolve(data, part)?;
    let from_type = |t: &str| image_format_from_subtype(&subtype(t));
    let format = media_type.and_then(from_type).or_else(|| match &source {
        Source::Bytes(bytes, url_type) => url_type
            .as_deref()
            .and_then(from_type)
            .or_else(|| sniff_image(bytes)),
        Source::S3(loc) => extension(&loc.uri).and_then(|e| image_format_from_subtype(&e)),
    });
    let format = format.ok_or_else(|| {
        Error::invalid_request(format!(
            "unsupported image format{}; Bedrock takes png, jpeg, gif or webp",
            media_type.map(|t| format!(" `{t}`")).unwrap_or_default()
        ))
    })?;
    let source = match source {
        Source::Bytes(bytes, _) => ImageSource::Bytes(Blob::new(bytes)),
        Source::S3(loc) => ImageSource::S3Location(loc),
    };
    Ok(ContentBlock::Image(ImageBlock {
        format,
        source,
        error: None,
    }))
}

/// The document format for a media type.
fn document_format(media_type: &str) -> Option<DocumentFormat> {
    let base = media_type
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    Some(match base.as_str() {
        "application/pdf" => DocumentFormat::Pdf,
        "text/csv" => DocumentFormat::Csv,
        "application/msword" => DocumentFormat::Doc,
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document" => {
            DocumentFormat::Docx
        }
        "application/vnd.ms-excel" => DocumentFormat::Xls,
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" => DocumentFormat::Xlsx,
        "text/html" => DocumentFormat::Html,
        "text/plain" => DocumentFormat::Txt,
        "text/markdown" | "text/x-markdown" => DocumentFormat::Md,
        _ => return None,
    })
}

fn video_format(media_type: &str) -> Option<VideoFormat> {
    Some(match subtype(media_type).as_str() {
        "x-matroska" | "mkv" => VideoFormat::Mkv,
        "quicktime" | "mov" => VideoFormat::Mov,
        "mp4" => VideoFormat::Mp4,
        "webm" => VideoFormat::Webm,
        "x-flv" | "flv" => VideoFormat::Flv,
        "mpeg" => VideoFormat::Mpeg,
        "mpg" => VideoFormat::Mpg,
        "x-ms-wmv" | "wmv" => VideoFormat::Wmv,
        "3gpp" => VideoFormat::ThreeGp,
        _ => return None,
    })
}

/// GoAI's document name sanitizing: every character other than ASCII letters,
/// digits, whitespace, hyphens, parentheses and square brackets becomes a
/// hyphen; runs of hyphens collapse to one; runs of whitespace collapse to one
/// space; leading and trailing hyphens and spaces are trimmed; the result is
/// cut to 200 characters. An empty result is `None`.
///
/// `report_v2.final.pdf` becomes `report-v2-final-pdf`.
pub(crate) fn sanitize_document_name(name: &str) -> Option<String> {
    let mut out = String::with_capacity(name.len().min(MAX_NAME_CHARS));
    for c in name.chars() {
        let c = if c.is_ascii_alphanumeric() || matches!(c, '(' | ')' | '[' | ']') {
            c
        } else if c.is_whitespace() {
            ' '
        } else {
            '-'
        };
        match (c, out.chars().last()) {
            ('-', Some('-')) | (' ', Some(' ')) => {}
            _ => out.push(c),
        }
    }
    let trimmed = out.trim_matches(|c| c == '-' || c == ' ');
    let cut: String = trimmed.chars().take(MAX_NAME_CHARS).collect();
    let cut = cut.trim_end_matches(' ').to_owned();
    (!cut.is_empty()).then_some(cut)
}

/// Document names used so far in one request (Bedrock requires them unique).
#[derive(Debug, Default)]
pub(crate) struct DocumentNames {
    used: HashSet<String>,
    count: usize,
}

impl DocumentNames {
    /// A sanitized, unique name: `name`, else `name-2`, `name-3`, ...; a
    /// missing or unusable name becomes `document-N` (N counts the documents of
    /// the request, so the same request always gets the same names).
    pub(crate) fn assign(&mut self, name: Option<&str>) -> String {
        self.count += 1;
        let base = name
            .and_then(sanitize_document_name)
            .unwrap_or_else(|| format!("document-{}", self.count));
        let mut candidate = base.clone();
        let mut n = 1usize;
        while self.used.contains(&candidate) {
            n += 1;
            let suffix = format!("-{n}");
            let keep = MAX_NAME_CHARS.saturating_sub(suffix.len());
            let stem: String = base.chars().take(keep).collect();
            candidate = format!("{stem}{suffix}");
        }
        self.used.insert(candidate.clone());
        candidate
    }
}

/// Whether the part asks for citations: `{"bedrock": {"citations": true}}` or
/// `{"bedrock": {"citations": {"enabled": true}}}`.
fn citations_flag(part: &Part) -> Option<bool> {
    match bedrock_options(&part.provider_options)?.get("citations")? {
        Value::Bool(b) => Some(*b),
        Value::Object(o) => o.get("enabled").and_then(Value::as_bool),
        _ => None,
    }
}

/// A file part: a document, or an image or video when its media type says so.
pub(crate) fn file_block(
    data: &DataSource,
    media_type: &str,
    name: Option<&str>,
    part: &Part,
    names: &mut DocumentNames,
) -> Result<ContentBlock, Error> {
    let lower = media_type.to_ascii_lowercase();
    if lower.starts_with("image/") {
        return image_block(data, Some(media_type), part);
    }
    if lower.starts_with("video/") {
        let format = video_format(&lower).ok_or_else(|| {
            Error::invalid_request(format!("unsupported video format `{media_type}`"))
        })?;
        let source = match resolve(data, part)? {
            Source::Bytes(bytes, _) => VideoSource::Bytes(Blob::new(bytes)),
            Source::S3(loc) => VideoSource::S3Location(loc),
        };
        return Ok(ContentBlock::Video(VideoBlock { format, source }));
    }
    let format = document_format(media_type).ok_or_else(|| {
        Error::invalid_request(format!(
            "unsupported document type `{media_type}`; Bedrock takes pdf, csv, doc, docx, xls, xlsx, html, txt or md"
        ))
    })?;
    let source = match resolve(data, part)? {
        Source::Bytes(bytes, _) => DocumentSource::Bytes(Blob::new(bytes)),
        Source::S3(loc) => DocumentSource::S3Location(loc),
    };
    let opts = bedrock_options(&part.provider_options);
    let context = opts
        .and_then(|o| o.get("context"))
        .and_then(Value::as_str)
        .map(str::to_owned);
    Ok(ContentBlock::Document(DocumentBlock {
        format: Some(format),
        name: names.assign(name),
        source,
        context,
        citations: citations_flag(part).map(|enabled| CitationsConfig { enabled }),
    }))
}

/// Standard base64 of raw bytes (for redacted reasoning).
pub(crate) fn to_base64(bytes: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn wire(block: &ContentBlock) -> Value {
        serde_json::to_value(block).expect("serializes")
    }

    #[test]
    fn sanitizes_like_goai() {
        assert_eq!(
            sanitize_document_name("report_v2.final.pdf").as_deref(),
            Some("report-v2-final-pdf")
        );
        assert_eq!(
            sanitize_document_name("  a   b\t\tc (1) [x] ").as_deref(),
            Some("a b c (1) [x]")
        );
        assert_eq!(sanitize_document_name("--__..--"), None);
        assert_eq!(sanitize_document_name("日本語"), None);
        assert_eq!(
            sanitize_document_name("ünïcode.txt").as_deref(),
            Some("n-code-txt")
        );
        let long = "a".repeat(300);
        assert_eq!(sanitize_document_name(&long).map(|s| s.len()), Some(200));
    }

    #[test]
    fn names_are_unique_and_deterministic() {
        let mut names = DocumentNames::default();
        assert_eq!(names.assign(Some("a.pdf")), "a-pdf");
        assert_eq!(names.assign(Some("a.pdf")), "a-pdf-2");
        assert_eq!(names.assign(Some("a pdf")), "a pdf");
        assert_eq!(names.assign(None), "document-4");
        assert_eq!(names.assign(Some("???")), "document-5");
        let long = "b".repeat(250);
        let first = names.assign(Some(&long));
        let second = names.assign(Some(&long));
        assert_eq!(first.len(), 200);
        assert_eq!(second.len(), 200);
        assert!(second.ends_with("-2"));
    }

    #[test]
    fn image_from_bytes_data_url_and_s3() {
        let p = Part::text("");
        let png = b"\x89PNG\r\n\x1a\nrest".to_vec();
        let b = image_block(&DataSource::Bytes(png.clone()), None, &p).expect("sniffed");
        assert_eq!(
            wire(&b),
            json!({"image": {"format": "png", "source": {"bytes": to_base64(&png)}}})
        );
        let url = DataSource::Url("data:image/jpeg;base64,AAEC".into());
        assert_eq!(
            wire(&image_block(&url, None, &p).expect("data url")),
            json!({"image": {"format": "jpeg", "source": {"bytes": "AAEC"}}})
        );
        let mut opts = goai_core::ProviderOptions::new();
        opts.insert("bedrock".into(), json!({"bucketOwner": "111122223333"}));
        let p = Part::text("").with_provider_options(opts);
        let s3 = DataSource::Url("s3://bucket/dir/cat.webp".into());
        assert_eq!(
            wire(&image_block(&s3, None, &p).expect("s3")),
            json!({"image": {"format": "webp", "source": {"s3Location": {"uri": "s3://bucket/dir/cat.webp", "bucketOwner": "111122223333"}}}})
        );
    }

    #[test]
    fn rejects_unfetchable_and_unknown_images() {
        let p = Part::text("");
        let https = DataSource::Url("https://example.com/a.png".into());
        assert!(matches!(
            image_block(&https, None, &p),
            Err(Error::InvalidRequest { .. })
        ));
        let garbage = DataSource::Bytes(vec![1, 2, 3]);
        assert!(image_block(&garbage, None, &p).is_err());
        let bad64 = DataSource::Url("data:image/png;base64,@@@".into());
        assert!(image_block(&bad64, None, &p).is_err());
        assert!(image_block(&DataSource::Url("data:,x".into()), None, &p).is_err());
        assert!(image_block(&DataSource::Url("data:nocomma".into()), None, &p).is_err());
    }

    #[test]
    fn documents_with_citations_and_context() {
        let mut opts = goai_core::ProviderOptions::new();
        opts.insert(
            "bedrock".into(),
            json!({"citations": {"enabled": true}, "context": "Q3 numbers"}),
        );
        let p = Part::text("").with_provider_options(opts);
        let mut names = DocumentNames::default();
        let d = file_block(
            &DataSource::Bytes(b"%PDF".to_vec()),
            "application/pdf",
            Some("q3 report.pdf"),
            &p,
            &mut names,
        )
        .expect("document");
        assert_eq!(
            wire(&d),
            json!({"document": {"format": "pdf", "name": "q3 report-pdf", "source": {"bytes": "JVBERg=="}, "context": "Q3 numbers", "citations": {"enabled": true}}})
        );
        let s3 = file_block(
            &DataSource::Url("s3://b/k.md".into()),
            "text/markdown",
            None,
            &Part::text(""),
            &mut names,
        )
        .expect("s3 document");
        assert_eq!(
            wire(&s3),
            json!({"document": {"format": "md", "name": "document-2", "source": {"s3Location": {"uri": "s3://b/k.md"}}}})
        );
        assert!(
            file_block(
                &DataSource::Bytes(vec![]),
                "application/zip",
                None,
                &Part::text(""),
                &mut names
            )
            .is_err()
        );
    }

    #[test]
    fn files_that_are_images_or_videos() {
        let mut names = DocumentNames::default();
        let p = Part::text("");
        let img = file_block(
            &DataSource::Bytes(vec![0xFF, 0xD8, 0xFF]),
            "image/jpeg",
            Some("x.jpg"),
            &p,
            &mut names,
        )
        .expect("image");
        assert_eq!(wire(&img)["image"]["format"], "jpeg");
        let vid = file_block(
            &DataSource::Url("s3://b/v.mp4".into()),
            "video/mp4",
            None,
            &p,
            &mut names,
        )
        .expect("video");
        assert_eq!(
            wire(&vid),
            json!({"video": {"format": "mp4", "source": {"s3Location": {"uri": "s3://b/v.mp4"}}}})
        );
    }
}
