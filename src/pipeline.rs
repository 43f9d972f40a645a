//! The pipeline: the only module that knows the order of the stages.
//!
//! In: the documents of a [`Corpus`](crate::ingest::Corpus) and validated [`Params`].
//! Out: a [`ScanResult`]: every document's paragraphs, the fingerprinted paragraphs (nodes),
//! the verified pairs and the clusters, plus [`ScanStats`] (counts and stage timings).
//!
//! segment → normalize → shingle → minhash → LSH band keys (per document, in parallel) →
//! candidate pairs → verify → cluster paragraphs; then, when enabled, align passages of
//! documents that share anchors, and group paragraph clusters and passages into the final
//! clusters of shared text.
//!
//! Invariants: no printing, no thread creation (the caller picks the rayon pool), results are
//! identical for any number of threads. Progress is reported through a callback.

use std::borrow::Borrow;
use std::ops::Range;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use rayon::prelude::*;
use rustc_hash::{FxHashMap, FxHashSet};

use crate::align::{self, AlignStats, Alignment};
use crate::attribute::credits::{Credit, CreditKind};
use crate::attribute::{self, Attribution, Registry};
use crate::cluster::{self, Cluster, ClusterStats, SpanCluster};
use crate::doc::{Document, Paragraph, Span};
use crate::group::{self, GroupInput};
use crate::lsh;
use crate::minhash::MinHasher;
use crate::normalize::{
    self, Normalizer, NormalizerPool, PooledNormalizer, Token, Vocabulary, WordId, NO_WORD,
};
use crate::params::Params;
use crate::segment;
use crate::shingle::{self, ShingleSets};
use crate::verify::{self, VerifiedPair};

/// A stage of the pipeline, as reported to the progress callback.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    Fingerprint,
    Candidates,
    Verify,
    Cluster,
    Align,
    Attribute,
}

impl Stage {
    pub fn name(self) -> &'static str {
        match self {
            Stage::Fingerprint => "fingerprinting",
            Stage::Candidates => "finding candidates",
            Stage::Verify => "verifying",
            Stage::Cluster => "clustering",
            Stage::Align => "aligning passages",
            Stage::Attribute => "attributing",
        }
    }
}

/// Progress of a stage: `done` of `total` units (documents, pairs…); `total` may be 0 when
/// unknown. Called from worker threads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Progress {
    pub stage: Stage,
    pub done: u64,
    pub total: u64,
}

pub use crate::doc::Node;

/// Counts and timings of one scan. Timings are for `--stats` only, never for reports.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ScanStats {
    pub bytes: u64,
    pub paragraphs: usize,
    pub candidate_pairs: usize,
    pub clustering: ClusterStats,
    pub alignment: AlignStats,
    pub fingerprint_time: Duration,
    pub candidates_time: Duration,
    pub verify_time: Duration,
    pub cluster_time: Duration,
    pub align_time: Duration,
    pub attribute_time: Duration,
}

/// Everything a scan found.
#[derive(Debug, Clone)]
pub struct ScanResult {
    /// Paragraphs of each document, by document index.
    pub paragraphs: Vec<Vec<Paragraph>>,
    /// The paragraphs that take part in matching: fingerprinted and not boilerplate.
    pub nodes: Vec<Node>,
    pub pairs: Vec<VerifiedPair>,
    /// Clusters of whole paragraphs (the MinHash tier).
    pub paragraph_clusters: Vec<Cluster>,
    /// Aligned passage pairs (the alignment tier; empty when disabled).
    pub alignments: Vec<Alignment>,
    /// The final clusters of shared text: paragraph clusters and passages together.
    pub clusters: Vec<SpanCluster>,
    /// Credits, cluster kinds and origins (the clusters again, with boilerplate added).
    pub attribution: Attribution,
    pub stats: ScanStats,
}

/// Per-thread scratch space, so that the hot loop allocates nothing per token.
struct Scratch<'a> {
    normalizer: PooledNormalizer<'a>,
    /// The current document's tokens.
    tokens: Vec<Token>,
    /// The current paragraph's shingle hashes (unsorted, see `shingle::shingle_hashes`).
    set: Vec<u64>,
    signature: Vec<u32>,
    /// The current document's compact shingle sets, back to back.
    shingles: Vec<u32>,
    /// The current document's band keys.
    keys: Vec<u32>,
    /// The current document's paragraphs' token ranges, and their paragraph keys.
    token_ranges: Vec<Range<u32>>,
    keys_of_paragraphs: Vec<u64>,
}

