//! MinHash signatures of shingle sets.
//!
//! In: a shingle set (64-bit hashes) and a [`MinHasher`] built from the permutation count and
//! seed. Out: a signature of one `u32` per permutation, the minimum of that permutation's hash
//! over the set. The share of equal positions between two signatures estimates the Jaccard
//! similarity of the two sets.
//!
//! Each permutation is a multiply-add-shift hash `(a·x + b) >> 32` with odd 64-bit `a` and
//! 64-bit `b` (Dietzfelbinger et al., 1997), drawn from blake3 in derive-key mode on the seed.
//!
//! Invariants: signatures depend only on the set, the seed and the permutation count — wrapping
//! 64-bit integer arithmetic only, so they are identical on every platform and thread count.
//! [`MinHasher::signature`] allocates nothing.

/// The permutations of one run.
#[derive(Debug, Clone)]
pub struct MinHasher {
    multipliers: Vec<u64>,
    increments: Vec<u64>,
}

impl MinHasher {
    pub fn new(permutations: usize, seed: u64) -> Self {
        let mut multipliers = Vec::with_capacity(permutations);
        let mut increments = Vec::with_capacity(permutations);
        let mut keystream = blake3::Hasher::new_derive_key("wiretrace 2026 minhash permutations");
        keystream.update(&seed.to_le_bytes());
        let mut reader = keystream.finalize_xof();
        let mut word = [0u8; 8];
        for _ in 0..permutations {
            reader.fill(&mut word);
            multipliers.push(u64::from_le_bytes(word) | 1);
            reader.fill(&mut word);
            increments.push(u64::from_le_bytes(word));
        }
        MinHasher {
            multipliers,
            increments,
        }
    }

    pub fn permutations(&self) -> usize {
        self.multipliers.len()
    }

    /// Writes the signature of `shingles` into `out` (length = permutations). An empty set
    /// gives `u32::MAX` everywhere.
    ///
    /// On x86-64 processors with AVX2 the same arithmetic runs vectorised (chosen at run time);
    /// results are bit-for-bit identical either way.
    pub fn signature(&self, shingles: &[u64], out: &mut [u32]) {
        assert_eq!(out.len(), self.permutations(), "signature buffer length");
        #[cfg(target_arch = "x86_64")]
        {
            if std::arch::is_x86_feature_detected!("avx2") {
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
    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx2")]
    unsafe fn signature_avx2(&self, shingles: &[u64], out: &mut [u32]) {
        use std::arch::x86_64::*;
        const LANES: usize = 8;
        let blocks = self.permutations() / LANES;
        // Macros rather than closures: closures would not inherit `avx2` and not be inlined.
        macro_rules! load {
            ($values:expr, $at:expr) => {
                _mm256_loadu_si256($values[$at..$at + 4].as_ptr().cast())
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
            _mm256_storeu_si256(lanes.as_mut_ptr().cast(), min0);
            _mm256_storeu_si256(lanes[4..].as_mut_ptr().cast(), min1);
            for (slot, lane) in out[first..first + LANES].iter_mut().zip(lanes) {
                *slot = lane as u32;
            }
        }
        let done = blocks * LANES;
        self.signature_range(shingles, done, &mut out[done..]);
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
    use crate::shingle::finalize;

    fn set(range: std::ops::Range<u64>) -> Vec<u64> {
        let mut v: Vec<u64> = range.map(finalize).collect();
        v.sort_unstable();
        v
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

    #[test]
    fn permutations_are_pinned() {
        // Signatures are part of the report contract (and of any stored index): a change to
        // the key derivation or the hash would silently change every result. Pin them.
        let mut sig = [0u32; 2];
        MinHasher::new(2, 1).signature(&[42], &mut sig);
        assert_eq!(sig, [1107556323, 4251564521]);
    }
}
