//! Passage alignment: reused text below the near-duplicate level, with exact spans.
//!
//! In: every document's full token sequence (paragraph boundaries ignored) and
//! [`AlignParams`]. Out: [`Alignment`]s — pairs of passages in two different documents, each
//! with both byte spans, the aligned token count, identity and score, and the edit script.
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
//! 3. **Chains.** The shared anchors of a document pair are chained along nearby diagonals.
//! 4. **Local alignment.** Each chain's region is aligned with a banded Smith-Waterman
//!    (match +1, mismatch −1, gap −1) on the token ids; the best local alignment is kept when it
//!    has at least `min_tokens` matching tokens and `min_identity` identity (matches over
//!    alignment columns). Overlapping alignments of one pair keep the best.
//!
//! Invariants: spans are built from token spans, so they slice the original text on character
//! boundaries; results depend only on the input (sorted before every grouping), never on
//! thread count.

use rayon::prelude::*;
use rustc_hash::FxHashSet;
use serde::{Deserialize, Serialize};

use crate::doc::Span;
use crate::normalize::Token;
use crate::shingle::shingle_hash;

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

/// Two occurrences of one anchor in documents `a < b`: `(a, b, position in a, position in b)`.
type AnchorPair = (u32, u32, u32, u32);

/// One anchor occurrence.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
struct Anchor {
    hash: u64,
    doc: u32,
    pos: u32,
}

/// The winnowed anchors of one token sequence: `(hash, position of the n-gram's first token)`.
pub fn winnowed_anchors(tokens: &[Token], n: usize, window: usize) -> Vec<(u64, u32)> {
    if n == 0 || tokens.len() < n {
        return Vec::new();
    }
    let hashes: Vec<u64> = tokens.windows(n).map(shingle_hash).collect();
    let window = window.max(1).min(hashes.len());
    let mut out: Vec<(u64, u32)> = Vec::new();
    for start in 0..=hashes.len() - window {
        // Rightmost minimum in the window (the usual winnowing tie rule).
        let mut best = start;
        for i in start..start + window {
            if hashes[i] <= hashes[best] {
                best = i;
            }
        }
        if out.last().map(|&(_, p)| p as usize) != Some(best) {
            out.push((hashes[best], best as u32));
        }
    }
    out
}

/// Aligns every pair of documents that share anchors. `tokens[d]` is document `d`'s tokens.
/// Without `keep_ops`, the edit scripts are dropped as soon as each alignment is made (they
/// are only needed to show alignments word by word, and they are the bulk of the memory).
/// Anchors in `capped` are treated as too common whatever their count here (an index knows
/// their count over documents outside `tokens`).
pub fn align_corpus(
    tokens: &[Vec<Token>],
    params: &AlignParams,
    keep_ops: bool,
    capped: &FxHashSet<u64>,
) -> (Vec<Alignment>, AlignStats) {
    let mut stats = AlignStats::default();
    let mut anchors: Vec<Anchor> = tokens
        .par_iter()
        .enumerate()
        .flat_map_iter(|(doc, toks)| {
            winnowed_anchors(toks, params.anchor_size, params.anchor_window)
                .into_iter()
                .map(move |(hash, pos)| Anchor {
                    hash,
                    doc: doc as u32,
                    pos,
                })
        })
        .collect();
    stats.anchors = anchors.len();
    anchors.par_sort_unstable();

    // Shared anchors per document pair: (a, b, pos_a, pos_b) with a < b.
    let (mut hits, capped_anchors) = anchor_pairs(&anchors, params, capped);
    stats.capped_anchors = capped_anchors;
    drop(anchors);
    hits.par_sort_unstable();
    let pairs: Vec<&[AnchorPair]> = hits.chunk_by(|x, y| (x.0, x.1) == (y.0, y.1)).collect();
    stats.document_pairs = pairs.len();

    let alignments: Vec<Alignment> = pairs
        .par_iter()
        .flat_map_iter(|hits| {
            let (a, b) = (hits[0].0, hits[0].1);
            let matches: Vec<(u32, u32)> = hits.iter().map(|h| (h.2, h.3)).collect();
            align_pair(
                a,
                b,
                &tokens[a as usize],
                &tokens[b as usize],
                &matches,
                params,
            )
            .into_iter()
            .map(move |mut alignment| {
                if !keep_ops {
                    alignment.ops = Vec::new();
                }
                alignment
            })
        })
        .collect();
    stats.alignments = alignments.len();
    (alignments, stats)
}