/// What a scan works with beyond its parameters.
#[derive(Debug, Clone, Copy)]
pub struct ScanOptions<'a> {
    /// Keep every alignment's word-by-word edit script (for side-by-side views). Costs about
    /// 40 bytes per aligned word; never changes results.
    pub keep_alignment_ops: bool,
    /// The wire services that credit lines and outlets are matched against.
    pub agencies: &'a Registry,
    /// What is known about documents outside this scan (from an index), so that a scan of a
    /// few documents decides boilerplate and common anchors as a scan of everything would.
    pub prior: Option<&'a Prior>,
}

/// Decisions about the documents being scanned that depend on documents outside the scan:
/// an [`index`](crate::index) query scans the new articles with the indexed articles they may
/// share text with, and the rest of the index speaks through this.
#[derive(Debug, Clone, Default)]
pub struct Prior {
    /// Boilerplate verdicts by paragraph key ([`Paragraph::key`]), decided over every document
    /// holding the paragraph, indexed or scanned. Keys not here are decided from the scan alone.
    pub boilerplate: FxHashMap<u64, bool>,
    /// Anchor hashes found in more than `align.max_anchor_df` documents in all.
    pub capped_anchors: FxHashSet<u64>,
}

/// The fingerprints of one document: what [`scan_with_fingerprints`] matches, and what an
/// index stores keys of.
#[derive(Debug, Clone)]
pub struct DocumentFingerprint {
    pub paragraphs: Vec<Paragraph>,
    /// Paragraph index of each fingerprinted paragraph (the document's nodes).
    pub nodes: Vec<u32>,
    /// The nodes' band keys, `bands` per node, node after node.
    pub band_keys: Vec<u32>,
    /// The word number of every token of the document in text order, in the [`Vocabulary`] of
    /// the normalizers that made it (empty when alignment is disabled). Their spans are not
    /// kept: [`token_spans`] finds them again in the text.
    pub words: Vec<WordId>,
    /// The nodes' compact shingle sets, back to back; node `i`'s is
    /// `shingles[set_ends[i - 1]..set_ends[i]]`.
    shingles: Vec<u32>,
    set_ends: Vec<u32>,
}

impl Default for ScanOptions<'static> {
    fn default() -> Self {
        ScanOptions {
            keep_alignment_ops: true,
            agencies: Registry::builtin(),
            prior: None,
        }
    }
}

/// Runs the whole pipeline on `documents`, keeping everything (see [`scan_with`]).
pub fn scan(
    documents: &[Document],
    params: &Params,
    progress: &(dyn Fn(Progress) + Sync),
) -> ScanResult {
    scan_with(documents, params, ScanOptions::default(), progress)
}

/// Runs the whole pipeline on `documents`.
pub fn scan_with(
    documents: &[Document],
    params: &Params,
    options: ScanOptions<'_>,
    progress: &(dyn Fn(Progress) + Sync),
) -> ScanResult {
    let started = Instant::now();
    let normalizers = NormalizerPool::new(params.language);
    let fingerprints = fingerprint_all(documents, params, &normalizers, progress);
    let fingerprint_time = started.elapsed();
    let vocabulary = normalizers.vocabulary();
    let mut result = scan_with_fingerprints(
        documents,
        fingerprints,
        vocabulary,
        params,
        options,
        progress,
    );
    result.stats.fingerprint_time = fingerprint_time;
    result
}

