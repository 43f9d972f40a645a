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

pub mod compare;
pub mod csv;
pub mod html;
pub mod json;
pub mod passage;
pub mod text;

use std::collections::{BTreeMap, HashMap, HashSet};

use rayon::prelude::*;
use serde::Serialize;

use crate::attribute::{AttributedCluster, Attribution, Credit};
use crate::cluster::{find_root, Link, Method, SpanCluster};
use crate::doc::{Document, Paragraph, Span, TextEncoding};
use crate::ingest::Warning;
use crate::params::Params;
use crate::pipeline::ScanResult;
use crate::verify::Similarity;

/// The version written in every report's `wiretrace` field.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

/// Output formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Plain text for a person reading a terminal.
    Text,
    /// One JSON document (the report contract).
    Json,
    /// JSON Lines: a header, then one line per document, cluster and warning.
    Jsonl,
    /// CSV: one table (see [`CsvTable`]).
    Csv,
    /// One self-contained HTML page.
    Html,
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
/// Everything a report says, in the shape of the JSON report (the contract outside tools read).
pub struct Report {
    /// The report contract version (`"0.2.0"`).
    pub wiretrace: &'static str,
    /// The parameters the scan ran with.
    pub params: Params,
    /// Every document read, in input order.
    pub documents: Vec<DocumentReport>,
    /// The clusters of shared text, largest first.
    pub clusters: Vec<ClusterReport>,
    /// Counts over the whole scan.
    pub summary: Summary,
    /// What was skipped or cut while reading, one entry per problem.
    pub warnings: Vec<WarningReport>,
    /// Verified pairs and aligned passages, one row each, for the CSV pairs table; empty unless
    /// filled by [`Report::with_pair_rows`]. Not part of the JSON object.
    #[serde(skip)]
    pub pairs: Vec<PairReport>,
}

#[derive(Debug, Clone, Serialize)]
/// One document: what it is, its paragraphs, its credit lines and how much of it is reused.
pub struct DocumentReport {
    /// The document's id (given, or made from its path and line/row).
    pub id: String,
    /// The input it was read from (`-` for stdin).
    pub path: String,
    /// The outlet that published it, when known.
    pub source: Option<String>,
    /// Publication date or time as given (RFC 3339 or `YYYY-MM-DD`).
    pub published: Option<String>,
    /// Headline, when given.
    pub title: Option<String>,
    /// Address of the article, when given.
    pub url: Option<String>,
    /// Length of the text in bytes.
    pub bytes: usize,
    /// How the bytes were decoded (`utf-8`, `utf-16le`, `windows-1252`…).
    pub encoding: TextEncoding,
    /// Original length when the text was cut to `max_doc_bytes`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub truncated_from: Option<usize>,
    /// `"html"` for a web page whose article text was extracted: every offset of this document
    /// refers to the extracted text, not to the file. Absent for text read as it is.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub extracted_from: Option<&'static str>,
    /// The document's paragraphs, in order, with byte offsets into its text.
    pub paragraphs: Vec<ParagraphReport>,
    /// Credit lines found in the document (datelines, contribution lines, bylines…).
    pub credits: Vec<CreditReport>,
    /// How much of the document is shared text.
    pub reuse: Reuse,
    /// In `index query` reports: the document comes from the index (a source of the queried
    /// ones), not from the query. Absent in `scan` reports.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub indexed: bool,
}

#[derive(Debug, Clone, Copy, Serialize)]
/// One paragraph of a document: its byte range in the text.
pub struct ParagraphReport {
    /// Byte offset of the paragraph's first byte.
    pub start: usize,
    /// Byte offset just past the paragraph's last byte.
    pub end: usize,
    /// False for paragraphs too short to fingerprint (`min_paragraph_tokens`).
    pub fingerprinted: bool,
    /// Site furniture or text repeated within one outlet: not counted as reuse.
    pub boilerplate: bool,
}

