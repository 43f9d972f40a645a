//! Reading a corpus: files, directories, JSONL and stdin into [`Document`]s.
//!
//! In: a list of [`Input`]s and [`IngestOptions`]. Out: a [`Corpus`] (documents in input order,
//! directories walked in sorted order) plus the [`Warning`]s for everything skipped or altered.
//!
//! What is read: a `.jsonl`/`.ndjson` file is one article per line, a `.csv`/`.tsv` file one
//! article per row (a header row names the columns), an `.html`/`.htm` page one article whose
//! text is extracted (title, byline and article paragraphs; scripts, navigation and markup
//! dropped: offsets then refer to the extracted text), a `.parquet` file one article per row
//! (the `parquet` module); any other file named on the command line
//! is one article; in a directory, `.txt` and `.md` files are articles and the kinds above are
//! read as such, each also gzip- (`.gz`) or zstd-compressed (`.zst`); every other file of a
//! walked directory is counted and named in one summary warning. Standard input is JSONL when
//! its first non-blank byte is `{` (or with [`IngestOptions::stdin_jsonl`]), Parquet when it
//! starts with Parquet's magic bytes, else one article.
//!
//! Invariants:
//! - One bad document never fails the run: empty, binary and malformed documents become counted
//!   warnings naming the input (and the line, for JSONL). Only an input path that cannot be
//!   read at all is an [`IngestError`].
//! - Valid UTF-8 is kept byte for byte. UTF-16 with a byte-order mark is transcoded. Anything
//!   else is decoded as Windows-1252 (the WHATWG fallback, via `encoding_rs`) and the document is
//!   flagged with [`TextEncoding::Windows1252`] and a warning.
//! - Document ids are unique: a repeated id gets a `~2`, `~3`… suffix and a warning.

use std::collections::{BTreeMap, HashSet};
use std::fs::File;
use std::io::{self, BufRead, BufReader, Read};
use std::path::{Path, PathBuf};

use rayon::prelude::*;
use serde::Serialize;

use crate::doc::{Document, TextEncoding};

mod capped;
mod parquet;

use capped::{Head, Overflow};

/// One thing to read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Input {
    /// A text file (one article), a `.jsonl`/`.ndjson` file, or a directory to walk.
    Path(PathBuf),
    /// Standard input: JSONL when its first non-blank byte is `{` or
    /// [`IngestOptions::stdin_jsonl`] is set, else one article.
    Stdin,
}

/// Names of the JSONL fields to read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JsonlFields {
    /// Field holding the id.
    pub id: String,
    /// Field holding the text.
    pub text: String,
    /// Field holding the outlet.
    pub source: String,
    /// Field holding the publication date.
    pub published: String,
    /// Field holding the headline.
    pub title: String,
    /// Field holding the address.
    pub url: String,
}

impl Default for JsonlFields {
    fn default() -> Self {
        JsonlFields {
            id: "id".into(),
            text: "text".into(),
            source: "source".into(),
            published: "published".into(),
            title: "title".into(),
            url: "url".into(),
        }
    }
}

/// Where a file's `source` (outlet) comes from.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum SourceRule {
    /// No outlet for plain files.
    #[default]
    None,
    /// The same outlet for every plain file.
    Fixed(String),
    /// The name of the directory holding the file.
    ParentDir,
}

#[derive(Debug, Clone, PartialEq, Eq)]
/// How inputs are read.
pub struct IngestOptions {
    /// Read stdin as JSONL records (else as one text).
    pub stdin_jsonl: bool,
    /// Which fields of JSONL, CSV and Parquet records hold what.
    pub fields: JsonlFields,
    /// How each document's outlet is found.
    pub source: SourceRule,
    /// Longest text kept per document, in bytes; the rest is counted, not kept.
    pub max_doc_bytes: usize,
    /// How documents without an id are named.
    pub generated_ids: GeneratedIds,
}

/// How documents without an id of their own are named.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum GeneratedIds {
    /// Short and readable, unique within one run: a named file's stem, a walked file's path
    /// under its directory, `stdin`; a record adds `:LINE` (`feed:12`).
    #[default]
    Readable,
    /// Unique across runs, for ids that are kept (an index): files by their canonical path
    /// (`/data/a/feed:12`), standard input by a hash of the text (`stdin:9f1c…`), since its
    /// line numbers do not tell two inputs apart.
    Qualified,
}

/// Names the records of one input that have no id: `PREFIX:LINE`, or `PREFIX:HASH` (the first
/// 16 hex digits of the text's BLAKE3 hash).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordIds {
    prefix: String,
    by_text_hash: bool,
}

impl RecordIds {
    /// `PREFIX:LINE`.
    pub fn numbered(prefix: impl Into<String>) -> RecordIds {
        RecordIds {
            prefix: prefix.into(),
            by_text_hash: false,
        }
    }

    /// `PREFIX:HASH` of the record's text.
    pub fn hashed(prefix: impl Into<String>) -> RecordIds {
        RecordIds {
            prefix: prefix.into(),
            by_text_hash: true,
        }
    }

    /// The id of the record at `line` (or row) holding `text`.
    pub fn name(&self, line: usize, text: &str) -> String {
        if self.by_text_hash {
            format!("{}:{}", self.prefix, text_hash(text.as_bytes()))
        } else {
            format!("{}:{line}", self.prefix)
        }
    }
}

/// The first 16 hex digits of the BLAKE3 hash of `bytes`.
fn text_hash(bytes: &[u8]) -> String {
    blake3::hash(bytes).to_hex()[..16].to_string()
}

