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
//! [`align_document_pairs`] runs the same stages up to alignment for listed document pairs
//! only: the alignment step of a scan spread over machines.
//!
//! Invariants: no printing, no thread creation (the caller picks the rayon pool), results are
//! identical for any number of threads. Progress is reported through a callback.

use std::ops::Range;
use std::time::Duration;
use std::time::Instant;

use rustc_hash::{FxHashMap, FxHashSet};

use crate::align::{self, AlignStats, Alignment, LocateTokens};
use crate::attribute::{self, Attribution, Credit, Registry};
use crate::boilerplate::{find_boilerplate, Boilerplate};
use crate::cluster::{self, Cluster, ClusterStats, SpanCluster};
use crate::doc::{Document, Paragraph, Span};
use crate::fingerprint::{
    fingerprint_all, token_spans, CorpusFingerprints, DocumentFingerprint, MatchingNodes,
};
use crate::group::{self, GroupInput};
use crate::lsh;
use crate::mask::{excluded_paragraphs, mask_for_alignment};
use crate::normalize::{Normalizer, NormalizerPool, Vocabulary, WordId};
use crate::params::Params;
use crate::segment;
use crate::verify::{self, VerifiedPair};

pub use crate::doc::Node;
pub use crate::fingerprint::fingerprint_documents;
pub use crate::progress::{Progress, Stage};

/// Counts and timings of one scan. Timings are for `--stats` only, never for reports.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ScanStats {
    /// Bytes of text scanned.
    pub bytes: u64,
    /// Paragraphs found.
    pub paragraphs: usize,
    /// Paragraph pairs proposed by LSH.
    pub candidate_pairs: usize,
    /// What paragraph clustering did.
    pub clustering: ClusterStats,
    /// What alignment did.
    pub alignment: AlignStats,
    /// Time spent fingerprinting.
    pub fingerprint_time: Duration,
    /// Time spent finding boilerplate, credits and candidate pairs.
    pub candidates_time: Duration,
    /// Time spent verifying pairs.
    pub verify_time: Duration,
    /// Time spent clustering paragraphs.
    pub cluster_time: Duration,
    /// Time spent aligning passages.
    pub align_time: Duration,
    /// Time spent grouping paragraph clusters and passages into clusters of one text each.
    pub group_time: Duration,
    /// Time spent attributing.
    pub attribute_time: Duration,
}

/// Everything a scan found.
#[derive(Debug, Clone)]
pub struct ScanResult {
    /// Paragraphs of each document, by document index.
    pub paragraphs: Vec<Vec<Paragraph>>,
    /// The paragraphs that take part in matching: fingerprinted and not boilerplate.
    pub nodes: Vec<Node>,
    /// Verified paragraph pairs.
    pub pairs: Vec<VerifiedPair>,
    /// Clusters of whole paragraphs (the MinHash tier).
    pub paragraph_clusters: Vec<Cluster>,
    /// Aligned passage pairs (the alignment tier; empty when disabled).
    pub alignments: Vec<Alignment>,
    /// The final clusters of shared text: paragraph clusters and passages together.
    pub clusters: Vec<SpanCluster>,
    /// Credits, cluster kinds and origins (the clusters again, with boilerplate added).
    pub attribution: Attribution,
    /// Counts and timings.
    pub stats: ScanStats,
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
    /// Leave out the clusters of equal boilerplate paragraphs: a distributed scan groups them
    /// over the whole corpus in its corpus-wide step, where a component sees only its share.
    pub boilerplate_grouped_elsewhere: bool,
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
    let mut corpus = CorpusFingerprints::new(fingerprints);
    stats.paragraphs = corpus.paragraphs.iter().map(Vec::len).sum();

    // Boilerplate and credit lines are nobody's reuse: they take no part in matching or
    // alignment (credits are the evidence of where text came from, not the text).
    let (boilerplate, credits, excluded, matching, candidates) = timed(
        &mut stats.candidates_time,
        progress,
        Stage::Candidates,
        0,
        || {
            let (boilerplate, credits, excluded) =
                exclusions(documents, &mut corpus, params, options);
            let mut matching = corpus.matching_nodes(&excluded, params.bands);
            let keys = std::mem::take(&mut matching.band_keys);
            let candidates =
                lsh::candidate_pairs(&keys, params.bands, &matching.owner, params.max_bucket);
            (boilerplate, credits, excluded, matching, candidates)
        },
    );
    stats.candidate_pairs = candidates.len();
    let CorpusFingerprints {
        paragraphs, words, ..
    } = corpus;

    let total = candidates.len() as u64;
    let pairs = timed(
        &mut stats.verify_time,
        progress,
        Stage::Verify,
        total,
        || {
            let pairs = verify::verify(
                &candidates,
                &matching.shingles,
                params.threshold,
                params.containment,
            );
            progress(Progress {
                stage: Stage::Verify,
                done: total,
                total,
            });
            pairs
        },
    );
    // Held through alignment otherwise (22 MB at 1 GB, where the peak is).
    drop(candidates);

    let total = pairs.len() as u64;
    let (paragraph_clusters, clustering) = timed(
        &mut stats.cluster_time,
        progress,
        Stage::Cluster,
        total,
        || {
            cluster::cluster(
                &pairs,
                &matching.shingles,
                &matching.owner,
                params.threshold,
                params.containment,
            )
        },
    );
    let MatchingNodes { nodes, .. } = matching;
    stats.clustering = clustering;

