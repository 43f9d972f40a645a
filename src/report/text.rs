//! Human-readable text renderer.
//!
//! In: a [`Report`], the documents (for snippets) and how many rows to show. Out: a summary
//! line, a per-document table (outlet, share of reused text, credits, origins, title; the
//! documents with the most reuse first; for an index query, whether each is new or from the
//! index), then the clusters grouped by origin, each member with its document, outlet, span,
//! similarity and a snippet.

use std::collections::{BTreeMap, HashMap};
use std::io::{self, Write};

use super::{ClusterReport, Report};
use crate::doc::Document;

/// Characters of text shown per snippet.
const SNIPPET_CHARS: usize = 110;

/// Writes the text report; `top` (when set) keeps the first `top` documents of the table and
/// the `top` largest clusters, and says how many more there are.
pub fn write_text(
    report: &Report,
    documents: &[Document],
    top: Option<usize>,
    out: &mut dyn Write,
) -> io::Result<()> {
    let by_id: HashMap<&str, &Document> = documents.iter().map(|d| (d.id.as_str(), d)).collect();
    let s = &report.summary;
    writeln!(
        out,
        "wiretrace {} · {} documents · {} paragraphs ({} fingerprinted) · {} clusters · {} documents with reuse",
        report.wiretrace,
        s.documents,
        s.paragraphs,
        s.fingerprinted_paragraphs,
        s.clusters,
        s.documents_with_reuse
    )?;
    if s.warnings > 0 {
        let kinds: Vec<String> = s
            .warnings_by_kind
            .iter()
            .map(|(kind, n)| format!("{n} {kind}"))
            .collect();
        writeln!(out, "{} warnings: {}", s.warnings, kinds.join(", "))?;
    }

    writeln!(out, "\nDOCUMENTS")?;
    let id_width = report
        .documents
        .iter()
        .map(|d| printable(&d.id).chars().count())
        .max()
        .unwrap_or(2)
        .clamp(2, 40);
    // Documents with the most reuse first (input order on ties).
    let mut rows: Vec<&super::DocumentReport> = report.documents.iter().collect();
    rows.sort_by(|a, b| b.reuse.shared_fraction.total_cmp(&a.reuse.shared_fraction));
    let hidden_rows = top.map_or(0, |top| rows.len().saturating_sub(top));
    rows.truncate(rows.len() - hidden_rows);
    let query = report.documents.iter().any(|d| d.indexed);
    let credits: Vec<String> = rows.iter().map(|d| credits_cell(d)).collect();
    let credits_width = column_width(&credits, 7, 40);
    let origins: Vec<String> = rows
        .iter()
        .map(|doc| {
            let origins: Vec<String> = doc
                .reuse
                .by_origin
                .iter()
                .map(|(origin, fraction)| format!("{origin} {:.0}%", fraction * 100.0))
                .collect();
            if origins.is_empty() {
                "-".to_string()
            } else {
                origins.join(", ")
            }
        })
        .collect();
    let origins_width = column_width(&origins, 7, 30);
    let (from_header, from_width) = if query { ("from", 7) } else { ("", 0) };
    writeln!(
        out,
        "  {:<id_width$}  {from_header:<from_width$}{:<16}  {:>6}  {:<credits_width$}  {:<origins_width$}  title",
        "id", "outlet", "shared", "credits", "origins",
    )?;
    for ((doc, credits), origins) in rows.iter().zip(&credits).zip(&origins) {
        let from = match (query, doc.indexed) {
            (false, _) => "",
            (true, true) => "index",
            (true, false) => "new",
        };
        writeln!(
            out,
            "  {:<id_width$}  {from:<from_width$}{:<16}  {:>5.0}%  {:<credits_width$}  {:<origins_width$}  {}",
            truncate(&doc.id, 40),
            truncate(doc.source.as_deref().unwrap_or("-"), 16),
            doc.reuse.shared_fraction * 100.0,
            truncate(credits, 40),
            truncate(origins, 30),
            truncate(doc.title.as_deref().unwrap_or("-"), 60),
        )?;
    }
    if hidden_rows > 0 {
        writeln!(
            out,
            "  … and {hidden_rows} more documents (--top 0 shows all)"
        )?;
    }

    if report.clusters.is_empty() {
        writeln!(out, "\nNo shared passages found.")?;
        return Ok(());
    }
    // The largest clusters of reuse (boilerplate last) when not all are shown, report order
    // on ties.
    let mut shown: Vec<&ClusterReport> = report.clusters.iter().collect();
    let hidden_clusters = top.map_or(0, |top| shown.len().saturating_sub(top));
    if hidden_clusters > 0 {
        shown.sort_by_key(|c| (c.kind == "boilerplate", std::cmp::Reverse(c.members.len())));
        shown.truncate(shown.len() - hidden_clusters);
        shown.sort_by_key(|c| c.id);
    }
    // Group clusters by origin agency, then quotations, unknown origin and boilerplate last;
    // report order inside a group.
    let mut groups: BTreeMap<(u8, String), Vec<&ClusterReport>> = BTreeMap::new();
    for cluster in shown {
        let key = match (&cluster.origin.agency, cluster.kind.as_str()) {
            (Some(agency), _) => (0, format!("origin {agency}")),
            (None, "quote") => (1, "quotations".to_string()),
            (None, "boilerplate") => (3, "boilerplate (not counted as reuse)".to_string()),
            (None, _) => (2, "unknown origin".to_string()),
        };
        groups.entry(key).or_default().push(cluster);
    }
    for ((_, group), clusters) in groups {
        writeln!(out, "\nCLUSTERS · {group}")?;
        for cluster in clusters {
            write_cluster(cluster, &by_id, top, out)?;
        }
    }
    if hidden_clusters > 0 {
        writeln!(
            out,
            "\n… and {hidden_clusters} smaller clusters (--top 0 shows all)"
        )?;
    }
    Ok(())
}