impl Default for IngestOptions {
    fn default() -> Self {
        IngestOptions {
            stdin_jsonl: false,
            fields: JsonlFields::default(),
            source: SourceRule::None,
            max_doc_bytes: 16 * 1024 * 1024,
            generated_ids: GeneratedIds::Readable,
        }
    }
}

/// Why a document was skipped or altered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum WarningKind {
    /// No text, or only white space: skipped.
    Empty,
    /// NUL bytes or mostly control characters: skipped.
    Binary,
    /// Not UTF-8: decoded with a fallback encoding and kept.
    Decoded,
    /// Longer than `max_doc_bytes`: cut and kept.
    Truncated,
    /// A JSONL line that is not a JSON object, or lacks a string text field: skipped.
    MalformedRecord,
    /// An id seen before: renamed and kept.
    DuplicateId,
    /// A file or directory entry inside a walked directory that could not be read: skipped.
    Unreadable,
    /// Files of a walked directory in a format that is not read (one summary warning).
    Skipped,
}

impl WarningKind {
    /// The name used in reports (`skipped`, `unreadable`…).
    pub fn name(self) -> &'static str {
        match self {
            WarningKind::Empty => "empty",
            WarningKind::Binary => "binary",
            WarningKind::Decoded => "decoded",
            WarningKind::Truncated => "truncated",
            WarningKind::MalformedRecord => "malformed-record",
            WarningKind::DuplicateId => "duplicate-id",
            WarningKind::Unreadable => "unreadable",
            WarningKind::Skipped => "skipped",
        }
    }
}

/// A counted, non-fatal problem with one input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Warning {
    /// The input it concerns: a path, `path:line` for JSONL, or `-`.
    pub input: String,
    /// What kind of problem.
    pub kind: WarningKind,
    /// A sentence a person can read.
    pub message: String,
}

/// A failure that stops the run: an input path that cannot be read at all.
#[derive(Debug, thiserror::Error)]
pub enum IngestError {
    /// The path cannot be read.
    #[error("{path}: {source}")]
    Read {
        /// The path.
        path: String,
        /// What the system said.
        source: io::Error,
    },
}

/// The documents read, in order, and the warnings collected on the way.
#[derive(Debug, Default)]
pub struct Corpus {
    /// The documents read, in input order.
    pub documents: Vec<Document>,
    /// What was skipped or cut.
    pub warnings: Vec<Warning>,
}

/// Reads every input. Fails only when an input path itself cannot be read.
pub fn ingest(inputs: &[Input], options: &IngestOptions) -> Result<Corpus, IngestError> {
    let mut corpus = Corpus::default();
    for input in inputs {
        match input {
            Input::Stdin => read_stdin(options, &mut corpus)?,
            Input::Path(path) => read_path(path, options, &mut corpus)?,
        }
    }
    make_ids_unique(&mut corpus);
    Ok(corpus)
}

fn read_error(path: &Path, source: io::Error) -> IngestError {
    IngestError::Read {
        path: shown(path.as_os_str()),
        source,
    }
}

fn read_stdin(options: &IngestOptions, corpus: &mut Corpus) -> Result<(), IngestError> {
    let stdin = io::stdin();
    let mut lock = stdin.lock();
    let stdin_error = |e| read_error(Path::new("-"), e);
    // JSONL when asked for, or when the first non-blank byte opens a JSON object.
    let starts_with_object = loop {
        let buffer = lock.fill_buf().map_err(stdin_error)?;
        match buffer.iter().position(|b| !b.is_ascii_whitespace()) {
            Some(at) => break buffer[at] == b'{',
            None if buffer.is_empty() => break false,
            None => {
                // Keep the blank bytes out of the way: a blank line is no record or text.
                let n = buffer.len();
                lock.consume(n);
            }
        }
    };
    let qualified = options.generated_ids == GeneratedIds::Qualified;
    let ids = if qualified {
        RecordIds::hashed("stdin")
    } else {
        RecordIds::numbered("stdin")
    };
    if options.stdin_jsonl || starts_with_object {
        return read_jsonl(&mut lock, "-", &ids, options, corpus);
    }
    if lock
        .fill_buf()
        .map_err(stdin_error)?
        .starts_with(parquet::MAGIC)
    {
        // Parquet is read from its end: the whole table is held.
        let mut bytes = Vec::new();
        lock.read_to_end(&mut bytes).map_err(stdin_error)?;
        let bytes = bytes::Bytes::from(bytes);
        return parquet::read_parquet(bytes, "-", &ids, options, corpus);
    }
    let head = capped::read_head(&mut lock, options.max_doc_bytes, None).map_err(stdin_error)?;
    let file = PlainFile {
        id: if qualified {
            format!("stdin:{}", text_hash(&head.bytes))
        } else {
            "stdin".into()
        },
        display: "-".into(),
        source: match &options.source {
            SourceRule::Fixed(s) => Some(s.clone()),
            _ => None,
        },
    };
    push_file(
        FileKind::Other(Compression::None),
        file,
        head,
        options,
        corpus,
    );
    Ok(())
}

/// How a file's bytes are compressed, by its last extension.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Compression {
    None,
    Gzip,
    Zstd,
}

/// What a file holds, by its extensions (the compression's, then the content's).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum FileKind {
    /// One article per line.
    Jsonl(Compression),
    /// One article per row, columns named by a header row (`.csv`; `.tsv` with tabs).
    Table(Compression, u8),
    /// One article (`.txt`, `.md`).
    Article(Compression),
    /// A web page (`.html`, `.htm`): one article, its text extracted.
    Html(Compression),
    /// A Parquet table (`.parquet`): one article per row, columns named as for JSONL.
    Parquet(Compression),
    /// Anything else: one article when named on the command line, skipped in a directory.
    Other(Compression),
}

