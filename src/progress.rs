//! Progress: which stage a scan is in and how far along, as the progress callback hears it.
//!
//! In: nothing (a leaf). Out: [`Stage`] and [`Progress`], which the pipeline and its stages
//! report through a caller's callback (the CLI draws a bar from it).

/// A stage of the pipeline, as reported to the progress callback.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    Fingerprint,
    Candidates,
    Verify,
    Cluster,
    Align,
    Attribute,
}

impl Stage {
    pub fn name(self) -> &'static str {
        match self {
            Stage::Fingerprint => "fingerprinting",
            Stage::Candidates => "finding candidates",
            Stage::Verify => "verifying",
            Stage::Cluster => "clustering",
            Stage::Align => "aligning passages",
            Stage::Attribute => "attributing",
        }
    }
}

/// Progress of a stage: `done` of `total` units (documents, pairs…); `total` may be 0 when
/// unknown. Called from worker threads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Progress {
    pub stage: Stage,
    pub done: u64,
    pub total: u64,
}
