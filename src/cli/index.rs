//! `wiretrace index create|add|query|stats|check|remove`: a persistent reference index.

use std::path::PathBuf;
use std::time::Instant;

use clap::{Args, Subcommand, ValueEnum};
use wiretrace::attribute::parse_published;
use wiretrace::index::{Access, Index, IndexError, OnDuplicate, Removal};
use wiretrace::ingest::GeneratedIds;
use wiretrace::pipeline::ScanOptions;
use wiretrace::report::text::printable;
use wiretrace::report::{Format, Report};

use super::args::{
    print_stats, read_inputs, registry, thread_pool, InputArgs, ParamArgs, ReportArgs, RunArgs,
};
use super::output::write_output;
use super::progress::ProgressBarReporter;
use super::Failure;

#[derive(Debug, Args)]
pub struct IndexArgs {
    #[command(subcommand)]
    command: IndexCommand,
}

#[derive(Debug, Subcommand)]
enum IndexCommand {
    /// Create an empty index in DIR; the pipeline flags given here hold for its whole life.
    Create(CreateArgs),
    /// Add articles to the index, all of them or (on any failure or kill) none.
    Add(AddArgs),
    /// Check articles against the index: which passages come from which indexed articles.
    Query(QueryArgs),
    /// Counts and sizes of the index.
    Stats(StatsArgs),
    /// Verify the whole index: SQLite's integrity check, then that every stored article and
    /// key row is what its text gives (exit 1 on any problem, listed on stdout).
    Check(CheckArgs),
    /// Remove articles by id or by publication date.
    Remove(RemoveArgs),
}

#[derive(Debug, Args)]
struct CreateArgs {
    /// Directory of the index (created if missing).
    dir: PathBuf,
    #[command(flatten)]
    params: ParamArgs,
}

