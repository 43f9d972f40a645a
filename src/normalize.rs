//! Normalization and tokenization: text into stemmed word tokens, each with its byte span.
//!
//! In: a slice of a document's text (and the offset of that slice in the document). Out: a
//! [`Token`] per word: a stable 64-bit id of the normalized, stemmed word, its dense 32-bit
//! number in the run's [`Vocabulary`], and the byte span of the word in the original text.
//!
//! What is folded: Unicode NFKC (full-width forms, ligatures), lower case, curly apostrophes to
//! `'`, thousands separators (`10,000` = `10000`). Punctuation, quotes and dashes separate words
//! and are dropped; numbers are kept. Words are then stemmed with `rust-stemmers` (Snowball) for
//! the chosen language.
//!
//! Invariants:
//! - Spans are never changed by normalization: each token's span slices the original word.
//! - Token ids depend only on the stemmed word (blake3), never on thread, order or platform.
//!   Word numbers ([`WordId`]) depend on the order words were first met, so they are only
//!   compared for equality within one [`Vocabulary`], never stored or hashed.
//! - No allocation per token: each [`Normalizer`] keeps a cache from folded word to token id,
//!   so stemming and hashing happen once per distinct word; the cache is cleared when it
//!   reaches [`Normalizer::MAX_CACHED_WORDS`], which bounds its memory on adversarial input.

use std::ops::{Deref, DerefMut, Range};
use std::sync::{Arc, Mutex, RwLock};

use rust_stemmers::{Algorithm, Stemmer};
use rustc_hash::FxHashMap;
use unicode_normalization::char::is_combining_mark;
use unicode_normalization::UnicodeNormalization;

use crate::doc::Span;
use crate::hash::token_hash;

/// Stemming language (Snowball algorithms from `rust-stemmers`), or no stemming.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Language {
    /// No stemming and no stop words: tokens as they are, lowercased.
    None,
    /// Arabic.
    Arabic,
    /// Danish.
    Danish,
    /// Dutch.
    Dutch,
    /// English.
    English,
    /// Finnish.
    Finnish,
    /// French.
    French,
    /// German.
    German,
    /// Greek.
    Greek,
    /// Hungarian.
    Hungarian,
    /// Italian.
    Italian,
    /// Norwegian.
    Norwegian,
    /// Portuguese.
    Portuguese,
    /// Romanian.
    Romanian,
    /// Russian.
    Russian,
    /// Spanish.
    Spanish,
    /// Swedish.
    Swedish,
    /// Tamil.
    Tamil,
    /// Turkish.
    Turkish,
}

impl Language {
    /// Every language, in the order `--language` lists them.
    pub const ALL: [Language; 19] = [
        Language::None,
        Language::Arabic,
        Language::Danish,
        Language::Dutch,
        Language::English,
        Language::Finnish,
        Language::French,
        Language::German,
        Language::Greek,
        Language::Hungarian,
        Language::Italian,
        Language::Norwegian,
        Language::Portuguese,
        Language::Romanian,
        Language::Russian,
        Language::Spanish,
        Language::Swedish,
        Language::Tamil,
        Language::Turkish,
    ];

    /// The name `--language` takes.
    pub fn name(self) -> &'static str {
        match self {
            Language::None => "none",
            Language::Arabic => "arabic",
            Language::Danish => "danish",
            Language::Dutch => "dutch",
            Language::English => "english",
            Language::Finnish => "finnish",
            Language::French => "french",
            Language::German => "german",
            Language::Greek => "greek",
            Language::Hungarian => "hungarian",
            Language::Italian => "italian",
            Language::Norwegian => "norwegian",
            Language::Portuguese => "portuguese",
            Language::Romanian => "romanian",
            Language::Russian => "russian",
            Language::Spanish => "spanish",
            Language::Swedish => "swedish",
            Language::Tamil => "tamil",
            Language::Turkish => "turkish",
        }
    }
}

/// One word: the id of its normalized, stemmed form, its number in the [`Vocabulary`] of the
/// normalizer that made it, and where it is in the document.
///
/// The span is kept as two 32-bit offsets: texts are tokenized up to 4 GiB; ingest cuts
/// documents at `--max-doc-bytes`, which is at most that.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Token {
    /// The token's hash (its id: equal words, equal ids).
    pub id: u64,
    /// The token's word number in the vocabulary.
    pub word: WordId,
    start: u32,
    end: u32,
}

impl Token {
    /// A token; `span` must end within the first 4 GiB of its text.
    pub fn new(id: u64, word: WordId, span: Span) -> Token {
        debug_assert!(span.end <= u32::MAX as usize);
        Token {
            id,
            word,
            start: span.start as u32,
            end: span.end as u32,
        }
    }

    /// Where the word is in the document.
    pub fn span(&self) -> Span {
        Span::new(self.start as usize, self.end as usize)
    }
}