impl FileKind {
    fn of(path: &Path) -> FileKind {
        let (compression, inner) = match extension_lowercase(path).as_deref() {
            Some("gz") => (Compression::Gzip, path.file_stem().map(Path::new)),
            Some("zst") => (Compression::Zstd, path.file_stem().map(Path::new)),
            _ => (Compression::None, Some(path)),
        };
        match inner.and_then(extension_lowercase).as_deref() {
            Some("jsonl" | "ndjson") => FileKind::Jsonl(compression),
            Some("csv") => FileKind::Table(compression, b','),
            Some("tsv") => FileKind::Table(compression, b'\t'),
            Some("txt" | "md") => FileKind::Article(compression),
            Some("html" | "htm") => FileKind::Html(compression),
            Some("parquet") => FileKind::Parquet(compression),
            _ => FileKind::Other(compression),
        }
    }

    fn compression(self) -> Compression {
        match self {
            FileKind::Jsonl(c)
            | FileKind::Table(c, _)
            | FileKind::Article(c)
            | FileKind::Html(c)
            | FileKind::Parquet(c)
            | FileKind::Other(c) => c,
        }
    }
}

fn extension_lowercase(path: &Path) -> Option<String> {
    path.extension()
        .and_then(|e| e.to_str())
        .map(|e| e.to_ascii_lowercase())
}

/// The file's bytes, decompressed, all of them (a Parquet table).
fn read_file(path: &Path, compression: Compression) -> io::Result<Vec<u8>> {
    let mut bytes = Vec::new();
    open_file(path, compression)?.read_to_end(&mut bytes)?;
    Ok(bytes)
}

/// The first `cap` bytes of one article's file, decompressed, and its length when longer: a
/// file past the cap is never held whole.
fn read_file_head(path: &Path, compression: Compression, cap: usize) -> io::Result<Head> {
    let file = File::open(path)?;
    // A regular uncompressed file's size is known without reading it; a device's is not.
    let known_len = match compression {
        Compression::None => file
            .metadata()
            .ok()
            .filter(|m| m.is_file())
            .map(|m| m.len()),
        _ => None,
    };
    capped::read_head(&mut decompressed(file, compression)?, cap, known_len)
}

/// A buffered reader of the file's decompressed bytes.
fn open_file(path: &Path, compression: Compression) -> io::Result<Box<dyn BufRead>> {
    decompressed(File::open(path)?, compression)
}

fn decompressed(file: File, compression: Compression) -> io::Result<Box<dyn BufRead>> {
    let file = BufReader::with_capacity(1 << 20, file);
    Ok(match compression {
        Compression::None => Box::new(file),
        Compression::Gzip => Box::new(BufReader::with_capacity(
            1 << 20,
            flate2::bufread::MultiGzDecoder::new(file),
        )),
        Compression::Zstd => Box::new(BufReader::with_capacity(
            1 << 20,
            zstd::stream::read::Decoder::with_buffer(file)?,
        )),
    })
}

/// A file name without its compression and content extensions (`feed.jsonl.gz` → `feed`).
fn bare_stem(path: &Path) -> PathBuf {
    let mut bare = path.to_path_buf();
    if matches!(extension_lowercase(&bare).as_deref(), Some("gz" | "zst")) {
        bare.set_extension("");
    }
    bare.set_extension("");
    bare
}

/// Reads the rows of the Parquet file at `path`; a compressed one is decompressed into memory
/// first (Parquet is read from its end).
fn read_parquet_file(
    path: &Path,
    compression: Compression,
    display: &str,
    ids: &RecordIds,
    options: &IngestOptions,
    corpus: &mut Corpus,
) -> Result<(), IngestError> {
    if compression == Compression::None {
        let file = File::open(path).map_err(|e| read_error(path, e))?;
        return parquet::read_parquet(file, display, ids, options, corpus);
    }
    let bytes = read_file(path, compression).map_err(|e| read_error(path, e))?;
    parquet::read_parquet(bytes::Bytes::from(bytes), display, ids, options, corpus)
}

fn read_path(path: &Path, options: &IngestOptions, corpus: &mut Corpus) -> Result<(), IngestError> {
    let meta = std::fs::metadata(path).map_err(|e| read_error(path, e))?;
    if meta.is_dir() {
        return read_directory(path, options, corpus);
    }
    let stem = match options.generated_ids {
        GeneratedIds::Readable => file_stem(path),
        GeneratedIds::Qualified => shown(bare_stem(&qualified(path)).as_os_str()),
    };
    let display = shown(path.as_os_str());
    let kind = FileKind::of(path);
    let ids = RecordIds::numbered(stem.clone());
    match kind {
        FileKind::Jsonl(compression) | FileKind::Table(compression, _) => {
            let reader = open_file(path, compression).map_err(|e| read_error(path, e))?;
            read_records(kind, reader, &display, &ids, options, corpus)
        }
        FileKind::Parquet(compression) => {
            read_parquet_file(path, compression, &display, &ids, options, corpus)
        }
        FileKind::Html(_) | FileKind::Article(_) | FileKind::Other(_) => {
            let head = read_file_head(path, kind.compression(), options.max_doc_bytes)
                .map_err(|e| read_error(path, e))?;
            let file = PlainFile {
                id: stem,
                display,
                source: source_for(path, options),
            };
            push_file(kind, file, head, options, corpus);
            Ok(())
        }
    }
}

/// Reads the records of a JSONL file or a table (`kind`) from `reader`.
fn read_records(
    kind: FileKind,
    mut reader: Box<dyn BufRead>,
    display: &str,
    ids: &RecordIds,
    options: &IngestOptions,
    corpus: &mut Corpus,
) -> Result<(), IngestError> {
    match kind {
        FileKind::Table(_, delimiter) => {
            read_table(reader, delimiter, display, ids, options, corpus)
        }
        _ => read_jsonl(&mut reader, display, ids, options, corpus),
    }
}

