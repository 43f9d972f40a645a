//! Passage alignment: reused text below the near-duplicate level, with exact spans.
//!
//! In: every document's full sequence of word numbers ([`WordId`]s, paragraph boundaries
//! ignored; [`NO_WORD`] for a token that must match nothing), the token id of each word number,
//! a way to find the byte spans of a document's tokens ([`LocateTokens`]) and [`AlignParams`].
//! Out: [`Alignment`]s — pairs of passages in two different documents, each with both byte
//! spans, the aligned token count, identity and score, and the edit script.
//!
//! How:
//! 1. **Anchors.** Each document's word n-grams (`anchor_size`) are hashed and winnowed
//!    (Schleimer, Wilkerson & Aiken 2003): in every window of `anchor_window` consecutive
//!    n-grams the smallest hash is kept, so any shared run of at least
//!    `anchor_size + anchor_window - 1` tokens yields a shared anchor, at a fraction of the
//!    n-grams' cost.
//! 2. **Document-frequency cap.** Anchors found in more than `max_anchor_df` documents (stock
//!    phrases, site furniture) are dropped, so common text cannot flood the candidates and the
//!    work stays near-linear in corpus size.
//! 3. **Chains.** Each document, in parallel, gathers the anchors it shares with every later
//!    document (the shared anchors are listed by document for this), and each pair's anchors
//!    are chained along nearby diagonals.
//! 4. **Local alignment.** Each chain's region is aligned with a banded Smith-Waterman
//!    (match +1, mismatch −1, gap −1) on the word numbers; the best local alignment is kept when it
//!    has at least `min_tokens` matching tokens and `min_identity` identity (matches over
//!    alignment columns). Overlapping alignments of one pair keep the best.
//!
//! Invariants: spans are built from token spans (asked for only for the passages found, so a
//! scan need not keep every token's span in memory), so they slice the original text on character
//! boundaries; results depend only on the input (sorted before every grouping), never on
//! thread count.

use std::ops::Range;
use std::sync::atomic::{AtomicUsize, Ordering};

use rayon::prelude::*;
use rustc_hash::FxHashSet;
use serde::{Deserialize, Serialize};

use crate::doc::Span;
use crate::hash::ids_hash;
use crate::normalize::{Token, Vocabulary, WordId, NO_WORD};

#[cfg(target_arch = "x86_64")]
mod avx2;

/// Where tokens are in their documents: `locate(doc, tokens, out)` appends to `out` the byte
/// spans of tokens `tokens` of document `doc`, in order. Alignment works on token ids alone and
/// asks for the spans of the passages it reports.
pub type LocateTokens<'a> = dyn Fn(u32, Range<u32>, &mut Vec<Span>) + Sync + 'a;

/// Tunables of the alignment tier (part of [`crate::params::Params`]).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AlignParams {
    /// Whether the alignment tier runs at all.
    pub enabled: bool,
    /// Tokens per anchor n-gram.
    pub anchor_size: usize,
    /// Winnowing window, in n-grams.
    pub anchor_window: usize,
    /// Anchors found in more documents than this are ignored.
    pub max_anchor_df: usize,
    /// Fewest matching tokens in a reported passage.
    pub min_tokens: usize,
    /// Lowest identity (matching tokens over alignment columns) of a reported passage.
    pub min_identity: f64,
}

impl Default for AlignParams {
    fn default() -> Self {
        AlignParams {
            enabled: true,
            anchor_size: 5,
            anchor_window: 4,
            max_anchor_df: 100,
            min_tokens: 8,
            min_identity: 0.5,
        }
    }
}

/// One step of an alignment, with the byte spans of the tokens in the two documents.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    /// The same (normalized) token in both.
    Match(Span, Span),
    /// Different tokens facing each other.
    Substitute(Span, Span),
    /// A token only in document A.
    OnlyA(Span),
    /// A token only in document B.
    OnlyB(Span),
}

/// A passage of document `a` aligned with a passage of document `b`.
#[derive(Debug, Clone, PartialEq)]
pub struct Alignment {
    pub a: u32,
    pub b: u32,
    pub span_a: Span,
    pub span_b: Span,
    /// Token index range in each document.
    pub tokens_a: (u32, u32),
    pub tokens_b: (u32, u32),
    /// Tokens that match.
    pub matched: u32,
    /// Alignment columns (matches + substitutions + gaps).
    pub columns: u32,
    pub score: i32,
    /// The edit script, word by word (empty when not kept, see [`align_corpus`]).
    pub ops: Vec<Op>,
}

impl Alignment {
    pub fn identity(&self) -> f64 {
        if self.columns == 0 {
            0.0
        } else {
            f64::from(self.matched) / f64::from(self.columns)
        }
    }
}

/// Counts of what alignment did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct AlignStats {
    pub anchors: usize,
    /// Anchors dropped for appearing in more than `max_anchor_df` documents.
    pub capped_anchors: usize,
    pub document_pairs: usize,
    pub alignments: usize,
}

/// Occurrences of one anchor kept per document (repeats beyond these add nothing but work).
const MAX_OCCURRENCES_PER_DOCUMENT: usize = 4;

/// Blocks of documents whose anchors are found at once, in each round (see
/// [`shared_anchors`]).
const ANCHOR_BLOCKS: usize = 8;

/// Parts the anchors are split into by hash (see [`shared_anchors`]).
const ANCHOR_PARTS: usize = 8;

/// Rounds the anchors are found in, each keeping `ANCHOR_PARTS / ANCHOR_ROUNDS` parts (see
/// [`shared_anchors`]): a round more costs one more winnowing of the corpus (about 3 s a
/// gigabyte on two cores) and saves the memory of a round's anchors (16 bytes an anchor, half a
/// gigabyte for a 1 GB corpus).
const ANCHOR_ROUNDS: usize = 2;

const _: () = assert!(ANCHOR_PARTS.is_multiple_of(ANCHOR_ROUNDS));

const _: () = assert!(ANCHOR_PARTS.is_power_of_two());

/// The part of an anchor hash: its top bits.
fn anchor_part(hash: u64) -> usize {
    (hash >> (64 - ANCHOR_PARTS.trailing_zeros())) as usize
}

/// Buffers reused from document to document while anchors are found.
#[derive(Default)]
struct Scratch {
    ids: Vec<u64>,
    hashes: Vec<u64>,
    anchors: Vec<(u64, u32)>,
}

/// One anchor occurrence.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
struct Anchor {
    hash: u64,
    doc: u32,
    pos: u32,
}

