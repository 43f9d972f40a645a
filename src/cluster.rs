//! Clustering: verified pairs into groups of the same shared text.
//!
//! In: the verified pairs, each node's shingle set and owner (document). Out: [`Cluster`]s of
//! nodes, each with a representative, only clusters that span at least two documents; ordered
//! by their first member, members in node order.
//!
//! Union-find alone chains: A~B and B~C put A and C together even when they share nothing,
//! and one weak edge can glue two large groups into a giant cluster. Here edges are merged
//! strongest first, and two groups merge only if their *representatives* (each group's largest
//! paragraph, which for wire copy is the fullest version of the text) pass the same test as an
//! edge: Jaccard at or above the threshold, or containment at or above the containment
//! threshold. Every member is therefore tied to its group's representative, not merely to some
//! chain of neighbours. Edges refused this way are counted.
//!
//! [`Occurrence`] and [`SpanCluster`] are the clusters of text spans that the next stage,
//! [`group`](crate::group), makes of paragraph clusters and aligned passages.
//!
//! Invariants: deterministic for any thread count (edges sorted by similarity, then by node);
//! cluster ids are positions in the output order.

use crate::doc::Span;
use crate::shingle::ShingleSets;
use crate::verify::{similarity, Similarity, VerifiedPair};

/// One group of nodes sharing the same text.
#[derive(Debug, Clone, PartialEq)]
pub struct Cluster {
    /// The largest member (most shingles; the first one on ties).
    pub representative: u32,
    /// Members in node order, each with its similarity to the representative.
    pub members: Vec<(u32, Similarity)>,
}

/// What clustering did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ClusterStats {
    /// Verified pairs that joined two groups.
    pub merges: usize,
    /// Verified pairs not merged because the groups' representatives are not similar enough.
    pub refused_merges: usize,
}

struct Groups<'a> {
    parent: Vec<u32>,
    representative: Vec<u32>,
    shingles: &'a ShingleSets,
}

impl Groups<'_> {
    fn find(&mut self, node: u32) -> u32 {
        find_root(&mut self.parent, node)
    }

    /// The larger of two nodes by shingle count; the lower node on ties.
    fn larger(&self, a: u32, b: u32) -> u32 {
        let (la, lb) = (self.shingles.get(a).len(), self.shingles.get(b).len());
        if la > lb || (la == lb && a < b) {
            a
        } else {
            b
        }
    }
}

/// The root of `node` in a union-find forest (`parent[root] == root`), halving the path on the
/// way.
pub(crate) fn find_root(parent: &mut [u32], mut node: u32) -> u32 {
    while parent[node as usize] != node {
        let grandparent = parent[parent[node as usize] as usize];
        parent[node as usize] = grandparent;
        node = grandparent;
    }
    node
}

/// Groups the nodes joined by `pairs`.
pub fn cluster(
    pairs: &[VerifiedPair],
    shingles: &ShingleSets,
    owner: &[u32],
    threshold: f64,
    containment: f64,
) -> (Vec<Cluster>, ClusterStats) {
    let n = shingles.len();
    let mut groups = Groups {
        parent: (0..n as u32).collect(),
        representative: (0..n as u32).collect(),
        shingles,
    };
    let mut order: Vec<&VerifiedPair> = pairs.iter().collect();
    order.sort_by(|x, y| {
        y.similarity
            .jaccard
            .total_cmp(&x.similarity.jaccard)
            .then_with(|| (x.a, x.b).cmp(&(y.a, y.b)))
    });
    let mut stats = ClusterStats::default();
    for pair in order {
        let (root_a, root_b) = (groups.find(pair.a), groups.find(pair.b));
        if root_a == root_b {
            continue;
        }
        let rep_a = groups.representative[root_a as usize];
        let rep_b = groups.representative[root_b as usize];
        let reps = similarity(shingles.get(rep_a), shingles.get(rep_b));
        if reps.jaccard < threshold && reps.max_containment() < containment {
            stats.refused_merges += 1;
            continue;
        }
        stats.merges += 1;
        let (root, child) = if root_a < root_b {
            (root_a, root_b)
        } else {
            (root_b, root_a)
        };
        groups.parent[child as usize] = root;
        groups.representative[root as usize] = groups.larger(rep_a, rep_b);
    }

    // Gather members per root, in node order.
    let mut members_of: Vec<Vec<u32>> = vec![Vec::new(); n];
    for node in 0..n as u32 {
        let root = groups.find(node);
        members_of[root as usize].push(node);
    }
    let mut clusters: Vec<Cluster> = members_of
        .into_iter()
        .enumerate()
        .filter(|(_, members)| {
            members.len() > 1
                && members
                    .iter()
                    .any(|&m| owner[m as usize] != owner[members[0] as usize])
        })
        .map(|(root, members)| {
            let representative = groups.representative[root];
            let rep_shingles = shingles.get(representative);
            let members = members
                .into_iter()
                .map(|m| (m, similarity(shingles.get(m), rep_shingles)))
                .collect();
            Cluster {
                representative,
                members,
            }
        })
        .collect();
    clusters.sort_by_key(|c| c.members[0].0);
    (clusters, stats)
}

/// How a piece of shared text was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Method {
    /// A whole paragraph, by MinHash and exact shingle verification.
    Paragraph,
    /// A passage, by local alignment.
    Passage,
}