#[derive(Debug, Args)]
struct AddArgs {
    /// Directory of the index.
    dir: PathBuf,
    /// Text files, directories, .jsonl/.ndjson files, or - for stdin (as for `scan`).
    #[arg(required = true, value_name = "INPUT")]
    inputs: Vec<PathBuf>,
    #[command(flatten)]
    input: InputArgs,
    /// SQLite page cache of the writer, in MiB (more makes large adds faster).
    #[arg(long, default_value_t = 256, value_name = "MIB")]
    cache_mib: usize,
    /// Worker threads (0: one per core).
    #[arg(short = 'j', long, default_value_t = 0, value_name = "N")]
    threads: usize,
    /// Fail (exit 2, nothing added) if any input was skipped or altered, or any document
    /// would be skipped as already indexed.
    #[arg(long)]
    strict: bool,
    /// What to do with a document whose id is already indexed: keep the indexed one, replace
    /// it with the new one (corrected text), or add nothing and fail (exit 2).
    #[arg(long, value_enum, default_value = "skip", value_name = "WHAT")]
    on_duplicate: OnDuplicateArg,
    /// Print no warnings, progress or summary to stderr.
    #[arg(short, long)]
    quiet: bool,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum OnDuplicateArg {
    Skip,
    Replace,
    Fail,
}

#[derive(Debug, Args)]
struct QueryArgs {
    /// Directory of the index.
    dir: PathBuf,
    /// Articles to check: text files, directories, .jsonl/.ndjson files, or - for stdin.
    #[arg(required = true, value_name = "INPUT")]
    inputs: Vec<PathBuf>,
    #[command(flatten)]
    report: ReportArgs,
    #[command(flatten)]
    input: InputArgs,
    #[command(flatten)]
    run: RunArgs,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum StatsFormat {
    Text,
    Json,
}

#[derive(Debug, Args)]
struct StatsArgs {
    /// Directory of the index.
    dir: PathBuf,
    /// Output format.
    #[arg(long, value_enum, default_value = "text")]
    format: StatsFormat,
}

#[derive(Debug, Args)]
struct CheckArgs {
    /// Directory of the index.
    dir: PathBuf,
    /// Output format.
    #[arg(long, value_enum, default_value = "text")]
    format: StatsFormat,
    /// Worker threads (0: one per core).
    #[arg(short = 'j', long, default_value_t = 0, value_name = "N")]
    threads: usize,
    /// No progress bar.
    #[arg(short, long)]
    quiet: bool,
}

#[derive(Debug, Args)]
#[command(group(clap::ArgGroup::new("which").required(true).args(["id", "before"])))]
struct RemoveArgs {
    /// Directory of the index.
    dir: PathBuf,
    /// Remove the document with this id (repeatable).
    #[arg(long, value_name = "ID")]
    id: Vec<String>,
    /// Remove documents published before this time (RFC 3339 or YYYY-MM-DD); documents
    /// without a publication time are kept.
    #[arg(long, value_name = "DATE", conflicts_with = "id")]
    before: Option<String>,
    /// Print nothing to stderr.
    #[arg(short, long)]
    quiet: bool,
}

fn failure(error: IndexError) -> Failure {
    match error {
        IndexError::Missing { .. }
        | IndexError::Exists { .. }
        | IndexError::Version { .. }
        | IndexError::Duplicates { .. } => Failure::usage(error.to_string()),
        _ => Failure::failed(error.to_string()),
    }
}

pub fn run(args: IndexArgs) -> Result<(), Failure> {
    match args.command {
        IndexCommand::Create(args) => create(args),
        IndexCommand::Add(args) => thread_pool(args.threads)?.install(|| add(args)),
        IndexCommand::Query(args) => thread_pool(args.run.threads)?.install(|| query(args)),
        IndexCommand::Stats(args) => stats(args),
        IndexCommand::Check(args) => thread_pool(args.threads)?.install(|| check(args)),
        IndexCommand::Remove(args) => remove(args),
    }
}

fn create(args: CreateArgs) -> Result<(), Failure> {
    let params = args.params.params()?;
    Index::create(&args.dir, &params).map_err(failure)?;
    Ok(())
}

fn add(args: AddArgs) -> Result<(), Failure> {
    let mut index = Index::open(&args.dir, Access::Write).map_err(failure)?;
    index.set_cache_mib(args.cache_mib).map_err(failure)?;
    let max_doc_bytes = index.params().max_doc_bytes;
    let corpus = read_inputs(
        &args.inputs,
        &args.input,
        max_doc_bytes,
        GeneratedIds::Qualified,
        args.quiet,
        args.strict,
    )?;
    let started = Instant::now();
    let progress = ProgressBarReporter::new(args.quiet);
    // Under --strict a skip is a failure: nothing is added.
    let on_duplicate = match (args.on_duplicate, args.strict) {
        (OnDuplicateArg::Replace, _) => OnDuplicate::Replace,
        (OnDuplicateArg::Fail, _) | (OnDuplicateArg::Skip, true) => OnDuplicate::Fail,
        (OnDuplicateArg::Skip, false) => OnDuplicate::Skip,
    };
    let summary = index
        .add_with(&corpus.documents, on_duplicate, &|p| progress.update(p))
        .map_err(|error| {
            let duplicates = matches!(error, IndexError::Duplicates { .. });
            let mut failure = failure(error);
            if duplicates {
                failure.message.push_str(match args.on_duplicate {
                    OnDuplicateArg::Fail => " (--on-duplicate skip or replace to go on)",
                    _ => {
                        " (--strict fails on any skip: --on-duplicate replace updates them, \
                          leaving out --strict skips them)"
                    }
                });
            }
            failure
        })?;
    progress.finish();
    if !args.quiet {
        let seconds = started.elapsed().as_secs_f64();
        say!(
            "wiretrace: added {} documents ({} paragraphs, {:.1} MB) in {seconds:.1}s",
            summary.added,
            summary.paragraphs,
            summary.bytes as f64 / 1e6
        );
        if summary.replaced > 0 {
            say!(
                "wiretrace: replaced {} indexed documents with the new ones of the same id",
                summary.replaced
            );
        }
        if !summary.skipped_ids.is_empty() {
            say!(
                "wiretrace: warning: {} documents skipped: their id is already indexed or repeated (first: {})",
                summary.skipped_ids.len(),
                summary.skipped_ids[0]
            );
        }
    }
    Ok(())
}

fn query(args: QueryArgs) -> Result<(), Failure> {
    let database = args.dir.join(wiretrace::index::DATABASE_FILE);
    args.report
        .refuse_clobbering(&args.inputs, &[args.dir.as_path(), database.as_path()])?;
    let registry = registry(args.run.agencies.as_deref())?;
    let index = Index::open(&args.dir, Access::Read).map_err(failure)?;
    let params = index.params().clone();
    let started = Instant::now();
    let corpus = read_inputs(
        &args.inputs,
        &args.input,
        params.max_doc_bytes,
        GeneratedIds::Qualified,
        args.run.quiet,
        args.run.strict,
    )?;
    let read_time = started.elapsed();
    let options = ScanOptions {
        keep_alignment_ops: args.report.format() == Format::Html,
        agencies: &registry,
        prior: None,
    };
    let progress = ProgressBarReporter::new(args.run.quiet);
    let found = index
        .query(&corpus.documents, options, &|p| progress.update(p))
        .map_err(failure)?;
    progress.finish();
    let started_report = Instant::now();
    let report = Report::build(&found.documents, &corpus.warnings, &params, &found.result);
    let alignments = found.query_alignments();
    args.report.write(
        report,
        &found.documents,
        &found.result,
        &alignments,
        |report| report.for_queries(|position| found.is_query(position)),
    )?;
    if args.run.stats {
        say!(
            "stats: {} queried documents, {} indexed candidates",
            corpus.documents.len(),
            found.indexed
        );
        print_stats(
            &found.result.stats,
            read_time,
            started_report.elapsed(),
            started.elapsed(),
        );
    }
    Ok(())
}

fn stats(args: StatsArgs) -> Result<(), Failure> {
    let index = Index::open(&args.dir, Access::Read).map_err(failure)?;
    let stats = index.stats().map_err(failure)?;
    write_output(None, |out| match args.format {
        StatsFormat::Json => {
            serde_json::to_writer_pretty(&mut *out, &stats)?;
            writeln!(out)
        }
        StatsFormat::Text => {
            writeln!(out, "index            {}", args.dir.display())?;
            writeln!(out, "format version   {}", stats.format_version)?;
            writeln!(out, "documents        {}", stats.documents)?;
            writeln!(out, "paragraphs       {}", stats.paragraphs)?;
            writeln!(
                out,
                "text             {:.1} MB",
                stats.text_bytes as f64 / 1e6
            )?;
            writeln!(
                out,
                "on disk          {:.1} MB ({} bytes per paragraph)",
                stats.disk_bytes as f64 / 1e6,
                stats.disk_bytes_per_paragraph
            )?;
            writeln!(
                out,
                "rows             {} band keys, {} anchors, {} paragraph keys",
                stats.band_rows, stats.anchor_rows, stats.paragraph_key_rows
            )?;
            writeln!(
                out,
                "published        {} .. {}",
                stats.earliest_published.as_deref().unwrap_or("-"),
                stats.latest_published.as_deref().unwrap_or("-")
            )
        }
    })
}

fn check(args: CheckArgs) -> Result<(), Failure> {
    let index = Index::open(&args.dir, Access::Read).map_err(failure)?;
    let progress = ProgressBarReporter::new(args.quiet);
    let report = index.check(&|p| progress.update(p)).map_err(failure)?;
    progress.finish();
    write_output(None, |out| match args.format {
        StatsFormat::Json => {
            serde_json::to_writer_pretty(&mut *out, &report)?;
            writeln!(out)
        }
        StatsFormat::Text => {
            for problem in &report.problems {
                writeln!(out, "{}", printable(problem))?;
            }
            let listed = report.problems.len() as u64;
            if report.problem_count > listed {
                writeln!(out, "... and {} more", report.problem_count - listed)?;
            }
            writeln!(
                out,
                "{}: {} documents and {} key rows checked, {} problem(s)",
                if report.is_ok() { "ok" } else { "DAMAGED" },
                report.documents,
                report.key_rows,
                report.problem_count
            )
        }
    })?;
    if report.is_ok() {
        Ok(())
    } else {
        Err(Failure::failed(format!(
            "{}: the index is damaged ({} problem(s)); restore a copy or rebuild it",
            args.dir.display(),
            report.problem_count
        )))
    }
}

fn remove(args: RemoveArgs) -> Result<(), Failure> {
    let removal = match &args.before {
        Some(date) => Removal::PublishedBefore(parse_published(date).ok_or_else(|| {
            Failure::usage(format!(
                "--before: '{date}' is not an RFC 3339 time or a YYYY-MM-DD date"
            ))
        })?),
        None => Removal::Ids(args.id.clone()),
    };
    let mut index = Index::open(&args.dir, Access::Write).map_err(failure)?;
    let summary = index.remove(&removal).map_err(failure)?;
    if !args.quiet {
        say!("wiretrace: removed {} documents", summary.removed);
        if !summary.not_found.is_empty() {
            say!(
                "wiretrace: warning: {} ids not in the index: {}",
                summary.not_found.len(),
                summary.not_found.join(", ")
            );
        }
    }
    Ok(())
}
