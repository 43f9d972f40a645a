//! The report of `wiretrace compare`: the alignment of two documents.
//!
//! In: two documents, the [`AlignParams`] used and their [`Alignment`]s. Out: a
//! [`CompareReport`] (JSON: `wiretrace`, `params`, `a`, `b`, `passages`, `summary`) and its text
//! rendering, with matching words highlighted on a terminal and differing words in brackets
//! elsewhere.

use std::io::{self, Write};

use serde::Serialize;

use super::passage::{segments, Mark, Side};
use super::{round4, VERSION};
use crate::align::{AlignParams, Alignment, Op};
use crate::doc::{Document, Span};

#[derive(Debug, Clone, Serialize)]
/// What `compare` reports: the passages two documents share.
pub struct CompareReport {
    /// The report contract version.
    pub wiretrace: &'static str,
    /// The alignment parameters used.
    pub params: AlignParams,
    /// The first document.
    pub a: ComparedDocument,
    /// The second document.
    pub b: ComparedDocument,
    /// The shared passages, in the first document's order.
    pub passages: Vec<PassageReport>,
    /// Totals.
    pub summary: CompareSummary,
}

#[derive(Debug, Clone, Serialize)]
/// One compared document.
pub struct ComparedDocument {
    /// Its id.
    pub id: String,
    /// The input it was read from.
    pub path: String,
    /// Its outlet, when known.
    pub source: Option<String>,
    /// Length of its text in bytes.
    pub bytes: usize,
}

#[derive(Debug, Clone, Copy, Serialize, PartialEq, Eq)]
/// A byte range of a document.
pub struct SpanReport {
    /// Offset of the first byte.
    pub start: usize,
    /// Offset just past the last byte.
    pub end: usize,
}

impl From<Span> for SpanReport {
    fn from(span: Span) -> Self {
        SpanReport {
            start: span.start,
            end: span.end,
        }
    }
}

#[derive(Debug, Clone, Serialize)]
/// One shared passage.
pub struct PassageReport {
    /// The passage in the first document.
    pub a: SpanReport,
    /// The passage in the second document.
    pub b: SpanReport,
    /// Matching words.
    pub matched: u32,
    /// Alignment columns (matches, substitutions and gaps).
    pub columns: u32,
    /// Matching words over alignment columns.
    pub identity: f64,
    /// Smith-Waterman score.
    pub score: i32,
    /// Every difference inside the passage: `substitute` (both spans), `only_a`, `only_b`.
    pub edits: Vec<EditReport>,
}

#[derive(Debug, Clone, Serialize)]
/// One step of the word-by-word alignment.
pub struct EditReport {
    /// `match`, `substitute`, `only-a` or `only-b`.
    pub op: &'static str,
    /// The word in the first document, when the step has one.
    pub a: Option<SpanReport>,
    /// The word in the second document, when the step has one.
    pub b: Option<SpanReport>,
}

#[derive(Debug, Clone, Serialize)]
/// Totals over the passages.
pub struct CompareSummary {
    /// Passages found.
    pub passages: usize,
    /// Words matched in all passages.
    pub matched_words: u32,
    /// Bytes of A inside passages over A's bytes.
    pub shared_fraction_a: f64,
    /// Share of the second document's bytes inside passages.
    pub shared_fraction_b: f64,
}

fn described(doc: &Document) -> ComparedDocument {
    ComparedDocument {
        id: doc.id.clone(),
        path: doc.path.clone(),
        source: doc.source.clone(),
        bytes: doc.text.len(),
    }
}

