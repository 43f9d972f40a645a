//! Every hash whose values are stored: token ids, shingle and anchor hashes, LSH band keys,
//! paragraph keys and the MinHash key stream. An index keeps their values (band keys, anchor
//! hashes, paragraph keys), so changing any of them, or a constant here, changes what a stored
//! index means: bump [`crate::index::FORMAT_VERSION`] and say so in the changelog.
//!
//! In: words, token ids, signature rows. Out: 64- or 32-bit hashes. A leaf: it imports nothing
//! from the crate, and the stages import it.

/// A stable 64-bit id for a normalized (folded, stemmed) word: the first 8 bytes of its
/// BLAKE3 hash, little-endian. Never depends on thread, order or platform.
pub fn token_hash(word: &str) -> u64 {
    let hash = blake3::hash(word.as_bytes());
    let bytes: [u8; 8] = hash.as_bytes()[..8]
        .try_into()
        .expect("blake3 gives 32 bytes");
    u64::from_le_bytes(bytes)
}

/// The hash of a run of token ids (a shingle, an alignment anchor): order-sensitive mixing,
/// then [`finalize`].
pub fn ids_hash(ids: impl IntoIterator<Item = u64>) -> u64 {
    let mut h: u64 = 0x9E37_79B9_7F4A_7C15;
    for id in ids {
        h = (h.rotate_left(23) ^ id).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    }
    finalize(h)
}

/// The splitmix64 finalizer: spreads every input bit over the output.
#[inline]
pub fn finalize(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// The LSH key of band `band` whose rows are `rows`: the top 32 bits of a [`finalize`] chain
/// over the band's number and its values.
#[inline]
pub fn band_key(band: usize, rows: &[u32]) -> u32 {
    let mut h = finalize(band as u64 + 1);
    for &value in rows {
        h = finalize(h ^ u64::from(value));
    }
    (h >> 32) as u32
}

/// Where a paragraph key's [`finalize`] chain over its token ids starts.
pub const PARAGRAPH_KEY_SEED: u64 = 0x517c_c1b7_2722_0a95;

/// The BLAKE3 derive-key context from which MinHash draws its permutation keys (with the seed).
pub const MINHASH_KEY_CONTEXT: &str = "wiretrace 2026 minhash permutations";

#[cfg(test)]
mod tests {
    use super::*;

    /// Stored values, pinned: if one of these changes, every index built before reads wrong.
    #[test]
    fn stored_hash_values_do_not_change() {
        assert_eq!(token_hash("troop"), 0xd454_63f4_085d_8012);
        assert_eq!(finalize(1), 0x5692_161d_100b_05e5);
        assert_eq!(ids_hash([1u64, 2, 3]), 0x3761_45f0_54b4_cf4d);
        assert_eq!(band_key(2, &[7, 8, 9]), 0x774a_f71d);
    }
}
