//! Passage alignment: reused text below the near-duplicate level, with exact spans.
//!
//! In: every document's full sequence of word numbers ([`WordId`]s, paragraph boundaries
//! ignored; [`NO_WORD`](crate::normalize::NO_WORD) for a token that must match nothing), the token id of each word number,
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
//!    alignment columns). Overlapping alignments of one pair keep the best; one that only
//!    reaches into a better one's tokens at its ends (a word that happens to match past a
//!    paragraph's end) is cut back to where it does not. Passages that then follow each other
//!    within a few tokens on both sides (one chain's region ends where the next chain's
//!    passage takes up, as in a paraphrase whose reworded stretch left no anchors) are one.
//!
//! Files: `anchors.rs` (steps 1–2), `chain.rs` (3), `smith_waterman.rs` (4, with its AVX2 kernels
//! behind one dispatch point); this file holds the types, the corpus and two-document drivers
//! and the making of an [`Alignment`] from a traceback.
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
use crate::normalize::{Token, Vocabulary, WordId};

mod anchors;
mod chain;
mod smith_waterman;

pub use anchors::{anchor_ids, winnowed_anchors};
use anchors::{shared_anchors, MAX_OCCURRENCES_PER_DOCUMENT};
use smith_waterman::{banded_smith_waterman, Step, SwBuffers};

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
    /// Index of the first document.
    pub a: u32,
    /// Index of the second document (after `a`).
    pub b: u32,
    /// The passage in document `a`.
    pub span_a: Span,
    /// The passage in document `b`.
    pub span_b: Span,
    /// Token index range in each document.
    pub tokens_a: (u32, u32),
    /// Token index range in document `b`.
    pub tokens_b: (u32, u32),
    /// Tokens that match.
    pub matched: u32,
    /// Alignment columns (matches + substitutions + gaps).
    pub columns: u32,
    /// Smith-Waterman score (+1 a match, -1 a mismatch or gap).
    pub score: i32,
    /// The edit script, word by word (empty when not kept, see [`align_corpus`]).
    pub ops: Vec<Op>,
}

impl Alignment {
    /// Matching tokens over alignment columns (0 for an empty alignment).
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
    /// Anchors found (winnowed n-grams, all documents).
    pub anchors: usize,
    /// Anchors dropped for appearing in more than `max_anchor_df` documents.
    pub capped_anchors: usize,
    /// Document pairs that shared anchors and were aligned.
    pub document_pairs: usize,
    /// Passages reported.
    pub alignments: usize,
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
    align_corpus_pairs(words, token_ids, params, keep_ops, capped, None, locate)
}

