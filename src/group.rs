//! Grouping: paragraph clusters and aligned passages into clusters of one shared text each.
//!
//! In: the paragraph clusters (the MinHash tier) with their nodes, the aligned passage pairs
//! (the alignment tier), every document's paragraphs and, when alignment ran, its word numbers
//! in text order. Out: [`SpanCluster`]s, each one text: every member is a copy (verbatim,
//! edited, trimmed or paraphrased) of its representative, and no member covers text that the
//! representative does not carry.
//!
//! How, when alignment ran:
//! 1. **Breaks.** The copies vote on every paragraph break: over each alignment, does the
//!    other side break there too? A break most copies keep is the text's own; one they lack is
//!    an outlet's re-split, and a break the copies have where a document has none (an outlet
//!    merged two paragraphs) is placed into that document along the alignment, where the
//!    words after it stand there.
//! 2. **Pieces.** Every alignment is cut at the text's breaks of either side (on the other
//!    side's break when it has one within a few tokens). A piece shorter than `min_tokens` on
//!    either side (a paragraph of a few words) stays joined to the next one; a short tail that
//!    stops inside a paragraph (where a paraphrase's alignment gave out) is left out. Two
//!    paragraphs (one of each document of a pair) that two or more pieces together cover
//!    mostly are a piece as well: a paraphrase that reordered a paragraph's sentences aligns
//!    as crossing passages, one per sentence.
//! 3. **Stretches.** Every clustered paragraph that is one unit of the text, and every piece,
//!    is an occurrence of text in one document. Occurrences of one document that cover mostly
//!    the same words (their overlap is at least [`SAME_TEXT`] of the longer) are one stretch,
//!    whose words are those of its longest occurrence; a shorter occurrence inside a longer one
//!    (a quotation inside the paragraph that frames it) is a stretch of its own.
//! 4. **Groups.** Links (the two sides of a piece; a paragraph and its cluster's
//!    representative, for paragraphs that match it by Jaccard, not by containment alone) join
//!    stretches, strongest first, and two groups join only when their representatives (their
//!    longest stretches) are the same text: their word multisets overlap by at least
//!    [`SAME_TEXT`] of the longer, and, below `NEARLY_ALL`, their words outside quotation
//!    marks too (above it, each one's words outside quotation marks are mostly among the
//!    other's words: two stories' paragraphs of one long quotation and its attribution, each
//!    with a sentence of its own, are two texts). This is the guard the paragraph tier has, for passages: a quotation that two
//!    stories carry, a stock phrase or a credit line cannot glue stories together, because the
//!    stretch over it is not the same text as the paragraphs around it.
//! 5. Groups with stretches in two or more documents are the clusters; a group's stretches
//!    that overlap in one document are merged, and the matches inside a group are its links.
//!
//! Without alignment, the paragraph clusters are the clusters, member for member. Either way,
//! paragraphs copied exactly (any length of two words or more; a dateline before a lead does
//! not count, when alignment ran), where some copy is in no cluster, are clusters of their own.
//!
//! Invariants: deterministic (links sorted by strength, then by stretch); clusters ordered by
//! their first member, members by document and offset.

use std::ops::Range;
use std::sync::OnceLock;

use crate::align::{Alignment, LocateTokens};
use rayon::prelude::*;
use rustc_hash::{FxHashMap, FxHashSet};

use crate::cluster::{find_root, Cluster, Link, Method, Occurrence, SpanCluster};
use crate::doc::{Node, Paragraph, Span};
use crate::normalize::{WordId, NO_WORD};
use crate::verify::intersection_size;

/// Share of the longer of two texts that the shorter must match for them to be the same text
/// (word multisets; positions within one paragraph for occurrences).
pub const SAME_TEXT: f64 = 0.6;

/// Gives a document's quoted token ranges.
pub type QuotedTokens<'a> = dyn Fn(u32) -> Vec<Range<u32>> + Sync + 'a;

/// What grouping works with.
pub struct GroupInput<'a> {
    /// Clusters of whole paragraphs (the MinHash tier).
    pub paragraph_clusters: &'a [Cluster],
    /// The nodes the paragraph clusters index.
    pub nodes: &'a [Node],
    /// Aligned passage pairs (the alignment tier).
    pub alignments: &'a [Alignment],
    /// Paragraphs of each document.
    pub paragraphs: &'a [Vec<Paragraph>],
    /// Each document's word numbers in text order (empty when alignment did not run).
    pub words: &'a [Vec<WordId>],
    /// A document's quoted words, as sorted token ranges (see [`quoted_tokens`]); asked for
    /// only where framing decides a join, once per document.
    pub quoted: &'a QuotedTokens<'a>,
    /// The Jaccard at or above which a paragraph is a copy of its cluster's representative.
    pub threshold: f64,
    /// Fewest tokens of a piece of an alignment.
    pub min_tokens: usize,
    /// For each document, the paragraphs that take no part in matching (boilerplate, credit
    /// lines).
    pub excluded: &'a [Vec<bool>],
}

/// Paragraph clusters and aligned passages into clusters of one shared text each;
/// `locate(doc, tokens, out)` gives the byte spans of a document's tokens.
pub fn group(input: &GroupInput<'_>, locate: &LocateTokens<'_>) -> Vec<SpanCluster> {
    let mut clusters = if input.alignments.is_empty() || input.words.is_empty() {
        paragraph_clusters_alone(input)
    } else {
        passage_clusters(input, locate)
    };
    let exact = exact_copy_clusters(input, &clusters);
    clusters.extend(exact);
    clusters.sort_by_key(|c| (c.members[0].doc, c.members[0].span));
    clusters
}

/// Paragraphs (two words or more) copied exactly into other documents, where some copy is in no
/// cluster: one cluster per text, with all its copies. A heading or a one-line paragraph too
/// short to fingerprint, or a stock sentence a story carries whose paragraph cluster is led by a
/// longer paragraph that only contains it, stands alone between an outlet's own paragraphs out
/// of reach of the other tiers; whether it links documents is attribution's call (short text
/// counts only among documents that share longer text elsewhere).
fn exact_copy_clusters(input: &GroupInput<'_>, clusters: &[SpanCluster]) -> Vec<SpanCluster> {
    // Every member's span, with its cluster, by document.
    let mut covered: Vec<Vec<(Span, usize)>> = vec![Vec::new(); input.paragraphs.len()];
    for (c, cluster) in clusters.iter().enumerate() {
        for m in &cluster.members {
            covered[m.doc as usize].push((m.span, c));
        }
    }
    // Each text's copies, and whether they are apart: one of them is in no cluster, or (for a
    // paragraph shorter than a passage piece, which only rides along with its neighbours) no
    // one cluster holds half of every copy.
    // Texts are compared by their word numbers where every document has them (alignment ran),
    // else by the paragraphs' keys.
    let by_words = input.words.len() == input.paragraphs.len()
        && input
            .paragraphs
            .iter()
            .zip(input.words)
            .all(|(paragraphs, words)| {
                paragraphs.iter().map(|p| p.tokens as usize).sum::<usize>() <= words.len()
            });
    let mut holders: FxHashMap<u64, (Vec<(u32, Span)>, bool)> = FxHashMap::default();
    let mut together: FxHashMap<u64, Option<Vec<usize>>> = FxHashMap::default();
    for (doc, paragraphs) in input.paragraphs.iter().enumerate() {
        let covered = &mut covered[doc];
        covered.sort_unstable_by_key(|&(span, c)| (span.start, span.end, c));
        let mut next_token = 0u32;
        for (p, paragraph) in paragraphs.iter().enumerate() {
            let first_token = next_token;
            next_token += paragraph.tokens;
            let words = paragraph.tokens >= 2 && paragraph.key != 0;
            if !words || input.excluded.get(doc).is_some_and(|e| e[p]) {
                continue;
            }
            // The text is its words outside credits (masked when alignment ran): a lead is the
            // same paragraph with its dateline ("NAIROBI (AFP) - ") and without.
            let key = match by_words.then(|| &input.words[doc]) {
                Some(words) => {
                    let range = first_token as usize..next_token as usize;
                    let unmasked = words[range].iter().filter(|&&w| w != NO_WORD);
                    if unmasked.clone().count() < 2 {
                        continue;
                    }
                    crate::hash::ids_hash(unmasked.map(|&w| u64::from(w)))
                }
                None => paragraph.key,
            };
            let span = paragraph.span;
            let first = covered.partition_point(|(c, _)| c.end <= span.start);
            let overlapping = covered[first..]
                .iter()
                .take_while(|(c, _)| c.start < span.end)
                .filter(|(c, _)| c.end > span.start);
            let mut holding: Vec<usize> = overlapping
                .clone()
                .filter(|(c, _)| 2 * (c.end.min(span.end) - c.start.max(span.start)) >= span.len())
                .map(|&(_, cluster)| cluster)
                .collect();
            holding.sort_unstable();
            holding.dedup();
            let alone = overlapping.count() == 0;
            let entry = holders.entry(key).or_default();
            entry.0.push((doc as u32, span));
            entry.1 |= alone;
            if (paragraph.tokens as usize) < input.min_tokens {
                let shared = together.entry(key).or_insert(Some(holding.clone()));
                if let Some(clusters) = shared {
                    clusters.retain(|c| holding.binary_search(c).is_ok());
                }
            }
        }
    }
    for (key, shared) in together {
        if shared.is_some_and(|clusters| clusters.is_empty()) {
            if let Some(entry) = holders.get_mut(&key) {
                entry.1 = true;
            }
        }
    }
    holders
        .into_values()
        .filter(|(held, alone)| *alone && held.iter().any(|h| h.0 != held[0].0))
        .map(|(held, _)| {
            let (first_doc, first_span) = held[0];
            let links = held[1..]
                .iter()
                .map(|&(doc, span)| Link {
                    method: Method::Paragraph,
                    doc_a: doc,
                    span_a: span,
                    doc_b: first_doc,
                    span_b: first_span,
                    similarity: 1.0,
                    containment: Some(1.0),
                })
                .collect();
            let members = held
                .into_iter()
                .map(|(doc, span)| Occurrence {
                    doc,
                    span,
                    similarity: 1.0,
                    containment: 1.0,
                    method: Method::Paragraph,
                })
                .collect();
            SpanCluster {
                links,
                ..SpanCluster::with_longest_representative(members)
            }
        })
        .collect()
}

