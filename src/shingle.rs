//! Word shingles: token sequences into sets of hashed word k-grams.
//!
//! In: a paragraph's [`Token`]s and the shingle size k. Out: the 64-bit hashes of every run of
//! k consecutive tokens (the paragraph's shingle set): in text order with repeats
//! ([`shingle_hashes`], what a scan signs) or sorted and deduplicated ([`shingle_set`]).
//!
//! For verification and clustering, sets are kept in [`ShingleSets`]: the top 32 bits of each
//! hash, stored per document (one allocation per document, not one per paragraph): 4 bytes
//! per shingle. Two unrelated 32-bit shingles collide with probability 2^-32, which moves a
//! Jaccard estimate of two 100-shingle paragraphs by about 10^-6.
//!
//! Invariants: the shingle hash depends only on the k token ids in order (see
//! [`shingle_hash`]), so equal word sequences give equal shingles in every document, thread and
//! platform. Fewer than k tokens give no shingles.

use crate::hash;
use crate::normalize::Token;

/// Writes the sorted, deduplicated shingle set of `tokens` into `out` (cleared first).
pub fn shingle_set(tokens: &[Token], k: usize, out: &mut Vec<u64>) {
    shingle_hashes(tokens, k, out);
    out.sort_unstable();
    out.dedup();
}

/// Writes the hash of every run of k consecutive tokens into `out` (cleared first), in text
/// order, repeats included: the shingle set unsorted. A MinHash signature needs no more (a
/// minimum does not depend on order or repeats), and [`push_compact`] sorts what it keeps.
pub fn shingle_hashes(tokens: &[Token], k: usize, out: &mut Vec<u64>) {
    out.clear();
    if k == 0 || tokens.len() < k {
        return;
    }
    // The usual sizes with the window length known at compile time (the mixing loop unrolls).
    match k {
        2 => push_hashes_of::<2>(tokens, out),
        3 => push_hashes_of::<3>(tokens, out),
        4 => push_hashes_of::<4>(tokens, out),
        5 => push_hashes_of::<5>(tokens, out),
        _ => out.extend(tokens.windows(k).map(shingle_hash)),
    }
}

/// [`shingle_hashes`] for k = `K`.
fn push_hashes_of<const K: usize>(tokens: &[Token], out: &mut Vec<u64>) {
    out.extend(
        tokens
            .windows(K)
            .map(|window| hash::ids_hash(window[..K].iter().map(|token| token.id))),
    );
}

/// Appends the compact form of a shingle set to `out`: the top 32 bits of each hash, sorted
/// and deduplicated. `hashes` may come in any order and repeat (as [`shingle_hashes`] gives
/// them).
pub fn push_compact(hashes: &[u64], out: &mut Vec<u32>) {
    let compact = hashes.iter().map(|&hash| (hash >> 32) as u32);
    let start = out.len();
    match hashes.len() {
        // Most paragraphs of news text.
        32..=128 => distribute::<129>(compact, out),
        129..=1024 => distribute::<1025>(compact, out),
        _ => {
            out.extend(compact);
            out[start..].sort_unstable();
        }
    }
    let mut kept = start;
    for i in start..out.len() {
        if kept == start || out[kept - 1] != out[i] {
            out[kept] = out[i];
            kept += 1;
        }
    }
    out.truncate(kept);
}

/// Appends `values`, which are hashes (spread evenly over `u32`), to `out` in sorted order, for
/// 1 to `BUCKETS - 1` values. A distribution sort: each value goes to one of n buckets by its
/// top bits (a value's bucket is where it belongs in sorted order, give or take its few bucket
/// mates), and an insertion sort puts the few values of each bucket in order. About n steps,
/// not n log n comparisons, and few mispredicted branches.
fn distribute<const BUCKETS: usize>(
    values: impl ExactSizeIterator<Item = u32> + Clone,
    out: &mut Vec<u32>,
) {
    let n = values.len();
    debug_assert!((1..BUCKETS).contains(&n));
    let bucket = |value: u32| ((u64::from(value) * n as u64) >> 32) as usize;
    // `first[b]`: where bucket b starts (counts first, then their running sum).
    let mut first = [0u16; BUCKETS];
    for value in values.clone() {
        first[bucket(value) + 1] += 1;
    }
    for b in 1..n {
        first[b] += first[b - 1];
    }
    let start = out.len();
    out.resize(start + n, 0);
    let sorted = &mut out[start..];
    for value in values {
        let slot = &mut first[bucket(value)];
        sorted[usize::from(*slot)] = value;
        *slot += 1;
    }
    insertion_sort_nearly_sorted(sorted);
}