/// The width of a column of `cells`: the widest cell's characters, within `min..=max`.
fn column_width(cells: &[String], min: usize, max: usize) -> usize {
    cells
        .iter()
        .map(|c| c.chars().count())
        .max()
        .unwrap_or(min)
        .clamp(min, max)
}

/// A document's credits, one entry per agency: "Reuters (dateline, signoff)", or "-".
fn credits_cell(doc: &super::DocumentReport) -> String {
    let mut by_agency: Vec<(&str, Vec<&str>)> = Vec::new();
    for credit in &doc.credits {
        match by_agency.iter_mut().find(|(a, _)| *a == credit.agency) {
            Some((_, kinds)) => kinds.push(&credit.kind),
            None => by_agency.push((&credit.agency, vec![&credit.kind])),
        }
    }
    if by_agency.is_empty() {
        return "-".to_string();
    }
    by_agency
        .iter()
        .map(|(agency, kinds)| format!("{agency} ({})", kinds.join(", ")))
        .collect::<Vec<_>>()
        .join("; ")
}

/// One cluster: its line, its evidence, and its members (the first `top` when set).
fn write_cluster(
    cluster: &ClusterReport,
    by_id: &HashMap<&str, &Document>,
    top: Option<usize>,
    out: &mut dyn Write,
) -> io::Result<()> {
    let mut docs: Vec<&str> = cluster.members.iter().map(|m| m.doc.as_str()).collect();
    docs.dedup();
    write!(
        out,
        "#{} {} · {} passages in {} documents",
        cluster.id,
        cluster.kind,
        cluster.members.len(),
        docs.len()
    )?;
    if let Some(speaker) = &cluster.speaker {
        write!(out, " · quoting {}", printable(speaker))?;
    }
    match (
        &cluster.origin.agency,
        &cluster.origin.doc,
        cluster.origin.confidence,
    ) {
        (Some(agency), _, Some(confidence)) => {
            write!(out, " · origin {agency} (confidence {confidence:.2})")?
        }
        (None, Some(doc), Some(confidence)) => write!(
            out,
            " · likely first in {} (confidence {confidence:.2})",
            printable(doc)
        )?,
        _ => {}
    }
    writeln!(out)?;
    for evidence in &cluster.origin.evidence {
        writeln!(out, "    evidence: {}", printable(&evidence.detail))?;
    }
    let listed = cluster.origin.evidence.len();
    let all: usize = cluster.origin.evidence_counts.values().sum();
    if all > listed {
        let origin = &cluster.origin;
        let counts = listing(origin.evidence_counts.iter().map(|(kind, n)| (n, kind)));
        let scores = listing(origin.scores.iter());
        writeln!(
            out,
            "    evidence: {} more ({all} in all: {counts}; scores {scores})",
            all - listed
        )?;
    }
    let listed = top.unwrap_or(usize::MAX).min(cluster.members.len());
    for member in &cluster.members[..listed] {
        let doc = by_id.get(member.doc.as_str());
        let outlet = doc.and_then(|d| d.source.as_deref()).unwrap_or("-");
        let snippet = doc
            .map(|d| snippet(&d.text[member.start..member.end]))
            .unwrap_or_default();
        writeln!(
            out,
            "  {} {} ({}) {}..{} sim {:.2}  “{}”",
            if member.representative { "*" } else { " " },
            printable(&member.doc),
            printable(outlet),
            member.start,
            member.end,
            member.similarity,
            snippet
        )?;
    }
    if listed < cluster.members.len() {
        writeln!(out, "    … and {} more", cluster.members.len() - listed)?;
    }
    Ok(())
}

/// The start of `text` on one line, white space collapsed, cut to [`SNIPPET_CHARS`].
fn snippet(text: &str) -> String {
    let collapsed = text.split_whitespace().collect::<Vec<_>>().join(" ");
    truncate(&collapsed, SNIPPET_CHARS)
}

/// `text` cut to `max_chars` characters (the last one `…` when cut), control characters shown
/// escaped.
fn truncate(text: &str, max_chars: usize) -> String {
    let text = printable(text);
    if text.chars().count() <= max_chars {
        return text.into_owned();
    }
    let mut cut: String = text.chars().take(max_chars - 1).collect();
    cut.push('…');
    cut
}

/// `text` with its control characters (terminal escape sequences, bells, carriage returns)
/// written as `\u{1b}` and the like, so that text from the input cannot drive the terminal
/// it is shown on.
pub fn printable(text: &str) -> std::borrow::Cow<'_, str> {
    if !text.chars().any(char::is_control) {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if c.is_control() {
            out.push_str(&c.escape_unicode().to_string());
        } else {
            out.push(c);
        }
    }
    std::borrow::Cow::Owned(out)
}

/// `a b, a b, …` for the pairs of `items`.
fn listing<A: std::fmt::Display, B: std::fmt::Display>(
    items: impl Iterator<Item = (A, B)>,
) -> String {
    items
        .map(|(a, b)| format!("{a} {b}"))
        .collect::<Vec<_>>()
        .join(", ")
}
