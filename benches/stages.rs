//! One criterion bench per pipeline stage after fingerprinting (fingerprinting itself, per
//! core, is `benches/fingerprint.rs`): candidate search (LSH), verification, clustering,
//! passage alignment, attribution and the report (model + JSON). Each stage gets the same
//! input the pipeline would give it, prepared once from a synthetic corpus of about 10 MB
//! (`wiretrace synth` with seed 1 from the BBC set when ../shared is there, else from
//! data/sample). Throughput is over the corpus bytes, so stages compare directly.
//!
//! Run: `cargo bench --bench stages`

mod common;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use wiretrace::align;
use wiretrace::attribute::{self, Registry};
use wiretrace::cluster;
use wiretrace::doc::{Document, Paragraph};
use wiretrace::ingest::{self, Corpus, IngestOptions};
use wiretrace::lsh;
use wiretrace::minhash::MinHasher;
use wiretrace::normalize::{Normalizer, Token, WordId};
use wiretrace::params::Params;
use wiretrace::pipeline;
use wiretrace::report::{self, Report};
use wiretrace::segment;
use wiretrace::shingle::{self, ShingleSets};
use wiretrace::synth::{self, Base, SynthOptions};
use wiretrace::verify;

const SIZE: u64 = 10_000_000;

fn synthetic_corpus() -> Vec<Document> {
    let (base_docs, _) = common::news_corpus();
    let base = Base::from_documents(&base_docs).expect("usable base");
    let options = SynthOptions {
        target_bytes: SIZE,
        ..SynthOptions::default()
    };
    let (mut jsonl, mut truth) = (Vec::new(), Vec::new());
    synth::generate(&base, &options, &mut jsonl, &mut truth).expect("in memory");
    let mut corpus = Corpus::default();
    ingest::read_jsonl(
        &mut jsonl.as_slice(),
        "synth",
        &ingest::RecordIds::numbered("synth"),
        &IngestOptions::default(),
        &mut corpus,
    )
    .expect("in memory");
    corpus.documents
}

/// What fingerprinting hands on: paragraphs, nodes' owners, band keys, shingle sets, word
/// numbers and the token id of each word number.
struct Fingerprints {
    paragraphs: Vec<Vec<Paragraph>>,
    owner: Vec<u32>,
    keys: Vec<u32>,
    shingles: ShingleSets,
    tokens: Vec<Vec<WordId>>,
    token_ids: Vec<u64>,
}

fn fingerprint(documents: &[Document], params: &Params) -> Fingerprints {
    let mut normalizer = Normalizer::new(params.language);
    let hasher = MinHasher::with_scheme(params.minhash, params.permutations, params.seed);
    let (mut set, mut signature) = (Vec::new(), vec![0; params.permutations]);
    let mut out = Fingerprints {
        paragraphs: Vec::new(),
        owner: Vec::new(),
        keys: Vec::new(),
        shingles: ShingleSets::default(),
        tokens: Vec::new(),
        token_ids: Vec::new(),
    };
    for (d, doc) in documents.iter().enumerate() {
        let (mut paragraphs, mut tokens, mut compact, mut ends) =
            (Vec::new(), Vec::new(), Vec::new(), Vec::new());
        for span in segment::paragraphs(&doc.text) {
            let first = tokens.len();
            normalizer.tokenize(span.slice(&doc.text), span.start, &mut tokens);
            let words: &[Token] = &tokens[first..];
            shingle::shingle_hashes(words, params.shingle_size, &mut set);
            let fingerprinted = words.len() >= params.min_paragraph_tokens && !set.is_empty();
            if fingerprinted {
                hasher.signature(&set, &mut signature);
                lsh::band_keys(&signature, params.bands, params.rows, &mut out.keys);
                shingle::push_compact(&set, &mut compact);
                ends.push(compact.len() as u32);
                out.owner.push(d as u32);
            }
            paragraphs.push(Paragraph {
                span,
                tokens: words.len() as u32,
                fingerprinted,
                key: 0,
            });
        }
        let slot = out.shingles.push_document(compact);
        let mut start = 0;
        for end in ends {
            out.shingles.push_set(slot, start, end);
            start = end;
        }
        out.paragraphs.push(paragraphs);
        out.tokens.push(tokens.iter().map(|t| t.word).collect());
    }
    out.token_ids = normalizer.vocabulary().token_ids().clone();
    out
}

fn bench(c: &mut Criterion) {
    let documents = synthetic_corpus();
    let params = Params::default().validated().unwrap();
    let fp = fingerprint(&documents, &params);
    let candidates = lsh::candidate_pairs(&fp.keys, params.bands, &fp.owner, params.max_bucket);
    let pairs = verify::verify(
        &candidates,
        &fp.shingles,
        params.threshold,
        params.containment,
    );
    let registry = Registry::builtin();
    let result = pipeline::scan(&documents, &params, &|_| {});
    // As in a scan, alignment skips boilerplate and credit lines.
    let mut tokens = fp.tokens;
    wiretrace::mask::mask_for_alignment(
        &mut tokens,
        &documents,
        &result.paragraphs,
        &result.attribution.boilerplate,
        &result.attribution.credits,
    );

    let mut group = c.benchmark_group("stages/synth-10MB");
    group.throughput(Throughput::Bytes(common::total_bytes(&documents)));
    group.sample_size(10);
    group.bench_function("candidates", |b| {
        b.iter(|| lsh::candidate_pairs(&fp.keys, params.bands, &fp.owner, params.max_bucket).len())
    });
    group.bench_function("verify", |b| {
        b.iter(|| {
            verify::verify(
                &candidates,
                &fp.shingles,
                params.threshold,
                params.containment,
            )
            .len()
        })
    });
    group.bench_function("cluster", |b| {
        b.iter(|| {
            let (clusters, _) = cluster::cluster(
                &pairs,
                &fp.shingles,
                &fp.owner,
                params.threshold,
                params.containment,
            );
            clusters.len()
        })
    });
    group.bench_function("align", |b| {
        b.iter(|| {
            let locate = |doc: u32, range: std::ops::Range<u32>, out: &mut Vec<_>| {
                let doc = doc as usize;
                wiretrace::fingerprint::token_spans(
                    &documents[doc].text,
                    &result.paragraphs[doc],
                    range,
                    out,
                )
            };
            let capped = Default::default();
            align::align_corpus(
                &tokens,
                &fp.token_ids,
                &params.align,
                false,
                &capped,
                &locate,
            )
            .0
            .len()
        })
    });
    group.bench_function("attribute", |b| {
        b.iter(|| {
            let boilerplate =
                wiretrace::boilerplate::find_boilerplate(&documents, &result.paragraphs, None);
            let credits = attribute::find_credits(&documents, &result.paragraphs, registry);
            attribute::attribute(
                &documents,
                &result.paragraphs,
                &result.clusters,
                credits,
                boilerplate,
                registry,
            )
            .clusters
            .len()
        })
    });
    group.bench_function("report-json", |b| {
        b.iter(|| {
            let report = Report::build(&documents, &[], &params, &result);
            let mut sink = std::io::sink();
            report::json::write_jsonl(&report, &mut sink).expect("sink");
            report.clusters.len()
        })
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
