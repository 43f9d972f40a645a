//! Scores a report against ground truth (`wiretrace eval`).
//!
//! In: a truth file (JSONL written by [`synth`](crate::synth), or by hand in the same shape)
//! and a report in wiretrace's JSON or JSONL format — from wiretrace or from any tool that
//! writes `documents[].id` and `clusters[].members[].{doc,start,end}` (`kind`, `origin` and
//! `documents[].credits` are optional).
//! Out: [`Scores`]:
//! - **document pairs**: two documents are truly linked when they carry the same wire story;
//!   a report links them when one of its clusters (boilerplate clusters excepted) has members
//!   in both. Precision, recall and F1 over those pairs.
//! - **ARI**: the Adjusted Rand Index between stories (originals alone) and the report's
//!   groups of linked documents (connected components).
//! - **reused bytes**: precision, recall and F1 of the bytes the report marks as shared
//!   against the bytes of wire paragraphs whose story is in two or more documents; boilerplate
//!   and credit lines count for neither side.
//! - **origin**: for each document of a shared story, the agency (and, when the agency's copy
//!   is in the corpus, the document) its clusters name as origin, weighted by bytes, against
//!   the truth.
//! - **credits**: credit lines matched by document, agency and overlapping span.
//!
//! With [`EvalOptions::oracle_boilerplate`], members that are mostly boilerplate or credit
//! lines in the truth are dropped first (for tools without a boilerplate filter).
//!
//! Invariants: pair and ARI scores do not depend on how a tool cuts its clusters into
//! paragraphs or passages, only on which documents it links; a report document missing from
//! the truth is counted and ignored, never an error.

use std::collections::{BTreeMap, HashMap};
use std::io::{self, BufRead, Read};

use rustc_hash::{FxHashMap, FxHashSet};
use serde::{Deserialize, Serialize};

use crate::cluster::find_root;
use crate::synth::{SegmentKind, TruthDocument, TruthRecord};

/// Why an input cannot be scored.
#[derive(Debug, thiserror::Error)]
pub enum EvalError {
    /// The input cannot be read.
    #[error("{input}: {source}")]
    Read {
        /// The input.
        input: String,
        /// What the system said.
        source: io::Error,
    },
    /// A line is not what a truth or report line must be.
    #[error("{input}:{line}: {message}")]
    Malformed {
        /// The input.
        input: String,
        /// The line, from 1.
        line: usize,
        /// What is wrong.
        message: String,
    },
    /// The input as a whole cannot be scored.
    #[error("{input}: {message}")]
    Invalid {
        /// The input.
        input: String,
        /// What is wrong.
        message: String,
    },
}

/// The truth: one record per corpus document.
#[derive(Debug, Default)]
pub struct Truth {
    documents: Vec<TruthDocument>,
    index: HashMap<String, u32>,
}

impl Truth {
    /// Reads a truth file (JSONL, as `synth --truth` writes it); `display` names it in errors.
    pub fn from_jsonl(reader: impl BufRead, display: &str) -> Result<Truth, EvalError> {
        let mut truth = Truth::default();
        for (number, line) in reader.lines().enumerate() {
            let line = line.map_err(|source| EvalError::Read {
                input: display.to_string(),
                source,
            })?;
            if line.trim().is_empty() {
                continue;
            }
            let record: TruthRecord =
                serde_json::from_str(&line).map_err(|e| EvalError::Malformed {
                    input: display.to_string(),
                    line: number + 1,
                    message: e.to_string(),
                })?;
            if let TruthRecord::Document(doc) = record {
                let id = truth.documents.len() as u32;
                if truth.index.insert(doc.doc.clone(), id).is_some() {
                    return Err(EvalError::Malformed {
                        input: display.to_string(),
                        line: number + 1,
                        message: format!("document {:?} appears twice", doc.doc),
                    });
                }
                truth.documents.push(doc);
            }
        }
        if truth.documents.is_empty() {
            return Err(EvalError::Invalid {
                input: display.to_string(),
                message: "no document records (is this a truth file from `wiretrace synth`?)"
                    .into(),
            });
        }
        Ok(truth)
    }

    /// Documents in the truth.
    pub fn documents(&self) -> usize {
        self.documents.len()
    }
}

/// The parts of a report that are scored; everything else in it is ignored.
#[derive(Debug, Default, Deserialize)]
pub struct ToolReport {
    /// The report's documents.
    pub documents: Vec<ReportDocument>,
    /// The report's clusters.
    pub clusters: Vec<ReportCluster>,
}

#[derive(Debug, Deserialize)]
/// A report document: its id and credits.
pub struct ReportDocument {
    /// The document's id.
    pub id: String,
    #[serde(default)]
    /// The credit lines the report found.
    pub credits: Vec<ReportCredit>,
}