/// A credit line found in a document's text (filled in by attribution).
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct CreditReport {
    /// The agency credited (its registry name, e.g. `AP`).
    pub agency: String,
    /// The form of the credit (`dateline`, `contribution`, `signoff`, `byline`, `copyright`, `tagline`).
    pub kind: String,
    /// Byte offset where the credit line starts.
    pub start: usize,
    /// Byte offset just past the credit line.
    pub end: usize,
    /// The credit line as printed.
    pub text: String,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
/// A document's share of reused text.
pub struct Reuse {
    /// Bytes of paragraphs in `wire` and `shared` clusters over all paragraph bytes, boilerplate
    /// paragraphs excluded from both.
    pub shared_fraction: f64,
    /// The same, per origin agency of the clusters (`unknown` when none is known).
    pub by_origin: BTreeMap<String, f64>,
}

#[derive(Debug, Clone, Serialize)]
/// One cluster: a text shared by several documents (or repeated within one), with its origin.
pub struct ClusterReport {
    /// 1-based position in the report; stable for equal input and parameters.
    pub id: usize,
    /// `wire`, `quote`, `boilerplate` or `shared`.
    pub kind: String,
    /// The copies of the shared text, one per document passage.
    pub members: Vec<MemberReport>,
    /// The likely origin of the text and the evidence for it.
    pub origin: Origin,
    /// For `quote` clusters: who is quoted, when the text names them.
    pub speaker: Option<String>,
    /// The verified matches that join the members (since 0.2.0), strongest first, one fewer
    /// than the members when they join them all: who matched whom, so a consumer can rebuild
    /// the grouping or cut it at a stricter similarity. Empty for clusters of equal paragraphs
    /// (boilerplate).
    pub links: Vec<LinkReport>,
}

/// One verified match inside a cluster: a paragraph pair or a piece of an aligned passage
/// pair, between members `a` and `b` (indices into the cluster's `members`).
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct LinkReport {
    /// `paragraph` (MinHash, verified on shingles) or `passage` (local alignment).
    pub method: &'static str,
    /// Index into the cluster's `members` of one side of the link.
    pub a: usize,
    /// Index into the cluster's `members` of the other side.
    pub b: usize,
    /// The matched text in `a`'s document (it overlaps member `a`).
    pub a_start: usize,
    /// Byte offset just past the matched text in `a`'s document.
    pub a_end: usize,
    /// The matched text in `b`'s document (it overlaps member `b`).
    pub b_start: usize,
    /// Byte offset just past the matched text in `b`'s document.
    pub b_end: usize,
    /// Jaccard of the paragraphs' shingles (`paragraph`) or the alignment's identity
    /// (`passage`: matching tokens over alignment columns).
    pub similarity: f64,
    /// Share of `a`'s shingles found in `b` (`paragraph`; null for `passage`).
    pub containment: Option<f64>,
}

#[derive(Debug, Clone, Serialize)]
/// One copy of a cluster's text: a byte range of one document.
pub struct MemberReport {
    /// Document id.
    pub doc: String,
    /// Byte offset where the copy starts in its document.
    pub start: usize,
    /// Byte offset just past the copy.
    pub end: usize,
    /// For `paragraph` members: Jaccard similarity of the paragraph's shingles with its
    /// paragraph cluster's representative. For `passage` members: identity of the alignment
    /// that found it (matching tokens over alignment columns).
    pub similarity: f64,
    /// Share of the member's shingles (paragraphs) or tokens (passages) matched.
    pub containment: f64,
    /// Whether this member is the cluster's representative (its longest version).
    pub representative: bool,
    /// `paragraph` (a whole paragraph matched by MinHash and verified shingles) or `passage`
    /// (a stretch found by local alignment).
    pub method: &'static str,
}

#[derive(Debug, Clone, Serialize, Default, PartialEq)]
/// The likely origin of a cluster's text.
pub struct Origin {
    /// The agency the text most likely comes from, when the evidence names one.
    pub agency: Option<String>,
    /// The document that most likely published the text first, when one stands out.
    pub doc: Option<String>,
    /// How sure the attribution is, 0 to 1 (null when there is no origin).
    pub confidence: Option<f64>,
    /// A few examples of the evidence (since 0.2.0 at most six, however large the cluster):
    /// any conflict, the earliest and fullest members, then one item per kind and agency.
    pub evidence: Vec<Evidence>,
    /// Each agency's score from all the evidence (since 0.2.0).
    pub scores: BTreeMap<String, f64>,
    /// All the evidence, counted by kind (since 0.2.0).
    pub evidence_counts: BTreeMap<String, usize>,
}

/// One piece of evidence for an origin.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Evidence {
    /// What kind of evidence: `source-is-agency`, `credit`, `earliest`, `fullest`, `conflict`,
    /// `quotation`, `carried-by` (on `quote` clusters: the wire whose copies carried the
    /// quotation, when their credits say so; not an origin).
    pub kind: String,
    /// The document it comes from, when there is one.
    pub doc: Option<String>,
    /// The agency it points to, when there is one.
    pub agency: Option<String>,
    /// A sentence a person can read.
    pub detail: String,
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
/// One problem met while reading the input.
pub struct WarningReport {
    /// The input it concerns (a path, `path:line`, or `-`).
    pub input: String,
    /// What kind of problem (`skipped`, `unreadable`, `truncated`, `binary`…).
    pub kind: &'static str,
    /// A sentence a person can read.
    pub message: String,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
/// Counts over the whole scan.
pub struct Summary {
    /// Documents read.
    pub documents: usize,
    /// Bytes of text read.
    pub bytes: u64,
    /// Paragraphs found.
    pub paragraphs: usize,
    /// Paragraphs long enough to fingerprint.
    pub fingerprinted_paragraphs: usize,
    /// Paragraph pairs proposed by LSH.
    pub candidate_pairs: usize,
    /// Candidate pairs whose exact similarity passed the threshold.
    pub verified_pairs: usize,
    /// Passage pairs found by alignment.
    pub aligned_passages: usize,
    /// Anchors ignored for appearing in more than `align.max_anchor_df` documents.
    pub capped_anchors: usize,
    /// Clusters reported.
    pub clusters: usize,
    /// Clusters of each kind (`wire`, `quote`, `boilerplate`, `shared`).
    pub clusters_by_kind: BTreeMap<String, usize>,
    /// Credit lines found in all documents.
    pub credits: usize,
    /// Paragraphs (boilerplate excepted) that hold reused text, in whole or in part.
    pub clustered_paragraphs: usize,
    /// Verified pairs not merged into one cluster because the two groups' representatives were
    /// not similar enough (the guard against chaining).
    pub refused_merges: usize,
    /// Documents with reused text (wire or shared clusters).
    pub documents_with_reuse: usize,
    /// Warnings met while reading.
    pub warnings: usize,
    /// Warnings by kind.
    pub warnings_by_kind: BTreeMap<&'static str, usize>,
}

/// One linked pair, for the CSV pairs table: a verified paragraph pair or an aligned passage
/// pair.
#[derive(Debug, Clone, PartialEq)]
pub struct PairReport {
    /// `paragraph` or `passage`.
    pub method: &'static str,
    /// Id of the first document.
    pub doc_a: String,
    /// The matched text in the first document.
    pub span_a: Span,
    /// Id of the second document.
    pub doc_b: String,
    /// The matched text in the second document.
    pub span_b: Span,
    /// Exact shingle similarity (paragraph pairs).
    pub similarity: Option<Similarity>,
    /// Alignment identity (passage pairs).
    pub identity: Option<f64>,
    /// Matching tokens (passage pairs).
    pub aligned_tokens: Option<u32>,
    /// Local alignment score: +1 per match, −1 per mismatch or gap (passage pairs).
    pub score: Option<i32>,
    /// The cluster holding both sides, if they ended up in the same one.
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
        let attribution = &result.attribution;
        let doc_id = |d: u32| documents[d as usize].id.clone();
        let clusters: Vec<ClusterReport> = attribution
            .clusters
            .par_iter()
            .enumerate()
            .map(|(index, attributed)| ClusterReport::new(index + 1, attributed, &doc_id))
            .collect();
        let reuse_spans = reuse_spans_by_document(documents.len(), attribution);
        // Each document's report, and how many of its paragraphs hold reused text.
        let (document_reports, shared_paragraphs): (Vec<DocumentReport>, Vec<usize>) = documents
            .par_iter()
            .enumerate()
            .map(|(d, doc)| {
                DocumentReport::new(
                    doc,
                    &result.paragraphs[d],
                    &attribution.boilerplate[d],
                    &attribution.credits[d],
                    &reuse_spans[d],
                )
            })
            .unzip();
        let summary = Summary::new(
            result,
            warnings,
            &clusters,
            &document_reports,
            shared_paragraphs.iter().sum(),
        );
        Report {
            wiretrace: VERSION,
            params: params.clone(),
            documents: document_reports,
            clusters,
            summary,
            warnings: warnings.iter().map(WarningReport::new).collect(),
            pairs: Vec::new(),
        }
    }

    /// The report with its pairs table (`pairs`, for the CSV pairs table) filled in: one row
    /// per verified paragraph pair and per aligned passage. Left out of [`Report::build`]
    /// because it holds a row per pair, which a large corpus has millions of.
    pub fn with_pair_rows(mut self, documents: &[Document], result: &ScanResult) -> Report {
        // Member spans of each document, with their cluster id, sorted by offset.
        let mut member_spans: Vec<Vec<(Span, usize)>> = vec![Vec::new(); documents.len()];
        for (index, attributed) in result.attribution.clusters.iter().enumerate() {
            for m in &attributed.cluster.members {
                member_spans[m.doc as usize].push((m.span, index + 1));
            }
        }
        for spans in &mut member_spans {
            spans.sort();
        }
        let cluster_at = |doc: u32, span: Span| -> Option<usize> {
            member_spans[doc as usize]
                .iter()
                .find(|(s, _)| s.start < span.end && span.start < s.end)
                .map(|&(_, id)| id)
        };
        let mut pairs: Vec<PairReport> = result
            .pairs
            .iter()
            .map(|pair| {
                let (a, b) = (result.nodes[pair.a as usize], result.nodes[pair.b as usize]);
                let (ca, cb) = (cluster_at(a.doc, a.span), cluster_at(b.doc, b.span));
                PairReport {
                    method: "paragraph",
                    doc_a: documents[a.doc as usize].id.clone(),
                    span_a: a.span,
                    doc_b: documents[b.doc as usize].id.clone(),
                    span_b: b.span,
                    similarity: Some(pair.similarity),
                    identity: None,
                    aligned_tokens: None,
                    score: None,
                    cluster: if ca == cb { ca } else { None },
                }
            })
            .collect();
        pairs.extend(result.alignments.iter().map(|al| {
            let (ca, cb) = (cluster_at(al.a, al.span_a), cluster_at(al.b, al.span_b));
            PairReport {
                method: "passage",
                doc_a: documents[al.a as usize].id.clone(),
                span_a: al.span_a,
                doc_b: documents[al.b as usize].id.clone(),
                span_b: al.span_b,
                similarity: None,
                identity: Some(al.identity()),
                aligned_tokens: Some(al.matched),
                score: Some(al.score),
                cluster: if ca == cb { ca } else { None },
            }
        }));

        self.pairs = pairs;
        self
    }

    /// The report of an index query: `is_query(position)` tells which of the report's
    /// documents were queried (the others come from the index). Keeps the clusters with a
    /// queried member (renumbered from 1) and the documents that are queried or take part in
    /// a kept cluster (`indexed` set on the latter); the document-level counts of the summary
    /// follow, the pipeline counts (pairs, passages, anchors) stay those of the whole scan.
    /// An indexed document's `reuse` covers the scanned documents only.
    pub fn for_queries(mut self, is_query: impl Fn(usize) -> bool) -> Report {
        let queried: HashSet<String> = self
            .documents
            .iter()
            .enumerate()
            .filter(|(i, _)| is_query(*i))
            .map(|(_, d)| d.id.clone())
            .collect();
        let mut renumbered: HashMap<usize, usize> = HashMap::new();
        self.clusters
            .retain(|c| c.members.iter().any(|m| queried.contains(&m.doc)));
        let mut cited: HashSet<String> = HashSet::new();
        for (index, cluster) in self.clusters.iter_mut().enumerate() {
            renumbered.insert(cluster.id, index + 1);
            cluster.id = index + 1;
            cited.extend(cluster.members.iter().map(|m| m.doc.clone()));
            cited.extend(cluster.origin.doc.clone());
            cited.extend(cluster.origin.evidence.iter().filter_map(|e| e.doc.clone()));
        }
        self.documents
            .retain(|d| queried.contains(&d.id) || cited.contains(&d.id));
        for document in &mut self.documents {
            document.indexed = !queried.contains(&document.id);
        }
        self.pairs
            .retain(|p| queried.contains(&p.doc_a) || queried.contains(&p.doc_b));
        for pair in &mut self.pairs {
            pair.cluster = pair.cluster.and_then(|id| renumbered.get(&id).copied());
        }
        let summary = &mut self.summary;
        summary.documents = self.documents.len();
        summary.bytes = self.documents.iter().map(|d| d.bytes as u64).sum();
        summary.paragraphs = self.documents.iter().map(|d| d.paragraphs.len()).sum();
        summary.fingerprinted_paragraphs = self
            .documents
            .iter()
            .flat_map(|d| &d.paragraphs)
            .filter(|p| p.fingerprinted)
            .count();
        summary.clusters = self.clusters.len();
        summary.clusters_by_kind.clear();
        for cluster in &self.clusters {
            *summary
                .clusters_by_kind
                .entry(cluster.kind.clone())
                .or_insert(0) += 1;
        }
        summary.credits = self.documents.iter().map(|d| d.credits.len()).sum();
        summary.documents_with_reuse = self
            .documents
            .iter()
            .filter(|d| d.reuse.shared_fraction > 0.0)
            .count();
        self
    }

    /// The document with this id.
    pub fn document(&self, id: &str) -> Option<&DocumentReport> {
        self.documents.iter().find(|d| d.id == id)
    }
}

/// The cluster's links that join its members, strongest first (a spanning forest: each link
/// joins two members not yet joined), each end named by the member that holds it.
fn link_reports(cluster: &SpanCluster) -> Vec<LinkReport> {
    let member_at = |doc: u32, span: Span| cluster.member_at(doc, span);
    let mut links: Vec<(usize, usize, &Link)> = cluster
        .links
        .iter()
        .filter_map(|link| {
            let (a, b) = (
                member_at(link.doc_a, link.span_a)?,
                member_at(link.doc_b, link.span_b)?,
            );
            (a != b).then_some((a, b, link))
        })
        .collect();
    // Strongest first, at the precision the report gives.
    links.sort_by(|x, y| {
        round4(y.2.similarity)
            .total_cmp(&round4(x.2.similarity))
            .then((x.0, x.1, x.2.span_a, x.2.span_b).cmp(&(y.0, y.1, y.2.span_a, y.2.span_b)))
    });
    let mut parent: Vec<u32> = (0..cluster.members.len() as u32).collect();
    let mut joined = Vec::with_capacity(cluster.members.len().saturating_sub(1));
    for (a, b, link) in links {
        let (ra, rb) = (
            find_root(&mut parent, a as u32),
            find_root(&mut parent, b as u32),
        );
        if ra == rb {
            continue;
        }
        parent[ra.max(rb) as usize] = ra.min(rb);
        joined.push(LinkReport {
            method: method_name(link.method),
            a,
            b,
            a_start: link.span_a.start,
            a_end: link.span_a.end,
            b_start: link.span_b.start,
            b_end: link.span_b.end,
            similarity: round4(link.similarity),
            containment: link.containment.map(round4),
        });
    }
    joined
}

fn method_name(method: Method) -> &'static str {
    match method {
        Method::Paragraph => "paragraph",
        Method::Passage => "passage",
    }
}

