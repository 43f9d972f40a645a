//! Arguments and helpers shared by several subcommands: how inputs are read and their warnings
//! shown, the pipeline's parameters, the alignment tier, how a report is chosen and written,
//! how a reporting run is carried out (`scan`, `index query`), and `--stats`.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};

use clap::{Args, ValueEnum};
use wiretrace::align::{AlignParams, Alignment};
use wiretrace::attribute::Registry;
use wiretrace::doc::Document;
use wiretrace::ingest::{
    self, GeneratedIds, IngestOptions, Input, JsonlFields, SourceRule, Warning,
};
use wiretrace::minhash::MinHashScheme;
use wiretrace::params::{Language, Params};
use wiretrace::pipeline::{ScanResult, ScanStats};
use wiretrace::report::text::printable;
use wiretrace::report::{self, CsvTable, Format, Report};

use super::output::{refuse_clobbering, write_output};
use super::Failure;

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SourceFrom {
    /// The name of the directory holding each file.
    ParentDir,
}

/// How inputs are read.
#[derive(Debug, Args)]
pub struct InputArgs {
    /// Read stdin (-) as JSONL even when it does not start with `{` (it is JSONL when it does).
    #[arg(long)]
    pub jsonl: bool,

    /// JSONL field holding the document id.
    #[arg(long, default_value = "id", value_name = "NAME")]
    pub id_field: String,
    /// JSONL field holding the text.
    #[arg(long, default_value = "text", value_name = "NAME")]
    pub text_field: String,
    /// JSONL field holding the outlet.
    #[arg(long, default_value = "source", value_name = "NAME")]
    pub source_field: String,
    /// JSONL field holding the publication time (RFC 3339 or date).
    #[arg(long, default_value = "published", value_name = "NAME")]
    pub published_field: String,
    /// JSONL field holding the title.
    #[arg(long, default_value = "title", value_name = "NAME")]
    pub title_field: String,
    /// JSONL field holding the URL.
    #[arg(long, default_value = "url", value_name = "NAME")]
    pub url_field: String,

    /// Outlet of every plain-text input file.
    #[arg(long, value_name = "NAME", conflicts_with = "source_from")]
    pub source: Option<String>,
    /// Take the outlet of plain-text files from their path.
    #[arg(long, value_enum)]
    pub source_from: Option<SourceFrom>,
}

impl InputArgs {
    /// The ingest options these flags give; `generated_ids` says how documents without an id
    /// are named (qualified for ids an index keeps).
    pub fn options(&self, max_doc_bytes: usize, generated_ids: GeneratedIds) -> IngestOptions {
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
            max_doc_bytes,
            generated_ids,
        }
    }

    /// `-` is stdin, anything else a path.
    pub fn inputs(&self, paths: &[PathBuf]) -> Vec<Input> {
        paths
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
}

/// The passage-alignment tier.
#[derive(Debug, Args)]
pub struct AlignArgs {
    /// Skip the passage-alignment tier (paragraph-level reuse only).
    #[arg(long)]
    pub no_align: bool,
    /// Words per alignment anchor n-gram.
    #[arg(long, default_value_t = AlignParams::default().anchor_size, value_name = "N")]
    pub anchor_size: usize,
    /// Winnowing window for anchors, in n-grams (shared runs of anchor-size + window - 1 words
    /// are always found).
    #[arg(long, default_value_t = AlignParams::default().anchor_window, value_name = "W")]
    pub anchor_window: usize,
    /// Ignore anchors found in more documents than this (stock phrases, site furniture).
    #[arg(long, default_value_t = AlignParams::default().max_anchor_df, value_name = "N")]
    pub max_anchor_df: usize,
    /// Fewest matching words in a reported passage.
    #[arg(long, default_value_t = AlignParams::default().min_tokens, value_name = "N")]
    pub min_aligned_tokens: usize,
    /// Lowest identity (matching words over alignment columns) of a reported passage.
    #[arg(long, default_value_t = AlignParams::default().min_identity, value_name = "I")]
    pub min_identity: f64,
}

impl AlignArgs {
    pub fn params(&self) -> AlignParams {
        AlignParams {
            enabled: !self.no_align,
            anchor_size: self.anchor_size,
            anchor_window: self.anchor_window,
            max_anchor_df: self.max_anchor_df,
            min_tokens: self.min_aligned_tokens,
            min_identity: self.min_identity,
        }
    }
}

/// Warnings printed one per line before the rest are summarised.
const WARNINGS_SHOWN: usize = 20;

pub fn print_warnings(warnings: &[Warning]) {
    for warning in warnings.iter().take(WARNINGS_SHOWN) {
        say!(
            "wiretrace: warning: {}: {} [{}]",
            printable(&warning.input),
            printable(&warning.message),
            warning.kind.name()
        );
    }
    if warnings.len() > WARNINGS_SHOWN {
        say!(
            "wiretrace: warning: … and {} more (all are listed in the report's \"warnings\")",
            warnings.len() - WARNINGS_SHOWN
        );
    }
}

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

