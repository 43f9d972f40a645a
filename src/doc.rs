//! Documents and spans: the plain data every stage passes along.
//!
//! In: nothing (these are types). Out: [`Document`], [`Span`], [`TextEncoding`].
//!
//! Invariants:
//! - `Document::text` is valid UTF-8 (a `String`); every [`Span`] anywhere in the crate is a
//!   byte range `start..end` (end exclusive) into the `text` of the document it belongs to, and
//!   lies on UTF-8 character boundaries.
//! - When the input was valid UTF-8, `text` is the input's bytes unchanged (a byte-order mark
//!   included), so spans are offsets into the original file as well.

use serde::{Deserialize, Serialize};

/// A byte range `start..end` (end exclusive) into a document's UTF-8 text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct Span {
    /// Offset of the first byte.
    pub start: usize,
    /// Offset just past the last byte.
    pub end: usize,
}

impl Span {
    /// The span `start..end`.
    pub fn new(start: usize, end: usize) -> Self {
        debug_assert!(start <= end);
        Span { start, end }
    }

    /// Length in bytes.
    pub fn len(&self) -> usize {
        self.end - self.start
    }

    /// Whether the span holds no bytes.
    pub fn is_empty(&self) -> bool {
        self.start == self.end
    }

    /// Bytes the two spans have in common.
    pub fn shared_len(&self, other: Span) -> usize {
        self.end
            .min(other.end)
            .saturating_sub(self.start.max(other.start))
    }

    /// Whether the two spans share a byte.
    pub fn overlaps(&self, other: Span) -> bool {
        self.start < other.end && other.start < self.end
    }

    /// The text this span covers in `text`.
    pub fn slice<'a>(&self, text: &'a str) -> &'a str {
        &text[self.start..self.end]
    }
}

/// How the bytes of a document were turned into text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum TextEncoding {
    /// Valid UTF-8: the text is the input unchanged and spans are offsets into the input.
    #[serde(rename = "utf-8")]
    Utf8,
    /// UTF-16 little-endian with a byte-order mark, transcoded to UTF-8.
    #[serde(rename = "utf-16le")]
    Utf16le,
    /// UTF-16 big-endian with a byte-order mark, transcoded to UTF-8.
    #[serde(rename = "utf-16be")]
    Utf16be,
    /// Not valid UTF-8: decoded as Windows-1252 (the WHATWG fallback for Western text).
    /// Spans are offsets into the decoded text, not into the input.
    #[serde(rename = "windows-1252")]
    Windows1252,
}

/// One article: its metadata and its text.
#[derive(Debug, Clone, PartialEq)]
pub struct Document {
    /// Unique within a run: a path stem, a path relative to the walked directory, or a JSONL `id`.
    pub id: String,
    /// Where the document was read from (`path` or `path:line` for JSONL, `-` for stdin).
    pub path: String,
    /// The outlet that published it, when known.
    pub source: Option<String>,
    /// Publication time as given (RFC 3339 or a date), when known.
    pub published: Option<String>,
    /// Headline, when given.
    pub title: Option<String>,
    /// Address of the article, when given.
    pub url: Option<String>,
    /// The text (UTF-8, decoded from its input).
    pub text: String,
    /// How the bytes were decoded.
    pub encoding: TextEncoding,
    /// Set when the text was cut to `max_doc_bytes`: the original length in bytes.
    pub truncated_from: Option<usize>,
}

impl Document {
    /// A document with only an id and text (UTF-8, no metadata); handy for tests and library use.
    pub fn new(id: impl Into<String>, text: impl Into<String>) -> Self {
        let id = id.into();
        Document {
            path: id.clone(),
            id,
            source: None,
            published: None,
            title: None,
            url: None,
            text: text.into(),
            encoding: TextEncoding::Utf8,
            truncated_from: None,
        }
    }

    /// The same document, published by `source`.
    pub fn with_source(mut self, source: impl Into<String>) -> Self {
        self.source = Some(source.into());
        self
    }

    /// The same document, published at `published` (RFC 3339 or `YYYY-MM-DD`).
    pub fn with_published(mut self, published: impl Into<String>) -> Self {
        self.published = Some(published.into());
        self
    }
}

/// One paragraph of a document, as segmented and tokenized.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Paragraph {
    /// Where the paragraph is in the document's text.
    pub span: Span,
    /// Word tokens in the paragraph.
    pub tokens: u32,
    /// Whether it was long enough (`min_paragraph_tokens`) to be fingerprinted.
    pub fingerprinted: bool,
    /// Hash of the normalized token sequence (equal text, equal key); 0 when it has no words.
    pub key: u64,
}

/// A fingerprinted paragraph: the unit that LSH, verification and clustering work on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Node {
    /// Index of the document in the corpus.
    pub doc: u32,
    /// Index of the paragraph in its document.
    pub paragraph: u32,
    /// Where the paragraph is in the document's text.
    pub span: Span,
}
