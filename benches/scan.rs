//! End-to-end `scan` (fingerprint, candidates, verify, cluster, report model) on real news text,
//! with the thread pool rayon picks (all cores). Reports MB/s.
//!
//! The corpus is the BBC set plus a republished copy of every fifth article with its first
//! paragraph dropped, so that there is reuse to find and cluster.
//!
//! Run: `cargo bench --bench scan`

mod common;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use wiretrace::doc::Document;
use wiretrace::params::Params;
use wiretrace::pipeline;
use wiretrace::report::Report;

fn with_republished_copies(documents: Vec<Document>) -> Vec<Document> {
    let mut out = documents.clone();
    for doc in documents.iter().step_by(5) {
        let body = doc
            .text
            .split_once("\n\n")
            .map_or(doc.text.as_str(), |(_, rest)| rest);
        out.push(Document::new(format!("copy/{}", doc.id), body));
    }
    out
}

fn bench(c: &mut Criterion) {
    let (documents, name) = common::news_corpus();
    let documents = with_republished_copies(documents);
    let params = Params::default().validated().unwrap();
    let mut group = c.benchmark_group(format!("scan/{name}+copies"));
    group.throughput(Throughput::Bytes(common::total_bytes(&documents)));
    group.sample_size(10);
    group.bench_function("end-to-end", |b| {
        b.iter(|| {
            let result = pipeline::scan(&documents, &params, &|_| {});
            Report::build(&documents, &[], &params, &result)
                .clusters
                .len()
        })
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
