//! One side of an aligned passage as marked-up segments, for the renderers that show
//! alignments (text `compare`, HTML).
//!
//! In: a document's text and an [`Alignment`]. Out: the passage's text on that side as
//! consecutive [`Segment`]s — words marked as the same, changed or only on this side, and the
//! untouched text (spaces, punctuation) between them — which concatenate back to exactly the
//! passage's span.

use crate::align::{Alignment, Op};
use crate::doc::Span;

/// Which document of an alignment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    /// The first document.
    A,
    /// The second document.
    B,
}

/// How a word relates to the other side.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mark {
    /// The same word (after normalization) on both sides.
    Same,
    /// A different word faces it on the other side.
    Changed,
    /// Nothing faces it on the other side.
    Only,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
/// A piece of a document's text in a side-by-side view.
pub struct Segment<'a> {
    /// The text.
    pub text: &'a str,
    /// `None` for the text between words.
    pub mark: Option<Mark>,
}

/// The segments of `side` of `alignment`, covering its span exactly.
pub fn segments<'a>(text: &'a str, alignment: &Alignment, side: Side) -> Vec<Segment<'a>> {
    let span = match side {
        Side::A => alignment.span_a,
        Side::B => alignment.span_b,
    };
    let mut out = Vec::new();
    let mut at = span.start;
    let mut push = |word: Span, mark: Mark, out: &mut Vec<Segment<'a>>| {
        if word.start > at {
            out.push(Segment {
                text: &text[at..word.start],
                mark: None,
            });
        }
        out.push(Segment {
            text: word.slice(text),
            mark: Some(mark),
        });
        at = word.end;
    };
    for op in &alignment.ops {
        let word = match (side, *op) {
            (Side::A, Op::Match(a, _)) | (Side::B, Op::Match(_, a)) => Some((a, Mark::Same)),
            (Side::A, Op::Substitute(a, _)) | (Side::B, Op::Substitute(_, a)) => {
                Some((a, Mark::Changed))
            }
            (Side::A, Op::OnlyA(a)) | (Side::B, Op::OnlyB(a)) => Some((a, Mark::Only)),
            _ => None,
        };
        if let Some((word, mark)) = word {
            push(word, mark, &mut out);
        }
    }
    if span.end > at {
        out.push(Segment {
            text: &text[at..span.end],
            mark: None,
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::align::{align_two, AlignParams};
    use crate::normalize::Normalizer;
    use crate::params::Language;

    #[test]
    fn segments_cover_the_span_and_mark_the_edits() {
        let a = "They said: requires both countries to use all available means to provide aid.";
        let b = "requires both nations to use all available means, to provide aid!";
        let mut n = Normalizer::new(Language::English);
        let (mut ta, mut tb) = (Vec::new(), Vec::new());
        n.tokenize(a, 0, &mut ta);
        n.tokenize(b, 0, &mut tb);
        let al = &align_two(&ta, &tb, &AlignParams::default())[0];
        for (side, text, span) in [(Side::A, a, al.span_a), (Side::B, b, al.span_b)] {
            let segs = segments(text, al, side);
            let joined: String = segs.iter().map(|s| s.text).collect();
            assert_eq!(joined, span.slice(text));
            let changed: Vec<&str> = segs
                .iter()
                .filter(|s| s.mark == Some(Mark::Changed))
                .map(|s| s.text)
                .collect();
            assert_eq!(
                changed,
                [if side == Side::A {
                    "countries"
                } else {
                    "nations"
                }]
            );
        }
    }
}
