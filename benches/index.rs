//! The persistent index against `scan`, in one run: add throughput next to scan throughput on
//! the same documents, the index's size on disk per paragraph, and the latency of querying one
//! article at a time (p50/p99/max over a batch).
//!
//! The corpus is split by line parity into an indexed half and a queried half (synthetic
//! corpora write a story's copies together, so both halves hold copies of every story).
//!
//! Run: `cargo bench --bench index -- CORPUS.jsonl [QUERIES]`, e.g. on a corpus from
//! `wiretrace synth ../shared/corpora/bbc/bbc.jsonl --size 1GB --seed 1 -o … --truth …`.
//! Without a corpus it synthesizes 20 MB from the bundled sample (a smoke run).
//!
//! Grow mode, for an index larger than one scan can hold in memory (1 M articles):
//! `cargo bench --bench index -- grow CORPUS.jsonl [QUERIES] [SCAN_MB] [BATCH]` keeps every
//! 100th article for the queries, adds the rest in batches of BATCH (100,000) articles, one
//! transaction each, queries, then scans the first SCAN_MB (1000) MB of the added articles for
//! the throughput to compare with.
//!
//! Query mode: `cargo bench --bench index -- query INDEX_DIR CORPUS.jsonl [QUERIES]` times
//! queries of every 100th article of CORPUS against an existing index (the grow mode's split). The index goes in a temporary directory under `$INDEX_BENCH_DIR` (or `.`).

mod common;

use std::time::Instant;

use wiretrace::doc::Document;
use wiretrace::index::{Access, Index};
use wiretrace::ingest::{self, IngestOptions, Input};
use wiretrace::params::Params;
use wiretrace::pipeline::{self, ScanOptions};
use wiretrace::synth::{self, Base, SynthOptions};

fn corpus(path: Option<&str>) -> (Vec<Document>, String) {
    match path {
        Some(path) => {
            let corpus = ingest::ingest(&[Input::Path(path.into())], &IngestOptions::default())
                .expect("corpus is readable");
            (corpus.documents, path.to_string())
        }
        None => {
            let (base, _) = common::news_corpus();
            let base = Base::from_documents(&base).expect("the bench base has articles");
            let options = SynthOptions {
                seed: 1,
                target_bytes: 20_000_000,
                ..SynthOptions::default()
            };
            let mut jsonl = Vec::new();
            synth::generate(&base, &options, &mut jsonl, &mut std::io::sink()).expect("synth");
            let dir = tempfile::tempdir().unwrap();
            let file = dir.path().join("synth.jsonl");
            std::fs::write(&file, jsonl).unwrap();
            let corpus = ingest::ingest(&[Input::Path(file)], &IngestOptions::default())
                .expect("synthetic corpus is readable");
            (corpus.documents, "synth 20 MB (seed 1)".to_string())
        }
    }
}

fn mb(documents: &[Document]) -> f64 {
    common::total_bytes(documents) as f64 / 1e6
}

fn main() {
    // `cargo bench` passes `--bench`; the other arguments are ours.
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with("--"))
        .collect();
    if args.first().map(String::as_str) == Some("grow") {
        let path = args
            .get(1)
            .expect("grow CORPUS.jsonl [QUERIES] [SCAN_MB] [BATCH]");
        let queries = args.get(2).map_or(500, |n| n.parse().expect("QUERIES"));
        let scan_mb = args.get(3).map_or(1000.0, |n| n.parse().expect("SCAN_MB"));
        let batch = args.get(4).map_or(100_000, |n| n.parse().expect("BATCH"));
        grow(path, queries, scan_mb, batch);
    } else if args.first().map(String::as_str) == Some("query") {
        let usage = "query INDEX_DIR CORPUS.jsonl [QUERIES]";
        let dir = args.get(1).expect(usage);
        let (documents, _) = corpus(Some(args.get(2).expect(usage)));
        let queries = args.get(3).map_or(500, |n| n.parse().expect("QUERIES"));
        let (_, queried) = split_off(documents, every_100th);
        measure_index(std::path::Path::new(dir), &queried, queries);
    } else {
        let (documents, name) = corpus(args.first().map(String::as_str));
        let queries = args.get(1).map_or(500, |n| n.parse().expect("QUERIES"));
        split(documents, &name, queries);
    }
}

/// The documents whose line (from 0) `is_query` picks are queried, the others indexed:
/// `(indexed, queried)`.
fn split_off(
    documents: Vec<Document>,
    is_query: impl Fn(usize) -> bool,
) -> (Vec<Document>, Vec<Document>) {
    let (mut indexed, mut queried) = (Vec::new(), Vec::new());
    for (line, doc) in documents.into_iter().enumerate() {
        if is_query(line) {
            queried.push(doc);
        } else {
            indexed.push(doc);
        }
    }
    (indexed, queried)
}

/// The queries of the grow and query modes: every 100th line.
fn every_100th(line: usize) -> bool {
    line % 100 == 99
}

