//! The benchmark harness as a user runs it: `synth` a corpus with ground truth from the
//! bundled sample, `scan` it, `eval` the report; and `eval` scoring a report written by
//! another tool.

use std::fs;
use std::path::Path;

use assert_cmd::Command;
use serde_json::Value;

fn wiretrace() -> Command {
    Command::cargo_bin("wiretrace").expect("binary builds")
}

/// Synthesizes a corpus of about `size` from data/sample into `dir`; returns (corpus, truth).
fn synth(dir: &Path, size: &str, seed: &str) -> (String, String) {
    let corpus = dir.join(format!("corpus-{seed}.jsonl"));
    let truth = dir.join(format!("truth-{seed}.jsonl"));
    wiretrace()
        .args(["synth", "data/sample", "--size", size, "--seed", seed, "-o"])
        .arg(&corpus)
        .arg("--truth")
        .arg(&truth)
        .assert()
        .success();
    (
        corpus.to_string_lossy().into_owned(),
        truth.to_string_lossy().into_owned(),
    )
}

fn eval(truth: &str, report: &str, extra: &[&str]) -> Value {
    let out = wiretrace()
        .args(["eval", "--format", "json", "--truth", truth, report])
        .args(extra)
        .output()
        .expect("runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("eval writes JSON")
}

#[test]
fn synth_is_reproducible_and_its_truth_slices_the_corpus() {
    let dir = tempfile::tempdir().unwrap();
    let (corpus_a, truth_a) = synth(dir.path(), "200kB", "7");
    let first = (fs::read(&corpus_a).unwrap(), fs::read(&truth_a).unwrap());
    let (corpus_b, truth_b) = synth(dir.path(), "200kB", "7");
    assert_eq!(
        first,
        (fs::read(&corpus_b).unwrap(), fs::read(&truth_b).unwrap())
    );
    let (corpus_c, _) = synth(dir.path(), "200kB", "8");
    assert_ne!(first.0, fs::read(&corpus_c).unwrap());
    assert!(first.0.len() >= 200_000);

    let texts: Vec<Value> = String::from_utf8(first.0)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let truth: Vec<Value> = String::from_utf8(first.1)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .filter(|r: &Value| r["type"] == "document")
        .collect();
    assert_eq!(texts.len(), truth.len());
    let mut kinds = std::collections::BTreeMap::new();
    for (doc, t) in texts.iter().zip(&truth) {
        assert_eq!(doc["id"], t["doc"]);
        *kinds
            .entry(t["kind"].as_str().unwrap().to_string())
            .or_insert(0) += 1;
        let text = doc["text"].as_str().unwrap();
        for credit in t["credits"].as_array().unwrap() {
            let (start, end) = (
                credit["start"].as_u64().unwrap(),
                credit["end"].as_u64().unwrap(),
            );
            let line = &text[start as usize..end as usize];
            let agency = credit["agency"].as_str().unwrap();
            let named = match agency {
                "AP" => line.contains("AP") || line.contains("Associated Press"),
                "AFP" => line.contains("AFP") || line.contains("Agence France-Presse"),
                "dpa" => line.contains("dpa") || line.contains("Deutsche Presse-Agentur"),
                "UPI" => line.contains("UPI") || line.contains("United Press International"),
                _ => line.contains(agency) || line.starts_with("(Reporting by"),
            };
            assert!(named, "{agency} credit {line:?}");
        }
        // Segments tile the text: in order, on character boundaries, separated by blank lines.
        let mut last = 0;
        for seg in t["segments"].as_array().unwrap() {
            let (start, end) = (
                seg["start"].as_u64().unwrap() as usize,
                seg["end"].as_u64().unwrap() as usize,
            );
            assert!(
                start >= last
                    && end > start
                    && text.is_char_boundary(start)
                    && text.is_char_boundary(end)
            );
            last = end;
        }
        assert_eq!(last, text.len());
    }
    for kind in ["wire", "copy", "original"] {
        assert!(kinds.get(kind).copied().unwrap_or(0) > 0, "{kinds:?}");
    }
}

#[test]
fn scan_of_a_synthetic_corpus_scores_high_against_its_truth() {
    let dir = tempfile::tempdir().unwrap();
    let (corpus, truth) = synth(dir.path(), "300kB", "3");
    let report = dir.path().join("report.json");
    wiretrace()
        .args(["scan", &corpus, "-q", "-o"])
        .arg(&report)
        .assert()
        .success();
    let scores = eval(&truth, report.to_str().unwrap(), &[]);
    let f1 = |name: &str| scores[name]["f1"].as_f64().unwrap();
    assert!(f1("document_pairs") >= 0.95, "{scores:#}");
    assert!(scores["ari"].as_f64().unwrap() >= 0.9, "{scores:#}");
    assert!(f1("reused_bytes") >= 0.9, "{scores:#}");
    assert!(f1("credits") >= 0.95, "{scores:#}");
    assert!(
        scores["origin_agency"]["accuracy"].as_f64().unwrap() >= 0.8,
        "{scores:#}"
    );

    // The same report as typed JSONL scores the same.
    let jsonl = dir.path().join("report.jsonl");
    wiretrace()
        .args(["scan", &corpus, "-q", "-o"])
        .arg(&jsonl)
        .assert()
        .success();
    assert_eq!(eval(&truth, jsonl.to_str().unwrap(), &[]), scores);
}

#[test]
fn eval_scores_a_bare_report_from_another_tool() {
    let dir = tempfile::tempdir().unwrap();
    let truth = dir.path().join("truth.jsonl");
    // Three documents: two carry story 1 (one paragraph each), one is original.
    let records = [
        r#"{"type":"header","wiretrace":"test","options":{}}"#,
        r#"{"type":"document","doc":"w","source":"Reuters","published":"2026-01-01","kind":"wire","story":1,"agency":"Reuters","origin_doc":"w","segments":[{"start":0,"end":100,"kind":"wire","paragraph":0}],"credits":[]}"#,
        r#"{"type":"document","doc":"c","source":"Daily","published":"2026-01-01","kind":"copy","story":1,"agency":"Reuters","origin_doc":"w","segments":[{"start":0,"end":100,"kind":"wire","paragraph":0},{"start":102,"end":150,"kind":"boilerplate"}],"credits":[]}"#,
        r#"{"type":"document","doc":"o","source":"Daily","published":"2026-01-01","kind":"original","story":null,"agency":null,"origin_doc":null,"segments":[{"start":0,"end":80,"kind":"own"},{"start":82,"end":130,"kind":"boilerplate"}],"credits":[]}"#,
    ];
    fs::write(&truth, records.join("\n")).unwrap();
    // The peer links the story (right) and the outlet's footer (wrong, unless boilerplate is
    // discounted).
    let report = dir.path().join("peer.json");
    fs::write(
        &report,
        r#"{"documents":[{"id":"w"},{"id":"c"},{"id":"o"},{"id":"extra"}],
            "clusters":[{"members":[{"doc":"w","start":0,"end":100},{"doc":"c","start":0,"end":100}]},
                        {"members":[{"doc":"c","start":102,"end":150},{"doc":"o","start":82,"end":130}]}]}"#,
    )
    .unwrap();
    let truth = truth.to_str().unwrap();
    let report = report.to_str().unwrap();
    let scores = eval(truth, report, &[]);
    assert_eq!(scores["unknown_documents"], 1);
    assert_eq!(scores["document_pairs"]["truth"], 1);
    assert_eq!(scores["document_pairs"]["predicted"], 2);
    assert_eq!(scores["document_pairs"]["precision"], 0.5);
    assert_eq!(scores["document_pairs"]["recall"], 1.0);
    // All three documents end up in one group: ARI well below 1.
    assert!(scores["ari"].as_f64().unwrap() < 0.5);
    let oracle = eval(truth, report, &["--oracle-boilerplate"]);
    assert_eq!(oracle["document_pairs"]["f1"], 1.0);
    assert_eq!(oracle["ari"], 1.0);
    // No origins named: the peer gets no origin credit.
    assert_eq!(oracle["origin_agency"]["unnamed"], 2);

    // Text table on request.
    let out = wiretrace()
        .args(["eval", "--format", "text", "--truth", truth, report])
        .output()
        .unwrap();
    let table = String::from_utf8(out.stdout).unwrap();
    assert!(
        table.contains("document pairs") && table.contains("ARI"),
        "{table}"
    );
}

