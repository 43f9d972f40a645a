//! The bad-input matrix and output safety, through the real binary: every case ends with a
//! one-line error or counted warnings naming the input, never a panic, and never a partial
//! report on disk.

use std::fs;
use std::io::{Read, Write};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

mod common;

use assert_cmd::cargo::CommandCargoExt;
use serde_json::Value;

fn wiretrace() -> Command {
    Command::cargo_bin("wiretrace").expect("binary built")
}

fn scan_json(args: &[&str]) -> (Value, String) {
    let out = wiretrace()
        .args(["scan", "--format", "json"])
        .args(args)
        .output()
        .unwrap();
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(out.status.success(), "scan {args:?} failed: {stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    (serde_json::from_slice(&out.stdout).unwrap(), stderr)
}

/// `wiretrace scan ARGS PATHS…`, run to the end.
fn scan_paths(args: &[&str], paths: &[&Path]) -> std::process::Output {
    wiretrace()
        .arg("scan")
        .args(args)
        .args(paths)
        .output()
        .unwrap()
}

fn warning_kinds(report: &Value) -> Vec<String> {
    report["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w["kind"].as_str().unwrap().to_string())
        .collect()
}

#[cfg(unix)]
#[test]
fn symlink_loops_and_dangling_links_are_counted_warnings() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    fs::create_dir(root.join("a")).unwrap();
    fs::write(
        root.join("a/story.txt"),
        "A story with enough words to be a document.",
    )
    .unwrap();
    std::os::unix::fs::symlink(root, root.join("a/loop")).unwrap();
    std::os::unix::fs::symlink(root.join("missing.txt"), root.join("a/dangling.txt")).unwrap();
    let (report, stderr) = scan_json(&[root.to_str().unwrap()]);
    assert_eq!(report["documents"].as_array().unwrap().len(), 1);
    let kinds = warning_kinds(&report);
    assert_eq!(kinds, ["unreadable", "unreadable"], "{stderr}");
    assert!(stderr.contains("symbolic link loop"), "{stderr}");
    assert!(stderr.contains("dangling.txt"), "{stderr}");
}

#[test]
fn an_empty_directory_gives_an_empty_report() {
    let dir = tempfile::tempdir().unwrap();
    let (report, _) = scan_json(&[dir.path().to_str().unwrap()]);
    assert_eq!(report["summary"]["documents"], 0);
    assert!(report["clusters"].as_array().unwrap().is_empty());
}

#[test]
fn a_200_mb_single_line_document_is_cut_at_the_limit() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("huge.txt");
    let line = "Wire copy goes on and on without a single line break in it. ";
    let mut file = fs::File::create(&path).unwrap();
    let block = line.repeat(16 * 1024);
    let mut written = 0;
    while written < 200 * 1024 * 1024 {
        file.write_all(block.as_bytes()).unwrap();
        written += block.len();
    }
    drop(file);
    let (report, stderr) = scan_json(&[path.to_str().unwrap(), "--max-doc-bytes", "1000000"]);
    let doc = &report["documents"][0];
    assert_eq!(doc["truncated_from"], written);
    assert!(doc["bytes"].as_u64().unwrap() <= 1_000_000);
    assert_eq!(warning_kinds(&report), ["truncated"]);
    assert!(stderr.contains("huge.txt") && stderr.contains("--max-doc-bytes"));
}

/// Runs `wiretrace ARGS` to the end (killed after `limit`), returning its output and its peak
/// resident memory in MiB (Linux: `wait4`'s `ru_maxrss` of that one child).
#[cfg(target_os = "linux")]
#[allow(clippy::zombie_processes)] // reaped by `wait4`, which also gives its peak memory
fn run_measured(args: &[&str], limit: Duration) -> (std::process::Output, u64) {
    let mut child = wiretrace()
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let pid = child.id() as libc::pid_t;
    let (mut stdout, mut stderr) = (child.stdout.take().unwrap(), child.stderr.take().unwrap());
    let out_reader = std::thread::spawn(move || {
        let mut bytes = Vec::new();
        stdout.read_to_end(&mut bytes).unwrap();
        bytes
    });
    let err_reader = std::thread::spawn(move || {
        let mut bytes = Vec::new();
        stderr.read_to_end(&mut bytes).unwrap();
        bytes
    });
    let killer = std::thread::spawn(move || {
        std::thread::sleep(limit);
        // SAFETY: signalling a pid; if the child already ended and was reaped, this is harmless
        // unless the pid was reused within the limit, which a test run does not do.
        unsafe { libc::kill(pid, libc::SIGKILL) };
    });
    let mut status = 0;
    // SAFETY: plain FFI with valid pointers to locals.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    let waited = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
    assert_eq!(waited, pid);
    drop(killer);
    let code = libc::WIFEXITED(status).then(|| libc::WEXITSTATUS(status));
    assert!(
        code.is_some(),
        "wiretrace {args:?} was killed after {limit:?}"
    );
    use std::os::unix::process::ExitStatusExt;
    let output = std::process::Output {
        status: std::process::ExitStatus::from_raw(status),
        stdout: out_reader.join().unwrap(),
        stderr: err_reader.join().unwrap(),
    };
    (output, usage.ru_maxrss as u64 / 1024)
}

