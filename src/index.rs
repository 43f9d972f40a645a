//! The persistent reference index: articles seen before, kept on disk, that new articles are
//! checked against without rescanning the archive.
//!
//! In: documents to add (fingerprinted here with the index's own [`Params`]), or documents to
//! query. Out: for a query, a [`QueryResult`]: the pipeline's [`ScanResult`] over the queried
//! documents plus the indexed documents they may share text with, so that queries report in
//! every format a scan does.
//!
//! Storage is one SQLite database (`DIR/index.sqlite`, bundled SQLite, WAL journal):
//!
//! | table | rows | what for |
//! |---|---|---|
//! | `meta` | format version, parameters | refuse an index of another version; same fingerprints |
//! | `documents` | one per article: metadata, zstd-compressed text | rebuild candidates, reports |
//! | `bands` | (band key, document) per fingerprinted paragraph and band | LSH candidates |
//! | `anchors` | (winnowed anchor, document), once per document | alignment candidates |
//! | `paragraph_keys` | (normalized paragraph hash, document, outlet) | boilerplate verdicts |
//!
//! Paragraph spans and tokens are not stored: segmentation and normalization are
//! deterministic, so they are recomputed from the stored text of the few candidates a query
//! fetches (storing them would double the index for nothing).
//!
//! A query fingerprints the new articles, looks their band keys, anchors and paragraph hashes
//! up, fetches the indexed articles that share any of them, and scans new and fetched articles
//! together, with a [`Prior`] carrying what the rest of the index says: which repeated
//! paragraphs are boilerplate, and which anchors are too common. Indexed articles come first,
//! in the order they were added, so a query decides as a scan of the index followed by the new
//! articles would (`tests/index.rs` checks this on a split corpus).
//!
//! Invariants: an [`Index::add`] or [`Index::remove`] is one transaction (a crash or kill at
//! any point leaves the index as before it); readers in other processes see the last committed
//! state while a writer works (WAL); an index of another format version is refused; nothing is
//! written into a database that fails SQLite's quick check; [`Index::check`] verifies all of
//! this and that the key tables hold exactly the rows the stored texts give.

use std::path::{Path, PathBuf};

use rayon::prelude::*;
use rusqlite::{params, Connection, OpenFlags, OptionalExtension, Transaction};
use rustc_hash::{FxHashMap, FxHashSet};

use crate::align::{self, Alignment};
use crate::attribute::parse_published;
use crate::doc::{Document, TextEncoding};
use crate::fingerprint::DocumentFingerprint;
use crate::normalize::NormalizerPool;
use crate::params::Params;
use crate::pipeline::{self, Prior, Progress, ScanOptions, ScanResult};

/// The on-disk format this build reads and writes. Bump it with any change to the tables or to
/// how keys are computed, and say so in the changelog.
pub const FORMAT_VERSION: u32 = 2;

/// The database file inside an index directory.
pub const DATABASE_FILE: &str = "index.sqlite";

/// Documents fingerprinted and written per step of an add (bounds the add's memory).
const ADD_CHUNK_DOCUMENTS: usize = 20_000;

/// Key rows an add gathers before writing them, sorted, into the key tables (16 bytes each:
/// 1 GiB). Keys are hashes, so rows written in batches land all over each table; gathered and
/// sorted, one write passes each table's pages once, in order. News articles have about 256
/// key rows each, so an add of up to about 250,000 writes its keys in one pass.
const ADD_KEY_ROWS: usize = 64 << 20;

/// Stored anchors are winnowed with a window this many times the scan's, which stores about
/// half as many (the largest table). A query still looks up every anchor a scan would use, so
/// every indexed document sharing a run of `anchor_size + 2 × anchor_window − 1` words (12 by
/// default) is found for certain, and shorter shared runs (8 to 11 words, which a scan always
/// finds) usually are.
const STORED_ANCHOR_SPARSITY: usize = 2;

/// How long a reader or writer waits for another writer's lock before giving up.
const BUSY_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(30);

/// What can go wrong with an index; every message names the index directory.
#[derive(Debug, thiserror::Error)]
pub enum IndexError {
    /// The directory holds no index.
    #[error("{dir}: not a wiretrace index (no {DATABASE_FILE}); create one with `wiretrace index create {dir}`")]
    Missing {
        /// The directory.
        dir: String,
    },
    /// `create` found an index in the directory.
    #[error("{dir}: an index already exists here")]
    Exists {
        /// The directory.
        dir: String,
    },
    /// `add` was given documents whose ids the index holds (and was told to fail on them).
    #[error("{dir}: {count} document(s) already indexed (first: {first}); nothing was added")]
    Duplicates {
        /// The directory.
        dir: String,
        /// Documents already indexed.
        count: usize,
        /// The first of their ids.
        first: String,
    },
    /// The index was written by a version of wiretrace with another format.
    #[error("{dir}: index format version {found}, but this wiretrace reads version {FORMAT_VERSION}; rebuild the index with this version")]
    Version {
        /// The directory.
        dir: String,
        /// The version found.
        found: String,
    },
    /// The index holds something it cannot have written.
    #[error("{dir}: {message}")]
    Corrupt {
        /// The directory.
        dir: String,
        /// What is wrong.
        message: String,
    },
    /// The file system refused.
    #[error("{dir}: {source}")]
    Io {
        /// The directory.
        dir: String,
        /// What the system said.
        source: std::io::Error,
    },
    /// SQLite refused.
    #[error("{dir}: {source}{hint}", hint = damage_hint(.source, .dir))]
    Database {
        /// The directory.
        dir: String,
        /// What SQLite said.
        source: rusqlite::Error,
    },
}

/// For an SQLite error that means damaged data, a pointer to `index check`; else nothing.
fn damage_hint(error: &rusqlite::Error, dir: &str) -> String {
    use rusqlite::ffi::ErrorCode;
    let damaged = match error {
        rusqlite::Error::SqliteFailure(e, _) => {
            matches!(e.code, ErrorCode::DatabaseCorrupt | ErrorCode::NotADatabase)
        }
        rusqlite::Error::FromSqlConversionFailure(..)
        | rusqlite::Error::Utf8Error(..)
        | rusqlite::Error::InvalidColumnType(..)
        | rusqlite::Error::IntegralValueOutOfRange(..) => true,
        _ => false,
    };
    if damaged {
        format!(" (the index looks damaged: `wiretrace index check {dir}` tells how)")
    } else {
        String::new()
    }
}

/// How an index is opened.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// Queries and statistics only; never blocks a writer, never blocked by one.
    Read,
    /// Adds and removals; one writer at a time (a second waits, then fails).
    Write,
}

/// A persistent index.
pub struct Index {
    dir: PathBuf,
    conn: Connection,
    params: Params,
    /// Kept across adds and queries, so that a query's few articles do not pay for cold word
    /// caches.
    normalizers: NormalizerPool,
}

/// What [`Index::add_with`] does with a document whose id is already indexed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum OnDuplicate {
    /// Keep the indexed document; skip the new one (listed in the summary).
    #[default]
    Skip,
    /// Replace the indexed document with the new one (an article re-sent with corrected text).
    Replace,
    /// Add nothing and fail ([`IndexError::Duplicates`]).
    Fail,
}

/// What an [`Index::add`] did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AddSummary {
    /// Documents added.
    pub added: usize,
    /// Documents whose id was already indexed (or repeated in the input): not added again.
    pub skipped_ids: Vec<String>,
    /// Indexed documents replaced by a new one of the same id (counted in `added` too).
    pub replaced: usize,
    /// Paragraphs stored.
    pub paragraphs: usize,
    /// Bytes of text stored.
    pub bytes: u64,
}