    let locate = token_locator(documents, &paragraphs);
    let started = Instant::now();
    let alignments = if params.align.enabled {
        progress(Progress {
            stage: Stage::Align,
            done: 0,
            total: 0,
        });
        let (alignments, align_stats) =
            align_passages(&words, vocabulary, params, options, None, &locate);
        stats.alignment = align_stats;
        alignments
    } else {
        Vec::new()
    };
    stats.align_time = started.elapsed();
    let started = Instant::now();
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
            words: &words,
            threshold: params.threshold,
            min_tokens: params.align.min_tokens,
            excluded: &excluded,
        },
        &locate,
    );
    drop(words);
    stats.group_time = started.elapsed();

    let attribution = timed(
        &mut stats.attribute_time,
        progress,
        Stage::Attribute,
        0,
        || {
            attribute::attribute(
                documents,
                &paragraphs,
                &clusters,
                credits,
                boilerplate,
                options.agencies,
            )
        },
    );

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

/// Boilerplate, credits and the paragraphs they keep out of matching; with alignment on,
/// their words are masked in `corpus.words` too.
fn exclusions(
    documents: &[Document],
    corpus: &mut CorpusFingerprints,
    params: &Params,
    options: ScanOptions<'_>,
) -> (Boilerplate, Vec<Vec<Credit>>, Vec<Vec<bool>>) {
    let paragraphs = &corpus.paragraphs;
    let verdicts = options.prior.map(|prior| &prior.boilerplate);
    let mut boilerplate = find_boilerplate(documents, paragraphs, verdicts);
    if options
        .prior
        .is_some_and(|p| p.boilerplate_grouped_elsewhere)
    {
        boilerplate.clusters.clear();
    }
    let credits = attribute::find_credits(documents, paragraphs, options.agencies);
    let excluded = excluded_paragraphs(&boilerplate.marks, paragraphs, &credits);
    if params.align.enabled {
        mask_for_alignment(
            &mut corpus.words,
            documents,
            paragraphs,
            &excluded,
            &credits,
        );
    }
    (boilerplate, credits, excluded)
}

/// The alignment stage alone, for the document pairs `pairs` (indices into `documents`): the
/// passages a scan of `documents` finds between each pair, for a distributed scan that
/// proposes pairs by joining anchors itself. With `options.prior` holding the corpus-wide
/// boilerplate verdicts and capped anchors, a pair's passages are those of a scan of the
/// whole corpus, whatever other documents `documents` holds.
pub fn align_document_pairs(
    documents: &[Document],
    pairs: &[(u32, u32)],
    params: &Params,
    options: ScanOptions<'_>,
) -> Vec<Alignment> {
    if !params.align.enabled {
        return Vec::new();
    }
    let normalizers = NormalizerPool::new(params.language);
    let fingerprints = fingerprint_all(documents, params, &normalizers, &|_| {});
    let vocabulary = normalizers.vocabulary();
    let mut corpus = CorpusFingerprints::new(fingerprints);
    exclusions(documents, &mut corpus, params, options);
    let only: FxHashSet<(u32, u32)> = pairs.iter().map(|&(a, b)| (a.min(b), a.max(b))).collect();
    let locate = token_locator(documents, &corpus.paragraphs);
    let (alignments, _) = align_passages(
        &corpus.words,
        vocabulary,
        params,
        options,
        Some(&only),
        &locate,
    );
    alignments
}

/// The alignment stage: the passages of the document pairs that share anchors (those in
/// `only`, when given), leaving out the anchors `options.prior` says are too common
/// corpus-wide.
fn align_passages(
    words: &[Vec<WordId>],
    vocabulary: &Vocabulary,
    params: &Params,
    options: ScanOptions<'_>,
    only: Option<&FxHashSet<(u32, u32)>>,
    locate: &LocateTokens<'_>,
) -> (Vec<Alignment>, AlignStats) {
    let no_capped = FxHashSet::default();
    let capped = options
        .prior
        .map_or(&no_capped, |prior| &prior.capped_anchors);
    align::align_corpus_pairs(
        words,
        &vocabulary.token_ids(),
        &params.align,
        options.keep_alignment_ops,
        capped,
        only,
        locate,
    )
}

/// Where each document's tokens are, for alignment and grouping (see [`LocateTokens`]).
fn token_locator<'a>(
    documents: &'a [Document],
    paragraphs: &'a [Vec<Paragraph>],
) -> impl Fn(u32, Range<u32>, &mut Vec<Span>) + Sync + Copy + 'a {
    |doc, tokens, out| {
        let doc = doc as usize;
        token_spans(&documents[doc].text, &paragraphs[doc], tokens, out);
    }
}

/// Runs one stage: tells `progress` that `stage` starts (with `total` units, 0 when unknown),
/// runs `work` and adds the time it took to `time`.
fn timed<T>(
    time: &mut Duration,
    progress: &(dyn Fn(Progress) + Sync),
    stage: Stage,
    total: u64,
    work: impl FnOnce() -> T,
) -> T {
    progress(Progress {
        stage,
        done: 0,
        total,
    });
    let started = Instant::now();
    let out = work();
    *time += started.elapsed();
    out
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
