//! Chaining: anchor matches of one document pair gathered into runs along nearby diagonals.
//!
//! In: a pair's anchor matches `(position in a, position in b)`, sorted. Out: [`Chain`]s, each
//! with the region of the two documents ([`Chain::region`]) a banded alignment searches.

use std::ops::Range;

/// A run of anchor matches along nearby diagonals.
pub(super) struct Chain {
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

/// The chains of one pair's anchor matches `(position in a, position in b)` (sorted): each
/// match extends the most recent open chain it fits (within [`CHAIN_GAP`] tokens, a drift of
/// [`CHAIN_DRIFT`] diagonals, a band of [`MAX_CHAIN_BAND`]) or starts a chain.
pub(super) fn chains(matches: &[(u32, u32)]) -> Vec<Chain> {
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
    chains
}

impl Chain {
    /// Where to align the chain (anchors of `anchor_size` tokens, `len_a` tokens in A): the
    /// rows of A, widened by [`ROW_MARGIN`], and the diagonals (inclusive), widened by
    /// [`DIAG_MARGIN`].
    pub(super) fn region(&self, anchor_size: usize, len_a: usize) -> (Range<i64>, (i64, i64)) {
        let row_start = (i64::from(self.first_a) - ROW_MARGIN).max(0);
        let row_end = (i64::from(self.last_a) + anchor_size as i64 + ROW_MARGIN).min(len_a as i64);
        let band = (self.min_diag - DIAG_MARGIN, self.max_diag + DIAG_MARGIN);
        (row_start..row_end, band)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_on_nearby_diagonals_chain_and_a_far_jump_starts_a_new_chain() {
        // Two runs on diagonal +3, the second far past CHAIN_GAP; one stray match on a
        // diagonal far from the first run.
        let matches = [(0, 3), (4, 7), (9, 12), (10, 200), (100, 103), (104, 107)];
        let found = chains(&matches);
        let spans: Vec<(u32, u32)> = found.iter().map(|c| (c.first_a, c.last_a)).collect();
        assert_eq!(spans, [(0, 9), (10, 10), (100, 104)]);
        let (rows, band) = found[0].region(5, 60);
        assert_eq!(rows, 0..60);
        assert_eq!(band, (3 - DIAG_MARGIN, 3 + DIAG_MARGIN));
    }
}