/// What an [`Index::remove`] removes.
#[derive(Debug, Clone, PartialEq)]
pub enum Removal {
    /// These document ids (ids not in the index are reported, not an error).
    Ids(Vec<String>),
    /// Documents published strictly before this time (nanoseconds since the epoch, as
    /// [`parse_published`] gives). Documents without a date are kept.
    PublishedBefore(i128),
}

/// What an [`Index::remove`] did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RemoveSummary {
    /// Documents removed.
    pub removed: usize,
    /// Requested ids that were not in the index.
    pub not_found: Vec<String>,
}

/// Counts and sizes of an index.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct IndexStats {
    /// Version of the index's format.
    pub format_version: u32,
    /// Documents stored.
    pub documents: u64,
    /// Paragraphs stored.
    pub paragraphs: u64,
    /// Bytes of article text (uncompressed).
    pub text_bytes: u64,
    /// Rows of LSH band keys.
    pub band_rows: u64,
    /// Rows of alignment anchors.
    pub anchor_rows: u64,
    /// Rows of paragraph keys.
    pub paragraph_key_rows: u64,
    /// Size on disk: the database file and its write-ahead log.
    pub disk_bytes: u64,
    /// `disk_bytes / paragraphs`.
    pub disk_bytes_per_paragraph: f64,
    /// Earliest and latest publication dates among the documents that have one.
    pub earliest_published: Option<String>,
    /// Latest publication date stored, when any document has one.
    pub latest_published: Option<String>,
    /// The parameters the index was created with (every query uses them).
    pub params: Params,
}

/// What [`Index::check`] found. Problems are listed up to [`CHECK_PROBLEMS_LISTED`], counted in
/// full.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize)]
pub struct CheckReport {
    /// Documents checked.
    pub documents: u64,
    /// Key rows (bands, anchors, paragraph keys) verified against the documents' text.
    pub key_rows: u64,
    /// Problems found (the list may be cut short).
    pub problem_count: u64,
    /// The problems, a line each.
    pub problems: Vec<String>,
}

/// How many problems a [`CheckReport`] lists (it counts them all).
pub const CHECK_PROBLEMS_LISTED: usize = 100;

impl CheckReport {
    /// Whether no problem was found.
    pub fn is_ok(&self) -> bool {
        self.problem_count == 0
    }

    fn problem(&mut self, message: String) {
        self.problem_count += 1;
        if self.problems.len() < CHECK_PROBLEMS_LISTED {
            self.problems.push(message);
        }
    }
}

/// A query's scan: `documents` holds the fetched indexed documents first (in the order they
/// were added), then the queried documents; `result` indexes into it.
pub struct QueryResult {
    /// The fetched indexed documents, then the queried ones.
    pub documents: Vec<Document>,
    /// How many of `documents` come from the index (they come first).
    pub indexed: usize,
    /// What the scan of them found.
    pub result: ScanResult,
}

impl QueryResult {
    /// Whether `documents[position]` is one of the queried documents.
    pub fn is_query(&self, position: usize) -> bool {
        position >= self.indexed
    }

    /// The aligned passages with a queried side (what a query's report shows side by side).
    pub fn query_alignments(&self) -> Vec<Alignment> {
        self.result
            .alignments
            .iter()
            .filter(|al| self.is_query(al.a as usize) || self.is_query(al.b as usize))
            .cloned()
            .collect()
    }
}

/// Keys as stored: band keys tagged with their band, anchors cut to 48 bits (an SQLite integer
/// of 6 bytes; 2^-48 odds that two different anchors share a key, and a shared key only
/// fetches a candidate, it never makes a link).
fn band_row_key(band: usize, key: u32) -> i64 {
    ((band as i64) << 32) | i64::from(key)
}

fn anchor_row_key(hash: u64) -> i64 {
    (hash >> 16) as i64
}

/// The index keys of one document.
#[derive(Default)]
struct DocumentKeys {
    bands: Vec<i64>,
    anchors: Vec<i64>,
    paragraph_keys: Vec<i64>,
    paragraphs: usize,
}

/// The hashes of a document's winnowed alignment anchors (`token_ids` from the vocabulary that
/// numbered its words).
fn anchor_hashes(
    fp: &DocumentFingerprint,
    token_ids: &[u64],
    anchor_size: usize,
    anchor_window: usize,
) -> Vec<u64> {
    let mut ids = Vec::new();
    align::anchor_ids(&fp.words, token_ids, 0, &mut ids);
    align::winnowed_anchors(&ids, anchor_size, anchor_window)
        .into_iter()
        .map(|(hash, _)| hash)
        .collect()
}

/// The key tables, in the order [`DocumentKeys::by_table`] gives them.
const KEY_TABLES: [&str; 3] = ["bands", "anchors", "paragraph_keys"];

impl DocumentKeys {
    /// The key tables, each with this document's rows in it.
    fn by_table(&self) -> [(&'static str, &[i64]); 3] {
        let [bands, anchors, paragraph_keys] = KEY_TABLES;
        [
            (bands, &self.bands),
            (anchors, &self.anchors),
            (paragraph_keys, &self.paragraph_keys),
        ]
    }
}

fn document_keys(fp: &DocumentFingerprint, token_ids: &[u64], params: &Params) -> DocumentKeys {
    let mut bands: Vec<i64> = fp
        .band_keys
        .chunks_exact(params.bands)
        .flat_map(|keys| keys.iter().enumerate().map(|(b, &k)| band_row_key(b, k)))
        .collect();
    bands.sort_unstable();
    bands.dedup();
    let mut anchors: Vec<i64> = if params.align.enabled {
        let window = params.align.anchor_window * STORED_ANCHOR_SPARSITY;
        anchor_hashes(fp, token_ids, params.align.anchor_size, window)
            .into_iter()
            .map(anchor_row_key)
            .collect()
    } else {
        Vec::new()
    };
    anchors.sort_unstable();
    anchors.dedup();
    let mut paragraph_keys: Vec<i64> = fp
        .paragraphs
        .iter()
        .filter(|p| p.key != 0)
        .map(|p| p.key as i64)
        .collect();
    paragraph_keys.sort_unstable();
    paragraph_keys.dedup();
    DocumentKeys {
        bands,
        anchors,
        paragraph_keys,
        paragraphs: fp.paragraphs.len(),
    }
}

/// Turns an SQLite error into an [`IndexError`] naming `dir`.
fn database_error(dir: &Path) -> impl Fn(rusqlite::Error) -> IndexError {
    let dir = dir.display().to_string();
    move |source| IndexError::Database {
        dir: dir.clone(),
        source,
    }
}

/// Starts the one write transaction of an add or remove, taking the writer's lock now
/// (waiting up to the busy timeout for another writer).
fn begin_write<'c>(conn: &'c mut Connection, dir: &Path) -> Result<Transaction<'c>, IndexError> {
    conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
        .map_err(database_error(dir))
}

/// Opens the database read-only; on read-only media, where SQLite cannot make the WAL's shared
/// memory file, as an immutable file (nothing can change it there).
fn open_read_only(path: &Path) -> rusqlite::Result<Connection> {
    let flags = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let conn = Connection::open_with_flags(path, flags)?;
    // Opening is lazy: the first read finds out whether the WAL can be used.
    match conn.query_row("SELECT count(*) FROM meta", [], |_| Ok(())) {
        Ok(()) => Ok(conn),
        Err(first) => {
            let Some(path) = path.to_str() else {
                return Err(first);
            };
            // Percent-encode what a URI's path cannot hold as it is.
            let mut uri = String::from("file:");
            for byte in path.bytes() {
                match byte {
                    b'?' | b'#' | b'%' | 0x80.. => uri.push_str(&format!("%{byte:02X}")),
                    _ => uri.push(char::from(byte)),
                }
            }
            uri.push_str("?immutable=1");
            let conn = Connection::open_with_flags(&uri, flags | OpenFlags::SQLITE_OPEN_URI)?;
            conn.query_row("SELECT count(*) FROM meta", [], |_| Ok(()))
                .map_err(|_| first)?;
            Ok(conn)
        }
    }
}

