//! Runs the real `wiretrace` binary on the committed corpora and on bad input.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use assert_cmd::Command;
use serde::Deserialize;
use serde_json::Value;

const SAMPLE: &str = "data/sample";
const REPUBLISHED: &str = "tests/fixtures/republished";

fn wiretrace() -> Command {
    Command::cargo_bin("wiretrace").expect("binary built")
}

/// Runs `scan` with `args`, expects success, returns stdout.
fn scan_ok(args: &[&str]) -> String {
    let out = wiretrace().arg("scan").args(args).output().unwrap();
    assert!(
        out.status.success(),
        "scan {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("stdout is UTF-8")
}

/// Runs `scan --jsonl -` on `jsonl`, expects success, returns the report.
fn scan_jsonl_stdin(jsonl: String) -> Report {
    scan_jsonl_stdin_with(jsonl, &[])
}

fn scan_jsonl_stdin_with(jsonl: String, args: &[&str]) -> Report {
    let out = wiretrace()
        .args(["scan", "--format", "json", "--jsonl", "-"])
        .args(args)
        .write_stdin(jsonl)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("report matches the JSON contract")
}

fn scan_json(args: &[&str]) -> Report {
    let mut all = vec!["--format", "json"];
    all.extend_from_slice(args);
    serde_json::from_str(&scan_ok(&all)).expect("report matches the JSON contract")
}

// The JSON contract. `deny_unknown_fields` pins it: a field added or renamed fails here first.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
struct Report {
    wiretrace: String,
    params: BTreeMap<String, Value>,
    documents: Vec<DocumentReport>,
    clusters: Vec<ClusterReport>,
    summary: BTreeMap<String, Value>,
    warnings: Vec<WarningReport>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
struct DocumentReport {
    id: String,
    path: String,
    source: Option<String>,
    published: Option<String>,
    title: Option<String>,
    url: Option<String>,
    bytes: usize,
    encoding: String,
    truncated_from: Option<usize>,
    paragraphs: Vec<ParagraphReport>,
    credits: Vec<CreditReport>,
    reuse: Reuse,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
struct ParagraphReport {
    start: usize,
    end: usize,
    fingerprinted: bool,
    boilerplate: bool,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
struct CreditReport {
    agency: String,
    kind: String,
    start: usize,
    end: usize,
    text: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Reuse {
    shared_fraction: f64,
    by_origin: BTreeMap<String, f64>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
struct ClusterReport {
    id: usize,
    kind: String,
    members: Vec<MemberReport>,
    origin: Origin,
    speaker: Option<String>,
    links: Vec<LinkReport>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
struct LinkReport {
    method: String,
    a: usize,
    b: usize,
    a_start: usize,
    a_end: usize,
    b_start: usize,
    b_end: usize,
    similarity: f64,
    containment: Option<f64>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
struct MemberReport {
    doc: String,
    start: usize,
    end: usize,
    similarity: f64,
    containment: f64,
    representative: bool,
    method: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
struct Origin {
    agency: Option<String>,
    doc: Option<String>,
    confidence: Option<f64>,
    evidence: Vec<Value>,
    scores: BTreeMap<String, f64>,
    evidence_counts: BTreeMap<String, usize>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
struct WarningReport {
    input: String,
    kind: String,
    message: String,
}

impl Report {
    fn doc(&self, id: &str) -> &DocumentReport {
        self.documents
            .iter()
            .find(|d| d.id == id)
            .unwrap_or_else(|| panic!("no document {id}"))
    }

    fn summary(&self, key: &str) -> u64 {
        self.summary[key].as_u64().unwrap()
    }

    fn warning_kinds(&self) -> Vec<&str> {
        self.warnings.iter().map(|w| w.kind.as_str()).collect()
    }
}

/// The text of a report span, read back from the document's file.
fn slice_file(path: &str, start: usize, end: usize) -> String {
    let bytes = fs::read(path).unwrap();
    std::str::from_utf8(&bytes[start..end])
        .unwrap_or_else(|e| panic!("{path} {start}..{end} is not on UTF-8 boundaries: {e}"))
        .to_string()
}

#[test]
fn json_report_follows_the_contract_and_offsets_slice_back() {
    let report = scan_json(&[SAMPLE, REPUBLISHED]);
    assert_eq!(report.wiretrace, env!("CARGO_PKG_VERSION"));
    for key in [
        "shingle_size",
        "permutations",
        "seed",
        "threshold",
        "bands",
        "rows",
    ] {
        assert!(report.params.contains_key(key), "params lacks {key}");
    }
    assert_eq!(report.documents.len(), 9);
    for doc in &report.documents {
        let file = fs::read(&doc.path).unwrap();
        assert_eq!(doc.bytes, file.len(), "{}", doc.id);
        assert_eq!(doc.encoding, "utf-8");
        assert!(!doc.paragraphs.is_empty());
        for p in &doc.paragraphs {
            let text = slice_file(&doc.path, p.start, p.end);
            assert!(
                !text.is_empty() && text.trim() == text,
                "{}: {text:?}",
                doc.id
            );
        }
        assert!((0.0..=1.0).contains(&doc.reuse.shared_fraction));
    }
    assert!(!report.clusters.is_empty());
    for cluster in &report.clusters {
        let docs: std::collections::BTreeSet<&str> =
            cluster.members.iter().map(|m| m.doc.as_str()).collect();
        // Only boilerplate (text repeated inside one document) may stay inside one document.
        assert!(
            docs.len() >= 2 || cluster.kind == "boilerplate",
            "cluster {} is inside one document",
            cluster.id
        );
        assert_eq!(
            cluster.members.iter().filter(|m| m.representative).count(),
            1
        );
        for member in &cluster.members {
            let doc = report.doc(&member.doc);
            let text = slice_file(&doc.path, member.start, member.end);
            assert!(!text.trim().is_empty());
            match member.method.as_str() {
                // A paragraph member covers at least one whole paragraph of its document.
                "paragraph" => assert!(doc
                    .paragraphs
                    .iter()
                    .any(|p| member.start <= p.start && p.end <= member.end)),
                "passage" => assert!(member.similarity >= 0.5),
                other => panic!("unknown method {other}"),
            }
        }
    }
    assert_eq!(report.summary("documents"), 9);
    assert_eq!(report.summary("clusters") as usize, report.clusters.len());
}

#[test]
fn every_reuse_cluster_carries_the_verified_links_that_join_its_members() {
    let report = scan_json(&[SAMPLE, REPUBLISHED]);
    let mut links = 0;
    for cluster in report.clusters.iter().filter(|c| c.kind != "boilerplate") {
        // The links join all members: union-find over them leaves one group.
        let n = cluster.members.len();
        let mut parent: Vec<usize> = (0..n).collect();
        fn root(parent: &mut [usize], mut x: usize) -> usize {
            while parent[x] != x {
                x = parent[x];
            }
            x
        }
        for link in &cluster.links {
            links += 1;
            let (a, b) = (&cluster.members[link.a], &cluster.members[link.b]);
            assert_ne!(
                a.doc, b.doc,
                "cluster {}: a link inside one document",
                cluster.id
            );
            // Each end is text of its member's document, overlapping that member.
            for (member, start, end) in
                [(a, link.a_start, link.a_end), (b, link.b_start, link.b_end)]
            {
                assert!(
                    start < member.end && member.start < end,
                    "cluster {}",
                    cluster.id
                );
                let path = &report.doc(&member.doc).path;
                assert!(!slice_file(path, start, end).trim().is_empty());
            }
            match link.method.as_str() {
                "paragraph" => assert!(link.containment.is_some()),
                "passage" => assert_eq!(link.containment, None),
                other => panic!("unknown method {other}"),
            }
            assert!((0.5..=1.0).contains(&link.similarity), "{link:?}");
            let (x, y) = (root(&mut parent, link.a), root(&mut parent, link.b));
            parent[x] = y;
        }
        let groups = (0..n).filter(|&m| root(&mut parent, m) == m).count();
        assert_eq!(
            groups, 1,
            "cluster {}: links leave members apart",
            cluster.id
        );
    }
    assert!(links > 0);
}

#[test]
fn verbatim_and_edited_copies_are_found_and_unrelated_text_is_not() {
    let report = scan_json(&[REPUBLISHED, "--source-from", "parent-dir"]);
    assert_eq!(
        report.doc("reuters/kursk-wire").source.as_deref(),
        Some("reuters")
    );
    let wire = report.doc("reuters/kursk-wire");
    let lead = &wire.paragraphs[0];
    let lead_cluster = report
        .clusters
        .iter()
        .find(|c| {
            c.members.iter().any(|m| {
                m.doc == "reuters/kursk-wire" && m.start <= lead.start && lead.end <= m.end
            })
        })
        .expect("the wire lead is shared");
    let mut docs: Vec<&str> = lead_cluster
        .members
        .iter()
        .map(|m| m.doc.as_str())
        .collect();
    docs.sort();
    assert_eq!(
        docs,
        [
            "dailyplanet/kursk-verbatim",
            "morningpost/kursk-edited",
            "reuters/kursk-wire"
        ]
    );
    // The edited copy is similar but not identical; the verbatim one is identical.
    for member in &lead_cluster.members {
        let text = slice_file(&report.doc(&member.doc).path, member.start, member.end);
        assert!(text.contains("North Korea confirmed"), "{text}");
        match member.doc.as_str() {
            "morningpost/kursk-edited" => assert!(member.similarity < 1.0),
            _ => assert_eq!(member.similarity, 1.0),
        }
    }
    // The ceasefire story shares nothing with the wire story.
    assert!(report
        .clusters
        .iter()
        .all(|c| c.members.iter().all(|m| m.doc != "cityherald/ceasefire")));
    assert_eq!(
        report.doc("cityherald/ceasefire").reuse.shared_fraction,
        0.0
    );
    let verbatim = &report.doc("dailyplanet/kursk-verbatim").reuse;
    assert!(verbatim.shared_fraction > 0.5);
    // The wire's own outlet is an agency and its copy keeps the Reuters dateline.
    assert_eq!(verbatim.by_origin["Reuters"], verbatim.shared_fraction);
    assert_eq!(lead_cluster.kind, "wire");
    assert_eq!(lead_cluster.origin.agency.as_deref(), Some("Reuters"));
    assert_eq!(
        lead_cluster.origin.doc.as_deref(),
        Some("reuters/kursk-wire")
    );
    // Own reporting of an outlet is not attributed to the wire.
    let own = slice_file(&report.doc("dailyplanet/kursk-verbatim").path, 0, 20);
    assert!(own.starts_with("Our correspondent"));
    let own_end = report.doc("dailyplanet/kursk-verbatim").paragraphs[0].end;
    assert!(report.clusters.iter().all(|c| c
        .members
        .iter()
        .all(|m| !(m.doc == "dailyplanet/kursk-verbatim" && m.start < own_end))));
}

#[test]
fn output_is_identical_for_any_thread_count() {
    let one = scan_ok(&["--format", "json", "--threads", "1", SAMPLE, REPUBLISHED]);
    let two = scan_ok(&["--format", "json", "--threads", "2", SAMPLE, REPUBLISHED]);
    let again = scan_ok(&["--format", "json", "--threads", "2", SAMPLE, REPUBLISHED]);
    assert_eq!(one, two);
    assert_eq!(two, again);
    let csv1 = scan_ok(&["--format", "csv", "--threads", "1", REPUBLISHED]);
    let csv2 = scan_ok(&["--format", "csv", "--threads", "2", REPUBLISHED]);
    assert_eq!(csv1, csv2);
}

#[test]
fn csv_has_one_row_per_linked_pair() {
    let report = scan_json(&[REPUBLISHED]);
    let csv = scan_ok(&["--format", "csv", REPUBLISHED]);
    let mut lines = csv.lines();
    assert_eq!(
        lines.next().unwrap(),
        "doc_a,start_a,end_a,doc_b,start_b,end_b,jaccard,containment_a_in_b,containment_b_in_a,\
         cluster,method,identity,aligned_tokens,score"
    );
    let rows: Vec<Vec<&str>> = lines.map(|l| l.split(',').collect()).collect();
    let count = |method: &str| rows.iter().filter(|r| r[10] == method).count() as u64;
    assert_eq!(count("paragraph"), report.summary("verified_pairs"));
    assert_eq!(count("passage"), report.summary("aligned_passages"));
    // The verbatim copy of the wire lead: a paragraph pair with Jaccard 1 in cluster 1.
    assert!(rows.iter().any(|r| r[..7]
        == [
            "dailyplanet/kursk-verbatim",
            "114",
            "375",
            "reuters/kursk-wire",
            "0",
            "261",
            "1"
        ]
        && r[9] == "1"));
    let documents = scan_ok(&["--format", "csv", "--table", "documents", REPUBLISHED]);
    assert!(documents.starts_with("id,source,published,bytes,paragraphs,"));
    assert_eq!(documents.lines().count(), 5);
}

#[test]
fn jsonl_output_is_typed_records() {
    let out = scan_ok(&["--format", "jsonl", REPUBLISHED]);
    let records: Vec<Value> = out
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let types: Vec<&str> = records
        .iter()
        .map(|r| r["type"].as_str().unwrap())
        .collect();
    assert_eq!(types.first(), Some(&"header"));
    assert_eq!(types.last(), Some(&"summary"));
    assert_eq!(types.iter().filter(|t| **t == "document").count(), 4);
    assert!(types.contains(&"cluster"));
    assert!(records[0]["params"]["threshold"].is_number());
}

#[test]
fn text_report_names_outlets_and_snippets() {
    let out = scan_ok(&[
        "--format",
        "text",
        REPUBLISHED,
        "--source-from",
        "parent-dir",
    ]);
    assert!(out.contains("4 documents"));
    assert!(out.contains("dailyplanet"));
    assert!(out.contains("“SEOUL, April 28 (Reuters) - North Korea confirmed"));
}

#[test]
fn output_file_is_written_atomically_in_the_format_of_its_extension() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("pairs.csv");
    wiretrace()
        .args(["scan", REPUBLISHED, "-o"])
        .arg(&target)
        .assert()
        .success()
        .stdout("");
    let csv = fs::read_to_string(&target).unwrap();
    assert!(csv.starts_with("doc_a,"));
    let leftovers: Vec<PathBuf> = fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p != &target)
        .collect();
    assert!(leftovers.is_empty(), "temp files left: {leftovers:?}");
}

/// `-o` to a named pipe (as to `/dev/null` or a terminal) writes into it: renaming a temp
/// file over it, as for a regular file, would replace the pipe or device with a plain file
/// (a scan run as root once turned `/dev/null` into a file that way).
#[cfg(unix)]
#[test]
fn output_to_a_pipe_or_device_is_written_in_place() {
    use std::os::unix::fs::FileTypeExt;
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("report.pipe");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap();
    assert!(made.success());
    let reader = {
        let fifo = fifo.clone();
        std::thread::spawn(move || fs::read_to_string(fifo).unwrap())
    };
    wiretrace()
        .args(["scan", REPUBLISHED, "--format", "json", "-o"])
        .arg(&fifo)
        .assert()
        .success();
    // Checked before joining the reader, which would wait forever on a replaced pipe.
    let kind = fs::symlink_metadata(&fifo).unwrap().file_type();
    assert!(kind.is_fifo(), "the pipe was replaced: {kind:?}");
    let report: Report = serde_json::from_str(&reader.join().unwrap()).unwrap();
    assert!(!report.documents.is_empty());
    let entries = fs::read_dir(dir.path()).unwrap().count();
    assert_eq!(entries, 1, "no temp file left beside the pipe");
}

/// `-o` to a symbolic link replaces the file it points to and keeps the link.
#[cfg(unix)]
#[test]
fn output_through_a_symbolic_link_keeps_the_link() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("reports").join("latest.csv");
    fs::create_dir(target.parent().unwrap()).unwrap();
    fs::write(&target, "old").unwrap();
    let link = dir.path().join("report.csv");
    std::os::unix::fs::symlink(&target, &link).unwrap();
    wiretrace()
        .args(["scan", REPUBLISHED, "-o"])
        .arg(&link)
        .assert()
        .success();
    assert!(fs::symlink_metadata(&link)
        .unwrap()
        .file_type()
        .is_symlink());
    assert!(fs::read_to_string(&target).unwrap().starts_with("doc_a,"));
}

#[test]
fn stdin_takes_one_article_or_jsonl() {
    let article = fs::read_to_string(format!("{REPUBLISHED}/reuters/kursk-wire.txt")).unwrap();
    let out = wiretrace()
        .args(["scan", "--format", "json", "-", REPUBLISHED])
        .write_stdin(article.clone())
        .output()
        .unwrap();
    assert!(out.status.success());
    let report: Report = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report.documents[0].id, "stdin");
    assert!(report.documents[0].reuse.shared_fraction > 0.5);

    let jsonl = format!(
        "{}\n{}\n",
        serde_json::json!({"id": "wire-1", "text": article, "source": "Reuters", "published": "2025-04-28T03:00:00Z"}),
        serde_json::json!({"id": "copy-1", "text": format!("Intro line.\n\n{article}"), "source": "Daily Planet"}),
    );
    let report = scan_jsonl_stdin(jsonl);
    assert_eq!(report.doc("wire-1").source.as_deref(), Some("Reuters"));
    assert_eq!(
        report.doc("wire-1").published.as_deref(),
        Some("2025-04-28T03:00:00Z")
    );
    assert!(!report.clusters.is_empty());
}

fn write(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let path = dir.join(name);
    fs::write(&path, bytes).unwrap();
    path
}

#[test]
fn malformed_jsonl_lines_are_counted_warnings_naming_file_and_line() {
    let dir = tempfile::tempdir().unwrap();
    let lines = [
        r#"{"doc_id": "a", "body": "A complete article about the troops sent to Kursk by the North."}"#,
        r#"{"doc_id": "b", "body": "truncated"#,
        r#"{"doc_id": "c", "body": ["not", "a", "string"]}"#,
        r#"["an array"]"#,
        r#"{"doc_id": "a", "body": "The same id again, with other text in it for the record."}"#,
    ];
    let path = write(dir.path(), "feed.jsonl", lines.join("\n").as_bytes());
    let out = wiretrace()
        .args([
            "scan",
            "--format",
            "json",
            "--id-field",
            "doc_id",
            "--text-field",
            "body",
        ])
        .arg(&path)
        .output()
        .unwrap();
    assert!(out.status.success());
    let report: Report = serde_json::from_slice(&out.stdout).unwrap();
    let ids: Vec<&str> = report.documents.iter().map(|d| d.id.as_str()).collect();
    assert_eq!(ids, ["a", "a~2"]);
    assert_eq!(
        report.warning_kinds(),
        [
            "malformed-record",
            "malformed-record",
            "malformed-record",
            "duplicate-id"
        ]
    );
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(stderr.contains("feed.jsonl:2: not valid JSON"), "{stderr}");
    assert!(stderr.contains("feed.jsonl:3: field 'body' is an array, not a string"));
    assert!(stderr.contains("feed.jsonl:4: not a JSON object"));
    assert_eq!(report.summary("warnings"), 4);
}

#[test]
fn invalid_utf8_and_utf16_are_decoded_and_flagged() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "cp1252.txt",
        b"Caf\xe9 owners said the \x93new rules\x94 hurt trade.",
    );
    let mut utf16 = vec![0xFF, 0xFE];
    for unit in "Kursk région, encoded as UTF-16.".encode_utf16() {
        utf16.extend_from_slice(&unit.to_le_bytes());
    }
    write(dir.path(), "wide.txt", &utf16);
    let report = scan_json(&[dir.path().to_str().unwrap()]);
    assert_eq!(report.doc("cp1252").encoding, "windows-1252");
    assert_eq!(report.doc("wide").encoding, "utf-16le");
    assert_eq!(report.warning_kinds(), ["decoded", "decoded"]);
    // Offsets refer to the decoded text: é is 2 bytes of UTF-8 and each curly quote 3.
    let p = &report.doc("cp1252").paragraphs[0];
    assert_eq!((p.start, p.end), (0, 49));
}

#[test]
fn empty_and_binary_files_are_skipped_with_counted_warnings() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "empty.txt", b"");
    write(dir.path(), "blank.md", b"\n \n\t\n");
    write(
        dir.path(),
        "image.txt",
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
    );
    write(
        dir.path(),
        "good.txt",
        b"One good article with enough words to be read.",
    );
    write(dir.path(), "ignored.pdf", b"%PDF-1.4");
    let out = wiretrace()
        .args(["scan", "--format", "json"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert!(out.status.success());
    let report: Report = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report.documents.len(), 1);
    let mut kinds = report.warning_kinds();
    kinds.sort();
    // The .pdf is not read, and says so (not silently).
    assert_eq!(kinds, ["binary", "empty", "empty", "skipped"]);
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert_eq!(stderr.lines().count(), 4, "{stderr}");
    assert!(stderr.contains("image.txt: binary content"));
    assert!(stderr.contains("skipped 1 file: 1 .pdf"), "{stderr}");

    // --strict turns warnings into a failed run that writes nothing.
    let target = dir.path().join("report.json");
    wiretrace()
        .args(["scan", "--strict", "-o"])
        .arg(&target)
        .arg(dir.path())
        .assert()
        .code(2)
        .stderr(predicates::str::contains("under --strict"));
    assert!(!target.exists());
}

#[test]
fn an_unreadable_input_path_is_an_error_with_exit_code_2() {
    let out = wiretrace()
        .args(["scan", "no/such/dir", REPUBLISHED])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(
        stderr.starts_with("wiretrace: error: no/such/dir:"),
        "{stderr}"
    );
}

#[test]
fn out_of_range_parameters_are_usage_errors_naming_the_flag() {
    wiretrace()
        .args(["scan", "--threshold", "1.5", REPUBLISHED])
        .assert()
        .code(2)
        .stderr(predicates::str::contains(
            "--threshold: must be in (0, 1], got 1.5",
        ));
    wiretrace()
        .args(["scan", "--lang", "klingon", REPUBLISHED])
        .assert()
        .code(2);
}

#[test]
fn a_huge_single_line_document_is_read_and_cut_at_the_limit() {
    let dir = tempfile::tempdir().unwrap();
    let line =
        "The wire story repeats itself on one very long line without any break. ".repeat(60_000);
    write(dir.path(), "huge.txt", line.as_bytes());
    let report = scan_json(&[dir.path().to_str().unwrap(), "--max-doc-bytes", "1000000"]);
    let doc = report.doc("huge");
    assert_eq!(doc.truncated_from, Some(line.len()));
    assert!(doc.bytes <= 1_000_000);
    assert_eq!(report.warning_kinds(), ["truncated"]);
}

#[test]
fn directory_ids_are_relative_paths_in_sorted_order() {
    let report = scan_json(&[REPUBLISHED]);
    let ids: Vec<&str> = report.documents.iter().map(|d| d.id.as_str()).collect();
    assert_eq!(
        ids,
        [
            "cityherald/ceasefire",
            "dailyplanet/kursk-verbatim",
            "morningpost/kursk-edited",
            "reuters/kursk-wire"
        ]
    );
    let single = scan_json(&[&format!("{REPUBLISHED}/reuters/kursk-wire.txt")]);
    assert_eq!(single.documents[0].id, "kursk-wire");
}

/// Byte offset of `phrase` in a sample file.
fn offset_in(path: &str, phrase: &str) -> (usize, usize) {
    let text = fs::read_to_string(path).unwrap();
    let start = text
        .find(phrase)
        .unwrap_or_else(|| panic!("{phrase:?} not in {path}"));
    (start, start + phrase.len())
}

const FOX: &str = "000_3b3c999e5d52a0d6";
const OBSERVADOR: &str = "001_2dc55fe564d44fd7";
const REUTERS_REPUBLISHED: &str = "003_43710ace8eb4a1eb";

/// Whether one cluster has members covering `phrase_a` in `doc_a` and `phrase_b` in `doc_b`.
fn linked(report: &Report, doc_a: &str, phrase_a: &str, doc_b: &str, phrase_b: &str) -> bool {
    let (a0, a1) = offset_in(&report.doc(doc_a).path, phrase_a);
    let (b0, b1) = offset_in(&report.doc(doc_b).path, phrase_b);
    report.clusters.iter().any(|c| {
        let covers = |doc: &str, s: usize, e: usize| {
            c.members
                .iter()
                .any(|m| m.doc == doc && m.start <= s && e <= m.end)
        };
        covers(doc_a, a0, a1) && covers(doc_b, b0, b1)
    })
}

#[test]
fn alignment_links_the_ap_paraphrase_passages_across_paragraphs() {
    let report = scan_json(&[SAMPLE]);
    // Long shared runs inside reworded sentences.
    assert!(linked(
        &report,
        FOX,
        "requires both countries to use all available means to provide immediate military assistance if either is attacked",
        OBSERVADOR,
        "requires both nations to use all available means to provide immediate military assistance if either is attacked",
    ));
    assert!(linked(
        &report,
        FOX,
        "poses a grave provocation to international security",
        OBSERVADOR,
        "represents a grave provocation to international security",
    ));
    // Edited numbers and words ("10,000-12,000" / "10,000 to 12,000", reclaimed/recaptured).
    assert!(linked(
        &report,
        FOX,
        "deployed 10,000-12,000 troops to Russia last fall",
        OBSERVADOR,
        "sent 10,000 to 12,000 troops to Russia last fall",
    ));
    assert!(linked(
        &report,
        FOX,
        "had fully reclaimed the Kursk region, which Ukrainian forces seized",
        OBSERVADOR,
        "had fully recaptured the Kursk region, which Ukrainian forces seized",
    ));
    // A passage that runs over a paragraph break in both documents.
    assert!(linked(
        &report,
        FOX,
        "additional troops to Russia earlier this year.\n\nSouth Korea’s Unification Ministry on Monday called on North Korea to withdraw its troops from Russia",
        OBSERVADOR,
        "additional troops to Russia earlier this year.\n\nNorth Korea to withdraw its troops from Russia",
    ));
    // Most AP-derived passages between the two are linked.
    let shared = report
        .clusters
        .iter()
        .filter(|c| {
            c.members.iter().any(|m| m.doc == FOX) && c.members.iter().any(|m| m.doc == OBSERVADOR)
        })
        .count();
    assert!(shared >= 6, "only {shared} clusters link 000 and 001");
    // The unrelated stories embedded in 003 after "Related Articles" link to nothing (their
    // headlines repeated inside 003 are boilerplate of 003 alone).
    let (related, _) = offset_in(&report.doc(REUTERS_REPUBLISHED).path, "Related Articles");
    for cluster in &report.clusters {
        if cluster.kind == "boilerplate"
            && cluster.members.iter().all(|m| m.doc == REUTERS_REPUBLISHED)
        {
            continue;
        }
        for m in cluster
            .members
            .iter()
            .filter(|m| m.doc == REUTERS_REPUBLISHED)
        {
            assert!(
                m.end <= related,
                "cluster {} reaches into 003's related articles",
                cluster.id
            );
        }
    }
}

#[test]
fn the_alignment_tier_can_be_switched_off() {
    let report = scan_json(&[SAMPLE, "--no-align"]);
    assert_eq!(report.summary("aligned_passages"), 0);
    // Only repeated furniture is left: no paragraph of the sample is republished whole.
    assert!(report.clusters.iter().all(|c| c.kind == "boilerplate"));
    assert_eq!(report.params["align"]["enabled"], Value::Bool(false));
}

#[test]
fn compare_aligns_two_documents_word_by_word() {
    let a = format!("{SAMPLE}/{FOX}.txt");
    let b = format!("{SAMPLE}/{OBSERVADOR}.txt");
    let out = wiretrace()
        .args(["compare", &a, &b, "--format", "json"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    let passages = report["passages"].as_array().unwrap();
    assert!(passages.len() >= 6);
    let text_a = fs::read_to_string(&a).unwrap();
    let text_b = fs::read_to_string(&b).unwrap();
    // Every edit's spans slice the two texts; reclaimed/recaptured is one of them.
    let mut substitutions = Vec::new();
    for passage in passages {
        for edit in passage["edits"].as_array().unwrap() {
            if edit["op"] == "substitute" {
                let (a0, a1) = (
                    edit["a"]["start"].as_u64().unwrap() as usize,
                    edit["a"]["end"].as_u64().unwrap() as usize,
                );
                let (b0, b1) = (
                    edit["b"]["start"].as_u64().unwrap() as usize,
                    edit["b"]["end"].as_u64().unwrap() as usize,
                );
                substitutions.push((text_a[a0..a1].to_string(), text_b[b0..b1].to_string()));
            }
        }
    }
    assert!(substitutions.contains(&("reclaimed".into(), "recaptured".into())));
    assert!(substitutions.contains(&("countries".into(), "nations".into())));

    let text = wiretrace()
        .args(["compare", &a, &b, "--format", "text", "--color", "never"])
        .output()
        .unwrap();
    let text = String::from_utf8(text.stdout).unwrap();
    assert!(text.contains("requires both [countries] to use all available means"));
    assert!(!text.contains('\x1b'));
    let colored = wiretrace()
        .args(["compare", &a, &b, "--format", "text", "--color", "always"])
        .output()
        .unwrap();
    assert!(String::from_utf8(colored.stdout)
        .unwrap()
        .contains("\x1b[1;33mcountries\x1b[0m"));
}

#[test]
fn compare_wants_exactly_one_document_per_input() {
    let dir = tempfile::tempdir().unwrap();
    let two = write(
        dir.path(),
        "two.jsonl",
        b"{\"id\":\"x\",\"text\":\"one article\"}\n{\"id\":\"y\",\"text\":\"another one\"}\n",
    );
    wiretrace()
        .args(["compare", &format!("{SAMPLE}/{FOX}.txt")])
        .arg(&two)
        .assert()
        .code(2)
        .stderr(predicates::str::contains("holds 2 readable documents"));
}

#[test]
fn provenance_on_the_sample_corpus() {
    let report = scan_json(&[SAMPLE]);
    // Credits: 003 to Reuters (dateline and sign-off), 000 to AP, nothing else anywhere —
    // not the photo credits, not "told Reuters", not "according to KCNA".
    let credits: Vec<(&str, &str, &str)> = report
        .documents
        .iter()
        .flat_map(|d| {
            d.credits
                .iter()
                .map(move |c| (&d.id[..3], c.agency.as_str(), c.kind.as_str()))
        })
        .collect();
    assert_eq!(
        credits,
        [
            ("000", "AP", "contribution"),
            ("003", "Reuters", "dateline"),
            ("003", "Reuters", "signoff")
        ]
    );
    for doc in &report.documents {
        for c in &doc.credits {
            assert_eq!(slice_file(&doc.path, c.start, c.end), c.text);
        }
    }
    // The Putin and KCNA quotations shared across outlets are quote clusters.
    let quote_of = |doc: &str, phrase: &str| {
        let (start, end) = offset_in(&report.doc(doc).path, phrase);
        report
            .clusters
            .iter()
            .find(|c| {
                c.members
                    .iter()
                    .any(|m| m.doc == doc && m.start <= start && end <= m.end)
            })
            .unwrap_or_else(|| panic!("{phrase:?} is in no cluster"))
    };
    let putin = quote_of(FOX, "shoulder to shoulder with Russian fighters");
    assert_eq!(putin.kind, "quote");
    assert_eq!(putin.speaker.as_deref(), Some("Putin"));
    assert_eq!(putin.origin.agency, None);
    // It names the wire whose copy carried it (000 credits AP), as evidence only.
    assert!(putin
        .origin
        .evidence
        .iter()
        .any(|e| e["kind"] == "carried-by" && e["agency"] == "AP"));
    let kcna = quote_of(
        FOX,
        "annihilate and wipe out the Ukrainian neo-Nazi occupiers",
    );
    assert_eq!(kcna.kind, "quote");
    let kim = quote_of(
        REUTERS_REPUBLISHED,
        "They who fought for justice are all heroes",
    );
    assert_eq!(
        (kim.kind.as_str(), kim.speaker.as_deref()),
        ("quote", Some("Kim"))
    );
    // "ADVERTISEMENT" (repeated in 004) is boilerplate, never reuse.
    let ad = quote_of("004_6ffb47693998821b", "ADVERTISEMENT");
    assert_eq!(ad.kind, "boilerplate");
    assert!(ad.members.len() >= 5);
    let doc004 = report.doc("004_6ffb47693998821b");
    assert!(doc004.paragraphs.iter().filter(|p| p.boilerplate).count() >= 5);
    // The AP paraphrase passages between 000 and 001 are wire copy of AP origin.
    let treaty = quote_of(
        FOX,
        "to use all available means to provide immediate military assistance",
    );
    assert_eq!(treaty.kind, "wire");
    assert_eq!(treaty.origin.agency.as_deref(), Some("AP"));
    assert_eq!(treaty.origin.doc.as_deref(), Some(FOX));
    let confidence = treaty.origin.confidence.unwrap();
    assert!(confidence > 0.5 && confidence < 1.0, "{confidence}");
    // 001 reuses AP text without crediting it.
    let observador = report.doc(OBSERVADOR);
    assert!(observador.credits.is_empty());
    assert!(observador.reuse.by_origin["AP"] > 0.1);
    // Conflicting evidence is said, not hidden.
    let lead = quote_of(
        REUTERS_REPUBLISHED,
        "confirmed for the first time on Monday that it had sent troops",
    );
    let kinds: Vec<&str> = lead
        .origin
        .evidence
        .iter()
        .map(|e| e["kind"].as_str().unwrap())
        .collect();
    assert!(kinds.contains(&"conflict"), "{kinds:?}");
}

#[test]
fn outlets_that_are_agencies_and_publication_dates_are_evidence() {
    let wire = fs::read_to_string(format!("{REPUBLISHED}/reuters/kursk-wire.txt")).unwrap();
    let body: String = wire.lines().skip(1).collect::<Vec<_>>().join("\n\n");
    let jsonl = format!(
        "{}\n{}\n",
        serde_json::json!({"id": "copy", "text": format!("Our intro.\n\n{body}"), "source": "Daily Planet", "published": "2025-04-28T09:00:00Z"}),
        serde_json::json!({"id": "wire", "text": body, "source": "Agence France-Presse", "published": "2025-04-28T10:00:00+03:00"}),
    );
    let report = scan_jsonl_stdin(jsonl);
    let cluster = report
        .clusters
        .iter()
        .find(|c| c.kind == "wire")
        .expect("a wire cluster");
    assert_eq!(cluster.origin.agency.as_deref(), Some("AFP"));
    assert_eq!(cluster.origin.doc.as_deref(), Some("wire"));
    let kinds: Vec<&str> = cluster
        .origin
        .evidence
        .iter()
        .map(|e| e["kind"].as_str().unwrap())
        .collect();
    assert!(kinds.contains(&"source-is-agency"));
    // 10:00+03:00 is 07:00 UTC: the wire was first.
    assert!(cluster
        .origin
        .evidence
        .iter()
        .any(|e| e["kind"] == "earliest" && e["doc"] == "wire"));
}

#[test]
fn a_custom_agency_registry_replaces_the_built_in_one() {
    let dir = tempfile::tempdir().unwrap();
    let registry = write(
        dir.path(),
        "agencies.json",
        br#"{"agencies": [{"id": "NTB", "name": "Norsk Telegrambyra", "aliases": ["NTB"]}]}"#,
    );
    write(
        dir.path(),
        "story.txt",
        b"OSLO (NTB) - The government resigned on Monday after a vote.",
    );
    let report = scan_json(&[
        dir.path().join("story.txt").to_str().unwrap(),
        "--agencies",
        registry.to_str().unwrap(),
    ]);
    assert_eq!(report.documents[0].credits[0].agency, "NTB");
    let bad = write(dir.path(), "bad.json", b"{\"agencies\": 3}");
    wiretrace()
        .args(["scan", REPUBLISHED, "--agencies"])
        .arg(&bad)
        .assert()
        .code(2)
        .stderr(predicates::str::contains("not a valid agency registry"));
}

// Clusters you can trust (issue #18): text that unrelated stories share (a quotation, a
// copyright notice, a contribution line, a stock phrase) never links them, and copies of one
// story still form one cluster per shared text.

/// A made-up article: `paragraphs` paragraphs of words no other seed shares.
fn article(seed: u64, paragraphs: usize) -> Vec<String> {
    const SYLLABLES: [&str; 16] = [
        "ka", "lo", "mi", "ra", "tu", "ve", "sho", "dan", "pel", "gri", "nos", "fa", "zu", "bel",
        "cor", "tin",
    ];
    let mut state = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15).wrapping_add(1);
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    (0..paragraphs)
        .map(|_| {
            let words: Vec<String> = (0..40)
                .map(|_| {
                    let n = 2 + next() % 3;
                    (0..n)
                        .map(|_| SYLLABLES[(next() % 16) as usize])
                        .collect::<String>()
                })
                .collect();
            format!("{}.", words.join(" "))
        })
        .collect()
}

/// Scans `documents` (JSON objects) read as JSONL from standard input.
fn scan_documents(documents: &[Value]) -> Report {
    scan_documents_with(documents, &[])
}

/// The same, with more `scan` arguments.
fn scan_documents_with(documents: &[Value], args: &[&str]) -> Report {
    scan_jsonl_stdin_with(documents.iter().map(|d| format!("{d}\n")).collect(), args)
}

/// Pairs of documents that some `wire` or `shared` cluster links.
fn linked_pairs(report: &Report) -> Vec<(String, String)> {
    let mut pairs = Vec::new();
    for cluster in &report.clusters {
        if !matches!(cluster.kind.as_str(), "wire" | "shared") {
            continue;
        }
        let mut docs: Vec<String> = cluster.members.iter().map(|m| m.doc.clone()).collect();
        docs.sort();
        docs.dedup();
        for (i, a) in docs.iter().enumerate() {
            for b in &docs[i + 1..] {
                pairs.push((a.clone(), b.clone()));
            }
        }
    }
    pairs.sort();
    pairs.dedup();
    pairs
}

fn document(id: &str, source: &str, paragraphs: &[String]) -> Value {
    serde_json::json!({"id": id, "source": source, "text": paragraphs.join("\n\n")})
}

#[test]
fn one_agency_copyright_line_in_100_unrelated_articles_links_none_of_them() {
    let notice = "Copyright 2005 The Associated Press. All rights reserved. This material may \
                  not be published, broadcast, rewritten or redistributed.";
    let documents: Vec<Value> = (0..100)
        .map(|i| {
            let mut paragraphs = article(i, 3);
            paragraphs.push(notice.to_string());
            document(
                &format!("doc{i}"),
                &format!("Outlet {}", i % 20),
                &paragraphs,
            )
        })
        .collect();
    let report = scan_documents(&documents);
    assert_eq!(linked_pairs(&report), Vec::<(String, String)>::new());
    // The notice is still a credit of every article.
    assert_eq!(documents_crediting(&report, "AP"), 100);
}

/// How many of the report's documents credit `agency`.
fn documents_crediting(report: &Report, agency: &str) -> usize {
    report
        .documents
        .iter()
        .filter(|d| d.credits.iter().any(|c| c.agency == agency))
        .count()
}

#[test]
fn a_credit_line_naming_two_agencies_never_forms_a_wire_cluster() {
    let line = "Reuters and Agence France-Presse contributed to this report from the capital \
                and from the border region on Monday.";
    let documents = unrelated_articles(1000, 30, 2, |paragraphs| {
        paragraphs.push(line.to_string());
    });
    let report = scan_documents(&documents);
    assert_eq!(linked_pairs(&report), Vec::<(String, String)>::new());
}

#[test]
fn a_credit_line_in_an_unlisted_form_and_a_stock_phrase_link_no_unrelated_articles() {
    // Two short texts that unrelated articles share vouch for each other unless the credit
    // line is known for one: this line matches none of the listed forms.
    let phrase = "The company did not immediately respond to a request for comment on Monday.";
    let line =
        "Agency material in this report: Agence France-Presse and United Press International";
    let documents = unrelated_articles(3000, 30, 3, |paragraphs| {
        paragraphs.insert(1, phrase.to_string());
        paragraphs.push(line.to_string());
    });
    let report = scan_documents(&documents);
    assert_eq!(linked_pairs(&report), Vec::<(String, String)>::new());
    assert_eq!(documents_crediting(&report, "UPI"), 30);
}

#[test]
fn two_stock_phrases_in_unrelated_articles_do_not_vouch_for_each_other() {
    // Each short text alone links nothing; the two together were taken for a short story
    // that 30 outlets copied, and every article was linked to every other.
    let first = "The company did not immediately respond to a request for comment on Monday.";
    let second =
        "Officials did not say when the talks would resume or who would take part in them.";
    let documents = unrelated_articles(4000, 30, 3, |paragraphs| {
        paragraphs.insert(1, first.to_string());
        paragraphs.push(second.to_string());
    });
    let report = scan_documents(&documents);
    assert_eq!(linked_pairs(&report), Vec::<(String, String)>::new());
}

#[test]
fn a_stock_phrase_and_a_quotation_an_unrelated_article_shares_with_a_small_story_link_nothing() {
    // A story copied by three outlets carries a stock phrase and a minister's words; an
    // unrelated article carries the same two, far apart, and twenty more articles print the
    // stock phrase. The quotation vouched for the phrase among the few documents sharing both,
    // and the unrelated article was linked to the story's copies.
    let phrase = "The company did not immediately respond to a request for comment on Monday.";
    let quote =
        "\u{201c}We will not accept any agreement that leaves our farmers worse off,\u{201d} \
                 Foreign Minister Alina Novak said.";
    let mut story = article(9500, 3);
    story.insert(1, phrase.to_string());
    story.insert(3, quote.to_string());
    let mut documents: Vec<Value> = (0..3)
        .map(|i| document(&format!("copy{i}"), &format!("Outlet {i}"), &story))
        .collect();
    let mut unrelated = article(9600, 4);
    unrelated.insert(1, quote.to_string());
    unrelated.push(phrase.to_string());
    documents.push(document("unrelated", "Other Outlet", &unrelated));
    documents.extend(unrelated_articles(9700, 20, 2, |paragraphs| {
        paragraphs.push(phrase.to_string());
    }));
    let report = scan_documents(&documents);
    let pairs = linked_pairs(&report);
    for (a, b) in &pairs {
        assert!(
            a.starts_with("copy") && b.starts_with("copy"),
            "{a} and {b} are linked"
        );
    }
    assert_eq!(pairs.len(), 3, "{pairs:?}");
}

#[test]
fn a_stock_phrase_in_unrelated_articles_links_none_of_them() {
    let phrase = "The company did not immediately respond to a request for comment on Monday.";
    let documents = unrelated_articles(2000, 40, 3, |paragraphs| {
        paragraphs.insert(1, phrase.to_string());
    });
    let report = scan_documents(&documents);
    assert_eq!(linked_pairs(&report), Vec::<(String, String)>::new());
}

/// `count` unrelated articles (`doc0`… from `Outlet 0`…) of `paragraphs` paragraphs each
/// (`article(seed + i, …)`), each changed by `edit` (a shared line added, say).
fn unrelated_articles(
    seed: u64,
    count: u64,
    paragraphs: usize,
    edit: impl Fn(&mut Vec<String>),
) -> Vec<Value> {
    (0..count)
        .map(|i| {
            let mut text = article(seed + i, paragraphs);
            edit(&mut text);
            document(&format!("doc{i}"), &format!("Outlet {i}"), &text)
        })
        .collect()
}

/// `count` unrelated articles (`doc0`, `doc1`, …) of three paragraphs that use `phrase` as a
/// paragraph of its own after the first, except every fourth, which runs it into the start of
/// its second paragraph (a short paragraph longer than the phrase).
fn articles_using_phrase(phrase: &str, seed: u64, count: u64) -> Vec<Value> {
    (0..count)
        .map(|i| {
            let mut paragraphs = article(seed + i, 3);
            if i % 4 == 0 {
                let next: Vec<&str> = paragraphs[1].split(' ').take(16).collect();
                paragraphs[1] = format!("{phrase} {}.", next.join(" "));
            } else {
                paragraphs.insert(1, phrase.to_string());
            }
            document(&format!("doc{i}"), &format!("Outlet {i}"), &paragraphs)
        })
        .collect()
}

#[test]
fn a_stock_phrase_merged_into_longer_paragraphs_links_nothing_without_alignment() {
    // The paragraph tier alone: every fourth outlet ran the phrase into a short paragraph of
    // its own, longer than the phrase (and the cluster's representative, when it matches); the
    // phrase is still short text shared by unrelated articles.
    let phrase = "Officials did not say when the talks would resume or who would take part.";
    let documents = articles_using_phrase(phrase, 5000, 40);
    let report = scan_documents_with(&documents, &["--no-align"]);
    assert_eq!(linked_pairs(&report), Vec::<(String, String)>::new());
}

#[test]
fn a_stock_sentence_a_story_carries_links_its_copies_where_it_stands_alone() {
    // A wire story ends with a stock sentence of its own; its three copies carry it, one after
    // paragraphs of the outlet's own. 120 unrelated articles use the same sentence (too common
    // to anchor an alignment), every fourth run into a longer paragraph: the paragraph cluster
    // of the sentence is led by one of those, which only contains it.
    let phrase = "The full impact of the changes is not expected to be known for several months.";
    let mut documents = articles_using_phrase(phrase, 6000, 120);
    let story = article(7000, 5);
    for copy in 0..3u64 {
        let mut paragraphs = story.clone();
        if copy == 2 {
            paragraphs.extend(article(7100, 3));
        }
        paragraphs.push(phrase.to_string());
        let id = format!("copy{copy}");
        documents.push(document(&id, &format!("Copier {copy}"), &paragraphs));
    }
    let report = scan_documents(&documents);
    // The sentence's copies in the story are one cluster's members, all three.
    let text_of = |doc: &str, start: usize, end: usize| {
        let d = documents.iter().find(|d| d["id"] == doc).expect("document");
        d["text"].as_str().expect("text")[start..end].to_string()
    };
    let carriers = report.clusters.iter().find(|c| {
        c.kind == "wire"
            && (0..3).all(|copy| {
                c.members.iter().any(|m| {
                    m.doc == format!("copy{copy}") && text_of(&m.doc, m.start, m.end) == phrase
                })
            })
    });
    assert!(carriers.is_some(), "{:#?}", report.clusters);
    // And it links no other article to the story or to each other.
    for (a, b) in linked_pairs(&report) {
        assert!(
            a.starts_with("copy") && b.starts_with("copy"),
            "{a} and {b}"
        );
    }
}

#[test]
fn a_story_s_stock_sentence_that_unrelated_articles_print_too_is_one_cluster_not_two() {
    // A story's three copies end with a stock sentence that 120 unrelated articles print (too
    // common to anchor an alignment), every fourth run into a longer paragraph (which leads the
    // sentence's paragraph cluster).
    // The story's copies of it were one cluster from the alignment and a second, the same
    // three members, from the sentence's exact copies: a user saw the text twice.
    let phrase =
        "The office did not respond to several requests for comment sent over the weekend.";
    let mut documents = articles_using_phrase(phrase, 8000, 120);
    let mut story = article(8100, 4);
    story.push(phrase.to_string());
    documents.extend((0..3).map(|i| document(&format!("copy{i}"), &format!("Copier {i}"), &story)));
    let report = scan_documents(&documents);
    let text_of = |doc: &str, start: usize, end: usize| {
        let d = documents.iter().find(|d| d["id"] == doc).expect("document");
        d["text"].as_str().expect("text")[start..end].to_string()
    };
    let holding_the_phrase: Vec<_> = report
        .clusters
        .iter()
        .filter(|c| {
            c.kind != "boilerplate"
                && c.members
                    .iter()
                    .any(|m| text_of(&m.doc, m.start, m.end).contains(phrase))
        })
        .collect();
    assert_eq!(holding_the_phrase.len(), 1, "{holding_the_phrase:#?}");
    let docs: Vec<&str> = holding_the_phrase[0]
        .members
        .iter()
        .map(|m| m.doc.as_str())
        .collect();
    assert_eq!(docs, ["copy0", "copy1", "copy2"]);
}

#[test]
fn a_copy_of_a_story_lead_alone_joins_the_story() {
    // A wire story with a lead of twenty words (short text: it links documents only where they
    // share more) copied whole by four outlets; a fifth ran the lead alone, between paragraphs
    // of its own. Thirty unrelated articles stand around.
    assert_the_lead_only_copy_joins(|_, story| story.to_vec());
}

#[test]
fn a_lead_only_copy_joins_the_story_when_the_other_copies_run_the_lead_into_the_next_paragraph() {
    // As above, but the copies that carry the whole story merged the lead into their second
    // paragraph, or put a dateline before it: the lead is still whole paragraphs of shared
    // text, and the outlet that ran the lead alone is still a copy of the story.
    assert_the_lead_only_copy_joins(|copy, story| {
        let mut paragraphs = story.to_vec();
        if copy == 0 {
            paragraphs[0] = format!("LONDON (Reuters) - {}", story[0]);
        } else {
            let lead = paragraphs.remove(0);
            paragraphs[0] = format!("{lead} {}", paragraphs[0]);
        }
        paragraphs
    });
}

/// A story with a twenty-word lead, copied by four outlets (`copy(i, story)` gives copy i's
/// paragraphs), its lead alone in a fifth between paragraphs of its own, and thirty unrelated
/// articles: each copy is linked with the lead-only article, and no unrelated article is linked.
fn assert_the_lead_only_copy_joins(copy: impl Fn(u64, &[String]) -> Vec<String>) {
    let mut story = article(8000, 4);
    let lead: Vec<&str> = story[0].split(' ').take(20).collect();
    story[0] = format!("{}.", lead.join(" "));
    let mut documents: Vec<Value> = (0..30)
        .map(|i| {
            document(
                &format!("other{i}"),
                &format!("Outlet {i}"),
                &article(8100 + i, 3),
            )
        })
        .collect();
    for i in 0..4 {
        documents.push(document(
            &format!("copy{i}"),
            &format!("Copier {i}"),
            &copy(i, &story),
        ));
    }
    let mut lead_only = article(8200, 2);
    lead_only.insert(1, story[0].clone());
    documents.push(document("lead-only", "Aggregator", &lead_only));
    let report = scan_documents(&documents);
    let pairs = linked_pairs(&report);
    for i in 0..4 {
        let pair = (format!("copy{i}"), "lead-only".to_string());
        assert!(pairs.contains(&pair), "{pair:?} not in {pairs:?}");
    }
    for (a, b) in &pairs {
        assert!(
            !a.starts_with("other") && !b.starts_with("other"),
            "{a} and {b}"
        );
    }
}

/// An official's words, as outlets quote them.
const MINISTER_QUOTE: &str = "\u{201c}We will not accept any agreement that leaves our farmers \
                              and our fishermen worse off than they are today,\u{201d} Foreign \
                              Minister Alina Novak said.";

#[test]
fn a_quoting_paragraph_merged_into_the_one_before_is_still_a_copy_of_the_story() {
    let quote = MINISTER_QUOTE;
    // Story 0's third paragraph is the minister's words, copied by five outlets, one of which
    // ran it on from the paragraph before; story 1, copied by three, quotes them in a paragraph
    // of their own too.
    let mut documents = Vec::new();
    for (story, copies) in [(0u64, 5), (1, 3)] {
        let mut paragraphs = article(3000 + story, 4);
        paragraphs[2] = quote.to_string();
        for copy in 0..copies {
            let mut copied = paragraphs.clone();
            if story == 0 && copy == copies - 1 {
                let third = copied.remove(2);
                copied[1] = format!("{} {third}", copied[1]);
            }
            let id = format!("story{story}-copy{copy}");
            documents.push(document(&id, &format!("Outlet {story}{copy}"), &copied));
        }
    }
    let report = scan_documents(&documents);
    // The copies of story 0 share the quoting paragraph as the story's text (a wire cluster of
    // the five), not only as the quotation both stories carry.
    let merged = "story0-copy4";
    let (start, end) = {
        let text = documents[4]["text"].as_str().unwrap();
        let at = text.find("We will not accept").unwrap();
        (at, at + 40)
    };
    let story_copy = report.clusters.iter().find(|c| {
        c.kind == "wire"
            && c.members
                .iter()
                .any(|m| m.doc == merged && m.start <= start && end <= m.end)
    });
    let Some(story_copy) = story_copy else {
        panic!(
            "no wire cluster holds {merged}'s quotation: {:?}",
            report.clusters
        );
    };
    let mut docs: Vec<&str> = story_copy.members.iter().map(|m| m.doc.as_str()).collect();
    docs.sort();
    docs.dedup();
    assert_eq!(
        docs,
        (0..5)
            .map(|c| format!("story0-copy{c}"))
            .collect::<Vec<_>>()
    );
    for (a, b) in linked_pairs(&report) {
        assert_eq!(a[..6], b[..6], "{a} and {b} carry different stories");
    }
}

#[test]
fn a_lead_s_dateline_is_inside_the_member_that_copies_the_lead() {
    // The agency's copy opens "NEW YORK (Reuters) - " before a lead of three words; three
    // outlets ran the story without the dateline. The dateline is a credit (it links nothing),
    // but it is the agency's lead paragraph: the agency's member starts at the paragraph, not
    // three words in (where the lead's bytes were mostly left out).
    let mut story = article(9100, 3);
    story.insert(0, "Markets rallied sharply.".to_string());
    let mut wire = story.clone();
    wire[0] = format!("NEW YORK (Reuters) - {}", story[0]);
    let mut documents = vec![document("reuters-1", "Reuters", &wire)];
    for copy in 0..3 {
        documents.push(document(
            &format!("copy{copy}"),
            &format!("Outlet {copy}"),
            &story,
        ));
    }
    let report = scan_documents(&documents);
    let lead = report
        .clusters
        .iter()
        .filter(|c| c.kind == "wire")
        .flat_map(|c| &c.members)
        .find(|m| m.doc == "reuters-1" && m.start < 30)
        .unwrap_or_else(|| panic!("no member over the lead: {:?}", report.clusters));
    assert_eq!(lead.start, 0, "{lead:?}");
}

#[test]
fn a_short_lead_printed_with_and_without_its_dateline_is_one_text() {
    // A lead of four words: the agency and two outlets print it after "NAIROBI (AFP) - ", three
    // outlets without it, and one of those follows it with a paragraph of its own. Every copy
    // of the lead is in one cluster with every other, dateline or not.
    let mut story = article(9300, 3);
    story.insert(0, "Scalp viable Base, Paris".to_string());
    let with_dateline = |paragraphs: &[String]| {
        let mut p = paragraphs.to_vec();
        p[0] = format!("NAIROBI (AFP) - {}", p[0]);
        p
    };
    let mut own = story.clone();
    own.insert(1, article(9400, 1)[0].clone());
    let documents = vec![
        document("afp-1", "Agence France-Presse", &with_dateline(&story)),
        document("copy0", "Outlet 0", &with_dateline(&story)),
        document("copy1", "Outlet 1", &with_dateline(&story)),
        document("copy2", "Outlet 2", &story),
        document("copy3", "Outlet 3", &story),
        document("copy4", "Outlet 4", &own),
    ];
    let report = scan_documents(&documents);
    let lead_of = |doc: &str| {
        let text = documents.iter().find(|d| d["id"] == doc).unwrap()["text"]
            .as_str()
            .unwrap()
            .to_string();
        let start = text.find("Scalp").unwrap();
        (start, start + "Scalp viable Base, Paris".len())
    };
    let ids = ["afp-1", "copy0", "copy1", "copy2", "copy3", "copy4"];
    for (i, a) in ids.iter().enumerate() {
        for b in &ids[i + 1..] {
            let together = report.clusters.iter().any(|c| {
                c.kind == "wire"
                    && [a, b].iter().all(|doc| {
                        let (start, end) = lead_of(doc);
                        c.members
                            .iter()
                            .any(|m| m.doc == **doc && m.start <= start && end <= m.end)
                    })
            });
            assert!(together, "the leads of {a} and {b} are in no one cluster");
        }
    }
}

#[test]
fn a_quotation_shared_by_two_stories_keeps_them_two_stories() {
    let quote = MINISTER_QUOTE;
    // Two wire stories, each copied by three outlets, both quoting the minister.
    let mut documents = Vec::new();
    for story in 0..2u64 {
        let mut paragraphs = article(3000 + story, 4);
        paragraphs[2] = format!("{} {quote}", &paragraphs[2][..120].trim_end());
        for copy in 0..3 {
            let id = format!("story{story}-copy{copy}");
            documents.push(document(&id, &format!("Outlet {story}{copy}"), &paragraphs));
        }
    }
    let report = scan_documents(&documents);
    let pairs = linked_pairs(&report);
    for (a, b) in &pairs {
        assert_eq!(a[..6], b[..6], "{a} and {b} carry different stories");
    }
    // Copies of each story are linked, all three pairs of each.
    assert_eq!(pairs.len(), 6, "{pairs:?}");
    // No member of a wire cluster covers text its representative does not carry.
    for cluster in &report.clusters {
        let stories: Vec<&str> = cluster.members.iter().map(|m| &m.doc[..6]).collect();
        if cluster.kind == "wire" {
            assert!(stories.iter().all(|s| *s == stories[0]), "{cluster:?}");
        }
    }
}

#[test]
fn the_origin_of_a_story_copied_60_times_is_a_summary_and_a_few_examples() {
    // One AP story copied by 60 outlets, each crediting AP at the end.
    let paragraphs = article(4000, 4);
    let documents: Vec<Value> = (0..60)
        .map(|i| {
            let mut copy = paragraphs.clone();
            copy.push("The Associated Press contributed to this report.".to_string());
            document(&format!("copy{i:02}"), &format!("Outlet {i}"), &copy)
        })
        .collect();
    let report = scan_documents(&documents);
    let wire: Vec<&ClusterReport> = report
        .clusters
        .iter()
        .filter(|c| c.kind == "wire")
        .collect();
    assert!(!wire.is_empty());
    for cluster in wire {
        let origin = &cluster.origin;
        assert_eq!(origin.agency.as_deref(), Some("AP"));
        // All 60 credits are counted and scored; six items at most are listed.
        assert_eq!(
            origin.evidence_counts.get("credit"),
            Some(&60),
            "{origin:?}"
        );
        assert!(origin.scores["AP"] >= 120.0, "{origin:?}");
        assert!(
            origin.evidence.len() <= 6,
            "{} items",
            origin.evidence.len()
        );
        let kinds: Vec<&str> = origin
            .evidence
            .iter()
            .map(|e| e["kind"].as_str().unwrap())
            .collect();
        assert!(
            kinds.contains(&"credit") && kinds.contains(&"fullest"),
            "{kinds:?}"
        );
    }
}

#[test]
fn a_heading_copied_between_an_outlets_own_paragraphs_is_found_with_its_copies() {
    // A wire story with a three-word heading; one outlet sets its own paragraphs around it, so
    // no alignment reaches the heading there.
    let heading = "Markets in turmoil";
    let story = article(6000, 4);
    let mut documents = Vec::new();
    for copy in 0..3 {
        let mut paragraphs = story.clone();
        paragraphs.insert(2, heading.to_string());
        if copy == 0 {
            let own = article(6100, 2);
            paragraphs.insert(3, own[0].clone());
            paragraphs.insert(2, own[1].clone());
        }
        documents.push(document(
            &format!("copy{copy}"),
            &format!("Outlet {copy}"),
            &paragraphs,
        ));
    }
    let report = scan_documents(&documents);
    let holders: Vec<&str> = report
        .clusters
        .iter()
        .filter(|c| c.kind == "wire")
        .flat_map(|c| &c.members)
        .filter(|m| {
            let text = &documents[m.doc[4..].parse::<usize>().unwrap()]["text"];
            text.as_str().unwrap()[m.start..m.end].contains(heading)
        })
        .map(|m| m.doc.as_str())
        .collect();
    for copy in ["copy0", "copy1", "copy2"] {
        assert!(holders.contains(&copy), "{copy}: {holders:?}");
    }
}
