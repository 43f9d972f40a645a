//! The command-line layer: clap arguments → validated parameters → library calls → output.
//!
//! Exit codes (documented in the README):
//! - 0: the run completed (whether or not reuse was found); also when stdout is closed early
//!   (broken pipe).
//! - 1: the run failed while working or writing output.
//! - 2: usage error, unreadable input path, warnings under `--strict`, or out of memory (past
//!   `--max-memory` or a system limit; see [`memory`]).
//! - 130: interrupted (Ctrl-C or SIGTERM); no partial output file is left behind.

/// Writes a line to standard error, like `eprintln!`, but a closed or failing stderr (a reader
/// that went away, `2>&-`) is ignored instead of panicking: messages are a courtesy, the exit
/// code is the answer.
macro_rules! say {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stderr(), $($arg)*);
    }};
}

mod args;
mod compare;
mod eval;
#[cfg(all(target_os = "linux", target_env = "gnu"))]
mod huge_pages;
mod index;
pub mod memory;
mod output;
mod progress;
mod scan;
mod synth;

use std::process::ExitCode;

use clap::{CommandFactory, Parser, Subcommand};

/// Exit codes.
pub mod exit {
    pub const OK: u8 = 0;
    pub const FAILURE: u8 = 1;
    pub const USAGE: u8 = 2;
    pub const INTERRUPTED: u8 = 130;
}

/// Find reused text (wire copy, shared quotes, boilerplate) across news articles and say
/// where it came from.
#[derive(Debug, Parser)]
#[command(name = "wiretrace", version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
    /// Memory ceiling (e.g. 8GB): past it the run stops with an error (exit 2) instead of
    /// swapping or being killed.
    #[arg(long, global = true, value_parser = args::parse_size, value_name = "SIZE")]
    max_memory: Option<u64>,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Find passages shared between documents and report them.
    Scan(scan::ScanArgs),
    /// Align two documents and show the passages they share, word by word.
    Compare(compare::CompareArgs),
    /// Generate a synthetic news corpus with ground truth, for benchmarks and `eval`.
    Synth(synth::SynthArgs),
    /// Score a report (wiretrace's or another tool's, in the same format) against ground truth.
    Eval(eval::EvalArgs),
    /// Keep a persistent index of articles and check new ones against it.
    Index(index::IndexArgs),
    /// Print a shell completion script (bash, zsh, fish, elvish, powershell) to stdout.
    Completions {
        /// The shell to complete for.
        shell: clap_complete::Shell,
    },
    /// Print the manual page (roff) to stdout: `wiretrace man > wiretrace.1`.
    Man,
}

/// An error that ends the run, with the exit code it calls for.
#[derive(Debug)]
pub struct Failure {
    pub code: u8,
    pub message: String,
}

impl Failure {
    pub fn usage(message: impl Into<String>) -> Self {
        Failure {
            code: exit::USAGE,
            message: message.into(),
        }
    }

    pub fn failed(message: impl Into<String>) -> Self {
        Failure {
            code: exit::FAILURE,
            message: message.into(),
        }
    }
}

pub fn main() -> ExitCode {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    huge_pages::restart_with_huge_pages();
    output::exit_cleanly_on_interrupt();
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(err) => {
            // clap prints help/version to stdout and errors to stderr, with its own exit code.
            let _ = err.print();
            return ExitCode::from(if err.use_stderr() {
                exit::USAGE
            } else {
                exit::OK
            });
        }
    };
    if let Some(bytes) = cli.max_memory {
        memory::set_ceiling(bytes);
    }
    let result = match cli.command {
        Command::Scan(args) => scan::run(args),
        Command::Compare(args) => compare::run(args),
        Command::Synth(args) => synth::run(args),
        Command::Eval(args) => eval::run(args),
        Command::Index(args) => index::run(args),
        Command::Completions { shell } => output::write_output(None, |out| {
            // Generated into memory first: the generator panics on a failed write.
            let mut script = Vec::new();
            clap_complete::generate(shell, &mut Cli::command(), "wiretrace", &mut script);
            out.write_all(&script)
        }),
        Command::Man => output::write_output(None, |out| {
            clap_mangen::Man::new(Cli::command()).render(out)
        }),
    };
    match result {
        Ok(()) => ExitCode::from(exit::OK),
        Err(failure) => {
            say!("wiretrace: error: {}", failure.message);
            ExitCode::from(failure.code)
        }
    }
}