/// Deletes the indexed documents `targets` (row number, the stored document) and their key
/// rows, inside `tx`; the keys are found by fingerprinting the stored text again. Returns how
/// many were deleted.
fn delete_documents(
    tx: &Transaction<'_>,
    targets: &[(i64, Document)],
    params: &Params,
    normalizers: &NormalizerPool,
    db: &impl Fn(rusqlite::Error) -> IndexError,
) -> Result<usize, IndexError> {
    for chunk in targets.chunks(ADD_CHUNK_DOCUMENTS) {
        let documents: Vec<Document> = chunk.iter().map(|(_, d)| d.clone()).collect();
        let fingerprints = pipeline::fingerprint_documents(&documents, params, normalizers);
        let token_ids = normalizers.vocabulary().token_ids();
        let keys: Vec<DocumentKeys> = fingerprints
            .par_iter()
            .map(|fp| document_keys(fp, &token_ids, params))
            .collect();
        let delete = |table: &str, rows: &mut dyn Iterator<Item = (i64, i64)>| {
            let mut statement =
                tx.prepare_cached(&format!("DELETE FROM {table} WHERE key = ?1 AND doc = ?2"))?;
            for (key, doc) in rows {
                statement.execute([key, doc])?;
            }
            Ok::<(), rusqlite::Error>(())
        };
        for ((doc, _), keys) in chunk.iter().zip(&keys) {
            for (table, rows) in keys.by_table() {
                delete(table, &mut rows.iter().map(|&k| (k, *doc))).map_err(db)?;
            }
            tx.execute("DELETE FROM documents WHERE doc = ?1", [doc])
                .map_err(db)?;
        }
    }
    Ok(targets.len())
}

fn database_path(dir: &Path) -> PathBuf {
    dir.join(DATABASE_FILE)
}

impl Index {
    /// Creates an empty index in `dir` (created if missing) that fingerprints with `params`.
    pub fn create(dir: &Path, params: &Params) -> Result<Index, IndexError> {
        let name = dir.display().to_string();
        std::fs::create_dir_all(dir).map_err(|source| IndexError::Io {
            dir: name.clone(),
            source,
        })?;
        let path = database_path(dir);
        if path.exists() {
            return Err(IndexError::Exists { dir: name });
        }
        let db = |source| IndexError::Database {
            dir: name.clone(),
            source,
        };
        // Built under a name of this process's own and linked into place only if no index
        // appeared meanwhile: a crash never leaves a half-made index, and of two `create`s at
        // once one succeeds and the other says the index exists.
        let building = dir.join(format!("{DATABASE_FILE}.creating.{}", std::process::id()));
        let _ = std::fs::remove_file(&building);
        {
            let conn = Connection::open(&building).map_err(db)?;
            let params_json = serde_json::to_string(params).expect("params serialize");
            conn.execute_batch(
                "PRAGMA page_size = 16384;
                 PRAGMA journal_mode = DELETE;
                 CREATE TABLE meta(name TEXT PRIMARY KEY, value TEXT NOT NULL);
                 CREATE TABLE documents(
                     doc INTEGER PRIMARY KEY,
                     id TEXT NOT NULL UNIQUE,
                     path TEXT NOT NULL,
                     source TEXT,
                     published TEXT,
                     published_at INTEGER,
                     title TEXT,
                     url TEXT,
                     encoding TEXT NOT NULL,
                     truncated_from INTEGER,
                     bytes INTEGER NOT NULL,
                     paragraphs INTEGER NOT NULL,
                     text BLOB NOT NULL);
                 CREATE INDEX documents_by_date ON documents(published_at);
                 CREATE TABLE bands(key INTEGER NOT NULL, doc INTEGER NOT NULL,
                     PRIMARY KEY(key, doc)) WITHOUT ROWID;
                 CREATE TABLE anchors(key INTEGER NOT NULL, doc INTEGER NOT NULL,
                     PRIMARY KEY(key, doc)) WITHOUT ROWID;
                 CREATE TABLE paragraph_keys(key INTEGER NOT NULL, doc INTEGER NOT NULL,
                     source TEXT, PRIMARY KEY(key, doc)) WITHOUT ROWID;",
            )
            .map_err(db)?;
            conn.execute(
                "INSERT INTO meta(name, value) VALUES ('format_version', ?1), ('params', ?2)",
                params![FORMAT_VERSION.to_string(), params_json],
            )
            .map_err(db)?;
        }
        let placed = match std::fs::hard_link(&building, &path) {
            Ok(()) => Ok(()),
            Err(err) if err.kind() == std::io::ErrorKind::AlreadyExists => {
                Err(IndexError::Exists { dir: name.clone() })
            }
            // A file system without hard links: the rename, after one more look.
            Err(_) if path.exists() => Err(IndexError::Exists { dir: name.clone() }),
            Err(_) => std::fs::rename(&building, &path).map_err(|source| IndexError::Io {
                dir: name.clone(),
                source,
            }),
        };
        let _ = std::fs::remove_file(&building);
        placed?;
        Index::open(dir, Access::Write)
    }

    /// Opens the index in `dir`, checking its format version.
    pub fn open(dir: &Path, access: Access) -> Result<Index, IndexError> {
        let name = dir.display().to_string();
        let path = database_path(dir);
        if !path.is_file() {
            return Err(IndexError::Missing { dir: name });
        }
        let db = |source| IndexError::Database {
            dir: name.clone(),
            source,
        };
        let conn = match access {
            Access::Write => {
                let flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
                Connection::open_with_flags(&path, flags).map_err(db)?
            }
            Access::Read => open_read_only(&path).map_err(db)?,
        };
        conn.busy_timeout(BUSY_TIMEOUT).map_err(db)?;
        let version: Option<String> = conn
            .query_row(
                "SELECT value FROM meta WHERE name = 'format_version'",
                [],
                |row| row.get(0),
            )
            .optional()
            .map_err(|e| IndexError::Corrupt {
                dir: name.clone(),
                message: format!("not a wiretrace index ({e})"),
            })?;
        let version = version.ok_or_else(|| IndexError::Corrupt {
            dir: name.clone(),
            message: "not a wiretrace index (no format version)".into(),
        })?;
        if version != FORMAT_VERSION.to_string() {
            return Err(IndexError::Version {
                dir: name,
                found: version,
            });
        }
        let params_json: String = conn
            .query_row("SELECT value FROM meta WHERE name = 'params'", [], |row| {
                row.get(0)
            })
            .map_err(db)?;
        let params: Params = serde_json::from_str::<Params>(&params_json)
            .ok()
            .and_then(|p| p.validated().ok())
            .ok_or_else(|| IndexError::Corrupt {
                dir: name.clone(),
                message: "stored parameters are unreadable".into(),
            })?;
        // WAL: readers see the last commit while a writer works. FULL: a commit is on disk
        // when `add` returns. Both are per-connection or persistent settings, set every open.
        if access == Access::Write {
            // Nothing is written into a damaged database: SQLite's own check first.
            let problems = sqlite_problems(&conn, "quick_check").map_err(db)?;
            if let Some(first) = problems.first() {
                // One line: the first problem and how many there are.
                return Err(IndexError::Corrupt {
                    dir: name,
                    message: format!(
                        "the index database is damaged (SQLite integrity check: {first}, {} \
                         problem(s) in all); nothing was written: restore a copy or rebuild it",
                        problems.len()
                    ),
                });
            }
            conn.execute_batch("PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL;")
                .map_err(db)?;
        }
        Ok(Index {
            dir: dir.to_path_buf(),
            conn,
            normalizers: NormalizerPool::new(params.language),
            params,
        })
    }

