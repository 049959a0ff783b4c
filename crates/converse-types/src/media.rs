//! Images, documents, videos and audio, and where their bytes come from.

use serde::Serialize;

use crate::blob::Blob;
use crate::content::ErrorBlock;

/// An object in Amazon S3 (`S3Location`).
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct S3Location {
    /// The object URI, `s3://bucket/key`.
    pub uri: String,
    /// The account that owns the bucket, when it is not the caller's.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bucket_owner: Option<String>,
}

struct_deserialize! {
    S3Location {
        uri: "uri",
        bucket_owner: "bucketOwner",
    }
}

impl S3Location {
    /// A location from its `s3://` URI.
    pub fn new(uri: impl Into<String>) -> Self {
        Self {
            uri: uri.into(),
            bucket_owner: None,
        }
    }
}

string_enum! {
    /// Image encoding (`ImageFormat`).
    pub enum ImageFormat {
        /// `png`.
        Png = "png",
        /// `jpeg`.
        Jpeg = "jpeg",
        /// `gif`.
        Gif = "gif",
        /// `webp`.
        Webp = "webp",
    }
}

union_enum! {
    /// Where an image comes from (`ImageSource`).
    pub enum ImageSource {
        /// The image bytes.
        Bytes(Blob) = "bytes",
        /// An object in S3.
        S3Location(S3Location) = "s3Location",
    }
}

impl Default for ImageSource {
    fn default() -> Self {
        Self::Bytes(Blob::default())
    }
}

/// An image (`ImageBlock`).
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ImageBlock {
    /// The encoding.
    pub format: ImageFormat,
    /// Where the image comes from.
    pub source: ImageSource,
    /// An error the service attached to the image (output only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<ErrorBlock>,
}

struct_deserialize! {
    ImageBlock {
        format: "format",
        source: "source",
        error: "error",
    }
}

impl ImageBlock {
    /// An image from its bytes.
    pub fn bytes(format: ImageFormat, bytes: impl Into<Vec<u8>>) -> Self {
        Self {
            format,
            source: ImageSource::Bytes(Blob::new(bytes)),
            error: None,
        }
    }

    /// An image stored in S3.
    pub fn s3(format: ImageFormat, uri: impl Into<String>) -> Self {
        Self {
            format,
            source: ImageSource::S3Location(S3Location::new(uri)),
            error: None,
        }
    }
}

string_enum! {
    /// Document encoding (`DocumentFormat`).
    pub enum DocumentFormat {
        /// `pdf`.
        Pdf = "pdf",
        /// `csv`.
        Csv = "csv",
        /// `doc`.
        Doc = "doc",
        /// `docx`.
        Docx = "docx",
        /// `xls`.
        Xls = "xls",
        /// `xlsx`.
        Xlsx = "xlsx",
        /// `html`.
        Html = "html",
        /// `txt`.
        Txt = "txt",
        /// `md`.
        Md = "md",
    }
}

union_enum! {
    /// A piece of structured document content (`DocumentContentBlock`).
    pub enum DocumentContentBlock {
        /// Text.
        Text(String) = "text",
    }
}

union_enum! {
    /// Where a document comes from (`DocumentSource`).
    pub enum DocumentSource {
        /// The document bytes.
        Bytes(Blob) = "bytes",
        /// An object in S3.
        S3Location(S3Location) = "s3Location",
        /// The document as plain text.
        Text(String) = "text",
        /// The document as structured content blocks.
        Content(Vec<DocumentContentBlock>) = "content",
    }
}

impl Default for DocumentSource {
    fn default() -> Self {
        Self::Bytes(Blob::default())
    }
}

/// Whether the model should cite a document (`CitationsConfig`).
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CitationsConfig {
    /// Turn citations on.
    pub enabled: bool,
}

struct_deserialize! {
    CitationsConfig {
        enabled: "enabled",
    }
}

