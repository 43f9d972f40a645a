//! `wiretrace index` as a user runs it: every subcommand, bad indexes, a kill during `add`,
//! readers during a write, and a split corpus on which `index query` agrees with `scan`.

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Child, Stdio};
use std::time::{Duration, Instant};

use assert_cmd::Command;
use serde_json::Value;

mod common;

fn wiretrace() -> Command {
    Command::cargo_bin("wiretrace").expect("binary builds")
}

fn run_ok(args: &[&str]) -> Vec<u8> {
    let out = wiretrace().args(args).output().expect("runs");
    assert!(
        out.status.success(),
        "wiretrace {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

fn json_of(args: &[&str]) -> Value {
    serde_json::from_slice(&run_ok(args)).expect("JSON output")
}

/// A fresh index at `dir/name` holding `input`.
fn index_of(dir: &Path, name: &str, input: &Path) -> PathBuf {
    let index = dir.join(name);
    run_ok(&["index", "create", path(&index)]);
    run_ok(&["index", "add", "-q", path(&index), path(input)]);
    index
}

/// `index query INDEX INPUT --format json`.
fn query_json(index: &Path, input: &str) -> Value {
    json_of(&["index", "query", path(index), input, "--format", "json"])
}

fn stats(dir: &str) -> Value {
    json_of(&["index", "stats", dir, "--format", "json"])
}

fn path(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// A synthetic corpus of about `size` from data/sample, split into odd and even lines (the
/// synthesizer writes a story's copies together, so each half gets copies of every story).
fn split_corpus(dir: &Path, size: &str, seed: &str) -> (PathBuf, PathBuf) {
    let corpus = dir.join("corpus.jsonl");
    run_ok(&[
        "synth",
        "data/sample",
        "--size",
        size,
        "--seed",
        seed,
        "-q",
        "-o",
        path(&corpus),
        "--truth",
        path(&dir.join("truth.jsonl")),
    ]);
    let text = fs::read_to_string(&corpus).unwrap();
    let (mut odd, mut even) = (String::new(), String::new());
    for (i, line) in text.lines().enumerate() {
        let half = if i % 2 == 0 { &mut odd } else { &mut even };
        half.push_str(line);
        half.push('\n');
    }
    let (a, b) = (dir.join("indexed.jsonl"), dir.join("queried.jsonl"));
    fs::write(&a, odd).unwrap();
    fs::write(&b, even).unwrap();
    (a, b)
}

/// Document pairs (sorted ids) that share a non-boilerplate cluster, one side in `left`.
fn cross_pairs(report: &Value, left: &BTreeSet<String>) -> BTreeSet<(String, String)> {
    let mut pairs = BTreeSet::new();
    for cluster in report["clusters"].as_array().unwrap() {
        if cluster["kind"] == "boilerplate" {
            continue;
        }
        let docs: BTreeSet<String> = cluster["members"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| m["doc"].as_str().unwrap().to_string())
            .collect();
        for a in &docs {
            for b in &docs {
                if a < b && left.contains(a) != left.contains(b) {
                    pairs.insert((a.clone(), b.clone()));
                }
            }
        }
    }
    pairs
}

fn ids_of(jsonl: &Path) -> BTreeSet<String> {
    fs::read_to_string(jsonl)
        .unwrap()
        .lines()
        .map(|l| {
            serde_json::from_str::<Value>(l).unwrap()["id"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect()
}

#[test]
fn create_add_and_stats_and_a_second_add_of_the_same_ids_adds_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let index = dir.path().join("ix");
    run_ok(&["index", "create", path(&index)]);
    let empty = stats(path(&index));
    assert_eq!(empty["documents"], 0);
    assert_eq!(empty["format_version"], wiretrace::index::FORMAT_VERSION);

    let out = wiretrace()
        .args(["index", "add", path(&index), "data/sample"])
        .output()
        .unwrap();
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("added 5 documents"));
    let after = stats(path(&index));
    assert_eq!(after["documents"], 5);
    assert_eq!(after["paragraphs"], 202);
    assert!(after["band_rows"].as_u64().unwrap() > 1000);
    assert!(after["anchor_rows"].as_u64().unwrap() > 1000);

    let again = wiretrace()
        .args(["index", "add", path(&index), "data/sample"])
        .output()
        .unwrap();
    assert!(again.status.success());
    assert!(String::from_utf8_lossy(&again.stderr).contains("5 documents skipped"));
    assert_eq!(stats(path(&index))["documents"], 5);

    let text = String::from_utf8(run_ok(&["index", "stats", path(&index)])).unwrap();
    assert!(text.contains("documents        5"), "{text}");
}

#[test]
fn missing_existing_and_foreign_version_indexes_are_clear_errors() {
    let dir = tempfile::tempdir().unwrap();
    let index = dir.path().join("ix");
    let missing = wiretrace()
        .args(["index", "stats", path(&index)])
        .output()
        .unwrap();
    assert_eq!(missing.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&missing.stderr).contains("not a wiretrace index"));

    run_ok(&["index", "create", path(&index)]);
    let twice = wiretrace()
        .args(["index", "create", path(&index)])
        .output()
        .unwrap();
    assert_eq!(twice.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&twice.stderr).contains("already exists"));

    let db = rusqlite::Connection::open(index.join("index.sqlite")).unwrap();
    db.execute(
        "UPDATE meta SET value = '999' WHERE name = 'format_version'",
        [],
    )
    .unwrap();
    drop(db);
    for args in [
        vec!["index", "stats", path(&index)],
        vec!["index", "add", path(&index), "data/sample"],
        vec!["index", "query", path(&index), "data/sample"],
    ] {
        let out = wiretrace().args(&args).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains("format version 999"), "{err}");
        assert_eq!(err.lines().count(), 1, "{err}");
    }
}

#[test]
fn query_names_indexed_sources_and_writes_every_scan_format() {
    let dir = tempfile::tempdir().unwrap();
    let (indexed, queried) = (dir.path().join("indexed"), dir.path().join("queried"));
    fs::create_dir_all(&indexed).unwrap();
    fs::create_dir_all(&queried).unwrap();
    let mut files: Vec<PathBuf> = fs::read_dir("data/sample")
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "txt"))
        .collect();
    files.sort();
    for (i, file) in files.iter().enumerate() {
        let to = if i == 0 { &queried } else { &indexed };
        fs::copy(file, to.join(file.file_name().unwrap())).unwrap();
    }
    let index = index_of(dir.path(), "ix", &indexed);
    let report = query_json(&index, path(&queried));
    // Files without ids are named by their canonical path in an index's reports.
    let queried_id = fs::canonicalize(&queried)
        .unwrap()
        .join(files[0].file_stem().unwrap())
        .to_str()
        .unwrap()
        .to_string();
    let queried_id = queried_id.as_str();
    let documents = report["documents"].as_array().unwrap();
    let query_doc = documents.iter().find(|d| d["id"] == queried_id).unwrap();
    assert!(query_doc.get("indexed").is_none());
    assert!(query_doc["reuse"]["shared_fraction"].as_f64().unwrap() > 0.0);
    let sources: Vec<&Value> = documents.iter().filter(|d| d["indexed"] == true).collect();
    assert!(
        sources.len() >= 2,
        "the queried article shares text with several"
    );
    let clusters = report["clusters"].as_array().unwrap();
    assert!(!clusters.is_empty());
    for cluster in clusters {
        let members = cluster["members"].as_array().unwrap();
        assert!(members.iter().any(|m| m["doc"] == queried_id));
    }
    assert!(
        clusters
            .iter()
            .any(|c| c["origin"]["doc"].as_str().is_some_and(|d| d != queried_id)),
        "an indexed article is named as an origin"
    );
    assert_eq!(report["summary"]["clusters"], clusters.len());

    // The same links as one scan of everything (which names files by their stem).
    let whole = json_of(&["scan", path(&indexed), path(&queried), "--format", "json"]);
    let stem = files[0].file_stem().unwrap().to_str().unwrap();
    let by_stem = |pairs: BTreeSet<(String, String)>| -> BTreeSet<(String, String)> {
        let base = |id: &str| id.rsplit('/').next().unwrap().to_string();
        pairs
            .iter()
            .map(|(a, b)| (base(a).min(base(b)), base(a).max(base(b))))
            .collect()
    };
    assert_eq!(
        by_stem(cross_pairs(&report, &[queried_id.to_string()].into())),
        by_stem(cross_pairs(&whole, &[stem.to_string()].into()))
    );

    for format in ["jsonl", "csv", "text", "html"] {
        let out = run_ok(&[
            "index",
            "query",
            path(&index),
            path(&queried),
            "--format",
            format,
        ]);
        assert!(
            String::from_utf8_lossy(&out).contains(queried_id),
            "{format}"
        );
    }
}

