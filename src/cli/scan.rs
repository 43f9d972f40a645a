//! `wiretrace scan`: read inputs, run the pipeline, write the report.

use std::path::{Path, PathBuf};
use std::time::Instant;

use clap::Args;
use wiretrace::ingest::GeneratedIds;
use wiretrace::params::Params;
use wiretrace::pipeline;
use wiretrace::report::{Format, Report};

use super::args::{
    print_stats, read_inputs, registry, thread_pool, InputArgs, ParamArgs, ReportArgs, RunArgs,
};
use super::progress::ProgressBarReporter;
use super::Failure;

#[derive(Debug, Args)]
pub struct ScanArgs {
    /// Text files (one article each), directories (walked for .txt/.md), .jsonl/.ndjson files,
    /// or - for stdin.
    #[arg(required = true, value_name = "INPUT")]
    inputs: Vec<PathBuf>,

    #[command(flatten)]
    report: ReportArgs,

    #[command(flatten)]
    input: InputArgs,

    #[command(flatten)]
    params: ParamArgs,

    #[command(flatten)]
    run: RunArgs,
}

pub fn run(args: ScanArgs) -> Result<(), Failure> {
    let params = args.params.params()?;
    thread_pool(args.run.threads)?.install(|| scan(&args, &params))
}

fn scan(args: &ScanArgs, params: &Params) -> Result<(), Failure> {
    let agencies: Vec<&Path> = args.run.agencies.as_deref().into_iter().collect();
    args.report.refuse_clobbering(&args.inputs, &agencies)?;
    let registry = registry(args.run.agencies.as_deref())?;
    let started = Instant::now();
    let corpus = read_inputs(
        &args.inputs,
        &args.input,
        params.max_doc_bytes,
        GeneratedIds::Readable,
        args.run.quiet,
        args.run.strict,
    )?;
    let read_time = started.elapsed();

    let options = pipeline::ScanOptions {
        keep_alignment_ops: args.report.format() == Format::Html,
        agencies: &registry,
        prior: None,
    };
    let progress = ProgressBarReporter::new(args.run.quiet);
    let result = pipeline::scan_with(&corpus.documents, params, options, &|p| progress.update(p));
    progress.finish();

    let started_report = Instant::now();
    let report = Report::build(&corpus.documents, &corpus.warnings, params, &result);
    args.report.write(
        report,
        &corpus.documents,
        &result,
        &result.alignments,
        |report| report,
    )?;
    if args.run.stats {
        print_stats(
            &result.stats,
            read_time,
            started_report.elapsed(),
            started.elapsed(),
        );
    }
    // As the report (see `ReportArgs::write`): left for the process's exit to free at once.
    std::mem::forget(result);
    std::mem::forget(corpus);
    Ok(())
}