/// Where the report goes and in which format (shared by `scan` and `index query`).
#[derive(Debug, Args)]
pub struct ReportArgs {
    /// Output format [default: text on a terminal, else json; with -o, from the extension].
    #[arg(long, value_enum)]
    format: Option<FormatArg>,

    /// CSV table: one row per verified pair, or one per document.
    #[arg(long, value_enum, default_value = "pairs")]
    table: TableArg,

    /// Write the report to FILE (atomically) instead of stdout.
    #[arg(short, long, value_name = "FILE")]
    output: Option<PathBuf>,

    /// Text report: show the N documents with the most reuse and the N largest clusters
    /// (0: all).
    #[arg(long, default_value_t = 0, value_name = "N")]
    top: usize,
}

/// Every tunable of the pipeline (shared by `scan` and `index create`).
#[derive(Debug, Args)]
pub struct ParamArgs {
    /// Stemming language (name or ISO code, or "none").
    #[arg(long, default_value = "english", value_name = "LANG")]
    lang: Language,
    /// Words per shingle.
    #[arg(long, default_value_t = Params::default().shingle_size, value_name = "K")]
    shingle_size: usize,
    /// MinHash permutations (signature length).
    #[arg(long, default_value_t = Params::default().permutations, value_name = "N")]
    permutations: usize,
    /// MinHash scheme: one-permutation (one hash per shingle, empty bins densified) or
    /// classic (one hash per shingle and permutation).
    #[arg(long, default_value = "one-permutation", value_name = "SCHEME")]
    minhash: MinHashScheme,
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
}

/// How a run that reports is carried out (`scan`, `index query`).
#[derive(Debug, Args)]
pub struct RunArgs {
    /// Agency registry (JSON, like data/agencies.json) instead of the built-in one.
    #[arg(long, value_name = "FILE")]
    pub agencies: Option<PathBuf>,

    /// Worker threads (0: one per core). Results are identical for any value.
    #[arg(short = 'j', long, default_value_t = 0, value_name = "N")]
    pub threads: usize,
    /// Fail (exit 2, no report) if any input was skipped or altered.
    #[arg(long)]
    pub strict: bool,
    /// Print stage timings and throughput to stderr.
    #[arg(long)]
    pub stats: bool,
    /// Print no warnings or progress to stderr.
    #[arg(short, long)]
    pub quiet: bool,
}

