//! Attribution: credit lines, what kind of sharing each cluster is, and where it came from.
//!
//! In: the documents, their paragraphs, the clusters of shared text and the agency
//! [`Registry`]. Out: an [`Attribution`]: every document's [`Credit`]s, and every cluster with
//! its [`ClusterKind`], quoted speaker and [`Origin`] (agency, document, confidence, evidence);
//! plus the boilerplate clusters that [`crate::boilerplate`] found before matching.
//!
//! Kinds, decided in this order:
//! 1. `boilerplate`: text repeated inside one document, or only among documents of one outlet,
//!    or a site-furniture line ("ADVERTISEMENT", "Share", "Related Articles", app prompts…)
//!    repeated anywhere. Never counted as reuse.
//! 2. `quote`: at least half of the members are mostly (≥ 50% of their bytes) inside quotation
//!    marks — a common primary source, not copying. The speaker is the name most often found
//!    next to the quotes ("Putin said", "KCNA quoted Kim as saying").
//! 3. `wire`: prose shared between different outlets (documents without a known outlet count
//!    as outlets of their own).
//! 4. `shared`: anything else (one outlet reusing its own prose).
//!
//! A text is one cluster: a cluster whose every member is a member of the same extent of a
//! larger (or equally large, better linked) cluster of its kind is dropped (a story's stock
//! sentence, found by alignment and again among the sentence's exact copies, which attribution
//! cut down to the story's).
//!
//! Origin of a `wire` or `shared` cluster, from evidence with weights: a member whose outlet
//! *is* an agency (3), a member whose document credits an agency (2 per document), the
//! agency of the earliest-published member (1), the agency of the member holding the fullest
//! version (1). The agency with the highest score wins; its confidence is its score divided
//! by one more than the total score, so that lone or conflicting evidence is never certain. When different agencies have
//! evidence, a `conflict` item says so. Without any agency evidence the origin names only the
//! likely first document (earliest, or fullest), with confidence 0.25 when both point to it and
//! 0.15 otherwise.
//!
//! Invariants: deterministic; documents are referred to by index.

pub mod credits;
pub mod quotes;
pub mod registry;

use std::collections::{BTreeMap, HashMap};

use rayon::prelude::*;
use rustc_hash::FxHashMap;

use crate::boilerplate::Boilerplate;
use crate::cluster::{Occurrence, SpanCluster};
use crate::doc::{Document, Paragraph, Span};
pub use credits::{Credit, CreditDetector, CreditKind};
pub use registry::{Agency, Registry, RegistryError};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
/// What a cluster's text is.
pub enum ClusterKind {
    /// Wire copy: an agency's text carried by several outlets.
    Wire,
    /// A quotation that several stories carry in their own framing.
    Quote,
    /// Text one outlet repeats on its pages (footers, furniture).
    Boilerplate,
    /// Shared text that is neither (copied from an outlet, or of unknown origin).
    Shared,
}

impl ClusterKind {
    /// The name used in reports (`wire`, `quote`, `boilerplate`, `shared`).
    pub fn name(self) -> &'static str {
        match self {
            ClusterKind::Wire => "wire",
            ClusterKind::Quote => "quote",
            ClusterKind::Boilerplate => "boilerplate",
            ClusterKind::Shared => "shared",
        }
    }

    /// Whether text in such a cluster counts as reuse in `shared_fraction`.
    pub fn is_reuse(self) -> bool {
        matches!(self, ClusterKind::Wire | ClusterKind::Shared)
    }
}

/// One piece of evidence for an origin.
#[derive(Debug, Clone, PartialEq)]
pub struct Evidence {
    /// `source-is-agency`, `credit`, `earliest`, `fullest`, `conflict`, `quotation` or
    /// `carried-by` (the wire that carried a quotation, on `quote` clusters).
    pub kind: &'static str,
    /// The document it comes from, by index, when there is one.
    pub doc: Option<u32>,
    /// The agency it points to, when there is one.
    pub agency: Option<String>,
    /// A sentence a person can read.
    pub detail: String,
}

#[derive(Debug, Clone, Default, PartialEq)]
/// The likely origin of a cluster's text.
pub struct Origin {
    /// The agency the text most likely comes from.
    pub agency: Option<String>,
    /// The document (by index) that most likely published it first.
    pub doc: Option<u32>,
    /// How sure the attribution is, 0 to 1.
    pub confidence: Option<f64>,
    /// A few examples of the evidence (at most [`EVIDENCE_EXAMPLES`]): any conflict, the
    /// earliest and fullest members, then one item per kind and agency.
    pub evidence: Vec<Evidence>,
    /// Each agency's score from all the evidence.
    pub scores: BTreeMap<String, f64>,
    /// All the evidence, counted by kind.
    pub evidence_counts: BTreeMap<&'static str, usize>,
}

/// Most evidence items an origin lists, however large its cluster.
pub const EVIDENCE_EXAMPLES: usize = 6;

