//! The report: what a scan found, as plain serialisable data, and one renderer per format.
//!
//! In: the documents, the ingest warnings, the [`Params`] and the [`ScanResult`].
//! Out: a [`Report`] (the JSON contract) that the renderers in [`json`], [`text`] and [`csv`]
//! write out.
//!
//! The JSON contract (field names are stable; new fields may be added, none renamed or
//! dropped without a version bump):
//! `{ "wiretrace", "params", "documents": [...], "clusters": [...], "summary", "warnings" }`.
//! All `start`/`end` values are byte offsets (end exclusive) into the document's UTF-8 text.
//! Nothing here depends on timing or thread count, so reports are byte-identical across runs.

pub mod csv;
pub mod json;
pub mod text;

use std::collections::BTreeMap;

use serde::Serialize;

use crate::doc::{Document, TextEncoding};
use crate::ingest::Warning;
use crate::params::Params;
use crate::pipeline::ScanResult;
use crate::verify::Similarity;

/// The version written in every report's `wiretrace` field.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

/// Output formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Text,
    Json,
    Jsonl,
    Csv,
}

/// Which table a CSV report holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CsvTable {
    /// One row per verified paragraph pair.
    Pairs,
    /// One row per document.
    Documents,
}

#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub wiretrace: &'static str,
    pub params: Params,
    pub documents: Vec<DocumentReport>,
    pub clusters: Vec<ClusterReport>,
    pub summary: Summary,
    pub warnings: Vec<WarningReport>,
    /// Verified pairs; rendered by the CSV pairs table, not part of the JSON object.
    #[serde(skip)]
    pub pairs: Vec<PairReport>,
}

#[derive(Debug, Clone, Serialize)]
pub struct DocumentReport {
    pub id: String,
    pub path: String,
    pub source: Option<String>,
    pub published: Option<String>,
    pub title: Option<String>,
    pub url: Option<String>,
    /// Length of the text in bytes.
    pub bytes: usize,
    pub encoding: TextEncoding,
    /// Original length when the text was cut to `max_doc_bytes`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub truncated_from: Option<usize>,
    pub paragraphs: Vec<ParagraphReport>,
    pub credits: Vec<CreditReport>,
    pub reuse: Reuse,
}

#[derive(Debug, Clone, Copy, Serialize)]
pub struct ParagraphReport {
    pub start: usize,
    pub end: usize,
    /// False for paragraphs too short to fingerprint (`min_paragraph_tokens`).
    pub fingerprinted: bool,
}

