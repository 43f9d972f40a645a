//! The memory ceiling: `--max-memory`, and an allocator that ends the run cleanly when memory
//! runs out.
//!
//! In: the ceiling a user sets with `--max-memory` (or one the system sets: `ulimit -d`/`-v`,
//! a container's limit). Out: nothing while memory suffices; when an allocation fails or
//! would pass the ceiling, a one-line error on stderr and exit 2, never Rust's default abort
//! (exit 134, "memory allocation failed").
//!
//! `--max-memory` bounds the heap the program has asked for and not yet freed: each thread
//! keeps a running tally and adds it to the shared count once it has moved by 1 MiB, so the
//! count is exact to a MiB per thread and costs no contended atomic per allocation. (A
//! process limit such as `RLIMIT_DATA` would count what the allocator reserves, up to 64 MiB
//! per thread beyond what is used: a ceiling users could not reason about.) Without
//! `--max-memory` nothing is counted.
//!
//! The error path allocates nothing: the message is assembled in a fixed buffer and written
//! with `write(2)`, then the process ends with `_exit(2)`. An `-o` file being written is left
//! as its temp file, which the next run writing that output removes.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::sync::atomic::{AtomicBool, AtomicIsize, AtomicU64, Ordering};

use super::exit;

/// The `--max-memory` ceiling in bytes; `u64::MAX` when none is set (nothing is counted).
static CEILING: AtomicU64 = AtomicU64::new(u64::MAX);

/// Heap bytes allocated and not freed, as flushed by the threads' tallies.
static LIVE: AtomicIsize = AtomicIsize::new(0);

/// How far a thread's tally moves before it is added to [`LIVE`].
const FLUSH_BYTES: isize = 1 << 20;

thread_local! {
    /// This thread's allocations minus frees not yet added to [`LIVE`].
    static TALLY: Cell<isize> = const { Cell::new(0) };
}

/// Counts `delta` bytes (negative: freed) against the ceiling, when one is set.
fn account(delta: isize) {
    let ceiling = CEILING.load(Ordering::Relaxed);
    if ceiling == u64::MAX {
        return;
    }
    // `try_with`: a thread being torn down has no tally left; its frees go uncounted.
    let _ = TALLY.try_with(|tally| {
        let pending = tally.get() + delta;
        if pending.abs() < FLUSH_BYTES {
            tally.set(pending);
            return;
        }
        tally.set(0);
        let live = LIVE.fetch_add(pending, Ordering::Relaxed) + pending;
        if pending > 0 && live > 0 && live as u64 > ceiling {
            out_of_memory(Shortage::Ceiling {
                live: live as u64,
                ceiling,
            });
        }
    });
}

/// The system allocator, with allocation failure turned into a clean exit.
pub struct CeilingAllocator;

// SAFETY: every call is forwarded to `System` unchanged; only a null result is acted on, and
// that never returns.
unsafe impl GlobalAlloc for CeilingAllocator {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        account(layout.size() as isize);
        checked(System.alloc(layout), layout.size())
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        account(layout.size() as isize);
        checked(System.alloc_zeroed(layout), layout.size())
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        account(new_size as isize - layout.size() as isize);
        checked(System.realloc(ptr, layout, new_size), new_size)
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        account(-(layout.size() as isize));
        System.dealloc(ptr, layout)
    }
}

fn checked(pointer: *mut u8, size: usize) -> *mut u8 {
    if pointer.is_null() {
        out_of_memory(Shortage::Refused { size });
    }
    pointer
}

/// Why memory ran out.
enum Shortage {
    /// The system refused an allocation of `size` bytes.
    Refused { size: usize },
    /// The heap in use passed `--max-memory`.
    Ceiling { live: u64, ceiling: u64 },
}

/// Set by the first thread to run out, so that the error is written once.
static REPORTING: AtomicBool = AtomicBool::new(false);

