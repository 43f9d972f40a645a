//! Progress: which stage a scan is in and how far along, as the progress callback hears it.
//!
//! In: nothing (a leaf). Out: [`Stage`] and [`Progress`], which the pipeline and its stages
//! report through a caller's callback (the CLI draws a bar from it).

/// A stage of the pipeline, as reported to the progress callback.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    /// Segmenting, normalizing, shingling and hashing documents.
    Fingerprint,
    /// Finding boilerplate, credits and candidate pairs.
    Candidates,
    /// Verifying candidate pairs.
    Verify,
    /// Clustering paragraphs.
    Cluster,
    /// Aligning passages and grouping them with paragraph clusters.
    Align,
    /// Attributing clusters to their origin.
    Attribute,
}

impl Stage {
    /// What a progress bar calls the stage.
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
    /// The stage running.
    pub stage: Stage,
    /// Units done.
    pub done: u64,
    /// Units in all (0 when unknown).
    pub total: u64,
}
