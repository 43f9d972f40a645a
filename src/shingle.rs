//! Word shingles: token sequences into sets of hashed word k-grams.
//!
//! In: a paragraph's [`Token`]s and the shingle size k. Out: the sorted, deduplicated 64-bit
//! hashes of every run of k consecutive tokens (the paragraph's shingle set).
//!
//! Invariants: the shingle hash depends only on the k token ids in order (see
//! [`shingle_hash`]), so equal word sequences give equal shingles in every document, thread and
//! platform. Fewer than k tokens give no shingles.

use crate::normalize::Token;

/// Writes the sorted, deduplicated shingle set of `tokens` into `out` (cleared first).
pub fn shingle_set(tokens: &[Token], k: usize, out: &mut Vec<u64>) {
    out.clear();
    if k == 0 || tokens.len() < k {
        return;
    }
    out.extend(tokens.windows(k).map(shingle_hash));
    out.sort_unstable();
    out.dedup();
}

/// The hash of one k-gram: order-sensitive mixing of the token ids, then a 64-bit finalizer.
pub fn shingle_hash(window: &[Token]) -> u64 {
    let mut h: u64 = 0x9E37_79B9_7F4A_7C15;
    for token in window {
        h = (h.rotate_left(23) ^ token.id).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    }
    finalize(h)
}

/// The splitmix64 finalizer: spreads every input bit over the output.
pub(crate) fn finalize(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::doc::Span;

    fn tokens(ids: &[u64]) -> Vec<Token> {
        ids.iter()
            .map(|&id| Token {
                id,
                span: Span::new(0, 0),
            })
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
    fn too_few_tokens_give_no_shingles() {
        let mut out = vec![7];
        shingle_set(&tokens(&[1, 2]), 3, &mut out);
        assert!(out.is_empty());
    }
}