/// A credit line found in a document's text (filled in by attribution).
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct CreditReport {
    pub agency: String,
    pub kind: String,
    pub start: usize,
    pub end: usize,
    pub text: String,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Reuse {
    /// Bytes of paragraphs in reuse clusters over all paragraph bytes.
    pub shared_fraction: f64,
    /// The same, split by the origin of each cluster (`unknown` when none is known).
    pub by_origin: BTreeMap<String, f64>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ClusterReport {
    /// 1-based position in the report; stable for equal input and parameters.
    pub id: usize,
    /// `wire`, `quote`, `boilerplate` or `shared` (until attribution: always `shared`).
    pub kind: String,
    pub members: Vec<MemberReport>,
    pub origin: Origin,
}

#[derive(Debug, Clone, Serialize)]
pub struct MemberReport {
    /// Document id.
    pub doc: String,
    pub start: usize,
    pub end: usize,
    /// Jaccard similarity of the member's shingles with the cluster's representative.
    pub similarity: f64,
    /// Share of the member's shingles found in the representative.
    pub containment: f64,
    /// Whether this member is the cluster's representative (its fullest version).
    pub representative: bool,
}

#[derive(Debug, Clone, Serialize, Default, PartialEq)]
pub struct Origin {
    pub agency: Option<String>,
    pub doc: Option<String>,
    pub confidence: Option<f64>,
    pub evidence: Vec<Evidence>,
}

/// One piece of evidence for an origin.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Evidence {
    /// What kind of evidence: `source-is-agency`, `credit`, `earliest`, `containment`, `conflict`.
    pub kind: String,
    /// The document it comes from, when there is one.
    pub doc: Option<String>,
    /// The agency it points to, when there is one.
    pub agency: Option<String>,
    /// A sentence a person can read.
    pub detail: String,
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct WarningReport {
    pub input: String,
    pub kind: &'static str,
    pub message: String,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Summary {
    pub documents: usize,
    pub bytes: u64,
    pub paragraphs: usize,
    pub fingerprinted_paragraphs: usize,
    pub candidate_pairs: usize,
    pub verified_pairs: usize,
    pub clusters: usize,
    pub clustered_paragraphs: usize,
    /// Verified pairs not merged into one cluster because the two groups' representatives were
    /// not similar enough (the guard against chaining).
    pub refused_merges: usize,
    /// Documents with at least one paragraph in a cluster.
    pub documents_with_reuse: usize,
    pub warnings: usize,
    pub warnings_by_kind: BTreeMap<&'static str, usize>,
}

/// One verified pair of paragraphs, for the CSV pairs table.
#[derive(Debug, Clone, PartialEq)]
pub struct PairReport {
    pub doc_a: String,
    pub start_a: usize,
    pub end_a: usize,
    pub doc_b: String,
    pub start_b: usize,
    pub end_b: usize,
    pub similarity: Similarity,
    /// The cluster holding both paragraphs, if they ended up in the same one.
    pub cluster: Option<usize>,
}

/// Rounds a similarity or fraction to 4 decimals, so reports stay readable and stable.
pub fn round4(x: f64) -> f64 {
    (x * 10_000.0).round() / 10_000.0
}

impl Report {
    /// Builds the report of a scan.
    pub fn build(
        documents: &[Document],
        warnings: &[Warning],
        params: &Params,
        result: &ScanResult,
    ) -> Report {
        // Which cluster each node is in.
        let mut cluster_of_node: Vec<Option<usize>> = vec![None; result.nodes.len()];
        for (index, cluster) in result.clusters.iter().enumerate() {
            for &(node, _) in &cluster.members {
                cluster_of_node[node as usize] = Some(index + 1);
            }
        }

        let clusters: Vec<ClusterReport> = result
            .clusters
            .iter()
            .enumerate()
            .map(|(index, cluster)| ClusterReport {
                id: index + 1,
                kind: "shared".into(),
                members: cluster
                    .members
                    .iter()
                    .map(|&(node, sim)| {
                        let n = result.nodes[node as usize];
                        MemberReport {
                            doc: documents[n.doc as usize].id.clone(),
                            start: n.span.start,
                            end: n.span.end,
                            similarity: round4(sim.jaccard),
                            containment: round4(sim.containment_a_in_b),
                            representative: node == cluster.representative,
                        }
                    })
                    .collect(),
                origin: Origin::default(),
            })
            .collect();

        // Bytes of clustered paragraphs per document.
        let mut shared_bytes = vec![0usize; documents.len()];
        for (node, cluster) in result.nodes.iter().zip(&cluster_of_node) {
            if cluster.is_some() {
                shared_bytes[node.doc as usize] += node.span.len();
            }
        }

        let document_reports: Vec<DocumentReport> = documents
            .iter()
            .zip(&result.paragraphs)
            .zip(&shared_bytes)
            .map(|((doc, paragraphs), &shared)| {
                let total: usize = paragraphs.iter().map(|p| p.span.len()).sum();
                let fraction = if total > 0 {
                    round4(shared as f64 / total as f64)
                } else {
                    0.0
                };
                let mut by_origin = BTreeMap::new();
                if fraction > 0.0 {
                    by_origin.insert("unknown".to_string(), fraction);
                }
                DocumentReport {
                    id: doc.id.clone(),
                    path: doc.path.clone(),
                    source: doc.source.clone(),
                    published: doc.published.clone(),
                    title: doc.title.clone(),
                    url: doc.url.clone(),
                    bytes: doc.text.len(),
                    encoding: doc.encoding,
                    truncated_from: doc.truncated_from,
                    paragraphs: paragraphs
                        .iter()
                        .map(|p| ParagraphReport {
                            start: p.span.start,
                            end: p.span.end,
                            fingerprinted: p.fingerprinted,
                        })
                        .collect(),
                    credits: Vec::new(),
                    reuse: Reuse {
                        shared_fraction: fraction,
                        by_origin,
                    },
                }
            })
            .collect();

        let pairs = result
            .pairs
            .iter()
            .map(|pair| {
                let (a, b) = (result.nodes[pair.a as usize], result.nodes[pair.b as usize]);
                let (ca, cb) = (
                    cluster_of_node[pair.a as usize],
                    cluster_of_node[pair.b as usize],
                );
                PairReport {
                    doc_a: documents[a.doc as usize].id.clone(),
                    start_a: a.span.start,
                    end_a: a.span.end,
                    doc_b: documents[b.doc as usize].id.clone(),
                    start_b: b.span.start,
                    end_b: b.span.end,
                    similarity: pair.similarity,
                    cluster: if ca == cb { ca } else { None },
                }
            })
            .collect();

        let mut warnings_by_kind = BTreeMap::new();
        for warning in warnings {
            *warnings_by_kind.entry(warning.kind.name()).or_insert(0) += 1;
        }
        let summary = Summary {
            documents: documents.len(),
            bytes: result.stats.bytes,
            paragraphs: result.stats.paragraphs,
            fingerprinted_paragraphs: result.nodes.len(),
            candidate_pairs: result.stats.candidate_pairs,
            verified_pairs: result.pairs.len(),
            clusters: clusters.len(),
            clustered_paragraphs: cluster_of_node.iter().filter(|c| c.is_some()).count(),
            refused_merges: result.stats.clustering.refused_merges,
            documents_with_reuse: shared_bytes.iter().filter(|&&b| b > 0).count(),
            warnings: warnings.len(),
            warnings_by_kind,
        };

        Report {
            wiretrace: VERSION,
            params: params.clone(),
            documents: document_reports,
            clusters,
            summary,
            warnings: warnings
                .iter()
                .map(|w| WarningReport {
                    input: w.input.clone(),
                    kind: w.kind.name(),
                    message: w.message.clone(),
                })
                .collect(),
            pairs,
        }
    }

    /// The document with this id.
    pub fn document(&self, id: &str) -> Option<&DocumentReport> {
        self.documents.iter().find(|d| d.id == id)
    }
}
