//! Clusters you can trust (issue #18), through the real binary: text that unrelated stories
//! share (a quotation, a copyright notice, a contribution line, a stock phrase) never links
//! them, and copies of one story still form one cluster per shared text.

use assert_cmd::Command;
use serde_json::{json, Value};

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

fn scan(documents: &[Value]) -> Value {
    let jsonl: String = documents.iter().map(|d| format!("{d}\n")).collect();
    let out = Command::cargo_bin("wiretrace")
        .unwrap()
        .args(["scan", "--format", "json", "--jsonl", "-"])
        .write_stdin(jsonl)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

/// Pairs of documents that some `wire` or `shared` cluster links.
fn linked_pairs(report: &Value) -> Vec<(String, String)> {
    let mut pairs = Vec::new();
    for cluster in report["clusters"].as_array().unwrap() {
        if !matches!(cluster["kind"].as_str(), Some("wire" | "shared")) {
            continue;
        }
        let mut docs: Vec<String> = cluster["members"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| m["doc"].as_str().unwrap().to_string())
            .collect();
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
    json!({"id": id, "source": source, "text": paragraphs.join("\n\n")})
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
    let report = scan(&documents);
    assert_eq!(linked_pairs(&report), Vec::<(String, String)>::new());
    // The notice is still a credit of every article.
    let credited = report["documents"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["credits"][0]["agency"] == "AP")
        .count();
    assert_eq!(credited, 100);
}

#[test]
fn a_credit_line_naming_two_agencies_never_forms_a_wire_cluster() {
    let line = "Reuters and Agence France-Presse contributed to this report from the capital \
                and from the border region on Monday.";
    let documents: Vec<Value> = (0..30)
        .map(|i| {
            let mut paragraphs = article(1000 + i, 2);
            paragraphs.push(line.to_string());
            document(&format!("doc{i}"), &format!("Outlet {i}"), &paragraphs)
        })
        .collect();
    let report = scan(&documents);
    assert_eq!(linked_pairs(&report), Vec::<(String, String)>::new());
}

#[test]
fn a_stock_phrase_in_unrelated_articles_links_none_of_them() {
    let phrase = "The company did not immediately respond to a request for comment on Monday.";
    let documents: Vec<Value> = (0..40)
        .map(|i| {
            let mut paragraphs = article(2000 + i, 3);
            paragraphs.insert(1, phrase.to_string());
            document(&format!("doc{i}"), &format!("Outlet {i}"), &paragraphs)
        })
        .collect();
    let report = scan(&documents);
    assert_eq!(linked_pairs(&report), Vec::<(String, String)>::new());
}

#[test]
fn a_quotation_shared_by_two_stories_keeps_them_two_stories() {
    let quote = "\u{201c}We will not accept any agreement that leaves our farmers and our \
                 fishermen worse off than they are today,\u{201d} Foreign Minister Alina Novak \
                 said.";
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
    let report = scan(&documents);
    let pairs = linked_pairs(&report);
    for (a, b) in &pairs {
        assert_eq!(a[..6], b[..6], "{a} and {b} carry different stories");
    }
    // Copies of each story are linked, all three pairs of each.
    assert_eq!(pairs.len(), 6, "{pairs:?}");
    // No member of a wire cluster covers text its representative does not carry.
    for cluster in report["clusters"].as_array().unwrap() {
        let stories: Vec<&str> = cluster["members"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| &m["doc"].as_str().unwrap()[..6])
            .collect();
        if cluster["kind"] == "wire" {
            assert!(stories.iter().all(|s| *s == stories[0]), "{cluster}");
        }
    }
}