/// Bytes of `paragraph` covered by the (sorted) member spans of its document.
fn covered_bytes(paragraph: Span, spans: &[(Span, usize)]) -> usize {
    let mut covered = 0;
    let mut reached = paragraph.start;
    for (span, _) in spans {
        let start = span.start.max(reached);
        let end = span.end.min(paragraph.end);
        if end > start {
            covered += end - start;
            reached = end;
        }
    }
    covered
}

/// Reused spans (of `wire` and `shared` clusters) per document, by origin agency (`unknown`
/// when none), each with its cluster's report id, sorted.
fn reuse_spans_by_document(
    documents: usize,
    attribution: &Attribution,
) -> Vec<BTreeMap<&str, Vec<(Span, usize)>>> {
    let mut reuse_spans: Vec<BTreeMap<&str, Vec<(Span, usize)>>> = vec![BTreeMap::new(); documents];
    for (index, attributed) in attribution.clusters.iter().enumerate() {
        if !attributed.kind.is_reuse() {
            continue;
        }
        let origin = attributed.origin.agency.as_deref().unwrap_or("unknown");
        for m in &attributed.cluster.members {
            reuse_spans[m.doc as usize]
                .entry(origin)
                .or_default()
                .push((m.span, index + 1));
        }
    }
    for by_origin in &mut reuse_spans {
        for spans in by_origin.values_mut() {
            spans.sort();
        }
    }
    reuse_spans
}

