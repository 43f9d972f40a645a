//! Quotations: how much of a passage is inside quotation marks, and who is quoted.
//!
//! In: paragraph text. Out: the byte ranges inside quotation marks, and the speaker named next
//! to them ("Putin said", "said Putin", "KCNA quoted Kim as saying").
//!
//! Quotes are “…”, «…», „…“ and straight "…". News style leaves a quote open at the end of a
//! paragraph when it continues in the next one, so an unclosed quote runs to the paragraph's
//! end, and a closing mark with no opening one closes a quote that started before it.

use std::sync::OnceLock;

use regex::Regex;

/// Byte ranges of `paragraph` that lie inside quotation marks (marks included).
///
/// A quotation closes with a mark of the style that opened it: straight `"` with `"`, curly
/// `“` (or German `„`) with `”` (or `“`), guillemets with `»`. One left open runs to the end
/// of the paragraph (a quotation continued in the next), unless a double quotation mark of
/// another style opens after it: a quotation nested in a quotation takes single marks, so the
/// earlier mark was a stray (text mixing typewriter and typographic quotes, a mark left over
/// from an edit) and only the later quotation is quoted.
pub fn quoted_ranges(paragraph: &str) -> Vec<(usize, usize)> {
    #[derive(Clone, Copy, PartialEq)]
    enum Style {
        Straight,
        Curly,
        German,
        Guillemet,
    }
    let mut ranges = Vec::new();
    let mut open: Option<(usize, Style)> = None;
    for (i, c) in paragraph.char_indices() {
        let end = i + c.len_utf8();
        let closes = matches!(
            (c, open),
            ('"', Some((_, Style::Straight)))
                | ('”', Some((_, Style::Curly | Style::German)))
                | ('“', Some((_, Style::German)))
                | ('»', Some((_, Style::Guillemet)))
        );
        if closes {
            let (start, _) = open.take().expect("a quotation is open");
            ranges.push((start, end));
            continue;
        }
        let opens = match c {
            '"' => Some(Style::Straight),
            '“' => Some(Style::Curly),
            '„' => Some(Style::German),
            '«' => Some(Style::Guillemet),
            _ => None,
        };
        match (opens, open) {
            (Some(style), _) => open = Some((i, style)),
            (None, None) if matches!(c, '”' | '»') => {
                // Closes a quote begun in an earlier paragraph.
                ranges.push((0, end));
            }
            _ => {}
        }
    }
    if let Some((start, _)) = open {
        ranges.push((start, paragraph.len()));
    }
    ranges
}

/// Of `start..end` (relative to `paragraph`): the bytes of quotation (inside quotation marks,
/// or the attribution of a quotation of the paragraph: "said Defence Secretary Ingrid Smith")
/// and the words (runs of letters and digits) outside quotation marks. The attribution counts
/// in both: a quotation's tail and its attribution are mostly quotation, but the attribution
/// is words that frame it.
pub fn quoted_bytes_and_unquoted_words(
    paragraph: &str,
    start: usize,
    end: usize,
) -> (usize, usize) {
    let words = super::word_count;
    let ranges = quoted_ranges(paragraph);
    // (attribution bytes, words) of unquoted text.
    let outside = |from: usize, to: usize| -> (usize, usize) {
        let text = &paragraph[from.min(to)..to];
        let attribution = if ranges.is_empty() {
            None
        } else {
            speaker_patterns()[..2]
                .iter()
                .find_map(|pattern| pattern.find(text))
        };
        (attribution.map_or(0, |m| m.len()), words(text))
    };
    let (mut quoted, mut unquoted_words) = (0, 0);
    let mut at = start;
    for &(s, e) in &ranges {
        let s = s.clamp(start, end).max(at);
        let e = e.clamp(start, end).max(s);
        let (attribution, words) = outside(at, s);
        quoted += attribution + (e - s);
        unquoted_words += words;
        at = e;
    }
    let (attribution, words) = outside(at, end);
    (quoted + attribution, unquoted_words + words)
}

fn speaker_patterns() -> &'static [Regex; 3] {
    static PATTERNS: OnceLock<[Regex; 3]> = OnceLock::new();
    PATTERNS.get_or_init(|| {
        let name = r"(?P<name>\p{Lu}[\p{L}’'-]+(?:\s+\p{Lu}[\p{L}’'-]+){0,3})";
        let verbs = "said|says|added|continued|stated|declared|wrote|posted|praised|told";
        // The verbs are ASCII words: ASCII word boundaries (`(?-u:\b)`) bound them as well, and
        // let the search run as a DFA on any text (a Unicode `\b` sends a search through
        // text with curly quotes or dashes, that is most news text, to a slower engine).
        let edge = r"(?-u:\b)";
        [
            Regex::new(&format!(r"{name}\s+(?:{verbs}){edge}")).expect("pattern compiles"),
            Regex::new(&format!(r"{edge}(?:said|says|added|continued)\s+{name}"))
                .expect("pattern compiles"),
            Regex::new(&format!(r"{edge}quoted\s+{name}\s+as\s+saying")).expect("pattern compiles"),
        ]
    })
}