/// The pairs of occurrences of one anchor in two documents, `(a, b, pos_a, pos_b)` with
/// `a < b`, over the anchors of `anchors` (sorted) found in 2 to `max_anchor_df` documents and
/// not in `capped`; and the number of anchors left out as too common. Runs of whole anchor
/// groups are worked through in parallel; the pairs come out in no particular order.
fn anchor_pairs(
    anchors: &[Anchor],
    params: &AlignParams,
    capped: &FxHashSet<u64>,
) -> (Vec<AnchorPair>, usize) {
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
    let found: Vec<(Vec<AnchorPair>, usize)> = bounds
        .par_windows(2)
        .map(|run| {
            let mut pairs = Vec::new();
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
                // A phrase repeated many times inside one document (or one word repeated a
                // million times) would otherwise make the pairs quadratic: keep its first
                // occurrences only.
                let kept: Vec<&Anchor> = group
                    .chunk_by(|x, y| x.doc == y.doc)
                    .flat_map(|same_doc| same_doc.iter().take(MAX_OCCURRENCES_PER_DOCUMENT))
                    .collect();
                for (i, x) in kept.iter().enumerate() {
                    for y in &kept[i + 1..] {
                        if x.doc != y.doc {
                            pairs.push((x.doc, y.doc, x.pos, y.pos));
                        }
                    }
                }
            }
            (pairs, capped_anchors)
        })
        .collect();
    let total = found.iter().map(|(pairs, _)| pairs.len()).sum();
    let mut pairs = Vec::with_capacity(total);
    let mut capped_anchors = 0;
    // Each run's pairs are freed as soon as they are copied.
    for (run, capped) in found {
        pairs.extend_from_slice(&run);
        capped_anchors += capped;
    }
    (pairs, capped_anchors)
}