#[derive(Debug, Deserialize)]
/// A credit line of a report.
pub struct ReportCredit {
    /// The agency credited.
    pub agency: String,
    /// Where the credit starts.
    pub start: usize,
    /// Where the credit ends.
    pub end: usize,
}

#[derive(Debug, Deserialize)]
/// A report cluster: its kind, members and origin.
pub struct ReportCluster {
    #[serde(default)]
    /// `wire`, `quote`, `boilerplate` or `shared` (absent for tools without kinds).
    pub kind: Option<String>,
    /// The copies.
    pub members: Vec<ReportMember>,
    #[serde(default)]
    /// The origin, when the report gives one.
    pub origin: Option<ReportOrigin>,
}

#[derive(Debug, Deserialize)]
/// One copy in a report cluster.
pub struct ReportMember {
    /// The document's id.
    pub doc: String,
    /// Where the copy starts.
    pub start: usize,
    /// Where the copy ends.
    pub end: usize,
}

#[derive(Debug, Default, Deserialize)]
/// A report cluster's origin.
pub struct ReportOrigin {
    #[serde(default)]
    /// The agency named.
    pub agency: Option<String>,
    #[serde(default)]
    /// The document named.
    pub doc: Option<String>,
    #[serde(default)]
    /// The confidence given.
    pub confidence: Option<f64>,
}

/// One JSONL report line: only `document` and `cluster` records are read.
#[derive(Deserialize)]
#[serde(tag = "type", rename_all = "lowercase")]
enum ReportLine {
    Document(ReportDocument),
    Cluster(ReportCluster),
    #[serde(other)]
    Other,
}

/// Reads a report: one JSON object, or typed JSONL records (told apart by the first line).
pub fn read_report(mut reader: impl BufRead, display: &str) -> Result<ToolReport, EvalError> {
    let read_error = |source| EvalError::Read {
        input: display.to_string(),
        source,
    };
    let mut first = String::new();
    reader.read_line(&mut first).map_err(read_error)?;
    let typed = serde_json::from_str::<serde_json::Value>(&first)
        .ok()
        .is_some_and(|v| v.get("type").is_some());
    if !typed {
        let whole = io::Cursor::new(first.into_bytes()).chain(reader);
        return serde_json::from_reader(io::BufReader::new(whole)).map_err(|e| {
            EvalError::Malformed {
                input: display.to_string(),
                line: e.line(),
                message: e.to_string(),
            }
        });
    }
    let mut report = ToolReport::default();
    let mut line = first;
    let mut number = 1;
    loop {
        if !line.trim().is_empty() {
            let record: ReportLine =
                serde_json::from_str(&line).map_err(|e| EvalError::Malformed {
                    input: display.to_string(),
                    line: number,
                    message: e.to_string(),
                })?;
            match record {
                ReportLine::Document(doc) => report.documents.push(doc),
                ReportLine::Cluster(cluster) => report.clusters.push(cluster),
                ReportLine::Other => {}
            }
        }
        line.clear();
        number += 1;
        if reader.read_line(&mut line).map_err(read_error)? == 0 {
            return Ok(report);
        }
    }
}

/// Precision, recall and F1 from counts.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Counts {
    /// Items in the truth.
    pub truth: u64,
    /// Items the report gives.
    pub predicted: u64,
    /// Items in both.
    pub matched: u64,
    /// `matched / predicted` (1 when nothing is predicted).
    pub precision: f64,
    /// `matched / truth` (1 when the truth is empty).
    pub recall: f64,
    /// Harmonic mean of precision and recall.
    pub f1: f64,
}

/// `a / b`, and 1 when there is nothing to count (`b` is 0).
fn ratio(a: u64, b: u64) -> f64 {
    if b == 0 {
        1.0
    } else {
        a as f64 / b as f64
    }
}

/// The name with the most votes (the first in order on ties), and its votes.
fn most_voted(votes: &BTreeMap<String, u64>) -> Option<(&String, u64)> {
    votes
        .iter()
        .max_by(|a, b| a.1.cmp(b.1).then(b.0.cmp(a.0)))
        .map(|(name, &n)| (name, n))
}

/// The harmonic mean of precision and recall (0 when both are).
fn f1(precision: f64, recall: f64) -> f64 {
    if precision + recall == 0.0 {
        0.0
    } else {
        2.0 * precision * recall / (precision + recall)
    }
}

impl Counts {
    fn new(truth: u64, predicted: u64, matched: u64) -> Counts {
        let precision = ratio(matched, predicted);
        let recall = ratio(matched, truth);
        Counts {
            truth,
            predicted,
            matched,
            precision,
            recall,
            f1: f1(precision, recall),
        }
    }
}