#[test]
fn a_split_corpus_finds_the_same_cross_half_links_as_one_scan() {
    let dir = tempfile::tempdir().unwrap();
    let (indexed, queried) = split_corpus(dir.path(), "400kB", "5");
    let index = index_of(dir.path(), "ix", &indexed);
    let query = query_json(&index, path(&queried));
    let whole = json_of(&["scan", path(&indexed), path(&queried), "--format", "json"]);
    let left = ids_of(&indexed);
    let expected = cross_pairs(&whole, &left);
    assert!(expected.len() > 50, "{} cross-half pairs", expected.len());
    assert_eq!(cross_pairs(&query, &left), expected);
}

#[test]
fn remove_by_id_and_by_date() {
    let dir = tempfile::tempdir().unwrap();
    let (indexed, _) = split_corpus(dir.path(), "200kB", "9");
    let index = index_of(dir.path(), "ix", &indexed);
    let before = stats(path(&index));
    let total = before["documents"].as_u64().unwrap();
    assert_eq!(before["earliest_published"], "2026-01-01");

    let ids: Vec<String> = ids_of(&indexed).into_iter().collect();
    let out = wiretrace()
        .args([
            "index",
            "remove",
            path(&index),
            "--id",
            &ids[0],
            "--id",
            "no-such-id",
        ])
        .output()
        .unwrap();
    assert!(out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("removed 1 documents") && err.contains("no-such-id"),
        "{err}"
    );
    assert_eq!(stats(path(&index))["documents"], total - 1);

    run_ok(&["index", "remove", path(&index), "--before", "2026-01-02"]);
    let after = stats(path(&index));
    assert!(after["documents"].as_u64().unwrap() < total - 1);
    assert!(after["earliest_published"].as_str().unwrap() >= "2026-01-02");

    // Removal leaves no keys behind: removing the rest empties every table.
    run_ok(&["index", "remove", path(&index), "--before", "2100-01-01"]);
    let empty = stats(path(&index));
    for field in [
        "documents",
        "band_rows",
        "anchor_rows",
        "paragraph_key_rows",
    ] {
        assert_eq!(empty[field], 0, "{field}");
    }

    let bad = wiretrace()
        .args(["index", "remove", path(&index), "--before", "last tuesday"])
        .output()
        .unwrap();
    assert_eq!(bad.status.code(), Some(2));
}

