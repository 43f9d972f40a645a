//! Self-contained HTML renderer: one file, inline CSS, no scripts, no network, no external
//! assets.
//!
//! In: a [`Report`], the documents, and the aligned passage pairs. Out: a page with the summary,
//! the documents table, the clusters (members with their text), and a side-by-side view of
//! each linked pair with the shared words highlighted and every edit visible (changed words and
//! words present on one side only).

use std::collections::HashMap;
use std::io::{self, Write};

use super::passage::{segments, Mark, Side};
use super::Report;
use crate::align::Alignment;
use crate::doc::Document;

/// Linked pairs shown side by side; beyond this the page would be too large to open.
pub const MAX_PAIRS_SHOWN: usize = 2000;

const STYLE: &str = "
body{font:15px/1.45 system-ui,sans-serif;margin:2em auto;max-width:78em;padding:0 1em;color:#222}
h1{font-size:1.6em}h2{margin-top:2em;border-bottom:1px solid #ccc}h3{font-size:1.05em;margin:1.2em 0 .4em}
table{border-collapse:collapse;width:100%}th,td{border:1px solid #ddd;padding:.3em .5em;text-align:left;vertical-align:top}
th{background:#f4f4f4}td.num{text-align:right;font-variant-numeric:tabular-nums}
.kind{display:inline-block;padding:0 .4em;border-radius:.3em;background:#e8e8ff;font-size:.85em}
.pair{border:1px solid #ddd;border-radius:.4em;padding:.2em .8em .8em;margin:1em 0}
.sides{display:grid;grid-template-columns:1fr 1fr;gap:1em}
.side .meta{font-size:.85em;color:#555;margin-bottom:.3em}
.side p{margin:0;white-space:pre-wrap}
.same{background:#d6f5d6}.changed{background:#ffe08a;font-weight:600}
.only{background:#ffc9c9;text-decoration:line-through}
.legend span{padding:0 .4em;margin-right:.6em}
";

/// Escapes text for HTML element content and attribute values.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

/// Writes `report` as one self-contained HTML page (documents' texts, reused text marked).
pub fn write_html(
    report: &Report,
    documents: &[Document],
    alignments: &[Alignment],
    out: &mut dyn Write,
) -> io::Result<()> {
    let by_id: HashMap<&str, &Document> = documents.iter().map(|d| (d.id.as_str(), d)).collect();
    let s = &report.summary;
    write_page_start("wiretrace report", out)?;
    writeln!(
        out,
        "<p id=\"summary\">wiretrace {} · {} documents · {} paragraphs · {} clusters · \
         {} linked pairs · {} documents with reuse · {} warnings</p>",
        escape(report.wiretrace),
        s.documents,
        s.paragraphs,
        s.clusters,
        s.verified_pairs + s.aligned_passages,
        s.documents_with_reuse,
        s.warnings
    )?;

    writeln!(out, "<h2>Documents</h2>\n<table id=\"documents\">")?;
    writeln!(
        out,
        "<thead><tr><th>id</th><th>outlet</th><th>published</th><th>bytes</th>\
         <th>shared</th><th>credits</th><th>origins</th></tr></thead>\n<tbody>"
    )?;
    for doc in &report.documents {
        let credits: Vec<String> = doc
            .credits
            .iter()
            .map(|c| escape(&format!("{} ({})", c.agency, c.kind)))
            .collect();
        let origins: Vec<String> = doc
            .reuse
            .by_origin
            .iter()
            .map(|(o, f)| escape(&format!("{o} {:.0}%", f * 100.0)))
            .collect();
        writeln!(
            out,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td class=\"num\">{}</td>\
             <td class=\"num\">{:.0}%</td><td>{}</td><td>{}</td></tr>",
            escape(&doc.id),
            escape(doc.source.as_deref().unwrap_or("")),
            escape(doc.published.as_deref().unwrap_or("")),
            doc.bytes,
            doc.reuse.shared_fraction * 100.0,
            credits.join(", "),
            origins.join(", ")
        )?;
    }
    writeln!(out, "</tbody>\n</table>")?;

    writeln!(out, "<h2>Clusters</h2>")?;
    if report.clusters.is_empty() {
        writeln!(out, "<p>No shared passages found.</p>")?;
    }
    for cluster in &report.clusters {
        writeln!(
            out,
            "<section class=\"cluster\" id=\"cluster-{}\">\n<h3>#{} <span class=\"kind\">{}</span> \
             · {} members{}</h3>",
            cluster.id,
            cluster.id,
            escape(&cluster.kind),
            cluster.members.len(),
            match &cluster.origin.agency {
                Some(agency) => format!(" · origin {}", escape(agency)),
                None => String::new(),
            }
        )?;
        writeln!(
            out,
            "<table class=\"members\"><thead><tr><th>document</th><th>span</th>\
             <th>similarity</th><th>text</th></tr></thead><tbody>"
        )?;
        for m in &cluster.members {
            let text = by_id
                .get(m.doc.as_str())
                .map(|d| &d.text[m.start..m.end])
                .unwrap_or("");
            writeln!(
                out,
                "<tr><td>{}{}</td><td class=\"num\">{}..{}</td><td class=\"num\">{:.2}</td>\
                 <td>{}</td></tr>",
                escape(&m.doc),
                if m.representative { " ★" } else { "" },
                m.start,
                m.end,
                m.similarity,
                escape(text)
            )?;
        }
        writeln!(out, "</tbody></table>\n</section>")?;
    }

    writeln!(out, "<h2>Linked pairs</h2>")?;
    write_legend(out)?;
    write_pairs(documents, alignments, out)?;
    write_page_end(out)
}

/// The page head (inline style) and the `<h1>` title.
pub fn write_page_start(title: &str, out: &mut dyn Write) -> io::Result<()> {
    let title = escape(title);
    writeln!(
        out,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>{title}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n<h1>{title}</h1>"
    )
}

/// Ends an HTML page begun by [`write_html`].
pub fn write_page_end(out: &mut dyn Write) -> io::Result<()> {
    writeln!(out, "</body>\n</html>")
}

/// The legend of the side-by-side views.
pub fn write_legend(out: &mut dyn Write) -> io::Result<()> {
    writeln!(
        out,
        "<p class=\"legend\"><span class=\"same\">same words</span>\
         <span class=\"changed\">changed words</span><span class=\"only\">words on one side only</span></p>"
    )
}

/// The side-by-side views of `alignments` (document indices into `documents`).
pub fn write_pairs(
    documents: &[Document],
    alignments: &[Alignment],
    out: &mut dyn Write,
) -> io::Result<()> {
    if alignments.is_empty() {
        writeln!(out, "<p>No linked passages.</p>")?;
    }
    for (n, al) in alignments.iter().take(MAX_PAIRS_SHOWN).enumerate() {
        let (a, b) = (&documents[al.a as usize], &documents[al.b as usize]);
        writeln!(
            out,
            "<section class=\"pair\" id=\"pair-{}\">\n<h3>{} ↔ {} · {} of {} words match \
             (identity {:.2})</h3>\n<div class=\"sides\">",
            n + 1,
            escape(&a.id),
            escape(&b.id),
            al.matched,
            al.columns,
            al.identity()
        )?;
        for (doc, side, span) in [(a, Side::A, al.span_a), (b, Side::B, al.span_b)] {
            write!(
                out,
                "<div class=\"side\"><div class=\"meta\">{} · bytes {}..{}</div><p>",
                escape(&doc.id),
                span.start,
                span.end
            )?;
            for seg in segments(&doc.text, al, side) {
                let class = match seg.mark {
                    None => None,
                    Some(Mark::Same) => Some("same"),
                    Some(Mark::Changed) => Some("changed"),
                    Some(Mark::Only) => Some("only"),
                };
                match class {
                    Some(class) => {
                        write!(out, "<span class=\"{class}\">{}</span>", escape(seg.text))?
                    }
                    None => write!(out, "{}", escape(seg.text))?,
                }
            }
            writeln!(out, "</p></div>")?;
        }
        writeln!(out, "</div>\n</section>")?;
    }
    if alignments.len() > MAX_PAIRS_SHOWN {
        writeln!(
            out,
            "<p>… and {} more linked pairs (see the JSON or CSV report).</p>",
            alignments.len() - MAX_PAIRS_SHOWN
        )?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::escape;

    #[test]
    fn markup_in_text_is_escaped() {
        assert_eq!(
            escape("<script>alert(\"x\") & 'y'</script>"),
            "&lt;script&gt;alert(&quot;x&quot;) &amp; &#39;y&#39;&lt;/script&gt;"
        );
    }
}
