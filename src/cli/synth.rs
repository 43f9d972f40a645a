//! `wiretrace synth`: generate a synthetic news ecosystem and its ground truth.

use std::io::{self, IsTerminal, Write};
use std::path::PathBuf;

use clap::Args;
use wiretrace::ingest::{self, IngestOptions, Input};
use wiretrace::synth::{self, Base, SynthOptions};

use super::args::{parse_size, print_warnings};

use super::output::{refuse_clobbering, write_output, AtomicFile};
use super::Failure;

#[derive(Debug, Args)]
pub struct SynthArgs {
    /// Base corpus of real articles: JSONL (with "text" and optionally "title"), text files
    /// or directories, as for `scan`.
    #[arg(required = true, value_name = "BASE")]
    base: Vec<PathBuf>,

    /// Size of the corpus to generate: bytes, or with a unit (10MB, 1GB, 512MiB).
    #[arg(long, default_value = "10MB", value_parser = parse_size, value_name = "SIZE")]
    size: u64,

    /// Write the corpus (JSONL) to FILE, atomically, instead of stdout.
    #[arg(short, long, value_name = "FILE")]
    output: Option<PathBuf>,

    /// Write the ground truth (JSONL) to FILE, atomically.
    #[arg(long, value_name = "FILE")]
    truth: PathBuf,

    /// Seed: the same base, options and seed give the same corpus, byte for byte.
    #[arg(long, default_value_t = SynthOptions::default().seed)]
    seed: u64,

    /// Number of outlets.
    #[arg(long, default_value_t = SynthOptions::default().outlets, value_name = "N")]
    outlets: usize,

    /// Probability that the agency's own copy of a story is in the corpus.
    #[arg(long, default_value_t = SynthOptions::default().wire_in_corpus, value_name = "P")]
    wire_in_corpus: f64,

    /// Share of documents that are original articles with no reuse.
    #[arg(long, default_value_t = SynthOptions::default().original_share, value_name = "P")]
    original_share: f64,

    /// Print nothing to stderr.
    #[arg(short, long)]
    quiet: bool,
}

pub fn run(args: SynthArgs) -> Result<(), Failure> {
    let mut outputs: Vec<(&str, &std::path::Path)> = vec![("--truth", args.truth.as_path())];
    outputs.extend(args.output.as_deref().map(|o| ("corpus", o)));
    let bases: Vec<&std::path::Path> = args.base.iter().map(PathBuf::as_path).collect();
    refuse_clobbering(&outputs, &bases)?;
    let options = SynthOptions {
        seed: args.seed,
        target_bytes: args.size,
        outlets: args.outlets,
        wire_in_corpus: args.wire_in_corpus,
        original_share: args.original_share,
    };
    synth::validate(&options).map_err(|e| Failure::usage(e.to_string()))?;
    let inputs: Vec<Input> = args.base.iter().cloned().map(Input::Path).collect();
    let corpus = ingest::ingest(&inputs, &IngestOptions::default())
        .map_err(|e| Failure::usage(e.to_string()))?;
    if !args.quiet {
        print_warnings(&corpus.warnings);
    }
    let base =
        Base::from_documents(&corpus.documents).map_err(|e| Failure::usage(e.to_string()))?;
    drop(corpus);
    if base.skipped > 0 && !args.quiet {
        say!(
            "wiretrace: warning: {} base document(s) skipped: fewer than two paragraphs",
            base.skipped
        );
    }

    let truth_display = args.truth.display().to_string();
    let mut truth = AtomicFile::create(&args.truth)
        .map_err(|e| Failure::failed(format!("{truth_display}: {e}")))?;
    let mut summary = None;
    write_output(args.output.as_deref(), |corpus| {
        let generated = synth::generate(&base, &options, corpus, &mut truth)?;
        summary = Some(generated);
        Ok(())
    })?;
    truth
        .flush()
        .and_then(|()| truth.commit())
        .map_err(|e| Failure::failed(format!("{truth_display}: {e}")))?;
    if let Some(summary) = summary.filter(|_| !args.quiet && io::stderr().is_terminal()) {
        say!(
            "wiretrace: {} documents ({:.1} MB): {} stories, {} agency copies, {} republications, {} originals",
            summary.documents,
            summary.corpus_bytes as f64 / 1e6,
            summary.stories,
            summary.wire_documents,
            summary.copies,
            summary.originals
        );
    }
    Ok(())
}