impl Origin {
    /// The origin with `evidence` counted by kind and cut to a few examples.
    fn summarized(mut self) -> Origin {
        self.evidence_counts.clear();
        for e in &self.evidence {
            *self.evidence_counts.entry(e.kind).or_default() += 1;
        }
        if self.evidence.len() > EVIDENCE_EXAMPLES {
            let rank = |e: &Evidence| match e.kind {
                "conflict" => 0,
                "earliest" | "fullest" => 1,
                _ => 2,
            };
            let mut order: Vec<usize> = (0..self.evidence.len()).collect();
            order.sort_by_key(|&i| rank(&self.evidence[i]));
            let mut seen: Vec<(&'static str, Option<&str>)> = Vec::new();
            let mut firsts = Vec::new();
            let mut rest = Vec::new();
            for i in order {
                let e = &self.evidence[i];
                let key = (e.kind, e.agency.as_deref());
                if rank(e) < 2 || !seen.contains(&key) {
                    seen.push(key);
                    firsts.push(i);
                } else {
                    rest.push(i);
                }
            }
            let mut keep: Vec<usize> = firsts
                .into_iter()
                .chain(rest)
                .take(EVIDENCE_EXAMPLES)
                .collect();
            keep.sort_unstable();
            let mut i = 0;
            self.evidence.retain(|_| {
                let kept = keep.binary_search(&i).is_ok();
                i += 1;
                kept
            });
        }
        self
    }
}

#[derive(Debug, Clone, PartialEq)]
/// A cluster with what it is and where it comes from.
pub struct AttributedCluster {
    /// The cluster of shared text.
    pub cluster: SpanCluster,
    /// What its text is.
    pub kind: ClusterKind,
    /// The person or body quoted, for `quote` clusters, when the text names one.
    pub speaker: Option<String>,
    /// Its likely origin.
    pub origin: Origin,
}

#[derive(Debug, Clone, Default, PartialEq)]
/// What attribution found: credits, and every cluster's kind and origin.
pub struct Attribution {
    /// Credits of each document, by document index.
    pub credits: Vec<Vec<Credit>>,
    /// Every cluster (the scan's and the boilerplate ones), ordered by first member.
    pub clusters: Vec<AttributedCluster>,
    /// For each document, which paragraphs are boilerplate.
    pub boilerplate: Vec<Vec<bool>>,
}

/// Share of a member's bytes inside quotation marks for it to count as quoted.
const QUOTED_SHARE: f64 = 0.5;

/// Fewest words outside quotation marks that make a quoted member the framing paragraph of a
/// story (its lead-in and attribution), not the quotation alone.
const FRAMING_WORDS: usize = 10;

/// The credit lines of every document, by document index.
pub fn find_credits(
    documents: &[Document],
    paragraphs: &[Vec<Paragraph>],
    registry: &Registry,
) -> Vec<Vec<Credit>> {
    let detector = CreditDetector::new(registry);
    documents
        .par_iter()
        .zip(paragraphs)
        .map(|(doc, paras)| {
            let spans: Vec<Span> = paras.iter().map(|p| p.span).collect();
            detector.detect(&doc.text, &spans)
        })
        .collect()
}

/// Attributes every cluster; `credits` come from [`find_credits`], `boilerplate` from
/// [`find_boilerplate`](crate::boilerplate::find_boilerplate).
pub fn attribute(
    documents: &[Document],
    paragraphs: &[Vec<Paragraph>],
    clusters: &[SpanCluster],
    credits: Vec<Vec<Credit>>,
    boilerplate: Boilerplate,
    registry: &Registry,
) -> Attribution {
    let Boilerplate {
        clusters: boilerplate_clusters,
        marks: boilerplate,
    } = boilerplate;
    // A cluster's length is its typical (lower median) member's: one member that holds more (an
    // outlet's paragraph that merged the text with the next) does not make a stock phrase long.
    let words: Vec<usize> = clusters
        .par_iter()
        .map(|c| {
            let mut counts: Vec<usize> = c
                .members
                .iter()
                .map(|m| word_count(m.span.slice(&documents[m.doc as usize].text)))
                .collect();
            let middle = (counts.len() - 1) / 2;
            *counts.select_nth_unstable(middle).1
        })
        .collect();
    let corroborating_clusters_of =
        clusters_by_document(documents.len(), clusters, &words, CORROBORATING_WORDS);
    // Each document's publisher and time, looked up once (not once per cluster it is in).
    let published_by: Vec<Option<&Agency>> = documents
        .par_iter()
        .map(|d| d.source.as_deref().and_then(|s| registry.lookup(s)))
        .collect();
    let published_at: Vec<Option<i128>> = documents
        .par_iter()
        .map(|d| d.published.as_deref().and_then(parse_published))
        .collect();
    let context = Context {
        documents,
        paragraphs,
        credits: &credits,
        boilerplate: &boilerplate,
        published_by: &published_by,
        published_at: &published_at,
        cluster_words: &words,
        corroborating_clusters_of: &corroborating_clusters_of,
        paragraph_holders: &paragraph_holders(paragraphs),
    };
    let mut attributed: Vec<AttributedCluster> = clusters
        .par_iter()
        .enumerate()
        .flat_map_iter(|(i, cluster)| context.attribute_corroborated(i as u32, cluster))
        .collect();
    drop_repeated_texts(&mut attributed);
    attributed.extend(
        boilerplate_clusters
            .into_iter()
            .map(|cluster| AttributedCluster {
                cluster,
                kind: ClusterKind::Boilerplate,
                speaker: None,
                origin: Origin::default(),
            }),
    );
    attributed.sort_by_key(|c| (c.cluster.members[0].doc, c.cluster.members[0].span));
    Attribution {
        credits,
        clusters: attributed,
        boilerplate,
    }
}

/// Drops every cluster whose members are all members of one other cluster of its kind, of the
/// same extent (each overlaps one of the other's members in the same document by at least
/// [`SAME_EXTENT`] of the longer of the two), that ranks before it: more members, then more
/// links, then the earlier. A text is one cluster: a story's copies of a stock sentence are
/// found by alignment and again among the sentence's exact copies in every article, which
/// attribution cuts down to the story's.
fn drop_repeated_texts(clusters: &mut Vec<AttributedCluster>) {
    let ranks_before = |a: &AttributedCluster, ai: usize, b: &AttributedCluster, bi: usize| {
        let key = |c: &AttributedCluster, i: usize| {
            (
                std::cmp::Reverse(c.cluster.members.len()),
                std::cmp::Reverse(c.cluster.links.len()),
                i,
            )
        };
        key(a, ai) < key(b, bi)
    };
    // Every member, by document: (span, cluster).
    let mut by_document: FxHashMap<u32, Vec<(Span, usize)>> = FxHashMap::default();
    for (i, c) in clusters.iter().enumerate() {
        for m in &c.cluster.members {
            by_document.entry(m.doc).or_default().push((m.span, i));
        }
    }
    let same_extent =
        |a: Span, b: Span| a.shared_len(b) as f64 >= SAME_EXTENT * a.len().max(b.len()) as f64;
    let holds = |holder: usize, m: &Occurrence| {
        by_document[&m.doc]
            .iter()
            .any(|&(span, c)| c == holder && same_extent(span, m.span))
    };
    let repeated: Vec<bool> = clusters
        .par_iter()
        .enumerate()
        .map(|(i, c)| {
            let first = &c.cluster.members[0];
            by_document[&first.doc].iter().any(|&(span, other)| {
                other != i
                    && clusters[other].kind == c.kind
                    && same_extent(span, first.span)
                    && ranks_before(&clusters[other], other, c, i)
                    && c.cluster.members[1..].iter().all(|m| holds(other, m))
            })
        })
        .collect();
    let mut index = 0;
    clusters.retain(|_| {
        index += 1;
        !repeated[index - 1]
    });
}

/// Share of the longer of two spans in one document that the two must share to be the same
/// extent of text (a dateline more or less).
const SAME_EXTENT: f64 = 0.8;

struct Context<'a> {
    documents: &'a [Document],
    paragraphs: &'a [Vec<Paragraph>],
    credits: &'a [Vec<Credit>],
    boilerplate: &'a [Vec<bool>],
    /// Each document's publisher, when it is an agency of the registry.
    published_by: &'a [Option<&'a Agency>],
    /// Each document's publication time (see [`parse_published`]).
    published_at: &'a [Option<i128>],
    /// Words in each cluster's median member, by cluster index.
    cluster_words: &'a [usize],
    /// For each document, the clusters of [`CORROBORATING_WORDS`] words or more it holds a
    /// member of, with the member's span.
    corroborating_clusters_of: &'a [Vec<(u32, Span)>],
    /// For each paragraph text ([`Paragraph::key`]) printed in two documents or more, how many
    /// documents print it.
    paragraph_holders: &'a FxHashMap<u64, usize>,
}