#[test]
fn eval_and_synth_fail_clearly_on_bad_input() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("missing.jsonl");
    let bad = dir.path().join("bad.jsonl");
    fs::write(&bad, "{\"type\":\"document\",\"doc\":3}\n").unwrap();
    let report = dir.path().join("r.json");
    fs::write(&report, r#"{"documents":[{"id":"nobody"}],"clusters":[]}"#).unwrap();

    let stderr = |cmd: &mut Command| {
        let out = cmd.output().unwrap();
        assert_eq!(out.status.code(), Some(2));
        String::from_utf8(out.stderr).unwrap()
    };
    let err = stderr(
        wiretrace()
            .args(["eval", "--truth"])
            .arg(&missing)
            .arg(&report),
    );
    assert!(err.contains("missing.jsonl"), "{err}");
    let err = stderr(wiretrace().args(["eval", "--truth"]).arg(&bad).arg(&report));
    assert!(err.contains("bad.jsonl:1"), "{err}");
    let (_, truth) = synth(dir.path(), "50kB", "1");
    let err = stderr(wiretrace().args(["eval", "--truth", &truth]).arg(&report));
    assert!(err.contains("none of its 1 document id(s)"), "{err}");

    let err = stderr(
        wiretrace()
            .args(["synth", "data/sample", "--outlets", "0", "--truth"])
            .arg(dir.path().join("t.jsonl")),
    );
    assert!(err.contains("--outlets"), "{err}");
    let err = stderr(
        wiretrace()
            .args(["synth", "data/sample", "--size", "ten", "--truth"])
            .arg(dir.path().join("t.jsonl")),
    );
    assert!(err.contains("ten"), "{err}");
    assert!(!dir.path().join("t.jsonl").exists());
}
