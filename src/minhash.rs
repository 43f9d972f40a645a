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

    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx2")]
    unsafe fn signature_avx2(&self, shingles: &[u64], out: &mut [u32]) {
        self.signature_portable(shingles, out);
    }

    #[inline(always)]
    fn signature_portable(&self, shingles: &[u64], out: &mut [u32]) {
        out.fill(u32::MAX);
        for &x in shingles {
            for ((slot, &a), &b) in out.iter_mut().zip(&self.multipliers).zip(&self.increments) {
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
        let hasher = MinHasher::new(128, 3);
        let s = set(0..300);
        let (mut fast, mut portable) = (vec![0; 128], vec![0; 128]);
        hasher.signature(&s, &mut fast);
        hasher.signature_portable(&s, &mut portable);
        assert_eq!(fast, portable);
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