/// Runs the pipeline after fingerprinting: `fingerprints[d]` is document `d`'s, made by
/// [`fingerprint_documents`] with the same `params` and normalizers numbering words in
/// `vocabulary` (an index query fingerprints its documents once, for its lookups and for this
/// scan).
pub fn scan_with_fingerprints(
    documents: &[Document],
    fingerprints: Vec<DocumentFingerprint>,
    vocabulary: &Vocabulary,
    params: &Params,
    options: ScanOptions<'_>,
    progress: &(dyn Fn(Progress) + Sync),
) -> ScanResult {
    debug_assert_eq!(documents.len(), fingerprints.len());
    let mut stats = ScanStats {
        bytes: documents.iter().map(|d| d.text.len() as u64).sum(),
        ..ScanStats::default()
    };

    let started = Instant::now();
    let mut paragraphs = Vec::with_capacity(documents.len());
    let mut doc_nodes = Vec::with_capacity(documents.len());
    let mut doc_tokens = Vec::with_capacity(documents.len());
    for fp in fingerprints {
        paragraphs.push(fp.paragraphs);
        doc_nodes.push((fp.nodes, fp.shingles, fp.set_ends, fp.band_keys));
        doc_tokens.push(fp.words);
    }
    stats.paragraphs = paragraphs.iter().map(Vec::len).sum();
    // Boilerplate and credit lines are nobody's reuse: they take no part in matching or
    // alignment (credits are the evidence of where text came from, not the text).
    let verdicts = options.prior.map(|prior| &prior.boilerplate);
    let boilerplate = attribute::find_boilerplate(documents, &paragraphs, verdicts);
    let credits = attribute::find_credits(documents, &paragraphs, options.agencies);
    // Paragraphs that take no part in matching: boilerplate, and credit lines standing as
    // paragraphs of their own (a copyright notice is in every copy of an agency's stories).
    let mut excluded = boilerplate.marks.clone();
    for (doc, marks) in excluded.iter_mut().enumerate() {
        for (mark, is_credit) in marks
            .iter_mut()
            .zip(credit_paragraphs(&paragraphs[doc], &credits[doc]))
        {
            *mark |= is_credit;
        }
    }
    if params.align.enabled {
        mask_for_alignment(&mut doc_tokens, documents, &paragraphs, &excluded, &credits);
    }
    let mut nodes = Vec::new();
    let mut shingles = ShingleSets::default();
    let mut owner = Vec::new();
    // Every node's band keys, node after node.
    let mut keys = Vec::new();
    for (doc, (fp_nodes, fp_shingles, set_ends, doc_keys)) in doc_nodes.into_iter().enumerate() {
        let slot = shingles.push_document(fp_shingles);
        let mut start = 0;
        for (local, (&paragraph, &end)) in fp_nodes.iter().zip(&set_ends).enumerate() {
            let set_start = std::mem::replace(&mut start, end);
            if excluded[doc][paragraph as usize] {
                continue;
            }
            nodes.push(Node {
                doc: doc as u32,
                paragraph,
                span: paragraphs[doc][paragraph as usize].span,
            });
            shingles.push_set(slot, set_start, end);
            owner.push(doc as u32);
            keys.extend_from_slice(&doc_keys[local * params.bands..][..params.bands]);
        }
    }
    progress(Progress {
        stage: Stage::Candidates,
        done: 0,
        total: 0,
    });
    let candidates = lsh::candidate_pairs(&keys, params.bands, &owner, params.max_bucket);
    drop(keys);
    stats.candidate_pairs = candidates.len();
    stats.candidates_time = started.elapsed();

    let started = Instant::now();
    progress(Progress {
        stage: Stage::Verify,
        done: 0,
        total: candidates.len() as u64,
    });
    let pairs = verify::verify(&candidates, &shingles, params.threshold, params.containment);
    progress(Progress {
        stage: Stage::Verify,
        done: candidates.len() as u64,
        total: candidates.len() as u64,
    });
    // Held through alignment otherwise (22 MB at 1 GB, where the peak is).
    drop(candidates);
    stats.verify_time = started.elapsed();

    let started = Instant::now();
    progress(Progress {
        stage: Stage::Cluster,
        done: 0,
        total: pairs.len() as u64,
    });
    let (paragraph_clusters, clustering) = cluster::cluster(
        &pairs,
        &shingles,
        &owner,
        params.threshold,
        params.containment,
    );
    drop(shingles);
    stats.clustering = clustering;
    stats.cluster_time = started.elapsed();

    let started = Instant::now();
    let locate = |doc: u32, tokens: Range<u32>, out: &mut Vec<Span>| {
        let doc = doc as usize;
        token_spans(&documents[doc].text, &paragraphs[doc], tokens, out);
    };
    let alignments = if params.align.enabled {
        progress(Progress {
            stage: Stage::Align,
            done: 0,
            total: 0,
        });
        let no_capped = FxHashSet::default();
        let capped = options
            .prior
            .map_or(&no_capped, |prior| &prior.capped_anchors);
        let (alignments, align_stats) = align::align_corpus(
            &doc_tokens,
            &vocabulary.token_ids(),
            &params.align,
            options.keep_alignment_ops,
            capped,
            &locate,
        );
        stats.alignment = align_stats;
        alignments
    } else {
        Vec::new()
    };
    let quoted = |doc: u32| {
        let doc = doc as usize;
        group::quoted_tokens(&documents[doc].text, &paragraphs[doc])
    };
    let clusters = group::group(
        &GroupInput {
            quoted: &quoted,
            paragraph_clusters: &paragraph_clusters,
            nodes: &nodes,
            alignments: &alignments,
            paragraphs: &paragraphs,
            words: &doc_tokens,
            threshold: params.threshold,
            min_tokens: params.align.min_tokens,
            excluded: &excluded,
        },
        &locate,
    );
    drop(doc_tokens);
    stats.align_time = started.elapsed();

    let started = Instant::now();
    progress(Progress {
        stage: Stage::Attribute,
        done: 0,
        total: 0,
    });
    let attribution = attribute::attribute(
        documents,
        &paragraphs,
        &clusters,
        credits,
        boilerplate,
        options.agencies,
    );
    stats.attribute_time = started.elapsed();

    ScanResult {
        paragraphs,
        nodes,
        pairs,
        paragraph_clusters,
        alignments,
        clusters,
        attribution,
        stats,
    }
}