impl ClusterReport {
    /// Cluster `id` (from 1) of the report; `doc_id` names a document by its index.
    fn new(
        id: usize,
        attributed: &AttributedCluster,
        doc_id: &(impl Fn(u32) -> String + Sync),
    ) -> Self {
        let cluster = &attributed.cluster;
        let origin = &attributed.origin;
        ClusterReport {
            id,
            kind: attributed.kind.name().into(),
            members: cluster
                .members
                .iter()
                .enumerate()
                .map(|(i, m)| MemberReport {
                    doc: doc_id(m.doc),
                    start: m.span.start,
                    end: m.span.end,
                    similarity: round4(m.similarity),
                    containment: round4(m.containment),
                    representative: i == cluster.representative,
                    method: method_name(m.method),
                })
                .collect(),
            origin: Origin {
                agency: origin.agency.clone(),
                doc: origin.doc.map(doc_id),
                confidence: origin.confidence,
                evidence: origin
                    .evidence
                    .iter()
                    .map(|e| Evidence {
                        kind: e.kind.to_string(),
                        doc: e.doc.map(doc_id),
                        agency: e.agency.clone(),
                        detail: e.detail.clone(),
                    })
                    .collect(),
                scores: origin.scores.clone(),
                evidence_counts: origin
                    .evidence_counts
                    .iter()
                    .map(|(&kind, &n)| (kind.to_string(), n))
                    .collect(),
            },
            speaker: attributed.speaker.clone(),
            links: link_reports(cluster),
        }
    }
}

