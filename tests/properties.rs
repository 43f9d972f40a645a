//! Property tests for the invariants the report relies on.

use proptest::prelude::*;
use std::collections::BTreeSet;

use wiretrace::doc::Document;
use wiretrace::index::{Index, OnDuplicate};
use wiretrace::normalize::Normalizer;
use wiretrace::params::{Language, Params};
use wiretrace::pipeline::{self, ScanOptions};
use wiretrace::report::{json, Report};
use wiretrace::segment;
use wiretrace::verify::similarity;

/// Text made of news-like words, punctuation, quotes, numbers, non-ASCII and line breaks.
fn newsy_text() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        6 => prop::sample::select(vec![
            "Putin", "said", "the", "troops", "Kursk", "région", "North", "Korea’s", "10,000",
            "ceasefire", "Ukraine", "ＫＣＮＡ", "ﬁnal", "naïve", "e\u{301}tat", "Москва", "北韓",
            "don't", "3.5", "honour", "honor",
        ]).prop_map(str::to_string),
        1 => prop::sample::select(vec![
            " ", "  ", "\n", "\n\n", ", ", ". ", "“", "”", "\"", " — ", "-", "(AP) —", "\u{a0}", "\t", "\r\n",
        ]).prop_map(str::to_string),
        1 => "[a-zA-Z0-9 ,.;:!?'’\n-]{0,12}",
        1 => any::<char>().prop_map(|c| c.to_string()),
    ];
    prop::collection::vec(piece, 0..120).prop_map(|pieces| pieces.join(" "))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(96))]

    #[test]
    fn paragraph_and_token_spans_slice_back_to_their_text(text in newsy_text()) {
        let mut normalizer = Normalizer::new(Language::English);
        let mut alone = Normalizer::new(Language::English);
        let mut previous_end = 0;
        for paragraph in segment::paragraphs(&text) {
            prop_assert!(previous_end <= paragraph.start && paragraph.end <= text.len());
            prop_assert!(text.is_char_boundary(paragraph.start) && text.is_char_boundary(paragraph.end));
            previous_end = paragraph.end;
            let mut tokens = Vec::new();
            normalizer.tokenize(paragraph.slice(&text), paragraph.start, &mut tokens);
            for token in tokens {
                prop_assert!(paragraph.start <= token.span().start && token.span().end <= paragraph.end);
                // The token's text, normalized on its own, is the same token.
                let mut again = Vec::new();
                alone.tokenize(token.span().slice(&text), token.span().start, &mut again);
                prop_assert_eq!(again.len(), 1);
                prop_assert_eq!(again[0].id, token.id);
            }
        }
    }

    #[test]
    fn similarity_is_symmetric(
        a in prop::collection::btree_set(0u64..200, 0..60),
        b in prop::collection::btree_set(0u64..200, 0..60),
    ) {
        let (a, b): (Vec<u64>, Vec<u64>) = (a.into_iter().collect(), b.into_iter().collect());
        let ab = similarity(&a, &b);
        let ba = similarity(&b, &a);
        prop_assert_eq!(ab.jaccard, ba.jaccard);
        prop_assert_eq!(ab.containment_a_in_b, ba.containment_b_in_a);
        prop_assert!((0.0..=1.0).contains(&ab.jaccard));
    }
}

fn corpus_from(texts: &[String]) -> Vec<Document> {
    texts
        .iter()
        .enumerate()
        .map(|(i, t)| Document::new(format!("d{i}"), t.clone()))
        .collect()
}

fn report_json(documents: &[Document], threads: usize) -> String {
    let params = Params::default().validated().unwrap();
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .unwrap();
    let result = pool.install(|| pipeline::scan(documents, &params, &|_| {}));
    let report = Report::build(documents, &[], &params, &result);
    let mut out = Vec::new();
    json::write_json(&report, &mut out).unwrap();
    String::from_utf8(out).unwrap()
}