/// The clusters of paragraph clusters and aligned passages, when alignment ran.
fn passage_clusters(input: &GroupInput<'_>, locate: &LocateTokens<'_>) -> Vec<SpanCluster> {
    let starts: Vec<Vec<u32>> = input
        .paragraphs
        .iter()
        .map(|paras| {
            let mut first = 0;
            paras
                .iter()
                .map(|p| {
                    let start = first;
                    first += p.tokens;
                    start
                })
                .collect()
        })
        .collect();

    // Occurrences and the links between them. A paragraph that is not one unit of the text
    // (an outlet merged it with the next, or it is half of a re-split) is no occurrence: the
    // alignments' pieces place its text.
    let breaks = Breaks::new(input.alignments, &starts, input.words);
    let unit = |node: Node| {
        let (doc, p) = (node.doc as usize, node.paragraph as usize);
        let start = starts[doc][p];
        breaks.is_unit(doc, start..start + input.paragraphs[doc][p].tokens)
    };
    let mut occurrences: Vec<Piece> = Vec::new();
    let mut matches: Vec<Match> = Vec::new();
    for cluster in input.paragraph_clusters {
        let rep = input.nodes[cluster.representative as usize];
        if !unit(rep) {
            continue;
        }
        // The representative is an occurrence when a member matches it by Jaccard.
        let mut rep_occurrence = None;
        for &(id, similarity) in &cluster.members {
            let node = input.nodes[id as usize];
            if id == cluster.representative || similarity.jaccard < input.threshold || !unit(node) {
                continue;
            }
            let rep_occurrence = *rep_occurrence.get_or_insert_with(|| {
                occurrences.push(Piece::paragraph(rep, 1.0, &starts, input.paragraphs));
                occurrences.len() - 1
            });
            matches.push(Match {
                similarity: similarity.jaccard,
                x: occurrences.len(),
                y: rep_occurrence,
                containment: Some(similarity.containment_a_in_b),
            });
            let occurrence = Piece::paragraph(node, similarity.jaccard, &starts, input.paragraphs);
            occurrences.push(occurrence);
        }
    }
    let pieces: Vec<Vec<(Range<u32>, Range<u32>)>> = input
        .alignments
        .par_iter()
        .map(|alignment| {
            let mut cuts = Vec::new();
            cut_at_paragraphs(
                alignment,
                &breaks,
                input.words,
                input.min_tokens as u32,
                &mut cuts,
            );
            cuts
        })
        .collect();
    // Pieces of one document pair inside one paragraph of each (a paraphrase that reordered
    // a paragraph's sentences aligns as several crossing passages, none of them most of it).
    let mut in_paragraphs: Vec<ParagraphPiece> = Vec::new();
    for (alignment, cuts) in input.alignments.iter().zip(pieces) {
        for (a, b) in cuts {
            let short = |r: &Range<u32>| ((r.end - r.start) as usize) < input.min_tokens;
            if short(&a) || short(&b) {
                continue;
            }
            let identity = alignment.identity();
            let paragraph_of = |doc: u32, r: &Range<u32>| {
                let starts = &starts[doc as usize];
                (starts.partition_point(|&s| s <= r.start + (r.end - r.start) / 2) - 1) as u32
            };
            in_paragraphs.push(ParagraphPiece {
                docs: (alignment.a, alignment.b),
                paragraphs: (paragraph_of(alignment.a, &a), paragraph_of(alignment.b, &b)),
                tokens: (a.clone(), b.clone()),
                identity,
            });
            let pa = Piece::passage(alignment.a, a, identity);
            let pb = Piece::passage(alignment.b, b, identity);
            matches.push(Match {
                similarity: identity,
                x: occurrences.len(),
                y: occurrences.len() + 1,
                containment: None,
            });
            occurrences.push(pa);
            occurrences.push(pb);
        }
    }
    for (x, y, identity) in reordered_paragraphs(in_paragraphs, &starts, input.paragraphs, &unit) {
        matches.push(Match {
            similarity: identity,
            x: occurrences.len(),
            y: occurrences.len() + 1,
            containment: None,
        });
        occurrences.push(x);
        occurrences.push(y);
    }

    // Stretches: occurrences of one paragraph covering mostly the same words.
    let mut order: Vec<usize> = (0..occurrences.len()).collect();
    order.par_sort_by_key(|&i| {
        let o = &occurrences[i];
        (
            o.doc,
            std::cmp::Reverse(o.tokens.end - o.tokens.start),
            o.tokens.start,
            o.method,
        )
    });
    let mut stretches: Vec<Piece> = Vec::new();
    let mut stretch_of = vec![0usize; occurrences.len()];
    let mut first_of_document = 0;
    for &i in &order {
        let o = &occurrences[i];
        if stretches.last().is_none_or(|s: &Piece| s.doc != o.doc) {
            first_of_document = stretches.len();
        }
        let same = (first_of_document..stretches.len())
            .find(|&s| same_stretch(&stretches[s].tokens, &o.tokens));
        let s = match same {
            Some(s) => s,
            None => {
                stretches.push(o.clone());
                stretches.len() - 1
            }
        };
        if o.method == Method::Paragraph {
            stretches[s].method = Method::Paragraph;
        }
        stretches[s].similarity = stretches[s].similarity.max(o.similarity);
        stretch_of[i] = s;
    }

    // Groups, strongest links first, each join guarded by the representatives.
    let mut edges: Vec<(f64, usize, usize, usize)> = matches
        .iter()
        .enumerate()
        .map(|(i, m)| {
            let (x, y) = (stretch_of[m.x], stretch_of[m.y]);
            (m.similarity, x.min(y), x.max(y), i)
        })
        .filter(|&(_, x, y, _)| x != y)
        .collect();
    edges.par_sort_by(|p, q| {
        q.0.total_cmp(&p.0)
            .then((p.1, p.2, p.3).cmp(&(q.1, q.2, q.3)))
    });
    edges.dedup_by(|p, q| (p.1, p.2) == (q.1, q.2));
    let n = stretches.len();
    let mut parent: Vec<u32> = (0..n as u32).collect();
    let mut representative: Vec<usize> = (0..n).collect();
    let mut bags = WordBags::default();
    let words = input.words;
    let quoted_of: Vec<OnceLock<Vec<Range<u32>>>> =
        input.words.iter().map(|_| OnceLock::new()).collect();
    let quoted = |d: u32| {
        quoted_of[d as usize]
            .get_or_init(|| (input.quoted)(d))
            .as_slice()
    };
    for &(_, x, y, _) in &edges {
        let (rx, ry) = (
            find_root(&mut parent, x as u32) as usize,
            find_root(&mut parent, y as u32) as usize,
        );
        if rx == ry {
            continue;
        }
        let (rep_x, rep_y) = (representative[rx], representative[ry]);
        let (sx, sy) = (&stretches[rep_x], &stretches[rep_y]);
        if !bags.same_text(words, &quoted, sx, sy) {
            continue;
        }
        let (root, child) = (rx.min(ry), rx.max(ry));
        parent[child] = root as u32;
        representative[root] = if sx.len() > sy.len() || (sx.len() == sy.len() && rep_x < rep_y) {
            rep_x
        } else {
            rep_y
        };
    }

    // Clusters: groups in two or more documents.
    let mut members_of: Vec<Vec<usize>> = vec![Vec::new(); n];
    for s in 0..n {
        members_of[find_root(&mut parent, s as u32) as usize].push(s);
    }
    // Every match inside a group (the strongest of each pair of stretches) is a link of it.
    let mut matches_of: Vec<Vec<usize>> = vec![Vec::new(); n];
    let mut linked: FxHashSet<(usize, usize)> = FxHashSet::default();
    for &(_, x, y, m) in &edges {
        let root = find_root(&mut parent, x as u32);
        if root == find_root(&mut parent, y as u32) && linked.insert((x, y)) {
            matches_of[root as usize].push(m);
        }
    }
    // The span of a piece's words, whole paragraphs where it covers them.
    let span_of = |piece: &Piece, spans: &mut Vec<Span>| -> Option<Span> {
        span_of_tokens(
            piece,
            &starts[piece.doc as usize],
            &input.paragraphs[piece.doc as usize],
            &input.words[piece.doc as usize],
            locate,
            spans,
        )
    };
    let groups: Vec<(usize, Vec<usize>)> = members_of
        .into_iter()
        .enumerate()
        .filter(|(_, members)| {
            members
                .iter()
                .any(|&m| stretches[m].doc != stretches[members[0]].doc)
        })
        .collect();
    let mut clusters: Vec<SpanCluster> = groups
        .into_par_iter()
        .map_init(
            || (WordBags::default(), Vec::new()),
            |(bags, spans), (root, mut members)| {
                members.sort_by_key(|&m| (stretches[m].doc, stretches[m].tokens.start));
                // Stretches of one document that overlap: one member.
                let mut merged: Vec<Piece> = Vec::with_capacity(members.len());
                for &m in &members {
                    let s = &stretches[m];
                    match merged.last_mut() {
                        Some(last) if last.doc == s.doc && s.tokens.start < last.tokens.end => {
                            last.tokens.end = last.tokens.end.max(s.tokens.end);
                            last.method = last.method.min(s.method);
                            last.similarity = last.similarity.max(s.similarity);
                        }
                        _ => merged.push(s.clone()),
                    }
                }
                bags.fill_representative(words, &stretches[representative[root]]);
                let mut kept = Vec::with_capacity(merged.len());
                for piece in &merged {
                    // Every member is a copy of the representative's text: most of its words
                    // are there.
                    let (shared, own) = bags.shared_with_representative(words, piece);
                    if (shared as f64) < 0.5 * own as f64 {
                        continue;
                    }
                    let Some(span) = span_of(piece, spans) else {
                        continue;
                    };
                    kept.push(Occurrence {
                        doc: piece.doc,
                        span,
                        similarity: piece.similarity,
                        containment: shared as f64 / own.max(1) as f64,
                        method: piece.method,
                    });
                }
                if kept.len() < 2 {
                    return None;
                }
                let links: Vec<Link> = matches_of[root]
                    .iter()
                    .filter_map(|&m| {
                        let Match {
                            similarity,
                            x,
                            y,
                            containment,
                        } = matches[m];
                        let (a, b) = (&occurrences[x], &occurrences[y]);
                        Some(Link {
                            method: a.method,
                            doc_a: a.doc,
                            span_a: span_of(a, spans)?,
                            doc_b: b.doc,
                            span_b: span_of(b, spans)?,
                            similarity,
                            containment,
                        })
                    })
                    .collect();
                let cluster = SpanCluster {
                    links,
                    ..SpanCluster::with_longest_representative(kept)
                };
                // Links to a member left out (too little of it in the representative) go too.
                Some(cluster.keeping(cluster.members.clone()))
            },
        )
        .flatten()
        .collect();
    clusters.sort_by_key(|c| (c.members[0].doc, c.members[0].span));
    clusters
}