impl DocumentReport {
    /// The report of `doc`, with its `paragraphs` (and which are `boilerplate`), its
    /// `credits` and its `reuse_spans` by origin; and how many of its paragraphs hold reused
    /// text.
    fn new(
        doc: &Document,
        paragraphs: &[Paragraph],
        boilerplate: &[bool],
        credits: &[Credit],
        reuse_spans: &BTreeMap<&str, Vec<(Span, usize)>>,
    ) -> (Self, usize) {
        // Reuse is measured over the text that is not boilerplate.
        let counted: Vec<Span> = paragraphs
            .iter()
            .zip(boilerplate)
            .filter(|(_, &is)| !is)
            .map(|(p, _)| p.span)
            .collect();
        let total: usize = counted.iter().map(Span::len).sum();
        let mut all_reuse: Vec<(Span, usize)> = reuse_spans.values().flatten().copied().collect();
        all_reuse.sort();
        let covered = |spans: &[(Span, usize)]| -> usize {
            counted.iter().map(|&p| covered_bytes(p, spans)).sum()
        };
        let reused_per_paragraph: Vec<usize> = counted
            .iter()
            .map(|&p| covered_bytes(p, &all_reuse))
            .collect();
        let shared_paragraphs = reused_per_paragraph.iter().filter(|&&b| b > 0).count();
        let fraction = |bytes: usize| {
            if total > 0 {
                round4(bytes as f64 / total as f64)
            } else {
                0.0
            }
        };
        let by_origin: BTreeMap<String, f64> = reuse_spans
            .iter()
            .map(|(origin, spans)| (origin.to_string(), fraction(covered(spans))))
            .filter(|(_, f)| *f > 0.0)
            .collect();
        let report = DocumentReport {
            id: doc.id.clone(),
            path: doc.path.clone(),
            source: doc.source.clone(),
            published: doc.published.clone(),
            title: doc.title.clone(),
            url: doc.url.clone(),
            bytes: doc.text.len(),
            encoding: doc.encoding,
            truncated_from: doc.truncated_from,
            extracted_from: crate::ingest::is_html_path(&doc.path).then_some("html"),
            paragraphs: paragraphs
                .iter()
                .zip(boilerplate)
                .map(|(p, &is)| ParagraphReport {
                    start: p.span.start,
                    end: p.span.end,
                    fingerprinted: p.fingerprinted,
                    boilerplate: is,
                })
                .collect(),
            credits: credits
                .iter()
                .map(|c| CreditReport {
                    agency: c.agency.clone(),
                    kind: c.kind.name().to_string(),
                    start: c.span.start,
                    end: c.span.end,
                    text: c.span.slice(&doc.text).to_string(),
                })
                .collect(),
            reuse: Reuse {
                shared_fraction: fraction(reused_per_paragraph.iter().sum()),
                by_origin,
            },
            indexed: false,
        };
        (report, shared_paragraphs)
    }
}