/// A word's number in a [`Vocabulary`]: two tokens numbered by one vocabulary have the same
/// number exactly when they have the same id. Half the size of the id, which is what a scan
/// keeps for every token of the corpus (for alignment).
pub type WordId = u32;

/// The number no word gets: alignment uses it for tokens that must match nothing, and a
/// vocabulary that has numbered `u32::MAX` words (a corpus of over 4 billion distinct words)
/// gives it to every further word, which then matches nothing in alignment.
pub const NO_WORD: WordId = WordId::MAX;

/// Dense numbers for the distinct token ids of a run, shared by all its normalizers (each
/// caches the numbers of the words it has met, so this is consulted once per thread and
/// distinct word). Memory: about 24 bytes per distinct word.
pub struct Vocabulary {
    /// Token id → number, split over shards by id so that threads meeting new words rarely
    /// wait for each other.
    shards: Box<[Mutex<FxHashMap<u64, WordId>>]>,
    /// The token id of every number given, in number order.
    ids: RwLock<Vec<u64>>,
}

impl Vocabulary {
    const SHARDS: usize = 16;

    /// An empty vocabulary.
    pub fn new() -> Self {
        Vocabulary {
            shards: (0..Self::SHARDS).map(|_| Mutex::default()).collect(),
            ids: RwLock::default(),
        }
    }

    /// The number of the word whose token id is `id` (a new number for a new word). Waits
    /// while a [`Vocabulary::token_ids`] view is held: do not call it with one held.
    pub fn number(&self, id: u64) -> WordId {
        let shard = (id % Self::SHARDS as u64) as usize;
        let mut numbers = self.shards[shard].lock().unwrap_or_else(|e| e.into_inner());
        if let Some(&number) = numbers.get(&id) {
            return number;
        }
        let mut ids = self.ids.write().unwrap_or_else(|e| e.into_inner());
        if ids.len() >= NO_WORD as usize {
            return NO_WORD;
        }
        let number = ids.len() as WordId;
        ids.push(id);
        numbers.insert(id, number);
        number
    }

    /// The token id of every number given so far, indexed by number: a view, not a copy (new
    /// words wait until it is dropped).
    pub fn token_ids(&self) -> impl Deref<Target = Vec<u64>> + '_ {
        self.ids.read().unwrap_or_else(|e| e.into_inner())
    }
}

impl Default for Vocabulary {
    fn default() -> Self {
        Self::new()
    }
}

/// Turns text into tokens. Keep one per thread and reuse it: its cache makes it fast.
pub struct Normalizer {
    stemmer: Option<Stemmer>,
    vocabulary: Arc<Vocabulary>,
    /// Folded word → (token id, word number), for ASCII words of up to 16 bytes (most words
    /// of most news text), keyed by the folded bytes zero-padded into a `u128`: no string to
    /// compare or chase a pointer to. Words never contain a zero byte, so the key is exact.
    short_cache: ShortWordTable,
    /// Folded word → (token id, word number), for every other word.
    cache: FxHashMap<Box<str>, (u64, WordId)>,
    folded: String,
}

impl Normalizer {
    /// Distinct words cached before the cache is emptied (about 64 MiB at most).
    pub const MAX_CACHED_WORDS: usize = 1 << 20;

    /// A normalizer with a vocabulary of its own.
    pub fn new(language: Language) -> Self {
        Self::with_vocabulary(language, Arc::new(Vocabulary::new()))
    }

    /// A normalizer that numbers words in `vocabulary`.
    pub fn with_vocabulary(language: Language, vocabulary: Arc<Vocabulary>) -> Self {
        Normalizer {
            stemmer: stemming_algorithm(language).map(Stemmer::create),
            vocabulary,
            short_cache: ShortWordTable::new(),
            cache: FxHashMap::default(),
            folded: String::with_capacity(64),
        }
    }

    /// The vocabulary this normalizer numbers words in.
    pub fn vocabulary(&self) -> &Vocabulary {
        &self.vocabulary
    }

    /// Appends the tokens of `text` to `out`; spans are offset by `base` (the position of `text`
    /// in its document).
    ///
    /// Words are found from byte classes worked out 64 bytes at a time (see `Words`); a plain
    /// ASCII word of up to 16 bytes (most words of most news text) is looked up by its bytes
    /// straight from the text.
    pub fn tokenize(&mut self, text: &str, base: usize, out: &mut Vec<Token>) {
        let mut words = Words::new(text);
        while let Some(Word { start, end, plain }) = words.next_word() {
            if base + end > u32::MAX as usize {
                // Past 4 GiB: not tokenized (see `Token`).
                break;
            }
            let (id, word) = if plain && end - start <= 16 {
                // ASCII letters and digits only: `| 0x20` lower-cases the letters and leaves
                // the digits as they are (their 0x20 bit is already set).
                let padded = u128::from_le_bytes(zero_padded_bytes_at(text.as_bytes(), start));
                let key =
                    (padded | 0x2020_2020_2020_2020_2020_2020_2020_2020) & FIRST_BYTES[end - start];
                self.short_token_id(key, text, start..end)
            } else {
                self.token_id(&text[start..end])
            };
            out.push(Token::new(id, word, Span::new(base + start, base + end)));
        }
    }

