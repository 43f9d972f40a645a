//! Verification: exact similarity of candidate pairs from their shingle sets.
//!
//! In: candidate pairs of nodes and each node's sorted shingle set. Out: the
//! [`VerifiedPair`]s whose exact Jaccard reaches the threshold, or whose smaller set is
//! contained in the larger at or above the containment threshold; in candidate order.
//!
//! A band collision is only a hint: no pair becomes an edge without this check.

use rayon::prelude::*;

use crate::shingle::ShingleSets;

/// Exact set similarity of two shingle sets A and B.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Similarity {
    /// |A ∩ B| / |A ∪ B|
    pub jaccard: f64,
    /// |A ∩ B| / |A|: how much of A is found in B.
    pub containment_a_in_b: f64,
    /// |A ∩ B| / |B|: how much of B is found in A.
    pub containment_b_in_a: f64,
}

impl Similarity {
    /// The larger containment: how much of the smaller set is found in the larger.
    pub fn max_containment(&self) -> f64 {
        self.containment_a_in_b.max(self.containment_b_in_a)
    }

    /// Whether two paragraphs this similar are linked: Jaccard at `threshold` or above, or
    /// the smaller contained in the larger at `containment` or above.
    pub fn links(&self, threshold: f64, containment: f64) -> bool {
        self.jaccard >= threshold || self.max_containment() >= containment
    }
}

/// Size of the intersection of two sorted slices: of two sets when they are deduplicated, of
/// two multisets (each value counted as often as in the slice holding it fewer times) when not.
pub fn intersection_size<T: Ord>(a: &[T], b: &[T]) -> usize {
    let (mut i, mut j, mut n) = (0, 0, 0);
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                n += 1;
                i += 1;
                j += 1;
            }
        }
    }
    n
}

/// Exact similarity of two sorted, deduplicated shingle sets.
pub fn similarity<T: Ord>(a: &[T], b: &[T]) -> Similarity {
    let shared = intersection_size(a, b) as f64;
    let union = (a.len() + b.len()) as f64 - shared;
    let ratio = |num: f64, den: f64| if den > 0.0 { num / den } else { 0.0 };
    Similarity {
        jaccard: ratio(shared, union),
        containment_a_in_b: ratio(shared, a.len() as f64),
        containment_b_in_a: ratio(shared, b.len() as f64),
    }
}

/// A candidate pair that passed verification.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct VerifiedPair {
    /// First node.
    pub a: u32,
    /// Second node.
    pub b: u32,
    /// Their exact similarity.
    pub similarity: Similarity,
}

/// Keeps the candidates that are really similar. `shingles.get(node)` is each node's set.
pub fn verify(
    candidates: &[(u32, u32)],
    shingles: &ShingleSets,
    threshold: f64,
    containment: f64,
) -> Vec<VerifiedPair> {
    candidates
        .par_iter()
        .filter_map(|&(a, b)| {
            let similarity = similarity(shingles.get(a), shingles.get(b));
            similarity
                .links(threshold, containment)
                .then_some(VerifiedPair { a, b, similarity })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn similarity_is_exact_and_symmetric() {
        let a = [1, 2, 3, 4];
        let b = [3, 4, 5, 6, 7, 8];
        let ab = similarity(&a, &b);
        assert_eq!(ab.jaccard, 2.0 / 8.0);
        assert_eq!(ab.containment_a_in_b, 0.5);
        assert_eq!(ab.containment_b_in_a, 2.0 / 6.0);
        let ba = similarity(&b, &a);
        assert_eq!(ba.jaccard, ab.jaccard);
        assert_eq!(ba.containment_a_in_b, ab.containment_b_in_a);
        assert_eq!(similarity::<u32>(&[], &[]).jaccard, 0.0);
    }

    #[test]
    fn a_band_collision_alone_is_not_an_edge() {
        let shingles = ShingleSets::from_sets([
            vec![1, 2, 3, 4],
            vec![1, 2, 3, 4],
            vec![4, 5, 6, 7, 8, 9, 10],
        ]);
        let edges = verify(&[(0, 1), (0, 2)], &shingles, 0.5, 0.8);
        assert_eq!(edges.len(), 1);
        assert_eq!((edges[0].a, edges[0].b), (0, 1));
    }

    #[test]
    fn contained_paragraphs_link_through_containment() {
        // A trimmed copy: B holds all of A plus as much again. Jaccard 0.5 < 0.6, containment 1.
        let shingles = ShingleSets::from_sets([(0..10).collect(), (0..20).collect()]);
        assert_eq!(verify(&[(0, 1)], &shingles, 0.6, 0.8).len(), 1);
        assert_eq!(verify(&[(0, 1)], &shingles, 0.6, 1.01).len(), 0);
    }
}
