//! Splitting a document's text into paragraphs with byte spans.
//!
//! In: a document's text. Out: the [`Span`]s of its paragraphs, in order, trimmed of surrounding
//! white space, never empty, never overlapping.
//!
//! Documents come in two layouts, often mixed in one file: paragraphs separated by blank lines
//! (with hard-wrapped lines inside a paragraph), or one paragraph per line. A blank-line block
//! is read as one hard-wrapped paragraph when all its lines are short (at most
//! [`WRAP_WIDTH`] characters); as soon as one line is longer, nobody wrapped it, and every line
//! of the block is a paragraph of its own. Short lines such as "Share" or "ADVERTISEMENT" stay
//! paragraphs here; later stages decide whether they are long enough to fingerprint.

use crate::doc::Span;

/// The longest line, in characters, that is taken for a hard-wrapped line of a longer paragraph.
pub const WRAP_WIDTH: usize = 100;

/// The paragraphs of `text`, in order.
pub fn paragraphs(text: &str) -> Vec<Span> {
    let mut out = Vec::new();
    let mut block: Vec<Span> = Vec::new();
    for line in line_spans(text) {
        if line.is_empty() {
            flush_block(text, &block, &mut out);
            block.clear();
        } else {
            block.push(line);
        }
    }
    flush_block(text, &block, &mut out);
    out
}

/// Lines of `text` trimmed of white space; a blank line is an empty span.
fn line_spans(text: &str) -> impl Iterator<Item = Span> + '_ {
    let mut offset = 0usize;
    text.split('\n').map(move |line| {
        let start = offset;
        offset += line.len() + 1;
        trimmed(text, Span::new(start, start + line.len()))
    })
}

/// `span` without leading and trailing white space (an empty span if nothing is left).
fn trimmed(text: &str, span: Span) -> Span {
    let slice = span.slice(text);
    let start_trimmed = slice.trim_start();
    let start = span.start + (slice.len() - start_trimmed.len());
    let end = start + start_trimmed.trim_end().len();
    Span::new(start, end)
}

fn flush_block(text: &str, block: &[Span], out: &mut Vec<Span>) {
    let (Some(first), Some(last)) = (block.first(), block.last()) else {
        return;
    };
    // Bytes bound characters from above, so only lines longer in bytes need counting.
    let is_short = |line: &Span| {
        line.len() <= WRAP_WIDTH || line.slice(text).chars().nth(WRAP_WIDTH).is_none()
    };
    if block.iter().all(is_short) {
        out.push(Span::new(first.start, last.end));
    } else {
        out.extend_from_slice(block);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts<'a>(text: &'a str, spans: &[Span]) -> Vec<&'a str> {
        spans.iter().map(|s| s.slice(text)).collect()
    }

    #[test]
    fn blank_line_blocks_are_paragraphs() {
        let text = "First para.\n\n  Second para.  \n\n\nThird.";
        assert_eq!(
            texts(text, &paragraphs(text)),
            ["First para.", "Second para.", "Third."]
        );
    }

    #[test]
    fn hard_wrapped_lines_stay_one_paragraph() {
        let text = "A paragraph wrapped\nat a short width\nover three lines.\n\nNext one.";
        assert_eq!(
            texts(text, &paragraphs(text)),
            [
                "A paragraph wrapped\nat a short width\nover three lines.",
                "Next one."
            ]
        );
    }

    #[test]
    fn long_lines_are_one_paragraph_each() {
        let long = "word ".repeat(30);
        let long = long.trim();
        let text = format!("Headline\n{long}\n{long}\r\n\nShare");
        let got = texts(&text, &paragraphs(&text));
        assert_eq!(got, ["Headline", long, long, "Share"]);
    }

    #[test]
    fn empty_and_whitespace_only_text_has_no_paragraphs() {
        assert!(paragraphs("").is_empty());
        assert!(paragraphs(" \n\t\n\u{a0}\n").is_empty());
    }

    #[test]
    fn spans_lie_on_char_boundaries_with_multibyte_text() {
        let text = "\u{a0}“Quoted” text — here\u{a0}\n\nÉtape deux";
        for span in paragraphs(text) {
            assert!(text.is_char_boundary(span.start) && text.is_char_boundary(span.end));
        }
        assert_eq!(
            texts(text, &paragraphs(text)),
            ["“Quoted” text — here", "Étape deux"]
        );
    }
}