/// A path (or a part of one) as text for ids, paths and messages: as it is when it is UTF-8;
/// else with each byte that is not UTF-8 written `\xNN`, so that two different files never
/// show the same name (a lossy conversion would give both `�`).
fn shown(name: &std::ffi::OsStr) -> String {
    if let Some(text) = name.to_str() {
        return text.to_string();
    }
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStrExt;
        let mut out = String::new();
        for chunk in name.as_bytes().utf8_chunks() {
            out.push_str(chunk.valid());
            for byte in chunk.invalid() {
                out.push_str(&format!("\\x{byte:02X}"));
            }
        }
        out
    }
    #[cfg(not(unix))]
    {
        name.to_string_lossy().into_owned()
    }
}

/// The path made absolute and canonical (links resolved) where it can be; else as given, made
/// absolute.
fn qualified(path: &Path) -> PathBuf {
    std::fs::canonicalize(path)
        .or_else(|_| std::path::absolute(path))
        .unwrap_or_else(|_| path.to_path_buf())
}

fn file_stem(path: &Path) -> String {
    bare_stem(path)
        .file_name()
        .map(shown)
        .unwrap_or_else(|| shown(path.as_os_str()))
}

fn source_for(path: &Path, options: &IngestOptions) -> Option<String> {
    match &options.source {
        SourceRule::None => None,
        SourceRule::Fixed(s) => Some(s.clone()),
        SourceRule::ParentDir => path.parent().and_then(|p| p.file_name()).map(shown),
    }
}

/// A plain-text article file, before its bytes are decoded.
struct PlainFile {
    id: String,
    display: String,
    source: Option<String>,
}

fn read_directory(
    dir: &Path,
    options: &IngestOptions,
    corpus: &mut Corpus,
) -> Result<(), IngestError> {
    // Article files are read in parallel a run at a time; a JSONL file ends the run, so the
    // documents stay in walk order.
    let mut articles: Vec<(PlainFile, PathBuf, FileKind)> = Vec::new();
    let mut skipped: BTreeMap<String, usize> = BTreeMap::new();
    // Qualified ids start with the directory's canonical path.
    let id_base = match options.generated_ids {
        GeneratedIds::Readable => None,
        GeneratedIds::Qualified => Some(shown(qualified(dir).as_os_str())),
    };
    let walker = walkdir::WalkDir::new(dir)
        .follow_links(true)
        .sort_by_file_name();
    for entry in walker {
        let entry = match entry {
            Ok(entry) => entry,
            Err(err) => {
                let input = err
                    .path()
                    .map(|p| shown(p.as_os_str()))
                    .unwrap_or_else(|| shown(dir.as_os_str()));
                // The root itself failing means the input cannot be read at all.
                if err.depth() == 0 {
                    let io = err
                        .into_io_error()
                        .unwrap_or_else(|| io::Error::other("cannot walk directory"));
                    return Err(read_error(dir, io));
                }
                corpus.warnings.push(Warning {
                    input,
                    kind: WarningKind::Unreadable,
                    message: walk_error_message(&err),
                });
                continue;
            }
        };
        if !entry.file_type().is_file() {
            continue;
        }
        let path = entry.into_path();
        // The id: the path under the directory, without extensions.
        let relative = bare_stem(path.strip_prefix(dir).unwrap_or(&path));
        let id = id_base
            .iter()
            .cloned()
            .chain(relative.components().map(|c| shown(c.as_os_str())))
            .collect::<Vec<_>>()
            .join("/");
        let ids = RecordIds::numbered(id.clone());
        let kind = FileKind::of(&path);
        match kind {
            FileKind::Article(_) | FileKind::Html(_) => {
                let file = PlainFile {
                    id,
                    display: shown(path.as_os_str()),
                    source: source_for(&path, options),
                };
                articles.push((file, path, kind));
            }
            FileKind::Jsonl(compression) | FileKind::Table(compression, _) => {
                read_articles(std::mem::take(&mut articles), options, corpus);
                let display = shown(path.as_os_str());
                match open_file(&path, compression) {
                    Ok(reader) => {
                        let read = read_records(kind, reader, &display, &ids, options, corpus);
                        if let Err(IngestError::Read { source, .. }) = read {
                            corpus.warnings.push(Warning {
                                input: display,
                                kind: WarningKind::Unreadable,
                                message: format!("cannot read the rest of the file: {source}"),
                            });
                        }
                    }
                    Err(err) => corpus.warnings.push(Warning {
                        input: display,
                        kind: WarningKind::Unreadable,
                        message: format!("cannot read file: {err}"),
                    }),
                }
            }
            FileKind::Parquet(compression) => {
                read_articles(std::mem::take(&mut articles), options, corpus);
                let display = shown(path.as_os_str());
                let read = read_parquet_file(&path, compression, &display, &ids, options, corpus);
                if let Err(IngestError::Read { source, .. }) = read {
                    corpus.warnings.push(Warning {
                        input: display,
                        kind: WarningKind::Unreadable,
                        message: format!("cannot read the rest of the file: {source}"),
                    });
                }
            }
            FileKind::Other(_) => {
                let name = path.file_name().map(shown);
                let extension = match extension_lowercase(&path) {
                    Some(ext) => format!(".{ext}"),
                    None if name.as_deref().is_some_and(|n| n.starts_with('.')) => {
                        "hidden".to_string()
                    }
                    None => "no extension".to_string(),
                };
                *skipped.entry(extension).or_default() += 1;
            }
        }
    }
    read_articles(articles, options, corpus);
    if !skipped.is_empty() {
        let total: usize = skipped.values().sum();
        let kinds: Vec<String> = skipped
            .iter()
            .map(|(extension, n)| format!("{n} {extension}"))
            .collect();
        corpus.warnings.push(Warning {
            input: shown(dir.as_os_str()),
            kind: WarningKind::Skipped,
            message: format!(
                "skipped {total} file{}: {} (read are .txt, .md, .html, .htm, .jsonl, \
                 .ndjson, .csv, .tsv and .parquet, also .gz or .zst; extract the text of other \
                 formats first)",
                if total == 1 { "" } else { "s" },
                kinds.join(", ")
            ),
        });
    }
    Ok(())
}