/// A shared text of fewer words is short: a stock phrase ("did not immediately respond to a
/// request for comment"), a shared dateline or a quotation can be carried by unrelated articles,
/// so a short text links documents only when they share longer text as well.
const SHORT_TEXT_WORDS: usize = 30;

/// Fewest words of a shared text that corroborates a short one: two texts shared by the same
/// documents are less likely a coincidence than one.
const CORROBORATING_WORDS: usize = 8;

/// Most documents among which a short text vouches for another short text far from it (see
/// `attribute_corroborated`): a small story's copies, or outlets sharing a lead and a
/// quotation; past it, the two are taken for stock phrases. A text printed as a paragraph of
/// its own in more documents than this is vouched for by no short text far from it.
const FEW_HOLDERS: usize = 5;

/// Most words between two short texts that stand next to each other (a paragraph break, a
/// dateline): copies of a story carry its paragraphs side by side, however many copies.
const NEIGHBOUR_GAP_WORDS: usize = 3;

/// Longest gap, in bytes, that can hold [`NEIGHBOUR_GAP_WORDS`] words (so that far-apart
/// spans are not counted word by word).
const NEIGHBOUR_GAP_BYTES: usize = 200;

/// Whether the two spans share at least half of the shorter one (two pieces of the same words,
/// not neighbours whose boundaries miss by a word).
fn mostly_overlaps(a: Span, b: Span) -> bool {
    2 * a.shared_len(b) >= a.len().min(b.len()).max(1)
}

/// How far apart in time (a week, in nanoseconds) a copy of a story's lead alone may be
/// published from the story's other copies.
const LEAD_ONLY_WINDOW_NANOS: i128 = 7 * 86_400 * 1_000_000_000;

/// Words in `text` (runs of letters and digits).
fn word_count(text: &str) -> usize {
    // Counted for every member of every cluster, this is one of attribution's hot loops: runs
    // of ASCII (most of the text) go byte by byte with no decoding and no slicing.
    let bytes = text.as_bytes();
    let (mut count, mut in_word) = (0, false);
    let mut at = 0;
    while at < bytes.len() {
        let ascii_end = bytes[at..]
            .iter()
            .position(|b| !b.is_ascii())
            .map_or(bytes.len(), |n| at + n);
        for &byte in &bytes[at..ascii_end] {
            let is_word = byte.is_ascii_alphanumeric();
            count += usize::from(is_word & !in_word);
            in_word = is_word;
        }
        at = ascii_end;
        if let Some(c) = text[at..].chars().next() {
            let is_word = c.is_alphanumeric();
            count += usize::from(is_word & !in_word);
            in_word = is_word;
            at += c.len_utf8();
        }
    }
    count
}