/// The values a document's anchors are hashed from, into `out` (cleared first): each word's
/// token id (`token_ids[word]`), and for a [`NO_WORD`] token (masked) a value of its own for
/// its document and position (top bit set: 2^-64 odds of meeting a real token id), so that
/// no anchor shared with another document contains it.
pub fn anchor_ids(words: &[WordId], token_ids: &[u64], doc: u32, out: &mut Vec<u64>) {
    out.clear();
    out.extend(words.iter().zip(0u64..).map(|(&word, position)| {
        if word == NO_WORD {
            1 << 63 | u64::from(doc) << 32 | position
        } else {
            token_ids[word as usize]
        }
    }));
}

/// The winnowed anchors of one token id sequence: `(hash, position of the n-gram's first
/// token)`.
pub fn winnowed_anchors(ids: &[u64], n: usize, window: usize) -> Vec<(u64, u32)> {
    let mut anchors = Vec::new();
    winnow(ids, n, window, &mut Vec::new(), &mut anchors);
    anchors
}

/// [`winnowed_anchors`] into `out` (cleared first), with `hashes` as scratch: a scan reuses
/// both for every document.
///
/// The window's minimum is kept as the window slides: while it stays in the window, only the
/// entering n-gram can replace it (one comparison a step, rarely taken); the window is
/// searched again only when its minimum leaves it (about once a window).
fn winnow(ids: &[u64], n: usize, window: usize, hashes: &mut Vec<u64>, out: &mut Vec<(u64, u32)>) {
    out.clear();
    hashes.clear();
    if n == 0 || ids.len() < n {
        return;
    }
    hashes.extend(ids.windows(n).map(|w| ids_hash(w.iter().copied())));
    let window = window.max(1).min(hashes.len());
    // The rightmost minimum of the window (the usual winnowing tie rule).
    let mut best = 0;
    for end in window - 1..hashes.len() {
        let start = end + 1 - window;
        if end == window - 1 || best < start {
            best = start;
            for i in start + 1..=end {
                if hashes[i] <= hashes[best] {
                    best = i;
                }
            }
        } else if hashes[end] <= hashes[best] {
            best = end;
        }
        if out.last().map(|&(_, p)| p as usize) != Some(best) {
            out.push((hashes[best], best as u32));
        }
    }
}

/// Aligns every pair of documents that share anchors. `words[d]` is document `d`'s word
/// numbers, `token_ids[w]` the token id of word number `w`, and `locate` finds the tokens'
/// spans. Without `keep_ops`, no edit script is made (they are only
/// needed to show alignments word by word, and they are the bulk of the memory). Anchors in
/// `capped` are treated as too common whatever their count here (an index knows their count
/// over documents outside `ids`).
pub fn align_corpus(
    words: &[Vec<WordId>],
    token_ids: &[u64],
    params: &AlignParams,
    keep_ops: bool,
    capped: &FxHashSet<u64>,
    locate: &LocateTokens,
) -> (Vec<Alignment>, AlignStats) {
    let mut stats = AlignStats::default();
    let shared = shared_anchors(words, token_ids, params, capped, &mut stats);

    // Each document `a` in turn (in parallel) gathers the anchor pairs it shares with every
    // later document `b`, sorts them (a few hundred per pair, in cache) and aligns pair after
    // pair. Documents go in order and their partners in order, so passages come out in
    // `(a, b)` order, whatever the thread count.
    let by_document = shared.by_document(words.len());
    let document_pairs = AtomicUsize::new(0);
    let alignments: Vec<Alignment> = (0..words.len() as u32)
        .into_par_iter()
        .map_init(PairScratch::default, |scratch, a| {
            let PairScratch {
                hits,
                matches,
                buffers,
            } = scratch;
            hits.clear();
            for &(pos_a, group) in by_document.of(a) {
                let occurrences = shared.group(group as usize);
                let later = occurrences.partition_point(|&(doc, _)| doc <= a);
                hits.extend(
                    occurrences[later..]
                        .iter()
                        .map(|&(b, pos_b)| (b, pos_a, pos_b)),
                );
            }
            hits.sort_unstable();
            let mut found = Vec::new();
            let mut pairs = 0;
            for pair_hits in hits.chunk_by(|x, y| x.0 == y.0) {
                pairs += 1;
                let b = pair_hits[0].0;
                matches.clear();
                matches.extend(pair_hits.iter().map(|&(_, pos_a, pos_b)| (pos_a, pos_b)));
                let pair = PairInput {
                    a,
                    b,
                    words_a: &words[a as usize],
                    words_b: &words[b as usize],
                    keep_ops,
                    locate,
                };
                found.extend(align_pair(&pair, matches, params, buffers));
            }
            document_pairs.fetch_add(pairs, Ordering::Relaxed);
            found
        })
        .flatten_iter()
        .collect();
    stats.document_pairs = document_pairs.into_inner();
    stats.alignments = alignments.len();
    (alignments, stats)
}

/// Buffers reused from document to document while anchor pairs are gathered.
#[derive(Default)]
struct PairScratch {
    /// The anchor pairs of one document `a` with later documents: `(b, position in a,
    /// position in b)`.
    hits: Vec<(u32, u32, u32)>,
    /// One pair's `(position in a, position in b)`, sorted.
    matches: Vec<(u32, u32)>,
    buffers: SwBuffers,
}