/// A document (`DocumentBlock`).
///
/// The service requires `name` to be 1 to 200 characters, made of letters, digits, single
/// spaces, hyphens, parentheses and square brackets, and unique within a request.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DocumentBlock {
    /// The encoding (optional when the source is text or content).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub format: Option<DocumentFormat>,
    /// The document name.
    pub name: String,
    /// Where the document comes from.
    pub source: DocumentSource,
    /// Extra context about the document.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub context: Option<String>,
    /// Citation settings.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub citations: Option<CitationsConfig>,
}

struct_deserialize! {
    DocumentBlock {
        format: "format",
        name: "name",
        source: "source",
        context: "context",
        citations: "citations",
    }
}

impl DocumentBlock {
    /// A document from its bytes.
    pub fn bytes(
        format: DocumentFormat,
        name: impl Into<String>,
        bytes: impl Into<Vec<u8>>,
    ) -> Self {
        Self {
            format: Some(format),
            name: name.into(),
            source: DocumentSource::Bytes(Blob::new(bytes)),
            ..Self::default()
        }
    }

    /// A document given as plain text.
    pub fn text(name: impl Into<String>, text: impl Into<String>) -> Self {
        Self {
            format: Some(DocumentFormat::Txt),
            name: name.into(),
            source: DocumentSource::Text(text.into()),
            ..Self::default()
        }
    }
}

string_enum! {
    /// Video encoding (`VideoFormat`).
    pub enum VideoFormat {
        /// `mkv`.
        Mkv = "mkv",
        /// `mov`.
        Mov = "mov",
        /// `mp4`.
        Mp4 = "mp4",
        /// `webm`.
        Webm = "webm",
        /// `flv`.
        Flv = "flv",
        /// `mpeg`.
        Mpeg = "mpeg",
        /// `mpg`.
        Mpg = "mpg",
        /// `wmv`.
        Wmv = "wmv",
        /// `three_gp` (3GP).
        ThreeGp = "three_gp",
    }
}

union_enum! {
    /// Where a video comes from (`VideoSource`).
    pub enum VideoSource {
        /// The video bytes.
        Bytes(Blob) = "bytes",
        /// An object in S3.
        S3Location(S3Location) = "s3Location",
    }
}

impl Default for VideoSource {
    fn default() -> Self {
        Self::Bytes(Blob::default())
    }
}

/// A video (`VideoBlock`).
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct VideoBlock {
    /// The encoding.
    pub format: VideoFormat,
    /// Where the video comes from.
    pub source: VideoSource,
}

struct_deserialize! {
    VideoBlock {
        format: "format",
        source: "source",
    }
}

string_enum! {
    /// Audio encoding (`AudioFormat`).
    pub enum AudioFormat {
        /// `mp3`.
        Mp3 = "mp3",
        /// `opus`.
        Opus = "opus",
        /// `wav`.
        Wav = "wav",
        /// `aac`.
        Aac = "aac",
        /// `flac`.
        Flac = "flac",
        /// `mp4`.
        Mp4 = "mp4",
        /// `ogg`.
        Ogg = "ogg",
        /// `mkv`.
        Mkv = "mkv",
        /// `mka`.
        Mka = "mka",
        /// `x-aac`.
        XAac = "x-aac",
        /// `m4a`.
        M4a = "m4a",
        /// `mpeg`.
        Mpeg = "mpeg",
        /// `mpga`.
        Mpga = "mpga",
        /// `pcm`.
        Pcm = "pcm",
        /// `webm`.
        Webm = "webm",
    }
}

union_enum! {
    /// Where an audio clip comes from (`AudioSource`).
    pub enum AudioSource {
        /// The audio bytes.
        Bytes(Blob) = "bytes",
        /// An object in S3.
        S3Location(S3Location) = "s3Location",
    }
}

impl Default for AudioSource {
    fn default() -> Self {
        Self::Bytes(Blob::default())
    }
}

/// An audio clip (`AudioBlock`).
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AudioBlock {
    /// The encoding.
    pub format: AudioFormat,
    /// Where the audio comes from.
    pub source: AudioSource,
    /// An error the service attached to the clip (output only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<ErrorBlock>,
}

struct_deserialize! {
    AudioBlock {
        format: "format",
        source: "source",
        error: "error",
    }
}
