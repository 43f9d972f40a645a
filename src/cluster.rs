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
//! The second step, [`group_occurrences`], brings the paragraph clusters and the aligned
//! passages (from `align`) together: every clustered paragraph and every aligned passage is an
//! [`Occurrence`] of text in one document; occurrences linked by a cluster or an alignment, or
//! overlapping by at least half of the shorter one in the same document, are the same shared
//! text. Each resulting [`SpanCluster`] has at most one member per stretch of a document
//! (overlapping occurrences are merged into their union).
//!
//! Invariants: deterministic for any thread count (edges sorted by similarity, then by node;
//! occurrences sorted by document and offset); cluster ids are positions in the output order.

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
    pub doc: u32,
    pub span: Span,
    /// Jaccard with the paragraph cluster's representative (paragraphs) or alignment identity
    /// (passages).
    pub similarity: f64,
    /// Share of this text found in the text it was matched with.
    pub containment: f64,
    pub method: Method,
}

/// Occurrences of the same shared text in two or more documents.
#[derive(Debug, Clone, PartialEq)]
pub struct SpanCluster {
    /// Members sorted by document and offset; no two overlap.
    pub members: Vec<Occurrence>,
    /// Index into `members` of the longest member.
    pub representative: usize,
}

/// Groups occurrences that are the same text: joined by `links` (index pairs into
/// `occurrences`) or overlapping by at least half of the shorter one within a document.
pub fn group_occurrences(occurrences: &[Occurrence], links: &[(usize, usize)]) -> Vec<SpanCluster> {
    let n = occurrences.len();
    let mut parent: Vec<usize> = (0..n).collect();
    fn find(parent: &mut [usize], mut x: usize) -> usize {
        while parent[x] != x {
            parent[x] = parent[parent[x]];
            x = parent[x];
        }
        x
    }
    let union = |parent: &mut Vec<usize>, x: usize, y: usize| {
        let (rx, ry) = (find(parent, x), find(parent, y));
        if rx != ry {
            parent[rx.max(ry)] = rx.min(ry);
        }
    };
    for &(x, y) in links {
        union(&mut parent, x, y);
    }
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by_key(|&i| (occurrences[i].doc, occurrences[i].span));
    let mut active: Vec<usize> = Vec::new();
    for &i in &order {
        let occ = occurrences[i];
        active
            .retain(|&j| occurrences[j].doc == occ.doc && occurrences[j].span.end > occ.span.start);
        for &j in &active {
            let other = occurrences[j].span;
            let overlap = other.end.min(occ.span.end) - other.start.max(occ.span.start);
            if 2 * overlap >= other.len().min(occ.span.len()) {
                union(&mut parent, i, j);
            }
        }
        active.push(i);
    }

    let mut components: Vec<Vec<usize>> = vec![Vec::new(); n];
    for &i in &order {
        let root = find(&mut parent, i);
        components[root].push(i);
    }
    let mut clusters: Vec<SpanCluster> = components
        .into_iter()
        .filter(|members| {
            members
                .iter()
                .any(|&m| occurrences[m].doc != occurrences[members[0]].doc)
        })
        .map(|members| merge_overlapping(members.iter().map(|&m| occurrences[m])))
        .collect();
    clusters.sort_by_key(|c| (c.members[0].doc, c.members[0].span));
    clusters
}

/// One member per overlapping stretch: the union of the spans, the best similarity, and
/// `Paragraph` if any part was a whole-paragraph match. Input sorted by document and span.
fn merge_overlapping(sorted: impl Iterator<Item = Occurrence>) -> SpanCluster {
    let mut members: Vec<Occurrence> = Vec::new();
    for occ in sorted {
        match members.last_mut() {
            Some(last) if last.doc == occ.doc && occ.span.start < last.span.end => {
                last.span.end = last.span.end.max(occ.span.end);
                last.similarity = last.similarity.max(occ.similarity);
                last.containment = last.containment.max(occ.containment);
                last.method = last.method.min(occ.method);
            }
            _ => members.push(occ),
        }
    }
    let mut representative = 0;
    for (i, m) in members.iter().enumerate() {
        if m.span.len() > members[representative].span.len() {
            representative = i;
        }
    }
    SpanCluster {
        members,
        representative,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::verify::verify;

    fn occ(doc: u32, start: usize, end: usize) -> Occurrence {
        Occurrence {
            doc,
            span: Span::new(start, end),
            similarity: 1.0,
            containment: 1.0,
            method: Method::Passage,
        }
    }

    #[test]
    fn overlapping_occurrences_in_a_document_join_and_merge() {
        // Doc 0's paragraph 0..100 is shared with doc 1; doc 0's passage 10..90 with doc 2.
        let occurrences = [
            occ(0, 0, 100),
            occ(1, 0, 100),
            occ(0, 10, 90),
            occ(2, 5, 85),
        ];
        let clusters = group_occurrences(&occurrences, &[(0, 1), (2, 3)]);
        assert_eq!(clusters.len(), 1);
        let spans: Vec<(u32, usize, usize)> = clusters[0]
            .members
            .iter()
            .map(|m| (m.doc, m.span.start, m.span.end))
            .collect();
        assert_eq!(spans, [(0, 0, 100), (1, 0, 100), (2, 5, 85)]);
    }

    #[test]
    fn separate_passages_of_one_document_stay_separate_clusters() {
        // An aggregator page (doc 0) embeds two unrelated stories shared with docs 1 and 2.
        let occurrences = [
            occ(0, 0, 100),
            occ(1, 0, 100),
            occ(0, 200, 300),
            occ(2, 0, 100),
        ];
        let clusters = group_occurrences(&occurrences, &[(0, 1), (2, 3)]);
        assert_eq!(clusters.len(), 2);
        // A small overlap at the edges does not glue them either.
        let occurrences = [
            occ(0, 0, 100),
            occ(1, 0, 100),
            occ(0, 90, 300),
            occ(2, 0, 100),
        ];
        assert_eq!(group_occurrences(&occurrences, &[(0, 1), (2, 3)]).len(), 2);
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