    /// The parameters every document of this index is fingerprinted with.
    pub fn params(&self) -> &Params {
        &self.params
    }

    /// Sets SQLite's page cache (per connection) in MiB; more makes large adds faster.
    pub fn set_cache_mib(&self, mib: usize) -> Result<(), IndexError> {
        let kib = (mib.max(1) * 1024) as i64;
        self.conn
            .execute_batch(&format!("PRAGMA cache_size = -{kib};"))
            .map_err(|e| self.db_error(e))
    }

    fn name(&self) -> String {
        self.dir.display().to_string()
    }

    fn db_error(&self, source: rusqlite::Error) -> IndexError {
        IndexError::Database {
            dir: self.name(),
            source,
        }
    }

    /// Adds `documents` in one transaction: all of them or, on any failure or kill, none.
    /// Documents whose id is already indexed are skipped (listed in the summary).
    pub fn add(
        &mut self,
        documents: &[Document],
        progress: &(dyn Fn(Progress) + Sync),
    ) -> Result<AddSummary, IndexError> {
        self.add_in_passes(documents, OnDuplicate::Skip, progress, ADD_KEY_ROWS)
    }

    /// [`Index::add`], doing `on_duplicate` with documents whose id is already indexed; a
    /// replacement and its addition are in the same transaction.
    pub fn add_with(
        &mut self,
        documents: &[Document],
        on_duplicate: OnDuplicate,
        progress: &(dyn Fn(Progress) + Sync),
    ) -> Result<AddSummary, IndexError> {
        self.add_in_passes(documents, on_duplicate, progress, ADD_KEY_ROWS)
    }

    /// [`Index::add`], writing the gathered key rows whenever there are `key_rows_per_pass`.
    fn add_in_passes(
        &mut self,
        documents: &[Document],
        on_duplicate: OnDuplicate,
        progress: &(dyn Fn(Progress) + Sync),
        key_rows_per_pass: usize,
    ) -> Result<AddSummary, IndexError> {
        let params = self.params.clone();
        let db = &database_error(&self.dir);
        let tx = begin_write(&mut self.conn, &self.dir)?;
        let mut summary = AddSummary::default();
        let mut seen: FxHashSet<&str> = FxHashSet::default();
        let mut fresh: Vec<&Document> = Vec::with_capacity(documents.len());
        let mut replaced: Vec<(i64, Document)> = Vec::new();
        {
            let mut known = tx
                .prepare(&format!("{SELECT_DOCUMENT} WHERE id = ?1"))
                .map_err(db)?;
            for doc in documents {
                if !seen.insert(doc.id.as_str()) {
                    summary.skipped_ids.push(doc.id.clone());
                    continue;
                }
                let indexed = known
                    .query_row([&doc.id], read_document)
                    .optional()
                    .map_err(db)?;
                match (indexed, on_duplicate) {
                    (None, _) => fresh.push(doc),
                    (Some(old), OnDuplicate::Replace) => {
                        replaced.push(old);
                        fresh.push(doc);
                    }
                    (Some(_), OnDuplicate::Skip | OnDuplicate::Fail) => {
                        summary.skipped_ids.push(doc.id.clone())
                    }
                }
            }
        }
        if on_duplicate == OnDuplicate::Fail && !summary.skipped_ids.is_empty() {
            // Dropping the transaction rolls it back: nothing is added.
            return Err(IndexError::Duplicates {
                dir: self.dir.display().to_string(),
                count: summary.skipped_ids.len(),
                first: summary.skipped_ids[0].clone(),
            });
        }
        summary.replaced = delete_documents(&tx, &replaced, &params, &self.normalizers, db)?;
        let mut next_doc: i64 = tx
            .query_row("SELECT COALESCE(MAX(doc), 0) + 1 FROM documents", [], |r| {
                r.get(0)
            })
            .map_err(db)?;
        let total = fresh.len() as u64;
        let first_doc = next_doc;
        let mut rows = KeyRows::default();
        for chunk in fresh.chunks(ADD_CHUNK_DOCUMENTS) {
            let fingerprints = pipeline::fingerprint_documents(chunk, &params, &self.normalizers);
            let token_ids = self.normalizers.vocabulary().token_ids();
            let prepared: Vec<(DocumentKeys, Vec<u8>)> = fingerprints
                .into_par_iter()
                .zip(chunk.par_iter())
                .map(|(fp, doc)| {
                    let keys = document_keys(&fp, &token_ids, &params);
                    let text = zstd::bulk::compress(doc.text.as_bytes(), 3)
                        .expect("compressing to memory cannot fail");
                    (keys, text)
                })
                .collect();
            write_documents(&tx, chunk, &prepared, next_doc).map_err(db)?;
            for (keys, _) in &prepared {
                rows.push(keys, next_doc);
                next_doc += 1;
                if rows.len() >= key_rows_per_pass {
                    rows.write(&tx, &fresh, first_doc).map_err(db)?;
                }
            }
            summary.added += chunk.len();
            summary.paragraphs += prepared.iter().map(|(k, _)| k.paragraphs).sum::<usize>();
            summary.bytes += chunk.iter().map(|d| d.text.len() as u64).sum::<u64>();
            progress(Progress {
                stage: pipeline::Stage::Fingerprint,
                done: summary.added as u64,
                total,
            });
        }
        rows.write(&tx, &fresh, first_doc).map_err(db)?;
        tx.commit().map_err(db)?;
        Ok(summary)
    }

    /// Removes documents in one transaction.
    pub fn remove(&mut self, removal: &Removal) -> Result<RemoveSummary, IndexError> {
        let params = self.params.clone();
        let db = &database_error(&self.dir);
        let tx = begin_write(&mut self.conn, &self.dir)?;
        let mut summary = RemoveSummary::default();
        let mut targets: Vec<(i64, Document)> = Vec::new();
        match removal {
            Removal::Ids(ids) => {
                let mut by_id = tx
                    .prepare(&format!("{SELECT_DOCUMENT} WHERE id = ?1"))
                    .map_err(db)?;
                for id in ids {
                    match by_id
                        .query_row([id], read_document)
                        .optional()
                        .map_err(db)?
                    {
                        Some(found) => targets.push(found),
                        None => summary.not_found.push(id.clone()),
                    }
                }
            }
            Removal::PublishedBefore(time) => {
                let seconds = (time / 1_000_000_000) as i64;
                let mut before = tx
                    .prepare(&format!(
                        "{SELECT_DOCUMENT} WHERE published_at < ?1 ORDER BY doc"
                    ))
                    .map_err(db)?;
                let rows = before.query_map([seconds], read_document).map_err(db)?;
                for row in rows {
                    targets.push(row.map_err(db)?);
                }
            }
        }
        targets.sort_by_key(|(doc, _)| *doc);
        targets.dedup_by_key(|(doc, _)| *doc);
        summary.removed = delete_documents(&tx, &targets, &params, &self.normalizers, db)?;
        tx.commit().map_err(db)?;
        Ok(summary)
    }

