//! The Python binding: `wiretrace._wiretrace`, a thin layer over the library's front door.
//!
//! In: documents as columns of Python strings (the `wiretrace` package turns dicts and Arrow
//! tables into them), paths, parameters as a JSON object named like the CLI's flags. Out:
//! [`ScanReport`]s that write the CLI's JSON/JSONL/HTML reports, `compare` JSON, and
//! [`PyIndex`] over [`wiretrace::Index`]. The GIL is released while Rust works. Everything a
//! Python user sees (keyword arguments, tables, docstrings) is in `python/wiretrace/`.

use std::fs;
use std::io::Write;
use std::panic::AssertUnwindSafe;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, RecvTimeoutError};
use std::time::Duration;

use pyo3::exceptions::{PyKeyboardInterrupt, PyOSError, PyTypeError, PyValueError};
use pyo3::prelude::*;
use serde_json::{Map, Value};
use wiretrace::align::Alignment;
use wiretrace::index::{Access, OnDuplicate, Removal};
use wiretrace::ingest::Warning;
use wiretrace::report::{html, json};
use wiretrace::{Document, Error, Index, IngestOptions, Input, Language, Params, Report};

/// A finished scan (or index query): its documents and report, ready to be written.
#[pyclass(module = "wiretrace._wiretrace", frozen)]
struct ScanReport {
    documents: Vec<Document>,
    report: Report,
    alignments: Vec<Alignment>,
}

#[pymethods]
impl ScanReport {
    /// The report as the CLI's `--format json` writes it.
    fn to_json(&self, py: Python<'_>) -> PyResult<String> {
        self.render_to_string(py, ScanReport::write_json)
    }

    /// The report as the CLI's `--format jsonl` writes it.
    fn to_jsonl(&self, py: Python<'_>) -> PyResult<String> {
        self.render_to_string(py, ScanReport::write_jsonl)
    }

    /// Writes the report to `path` atomically (a temporary file renamed over it) in `format`:
    /// `json`, `jsonl` or `html`, byte for byte as the CLI's `--format FORMAT -o PATH`.
    fn write(&self, py: Python<'_>, path: PathBuf, format: &str) -> PyResult<()> {
        let render: Renderer = match format {
            "json" => ScanReport::write_json,
            "jsonl" => ScanReport::write_jsonl,
            "html" => ScanReport::write_html,
            other => {
                return Err(PyValueError::new_err(format!(
                    "format: {other:?} is not one of \"json\", \"jsonl\", \"html\""
                )))
            }
        };
        py.allow_threads(|| write_atomically(&path, |out| render(self, out)))
            .map_err(|e| PyOSError::new_err(format!("{}: {e}", path.display())))
    }
}

/// Writes a [`ScanReport`] in one of the CLI's formats.
type Renderer = fn(&ScanReport, &mut dyn Write) -> std::io::Result<()>;

impl ScanReport {
    fn write_json(&self, out: &mut dyn Write) -> std::io::Result<()> {
        json::write_json(&self.report, out)
    }

    fn write_jsonl(&self, out: &mut dyn Write) -> std::io::Result<()> {
        json::write_jsonl(&self.report, out)
    }

    fn write_html(&self, out: &mut dyn Write) -> std::io::Result<()> {
        html::write_html(&self.report, &self.documents, &self.alignments, out)
    }

    /// The report rendered into a string, without the GIL.
    fn render_to_string(&self, py: Python<'_>, render: Renderer) -> PyResult<String> {
        py.allow_threads(|| {
            let mut out = Vec::new();
            render(self, &mut out).map_err(|e| e.to_string())?;
            String::from_utf8(out).map_err(|e| e.to_string())
        })
        .map_err(PyValueError::new_err)
    }
}