/// The anchors of `words` shared by 2 to `max_anchor_df` documents, counting in `stats` the
/// anchors found and those left out as too common.
fn shared_anchors(
    words: &[Vec<WordId>],
    token_ids: &[u64],
    params: &AlignParams,
    capped: &FxHashSet<u64>,
    stats: &mut AlignStats,
) -> SharedAnchors {
    // Anchors are split by hash into parts, sorted and grouped one part at a time (an
    // anchor's occurrences all fall in one part), each part freed as soon as its shared
    // anchors are kept. They are found in rounds, each round winnowing every document again
    // and keeping only its own parts' anchors, so that only a round's anchors are ever held.
    // Within a round, documents are read in blocks, each block's anchors (one piece per part
    // per worker, grown by doubling) moved at once into parts of exactly the size needed.
    let mut shared = SharedAnchors::default();
    let block_len = words.len().div_ceil(ANCHOR_BLOCKS).max(1);
    let parts_per_round = ANCHOR_PARTS / ANCHOR_ROUNDS;
    for round in 0..ANCHOR_ROUNDS {
        let round_parts = round * parts_per_round..(round + 1) * parts_per_round;
        let mut parts: Vec<Vec<Anchor>> = vec![Vec::new(); parts_per_round];
        for (block, block_words) in words.chunks(block_len).enumerate() {
            let first_doc = block * block_len;
            let mut pieces: Vec<Vec<Vec<Anchor>>> = block_words
                .par_iter()
                .enumerate()
                .fold(
                    || (vec![Vec::new(); parts_per_round], Scratch::default()),
                    |(mut parts, mut scratch), (i, doc_words)| {
                        let doc = (first_doc + i) as u32;
                        let Scratch {
                            ids,
                            hashes,
                            anchors,
                        } = &mut scratch;
                        anchor_ids(doc_words, token_ids, doc, ids);
                        let (n, window) = (params.anchor_size, params.anchor_window);
                        winnow(ids, n, window, hashes, anchors);
                        for &(hash, pos) in anchors.iter() {
                            let part = anchor_part(hash);
                            if round_parts.contains(&part) {
                                let anchor = Anchor { hash, doc, pos };
                                parts[part - round_parts.start].push(anchor);
                            }
                        }
                        (parts, scratch)
                    },
                )
                .map(|(parts, _)| parts)
                .collect();
            for (part, anchors) in parts.iter_mut().enumerate() {
                anchors.reserve_exact(pieces.iter().map(|piece| piece[part].len()).sum());
                for piece in &mut pieces {
                    anchors.append(&mut std::mem::take(&mut piece[part]));
                }
            }
        }
        // Each part's anchors shared by 2 to `max_anchor_df` documents, kept grouped (8 bytes
        // an occurrence; most anchors are in one document only and go).
        for part in &mut parts {
            let mut anchors = std::mem::take(part);
            stats.anchors += anchors.len();
            anchors.par_sort_unstable();
            stats.capped_anchors += shared.add_part(anchors, params, capped);
        }
    }
    shared
}

/// The anchors found in 2 to `max_anchor_df` documents, grouped by anchor: each group's
/// occurrences `(document, position)` in document then position order, at most
/// [`MAX_OCCURRENCES_PER_DOCUMENT`] per document.
#[derive(Debug, Default)]
struct SharedAnchors {
    occurrences: Vec<(u32, u32)>,
    /// Where each group ends in `occurrences`.
    group_ends: Vec<usize>,
}

impl SharedAnchors {
    /// Adds the shared anchors of `anchors` (sorted; whole groups). Returns the number of
    /// anchors left out as too common (in more than `max_anchor_df` documents, or in `capped`).
    /// Runs of whole anchor groups are worked through in parallel. `anchors` is freed as soon
    /// as the runs have read it, before their results are moved together (a 1 GB scan peaks
    /// here: the part is 16 bytes an anchor, about 125 MB).
    fn add_part(
        &mut self,
        anchors: Vec<Anchor>,
        params: &AlignParams,
        capped: &FxHashSet<u64>,
    ) -> usize {
        // About equal runs, each moved forward to the start of an anchor group.
        let runs = rayon::current_num_threads() * 16;
        let mut bounds = vec![0];
        for run in 1..runs {
            let mut at = (anchors.len() * run / runs).max(bounds[bounds.len() - 1]);
            while at > 0 && at < anchors.len() && anchors[at].hash == anchors[at - 1].hash {
                at += 1;
            }
            bounds.push(at);
        }
        bounds.push(anchors.len());
        let found: Vec<(SharedAnchors, usize)> = bounds
            .par_windows(2)
            .map(|run| {
                let mut shared = SharedAnchors::default();
                let mut capped_anchors = 0;
                for group in anchors[run[0]..run[1]].chunk_by(|x, y| x.hash == y.hash) {
                    if group.len() < 2 {
                        continue;
                    }
                    let docs = 1 + group.windows(2).filter(|w| w[0].doc != w[1].doc).count();
                    if docs < 2 {
                        continue;
                    }
                    if docs > params.max_anchor_df || capped.contains(&group[0].hash) {
                        capped_anchors += 1;
                        continue;
                    }
                    // A phrase repeated many times inside one document (or one word repeated
                    // a million times) would otherwise make the pairs quadratic: keep its first
                    // occurrences only.
                    for same_doc in group.chunk_by(|x, y| x.doc == y.doc) {
                        let kept = same_doc.iter().take(MAX_OCCURRENCES_PER_DOCUMENT);
                        shared.occurrences.extend(kept.map(|x| (x.doc, x.pos)));
                    }
                    shared.group_ends.push(shared.occurrences.len());
                }
                (shared, capped_anchors)
            })
            .collect();
        drop(anchors);
        let mut capped_anchors = 0;
        for (run, capped) in found {
            let offset = self.occurrences.len();
            self.occurrences.extend_from_slice(&run.occurrences);
            self.group_ends
                .extend(run.group_ends.iter().map(|end| end + offset));
            capped_anchors += capped;
        }
        capped_anchors
    }

    /// The occurrences `(document, position)` of group `group`, in document order.
    fn group(&self, group: usize) -> &[(u32, u32)] {
        let start = if group == 0 {
            0
        } else {
            self.group_ends[group - 1]
        };
        &self.occurrences[start..self.group_ends[group]]
    }

    /// The same occurrences listed by document (a counting sort, group order kept).
    fn by_document(&self, documents: usize) -> AnchorsByDocument {
        let mut starts = vec![0usize; documents + 1];
        for &(doc, _) in &self.occurrences {
            starts[doc as usize + 1] += 1;
        }
        for doc in 0..documents {
            starts[doc + 1] += starts[doc];
        }
        let mut next = starts.clone();
        let mut entries = vec![(0, 0); self.occurrences.len()];
        let mut start = 0;
        for (group, &end) in self.group_ends.iter().enumerate() {
            // Past 2^32 groups (over 4 billion shared anchors, a hundred times a 1 GB corpus's)
            // the entries cannot name their group: those anchors are not listed.
            let Ok(group) = u32::try_from(group) else {
                break;
            };
            for &(doc, pos) in &self.occurrences[start..end] {
                let at = &mut next[doc as usize];
                entries[*at] = (pos, group);
                *at += 1;
            }
            start = end;
        }
        AnchorsByDocument { starts, entries }
    }
}

/// The occurrences of shared anchors listed by document: `(position, group)`, a group being an
/// anchor of [`SharedAnchors`].
struct AnchorsByDocument {
    /// Where each document's entries start in `entries` (and where the last one ends).
    starts: Vec<usize>,
    entries: Vec<(u32, u32)>,
}

