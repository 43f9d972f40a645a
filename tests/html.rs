//! The HTML report, rendered for real in headless Chromium (Debian's `chromium`, which
//! `.ci/run` installs). Outside CI, a machine without Chromium skips these checks with a note.

use std::path::{Path, PathBuf};
use std::process::Command;

use assert_cmd::Command as BinCommand;

fn chromium() -> Option<PathBuf> {
    ["chromium", "chromium-browser", "google-chrome"]
        .iter()
        .find_map(|name| which(name))
}

fn which(name: &str) -> Option<PathBuf> {
    std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|dir| dir.join(name))
            .find(|path| path.is_file())
    })
}

/// Chromium, or `None` (with a note) where it is not installed and this is not CI.
fn browser_or_skip() -> Option<PathBuf> {
    match chromium() {
        Some(path) => Some(path),
        None if std::env::var_os("CI").is_some() => {
            panic!("chromium is not installed; .ci/run installs it (apt-get install chromium)")
        }
        None => {
            eprintln!("note: chromium not installed, HTML rendering checks skipped");
            None
        }
    }
}

/// Runs headless Chromium on `page` with `args` (e.g. --dump-dom); returns stdout.
fn run_chromium(browser: &Path, page: &Path, args: &[&str]) -> String {
    let profile = tempfile::tempdir().unwrap();
    let out = Command::new(browser)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .args(args)
        .arg(format!("file://{}", page.display()))
        .output()
        .expect("chromium runs");
    assert!(
        out.status.success(),
        "chromium failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

fn count(haystack: &str, needle: &str) -> usize {
    haystack.matches(needle).count()
}

#[test]
fn html_report_is_self_contained_and_renders_in_a_browser() {
    let dir = tempfile::tempdir().unwrap();
    let page = dir.path().join("report.html");
    BinCommand::cargo_bin("wiretrace")
        .unwrap()
        .args(["scan", "data/sample", "-o"])
        .arg(&page)
        .assert()
        .success();
    let json = BinCommand::cargo_bin("wiretrace")
        .unwrap()
        .args(["scan", "data/sample", "--format", "json"])
        .output()
        .unwrap();
    let report: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    let passages = report["summary"]["aligned_passages"].as_u64().unwrap() as usize;
    let clusters = report["summary"]["clusters"].as_u64().unwrap() as usize;
    assert!(passages > 0);

    let html = std::fs::read_to_string(&page).unwrap();
    // Self-contained: no scripts, stylesheets, images or any other fetched resource.
    for forbidden in [
        "<script", "<link", "<img", "src=", "http://", "https://", "@import",
    ] {
        assert!(!html.contains(forbidden), "page contains {forbidden}");
    }

    let Some(browser) = browser_or_skip() else {
        return;
    };
    // The DOM after Chromium has parsed and laid out the page.
    let dom = run_chromium(&browser, &page, &["--dump-dom"]);
    assert!(dom.contains("<title>wiretrace report</title>"));
    assert_eq!(count(&dom, "<section class=\"pair\""), passages);
    assert_eq!(count(&dom, "<section class=\"cluster\""), clusters);
    // Five documents in the table, edits visible in the side-by-side views.
    let table = &dom[dom.find("id=\"documents\"").unwrap()..];
    let table = &table[..table.find("</table>").unwrap()];
    assert_eq!(count(table, "<tr>"), 6);
    assert!(dom.contains("<span class=\"changed\">countries</span>"));
    assert!(dom.contains("<span class=\"changed\">nations</span>"));
    assert!(count(&dom, "<span class=\"same\">") > 100);

    // And it paints: a full-page screenshot is produced.
    let shot = dir.path().join("page.png");
    run_chromium(
        &browser,
        &page,
        &[
            &format!("--screenshot={}", shot.display()),
            "--window-size=1280,2000",
        ],
    );
    let png = std::fs::read(&shot).expect("screenshot written");
    assert_eq!(&png[1..4], b"PNG");
    assert!(
        png.len() > 20_000,
        "screenshot is suspiciously small: {} bytes",
        png.len()
    );
}

#[test]
fn compare_html_shows_one_side_by_side_view_per_passage() {
    let dir = tempfile::tempdir().unwrap();
    let page = dir.path().join("compare.html");
    BinCommand::cargo_bin("wiretrace")
        .unwrap()
        .args([
            "compare",
            "data/sample/000_3b3c999e5d52a0d6.txt",
            "data/sample/001_2dc55fe564d44fd7.txt",
            "-o",
        ])
        .arg(&page)
        .assert()
        .success();
    let html = std::fs::read_to_string(&page).unwrap();
    assert!(count(&html, "<section class=\"pair\"") >= 6);
    let Some(browser) = browser_or_skip() else {
        return;
    };
    let dom = run_chromium(&browser, &page, &["--dump-dom"]);
    assert!(dom.contains("<span class=\"changed\">reclaimed</span>"));
    assert!(dom.contains("<span class=\"changed\">recaptured</span>"));
}
