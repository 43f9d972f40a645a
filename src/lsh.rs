//! Locality-sensitive hashing: MinHash signatures into candidate pairs.
//!
//! In: each node's signature (a node is one fingerprinted paragraph), the node's owner
//! (document), and the banding. Out: candidate pairs `(a, b)` with `a < b`, sorted,
//! deduplicated, never two nodes of the same owner.
//!
//! A signature of `bands × rows` values is cut into bands; two nodes whose signatures agree on
//! all rows of any band become a candidate. With Jaccard similarity `s` that happens with
//! probability `1 - (1 - s^rows)^bands`. [`bands_and_rows`] picks the banding for a threshold the
//! way datasketch does (minimizing the weighted areas of false positives below and false
//! negatives above the threshold), but weighting misses three times more than false
//! candidates, because every candidate is verified exactly afterwards.
//!
//! Buckets are found band by band by sorting `(band key, node)` entries, not with hash maps of
//! vectors; a
//! bucket larger than `max_bucket` is linked as a star around its first member (linear, keeps
//! it connected) instead of all its pairs (quadratic).
//!
//! Invariants: the output depends only on the inputs, never on thread count.

use rayon::prelude::*;

use crate::hash;

/// Weight of a missed pair relative to a false candidate when choosing the banding.
const FALSE_NEGATIVE_WEIGHT: f64 = 0.75;

/// `(bands, rows)` for a Jaccard `threshold` with `permutations` MinHash values.
pub fn bands_and_rows(threshold: f64, permutations: usize) -> (usize, usize) {
    let mut best = (1, permutations);
    let mut best_error = f64::INFINITY;
    for bands in 1..=permutations {
        for rows in 1..=permutations / bands {
            let fp = integrate(0.0, threshold, |s| collision_probability(s, bands, rows));
            let fn_ = integrate(threshold, 1.0, |s| {
                1.0 - collision_probability(s, bands, rows)
            });
            let error = (1.0 - FALSE_NEGATIVE_WEIGHT) * fp + FALSE_NEGATIVE_WEIGHT * fn_;
            if error < best_error {
                best_error = error;
                best = (bands, rows);
            }
        }
    }
    best
}

/// Probability that two sets of Jaccard similarity `s` share at least one band.
pub fn collision_probability(s: f64, bands: usize, rows: usize) -> f64 {
    1.0 - (1.0 - s.powi(rows as i32)).powi(bands as i32)
}

/// Simpson's rule on 64 intervals: plenty for these smooth curves.
fn integrate(a: f64, b: f64, f: impl Fn(f64) -> f64) -> f64 {
    const N: usize = 64;
    let h = (b - a) / N as f64;
    let mut sum = f(a) + f(b);
    for i in 1..N {
        let weight = if i % 2 == 1 { 4.0 } else { 2.0 };
        sum += weight * f(a + i as f64 * h);
    }
    sum * h / 3.0
}

/// Appends the `bands` band keys of `signature` to `out`: 32 bits per band (the top half of
/// a 64-bit mix of the band index and its rows). Two unrelated nodes share a band key with
/// probability 2^-32, which adds a few false candidates per band at a million nodes; every
/// candidate is verified, so they cost microseconds, never a wrong link.
pub fn band_keys(signature: &[u32], bands: usize, rows: usize, out: &mut Vec<u32>) {
    for (band, chunk) in signature.chunks_exact(rows).take(bands).enumerate() {
        out.push(hash::band_key(band, chunk));
    }
}

