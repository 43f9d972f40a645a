//! Document decoding and paragraph segmentation: any bytes decode without panicking, and the
//! paragraphs of the text are ordered, non-empty, trimmed spans on character boundaries.
#![no_main]

use libfuzzer_sys::fuzz_target;
use wiretrace::ingest::{decode, Decoded};
use wiretrace::segment;

fuzz_target!(|data: &[u8]| {
    let Decoded::Text(text, _) = decode(data.to_vec()) else {
        return;
    };
    let mut previous_end = 0;
    for span in segment::paragraphs(&text) {
        assert!(previous_end <= span.start && span.start < span.end && span.end <= text.len());
        assert!(text.is_char_boundary(span.start) && text.is_char_boundary(span.end));
        let paragraph = span.slice(&text);
        assert_eq!(paragraph.trim(), paragraph);
        previous_end = span.end;
    }
});
