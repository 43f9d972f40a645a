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
    let (documents, name) = corpus(args.first().map(String::as_str));
    let queries: usize = args.get(1).map_or(500, |n| n.parse().expect("QUERIES"));
    let (mut indexed, mut queried) = (Vec::new(), Vec::new());
    for (i, doc) in documents.into_iter().enumerate() {
        if i % 2 == 0 {
            &mut indexed
        } else {
            &mut queried
        }
        .push(doc);
    }
    let params = Params::default().validated().unwrap();
    println!(
        "corpus: {name}; indexed half {} documents, {:.1} MB; {} threads",
        indexed.len(),
        mb(&indexed),
        rayon::current_num_threads()
    );

    let started = Instant::now();
    let result = pipeline::scan(&indexed, &params, &|_| {});
    let scan_s = started.elapsed().as_secs_f64();
    println!(
        "scan of the indexed half: {scan_s:.1} s, {:.1} MB/s ({} clusters)",
        mb(&indexed) / scan_s,
        result.clusters.len()
    );
    drop(result);

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
    let index = Index::open(dir.path(), Access::Read).unwrap();
    let stats = index.stats().unwrap();
    println!(
        "index on disk: {:.1} MB, {} bytes per paragraph ({} band rows, {} anchor rows)",
        stats.disk_bytes as f64 / 1e6,
        stats.disk_bytes_per_paragraph,
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
