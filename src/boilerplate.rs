//! Boilerplate: paragraphs repeated where no copying is involved, found before matching.
//!
//! In: documents, their paragraphs (with normalized keys) and, from an index, verdicts by key.
//! Out: [`Boilerplate`]: which paragraphs are boilerplate (they take no part in matching) and
//! one cluster per group of equal boilerplate paragraphs (reported as `boilerplate`, never as
//! reuse). Boilerplate is text repeated within one document, only among one outlet's
//! documents, or a site-furniture line ("ADVERTISEMENT", "Share", "Related Articles", app
//! prompts…) repeated anywhere.

use std::sync::OnceLock;

use rayon::prelude::*;
use regex::Regex;
use rustc_hash::FxHashMap;

use crate::cluster::{Method, Occurrence, SpanCluster};
use crate::doc::{Document, Paragraph};

/// Boilerplate paragraphs and their clusters.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Boilerplate {
    /// One cluster per group of equal boilerplate paragraphs.
    pub clusters: Vec<SpanCluster>,
    /// For each document, which paragraphs are boilerplate.
    pub marks: Vec<Vec<bool>>,
}

/// Boilerplate among repeated paragraphs (equal after normalization): repeated within one
/// document, within one outlet, or furniture lines repeated anywhere. `verdicts` (from an
/// index, keyed by [`Paragraph::key`]) overrides the decision for the keys it holds, and can
/// mark a paragraph that occurs only once here.
pub fn find_boilerplate(
    documents: &[Document],
    paragraphs: &[Vec<Paragraph>],
    verdicts: Option<&FxHashMap<u64, bool>>,
) -> Boilerplate {
    let mut marks: Vec<Vec<bool>> = paragraphs.iter().map(|p| vec![false; p.len()]).collect();
    // Equal paragraphs by sorting (key, document, paragraph): groups come out in key order,
    // members in document order.
    let mut keyed: Vec<(u64, u32, u32)> = paragraphs
        .iter()
        .enumerate()
        .flat_map(|(d, paras)| {
            paras
                .iter()
                .enumerate()
                .filter(|(_, p)| p.key != 0)
                .map(move |(i, p)| (p.key, d as u32, i as u32))
        })
        .collect();
    keyed.par_sort_unstable();
    let mut clusters = Vec::new();
    let mut members: Vec<(u32, u32)> = Vec::new();
    for group in keyed.chunk_by(|a, b| a.0 == b.0) {
        let verdict = verdicts.and_then(|v| v.get(&group[0].0)).copied();
        if group.len() < 2 && verdict != Some(true) {
            continue;
        }
        members.clear();
        members.extend(group.iter().map(|&(_, d, i)| (d, i)));
        let is_boilerplate = verdict.unwrap_or_else(|| {
            let (d0, i0) = members[0];
            let text = paragraphs[d0 as usize][i0 as usize]
                .span
                .slice(&documents[d0 as usize].text);
            is_boilerplate_group(
                members
                    .iter()
                    .map(|&(d, _)| (u64::from(d), documents[d as usize].source.as_deref())),
                text,
            )
        });
        if !is_boilerplate {
            continue;
        }
        for &(d, i) in &members {
            marks[d as usize][i as usize] = true;
        }
        if members.len() < 2 {
            continue;
        }
        let occurrences: Vec<Occurrence> = members
            .iter()
            .map(|&(d, i)| Occurrence {
                doc: d,
                span: paragraphs[d as usize][i as usize].span,
                similarity: 1.0,
                containment: 1.0,
                method: Method::Paragraph,
            })
            .collect();
        clusters.push(SpanCluster {
            members: occurrences,
            representative: 0,
            links: Vec::new(),
        });
    }
    Boilerplate { clusters, marks }
}

/// Whether a group of equal paragraphs is boilerplate: all in one document, all from one
/// (named) outlet, or site furniture ("Advertisement", "Read more"). `members` gives each
/// holder's document (any id unique per document) and outlet; `text` is the paragraph.
pub fn is_boilerplate_group<'s>(
    mut members: impl Iterator<Item = (u64, Option<&'s str>)>,
    text: &str,
) -> bool {
    let Some((first_doc, first_source)) = members.next() else {
        return false;
    };
    let (mut one_document, mut one_outlet) = (true, first_source.is_some());
    for (doc, source) in members {
        one_document &= doc == first_doc;
        one_outlet &= source == first_source;
    }
    one_document || one_outlet || furniture().is_match(text.trim())
}

/// Paragraphs that are site furniture wherever they appear (matched on the whole paragraph).
fn furniture() -> &'static Regex {
    static FURNITURE: OnceLock<Regex> = OnceLock::new();
    FURNITURE.get_or_init(|| {
        Regex::new(
            r"(?i)^(?:advertisement|advertising|sponsored(?: content)?|share(?: this(?: article| story)?)?|related(?: articles| stories| news| content)?|recent posts|read more|comments|no comments yet\.*|all news|similar news|close video|subscribe(?: now)?|(?:download|get) (?:the|our) app\b.*|click here to .{0,60}\bapp\b.*|sign up for .{0,60}newsletter.*|follow us on .{0,40}|more: .{0,200})$",
        )
        .expect("furniture pattern compiles")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn furniture_lines_are_recognised_whole() {
        for line in [
            "ADVERTISEMENT",
            "Share",
            "Related Articles",
            "CLICK HERE TO GET THE FOX NEWS APP",
            "More: North Korea conducts missile test",
        ] {
            assert!(furniture().is_match(line), "{line}");
        }
        assert!(
            !furniture().is_match("Share prices fell sharply on Monday after the announcement.")
        );
    }
}