/// Appends to `out` the byte spans of tokens `tokens` of a document whose text is `text` and
/// whose paragraphs are `paragraphs` (as fingerprinting made them): the words of the
/// paragraphs holding those tokens are found again, with no normalizing or stemming.
pub fn token_spans(text: &str, paragraphs: &[Paragraph], tokens: Range<u32>, out: &mut Vec<Span>) {
    let mut first = 0u32;
    for paragraph in paragraphs {
        let end = first + paragraph.tokens;
        if first >= tokens.end {
            break;
        }
        if end > tokens.start {
            for (token, word) in (first..tokens.end).zip(paragraph_words(text, paragraph)) {
                if token >= tokens.start {
                    out.push(word);
                }
            }
        }
        first = end;
    }
}

/// The spans in the document of a paragraph's words, which are its tokens' spans, in order.
fn paragraph_words<'t>(text: &'t str, paragraph: &Paragraph) -> impl Iterator<Item = Span> + 't {
    let base = paragraph.span.start;
    normalize::word_spans(paragraph.span.slice(text))
        .map(move |word| Span::new(base + word.start, base + word.end))
}

/// Longest paragraph, in bytes, that a credit line in it makes a credit paragraph.
const CREDIT_PARAGRAPH: usize = 400;

/// For each of a document's paragraphs, whether it is a credit paragraph: a short paragraph
/// holding a credit line other than a dateline (contribution lines, sign-offs, bylines and
/// copyright notices with their "All rights reserved…"). A dateline opens a paragraph of
/// story text, which stays.
pub fn credit_paragraphs(paragraphs: &[Paragraph], credits: &[Credit]) -> Vec<bool> {
    paragraphs
        .iter()
        .map(|p| {
            p.span.len() <= CREDIT_PARAGRAPH
                && credits.iter().any(|c| {
                    c.kind != CreditKind::Dateline
                        && p.span.start <= c.span.start
                        && c.span.end <= p.span.end
                })
        })
        .collect()
}