/// A verified match between two occurrences (indices), before grouping.
#[derive(Debug, Clone, Copy)]
struct Match {
    /// Jaccard (paragraphs) or alignment identity (passages).
    similarity: f64,
    x: usize,
    y: usize,
    /// Share of `x`'s shingles in `y` (paragraphs).
    containment: Option<f64>,
}

/// The span of `piece`'s words, from the start (to the end) of the paragraph whose first (last)
/// word it starts (ends) with: a member that covers whole paragraphs covers their punctuation
/// too, and a lead's dateline (masked `words` before its first word). Only a boundary inside a
/// paragraph is looked up with `locate` (into `spans`).
fn span_of_tokens(
    piece: &Piece,
    starts: &[u32],
    paragraphs: &[Paragraph],
    words: &[WordId],
    locate: &LocateTokens<'_>,
    spans: &mut Vec<Span>,
) -> Option<Span> {
    let tokens = &piece.tokens;
    if tokens.is_empty() {
        return None;
    }
    let first = starts.partition_point(|&s| s <= tokens.start).max(1) - 1;
    // Starting a paragraph: at its first word, or after masked words only (a dateline).
    let starts_paragraph = starts.get(first).is_some_and(|&s| {
        s <= tokens.start
            && words
                .get(s as usize..tokens.start as usize)
                .is_some_and(|before| before.iter().all(|&w| w == NO_WORD))
    });
    let start = if starts_paragraph {
        paragraphs[first].span.start
    } else {
        spans.clear();
        locate(piece.doc, tokens.start..tokens.start + 1, spans);
        spans.first()?.start
    };
    let last = starts.partition_point(|&s| s < tokens.end).max(1) - 1;
    let end = match paragraphs.get(last) {
        Some(p) if starts[last] + p.tokens == tokens.end => p.span.end,
        _ => {
            spans.clear();
            locate(piece.doc, tokens.end - 1..tokens.end, spans);
            spans.last()?.end
        }
    };
    Some(Span::new(start, end))
}

/// The paragraph clusters as clusters of spans, member for member (no alignment to cut by),
/// linked as the paragraph tier verified them: each member with the representative.
fn paragraph_clusters_alone(input: &GroupInput<'_>) -> Vec<SpanCluster> {
    let mut clusters: Vec<SpanCluster> = input
        .paragraph_clusters
        .iter()
        .map(|cluster| {
            let rep = input.nodes[cluster.representative as usize];
            let mut members: Vec<Occurrence> = Vec::with_capacity(cluster.members.len());
            let mut links: Vec<Link> = Vec::with_capacity(cluster.members.len());
            for &(id, sim) in &cluster.members {
                let node = input.nodes[id as usize];
                members.push(Occurrence {
                    doc: node.doc,
                    span: node.span,
                    similarity: sim.jaccard,
                    containment: sim.containment_a_in_b,
                    method: Method::Paragraph,
                });
                if id != cluster.representative {
                    links.push(Link {
                        method: Method::Paragraph,
                        doc_a: node.doc,
                        span_a: node.span,
                        doc_b: rep.doc,
                        span_b: rep.span,
                        similarity: sim.jaccard,
                        containment: Some(sim.containment_a_in_b),
                    });
                }
            }
            members.sort_by_key(|m| (m.doc, m.span));
            // The paragraph tier's representative stays it (the longest member may be a
            // paragraph that merely contains the text).
            let representative = members
                .iter()
                .position(|m| m.doc == rep.doc && m.span == rep.span)
                .unwrap_or(0);
            SpanCluster {
                members,
                representative,
                links,
            }
        })
        .collect();
    clusters.sort_by_key(|c| (c.members[0].doc, c.members[0].span));
    clusters
}