    /// The id and word number of one raw word (as delimited by the tokenizer).
    fn token_id(&mut self, raw: &str) -> (u64, WordId) {
        if raw.len() <= 16 && raw.is_ascii() {
            // The ASCII fold (lower case, commas dropped), shifted straight into the key (in a
            // register: bytes stored one by one and read back as a whole would stall).
            let mut key = 0u128;
            let mut shift = 0;
            for &b in raw.as_bytes() {
                if b != b',' {
                    key |= u128::from(b.to_ascii_lowercase()) << shift;
                    shift += 8;
                }
            }
            return self.short_token_id(key, raw, 0..raw.len());
        }
        fold_word(raw, &mut self.folded);
        if let Some(&known) = self.cache.get(self.folded.as_str()) {
            return known;
        }
        let new = self.stem_and_hash_folded();
        self.make_room();
        self.cache.insert(self.folded.as_str().into(), new);
        new
    }

    /// The id and word number of the ASCII word `text[span]` of up to 16 bytes whose folded
    /// bytes, zero-padded, are `key`. The word is sliced only if it is new (slicing a `str`
    /// checks both ends for char boundaries: 6% of the instructions of tokenizing).
    #[inline(always)]
    fn short_token_id(&mut self, key: u128, text: &str, span: Range<usize>) -> (u64, WordId) {
        match self.short_cache.get(key) {
            Some(known) => known,
            None => self.new_short_word(key, &text[span]),
        }
    }

    /// [`Self::short_token_id`] of a word not in the cache: stems, hashes and caches it.
    #[cold]
    #[inline(never)]
    fn new_short_word(&mut self, key: u128, raw: &str) -> (u64, WordId) {
        fold_word(raw, &mut self.folded);
        let new = self.stem_and_hash_folded();
        self.make_room();
        self.short_cache.insert(key, new);
        new
    }

    /// The id and word number of the word in `self.folded`.
    fn stem_and_hash_folded(&self) -> (u64, WordId) {
        let id = match &self.stemmer {
            Some(stemmer) => token_hash(&stemmer.stem(&self.folded)),
            None => token_hash(&self.folded),
        };
        (id, self.vocabulary.number(id))
    }

    /// Empties the caches when they hold [`Self::MAX_CACHED_WORDS`] words.
    fn make_room(&mut self) {
        if self.cache.len() + self.short_cache.len() >= Self::MAX_CACHED_WORDS {
            self.cache.clear();
            self.short_cache.clear();
        }
    }

    /// The normalized, stemmed form of each word of `text` (for tests and debugging; allocates).
    pub fn normalized_words(&mut self, text: &str) -> Vec<String> {
        let mut words = WordSpans::new(text);
        let mut out = Vec::new();
        while let Some((start, end)) = words.next_word() {
            fold_word(&text[start..end], &mut self.folded);
            out.push(match &self.stemmer {
                Some(stemmer) => stemmer.stem(&self.folded).into_owned(),
                None => self.folded.clone(),
            });
        }
        out
    }
}

/// Normalizers kept between runs, so that their word caches stay warm: a fresh [`Normalizer`]
/// stems and hashes every word it meets once, which for a handful of articles (an index query)
/// is most of the fingerprinting time. [`NormalizerPool::take`] lends one; it comes back when the
/// loan is dropped. Holds at most as many normalizers as were ever lent at once (one per
/// thread), each bounded by [`Normalizer::MAX_CACHED_WORDS`]. All of them number words in the
/// pool's one [`Vocabulary`].
pub struct NormalizerPool {
    language: Language,
    vocabulary: Arc<Vocabulary>,
    idle: Mutex<Vec<Normalizer>>,
}

impl NormalizerPool {
    /// A normalizer for `language`.
    pub fn new(language: Language) -> Self {
        NormalizerPool {
            language,
            vocabulary: Arc::new(Vocabulary::new()),
            idle: Mutex::new(Vec::new()),
        }
    }

    /// A normalizer for this pool's language: an idle one, or a new one.
    pub fn take(&self) -> PooledNormalizer<'_> {
        let idle = self.idle.lock().unwrap_or_else(|e| e.into_inner()).pop();
        let new = || Normalizer::with_vocabulary(self.language, Arc::clone(&self.vocabulary));
        PooledNormalizer {
            pool: self,
            normalizer: Some(idle.unwrap_or_else(new)),
        }
    }

    /// The vocabulary the pool's normalizers number words in.
    pub fn vocabulary(&self) -> &Vocabulary {
        &self.vocabulary
    }
}

/// A normalizer lent by a [`NormalizerPool`]; dropping it gives it back.
pub struct PooledNormalizer<'a> {
    pool: &'a NormalizerPool,
    normalizer: Option<Normalizer>,
}

