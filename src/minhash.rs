//! MinHash signatures of shingle sets.
//!
//! In: a shingle set (64-bit hashes) and a [`MinHasher`] built from the scheme, the signature
//! length K (`permutations`) and the seed. Out: a signature of K `u32`s. The share of equal
//! positions between two signatures estimates the Jaccard similarity of the two sets.
//!
//! Two schemes ([`MinHashScheme`]):
//! - **One-permutation hashing with optimal densification** (the default; Li, Owen & Zhang
//!   2012; Shrivastava 2017): each shingle is hashed once, the hash picks one of K bins and the
//!   bin keeps its smallest value; each bin left empty borrows the value of the first non-empty
//!   bin on a seeded probe sequence of its own. Equal positions still estimate Jaccard without
//!   bias, at one hash per shingle instead of K.
//! - **Classic**: K independent permutations, position `i` the minimum of permutation `i`'s
//!   hash over the set (K hashes per shingle; AVX2 when the processor has it).
//!
//! Hashes are multiply-add-shift `(a·x + b) >> 32` with odd 64-bit `a` and 64-bit `b`
//! (Dietzfelbinger et al., 1997), keys drawn from blake3 in derive-key mode on the seed.
//!
//! Invariants: signatures depend only on the set, the scheme, the seed and K — wrapping 64-bit
//! integer arithmetic only, so they are identical on every platform and thread count.
//! [`MinHasher::signature`] allocates nothing.

use serde::{Deserialize, Serialize};

/// How signatures are made (see the module documentation).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "kebab-case")]
pub enum MinHashScheme {
    /// One hash per shingle into K bins, empty bins densified.
    #[default]
    OnePermutation,
    /// K hashes per shingle.
    Classic,
}

impl MinHashScheme {
    /// The name used in parameters and reports.
    pub fn name(self) -> &'static str {
        match self {
            MinHashScheme::OnePermutation => "one-permutation",
            MinHashScheme::Classic => "classic",
        }
    }
}

impl std::str::FromStr for MinHashScheme {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        [MinHashScheme::OnePermutation, MinHashScheme::Classic]
            .into_iter()
            .find(|scheme| scheme.name() == s)
            .ok_or_else(|| format!("unknown MinHash scheme '{s}' (one-permutation or classic)"))
    }
}

impl std::fmt::Display for MinHashScheme {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// Largest signature length (the bitset of filled bins is on the stack).
pub const MAX_PERMUTATIONS: usize = 1024;

/// Probes along a bin's random sequence before densification falls back to the next bins in
/// order (only sets with very few shingles get that far).
const RANDOM_PROBES: u64 = 256;

/// The first probes of every bin's sequence, computed once per hasher (a set of 40 shingles
/// in 128 bins finds a filled bin within 16 probes but for one bin in 2,000).
const TABLED_PROBES: usize = 16;

/// The hash functions of one run.
#[derive(Debug, Clone)]
pub struct MinHasher {
    scheme: MinHashScheme,
    permutations: usize,
    /// Classic: the K permutations' keys.
    multipliers: Vec<u64>,
    increments: Vec<u64>,
    /// One permutation: the keys of the bin hash, the value hash and the probe sequences.
    bin_multiplier: u64,
    value_multiplier: u64,
    value_increment: u64,
    probe_key: u64,
    /// `probes[bin * TABLED_PROBES + t]`: probe `t` of `bin`'s sequence.
    probes: Vec<u16>,
    /// For signatures of at most 128 bins, the same by round: `probes_by_round[t * 128 + bin]`
    /// (bytes: probes are below 128). Empty otherwise.
    probes_by_round: Vec<u8>,
}

impl MinHasher {
    /// The classic scheme's hash functions (see [`MinHasher::with_scheme`]).
    pub fn new(permutations: usize, seed: u64) -> Self {
        Self::with_scheme(MinHashScheme::Classic, permutations, seed)
    }