#[test]
#[cfg(target_os = "linux")]
fn inputs_past_the_cap_are_never_held_whole() {
    // A 200 MB JSONL line: its text is cut while it is read, the rest of the record (a title
    // after the text) and the next record are kept.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("huge.jsonl");
    let mut file = std::io::BufWriter::new(fs::File::create(&path).unwrap());
    file.write_all(b"{\"id\":\"huge\",\"text\":\"").unwrap();
    let block = "Wire copy goes on and on without a single line break in it. ".repeat(16 * 1024);
    let mut written = 0;
    while written < 200 * 1024 * 1024 {
        file.write_all(block.as_bytes()).unwrap();
        written += block.len();
    }
    file.write_all(
        b"\",\"title\":\"After the text\"}\n{\"id\":\"next\",\"text\":\"A small one.\"}\n",
    )
    .unwrap();
    drop(file);
    let path_arg = path.to_str().unwrap();
    let args = [
        "scan",
        "--format",
        "json",
        "--max-doc-bytes",
        "1000000",
        path_arg,
    ];
    let (out, peak_mib) = run_measured(&args, Duration::from_secs(120));
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(common::document_ids(&report), ["huge", "next"]);
    let doc = &report["documents"][0];
    assert_eq!(doc["truncated_from"], written);
    assert_eq!(doc["title"], "After the text");
    assert!(doc["bytes"].as_u64().unwrap() <= 1_000_000);
    assert_eq!(warning_kinds(&report), ["truncated"]);
    // Held whole, the line alone would be 200 MiB (and its parsed text as much again).
    assert!(peak_mib < 120, "peak {peak_mib} MiB for a 1 MB cap");

    // An endless device is binary: skipped at once, not read to its end.
    let args = ["scan", "--format", "json", "/dev/zero"];
    let (out, peak_mib) = run_measured(&args, Duration::from_secs(60));
    assert!(out.status.success());
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(warning_kinds(&report), ["binary"]);
    assert!(peak_mib < 120, "peak {peak_mib} MiB for /dev/zero");
}

#[test]
#[cfg(target_os = "linux")]
fn running_out_of_memory_is_a_clear_error_not_an_abort() {
    // One 200 MB article, read whole (the cap raised to 256 MB).
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("huge.txt");
    let block = "Wire copy goes on and on without a single line break in it. ".repeat(16 * 1024);
    let mut file = std::io::BufWriter::new(fs::File::create(&path).unwrap());
    for _ in 0..(200 << 20) / block.len() {
        file.write_all(block.as_bytes()).unwrap();
    }
    drop(file);
    let output = dir.path().join("report.json");
    // `sh -c 'LIMIT exec wiretrace scan FLAGS …'`: a shell to set a process limit first.
    let scan = |limit: &str, flags: &str| {
        let script = format!(
            "{limit} exec \"$0\" scan {flags} --max-doc-bytes 268435456 -q -o \"$1\" \"$2\""
        );
        Command::new("sh")
            .args(["-c", &script])
            .arg(wiretrace().get_program())
            .arg(&output)
            .arg(&path)
            .output()
            .unwrap()
    };
    // Past --max-memory, and past a process limit (`ulimit -v`): exit 2 with one line, never
    // an abort (134) or a panic, and no report.
    for (limit, flags) in [("", "--max-memory 100MB"), ("ulimit -v 400000;", "")] {
        let out = scan(limit, flags);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{limit} {stderr}");
        assert!(
            stderr.starts_with("wiretrace: error: out of memory"),
            "{stderr}"
        );
        assert_eq!(stderr.lines().count(), 1, "{stderr}");
        assert!(!output.exists());
    }
    // A ceiling the run stays under changes nothing.
    let small = dir.path().join("small.txt");
    fs::write(
        &small,
        "A short article that needs little memory to scan at all.",
    )
    .unwrap();
    let (plain, _) = scan_json(&[small.to_str().unwrap()]);
    let (ceiling, _) = scan_json(&["--max-memory", "1GB", small.to_str().unwrap()]);
    assert_eq!(plain, ceiling);
}

