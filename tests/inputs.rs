//! Inputs, pipes and the text report as users have them, through the real binary: closed
//! pipes on stdout and stderr, outputs that name an input, directories of JSONL, tables and
//! compressed files, JSONL on standard input, the text report on a corpus of many documents.

use std::fs;
use std::io::{Read, Write};
use std::path::Path;
use std::process::{Command, Stdio};

mod common;

use assert_cmd::cargo::CommandCargoExt;
use serde_json::Value;

fn wiretrace() -> Command {
    Command::cargo_bin("wiretrace").expect("binary built")
}

/// A JSONL corpus of `n` small documents, a third of them sharing a paragraph, and one record
/// without text (a warning).
fn corpus(n: usize) -> String {
    let mut text = String::new();
    for i in 0..n {
        let shared = if i % 3 == 0 {
            "The ministry said on Tuesday that the new rules would take effect next month \
             after a long consultation with farmers and fishermen across the country."
        } else {
            "A paragraph of this article's own."
        };
        text.push_str(&format!(
            "{{\"id\":\"doc-{i}\",\"text\":\"Paragraph number {i} says little about it.\\n\\n{shared}\"}}\n"
        ));
    }
    text.push_str("{\"id\":\"no-text\"}\n");
    text
}

/// Runs `scan` with `args`, reading `read` bytes of stdout and `read_err` of stderr before
/// closing them (like `| head -c N`). Returns the exit code.
fn scan_then_close(args: &[&str], read: usize, read_err: Option<usize>) -> Option<i32> {
    let mut child = wiretrace()
        .arg("scan")
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stderr = child.stderr.take().unwrap();
    let mut first_err = vec![0u8; read_err.unwrap_or(0)];
    if read_err.is_some() {
        stderr.read_exact(&mut first_err).unwrap();
        drop(stderr);
    }
    let mut stdout = child.stdout.take().unwrap();
    let mut first = vec![0u8; read];
    stdout.read_exact(&mut first).unwrap();
    drop(stdout);
    child.wait().unwrap().code()
}

#[test]
fn a_closed_pipe_ends_the_run_quietly_for_every_format() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("many.jsonl");
    fs::write(&path, corpus(3000)).unwrap();
    let path = path.to_str().unwrap();
    for format in ["json", "jsonl", "csv", "text", "html"] {
        let code = scan_then_close(&["-q", "--no-align", "--format", format, path], 16, None);
        assert_eq!(code, Some(0), "--format {format}");
    }
}

#[test]
fn a_closed_stderr_never_panics() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("warns.jsonl");
    // Many records without text: many warnings on stderr, which the reader closes at once.
    let mut text = corpus(500);
    for i in 0..2000 {
        text.push_str(&format!("{{\"id\":\"bad-{i}\"}}\n"));
    }
    fs::write(&path, text).unwrap();
    let code = scan_then_close(
        &["--no-align", "--format", "csv", path.to_str().unwrap()],
        16,
        Some(8),
    );
    assert_eq!(code, Some(0));
}

#[test]
fn an_output_that_names_an_input_is_refused_and_the_input_kept() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in.jsonl");
    let text = corpus(10);
    fs::write(&input, &text).unwrap();
    let refused = |args: &[&str], names: &[&str]| {
        let out = wiretrace()
            .args(args)
            .current_dir(dir.path())
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
        for name in names {
            assert!(stderr.contains(name), "{args:?}: {stderr}");
        }
        assert_eq!(fs::read_to_string(&input).unwrap(), text, "{args:?}");
    };
    refused(&["scan", "in.jsonl", "-o", "in.jsonl"], &["in.jsonl"]);
    refused(&["scan", "in.jsonl", "-o", "./in.jsonl"], &["./in.jsonl"]);
    #[cfg(unix)]
    {
        fs::hard_link(&input, dir.path().join("hard.jsonl")).unwrap();
        refused(
            &["scan", "in.jsonl", "-o", "hard.jsonl"],
            &["hard.jsonl", "in.jsonl"],
        );
        std::os::unix::fs::symlink(&input, dir.path().join("link.jsonl")).unwrap();
        refused(&["scan", "in.jsonl", "-o", "link.jsonl"], &["link.jsonl"]);
    }
    refused(
        &[
            "synth", "in.jsonl", "--size", "10KB", "-o", "c.jsonl", "--truth", "c.jsonl",
        ],
        &["c.jsonl"],
    );
    refused(
        &["synth", "in.jsonl", "--size", "10KB", "--truth", "in.jsonl"],
        &["in.jsonl"],
    );
    refused(
        &["eval", "--truth", "in.jsonl", "in.jsonl", "-o", "in.jsonl"],
        &["in.jsonl"],
    );
    assert!(!dir.path().join("c.jsonl").exists());
}