    /// Hash functions for signatures of `permutations` positions (at most
    /// [`MAX_PERMUTATIONS`]), keyed by `seed`.
    pub fn with_scheme(scheme: MinHashScheme, permutations: usize, seed: u64) -> Self {
        assert!(permutations <= MAX_PERMUTATIONS, "signature length");
        let mut keystream = blake3::Hasher::new_derive_key(crate::hash::MINHASH_KEY_CONTEXT);
        keystream.update(&seed.to_le_bytes());
        let mut reader = keystream.finalize_xof();
        let mut next = || {
            let mut word = [0u8; 8];
            reader.fill(&mut word);
            u64::from_le_bytes(word)
        };
        let mut hasher = MinHasher {
            scheme,
            permutations,
            multipliers: Vec::new(),
            increments: Vec::new(),
            bin_multiplier: 0,
            value_multiplier: 0,
            value_increment: 0,
            probe_key: 0,
            probes: Vec::new(),
            probes_by_round: Vec::new(),
        };
        match scheme {
            MinHashScheme::Classic => {
                for _ in 0..permutations {
                    hasher.multipliers.push(next() | 1);
                    hasher.increments.push(next());
                }
            }
            MinHashScheme::OnePermutation => {
                hasher.bin_multiplier = next() | 1;
                hasher.value_multiplier = next() | 1;
                hasher.value_increment = next();
                hasher.probe_key = next();
                hasher.probes = (0..permutations)
                    .flat_map(|bin| (0..TABLED_PROBES as u64).map(move |t| (bin, t)))
                    .map(|(bin, t)| hasher.probe(bin, t) as u16)
                    .collect();
                if permutations <= 128 {
                    hasher.probes_by_round = vec![0; TABLED_PROBES * 128];
                    for (i, &probe) in hasher.probes.iter().enumerate() {
                        let (bin, t) = (i / TABLED_PROBES, i % TABLED_PROBES);
                        hasher.probes_by_round[t * 128 + bin] = probe as u8;
                    }
                }
            }
        }
        hasher
    }

    /// The scheme this hasher computes.
    pub fn scheme(&self) -> MinHashScheme {
        self.scheme
    }

    /// Values per signature.
    pub fn permutations(&self) -> usize {
        self.permutations
    }

    /// Writes the signature of the set of `shingles` into `out` (length = permutations): their
    /// order and repeats do not matter (each position is a minimum). An empty set gives
    /// `u32::MAX` everywhere.
    ///
    /// Classic signatures run vectorised on x86-64 processors with AVX2 (chosen at run time);
    /// results are bit-for-bit identical either way.
    pub fn signature(&self, shingles: &[u64], out: &mut [u32]) {
        assert_eq!(out.len(), self.permutations(), "signature buffer length");
        if self.scheme == MinHashScheme::OnePermutation {
            self.signature_one_permutation(shingles, out);
            return;
        }
        #[cfg(target_arch = "x86_64")]
        {
            if crate::simd::avx2() {
                // SAFETY: the CPU supports AVX2, checked just above.
                unsafe { self.signature_avx2(shingles, out) };
                return;
            }
        }
        self.signature_portable(shingles, out);
    }

    /// The AVX2 kernel: eight permutations at a time (two vectors of four 64-bit lanes) held
    /// in registers while the whole set streams past, so the inner loop touches no memory but
    /// the set. AVX2 has no 64-bit multiply, so `a·x` mod 2^64 is put together from three
    /// 32×32→64-bit multiplies: `al·xl + ((ah·xl + al·xh) << 32)`.
    ///
    /// # Safety
    /// The CPU must support AVX2 ([`crate::simd::avx2`]).
    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx2")]
    unsafe fn signature_avx2(&self, shingles: &[u64], out: &mut [u32]) {
        use std::arch::x86_64::*;
        const LANES: usize = 8;
        let blocks = self.permutations() / LANES;
        // Macros rather than closures: closures would not inherit `avx2` and not be inlined.
        macro_rules! load {
            ($values:expr, $at:expr) => {
                // SAFETY: the slice holds the four values read (a bounds-checked range).
                unsafe { _mm256_loadu_si256($values[$at..$at + 4].as_ptr().cast()) }
            };
        }
        macro_rules! hash {
            ($a:expr, $a_hi:expr, $b:expr, $x_lo:expr, $x_hi:expr) => {{
                let low = _mm256_mul_epu32($a, $x_lo);
                let cross =
                    _mm256_add_epi64(_mm256_mul_epu32($a_hi, $x_lo), _mm256_mul_epu32($a, $x_hi));
                let sum =
                    _mm256_add_epi64(_mm256_add_epi64(low, _mm256_slli_epi64::<32>(cross)), $b);
                _mm256_srli_epi64::<32>(sum)
            }};
        }
        for block in 0..blocks {
            let first = block * LANES;
            let (a0, a1) = (
                load!(self.multipliers, first),
                load!(self.multipliers, first + 4),
            );
            let (b0, b1) = (
                load!(self.increments, first),
                load!(self.increments, first + 4),
            );
            let (a0_hi, a1_hi) = (_mm256_srli_epi64::<32>(a0), _mm256_srli_epi64::<32>(a1));
            // Each lane's low 32 bits hold the minimum so far, its high 32 bits stay zero.
            let mut min0 = _mm256_set1_epi64x(i64::from(u32::MAX));
            let mut min1 = min0;
            for &x in shingles {
                let x_lo = _mm256_set1_epi64x(x as i64);
                let x_hi = _mm256_set1_epi64x((x >> 32) as i64);
                min0 = _mm256_min_epu32(min0, hash!(a0, a0_hi, b0, x_lo, x_hi));
                min1 = _mm256_min_epu32(min1, hash!(a1, a1_hi, b1, x_lo, x_hi));
            }
            let mut lanes = [0u64; LANES];
            // SAFETY: `lanes` holds eight values: four from 0, four from 4.
            unsafe {
                _mm256_storeu_si256(lanes.as_mut_ptr().cast(), min0);
                _mm256_storeu_si256(lanes[4..].as_mut_ptr().cast(), min1);
            }
            for (slot, lane) in out[first..first + LANES].iter_mut().zip(lanes) {
                *slot = lane as u32;
            }
        }
        let done = blocks * LANES;
        self.signature_range(shingles, done, &mut out[done..]);
    }

