//! The AVX2 kernels of the banded Smith-Waterman fill: the same band, scores and trace as
//! the portable fill ([`super::fill_band_portable`]), eight (32-bit) or sixteen (16-bit) slots
//! of a row at a time. Chosen by [`super::fill_band`] through [`crate::simd::avx2`].
//!
//! In: two documents' word numbers, a [`Band`] and scratch [`SwBuffers`]. Out: a
//! [`FilledBand`] (best score and cell) with the band's trace in the buffers.

use super::{Band, FilledBand, SwBuffers, DIAG, LEFT, STOP, UP};
use crate::normalize::{WordId, NO_WORD};

/// Readies `buffers` for a vectorised fill whose rows are `stride` slots: B's words for every
/// column a row can reach, [`NO_WORD`] outside B (row `r`'s slot `k` is `column_words[r + k]`),
/// and a trace of [`STOP`]s.
fn prepare_vectorised_fill(
    tokens_b: &[WordId],
    band: &Band,
    stride: usize,
    buffers: &mut SwBuffers,
) {
    let lb = tokens_b.len() as i64;
    let first_column = band.row_start + band.dlo;
    buffers.column_words.clear();
    buffers
        .column_words
        .extend((0..band.rows + stride).map(|x| {
            let j = first_column + x as i64;
            if (0..lb).contains(&j) {
                tokens_b[j as usize]
            } else {
                NO_WORD
            }
        }));
    buffers.trace.clear();
    buffers.trace.resize(band.rows * stride, STOP);
}