/// Writes `path` through a temporary file beside it, renamed over it once complete.
fn write_atomically(
    path: &Path,
    write: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> std::io::Result<()> {
    let name = path
        .file_name()
        .ok_or_else(|| std::io::Error::other("not a file name"))?;
    let mut temporary = path.to_path_buf();
    temporary.set_file_name(format!(
        ".{}.{}.tmp",
        name.to_string_lossy(),
        std::process::id()
    ));
    let result = (|| {
        let mut file = std::io::BufWriter::new(fs::File::create(&temporary)?);
        write(&mut file)?;
        file.into_inner().map_err(|e| e.into_error())?.sync_all()?;
        fs::rename(&temporary, path)
    })();
    if result.is_err() {
        let _ = fs::remove_file(&temporary);
    }
    result
}

/// A library error as the Python exception a user expects: bad parameters are `ValueError`
/// naming the parameter as a keyword, the rest `OSError` naming the input or directory.
fn to_py(error: Error) -> PyErr {
    match error {
        Error::Params(e) => PyValueError::new_err(format!(
            "{}: {}",
            e.flag.trim_start_matches("--").replace('-', "_"),
            e.message
        )),
        other => PyOSError::new_err(other.to_string()),
    }
}

/// Parameters from a JSON object of keyword arguments named like the CLI's flags
/// (`threshold`, `min_tokens`, `no_align`…), over the defaults, validated.
fn params_from(json_params: &str) -> PyResult<Params> {
    let given: Map<String, Value> =
        serde_json::from_str(json_params).map_err(|e| PyValueError::new_err(e.to_string()))?;
    let mut params = Params::default();
    for (name, value) in &given {
        let bad = |expected: &str| PyValueError::new_err(format!("{name}: expected {expected}"));
        let int = || {
            value
                .as_u64()
                .map(|v| v as usize)
                .ok_or_else(|| bad("an integer >= 0"))
        };
        let float = || value.as_f64().ok_or_else(|| bad("a number"));
        let text = || value.as_str().ok_or_else(|| bad("a string"));
        match name.as_str() {
            "language" => {
                params.language = text()?
                    .parse::<Language>()
                    .map_err(|e| PyValueError::new_err(format!("language: {e}")))?
            }
            "shingle_size" => params.shingle_size = int()?,
            "permutations" => params.permutations = int()?,
            "minhash" => {
                params.minhash = text()?
                    .parse()
                    .map_err(|e| PyValueError::new_err(format!("minhash: {e}")))?
            }
            "seed" => params.seed = value.as_u64().ok_or_else(|| bad("an integer >= 0"))?,
            "threshold" => params.threshold = float()?,
            "containment" => params.containment = float()?,
            "min_tokens" => params.min_paragraph_tokens = int()?,
            "max_bucket" => params.max_bucket = int()?,
            "max_doc_bytes" => params.max_doc_bytes = int()?,
            "no_align" => params.align.enabled = !value.as_bool().ok_or_else(|| bad("a bool"))?,
            "anchor_size" => params.align.anchor_size = int()?,
            "anchor_window" => params.align.anchor_window = int()?,
            "max_anchor_df" => params.align.max_anchor_df = int()?,
            "min_aligned_tokens" => params.align.min_tokens = int()?,
            "min_identity" => params.align.min_identity = float()?,
            other => {
                return Err(PyTypeError::new_err(format!(
                    "unexpected keyword argument '{other}'"
                )))
            }
        }
    }
    params.validated().map_err(|e| to_py(e.into()))
}

/// Documents as the package passes them: the columns `id`, `text`, `source`, `published`,
/// `title`, `url` (one entry per document; `None` where a field is absent).
type Columns = (
    Vec<String>,
    Vec<String>,
    Vec<Option<String>>,
    Vec<Option<String>>,
    Vec<Option<String>>,
    Vec<Option<String>>,
);

/// Documents from their columns.
fn documents_from(columns: Columns) -> PyResult<Vec<Document>> {
    let (ids, texts, sources, published, titles, urls) = columns;
    let n = ids.len();
    if [
        texts.len(),
        sources.len(),
        published.len(),
        titles.len(),
        urls.len(),
    ]
    .iter()
    .any(|&len| len != n)
    {
        return Err(PyValueError::new_err("columns of different lengths"));
    }
    let mut documents = Vec::with_capacity(n);
    let columns = ids
        .into_iter()
        .zip(texts)
        .zip(sources)
        .zip(published)
        .zip(titles)
        .zip(urls);
    for (((((id, text), source), published), title), url) in columns {
        let mut doc = Document::new(id, text);
        doc.source = source;
        doc.published = published;
        doc.title = title;
        doc.url = url;
        documents.push(doc);
    }
    Ok(documents)
}

/// Why a scan stopped early: Ctrl-C (Python's pending `KeyboardInterrupt`).
struct Interrupted;

/// How often a running scan looks for Python's pending signals.
const SIGNAL_POLL: Duration = Duration::from_millis(50);

/// Runs `work` (which reports progress to the callback it is given) on a worker thread so that
/// Ctrl-C stops it: the calling thread runs Python's pending signals every `SIGNAL_POLL`; on a
/// `KeyboardInterrupt` the work unwinds at its next progress report (`resume_unwind`: no panic
/// message) and `KeyboardInterrupt("wiretrace: scan interrupted")` is raised here (another
/// exception a signal handler raises is raised as it is). Call it without the GIL.
fn interruptible<T: Send>(
    work: impl FnOnce(&(dyn Fn(wiretrace::Progress) + Sync)) -> T + Send,
) -> PyResult<T> {
    let cancelled = AtomicBool::new(false);
    let check = |_: wiretrace::Progress| {
        if cancelled.load(Ordering::Relaxed) {
            std::panic::resume_unwind(Box::new(Interrupted));
        }
    };
    let (done, finished) = mpsc::channel::<()>();
    std::thread::scope(|scope| {
        let worker = scope.spawn(move || {
            let outcome = std::panic::catch_unwind(AssertUnwindSafe(|| work(&check)));
            // The receiver outlives the worker: the scope joins it first.
            let _ = done.send(());
            outcome
        });
        let mut signal = None;
        while let Err(RecvTimeoutError::Timeout) = finished.recv_timeout(SIGNAL_POLL) {
            if let Err(err) = Python::with_gil(|py| py.check_signals()) {
                cancelled.store(true, Ordering::Relaxed);
                signal = Some(err);
                break;
            }
        }
        let outcome = worker
            .join()
            .unwrap_or_else(|payload| std::panic::resume_unwind(payload));
        match (signal, outcome) {
            (Some(err), _) => Err(Python::with_gil(|py| {
                if err.is_instance_of::<PyKeyboardInterrupt>(py) {
                    PyKeyboardInterrupt::new_err("wiretrace: scan interrupted")
                } else {
                    err
                }
            })),
            (None, Ok(out)) => Ok(out),
            (None, Err(payload)) => std::panic::resume_unwind(payload),
        }
    })
}

/// Scans `documents` and builds the report, as `wiretrace scan` does.
fn scan_and_report(
    documents: Vec<Document>,
    warnings: &[Warning],
    params: &Params,
    options: wiretrace::ScanOptions,
    progress: &(dyn Fn(wiretrace::Progress) + Sync),
) -> ScanReport {
    let result = wiretrace::scan_with(&documents, params, options, progress);
    let report = Report::build(&documents, warnings, params, &result);
    ScanReport {
        alignments: result.alignments,
        documents,
        report,
    }
}

/// Scans documents given as columns.
#[pyfunction]
fn scan_columns(py: Python<'_>, columns: Columns, params: &str) -> PyResult<ScanReport> {
    let params = params_from(params)?;
    let documents = documents_from(columns)?;
    py.allow_threads(|| {
        interruptible(|progress| {
            let options = wiretrace::ScanOptions::default();
            scan_and_report(documents, &[], &params, options, progress)
        })
    })
}

/// Reads files, directories (walked), JSONL/CSV/Parquet files or `-` (stdin) as the CLI does,
/// and scans them.
#[pyfunction]
fn scan_paths(py: Python<'_>, paths: Vec<PathBuf>, params: &str) -> PyResult<ScanReport> {
    let params = params_from(params)?;
    py.allow_threads(|| {
        let inputs: Vec<Input> = paths
            .into_iter()
            .map(|p| {
                if p.as_os_str() == "-" {
                    Input::Stdin
                } else {
                    Input::Path(p)
                }
            })
            .collect();
        let options = IngestOptions {
            max_doc_bytes: params.max_doc_bytes,
            ..IngestOptions::default()
        };
        interruptible(|progress| {
            let corpus = wiretrace::ingest(&inputs, &options).map_err(|e| to_py(e.into()))?;
            let options = wiretrace::ScanOptions::default();
            let report = scan_and_report(
                corpus.documents,
                &corpus.warnings,
                &params,
                options,
                progress,
            );
            Ok(report)
        })?
    })
}

/// Paragraph rows of a batch: per paragraph its document id, index, byte range, token count,
/// key (equal text, equal key), whether it was fingerprinted, and its band keys (`bands` of
/// them, empty when not fingerprinted); and anchor rows: each document's distinct winnowed
/// alignment anchors (empty with `no_align`).
type FingerprintRows = (ParagraphRows, (Vec<String>, Vec<u64>));

/// Paragraph rows as columns: document id, index, start, end, tokens, key, fingerprinted,
/// band keys, compact shingle set.
type ParagraphRows = (
    Vec<String>,
    Vec<u32>,
    Vec<usize>,
    Vec<usize>,
    Vec<u32>,
    Vec<u64>,
    Vec<bool>,
    Vec<Vec<u32>>,
    Vec<Vec<u32>>,
);

/// The fingerprint stage on a batch of documents (stage 1 of a distributed scan).
#[pyfunction]
fn fingerprint_columns(
    py: Python<'_>,
    columns: Columns,
    params: &str,
) -> PyResult<FingerprintRows> {
    let params = params_from(params)?;
    let documents = documents_from(columns)?;
    Ok(py.allow_threads(|| {
        let normalizers = wiretrace::normalize::NormalizerPool::new(params.language);
        let fingerprints =
            wiretrace::fingerprint::fingerprint_documents(&documents, &params, &normalizers);
        let token_ids = normalizers.vocabulary().token_ids();
        let mut paragraphs = ParagraphRows::default();
        let mut anchors: (Vec<String>, Vec<u64>) = Default::default();
        let mut ids = Vec::new();
        for (position, (doc, fp)) in documents.iter().zip(&fingerprints).enumerate() {
            let mut node = fp.nodes.iter().enumerate().peekable();
            for (index, paragraph) in fp.paragraphs.iter().enumerate() {
                let (band_keys, shingles) = match node.peek() {
                    Some(&(local, &p)) if p as usize == index => {
                        node.next();
                        (
                            fp.band_keys[local * params.bands..][..params.bands].to_vec(),
                            fp.shingle_set(local).to_vec(),
                        )
                    }
                    _ => Default::default(),
                };
                paragraphs.0.push(doc.id.clone());
                paragraphs.1.push(index as u32);
                paragraphs.2.push(paragraph.span.start);
                paragraphs.3.push(paragraph.span.end);
                paragraphs.4.push(paragraph.tokens);
                paragraphs.5.push(paragraph.key);
                paragraphs.6.push(paragraph.fingerprinted);
                paragraphs.7.push(band_keys);
                paragraphs.8.push(shingles);
            }
            if params.align.enabled {
                wiretrace::align::anchor_ids(&fp.words, &token_ids, position as u32, &mut ids);
                let (size, window) = (params.align.anchor_size, params.align.anchor_window);
                let mut hashes: Vec<u64> = wiretrace::align::winnowed_anchors(&ids, size, window)
                    .into_iter()
                    .map(|(hash, _)| hash)
                    .collect();
                hashes.sort_unstable();
                hashes.dedup();
                for hash in hashes {
                    anchors.0.push(doc.id.clone());
                    anchors.1.push(hash);
                }
            }
        }
        (paragraphs, anchors)
    }))
}

/// Verification of candidate paragraph pairs from their compact shingle sets (stage 2 of a
/// distributed scan): per pair, Jaccard, containment of the left in the right and of the
/// right in the left, and whether the scan links them.
#[pyfunction]
fn verify_pairs(
    py: Python<'_>,
    left: Vec<Vec<u32>>,
    right: Vec<Vec<u32>>,
    params: &str,
) -> PyResult<VerdictRows> {
    let params = params_from(params)?;
    if left.len() != right.len() {
        return Err(PyValueError::new_err(format!(
            "left has {} shingle sets and right {}: one of each per pair",
            left.len(),
            right.len()
        )));
    }
    Ok(py.allow_threads(|| {
        let mut out = VerdictRows::default();
        for (a, b) in left.iter().zip(&right) {
            // Sets as fingerprinting makes them: sorted and deduplicated.
            let (a, b) = (sorted_set(a), sorted_set(b));
            let similarity = wiretrace::verify::similarity(&a, &b);
            out.0.push(similarity.jaccard);
            out.1.push(similarity.containment_a_in_b);
            out.2.push(similarity.containment_b_in_a);
            out.3
                .push(similarity.links(params.threshold, params.containment));
        }
        out
    }))
}

/// Verdict rows as columns: Jaccard, containment of the left in the right, of the right in
/// the left, linked.
type VerdictRows = (Vec<f64>, Vec<f64>, Vec<f64>, Vec<bool>);

/// `set` sorted and deduplicated (a copy only when it is not already).
fn sorted_set(set: &[u32]) -> std::borrow::Cow<'_, [u32]> {
    if set.windows(2).all(|w| w[0] < w[1]) {
        std::borrow::Cow::Borrowed(set)
    } else {
        let mut owned = set.to_vec();
        owned.sort_unstable();
        owned.dedup();
        std::borrow::Cow::Owned(owned)
    }
}