#[test]
fn a_million_tiny_documents() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("tiny.jsonl");
    let mut out = std::io::BufWriter::new(fs::File::create(&path).unwrap());
    for i in 0..1_000_000 {
        writeln!(out, "{{\"id\":\"d{i}\",\"text\":\"word {}\"}}", i % 977).unwrap();
    }
    out.into_inner().unwrap().sync_all().unwrap();
    let out = wiretrace()
        .args(["scan", "--format", "jsonl", "--no-align"])
        .arg(&path)
        .output()
        .unwrap();
    assert!(out.status.success());
    let last = String::from_utf8(out.stdout).unwrap();
    let summary: Value = serde_json::from_str(last.lines().last().unwrap()).unwrap();
    assert_eq!(summary["type"], "summary");
    assert_eq!(summary["documents"], 1_000_000);
}

#[test]
fn truncated_jsonl_keeps_every_complete_record() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("cut.jsonl");
    fs::write(
        &path,
        "{\"id\":\"a\",\"text\":\"A complete record with some words in it.\"}\n{\"id\":\"b\",\"text\":\"cut off in the midd",
    )
    .unwrap();
    let (report, stderr) = scan_json(&[path.to_str().unwrap()]);
    assert_eq!(report["documents"][0]["id"], "a");
    assert_eq!(warning_kinds(&report), ["malformed-record"]);
    assert!(stderr.contains("cut.jsonl:2"), "{stderr}");
}

#[test]
fn a_closed_stdout_ends_the_run_quietly_with_success() {
    // Enough documents that the report is far larger than a pipe buffer.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("many.jsonl");
    let mut text = String::new();
    for i in 0..3000 {
        text.push_str(&format!(
            "{{\"id\":\"doc-{i}\",\"text\":\"Paragraph number {i} says little.\\n\\nAnother one, {i}.\"}}\n"
        ));
    }
    fs::write(&path, text).unwrap();
    let mut child = wiretrace()
        .args(["scan", "--format", "json", "--no-align"])
        .arg(&path)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdout = child.stdout.take().unwrap();
    let mut first = [0u8; 16];
    stdout.read_exact(&mut first).unwrap();
    drop(stdout); // like `| head -c 16`
    let status = child.wait().unwrap();
    let mut stderr = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut stderr)
        .unwrap();
    assert_eq!(status.code(), Some(0), "{stderr}");
    assert!(stderr.is_empty(), "{stderr}");
}

#[cfg(unix)]
#[test]
fn ctrl_c_exits_130_and_leaves_no_output_file() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("report.json");
    // Reading stdin that never ends keeps the run busy until the signal arrives.
    let mut child = wiretrace()
        .args(["scan", "-", "-o"])
        .arg(&target)
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    stdin
        .write_all(b"Some text that is still arriving")
        .unwrap();
    std::thread::sleep(Duration::from_millis(500));
    let killed = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let status = child.wait().unwrap();
    drop(stdin);
    assert_eq!(status.code(), Some(130));
    let left: Vec<_> = fs::read_dir(dir.path()).unwrap().collect();
    assert!(left.is_empty(), "files left behind: {left:?}");
}

#[test]
fn the_same_document_twice_is_found_as_a_full_duplicate() {
    let dir = tempfile::tempdir().unwrap();
    let text = fs::read_to_string("tests/fixtures/republished/reuters/kursk-wire.txt").unwrap();
    fs::write(dir.path().join("one.txt"), &text).unwrap();
    fs::write(dir.path().join("two.txt"), &text).unwrap();
    let (report, _) = scan_json(&[dir.path().to_str().unwrap()]);
    for doc in report["documents"].as_array().unwrap() {
        assert_eq!(doc["reuse"]["shared_fraction"], 1.0, "{}", doc["id"]);
    }
}