/// Starts `index add` of `input` with a 1 MiB page cache (so it writes to the log long
/// before it commits) and waits until its uncommitted pages reach the write-ahead log.
fn start_add_and_wait_for_the_log(index: &Path, input: &Path) -> Child {
    let child = std::process::Command::new(assert_cmd::cargo::cargo_bin("wiretrace"))
        .args([
            "index",
            "add",
            "-q",
            "--cache-mib",
            "1",
            path(index),
            path(input),
        ])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let wal = index.join("index.sqlite-wal");
    let started = Instant::now();
    while fs::metadata(&wal).map(|m| m.len()).unwrap_or(0) == 0 {
        assert!(
            started.elapsed() < Duration::from_secs(120),
            "add never wrote"
        );
        std::thread::sleep(Duration::from_millis(2));
    }
    child
}

fn table_counts(index: &Path) -> Vec<i64> {
    let db = rusqlite::Connection::open(index.join("index.sqlite")).unwrap();
    let check: String = db
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap();
    assert_eq!(check, "ok");
    ["documents", "bands", "anchors", "paragraph_keys"]
        .iter()
        .map(|t| {
            db.query_row(&format!("SELECT COUNT(*) FROM {t}"), [], |r| r.get(0))
                .unwrap()
        })
        .collect()
}