impl ParamArgs {
    pub fn params(&self) -> Result<Params, Failure> {
        Params {
            language: self.lang,
            shingle_size: self.shingle_size,
            permutations: self.permutations,
            minhash: self.minhash,
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
}

impl ReportArgs {
    /// Refuses a report path that names one of `inputs` (or `more` inputs of the command).
    pub fn refuse_clobbering(&self, inputs: &[PathBuf], more: &[&Path]) -> Result<(), Failure> {
        let Some(output) = self.output.as_deref() else {
            return Ok(());
        };
        let mut all: Vec<&Path> = inputs.iter().map(PathBuf::as_path).collect();
        all.extend_from_slice(more);
        refuse_clobbering(&[("report", output)], &all)
    }

    pub fn format(&self) -> Format {
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

    /// Fills the CSV pair rows when they are asked for, keeps what `focus` keeps (an index
    /// query's report), and writes the report. `alignments` index into `documents`.
    pub fn write(
        &self,
        report: Report,
        documents: &[Document],
        result: &ScanResult,
        alignments: &[Alignment],
        focus: impl Fn(Report) -> Report,
    ) -> Result<(), Failure> {
        let format = self.format();
        let table = match self.table {
            TableArg::Pairs => CsvTable::Pairs,
            TableArg::Documents => CsvTable::Documents,
        };
        let mut report = report;
        if format == Format::Csv && table == CsvTable::Pairs {
            report = report.with_pair_rows(documents, result);
        }
        let report = focus(report);
        let written = write_output(self.output.as_deref(), |out| match format {
            Format::Text => {
                let top = (self.top > 0).then_some(self.top);
                report::text::write_text(&report, documents, top, out)
            }
            Format::Json => report::json::write_json(&report, out),
            Format::Jsonl => report::json::write_jsonl(&report, out),
            Format::Csv => report::csv::write_csv(&report, table, out),
            Format::Html => report::html::write_html(&report, documents, alignments, out),
        });
        // The command ends once the report is written: the process's exit returns the memory
        // of its millions of small allocations at once, faster than freeing them one by one
        // (a tenth of a second on a 100 MB scan).
        std::mem::forget(report);
        written
    }
}

/// The agency registry: `--agencies FILE` or the built-in one.
pub fn registry(agencies: Option<&Path>) -> Result<Registry, Failure> {
    match agencies {
        Some(path) => Registry::from_file(path).map_err(|e| Failure::usage(e.to_string())),
        None => Ok(Registry::builtin().clone()),
    }
}

/// Most worker threads per core: more only cost memory and start-up time.
const THREADS_PER_CORE: usize = 8;

/// A rayon pool of `threads` workers (0: one per core), at most [`THREADS_PER_CORE`] per core
/// (64 at least), with a warning when more were asked for.
pub fn thread_pool(threads: usize) -> Result<rayon::ThreadPool, Failure> {
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let most = (cores * THREADS_PER_CORE).max(64);
    let threads = if threads > most {
        say!(
            "wiretrace: warning: --threads {threads} is more than {THREADS_PER_CORE} per core \
             ({cores} cores); using {most}"
        );
        most
    } else {
        threads
    };
    rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .map_err(|e| Failure::failed(format!("cannot start worker threads: {e}")))
}

/// Reads the inputs with `max_doc_bytes`, prints their warnings unless quiet, and fails under
/// `strict` when there are any.
pub fn read_inputs(
    paths: &[PathBuf],
    input: &InputArgs,
    max_doc_bytes: usize,
    generated_ids: GeneratedIds,
    quiet: bool,
    strict: bool,
) -> Result<ingest::Corpus, Failure> {
    let options = input.options(max_doc_bytes, generated_ids);
    let corpus = ingest::ingest(&input.inputs(paths), &options)
        .map_err(|e| Failure::usage(e.to_string()))?;
    if !quiet || strict {
        print_warnings(&corpus.warnings);
    }
    if strict && !corpus.warnings.is_empty() {
        return Err(Failure::usage(format!(
            "{} input warning(s) under --strict; no report written",
            corpus.warnings.len()
        )));
    }
    Ok(corpus)
}

pub fn print_stats(
    stats: &ScanStats,
    read: std::time::Duration,
    report: std::time::Duration,
    total: std::time::Duration,
) {
    let mb = stats.bytes as f64 / 1e6;
    let rate = |d: std::time::Duration| mb / d.as_secs_f64().max(1e-9);
    say!(
        "stats: {mb:.2} MB, {} paragraphs, {} candidate pairs",
        stats.paragraphs,
        stats.candidate_pairs
    );
    say!("stats: read         {:>9.3}s", read.as_secs_f64());
    say!(
        "stats: fingerprint  {:>9.3}s  {:>8.1} MB/s",
        stats.fingerprint_time.as_secs_f64(),
        rate(stats.fingerprint_time)
    );
    say!(
        "stats: candidates   {:>9.3}s",
        stats.candidates_time.as_secs_f64()
    );
    say!(
        "stats: verify       {:>9.3}s",
        stats.verify_time.as_secs_f64()
    );
    say!(
        "stats: cluster      {:>9.3}s",
        stats.cluster_time.as_secs_f64()
    );
    say!(
        "stats: align        {:>9.3}s  {} anchors ({} capped), {} document pairs, {} passages",
        stats.align_time.as_secs_f64(),
        stats.alignment.anchors,
        stats.alignment.capped_anchors,
        stats.alignment.document_pairs,
        stats.alignment.alignments
    );
    say!(
        "stats: group        {:>9.3}s",
        stats.group_time.as_secs_f64()
    );
    say!(
        "stats: attribute    {:>9.3}s",
        stats.attribute_time.as_secs_f64()
    );
    say!("stats: report       {:>9.3}s", report.as_secs_f64());
    say!(
        "stats: total        {:>9.3}s  {:>8.1} MB/s",
        total.as_secs_f64(),
        rate(total)
    );
}

/// "10MB" → 10_000_000; units are decimal (kB, MB, GB) or binary (KiB, MiB, GiB).
pub fn parse_size(text: &str) -> Result<u64, String> {
    let text = text.trim();
    let split = text
        .find(|c: char| !c.is_ascii_digit() && c != '.')
        .unwrap_or(text.len());
    let (number, unit) = text.split_at(split);
    let number: f64 = number
        .parse()
        .map_err(|_| format!("{text:?} is not a size like 10MB or 1GB"))?;
    let scale: u64 = match unit.trim().to_ascii_lowercase().as_str() {
        "" | "b" => 1,
        "k" | "kb" => 1_000,
        "m" | "mb" => 1_000_000,
        "g" | "gb" => 1_000_000_000,
        "kib" => 1 << 10,
        "mib" => 1 << 20,
        "gib" => 1 << 30,
        other => {
            return Err(format!(
                "unknown unit {other:?} (use B, kB, MB, GB, KiB, MiB, GiB)"
            ))
        }
    };
    Ok((number * scale as f64) as u64)
}

#[cfg(test)]
mod tests {
    use super::parse_size;

    #[test]
    fn sizes_take_decimal_and_binary_units() {
        assert_eq!(parse_size("10MB"), Ok(10_000_000));
        assert_eq!(parse_size("1GB"), Ok(1_000_000_000));
        assert_eq!(parse_size("2KiB"), Ok(2048));
        assert_eq!(parse_size("1.5 kB"), Ok(1500));
        assert_eq!(parse_size("123"), Ok(123));
        assert!(parse_size("ten").is_err());
        assert!(parse_size("10 parsecs").is_err());
    }
}