/// Reads and decodes article files in parallel, keeping their order.
fn read_articles(
    files: Vec<(PlainFile, PathBuf, FileKind)>,
    options: &IngestOptions,
    corpus: &mut Corpus,
) {
    let read: Vec<(PlainFile, FileKind, io::Result<Head>)> = files
        .into_par_iter()
        .map(|(file, path, kind)| {
            let head = read_file_head(&path, kind.compression(), options.max_doc_bytes);
            (file, kind, head)
        })
        .collect();
    for (file, kind, bytes) in read {
        match bytes {
            Ok(head) => push_file(kind, file, head, options, corpus),
            Err(err) => corpus.warnings.push(Warning {
                input: file.display,
                kind: WarningKind::Unreadable,
                message: format!("cannot read file: {err}"),
            }),
        }
    }
}

fn walk_error_message(err: &walkdir::Error) -> String {
    if let Some(ancestor) = err.loop_ancestor() {
        format!(
            "symbolic link loop back to {}, not followed",
            ancestor.display()
        )
    } else if let Some(io) = err.io_error() {
        format!("cannot read: {io}")
    } else {
        err.to_string()
    }
}

/// Whether a document read from `path` (as reports show it) is a web page whose text was
/// extracted: its offsets refer to the extracted text, not to the file.
pub fn is_html_path(path: &str) -> bool {
    matches!(FileKind::of(Path::new(path)), FileKind::Html(_))
}

/// The readable article of a web page.
struct ExtractedArticle {
    title: Option<String>,
    published: Option<String>,
    /// The title, the byline and the article's paragraphs, separated by blank lines.
    text: String,
}

/// The article of `html` by readability's heuristics (`dom_smoothie`, a port of Mozilla's
/// Readability.js): scripts, navigation, sidebars and markup dropped, paragraphs kept one per
/// block. `None` when the page has no article text.
fn extract_article(html: &str) -> Option<ExtractedArticle> {
    let config = dom_smoothie::Config {
        text_mode: dom_smoothie::TextMode::Formatted,
        ..dom_smoothie::Config::default()
    };
    let mut readability = dom_smoothie::Readability::new(html, None, Some(config)).ok()?;
    let article = readability.parse().ok()?;
    let title = Some(article.title.trim().to_string()).filter(|t| !t.is_empty());
    let mut blocks: Vec<String> = Vec::new();
    blocks.extend(title.clone());
    blocks.extend(
        article
            .byline
            .as_deref()
            .map(str::trim)
            .filter(|b| !b.is_empty())
            .map(str::to_string),
    );
    // One paragraph per block of the extracted text: lines joined, blank lines between.
    let body: &str = &article.text_content;
    let mut paragraph = String::new();
    for line in body.lines().map(str::trim).chain([""]) {
        if line.is_empty() {
            if !paragraph.is_empty() {
                blocks.push(std::mem::take(&mut paragraph));
            }
        } else {
            if !paragraph.is_empty() {
                paragraph.push(' ');
            }
            paragraph.push_str(line);
        }
    }
    if blocks.len() <= usize::from(title.is_some()) {
        return None;
    }
    Some(ExtractedArticle {
        title,
        published: article.published_time,
        text: blocks.join("\n\n"),
    })
}

/// One file's bytes as a document: its text as it is, or a web page's (`kind` HTML) article
/// text; an empty or binary file, or a page without an article, is a counted warning.
fn push_file(
    kind: FileKind,
    file: PlainFile,
    head: Head,
    options: &IngestOptions,
    corpus: &mut Corpus,
) {
    let skipped = |kind: WarningKind, message: &str| Warning {
        input: file.display.clone(),
        kind,
        message: message.into(),
    };
    let (text, encoding) = match decode(head.bytes) {
        Decoded::Text(text, encoding) => (text, encoding),
        Decoded::Empty => {
            let warning = skipped(WarningKind::Empty, "empty document, skipped");
            return corpus.warnings.push(warning);
        }
        Decoded::Binary => {
            let warning = skipped(
                WarningKind::Binary,
                "binary content (NUL or control bytes), skipped",
            );
            return corpus.warnings.push(warning);
        }
    };
    let mut doc = match kind {
        FileKind::Html(_) => {
            let Some(article) = extract_article(&text) else {
                let warning = skipped(
                    WarningKind::Empty,
                    "no article text found in the HTML page, skipped",
                );
                return corpus.warnings.push(warning);
            };
            // The extracted text is UTF-8 whatever the page's bytes were.
            let mut doc = Document::new(file.id, article.text);
            doc.title = article.title;
            doc.published = article.published;
            doc
        }
        _ => {
            let mut doc = Document::new(file.id, text);
            doc.encoding = encoding;
            doc
        }
    };
    doc.path = file.display;
    doc.source = file.source;
    push_document(doc, head.longer, options, corpus);
}