/// [`fill_band_portable`], eight slots of a row at a time. The left-gap dependency inside a row
/// is a prefix maximum: with `t[k] = max(0, diagonal, up)`, the cell's score is
/// `h[k] = max(t[k], h[k-1] - 1)`, which three shift-and-max steps give for eight slots at
/// once (plus the carry from the slot before them). Directions then follow from which
/// neighbour the score equals, in the portable fill's order of preference (diagonal, up,
/// left), so the trace is the same cell for cell. Scores need no wider type: a band is at most
/// a document long.
///
/// # Safety
/// The CPU must support AVX2 ([`crate::simd::avx2`]).
#[target_feature(enable = "avx2")]
pub(super) unsafe fn fill_band_avx2(
    tokens_a: &[WordId],
    tokens_b: &[WordId],
    band: &Band,
    buffers: &mut SwBuffers,
) -> FilledBand {
    use std::arch::x86_64::*;
    const LANES: usize = 8;
    let (rows, width) = (band.rows, band.width);
    let stride = width.next_multiple_of(LANES);
    let lb = tokens_b.len() as i64;
    prepare_vectorised_fill(tokens_b, band, stride, buffers);
    let SwBuffers {
        trace,
        column_words,
        ..
    } = buffers;
    // Scores of the previous and current row, eight slots a vector, and one more vector of
    // zeros (the band's outside). Whole vectors, so that a row reads exactly what the row
    // before stored (a load straddling two stores would wait for both to reach the cache).
    let chunks = stride / LANES;
    let mut prev = vec![_mm256_setzero_si256(); chunks + 1];
    let mut curr = prev.clone();
    let (mut best, mut best_at) = (0i32, None);

    let zero = _mm256_setzero_si256();
    let one = _mm256_set1_epi32(1);
    let (diag_dir, up_dir, left_dir) = (
        _mm256_set1_epi32(i32::from(DIAG)),
        _mm256_set1_epi32(i32::from(UP)),
        _mm256_set1_epi32(i32::from(LEFT)),
    );
    let lane = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
    let to_lane = _mm256_setr_epi32(1, 2, 3, 4, 5, 6, 7, 8);
    // Lane l takes lane l - s; the low lanes take lane 0, which is harmless in a prefix
    // maximum of values that fall by one a lane.
    let shift1 = _mm256_setr_epi32(0, 0, 1, 2, 3, 4, 5, 6);
    let shift2 = _mm256_setr_epi32(0, 0, 0, 1, 2, 3, 4, 5);
    let shift4 = _mm256_setr_epi32(0, 0, 0, 0, 0, 1, 2, 3);
    let last = _mm256_set1_epi32(7);
    let next_lane = _mm256_setr_epi32(1, 2, 3, 4, 5, 6, 7, 7);
    let eight = _mm256_set1_epi32(8);
    for r in 0..rows {
        let i = band.row_start + r as i64;
        let a = tokens_a[i as usize];
        let a_word = _mm256_set1_epi32(a as i32);
        let a_matches = _mm256_set1_epi32(if a == NO_WORD { 0 } else { -1 });
        let (k_lo, k_hi) = band.slots_in_b(i, lb);
        let (below_lo, at_hi) = (
            _mm256_set1_epi32(k_lo as i32 - 1),
            _mm256_set1_epi32(k_hi as i32),
        );
        // The score of the slot before the current eight, in every lane.
        let mut carry = zero;
        let mut row_max = zero;
        let words = &column_words[r..r + stride];
        let trace_row = &mut trace[r * stride..(r + 1) * stride];
        for c in (0..stride).step_by(LANES) {
            let slot = _mm256_add_epi32(_mm256_set1_epi32(c as i32), lane);
            let in_b = _mm256_and_si256(
                _mm256_cmpgt_epi32(slot, below_lo),
                _mm256_cmpgt_epi32(at_hi, slot),
            );
            // SAFETY: the slice holds the LANES values read (a bounds-checked range).
            let b = unsafe { _mm256_loadu_si256(words[c..c + LANES].as_ptr().cast()) };
            let matched = _mm256_and_si256(_mm256_cmpeq_epi32(b, a_word), a_matches);
            let q = c / LANES;
            let diag_before = prev[q];
            // The previous row's slots c + 1 ..= c + 8.
            let up_before = _mm256_blend_epi32::<0b1000_0000>(
                _mm256_permutevar8x32_epi32(prev[q], next_lane),
                _mm256_permutevar8x32_epi32(prev[q + 1], zero),
            );
            // matched is -1 or 0: diagonal + 1 on a match, - 1 otherwise.
            let diag = _mm256_sub_epi32(
                _mm256_sub_epi32(diag_before, one),
                _mm256_add_epi32(matched, matched),
            );
            let up = _mm256_sub_epi32(up_before, one);
            let t = _mm256_and_si256(_mm256_max_epi32(_mm256_max_epi32(diag, up), zero), in_b);
            // The prefix maximum within these eight slots, then the carry from before them.
            let mut h = t;
            h = _mm256_max_epi32(
                h,
                _mm256_sub_epi32(_mm256_permutevar8x32_epi32(h, shift1), one),
            );
            h = _mm256_max_epi32(
                h,
                _mm256_sub_epi32(_mm256_permutevar8x32_epi32(h, shift2), _mm256_set1_epi32(2)),
            );
            h = _mm256_max_epi32(
                h,
                _mm256_sub_epi32(_mm256_permutevar8x32_epi32(h, shift4), _mm256_set1_epi32(4)),
            );
            let carry_in = carry;
            // The next carry needs only this chunk's own last lane and the carry before it
            // (two operations on the row's critical path, not the whole chunk).
            carry = _mm256_max_epi32(
                _mm256_permutevar8x32_epi32(h, last),
                _mm256_sub_epi32(carry_in, eight),
            );
            h = _mm256_max_epi32(h, _mm256_sub_epi32(carry_in, to_lane));
            h = _mm256_and_si256(h, in_b);
            // The left neighbour's score: the lane before, or the carry for lane 0.
            let left_before =
                _mm256_blend_epi32::<1>(_mm256_permutevar8x32_epi32(h, shift1), carry_in);
            let left = _mm256_sub_epi32(left_before, one);
            curr[q] = h;
            row_max = _mm256_max_epi32(row_max, h);
            // A macro, not a closure: a closure would not inherit `avx2` and not be inlined.
            let scores = _mm256_cmpgt_epi32(h, zero);
            macro_rules! from {
                ($neighbour:expr) => {
                    _mm256_and_si256(_mm256_cmpeq_epi32(h, $neighbour), scores)
                };
            }
            let mut dir = _mm256_blendv_epi8(zero, left_dir, from!(left));
            dir = _mm256_blendv_epi8(dir, up_dir, from!(up));
            dir = _mm256_blendv_epi8(dir, diag_dir, from!(diag));
            let words16 = _mm256_packs_epi32(dir, dir);
            let bytes = _mm256_packus_epi16(words16, words16);
            let low = _mm_cvtsi128_si32(_mm256_castsi256_si128(bytes)) as u32;
            let high = _mm_cvtsi128_si32(_mm256_extracti128_si256::<1>(bytes)) as u32;
            let dirs = u64::from(low) | u64::from(high) << 32;
            trace_row[c..c + LANES].copy_from_slice(&dirs.to_le_bytes());
        }
        // The row's best score in every lane (three shuffle-and-max steps), and only when it
        // beats the best so far, its first slot.
        row_max = _mm256_max_epi32(row_max, _mm256_permute2x128_si256::<1>(row_max, row_max));
        row_max = _mm256_max_epi32(row_max, _mm256_shuffle_epi32::<0b01_00_11_10>(row_max));
        row_max = _mm256_max_epi32(row_max, _mm256_shuffle_epi32::<0b10_11_00_01>(row_max));
        let row_best = _mm256_cvtsi256_si32(row_max);
        if row_best > best {
            best = row_best;
            // A loop, not an iterator's closure: a closure would not inherit `avx2`.
            for (q, &h) in curr[..chunks].iter().enumerate() {
                let at_best = _mm256_cmpeq_epi32(h, row_max);
                let lanes = _mm256_movemask_ps(_mm256_castsi256_ps(at_best));
                if lanes != 0 {
                    best_at = Some((r, q * LANES + lanes.trailing_zeros() as usize));
                    break;
                }
            }
        }
        std::mem::swap(&mut prev, &mut curr);
    }
    FilledBand {
        stride,
        best,
        best_at,
    }
}

