//! Fingerprinting: each document, in parallel, into what matching needs.
//!
//! In: documents and validated [`Params`]. Out: a [`DocumentFingerprint`] per document: its
//! paragraphs (segmented, each with its normalized key), the fingerprinted paragraphs (nodes)
//! with their LSH band keys and compact shingle sets, and every token's word number (for
//! alignment). segment → normalize → shingle → MinHash → band keys, one document at a time
//! with per-thread scratch space, so the hot loop allocates nothing per token.
//!
//! [`token_spans`] finds tokens' byte spans again from the text: they are not kept.

use std::borrow::Borrow;
use std::ops::Range;
use std::sync::atomic::{AtomicU64, Ordering};

use rayon::prelude::*;

use crate::doc::{Document, Node, Paragraph, Span};
use crate::hash::{self, PARAGRAPH_KEY_SEED};
use crate::lsh;
use crate::minhash::MinHasher;
use crate::normalize::{self, NormalizerPool, PooledNormalizer, Token, WordId};
use crate::params::Params;
use crate::progress::{Progress, Stage};
use crate::segment;
use crate::shingle::{self, ShingleSets};

/// Per-thread scratch space, so that the hot loop allocates nothing per token.
struct Scratch<'a> {
    normalizer: PooledNormalizer<'a>,
    /// The current document's tokens.
    tokens: Vec<Token>,
    /// The current paragraph's shingle hashes (unsorted, see `shingle::shingle_hashes`).
    set: Vec<u64>,
    signature: Vec<u32>,
    /// The current document's compact shingle sets, back to back.
    shingles: Vec<u32>,
    /// The current document's band keys.
    keys: Vec<u32>,
    /// The current document's paragraphs' token ranges, and their paragraph keys.
    token_ranges: Vec<Range<u32>>,
    keys_of_paragraphs: Vec<u64>,
}

/// The fingerprints of one document: what
/// [`scan_with_fingerprints`](crate::pipeline::scan_with_fingerprints) matches, and what an
/// index stores keys of.
#[derive(Debug, Clone)]
pub struct DocumentFingerprint {
    /// The document's paragraphs, in order.
    pub paragraphs: Vec<Paragraph>,
    /// Paragraph index of each fingerprinted paragraph (the document's nodes).
    pub nodes: Vec<u32>,
    /// The nodes' band keys, `bands` per node, node after node.
    pub band_keys: Vec<u32>,
    /// The word number of every token of the document in text order, in the [`Vocabulary`](crate::normalize::Vocabulary) of
    /// the normalizers that made it (empty when alignment is disabled). Their spans are not
    /// kept: [`token_spans`] finds them again in the text.
    pub words: Vec<WordId>,
    /// The nodes' compact shingle sets, back to back; node `i`'s is
    /// `shingles[set_ends[i - 1]..set_ends[i]]`.
    pub(crate) shingles: Vec<u32>,
    pub(crate) set_ends: Vec<u32>,
}

impl DocumentFingerprint {
    /// The compact shingle set (sorted, deduplicated) of node `local` (the paragraph
    /// `nodes[local]`), as verification compares them.
    pub fn shingle_set(&self, local: usize) -> &[u32] {
        let start = match local {
            0 => 0,
            _ => self.set_ends[local - 1] as usize,
        };
        &self.shingles[start..self.set_ends[local] as usize]
    }
}

/// A corpus's fingerprints taken apart: each document's paragraphs and word numbers, and the
/// fingerprints of its nodes until [`CorpusFingerprints::matching_nodes`] picks those that match.
pub struct CorpusFingerprints {
    /// Paragraphs of each document, by document index.
    pub paragraphs: Vec<Vec<Paragraph>>,
    /// Each document's word numbers (see [`DocumentFingerprint::words`]).
    pub words: Vec<Vec<WordId>>,
    /// Each document's node fingerprints.
    node_parts: Vec<NodeParts>,
}

/// One document's nodes and their fingerprints (as in [`DocumentFingerprint`]).
struct NodeParts {
    nodes: Vec<u32>,
    shingles: Vec<u32>,
    set_ends: Vec<u32>,
    band_keys: Vec<u32>,
}