/// Sorts `values`, in which each value is at most a few places after where it belongs (as a
/// distribution sort leaves them: only bucket mates are out of order, and most buckets hold
/// one or two values). Each value is moved up to two places by compare-exchanges, which take
/// no branch; only a value that belongs further back takes the loop (rare). A plain insertion
/// sort mispredicts its loop exit about once in three values here.
fn insertion_sort_nearly_sorted(values: &mut [u32]) {
    let compare_exchange = |values: &mut [u32], i: usize| {
        let (low, high) = (values[i - 1], values[i]);
        values[i - 1] = low.min(high);
        values[i] = low.max(high);
    };
    for i in 1..values.len() {
        compare_exchange(values, i);
        if i >= 2 {
            compare_exchange(values, i - 1);
        }
        if i >= 3 && values[i - 3] > values[i - 2] {
            let value = values[i - 2];
            let mut j = i - 2;
            while j > 0 && values[j - 1] > value {
                values[j] = values[j - 1];
                j -= 1;
            }
            values[j] = value;
        }
    }
}

/// The compact shingle sets of many paragraphs (nodes), stored per document.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ShingleSets {
    documents: Vec<Vec<u32>>,
    /// (document slot, start, end) of each node's set.
    sets: Vec<(u32, u32, u32)>,
}

impl ShingleSets {
    /// Sets given one by one (for tests and small inputs).
    pub fn from_sets(sets: impl IntoIterator<Item = Vec<u32>>) -> Self {
        let mut out = ShingleSets::default();
        for set in sets {
            let len = set.len() as u32;
            let slot = out.push_document(set);
            out.push_set(slot, 0, len);
        }
        out
    }

    /// Stores one document's shingles (its nodes' sets, back to back); returns its slot.
    pub fn push_document(&mut self, shingles: Vec<u32>) -> u32 {
        self.documents.push(shingles);
        (self.documents.len() - 1) as u32
    }

    /// Adds the next node: `start..end` of the shingles stored in `slot`.
    pub fn push_set(&mut self, slot: u32, start: u32, end: u32) {
        debug_assert!(end as usize <= self.documents[slot as usize].len());
        self.sets.push((slot, start, end));
    }

    /// The set of `node`, sorted and deduplicated.
    pub fn get(&self, node: u32) -> &[u32] {
        let (slot, start, end) = self.sets[node as usize];
        &self.documents[slot as usize][start as usize..end as usize]
    }

    /// Number of nodes.
    pub fn len(&self) -> usize {
        self.sets.len()
    }

    /// Whether no set is stored.
    pub fn is_empty(&self) -> bool {
        self.sets.is_empty()
    }

    /// Bytes held (for memory accounting).
    pub fn heap_bytes(&self) -> usize {
        self.documents
            .iter()
            .map(|d| d.capacity() * 4)
            .sum::<usize>()
            + self.sets.capacity() * 12
    }
}