/// An occurrence, or a stretch, of text in one document.
#[derive(Debug, Clone, PartialEq)]
struct Piece {
    doc: u32,
    /// Token range in the document.
    tokens: Range<u32>,
    method: Method,
    /// Jaccard with the paragraph cluster's representative (paragraphs) or identity of the
    /// alignment (passages); a stretch keeps its occurrences' best.
    similarity: f64,
}

impl Piece {
    fn paragraph(
        node: Node,
        similarity: f64,
        starts: &[Vec<u32>],
        paragraphs: &[Vec<Paragraph>],
    ) -> Piece {
        let (doc, p) = (node.doc as usize, node.paragraph as usize);
        let start = starts[doc][p];
        Piece {
            doc: node.doc,
            tokens: start..start + paragraphs[doc][p].tokens,
            method: Method::Paragraph,
            similarity,
        }
    }

    fn passage(doc: u32, tokens: Range<u32>, similarity: f64) -> Piece {
        Piece {
            doc,
            tokens,
            method: Method::Passage,
            similarity,
        }
    }

    fn len(&self) -> u32 {
        self.tokens.end - self.tokens.start
    }
}

/// A piece of an alignment, with the paragraph (of each document) its middle falls in.
struct ParagraphPiece {
    docs: (u32, u32),
    paragraphs: (u32, u32),
    tokens: (Range<u32>, Range<u32>),
    identity: f64,
}

/// Whole paragraphs, one of each document of a pair, that two or more pieces of the pair's
/// alignments together cover [`SAME_TEXT`] of (each side's pieces counted once where they
/// overlap), when each paragraph is one unit of the text: (the two paragraphs as passages,
/// the pieces' lowest identity). A paraphrase that reordered a paragraph's sentences aligns
/// sentence by sentence, in crossing passages, none of which is most of the paragraph.
fn reordered_paragraphs(
    mut pieces: Vec<ParagraphPiece>,
    starts: &[Vec<u32>],
    paragraphs: &[Vec<Paragraph>],
    unit: &dyn Fn(Node) -> bool,
) -> Vec<(Piece, Piece, f64)> {
    pieces.sort_by_key(|p| (p.docs, p.paragraphs, p.tokens.0.start, p.tokens.1.start));
    let covered = |mut ranges: Vec<Range<u32>>| {
        ranges.sort_by_key(|r| r.start);
        let (mut total, mut end) = (0, 0);
        for r in ranges {
            total += r.end.saturating_sub(r.start.max(end));
            end = end.max(r.end);
        }
        total
    };
    let mut out = Vec::new();
    for same in pieces.chunk_by(|x, y| (x.docs, x.paragraphs) == (y.docs, y.paragraphs)) {
        if same.len() < 2 {
            continue;
        }
        let (docs, which) = (same[0].docs, same[0].paragraphs);
        let node = |doc: u32, paragraph: u32| Node {
            doc,
            paragraph,
            span: paragraphs[doc as usize][paragraph as usize].span,
        };
        let (na, nb) = (node(docs.0, which.0), node(docs.1, which.1));
        if !unit(na) || !unit(nb) {
            continue;
        }
        let whole = |n: Node| Piece::paragraph(n, 0.0, starts, paragraphs).tokens;
        let (wa, wb) = (whole(na), whole(nb));
        // Only what lies inside the paragraph counts (a piece joined to a short neighbour
        // runs past it).
        let share = |whole: &Range<u32>, ranges: Vec<Range<u32>>| {
            let inside = ranges
                .into_iter()
                .map(|r| r.start.max(whole.start)..r.end.min(whole.end))
                .collect();
            f64::from(covered(inside)) / f64::from((whole.end - whole.start).max(1))
        };
        let share_a = share(&wa, same.iter().map(|p| p.tokens.0.clone()).collect());
        let share_b = share(&wb, same.iter().map(|p| p.tokens.1.clone()).collect());
        if share_a < SAME_TEXT || share_b < SAME_TEXT {
            continue;
        }
        let identity = same.iter().map(|p| p.identity).fold(1.0, f64::min);
        out.push((
            Piece::passage(docs.0, wa, identity),
            Piece::passage(docs.1, wb, identity),
            identity,
        ));
    }
    out
}

/// Whether two occurrences in one document cover mostly the same words.
fn same_stretch(a: &Range<u32>, b: &Range<u32>) -> bool {
    let overlap = a.end.min(b.end).saturating_sub(a.start.max(b.start));
    let longer = (a.end - a.start).max(b.end - b.start);
    f64::from(overlap) >= SAME_TEXT * f64::from(longer)
}

/// Fewest words outside quotation marks for a text to have framing of its own.
const FRAMING_WORDS: usize = 4;

/// Share of the longer text's words that makes two texts one text whatever their framing: a
/// quotation framed by a lead of its own in each story shares less.
const NEARLY_ALL: f64 = 0.8;

/// Sorted word numbers of two texts, reused from comparison to comparison.
#[derive(Default)]
struct WordBags {
    a: Vec<WordId>,
    b: Vec<WordId>,
}

impl WordBags {
    /// The sorted word numbers of `piece` (masked ones excepted), or only of those outside
    /// quotation marks when `unquoted_only` gives its document's quoted token ranges.
    fn fill(
        out: &mut Vec<WordId>,
        words: &[Vec<WordId>],
        unquoted_only: Option<&[Range<u32>]>,
        piece: &Piece,
    ) {
        out.clear();
        let doc = &words[piece.doc as usize];
        let end = (piece.tokens.end as usize).min(doc.len());
        let range = piece.tokens.start as usize..end;
        match unquoted_only {
            None => out.extend(doc[range].iter().copied().filter(|&w| w != NO_WORD)),
            Some(quoted) => {
                let mut next = quoted.partition_point(|q| q.end as usize <= range.start);
                for position in range {
                    while next < quoted.len() && (quoted[next].end as usize) <= position {
                        next += 1;
                    }
                    let inside = next < quoted.len() && quoted[next].start as usize <= position;
                    if !inside && doc[position] != NO_WORD {
                        out.push(doc[position]);
                    }
                }
            }
        }
        out.sort_unstable();
    }

    /// (words of `x` also in `y`, counted as a multiset; words of `x`; words of `y`), all words
    /// or, with `unquoted_only` (a document's quoted token ranges), those outside quotation
    /// marks.
    fn shared_counts<'q>(
        &mut self,
        words: &[Vec<WordId>],
        unquoted_only: Option<&dyn Fn(u32) -> &'q [Range<u32>]>,
        x: &Piece,
        y: &Piece,
    ) -> (usize, usize, usize) {
        Self::fill(&mut self.a, words, unquoted_only.map(|q| q(x.doc)), x);
        Self::fill(&mut self.b, words, unquoted_only.map(|q| q(y.doc)), y);
        let shared = intersection_size(&self.a, &self.b);
        (shared, self.a.len(), self.b.len())
    }

    /// Fills the second bag with the words of `rep`, for [`Self::shared_with_representative`].
    fn fill_representative(&mut self, words: &[Vec<WordId>], rep: &Piece) {
        Self::fill(&mut self.b, words, None, rep);
    }

    /// (words of `piece` also in the representative, words of `piece`), as multisets.
    fn shared_with_representative(
        &mut self,
        words: &[Vec<WordId>],
        piece: &Piece,
    ) -> (usize, usize) {
        Self::fill(&mut self.a, words, None, piece);
        (intersection_size(&self.a, &self.b), self.a.len())
    }

    /// Whether `x`'s words outside quotation marks (`quotes`: its document's quoted token
    /// ranges), when it has [`FRAMING_WORDS`] of them and quotation marks at all, are mostly
    /// ([`SAME_TEXT`]) among `y`'s words, quoted or not.
    fn framing_found_in(
        &mut self,
        words: &[Vec<WordId>],
        quotes: &[Range<u32>],
        x: &Piece,
        y: &Piece,
    ) -> bool {
        let first = quotes.partition_point(|q| q.end <= x.tokens.start);
        if quotes.get(first).is_none_or(|q| q.start >= x.tokens.end) {
            return true;
        }
        Self::fill(&mut self.a, words, Some(quotes), x);
        if self.a.len() < FRAMING_WORDS {
            return true;
        }
        Self::fill(&mut self.b, words, None, y);
        intersection_size(&self.a, &self.b) as f64 >= SAME_TEXT * self.a.len() as f64
    }

    /// Whether `x` and `y` are the same text: they share at least [`SAME_TEXT`] of the words
    /// of the longer, and, when either has framing of its own (words outside quotation marks)
    /// and they share less than [`NEARLY_ALL`] of the words, that framing too. Two stories
    /// carrying one quotation share the quoted words only; texts sharing nearly all their words
    /// are one text however their quotation marks fall (an outlet that splits a paragraph
    /// inside a quotation leaves the quote open in one half and opens it anew in the other),
    /// unless each frames the quotation in words the other lacks.
    fn same_text<'q>(
        &mut self,
        words: &[Vec<WordId>],
        quoted: &dyn Fn(u32) -> &'q [Range<u32>],
        x: &Piece,
        y: &Piece,
    ) -> bool {
        let share = |(shared, a, b): (usize, usize, usize), at_least: f64| {
            let longer = a.max(b);
            longer > 0 && shared as f64 >= at_least * longer as f64
        };
        let all = self.shared_counts(words, None, x, y);
        if !share(all, SAME_TEXT) {
            return false;
        }
        if share(all, NEARLY_ALL) {
            // However their quotation marks fall, unless each frames the quotation in words of
            // its own: two stories' paragraphs that are mostly one official's quotation and its
            // attribution, after a short sentence of each story's own.
            return self.framing_found_in(words, quoted(x.doc), x, y)
                && self.framing_found_in(words, quoted(y.doc), y, x);
        }
        let framing = self.shared_counts(words, Some(quoted), x, y);
        framing.1.max(framing.2) < FRAMING_WORDS || share(framing, SAME_TEXT)
    }
}