/// The paragraphs that take part in matching, over the whole corpus, in document then
/// paragraph order: the nodes, their shingle sets, the document owning each and their band
/// keys (`bands` per node, node after node).
pub struct MatchingNodes {
    /// The nodes (fingerprinted paragraphs that take part in matching).
    pub nodes: Vec<Node>,
    /// Their shingle sets.
    pub shingles: ShingleSets,
    /// The document holding each node.
    pub owner: Vec<u32>,
    /// Their band keys, `bands` per node.
    pub band_keys: Vec<u32>,
}

impl CorpusFingerprints {
    /// Takes the documents' fingerprints apart (in document order).
    pub fn new(fingerprints: Vec<DocumentFingerprint>) -> Self {
        let mut split = CorpusFingerprints {
            paragraphs: Vec::with_capacity(fingerprints.len()),
            words: Vec::with_capacity(fingerprints.len()),
            node_parts: Vec::with_capacity(fingerprints.len()),
        };
        for fp in fingerprints {
            split.paragraphs.push(fp.paragraphs);
            split.node_parts.push(NodeParts {
                nodes: fp.nodes,
                shingles: fp.shingles,
                set_ends: fp.set_ends,
                band_keys: fp.band_keys,
            });
            split.words.push(fp.words);
        }
        split
    }

    /// The nodes whose paragraph is not `excluded[doc][paragraph]` (boilerplate, credit
    /// paragraphs), with their fingerprints; the node parts are consumed.
    pub fn matching_nodes(&mut self, excluded: &[Vec<bool>], bands: usize) -> MatchingNodes {
        let mut matching = MatchingNodes {
            nodes: Vec::new(),
            shingles: ShingleSets::default(),
            owner: Vec::new(),
            band_keys: Vec::new(),
        };
        let parts = std::mem::take(&mut self.node_parts);
        for (doc, parts) in parts.into_iter().enumerate() {
            let slot = matching.shingles.push_document(parts.shingles);
            let mut start = 0;
            for (local, (&paragraph, &end)) in parts.nodes.iter().zip(&parts.set_ends).enumerate() {
                let set_start = std::mem::replace(&mut start, end);
                if excluded[doc][paragraph as usize] {
                    continue;
                }
                matching.nodes.push(Node {
                    doc: doc as u32,
                    paragraph,
                    span: self.paragraphs[doc][paragraph as usize].span,
                });
                matching.shingles.push_set(slot, set_start, end);
                matching.owner.push(doc as u32);
                matching
                    .band_keys
                    .extend_from_slice(&parts.band_keys[local * bands..][..bands]);
            }
        }
        matching
    }
}

/// Appends to `out` the byte spans of tokens `tokens` of a document whose text is `text` and
/// whose paragraphs are `paragraphs` (as fingerprinting made them): the words of the
/// paragraphs holding those tokens are found again, with no normalizing or stemming.
pub fn token_spans(text: &str, paragraphs: &[Paragraph], tokens: Range<u32>, out: &mut Vec<Span>) {
    let mut first = 0u32;
    for paragraph in paragraphs {
        let end = first + paragraph.tokens;
        if first >= tokens.end {
            break;
        }
        if end > tokens.start {
            for (token, word) in (first..tokens.end).zip(paragraph_words(text, paragraph)) {
                if token >= tokens.start {
                    out.push(word);
                }
            }
        }
        first = end;
    }
}

/// The spans in the document of a paragraph's words, which are its tokens' spans, in order.
pub(crate) fn paragraph_words<'t>(
    text: &'t str,
    paragraph: &Paragraph,
) -> impl Iterator<Item = Span> + 't {
    let base = paragraph.span.start;
    normalize::word_spans(paragraph.span.slice(text))
        .map(move |word| Span::new(base + word.start, base + word.end))
}

/// A paragraph's key, one paragraph at a time: the definition that [`paragraph_keys`]
/// computes several at once (and the tests hold it to).
#[cfg(test)]
fn paragraph_key(tokens: &[Token]) -> u64 {
    if tokens.is_empty() {
        return 0;
    }
    tokens
        .iter()
        .fold(PARAGRAPH_KEY_SEED, |h, t| hash::finalize(h ^ t.id))
        .max(1)
}