    /// One-permutation hashing: one hash per shingle picks a bin (the high half of `a·x`,
    /// scaled to K) and a value (`(a'·x + b') >> 32`); the bin keeps its smallest value. Then
    /// optimal densification: every empty bin takes the value of the first bin on its own
    /// seeded probe sequence that a shingle filled (the same sequence for every set, so two
    /// sets agree on a borrowed position with probability equal to their Jaccard).
    fn signature_one_permutation(&self, shingles: &[u64], out: &mut [u32]) {
        let filled = self.fill_bins(shingles, out);
        if shingles.is_empty() {
            return;
        }
        #[cfg(target_arch = "x86_64")]
        {
            if out.len() <= 128 && crate::simd::avx2() {
                let filled = u128::from(filled[0]) | u128::from(filled[1]) << 64;
                // SAFETY: the CPU supports AVX2, checked just above.
                unsafe { self.densify_avx2(filled, out) };
                return;
            }
        }
        self.densify_portable(&filled, out);
    }

    /// Each shingle's value into its bin, keeping the smallest; returns which bins were filled
    /// (bit `b % 64` of word `b / 64` for bin `b`).
    fn fill_bins(&self, shingles: &[u64], out: &mut [u32]) -> [u64; MAX_PERMUTATIONS / 64] {
        let k = out.len() as u64;
        out.fill(u32::MAX);
        let mut filled = [0u64; MAX_PERMUTATIONS / 64];
        for &x in shingles {
            let bin = (((x.wrapping_mul(self.bin_multiplier) >> 32) * k) >> 32) as usize;
            let value = (self
                .value_multiplier
                .wrapping_mul(x)
                .wrapping_add(self.value_increment)
                >> 32) as u32;
            out[bin] = out[bin].min(value);
            filled[bin / 64] |= 1 << (bin % 64);
        }
        filled
    }

    /// Every empty bin takes the value of the first filled bin on its probe sequence (at least
    /// one bin is filled).
    fn densify_portable(&self, filled: &[u64], out: &mut [u32]) {
        let is_filled = |bin: usize| filled[bin / 64] & (1 << (bin % 64)) != 0;
        for bin in 0..out.len() {
            if is_filled(bin) {
                continue;
            }
            let tabled = &self.probes[bin * TABLED_PROBES..][..TABLED_PROBES];
            let source = match tabled.iter().find(|&&probe| is_filled(probe.into())) {
                Some(&source) => usize::from(source),
                None => self.source_past_table(bin, out.len(), is_filled),
            };
            out[bin] = out[source];
        }
    }

    /// The filled bin an empty `bin` borrows from when none of its tabled probes is filled:
    /// the rest of its random probes, then (a set of a handful of shingles) the next bins in
    /// order, where a filled one is always found.
    fn source_past_table(
        &self,
        bin: usize,
        bins: usize,
        is_filled: impl Fn(usize) -> bool,
    ) -> usize {
        let random = (TABLED_PROBES as u64..RANDOM_PROBES).map(|t| self.probe(bin, t));
        let in_order = (1..bins).map(|step| (bin + step) % bins);
        random
            .chain(in_order)
            .find(|&probe| is_filled(probe))
            .expect("a signature with a filled bin")
    }