/// How often the named origin is right.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct OriginScore {
    /// Documents of shared stories (for `doc`: those whose agency copy is in the corpus).
    pub documents: u64,
    /// Of those, documents whose clusters name the true origin.
    pub correct: u64,
    /// Of those, documents whose clusters name no origin at all.
    pub unnamed: u64,
    /// `correct / documents`.
    pub accuracy: f64,
}

/// Origins of shared texts, cluster by cluster.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct OriginTexts {
    /// Clusters linking two or more documents, most of them of one agency's story.
    pub texts: u64,
    /// Of those, clusters that name an origin agency.
    pub named: u64,
    /// Of those, clusters that name the true one.
    pub correct: u64,
    /// `correct / texts` (an unnamed origin counts as wrong).
    pub accuracy: f64,
    /// For each confidence floor (0.5, 0.8, 0.95): the clusters whose confidence reaches it,
    /// and the share of them whose origin is right. Calibrated when each share is at least
    /// its floor.
    pub calibration: Vec<Calibration>,
}

/// Accuracy of the origins given with at least some confidence.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Calibration {
    /// The confidence floor.
    pub confidence_at_least: f64,
    /// Clusters whose confidence reaches it.
    pub texts: u64,
    /// Of those, clusters whose origin is right.
    pub correct: u64,
    /// `correct / texts`.
    pub accuracy: f64,
}

/// Confidence floors [`OriginTexts::calibration`] reports.
const CONFIDENCE_FLOORS: [f64; 3] = [0.5, 0.8, 0.95];

impl Default for OriginTexts {
    fn default() -> Self {
        OriginTexts {
            texts: 0,
            named: 0,
            correct: 0,
            accuracy: 1.0,
            calibration: CONFIDENCE_FLOORS
                .iter()
                .map(|&floor| Calibration {
                    confidence_at_least: floor,
                    texts: 0,
                    correct: 0,
                    accuracy: 1.0,
                })
                .collect(),
        }
    }
}

impl OriginTexts {
    fn add(&mut self, correct: bool, named: bool, confidence: Option<f64>) {
        self.texts += 1;
        self.named += u64::from(named);
        self.correct += u64::from(correct);
        for c in &mut self.calibration {
            if confidence.is_some_and(|x| x >= c.confidence_at_least) {
                c.texts += 1;
                c.correct += u64::from(correct);
            }
        }
    }

    fn finish(mut self) -> OriginTexts {
        self.accuracy = ratio(self.correct, self.texts);
        for c in &mut self.calibration {
            c.accuracy = ratio(c.correct, c.texts);
        }
        self
    }
}

/// Whether the members of clusters are copies of one text.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Purity {
    /// Pairs of members in different documents, over every cluster but boilerplate ones.
    pub member_pairs: u64,
    /// Of those, pairs whose members are mostly (more than half their bytes) copies of the
    /// same truth text: one paragraph of one wire story, or one quotation.
    pub pure_pairs: u64,
    /// `pure_pairs / member_pairs` (1 when there are none).
    pub purity: f64,
}

/// Copies of the same wire paragraph, pair by pair.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct ParagraphPairs {
    /// Pairs of documents carrying the same paragraph of a wire story, one pair per
    /// paragraph (a paragraph re-split or merged by an outlet is still one).
    pub truth: u64,
    /// Of those, pairs the report puts in one cluster (`wire`, `shared` or untyped), each
    /// member covering at least half of its document's copy of the paragraph.
    pub found: u64,
    /// Pairs of members in different documents of those clusters.
    pub member_pairs: u64,
    /// Of those, pairs whose members are mostly copies of the same text (a paragraph, with
    /// any quotation it frames).
    pub pure_member_pairs: u64,
    /// `pure_member_pairs / member_pairs`.
    pub precision: f64,
    /// `found / truth`.
    pub recall: f64,
    /// Harmonic mean of precision and recall.
    pub f1: f64,
    /// Recall over the pairs where both copies are verbatim (not edited, not paraphrased).
    pub verbatim_truth: u64,
    /// Verbatim pairs found together.
    pub verbatim_found: u64,
    /// `verbatim_found / verbatim_truth`.
    pub verbatim_recall: f64,
}

