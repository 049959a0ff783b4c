//! Citations and search results.

use serde::Serialize;

use crate::media::CitationsConfig;

/// A web page that was cited (`WebLocation`).
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct WebLocation {
    /// The page URL.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// The page's domain.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub domain: Option<String>,
}

struct_deserialize! {
    WebLocation {
        url: "url",
        domain: "domain",
    }
}

/// A character range in a document (`DocumentCharLocation`).
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DocumentCharLocation {
    /// Which document of the request, counting from 0.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub document_index: Option<u32>,
    /// The first character.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub start: Option<u32>,
    /// The end character.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub end: Option<u32>,
}

struct_deserialize! {
    DocumentCharLocation {
        document_index: "documentIndex",
        start: "start",
        end: "end",
    }
}

/// A page range in a document (`DocumentPageLocation`).
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DocumentPageLocation {
    /// Which document of the request, counting from 0.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub document_index: Option<u32>,
    /// The first page.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub start: Option<u32>,
    /// The end page.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub end: Option<u32>,
}

struct_deserialize! {
    DocumentPageLocation {
        document_index: "documentIndex",
        start: "start",
        end: "end",
    }
}

/// A chunk range in a document (`DocumentChunkLocation`).
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DocumentChunkLocation {
    /// Which document of the request, counting from 0.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub document_index: Option<u32>,
    /// The first chunk.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub start: Option<u32>,
    /// The end chunk.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub end: Option<u32>,
}

struct_deserialize! {
    DocumentChunkLocation {
        document_index: "documentIndex",
        start: "start",
        end: "end",
    }
}

/// A range of content blocks in a search result (`SearchResultLocation`).
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SearchResultLocation {
    /// Which search result of the request, counting from 0.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub search_result_index: Option<u32>,
    /// The first content block.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub start: Option<u32>,
    /// The end content block.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub end: Option<u32>,
}

struct_deserialize! {
    SearchResultLocation {
        search_result_index: "searchResultIndex",
        start: "start",
        end: "end",
    }
}

union_enum! {
    /// Where cited content sits in its source (`CitationLocation`).
    pub enum CitationLocation {
        /// A web page.
        Web(WebLocation) = "web",
        /// A character range of a document.
        DocumentChar(DocumentCharLocation) = "documentChar",
        /// A page range of a document.
        DocumentPage(DocumentPageLocation) = "documentPage",
        /// A chunk range of a document.
        DocumentChunk(DocumentChunkLocation) = "documentChunk",
        /// A range of a search result.
        SearchResultLocation(SearchResultLocation) = "searchResultLocation",
    }
}

union_enum! {
    /// Cited source text (`CitationSourceContent`).
    pub enum CitationSourceContent {
        /// The text.
        Text(String) = "text",
    }
}

union_enum! {
    /// Text the model generated alongside citations (`CitationGeneratedContent`).
    pub enum CitationGeneratedContent {
        /// The text.
        Text(String) = "text",
    }
}

/// One citation (`Citation`).
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Citation {
    /// The source's title.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// The source's identifier.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    /// The cited source text.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source_content: Option<Vec<CitationSourceContent>>,
    /// Where the cited text sits in the source.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub location: Option<CitationLocation>,
}

struct_deserialize! {
    Citation {
        title: "title",
        source: "source",
        source_content: "sourceContent",
        location: "location",
    }
}

/// Generated text with the citations that back it (`CitationsContentBlock`).
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CitationsContentBlock {
    /// The generated text.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub content: Option<Vec<CitationGeneratedContent>>,
    /// The citations.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub citations: Option<Vec<Citation>>,
}

struct_deserialize! {
    CitationsContentBlock {
        content: "content",
        citations: "citations",
    }
}

/// Streamed cited source text (`CitationSourceContentDelta`).
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CitationSourceContentDelta {
    /// The text.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
}

struct_deserialize! {
    CitationSourceContentDelta {
        text: "text",
    }
}

/// A streamed citation (`CitationsDelta`).
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CitationsDelta {
    /// The source's title.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// The source's identifier.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    /// The cited source text.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source_content: Option<Vec<CitationSourceContentDelta>>,
    /// Where the cited text sits in the source.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub location: Option<CitationLocation>,
}

struct_deserialize! {
    CitationsDelta {
        title: "title",
        source: "source",
        source_content: "sourceContent",
        location: "location",
    }
}

/// One text block of a search result (`SearchResultContentBlock`).
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SearchResultContentBlock {
    /// The text.
    pub text: String,
}

struct_deserialize! {
    SearchResultContentBlock {
        text: "text",
    }
}

/// A search result supplied to the model (`SearchResultBlock`).
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SearchResultBlock {
    /// Where the result comes from (a URL or other identifier).
    pub source: String,
    /// The result's title.
    pub title: String,
    /// The result's text.
    pub content: Vec<SearchResultContentBlock>,
    /// Citation settings.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub citations: Option<CitationsConfig>,
}

struct_deserialize! {
    SearchResultBlock {
        source: "source",
        title: "title",
        content: "content",
        citations: "citations",
    }
}