/// Articles that share passages: each takes slices of a common pool of sentences.
fn related_articles() -> impl Strategy<Value = Vec<String>> {
    let sentences = prop::collection::vec(newsy_text(), 6);
    (
        sentences,
        prop::collection::vec(prop::collection::vec(0usize..6, 1..6), 2..6),
    )
        .prop_map(|(sentences, picks)| {
            picks
                .into_iter()
                .map(|p| {
                    p.into_iter()
                        .map(|i| sentences[i].clone())
                        .collect::<Vec<_>>()
                        .join("\n\n")
                })
                .collect()
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    #[test]
    fn reports_are_identical_for_any_thread_count(texts in related_articles()) {
        let documents = corpus_from(&texts);
        prop_assert_eq!(report_json(&documents, 1), report_json(&documents, 2));
    }

    #[test]
    fn a_document_compared_with_itself_is_one_full_passage(text in newsy_text()) {
        let doc = Document::new("a", text.clone());
        let params = Params::default().validated().unwrap();
        let mut tokens = Vec::new();
        let mut normalizer = Normalizer::new(Language::English);
        for p in segment::paragraphs(&text) {
            normalizer.tokenize(p.slice(&text), p.start, &mut tokens);
        }
        let passages = pipeline::compare(&doc, &doc, &params);
        if tokens.len() >= 40 {
            let best = passages.iter().max_by_key(|p| p.matched).expect("a passage");
            // The whole text, token for token, on the diagonal (short repeats may add more).
            prop_assert_eq!(best.span_a, best.span_b);
            prop_assert_eq!(best.span_a.start, tokens[0].span().start);
            prop_assert_eq!(best.span_a.end, tokens[tokens.len() - 1].span().end);
        }
    }

    #[test]
    fn the_alignment_stage_alone_finds_the_passages_a_scan_finds(
        texts in related_articles(),
        keep in prop::collection::vec(any::<bool>(), 15),
    ) {
        let documents = corpus_from(&texts);
        let params = Params::default().validated().unwrap();
        let options = ScanOptions { keep_alignment_ops: false, ..ScanOptions::default() };
        let scanned = pipeline::scan_with(&documents, &params, options, &|_| {}).alignments;
        // Every pair, or some of them: each pair's passages, as the whole scan found them.
        let n = documents.len() as u32;
        let all: Vec<(u32, u32)> = (0..n).flat_map(|a| (a + 1..n).map(move |b| (a, b))).collect();
        let some: Vec<(u32, u32)> =
            all.iter().zip(keep.iter().cycle()).filter(|(_, &k)| k).map(|(&p, _)| p).collect();
        for pairs in [all, some] {
            let staged = pipeline::align_document_pairs(&documents, &pairs, &params, options);
            let expected: Vec<_> = scanned
                .iter()
                .filter(|a| pairs.contains(&(a.a, a.b)))
                .cloned()
                .collect();
            prop_assert_eq!(staged, expected);
        }
    }

    #[test]
    fn an_index_add_then_query_links_what_one_scan_links(
        texts in related_articles(),
        split in 1usize..5,
    ) {
        let documents = corpus_from(&texts);
        let split = split.min(documents.len() - 1);
        let (indexed, queried) = documents.split_at(split);
        let params = Params::default().validated().unwrap();
        let left: BTreeSet<&str> = indexed.iter().map(|d| d.id.as_str()).collect();

        let result = pipeline::scan(&documents, &params, &|_| {});
        let whole = Report::build(&documents, &[], &params, &result);

        let dir = tempfile::tempdir().unwrap();
        let mut index = Index::create(dir.path(), &params).unwrap();
        index.add_with(indexed, OnDuplicate::Fail, &|_| {}).unwrap();
        let found = index.query(queried, ScanOptions::default(), &|_| {}).unwrap();
        let query = Report::build(&found.documents, &[], &params, &found.result)
            .for_queries(|position| found.is_query(position));

        prop_assert_eq!(cross_pairs(&query, &left), cross_pairs(&whole, &left));
    }
}

/// Pairs of documents, one on each side of `left`, that a non-boilerplate cluster links.
fn cross_pairs(report: &Report, left: &BTreeSet<&str>) -> BTreeSet<(String, String)> {
    let mut pairs = BTreeSet::new();
    for cluster in report.clusters.iter().filter(|c| c.kind != "boilerplate") {
        let docs: BTreeSet<&str> = cluster.members.iter().map(|m| m.doc.as_str()).collect();
        for a in &docs {
            for b in &docs {
                if a < b && left.contains(a) != left.contains(b) {
                    pairs.insert((a.to_string(), b.to_string()));
                }
            }
        }
    }
    pairs
}