/// Everything `wiretrace eval` reports.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Scores {
    /// Documents in the truth.
    pub documents: u64,
    /// Documents of the report found in the truth.
    pub matched_documents: u64,
    /// Report documents not in the truth (ignored).
    pub unknown_documents: u64,
    /// Documents of stories carried by two or more documents.
    pub shared_documents: u64,
    /// Pairs of documents that carry the same story.
    pub document_pairs: Counts,
    /// Adjusted Rand Index of linked-document groups against stories.
    pub ari: f64,
    /// Whether each cluster is one shared text.
    pub purity: Purity,
    /// Copies of each wire paragraph found together.
    pub paragraph_pairs: ParagraphPairs,
    /// Bytes of wire text the report marks as reused.
    pub reused_bytes: Counts,
    /// Origin agency of each shared document.
    pub origin_agency: OriginScore,
    /// Origin agency of each shared text (a `wire`/`shared` cluster in two or more documents
    /// whose documents mostly carry one agency's story), with confidence calibration.
    pub origin_texts: OriginTexts,
    /// Origin document, where the agency's copy is in the corpus.
    pub origin_document: OriginScore,
    /// Credit lines found, matched by agency and position.
    pub credits: Counts,
}

/// Byte ranges of one document, sorted and merged.
type Ranges = Vec<(usize, usize)>;

fn merged(mut ranges: Ranges) -> Ranges {
    ranges.sort_unstable();
    let mut out: Ranges = Vec::with_capacity(ranges.len());
    for (start, end) in ranges {
        match out.last_mut() {
            Some(last) if start <= last.1 => last.1 = last.1.max(end),
            _ if start < end => out.push((start, end)),
            _ => {}
        }
    }
    out
}

fn total(ranges: &Ranges) -> u64 {
    ranges.iter().map(|(s, e)| (e - s) as u64).sum()
}

/// Bytes in both sets of merged ranges.
fn intersection(a: &[(usize, usize)], b: &[(usize, usize)]) -> u64 {
    let (mut i, mut j, mut bytes) = (0, 0, 0u64);
    while i < a.len() && j < b.len() {
        let start = a[i].0.max(b[j].0);
        let end = a[i].1.min(b[j].1);
        if start < end {
            bytes += (end - start) as u64;
        }
        if a[i].1 < b[j].1 {
            i += 1;
        } else {
            j += 1;
        }
    }
    bytes
}

/// Bytes of `ranges` (merged) that overlap `start..end`.
fn overlap(ranges: &Ranges, start: usize, end: usize) -> u64 {
    intersection(ranges, &[(start, end)])
}

/// Adjusted Rand Index of two labelings of the same items (Hubert and Arabie, 1985).
fn adjusted_rand_index(truth: &[u64], predicted: &[u64]) -> f64 {
    let pairs = |n: u64| (n * n.saturating_sub(1) / 2) as f64;
    let mut cells: FxHashMap<(u64, u64), u64> = FxHashMap::default();
    let mut rows: FxHashMap<u64, u64> = FxHashMap::default();
    let mut columns: FxHashMap<u64, u64> = FxHashMap::default();
    for (&t, &p) in truth.iter().zip(predicted) {
        *cells.entry((t, p)).or_default() += 1;
        *rows.entry(t).or_default() += 1;
        *columns.entry(p).or_default() += 1;
    }
    let index: f64 = cells.values().map(|&n| pairs(n)).sum();
    let row_sum: f64 = rows.values().map(|&n| pairs(n)).sum();
    let column_sum: f64 = columns.values().map(|&n| pairs(n)).sum();
    let all = pairs(truth.len() as u64);
    if all == 0.0 {
        return 1.0;
    }
    let expected = row_sum * column_sum / all;
    let max = (row_sum + column_sum) / 2.0;
    if max == expected {
        // Both labelings put everything alone, or everything together: identical structure.
        return 1.0;
    }
    (index - expected) / (max - expected)
}

/// How to score.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct EvalOptions {
    /// Ignore report members that lie mostly (≥ half their bytes) in the truth's boilerplate
    /// and credit lines, as if the tool had a perfect boilerplate filter: for scoring tools
    /// that do not tell boilerplate apart on their matching alone.
    pub oracle_boilerplate: bool,
}