/// Adds a decoded document, with the warnings its encoding and length call for: a text longer
/// than the cap is cut, and so is one whose input was already cut while reading (`original`:
/// the input's length).
fn push_document(
    mut doc: Document,
    original: Option<Overflow>,
    options: &IngestOptions,
    corpus: &mut Corpus,
) {
    if doc.encoding != TextEncoding::Utf8 {
        corpus.warnings.push(Warning {
            input: doc.path.clone(),
            kind: WarningKind::Decoded,
            message: format!(
                "not valid UTF-8, decoded as {}; offsets refer to the decoded text",
                encoding_label(doc.encoding)
            ),
        });
    }
    if doc.text.len() > options.max_doc_bytes || original.is_some() {
        let length = doc.text.len();
        let (original, at_least) = match original {
            Some(o) => (
                usize::try_from(o.total).unwrap_or(usize::MAX).max(length),
                o.at_least,
            ),
            None => (length, false),
        };
        let cut = floor_char_boundary(&doc.text, options.max_doc_bytes);
        doc.text.truncate(cut);
        doc.truncated_from = Some(original);
        let more_than = if at_least { "more than " } else { "" };
        corpus.warnings.push(Warning {
            input: doc.path.clone(),
            kind: WarningKind::Truncated,
            message: format!("{more_than}{original} bytes, cut to {cut} (--max-doc-bytes)"),
        });
    }
    corpus.documents.push(doc);
}

fn encoding_label(encoding: TextEncoding) -> &'static str {
    match encoding {
        TextEncoding::Utf8 => "UTF-8",
        TextEncoding::Utf16le => "UTF-16LE",
        TextEncoding::Utf16be => "UTF-16BE",
        TextEncoding::Windows1252 => "Windows-1252",
    }
}

