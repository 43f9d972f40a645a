//! The one place that decides whether the AVX2 kernels run.
//!
//! In: the CPU's features and how the crate was built. Out: [`avx2`], true when the AVX2
//! kernels (MinHash signatures and densification, the banded Smith-Waterman) may run.
//!
//! Every kernel has a portable twin that gives the same results bit for bit (property tests
//! compare them on the machines that have AVX2). Building with `--features portable` makes
//! [`avx2`] false everywhere, so the whole test suite can run on the portable path: CI does
//! (`cargo test --features portable`), which is how the portable code is kept right on
//! machines that would otherwise never run it.

/// Whether the AVX2 kernels may run: the CPU has AVX2 (the check is cached by the standard
/// library) and the crate was not built with the `portable` feature.
#[inline]
pub fn avx2() -> bool {
    #[cfg(all(target_arch = "x86_64", not(feature = "portable")))]
    {
        std::arch::is_x86_feature_detected!("avx2")
    }
    #[cfg(not(all(target_arch = "x86_64", not(feature = "portable"))))]
    {
        false
    }
}