/// Numbers every token of an excluded paragraph (boilerplate, a credit paragraph) or credit
/// line [`NO_WORD`], which matches nothing, so that no alignment anchors in them or runs
/// through them. `doc_tokens[d]` holds document `d`'s word numbers in text order.
pub fn mask_for_alignment(
    doc_tokens: &mut [Vec<WordId>],
    documents: &[Document],
    paragraphs: &[Vec<Paragraph>],
    excluded: &[Vec<bool>],
    credits: &[Vec<Credit>],
) {
    doc_tokens
        .par_iter_mut()
        .enumerate()
        .for_each(|(doc, tokens)| {
            let mut masked: Vec<Span> = credits[doc].iter().map(|c| c.span).collect();
            masked.extend(
                paragraphs[doc]
                    .iter()
                    .zip(&excluded[doc])
                    .filter(|(_, &b)| b)
                    .map(|(p, _)| p.span),
            );
            if masked.is_empty() {
                return;
            }
            // Disjoint and sorted, then one walk along the tokens (which are in text order).
            masked.sort_unstable();
            let mut merged: Vec<Span> = Vec::with_capacity(masked.len());
            for span in masked {
                match merged.last_mut() {
                    Some(last) if span.start <= last.end => last.end = last.end.max(span.end),
                    _ => merged.push(span),
                }
            }
            let mut mask_token = |position: u32| tokens[position as usize] = NO_WORD;
            let within =
                |inner: Span, outer: &Span| outer.start <= inner.start && inner.end <= outer.end;
            // The masks touching each paragraph, one walk along both (both in text order); a
            // paragraph's words are found again only where masks cover part of it.
            let mut next = 0;
            let mut first = 0u32;
            for paragraph in &paragraphs[doc] {
                let range = first..first + paragraph.tokens;
                first = range.end;
                while next < merged.len() && merged[next].end <= paragraph.span.start {
                    next += 1;
                }
                let touching = merged[next..]
                    .iter()
                    .take_while(|mask| mask.start < paragraph.span.end)
                    .count();
                let touching = &merged[next..next + touching];
                if touching.iter().any(|mask| within(paragraph.span, mask)) {
                    range.for_each(&mut mask_token);
                } else if !touching.is_empty() {
                    let words = range.zip(paragraph_words(&documents[doc].text, paragraph));
                    for (position, word) in words {
                        if touching.iter().any(|mask| within(word, mask)) {
                            mask_token(position);
                        }
                    }
                }
            }
        });
}

/// A paragraph's key, one paragraph at a time: the definition that [`paragraph_keys`]
/// computes several at once (and the tests hold it to).
#[cfg(test)]
fn paragraph_key(tokens: &[Token]) -> u64 {
    if tokens.is_empty() {
        return 0;
    }
    tokens
        .iter()
        .fold(PARAGRAPH_KEY_SEED, |h, t| shingle::finalize(h ^ t.id))
        .max(1)
}

const PARAGRAPH_KEY_SEED: u64 = 0x517c_c1b7_2722_0a95;

/// The key of each paragraph, `tokens[range]` for each range of `paragraphs`, into `keys`: a
/// hash of the paragraph's token sequence, equal for paragraphs that read the same after
/// normalization ("ADVERTISEMENT" and "Advertisement"), 0 for a paragraph without words.
/// Stored in indexes: its value must not change.
///
/// A key is a chain of finalizer steps over the token ids, each waiting for the one before
/// (about 14 cycles a word): four paragraphs' chains are stepped side by side, so that the
/// processor works on them at once instead of one after the other.
fn paragraph_keys(tokens: &[Token], paragraphs: &[Range<u32>], keys: &mut Vec<u64>) {
    const LANES: usize = 4;
    keys.clear();
    for group in paragraphs.chunks(LANES) {
        let mut lanes = [(&[] as &[Token], PARAGRAPH_KEY_SEED); LANES];
        for (lane, range) in lanes.iter_mut().zip(group) {
            lane.0 = &tokens[range.start as usize..range.end as usize];
        }
        let longest = lanes
            .iter()
            .map(|(words, _)| words.len())
            .max()
            .unwrap_or(0);
        for i in 0..longest {
            for (words, key) in &mut lanes {
                if let Some(token) = words.get(i) {
                    *key = shingle::finalize(*key ^ token.id);
                }
            }
        }
        keys.extend(
            lanes[..group.len()]
                .iter()
                .map(|&(words, key)| if words.is_empty() { 0 } else { key.max(1) }),
        );
    }
}

/// The passages two documents share (`wiretrace compare`): every shared anchor n-gram is
/// tried, with no winnowing and no document-frequency cap.
pub fn compare(a: &Document, b: &Document, params: &Params) -> Vec<Alignment> {
    let mut normalizer = Normalizer::new(params.language);
    let mut tokens_of = |doc: &Document| {
        let mut tokens = Vec::new();
        for span in segment::paragraphs(&doc.text) {
            normalizer.tokenize(span.slice(&doc.text), span.start, &mut tokens);
        }
        tokens
    };
    let (tokens_a, tokens_b) = (tokens_of(a), tokens_of(b));
    align::align_two(&tokens_a, &tokens_b, &params.align)
}