impl CompareReport {
    /// Builds the report of two documents' shared `passages`.
    pub fn build(
        a: &Document,
        b: &Document,
        params: &AlignParams,
        alignments: &[Alignment],
    ) -> CompareReport {
        let passages: Vec<PassageReport> = alignments
            .iter()
            .map(|al| PassageReport {
                a: al.span_a.into(),
                b: al.span_b.into(),
                matched: al.matched,
                columns: al.columns,
                identity: round4(al.identity()),
                score: al.score,
                edits: al
                    .ops
                    .iter()
                    .filter_map(|op| match *op {
                        Op::Match(..) => None,
                        Op::Substitute(x, y) => Some(EditReport {
                            op: "substitute",
                            a: Some(x.into()),
                            b: Some(y.into()),
                        }),
                        Op::OnlyA(x) => Some(EditReport {
                            op: "only_a",
                            a: Some(x.into()),
                            b: None,
                        }),
                        Op::OnlyB(y) => Some(EditReport {
                            op: "only_b",
                            a: None,
                            b: Some(y.into()),
                        }),
                    })
                    .collect(),
            })
            .collect();
        let fraction = |covered: usize, total: usize| {
            if total == 0 {
                0.0
            } else {
                round4(covered as f64 / total as f64)
            }
        };
        let covered_a = alignments.iter().map(|al| al.span_a.len()).sum();
        let covered_b = alignments.iter().map(|al| al.span_b.len()).sum();
        CompareReport {
            wiretrace: VERSION,
            params: params.clone(),
            a: described(a),
            b: described(b),
            summary: CompareSummary {
                passages: passages.len(),
                matched_words: alignments.iter().map(|al| al.matched).sum(),
                shared_fraction_a: fraction(covered_a, a.text.len()),
                shared_fraction_b: fraction(covered_b, b.text.len()),
            },
            passages,
        }
    }
}

/// Writes `report` as pretty JSON.
pub fn write_json(report: &CompareReport, out: &mut dyn Write) -> io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, report)?;
    out.write_all(b"\n")
}

const GREEN: &str = "\x1b[32m";
const YELLOW_BOLD: &str = "\x1b[1;33m";
const RED: &str = "\x1b[31m";
const RESET: &str = "\x1b[0m";

/// Text rendering. With `color`, matching words are green, changed words bold yellow and
/// words without a counterpart red; without it, every differing word is put in `[brackets]`.
pub fn write_text(
    report: &CompareReport,
    a: &Document,
    b: &Document,
    alignments: &[Alignment],
    color: bool,
    out: &mut dyn Write,
) -> io::Result<()> {
    for (label, doc, share) in [
        ("A", &report.a, report.summary.shared_fraction_a),
        ("B", &report.b, report.summary.shared_fraction_b),
    ] {
        writeln!(
            out,
            "{label}  {} ({}) · {} bytes · {:.0}% in shared passages",
            doc.id,
            doc.path,
            doc.bytes,
            share * 100.0
        )?;
    }
    writeln!(
        out,
        "{} passages, {} matching words",
        report.summary.passages, report.summary.matched_words
    )?;
    for (n, (passage, al)) in report.passages.iter().zip(alignments).enumerate() {
        writeln!(
            out,
            "\npassage {} · A {}..{} · B {}..{} · {} of {} columns match (identity {:.2})",
            n + 1,
            passage.a.start,
            passage.a.end,
            passage.b.start,
            passage.b.end,
            passage.matched,
            passage.columns,
            passage.identity
        )?;
        for (label, doc, side) in [("A", a, Side::A), ("B", b, Side::B)] {
            write!(out, "  {label} │ ")?;
            for seg in segments(&doc.text, al, side) {
                let text = one_line(seg.text);
                match (seg.mark, color) {
                    (None, _) => write!(out, "{text}")?,
                    (Some(Mark::Same), true) => write!(out, "{GREEN}{text}{RESET}")?,
                    (Some(Mark::Changed), true) => write!(out, "{YELLOW_BOLD}{text}{RESET}")?,
                    (Some(Mark::Only), true) => write!(out, "{RED}{text}{RESET}")?,
                    (Some(Mark::Same), false) => write!(out, "{text}")?,
                    (Some(_), false) => write!(out, "[{text}]")?,
                }
            }
            writeln!(out)?;
        }
    }
    Ok(())
}

/// Each run of white space as one space, or ` ¶ ` when it holds a paragraph break.
fn one_line(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut newlines: Option<usize> = None;
    let flush = |newlines: &mut Option<usize>, out: &mut String| {
        if let Some(n) = newlines.take() {
            out.push_str(if n >= 2 { " ¶ " } else { " " });
        }
    };
    for c in text.chars() {
        if c.is_whitespace() {
            *newlines.get_or_insert(0) += usize::from(c == '\n');
        } else {
            flush(&mut newlines, &mut out);
            out.push(c);
        }
    }
    flush(&mut newlines, &mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::one_line;

    #[test]
    fn white_space_collapses_and_paragraph_breaks_show() {
        assert_eq!(
            one_line("this year.\n\nNorth  Korea\nsaid"),
            "this year. ¶ North Korea said"
        );
        assert_eq!(one_line("plain"), "plain");
    }
}