/// Candidate pairs; `keys` holds each node's `bands` band keys, node after node, and
/// `owner[node]` is the node's document.
///
/// Bands are searched one at a time: the band's `(key, node)` entries, packed in one u64 each,
/// are sorted, and runs of equal keys are buckets. A pair is emitted only by the first band in
/// which the two nodes collide (a comparison of two rows of `keys`), so near-duplicates, which
/// collide in every band, cost one pair, not one per band. Memory: one band's entries plus the
/// pairs.
pub fn candidate_pairs(
    keys: &[u32],
    bands: usize,
    owner: &[u32],
    max_bucket: usize,
) -> Vec<(u32, u32)> {
    let nodes = owner.len();
    debug_assert_eq!(keys.len(), nodes * bands);
    let row = |node: u32| &keys[node as usize * bands..][..bands];
    // Whether two nodes already collided in a band before `band`.
    let met_before = |a: u32, b: u32, band: usize| {
        row(a)[..band]
            .iter()
            .zip(&row(b)[..band])
            .any(|(x, y)| x == y)
    };
    let mut pairs: Vec<u64> = Vec::new();
    let mut entries: Vec<u64> = Vec::with_capacity(nodes);
    for band in 0..bands {
        entries.clear();
        entries.par_extend(
            (0..nodes as u32)
                .into_par_iter()
                .map(|node| u64::from(row(node)[band]) << 32 | u64::from(node)),
        );
        entries.par_sort_unstable();
        pairs.par_extend(
            entries
                .par_chunk_by(|a, b| a >> 32 == b >> 32)
                .filter(|bucket| bucket.len() > 1)
                .flat_map_iter(|bucket| {
                    bucket_pairs(bucket, owner, max_bucket, &|a, b| met_before(a, b, band))
                }),
        );
    }
    // Star buckets may give a pair twice; everything else comes once.
    pairs.par_sort_unstable();
    pairs.dedup();
    pairs
        .into_iter()
        .map(|pair| ((pair >> 32) as u32, pair as u32))
        .collect()
}

/// The pairs of one bucket (entries `key << 32 | node`, sorted by node), packed `a << 32 | b`
/// with `a < b`: all cross-owner pairs, or a star when the bucket is larger than `max_bucket`.
/// `seen(a, b)` says whether an earlier band already paired them.
fn bucket_pairs(
    bucket: &[u64],
    owner: &[u32],
    max_bucket: usize,
    seen: &dyn Fn(u32, u32) -> bool,
) -> Vec<u64> {
    let node = |entry: u64| entry as u32;
    let owner_of = |entry: u64| owner[node(entry) as usize];
    let pack = |a: u32, b: u32| u64::from(a.min(b)) << 32 | u64::from(a.max(b));
    let mut pairs = Vec::new();
    if bucket.len() <= max_bucket {
        for (i, &a) in bucket.iter().enumerate() {
            for &b in &bucket[i + 1..] {
                if owner_of(a) != owner_of(b) && !seen(node(a), node(b)) {
                    pairs.push(pack(node(a), node(b)));
                }
            }
        }
        return pairs;
    }
    // Star: everything links to the first member; members of the first member's own document
    // link to the first member of another document instead.
    let hub = bucket[0];
    let other_hub = bucket
        .iter()
        .copied()
        .find(|&e| owner_of(e) != owner_of(hub));
    for &entry in &bucket[1..] {
        let partner = if owner_of(entry) != owner_of(hub) {
            Some(hub)
        } else {
            other_hub
        };
        if let Some(partner) = partner {
            pairs.push(pack(node(partner), node(entry)));
        }
    }
    pairs
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn banding_puts_the_s_curve_near_the_threshold() {
        for threshold in [0.3, 0.5, 0.8] {
            let (b, r) = bands_and_rows(threshold, 128);
            assert!(b * r <= 128);
            // Pairs well above the threshold are almost always candidates...
            assert!(collision_probability((threshold + 0.15).min(1.0), b, r) > 0.9);
            // ...and pairs far below it rarely are.
            assert!(collision_probability(threshold / 3.0, b, r) < 0.1);
        }
    }

    #[test]
    fn equal_bands_collide_and_owners_are_respected() {
        let sig_a = [1, 2, 3, 4];
        let sig_b = [1, 2, 9, 9];
        let (mut ka, mut kb) = (Vec::new(), Vec::new());
        band_keys(&sig_a, 2, 2, &mut ka);
        band_keys(&sig_b, 2, 2, &mut kb);
        assert_eq!(ka[0], kb[0]);
        assert_ne!(ka[1], kb[1]);
        let keys: Vec<u32> = [&ka, &kb, &ka].into_iter().flatten().copied().collect();
        // Nodes 0 and 2 belong to the same document: never a pair.
        let pairs = candidate_pairs(&keys, 2, &[0, 1, 0], 100);
        assert_eq!(pairs, [(0, 1), (1, 2)]);
    }

    #[test]
    fn oversized_buckets_become_stars() {
        let owner: Vec<u32> = (0..10).collect();
        let same_key = vec![5; 10];
        assert_eq!(candidate_pairs(&same_key, 1, &owner, 100).len(), 45);
        let star = candidate_pairs(&same_key, 1, &owner, 4);
        assert_eq!(star.len(), 9);
        assert!(star.iter().all(|&(a, _)| a == 0));
    }
}