/// The JSON report of `scan PATH` and its stderr; the scan must succeed.
fn scan_json(path: &Path) -> (Value, String) {
    let out = wiretrace()
        .args(["scan", "--format", "json"])
        .arg(path)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(out.status.success(), "{stderr}");
    (serde_json::from_slice(&out.stdout).unwrap(), stderr)
}

/// Writes `text` gzip- or zstd-compressed to `path`.
fn write_compressed(path: &Path, text: &str) {
    let file = fs::File::create(path).unwrap();
    match path.extension().and_then(|e| e.to_str()) {
        Some("gz") => {
            let mut gz = flate2::write::GzEncoder::new(file, flate2::Compression::default());
            gz.write_all(text.as_bytes()).unwrap();
            gz.finish().unwrap();
        }
        Some("zst") => {
            let mut zst = zstd::stream::write::Encoder::new(file, 3).unwrap();
            zst.write_all(text.as_bytes()).unwrap();
            zst.finish().unwrap();
        }
        other => panic!("not a compressed name: {other:?}"),
    }
}

#[test]
fn a_directory_of_jsonl_compressed_files_and_other_formats() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    fs::create_dir(root.join("feeds")).unwrap();
    let record = |id: &str| format!("{{\"id\":\"{id}\",\"text\":\"The text of {id}.\"}}\n");
    fs::write(root.join("a.jsonl"), record("a1") + &record("a2")).unwrap();
    write_compressed(
        &root.join("feeds/b.jsonl.gz"),
        &(record("b1") + &record("b2")),
    );
    write_compressed(&root.join("feeds/c.ndjson.zst"), &record("c1"));
    fs::write(root.join("d.txt"), "A plain article.").unwrap();
    write_compressed(&root.join("e.md.gz"), "A compressed article.");
    for skipped in ["f.pdf", "g.pdf", "h.docx"] {
        fs::write(root.join(skipped), "%PDF-1.4 or so").unwrap();
    }
    let (report, stderr) = scan_json(root);
    let ids = common::document_ids(&report);
    assert_eq!(ids, ["a1", "a2", "d", "e", "b1", "b2", "c1"]);
    // One summary warning names what was not read.
    let warnings = report["warnings"].as_array().unwrap();
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    assert_eq!(warnings[0]["kind"], "skipped");
    let message = warnings[0]["message"].as_str().unwrap();
    assert!(
        message.contains("skipped 3 files: 1 .docx, 2 .pdf"),
        "{message}"
    );
    assert!(stderr.contains("skipped 3 files"), "{stderr}");
}