#[test]
fn a_kill_during_add_leaves_the_index_as_it_was() {
    use std::os::unix::process::ExitStatusExt;
    let dir = tempfile::tempdir().unwrap();
    let (first, second) = split_corpus(dir.path(), "3MB", "4");
    let index = index_of(dir.path(), "ix", &first);
    let before = table_counts(&index);

    let mut add = start_add_and_wait_for_the_log(&index, &second);
    add.kill().unwrap(); // SIGKILL
    let status = add.wait().unwrap();
    assert_eq!(
        status.signal(),
        Some(9),
        "the add finished before it could be killed; the test needs a larger input"
    );
    assert_eq!(
        table_counts(&index),
        before,
        "nothing of the killed add remains"
    );

    // The index works: the same add now completes, and equals an index built in one go.
    run_ok(&["index", "add", "-q", path(&index), path(&second)]);
    let clean = index_of(dir.path(), "clean", &first);
    run_ok(&["index", "add", "-q", path(&clean), path(&second)]);
    assert_eq!(table_counts(&index), table_counts(&clean));
}

#[test]
fn readers_see_the_last_commit_while_a_writer_adds() {
    let dir = tempfile::tempdir().unwrap();
    let (first, second) = split_corpus(dir.path(), "3MB", "6");
    let index = index_of(dir.path(), "ix", &first);
    let committed = stats(path(&index))["documents"].clone();

    let add = start_add_and_wait_for_the_log(&index, &second);
    // While the add is under way: statistics and a query run, and see the last commit.
    assert_eq!(stats(path(&index))["documents"], committed);
    let report = query_json(&index, "data/sample");
    assert!(report["summary"]["documents"].as_u64().unwrap() >= 5);
    let out = add.wait_with_output().unwrap();
    assert!(out.status.success());
    assert!(stats(path(&index))["documents"].as_u64().unwrap() > committed.as_u64().unwrap());
}