/// The hash of one k-gram: order-sensitive mixing of the token ids, then a 64-bit finalizer.
pub fn shingle_hash(window: &[Token]) -> u64 {
    hash::ids_hash(window.iter().map(|token| token.id))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::doc::Span;

    fn tokens(ids: &[u64]) -> Vec<Token> {
        ids.iter()
            .map(|&id| Token::new(id, 0, Span::new(0, 0)))
            .collect()
    }

    #[test]
    fn k_grams_are_order_sensitive_and_deduplicated() {
        let mut out = Vec::new();
        shingle_set(&tokens(&[1, 2, 3, 1, 2, 3]), 3, &mut out);
        // (1,2,3) twice, (2,3,1), (3,1,2): three distinct shingles.
        assert_eq!(out.len(), 3);
        assert!(out.windows(2).all(|w| w[0] < w[1]));
        let mut reversed = Vec::new();
        shingle_set(&tokens(&[3, 2, 1]), 3, &mut reversed);
        let mut forward = Vec::new();
        shingle_set(&tokens(&[1, 2, 3]), 3, &mut forward);
        assert_ne!(reversed, forward);
    }

    #[test]
    fn compact_sets_stay_sorted_and_deduplicated() {
        let mut out = vec![9];
        push_compact(&[1 << 32, (1 << 32) + 5, 2 << 32, 7 << 32], &mut out);
        assert_eq!(out, [9, 1, 2, 7]);
        let sets = ShingleSets::from_sets([vec![1, 2], vec![], vec![3]]);
        assert_eq!(
            (sets.len(), sets.get(0), sets.get(2)),
            (3, &[1, 2][..], &[3][..])
        );
        assert!(sets.get(1).is_empty());
    }

    #[test]
    fn unsorted_hashes_give_the_compact_form_and_signature_of_the_set() {
        use crate::minhash::{MinHashScheme, MinHasher};
        let text = tokens(&[5, 1, 4, 1, 5, 9, 2, 6, 5, 1, 4, 1, 5, 3, 5, 8, 9, 7, 9, 3]);
        let (mut set, mut hashes) = (Vec::new(), Vec::new());
        shingle_set(&text, 3, &mut set);
        shingle_hashes(&text, 3, &mut hashes);
        assert_eq!(hashes.len(), text.len() - 2);
        assert!(hashes.len() > set.len(), "(5,1,4) and (1,4,1) repeat");
        let (mut from_set, mut from_hashes) = (vec![0], vec![0]);
        push_compact(&set, &mut from_set);
        push_compact(&hashes, &mut from_hashes);
        assert_eq!(from_hashes, from_set);
        for scheme in [MinHashScheme::OnePermutation, MinHashScheme::Classic] {
            let hasher = MinHasher::with_scheme(scheme, 128, 7);
            let (mut a, mut b) = (vec![0; 128], vec![0; 128]);
            hasher.signature(&set, &mut a);
            hasher.signature(&hashes, &mut b);
            assert_eq!(a, b, "{scheme}");
        }
    }

    #[test]
    fn compact_sets_are_sorted_and_deduplicated_at_every_size() {
        let mut seed = 1u64;
        for n in [0, 1, 2, 31, 32, 33, 100, 128, 129, 1000, 1024, 1025, 3000] {
            let mut previous = 0u64;
            let hashes: Vec<u64> = (0..n)
                .map(|i| {
                    seed = hash::finalize(seed ^ i as u64);
                    // Some repeats and some small values (a bucket may hold several), and
                    // some hashes with the previous one's top half (equal compact values).
                    previous = match i % 7 {
                        3 => (seed % 50) << 32,
                        5 => (previous & !0xFFFF_FFFF) | i as u64,
                        _ => seed,
                    };
                    previous
                })
                .collect();
            let mut compact = vec![5, 4];
            push_compact(&hashes, &mut compact);
            let mut expected: Vec<u32> = hashes.iter().map(|&h| (h >> 32) as u32).collect();
            expected.sort_unstable();
            expected.dedup();
            assert_eq!(&compact[..2], &[5, 4]);
            assert_eq!(&compact[2..], &expected[..], "{n} hashes");
        }
    }

    #[test]
    fn every_shingle_size_hashes_each_window_as_shingle_hash_does() {
        let ids: Vec<u64> = (0..40u64).map(|i| hash::finalize(i % 13)).collect();
        let tokens = tokens(&ids);
        for k in 1..=8 {
            let mut out = vec![1];
            shingle_hashes(&tokens, k, &mut out);
            let expected: Vec<u64> = tokens.windows(k).map(shingle_hash).collect();
            assert_eq!(out, expected, "k = {k}");
            assert_eq!(out[0], hash::ids_hash(ids[..k].iter().copied()), "k = {k}");
        }
    }

    #[test]
    fn too_few_tokens_give_no_shingles() {
        let mut out = vec![7];
        shingle_set(&tokens(&[1, 2]), 3, &mut out);
        assert!(out.is_empty());
        out.push(7);
        shingle_hashes(&tokens(&[1, 2]), 3, &mut out);
        assert!(out.is_empty());
    }
}