/// Scores `report` against `truth`.
pub fn evaluate(truth: &Truth, report: &ToolReport, options: EvalOptions) -> Scores {
    let n = truth.documents.len();
    let doc_of = |id: &str| truth.index.get(id).copied();

    // Documents per story, and which stories are shared (carried by ≥ 2 documents).
    let mut story_size: FxHashMap<u64, u64> = FxHashMap::default();
    for doc in &truth.documents {
        if let Some(story) = doc.story {
            *story_size.entry(story).or_default() += 1;
        }
    }
    let shared_story = |doc: &TruthDocument| doc.story.filter(|s| story_size[s] >= 2);

    // Truth ranges per document: reused text, and neutral text (boilerplate, credit lines).
    let mut reused: Vec<Ranges> = Vec::with_capacity(n);
    let mut neutral: Vec<Ranges> = Vec::with_capacity(n);
    for doc in &truth.documents {
        let ranges_of = |kinds: &[SegmentKind]| {
            merged(
                doc.segments
                    .iter()
                    .filter(|s| kinds.contains(&s.kind))
                    .map(|s| (s.start, s.end))
                    .collect(),
            )
        };
        reused.push(if shared_story(doc).is_some() {
            ranges_of(&[SegmentKind::Wire, SegmentKind::Quote])
        } else {
            Vec::new()
        });
        neutral.push(ranges_of(&[SegmentKind::Boilerplate, SegmentKind::Credit]));
    }

    // What each stretch of each document is a copy of, and each document's bytes per text.
    let labels: Vec<Vec<LabelledRange>> = truth
        .documents
        .iter()
        .map(|doc| {
            doc.segments
                .iter()
                .map(|s| LabelledRange {
                    start: s.start,
                    end: s.end,
                    label: TextLabel::of(doc, s),
                    verbatim: s.variant.as_deref().is_none_or(|v| v == "verbatim"),
                })
                .collect()
        })
        .collect();
    let label_bytes: Vec<FxHashMap<TextLabel, (u64, bool)>> = labels
        .iter()
        .map(|ranges| {
            let mut bytes: FxHashMap<TextLabel, (u64, bool)> = FxHashMap::default();
            for r in ranges {
                if let Some(label) = r.label {
                    let entry = bytes.entry(label).or_insert((0, true));
                    entry.0 += (r.end - r.start) as u64;
                    entry.1 &= r.verbatim;
                }
            }
            bytes
        })
        .collect();
    let mut purity = PairTally::default();
    let mut paragraph_tally = PairTally::default();
    let mut found_pairs: FxHashSet<(TextLabel, u32, u32)> = FxHashSet::default();

    // The report's clusters, boilerplate excepted, as documents and ranges.
    let mut predicted_ranges: Vec<Ranges> = vec![Vec::new(); n];
    let mut predicted_pairs: FxHashSet<(u32, u32)> = FxHashSet::default();
    let mut parent: Vec<u32> = (0..n as u32).collect();
    let mut agency_votes: Vec<BTreeMap<String, u64>> = vec![BTreeMap::new(); n];
    let mut doc_votes: Vec<BTreeMap<String, u64>> = vec![BTreeMap::new(); n];
    let mut members: Vec<u32> = Vec::new();
    let mut origin_texts = OriginTexts::default();
    for cluster in &report.clusters {
        if cluster.kind.as_deref() == Some("boilerplate") {
            continue;
        }
        members.clear();
        // Quotations are a common source, not a link between the documents that carry them.
        let links = cluster.kind.as_deref() != Some("quote");
        let mut copies: Vec<(u32, Shares)> = Vec::new();
        let mut covering: Vec<(TextLabel, u32)> = Vec::new();
        let origin = cluster.origin.as_ref();
        for member in &cluster.members {
            let Some(doc) = doc_of(&member.doc) else {
                continue;
            };
            if options.oracle_boilerplate {
                let inside = overlap(&neutral[doc as usize], member.start, member.end);
                if 2 * inside >= member.end.saturating_sub(member.start) as u64 {
                    continue;
                }
            }
            let (label, covered) =
                member_labels(&labels[doc as usize], &label_bytes[doc as usize], member);
            copies.push((doc, label));
            covering.extend(covered.into_iter().map(|l| (l, doc)));
            if !links {
                continue;
            }
            members.push(doc);
            predicted_ranges[doc as usize].push((member.start, member.end));
            let weight = overlap(&reused[doc as usize], member.start, member.end);
            if weight > 0 {
                if let Some(agency) = origin.and_then(|o| o.agency.as_ref()) {
                    *agency_votes[doc as usize]
                        .entry(agency.to_lowercase())
                        .or_default() += weight;
                }
                if let Some(origin_doc) = origin.and_then(|o| o.doc.as_ref()) {
                    *doc_votes[doc as usize]
                        .entry(origin_doc.clone())
                        .or_default() += weight;
                }
            }
        }
        purity.add(&copies);
        if links {
            paragraph_tally.add(&copies);
            covering.sort_unstable();
            covering.dedup();
            for group in covering.chunk_by(|x, y| x.0 == y.0) {
                if !matches!(group[0].0, TextLabel::Paragraph(..)) {
                    continue;
                }
                for (i, &(label, a)) in group.iter().enumerate() {
                    for &(_, b) in &group[i + 1..] {
                        found_pairs.insert((label, a, b));
                    }
                }
            }
        }
        members.sort_unstable();
        members.dedup();
        if members.len() >= 2 {
            // The text's true origin: the agency of most of its documents' stories.
            let mut agencies: BTreeMap<String, u64> = BTreeMap::new();
            for &d in &members {
                if let Some(agency) = &truth.documents[d as usize].agency {
                    *agencies.entry(agency.to_lowercase()).or_default() += 1;
                }
            }
            let truth_agency = most_voted(&agencies)
                .filter(|&(_, n)| 2 * n as usize > members.len())
                .map(|(agency, _)| agency.clone());
            if let Some(truth_agency) = truth_agency {
                let named = origin
                    .and_then(|o| o.agency.as_ref())
                    .map(|a| a.to_lowercase());
                let confidence = origin.and_then(|o| o.confidence);
                origin_texts.add(
                    named.as_deref() == Some(&truth_agency),
                    named.is_some(),
                    confidence,
                );
            }
        }
        for (i, &a) in members.iter().enumerate() {
            for &b in &members[i + 1..] {
                predicted_pairs.insert((a, b));
            }
            let (root, other) = (
                find_root(&mut parent, a),
                find_root(&mut parent, members[0]),
            );
            parent[root as usize] = other;
        }
    }

    // Document pairs.
    let truth_pairs: u64 = story_size.values().map(|&s| s * (s - 1) / 2).sum();
    let story_of = |d: u32| truth.documents[d as usize].story;
    let true_pairs = predicted_pairs
        .iter()
        .filter(|&&(a, b)| story_of(a).is_some() && story_of(a) == story_of(b))
        .count() as u64;
    let document_pairs = Counts::new(truth_pairs, predicted_pairs.len() as u64, true_pairs);

    // Paragraph pairs: documents holding each paragraph of a story, all and verbatim.
    let mut holders: FxHashMap<TextLabel, (u64, u64)> = FxHashMap::default();
    for bytes in &label_bytes {
        for (&label, &(_, verbatim)) in bytes {
            if matches!(label, TextLabel::Paragraph(..)) {
                let entry = holders.entry(label).or_default();
                entry.0 += 1;
                entry.1 += u64::from(verbatim);
            }
        }
    }
    let pairs_of = |n: u64| n * n.saturating_sub(1) / 2;
    let truth_paragraph_pairs: u64 = holders.values().map(|&(n, _)| pairs_of(n)).sum();
    let verbatim_truth: u64 = holders.values().map(|&(_, v)| pairs_of(v)).sum();
    let verbatim_of = |label: &TextLabel, d: u32| label_bytes[d as usize][label].1;
    let verbatim_found = found_pairs
        .iter()
        .filter(|(label, a, b)| verbatim_of(label, *a) && verbatim_of(label, *b))
        .count() as u64;
    let paragraph_pairs = ParagraphPairs::new(
        truth_paragraph_pairs,
        found_pairs.len() as u64,
        paragraph_tally,
        verbatim_truth,
        verbatim_found,
    );

    // ARI: stories (each original alone) against connected components.
    let true_labels: Vec<u64> = (0..n)
        .map(|d| match truth.documents[d].story {
            Some(story) => story,
            None => u64::MAX - d as u64,
        })
        .collect();
    let predicted_labels: Vec<u64> = (0..n as u32)
        .map(|d| u64::from(find_root(&mut parent, d)))
        .collect();
    let ari = adjusted_rand_index(&true_labels, &predicted_labels);

    // Reused bytes.
    let (mut truth_bytes, mut predicted_bytes, mut matched_bytes) = (0, 0, 0);
    for d in 0..n {
        let predicted = merged(std::mem::take(&mut predicted_ranges[d]));
        let counted = total(&predicted) - intersection(&predicted, &neutral[d]);
        truth_bytes += total(&reused[d]);
        predicted_bytes += counted;
        matched_bytes += intersection(&predicted, &reused[d]);
    }
    let reused_bytes = Counts::new(truth_bytes, predicted_bytes, matched_bytes);

    // Origins.
    let mut origin_agency = OriginScore::default();
    let mut origin_document = OriginScore::default();
    let mut shared_documents = 0;
    for (d, doc) in truth.documents.iter().enumerate() {
        if shared_story(doc).is_none() {
            continue;
        }
        shared_documents += 1;
        let top = |votes: &BTreeMap<String, u64>| most_voted(votes).map(|(name, _)| name.clone());
        let truth_agency = doc.agency.as_ref().map(|a| a.to_lowercase());
        origin_agency.add(top(&agency_votes[d]), truth_agency);
        if doc.origin_doc.is_some() {
            origin_document.add(top(&doc_votes[d]), doc.origin_doc.clone());
        }
    }

    // Credits.
    let mut truth_credits = 0u64;
    let mut predicted_credits = 0u64;
    let mut matched_credits = 0u64;
    for doc in &truth.documents {
        truth_credits += doc.credits.len() as u64;
    }
    let mut matched_documents = 0;
    let mut unknown_documents = 0;
    for report_doc in &report.documents {
        let Some(d) = doc_of(&report_doc.id) else {
            unknown_documents += 1;
            continue;
        };
        matched_documents += 1;
        predicted_credits += report_doc.credits.len() as u64;
        let mut used = vec![false; truth.documents[d as usize].credits.len()];
        for credit in &report_doc.credits {
            let hit = truth.documents[d as usize]
                .credits
                .iter()
                .enumerate()
                .position(|(i, t)| {
                    !used[i]
                        && t.agency.eq_ignore_ascii_case(&credit.agency)
                        && t.start < credit.end
                        && credit.start < t.end
                });
            if let Some(i) = hit {
                used[i] = true;
                matched_credits += 1;
            }
        }
    }

    Scores {
        documents: n as u64,
        matched_documents,
        unknown_documents,
        shared_documents,
        document_pairs,
        ari,
        purity: purity.finish(),
        paragraph_pairs,
        reused_bytes,
        origin_agency: origin_agency.finish(),
        origin_texts: origin_texts.finish(),
        origin_document: origin_document.finish(),
        credits: Counts::new(truth_credits, predicted_credits, matched_credits),
    }
}