impl Deref for PooledNormalizer<'_> {
    type Target = Normalizer;
    fn deref(&self) -> &Normalizer {
        self.normalizer.as_ref().expect("lent until dropped")
    }
}

impl DerefMut for PooledNormalizer<'_> {
    fn deref_mut(&mut self) -> &mut Normalizer {
        self.normalizer.as_mut().expect("lent until dropped")
    }
}

impl Drop for PooledNormalizer<'_> {
    fn drop(&mut self) {
        if let Some(normalizer) = self.normalizer.take() {
            let mut idle = self.pool.idle.lock().unwrap_or_else(|e| e.into_inner());
            idle.push(normalizer);
        }
    }
}

fn stemming_algorithm(language: Language) -> Option<Algorithm> {
    Some(match language {
        Language::None => return None,
        Language::Arabic => Algorithm::Arabic,
        Language::Danish => Algorithm::Danish,
        Language::Dutch => Algorithm::Dutch,
        Language::English => Algorithm::English,
        Language::Finnish => Algorithm::Finnish,
        Language::French => Algorithm::French,
        Language::German => Algorithm::German,
        Language::Greek => Algorithm::Greek,
        Language::Hungarian => Algorithm::Hungarian,
        Language::Italian => Algorithm::Italian,
        Language::Norwegian => Algorithm::Norwegian,
        Language::Portuguese => Algorithm::Portuguese,
        Language::Romanian => Algorithm::Romanian,
        Language::Russian => Algorithm::Russian,
        Language::Spanish => Algorithm::Spanish,
        Language::Swedish => Algorithm::Swedish,
        Language::Tamil => Algorithm::Tamil,
        Language::Turkish => Algorithm::Turkish,
    })
}

fn is_apostrophe(c: char) -> bool {
    matches!(c, '\'' | '\u{2019}' | '\u{02BC}' | '\u{2018}')
}

fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || (!c.is_ascii() && is_combining_mark(c))
}

/// Writes the folded form of one raw word into `out`: NFKC, lower case, `'` for apostrophes,
/// thousands separators dropped.
fn fold_word(raw: &str, out: &mut String) {
    out.clear();
    if raw.is_ascii() {
        for b in raw.bytes() {
            if b != b',' {
                out.push(b.to_ascii_lowercase() as char);
            }
        }
        return;
    }
    for c in raw.nfkc() {
        if c == ',' {
            continue;
        }
        if is_apostrophe(c) {
            out.push('\'');
        } else {
            out.extend(c.to_lowercase());
        }
    }
}

/// The byte spans of the words of `text`, in order: exactly the spans of the tokens that
/// [`Normalizer::tokenize`] makes of `text` (with `base` 0), found without normalizing or
/// stemming. A scan keeps only token ids and finds the few spans it reports again with this.
pub fn word_spans(text: &str) -> impl Iterator<Item = Span> + '_ {
    let mut words = Words::new(text);
    std::iter::from_fn(move || {
        words
            .next_word()
            .map(|word| Span::new(word.start, word.end))
    })
}

/// Whether `c`, not a word char, between `prev` and `next` joins them into one word: an
/// apostrophe between letters, a comma or period between digits.
fn joins_word(prev: char, c: char, next: Option<char>) -> bool {
    match next {
        Some(next) if is_apostrophe(c) => prev.is_alphabetic() && next.is_alphabetic(),
        Some(next) if c == ',' || c == '.' => prev.is_ascii_digit() && next.is_ascii_digit(),
        _ => false,
    }
}

/// What 64 bytes of text are, one bit a byte (bit `i` for byte `at + i`).
#[derive(Debug, Clone, Copy, Default)]
struct AsciiClasses {
    /// ASCII letters and digits.
    alnum: u64,
    /// Bytes of non-ASCII characters.
    non_ascii: u64,
}

impl AsciiClasses {
    const LEN: usize = 64;

    /// The classes of `bytes[at..at + 64]`; past the end of `bytes` reads as zero bytes
    /// (neither class).
    fn of(bytes: &[u8], at: usize) -> Self {
        Self::classify(&zero_padded_bytes_at(bytes, at))
    }

    /// SSE2 (every x86-64 processor has it): two range tests on sixteen bytes at once.
    #[cfg(target_arch = "x86_64")]
    fn classify(block: &[u8; 64]) -> Self {
        use std::arch::x86_64::*;
        // Signed comparisons: bytes of 0x80 and above are negative and in neither range.
        macro_rules! within {
            ($v:expr, $lo:expr, $hi:expr) => {
                _mm_and_si128(
                    _mm_cmpgt_epi8($v, _mm_set1_epi8($lo as i8 - 1)),
                    _mm_cmplt_epi8($v, _mm_set1_epi8($hi as i8 + 1)),
                )
            };
        }
        let mut classes = AsciiClasses::default();
        for (i, chunk) in block.chunks_exact(16).enumerate() {
            // SAFETY: SSE2 is part of x86-64; the load reads the 16 bytes of `chunk`.
            let (alnum, non_ascii) = unsafe {
                let v = _mm_loadu_si128(chunk.as_ptr().cast());
                let lower = _mm_or_si128(v, _mm_set1_epi8(0x20));
                let alnum = _mm_or_si128(within!(lower, b'a', b'z'), within!(v, b'0', b'9'));
                (_mm_movemask_epi8(alnum), _mm_movemask_epi8(v))
            };
            classes.alnum |= u64::from(alnum as u16) << (16 * i);
            classes.non_ascii |= u64::from(non_ascii as u16) << (16 * i);
        }
        classes
    }

