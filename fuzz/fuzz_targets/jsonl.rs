//! JSONL parsing: any bytes, no panic; no more documents than non-blank lines, each cut to
//! the size limit.
#![no_main]

use libfuzzer_sys::fuzz_target;
use wiretrace::ingest::{read_jsonl, Corpus, IngestOptions, RecordIds};

fuzz_target!(|data: &[u8]| {
    let options = IngestOptions {
        max_doc_bytes: 4096,
        ..IngestOptions::default()
    };
    let mut corpus = Corpus::default();
    read_jsonl(&mut &data[..], "fuzz.jsonl", &RecordIds::numbered("fuzz"), &options, &mut corpus).expect("in-memory reads cannot fail");
    let lines = data.split(|&b| b == b'\n').filter(|l| !l.iter().all(u8::is_ascii_whitespace)).count();
    assert!(corpus.documents.len() <= lines);
    for doc in &corpus.documents {
        assert!(doc.text.len() <= 4096);
    }
});