/// What a stretch of a truth document is a copy of: one paragraph of one wire story (of a
/// story carried by any number of documents), or one quotation. Anything else (an outlet's
/// own text, boilerplate, credit lines, stock phrases) is nobody's shared text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
enum TextLabel {
    Paragraph(u64, u32),
    Quote(u32),
}

impl TextLabel {
    fn of(doc: &TruthDocument, segment: &crate::synth::TruthSegment) -> Option<TextLabel> {
        match segment.kind {
            SegmentKind::Wire => Some(TextLabel::Paragraph(doc.story?, segment.paragraph?)),
            SegmentKind::Quote => Some(TextLabel::Quote(segment.quote?)),
            _ => None,
        }
    }
}

/// A truth segment and what it is a copy of.
struct LabelledRange {
    start: usize,
    end: usize,
    label: Option<TextLabel>,
    verbatim: bool,
}

/// What a member is a copy of: each text's share of its bytes that lie in truth segments.
type Shares = Vec<(TextLabel, f64)>;

/// The texts a member is a copy of, with their shares of its bytes, and the texts it covers
/// (at least half of the document's bytes of that text).
fn member_labels(
    ranges: &[LabelledRange],
    label_bytes: &FxHashMap<TextLabel, (u64, bool)>,
    member: &ReportMember,
) -> (Shares, Vec<TextLabel>) {
    let first = ranges.partition_point(|r| r.end <= member.start);
    let mut total = 0u64;
    let mut bytes: Vec<(TextLabel, u64)> = Vec::new();
    for r in ranges[first..].iter().take_while(|r| r.start < member.end) {
        let overlap = r
            .end
            .min(member.end)
            .saturating_sub(r.start.max(member.start)) as u64;
        total += overlap;
        if let (Some(label), true) = (r.label, overlap > 0) {
            match bytes.iter_mut().find(|(l, _)| *l == label) {
                Some(entry) => entry.1 += overlap,
                None => bytes.push((label, overlap)),
            }
        }
    }
    let shares = bytes
        .iter()
        .map(|&(label, n)| (label, n as f64 / total.max(1) as f64))
        .collect();
    let covered = bytes
        .iter()
        .filter(|(label, n)| 2 * n >= label_bytes[label].0)
        .map(|(label, _)| *label)
        .collect();
    (shares, covered)
}

