//! Transparent huge pages and larger heap growth for the allocator, on Linux with glibc.
//!
//! A scan touches gigabytes of memory in 4 KiB pages: a page fault for every page it grows
//! into, and a TLB miss for most random reads (alignment reads two documents' words and texts
//! per pair, anywhere in the corpus). glibc's allocator asks the kernel for 2 MiB pages
//! (`madvise(MADV_HUGEPAGE)`, which kernels set to `madvise` mode honour) only when the
//! `GLIBC_TUNABLES` environment variable says `glibc.malloc.hugetlb=1`, and it reads that
//! variable once, as the process starts. So the binary, started without the variable, starts
//! itself again, once, with it set: same arguments, same standard streams, same process id.
//! A 1 GB scan on two cores: 844 k page faults instead of 1.67 M, 63.4 s instead of 72.7 s
//! (BENCHMARKS.md).
//!
//! The same variable sets `glibc.malloc.top_pad` to 64 MiB: a worker thread's heap otherwise
//! grows one `mprotect` call (and one page fault) per 4 KiB page as documents' outputs are
//! allocated (51 k calls in a 100 MB scan); with the pad each growth reserves 64 MiB more, and
//! a trim keeps that much (pages never touched are not resident). 1 GB scan, same hour: 233 k
//! page faults instead of 971 k, 62.2 s instead of 68.6 s, peak 4,033,940 KB instead of
//! 4,115,000 KB. A `GLIBC_TUNABLES` already set, even empty, is left alone (so
//! `GLIBC_TUNABLES= wiretrace …` runs without huge pages), and if the binary cannot be
//! started again, this run goes on as it is.

/// What the restarted binary's `GLIBC_TUNABLES` says (see the module documentation).
const TUNABLES: &str = "glibc.malloc.hugetlb=1:glibc.malloc.top_pad=67108864";

/// Starts this binary again with glibc's huge pages and heap pad on, unless `GLIBC_TUNABLES`
/// is set.
/// Returns only if it did not (the variable was set, or the restart failed).
pub fn restart_with_huge_pages() {
    use std::os::unix::process::CommandExt;

    const VARIABLE: &str = "GLIBC_TUNABLES";
    if std::env::var_os(VARIABLE).is_some() {
        return;
    }
    let Ok(binary) = std::env::current_exe() else {
        return;
    };
    let mut args = std::env::args_os();
    let mut command = std::process::Command::new(binary);
    if let Some(name) = args.next() {
        command.arg0(name);
    }
    // `exec` replaces this process and returns only on failure.
    let _failed = command.args(args).env(VARIABLE, TUNABLES).exec();
}