/// The key of each paragraph, `tokens[range]` for each range of `paragraphs`, into `keys`: a
/// hash of the paragraph's token sequence, equal for paragraphs that read the same after
/// normalization ("ADVERTISEMENT" and "Advertisement"), 0 for a paragraph without words.
/// Stored in indexes: its value must not change.
///
/// A key is a chain of finalizer steps over the token ids, each waiting for the one before
/// (about 14 cycles a word): four paragraphs' chains are stepped side by side, so that the
/// processor works on them at once instead of one after the other.
fn paragraph_keys(tokens: &[Token], paragraphs: &[Range<u32>], keys: &mut Vec<u64>) {
    const LANES: usize = 4;
    keys.clear();
    for group in paragraphs.chunks(LANES) {
        let mut lanes = [(&[] as &[Token], PARAGRAPH_KEY_SEED); LANES];
        for (lane, range) in lanes.iter_mut().zip(group) {
            lane.0 = &tokens[range.start as usize..range.end as usize];
        }
        let longest = lanes
            .iter()
            .map(|(words, _)| words.len())
            .max()
            .unwrap_or(0);
        for i in 0..longest {
            for (words, key) in &mut lanes {
                if let Some(token) = words.get(i) {
                    *key = hash::finalize(*key ^ token.id);
                }
            }
        }
        keys.extend(
            lanes[..group.len()]
                .iter()
                .map(|&(words, key)| if words.is_empty() { 0 } else { key.max(1) }),
        );
    }
}

/// Fingerprints every document (in parallel) the way
/// [`scan_with`](crate::pipeline::scan_with) does, with normalizers
/// from `normalizers` (whose language must be `params.language`; a pool kept between calls
/// keeps their word caches warm).
pub fn fingerprint_documents<D: Borrow<Document> + Sync>(
    documents: &[D],
    params: &Params,
    normalizers: &NormalizerPool,
) -> Vec<DocumentFingerprint> {
    fingerprint_all(documents, params, normalizers, &|_| {})
}

pub(crate) fn fingerprint_all<D: Borrow<Document> + Sync>(
    documents: &[D],
    params: &Params,
    normalizers: &NormalizerPool,
    progress: &(dyn Fn(Progress) + Sync),
) -> Vec<DocumentFingerprint> {
    let hasher = MinHasher::with_scheme(params.minhash, params.permutations, params.seed);
    let done = AtomicU64::new(0);
    let total = documents.len() as u64;
    documents
        .par_iter()
        .map_init(
            || Scratch {
                normalizer: normalizers.take(),
                tokens: Vec::with_capacity(4096),
                set: Vec::with_capacity(512),
                signature: vec![0; params.permutations],
                shingles: Vec::with_capacity(4096),
                keys: Vec::with_capacity(1024),
                token_ranges: Vec::with_capacity(64),
                keys_of_paragraphs: Vec::with_capacity(64),
            },
            |scratch, doc| {
                let fp = fingerprint_document(doc.borrow(), params, &hasher, scratch);
                let done = done.fetch_add(1, Ordering::Relaxed) + 1;
                if done.is_multiple_of(256) || done == total {
                    progress(Progress {
                        stage: Stage::Fingerprint,
                        done,
                        total,
                    });
                }
                fp
            },
        )
        .collect()
}

fn fingerprint_document(
    doc: &Document,
    params: &Params,
    hasher: &MinHasher,
    scratch: &mut Scratch,
) -> DocumentFingerprint {
    let spans = segment::paragraphs(&doc.text);
    let mut paragraphs = Vec::with_capacity(spans.len());
    let mut nodes = Vec::new();
    let mut set_ends = Vec::new();
    // The document's tokens, shingles and band keys grow in the scratch buffers and are copied
    // out once, at their exact size: growing a vector per document (and reallocating it as it
    // doubles) took half the page faults of a scan, and left up to half of each unused.
    let Scratch {
        normalizer,
        tokens,
        set,
        signature,
        shingles,
        keys,
        token_ranges,
        keys_of_paragraphs,
    } = scratch;
    tokens.clear();
    shingles.clear();
    keys.clear();
    token_ranges.clear();
    for (index, span) in spans.into_iter().enumerate() {
        let first_token = tokens.len();
        normalizer.tokenize(span.slice(&doc.text), span.start, tokens);
        let paragraph_tokens = &tokens[first_token..];
        let mut fingerprinted = false;
        if paragraph_tokens.len() >= params.min_paragraph_tokens {
            shingle::shingle_hashes(paragraph_tokens, params.shingle_size, set);
            if !set.is_empty() {
                hasher.signature(set, signature);
                lsh::band_keys(signature, params.bands, params.rows, keys);
                shingle::push_compact(set, shingles);
                set_ends.push(shingles.len() as u32);
                nodes.push(index as u32);
                fingerprinted = true;
            }
        }
        token_ranges.push(first_token as u32..tokens.len() as u32);
        paragraphs.push(Paragraph {
            span,
            tokens: paragraph_tokens.len() as u32,
            fingerprinted,
            // Below, for all paragraphs at once.
            key: 0,
        });
    }
    paragraph_keys(tokens, token_ranges, keys_of_paragraphs);
    for (paragraph, &key) in paragraphs.iter_mut().zip(keys_of_paragraphs.iter()) {
        paragraph.key = key;
    }
    let words = if params.align.enabled {
        tokens.iter().map(|token| token.word).collect()
    } else {
        Vec::new()
    };
    let (shingles, keys) = (shingles.to_vec(), keys.to_vec());
    DocumentFingerprint {
        paragraphs,
        nodes,
        band_keys: keys,
        words,
        shingles,
        set_ends,
    }
}