impl Summary {
    /// The counts of a scan's report: `shared_paragraphs` is how many paragraphs hold reused
    /// text, over all documents.
    fn new(
        result: &ScanResult,
        warnings: &[Warning],
        clusters: &[ClusterReport],
        documents: &[DocumentReport],
        shared_paragraphs: usize,
    ) -> Self {
        let mut warnings_by_kind = BTreeMap::new();
        for warning in warnings {
            *warnings_by_kind.entry(warning.kind.name()).or_insert(0) += 1;
        }
        let stats = &result.stats;
        let mut clusters_by_kind = BTreeMap::new();
        for c in clusters {
            *clusters_by_kind.entry(c.kind.clone()).or_insert(0) += 1;
        }
        Summary {
            documents: documents.len(),
            bytes: stats.bytes,
            paragraphs: stats.paragraphs,
            fingerprinted_paragraphs: result
                .paragraphs
                .iter()
                .flatten()
                .filter(|p| p.fingerprinted)
                .count(),
            candidate_pairs: stats.candidate_pairs,
            verified_pairs: result.pairs.len(),
            aligned_passages: result.alignments.len(),
            capped_anchors: stats.alignment.capped_anchors,
            clusters: clusters.len(),
            clusters_by_kind,
            credits: result.attribution.credits.iter().map(Vec::len).sum(),
            clustered_paragraphs: shared_paragraphs,
            refused_merges: stats.clustering.refused_merges,
            documents_with_reuse: documents
                .iter()
                .filter(|d| d.reuse.shared_fraction > 0.0)
                .count(),
            warnings: warnings.len(),
            warnings_by_kind,
        }
    }
}

impl WarningReport {
    fn new(warning: &Warning) -> Self {
        WarningReport {
            input: warning.input.clone(),
            kind: warning.kind.name(),
            message: warning.message.clone(),
        }
    }
}