/// How many documents print each paragraph text ([`Paragraph::key`]) that two or more print.
fn paragraph_holders(paragraphs: &[Vec<Paragraph>]) -> FxHashMap<u64, usize> {
    let mut keys: Vec<(u64, u32)> = paragraphs
        .iter()
        .enumerate()
        .flat_map(|(d, paras)| {
            paras
                .iter()
                .filter(|p| p.key != 0)
                .map(move |p| (p.key, d as u32))
        })
        .collect();
    keys.par_sort_unstable();
    keys.dedup();
    keys.chunk_by(|x, y| x.0 == y.0)
        .filter(|same| same.len() >= 2)
        .map(|same| (same[0].0, same.len()))
        .collect()
}

/// For each of `documents` documents, the clusters it has a member in whose typical member has
/// at least `fewest` words (`words[i]` for cluster `i`): each as (cluster index, the member's
/// span), in cluster order.
fn clusters_by_document(
    documents: usize,
    clusters: &[SpanCluster],
    words: &[usize],
    fewest: usize,
) -> Vec<Vec<(u32, Span)>> {
    let mut of: Vec<Vec<(u32, Span)>> = vec![Vec::new(); documents];
    for (i, cluster) in clusters.iter().enumerate() {
        if words[i] < fewest {
            continue;
        }
        for m in &cluster.members {
            of[m.doc as usize].push((i as u32, m.span));
        }
    }
    of
}