/// Passage rows: positions of the two documents, both byte ranges, matching tokens,
/// alignment columns, score.
type PassageRows = (
    Vec<u32>,
    Vec<u32>,
    Vec<usize>,
    Vec<usize>,
    Vec<usize>,
    Vec<usize>,
    Vec<u32>,
    Vec<u32>,
    Vec<i32>,
);

/// The alignment stage on listed document pairs (positions in the batch), with the corpus-wide
/// boilerplate verdicts and capped anchors: each pair's passages as a scan finds them.
#[pyfunction]
fn align_pairs(
    py: Python<'_>,
    columns: Columns,
    params: &str,
    pairs: Vec<(u32, u32)>,
    boilerplate: Vec<(u64, bool)>,
    capped_anchors: Vec<u64>,
) -> PyResult<PassageRows> {
    let params = params_from(params)?;
    let documents = documents_from(columns)?;
    let n = documents.len() as u32;
    if let Some(&(a, b)) = pairs.iter().find(|&&(a, b)| a >= n || b >= n || a == b) {
        return Err(PyValueError::new_err(format!(
            "pair ({a}, {b}) is not two different positions among the {n} documents"
        )));
    }
    Ok(py.allow_threads(|| {
        let prior = corpus_prior(boilerplate, capped_anchors);
        let options = wiretrace::ScanOptions {
            prior: Some(&prior),
            keep_alignment_ops: false,
            ..wiretrace::ScanOptions::default()
        };
        let alignments =
            wiretrace::pipeline::align_document_pairs(&documents, &pairs, &params, options);
        let mut rows = PassageRows::default();
        for a in alignments {
            rows.0.push(a.a);
            rows.1.push(a.b);
            rows.2.push(a.span_a.start);
            rows.3.push(a.span_a.end);
            rows.4.push(a.span_b.start);
            rows.5.push(a.span_b.end);
            rows.6.push(a.matched);
            rows.7.push(a.columns);
            rows.8.push(a.score);
        }
        rows
    }))
}