    #[cfg(not(target_arch = "x86_64"))]
    fn classify(block: &[u8; 64]) -> Self {
        let mut classes = AsciiClasses::default();
        for (i, b) in block.iter().enumerate() {
            classes.alnum |= u64::from(b.is_ascii_alphanumeric()) << i;
            classes.non_ascii |= u64::from(!b.is_ascii()) << i;
        }
        classes
    }
}

/// Short word key → (token id, word number): an open-addressing table with linear probing,
/// each slot the 16-byte key and its value in one 32-byte, 32-byte-aligned slot (one cache
/// line read per lookup, where a general map reads a control byte group and then the slot).
/// Key 0 marks an empty slot (a word has at least one non-zero byte). At most half full.
struct ShortWordTable {
    slots: Vec<ShortWordSlot>,
    /// `64 - log2(slots.len())`: a hash's top bits index the slots.
    shift: u32,
    len: usize,
}

#[derive(Clone, Copy, Default)]
#[repr(C, align(32))]
struct ShortWordSlot {
    key: u128,
    id: u64,
    word: WordId,
}

impl ShortWordTable {
    const INITIAL_SLOTS: usize = 1 << 12;

    fn new() -> Self {
        ShortWordTable {
            slots: vec![ShortWordSlot::default(); Self::INITIAL_SLOTS],
            shift: 64 - Self::INITIAL_SLOTS.trailing_zeros(),
            len: 0,
        }
    }

    fn len(&self) -> usize {
        self.len
    }

    /// The home slot of `key`: both halves multiplied in, the top bits of the product.
    #[inline(always)]
    fn home(&self, key: u128) -> usize {
        let (low, high) = (key as u64, (key >> 64) as u64);
        let mixed =
            (low ^ high.wrapping_mul(0x9E37_79B9_7F4A_7C15)).wrapping_mul(0xD6E8_FEB8_6659_FD93);
        (mixed >> self.shift) as usize
    }

    #[inline(always)]
    fn get(&self, key: u128) -> Option<(u64, WordId)> {
        let mask = self.slots.len() - 1;
        let mut at = self.home(key);
        loop {
            let slot = &self.slots[at];
            if slot.key == key {
                return Some((slot.id, slot.word));
            }
            if slot.key == 0 {
                return None;
            }
            at = (at + 1) & mask;
        }
    }

    /// Adds `key` (not in the table).
    fn insert(&mut self, key: u128, (id, word): (u64, WordId)) {
        if 2 * (self.len + 1) > self.slots.len() {
            self.grow();
        }
        let mask = self.slots.len() - 1;
        let mut at = self.home(key);
        while self.slots[at].key != 0 {
            at = (at + 1) & mask;
        }
        self.slots[at] = ShortWordSlot { key, id, word };
        self.len += 1;
    }

    fn grow(&mut self) {
        let doubled = vec![ShortWordSlot::default(); 2 * self.slots.len()];
        let old = std::mem::replace(&mut self.slots, doubled);
        self.shift -= 1;
        self.len = 0;
        for slot in old.into_iter().filter(|slot| slot.key != 0) {
            self.insert(slot.key, (slot.id, slot.word));
        }
    }

    fn clear(&mut self) {
        self.slots.fill(ShortWordSlot::default());
        self.len = 0;
    }
}

/// `FIRST_BYTES[n]` keeps the first `n` bytes of a little-endian `u128` (n = 0..=16).
const FIRST_BYTES: [u128; 17] = {
    let mut masks = [0u128; 17];
    let mut n = 1;
    while n <= 16 {
        masks[n] = u128::MAX >> (8 * (16 - n));
        n += 1;
    }
    masks
};

/// `bytes[at..at + N]`, zero-padded past the end.
fn zero_padded_bytes_at<const N: usize>(bytes: &[u8], at: usize) -> [u8; N] {
    match bytes.get(at..at + N) {
        Some(chunk) => chunk.try_into().expect("N bytes"),
        None => {
            let mut chunk = [0; N];
            let tail = bytes.get(at..).unwrap_or_default();
            chunk[..tail.len()].copy_from_slice(tail);
            chunk
        }
    }
}

/// A word found by [`Words`]: its byte span, and whether it is plain (ASCII letters and digits
/// only).
struct Word {
    start: usize,
    end: usize,
    plain: bool,
}

