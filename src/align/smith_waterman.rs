//! The banded Smith-Waterman: the best local alignment of two word sequences inside a band
//! of diagonals, with its edit script.
//!
//! In: two documents' word numbers, the rows of A and the diagonals to search. Out: the best
//! score and its traceback ([`Step`]s) in reusable [`SwBuffers`]. The band is filled by the
//! AVX2 kernels ([`avx2`]) where [`crate::simd::avx2`] allows, else by the portable fill;
//! [`fill_band`] is the one place that chooses.

use crate::normalize::{WordId, NO_WORD};

#[cfg(target_arch = "x86_64")]
mod avx2;

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
pub(super) struct SwBuffers {
    /// The filled band's directions (see [`FilledBand`]).
    trace: Vec<u8>,
    /// The word of B in each column the band touches (filled by the AVX2 kernels).
    column_words: Vec<WordId>,
    /// The edit script traced back.
    pub(super) steps: Vec<Step>,
}

/// Best local alignment of rows `row_start..row_end` of A against B, restricted to cells with
/// `j - i` in `band` (inclusive). Returns the score; the edit script (empty if nothing scores)
/// is left in `buffers.steps`.
/// Tokens match when they are the [`same_word`].
///
/// The band is filled with AVX2 on x86-64 processors that have it (chosen at run time),
/// sixteen cells at a time (eight for bands of 32,767 rows or more); results are identical
/// either way.
pub(super) fn banded_smith_waterman(
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
pub(super) enum Step {
    Match(u32, u32),
    Substitute(u32, u32),
    OnlyA(u32),
    OnlyB(u32),
}

#[cfg(test)]
mod tests {
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