/// Whether equal paragraphs held by these `(document id, outlet)` holders are boilerplate
/// (stage 2: decided over every holder in the corpus).
#[pyfunction]
fn boilerplate_verdict(holders: Vec<(String, Option<String>)>, text: &str) -> bool {
    let mut numbers: std::collections::HashMap<&str, u64> = std::collections::HashMap::new();
    let members: Vec<(u64, Option<&str>)> = holders
        .iter()
        .map(|(doc, source)| {
            let next = numbers.len() as u64;
            (
                *numbers.entry(doc.as_str()).or_insert(next),
                source.as_deref(),
            )
        })
        .collect();
    wiretrace::boilerplate::is_boilerplate_group(members.into_iter(), text)
}

/// Scans one connected component of documents with what the rest of the corpus decided
/// (stage 3): boilerplate verdicts by paragraph key and the anchors too common corpus-wide.
/// Clusters of equal boilerplate paragraphs are left to stage 2, which sees every holder.
#[pyfunction]
fn scan_component(
    py: Python<'_>,
    columns: Columns,
    params: &str,
    boilerplate: Vec<(u64, bool)>,
    capped_anchors: Vec<u64>,
) -> PyResult<ScanReport> {
    let params = params_from(params)?;
    let documents = documents_from(columns)?;
    py.allow_threads(|| {
        let prior = corpus_prior(boilerplate, capped_anchors);
        let options = wiretrace::ScanOptions {
            prior: Some(&prior),
            ..wiretrace::ScanOptions::default()
        };
        interruptible(|progress| scan_and_report(documents, &[], &params, options, progress))
    })
}