    /// Counts and sizes.
    pub fn stats(&self) -> Result<IndexStats, IndexError> {
        let db = |source| self.db_error(source);
        let count = |sql: &str| query_count(&self.conn, sql).map_err(db);
        let documents = count("SELECT COUNT(*) FROM documents")?;
        let paragraphs = count("SELECT COALESCE(SUM(paragraphs), 0) FROM documents")?;
        let text_bytes = count("SELECT COALESCE(SUM(bytes), 0) FROM documents")?;
        let band_rows = count("SELECT COUNT(*) FROM bands")?;
        let anchor_rows = count("SELECT COUNT(*) FROM anchors")?;
        let paragraph_key_rows = count("SELECT COUNT(*) FROM paragraph_keys")?;
        let published = |order: &str| -> Result<Option<String>, IndexError> {
            self.conn
                .query_row(
                    &format!(
                        "SELECT published FROM documents WHERE published_at IS NOT NULL \
                         ORDER BY published_at {order}, doc LIMIT 1"
                    ),
                    [],
                    |r| r.get(0),
                )
                .optional()
                .map_err(db)
        };
        let path = database_path(&self.dir);
        let size = |p: &Path| std::fs::metadata(p).map(|m| m.len()).unwrap_or(0);
        let mut wal = path.clone().into_os_string();
        wal.push("-wal");
        let disk_bytes = size(&path) + size(Path::new(&wal));
        Ok(IndexStats {
            format_version: FORMAT_VERSION,
            documents,
            paragraphs,
            text_bytes,
            band_rows,
            anchor_rows,
            paragraph_key_rows,
            disk_bytes,
            disk_bytes_per_paragraph: if paragraphs == 0 {
                0.0
            } else {
                (disk_bytes as f64 / paragraphs as f64 * 10.0).round() / 10.0
            },
            earliest_published: published("ASC")?,
            latest_published: published("DESC")?,
            params: self.params.clone(),
        })
    }

    /// Verifies the whole index: SQLite's integrity check (pages, B-trees, constraints), then
    /// the project's own invariants, on one consistent snapshot: every stored text
    /// decompresses to UTF-8 of its recorded length; its paragraph count and publication time
    /// are those the text and metadata give; and the key tables hold exactly the rows its text
    /// gives (each expected row present, with the document's outlet for paragraph keys, and no
    /// other rows: none orphaned, none stale). It fingerprints every document, so it costs
    /// about what adding them did.
    pub fn check(&self, progress: &(dyn Fn(Progress) + Sync)) -> Result<CheckReport, IndexError> {
        let db = |source| self.db_error(source);
        let snapshot = self.conn.unchecked_transaction().map_err(db)?;
        let mut report = CheckReport::default();
        for problem in sqlite_problems(&snapshot, "integrity_check").map_err(db)? {
            report.problem(format!("SQLite: {problem}"));
        }
        if !report.is_ok() {
            // The invariants would read damaged pages: SQLite's findings are the answer.
            return Ok(report);
        }
        let count = |table: &str| {
            query_count(&snapshot, &format!("SELECT COUNT(*) FROM {table}")).map_err(db)
        };
        let total = count("documents")?;
        // Rows the texts give, by key table (in KEY_TABLES order).
        let mut expected_rows = [0u64; KEY_TABLES.len()];
        let mut unreadable = 0u64;
        let mut last_doc = 0i64;
        loop {
            let listed: Vec<(i64, String, i64, Option<i64>)> = {
                let mut list = snapshot
                    .prepare_cached(
                        "SELECT doc, id, paragraphs, published_at FROM documents \
                         WHERE doc > ?1 ORDER BY doc LIMIT ?2",
                    )
                    .map_err(db)?;
                let rows = list
                    .query_map([last_doc, ADD_CHUNK_DOCUMENTS as i64], |r| {
                        Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
                    })
                    .map_err(db)?;
                rows.collect::<rusqlite::Result<_>>().map_err(db)?
            };
            let Some(&(last, ..)) = listed.last() else {
                break;
            };
            last_doc = last;
            let mut documents: Vec<(i64, &str, i64, Option<i64>, Document)> = Vec::new();
            {
                let mut fetch = snapshot
                    .prepare_cached(&format!("{SELECT_DOCUMENT} WHERE doc = ?1"))
                    .map_err(db)?;
                for (doc, id, paragraphs, published_at) in &listed {
                    match fetch.query_row([doc], read_document) {
                        Ok((_, document)) => {
                            documents.push((*doc, id, *paragraphs, *published_at, document))
                        }
                        Err(e) => {
                            unreadable += 1;
                            report.problem(format!("document {doc} ('{id}'): {e}"));
                        }
                    }
                }
            }
            let texts: Vec<&Document> = documents.iter().map(|d| &d.4).collect();
            let fingerprints =
                pipeline::fingerprint_documents(&texts, &self.params, &self.normalizers);
            let token_ids = self.normalizers.vocabulary().token_ids();
            let params = &self.params;
            let keys: Vec<DocumentKeys> = fingerprints
                .par_iter()
                .map(|fp| document_keys(fp, &token_ids, params))
                .collect();
            for ((doc, id, paragraphs, published_at, document), keys) in documents.iter().zip(&keys)
            {
                let recorded = (*paragraphs, *published_at);
                let problems = stored_document_problems(&snapshot, *doc, recorded, document, keys)
                    .map_err(db)?;
                for problem in problems {
                    report.problem(format!("document {doc} ('{id}'): {problem}"));
                }
                for (expected, (_, rows)) in expected_rows.iter_mut().zip(keys.by_table()) {
                    *expected += rows.len() as u64;
                }
            }
            report.documents += listed.len() as u64;
            progress(Progress {
                stage: pipeline::Stage::Fingerprint,
                done: report.documents,
                total,
            });
        }
        report.key_rows = expected_rows.iter().sum();
        // Every expected row was found; more rows than expected are rows no text gives.
        if unreadable == 0 {
            for (table, expected) in KEY_TABLES.into_iter().zip(expected_rows) {
                let stored = count(table)?;
                if stored > expected {
                    report.problem(format!(
                        "{table}: {} rows that no indexed document's text gives (orphaned or stale)",
                        stored - expected
                    ));
                }
            }
        }
        Ok(report)
    }

    /// Checks `documents` against the index: scans them together with the indexed documents
    /// they may share text with. An indexed document with the id of a queried one is left out
    /// (a document is not its own source).
    pub fn query(
        &self,
        documents: &[Document],
        options: ScanOptions<'_>,
        progress: &(dyn Fn(Progress) + Sync),
    ) -> Result<QueryResult, IndexError> {
        let params = &self.params;
        let fingerprints = pipeline::fingerprint_documents(documents, params, &self.normalizers);
        let lookup = Lookup {
            index: self,
            excluded: self.documents_with_ids(documents)?,
        };
        let mut candidates: FxHashSet<i64> = FxHashSet::default();
        let mut prior = Prior::default();
        lookup.repeated_paragraphs(documents, &fingerprints, &mut candidates, &mut prior)?;
        lookup.shared_bands(&fingerprints, &mut candidates, &prior)?;
        if params.align.enabled {
            lookup.shared_anchors(&fingerprints, &mut candidates, &mut prior)?;
        }

        let mut candidates: Vec<i64> = candidates.into_iter().collect();
        candidates.sort_unstable();
        let mut corpus = Vec::with_capacity(candidates.len() + documents.len());
        {
            let mut fetch = self
                .conn
                .prepare_cached(&format!("{SELECT_DOCUMENT} WHERE doc = ?1"))
                .map_err(|e| self.db_error(e))?;
            for doc in &candidates {
                let (_, document) = fetch
                    .query_row([doc], read_document)
                    .map_err(|e| self.db_error(e))?;
                corpus.push(document);
            }
        }
        let indexed = corpus.len();
        // The queried documents' fingerprints serve the scan too; only the fetched are new.
        let mut all_fingerprints =
            pipeline::fingerprint_documents(&corpus, params, &self.normalizers);
        all_fingerprints.extend(fingerprints);
        corpus.extend(documents.iter().cloned());
        let options = ScanOptions {
            prior: Some(&prior),
            ..options
        };
        let result = pipeline::scan_with_fingerprints(
            &corpus,
            all_fingerprints,
            self.normalizers.vocabulary(),
            params,
            options,
            progress,
        );
        Ok(QueryResult {
            documents: corpus,
            indexed,
            result,
        })
    }

