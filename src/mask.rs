//! What takes no part in matching: credit paragraphs and credit lines, and boilerplate.
//!
//! In: each document's paragraphs, credits and boilerplate marks. Out: which paragraphs are
//! credit paragraphs ([`credit_paragraphs`]) and which take no part in matching
//! ([`excluded_paragraphs`]), and word numbers with every excluded token set
//! to [`NO_WORD`] ([`mask_for_alignment`]), so that no alignment anchors in them or runs
//! through them. Credits are the evidence of where text came from, not shared text.

use rayon::prelude::*;

use crate::attribute::credits::{Credit, CreditKind};
use crate::doc::{Document, Paragraph, Span};
use crate::fingerprint::paragraph_words;
use crate::normalize::{WordId, NO_WORD};

/// Longest paragraph, in bytes, that a credit line in it makes a credit paragraph.
const CREDIT_PARAGRAPH: usize = 400;

/// Bytes from a paragraph's start within which a credit line must begin to make it a credit
/// paragraph ("(c) Copyright Reuters", "(With reporting by AFP)").
const CREDIT_LEAD: usize = 8;

/// For each of a document's paragraphs, whether it is a credit paragraph: a short paragraph
/// that opens with a credit line other than a dateline (contribution lines, sign-offs, bylines
/// and copyright notices with their "All rights reserved…"). A dateline opens a paragraph of
/// story text, and a credit run into its end ("… he said. — AFP") closes one: both stay.
pub fn credit_paragraphs(paragraphs: &[Paragraph], credits: &[Credit]) -> Vec<bool> {
    paragraphs
        .iter()
        .map(|p| {
            p.span.len() <= CREDIT_PARAGRAPH
                && credits.iter().any(|c| {
                    c.kind != CreditKind::Dateline
                        && p.span.start <= c.span.start
                        && c.span.start <= p.span.start + CREDIT_LEAD
                        && c.span.end <= p.span.end
                })
        })
        .collect()
}

/// For each document, which paragraphs take no part in matching: those `boilerplate` marks,
/// and credit paragraphs ([`credit_paragraphs`]: a copyright notice is in every copy of an
/// agency's stories).
pub fn excluded_paragraphs(
    boilerplate: &[Vec<bool>],
    paragraphs: &[Vec<Paragraph>],
    credits: &[Vec<Credit>],
) -> Vec<Vec<bool>> {
    let mut excluded = boilerplate.to_vec();
    for (doc, marks) in excluded.iter_mut().enumerate() {
        for (mark, is_credit) in marks
            .iter_mut()
            .zip(credit_paragraphs(&paragraphs[doc], &credits[doc]))
        {
            *mark |= is_credit;
        }
    }
    excluded
}

/// Numbers every token of an excluded paragraph (boilerplate, a credit paragraph) or credit
/// line [`NO_WORD`], which matches nothing, so that no alignment anchors in them or runs
/// through them. `doc_tokens[d]` holds document `d`'s word numbers in text order.
pub fn mask_for_alignment(
    doc_tokens: &mut [Vec<WordId>],
    documents: &[Document],
    paragraphs: &[Vec<Paragraph>],
    excluded: &[Vec<bool>],
    credits: &[Vec<Credit>],
) {
    doc_tokens
        .par_iter_mut()
        .enumerate()
        .for_each(|(doc, tokens)| {
            let mut masked: Vec<Span> = credits[doc].iter().map(|c| c.span).collect();
            masked.extend(
                paragraphs[doc]
                    .iter()
                    .zip(&excluded[doc])
                    .filter(|(_, &b)| b)
                    .map(|(p, _)| p.span),
            );
            if masked.is_empty() {
                return;
            }
            // Disjoint and sorted, then one walk along the tokens (which are in text order).
            masked.sort_unstable();
            let mut merged: Vec<Span> = Vec::with_capacity(masked.len());
            for span in masked {
                match merged.last_mut() {
                    Some(last) if span.start <= last.end => last.end = last.end.max(span.end),
                    _ => merged.push(span),
                }
            }
            let mut mask_token = |position: u32| tokens[position as usize] = NO_WORD;
            let within =
                |inner: Span, outer: &Span| outer.start <= inner.start && inner.end <= outer.end;
            // The masks touching each paragraph, one walk along both (both in text order); a
            // paragraph's words are found again only where masks cover part of it.
            let mut next = 0;
            let mut first = 0u32;
            for paragraph in &paragraphs[doc] {
                let range = first..first + paragraph.tokens;
                first = range.end;
                while next < merged.len() && merged[next].end <= paragraph.span.start {
                    next += 1;
                }
                let touching = merged[next..]
                    .iter()
                    .take_while(|mask| mask.start < paragraph.span.end)
                    .count();
                let touching = &merged[next..next + touching];
                if touching.iter().any(|mask| within(paragraph.span, mask)) {
                    range.for_each(&mut mask_token);
                } else if !touching.is_empty() {
                    let words = range.zip(paragraph_words(&documents[doc].text, paragraph));
                    for (position, word) in words {
                        if touching.iter().any(|mask| within(word, mask)) {
                            mask_token(position);
                        }
                    }
                }
            }
        });
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::fingerprint::tests::{all_tokens, fingerprinted, TEXT};
    use crate::segment;

    #[test]
    fn masking_covers_credit_lines_inside_paragraphs_and_whole_boilerplate_paragraphs() {
        let doc = Document::new("a", TEXT);
        let fp = fingerprinted(&doc);
        let tokens = all_tokens(TEXT);
        let credit = Span::new(0, TEXT.find('—').unwrap());
        let credits = vec![vec![Credit {
            agency: "reuters".into(),
            kind: CreditKind::Dateline,
            span: credit,
        }]];
        let boilerplate = vec![vec![false, true, false]];
        let mut words = vec![fp.words.clone()];
        let documents = [doc];
        mask_for_alignment(
            &mut words,
            &documents,
            &[fp.paragraphs],
            &boilerplate,
            &credits,
        );
        let boilerplate_span = segment::paragraphs(TEXT)[1];
        for (token, &word) in tokens.iter().zip(&words[0]) {
            let span = token.span();
            let inside = |mask: Span| mask.start <= span.start && span.end <= mask.end;
            let masked = inside(credit) || inside(boilerplate_span);
            let expected = if masked { NO_WORD } else { token.word };
            assert_eq!(word, expected, "{:?}", span.slice(TEXT));
        }
        let masked = words[0].iter().filter(|&&word| word == NO_WORD);
        assert_eq!(masked.count(), 2 + 5, "MOSCOW Reuters, and the app line");
    }

    #[test]
    fn a_credit_run_into_the_end_of_a_story_paragraph_leaves_the_paragraph_in_matching() {
        let text = "The minister said on Tuesday that the talks would resume next week in Geneva, \
                    after two rounds ended without agreement. — AFP\n\n— AFP";
        let paragraphs: Vec<Paragraph> = segment::paragraphs(text)
            .into_iter()
            .map(|span| Paragraph {
                span,
                tokens: 0,
                fingerprinted: true,
                key: 0,
            })
            .collect();
        let credit = |span: Span| Credit {
            agency: "AFP".into(),
            kind: CreditKind::Tagline,
            span,
        };
        let inline = text.find("— AFP").unwrap();
        let own_line = text.rfind("— AFP").unwrap();
        let credits = [
            credit(Span::new(inline, inline + "— AFP".len())),
            credit(Span::new(own_line, text.len())),
        ];
        assert_eq!(credit_paragraphs(&paragraphs, &credits), [false, true]);
    }
}