/// What stage 2 decided over the whole corpus, for a stage run on part of it: boilerplate
/// verdicts by paragraph key, the anchors too common corpus-wide, and the clusters of equal
/// boilerplate paragraphs left to stage 2 (which sees every holder).
fn corpus_prior(
    boilerplate: Vec<(u64, bool)>,
    capped_anchors: Vec<u64>,
) -> wiretrace::pipeline::Prior {
    wiretrace::pipeline::Prior {
        boilerplate: boilerplate.into_iter().collect(),
        capped_anchors: capped_anchors.into_iter().collect(),
        boilerplate_grouped_elsewhere: true,
    }
}

/// The passages two texts share, as `wiretrace compare --format json` reports them.
#[pyfunction]
fn compare(py: Python<'_>, a: String, b: String, params: &str) -> PyResult<String> {
    let params = params_from(params)?;
    py.allow_threads(|| {
        let (a, b) = (Document::new("a", a), Document::new("b", b));
        let alignments = wiretrace::compare(&a, &b, &params);
        let report =
            wiretrace::report::compare::CompareReport::build(&a, &b, &params.align, &alignments);
        let mut out = Vec::new();
        wiretrace::report::compare::write_json(&report, &mut out).map_err(|e| e.to_string())?;
        String::from_utf8(out).map_err(|e| e.to_string())
    })
    .map_err(PyValueError::new_err)
}

