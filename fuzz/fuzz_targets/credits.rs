//! Credit detection: any text, no panic; every credit lies inside a paragraph, on character
//! boundaries, and names an agency of the registry.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use wiretrace::attribute::{CreditDetector, Registry};
use wiretrace::segment;

/// Compiled once: building the patterns is the slow part, as in a real scan.
fn detector() -> &'static CreditDetector<'static> {
    static DETECTOR: OnceLock<CreditDetector<'static>> = OnceLock::new();
    DETECTOR.get_or_init(|| CreditDetector::new(Registry::builtin()))
}

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let paragraphs = segment::paragraphs(&text);
    let registry = Registry::builtin();
    for credit in detector().detect(&text, &paragraphs) {
        let span = credit.span;
        assert!(paragraphs.iter().any(|p| p.start <= span.start && span.end <= p.end));
        assert!(text.is_char_boundary(span.start) && text.is_char_boundary(span.end));
        assert!(registry.lookup(&credit.agency).is_some());
    }
});
