//! `wiretrace eval`: score a report against ground truth.

use std::fs::File;
use std::io::{self, BufRead, BufReader, IsTerminal, Write};
use std::path::PathBuf;

use clap::{Args, ValueEnum};
use wiretrace::eval::{self, Counts, EvalOptions, OriginScore, Scores, Truth};

use super::output::{refuse_clobbering, write_output};
use super::Failure;

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum EvalFormat {
    Text,
    Json,
}

#[derive(Debug, Args)]
pub struct EvalArgs {
    /// Report to score (JSON or JSONL in wiretrace's report format), or - for stdin.
    #[arg(value_name = "REPORT")]
    report: PathBuf,

    /// Ground truth (JSONL, as written by `wiretrace synth --truth`).
    #[arg(long, value_name = "FILE")]
    truth: PathBuf,

    /// Output format [default: text on a terminal, else json].
    #[arg(long, value_enum)]
    format: Option<EvalFormat>,

    /// Ignore report members lying mostly in the truth's boilerplate and credit lines, as if
    /// the tool had a perfect boilerplate filter (to compare tools that have none).
    #[arg(long)]
    oracle_boilerplate: bool,

    /// Write the scores to FILE (atomically) instead of stdout.
    #[arg(short, long, value_name = "FILE")]
    output: Option<PathBuf>,
}

fn open(path: &PathBuf) -> Result<Box<dyn BufRead>, Failure> {
    if path.as_os_str() == "-" {
        return Ok(Box::new(BufReader::new(io::stdin())));
    }
    let file = File::open(path).map_err(|e| Failure::usage(format!("{}: {e}", path.display())))?;
    Ok(Box::new(BufReader::with_capacity(1 << 20, file)))
}

pub fn run(args: EvalArgs) -> Result<(), Failure> {
    if let Some(output) = args.output.as_deref() {
        refuse_clobbering(&[("output", output)], &[&args.report, &args.truth])?;
    }
    let truth_display = args.truth.display().to_string();
    let truth = Truth::from_jsonl(open(&args.truth)?, &truth_display)
        .map_err(|e| Failure::usage(e.to_string()))?;
    let report_display = if args.report.as_os_str() == "-" {
        "<stdin>".to_string()
    } else {
        args.report.display().to_string()
    };
    let report = eval::read_report(open(&args.report)?, &report_display)
        .map_err(|e| Failure::usage(e.to_string()))?;
    let options = EvalOptions {
        oracle_boilerplate: args.oracle_boilerplate,
    };
    let scores = eval::evaluate(&truth, &report, options);
    if scores.matched_documents == 0 {
        return Err(Failure::usage(format!(
            "{report_display}: none of its {} document id(s) is in {truth_display}: was it made from the corpus of this truth?",
            report.documents.len()
        )));
    }
    let format = args
        .format
        .unwrap_or(if args.output.is_none() && io::stdout().is_terminal() {
            EvalFormat::Text
        } else {
            EvalFormat::Json
        });
    write_output(args.output.as_deref(), |out| match format {
        EvalFormat::Json => {
            serde_json::to_writer_pretty(&mut *out, &scores)?;
            out.write_all(b"\n")
        }
        EvalFormat::Text => write_table(&scores, out),
    })
}

fn write_table(scores: &Scores, out: &mut dyn Write) -> io::Result<()> {
    writeln!(
        out,
        "documents: {} in truth, {} in report ({} not in truth), {} carry a shared story",
        scores.documents,
        scores.matched_documents,
        scores.unknown_documents,
        scores.shared_documents
    )?;
    writeln!(
        out,
        "{:<16} {:>10} {:>10} {:>10} {:>9} {:>9} {:>9}",
        "measure", "truth", "report", "matched", "precision", "recall", "F1"
    )?;
    let row = |out: &mut dyn Write, name: &str, c: &Counts| {
        writeln!(
            out,
            "{:<16} {:>10} {:>10} {:>10} {:>9.4} {:>9.4} {:>9.4}",
            name, c.truth, c.predicted, c.matched, c.precision, c.recall, c.f1
        )
    };
    row(out, "document pairs", &scores.document_pairs)?;
    row(out, "reused bytes", &scores.reused_bytes)?;
    row(out, "credits", &scores.credits)?;
    writeln!(out, "ARI (documents grouped by story): {:.4}", scores.ari)?;
    let p = &scores.purity;
    writeln!(
        out,
        "cluster purity: {:.4} ({} of {} cross-document member pairs are copies of one text)",
        p.purity, p.pure_pairs, p.member_pairs
    )?;
    let pp = &scores.paragraph_pairs;
    writeln!(
        out,
        "paragraph pairs: precision {:.4}, recall {:.4} ({} of {}), F1 {:.4}; verbatim recall {:.4} ({} of {})",
        pp.precision, pp.recall, pp.found, pp.truth, pp.f1, pp.verbatim_recall, pp.verbatim_found, pp.verbatim_truth
    )?;
    let origin = |out: &mut dyn Write, name: &str, o: &OriginScore| {
        writeln!(
            out,
            "{name}: {:.4} ({} of {} documents right, {} with none named)",
            o.accuracy, o.correct, o.documents, o.unnamed
        )
    };
    origin(out, "origin agency accuracy", &scores.origin_agency)?;
    origin(out, "origin document accuracy", &scores.origin_document)?;
    let texts = &scores.origin_texts;
    let floors: Vec<String> = texts
        .calibration
        .iter()
        .map(|c| {
            format!(
                "confidence >= {:.2}: {:.4} of {}",
                c.confidence_at_least, c.accuracy, c.texts
            )
        })
        .collect();
    writeln!(
        out,
        "origin of shared texts: {:.4} ({} of {} clusters right, {} named); {}",
        texts.accuracy,
        texts.correct,
        texts.texts,
        texts.named,
        floors.join(", ")
    )
}
