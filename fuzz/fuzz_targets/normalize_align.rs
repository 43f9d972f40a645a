//! Normalization, tokenization, shingling, MinHash and alignment: token spans slice the input
//! on character boundaries in order; an alignment's spans do too; a text aligned with itself
//! is found whole when it has enough words.
#![no_main]

use libfuzzer_sys::fuzz_target;
use wiretrace::align::{align_two, AlignParams};
use wiretrace::minhash::MinHasher;
use wiretrace::normalize::Normalizer;
use wiretrace::params::Language;
use wiretrace::shingle::shingle_set;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let mut normalizer = Normalizer::new(Language::English);
    let mut tokens = Vec::new();
    normalizer.tokenize(&text, 0, &mut tokens);
    let mut previous_end = 0;
    for token in &tokens {
        let span = token.span();
        assert!(previous_end <= span.start && span.start < span.end && span.end <= text.len());
        assert!(text.is_char_boundary(span.start) && text.is_char_boundary(span.end));
        previous_end = span.end;
    }
    let mut shingles = Vec::new();
    shingle_set(&tokens, 3, &mut shingles);
    let mut signature = vec![0u32; 16];
    MinHasher::new(16, 1).signature(&shingles, &mut signature);

    let params = AlignParams::default();
    for alignment in align_two(&tokens, &tokens, &params) {
        for span in [alignment.span_a, alignment.span_b] {
            assert!(span.start < span.end && span.end <= text.len());
            assert!(text.is_char_boundary(span.start) && text.is_char_boundary(span.end));
        }
        assert!(alignment.matched as usize >= params.min_tokens);
    }
});