impl AnchorsByDocument {
    fn of(&self, doc: u32) -> &[(u32, u32)] {
        let doc = doc as usize;
        &self.entries[self.starts[doc]..self.starts[doc + 1]]
    }
}

/// Aligns two documents directly (for `compare`): anchors are every shared n-gram.
pub fn align_two(tokens_a: &[Token], tokens_b: &[Token], params: &AlignParams) -> Vec<Alignment> {
    let n = params.anchor_size;
    if tokens_a.len() < n || tokens_b.len() < n {
        return Vec::new();
    }
    let ids_a: Vec<u64> = tokens_a.iter().map(|t| t.id).collect();
    let ids_b: Vec<u64> = tokens_b.iter().map(|t| t.id).collect();
    // Numbered here, so that tokens from any normalizers can be compared.
    let vocabulary = Vocabulary::new();
    let words_a: Vec<WordId> = ids_a.iter().map(|&id| vocabulary.number(id)).collect();
    let words_b: Vec<WordId> = ids_b.iter().map(|&id| vocabulary.number(id)).collect();
    let mut grams_b: Vec<(u64, u32)> = ids_b
        .windows(n)
        .enumerate()
        .map(|(j, w)| (ids_hash(w.iter().copied()), j as u32))
        .collect();
    grams_b.sort_unstable();
    let mut matches = Vec::new();
    for (i, w) in ids_a.windows(n).enumerate() {
        let h = ids_hash(w.iter().copied());
        let from = grams_b.partition_point(|&(x, _)| x < h);
        for &(x, j) in grams_b[from..].iter().take(MAX_OCCURRENCES_PER_DOCUMENT) {
            if x != h {
                break;
            }
            matches.push((i as u32, j));
        }
    }
    let locate = |doc: u32, range: Range<u32>, out: &mut Vec<Span>| {
        let tokens = if doc == 0 { tokens_a } else { tokens_b };
        out.extend(
            tokens[range.start as usize..range.end as usize]
                .iter()
                .map(Token::span),
        );
    };
    let pair = PairInput {
        a: 0,
        b: 1,
        words_a: &words_a,
        words_b: &words_b,
        keep_ops: true,
        locate: &locate,
    };
    align_pair(&pair, &matches, params, &mut SwBuffers::default())
}

/// Two documents to align, and what to make of their passages.
struct PairInput<'a> {
    a: u32,
    b: u32,
    words_a: &'a [WordId],
    words_b: &'a [WordId],
    /// Make each passage's edit script.
    keep_ops: bool,
    locate: &'a LocateTokens<'a>,
}

/// A run of anchor matches along nearby diagonals.
struct Chain {
    first_a: u32,
    last_a: u32,
    min_diag: i64,
    max_diag: i64,
    last_diag: i64,
}

/// Largest jump (in tokens of A) between consecutive anchors of one chain.
const CHAIN_GAP: u32 = 40;
/// Largest drift of the diagonal between consecutive anchors of one chain.
const CHAIN_DRIFT: i64 = 16;
/// Chains, most recent first, that a new anchor match may extend (keeps chaining linear).
const OPEN_CHAINS: usize = 8;
/// Widest spread of diagonals in one chain; wider, and a new chain starts (keeps the banded
/// alignment's cost linear in the passage length).
const MAX_CHAIN_BAND: i64 = 64;
/// Tokens of A added before and after a chain before aligning, so that the alignment can
/// extend past the outermost anchors.
const ROW_MARGIN: i64 = 48;
/// Diagonals added on each side of a chain's band (insertions and deletions it can absorb).
const DIAG_MARGIN: i64 = 12;

/// The passages of one pair of documents, from their anchor matches `(position in a, position
/// in b)` (sorted), with `buffers` for the banded alignments.
fn align_pair(
    pair: &PairInput,
    matches: &[(u32, u32)],
    params: &AlignParams,
    buffers: &mut SwBuffers,
) -> Vec<Alignment> {
    let (tokens_a, tokens_b) = (pair.words_a, pair.words_b);
    debug_assert!(matches.is_sorted());
    let mut chains: Vec<Chain> = Vec::new();
    for &(i, j) in matches {
        let diag = i64::from(j) - i64::from(i);
        let open = chains.iter_mut().rev().take(OPEN_CHAINS).find(|c| {
            i - c.last_a <= CHAIN_GAP
                && (diag - c.last_diag).abs() <= CHAIN_DRIFT
                && diag.max(c.max_diag) - diag.min(c.min_diag) <= MAX_CHAIN_BAND
        });
        match open {
            Some(chain) => {
                chain.last_a = i;
                chain.last_diag = diag;
                chain.min_diag = chain.min_diag.min(diag);
                chain.max_diag = chain.max_diag.max(diag);
            }
            None => chains.push(Chain {
                first_a: i,
                last_a: i,
                min_diag: diag,
                max_diag: diag,
                last_diag: diag,
            }),
        }
    }

    let n = params.anchor_size as i64;
    let mut found: Vec<Alignment> = chains
        .iter()
        .filter_map(|chain| {
            let row_start = (i64::from(chain.first_a) - ROW_MARGIN).max(0);
            let row_end = (i64::from(chain.last_a) + n + ROW_MARGIN).min(tokens_a.len() as i64);
            let band = (chain.min_diag - DIAG_MARGIN, chain.max_diag + DIAG_MARGIN);
            let score =
                banded_smith_waterman(tokens_a, tokens_b, row_start, row_end, band, buffers);
            alignment_from_trace(pair, &mut buffers.steps, score, params)
        })
        .collect();

    // Overlapping alignments of the same text: keep the best-scoring one.
    found.sort_by(|x, y| {
        y.score
            .cmp(&x.score)
            .then_with(|| x.tokens_a.cmp(&y.tokens_a))
            .then_with(|| x.tokens_b.cmp(&y.tokens_b))
    });
    let mut kept: Vec<Alignment> = Vec::new();
    for candidate in found {
        let overlaps = kept.iter().any(|k| {
            ranges_overlap(k.tokens_a, candidate.tokens_a)
                || ranges_overlap(k.tokens_b, candidate.tokens_b)
        });
        if !overlaps {
            kept.push(candidate);
        }
    }
    kept.sort_by_key(|k| k.tokens_a);
    kept
}

fn ranges_overlap(x: (u32, u32), y: (u32, u32)) -> bool {
    x.0 < y.1 && y.0 < x.1
}

