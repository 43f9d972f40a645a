//! wiretrace finds reused text across news articles — wire copy republished verbatim or
//! edited, shared quotations, boilerplate — and says where it came from.
//!
//! # The front door
//!
//! Most programs need only what the crate root re-exports: [`Document`]s (or [`ingest()`] to
//! read files, directories, JSONL, CSV, Parquet or stdin into a [`Corpus`]), [`Params`]
//! (validated once, every error naming its flag), [`scan`] / [`scan_with`] for a
//! [`ScanResult`], [`Report`] to turn it into the JSON contract (or text, CSV, HTML),
//! [`compare`] for two documents, [`Index`] for a persistent reference corpus, and [`Error`],
//! which any of them can fail with.
//!
//! ```
//! use wiretrace::{Document, Params, Report};
//!
//! let wire = "North Korea confirmed for the first time on Monday that it had sent troops \
//!             to fight for Russia in the war in Ukraine under orders from leader Kim Jong Un.";
//! let docs = vec![
//!     Document::new("reuters", wire),
//!     Document::new("outlet", format!("Our own intro.\n\n{wire}")),
//! ];
//! let params = Params::default().validated()?;
//! let result = wiretrace::scan(&docs, &params, &|_| {});
//! let report = Report::build(&docs, &[], &params, &result);
//! assert_eq!(report.clusters.len(), 1);
//! assert_eq!(report.clusters[0].members.len(), 2);
//! # Ok::<(), wiretrace::Error>(())
//! ```
//!
//! # The stages
//!
//! Each stage is a module that takes plain data and returns plain data; [`pipeline`] is the
//! only one that knows their order. They are public for benchmarks, fuzzers and engines that
//! distribute the work (an index, a Spark job), which run them one at a time:
//!
//! ```text
//!  ingest ─► fingerprint ─────────► boilerplate ─► mask ─► lsh ─► verify ─► cluster ─┐
//!  files,    segment → normalize    + credits      credit  band    exact     paragraph │
//!  JSONL,    → shingle → minhash    (attribute/    lines,  keys →  Jaccard + tier     ├─► group ─► attribute ─► report
//!  CSV,      → band keys, and       credits):      boiler- pairs   contain-           │   one       kinds,       JSON, JSONL,
//!  Parquet,  word numbers           nobody's       plate                ment          │   shared    origins      CSV, text,
//!  stdin                            reuse          out                                 │   text a                 HTML
//!                                                    └──► align: anchors → chains → ───┘   cluster
//!                                                         banded Smith-Waterman
//! ```
//!
//! Beside the pipeline: [`index`] (a persistent corpus that queries scan against), [`synth`]
//! and [`eval`] (the benchmark harness), [`hash`] (every hash whose values an index stores),
//! [`simd`] (where the AVX2 kernels are chosen). The library never prints, exits or reads the
//! environment.

#![deny(clippy::print_stdout, clippy::print_stderr, clippy::exit)]
#![deny(unsafe_op_in_unsafe_fn)]
#![warn(missing_docs)]

pub mod align;
pub mod attribute;
pub mod boilerplate;
pub mod cluster;
pub mod doc;
pub mod eval;
pub mod fingerprint;
pub mod group;
pub mod hash;
pub mod index;
pub mod ingest;
pub mod lsh;
pub mod mask;
pub mod minhash;
pub mod normalize;
pub mod params;
pub mod pipeline;
pub mod progress;
pub mod report;
pub mod segment;
pub mod shingle;
pub mod simd;
pub mod synth;
pub mod verify;

mod error;

pub use attribute::Registry;
pub use doc::{Document, Span};
pub use error::Error;
pub use index::{Index, IndexError};
pub use ingest::{ingest, Corpus, IngestOptions, Input};
pub use normalize::Language;
pub use params::{ParamError, Params};
pub use pipeline::{compare, scan, scan_with, Progress, ScanOptions, ScanResult, Stage};
pub use report::{Format, Report};
