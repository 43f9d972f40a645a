//! wiretrace finds reused text across news articles — wire copy republished verbatim or
//! edited, shared quotations, boilerplate — and says where it came from.
//!
//! ```text
//!  ingest ─► segment ─► normalize ─► shingle ─► minhash ─► lsh ─► verify ─► cluster ─► report
//!  files,    paragraphs  stemmed      word        signatures  band    exact      union-find   JSON,
//!  JSONL,    with byte   tokens with  k-gram                  keys →  Jaccard +  with anti-   JSONL,
//!  stdin     spans       byte spans   hashes                  pairs   containment chaining     CSV, text
//! ```
//!
//! [`pipeline::scan`] runs the stages in order; each stage is a module that takes plain data
//! and returns plain data. The library never prints, exits or reads the environment.
//!
//! ```
//! use wiretrace::{doc::Document, params::Params, pipeline, report::Report};
//!
//! let wire = "North Korea confirmed for the first time on Monday that it had sent troops \
//!             to fight for Russia in the war in Ukraine under orders from leader Kim Jong Un.";
//! let docs = vec![
//!     Document::new("reuters", wire),
//!     Document::new("outlet", format!("Our own intro.\n\n{wire}")),
//! ];
//! let params = Params::default().validated().unwrap();
//! let result = pipeline::scan(&docs, &params, &|_| {});
//! let report = Report::build(&docs, &[], &params, &result);
//! assert_eq!(report.clusters.len(), 1);
//! assert_eq!(report.clusters[0].members.len(), 2);
//! ```

#![deny(clippy::print_stdout, clippy::print_stderr, clippy::exit)]
#![deny(unsafe_op_in_unsafe_fn)]

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