/// The token ranges of `text` that lie inside quotation marks, for a document whose
/// paragraphs are `paragraphs` (as fingerprinting made them): input of [`GroupInput::quoted`].
pub fn quoted_tokens(text: &str, paragraphs: &[Paragraph]) -> Vec<Range<u32>> {
    let mut out: Vec<Range<u32>> = Vec::new();
    let mut first = 0u32;
    for paragraph in paragraphs {
        let start = first;
        first += paragraph.tokens;
        let body = paragraph.span.slice(text);
        if !body.contains(['"', '\u{201c}', '\u{201d}']) {
            continue;
        }
        let ranges = crate::attribute::quotes::quoted_ranges(body);
        if ranges.is_empty() {
            continue;
        }
        for (token, word) in (start..).zip(crate::normalize::word_spans(body)) {
            let inside = ranges
                .iter()
                .any(|&(s, e)| s <= word.start && word.end <= e);
            if !inside {
                continue;
            }
            match out.last_mut() {
                Some(last) if last.end == token => last.end = token + 1,
                _ => out.push(token..token + 1),
            }
        }
    }
    out
}

/// Where `position` (a token of one side of an alignment, `from` being that side's token range)
/// falls on the other side (`to`): in proportion, then moved to where the three words starting
/// at `position` stand, if they stand within a dozen tokens, else to where the three words
/// ending at it stand (the words after it are a paragraph only this side has); and whether
/// either was found there (else the position is the proportional estimate: a paraphrase, or an
/// edit at the break).
fn map_position(
    position: u32,
    from: (u32, u32),
    to: (u32, u32),
    words_from: &[WordId],
    words_to: &[WordId],
) -> (u32, bool) {
    const PROBE: u32 = 3;
    const REACH: u32 = 12;
    const SHIFT: u32 = 8;
    let span_from = u64::from((from.1 - from.0).max(1));
    let estimate =
        to.0 + (u64::from(position - from.0) * u64::from(to.1 - to.0) / span_from) as u32;
    let estimate = estimate.min(to.1);
    if position + PROBE > from.1 || to.1 < to.0 + PROBE {
        return (estimate, false);
    }
    // The words starting at `position`, else those a few words further on (a word edited at
    // the break): where they stand on the other side. The words ending at `position` come
    // last: they place a break well before a paragraph only this side has, but tried first
    // they cut a paraphrased paragraph off from the verbatim sentence before it.
    for shift in 0..=SHIFT {
        let ahead = position + shift;
        if ahead + PROBE <= from.1 {
            let key = &words_from[ahead as usize..(ahead + PROBE) as usize];
            if let Some(at) = find_near(key, estimate + shift, to, words_to, REACH) {
                return (at.saturating_sub(shift).max(to.0), true);
            }
        }
    }
    // Text only this side has after the break (a paragraph an outlet inserted): the words
    // ending at it, where they stand on the other side.
    if position >= from.0 + PROBE {
        let key = &words_from[(position - PROBE) as usize..position as usize];
        if let Some(at) = find_near(key, estimate.saturating_sub(PROBE), to, words_to, REACH) {
            return ((at + PROBE).min(to.1), true);
        }
    }
    (estimate, false)
}

/// Where `key` (a few words, none masked) stands in `words_to` within `to`, nearest to
/// `estimate` and at most `reach` tokens from it.
fn find_near(
    key: &[WordId],
    estimate: u32,
    to: (u32, u32),
    words_to: &[WordId],
    reach: u32,
) -> Option<u32> {
    let len = key.len() as u32;
    if key.contains(&NO_WORD) || to.1 < to.0 + len {
        return None;
    }
    for distance in 0..=reach {
        for at in [
            estimate.checked_sub(distance),
            estimate.checked_add(distance),
        ] {
            let Some(at) = at.filter(|&at| at >= to.0 && at <= to.1 - len) else {
                continue;
            };
            if &words_to[at as usize..(at + len) as usize] == key {
                return Some(at);
            }
        }
    }
    None
}

/// Tokens by which the two sides' paragraph breaks may miss each other and still be one break.
const BREAK_SLACK: u32 = 3;

/// Where each document's text breaks into paragraphs, as the copies see it. A paragraph
/// break of a document is the text's own when at least half of the alignments over it have a
/// break there on the other side too; one that most copies lack is an outlet's re-split of a
/// paragraph, and is dropped. A document that merged two paragraphs gains the break its copies
/// have, placed along the alignment where the words after the break stand in it: two outlets
/// that merged the same paragraphs still cut where the text breaks, and a paraphrase (whose
/// words are not there, so the break could only be placed in proportion) cuts nothing.
struct Breaks {
    /// For each document, the token positions where its text breaks, sorted.
    at: Vec<Vec<u32>>,
}

impl Breaks {
    fn new(alignments: &[Alignment], starts: &[Vec<u32>], words: &[Vec<WordId>]) -> Self {
        // Votes: does the other side break there too?
        let mut votes: Vec<Vec<(u32, u32)>> =
            starts.iter().map(|s| vec![(0, 0); s.len()]).collect();
        for placed in place_breaks(alignments, starts, words, |_, _| true) {
            let vote = &mut votes[placed.doc as usize][placed.paragraph as usize];
            vote.1 += 1;
            vote.0 += u32::from(placed.other_breaks);
        }
        let own: Vec<Vec<bool>> = votes
            .into_iter()
            .map(|v| v.into_iter().map(|(yes, all)| 2 * yes >= all).collect())
            .collect();
        let mut at: Vec<Vec<u32>> = starts
            .iter()
            .zip(&own)
            .map(|(s, own)| {
                s.iter()
                    .zip(own)
                    .filter(|(_, &o)| o)
                    .map(|(&t, _)| t)
                    .collect()
            })
            .collect();
        // The text's breaks that a document merged away, placed along the alignment.
        let merged_away = place_breaks(alignments, starts, words, |d, k| own[d][k])
            .into_iter()
            .filter(|placed| !placed.other_breaks && placed.found)
            .map(|placed| (placed.other, placed.position));
        for (e, position) in merged_away {
            at[e as usize].push(position);
        }
        for breaks in &mut at {
            breaks.sort_unstable();
            breaks.dedup_by(|later, earlier| *later <= *earlier + BREAK_SLACK);
        }
        Breaks { at }
    }

    /// Whether the tokens `range` of document `d` are one unit of the text: they start and end
    /// where it breaks (or where the document does), with no break inside.
    fn is_unit(&self, d: usize, range: Range<u32>) -> bool {
        let at = &self.at[d];
        let starts_one = range.start == 0 || at.binary_search(&range.start).is_ok();
        let last = at.last().is_none_or(|&l| l < range.end);
        let ends_one = last || at.binary_search(&range.end).is_ok();
        starts_one && ends_one && self.inside(d, (range.start, range.end)).next().is_none()
    }