#[cfg(test)]
pub(crate) mod tests {
    //! Also the fixtures of [`crate::mask`]'s tests: a text with a dateline, a boilerplate
    //! line and a story line, fingerprinted and tokenized as a scan does.

    use super::*;

    use crate::normalize::Normalizer;
    use crate::params::Language;

    pub(crate) const TEXT: &str =
        "MOSCOW (Reuters) — Putin’s envoy said 10,000 troops were deployed.\n\n\
         Read more on our app.\n\n\
         The talks resume in Geneva next week.";

    pub(crate) fn fingerprinted(doc: &Document) -> DocumentFingerprint {
        let params = Params::default().validated().unwrap();
        let pool = NormalizerPool::new(params.language);
        fingerprint_documents(std::slice::from_ref(doc), &params, &pool).remove(0)
    }

    pub(crate) fn all_tokens(text: &str) -> Vec<Token> {
        let mut normalizer = Normalizer::new(Language::English);
        let mut tokens: Vec<Token> = Vec::new();
        for span in segment::paragraphs(text) {
            normalizer.tokenize(span.slice(text), span.start, &mut tokens);
        }
        tokens
    }

    #[test]
    fn paragraph_keys_side_by_side_are_the_keys_one_by_one() {
        let mut normalizer = Normalizer::new(Language::English);
        let mut tokens = Vec::new();
        let mut ranges = Vec::new();
        // Lengths 0 to 10 in an order that puts long and short paragraphs side by side, and
        // a count that leaves a partial group of lanes.
        for (i, words) in [3usize, 0, 10, 1, 7, 7, 0, 2, 9, 5, 4].iter().enumerate() {
            let start = tokens.len() as u32;
            let text: Vec<String> = (0..*words).map(|w| format!("word{}", i * w)).collect();
            normalizer.tokenize(&text.join(" "), 0, &mut tokens);
            ranges.push(start..tokens.len() as u32);
        }
        let mut keys = vec![7];
        paragraph_keys(&tokens, &ranges, &mut keys);
        let expected: Vec<u64> = ranges
            .iter()
            .map(|r| paragraph_key(&tokens[r.start as usize..r.end as usize]))
            .collect();
        assert_eq!(keys, expected);
        assert_eq!(keys[1], 0);
        assert!(keys
            .iter()
            .enumerate()
            .all(|(i, &k)| (k == 0) == ranges[i].is_empty()));
    }

    #[test]
    fn token_spans_are_the_spans_tokenizing_gave() {
        let doc = Document::new("a", TEXT);
        let fp = fingerprinted(&doc);
        let tokens = all_tokens(TEXT);
        // Both normalizers met the words in the same order, so numbered them alike.
        assert_eq!(fp.words, tokens.iter().map(|t| t.word).collect::<Vec<_>>());
        let n = tokens.len() as u32;
        for range in [0..n, 0..1, n - 1..n, 3..14, 12..13, 5..5] {
            let mut spans = Vec::new();
            token_spans(&doc.text, &fp.paragraphs, range.clone(), &mut spans);
            let expected: Vec<Span> = tokens[range.start as usize..range.end as usize]
                .iter()
                .map(Token::span)
                .collect();
            assert_eq!(spans, expected, "tokens {range:?}");
        }
    }
}