#[test]
fn file_creation_order_in_a_directory_does_not_change_the_report() {
    let names = ["b.txt", "a.txt", "c/d.txt", "c/a.txt"];
    let texts: Vec<String> = names
        .iter()
        .map(|n| {
            format!(
                "Own intro of {n}.\n\n{}",
                fs::read_to_string("tests/fixtures/republished/reuters/kursk-wire.txt").unwrap()
            )
        })
        .collect();
    let write_in = |order: &[usize]| {
        let dir = tempfile::tempdir().unwrap();
        fs::create_dir(dir.path().join("c")).unwrap();
        for &i in order {
            fs::write(dir.path().join(names[i]), &texts[i]).unwrap();
        }
        dir
    };
    let (one, two) = (write_in(&[0, 1, 2, 3]), write_in(&[3, 1, 0, 2]));
    let strip_paths = |dir: &Path| {
        let (mut report, _) = scan_json(&[dir.to_str().unwrap()]);
        for doc in report["documents"].as_array_mut().unwrap() {
            doc["path"] = Value::Null;
        }
        report
    };
    assert_eq!(strip_paths(one.path()), strip_paths(two.path()));
}

#[test]
fn jsonl_with_a_byte_order_mark_or_in_utf16_keeps_every_record() {
    let dir = tempfile::tempdir().unwrap();
    let records =
        "{\"id\":\"a\",\"text\":\"The first record.\"}\n{\"id\":\"b\",\"text\":\"The second.\"}\n";
    let bom = dir.path().join("bom.jsonl");
    fs::write(&bom, [&[0xEF, 0xBB, 0xBF][..], records.as_bytes()].concat()).unwrap();
    let utf16 = dir.path().join("utf16.jsonl");
    let mut bytes = vec![0xFF, 0xFE];
    bytes.extend(records.encode_utf16().flat_map(u16::to_le_bytes));
    fs::write(&utf16, bytes).unwrap();
    for path in [&bom, &utf16] {
        let (report, stderr) = scan_json(&["-q", path.to_str().unwrap()]);
        let ids = common::document_ids(&report);
        assert_eq!(ids, ["a", "b"], "{}: {stderr}", path.display());
        assert_eq!(warning_kinds(&report), Vec::<String>::new());
    }
}

#[test]
fn terminal_escapes_in_text_are_shown_escaped_and_csv_cells_cannot_run_formulas() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("evil.jsonl");
    fs::write(
        &path,
        "{\"id\":\"evil\\u001b[31mred\",\"title\":\"Bell\\u0007\",\"text\":\"Text \\u001b]0;owned\\u0007 here.\"}\n\
         {\"id\":\"=HYPERLINK(1)\",\"source\":\"@Outlet\",\"text\":\"Another text.\"}\n\
         {\"id\":\"no-text\"}\n",
    )
    .unwrap();
    // An empty file whose name clears the screen: its warning names it, escaped.
    let named = dir.path().join("\u{1b}[2Jwiped.txt");
    fs::write(&named, "").unwrap();
    let out = scan_paths(&["--format", "text"], &[&path, &named]);
    assert!(out.status.success());
    for stream in [&out.stdout, &out.stderr] {
        let text = String::from_utf8_lossy(stream);
        assert!(
            !text.contains('\u{1b}') && !text.contains('\u{7}'),
            "{text:?}"
        );
    }
    assert!(String::from_utf8_lossy(&out.stdout).contains("evil\\u{1b}[31mred"));
    assert!(String::from_utf8_lossy(&out.stderr).contains("\\u{1b}[2Jwiped"));
    let out = wiretrace()
        .args(["scan", "-q", "--format", "csv", "--table", "documents"])
        .arg(&path)
        .output()
        .unwrap();
    let csv = String::from_utf8(out.stdout).unwrap();
    assert!(csv.contains("'=HYPERLINK(1),'@Outlet,"), "{csv}");
}

#[test]
fn absurd_thread_counts_are_capped_with_a_warning() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("one.txt");
    fs::write(&path, "A single short article.").unwrap();
    let started = std::time::Instant::now();
    let out = wiretrace()
        .args(["scan", "--format", "json", "-j", "100000"])
        .arg(&path)
        .output()
        .unwrap();
    assert!(out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("--threads 100000 is more than 8 per core"),
        "{stderr}"
    );
    assert!(started.elapsed() < Duration::from_secs(30));
}