/// A persistent reference index (`wiretrace index`).
#[pyclass(module = "wiretrace._wiretrace", name = "Index", unsendable)]
struct PyIndex {
    index: Index,
}

#[pymethods]
impl PyIndex {
    /// Creates an index in `path` (which must not hold one) with these parameters.
    #[staticmethod]
    fn create(py: Python<'_>, path: PathBuf, params: &str) -> PyResult<PyIndex> {
        let params = params_from(params)?;
        py.allow_threads(|| Index::create(&path, &params))
            .map(|index| PyIndex { index })
            .map_err(|e| to_py(e.into()))
    }

    /// Opens the index in `path` for reading and writing.
    #[staticmethod]
    fn open(py: Python<'_>, path: PathBuf) -> PyResult<PyIndex> {
        py.allow_threads(|| Index::open(&path, Access::Write))
            .map(|index| PyIndex { index })
            .map_err(|e| to_py(e.into()))
    }

    /// Adds documents given as columns; `on_duplicate` is `skip`, `replace` or `fail`.
    /// Returns the summary as JSON.
    fn add(&mut self, py: Python<'_>, columns: Columns, on_duplicate: &str) -> PyResult<String> {
        let on_duplicate = match on_duplicate {
            "skip" => OnDuplicate::Skip,
            "replace" => OnDuplicate::Replace,
            "fail" => OnDuplicate::Fail,
            other => {
                return Err(PyValueError::new_err(format!(
                    "on_duplicate: expected skip, replace or fail, got {other:?}"
                )))
            }
        };
        let documents = documents_from(columns)?;
        let index = &mut self.index;
        let summary = py
            .allow_threads(move || index.add_with(&documents, on_duplicate, &|_| {}))
            .map_err(|e| to_py(e.into()))?;
        Ok(serde_json::json!({
            "added": summary.added,
            "skipped_ids": summary.skipped_ids,
            "replaced": summary.replaced,
            "paragraphs": summary.paragraphs,
            "bytes": summary.bytes,
        })
        .to_string())
    }