    /// Numbers of the indexed documents that have the id of one of `documents`.
    fn documents_with_ids(&self, documents: &[Document]) -> Result<FxHashSet<i64>, IndexError> {
        let mut by_id = self
            .conn
            .prepare_cached("SELECT doc FROM documents WHERE id = ?1")
            .map_err(|e| self.db_error(e))?;
        let mut found = FxHashSet::default();
        for doc in documents {
            let number = by_id
                .query_row([&doc.id], |r| r.get::<_, i64>(0))
                .optional()
                .map_err(|e| self.db_error(e))?;
            found.extend(number);
        }
        Ok(found)
    }
}

/// One queried document's copy of a paragraph.
struct Holder<'a> {
    doc: usize,
    source: Option<&'a str>,
    paragraph: usize,
}

/// The lookups of one query.
struct Lookup<'a> {
    index: &'a Index,
    /// Indexed documents never fetched (they are the queried documents themselves).
    excluded: FxHashSet<i64>,
}

impl Lookup<'_> {
    /// The indexed documents in the rows of `sql` (with `?1` the key, `?2` a limit).
    fn documents(&self, sql: &str, key: i64, limit: usize) -> Result<Vec<i64>, IndexError> {
        let db = |e| self.index.db_error(e);
        let mut statement = self.index.conn.prepare_cached(sql).map_err(db)?;
        let rows = statement
            .query_map(params![key, limit as i64], |r| r.get::<_, i64>(0))
            .map_err(db)?;
        let mut docs = Vec::new();
        for row in rows {
            let doc = row.map_err(db)?;
            if !self.excluded.contains(&doc) {
                docs.push(doc);
            }
        }
        Ok(docs)
    }

    /// Paragraphs that the index holds word for word: the boilerplate verdict over every
    /// holder, indexed or queried, goes into `prior`; every indexed holder of a paragraph that
    /// is not boilerplate becomes a candidate (exact copies are always found), the earliest
    /// only for boilerplate or past `max_bucket` holders. Groups larger than `max_bucket` are
    /// judged on their first `max_bucket` indexed holders.
    fn repeated_paragraphs(
        &self,
        documents: &[Document],
        fingerprints: &[DocumentFingerprint],
        candidates: &mut FxHashSet<i64>,
        prior: &mut Prior,
    ) -> Result<(), IndexError> {
        let db = |e| self.index.db_error(e);
        let mut holders_here: FxHashMap<u64, Vec<Holder<'_>>> = FxHashMap::default();
        for (doc, fp) in fingerprints.iter().enumerate() {
            for (paragraph, p) in fp.paragraphs.iter().enumerate().filter(|(_, p)| p.key != 0) {
                holders_here.entry(p.key).or_default().push(Holder {
                    doc,
                    source: documents[doc].source.as_deref(),
                    paragraph,
                });
            }
        }
        let mut keys: Vec<u64> = holders_here.keys().copied().collect();
        keys.sort_unstable();
        // The outlet is stored beside each holder: judging a footer held by thousands of one
        // outlet's articles reads one run of rows, not a document lookup per holder.
        let mut holders = self
            .index
            .conn
            .prepare_cached(
                "SELECT doc, source FROM paragraph_keys WHERE key = ?1 ORDER BY doc LIMIT ?2",
            )
            .map_err(db)?;
        for key in keys {
            let mut rows = holders
                .query(params![key as i64, self.index.params.max_bucket as i64 + 1])
                .map_err(db)?;
            let mut indexed: Vec<(i64, Option<String>)> = Vec::new();
            while let Some(row) = rows.next().map_err(db)? {
                let doc: i64 = row.get(0).map_err(db)?;
                let source: Option<String> = row.get(1).map_err(db)?;
                if !self.excluded.contains(&doc) {
                    indexed.push((doc, source));
                }
            }
            let Some(&(first, _)) = indexed.first() else {
                continue;
            };
            let overflow = indexed.len() > self.index.params.max_bucket;
            indexed.truncate(self.index.params.max_bucket);
            let here = &holders_here[&key];
            // Queried documents are numbered after every indexed one.
            let members = indexed
                .iter()
                .map(|(doc, source)| (*doc as u64, source.as_deref()))
                .chain(here.iter().map(|h| (u64::MAX / 2 + h.doc as u64, h.source)));
            let text = fingerprints[here[0].doc].paragraphs[here[0].paragraph]
                .span
                .slice(&documents[here[0].doc].text);
            let boilerplate = crate::boilerplate::is_boilerplate_group(members, text);
            prior.boilerplate.insert(key, boilerplate);
            // Every holder of shared text joins the scan, as every copy joins a scan's exact
            // group (a paragraph too short for bands or anchors is found by its key alone);
            // boilerplate, or a group past `max_bucket`, gives its first holder only.
            if boilerplate || overflow {
                candidates.insert(first);
            } else {
                candidates.extend(indexed.iter().map(|&(doc, _)| doc));
            }
        }
        Ok(())
    }

    /// Indexed documents with a paragraph sharing an LSH band with a queried paragraph (not
    /// boilerplate). A bucket larger than `max_bucket` gives its first member only, as a
    /// scan's star does.
    fn shared_bands(
        &self,
        fingerprints: &[DocumentFingerprint],
        candidates: &mut FxHashSet<i64>,
        prior: &Prior,
    ) -> Result<(), IndexError> {
        let params = &self.index.params;
        let mut keys: Vec<i64> = Vec::new();
        for fp in fingerprints {
            for (node, band_keys) in fp.nodes.iter().zip(fp.band_keys.chunks_exact(params.bands)) {
                let key = fp.paragraphs[*node as usize].key;
                if prior.boilerplate.get(&key) != Some(&true) {
                    keys.extend(
                        band_keys
                            .iter()
                            .enumerate()
                            .map(|(b, &k)| band_row_key(b, k)),
                    );
                }
            }
        }
        keys.sort_unstable();
        keys.dedup();
        for key in keys {
            let docs = self.documents(
                "SELECT doc FROM bands WHERE key = ?1 ORDER BY doc LIMIT ?2",
                key,
                params.max_bucket + 1,
            )?;
            if docs.len() > params.max_bucket {
                candidates.insert(docs[0]);
            } else {
                candidates.extend(docs);
            }
        }
        Ok(())
    }

    /// Indexed documents sharing an alignment anchor with a queried one, unless the anchor is
    /// in more than `max_anchor_df` documents in all; such anchors are capped in `prior`.
    fn shared_anchors(
        &self,
        fingerprints: &[DocumentFingerprint],
        candidates: &mut FxHashSet<i64>,
        prior: &mut Prior,
    ) -> Result<(), IndexError> {
        let align = &self.index.params.align;
        // Queried documents holding each anchor.
        let mut holders_here: FxHashMap<u64, usize> = FxHashMap::default();
        let token_ids = self.index.normalizers.vocabulary().token_ids();
        for fp in fingerprints {
            let mut hashes = anchor_hashes(fp, &token_ids, align.anchor_size, align.anchor_window);
            hashes.sort_unstable();
            hashes.dedup();
            for hash in hashes {
                *holders_here.entry(hash).or_default() += 1;
            }
        }
        let mut hashes: Vec<(u64, usize)> = holders_here.into_iter().collect();
        hashes.sort_unstable();
        for (hash, here) in hashes {
            let docs = self.documents(
                "SELECT doc FROM anchors WHERE key = ?1 ORDER BY doc LIMIT ?2",
                anchor_row_key(hash),
                align.max_anchor_df + 1,
            )?;
            if docs.len() + here > align.max_anchor_df {
                prior.capped_anchors.insert(hash);
            } else {
                candidates.extend(docs);
            }
        }
        Ok(())
    }
}