    /// Document `d`'s breaks strictly inside `range`.
    fn inside(&self, d: usize, range: (u32, u32)) -> impl Iterator<Item = u32> + '_ {
        let at = &self.at[d];
        breaks_inside(at, range).map(move |k| at[k])
    }
}

/// A paragraph break of one side of an alignment, placed on the other side.
struct PlacedBreak {
    /// The document and paragraph whose start the break is.
    doc: u32,
    paragraph: u32,
    /// The other side's document, and where the break falls there.
    other: u32,
    position: u32,
    /// Whether the words after the break were found on the other side (not a proportional
    /// estimate).
    found: bool,
    /// Whether the other side breaks there too (within [`BREAK_SLACK`]).
    other_breaks: bool,
}

/// Every paragraph break inside either side of every alignment for which `wanted(document,
/// paragraph)` holds, placed on the other side.
fn place_breaks(
    alignments: &[Alignment],
    starts: &[Vec<u32>],
    words: &[Vec<WordId>],
    wanted: impl Fn(usize, usize) -> bool + Sync,
) -> Vec<PlacedBreak> {
    let wanted = &wanted;
    alignments
        .par_iter()
        .flat_map_iter(|alignment| {
            let a = (alignment.a as usize, alignment.tokens_a);
            let b = (alignment.b as usize, alignment.tokens_b);
            [(a, b), (b, a)]
                .into_iter()
                .flat_map(move |((d, range), (e, other_range))| {
                    breaks_inside(&starts[d], range)
                        .filter(move |&k| wanted(d, k))
                        .map(move |k| {
                            let (position, found) = map_position(
                                starts[d][k],
                                range,
                                other_range,
                                &words[d],
                                &words[e],
                            );
                            PlacedBreak {
                                doc: d as u32,
                                paragraph: k as u32,
                                other: e as u32,
                                position,
                                found,
                                other_breaks: nearest(&starts[e], other_range, position).is_some(),
                            }
                        })
                })
        })
        .collect()
}

/// Indices of the positions of sorted `starts` strictly inside `range`.
fn breaks_inside(starts: &[u32], range: (u32, u32)) -> impl Iterator<Item = usize> + '_ {
    let first = starts.partition_point(|&s| s <= range.0);
    (first..starts.len()).take_while(move |&k| starts[k] < range.1)
}

/// The position of sorted `starts` strictly inside `range` nearest to `position`, within
/// [`BREAK_SLACK`].
fn nearest(starts: &[u32], range: (u32, u32), position: u32) -> Option<u32> {
    breaks_inside(starts, range)
        .map(|k| starts[k])
        .filter(|&t| t.abs_diff(position) <= BREAK_SLACK)
        .min_by_key(|&t| t.abs_diff(position))
}