/// Fingerprints every document (in parallel) the way [`scan_with`] does, with normalizers
/// from `normalizers` (whose language must be `params.language`; a pool kept between calls
/// keeps their word caches warm).
pub fn fingerprint_documents<D: Borrow<Document> + Sync>(
    documents: &[D],
    params: &Params,
    normalizers: &NormalizerPool,
) -> Vec<DocumentFingerprint> {
    fingerprint_all(documents, params, normalizers, &|_| {})
}

fn fingerprint_all<D: Borrow<Document> + Sync>(
    documents: &[D],
    params: &Params,
    normalizers: &NormalizerPool,
    progress: &(dyn Fn(Progress) + Sync),
) -> Vec<DocumentFingerprint> {
    let hasher = MinHasher::with_scheme(params.minhash, params.permutations, params.seed);
    let done = AtomicU64::new(0);
    let total = documents.len() as u64;
    documents
        .par_iter()
        .map_init(
            || Scratch {
                normalizer: normalizers.take(),
                tokens: Vec::with_capacity(4096),
                set: Vec::with_capacity(512),
                signature: vec![0; params.permutations],
                shingles: Vec::with_capacity(4096),
                keys: Vec::with_capacity(1024),
                token_ranges: Vec::with_capacity(64),
                keys_of_paragraphs: Vec::with_capacity(64),
            },
            |scratch, doc| {
                let fp = fingerprint_document(doc.borrow(), params, &hasher, scratch);
                let done = done.fetch_add(1, Ordering::Relaxed) + 1;
                if done.is_multiple_of(256) || done == total {
                    progress(Progress {
                        stage: Stage::Fingerprint,
                        done,
                        total,
                    });
                }
                fp
            },
        )
        .collect()
}