#[test]
fn an_agency_registry_with_an_empty_alias_or_3000_aliases() {
    let dir = tempfile::tempdir().unwrap();
    let doc = dir.path().join("doc.txt");
    fs::write(
        &doc,
        "WASHINGTON (Alias news service 7) - Officials met on Monday.",
    )
    .unwrap();
    let empty = dir.path().join("empty.json");
    fs::write(
        &empty,
        r#"{"agencies":[{"id":"X","name":"X News","aliases":["X", " "]}]}"#,
    )
    .unwrap();
    let out = scan_paths(&["--agencies", empty.to_str().unwrap()], &[&doc]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("empty.json") && stderr.contains("empty alias"),
        "{stderr}"
    );
    // Thousands of aliases compile (no regex size panic) and are found.
    let agencies: Vec<String> = (0..3000)
        .map(|i| {
            format!(r#"{{"id":"A{i}","name":"Agency {i}","aliases":["Alias news service {i}"]}}"#)
        })
        .collect();
    let big = dir.path().join("big.json");
    fs::write(&big, format!(r#"{{"agencies":[{}]}}"#, agencies.join(","))).unwrap();
    let (report, stderr) = scan_json(&["--agencies", big.to_str().unwrap(), doc.to_str().unwrap()]);
    assert_eq!(
        report["documents"][0]["credits"][0]["agency"], "A7",
        "{stderr}"
    );
}

#[cfg(target_os = "linux")]
#[test]
fn an_output_keeps_the_mode_and_links_of_the_file_it_replaces_and_stale_temp_files_go() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let doc = dir.path().join("doc.txt");
    fs::write(&doc, "A short article for the report.").unwrap();
    let target = dir.path().join("report.json");
    fs::write(&target, "old report").unwrap();
    fs::set_permissions(&target, fs::Permissions::from_mode(0o600)).unwrap();
    // Another name for the same file: it sees the new report too.
    let linked = dir.path().join("latest.json");
    fs::hard_link(&target, &linked).unwrap();
    // A temp file left by a killed run (no process 4194304 on Linux: pids stop below that).
    let stale = dir.path().join(".report.json.4194304.a1b2c3.tmp");
    fs::write(&stale, "half a report").unwrap();
    let out = scan_paths(&["-q", "-o", target.to_str().unwrap()], &[&doc]);
    assert!(out.status.success());
    let mode = fs::metadata(&target).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600);
    assert!(fs::read_to_string(&target).unwrap().starts_with('{'));
    assert_eq!(fs::read(&linked).unwrap(), fs::read(&target).unwrap());
    assert!(!stale.exists());
    let temps = fs::read_dir(dir.path())
        .unwrap()
        .filter(|e| {
            e.as_ref()
                .unwrap()
                .file_name()
                .to_string_lossy()
                .ends_with(".tmp")
        })
        .count();
    assert_eq!(temps, 0, "the temp file of a copied-into output was left");
}

#[test]
fn an_output_in_a_missing_directory_fails_before_any_work() {
    let dir = tempfile::tempdir().unwrap();
    let doc = dir.path().join("doc.txt");
    fs::write(&doc, "A short article for the report.").unwrap();
    let missing = dir.path().join("missing/report.json");
    let out = scan_paths(&["-q", "-o", missing.to_str().unwrap()], &[&doc]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("missing/report.json") && stderr.contains("cannot write into"),
        "{stderr}"
    );
}

#[cfg(target_os = "linux")]
#[test]
fn two_files_with_non_utf8_names_keep_distinct_ids_and_paths() {
    use std::ffi::OsStr;
    use std::os::unix::ffi::OsStrExt;
    let dir = tempfile::tempdir().unwrap();
    for (byte, text) in [
        (0xFFu8, "The first article."),
        (0xFE, "The second article."),
    ] {
        let bytes = [b'a', byte, b'.', b't', b'x', b't'];
        fs::write(dir.path().join(OsStr::from_bytes(&bytes)), text).unwrap();
    }
    let (report, stderr) = scan_json(&[dir.path().to_str().unwrap()]);
    let ids = common::document_ids(&report);
    assert_eq!(ids, ["a\\xFE", "a\\xFF"], "{stderr}");
    let paths: Vec<&str> = report["documents"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["path"].as_str().unwrap())
        .collect();
    assert!(
        paths[0].ends_with("a\\xFE.txt") && paths[1].ends_with("a\\xFF.txt"),
        "{paths:?}"
    );
}