const MATCH: i32 = 1;
const MISMATCH: i32 = -1;
const GAP: i32 = -1;
// The vectorised fill has these scores built in.
const _: () = assert!(MATCH == 1 && MISMATCH == -1 && GAP == -1);

/// Traceback directions.
const STOP: u8 = 0;
const DIAG: u8 = 1;
const UP: u8 = 2; // consumes a token of A only
const LEFT: u8 = 3; // consumes a token of B only

/// Whether two tokens are the same word: equal numbers, and not [`NO_WORD`] (a masked token
/// matches nothing, not even another masked one).
fn same_word(a: WordId, b: WordId) -> bool {
    a == b && a != NO_WORD
}

/// The cells a banded alignment fills: rows `row_start..row_start + rows` of A, and in row `i`
/// the columns `j` of B with `j - i` in `dlo..dlo + width` (slot `k = j - i - dlo`).
struct Band {
    row_start: i64,
    rows: usize,
    dlo: i64,
    width: usize,
}

impl Band {
    /// The slots of row `i` whose column lies inside B (`len_b` tokens): `k_lo..k_hi`.
    fn slots_in_b(&self, i: i64, len_b: i64) -> (usize, usize) {
        let first_j = i + self.dlo;
        let k_lo = (-first_j).clamp(0, self.width as i64);
        let k_hi = (len_b - first_j).clamp(k_lo, self.width as i64);
        (k_lo as usize, k_hi as usize)
    }
}

/// A filled band: the traceback direction of every cell (row `r`'s slot `k` at
/// `r * stride + k` of [`SwBuffers::trace`]; [`STOP`] outside B), the best score and its first
/// cell in row order.
struct FilledBand {
    stride: usize,
    best: i32,
    best_at: Option<(usize, usize)>,
}

/// The buffers of banded alignments, kept by each worker and reused from chain to chain (a
/// band's trace is tens of kilobytes: allocated and freed per chain, it made the allocator
/// grow and trim its heap, a page fault per page, over and over).
#[derive(Default)]
struct SwBuffers {
    /// The filled band's directions (see [`FilledBand`]).
    trace: Vec<u8>,
    /// The word of B in each column the band touches (filled by the AVX2 kernels).
    column_words: Vec<WordId>,
    /// The edit script traced back.
    steps: Vec<Step>,
}

/// Best local alignment of rows `row_start..row_end` of A against B, restricted to cells with
/// `j - i` in `band` (inclusive). Returns the score; the edit script (empty if nothing scores)
/// is left in `buffers.steps`.
/// Tokens match when they are the [`same_word`].
///
/// The band is filled with AVX2 on x86-64 processors that have it (chosen at run time),
/// sixteen cells at a time (eight for bands of 32,767 rows or more); results are identical
/// either way.
fn banded_smith_waterman(
    tokens_a: &[WordId],
    tokens_b: &[WordId],
    row_start: i64,
    row_end: i64,
    band: (i64, i64),
    buffers: &mut SwBuffers,
) -> i32 {
    let (dlo, dhi) = band;
    let band = Band {
        row_start,
        rows: (row_end - row_start).max(0) as usize,
        dlo,
        width: (dhi - dlo + 1) as usize,
    };
    let filled = fill_band(tokens_a, tokens_b, &band, buffers);
    trace_back(
        tokens_a,
        tokens_b,
        &band,
        &filled,
        &buffers.trace,
        &mut buffers.steps,
    )
}

fn fill_band(
    tokens_a: &[WordId],
    tokens_b: &[WordId],
    band: &Band,
    buffers: &mut SwBuffers,
) -> FilledBand {
    #[cfg(target_arch = "x86_64")]
    {
        if crate::simd::avx2() {
            // A score grows by at most one a row, so fewer rows than `i16::MAX` keep every
            // score within 16 bits.
            if band.rows < i16::MAX as usize {
                // SAFETY: the CPU supports AVX2, checked just above.
                return unsafe { avx2::fill_band_avx2_i16(tokens_a, tokens_b, band, buffers) };
            }
            // SAFETY: the CPU supports AVX2, checked just above.
            return unsafe { avx2::fill_band_avx2(tokens_a, tokens_b, band, buffers) };
        }
    }
    fill_band_portable(tokens_a, tokens_b, band, &mut buffers.trace)
}

/// Fills the band cell by cell (match +1, mismatch −1, gap −1, floor 0).
fn fill_band_portable(
    tokens_a: &[WordId],
    tokens_b: &[WordId],
    band: &Band,
    trace: &mut Vec<u8>,
) -> FilledBand {
    let (rows, width) = (band.rows, band.width);
    let lb = tokens_b.len() as i64;
    // Scores for the previous and current row, indexed by k = j - i - dlo; one more slot on
    // each side so that the neighbours of the band's edges read as zero.
    let mut prev = vec![0i32; width + 2];
    let mut curr = vec![0i32; width + 2];
    trace.clear();
    trace.resize(rows * width, STOP);
    let (mut best, mut best_at) = (0i32, None);
    for r in 0..rows {
        let i = band.row_start + r as i64;
        let a = tokens_a[i as usize];
        curr.fill(0);
        // Band slots whose column j = first_j + k lies inside B; the others stay zero.
        let (k_lo, k_hi) = band.slots_in_b(i, lb);
        // (A row wholly outside B has no cells: k_hi == k_lo and j_lo only needs to be in B.)
        let j_lo = (i + band.dlo + k_lo as i64).clamp(0, lb) as usize;
        let cells = tokens_b[j_lo..j_lo + (k_hi - k_lo)]
            .iter()
            .zip(&prev[k_lo + 1..k_hi + 1])
            .zip(&prev[k_lo + 2..k_hi + 2])
            .zip(&mut curr[k_lo + 1..k_hi + 1])
            .zip(&mut trace[r * width + k_lo..r * width + k_hi]);
        // Cell (i, j) at slot k+1. Diagonal neighbour (i-1, j-1): same k in prev row.
        // Up (i-1, j): k+1 in prev row. Left (i, j-1): k-1 in this row (zero left of k_lo).
        let mut left = 0;
        for (k, ((((&b, &diag_before), &up_before), cell), dir_out)) in (k_lo..).zip(cells) {
            let diag = diag_before + if same_word(a, b) { MATCH } else { MISMATCH };
            let up = up_before + GAP;
            let left_gap = left + GAP;
            let (mut score, mut dir) = (0, STOP);
            if diag > score {
                (score, dir) = (diag, DIAG);
            }
            if up > score {
                (score, dir) = (up, UP);
            }
            if left_gap > score {
                (score, dir) = (left_gap, LEFT);
            }
            *cell = score;
            left = score;
            *dir_out = dir;
            if score > best {
                best = score;
                best_at = Some((r, k));
            }
        }
        std::mem::swap(&mut prev, &mut curr);
    }
    FilledBand {
        stride: width,
        best,
        best_at,
    }
}