/// Finds the words [`WordSpans`] finds, from byte classes worked out 64 bytes at a time
/// ([`AsciiClasses`]): most words of most news text are runs of ASCII letters and digits ended
/// by a space or punctuation that cannot join them to more ([`ends_word`]); those are found
/// with a few bit operations each, and only a word that starts with a non-ASCII character, or
/// ends where it might join more, goes through [`WordSpans`].
struct Words<'a> {
    text: &'a str,
    /// Where the next word is looked for.
    pos: usize,
    /// The classes of the 64 bytes from `block` (each block is classified once).
    block: usize,
    classes: AsciiClasses,
}

impl<'a> Words<'a> {
    fn new(text: &'a str) -> Self {
        Words {
            text,
            pos: 0,
            block: 0,
            classes: AsciiClasses::of(text.as_bytes(), 0),
        }
    }

    /// Classifies the 64 bytes from `at`.
    fn classify_from(&mut self, at: usize) {
        self.block = at;
        self.classes = AsciiClasses::of(self.text.as_bytes(), at);
    }

    #[inline(always)]
    fn next_word(&mut self) -> Option<Word> {
        let bytes = self.text.as_bytes();
        while self.pos < bytes.len() {
            if self.pos >= self.block + AsciiClasses::LEN {
                self.classify_from(self.pos);
            }
            let offset = self.pos - self.block;
            let may_start = (self.classes.alnum | self.classes.non_ascii) >> offset;
            if may_start == 0 {
                self.pos = self.block + AsciiClasses::LEN;
                continue;
            }
            let start = self.pos + may_start.trailing_zeros() as usize;
            // The run of letters and digits from `start`: within this block (bits shifted in
            // above it are zero, so the run stops at its end), then block after block.
            let mut end =
                start + (self.classes.alnum >> (start - self.block)).trailing_ones() as usize;
            while end == self.block + AsciiClasses::LEN {
                self.classify_from(end);
                end += self.classes.alnum.trailing_ones() as usize;
            }
            if end > start && ends_word(bytes, end) {
                self.pos = end;
                return Some(Word {
                    start,
                    end,
                    plain: true,
                });
            }
            let mut words = WordSpans {
                text: self.text,
                pos: start,
            };
            let (start, end) = words.next_word()?;
            self.pos = end;
            return Some(Word {
                start,
                end,
                plain: false,
            });
        }
        None
    }
}

/// Whether a word ends where a run of ASCII letters and digits `bytes[..end]` (of at least one
/// byte) does: what follows cannot join it to more (see [`joins_word`]). `false` sends the
/// word through the general rules, which decide.
fn ends_word(bytes: &[u8], end: usize) -> bool {
    let last = bytes[end - 1];
    match bytes.get(end) {
        None => true,
        // Joins only between digits.
        Some(b'.' | b',') => {
            !(last.is_ascii_digit() && bytes.get(end + 1).is_some_and(u8::is_ascii_digit))
        }
        // Joins only between letters (the next may be a non-ASCII one).
        Some(b'\'') => {
            last.is_ascii_digit()
                || bytes
                    .get(end + 1)
                    .is_none_or(|&next| next.is_ascii() && !next.is_ascii_alphabetic())
        }
        // A non-ASCII character may be a letter, a mark or an apostrophe.
        Some(&b) => b.is_ascii(),
    }
}

/// Finds words: runs of letters, digits and combining marks; an apostrophe between letters
/// ("Putin’s", "don't") and a comma or period between digits ("10,000", "3.5") join a word.
struct WordSpans<'a> {
    text: &'a str,
    pos: usize,
}

impl<'a> WordSpans<'a> {
    fn new(text: &'a str) -> Self {
        WordSpans { text, pos: 0 }
    }