impl Context<'_> {
    /// The cluster's kind, speaker and origin; `quote` only when `may_quote`.
    fn attribute_cluster(&self, cluster: &SpanCluster, may_quote: bool) -> AttributedCluster {
        self.attribute_as(cluster, self.kind(cluster, may_quote))
    }

    /// The cluster's speaker and origin, as a cluster of `kind`.
    fn attribute_as(&self, cluster: &SpanCluster, kind: ClusterKind) -> AttributedCluster {
        let (speaker, origin) = match kind {
            ClusterKind::Quote => {
                let speaker = self.speaker(cluster);
                let mut evidence = vec![Evidence {
                    kind: "quotation",
                    doc: None,
                    agency: None,
                    detail: match &speaker {
                        Some(name) => {
                            format!("quotes {name}: a common primary source, not copying")
                        }
                        None => "a quotation: a common primary source, not copying".into(),
                    },
                }];
                // Which wire carried the quotation, when its documents say so: evidence, not
                // an origin (the words are the speaker's).
                let carried = self.origin(cluster);
                if let Some(agency) = carried.agency {
                    let detail = format!(
                        "carried by {agency} (score {} of {})",
                        carried.scores[&agency],
                        carried.scores.values().sum::<f64>()
                    );
                    evidence.push(Evidence {
                        kind: "carried-by",
                        doc: carried.doc,
                        agency: Some(agency),
                        detail,
                    });
                }
                let origin = Origin {
                    evidence,
                    scores: carried.scores,
                    ..Origin::default()
                }
                .summarized();
                (speaker, origin)
            }
            ClusterKind::Boilerplate => (None, Origin::default()),
            ClusterKind::Wire | ClusterKind::Shared => (None, self.origin(cluster)),
        };
        AttributedCluster {
            cluster: cluster.clone(),
            kind,
            speaker,
            origin,
        }
    }

    fn kind(&self, cluster: &SpanCluster, may_quote: bool) -> ClusterKind {
        let members = &cluster.members;
        let first_source = self.documents[members[0].doc as usize].source.as_deref();
        let one_outlet = first_source.is_some()
            && members
                .iter()
                .all(|m| self.documents[m.doc as usize].source.as_deref() == first_source);
        let all_boilerplate = members.iter().all(|m| self.inside_boilerplate(m));
        if one_outlet || all_boilerplate {
            return ClusterKind::Boilerplate;
        }
        if may_quote && self.mostly_quotations(members) {
            return ClusterKind::Quote;
        }
        // Outlets: the source when known, else the document itself.
        let mut outlets: Vec<(bool, &str)> = members
            .iter()
            .map(|m| {
                let doc = &self.documents[m.doc as usize];
                match &doc.source {
                    Some(source) => (true, source.as_str()),
                    None => (false, doc.id.as_str()),
                }
            })
            .collect();
        outlets.sort();
        outlets.dedup();
        if outlets.len() >= 2 {
            ClusterKind::Wire
        } else {
            ClusterKind::Shared
        }
    }

    /// The cluster attributed, after short text (fewer than [`SHORT_TEXT_WORDS`] words) that is
    /// not a quotation is kept only among documents that share longer text too: its members
    /// are split into groups of documents that share a long cluster, each group a cluster of
    /// its own; the members that share nothing else are stock text, one boilerplate cluster.
    ///
    /// A cluster of quoted text whose documents all share longer text with each other (copies
    /// of one story that carries the quotation) is that story's copy, not a common source.
    /// When several groups of documents carry it, each group of two or more whose members are
    /// whole paragraphs of shared text is its story's copy, and the quotation across all of them
    /// is a `quote` cluster too.
    fn attribute_corroborated(&self, index: u32, cluster: &SpanCluster) -> Vec<AttributedCluster> {
        // The kind first: the whole cluster's origin is worked out only if it is kept whole.
        let kind = self.kind(cluster, true);
        let quote = kind == ClusterKind::Quote;
        let short = self.cluster_words[index as usize] < SHORT_TEXT_WORDS;
        let short_reuse = kind.is_reuse() && short;
        if !quote && !short_reuse {
            return vec![self.attribute_as(cluster, kind)];
        }
        let mut docs: Vec<u32> = cluster.members.iter().map(|m| m.doc).collect();
        docs.dedup();
        // Documents that share another text are one group: for a quotation, a long text
        // (copies of one story that carry the quotation, framing and all; outlets that report
        // one event share short phrases of it, and so do each other's quotations); for short
        // text, one of eight words or more that is not mostly the same words (a stock phrase's
        // fragments would vouch for the phrase).
        let members_in = |d: u32| {
            let first = cluster.members.partition_point(|m| m.doc < d);
            cluster.members[first..]
                .iter()
                .take_while(move |m| m.doc == d)
        };
        // A short witness far from the text vouches for it only among a few documents: two short
        // texts that many documents carry apart from each other, and share nothing else, are
        // stock phrases (or a stock phrase and an unlisted credit line), not a story.
        let mut short_witness_holders: FxHashMap<u32, usize> = FxHashMap::default();
        // A text printed as a paragraph of its own in more than a few documents is no small
        // story's text: a short text far from it (a quotation an unrelated article carries too)
        // does not vouch for it, however few documents share the two.
        let printed_widely = !quote
            && cluster
                .members
                .iter()
                .any(|m| self.printed_in_more_documents(m, FEW_HOLDERS));
        if !quote {
            for &d in &docs {
                for &(c, _) in &self.corroborating_clusters_of[d as usize] {
                    if c != index && self.cluster_words[c as usize] < SHORT_TEXT_WORDS {
                        *short_witness_holders.entry(c).or_default() += 1;
                    }
                }
            }
        }
        let mut parent: Vec<u32> = (0..docs.len() as u32).collect();
        let mut first_holder: FxHashMap<u32, u32> = FxHashMap::default();
        for (i, &d) in docs.iter().enumerate() {
            let witnesses =
                self.corroborating_clusters_of[d as usize]
                    .iter()
                    .filter(|&&(c, span)| {
                        c != index
                            && if quote {
                                self.cluster_words[c as usize] >= SHORT_TEXT_WORDS
                            } else {
                                members_in(d).all(|m| !mostly_overlaps(m.span, span))
                                    && (self.cluster_words[c as usize] >= SHORT_TEXT_WORDS
                                        || (!printed_widely
                                            && short_witness_holders
                                                .get(&c)
                                                .is_some_and(|&n| n <= FEW_HOLDERS))
                                        || members_in(d).any(|m| self.next_to(d, m.span, span)))
                            }
                    });
            for &(c, _) in witnesses {
                let first = *first_holder.entry(c).or_insert(i as u32);
                let (x, y) = (
                    crate::cluster::find_root(&mut parent, first),
                    crate::cluster::find_root(&mut parent, i as u32),
                );
                parent[x.max(y) as usize] = x.min(y);
            }
        }
        let group_of: FxHashMap<u32, u32> = (0..docs.len())
            .map(|i| (docs[i], crate::cluster::find_root(&mut parent, i as u32)))
            .collect();
        let mut groups: BTreeMap<u32, Vec<Occurrence>> = BTreeMap::new();
        for m in &cluster.members {
            groups.entry(group_of[&m.doc]).or_default().push(*m);
        }
        if quote {
            if groups.len() == 1 {
                return vec![self.attribute_cluster(cluster, false)];
            }
            // Each story's copies of its paragraph (copied whole, framing and all, though an
            // outlet may have run it on from the paragraph before), and the quotation they all
            // carry.
            let mut out: Vec<AttributedCluster> = groups
                .into_values()
                .filter(|members| {
                    members.iter().any(|m| m.doc != members[0].doc)
                        && members
                            .iter()
                            .all(|m| self.paragraphs_wholly_shared(index, m, SHORT_TEXT_WORDS))
                })
                .map(|members| self.attribute_cluster(&cluster.keeping(members), false))
                .collect();
            out.push(self.attribute_as(cluster, kind));
            return out;
        }
        let (mut stories, mut alone): (Vec<Vec<Occurrence>>, Vec<Vec<Occurrence>>) = groups
            .into_values()
            .partition(|members| members.iter().any(|m| m.doc != members[0].doc));
        // A copy that holds nothing else of the story (an outlet that ran only its lead) joins
        // the story when the text is a paragraph of it and no stock phrase: every member is
        // whole paragraphs of shared text (not a quotation's tail and its attribution, not a
        // sentence run into an outlet's own; a dateline before it or the story's next paragraph
        // run on after it may be), one story carries it and few other documents do, none of them
        // published far from the story.
        if let [story] = stories.as_mut_slice() {
            let story_docs = story.iter().filter(|m| m.doc != story[0].doc).count() + 1;
            let few = alone.len() <= (story_docs / 2).max(1);
            let sentence = self.cluster_words[index as usize] >= CORROBORATING_WORDS
                && cluster
                    .members
                    .iter()
                    .all(|m| self.paragraphs_wholly_shared(index, m, CORROBORATING_WORDS));
            let near = |d: u32| {
                let Some(t) = self.published_at[d as usize] else {
                    return true;
                };
                story.iter().all(|m| {
                    self.published_at[m.doc as usize]
                        .is_none_or(|u| (t - u).abs() <= LEAD_ONLY_WINDOW_NANOS)
                })
            };
            // A paragraph printed word for word in more documents than the cluster holds is a
            // stock phrase that other copies of it were not grouped with (not a story's lead).
            let stock = alone
                .iter()
                .flatten()
                .any(|m| self.printed_in_more_documents(m, docs.len()));
            if few && sentence && !stock && alone.iter().all(|members| near(members[0].doc)) {
                story.extend(alone.drain(..).flatten());
                story.sort_by_key(|m| (m.doc, m.span));
            }
        }
        let mut out = Vec::new();
        for members in stories {
            out.push(self.attribute_cluster(&cluster.keeping(members), false));
        }
        let mut stock: Vec<Occurrence> = alone.into_iter().flatten().collect();
        stock.sort_by_key(|m| (m.doc, m.span));
        if stock.iter().any(|m| m.doc != stock[0].doc) {
            out.push(AttributedCluster {
                cluster: cluster.keeping(stock),
                kind: ClusterKind::Boilerplate,
                speaker: None,
                origin: Origin::default(),
            });
        }
        out
    }

    /// Whether two spans of document `d` stand next to each other: at most
    /// [`NEIGHBOUR_GAP_WORDS`] words between them (a paragraph break, a dateline).
    fn next_to(&self, d: u32, a: Span, b: Span) -> bool {
        let (first, second) = if a.start <= b.start { (a, b) } else { (b, a) };
        if second.start <= first.end {
            return true;
        }
        let gap = Span::new(first.end, second.start);
        gap.len() <= NEIGHBOUR_GAP_BYTES
            && word_count(gap.slice(&self.documents[d as usize].text)) <= NEIGHBOUR_GAP_WORDS
    }

    /// Whether every paragraph the member touches is shared text from start to end: the
    /// member's own words, those of the other clusters of `fewest_words` words or more the
    /// document holds and its credit lines (a dateline before a lead), with no word left out
    /// between them (spaces and punctuation may be). An outlet that merged a story's paragraph
    /// into the one before it still carries a copy of the story there; an article that frames a
    /// quotation in its own words does not.
    fn paragraphs_wholly_shared(
        &self,
        index: u32,
        member: &Occurrence,
        fewest_words: usize,
    ) -> bool {
        let d = member.doc as usize;
        let text = &self.documents[d].text;
        let mut covering: Vec<Span> = self.corroborating_clusters_of[d]
            .iter()
            .filter(|&&(c, _)| c != index && self.cluster_words[c as usize] >= fewest_words)
            .map(|&(_, span)| span)
            .chain(self.credits[d].iter().map(|c| c.span))
            .chain([member.span])
            .collect();
        covering.sort_unstable();
        let no_words =
            |from: usize, to: usize| from >= to || word_count(Span::new(from, to).slice(text)) == 0;
        self.touched_paragraphs(member).all(|(_, p)| {
            let mut covered = p.span.start;
            for span in covering.iter().filter(|s| s.overlaps(p.span)) {
                if !no_words(covered, span.start) {
                    return false;
                }
                covered = covered.max(span.end);
            }
            no_words(covered, p.span.end)
        })
    }

    /// Whether a paragraph the member touches is printed word for word in more than `documents`
    /// documents.
    fn printed_in_more_documents(&self, member: &Occurrence, documents: usize) -> bool {
        self.touched_paragraphs(member).any(|(_, p)| {
            self.paragraph_holders
                .get(&p.key)
                .is_some_and(|&n| n > documents)
        })
    }

    /// The paragraphs of the member's document that share a byte with it, with their indices.
    fn touched_paragraphs<'s>(
        &'s self,
        member: &'s Occurrence,
    ) -> impl Iterator<Item = (usize, &'s Paragraph)> + 's {
        self.paragraphs[member.doc as usize]
            .iter()
            .enumerate()
            .filter(|(_, p)| p.span.overlaps(member.span))
    }

    /// Whether every paragraph the member touches is boilerplate.
    fn inside_boilerplate(&self, member: &Occurrence) -> bool {
        let marks = &self.boilerplate[member.doc as usize];
        let mut touched = self.touched_paragraphs(member).peekable();
        touched.peek().is_some() && touched.all(|(i, _)| marks[i])
    }

    /// Whether at least half of `members` are quotations (stops as soon as that is known).
    fn mostly_quotations(&self, members: &[Occurrence]) -> bool {
        let (mut quoted, mut not) = (0, 0);
        for m in members {
            if self.is_quotation(m) {
                quoted += 1;
            } else {
                not += 1;
            }
            if 2 * quoted >= members.len() {
                return true;
            }
            if 2 * not > members.len() {
                return false;
            }
        }
        false
    }

    /// Whether the member is a quotation: most of its bytes are inside quotation marks and
    /// fewer than [`FRAMING_WORDS`] of its words are outside them (a paragraph that frames a
    /// quotation with words of its own is the story's text, copied with the quotation).
    fn is_quotation(&self, member: &Occurrence) -> bool {
        let d = member.doc as usize;
        let text = &self.documents[d].text;
        let (mut quoted, mut unquoted_words) = (0, 0);
        for p in &self.paragraphs[d] {
            let start = p.span.start.max(member.span.start);
            let end = p.span.end.min(member.span.end);
            if start < end {
                let (q, u) = quotes::quoted_bytes_and_unquoted_words(
                    p.span.slice(text),
                    start - p.span.start,
                    end - p.span.start,
                );
                quoted += q;
                unquoted_words += u;
            }
        }
        quoted as f64 >= QUOTED_SHARE * member.span.len().max(1) as f64
            && unquoted_words < FRAMING_WORDS
    }

    /// The speaker most often named in the paragraphs around the members (the first named
    /// on ties).
    fn speaker(&self, cluster: &SpanCluster) -> Option<String> {
        let mut counts: HashMap<String, (usize, usize)> = HashMap::new();
        let mut order = 0;
        for member in &cluster.members {
            let text = &self.documents[member.doc as usize].text;
            for (_, p) in self.touched_paragraphs(member) {
                for name in quotes::speakers(p.span.slice(text)) {
                    let entry = counts.entry(name).or_insert((0, order));
                    entry.0 += 1;
                    order += 1;
                }
            }
        }
        counts
            .into_iter()
            .max_by(|(ka, (na, oa)), (kb, (nb, ob))| na.cmp(nb).then(ob.cmp(oa)).then(kb.cmp(ka)))
            .map(|(name, _)| name)
    }

    fn origin(&self, cluster: &SpanCluster) -> Origin {
        let mut docs: Vec<u32> = cluster.members.iter().map(|m| m.doc).collect();
        docs.dedup();
        let mut scores: BTreeMap<String, f64> = BTreeMap::new();
        let mut evidence = Vec::new();
        let id_of = |d: u32| self.documents[d as usize].id.as_str();
        // Agencies each document points to, by its outlet or its credits.
        let mut agencies_of: HashMap<u32, Vec<String>> = HashMap::new();
        for &d in &docs {
            if let Some(agency) = self.published_by[d as usize] {
                *scores.entry(agency.id.clone()).or_default() += 3.0;
                agencies_of.entry(d).or_default().push(agency.id.clone());
                evidence.push(Evidence {
                    kind: "source-is-agency",
                    doc: Some(d),
                    agency: Some(agency.id.clone()),
                    detail: format!("{} is published by {}", id_of(d), agency.name),
                });
            }
            let mut credited: Vec<(&str, &str)> = self.credits[d as usize]
                .iter()
                .map(|c| (c.agency.as_str(), c.kind.name()))
                .collect();
            credited.sort();
            credited.dedup_by(|a, b| a.0 == b.0);
            for (agency, kind) in credited {
                *scores.entry(agency.to_string()).or_default() += 2.0;
                agencies_of.entry(d).or_default().push(agency.to_string());
                evidence.push(Evidence {
                    kind: "credit",
                    doc: Some(d),
                    agency: Some(agency.to_string()),
                    detail: format!("{} credits {agency} ({kind})", id_of(d)),
                });
            }
        }
        // Earliest and fullest member: one point each to the agency their document points to.
        let mut tiebreak = |kind: &'static str, d: u32, detail: String| {
            let agency = agencies_of.get(&d).and_then(|a| a.first()).cloned();
            if let Some(agency) = &agency {
                *scores.entry(agency.clone()).or_default() += 1.0;
            }
            evidence.push(Evidence {
                kind,
                doc: Some(d),
                agency,
                detail,
            });
        };
        let earliest = self.earliest(&docs);
        if let Some(d) = earliest {
            tiebreak("earliest", d, format!("{} was published first", id_of(d)));
        }
        let fullest = cluster.members[cluster.representative].doc;
        if docs.len() >= 2 {
            tiebreak(
                "fullest",
                fullest,
                format!(
                    "{} holds the longest version, which contains the others best",
                    id_of(fullest)
                ),
            );
        }

        let total: f64 = scores.values().sum();
        let best = scores
            .iter()
            .max_by(|a, b| a.1.total_cmp(b.1).then(b.0.cmp(a.0)))
            .map(|(agency, score)| (agency.clone(), *score));
        let Some((agency, score)) = best else {
            let doc = earliest.or((docs.len() >= 2).then_some(fullest));
            let confidence = doc.map(|d| {
                if earliest == Some(d) && fullest == d {
                    0.25
                } else {
                    0.15
                }
            });
            return Origin {
                agency: None,
                doc,
                confidence,
                evidence,
                scores,
                ..Origin::default()
            }
            .summarized();
        };
        if scores.len() >= 2 {
            let sides: Vec<String> = scores
                .iter()
                .map(|(a, s)| format!("{a} (score {s})"))
                .collect();
            evidence.push(Evidence {
                kind: "conflict",
                doc: None,
                agency: None,
                detail: format!(
                    "evidence points to different agencies: {}",
                    sides.join(" vs ")
                ),
            });
        }
        let points_to = |d: &u32| agencies_of.get(d).is_some_and(|a| a.contains(&agency));
        let doc = docs
            .iter()
            .copied()
            .find(|&d| self.published_by[d as usize].is_some_and(|a| a.id == agency))
            .or_else(|| earliest.filter(points_to))
            .or_else(|| docs.iter().copied().find(points_to));
        Origin {
            agency: Some(agency),
            doc,
            confidence: Some(((score / (total + 1.0)) * 100.0).round() / 100.0),
            evidence,
            scores,
            ..Origin::default()
        }
        .summarized()
    }

    /// The single member document published strictly before all others with a date.
    fn earliest(&self, docs: &[u32]) -> Option<u32> {
        let mut dated: Vec<(i128, u32)> = docs
            .iter()
            .filter_map(|&d| Some((self.published_at[d as usize]?, d)))
            .collect();
        dated.sort();
        match dated.as_slice() {
            [(t0, d0), (t1, _), ..] if t0 < t1 => Some(*d0),
            [(_, d0)] if docs.len() >= 2 => Some(*d0),
            _ => None,
        }
    }
}

