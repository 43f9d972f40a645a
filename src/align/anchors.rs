//! Anchors: the word n-grams two documents must share before they are aligned.
//!
//! In: each document's word numbers and the token id of each word number, [`AlignParams`].
//! Out: the winnowed anchors of a document ([`winnowed_anchors`]) and, for a corpus, the
//! anchors shared by 2 to `max_anchor_df` documents, listed by anchor and by document
//! ([`SharedAnchors`], [`AnchorsByDocument`]).

use rayon::prelude::*;
use rustc_hash::FxHashSet;

use super::{AlignParams, AlignStats};
use crate::hash::ids_hash;
use crate::normalize::{WordId, NO_WORD};

/// Occurrences of one anchor kept per document (repeats beyond these add nothing but work).
pub(super) const MAX_OCCURRENCES_PER_DOCUMENT: usize = 4;

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
/// The anchors of `words` shared by 2 to `max_anchor_df` documents, counting in `stats` the
/// anchors found and those left out as too common.
pub(super) fn shared_anchors(
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
pub(super) struct SharedAnchors {
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
    pub(super) fn group(&self, group: usize) -> &[(u32, u32)] {
        let start = if group == 0 {
            0
        } else {
            self.group_ends[group - 1]
        };
        &self.occurrences[start..self.group_ends[group]]
    }

    /// The same occurrences listed by document (a counting sort, group order kept).
    pub(super) fn by_document(&self, documents: usize) -> AnchorsByDocument {
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
pub(super) struct AnchorsByDocument {
    /// Where each document's entries start in `entries` (and where the last one ends).
    starts: Vec<usize>,
    entries: Vec<(u32, u32)>,
}

impl AnchorsByDocument {
    pub(super) fn of(&self, doc: u32) -> &[(u32, u32)] {
        let doc = doc as usize;
        &self.entries[self.starts[doc]..self.starts[doc + 1]]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
}
