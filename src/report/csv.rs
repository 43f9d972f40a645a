//! CSV renderer.
//!
//! In: a [`Report`]. Out: one table with a header row: linked pairs (one row per verified
//! paragraph pair — both spans, exact Jaccard, both containments — or aligned passage pair —
//! both spans, identity, aligned tokens, score — with the shared cluster and the `method`), or
//! documents (one row per document, with its reuse figures). Text from the input that a
//! spreadsheet would run as a formula is neutralized (a leading `'`).

use std::io::{self, Write};

use super::{round4, CsvTable, Report};

/// Writes `table` of `report` as CSV (a header row, then one row per item).
pub fn write_csv(report: &Report, table: CsvTable, out: &mut dyn Write) -> io::Result<()> {
    let mut writer = csv::Writer::from_writer(out);
    match table {
        CsvTable::Pairs => write_pairs(report, &mut writer),
        CsvTable::Documents => write_documents(report, &mut writer),
    }
    .map_err(io_error)?;
    writer.flush()
}

/// A cell of text from the input (an id, an outlet), made safe to open in a spreadsheet: one
/// that starts with `=`, `+`, `-`, `@`, a tab or a carriage return would be read as a formula,
/// so it gets a leading `'` (OWASP's guidance on CSV injection). Numbers the report computes
/// are written as they are.
fn neutralized(text: &str) -> String {
    if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{text}")
    } else {
        text.to_string()
    }
}

/// The I/O error itself when the CSV writer failed writing (a closed pipe stays a closed
/// pipe for the caller), else the CSV error as an I/O error.
fn io_error(err: csv::Error) -> io::Error {
    if !err.is_io_error() {
        return io::Error::other(err);
    }
    match err.into_kind() {
        csv::ErrorKind::Io(err) => err,
        other => io::Error::other(format!("{other:?}")),
    }
}

fn write_pairs(report: &Report, writer: &mut csv::Writer<&mut dyn Write>) -> csv::Result<()> {
    writer.write_record([
        "doc_a",
        "start_a",
        "end_a",
        "doc_b",
        "start_b",
        "end_b",
        "jaccard",
        "containment_a_in_b",
        "containment_b_in_a",
        "cluster",
        "method",
        "identity",
        "aligned_tokens",
        "score",
    ])?;
    let number = |x: Option<f64>| x.map(|x| round4(x).to_string()).unwrap_or_default();
    for pair in &report.pairs {
        let sim = pair.similarity;
        writer.write_record([
            neutralized(&pair.doc_a),
            pair.span_a.start.to_string(),
            pair.span_a.end.to_string(),
            neutralized(&pair.doc_b),
            pair.span_b.start.to_string(),
            pair.span_b.end.to_string(),
            number(sim.map(|s| s.jaccard)),
            number(sim.map(|s| s.containment_a_in_b)),
            number(sim.map(|s| s.containment_b_in_a)),
            pair.cluster.map(|c| c.to_string()).unwrap_or_default(),
            pair.method.to_string(),
            number(pair.identity),
            pair.aligned_tokens
                .map(|n| n.to_string())
                .unwrap_or_default(),
            pair.score.map(|n| n.to_string()).unwrap_or_default(),
        ])?;
    }
    Ok(())
}

fn write_documents(report: &Report, writer: &mut csv::Writer<&mut dyn Write>) -> csv::Result<()> {
    writer.write_record([
        "id",
        "source",
        "published",
        "bytes",
        "paragraphs",
        "credits",
        "shared_fraction",
        "by_origin",
    ])?;
    for doc in &report.documents {
        let credits: Vec<String> = doc
            .credits
            .iter()
            .map(|c| format!("{} ({})", c.agency, c.kind))
            .collect();
        let origins: Vec<String> = doc
            .reuse
            .by_origin
            .iter()
            .map(|(origin, fraction)| format!("{origin}={fraction}"))
            .collect();
        writer.write_record([
            neutralized(&doc.id),
            neutralized(doc.source.as_deref().unwrap_or_default()),
            neutralized(doc.published.as_deref().unwrap_or_default()),
            doc.bytes.to_string(),
            doc.paragraphs.len().to_string(),
            credits.join("; "),
            doc.reuse.shared_fraction.to_string(),
            origins.join("; "),
        ])?;
    }
    Ok(())
}