/// The score of the best local alignment in a filled band (whose directions are `trace`), and
/// its edit script into `steps` (cleared first).
fn trace_back(
    tokens_a: &[WordId],
    tokens_b: &[WordId],
    band: &Band,
    filled: &FilledBand,
    trace: &[u8],
    steps: &mut Vec<Step>,
) -> i32 {
    steps.clear();
    let Some((mut r, mut k)) = filled.best_at else {
        return 0;
    };
    let (row_start, dlo, width) = (band.row_start, band.dlo, band.width);
    let lb = tokens_b.len() as i64;
    let trace = |r: usize, k: usize| trace[r * filled.stride + k];
    loop {
        let i = row_start + r as i64;
        let j = i + dlo + k as i64;
        match trace(r, k) {
            DIAG => {
                let same = same_word(tokens_a[i as usize], tokens_b[j as usize]);
                let (i, j) = (i as u32, j as u32);
                steps.push(if same {
                    Step::Match(i, j)
                } else {
                    Step::Substitute(i, j)
                });
                if r == 0 {
                    break;
                }
                r -= 1;
            }
            UP => {
                steps.push(Step::OnlyA(i as u32));
                if r == 0 {
                    break;
                }
                r -= 1;
                k += 1;
                if k >= width {
                    break;
                }
            }
            LEFT => {
                steps.push(Step::OnlyB(j as u32));
                if k == 0 {
                    break;
                }
                k -= 1;
            }
            _ => break,
        }
        let i = row_start + r as i64;
        let j = i + dlo + k as i64;
        if j < 0 || j >= lb || trace(r, k) == STOP {
            break;
        }
    }
    steps.reverse();
    filled.best
}

/// One step of a traceback, by token index in A and B ([`Op`] before the spans are known).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Step {
    Match(u32, u32),
    Substitute(u32, u32),
    OnlyA(u32),
    OnlyB(u32),
}