/// Words that start a sentence or stand for a person without naming one.
const NOT_NAMES: &[&str] = &[
    "He",
    "She",
    "It",
    "They",
    "We",
    "I",
    "You",
    "The",
    "This",
    "That",
    "These",
    "Those",
    "In",
    "On",
    "A",
    "An",
    "But",
    "And",
    "Or",
    "As",
    "At",
    "If",
    "When",
    "While",
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
];

/// Titles dropped from the front of a name.
const TITLES: &[&str] = &[
    "President",
    "Prime",
    "Minister",
    "Chairman",
    "Leader",
    "Spokesman",
    "Spokeswoman",
    "Spokesperson",
    "General",
    "Secretary",
    "Mr",
    "Mrs",
    "Ms",
    "Dr",
];

/// Speakers named in `text`, in order of appearance (possessives and titles stripped).
pub fn speakers(text: &str) -> Vec<String> {
    let mut found: Vec<(usize, String)> = Vec::new();
    for pattern in speaker_patterns() {
        for caps in pattern.captures_iter(text) {
            let m = caps.name("name").expect("group");
            let mut words: Vec<&str> = m.as_str().split_whitespace().collect();
            // "North Korea’s Central Military Commission": keep what follows a possessive.
            if let Some(owner) = words[..words.len() - 1]
                .iter()
                .rposition(|w| w.ends_with("’s") || w.ends_with("'s"))
            {
                words.drain(..=owner);
            }
            // "Russian President Vladimir Putin": keep what follows the last title.
            if let Some(last_title) = words.iter().rposition(|w| TITLES.contains(w)) {
                if last_title + 1 < words.len() {
                    words.drain(..=last_title);
                }
            }
            let name = words.join(" ");
            let name = name
                .strip_suffix("’s")
                .or_else(|| name.strip_suffix("'s"))
                .unwrap_or(&name)
                .to_string();
            if words.len() == 1 && NOT_NAMES.contains(&name.as_str()) {
                continue;
            }
            found.push((m.start(), name));
        }
    }
    found.sort();
    found.into_iter().map(|(_, name)| name).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoted_ranges_cover_curly_straight_and_open_quotes() {
        let p = "He said “we will win” and \"soon\".";
        let quoted: Vec<&str> = quoted_ranges(p)
            .into_iter()
            .map(|(s, e)| &p[s..e])
            .collect();
        assert_eq!(quoted, ["“we will win”", "\"soon\""]);
        // A quote continued into the next paragraph stays open to the end.
        let p = "“The Russian people will never forget,” Putin said. “We will always honor";
        let ranges = quoted_ranges(p);
        assert_eq!(ranges.last().unwrap().1, p.len());
        // A paragraph that closes a quote opened before it.
        let p = "heroes of the motherland,” he said.";
        assert_eq!(quoted_ranges(p)[0].0, 0);
        // Typewriter and typographic quotes mixed: a stray straight mark before a curly
        // quotation does not quote the words between them.
        let p = "\"On the sales side, prices fell. “We will recover,” the minister said.";
        let quoted: Vec<&str> = quoted_ranges(p)
            .into_iter()
            .map(|(s, e)| &p[s..e])
            .collect();
        assert_eq!(quoted, ["“We will recover,”"]);
        // A quotation's attribution is part of it, not framing.
        let p = "as in the past,” said Defence Secretary Ingrid Smith.";
        let attribution = "said Defence Secretary Ingrid Smith".len();
        assert_eq!(
            quoted_bytes_and_unquoted_words(p, 0, p.len()),
            ("as in the past,”".len() + attribution, 5)
        );
        let p = "a “bc” d e";
        assert_eq!(
            quoted_bytes_and_unquoted_words(p, 0, p.len()),
            ("“bc”".len(), 3)
        );
        assert_eq!(
            quoted_bytes_and_unquoted_words(p, 5, p.len()),
            ("bc”".len(), 2)
        );
    }

    #[test]
    fn speakers_are_found_next_to_their_quotes() {
        assert_eq!(
            speakers("“We will always honor the heroes,” Putin said."),
            ["Putin"]
        );
        assert_eq!(
            speakers("\"They who fought for justice are all heroes,\" KCNA quoted Kim as saying."),
            ["Kim"]
        );
        assert_eq!(
            speakers("said Russian President Vladimir Putin"),
            ["Vladimir Putin"]
        );
        assert_eq!(speakers("“Not now,” he said."), Vec::<String>::new());
        assert_eq!(
            speakers("Putin’s remarks came after it, Putin said."),
            ["Putin"]
        );
        assert_eq!(
            speakers("North Korea’s Central Military Commission said the leader sent troops."),
            ["Central Military Commission"]
        );
    }
}