/// Writes "wiretrace: error: out of memory …" to stderr and exits with status 2, allocating
/// nothing. Another thread running out meanwhile waits for the exit.
fn out_of_memory(shortage: Shortage) -> ! {
    if REPORTING.swap(true, Ordering::SeqCst) {
        loop {
            std::thread::park();
        }
    }
    let mut message = FixedBuffer::default();
    match shortage {
        Shortage::Refused { size } => {
            message.push(b"wiretrace: error: out of memory (the system refused ");
            message.push_number(size as u64);
            message.push(b" bytes");
            if let Some(limit) = process_limit() {
                message.push(b" under a process limit of ");
                message.push_number(limit / 1_000_000);
                message.push(b" MB");
            }
        }
        Shortage::Ceiling { live, ceiling } => {
            message.push(b"wiretrace: error: out of memory (the run needs more than --max-memory ");
            message.push_number(ceiling / 1_000_000);
            message.push(b" MB; ");
            message.push_number(live / 1_000_000);
            message.push(b" MB in use");
        }
    }
    message.push(b"); split the input, add it to an index in parts, or raise the limit\n");
    #[cfg(unix)]
    // SAFETY: writing a valid buffer to stderr and ending the process; neither allocates.
    unsafe {
        libc::write(2, message.bytes.as_ptr().cast(), message.len);
        libc::_exit(exit::USAGE as i32)
    }
    #[cfg(not(unix))]
    {
        let _ = message;
        std::process::abort()
    }
}

/// A message built without allocating.
struct FixedBuffer {
    bytes: [u8; 512],
    len: usize,
}

impl Default for FixedBuffer {
    fn default() -> Self {
        FixedBuffer {
            bytes: [0; 512],
            len: 0,
        }
    }
}

impl FixedBuffer {
    fn push(&mut self, text: &[u8]) {
        let n = text.len().min(self.bytes.len() - self.len);
        self.bytes[self.len..self.len + n].copy_from_slice(&text[..n]);
        self.len += n;
    }

    fn push_number(&mut self, mut n: u64) {
        let mut digits = [0u8; 20];
        let mut at = digits.len();
        loop {
            at -= 1;
            digits[at] = b'0' + (n % 10) as u8;
            n /= 10;
            if n == 0 {
                break;
            }
        }
        self.push(&digits[at..]);
    }
}

/// The lower of the process's address-space and data limits (`ulimit -v`, `ulimit -d`) in
/// bytes, when one is set.
fn process_limit() -> Option<u64> {
    #[cfg(unix)]
    {
        [libc::RLIMIT_AS, libc::RLIMIT_DATA]
            .into_iter()
            .filter_map(|resource| {
                let mut limit = libc::rlimit {
                    rlim_cur: 0,
                    rlim_max: 0,
                };
                // SAFETY: getrlimit writes into the struct it is given.
                let ok = unsafe { libc::getrlimit(resource, &mut limit) } == 0;
                #[allow(clippy::unnecessary_cast)] // `rlim_t` is not `u64` on every system
                (ok && limit.rlim_cur != libc::RLIM_INFINITY).then_some(limit.rlim_cur as u64)
            })
            .min()
    }
    #[cfg(not(unix))]
    None
}

/// Sets the `--max-memory` ceiling: from now on the heap in use is counted, and passing
/// `bytes` ends the run (exit 2).
pub fn set_ceiling(bytes: u64) {
    CEILING.store(bytes.min(u64::MAX - 1), Ordering::Relaxed);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_message_is_built_without_allocating_and_never_overflows() {
        let mut message = FixedBuffer::default();
        message.push(b"size ");
        message.push_number(0);
        message.push(b" ");
        message.push_number(u64::MAX);
        assert_eq!(
            &message.bytes[..message.len],
            b"size 0 18446744073709551615"
        );
        for _ in 0..100 {
            message.push(b"0123456789");
        }
        assert_eq!(message.len, 512);
    }
}