/// The JSON report of `scan -` on `input` given on standard input.
fn scan_stdin(input: &[u8]) -> Value {
    let mut child = wiretrace()
        .args(["scan", "-", "--format", "json", "-q"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    stdin.write_all(input).unwrap();
    drop(stdin);
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success());
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn jsonl_on_standard_input_is_recognised_without_a_flag() {
    let jsonl = format!("\n  \n{}", corpus(12));
    let report = scan_stdin(jsonl.as_bytes());
    assert_eq!(report["documents"].as_array().unwrap().len(), 12);
    // Plain text on standard input is still one article.
    let report = scan_stdin(b"One article, {not JSON} at all.\n");
    assert_eq!(report["documents"].as_array().unwrap().len(), 1);
    assert_eq!(report["documents"][0]["id"], "stdin");
}

#[test]
fn completions_and_a_man_page_are_generated() {
    for shell in ["bash", "zsh", "fish"] {
        let out = wiretrace().args(["completions", shell]).output().unwrap();
        assert!(out.status.success(), "{shell}");
        let script = String::from_utf8(out.stdout).unwrap();
        assert!(script.contains("max-doc-bytes"), "{shell}: {script}");
    }
    let out = wiretrace().arg("man").output().unwrap();
    assert!(out.status.success());
    let page = String::from_utf8(out.stdout).unwrap();
    assert!(
        page.starts_with(".ie") && page.contains(".TH wiretrace 1"),
        "{page}"
    );
    // An unknown shell is a usage error.
    let out = wiretrace()
        .args(["completions", "cmd.exe"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn csv_and_tsv_tables_are_read_by_their_header() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    fs::write(
        root.join("feed.csv"),
        "id,title,text,source\n\
         a1,Title one,\"First article, with a comma\n\nand a second paragraph.\",Reuters\n\
         ,No id,The second article.,\n\
         empty,,,\n",
    )
    .unwrap();
    write_compressed(
        &root.join("more.tsv.gz"),
        "id\ttext\nt1\tA tab-separated article.\n",
    );
    let (report, stderr) = scan_json(root);
    let docs = report["documents"].as_array().unwrap();
    let ids: Vec<&str> = docs.iter().map(|d| d["id"].as_str().unwrap()).collect();
    assert_eq!(ids, ["a1", "feed:5", "t1"]);
    assert_eq!(docs[0]["source"], "Reuters");
    assert_eq!(docs[0]["title"], "Title one");
    // Two paragraphs in the quoted cell: the text is the cell's, newlines and all.
    assert_eq!(docs[0]["paragraphs"].as_array().unwrap().len(), 2);
    assert!(stderr.contains("feed.csv:6: empty text"), "{stderr}");

    // The text column is named with --text-field; a table without it is refused, naming the
    // columns it has.
    let table = root.join("body.tsv");
    fs::write(&table, "id\tbody\nx\tSome text in the body column.\n").unwrap();
    let out = wiretrace()
        .args(["scan", "--format", "json", "-q", "--text-field", "body"])
        .arg(&table)
        .output()
        .unwrap();
    assert!(out.status.success());
    assert_refused(&table, &[], "no 'text' column (columns: id, body)");
}

/// Asserts that `scan -q ARGS PATH` exits 2 with `message` on stderr.
fn assert_refused(path: &Path, args: &[&str], message: &str) {
    let out = wiretrace()
        .args(["scan", "-q"])
        .args(args)
        .arg(path)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains(message), "{stderr}");
}

#[test]
fn the_text_report_lists_documents_with_reuse_first_with_titles_and_top() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("feed.jsonl");
    let shared = "The ministry said on Tuesday that the new rules would take effect next month \
                  after a long consultation with farmers and fishermen across the country.";
    let mut text = String::new();
    for i in 0..6 {
        let own = format!("Paragraph {i} of this article's own, on topic number {i}.");
        let body = if i >= 4 { shared } else { own.as_str() };
        text.push_str(&format!(
            "{{\"id\":\"doc-{i}\",\"source\":\"Outlet {i}\",\"title\":\"Headline {i}\",\"text\":\"Article {i} opens with words of its own.\\n\\n{body}\"}}\n"
        ));
    }
    fs::write(&path, text).unwrap();
    let text_report = |args: &[&str]| {
        let out = wiretrace()
            .args(["scan", "--format", "text", "-q"])
            .args(args)
            .arg(&path)
            .output()
            .unwrap();
        assert!(out.status.success());
        String::from_utf8(out.stdout).unwrap()
    };
    // The rows of the DOCUMENTS table.
    let table_of = |report: &str| -> Vec<String> {
        report
            .lines()
            .skip_while(|l| *l != "DOCUMENTS")
            .skip(2)
            .take_while(|l| !l.is_empty())
            .map(str::to_string)
            .collect()
    };
    let all = text_report(&[]);
    let rows = table_of(&all);
    assert_eq!(rows.len(), 6, "{all}");
    // The two documents that share text come first, with their titles.
    assert!(
        rows[0].contains("doc-4") && rows[0].contains("Headline 4"),
        "{all}"
    );
    assert!(
        rows[1].contains("doc-5") && rows[1].contains("Headline 5"),
        "{all}"
    );
    let top = text_report(&["--top", "2"]);
    let table = table_of(&top);
    assert_eq!(table.len(), 3, "two rows and the rest counted: {top}");
    assert!(
        table[0].contains("doc-4") && table[1].contains("doc-5"),
        "{top}"
    );
    assert!(table[2].contains("… and 4 more documents"), "{top}");
}

#[test]
fn an_index_query_marks_new_and_indexed_articles() {
    let dir = tempfile::tempdir().unwrap();
    let shared = "The ministry said on Tuesday that the new rules would take effect next month \
                  after a long consultation with farmers and fishermen across the country.";
    let old = dir.path().join("old.jsonl");
    fs::write(
        &old,
        format!("{{\"id\":\"old-1\",\"source\":\"Outlet A\",\"text\":\"An older article.\\n\\n{shared}\"}}\n"),
    )
    .unwrap();
    let new = dir.path().join("new.jsonl");
    fs::write(
        &new,
        format!("{{\"id\":\"new-1\",\"source\":\"Outlet B\",\"text\":\"Today's article.\\n\\n{shared}\"}}\n"),
    )
    .unwrap();
    let index = dir.path().join("idx");
    for args in [vec!["index", "create"], vec!["index", "add"]] {
        let mut command = wiretrace();
        command.args(&args).arg(&index);
        if args[1] == "add" {
            command.arg(&old);
        }
        assert!(command.output().unwrap().status.success(), "{args:?}");
    }
    let out = wiretrace()
        .args(["index", "query", "--format", "text", "-q"])
        .arg(&index)
        .arg(&new)
        .output()
        .unwrap();
    let report = String::from_utf8(out.stdout).unwrap();
    assert!(out.status.success(), "{report}");
    let row = |id: &str| {
        report
            .lines()
            .find(|l| l.trim_start().starts_with(id))
            .unwrap_or_else(|| panic!("no row for {id}: {report}"))
            .to_string()
    };
    assert!(row("new-1").contains(" new "), "{report}");
    assert!(row("old-1").contains(" index "), "{report}");
}

#[test]
fn an_html_page_is_read_as_its_article_text() {
    // A page with a script, a style, navigation, a sidebar and a footer around an AP story
    // with a byline, a dateline and a contribution line.
    let page = Path::new("tests/fixtures/html/kursk.html");
    let (report, stderr) = scan_json(page);
    let doc = &report["documents"][0];
    assert_eq!(doc["extracted_from"], "html", "{stderr}");
    assert_eq!(doc["published"], "2025-04-28T09:00:00Z");
    assert!(doc["title"]
        .as_str()
        .unwrap()
        .starts_with("Troops deployed to Kursk"));
    let credits: Vec<(&str, &str)> = doc["credits"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| (c["agency"].as_str().unwrap(), c["kind"].as_str().unwrap()))
        .collect();
    assert_eq!(
        credits,
        [("AP", "byline"), ("AP", "dateline"), ("AP", "contribution")]
    );
    // Only the article's blocks are paragraphs: title, byline, four paragraphs.
    assert_eq!(doc["paragraphs"].as_array().unwrap().len(), 6, "{doc}");
    // Nothing of the script, navigation, sidebar or footer is text: the credits' text slices
    // the extracted article, and the page's other words are in no credit or paragraph count.
    let bytes = doc["bytes"].as_u64().unwrap();
    assert!(bytes < 700, "{bytes} bytes: more than the article");
    // In a directory an HTML page is read the same way (not skipped).
    let dir = tempfile::tempdir().unwrap();
    fs::copy(page, dir.path().join("kursk.html")).unwrap();
    let (report, _) = scan_json(dir.path());
    assert_eq!(report["documents"][0]["extracted_from"], "html");
    assert_eq!(report["warnings"].as_array().unwrap().len(), 0);
}

/// One row of a Parquet test table: id, body, source, published (Unix milliseconds).
type ParquetRow<'a> = (
    Option<&'a str>,
    Option<&'a str>,
    Option<&'a str>,
    Option<i64>,
);

/// Writes `rows` as a snappy-compressed Parquet table with the columns `id`, `body`, `source`,
/// `published` (a timestamp) and `views` (an integer column nobody reads), as Spark or pandas
/// would, in two row groups.
fn write_parquet(path: &Path, rows: &[ParquetRow]) {
    use parquet::basic::Compression;
    use parquet::data_type::{ByteArray, ByteArrayType, Int64Type};
    use parquet::file::properties::WriterProperties;
    use parquet::file::writer::SerializedFileWriter;

    let schema = parquet::schema::parser::parse_message_type(
        "message article {
            OPTIONAL BYTE_ARRAY id (UTF8);
            OPTIONAL BYTE_ARRAY body (UTF8);
            OPTIONAL BYTE_ARRAY source (UTF8);
            OPTIONAL INT64 published (TIMESTAMP(MILLIS,true));
            OPTIONAL INT64 views;
        }",
    )
    .unwrap();
    let properties = WriterProperties::builder()
        .set_compression(Compression::SNAPPY)
        .build();
    let file = fs::File::create(path).unwrap();
    let mut writer = SerializedFileWriter::new(file, schema.into(), properties.into()).unwrap();
    for group in rows.chunks(rows.len().div_ceil(2)) {
        let mut row_group = writer.next_row_group().unwrap();
        for column_no in 0..3 {
            let cell =
                |r: &ParquetRow<'_>| [r.0, r.1, r.2][column_no].map(|s| s.as_bytes().to_vec());
            let values: Vec<ByteArray> =
                group.iter().filter_map(cell).map(ByteArray::from).collect();
            let levels: Vec<i16> = group.iter().map(|r| cell(r).is_some() as i16).collect();
            let mut column = row_group.next_column().unwrap().unwrap();
            column
                .typed::<ByteArrayType>()
                .write_batch(&values, Some(&levels), None)
                .unwrap();
            column.close().unwrap();
        }
        let times: Vec<i64> = group.iter().filter_map(|r| r.3).collect();
        let levels: Vec<i16> = group.iter().map(|r| r.3.is_some() as i16).collect();
        let mut column = row_group.next_column().unwrap().unwrap();
        column
            .typed::<Int64Type>()
            .write_batch(&times, Some(&levels), None)
            .unwrap();
        column.close().unwrap();
        let views: Vec<i64> = (0..group.len() as i64).collect();
        let mut column = row_group.next_column().unwrap().unwrap();
        column
            .typed::<Int64Type>()
            .write_batch(&views, Some(&vec![1; group.len()]), None)
            .unwrap();
        column.close().unwrap();
        row_group.close().unwrap();
    }
    writer.close().unwrap();
}