/// Pairs of members in different documents, and how many are copies of one text.
#[derive(Debug, Clone, Copy, Default)]
struct PairTally {
    pairs: u64,
    pure: u64,
}

/// Most members of a cluster whose pairs are compared one by one; a larger cluster's members
/// are compared by the text most of their bytes copy.
const PAIRWISE_MEMBERS: usize = 400;

impl PairTally {
    /// Counts the cross-document pairs of one cluster's members (document, texts it copies);
    /// a pair is pure when the texts make up at least half of both members alike (the
    /// overlap of their shares). A quotation inside a story's paragraph is part of what a copy
    /// of that paragraph copies.
    fn add(&mut self, members: &[(u32, Shares)]) {
        if members.len() <= PAIRWISE_MEMBERS {
            for (i, (da, a)) in members.iter().enumerate() {
                for (db, b) in &members[i + 1..] {
                    if da == db {
                        continue;
                    }
                    self.pairs += 1;
                    let common: f64 = a
                        .iter()
                        .filter_map(|(l, x)| b.iter().find(|(m, _)| m == l).map(|(_, y)| x.min(*y)))
                        .sum();
                    self.pure += u64::from(common >= 0.5);
                }
            }
            return;
        }
        let cross = |sorted: &mut Vec<u32>| {
            sorted.sort_unstable();
            let n = sorted.len() as u64;
            let same: u64 = sorted
                .chunk_by(|a, b| a == b)
                .map(|g| (g.len() as u64).pow(2))
                .sum();
            (n * n - same) / 2
        };
        let mut docs: Vec<u32> = members.iter().map(|m| m.0).collect();
        self.pairs += cross(&mut docs);
        let mut labelled: Vec<(TextLabel, u32)> = members
            .iter()
            .filter_map(|(d, shares)| {
                let (label, share) = shares.iter().max_by(|x, y| x.1.total_cmp(&y.1))?;
                (*share > 0.5).then_some((*label, *d))
            })
            .collect();
        labelled.sort_unstable();
        for group in labelled.chunk_by(|a, b| a.0 == b.0) {
            let mut docs: Vec<u32> = group.iter().map(|g| g.1).collect();
            self.pure += cross(&mut docs);
        }
    }

