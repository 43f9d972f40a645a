//! `wiretrace scan`: read inputs, run the pipeline, write the report.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::time::Instant;

use clap::{Args, ValueEnum};
use wiretrace::attribute::Registry;
use wiretrace::ingest;
use wiretrace::params::{Language, Params};
use wiretrace::pipeline::{self, ScanStats};
use wiretrace::report::{self, CsvTable, Format, Report};

use super::args::{print_warnings, AlignArgs, InputArgs};
use super::output::write_output;
use super::progress::ProgressBarReporter;
use super::Failure;

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum FormatArg {
    Text,
    Json,
    Jsonl,
    Csv,
    /// One self-contained HTML page with side-by-side views of the linked passages.
    Html,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum TableArg {
    Pairs,
    Documents,
}

#[derive(Debug, Args)]
pub struct ScanArgs {
    /// Text files (one article each), directories (walked for .txt/.md), .jsonl/.ndjson files,
    /// or - for stdin.
    #[arg(required = true, value_name = "INPUT")]
    inputs: Vec<PathBuf>,

    /// Output format [default: text on a terminal, else json; with -o, from the extension].
    #[arg(long, value_enum)]
    format: Option<FormatArg>,

    /// CSV table: one row per verified pair, or one per document.
    #[arg(long, value_enum, default_value = "pairs")]
    table: TableArg,

    /// Write the report to FILE (atomically) instead of stdout.
    #[arg(short, long, value_name = "FILE")]
    output: Option<PathBuf>,

    #[command(flatten)]
    input: InputArgs,

    /// Stemming language (name or ISO code, or "none").
    #[arg(long, default_value = "english", value_name = "LANG")]
    lang: Language,
    /// Words per shingle.
    #[arg(long, default_value_t = Params::default().shingle_size, value_name = "K")]
    shingle_size: usize,
    /// MinHash permutations.
    #[arg(long, default_value_t = Params::default().permutations, value_name = "N")]
    permutations: usize,
    /// Seed of the MinHash permutations.
    #[arg(long, default_value_t = Params::default().seed)]
    seed: u64,
    /// Jaccard similarity at or above which paragraphs are linked (sets LSH banding).
    #[arg(long, default_value_t = Params::default().threshold, value_name = "J")]
    threshold: f64,
    /// Containment at or above which paragraphs are linked (trimmed copies).
    #[arg(long, default_value_t = Params::default().containment, value_name = "C")]
    containment: f64,
    /// Paragraphs with fewer words are reported but not fingerprinted.
    #[arg(long, default_value_t = Params::default().min_paragraph_tokens, value_name = "N")]
    min_tokens: usize,
    /// LSH buckets larger than this are linked as a star, not all pairs.
    #[arg(long, default_value_t = Params::default().max_bucket, value_name = "N")]
    max_bucket: usize,
    /// Documents longer than this many bytes are cut, with a warning.
    #[arg(long, default_value_t = Params::default().max_doc_bytes, value_name = "BYTES")]
    max_doc_bytes: usize,

    #[command(flatten)]
    align: AlignArgs,

    /// Agency registry (JSON, like data/agencies.json) instead of the built-in one.
    #[arg(long, value_name = "FILE")]
    agencies: Option<PathBuf>,

    /// Worker threads (0: one per core). Results are identical for any value.
    #[arg(long, default_value_t = 0, value_name = "N")]
    threads: usize,
    /// Fail (exit 2, no report) if any input was skipped or altered.
    #[arg(long)]
    strict: bool,
    /// Print stage timings and throughput to stderr.
    #[arg(long)]
    stats: bool,
    /// Print no warnings or progress to stderr.
    #[arg(short, long)]
    quiet: bool,
}

impl ScanArgs {
    fn params(&self) -> Result<Params, Failure> {
        Params {
            language: self.lang,
            shingle_size: self.shingle_size,
            permutations: self.permutations,
            seed: self.seed,
            threshold: self.threshold,
            containment: self.containment,
            min_paragraph_tokens: self.min_tokens,
            max_bucket: self.max_bucket,
            max_doc_bytes: self.max_doc_bytes,
            align: self.align.params(),
            ..Params::default()
        }
        .validated()
        .map_err(|e| Failure::usage(e.to_string()))
    }

    fn format(&self) -> Format {
        let chosen = self.format.or_else(|| {
            let ext = self.output.as_deref().and_then(Path::extension)?;
            match ext.to_str()?.to_ascii_lowercase().as_str() {
                "json" => Some(FormatArg::Json),
                "jsonl" | "ndjson" => Some(FormatArg::Jsonl),
                "csv" => Some(FormatArg::Csv),
                "txt" => Some(FormatArg::Text),
                "html" | "htm" => Some(FormatArg::Html),
                _ => None,
            }
        });
        match chosen {
            Some(FormatArg::Text) => Format::Text,
            Some(FormatArg::Json) => Format::Json,
            Some(FormatArg::Jsonl) => Format::Jsonl,
            Some(FormatArg::Csv) => Format::Csv,
            Some(FormatArg::Html) => Format::Html,
            None if self.output.is_none() && std::io::stdout().is_terminal() => Format::Text,
            None => Format::Json,
        }
    }
}

pub fn run(args: ScanArgs) -> Result<(), Failure> {
    let params = args.params()?;
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(args.threads)
        .build()
        .map_err(|e| Failure::failed(format!("cannot start worker threads: {e}")))?;
    pool.install(|| scan(&args, &params))
}

fn scan(args: &ScanArgs, params: &Params) -> Result<(), Failure> {
    let registry = match &args.agencies {
        Some(path) => Registry::from_file(path).map_err(|e| Failure::usage(e.to_string()))?,
        None => Registry::builtin().clone(),
    };
    let started = Instant::now();
    let corpus = ingest::ingest(
        &args.input.inputs(&args.inputs),
        &args.input.options(params.max_doc_bytes),
    )
    .map_err(|e| Failure::usage(e.to_string()))?;
    let read_time = started.elapsed();
    if !args.quiet || args.strict {
        print_warnings(&corpus.warnings);
    }
    if args.strict && !corpus.warnings.is_empty() {
        return Err(Failure::usage(format!(
            "{} input warning(s) under --strict; no report written",
            corpus.warnings.len()
        )));
    }

    let format = args.format();
    let options = pipeline::ScanOptions {
        keep_alignment_ops: format == Format::Html,
        agencies: &registry,
    };
    let progress = ProgressBarReporter::new(args.quiet);
    let result = pipeline::scan_with(&corpus.documents, params, options, &|p| progress.update(p));
    progress.finish();

    let started_report = Instant::now();
    let mut report = Report::build(&corpus.documents, &corpus.warnings, params, &result);
    let table = match args.table {
        TableArg::Pairs => CsvTable::Pairs,
        TableArg::Documents => CsvTable::Documents,
    };
    if format == Format::Csv && table == CsvTable::Pairs {
        report = report.with_pair_rows(&corpus.documents, &result);
    }
    write_output(args.output.as_deref(), |out| match format {
        Format::Text => report::text::write_text(&report, &corpus.documents, out),
        Format::Json => report::json::write_json(&report, out),
        Format::Jsonl => report::json::write_jsonl(&report, out),
        Format::Csv => report::csv::write_csv(&report, table, out),
        Format::Html => {
            report::html::write_html(&report, &corpus.documents, &result.alignments, out)
        }
    })?;
    if args.stats {
        print_stats(
            &result.stats,
            read_time,
            started_report.elapsed(),
            started.elapsed(),
        );
    }
    Ok(())
}

fn print_stats(
    stats: &ScanStats,
    read: std::time::Duration,
    report: std::time::Duration,
    total: std::time::Duration,
) {
    let mb = stats.bytes as f64 / 1e6;
    let rate = |d: std::time::Duration| mb / d.as_secs_f64().max(1e-9);
    eprintln!(
        "stats: {mb:.2} MB, {} paragraphs, {} candidate pairs",
        stats.paragraphs, stats.candidate_pairs
    );
    eprintln!("stats: read         {:>9.3}s", read.as_secs_f64());
    eprintln!(
        "stats: fingerprint  {:>9.3}s  {:>8.1} MB/s",
        stats.fingerprint_time.as_secs_f64(),
        rate(stats.fingerprint_time)
    );
    eprintln!(
        "stats: candidates   {:>9.3}s",
        stats.candidates_time.as_secs_f64()
    );
    eprintln!(
        "stats: verify       {:>9.3}s",
        stats.verify_time.as_secs_f64()
    );
    eprintln!(
        "stats: cluster      {:>9.3}s",
        stats.cluster_time.as_secs_f64()
    );
    eprintln!(
        "stats: align        {:>9.3}s  {} anchors ({} capped), {} document pairs, {} passages",
        stats.align_time.as_secs_f64(),
        stats.alignment.anchors,
        stats.alignment.capped_anchors,
        stats.alignment.document_pairs,
        stats.alignment.alignments
    );
    eprintln!(
        "stats: attribute    {:>9.3}s",
        stats.attribute_time.as_secs_f64()
    );
    eprintln!("stats: report       {:>9.3}s", report.as_secs_f64());
    eprintln!(
        "stats: total        {:>9.3}s  {:>8.1} MB/s",
        total.as_secs_f64(),
        rate(total)
    );
}