/// A stretch of one document that takes part in reuse.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Occurrence {
    /// Index of the document.
    pub doc: u32,
    /// The stretch of text.
    pub span: Span,
    /// Jaccard with the paragraph cluster's representative (paragraphs) or alignment identity
    /// (passages).
    pub similarity: f64,
    /// Share of this text found in the text it was matched with.
    pub containment: f64,
    /// How it was found.
    pub method: Method,
}

/// A verified match between two texts that grouping joined on: a paragraph pair (Jaccard and
/// containment of their shingles) or a piece of an aligned passage pair (the alignment's
/// identity).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Link {
    /// How the two texts were matched.
    pub method: Method,
    /// Index of the first document.
    pub doc_a: u32,
    /// The matched text in the first document.
    pub span_a: Span,
    /// Index of the second document.
    pub doc_b: u32,
    /// The matched text in the second document.
    pub span_b: Span,
    /// Jaccard (paragraphs) or alignment identity (passages).
    pub similarity: f64,
    /// Share of `a`'s shingles found in `b` (paragraphs only).
    pub containment: Option<f64>,
}

/// Occurrences of the same shared text in two or more documents.
#[derive(Debug, Clone, PartialEq)]
pub struct SpanCluster {
    /// Members sorted by document and offset; no two overlap.
    pub members: Vec<Occurrence>,
    /// Index into `members` of the longest member.
    pub representative: usize,
    /// The matches that joined the members (each end inside a member; empty for clusters of
    /// equal paragraphs).
    pub links: Vec<Link>,
}

impl SpanCluster {
    /// A cluster of `members` (sorted by document and offset) whose representative is the
    /// longest (the first of the longest), without links.
    pub fn with_longest_representative(members: Vec<Occurrence>) -> SpanCluster {
        let mut representative = 0;
        for (i, m) in members.iter().enumerate() {
            if m.span.len() > members[representative].span.len() {
                representative = i;
            }
        }
        SpanCluster {
            members,
            representative,
            links: Vec::new(),
        }
    }

    /// The cluster of `members` (some of this one's, sorted), with the links between them.
    pub fn keeping(&self, members: Vec<Occurrence>) -> SpanCluster {
        let mut kept = SpanCluster::with_longest_representative(members);
        kept.links = self
            .links
            .iter()
            .filter(|l| {
                kept.member_at(l.doc_a, l.span_a).is_some()
                    && kept.member_at(l.doc_b, l.span_b).is_some()
            })
            .copied()
            .collect();
        kept
    }

    /// The index of the first member in document `doc` that overlaps `span`.
    pub fn member_at(&self, doc: u32, span: Span) -> Option<usize> {
        let first = self.members.partition_point(|m| m.doc < doc);
        (first..self.members.len())
            .take_while(|&i| self.members[i].doc == doc)
            .find(|&i| {
                self.members[i].span.start < span.end && span.start < self.members[i].span.end
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::verify::verify;

    #[test]
    fn the_representative_is_the_first_longest_member() {
        let occ = |doc: u32, start: usize, end: usize| Occurrence {
            doc,
            span: Span::new(start, end),
            similarity: 1.0,
            containment: 1.0,
            method: Method::Passage,
        };
        let cluster = SpanCluster::with_longest_representative(vec![
            occ(0, 0, 50),
            occ(1, 10, 90),
            occ(2, 0, 80),
        ]);
        assert_eq!(cluster.representative, 1);
    }

    fn run(sets: &[Vec<u32>], owner: &[u32]) -> (Vec<Vec<u32>>, ClusterStats) {
        let shingles = &ShingleSets::from_sets(sets.iter().cloned());
        let n = shingles.len() as u32;
        let all_pairs: Vec<(u32, u32)> = (0..n)
            .flat_map(|a| (a + 1..n).map(move |b| (a, b)))
            .filter(|&(a, b)| owner[a as usize] != owner[b as usize])
            .collect();
        let verified = verify(&all_pairs, shingles, 0.5, 0.8);
        let (clusters, stats) = cluster(&verified, shingles, owner, 0.5, 0.8);
        let ids = clusters
            .into_iter()
            .map(|c| c.members.into_iter().map(|(m, _)| m).collect())
            .collect();
        (ids, stats)
    }

    #[test]
    fn copies_across_documents_form_one_cluster() {
        let text: Vec<u32> = (0..20).collect();
        let edited: Vec<u32> = (2..22).collect();
        let other: Vec<u32> = (100..120).collect();
        let (clusters, _) = run(&[text.clone(), edited, other, text], &[0, 1, 2, 3]);
        assert_eq!(clusters, vec![vec![0, 1, 3]]);
    }

    #[test]
    fn a_chain_of_weak_links_does_not_glue_unrelated_text() {
        // A ~ B ~ C ~ D with J ≈ 0.54 between neighbours, but A and D share nothing.
        let a: Vec<u32> = (0..20).collect();
        let b: Vec<u32> = (6..26).collect();
        let c: Vec<u32> = (12..32).collect();
        let d: Vec<u32> = (18..38).collect();
        let (clusters, stats) = run(&[a, b, c, d], &[0, 1, 2, 3]);
        assert!(stats.refused_merges > 0);
        assert!(clusters.iter().all(|c| c.len() <= 2), "{clusters:?}");
    }

    #[test]
    fn repeats_inside_one_document_are_not_a_cluster() {
        let text: Vec<u32> = (0..20).collect();
        let (clusters, _) = run(&[text.clone(), text], &[4, 4]);
        assert!(clusters.is_empty());
    }
}