#[test]
fn two_creates_at_once_make_one_index_and_the_other_is_told() {
    let dir = tempfile::tempdir().unwrap();
    let index = dir.path().join("idx");
    let children: Vec<Child> = (0..4)
        .map(|_| {
            std::process::Command::new(assert_cmd::cargo::cargo_bin("wiretrace"))
                .args(["index", "create", path(&index)])
                .stderr(Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    let codes: Vec<Option<i32>> = children
        .into_iter()
        .map(|c| c.wait_with_output().unwrap().status.code())
        .collect();
    assert_eq!(
        codes.iter().filter(|&&c| c == Some(0)).count(),
        1,
        "{codes:?}"
    );
    assert!(
        codes.iter().all(|&c| c == Some(0) || c == Some(2)),
        "{codes:?}"
    );
    // The one index is whole and usable; no temporary file is left.
    let names: Vec<String> = fs::read_dir(&index)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(names.iter().all(|n| !n.contains("creating")), "{names:?}");
    assert_eq!(stats(path(&index))["documents"], 0);
}

/// `dir/corpus.jsonl`: `n` two-paragraph articles, ids `d0`, `d1`…
fn numbered_corpus(dir: &Path, n: usize) -> PathBuf {
    let corpus = dir.join("corpus.jsonl");
    let mut text = String::new();
    for i in 0..n {
        text.push_str(&format!(
            "{{\"id\":\"d{i}\",\"source\":\"Outlet {}\",\"text\":\"Article {i} reports on topic {i} at some length, with words enough to index.\\n\\nA second paragraph about {i} and its many consequences for everyone.\"}}\n",
            i % 3
        ));
    }
    fs::write(&corpus, text).unwrap();
    corpus
}

/// `index check INDEX --format json`: its exit code and report.
fn check(index: &Path) -> (Option<i32>, Value) {
    let out = wiretrace()
        .args(["index", "check", "-q", "--format", "json", path(index)])
        .output()
        .unwrap();
    (
        out.status.code(),
        serde_json::from_slice(&out.stdout).unwrap_or(Value::Null),
    )
}

#[test]
fn index_check_finds_rows_that_do_not_match_the_text() {
    let dir = tempfile::tempdir().unwrap();
    let corpus = numbered_corpus(dir.path(), 50);
    let index = index_of(dir.path(), "idx", &corpus);
    let (code, report) = check(&index);
    assert_eq!(code, Some(0), "{report}");
    assert_eq!(report["documents"], 50);
    assert_eq!(report["problem_count"], 0);
    // Damage SQLite cannot see: a missing band row, a stray anchor row, a wrong paragraph
    // count, a paragraph key with another outlet.
    let db = rusqlite::Connection::open(index.join("index.sqlite")).unwrap();
    db.execute_batch(
        "DELETE FROM bands WHERE (key, doc) = (SELECT key, doc FROM bands LIMIT 1);
         INSERT INTO anchors(key, doc) VALUES (42, 9999);
         UPDATE documents SET paragraphs = 7 WHERE id = 'd3';
         UPDATE paragraph_keys SET source = 'Nobody' WHERE doc = (SELECT doc FROM documents WHERE id = 'd4');",
    )
    .unwrap();
    drop(db);
    let (code, report) = check(&index);
    assert_eq!(code, Some(1), "{report}");
    let problems: Vec<&str> = report["problems"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p.as_str().unwrap())
        .collect();
    let has = |needle: &str| problems.iter().any(|p| p.contains(needle));
    assert!(has("bands rows missing"), "{problems:?}");
    assert!(
        has("anchors: 1 rows that no indexed document's text gives"),
        "{problems:?}"
    );
    assert!(
        has("('d3'): 7 paragraphs recorded, its text has 2"),
        "{problems:?}"
    );
    assert!(
        has("('d4'): 2 paragraph_keys rows with another outlet"),
        "{problems:?}"
    );
    assert_eq!(report["problem_count"], 4);
}

#[test]
fn a_damaged_index_is_never_written_into() {
    let dir = tempfile::tempdir().unwrap();
    let corpus = numbered_corpus(dir.path(), 300);
    let index = index_of(dir.path(), "idx", &corpus);
    let database = index.join("index.sqlite");
    let mut bytes = fs::read(&database).unwrap();
    // Flip 200 bytes past the first pages (the header and schema stay readable).
    let mut state = 12345u64;
    for _ in 0..200 {
        state = state
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        let at = 32768 + (state >> 33) as usize % (bytes.len() - 32768);
        bytes[at] ^= 0xFF;
    }
    fs::write(&database, &bytes).unwrap();
    let out = wiretrace()
        .args(["index", "add", "-q", path(&index), path(&corpus)])
        .output()
        .unwrap();
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("damaged") && stderr.lines().count() == 1,
        "{stderr}"
    );
    assert_eq!(
        fs::read(&database).unwrap(),
        bytes,
        "the damaged file was written"
    );
    // `index check` says so (exit 1), whether SQLite or the invariants find it; a query that
    // reads damaged rows fails pointing to it.
    let (code, report) = check(&index);
    assert_eq!(code, Some(1), "{report}");
    let out = wiretrace()
        .args([
            "index",
            "query",
            "-q",
            "--format",
            "json",
            path(&index),
            path(&corpus),
        ])
        .output()
        .unwrap();
    if !out.status.success() {
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains("index check"), "{stderr}");
    }
}

#[test]
fn an_article_resent_with_corrected_text_replaces_the_indexed_one() {
    let dir = tempfile::tempdir().unwrap();
    let write = |name: &str, text: &str| {
        let p = dir.path().join(name);
        fs::write(&p, format!("{{\"id\":\"story-1\",\"text\":\"{text}\"}}\n")).unwrap();
        p
    };
    let original = write(
        "original.jsonl",
        "The minister said on Monday that the new rules would take effect in May after a long consultation.\\n\\nA second paragraph with more of the story and its many details.",
    );
    let corrected = write(
        "corrected.jsonl",
        "The minister said on Tuesday that the new rules would take effect in June after a short consultation.\\n\\nA second paragraph with more of the story and its many details, corrected.",
    );
    let index = index_of(dir.path(), "idx", &original);
    // Skipped by default; under --strict or --on-duplicate fail, nothing is added (exit 2).
    // The message says what would go on, for the flag given.
    for (flag, hint) in [
        ("--strict", "--strict fails on any skip"),
        (
            "--on-duplicate=fail",
            "--on-duplicate skip or replace to go on",
        ),
    ] {
        let out = wiretrace()
            .args(["index", "add", "-q", flag, path(&index), path(&corrected)])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{flag}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            stderr.contains("already indexed") && stderr.contains(hint),
            "{stderr}"
        );
    }
    run_ok(&[
        "index",
        "add",
        "-q",
        "--on-duplicate",
        "replace",
        path(&index),
        path(&corrected),
    ]);
    // The index now holds exactly what a fresh index of the corrected article holds.
    let fresh = index_of(dir.path(), "fresh", &corrected);
    let (replaced, expected) = (stats(path(&index)), stats(path(&fresh)));
    for field in [
        "documents",
        "paragraphs",
        "text_bytes",
        "band_rows",
        "anchor_rows",
        "paragraph_key_rows",
    ] {
        assert!(replaced[field].is_u64(), "{field}: {replaced}");
        assert_eq!(replaced[field], expected[field], "{field}");
    }
}

