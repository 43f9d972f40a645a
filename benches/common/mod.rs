//! Bench corpus: real news text. The BBC corpus (2,225 articles, 5 MB) from ../shared when it is
//! there (it may not be committed: see its README), else the bundled sample in data/.

use std::path::Path;

use wiretrace::doc::Document;
use wiretrace::ingest::{self, IngestOptions, Input};

pub const BBC: &str = "../shared/corpora/bbc/bbc.jsonl";
pub const SAMPLE: &str = "data/sample";

/// The bench corpus and a name saying which one it is.
pub fn news_corpus() -> (Vec<Document>, &'static str) {
    let (path, name) = if Path::new(BBC).exists() {
        (BBC, "bbc")
    } else {
        (SAMPLE, "sample")
    };
    let corpus = ingest::ingest(&[Input::Path(path.into())], &IngestOptions::default())
        .expect("bench corpus is readable");
    (corpus.documents, name)
}

pub fn total_bytes(documents: &[Document]) -> u64 {
    documents.iter().map(|d| d.text.len() as u64).sum()
}