/// The largest index `<= index` that is a character boundary of `text`.
pub fn floor_char_boundary(text: &str, index: usize) -> usize {
    if index >= text.len() {
        return text.len();
    }
    let mut i = index;
    while !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// The result of turning raw bytes into text.
#[derive(Debug, PartialEq)]
pub enum Decoded {
    /// Decoded text, and how it was decoded.
    Text(String, TextEncoding),
    /// No bytes at all.
    Empty,
    /// Bytes that are not text.
    Binary,
}

/// Decodes one document's bytes: UTF-8 as is, UTF-16 by its byte-order mark, else
/// Windows-1252. NUL bytes (outside UTF-16) or a high share of control characters mean binary.
pub fn decode(bytes: Vec<u8>) -> Decoded {
    let utf16 = match bytes.get(..2) {
        Some([0xFF, 0xFE]) => Some((encoding_rs::UTF_16LE, TextEncoding::Utf16le)),
        Some([0xFE, 0xFF]) => Some((encoding_rs::UTF_16BE, TextEncoding::Utf16be)),
        _ => None,
    };
    let (text, encoding) = if let Some((codec, label)) = utf16 {
        let (text, _) = codec.decode_without_bom_handling(&bytes[2..]);
        (text.into_owned(), label)
    } else {
        if bytes.contains(&0) {
            return Decoded::Binary;
        }
        match String::from_utf8(bytes) {
            Ok(text) => (text, TextEncoding::Utf8),
            Err(err) => {
                let bytes = err.into_bytes();
                let (text, _) = encoding_rs::WINDOWS_1252.decode_without_bom_handling(&bytes);
                (text.into_owned(), TextEncoding::Windows1252)
            }
        }
    };
    classify_text(text, encoding)
}

fn classify_text(text: String, encoding: TextEncoding) -> Decoded {
    if text.trim().is_empty() {
        return Decoded::Empty;
    }
    let mut chars = 0usize;
    let mut control = 0usize;
    for c in text.chars().take(64 * 1024) {
        chars += 1;
        if c.is_control() && !matches!(c, '\n' | '\r' | '\t' | '\x0c') {
            control += 1;
        }
    }
    if control * 10 > chars || text.contains('\0') {
        return Decoded::Binary;
    }
    Decoded::Text(text, encoding)
}

/// Reads JSONL records from `reader` (named `display` in warnings; `ids` names records without
/// an id) into `corpus`. Fails only when the reader itself fails.
pub fn read_jsonl(
    reader: &mut dyn BufRead,
    display: &str,
    ids: &RecordIds,
    options: &IngestOptions,
    corpus: &mut Corpus,
) -> Result<(), IngestError> {
    // A UTF-8 byte-order mark is no part of the first record; UTF-16 (by its mark) is
    // transcoded whole first.
    let start = reader
        .fill_buf()
        .map_err(|e| read_error(Path::new(display), e))?;
    if start.starts_with(&[0xEF, 0xBB, 0xBF]) {
        reader.consume(3);
    } else if start.starts_with(&[0xFF, 0xFE]) || start.starts_with(&[0xFE, 0xFF]) {
        let mut bytes = Vec::new();
        reader
            .read_to_end(&mut bytes)
            .map_err(|e| read_error(Path::new(display), e))?;
        match decode(bytes) {
            Decoded::Text(text, _) => {
                return read_jsonl(&mut text.as_bytes(), display, ids, options, corpus)
            }
            Decoded::Empty => return Ok(()),
            Decoded::Binary => {
                corpus.warnings.push(Warning {
                    input: display.to_string(),
                    kind: WarningKind::Binary,
                    message: "UTF-16 text with NUL characters, skipped".into(),
                });
                return Ok(());
            }
        }
    }
    // Lines are parsed in parallel, a batch at a time, so that the raw lines held at once stay
    // bounded (BATCH_BYTES) whatever the size of the file.
    const BATCH_BYTES: usize = 32 << 20;
    // A line far over the cap is cut while it is read (its long strings shortened).
    let mut lines: Vec<(usize, Vec<u8>, Option<Overflow>)> = Vec::new();
    let mut batch_bytes = 0;
    let mut line_no = 0usize;
    loop {
        let mut buf = Vec::new();
        let line = capped::read_line(reader, &mut buf, options.max_doc_bytes)
            .map_err(|e| read_error(Path::new(display), e))?;
        let n = line.raw_len;
        if n > 0 {
            line_no += 1;
            if !buf.iter().all(|b| b.is_ascii_whitespace()) {
                batch_bytes += buf.len();
                // Only a cut of the text field cuts the document.
                let original =
                    line.cut
                        .filter(|(key, _)| *key == options.fields.text)
                        .map(|(_, total)| Overflow {
                            total: total as u64,
                            at_least: false,
                        });
                lines.push((line_no, buf, original));
            }
        }
        if n == 0 || batch_bytes >= BATCH_BYTES {
            let parsed: Vec<(Result<Document, Warning>, Option<Overflow>)> =
                std::mem::take(&mut lines)
                    .into_par_iter()
                    .map(|(line_no, bytes, original)| {
                        let record = parse_jsonl_record(&bytes, display, ids, line_no, options);
                        (record, original)
                    })
                    .collect();
            for (record, original) in parsed {
                match record {
                    Ok(doc) => push_document(doc, original, options, corpus),
                    Err(warning) => corpus.warnings.push(warning),
                }
            }
            batch_bytes = 0;
        }
        if n == 0 {
            return Ok(());
        }
    }
}

/// Reads a CSV (or, with `delimiter` a tab, TSV) table with a header row from `reader`: one
/// document per row, its fields in the columns [`IngestOptions::fields`] names (a row without
/// an id is named by `ids`, by its line). A table without the text column fails, naming its columns; a row
/// that cannot be parsed or has no text is a counted warning.
fn read_table(
    reader: Box<dyn BufRead>,
    delimiter: u8,
    display: &str,
    ids: &RecordIds,
    options: &IngestOptions,
    corpus: &mut Corpus,
) -> Result<(), IngestError> {
    let table_error = |message: String| read_error(Path::new(display), io::Error::other(message));
    let mut table = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .flexible(true)
        .from_reader(reader);
    let header = table
        .headers()
        .map_err(|e| table_error(format!("cannot read the header row: {e}")))?
        .clone();
    let fields = &options.fields;
    let column = |name: &str| header.iter().position(|h| h.trim() == name);
    let Some(text_column) = column(&fields.text) else {
        let names: Vec<&str> = header.iter().collect();
        return Err(table_error(format!(
            "no '{}' column (columns: {}); name it with --text-field",
            fields.text,
            names.join(", ")
        )));
    };
    let (id, source, published, title, url) = (
        column(&fields.id),
        column(&fields.source),
        column(&fields.published),
        column(&fields.title),
        column(&fields.url),
    );
    let mut record = csv::StringRecord::new();
    loop {
        let line = table.position().line();
        match table.read_record(&mut record) {
            Ok(false) => return Ok(()),
            Ok(true) => {}
            Err(err) if err.is_io_error() => {
                return Err(table_error(format!("line {line}: {err}")));
            }
            Err(err) => {
                corpus.warnings.push(Warning {
                    input: format!("{display}:{line}"),
                    kind: WarningKind::MalformedRecord,
                    message: format!("not a readable row ({err}), skipped"),
                });
                continue;
            }
        }
        let input = format!("{display}:{line}");
        let cell = |c: Option<usize>| {
            c.and_then(|c| record.get(c))
                .filter(|v| !v.is_empty())
                .map(str::to_string)
        };
        let text = record.get(text_column).unwrap_or("");
        if text.trim().is_empty() {
            corpus.warnings.push(Warning {
                input,
                kind: WarningKind::Empty,
                message: "empty text, skipped".into(),
            });
            continue;
        }
        let mut doc = Document::new(
            cell(id).unwrap_or_else(|| ids.name(line as usize, text)),
            text.to_string(),
        );
        doc.source = cell(source);
        doc.published = cell(published);
        doc.title = cell(title);
        doc.url = cell(url);
        doc.path = input;
        push_document(doc, None, options, corpus);
    }
}

fn parse_jsonl_record(
    bytes: &[u8],
    display: &str,
    ids: &RecordIds,
    line_no: usize,
    options: &IngestOptions,
) -> Result<Document, Warning> {
    let input = format!("{display}:{line_no}");
    let malformed = |message: String| Warning {
        input: input.clone(),
        kind: WarningKind::MalformedRecord,
        message,
    };
    let value: serde_json::Value = serde_json::from_slice(bytes)
        .map_err(|e| malformed(format!("not valid JSON ({e}), skipped")))?;
    let serde_json::Value::Object(mut object) = value else {
        return Err(malformed("not a JSON object, skipped".into()));
    };
    let fields = &options.fields;
    let text = match object.remove(&fields.text) {
        Some(serde_json::Value::String(text)) => text,
        Some(other) => {
            return Err(malformed(format!(
                "field '{}' is {}, not a string; skipped",
                fields.text,
                json_type_name(&other)
            )))
        }
        None => {
            return Err(malformed(format!(
                "no '{}' field, skipped (rename with --text-field)",
                fields.text
            )))
        }
    };
    if text.trim().is_empty() {
        return Err(Warning {
            input,
            kind: WarningKind::Empty,
            message: "empty text, skipped".into(),
        });
    }
    let mut take_string = |name: &str| match object.remove(name) {
        Some(serde_json::Value::String(s)) => Some(s),
        Some(serde_json::Value::Number(n)) => Some(n.to_string()),
        _ => None,
    };
    let id = take_string(&fields.id).unwrap_or_else(|| ids.name(line_no, &text));
    let mut doc = Document::new(id, text);
    doc.path = input.clone();
    doc.source = take_string(&fields.source);
    doc.published = take_string(&fields.published);
    doc.title = take_string(&fields.title);
    doc.url = take_string(&fields.url);
    if doc.text.contains('\0') {
        return Err(Warning {
            input,
            kind: WarningKind::Binary,
            message: "text contains NUL characters, skipped".into(),
        });
    }
    Ok(doc)
}

fn json_type_name(value: &serde_json::Value) -> &'static str {
    match value {
        serde_json::Value::Null => "null",
        serde_json::Value::Bool(_) => "a boolean",
        serde_json::Value::Number(_) => "a number",
        serde_json::Value::String(_) => "a string",
        serde_json::Value::Array(_) => "an array",
        serde_json::Value::Object(_) => "an object",
    }
}