    /// Densification for at most 128 bins (`filled`: bit `b` for bin `b`), 32 bins at a time:
    /// round `t` looks up probe `t` of all 32 bins in the bitmap at once (one byte shuffle finds
    /// each probe's byte of the bitmap, another its bit), and a bin not yet served takes the
    /// probe if it is filled. After the 16 tabled rounds, each bin's value is gathered from its
    /// source (a filled bin is its own). No branch per bin or probe; same result as the
    /// portable loop (bins whose 16 probes all miss go through [`Self::source_past_table`]).
    ///
    /// # Safety
    /// The CPU must support AVX2 ([`crate::simd::avx2`]), and `out` hold at most 128 bins.
    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx2")]
    unsafe fn densify_avx2(&self, filled: u128, out: &mut [u32]) {
        use std::arch::x86_64::*;
        const LANES: usize = 32;
        let bins = out.len();
        let all_bins = if bins == 128 {
            u128::MAX
        } else {
            (1 << bins) - 1
        };
        if filled & all_bins == all_bins {
            return;
        }
        let bitmap =
            // SAFETY: a u128's 16 bytes are the 16 bytes read.
            _mm256_broadcastsi128_si256(unsafe {
                _mm_loadu_si128(filled.to_le_bytes().as_ptr().cast())
            });
        let bit_of = _mm256_broadcastsi128_si256(_mm_setr_epi8(
            1, 2, 4, 8, 16, 32, 64, -128, 1, 2, 4, 8, 16, 32, 64, -128,
        ));
        // Whether the bins numbered by the bytes of `indices` (below 128) are filled: 0xFF
        // where they are.
        let is_filled = |indices: __m256i| {
            let byte = _mm256_shuffle_epi8(
                bitmap,
                _mm256_and_si256(_mm256_srli_epi16::<3>(indices), _mm256_set1_epi8(0x0F)),
            );
            let bit = _mm256_shuffle_epi8(bit_of, _mm256_and_si256(indices, _mm256_set1_epi8(7)));
            _mm256_cmpeq_epi8(_mm256_and_si256(byte, bit), bit)
        };
        let mut sources = [0u8; 128];
        let mut served = 0u128;
        for chunk in 0..bins.div_ceil(LANES) {
            let first = chunk * LANES;
            // Each bin starts as its own source; filled bins (and lanes past the last bin)
            // are served already.
            let mut source = _mm256_add_epi8(
                _mm256_set1_epi8(first as i8),
                _mm256_setr_epi8(
                    0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21,
                    22, 23, 24, 25, 26, 27, 28, 29, 30, 31,
                ),
            );
            // Lanes past the last bin (index > bins - 1; bins are at most 128, so the signed
            // byte comparison holds).
            let past_last = _mm256_cmpgt_epi8(source, _mm256_set1_epi8((bins - 1) as i8));
            let mut done = _mm256_or_si256(is_filled(source), past_last);
            for round in 0..TABLED_PROBES {
                if _mm256_movemask_epi8(done) == -1 {
                    break;
                }
                // SAFETY: the slice holds the LANES bytes read (a bounds-checked range).
                let probes = unsafe {
                    _mm256_loadu_si256(
                        self.probes_by_round[round * 128 + first..][..LANES]
                            .as_ptr()
                            .cast(),
                    )
                };
                let hit = is_filled(probes);
                source = _mm256_blendv_epi8(source, probes, _mm256_andnot_si256(done, hit));
                done = _mm256_or_si256(done, hit);
            }
            // SAFETY: `sources` has room for 32 bytes from `first` (sized for 128 bins + 32).
            unsafe { _mm256_storeu_si256(sources[first..].as_mut_ptr().cast(), source) };
            let done = _mm256_movemask_epi8(done) as u32;
            served |= u128::from(done) << first;
        }
        let mut values = [0u32; 128];
        values[..bins].copy_from_slice(out);
        let mut densified = [0u32; 128];
        for group in 0..bins.div_ceil(8) {
            // SAFETY: `group * 8 + 8 <= 128`, the length of `sources` (bytes) and `densified`
            // (values): eight are read from one and written to the other; every source is a
            // bin index below 128, within `values`.
            unsafe {
                let indices =
                    _mm256_cvtepu8_epi32(_mm_loadl_epi64(sources[group * 8..].as_ptr().cast()));
                let gathered = _mm256_i32gather_epi32::<4>(values.as_ptr().cast(), indices);
                _mm256_storeu_si256(densified[group * 8..].as_mut_ptr().cast(), gathered);
            }
        }
        out.copy_from_slice(&densified[..bins]);
        let mut unserved = !served & all_bins;
        while unserved != 0 {
            let bin = unserved.trailing_zeros() as usize;
            unserved &= unserved - 1;
            out[bin] = values[self.source_past_table(bin, bins, |b| filled & (1 << b) != 0)];
        }
    }