/// Seconds since the epoch (as nanoseconds) of an RFC 3339 time or a plain `YYYY-MM-DD` date
/// (taken as midnight UTC).
pub fn parse_published(text: &str) -> Option<i128> {
    use time::format_description::well_known::Rfc3339;
    let text = text.trim();
    if let Ok(t) = time::OffsetDateTime::parse(text, &Rfc3339) {
        return Some(t.unix_timestamp_nanos());
    }
    let format = time::macros::format_description!("[year]-[month]-[day]");
    let date = time::Date::parse(text.get(..10)?, &format).ok()?;
    Some(date.midnight().assume_utc().unix_timestamp_nanos())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Documents of `paragraphs` each (joined by blank lines), from outlets of their own, with
    /// their paragraphs; equal paragraph texts get equal keys.
    fn documents_of(texts: &[Vec<String>]) -> (Vec<Document>, Vec<Vec<Paragraph>>) {
        let documents: Vec<Document> = texts
            .iter()
            .enumerate()
            .map(|(d, paras)| {
                Document::new(format!("doc{d}"), paras.join("\n\n"))
                    .with_source(format!("Outlet {d}"))
            })
            .collect();
        let paragraphs = documents
            .iter()
            .map(|doc| {
                crate::segment::paragraphs(&doc.text)
                    .into_iter()
                    .map(|span| {
                        let text = span.slice(&doc.text);
                        Paragraph {
                            span,
                            tokens: word_count(text) as u32,
                            fingerprinted: true,
                            key: crate::hash::token_hash(text),
                        }
                    })
                    .collect()
            })
            .collect();
        (documents, paragraphs)
    }

    /// A cluster of the `index`-th paragraph of each of `docs`.
    fn cluster_of(paragraphs: &[Vec<Paragraph>], docs: &[u32], index: usize) -> SpanCluster {
        SpanCluster::with_longest_representative(
            docs.iter()
                .map(|&d| Occurrence {
                    doc: d,
                    span: paragraphs[d as usize][index].span,
                    similarity: 1.0,
                    containment: 1.0,
                    method: crate::cluster::Method::Paragraph,
                })
                .collect(),
        )
    }

    #[test]
    fn a_stock_phrase_a_story_carries_does_not_pull_unrelated_articles_into_the_story() {
        // Six copies of a story: a long paragraph, then a stock phrase. The phrase stands as a
        // paragraph of its own in 22 unrelated articles too; grouping put two of them in the
        // cluster of the story's copies. Those two share nothing else with the story: they are
        // not copies of it that ran only that sentence (a lead-only copy), whatever the cluster.
        let long = (0..40)
            .map(|i| format!("word{i}"))
            .collect::<Vec<_>>()
            .join(" ")
            + ".";
        let stock = "The company did not immediately respond to a request for comment on Monday.";
        let mut texts: Vec<Vec<String>> = (0..6)
            .map(|_| vec![long.clone(), stock.to_string()])
            .collect();
        texts.extend((0..22).map(|i| {
            vec![
                format!("Own words of article {i} here, and more of them."),
                stock.to_string(),
            ]
        }));
        let (documents, paragraphs) = documents_of(&texts);
        let story: Vec<u32> = (0..6).collect();
        let clusters = vec![
            cluster_of(&paragraphs, &story, 0),
            cluster_of(&paragraphs, &[0, 1, 2, 3, 4, 5, 6, 7], 1),
        ];
        let attribution = attribute(
            &documents,
            &paragraphs,
            &clusters,
            vec![Vec::new(); documents.len()],
            Boilerplate {
                clusters: Vec::new(),
                marks: paragraphs.iter().map(|p| vec![false; p.len()]).collect(),
            },
            Registry::builtin(),
        );
        for c in attribution.clusters.iter().filter(|c| c.kind.is_reuse()) {
            let docs: Vec<u32> = c.cluster.members.iter().map(|m| m.doc).collect();
            assert!(docs.iter().all(|&d| d < 6), "{:?} links {docs:?}", c.kind);
        }
        let phrase_copies = attribution
            .clusters
            .iter()
            .find(|c| c.kind.is_reuse() && c.cluster.members[0].span == paragraphs[0][1].span)
            .expect("the story's copies of the phrase are a cluster");
        assert_eq!(phrase_copies.cluster.members.len(), 6);
    }

    #[test]
    fn a_text_found_twice_is_one_cluster_beside_other_kinds_and_other_texts() {
        let (_, paragraphs) = documents_of(&vec![
            vec![
                "First paragraph of the story, long enough.".to_string(),
                "Second paragraph.".to_string(),
            ];
            4
        ]);
        let attributed = |docs: &[u32], index: usize, kind: ClusterKind| AttributedCluster {
            cluster: cluster_of(&paragraphs, docs, index),
            kind,
            speaker: None,
            origin: Origin::default(),
        };
        let mut clusters = vec![
            // The story's copies of its first paragraph, from two tiers; the first three again.
            attributed(&[0, 1, 2], 0, ClusterKind::Wire),
            attributed(&[0, 1, 2, 3], 0, ClusterKind::Wire),
            attributed(&[0, 1, 2, 3], 0, ClusterKind::Wire),
            // The same copies taken for a quotation are another statement about them.
            attributed(&[0, 1], 0, ClusterKind::Quote),
            // The second paragraph is another text.
            attributed(&[0, 1], 1, ClusterKind::Wire),
        ];
        drop_repeated_texts(&mut clusters);
        let kept: Vec<(usize, ClusterKind)> = clusters
            .iter()
            .map(|c| (c.cluster.members.len(), c.kind))
            .collect();
        assert_eq!(
            kept,
            [
                (4, ClusterKind::Wire),
                (2, ClusterKind::Quote),
                (2, ClusterKind::Wire)
            ]
        );
    }

    #[test]
    fn words_are_runs_of_letters_and_digits_in_any_script() {
        assert_eq!(word_count(""), 0);
        assert_eq!(word_count("  -- "), 0);
        assert_eq!(word_count("It's 3-0, said Kim."), 6);
        assert_eq!(word_count("Путин заявил: «Мы победим»"), 4);
        assert_eq!(word_count("東京 (AFP) — café"), 3);
    }

    #[test]
    fn published_times_parse_and_order_across_offsets() {
        let utc = parse_published("2025-04-28T03:00:00Z").unwrap();
        let seoul = parse_published("2025-04-28T11:00:00+09:00").unwrap();
        assert!(seoul < utc, "11:00 in Seoul is 02:00 UTC");
        assert!(parse_published("2025-04-27").unwrap() < seoul);
        assert!(parse_published("last Monday").is_none());
    }
}