/// Renames every repeat of an id to `id~N`, with the smallest N that names no document of the
/// input (a real id is never taken: `same, same, same~2` keeps `same~2` for the third).
fn make_ids_unique(corpus: &mut Corpus) {
    let given: HashSet<String> = corpus.documents.iter().map(|d| d.id.clone()).collect();
    let mut seen: HashSet<String> = HashSet::with_capacity(corpus.documents.len());
    for doc in &mut corpus.documents {
        if seen.insert(doc.id.clone()) {
            continue;
        }
        let mut n = 2;
        let renamed = loop {
            let candidate = format!("{}~{n}", doc.id);
            if !seen.contains(&candidate) && !given.contains(&candidate) {
                break candidate;
            }
            n += 1;
        };
        corpus.warnings.push(Warning {
            input: doc.path.clone(),
            kind: WarningKind::DuplicateId,
            message: format!("id '{}' seen before, renamed to '{renamed}'", doc.id),
        });
        seen.insert(renamed.clone());
        doc.id = renamed;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf8_is_kept_byte_for_byte_bom_included() {
        let bytes = "\u{feff}Hello “world”".as_bytes().to_vec();
        match decode(bytes.clone()) {
            Decoded::Text(text, TextEncoding::Utf8) => assert_eq!(text.as_bytes(), &bytes[..]),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn invalid_utf8_falls_back_to_windows_1252() {
        let bytes = b"caf\xe9 \x93quoted\x94".to_vec();
        assert_eq!(
            decode(bytes),
            Decoded::Text(
                "café \u{201c}quoted\u{201d}".into(),
                TextEncoding::Windows1252
            )
        );
    }

    #[test]
    fn utf16_with_bom_is_transcoded() {
        let mut bytes = vec![0xFF, 0xFE];
        for unit in "Kursk région".encode_utf16() {
            bytes.extend_from_slice(&unit.to_le_bytes());
        }
        assert_eq!(
            decode(bytes),
            Decoded::Text("Kursk région".into(), TextEncoding::Utf16le)
        );
    }

    #[test]
    fn empty_and_binary_are_recognised() {
        assert_eq!(decode(Vec::new()), Decoded::Empty);
        assert_eq!(decode(b"  \n\t\n".to_vec()), Decoded::Empty);
        assert_eq!(
            decode(b"PK\x03\x04\x00\x00binary".to_vec()),
            Decoded::Binary
        );
        assert_eq!(decode(vec![1u8; 100]), Decoded::Binary);
    }

    #[test]
    fn jsonl_records_take_renamed_fields_and_report_bad_lines() {
        let data = b"{\"id\":\"a\",\"body\":\"Some text here\",\"source\":\"AP\"}\n\
                     not json\n\
                     \n\
                     {\"id\":\"b\",\"body\":42}\n\
                     {\"id\":7,\"body\":\"numeric id\"}\n";
        let options = IngestOptions {
            fields: JsonlFields {
                text: "body".into(),
                ..JsonlFields::default()
            },
            ..IngestOptions::default()
        };
        let mut corpus = Corpus::default();
        read_jsonl(
            &mut &data[..],
            "in.jsonl",
            &RecordIds::numbered("in"),
            &options,
            &mut corpus,
        )
        .unwrap();
        let ids: Vec<&str> = corpus.documents.iter().map(|d| d.id.as_str()).collect();
        assert_eq!(ids, ["a", "7"]);
        assert_eq!(corpus.documents[0].source.as_deref(), Some("AP"));
        let inputs: Vec<&str> = corpus.warnings.iter().map(|w| w.input.as_str()).collect();
        assert_eq!(inputs, ["in.jsonl:2", "in.jsonl:4"]);
        assert!(corpus.warnings[1].message.contains("a number"));
    }

    #[test]
    fn duplicate_ids_are_renamed_with_a_warning() {
        let mut corpus = Corpus {
            documents: vec![Document::new("x", "a"), Document::new("x", "b")],
            warnings: vec![],
        };
        make_ids_unique(&mut corpus);
        assert_eq!(corpus.documents[1].id, "x~2");
        assert_eq!(corpus.warnings[0].kind, WarningKind::DuplicateId);
    }

    #[test]
    fn renaming_a_duplicate_never_takes_a_real_id() {
        let mut corpus = Corpus {
            documents: ["same", "same", "same~2"]
                .map(|id| Document::new(id, "text"))
                .into(),
            warnings: vec![],
        };
        make_ids_unique(&mut corpus);
        let ids: Vec<&str> = corpus.documents.iter().map(|d| d.id.as_str()).collect();
        assert_eq!(ids, ["same", "same~3", "same~2"]);
        assert_eq!(corpus.warnings.len(), 1);
    }

    #[test]
    fn truncation_respects_char_boundaries() {
        let text = "ééé";
        assert_eq!(floor_char_boundary(text, 3), 2);
        assert_eq!(floor_char_boundary(text, 100), 6);
    }
}