    /// Scans documents given as columns against the index: the report keeps the clusters
    /// with a queried member, as `wiretrace index query` does.
    fn query(&mut self, py: Python<'_>, columns: Columns) -> PyResult<ScanReport> {
        let documents = documents_from(columns)?;
        // `&mut`: a connection may move to the worker thread but not be shared with it.
        let index = &mut self.index;
        py.allow_threads(move || {
            let params = index.params().clone();
            let options = wiretrace::ScanOptions::default();
            interruptible(move |progress| {
                let found = index
                    .query(&documents, options, progress)
                    .map_err(|e| to_py(e.into()))?;
                let report = Report::build(&found.documents, &[], &params, &found.result)
                    .for_queries(|position| found.is_query(position));
                let alignments = found.query_alignments();
                Ok(ScanReport {
                    documents: found.documents,
                    report,
                    alignments,
                })
            })?
        })
    }

    /// Removes the documents with these ids; returns the summary as JSON.
    fn remove(&mut self, py: Python<'_>, ids: Vec<String>) -> PyResult<String> {
        let index = &mut self.index;
        let summary = py
            .allow_threads(move || index.remove(&Removal::Ids(ids)))
            .map_err(|e| to_py(e.into()))?;
        Ok(serde_json::json!({
            "removed": summary.removed,
            "not_found": summary.not_found,
        })
        .to_string())
    }

    /// Counts and sizes, as JSON (`wiretrace index stats --format json`).
    fn stats(&mut self, py: Python<'_>) -> PyResult<String> {
        let index = &mut self.index;
        let stats = py
            .allow_threads(move || index.stats())
            .map_err(|e| to_py(e.into()))?;
        serde_json::to_string(&stats).map_err(|e| PyValueError::new_err(e.to_string()))
    }
}

/// The native part of the `wiretrace` package.
#[pymodule]
fn _wiretrace(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    m.add_class::<ScanReport>()?;
    m.add_class::<PyIndex>()?;
    m.add_function(wrap_pyfunction!(scan_columns, m)?)?;
    m.add_function(wrap_pyfunction!(scan_paths, m)?)?;
    m.add_function(wrap_pyfunction!(compare, m)?)?;
    m.add_function(wrap_pyfunction!(fingerprint_columns, m)?)?;
    m.add_function(wrap_pyfunction!(boilerplate_verdict, m)?)?;
    m.add_function(wrap_pyfunction!(scan_component, m)?)?;
    m.add_function(wrap_pyfunction!(verify_pairs, m)?)?;
    m.add_function(wrap_pyfunction!(align_pairs, m)?)?;
    Ok(())
}
