//! `wiretrace scan`: read inputs, run the pipeline, write the report.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::time::Instant;

use clap::{Args, ValueEnum};
use wiretrace::align::AlignParams;
use wiretrace::ingest::{self, IngestOptions, Input, JsonlFields, SourceRule, Warning};
use wiretrace::params::{Language, Params};
use wiretrace::pipeline::{self, ScanStats};
use wiretrace::report::{self, CsvTable, Format, Report};

use super::output::write_output;
use super::progress::ProgressBarReporter;
use super::Failure;

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum FormatArg {
    Text,
    Json,
    Jsonl,
    Csv,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum TableArg {
    Pairs,
    Documents,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum SourceFrom {
    /// The name of the directory holding each file.
    ParentDir,
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

    /// Read stdin (-) as JSONL rather than one article.
    #[arg(long)]
    jsonl: bool,

    /// JSONL field holding the document id.
    #[arg(long, default_value = "id", value_name = "NAME")]
    id_field: String,
    /// JSONL field holding the text.
    #[arg(long, default_value = "text", value_name = "NAME")]
    text_field: String,
    /// JSONL field holding the outlet.
    #[arg(long, default_value = "source", value_name = "NAME")]
    source_field: String,
    /// JSONL field holding the publication time (RFC 3339 or date).
    #[arg(long, default_value = "published", value_name = "NAME")]
    published_field: String,
    /// JSONL field holding the title.
    #[arg(long, default_value = "title", value_name = "NAME")]
    title_field: String,
    /// JSONL field holding the URL.
    #[arg(long, default_value = "url", value_name = "NAME")]
    url_field: String,

    /// Outlet of every plain-text input file.
    #[arg(long, value_name = "NAME", conflicts_with = "source_from")]
    source: Option<String>,
    /// Take the outlet of plain-text files from their path.
    #[arg(long, value_enum)]
    source_from: Option<SourceFrom>,

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

    /// Skip the passage-alignment tier (paragraph-level reuse only).
    #[arg(long)]
    no_align: bool,
    /// Words per alignment anchor n-gram.
    #[arg(long, default_value_t = AlignParams::default().anchor_size, value_name = "N")]
    anchor_size: usize,
    /// Winnowing window for anchors, in n-grams (shared runs of anchor-size + window - 1 words
    /// are always found).
    #[arg(long, default_value_t = AlignParams::default().anchor_window, value_name = "W")]
    anchor_window: usize,
    /// Ignore anchors found in more documents than this (stock phrases, site furniture).
    #[arg(long, default_value_t = AlignParams::default().max_anchor_df, value_name = "N")]
    max_anchor_df: usize,
    /// Fewest matching words in a reported passage.
    #[arg(long, default_value_t = AlignParams::default().min_tokens, value_name = "N")]
    min_aligned_tokens: usize,
    /// Lowest identity (matching words over alignment columns) of a reported passage.
    #[arg(long, default_value_t = AlignParams::default().min_identity, value_name = "I")]
    min_identity: f64,

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

/// Warnings printed one per line before the rest are summarised.
const WARNINGS_SHOWN: usize = 20;

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
            align: AlignParams {
                enabled: !self.no_align,
                anchor_size: self.anchor_size,
                anchor_window: self.anchor_window,
                max_anchor_df: self.max_anchor_df,
                min_tokens: self.min_aligned_tokens,
                min_identity: self.min_identity,
            },
            ..Params::default()
        }
        .validated()
        .map_err(|e| Failure::usage(e.to_string()))
    }

    fn ingest_options(&self, params: &Params) -> IngestOptions {
        IngestOptions {
            stdin_jsonl: self.jsonl,
            fields: JsonlFields {
                id: self.id_field.clone(),
                text: self.text_field.clone(),
                source: self.source_field.clone(),
                published: self.published_field.clone(),
                title: self.title_field.clone(),
                url: self.url_field.clone(),
            },
            source: match (&self.source, self.source_from) {
                (Some(name), _) => SourceRule::Fixed(name.clone()),
                (None, Some(SourceFrom::ParentDir)) => SourceRule::ParentDir,
                (None, None) => SourceRule::None,
            },
            max_doc_bytes: params.max_doc_bytes,
        }
    }

    fn inputs(&self) -> Vec<Input> {
        self.inputs
            .iter()
            .map(|p| {
                if p.as_os_str() == "-" {
                    Input::Stdin
                } else {
                    Input::Path(p.clone())
                }
            })
            .collect()
    }

    fn format(&self) -> Format {
        let chosen = self.format.or_else(|| {
            let ext = self.output.as_deref().and_then(Path::extension)?;
            match ext.to_str()?.to_ascii_lowercase().as_str() {
                "json" => Some(FormatArg::Json),
                "jsonl" | "ndjson" => Some(FormatArg::Jsonl),
                "csv" => Some(FormatArg::Csv),
                "txt" => Some(FormatArg::Text),
                _ => None,
            }
        });
        match chosen {
            Some(FormatArg::Text) => Format::Text,
            Some(FormatArg::Json) => Format::Json,
            Some(FormatArg::Jsonl) => Format::Jsonl,
            Some(FormatArg::Csv) => Format::Csv,
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
    let started = Instant::now();
    let corpus = ingest::ingest(&args.inputs(), &args.ingest_options(params))
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

    let progress = ProgressBarReporter::new(args.quiet);
    let result = pipeline::scan(&corpus.documents, params, &|p| progress.update(p));
    progress.finish();

    let started_report = Instant::now();
    let report = Report::build(&corpus.documents, &corpus.warnings, params, &result);
    let format = args.format();
    let table = match args.table {
        TableArg::Pairs => CsvTable::Pairs,
        TableArg::Documents => CsvTable::Documents,
    };
    write_output(args.output.as_deref(), |out| match format {
        Format::Text => report::text::write_text(&report, &corpus.documents, out),
        Format::Json => report::json::write_json(&report, out),
        Format::Jsonl => report::json::write_jsonl(&report, out),
        Format::Csv => report::csv::write_csv(&report, table, out),
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

fn print_warnings(warnings: &[Warning]) {
    for warning in warnings.iter().take(WARNINGS_SHOWN) {
        eprintln!(
            "wiretrace: warning: {}: {} [{}]",
            warning.input,
            warning.message,
            warning.kind.name()
        );
    }
    if warnings.len() > WARNINGS_SHOWN {
        eprintln!(
            "wiretrace: warning: … and {} more (all are listed in the report's \"warnings\")",
            warnings.len() - WARNINGS_SHOWN
        );
    }
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
    eprintln!("stats: report       {:>9.3}s", report.as_secs_f64());
    eprintln!(
        "stats: total        {:>9.3}s  {:>8.1} MB/s",
        total.as_secs_f64(),
        rate(total)
    );
}
