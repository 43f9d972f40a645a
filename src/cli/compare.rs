//! `wiretrace compare A B`: the passages two documents share, word by word.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};

use clap::{Args, ValueEnum};
use wiretrace::doc::Document;
use wiretrace::ingest::{self, GeneratedIds};
use wiretrace::params::{Language, Params};
use wiretrace::pipeline;
use wiretrace::report::compare::{self, CompareReport};
use wiretrace::report::html;

use super::args::{print_warnings, AlignArgs, InputArgs};
use super::output::{refuse_clobbering, write_output};
use super::Failure;

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum CompareFormat {
    Text,
    Json,
    Html,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum ColorChoice {
    Auto,
    Always,
    Never,
}

#[derive(Debug, Args)]
pub struct CompareArgs {
    /// The first document: a text file, a one-record JSONL file, or - for stdin.
    #[arg(value_name = "A")]
    a: PathBuf,
    /// The second document.
    #[arg(value_name = "B")]
    b: PathBuf,

    /// Output format [default: text on a terminal, else json; with -o, from the extension].
    #[arg(long, value_enum)]
    format: Option<CompareFormat>,
    /// Write the result to FILE (atomically) instead of stdout.
    #[arg(short, long, value_name = "FILE")]
    output: Option<PathBuf>,
    /// Highlight matching words in text output.
    #[arg(long, value_enum, default_value = "auto")]
    color: ColorChoice,

    #[command(flatten)]
    input: InputArgs,

    /// Stemming language (name or ISO code, or "none").
    #[arg(long, default_value = "english", value_name = "LANG")]
    lang: Language,

    #[command(flatten)]
    align: AlignArgs,

    /// Print no warnings to stderr.
    #[arg(short, long)]
    quiet: bool,
}

/// Reads one input that must hold exactly one document.
fn read_one(args: &CompareArgs, path: &Path, label: &str) -> Result<Document, Failure> {
    let options = args
        .input
        .options(Params::default().max_doc_bytes, GeneratedIds::Readable);
    let inputs = args.input.inputs(&[path.to_path_buf()]);
    let corpus = ingest::ingest(&inputs, &options).map_err(|e| Failure::usage(e.to_string()))?;
    if !args.quiet {
        print_warnings(&corpus.warnings);
    }
    let count = corpus.documents.len();
    let mut documents = corpus.documents.into_iter();
    match (documents.next(), count) {
        (Some(doc), 1) => Ok(doc),
        _ => Err(Failure::usage(format!(
            "{label} ({}): holds {count} readable documents; compare takes exactly one per input",
            path.display()
        ))),
    }
}

pub fn run(args: CompareArgs) -> Result<(), Failure> {
    if let Some(output) = args.output.as_deref() {
        refuse_clobbering(&[("report", output)], &[&args.a, &args.b])?;
    }
    let params = Params {
        language: args.lang,
        align: args.align.params(),
        ..Params::default()
    }
    .validated()
    .map_err(|e| Failure::usage(e.to_string()))?;
    let a = read_one(&args, &args.a, "A")?;
    let b = read_one(&args, &args.b, "B")?;
    let alignments = pipeline::compare(&a, &b, &params);
    let report = CompareReport::build(&a, &b, &params.align, &alignments);

    let format = args
        .format
        .or_else(|| match args.output.as_deref()?.extension()?.to_str()? {
            "json" => Some(CompareFormat::Json),
            "html" | "htm" => Some(CompareFormat::Html),
            "txt" => Some(CompareFormat::Text),
            _ => None,
        });
    let to_terminal = args.output.is_none() && std::io::stdout().is_terminal();
    let format = format.unwrap_or(if to_terminal {
        CompareFormat::Text
    } else {
        CompareFormat::Json
    });
    let color = match args.color {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        // https://no-color.org: a set, non-empty NO_COLOR turns automatic colour off.
        ColorChoice::Auto => {
            to_terminal && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
        }
    };
    let documents = [a, b];
    write_output(args.output.as_deref(), |out| match format {
        CompareFormat::Json => compare::write_json(&report, out),
        CompareFormat::Text => compare::write_text(
            &report,
            &documents[0],
            &documents[1],
            &alignments,
            color,
            out,
        ),
        CompareFormat::Html => {
            html::write_page_start(
                &format!(
                    "wiretrace compare: {} ↔ {}",
                    documents[0].id, documents[1].id
                ),
                out,
            )?;
            html::write_legend(out)?;
            html::write_pairs(&documents, &alignments, out)?;
            html::write_page_end(out)
        }
    })
}
