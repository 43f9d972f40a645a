//! The agency registry loader: any bytes as `--agencies` JSON, no panic; a registry that loads
//! has compiled credit patterns, and credit lines naming its aliases are found on character
//! boundaries inside paragraphs, naming its agencies.
#![no_main]

use libfuzzer_sys::fuzz_target;
use wiretrace::attribute::{CreditDetector, Registry};
use wiretrace::segment;

fuzz_target!(|data: &[u8]| {
    let json = String::from_utf8_lossy(data);
    let Ok(registry) = Registry::from_json(&json, "fuzz.json") else {
        return;
    };
    // Credit lines of every form, for the first aliases.
    let mut text = String::new();
    for alias in registry.aliases_longest_first().into_iter().take(8) {
        text.push_str(&format!(
            "By Jane Doe, {alias}\n\nLONDON ({alias}) — The story goes on.\n\n{alias} \
             contributed to this report.\n\n— {alias}\n\nSource: {alias}\n\n"
        ));
    }
    let paragraphs = segment::paragraphs(&text);
    for credit in CreditDetector::new(&registry).detect(&text, &paragraphs) {
        let span = credit.span;
        assert!(paragraphs
            .iter()
            .any(|p| p.start <= span.start && span.end <= p.end));
        assert!(text.is_char_boundary(span.start) && text.is_char_boundary(span.end));
        assert!(registry.lookup(&credit.agency).is_some());
    }
});