#[test]
fn parquet_tables_are_read_by_their_column_names() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let shared = "The ministry said on Tuesday that the new rules would take effect next month \
                  after a long consultation with farmers and fishermen across the country.";
    let first = format!("LONDON (Reuters) - {shared}\n\nA paragraph of its own.");
    let second = format!("{shared}\n\nAnother outlet's own paragraph about it.");
    let rows: Vec<ParquetRow> = vec![
        (
            Some("p1"),
            Some(&first),
            Some("Reuters"),
            Some(1_709_640_000_000),
        ),
        (None, Some(&second), None, None),
        (Some("no-text"), None, None, None),
        (
            Some("p4"),
            Some("A short article with nothing shared."),
            None,
            None,
        ),
    ];
    let table = root.join("feed.parquet");
    write_parquet(&table, &rows);

    // The text column is named with --text-field, as for JSONL and CSV.
    let scan = |args: &[&str], path: &Path| {
        wiretrace()
            .args(["scan", "--format", "json", "--text-field", "body"])
            .args(args)
            .arg(path)
            .output()
            .unwrap()
    };
    let out = scan(&[], &table);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(common::document_ids(&report), ["p1", "feed:2", "p4"]);
    let docs = report["documents"].as_array().unwrap();
    assert_eq!(docs[0]["source"], "Reuters");
    assert_eq!(docs[0]["published"], "2024-03-05T12:00:00Z");
    assert_eq!(docs[0]["paragraphs"].as_array().unwrap().len(), 2);
    assert_eq!(docs[0]["credits"][0]["agency"], "Reuters");
    assert!(stderr.contains("feed.parquet:3: empty text"), "{stderr}");
    // The shared paragraph links the two rows, across the two row groups.
    let linked = report["clusters"]
        .as_array()
        .unwrap()
        .iter()
        .any(|c| c["members"].as_array().unwrap().len() == 2);
    assert!(linked, "{report}");

    // In a directory, compressed, and on standard input it reads the same.
    let compressed = root.join("more.parquet.zst");
    fs::write(
        &compressed,
        zstd::encode_all(&fs::read(&table).unwrap()[..], 3).unwrap(),
    )
    .unwrap();
    let out = scan(&["-q"], root);
    assert!(out.status.success());
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        common::document_ids(&report),
        ["p1", "feed:2", "p4", "p1~2", "more:2", "p4~2"]
    );
    let mut child = wiretrace()
        .args([
            "scan",
            "-",
            "--format",
            "json",
            "-q",
            "--text-field",
            "body",
        ])
        .stdin(fs::File::open(&table).unwrap())
        .output()
        .unwrap();
    assert!(child.status.success());
    let report: Value = serde_json::from_slice(&std::mem::take(&mut child.stdout)).unwrap();
    assert_eq!(common::document_ids(&report), ["p1", "stdin:2", "p4"]);

    // Without the text column the table is refused, naming its columns; a file that is not
    // Parquet is refused, naming it.
    assert_refused(
        &table,
        &[],
        "no 'text' column (columns: id, body, source, published, views)",
    );
    let fake = root.join("fake.parquet");
    fs::write(&fake, "id,text\n1,not parquet at all\n").unwrap();
    assert_refused(
        &fake,
        &["--text-field", "body"],
        "fake.parquet: not a readable Parquet file",
    );
}