/// [`align_corpus`], aligning only the document pairs `(a, b)`, `a < b`, in `only` (when
/// given): each such pair's passages are those `align_corpus` finds for it.
pub fn align_corpus_pairs(
    words: &[Vec<WordId>],
    token_ids: &[u64],
    params: &AlignParams,
    keep_ops: bool,
    capped: &FxHashSet<u64>,
    only: Option<&FxHashSet<(u32, u32)>>,
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
                let b = pair_hits[0].0;
                if only.is_some_and(|only| !only.contains(&(a, b))) {
                    continue;
                }
                pairs += 1;
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
/// The passages of one pair of documents, from their anchor matches `(position in a, position
/// in b)` (sorted), with `buffers` for the banded alignments.
///
/// Each chain's best local alignment is a candidate; candidates are taken best first, and one
/// that reaches into the tokens of a better one is cut back to where it does not (a local
/// alignment runs on over a word that happens to match, the first word of the next paragraph,
/// into text that the next passage aligns), or dropped when what overlaps is not at its ends;
/// then passages that follow each other closely are joined ([`join_adjacent`]).
fn align_pair(
    pair: &PairInput,
    matches: &[(u32, u32)],
    params: &AlignParams,
    buffers: &mut SwBuffers,
) -> Vec<Alignment> {
    let (tokens_a, tokens_b) = (pair.words_a, pair.words_b);
    debug_assert!(matches.is_sorted());
    let mut candidates: Vec<(i32, Vec<Step>)> = chain::chains(matches)
        .iter()
        .filter_map(|chain| {
            let (rows, band) = chain.region(params.anchor_size, tokens_a.len());
            let score =
                banded_smith_waterman(tokens_a, tokens_b, rows.start, rows.end, band, buffers);
            trim_to_matches(&mut buffers.steps);
            (!buffers.steps.is_empty()).then(|| (score, buffers.steps.clone()))
        })
        .collect();
    candidates.sort_by(|(x_score, x), (y_score, y)| {
        y_score
            .cmp(x_score)
            .then_with(|| first_tokens(x).cmp(&first_tokens(y)))
    });
    // Each kept passage with its edit script (for joining, below).
    let mut kept: Vec<(Alignment, Vec<Step>)> = Vec::new();
    for (score, mut steps) in candidates {
        let touches = |step: &Step| {
            let (i, j) = step_tokens(step);
            kept.iter().any(|(k, _)| {
                i.is_some_and(|i| k.tokens_a.0 <= i && i < k.tokens_a.1)
                    || j.is_some_and(|j| k.tokens_b.0 <= j && j < k.tokens_b.1)
            })
        };
        let before = steps.len();
        let keep_from = steps
            .iter()
            .position(|s| !touches(s))
            .unwrap_or(steps.len());
        steps.drain(..keep_from);
        let keep_to = steps
            .iter()
            .rposition(|s| !touches(s))
            .map_or(0, |last| last + 1);
        steps.truncate(keep_to);
        if steps.iter().any(touches) {
            continue;
        }
        trim_to_matches(&mut steps);
        // Matches score +1, anything else -1: a cut alignment scores what it keeps.
        let score = if steps.len() == before {
            score
        } else {
            let matched = steps
                .iter()
                .filter(|s| matches!(s, Step::Match(..)))
                .count() as i32;
            2 * matched - steps.len() as i32
        };
        if let Some(alignment) = alignment_from_trace(pair, &steps, score, params) {
            kept.push((alignment, steps));
        }
    }
    join_adjacent(pair, kept, params)
}

/// Most tokens, on either side, between two passages of one pair that are one passage: a
/// chain's region ends (or a weaker passage was cut back) where a passage goes on, and the next
/// chain's passage takes up from there; a paraphrase's dense stretch splits its passage so.
const JOIN_GAP: u32 = 8;

/// The passages of one pair (with their edit scripts) in order of A, those that follow each
/// other within [`JOIN_GAP`] tokens on both sides joined into one (the tokens between them
/// substituted or left out), when the whole keeps `min_identity`.
fn join_adjacent(
    pair: &PairInput,
    mut passages: Vec<(Alignment, Vec<Step>)>,
    params: &AlignParams,
) -> Vec<Alignment> {
    passages.sort_by_key(|(alignment, _)| alignment.tokens_a);
    let mut out: Vec<(Alignment, Vec<Step>)> = Vec::with_capacity(passages.len());
    for (next, next_steps) in passages {
        if let Some((last, last_steps)) = out.last_mut() {
            let follows = next.tokens_a.0 >= last.tokens_a.1
                && next.tokens_b.0 >= last.tokens_b.1
                && next.tokens_a.0 - last.tokens_a.1 <= JOIN_GAP
                && next.tokens_b.0 - last.tokens_b.1 <= JOIN_GAP;
            if follows {
                let mut joined = last_steps.clone();
                let (mut i, mut j) = (last.tokens_a.1, last.tokens_b.1);
                while i < next.tokens_a.0 || j < next.tokens_b.0 {
                    joined.push(match (i < next.tokens_a.0, j < next.tokens_b.0) {
                        (true, true) => Step::Substitute(i, j),
                        (true, false) => Step::OnlyA(i),
                        _ => Step::OnlyB(j),
                    });
                    i += u32::from(i < next.tokens_a.0);
                    j += u32::from(j < next.tokens_b.0);
                }
                let gap = (joined.len() - last_steps.len()) as i32;
                joined.extend_from_slice(&next_steps);
                let score = last.score + next.score - gap;
                if let Some(alignment) = alignment_from_trace(pair, &joined, score, params) {
                    *last = alignment;
                    *last_steps = joined;
                    continue;
                }
            }
        }
        out.push((next, next_steps));
    }
    out.into_iter().map(|(alignment, _)| alignment).collect()
}

/// Drops the steps before the first match and after the last: a local alignment starts and
/// ends on matches.
fn trim_to_matches(steps: &mut Vec<Step>) {
    let is_match = |step: &Step| matches!(step, Step::Match(..));
    while matches!(steps.last(), Some(step) if !is_match(step)) {
        steps.pop();
    }
    let first_match = steps.iter().position(is_match).unwrap_or(steps.len());
    steps.drain(..first_match);
}

/// The tokens of A and of B a step covers.
fn step_tokens(step: &Step) -> (Option<u32>, Option<u32>) {
    match *step {
        Step::Match(i, j) | Step::Substitute(i, j) => (Some(i), Some(j)),
        Step::OnlyA(i) => (Some(i), None),
        Step::OnlyB(j) => (None, Some(j)),
    }
}

/// Where an edit script starts, in A and in B (for a deterministic order).
fn first_tokens(steps: &[Step]) -> (Option<u32>, Option<u32>) {
    steps.first().map_or((None, None), step_tokens)
}

/// The passage an edit script (starting and ending on matches, see [`trim_to_matches`])
/// describes, when it has `min_tokens` matches and `min_identity`.
fn alignment_from_trace(
    pair: &PairInput,
    steps: &[Step],
    score: i32,
    params: &AlignParams,
) -> Option<Alignment> {
    let is_match = |step: &Step| matches!(step, Step::Match(..));
    let matched = steps.iter().filter(|step| is_match(step)).count() as u32;
    let columns = steps.len() as u32;
    if (matched as usize) < params.min_tokens
        || f64::from(matched) < params.min_identity * f64::from(columns)
    {
        return None;
    }
    // Token ranges: the matches at both ends (every step lies between them).
    let (Some(&Step::Match(ia0, jb0)), Some(&Step::Match(ia1, jb1))) =
        (steps.first(), steps.last())
    else {
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
    use crate::normalize::NO_WORD;
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
    fn a_passage_that_runs_a_word_into_the_next_one_is_cut_there_not_dropped() {
        // B inserts a paragraph of its own between the two paragraphs A carries, and that
        // paragraph starts with the word A's second paragraph starts with. The first passage's
        // local alignment ran on over that word, into the tokens of the second (better) one,
        // and was dropped whole: a verbatim paragraph no passage covered.
        let first = "Officials in the capital confirmed the new budget figures on Tuesday \
                     after weeks of negotiation between the coalition partners.";
        let second = "Markets rose sharply in early trading as investors welcomed the \
                      agreement and bond yields fell to their lowest level in a year, \
                      traders said, adding that the rally could continue into next week.";
        let own = "Markets in our region were closed for the holiday, and our correspondents \
                   in the northern provinces report that most shops and offices there stayed \
                   shut as well.";
        let a_text = format!("{first}\n\n{second}");
        let b_text = format!("Our reporter writes.\n\n{first}\n\n{own}\n\n{second}");
        let (a, b) = (tokens(&a_text), tokens(&b_text));
        let found = align_two(&a, &b, &AlignParams::default());
        let passages: Vec<(&str, &str)> = found
            .iter()
            .map(|p| (p.span_a.slice(&a_text), p.span_b.slice(&b_text)))
            .collect();
        let trim = |text: &'static str| text.trim_end_matches('.');
        assert_eq!(
            passages,
            [(trim(first), trim(first)), (trim(second), trim(second))]
        );
    }

    #[test]
    fn a_paraphrase_with_a_long_reworded_stretch_is_one_passage() {
        // Forty words in common, then fifty in which every third word is reworded (no shared
        // run long enough to anchor an alignment, so the anchors make two chains), then forty
        // in common: one paragraph paraphrased, which came out as two passages meeting in the
        // middle, each too little of the paragraph to count as a copy of it.
        let word =
            |prefix: &str, i: usize| format!("{prefix}{}", char::from(b'a' + (i % 26) as u8));
        let words = |prefix: &str, n: usize, offset: usize| -> Vec<String> {
            (0..n)
                .map(|i| format!("{}{}", word(prefix, i + offset), i + offset))
                .collect()
        };
        let head = words("head", 40, 0);
        let tail = words("tail", 40, 0);
        let middle_a = words("mid", 50, 0);
        let middle_b: Vec<String> = middle_a
            .iter()
            .enumerate()
            .map(|(i, w)| {
                if i % 3 < 2 {
                    w.clone()
                } else {
                    format!("other{i}")
                }
            })
            .collect();
        let a_text = [head.clone(), middle_a, tail.clone()].concat().join(" ");
        let b_text = [head, middle_b, tail].concat().join(" ");
        let (a, b) = (tokens(&a_text), tokens(&b_text));
        let found = align_two(&a, &b, &AlignParams::default());
        let spans: Vec<(Span, Span)> = found.iter().map(|p| (p.span_a, p.span_b)).collect();
        assert_eq!(
            spans,
            [(Span::new(0, a_text.len()), Span::new(0, b_text.len()))],
            "{found:#?}"
        );
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
}