    fn finish(self) -> Purity {
        Purity {
            member_pairs: self.pairs,
            pure_pairs: self.pure,
            purity: ratio(self.pure, self.pairs),
        }
    }
}

impl ParagraphPairs {
    fn new(
        truth: u64,
        found: u64,
        members: PairTally,
        verbatim_truth: u64,
        verbatim_found: u64,
    ) -> ParagraphPairs {
        let precision = members.finish().purity;
        let recall = ratio(found, truth);
        ParagraphPairs {
            truth,
            found,
            member_pairs: members.pairs,
            pure_member_pairs: members.pure,
            precision,
            recall,
            f1: f1(precision, recall),
            verbatim_truth,
            verbatim_found,
            verbatim_recall: ratio(verbatim_found, verbatim_truth),
        }
    }
}

impl Default for OriginScore {
    fn default() -> Self {
        OriginScore {
            documents: 0,
            correct: 0,
            unnamed: 0,
            accuracy: 0.0,
        }
    }
}

impl OriginScore {
    fn add(&mut self, predicted: Option<String>, truth: Option<String>) {
        self.documents += 1;
        match predicted {
            None => self.unnamed += 1,
            Some(p) if Some(&p) == truth.as_ref() => self.correct += 1,
            Some(_) => {}
        }
    }

    fn finish(mut self) -> Self {
        self.accuracy = ratio(self.correct, self.documents);
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn origin_calibration_counts_each_confidence_floor() {
        let mut texts = OriginTexts::default();
        texts.add(true, true, Some(0.9));
        texts.add(false, true, Some(0.6));
        texts.add(false, false, None);
        let texts = texts.finish();
        assert_eq!((texts.texts, texts.named, texts.correct), (3, 2, 1));
        let floors: Vec<(f64, u64, u64)> = texts
            .calibration
            .iter()
            .map(|c| (c.confidence_at_least, c.texts, c.correct))
            .collect();
        assert_eq!(floors, [(0.5, 2, 1), (0.8, 1, 1), (0.95, 0, 0)]);
        assert_eq!(texts.calibration[0].accuracy, 0.5);
    }

    #[test]
    fn ari_is_one_for_identical_partitions_and_near_zero_for_unrelated() {
        let truth = [1, 1, 2, 2, 3, 3];
        assert!((adjusted_rand_index(&truth, &[7, 7, 8, 8, 9, 9]) - 1.0).abs() < 1e-12);
        // Every item alone against pairs: no agreement beyond chance.
        let ari = adjusted_rand_index(&truth, &[1, 2, 3, 4, 5, 6]);
        assert!(ari.abs() < 1e-12, "{ari}");
        // The value scikit-learn's adjusted_rand_score documents for this pair of labelings.
        let ari = adjusted_rand_index(&[0, 0, 1, 1], &[0, 1, 0, 1]);
        assert!((ari + 0.5).abs() < 1e-12, "{ari}");
    }

    #[test]
    fn ranges_merge_and_intersect() {
        let a = merged(vec![(5, 10), (0, 3), (8, 12), (12, 12)]);
        assert_eq!(a, vec![(0, 3), (5, 12)]);
        let b = merged(vec![(2, 6), (11, 20)]);
        assert_eq!(intersection(&a, &b), 1 + 1 + 1);
        assert_eq!(total(&a), 10);
        assert_eq!(overlap(&a, 0, 100), 10);
    }

    #[test]
    fn counts_handle_empty_sides() {
        let c = Counts::new(0, 0, 0);
        assert_eq!((c.precision, c.recall, c.f1), (1.0, 1.0, 1.0));
        let c = Counts::new(10, 0, 0);
        assert_eq!((c.precision, c.recall), (1.0, 0.0));
        let c = Counts::new(4, 2, 1);
        assert_eq!((c.precision, c.recall), (0.5, 0.25));
        assert!((c.f1 - 1.0 / 3.0).abs() < 1e-12);
    }
}