    /// Probe `t` of `bin`'s densification sequence: a bin drawn from a seeded hash of both.
    fn probe(&self, bin: usize, t: u64) -> usize {
        let hash = crate::hash::finalize(self.probe_key ^ ((bin as u64) << 32 | t));
        (((hash >> 32) * self.permutations as u64) >> 32) as usize
    }

    #[inline(always)]
    fn signature_portable(&self, shingles: &[u64], out: &mut [u32]) {
        self.signature_range(shingles, 0, out);
    }

    /// The signature positions `first..first + out.len()`, one permutation after another.
    #[inline(always)]
    fn signature_range(&self, shingles: &[u64], first: usize, out: &mut [u32]) {
        out.fill(u32::MAX);
        let permutations = first..first + out.len();
        for &x in shingles {
            for ((slot, &a), &b) in out
                .iter_mut()
                .zip(&self.multipliers[permutations.clone()])
                .zip(&self.increments[permutations.clone()])
            {
                let h = (a.wrapping_mul(x).wrapping_add(b) >> 32) as u32;
                *slot = (*slot).min(h);
            }
        }
    }
}

/// The share of positions where two signatures agree: the MinHash estimate of Jaccard.
pub fn estimated_jaccard(a: &[u32], b: &[u32]) -> f64 {
    if a.is_empty() {
        return 0.0;
    }
    let equal = a.iter().zip(b).filter(|(x, y)| x == y).count();
    equal as f64 / a.len() as f64
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::hash::finalize;

    fn set(range: std::ops::Range<u64>) -> Vec<u64> {
        let mut v: Vec<u64> = range.map(finalize).collect();
        v.sort_unstable();
        v
    }

    /// The AVX2 densification against the portable one, for every signature length it takes
    /// (up to 128) and sets from 1 shingle (most bins borrowed past the table) to 300.
    #[cfg(target_arch = "x86_64")]
    #[test]
    fn vectorised_densification_gives_the_portable_signature() {
        if !std::arch::is_x86_feature_detected!("avx2") {
            return;
        }
        for bins in [1, 2, 16, 63, 64, 65, 100, 127, 128] {
            let hasher = MinHasher::with_scheme(MinHashScheme::OnePermutation, bins, 7);
            for size in [1u64, 2, 3, 5, 10, 40, 100, 300] {
                let shingles = set(size * 1000..size * 1001);
                let (mut portable, mut vectorised) = (vec![0; bins], vec![0; bins]);
                let filled = hasher.fill_bins(&shingles, &mut portable);
                hasher.densify_portable(&filled, &mut portable);
                hasher.signature(&shingles, &mut vectorised);
                assert_eq!(portable, vectorised, "{bins} bins, {size} shingles");
            }
        }
    }

    #[test]
    fn estimate_tracks_true_jaccard() {
        let hasher = MinHasher::new(256, 1);
        let (mut sa, mut sb) = (vec![0; 256], vec![0; 256]);
        // |A ∩ B| = 600, |A ∪ B| = 1400: J ≈ 0.43.
        hasher.signature(&set(0..1000), &mut sa);
        hasher.signature(&set(400..1400), &mut sb);
        let estimate = estimated_jaccard(&sa, &sb);
        assert!((estimate - 600.0 / 1400.0).abs() < 0.1, "{estimate}");
    }

    #[test]
    fn identical_sets_give_identical_signatures_and_seeds_differ() {
        let s = set(0..50);
        let (mut a, mut b, mut c) = (vec![0; 64], vec![0; 64], vec![0; 64]);
        MinHasher::new(64, 7).signature(&s, &mut a);
        MinHasher::new(64, 7).signature(&s, &mut b);
        MinHasher::new(64, 8).signature(&s, &mut c);
        assert_eq!(a, b);
        assert_ne!(a, c);
        assert_eq!(estimated_jaccard(&a, &b), 1.0);
    }

    #[test]
    fn the_vectorised_and_portable_paths_agree() {
        // 128 permutations (the default) and counts that leave a tail for the portable code.
        for permutations in [128, 20, 7] {
            let hasher = MinHasher::new(permutations, 3);
            for s in [
                set(0..300),
                set(5..6),
                Vec::new(),
                vec![u64::MAX, 0, 1 << 32],
            ] {
                let (mut fast, mut portable) = (vec![0; permutations], vec![0; permutations]);
                hasher.signature(&s, &mut fast);
                hasher.signature_portable(&s, &mut portable);
                assert_eq!(fast, portable, "{permutations} permutations");
            }
        }
    }

    /// Mean estimate of J over `seeds` hashers for two sets of `size` elements with
    /// `shared` elements in common.
    fn mean_estimate(scheme: MinHashScheme, size: u64, shared: u64, seeds: u64) -> f64 {
        let (a, b) = (set(0..size), set(size - shared..2 * size - shared));
        let (mut sa, mut sb) = (vec![0; 128], vec![0; 128]);
        let total: f64 = (0..seeds)
            .map(|seed| {
                let hasher = MinHasher::with_scheme(scheme, 128, seed);
                hasher.signature(&a, &mut sa);
                hasher.signature(&b, &mut sb);
                estimated_jaccard(&sa, &sb)
            })
            .sum();
        total / seeds as f64
    }

    #[test]
    fn one_permutation_estimates_are_unbiased_for_large_and_sparse_sets() {
        // 1,000 elements fill every bin; 30 (a news paragraph's shingles) leave most bins
        // empty, to be densified; 3 leave all but three.
        for (size, shared) in [(1000, 600), (30, 20), (30, 6), (3, 2)] {
            let truth = shared as f64 / (2 * size - shared) as f64;
            let one = mean_estimate(MinHashScheme::OnePermutation, size, shared, 200);
            let classic = mean_estimate(MinHashScheme::Classic, size, shared, 200);
            assert!(
                (one - truth).abs() < 0.03,
                "{size}/{shared}: {one} vs {truth}"
            );
            assert!((classic - truth).abs() < 0.03, "{size}/{shared}: {classic}");
        }
    }

    #[test]
    fn one_permutation_signatures_are_dense_and_equal_sets_agree() {
        let hasher = MinHasher::with_scheme(MinHashScheme::OnePermutation, 128, 5);
        let (mut a, mut b) = (vec![0; 128], vec![0; 128]);
        for s in [set(0..1), set(0..7), set(0..40), set(0..5000)] {
            hasher.signature(&s, &mut a);
            hasher.signature(&s, &mut b);
            assert_eq!(a, b);
            // Every bin holds the value of one of the set's own elements.
            assert!(a.iter().all(|&v| v != u32::MAX), "{} elements", s.len());
        }
        hasher.signature(&[], &mut a);
        assert!(a.iter().all(|&v| v == u32::MAX));
    }

    #[test]
    fn one_permutation_signatures_are_pinned() {
        // Two shingles fill two of four bins and the other two borrow one of them. Pinned, as
        // the classic ones: a change of the bin, value or probe hashes changes every result.
        let mut sig = [0u32; 4];
        MinHasher::with_scheme(MinHashScheme::OnePermutation, 4, 1).signature(&[42, 7], &mut sig);
        assert_eq!(sig, [621452857, 621452857, 621452857, 3009492921]);
    }

    #[test]
    fn one_permutation_signatures_of_every_width_are_pinned() {
        // Signatures of the widths around 128 bins (the vectorised densification's limit)
        // are part of the report contract too: pin a digest of each.
        let shingles: Vec<u64> = (0..60u64).map(|i| crate::hash::finalize(i + 7)).collect();
        let digests: Vec<u64> = [64usize, 127, 128, 129, 256]
            .iter()
            .map(|&k| {
                let mut sig = vec![0u32; k];
                MinHasher::with_scheme(MinHashScheme::OnePermutation, k, 3)
                    .signature(&shingles, &mut sig);
                sig.iter()
                    .fold(0u64, |h, &v| crate::hash::finalize(h ^ u64::from(v)))
            })
            .collect();
        assert_eq!(
            digests,
            [
                5368194898691163734,
                552081356909569245,
                8345572304087175583,
                6266818202605329808,
                3588525015970038603
            ]
        );
    }

    #[test]
    fn permutations_are_pinned() {
        // Signatures are part of the report contract (and of any stored index): a change to
        // the key derivation or the hash would silently change every result. Pin them.
        let mut sig = [0u32; 2];
        MinHasher::new(2, 1).signature(&[42], &mut sig);
        assert_eq!(sig, [1107556323, 4251564521]);
    }
}