/// [`fill_band_avx2`] with sixteen 16-bit cells a vector instead of eight 32-bit ones, for
/// bands of fewer than `i16::MAX` rows (every band of news text): the same steps, each on
/// twice the cells. Results are identical to [`fill_band_portable`]'s.
///
/// # Safety
/// The CPU must support AVX2, and `band.rows < i16::MAX`.
#[target_feature(enable = "avx2")]
pub(super) unsafe fn fill_band_avx2_i16(
    tokens_a: &[WordId],
    tokens_b: &[WordId],
    band: &Band,
    buffers: &mut SwBuffers,
) -> FilledBand {
    use std::arch::x86_64::*;
    const LANES: usize = 16;
    debug_assert!(band.rows < i16::MAX as usize);
    let (rows, width) = (band.rows, band.width);
    let stride = width.next_multiple_of(LANES);
    let lb = tokens_b.len() as i64;
    prepare_vectorised_fill(tokens_b, band, stride, buffers);
    let SwBuffers {
        trace,
        column_words,
        ..
    } = buffers;
    let chunks = stride / LANES;
    let mut prev = vec![_mm256_setzero_si256(); chunks + 1];
    let mut curr = prev.clone();
    let (mut best, mut best_at) = (0i32, None);

    // Lanes moved up (towards higher slots) by `$bytes / 2`, zeros shifted in.
    macro_rules! shift_up {
        ($v:expr, $bytes:literal) => {{
            let v = $v;
            let low_to_high = _mm256_permute2x128_si256::<0x08>(v, v);
            _mm256_alignr_epi8::<{ 16 - $bytes }>(v, low_to_high)
        }};
    }
    let zero = _mm256_setzero_si256();
    let one = _mm256_set1_epi16(1);
    let (diag_dir, up_dir, left_dir) = (
        _mm256_set1_epi16(i16::from(DIAG)),
        _mm256_set1_epi16(i16::from(UP)),
        _mm256_set1_epi16(i16::from(LEFT)),
    );
    let lane = _mm256_setr_epi16(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
    let to_lane = _mm256_add_epi16(lane, one);
    let first_lane = _mm256_setr_epi16(-1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
    let sixteen = _mm256_set1_epi16(16);
    for r in 0..rows {
        let i = band.row_start + r as i64;
        let a = tokens_a[i as usize];
        let a_word = _mm256_set1_epi32(a as i32);
        let a_matches = _mm256_set1_epi16(if a == NO_WORD { 0 } else { -1 });
        let (k_lo, k_hi) = band.slots_in_b(i, lb);
        let (below_lo, at_hi) = (
            _mm256_set1_epi16(k_lo as i16 - 1),
            _mm256_set1_epi16(k_hi as i16),
        );
        let mut carry = zero;
        let mut row_max = zero;
        let words = &column_words[r..r + stride];
        let trace_row = &mut trace[r * stride..(r + 1) * stride];
        for c in (0..stride).step_by(LANES) {
            let slot = _mm256_add_epi16(_mm256_set1_epi16(c as i16), lane);
            let in_b = _mm256_and_si256(
                _mm256_cmpgt_epi16(slot, below_lo),
                _mm256_cmpgt_epi16(at_hi, slot),
            );
            // The sixteen words compared as 32-bit values, the masks packed to 16 bits (the
            // pack interleaves 128-bit halves; the permute puts them back in order).
            // SAFETY: each slice holds the eight values read (bounds-checked ranges).
            let b_low = unsafe { _mm256_loadu_si256(words[c..c + 8].as_ptr().cast()) };
            let b_high = unsafe { _mm256_loadu_si256(words[c + 8..c + 16].as_ptr().cast()) };
            let same = _mm256_permute4x64_epi64::<0b11_01_10_00>(_mm256_packs_epi32(
                _mm256_cmpeq_epi32(b_low, a_word),
                _mm256_cmpeq_epi32(b_high, a_word),
            ));
            let matched = _mm256_and_si256(same, a_matches);
            let q = c / LANES;
            let diag_before = prev[q];
            // `prev` one slot on: lane k gets slot k + 1, lane 15 the next vector's lane 0.
            let up_before = _mm256_alignr_epi8::<2>(
                _mm256_permute2x128_si256::<0x21>(prev[q], prev[q + 1]),
                prev[q],
            );
            let diag = _mm256_sub_epi16(
                _mm256_sub_epi16(diag_before, one),
                _mm256_add_epi16(matched, matched),
            );
            let up = _mm256_sub_epi16(up_before, one);
            let t = _mm256_and_si256(_mm256_max_epi16(_mm256_max_epi16(diag, up), zero), in_b);
            let mut h = t;
            h = _mm256_max_epi16(h, _mm256_sub_epi16(shift_up!(h, 2), one));
            h = _mm256_max_epi16(h, _mm256_sub_epi16(shift_up!(h, 4), _mm256_set1_epi16(2)));
            h = _mm256_max_epi16(h, _mm256_sub_epi16(shift_up!(h, 8), _mm256_set1_epi16(4)));
            h = _mm256_max_epi16(
                h,
                _mm256_sub_epi16(
                    _mm256_permute2x128_si256::<0x08>(h, h),
                    _mm256_set1_epi16(8),
                ),
            );
            let carry_in = carry;
            let last = _mm256_shuffle_epi32::<0xFF>(_mm256_shufflehi_epi16::<0xFF>(
                _mm256_permute4x64_epi64::<0xFF>(h),
            ));
            carry = _mm256_max_epi16(last, _mm256_sub_epi16(carry_in, sixteen));
            h = _mm256_max_epi16(h, _mm256_sub_epi16(carry_in, to_lane));
            h = _mm256_and_si256(h, in_b);
            // Scores are never negative, so the zero shifted into lane 0 takes the carry by OR.
            let left_before =
                _mm256_or_si256(shift_up!(h, 2), _mm256_and_si256(carry_in, first_lane));
            let left = _mm256_sub_epi16(left_before, one);
            curr[q] = h;
            row_max = _mm256_max_epi16(row_max, h);
            let scores = _mm256_cmpgt_epi16(h, zero);
            macro_rules! from {
                ($neighbour:expr) => {
                    _mm256_and_si256(_mm256_cmpeq_epi16(h, $neighbour), scores)
                };
            }
            let mut dir = _mm256_blendv_epi8(zero, left_dir, from!(left));
            dir = _mm256_blendv_epi8(dir, up_dir, from!(up));
            dir = _mm256_blendv_epi8(dir, diag_dir, from!(diag));
            // Bytes of lanes 0-7 in the low quarter, of lanes 8-15 in the third.
            let bytes = _mm256_permute4x64_epi64::<0b00_00_10_00>(_mm256_packus_epi16(dir, dir));
            // SAFETY: the slice holds the LANES bytes written (a bounds-checked range).
            unsafe {
                _mm_storeu_si128(
                    trace_row[c..c + LANES].as_mut_ptr().cast(),
                    _mm256_castsi256_si128(bytes),
                )
            };
        }
        row_max = _mm256_max_epi16(row_max, _mm256_permute2x128_si256::<1>(row_max, row_max));
        row_max = _mm256_max_epi16(row_max, _mm256_shuffle_epi32::<0b01_00_11_10>(row_max));
        row_max = _mm256_max_epi16(row_max, _mm256_shuffle_epi32::<0b10_11_00_01>(row_max));
        row_max = _mm256_max_epi16(row_max, _mm256_shufflelo_epi16::<0b10_11_00_01>(row_max));
        let row_best = i32::from(_mm256_extract_epi16::<0>(row_max) as i16);
        if row_best > best {
            best = row_best;
            let row_max = _mm256_set1_epi16(row_best as i16);
            for (q, &h) in curr[..chunks].iter().enumerate() {
                let at_best = _mm256_cmpeq_epi16(h, row_max);
                let bytes = _mm256_movemask_epi8(at_best) as u32;
                if bytes != 0 {
                    best_at = Some((r, q * LANES + bytes.trailing_zeros() as usize / 2));
                    break;
                }
            }
        }
        std::mem::swap(&mut prev, &mut curr);
    }
    FilledBand {
        stride,
        best,
        best_at,
    }
}