/// Split mode: the indexed half scanned, then added in one `add`, then queried.
fn split(documents: Vec<Document>, name: &str, queries: usize) {
    let (indexed, queried) = split_off(documents, |line| line % 2 == 1);
    let params = Params::default().validated().unwrap();
    println!(
        "corpus: {name}; indexed half {} documents, {:.1} MB; {} threads",
        indexed.len(),
        mb(&indexed),
        rayon::current_num_threads()
    );
    let scan_s = time_scan(&indexed, &params);

    let dir = tempfile::tempdir().unwrap();
    let mut index = Index::create(dir.path(), &params).unwrap();
    index.set_cache_mib(256).unwrap();
    let started = Instant::now();
    let added = index.add(&indexed, &|_| {}).unwrap();
    let add_s = started.elapsed().as_secs_f64();
    println!(
        "index add of the same half: {add_s:.1} s, {:.1} MB/s ({} documents, {} paragraphs); add/scan time {:.2}x",
        mb(&indexed) / add_s,
        added.added,
        added.paragraphs,
        add_s / scan_s
    );
    drop(index);
    measure_index(dir.path(), &queried, queries);
}

/// Grow mode, for indexes larger than a scan can hold: every 100th article is kept for the
/// queries, the rest are added in batches of `batch` articles (one `add`, one transaction each,
/// as daily adds would be). Add throughput is set against the scan throughput of the first
/// `scan_mb` MB of the indexed articles, measured in the same run after the queries.
fn grow(path: &str, queries: usize, scan_mb: f64, batch: usize) {
    let (documents, _) = corpus(Some(path));
    let (mut indexed, queried) = split_off(documents, every_100th);
    let params = Params::default().validated().unwrap();
    println!(
        "corpus: {path}; indexed {} documents, {:.1} MB, in batches of {batch}; {} threads",
        indexed.len(),
        mb(&indexed),
        rayon::current_num_threads()
    );

    let dir = tempfile::tempdir_in(std::env::var("INDEX_BENCH_DIR").unwrap_or(".".into())).unwrap();
    let mut index = Index::create(dir.path(), &params).unwrap();
    index.set_cache_mib(256).unwrap();
    let (mut total_s, mut total_mb, mut total_docs) = (0.0, 0.0, 0);
    for chunk in indexed.chunks(batch) {
        let started = Instant::now();
        let added = index.add(chunk, &|_| {}).unwrap();
        let add_s = started.elapsed().as_secs_f64();
        total_s += add_s;
        total_mb += mb(chunk);
        total_docs += added.added;
        println!(
            "add {} documents: {add_s:.1} s, {:.1} MB/s; index {total_docs} documents, {:.1} MB/s overall",
            added.added,
            mb(chunk) / add_s,
            total_mb / total_s
        );
    }
    drop(index);
    // The scan comes last: its memory would otherwise crowd the index out of the page cache.
    let mut scanned_bytes = 0.0;
    let scanned = indexed
        .iter()
        .take_while(|d| {
            scanned_bytes += d.text.len() as f64 / 1e6;
            scanned_bytes <= scan_mb
        })
        .count();
    indexed.truncate(scanned);
    measure_index(dir.path(), &queried, queries);
    drop(dir);

    let scan_s = time_scan(&indexed, &params);
    let scan_rate = mb(&indexed) / scan_s;
    println!(
        "index add overall: {total_s:.1} s, {:.1} MB/s; scan {scan_rate:.1} MB/s; add/scan time per MB {:.2}x",
        total_mb / total_s,
        scan_rate / (total_mb / total_s)
    );
}

/// Times one scan of `documents` and prints its throughput.
fn time_scan(documents: &[Document], params: &Params) -> f64 {
    let started = Instant::now();
    let result = pipeline::scan(documents, params, &|_| {});
    let scan_s = started.elapsed().as_secs_f64();
    println!(
        "scan of {} indexed documents: {scan_s:.1} s, {:.1} MB/s ({} clusters)",
        documents.len(),
        mb(documents) / scan_s,
        result.clusters.len()
    );
    scan_s
}

/// The index's size on disk and the latency of querying `queries` articles one at a time.
fn measure_index(dir: &std::path::Path, queried: &[Document], queries: usize) {
    let index = Index::open(dir, Access::Read).unwrap();
    let stats = index.stats().unwrap();
    println!(
        "index on disk: {:.1} MB, {} bytes per paragraph ({} paragraphs, {} band rows, {} anchor rows)",
        stats.disk_bytes as f64 / 1e6,
        stats.disk_bytes_per_paragraph,
        stats.paragraphs,
        stats.band_rows,
        stats.anchor_rows
    );

    let step = (queried.len() / queries.max(1)).max(1);
    let mut latencies: Vec<f64> = Vec::new();
    let mut candidates = 0;
    for doc in queried.iter().step_by(step).take(queries) {
        let started = Instant::now();
        let found = index
            .query(std::slice::from_ref(doc), ScanOptions::default(), &|_| {})
            .unwrap();
        latencies.push(started.elapsed().as_secs_f64() * 1e3);
        candidates += found.indexed;
    }
    latencies.sort_by(f64::total_cmp);
    let at = |q: f64| latencies[((latencies.len() - 1) as f64 * q).round() as usize];
    println!(
        "query one article ({} queries, {:.1} indexed candidates each): p50 {:.1} ms, p99 {:.1} ms, max {:.1} ms",
        latencies.len(),
        candidates as f64 / latencies.len() as f64,
        at(0.5),
        at(0.99),
        at(1.0)
    );
}
