//! Fingerprinting throughput per core: segment + normalize + stem + shingle + MinHash-128 +
//! band keys, single-threaded, on real news text. Reports MB/s (criterion `Throughput::Bytes`).
//!
//! Run: `cargo bench --bench fingerprint`. Each stage is measured cold (a fresh normalizer per
//! pass over the corpus) and warm (a normalizer that has seen the corpus: the steady state of a
//! long scan).

mod common;

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use wiretrace::doc::Document;
use wiretrace::lsh;
use wiretrace::minhash::{MinHashScheme, MinHasher};
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

/// Fingerprints `documents` up to `upto` with `normalizer`: a fresh one stems and hashes every
/// distinct word once (cold), one that has seen the corpus finds them all in its cache (warm,
/// as a scan's per-thread normalizers are after their first few thousand articles).
fn fingerprint(
    documents: &[Document],
    params: &Params,
    normalizer: &mut Normalizer,
    upto: Upto,
) -> u64 {
    let hasher = MinHasher::with_scheme(params.minhash, params.permutations, params.seed);
    let mut tokens = Vec::new();
    let mut set = Vec::new();
    let mut compact = Vec::new();
    let mut signature = vec![0u32; params.permutations];
    let mut keys = Vec::new();
    let mut checksum = 0u64;
    for doc in documents {
        compact.clear();
        for span in segment::paragraphs(&doc.text) {
            tokens.clear();
            normalizer.tokenize(span.slice(&doc.text), span.start, &mut tokens);
            checksum += tokens.len() as u64;
            if matches!(upto, Upto::Tokens) || tokens.len() < params.min_paragraph_tokens {
                continue;
            }
            // As a scan does: the shingle hashes for the signature, the sorted compact set
            // kept for verification.
            shingle::shingle_hashes(&tokens, params.shingle_size, &mut set);
            shingle::push_compact(&set, &mut compact);
            checksum += compact.len() as u64;
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
        group.bench_with_input(BenchmarkId::new("cold", label), &upto, |b, &upto| {
            b.iter(|| {
                let mut normalizer = Normalizer::new(params.language);
                fingerprint(&documents, &params, &mut normalizer, upto)
            })
        });
        let mut normalizer = Normalizer::new(params.language);
        fingerprint(&documents, &params, &mut normalizer, Upto::Tokens);
        group.bench_with_input(BenchmarkId::new("warm", label), &upto, |b, &upto| {
            b.iter(|| fingerprint(&documents, &params, &mut normalizer, upto))
        });
    }
    // The same, with the classic scheme (128 hashes per shingle, as datasketch and rensa).
    let classic = Params {
        minhash: MinHashScheme::Classic,
        ..params.clone()
    };
    let mut normalizer = Normalizer::new(params.language);
    fingerprint(&documents, &classic, &mut normalizer, Upto::Tokens);
    group.bench_function(BenchmarkId::new("warm", "+minhash128-classic+bands"), |b| {
        b.iter(|| fingerprint(&documents, &classic, &mut normalizer, Upto::Signatures))
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