    fn next_word(&mut self) -> Option<(usize, usize)> {
        let text = self.text;
        let bytes = text.as_bytes();
        // Skip to the start of a word. ASCII bytes are classified directly (most news text);
        // anything else is decoded as a char. `pos` only ever moves by whole chars.
        let start = loop {
            let &b = bytes.get(self.pos)?;
            if b.is_ascii() {
                if b.is_ascii_alphanumeric() {
                    break self.pos;
                }
                self.pos += 1;
            } else {
                let c = text[self.pos..].chars().next()?;
                if is_word_char(c) {
                    break self.pos;
                }
                self.pos += c.len_utf8();
            }
        };
        let mut prev = '\0';
        let mut end = start;
        while let Some(&b) = bytes.get(end) {
            let c = if b.is_ascii() {
                if b.is_ascii_alphanumeric() {
                    end += 1;
                    prev = b as char;
                    continue;
                }
                b as char
            } else {
                let c = text[end..]
                    .chars()
                    .next()
                    .expect("end is on a char boundary");
                if is_word_char(c) {
                    end += c.len_utf8();
                    prev = c;
                    continue;
                }
                c
            };
            if !joins_word(prev, c, text[end + c.len_utf8()..].chars().next()) {
                break;
            }
            end += c.len_utf8();
            prev = c;
        }
        self.pos = end;
        Some((start, end))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(text: &str) -> Vec<String> {
        Normalizer::new(Language::English).normalized_words(text)
    }

    #[test]
    fn case_quotes_and_punctuation_fold_away() {
        assert_eq!(
            words("“The Russian people,” Putin said."),
            ["the", "russian", "peopl", "putin", "said"]
        );
        assert_eq!(
            words("Putin’s comments"),
            words("putin's COMMENTS"),
            "curly apostrophes fold"
        );
    }

    #[test]
    fn numbers_are_kept_and_thousands_separators_folded() {
        assert_eq!(words("10,000-12,000 troops"), ["10000", "12000", "troop"]);
        assert_eq!(words("10,000 to 12,000"), ["10000", "to", "12000"]);
        assert_eq!(words("in 2024."), ["in", "2024"]);
        assert_eq!(words("3.5 percent"), ["3.5", "percent"]);
    }

    #[test]
    fn nfkc_folds_compatibility_forms() {
        // Full-width letters and a ligature normalize to their plain forms.
        assert_eq!(words("ＫＣＮＡ ﬁnal"), words("KCNA final"));
        // Decomposed and precomposed accents give the same word.
        assert_eq!(words("re\u{301}gion"), words("région"));
    }

    #[test]
    fn stemming_merges_inflections() {
        assert_eq!(words("deployed deploying"), ["deploy", "deploy"]);
        let mut none = Normalizer::new(Language::None);
        assert_eq!(none.normalized_words("deployed"), ["deployed"]);
    }

    #[test]
    fn token_spans_slice_the_original_words() {
        let text = "— “Shoulder to shoulder,” he said (10,000).";
        let mut normalizer = Normalizer::new(Language::English);
        let mut tokens = Vec::new();
        normalizer.tokenize(&text[4..], 4, &mut tokens);
        let raw: Vec<&str> = tokens.iter().map(|t| t.span().slice(text)).collect();
        assert_eq!(raw, ["Shoulder", "to", "shoulder", "he", "said", "10,000"]);
        assert_eq!(tokens[0].id, tokens[2].id);
    }

    #[test]
    fn word_spans_are_the_token_spans() {
        let text = "— “Shoulder to shoulder,” he said (10,000). Ｋｉｍ’s région 3.5";
        let mut tokens = Vec::new();
        Normalizer::new(Language::English).tokenize(text, 0, &mut tokens);
        let spans: Vec<Span> = tokens.iter().map(Token::span).collect();
        assert_eq!(word_spans(text).collect::<Vec<_>>(), spans);
        assert_eq!(spans.len(), 9);
    }

    #[test]
    fn ids_are_stable_across_normalizers_and_cache_resets() {
        let mut a = Normalizer::new(Language::English);
        let mut b = Normalizer::new(Language::English);
        let (mut ta, mut tb) = (Vec::new(), Vec::new());
        a.tokenize("wire copy republished", 0, &mut ta);
        b.cache.insert("unrelated".into(), (1, 0));
        b.tokenize("wire copy republished", 0, &mut tb);
        let ids = |tokens: &[Token]| tokens.iter().map(|t| (t.id, t.span())).collect::<Vec<_>>();
        assert_eq!(ids(&ta), ids(&tb));
    }

    #[test]
    fn the_short_word_table_finds_what_it_holds_as_it_grows_and_nothing_after_a_clear() {
        let mut table = ShortWordTable::new();
        // Keys like folded words: bytes in the low end, zero above; enough to double the
        // table several times.
        let key = |i: u64| u128::from(i.wrapping_mul(0x0101_0101) | 0x61) << (8 * (i % 9));
        let n = 50_000;
        for i in 0..n {
            assert_eq!(table.get(key(i)), None, "{i}");
            table.insert(key(i), (i * 3, i as WordId));
        }
        assert_eq!(table.len(), n as usize);
        for i in 0..n {
            assert_eq!(table.get(key(i)), Some((i * 3, i as WordId)), "{i}");
        }
        assert_eq!(table.get(key(n)), None);
        table.clear();
        assert_eq!(table.len(), 0);
        assert!((0..n).all(|i| table.get(key(i)).is_none()));
    }

    #[test]
    fn word_numbers_are_equal_exactly_when_ids_are() {
        let vocabulary = Arc::new(Vocabulary::new());
        let mut a = Normalizer::with_vocabulary(Language::English, Arc::clone(&vocabulary));
        let mut b = Normalizer::with_vocabulary(Language::English, Arc::clone(&vocabulary));
        let (mut ta, mut tb) = (Vec::new(), Vec::new());
        // Different words first, so the two normalizers meet the shared words in another order.
        a.tokenize("Kim said the troops deployed", 0, &mut ta);
        b.tokenize("Deploying troops, Putin said", 0, &mut tb);
        let ids = vocabulary.token_ids();
        for x in ta.iter().chain(&tb) {
            assert_eq!(ids[x.word as usize], x.id);
            for y in ta.iter().chain(&tb) {
                assert_eq!(x.word == y.word, x.id == y.id);
            }
        }
        // "troop", "deploy" and "said" are shared: 9 tokens, 6 distinct words.
        let mut words: Vec<WordId> = ta.iter().chain(&tb).map(|t| t.word).collect();
        words.sort_unstable();
        words.dedup();
        assert_eq!(words.len(), 6);
    }

    /// The tokenizer as first written, char by char and with no cache: the oracle that the
    /// ASCII fast paths and the caches must agree with.
    fn reference_tokens(text: &str) -> Vec<(u64, Span)> {
        let stemmer = Stemmer::create(Algorithm::English);
        let mut out = Vec::new();
        let mut pos = 0;
        let mut folded = String::new();
        loop {
            let Some(start) = text[pos..]
                .char_indices()
                .find(|(_, c)| is_word_char(*c))
                .map(|(i, _)| pos + i)
            else {
                return out;
            };
            let (mut prev, mut end) = ('\0', start);
            while let Some(c) = text[end..].chars().next() {
                let next = text[end + c.len_utf8()..].chars().next();
                if !(is_word_char(c) || joins_word(prev, c, next)) {
                    break;
                }
                end += c.len_utf8();
                prev = c;
            }
            fold_word(&text[start..end], &mut folded);
            out.push((token_hash(&stemmer.stem(&folded)), Span::new(start, end)));
            pos = end;
        }
    }

    #[test]
    fn fast_paths_give_the_tokens_of_the_plain_tokenizer() {
        let mut texts: Vec<String> = std::fs::read_dir("data/sample")
            .unwrap()
            .map(|entry| std::fs::read_to_string(entry.unwrap().path()).unwrap())
            .collect();
        texts.extend(
            [
                "Putin’s men, 10,000-12,000 of them; 3.5% in '24 — “don't” ＫＣＮＡ ﬁnal re\u{301}gion",
                "A verylongwordofmorethansixteenbytes and CAPITALS, ÉLAN, naïve, 1,000,000.5",
                "Trailing apostrophe' 'leading, it''s, x,y 7,a a.7 7. .7 Ελληνικά Русский 中文",
                "exactly16bytes!! exactly17bytes!!! 1234567890123456 12345678901234567",
            ]
            .map(String::from),
        );
        let mut normalizer = Normalizer::new(Language::English);
        for text in &texts {
            // Twice: the second pass is served from the caches.
            for _ in 0..2 {
                let mut tokens = Vec::new();
                normalizer.tokenize(text, 0, &mut tokens);
                let got: Vec<(u64, Span)> = tokens.iter().map(|t| (t.id, t.span())).collect();
                assert_eq!(got, reference_tokens(text), "{text}");
            }
        }
    }

    proptest::proptest! {
        /// Text made of runs of letters, digits, joining characters and non-ASCII characters
        /// of every length (across the tokenizer's 16-byte steps): the fast path agrees with
        /// the plain tokenizer.
        #[test]
        fn tokens_of_any_mix_of_ascii_and_other_text_are_the_plain_tokenizer_s(
            pieces in proptest::collection::vec(
                (
                    proptest::sample::select(vec![
                        "a", "Z", "q", "7", "0", " ", "  ", "\n", "'", ",", ".", "-", "\"",
                        "é", "’", "“", "中", "Ｋ", "e\u{301}", "ß", "7.7", "1,0", "it's",
                        "a'é", "7'a", "x.",
                    ]),
                    1usize..20,
                ),
                0..40,
            ),
        ) {
            let text: String = pieces.iter().map(|(piece, n)| piece.repeat(*n)).collect();
            let mut normalizer = Normalizer::new(Language::English);
            for _ in 0..2 {
                let mut tokens = Vec::new();
                normalizer.tokenize(&text, 0, &mut tokens);
                let got: Vec<(u64, Span)> = tokens.iter().map(|t| (t.id, t.span())).collect();
                proptest::prop_assert_eq!(got, reference_tokens(&text));
            }
            let spans: Vec<Span> = word_spans(&text).collect();
            let expected: Vec<Span> = reference_tokens(&text).into_iter().map(|(_, span)| span).collect();
            proptest::prop_assert_eq!(spans, expected);
        }
    }

    #[test]
    fn words_past_4_gib_are_not_tokenized_and_do_not_panic() {
        let mut normalizer = Normalizer::new(Language::English);
        let mut tokens = Vec::new();
        // "wire" ends 1 byte before the 32-bit limit, "copy" would end past it.
        let base = u32::MAX as usize - 5;
        normalizer.tokenize("wire copy", base, &mut tokens);
        assert_eq!(tokens.len(), 1);
        assert_eq!(tokens[0].span(), Span::new(base, base + 4));
    }
}