fn fingerprint_document(
    doc: &Document,
    params: &Params,
    hasher: &MinHasher,
    scratch: &mut Scratch,
) -> DocumentFingerprint {
    let spans = segment::paragraphs(&doc.text);
    let mut paragraphs = Vec::with_capacity(spans.len());
    let mut nodes = Vec::new();
    let mut set_ends = Vec::new();
    // The document's tokens, shingles and band keys grow in the scratch buffers and are copied
    // out once, at their exact size: growing a vector per document (and reallocating it as it
    // doubles) took half the page faults of a scan, and left up to half of each unused.
    let Scratch {
        normalizer,
        tokens,
        set,
        signature,
        shingles,
        keys,
        token_ranges,
        keys_of_paragraphs,
    } = scratch;
    tokens.clear();
    shingles.clear();
    keys.clear();
    token_ranges.clear();
    for (index, span) in spans.into_iter().enumerate() {
        let first_token = tokens.len();
        normalizer.tokenize(span.slice(&doc.text), span.start, tokens);
        let paragraph_tokens = &tokens[first_token..];
        let mut fingerprinted = false;
        if paragraph_tokens.len() >= params.min_paragraph_tokens {
            shingle::shingle_hashes(paragraph_tokens, params.shingle_size, set);
            if !set.is_empty() {
                hasher.signature(set, signature);
                lsh::band_keys(signature, params.bands, params.rows, keys);
                shingle::push_compact(set, shingles);
                set_ends.push(shingles.len() as u32);
                nodes.push(index as u32);
                fingerprinted = true;
            }
        }
        token_ranges.push(first_token as u32..tokens.len() as u32);
        paragraphs.push(Paragraph {
            span,
            tokens: paragraph_tokens.len() as u32,
            fingerprinted,
            // Below, for all paragraphs at once.
            key: 0,
        });
    }
    paragraph_keys(tokens, token_ranges, keys_of_paragraphs);
    for (paragraph, &key) in paragraphs.iter_mut().zip(keys_of_paragraphs.iter()) {
        paragraph.key = key;
    }
    let words = if params.align.enabled {
        tokens.iter().map(|token| token.word).collect()
    } else {
        Vec::new()
    };
    let (shingles, keys) = (shingles.to_vec(), keys.to_vec());
    DocumentFingerprint {
        paragraphs,
        nodes,
        band_keys: keys,
        words,
        shingles,
        set_ends,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::params::Language;

    const TEXT: &str = "MOSCOW (Reuters) — Putin’s envoy said 10,000 troops were deployed.\n\n\
                        Read more on our app.\n\n\
                        The talks resume in Geneva next week.";

    fn fingerprinted(doc: &Document) -> DocumentFingerprint {
        let params = Params::default().validated().unwrap();
        let pool = NormalizerPool::new(params.language);
        fingerprint_documents(std::slice::from_ref(doc), &params, &pool).remove(0)
    }

    fn all_tokens(text: &str) -> Vec<Token> {
        let mut normalizer = Normalizer::new(Language::English);
        let mut tokens: Vec<Token> = Vec::new();
        for span in segment::paragraphs(text) {
            normalizer.tokenize(span.slice(text), span.start, &mut tokens);
        }
        tokens
    }

    #[test]
    fn paragraph_keys_side_by_side_are_the_keys_one_by_one() {
        let mut normalizer = Normalizer::new(Language::English);
        let mut tokens = Vec::new();
        let mut ranges = Vec::new();
        // Lengths 0 to 10 in an order that puts long and short paragraphs side by side, and
        // a count that leaves a partial group of lanes.
        for (i, words) in [3usize, 0, 10, 1, 7, 7, 0, 2, 9, 5, 4].iter().enumerate() {
            let start = tokens.len() as u32;
            let text: Vec<String> = (0..*words).map(|w| format!("word{}", i * w)).collect();
            normalizer.tokenize(&text.join(" "), 0, &mut tokens);
            ranges.push(start..tokens.len() as u32);
        }
        let mut keys = vec![7];
        paragraph_keys(&tokens, &ranges, &mut keys);
        let expected: Vec<u64> = ranges
            .iter()
            .map(|r| paragraph_key(&tokens[r.start as usize..r.end as usize]))
            .collect();
        assert_eq!(keys, expected);
        assert_eq!(keys[1], 0);
        assert!(keys
            .iter()
            .enumerate()
            .all(|(i, &k)| (k == 0) == ranges[i].is_empty()));
    }

    #[test]
    fn token_spans_are_the_spans_tokenizing_gave() {
        let doc = Document::new("a", TEXT);
        let fp = fingerprinted(&doc);
        let tokens = all_tokens(TEXT);
        // Both normalizers met the words in the same order, so numbered them alike.
        assert_eq!(fp.words, tokens.iter().map(|t| t.word).collect::<Vec<_>>());
        let n = tokens.len() as u32;
        for range in [0..n, 0..1, n - 1..n, 3..14, 12..13, 5..5] {
            let mut spans = Vec::new();
            token_spans(&doc.text, &fp.paragraphs, range.clone(), &mut spans);
            let expected: Vec<Span> = tokens[range.start as usize..range.end as usize]
                .iter()
                .map(Token::span)
                .collect();
            assert_eq!(spans, expected, "tokens {range:?}");
        }
    }

    #[test]
    fn masking_covers_credit_lines_inside_paragraphs_and_whole_boilerplate_paragraphs() {
        let doc = Document::new("a", TEXT);
        let fp = fingerprinted(&doc);
        let tokens = all_tokens(TEXT);
        let credit = Span::new(0, TEXT.find('—').unwrap());
        let credits = vec![vec![Credit {
            agency: "reuters".into(),
            kind: CreditKind::Dateline,
            span: credit,
        }]];
        let boilerplate = vec![vec![false, true, false]];
        let mut words = vec![fp.words.clone()];
        let documents = [doc];
        mask_for_alignment(
            &mut words,
            &documents,
            &[fp.paragraphs],
            &boilerplate,
            &credits,
        );
        let boilerplate_span = segment::paragraphs(TEXT)[1];
        for (token, &word) in tokens.iter().zip(&words[0]) {
            let span = token.span();
            let inside = |mask: Span| mask.start <= span.start && span.end <= mask.end;
            let masked = inside(credit) || inside(boilerplate_span);
            let expected = if masked { NO_WORD } else { token.word };
            assert_eq!(word, expected, "{:?}", span.slice(TEXT));
        }
        let masked = words[0].iter().filter(|&&word| word == NO_WORD);
        assert_eq!(masked.count(), 2 + 5, "MOSCOW Reuters, and the app line");
    }
}
