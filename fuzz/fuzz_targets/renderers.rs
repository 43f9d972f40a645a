//! The report renderers: any texts (the input split into up to eight documents at `\x1e`), no
//! panic in a scan or in any format; JSON and JSONL parse back, CSV rows all have the header's
//! width, the HTML page is closed.
#![no_main]

use libfuzzer_sys::fuzz_target;
use wiretrace::doc::Document;
use wiretrace::params::Params;
use wiretrace::pipeline;
use wiretrace::report::{csv, html, json, text, CsvTable, Report};

fuzz_target!(|data: &[u8]| {
    let input = String::from_utf8_lossy(data);
    let documents: Vec<Document> = input
        .split('\x1e')
        .take(8)
        .enumerate()
        .map(|(i, text)| Document::new(format!("d{i}"), text))
        .collect();
    let params = Params::default()
        .validated()
        .expect("default parameters are valid");
    let result = pipeline::scan(&documents, &params, &|_| {});
    let report = Report::build(&documents, &[], &params, &result);

    let mut out = Vec::new();
    json::write_json(&report, &mut out).unwrap();
    serde_json::from_slice::<serde_json::Value>(&out).expect("the JSON report parses");

    out.clear();
    json::write_jsonl(&report, &mut out).unwrap();
    for line in out.split(|&b| b == b'\n').filter(|l| !l.is_empty()) {
        serde_json::from_slice::<serde_json::Value>(line).expect("each JSONL line parses");
    }

    for table in [CsvTable::Pairs, CsvTable::Documents] {
        out.clear();
        csv::write_csv(&report, table, &mut out).unwrap();
        let mut reader = ::csv::ReaderBuilder::new().from_reader(&out[..]);
        let width = reader.headers().expect("a header row").len();
        for row in reader.records() {
            assert_eq!(row.expect("a CSV row parses").len(), width);
        }
    }

    out.clear();
    text::write_text(&report, &documents, Some(3), &mut out).unwrap();
    let shown = String::from_utf8(out.clone()).expect("the text report is UTF-8");
    assert!(
        !shown.contains('\x1b'),
        "a terminal escape reached the text report"
    );

    out.clear();
    html::write_html(&report, &documents, &result.alignments, &mut out).unwrap();
    let page = String::from_utf8(out).expect("the page is UTF-8");
    assert!(page.trim_end().ends_with("</html>"));
});