fn alignment_from_trace(
    pair: &PairInput,
    steps: &mut Vec<Step>,
    score: i32,
    params: &AlignParams,
) -> Option<Alignment> {
    let is_match = |step: &Step| matches!(step, Step::Match(..));
    // A local alignment starts and ends on matches; drop anything else at the ends.
    while matches!(steps.last(), Some(step) if !is_match(step)) {
        steps.pop();
    }
    let first_match = steps.iter().position(is_match)?;
    steps.drain(..first_match);
    let matched = steps.iter().filter(|step| is_match(step)).count() as u32;
    let columns = steps.len() as u32;
    if (matched as usize) < params.min_tokens
        || f64::from(matched) < params.min_identity * f64::from(columns)
    {
        return None;
    }
    // Token ranges: the matches at both ends (every step lies between them).
    let (Step::Match(ia0, jb0), Some(&Step::Match(ia1, jb1))) = (steps[0], steps.last()) else {
        return None;
    };
    // Spans: of every token of the passage for the edit script, else of its two ends.
    let (mut spans_a, mut spans_b) = (Vec::new(), Vec::new());
    if pair.keep_ops {
        (pair.locate)(pair.a, ia0..ia1 + 1, &mut spans_a);
        (pair.locate)(pair.b, jb0..jb1 + 1, &mut spans_b);
    } else {
        for (doc, first, last, spans) in [
            (pair.a, ia0, ia1, &mut spans_a),
            (pair.b, jb0, jb1, &mut spans_b),
        ] {
            (pair.locate)(doc, first..first + 1, spans);
            (pair.locate)(doc, last..last + 1, spans);
        }
    }
    let (Some(first_a), Some(last_a), Some(first_b), Some(last_b)) = (
        spans_a.first(),
        spans_a.last(),
        spans_b.first(),
        spans_b.last(),
    ) else {
        return None;
    };
    let span_a = Span::new(first_a.start, last_a.end);
    let span_b = Span::new(first_b.start, last_b.end);
    let ops = if pair.keep_ops {
        let at_a = |i: u32| spans_a[(i - ia0) as usize];
        let at_b = |j: u32| spans_b[(j - jb0) as usize];
        steps
            .iter()
            .map(|&step| match step {
                Step::Match(i, j) => Op::Match(at_a(i), at_b(j)),
                Step::Substitute(i, j) => Op::Substitute(at_a(i), at_b(j)),
                Step::OnlyA(i) => Op::OnlyA(at_a(i)),
                Step::OnlyB(j) => Op::OnlyB(at_b(j)),
            })
            .collect()
    } else {
        Vec::new()
    };
    Some(Alignment {
        a: pair.a,
        b: pair.b,
        span_a,
        span_b,
        tokens_a: (ia0, ia1 + 1),
        tokens_b: (jb0, jb1 + 1),
        matched,
        columns,
        score,
        ops,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::normalize::Normalizer;
    use crate::params::Language;

    fn tokens(text: &str) -> Vec<Token> {
        let mut out = Vec::new();
        Normalizer::new(Language::English).tokenize(text, 0, &mut out);
        out
    }

    fn ids(tokens: &[Token]) -> Vec<u64> {
        tokens.iter().map(|t| t.id).collect()
    }

    /// [`align_corpus`] over documents given as tokens (ids and spans).
    fn align_documents(
        docs: &[Vec<Token>],
        params: &AlignParams,
        keep_ops: bool,
    ) -> (Vec<Alignment>, AlignStats) {
        // Numbered in one vocabulary (each document was tokenized with a normalizer of its own).
        let vocabulary = Vocabulary::new();
        let words: Vec<Vec<WordId>> = docs
            .iter()
            .map(|d| d.iter().map(|t| vocabulary.number(t.id)).collect())
            .collect();
        let locate = |doc: u32, range: Range<u32>, out: &mut Vec<Span>| {
            let tokens = &docs[doc as usize][range.start as usize..range.end as usize];
            out.extend(tokens.iter().map(Token::span));
        };
        let capped = FxHashSet::default();
        let token_ids = vocabulary.token_ids();
        align_corpus(&words, &token_ids, params, keep_ops, &capped, &locate)
    }

    #[test]
    fn winnowing_guarantees_an_anchor_in_every_long_enough_shared_run() {
        let shared = "to use all available means to provide immediate military assistance";
        let a = tokens(&format!(
            "The treaty requires both countries {shared} if attacked."
        ));
        let b = tokens(&format!(
            "Our own words come first, then {shared} and more."
        ));
        let anchors_a = winnowed_anchors(&ids(&a), 5, 4);
        let anchors_b = winnowed_anchors(&ids(&b), 5, 4);
        assert!(anchors_a
            .iter()
            .any(|x| anchors_b.iter().any(|y| x.0 == y.0)));
        // Winnowing keeps fewer anchors than n-grams.
        assert!(anchors_a.len() < a.len() - 4);
    }

    #[test]
    fn edited_copies_align_across_paragraph_breaks_with_exact_spans() {
        let a_text = "Putin and Kim said the deployment was made under a mutual defense treaty \
                      signed in June 2024 that requires both countries to use all available means \
                      to provide immediate military assistance if either is attacked.";
        let b_text = "Unrelated opening sentence about the weather in Lisbon today.\n\n\
                      The strategic partnership treaty requires both nations\n\nto use all \
                      available means to provide immediate military assistance if either is \
                      attacked.";
        let (a, b) = (tokens(a_text), tokens(b_text));
        let found = align_two(&a, &b, &AlignParams::default());
        assert_eq!(found.len(), 1, "{found:?}");
        let passage = &found[0];
        assert_eq!(
            passage.span_a.slice(a_text),
            "requires both countries to use all available means \
             to provide immediate military assistance if either is attacked"
        );
        assert!(passage
            .span_b
            .slice(b_text)
            .starts_with("requires both nations\n\nto use"));
        assert!(passage.identity() > 0.9 && passage.identity() < 1.0);
        let substituted: Vec<(&str, &str)> = passage
            .ops
            .iter()
            .filter_map(|op| match op {
                Op::Substitute(x, y) => Some((x.slice(a_text), y.slice(b_text))),
                _ => None,
            })
            .collect();
        assert_eq!(substituted, [("countries", "nations")]);
        assert_eq!(passage.tokens_a.1 - passage.tokens_a.0, passage.matched + 1);
    }

    #[test]
    fn a_short_document_inside_a_long_one_aligns_whole() {
        // The band's margins reach rows whose columns lie wholly before and after B.
        let filler = |tag: &str| {
            (0..60)
                .map(|i| format!("{tag}{i}"))
                .collect::<Vec<_>>()
                .join(" ")
        };
        let shared = "the treaty requires both countries to use all available means to provide \
                      immediate military assistance if either is attacked";
        let a_text = format!("{} {shared} {}", filler("alpha"), filler("omega"));
        let (a, b) = (tokens(&a_text), tokens(shared));
        let found = align_two(&a, &b, &AlignParams::default());
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].span_a.slice(&a_text), shared);
        assert_eq!(found[0].span_b.slice(shared), shared);
        assert_eq!(found[0].matched as usize, b.len());
        let reversed = align_two(&b, &a, &AlignParams::default());
        assert_eq!(reversed.len(), 1);
        assert_eq!(reversed[0].span_b.slice(&a_text), shared);
    }

    #[test]
    fn masked_tokens_match_nothing_not_even_each_other() {
        // Two documents with the same 60 words, the middle 10 masked in both.
        let masked = 25..35;
        let doc: Vec<WordId> = (0..60)
            .map(|i| if masked.contains(&i) { NO_WORD } else { i })
            .collect();
        let words = vec![doc.clone(), doc];
        let token_ids: Vec<u64> = (0..60).map(|i| 1000 + i).collect();
        let locate = |_: u32, range: Range<u32>, out: &mut Vec<Span>| {
            out.extend(range.map(|i| Span::new(i as usize, i as usize + 1)));
        };
        let capped = FxHashSet::default();
        let params = AlignParams::default();
        let (found, _) = align_corpus(&words, &token_ids, &params, true, &capped, &locate);
        assert!(!found.is_empty());
        for passage in &found {
            for op in &passage.ops {
                if let Op::Match(a, _) = op {
                    assert!(!masked.contains(&(a.start as u32)), "{op:?}");
                }
            }
        }
        let matched: u32 = found.iter().map(|p| p.matched).sum();
        assert_eq!(matched, 50, "every unmasked word, no masked one");
    }

    #[test]
    fn unrelated_text_does_not_align() {
        let a = tokens("Russia announced a temporary three-day ceasefire to mark the anniversary of the end of the war in Europe.");
        let b = tokens("North Korea confirmed for the first time that it had sent troops to fight for Russia in Kursk.");
        assert!(align_two(&a, &b, &AlignParams::default()).is_empty());
    }

    #[test]
    fn a_word_repeated_a_hundred_thousand_times_stays_linear() {
        let text = "buffalo ".repeat(100_000);
        let docs = vec![tokens(&text), tokens(&text)];
        let (found, stats) = align_documents(&docs, &AlignParams::default(), false);
        // Without the per-document cap this would be 10^10 anchor pairs.
        assert!(stats.anchors > 100_000);
        assert!(!found.is_empty());
        let found = align_two(&docs[0], &docs[1], &AlignParams::default());
        assert!(!found.is_empty());
    }

    #[test]
    fn corpus_alignment_caps_frequent_anchors() {
        let common = "click here to get the latest news app for your phone today";
        let docs: Vec<Vec<Token>> = (0..5)
            .map(|i| {
                tokens(&format!(
                    "Story number {i} is about something else entirely. {common}"
                ))
            })
            .collect();
        let params = AlignParams {
            max_anchor_df: 3,
            ..AlignParams::default()
        };
        let (found, stats) = align_documents(&docs, &params, false);
        assert!(found.is_empty());
        assert!(stats.capped_anchors > 0);
        let (found, _) = align_documents(&docs, &AlignParams::default(), false);
        assert_eq!(found.len(), 10, "every pair shares the line");
    }

    #[test]
    fn passages_come_out_in_document_pair_order_whatever_the_thread_count() {
        let shared = "to use all available means to provide immediate military assistance";
        let docs: Vec<Vec<Token>> = (0..12)
            .map(|i| {
                tokens(&format!(
                    "Report {i} opens with its own words. The treaty requires both countries \
                     {shared} if either is attacked, officials said on day {}.",
                    i % 3
                ))
            })
            .collect();
        let params = AlignParams::default();
        let on_threads = |threads: usize| {
            let pool = rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()
                .unwrap();
            pool.install(|| align_documents(&docs, &params, true))
        };
        let (one, one_stats) = on_threads(1);
        assert_eq!(one.len(), 12 * 11 / 2, "every pair shares the sentence");
        assert_eq!(one_stats.document_pairs, 12 * 11 / 2);
        let order: Vec<(u32, u32)> = one.iter().map(|x| (x.a, x.b)).collect();
        let mut sorted = order.clone();
        sorted.sort_unstable();
        assert_eq!(order, sorted);
        for threads in [2, 5] {
            let (many, many_stats) = on_threads(threads);
            assert_eq!(many, one, "{threads} threads");
            assert_eq!(many_stats, one_stats);
        }
    }

    #[test]
    fn corpus_passages_have_the_spans_and_edits_of_a_direct_alignment() {
        let a_text = "Officials said on Monday that the talks would resume in Geneva next week, \
                      after a pause of several months during which both sides traded accusations.";
        let b_text = "In other news. Officials said on Tuesday that the talks would resume in \
                      Geneva next week after a long pause of several months during which both \
                      sides traded accusations.";
        let docs = vec![tokens(a_text), tokens(b_text)];
        let direct = align_two(&docs[0], &docs[1], &AlignParams::default());
        assert_eq!(direct.len(), 1);
        let (with_ops, _) = align_documents(&docs, &AlignParams::default(), true);
        assert_eq!(with_ops, direct);
        let (without_ops, _) = align_documents(&docs, &AlignParams::default(), false);
        assert_eq!(without_ops.len(), 1);
        assert!(without_ops[0].ops.is_empty());
        assert_eq!(
            (without_ops[0].span_a, without_ops[0].span_b),
            (direct[0].span_a, direct[0].span_b)
        );
        assert!(direct[0].span_a.slice(a_text).starts_with("Officials said"));
        assert!(direct[0]
            .span_b
            .slice(b_text)
            .ends_with("traded accusations"));
    }

    /// Winnowing by its definition: every window searched whole for its rightmost minimum.
    fn winnowed_by_definition(ids: &[u64], n: usize, window: usize) -> Vec<(u64, u32)> {
        if n == 0 || ids.len() < n {
            return Vec::new();
        }
        let hashes: Vec<u64> = ids
            .windows(n)
            .map(|w| ids_hash(w.iter().copied()))
            .collect();
        let window = window.max(1).min(hashes.len());
        let mut out: Vec<(u64, u32)> = Vec::new();
        for start in 0..=hashes.len() - window {
            let best = (start..start + window)
                .rev()
                .min_by_key(|&i| hashes[i])
                .expect("a window is not empty");
            if out.last().map(|&(_, p)| p as usize) != Some(best) {
                out.push((hashes[best], best as u32));
            }
        }
        out
    }

    proptest::proptest! {
        /// Few distinct ids, so that equal n-grams (ties) and repeats are common.
        #[test]
        fn winnowing_keeps_the_rightmost_minimum_of_every_window(
            ids in proptest::collection::vec(0u64..3, 0..200),
            n in 0usize..7,
            window in 0usize..9,
        ) {
            proptest::prop_assert_eq!(
                winnowed_anchors(&ids, n, window),
                winnowed_by_definition(&ids, n, window)
            );
        }
    }

    /// Compares the vectorised band fill with the portable one cell for cell, on sequences of
    /// a few distinct words (many matches, gaps and ties) with masked tokens, over bands that
    /// run past either end of B.
    #[cfg(target_arch = "x86_64")]
    mod vectorised_fill {
        use super::super::*;
        use proptest::prelude::*;

        fn words(len: std::ops::Range<usize>) -> impl Strategy<Value = Vec<WordId>> {
            proptest::collection::vec(prop_oneof![8 => 0u32..4, 1 => Just(NO_WORD)], len)
        }

        proptest! {
            #[test]
            fn gives_the_portable_fill(
                a in words(1..120),
                b in words(1..120),
                start in 0usize..120,
                rows in 0usize..120,
                dlo in -130i64..130,
                width in 1usize..90,
            ) {
                prop_assume!(std::arch::is_x86_feature_detected!("avx2"));
                let row_start = start.min(a.len()) as i64;
                let rows = rows.min(a.len() - row_start as usize);
                let band = Band { row_start, rows, dlo, width };
                let mut portable_trace = Vec::new();
                let portable = fill_band_portable(&a, &b, &band, &mut portable_trace);
                // A buffer left over from a larger band, as a worker's would be.
                let mut buffers = SwBuffers {
                    trace: vec![DIAG; 200 * 96],
                    column_words: vec![0; 400],
                    steps: Vec::new(),
                };
                // SAFETY: the CPU supports AVX2, assumed above.
                let vectorised = unsafe { avx2::fill_band_avx2(&a, &b, &band, &mut buffers) };
                prop_assert_eq!(portable.best, vectorised.best);
                prop_assert_eq!(portable.best_at, vectorised.best_at);
                for r in 0..rows {
                    prop_assert_eq!(
                        &portable_trace[r * portable.stride..][..width],
                        &buffers.trace[r * vectorised.stride..][..width],
                        "row {}", r
                    );
                }
                let mut portable_steps = Vec::new();
                let portable_score =
                    trace_back(&a, &b, &band, &portable, &portable_trace, &mut portable_steps);
                let mut vectorised_steps = vec![Step::OnlyA(7)];
                let vectorised_score =
                    trace_back(&a, &b, &band, &vectorised, &buffers.trace, &mut vectorised_steps);
                prop_assert_eq!(portable_score, vectorised_score);
                prop_assert_eq!(&portable_steps, &vectorised_steps);

                // The 16-bit kernel, in the buffers the 32-bit one left.
                // SAFETY: the CPU supports AVX2, assumed above; rows < 120 < i16::MAX.
                let narrow = unsafe { avx2::fill_band_avx2_i16(&a, &b, &band, &mut buffers) };
                prop_assert_eq!(portable.best, narrow.best);
                prop_assert_eq!(portable.best_at, narrow.best_at);
                for r in 0..rows {
                    prop_assert_eq!(
                        &portable_trace[r * portable.stride..][..width],
                        &buffers.trace[r * narrow.stride..][..width],
                        "row {}", r
                    );
                }
                let mut narrow_steps = Vec::new();
                let narrow_score =
                    trace_back(&a, &b, &band, &narrow, &buffers.trace, &mut narrow_steps);
                prop_assert_eq!(portable_score, narrow_score);
                prop_assert_eq!(portable_steps, narrow_steps);
            }
        }
    }
}
