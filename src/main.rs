//! The `wiretrace` binary: parses the command line and hands over to [`cli`].

mod cli;

/// The system allocator; running out of memory ends the run with a clear error, not an abort.
#[global_allocator]
static ALLOCATOR: cli::memory::CeilingAllocator = cli::memory::CeilingAllocator;

fn main() -> std::process::ExitCode {
    cli::main()
}