/// SQLite's own check (`pragma`: `quick_check`, or the full `integrity_check`): every problem
/// it reports, a line each (a row can hold several lines, the first a "*** in database …"
/// header, which is left out), none when the database is sound.
fn sqlite_problems(conn: &Connection, pragma: &str) -> rusqlite::Result<Vec<String>> {
    let mut check = conn.prepare(&format!("PRAGMA {pragma}"))?;
    let rows = check.query_map([], |r| r.get::<_, String>(0))?;
    let mut problems = Vec::new();
    for row in rows {
        let row = row?;
        if row == "ok" {
            continue;
        }
        let before = problems.len();
        problems.extend(
            row.lines()
                .filter(|l| !l.starts_with("***") && !l.trim().is_empty())
                .map(str::to_string),
        );
        if problems.len() == before {
            // A row that is not "ok" is a problem, whatever it says.
            problems.push(row);
        }
    }
    Ok(problems)
}

/// The single number `sql` selects (a count or a sum).
fn query_count(conn: &Connection, sql: &str) -> rusqlite::Result<u64> {
    conn.query_row(sql, [], |r| r.get::<_, i64>(0))
        .map(|n| n as u64)
}

/// What is wrong with stored document `doc`: its `recorded` paragraph count and publication
/// time against those its text and date give, and its rows in the key tables against `keys`
/// (the rows its text gives): missing rows, paragraph keys with another outlet.
fn stored_document_problems(
    conn: &Connection,
    doc: i64,
    recorded: (i64, Option<i64>),
    document: &Document,
    keys: &DocumentKeys,
) -> rusqlite::Result<Vec<String>> {
    let mut problems = Vec::new();
    let (paragraphs, published_at) = recorded;
    if paragraphs != keys.paragraphs as i64 {
        problems.push(format!(
            "{paragraphs} paragraphs recorded, its text has {}",
            keys.paragraphs
        ));
    }
    if published_at != published_seconds(document) {
        problems.push(format!(
            "publication time recorded as {published_at:?} (seconds), its date '{}' gives {:?}",
            document.published.as_deref().unwrap_or(""),
            published_seconds(document)
        ));
    }
    for (table, rows) in keys.by_table() {
        let with_outlet = table == "paragraph_keys";
        let column = if with_outlet { "source" } else { "NULL" };
        let mut find = conn.prepare_cached(&format!(
            "SELECT {column} FROM {table} WHERE key = ?1 AND doc = ?2"
        ))?;
        let (mut missing, mut other_outlet) = (0usize, 0usize);
        for &key in rows.iter() {
            let found: Option<Option<String>> =
                find.query_row([key, doc], |r| r.get(0)).optional()?;
            match found {
                None => missing += 1,
                Some(source) if with_outlet && source != document.source => other_outlet += 1,
                Some(_) => {}
            }
        }
        if missing > 0 {
            problems.push(format!(
                "{missing} of its {} {table} rows missing",
                rows.len()
            ));
        }
        if other_outlet > 0 {
            problems.push(format!("{other_outlet} {table} rows with another outlet"));
        }
    }
    Ok(problems)
}

/// The publication time stored (and ordered by) in `documents.published_at`: seconds since
/// the epoch.
fn published_seconds(doc: &Document) -> Option<i64> {
    doc.published
        .as_deref()
        .and_then(parse_published)
        .map(|t| (t / 1_000_000_000) as i64)
}

const SELECT_DOCUMENT: &str = "SELECT doc, id, path, source, published, title, url, encoding, \
     truncated_from, bytes, text FROM documents";

/// One row of [`SELECT_DOCUMENT`] as `(doc number, document)`.
fn read_document(row: &rusqlite::Row<'_>) -> rusqlite::Result<(i64, Document)> {
    let bytes: i64 = row.get(9)?;
    let compressed: Vec<u8> = row.get(10)?;
    let corrupt = |message: String| {
        rusqlite::Error::FromSqlConversionFailure(10, rusqlite::types::Type::Blob, message.into())
    };
    let text = zstd::bulk::decompress(&compressed, bytes as usize)
        .map_err(|e| corrupt(format!("stored text does not decompress: {e}")))?;
    let text = String::from_utf8(text).map_err(|e| corrupt(format!("stored text: {e}")))?;
    let encoding: String = row.get(7)?;
    let encoding: TextEncoding = serde_json::from_str(&encoding)
        .map_err(|e| corrupt(format!("stored encoding {encoding}: {e}")))?;
    let truncated_from: Option<i64> = row.get(8)?;
    Ok((
        row.get(0)?,
        Document {
            id: row.get(1)?,
            path: row.get(2)?,
            source: row.get(3)?,
            published: row.get(4)?,
            title: row.get(5)?,
            url: row.get(6)?,
            text,
            encoding,
            truncated_from: truncated_from.map(|n| n as usize),
        },
    ))
}

/// Writes one chunk of documents (numbered from `first_doc`) and their keys, each table's rows
/// in key order (B-tree inserts in order fill pages densely and touch each page once).
fn write_documents(
    tx: &Transaction<'_>,
    documents: &[&Document],
    prepared: &[(DocumentKeys, Vec<u8>)],
    first_doc: i64,
) -> rusqlite::Result<()> {
    let mut insert = tx.prepare_cached(
        "INSERT INTO documents(doc, id, path, source, published, published_at, title, url, \
         encoding, truncated_from, bytes, paragraphs, text) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
    )?;
    for (i, (doc, (keys, text))) in documents.iter().zip(prepared).enumerate() {
        let published_at = published_seconds(doc);
        insert.execute(params![
            first_doc + i as i64,
            doc.id,
            doc.path,
            doc.source,
            doc.published,
            published_at,
            doc.title,
            doc.url,
            serde_json::to_string(&doc.encoding).expect("encoding serializes"),
            doc.truncated_from.map(|n| n as i64),
            doc.text.len() as i64,
            keys.paragraphs as i64,
            text,
        ])?;
    }
    Ok(())
}

/// The key rows of an add, gathered to be written in key order.
#[derive(Default)]
struct KeyRows {
    bands: Vec<(i64, i64)>,
    anchors: Vec<(i64, i64)>,
    paragraph_keys: Vec<(i64, i64)>,
}

impl KeyRows {
    fn push(&mut self, keys: &DocumentKeys, doc: i64) {
        self.bands.extend(keys.bands.iter().map(|&k| (k, doc)));
        self.anchors.extend(keys.anchors.iter().map(|&k| (k, doc)));
        self.paragraph_keys
            .extend(keys.paragraph_keys.iter().map(|&k| (k, doc)));
    }

