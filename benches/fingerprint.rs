//! Fingerprinting throughput per core: segment + normalize + stem + shingle + MinHash-128 +
//! band keys, single-threaded, on real news text. Reports MB/s (criterion `Throughput::Bytes`).
//!
//! Run: `cargo bench --bench fingerprint`

mod common;

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use wiretrace::doc::Document;
use wiretrace::lsh;
use wiretrace::minhash::MinHasher;
use wiretrace::normalize::Normalizer;
use wiretrace::params::Params;
use wiretrace::segment;
use wiretrace::shingle;

/// Stages of fingerprinting, cumulatively, so each figure shows what the next stage adds.
#[derive(Clone, Copy)]
enum Upto {
    Tokens,
    Shingles,
    Signatures,
}

fn fingerprint(documents: &[Document], params: &Params, upto: Upto) -> u64 {
    let hasher = MinHasher::new(params.permutations, params.seed);
    let mut normalizer = Normalizer::new(params.language);
    let mut tokens = Vec::new();
    let mut set = Vec::new();
    let mut signature = vec![0u32; params.permutations];
    let mut keys = Vec::new();
    let mut checksum = 0u64;
    for doc in documents {
        for span in segment::paragraphs(&doc.text) {
            tokens.clear();
            normalizer.tokenize(span.slice(&doc.text), span.start, &mut tokens);
            checksum += tokens.len() as u64;
            if matches!(upto, Upto::Tokens) || tokens.len() < params.min_paragraph_tokens {
                continue;
            }
            shingle::shingle_set(&tokens, params.shingle_size, &mut set);
            checksum += set.len() as u64;
            if matches!(upto, Upto::Shingles) {
                continue;
            }
            hasher.signature(&set, &mut signature);
            keys.clear();
            lsh::band_keys(&signature, params.bands, params.rows, &mut keys);
            checksum ^= u64::from(keys.first().copied().unwrap_or(0));
        }
    }
    checksum
}

fn bench(c: &mut Criterion) {
    let (documents, name) = common::news_corpus();
    let params = Params::default().validated().unwrap();
    let mut group = c.benchmark_group(format!("fingerprint/{name}"));
    group.throughput(Throughput::Bytes(common::total_bytes(&documents)));
    group.sample_size(10);
    for (label, upto) in [
        ("normalize+stem", Upto::Tokens),
        ("+shingle", Upto::Shingles),
        ("+minhash128+bands", Upto::Signatures),
    ] {
        group.bench_with_input(BenchmarkId::from_parameter(label), &upto, |b, &upto| {
            b.iter(|| fingerprint(&documents, &params, upto))
        });
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