/// The pieces of `alignment` as token ranges (side a, side b), into `out`: cut at the text's
/// own paragraph breaks of either side, placed on the other side along the alignment (on its
/// break when it has one there). An outlet's re-split does not cut, so its piece spans both
/// halves; a paragraph its outlet merged is cut where the text breaks. A piece shorter than
/// `min_tokens` on either side (a paragraph of a few words) stays joined to the next one, or
/// to the one before at the end; a short tail that stops inside a paragraph is left out.
fn cut_at_paragraphs(
    alignment: &Alignment,
    breaks: &Breaks,
    words: &[Vec<WordId>],
    min_tokens: u32,
    out: &mut Vec<(Range<u32>, Range<u32>)>,
) {
    let (a, b) = (alignment.a as usize, alignment.b as usize);
    let (ra, rb) = (alignment.tokens_a, alignment.tokens_b);
    let mut cuts: Vec<(u32, u32)> = Vec::new();
    for s in breaks.inside(a, ra) {
        let mapped = map_position(s, ra, rb, &words[a], &words[b]).0;
        cuts.push((s, nearest(&breaks.at[b], rb, mapped).unwrap_or(mapped)));
    }
    for t in breaks.inside(b, rb) {
        let mapped = map_position(t, rb, ra, &words[b], &words[a]).0;
        cuts.push((nearest(&breaks.at[a], ra, mapped).unwrap_or(mapped), t));
    }
    cuts.sort_unstable();
    let first = out.len();
    let mut last = (ra.0, rb.0);
    for (s, t) in cuts {
        if s >= last.0 + min_tokens && t >= last.1 + min_tokens {
            out.push((last.0..s, last.1..t));
            last = (s, t);
        } else if (s > last.0 && t == last.1) || (s == last.0 && t > last.1) {
            // Text only one side has between two of its breaks (a paragraph one outlet
            // inserted): no piece holds it.
            last = (s, t);
        }
    }
    let tail_is_short = ra.1 < last.0 + min_tokens || rb.1 < last.1 + min_tokens;
    if tail_is_short && out.len() > first {
        // A short tail that ends where both texts break is a paragraph of a few words: it
        // joins the piece before. One that stops inside a paragraph is where the alignment
        // gave out (a paraphrase running a few words on): it is left out.
        // (A break the tail starts at is not one it ends at: an alignment that runs two words
        // past a paragraph's end ends within the slack of that break.)
        let ends_paragraph = |d: usize, start: u32, end: u32| {
            let at = &breaks.at[d];
            let next = at.partition_point(|&k| k <= start.max(end.saturating_sub(BREAK_SLACK)));
            end as usize + BREAK_SLACK as usize >= words[d].len()
                || at.get(next).is_some_and(|&k| k <= end + BREAK_SLACK)
        };
        if !(ends_paragraph(a, last.0, ra.1) && ends_paragraph(b, last.1, rb.1)) {
            return;
        }
        let (pa, pb) = out.pop().expect("a piece before the tail");
        last = (pa.start, pb.start);
    }
    out.push((last.0..ra.1, last.1..rb.1));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_map_to_where_their_words_stand() {
        // b has two extra words at its start: position 10 of a is position 12 of b.
        let a: Vec<WordId> = (0..40).collect();
        let mut b: Vec<WordId> = vec![100, 101];
        b.extend(0..40);
        assert_eq!(map_position(10, (0, 40), (0, 42), &a, &b).0, 12);
        // Without the words, in proportion.
        let c: Vec<WordId> = (200..242).collect();
        assert_eq!(map_position(10, (0, 40), (0, 42), &a, &c).0, 10);
        let e: Vec<WordId> = (0..40).collect();
        // A break after 10 inserted words, with the word at it edited (60 for 10): neither the
        // words starting nor those ending there are in e; those a word further on are.
        let mut f: Vec<WordId> = (0..10).collect();
        f.extend(100..110);
        f.extend(10..40);
        f[20] = 60;
        assert_eq!(map_position(20, (0, 50), (0, 40), &f, &e).0, 10);
    }

    /// Pieces of alignments over the whole of documents of 40 equal words, each document
    /// starting paragraphs at the given tokens; `pairs` are the aligned documents.
    fn pieces_of(
        starts: &[Vec<u32>],
        pairs: &[(u32, u32)],
        min_tokens: u32,
    ) -> Vec<Vec<(Range<u32>, Range<u32>)>> {
        let words: Vec<Vec<WordId>> = starts.iter().map(|_| (0..40).collect()).collect();
        let alignments: Vec<Alignment> = pairs
            .iter()
            .map(|&(a, b)| alignment(a, b, (0, 40), (0, 40)))
            .collect();
        let breaks = Breaks::new(&alignments, starts, &words);
        alignments
            .iter()
            .map(|alignment| {
                let mut out = Vec::new();
                cut_at_paragraphs(alignment, &breaks, &words, min_tokens, &mut out);
                out
            })
            .collect()
    }

    #[test]
    fn a_re_split_paragraph_is_not_cut_and_a_merged_one_is() {
        // Docs 0 and 1 keep the text's paragraphs (breaks at 20); doc 2 split both in two
        // (10, 20, 30); doc 3 merged them into one.
        let starts = [vec![0, 20], vec![0, 20], vec![0, 10, 20, 30], vec![0]];
        let pieces = pieces_of(&starts, &[(0, 1), (0, 2), (1, 2), (0, 3), (2, 3)], 8);
        let halves = vec![(0..20, 0..20), (20..40, 20..40)];
        // Doc 2's own breaks (10, 30) are in no other copy: its pieces span both halves.
        assert_eq!(pieces[1], halves);
        assert_eq!(pieces[2], halves);
        // Doc 3's merged paragraph is cut where the text breaks, against either copy.
        assert_eq!(pieces[3], halves);
        assert_eq!(pieces[4], halves);
    }

    #[test]
    fn a_paragraph_of_a_few_words_joins_the_next_piece_or_the_one_before() {
        // Paragraphs of 15, 3, 14 and 8 words; pieces are at least 8 words.
        let starts = [vec![0, 15, 18, 32], vec![0, 15, 18, 32]];
        let pieces = pieces_of(&starts, &[(0, 1)], 8);
        assert_eq!(
            pieces[0],
            vec![(0..15, 0..15), (15..32, 15..32), (32..40, 32..40)]
        );
        let starts = [vec![0, 15, 35], vec![0, 15, 35]];
        let pieces = pieces_of(&starts, &[(0, 1)], 8);
        assert_eq!(pieces[0], vec![(0..15, 0..15), (15..40, 15..40)]);
    }

    #[test]
    fn an_alignment_that_gives_out_a_few_words_into_a_paragraph_leaves_those_words_out() {
        // Two paragraphs of 20 words in both documents; a paraphrase's alignment runs over the
        // first and five words into the second. Those five words joined the piece before, and
        // the first paragraph's occurrence then ran into the second; a paragraph of a few words
        // at the end of both (paragraphs of 20, 15 and 5) still joins the piece before.
        let starts = [vec![0, 20], vec![0, 20]];
        let words: Vec<Vec<WordId>> = starts.iter().map(|_| (0..40).collect()).collect();
        let pieces = pieces_of_one(&starts, &words, alignment(0, 1, (0, 25), (0, 25)));
        assert_eq!(pieces, vec![(0..20, 0..20)]);
        let starts = [vec![0, 20, 35], vec![0, 20, 35]];
        let pieces = pieces_of(&starts, &[(0, 1)], 8);
        assert_eq!(pieces[0], vec![(0..20, 0..20), (20..40, 20..40)]);
    }

    #[test]
    fn an_alignment_two_words_past_a_paragraph_s_end_leaves_those_words_out() {
        // Two paragraphs of 20 words in both documents; the alignment stops two words into the
        // second. Its end lies within the slack of the break it runs past, which counted as
        // ending where both texts break: the two words joined the piece (the sample's
        // quotation member ran on into "The" of the next paragraph).
        let starts = [vec![0, 20], vec![0, 20]];
        let words: Vec<Vec<WordId>> = starts.iter().map(|_| (0..40).collect()).collect();
        let pieces = pieces_of_one(&starts, &words, alignment(0, 1, (0, 22), (0, 22)));
        assert_eq!(pieces, vec![(0..20, 0..20)]);
    }

    #[test]
    fn a_paragraph_one_copy_inserted_after_another_is_in_no_piece() {
        // Doc 0: paragraphs of 20 and 20 words; doc 1 inserted 15 words of its own between
        // them (a paragraph of its own). The break before the insertion has no words after it
        // in doc 0: it was placed in proportion, missed doc 0's break, was not the text's, and
        // the first paragraph's piece in doc 1 ran on over the inserted paragraph.
        let starts = [vec![0, 20], vec![0, 20, 35]];
        let mut inserted: Vec<WordId> = (0..20).collect();
        inserted.extend(100..115);
        inserted.extend(20..40);
        let words = vec![(0..40).collect::<Vec<WordId>>(), inserted];
        let pieces = pieces_of_one(&starts, &words, alignment(0, 1, (0, 40), (0, 55)));
        assert_eq!(pieces, vec![(0..20, 0..20), (20..40, 35..55)]);
    }

    /// The pieces of `alignment`, the only alignment of documents whose paragraphs start at
    /// `starts` and whose words are `words` (pieces of 8 tokens or more).
    fn pieces_of_one(
        starts: &[Vec<u32>],
        words: &[Vec<WordId>],
        alignment: Alignment,
    ) -> Vec<(Range<u32>, Range<u32>)> {
        let breaks = Breaks::new(std::slice::from_ref(&alignment), starts, words);
        let mut pieces = Vec::new();
        cut_at_paragraphs(&alignment, &breaks, words, 8, &mut pieces);
        pieces
    }

    /// Paragraphs of `counts` tokens each, five bytes a token.
    fn paragraphs(counts: &[u32]) -> Vec<Paragraph> {
        let mut first = 0;
        counts
            .iter()
            .map(|&n| {
                let span = Span::new(first as usize * 5, (first + n) as usize * 5 - 1);
                first += n;
                Paragraph {
                    span,
                    tokens: n,
                    fingerprinted: true,
                    key: 0,
                }
            })
            .collect()
    }

    fn alignment(a: u32, b: u32, tokens_a: (u32, u32), tokens_b: (u32, u32)) -> Alignment {
        let n = tokens_a.1 - tokens_a.0;
        Alignment {
            a,
            b,
            span_a: Span::new(0, 1),
            span_b: Span::new(0, 1),
            tokens_a,
            tokens_b,
            matched: n,
            columns: n,
            score: n as i32,
            ops: Vec::new(),
        }
    }

    #[test]
    fn a_break_whose_first_word_one_copy_edited_still_cuts_both() {
        // Two paragraphs of 20 words; doc 1 added 10 words to the first and edited the first
        // word of the second (99 for 20). The words a word past each break still place it on
        // the other side, so both copies are cut where the text breaks; placed in proportion
        // (5 tokens off) the breaks were taken for re-splits and the copies stayed one piece.
        let a: Vec<WordId> = (0..40).collect();
        let mut b: Vec<WordId> = (0..10).collect();
        b.extend(100..110);
        b.extend(10..40);
        b[30] = 99;
        let words = vec![a, b];
        let starts = vec![vec![0, 20], vec![0, 30]];
        let pieces = pieces_of_one(&starts, &words, alignment(0, 1, (0, 40), (0, 50)));
        assert_eq!(pieces, vec![(0..20, 0..30), (20..40, 30..50)]);
    }

    #[test]
    fn a_break_a_paraphrase_places_only_in_proportion_does_not_cut_verbatim_copies() {
        // Docs 0 and 1 are one verbatim paragraph of 40 words; docs 2, 3 and 4 are a paraphrase
        // (other words) in two paragraphs, breaking at 20. Doc 2's break is the text's own (two
        // of its four alignments break there too), but on docs 0 and 1 its words are nowhere:
        // placed in proportion along the paraphrase's alignment (at 18, two words off) it cut
        // the verbatim copies where neither breaks, and a lead came out two words short.
        let verbatim: Vec<WordId> = (0..40).collect();
        let paraphrase: Vec<WordId> = (100..140).collect();
        let words = vec![
            verbatim.clone(),
            verbatim,
            paraphrase.clone(),
            paraphrase.clone(),
            paraphrase,
        ];
        let starts = vec![vec![0], vec![0], vec![0, 20], vec![0, 20], vec![0, 20]];
        let alignments = [
            alignment(0, 1, (0, 40), (0, 40)),
            alignment(2, 3, (0, 40), (0, 40)),
            alignment(2, 4, (0, 40), (0, 40)),
            alignment(0, 2, (4, 32), (0, 40)),
            alignment(1, 2, (4, 32), (0, 40)),
        ];
        let breaks = Breaks::new(&alignments, &starts, &words);
        assert_eq!(breaks.at[2], vec![0, 20]);
        assert_eq!(breaks.at[0], vec![0]);
        let mut pieces = Vec::new();
        cut_at_paragraphs(&alignments[0], &breaks, &words, 8, &mut pieces);
        assert_eq!(pieces, vec![(0..40, 0..40)]);
    }

    #[test]
    fn a_paragraph_only_one_copy_has_is_in_no_piece() {
        // Doc 0 inserted a paragraph of 14 words after the first (starting, as it happens,
        // with the same three words as the next one); doc 1 carries the text alone. Both of
        // doc 0's breaks around it fall on doc 1's one break: the inserted words are left out
        // of every piece instead of being glued to the next paragraph.
        let mut a: Vec<WordId> = (0..20).collect();
        a.extend([20, 21, 22]);
        a.extend(103..114);
        a.extend(20..66);
        let b: Vec<WordId> = (0..66).collect();
        let words = vec![a, b];
        let starts = vec![vec![0, 20, 34, 54], vec![0, 20, 40]];
        let pieces = pieces_of_one(&starts, &words, alignment(0, 1, (0, 80), (0, 66)));
        assert_eq!(
            pieces,
            vec![(0..20, 0..20), (34..54, 20..40), (54..80, 40..66)]
        );
    }

    #[test]
    fn a_short_paragraph_whose_copies_ride_with_different_neighbours_is_a_cluster_of_its_own() {
        // Two documents: paragraphs of 20, 4 and 20 words, the 4-word one (a table line) the
        // same text in both. Doc 0's copy rides along with the paragraph before it, doc 1's
        // with the one after (pieces shorter than min_tokens join a neighbour), so no one
        // cluster held both copies and the copies were not linked.
        let mut paras = vec![paragraphs(&[20, 4, 20]), paragraphs(&[20, 4, 20])];
        for doc in &mut paras {
            doc[1].key = 42;
        }
        let member = |doc: u32, first: usize, last: usize| Occurrence {
            doc,
            span: Span::new(first * 5, last * 5 - 1),
            similarity: 1.0,
            containment: 1.0,
            method: Method::Passage,
        };
        let clusters = vec![
            SpanCluster::with_longest_representative(vec![member(0, 0, 24), member(1, 0, 20)]),
            SpanCluster::with_longest_representative(vec![member(0, 24, 44), member(1, 20, 44)]),
        ];
        let input = GroupInput {
            paragraph_clusters: &[],
            nodes: &[],
            alignments: &[],
            paragraphs: &paras,
            words: &[],
            quoted: &|_| Vec::new(),
            threshold: 0.5,
            min_tokens: 8,
            excluded: &[],
        };
        let exact = exact_copy_clusters(&input, &clusters);
        assert_eq!(exact.len(), 1);
        let spans: Vec<(u32, Span)> = exact[0].members.iter().map(|m| (m.doc, m.span)).collect();
        assert_eq!(
            spans,
            vec![(0, Span::new(100, 119)), (1, Span::new(100, 119))]
        );
        // Held together by one cluster, the copies need no cluster of their own.
        let together = vec![SpanCluster::with_longest_representative(vec![
            member(0, 0, 24),
            member(1, 0, 24),
        ])];
        assert!(exact_copy_clusters(&input, &together).is_empty());
    }

    /// The clusters of `alignments` alone (no paragraph clusters) between documents of
    /// `words` and `paras` (five bytes a token).
    fn group_alignments(
        words: &[Vec<WordId>],
        paras: &[Vec<Paragraph>],
        alignments: &[Alignment],
    ) -> Vec<SpanCluster> {
        let input = GroupInput {
            paragraph_clusters: &[],
            nodes: &[],
            alignments,
            paragraphs: paras,
            words,
            quoted: &|_| Vec::new(),
            threshold: 0.5,
            min_tokens: 8,
            excluded: &[],
        };
        let locate = |_doc: u32, tokens: Range<u32>, out: &mut Vec<Span>| {
            out.extend(tokens.map(|t| Span::new(t as usize * 5, t as usize * 5 + 4)));
        };
        group(&input, &locate)
    }

    #[test]
    fn separate_passages_of_one_document_stay_separate_clusters() {
        // An aggregator page (doc 0) embeds two unrelated stories, one shared with doc 1 and
        // one with doc 2.
        let words: Vec<Vec<WordId>> =
            vec![(0..60).collect(), (0..30).collect(), (30..60).collect()];
        let paras = vec![paragraphs(&[30, 30]), paragraphs(&[30]), paragraphs(&[30])];
        let alignments = [
            alignment(0, 1, (0, 30), (0, 30)),
            alignment(0, 2, (30, 60), (0, 30)),
        ];
        let clusters = group_alignments(&words, &paras, &alignments);
        let members: Vec<Vec<(u32, usize, usize)>> = clusters
            .iter()
            .map(|c| {
                c.members
                    .iter()
                    .map(|m| (m.doc, m.span.start, m.span.end))
                    .collect()
            })
            .collect();
        assert_eq!(
            members,
            vec![
                vec![(0, 0, 149), (1, 0, 149)],
                vec![(0, 150, 299), (2, 0, 149)]
            ]
        );
    }

    #[test]
    fn a_paragraph_whose_sentences_a_copy_reordered_is_one_member() {
        // Doc 0: a paragraph of two sentences of 12 words (0..12, 12..24), then one of 20;
        // doc 1 (a paraphrase) put the second sentence first. Alignment is monotone: one
        // passage per sentence, crossing, neither most of the paragraph, so the paragraph
        // was in no cluster (only each sentence was).
        let first: Vec<WordId> = (0..12).collect();
        let second: Vec<WordId> = (12..24).collect();
        let last: Vec<WordId> = (24..44).collect();
        let words = vec![
            [first.clone(), second.clone(), last.clone()].concat(),
            [second, first, last].concat(),
        ];
        let paras = vec![paragraphs(&[24, 20]), paragraphs(&[24, 20])];
        let alignments = [
            alignment(0, 1, (0, 12), (12, 24)),
            alignment(0, 1, (12, 24), (0, 12)),
            alignment(0, 1, (24, 44), (24, 44)),
        ];
        let clusters = group_alignments(&words, &paras, &alignments);
        let whole_paragraph = clusters.iter().any(|c| {
            c.members
                .iter()
                .map(|m| (m.doc, m.span))
                .collect::<Vec<_>>()
                == vec![(0, Span::new(0, 119)), (1, Span::new(0, 119))]
        });
        assert!(whole_paragraph, "{clusters:#?}");
    }

    #[test]
    fn a_long_quotation_with_its_attribution_in_two_stories_framings_is_not_one_text() {
        // Paragraphs of 40 words: a framing sentence of 6 words, 28 quoted words and an
        // attribution of 6 ("said Central bank governor Hannah Smith") both stories carry.
        // They share 34 of 40 words, past NEARLY_ALL, which made them one text however they
        // were framed: two stories joined (114 false document pairs on a 100 MB corpus).
        let quote_and_attribution: Vec<WordId> = (100..134).collect();
        let with_framing = |framing: Range<WordId>| -> Vec<WordId> {
            framing
                .chain(quote_and_attribution.iter().copied())
                .collect()
        };
        let words = vec![with_framing(0..6), with_framing(50..56), with_framing(0..6)];
        let quoted_range: Range<u32> = 6..34;
        let quoted = |_: u32| std::slice::from_ref(&quoted_range);
        let piece = |doc: u32| Piece::passage(doc, 0..40, 1.0);
        let mut bags = WordBags::default();
        assert!(!bags.same_text(&words, &quoted, &piece(0), &piece(1)));
        assert!(bags.same_text(&words, &quoted, &piece(0), &piece(2)));
        // A copy whose quotation marks fall elsewhere (an outlet split the paragraph inside
        // the quotation) is still the same text: its framing words are in the other.
        let split_quote: Range<u32> = 0..20;
        let quoted_apart = |doc: u32| {
            std::slice::from_ref(if doc == 2 {
                &split_quote
            } else {
                &quoted_range
            })
        };
        assert!(bags.same_text(&words, &quoted_apart, &piece(0), &piece(2)));
    }

    #[test]
    fn one_quotation_in_two_framings_is_not_the_same_text() {
        // Paragraphs of 30 words: 10 of framing, then 20 quoted words all three share.
        let quote: Vec<WordId> = (100..120).collect();
        let with_framing = |framing: Range<WordId>| -> Vec<WordId> {
            framing.chain(quote.iter().copied()).collect()
        };
        let words = vec![
            with_framing(0..10),
            with_framing(0..10),
            with_framing(50..60),
        ];
        let quoted_range: Range<u32> = 10..30;
        let quoted = |_: u32| std::slice::from_ref(&quoted_range);
        let piece = |doc: u32| Piece::passage(doc, 0..30, 1.0);
        let mut bags = WordBags::default();
        assert!(bags.same_text(&words, &quoted, &piece(0), &piece(1)));
        assert!(!bags.same_text(&words, &quoted, &piece(0), &piece(2)));
        // The quotation alone, in both, is one text.
        let quotation = |doc: u32| Piece::passage(doc, 10..30, 1.0);
        assert!(bags.same_text(&words, &quoted, &quotation(0), &quotation(2)));
    }

    #[test]
    fn stretches_are_mostly_the_same_words() {
        assert!(same_stretch(&(0..100), &(5..95)));
        // A quotation of 30 words inside a paragraph of 100 is a text of its own.
        assert!(!same_stretch(&(0..100), &(40..70)));
    }
}