/// Aligns two documents directly (for `compare`): anchors are every shared n-gram.
pub fn align_two(tokens_a: &[Token], tokens_b: &[Token], params: &AlignParams) -> Vec<Alignment> {
    let n = params.anchor_size;
    if tokens_a.len() < n || tokens_b.len() < n {
        return Vec::new();
    }
    let mut grams_b: Vec<(u64, u32)> = tokens_b
        .windows(n)
        .enumerate()
        .map(|(j, w)| (shingle_hash(w), j as u32))
        .collect();
    grams_b.sort_unstable();
    let mut matches = Vec::new();
    for (i, w) in tokens_a.windows(n).enumerate() {
        let h = shingle_hash(w);
        let from = grams_b.partition_point(|&(x, _)| x < h);
        for &(x, j) in grams_b[from..].iter().take(MAX_OCCURRENCES_PER_DOCUMENT) {
            if x != h {
                break;
            }
            matches.push((i as u32, j));
        }
    }
    align_pair(0, 1, tokens_a, tokens_b, &matches, params)
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

fn align_pair(
    a: u32,
    b: u32,
    tokens_a: &[Token],
    tokens_b: &[Token],
    matches: &[(u32, u32)],
    params: &AlignParams,
) -> Vec<Alignment> {
    let mut matches = matches.to_vec();
    matches.sort_unstable();
    let mut chains: Vec<Chain> = Vec::new();
    for &(i, j) in &matches {
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
            let (trace, score) =
                banded_smith_waterman(tokens_a, tokens_b, row_start, row_end, band);
            alignment_from_trace(a, b, tokens_a, tokens_b, trace, score, params)
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

/// Traceback directions.
const STOP: u8 = 0;
const DIAG: u8 = 1;
const UP: u8 = 2; // consumes a token of A only
const LEFT: u8 = 3; // consumes a token of B only

/// Best local alignment of rows `row_start..row_end` of A against B, restricted to cells with
/// `j - i` in `band` (inclusive). Returns the edit script (empty if nothing scores) and score.
fn banded_smith_waterman(
    tokens_a: &[Token],
    tokens_b: &[Token],
    row_start: i64,
    row_end: i64,
    band: (i64, i64),
) -> (Traceback, i32) {
    let (dlo, dhi) = band;
    let width = (dhi - dlo + 1) as usize;
    let rows = (row_end - row_start).max(0) as usize;
    let lb = tokens_b.len() as i64;
    // Scores for the previous and current row, indexed by k = j - i - dlo; one more slot on
    // each side so that the neighbours of the band's edges read as zero.
    let mut prev = vec![0i32; width + 2];
    let mut curr = vec![0i32; width + 2];
    let mut trace = vec![STOP; rows * width];
    let (mut best, mut best_at) = (0i32, None);
    for r in 0..rows {
        let i = row_start + r as i64;
        curr.fill(0);
        for k in 0..width {
            let j = i + dlo + k as i64;
            if j < 0 || j >= lb {
                continue;
            }
            let same = tokens_a[i as usize].id == tokens_b[j as usize].id;
            // Cell (i, j) at slot k+1. Diagonal neighbour (i-1, j-1): same k in prev row.
            // Up (i-1, j): k+1 in prev row. Left (i, j-1): k-1 in this row.
            let diag = prev[k + 1] + if same { MATCH } else { MISMATCH };
            let up = if r > 0 { prev[k + 2] + GAP } else { GAP };
            let left = curr[k] + GAP;
            let (mut score, mut dir) = (0, STOP);
            if diag > score {
                (score, dir) = (diag, DIAG);
            }
            if up > score {
                (score, dir) = (up, UP);
            }
            if left > score {
                (score, dir) = (left, LEFT);
            }
            curr[k + 1] = score;
            trace[r * width + k] = dir;
            if score > best {
                best = score;
                best_at = Some((r, k));
            }
        }
        std::mem::swap(&mut prev, &mut curr);
    }
    let Some((mut r, mut k)) = best_at else {
        return (
            Traceback {
                ops: Vec::new(),
                tokens_used: Vec::new(),
            },
            0,
        );
    };
    let mut ops = Vec::new();
    let mut tokens_used: Vec<(u32, u32)> = Vec::new();
    loop {
        let i = row_start + r as i64;
        let j = i + dlo + k as i64;
        match trace[r * width + k] {
            DIAG => {
                let same = tokens_a[i as usize].id == tokens_b[j as usize].id;
                let spans = (tokens_a[i as usize].span(), tokens_b[j as usize].span());
                ops.push(if same {
                    Op::Match(spans.0, spans.1)
                } else {
                    Op::Substitute(spans.0, spans.1)
                });
                tokens_used.push((i as u32, j as u32));
                if r == 0 {
                    break;
                }
                r -= 1;
            }
            UP => {
                ops.push(Op::OnlyA(tokens_a[i as usize].span()));
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
                ops.push(Op::OnlyB(tokens_b[j as usize].span()));
                if k == 0 {
                    break;
                }
                k -= 1;
            }
            _ => break,
        }
        let i = row_start + r as i64;
        let j = i + dlo + k as i64;
        if j < 0 || j >= lb || trace[r * width + k] == STOP {
            break;
        }
    }
    ops.reverse();
    tokens_used.reverse();
    (Traceback { ops, tokens_used }, best)
}

/// The edit script of an alignment and the token index pairs of its diagonal steps.
struct Traceback {
    ops: Vec<Op>,
    tokens_used: Vec<(u32, u32)>,
}

fn alignment_from_trace(
    a: u32,
    b: u32,
    tokens_a: &[Token],
    tokens_b: &[Token],
    trace: Traceback,
    score: i32,
    params: &AlignParams,
) -> Option<Alignment> {
    let Traceback {
        mut ops,
        tokens_used,
    } = trace;
    // A local alignment starts and ends on matches; drop anything else at the ends.
    while matches!(ops.last(), Some(op) if !matches!(op, Op::Match(..))) {
        ops.pop();
    }
    let first_match = ops.iter().position(|op| matches!(op, Op::Match(..)))?;
    ops.drain(..first_match);
    let matched = ops.iter().filter(|op| matches!(op, Op::Match(..))).count() as u32;
    let columns = ops.len() as u32;
    if (matched as usize) < params.min_tokens
        || f64::from(matched) < params.min_identity * f64::from(columns)
    {
        return None;
    }
    let (Op::Match(first_a, first_b), Some(Op::Match(last_a, last_b))) =
        (ops[0], ops.last().copied())
    else {
        return None;
    };
    // Token ranges: the matched diagonal steps at both ends.
    let is_match = |&(i, j): &(u32, u32)| tokens_a[i as usize].id == tokens_b[j as usize].id;
    let (ia0, jb0) = *tokens_used.iter().find(|x| is_match(x))?;
    let (ia1, jb1) = *tokens_used.iter().rev().find(|x| is_match(x))?;
    Some(Alignment {
        a,
        b,
        span_a: Span::new(first_a.start, last_a.end),
        span_b: Span::new(first_b.start, last_b.end),
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

    #[test]
    fn winnowing_guarantees_an_anchor_in_every_long_enough_shared_run() {
        let shared = "to use all available means to provide immediate military assistance";
        let a = tokens(&format!(
            "The treaty requires both countries {shared} if attacked."
        ));
        let b = tokens(&format!(
            "Our own words come first, then {shared} and more."
        ));
        let anchors_a = winnowed_anchors(&a, 5, 4);
        let anchors_b = winnowed_anchors(&b, 5, 4);
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
    fn unrelated_text_does_not_align() {
        let a = tokens("Russia announced a temporary three-day ceasefire to mark the anniversary of the end of the war in Europe.");
        let b = tokens("North Korea confirmed for the first time that it had sent troops to fight for Russia in Kursk.");
        assert!(align_two(&a, &b, &AlignParams::default()).is_empty());
    }

    #[test]
    fn a_word_repeated_a_hundred_thousand_times_stays_linear() {
        let text = "buffalo ".repeat(100_000);
        let docs = vec![tokens(&text), tokens(&text)];
        let (found, stats) =
            align_corpus(&docs, &AlignParams::default(), false, &FxHashSet::default());
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
        let (found, stats) = align_corpus(&docs, &params, false, &FxHashSet::default());
        assert!(found.is_empty());
        assert!(stats.capped_anchors > 0);
        let (found, _) = align_corpus(&docs, &AlignParams::default(), false, &FxHashSet::default());
        assert_eq!(found.len(), 10, "every pair shares the line");
    }
}