#[test]
fn two_feeds_of_the_same_name_keep_every_article() {
    let dir = tempfile::tempdir().unwrap();
    let feed = |sub: &str, topic: &str| {
        fs::create_dir_all(dir.path().join(sub)).unwrap();
        let p = dir.path().join(sub).join("feed.jsonl");
        fs::write(
            &p,
            format!(
                "{{\"text\":\"The first article of the {topic} feed, long enough to be indexed on its own terms.\"}}\n\
                 {{\"text\":\"The second article of the {topic} feed, with words of its own about the {topic} story.\"}}\n"
            ),
        )
        .unwrap();
        p
    };
    let (a, b) = (feed("a", "sports"), feed("b", "weather"));
    let index = dir.path().join("idx");
    run_ok(&["index", "create", path(&index)]);
    // Records without an id are named by the feed's canonical path: both feeds go in whole,
    // even under --strict.
    for input in [&a, &b] {
        run_ok(&["index", "add", "-q", "--strict", path(&index), path(input)]);
    }
    assert_eq!(stats(path(&index))["documents"], 4);
    let canonical = fs::canonicalize(dir.path()).unwrap();
    let report = query_json(&index, path(&a));
    let ids = common::document_ids(&report);
    let expected = format!("{}/a/feed:1", canonical.display());
    assert!(ids.contains(&expected.as_str()), "{ids:?}");

    // Standard input has no path: its records are named by their text's hash, so a second,
    // different stream adds its articles and the same stream again adds nothing.
    let add_stdin = |text: String| {
        let out = wiretrace()
            .args(["index", "add", "-q", path(&index), "-"])
            .write_stdin(text)
            .output()
            .unwrap();
        assert!(out.status.success());
    };
    let stream = |word: &str| {
        format!("{{\"text\":\"An article read from a pipe about {word}, long enough to be indexed.\"}}\n")
    };
    add_stdin(stream("rivers"));
    add_stdin(stream("mountains"));
    add_stdin(stream("rivers"));
    assert_eq!(stats(path(&index))["documents"], 6);

    // A scan keeps the short, readable names.
    let report = json_of(&["scan", "--format", "json", path(&a)]);
    assert_eq!(common::document_ids(&report), ["feed:1", "feed:2"]);
}