    fn len(&self) -> usize {
        self.bands.len() + self.anchors.len() + self.paragraph_keys.len()
    }

    /// Writes and empties the gathered rows; `documents[d - first_doc]` is document `d`
    /// (paragraph keys carry its outlet).
    fn write(
        &mut self,
        tx: &Transaction<'_>,
        documents: &[&Document],
        first_doc: i64,
    ) -> rusqlite::Result<()> {
        for (table, rows) in [("bands", &mut self.bands), ("anchors", &mut self.anchors)] {
            rows.par_sort_unstable();
            let mut insert =
                tx.prepare_cached(&format!("INSERT INTO {table}(key, doc) VALUES (?1, ?2)"))?;
            for &(key, doc) in rows.iter() {
                insert.execute([key, doc])?;
            }
            *rows = Vec::new();
        }
        self.paragraph_keys.par_sort_unstable();
        let mut insert =
            tx.prepare_cached("INSERT INTO paragraph_keys(key, doc, source) VALUES (?1, ?2, ?3)")?;
        for &(key, doc) in &self.paragraph_keys {
            let source = documents[(doc - first_doc) as usize].source.as_deref();
            insert.execute(params![key, doc, source])?;
        }
        self.paragraph_keys = Vec::new();
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const WIRE: &str = "North Korea confirmed for the first time on Monday that it had sent \
        troops to fight for Russia in the war in Ukraine under orders from leader Kim Jong Un.";
    const FOOTER: &str = "Subscribe to the Daily Courier newsletter for the latest headlines \
        from our newsroom every single morning.";

    fn courier(id: &str, own: &str) -> Document {
        Document::new(id, format!("{own}\n\n{FOOTER}")).with_source("Daily Courier")
    }

    fn fresh_index() -> (tempfile::TempDir, Index) {
        let dir = tempfile::tempdir().unwrap();
        let params = Params::default().validated().unwrap();
        let index = Index::create(&dir.path().join("ix"), &params).unwrap();
        (dir, index)
    }

    #[test]
    fn a_query_finds_its_indexed_source_and_never_itself() {
        let (_dir, mut index) = fresh_index();
        let wire = Document::new("reuters-1", WIRE)
            .with_source("Reuters")
            .with_published("2026-01-01");
        let other = Document::new(
            "unrelated",
            "A story about the weather in a small town today.",
        );
        index.add(&[wire.clone(), other], &|_| {}).unwrap();

        let copy = Document::new("outlet-1", format!("Our own intro line here.\n\n{WIRE}"));
        let found = index
            .query(&[copy], ScanOptions::default(), &|_| {})
            .unwrap();
        assert_eq!(found.indexed, 1, "only the wire story is fetched");
        assert_eq!(found.documents[0].id, "reuters-1");
        assert_eq!(found.documents[0].text, WIRE, "stored text round-trips");
        assert!(found.is_query(1) && !found.is_query(0));
        assert!(!found.result.clusters.is_empty());

        // The indexed article queried again is not its own source.
        let again = index
            .query(&[wire], ScanOptions::default(), &|_| {})
            .unwrap();
        assert_eq!(again.indexed, 0);
    }

    #[test]
    fn a_short_paragraph_held_by_three_indexed_articles_brings_all_three_to_a_query() {
        // Too short for bands or anchors: found by its exact key alone. Only the first holder
        // used to be fetched, so a query linked one of the three where a scan links all.
        let shared = "Kim met Putin in Moscow.";
        let (_dir, mut index) = fresh_index();
        let indexed: Vec<Document> = ["a", "b", "c"]
            .iter()
            .map(|id| {
                Document::new(
                    *id,
                    format!("Unrelated opening of article {id} about the weather.\n\n{shared}"),
                )
            })
            .collect();
        index.add(&indexed, &|_| {}).unwrap();
        let query = Document::new("q", format!("A fourth outlet's own lead.\n\n{shared}"));
        let found = index
            .query(&[query], ScanOptions::default(), &|_| {})
            .unwrap();
        let fetched: Vec<&str> = found.documents[..found.indexed]
            .iter()
            .map(|d| d.id.as_str())
            .collect();
        assert_eq!(fetched, ["a", "b", "c"]);
    }

    #[test]
    fn an_outlet_footer_held_by_the_index_is_boilerplate_in_a_single_query() {
        let (_dir, mut index) = fresh_index();
        index
            .add(
                &[
                    courier(
                        "c1",
                        "The council met on Tuesday to discuss the new bridge plans.",
                    ),
                    courier(
                        "c2",
                        "Local schools reopened after the long summer holiday break.",
                    ),
                ],
                &|_| {},
            )
            .unwrap();
        let query = courier(
            "c3",
            "A new bakery opened on the high street this weekend, owners said.",
        );
        let found = index
            .query(&[query], ScanOptions::default(), &|_| {})
            .unwrap();
        let position = found.documents.len() - 1;
        let marks = &found.result.attribution.boilerplate[position];
        assert_eq!(
            marks,
            &[false, true],
            "the footer is the outlet's boilerplate"
        );
        assert!(found
            .result
            .attribution
            .clusters
            .iter()
            .all(|c| !c.kind.is_reuse()));
    }

    #[test]
    fn removing_a_document_removes_it_from_queries() {
        let (_dir, mut index) = fresh_index();
        index
            .add(&[Document::new("reuters-1", WIRE)], &|_| {})
            .unwrap();
        let removed = index
            .remove(&Removal::Ids(vec!["reuters-1".into(), "missing".into()]))
            .unwrap();
        assert_eq!(removed.removed, 1);
        assert_eq!(removed.not_found, vec!["missing".to_string()]);
        let stats = index.stats().unwrap();
        assert_eq!(
            (stats.documents, stats.band_rows, stats.anchor_rows),
            (0, 0, 0)
        );
        let found = index
            .query(
                &[Document::new("copy", WIRE)],
                ScanOptions::default(),
                &|_| {},
            )
            .unwrap();
        assert_eq!(found.indexed, 0);
    }

    #[test]
    fn keys_written_in_many_passes_are_the_keys_of_one_pass() {
        let documents = vec![
            Document::new("reuters-1", WIRE).with_source("Reuters"),
            courier(
                "c1",
                "The council met on Tuesday to discuss the bridge plans.",
            ),
            courier("c2", &format!("Local schools reopened today.\n\n{WIRE}")),
        ];
        let dump = |index: &Index| -> Vec<(i64, i64, Option<String>)> {
            let mut rows = Vec::new();
            for sql in [
                "SELECT key, doc, NULL FROM bands",
                "SELECT key, doc, NULL FROM anchors",
                "SELECT key, doc, source FROM paragraph_keys",
            ] {
                let mut statement = index.conn.prepare(sql).unwrap();
                let found = statement
                    .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
                    .unwrap();
                rows.extend(found.map(Result::unwrap));
            }
            rows
        };
        let (_one, mut one_pass) = fresh_index();
        one_pass.add(&documents, &|_| {}).unwrap();
        let (_many, mut many_passes) = fresh_index();
        // A pass after every document's keys.
        many_passes
            .add_in_passes(&documents, OnDuplicate::Skip, &|_| {}, 1)
            .unwrap();
        let rows = dump(&one_pass);
        assert!(rows.iter().any(|r| r.2.as_deref() == Some("Daily Courier")));
        assert_eq!(rows, dump(&many_passes));
        let counts = |index: &Index| {
            let s = index.stats().unwrap();
            (s.documents, s.paragraphs, s.band_rows, s.paragraph_key_rows)
        };
        assert_eq!(counts(&one_pass), counts(&many_passes));
    }
}
