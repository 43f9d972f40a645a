//! Credit lines: where a document's text says which wire service it comes from.
//!
//! In: a document's text, its paragraph spans and the agency [`Registry`]. Out: the
//! [`Credit`]s found, each with its agency, kind and byte span, in text order.
//!
//! Kinds, each anchored at the start of a paragraph (or making up a whole short paragraph):
//! - `dateline`: "SEOUL, April 28 (Reuters) -", "LONDON/PARIS, Dec. 7 (Reuters) -", "WASHINGTON
//!   (AP) —", "MOSCOW, December 7. /TASS/.", "Madrid, 7 dic (EFE).-".
//! - `contribution`: "The Associated Press contributed to this report.", "Reuters contributed
//!   reporting.", "AP writer Jane Doe contributed.", "Reporting by AFP.", "Additional reporting
//!   by Reuters and AFP.", "Contributing: …", "Information from Reuters was used in this
//!   report."; a line naming several agencies credits each.
//! - `signoff`: "(Reporting by …; Editing by …)", credited to the agency whose house style it is
//!   (`signoff: true` in the registry: Reuters).
//! - `byline`: "By Jane Doe, Associated Press", "By Jane Doe | AP", "By JOSH BOAK AP Economics
//!   Writer", "By REUTERS".
//! - `copyright`: "© 2025 The Associated Press", "Copyright Reuters".
//! - `tagline`: a short paragraph of its own naming the agency: "— AFP", "Source: Reuters",
//!   "(AP)", "With AFP", "Avec AFP", "Mit Material von dpa", "Distributed by The Associated
//!   Press", "This article was originally published by Reuters", "Reuters" alone; several
//!   agencies ("dpa/AFP") credit each; and any short line that is little but agencies' names
//!   and credit words ("Agency material in this report: AFP and UPI").
//!
//! A credit run into the end of a paragraph of text is found too: a dash or bracketed agency
//! ("… he said. — AFP", "… (AP)": `tagline`), or a last sentence that is a contribution line or
//! sign-off ("… he said. Reuters contributed to this report.").
//!
//! Every form but the sign-off names an agency as a word of its own, so one search for any
//! agency's name decides which paragraphs the patterns read at all (about one in seven of a
//! news corpus's paragraphs); it and the other cheap gates are written without Unicode word
//! boundaries, which would send the regex crate's search to a slower engine on any non-ASCII
//! text.
//!
//! Not credits: photo, image, graphic and video credits ("(Sputnik/… via REUTERS)", "Photo:
//! EPA-EFE/…", "Image credits: …", "REUTERS/Stringer", "Reuters Graphics") — a paragraph that
//! looks like one is skipped — and a wire named as a source inside a sentence ("a spokesperson
//! told Reuters", "according to KCNA"), which no anchored pattern matches.

use regex::Regex;
use serde::Serialize;

use super::registry::Registry;
use crate::doc::Span;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
/// The form a credit line takes.
pub enum CreditKind {
    /// An agency dateline: `KYIV, Ukraine (AP) —`.
    Dateline,
    /// A contribution line: `Reuters contributed to this report.`
    Contribution,
    /// A sign-off at the end: `— AFP`.
    Signoff,
    /// A byline naming an agency: `By NAME | AP`.
    Byline,
    /// A copyright or distribution notice.
    Copyright,
    /// A tag line: `Source: Reuters`, `With AFP`.
    Tagline,
}

impl CreditKind {
    /// The name used in reports (`dateline`, `contribution`…).
    pub fn name(self) -> &'static str {
        match self {
            CreditKind::Dateline => "dateline",
            CreditKind::Contribution => "contribution",
            CreditKind::Signoff => "signoff",
            CreditKind::Byline => "byline",
            CreditKind::Copyright => "copyright",
            CreditKind::Tagline => "tagline",
        }
    }
}

/// A credit line found in a document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Credit {
    /// The agency's registry id.
    pub agency: String,
    /// The form of the credit line.
    pub kind: CreditKind,
    /// Where the credit line is in the document's text.
    pub span: Span,
}

/// Longest paragraph, in bytes, that can be a byline or copyright line on its own.
const SHORT_LINE: usize = 160;

/// Finds credit lines with the compiled patterns of one registry (compiled once per registry:
/// see [`Registry::credit_patterns`]).
pub struct CreditDetector<'r> {
    registry: &'r Registry,
    patterns: &'r CreditPatterns,
}

/// The credit-line patterns of one registry, compiled.
#[derive(Debug, Clone)]
pub struct CreditPatterns {
    dateline: Regex,
    contribution: Regex,
    byline: Regex,
    copyright: Regex,
    tagline: Regex,
    signoff: Regex,
    photo: Regex,
    /// Words of a graphic or video credit ("Reuters Graphics", "AFP Video"): read on short lines
    /// only, since a story's own text may speak of a video.
    media: Regex,
    /// Words a contribution line cannot do without: a cheap literal search that spares most
    /// paragraphs the full pattern.
    contribution_words: Regex,
    /// Words a sign-off cannot do without ("Editing by", "Edited by", in any case).
    signoff_words: Regex,
    /// Any agency's name, for the second and later agencies of a contribution line.
    agency_name: Regex,
    /// Any agency's name as a word of its own, anywhere: every pattern but the sign-off's
    /// needs one, so this spares most paragraphs every other search. Written without `\b`
    /// (a Unicode word boundary sends a search on non-ASCII text to a slower engine), it
    /// runs as a DFA on any text.
    agency_anywhere: Regex,
    /// Words or a slash that a photo credit cannot do without: spares a paragraph of text
    /// the full photo pattern.
    photo_words: Regex,
    /// A line of agency names alone ("dpa/AFP"), which the photo rule's "/AFP" must not take
    /// for a photographer's credit.
    agency_list: Regex,
    /// A dash or parenthesised agency ending a paragraph of text: "… he said. — AFP",
    /// "… he said. (AP)".
    trailing_tag: Regex,
    /// The last sentence of a paragraph, for a contribution line or sign-off run into it.
    last_sentence: Regex,
    signoff_agency: Option<String>,
}

/// Words of credit lines: a short line of agencies' names and these words (and at most one
/// other) is a credit line in a form the patterns do not list.
const CREDIT_WORDS: &[&str] = &[
    "additional",
    "agencies",
    "agency",
    "all",
    "and",
    "article",
    "by",
    "compiled",
    "contributed",
    "contributing",
    "contribution",
    "copy",
    "copyright",
    "courtesy",
    "credit",
    "credits",
    "distributed",
    "editing",
    "from",
    "in",
    "includes",
    "including",
    "information",
    "material",
    "news",
    "of",
    "report",
    "reporting",
    "reports",
    "reserved",
    "rights",
    "service",
    "services",
    "source",
    "sources",
    "staff",
    "story",
    "the",
    "this",
    "via",
    "wire",
    "wires",
    "with",
    "writing",
    "written",
];

/// Bytes from a paragraph's end within which a contribution line or sign-off run into it
/// must lie.
const TRAILING_REACH: usize = 320;

/// Bytes from a paragraph's end within which a tag run into it ("— AFP") must lie.
const TRAILING_TAG_REACH: usize = 80;

/// Bytes from a paragraph's start within which a dateline's "(" (or TASS's "/") must appear.
const DATELINE_REACH: usize = 160;

impl<'r> CreditDetector<'r> {
    /// A detector for the agencies of `registry` (patterns built once; see
    /// [`CreditDetector`]).
    pub fn new(registry: &'r Registry) -> Self {
        CreditDetector {
            registry,
            patterns: registry.credit_patterns(),
        }
    }
}

/// Compiled size a credit pattern may take: the aliases of a large registry (thousands of
/// outlets' names) are one alternation in each pattern.
const PATTERN_SIZE_LIMIT: usize = 256 << 20;

impl CreditPatterns {
    /// The patterns for `registry`'s aliases; an error when they do not compile within
    /// `PATTERN_SIZE_LIMIT` (256 MiB).
    pub fn new(registry: &Registry) -> Result<Self, regex::Error> {
        // Every alias, longest first, as one alternation; each alias that starts (ends) with a
        // word character preceded (followed) by `left` (`right`).
        let word_start = Regex::new(r"^\w").expect("a valid pattern");
        let word_end = Regex::new(r"\w$").expect("a valid pattern");
        let bounded = |left: &str, right: &str| {
            registry
                .aliases_longest_first()
                .into_iter()
                .map(|alias| {
                    let left = if word_start.is_match(alias) { left } else { "" };
                    let right = if word_end.is_match(alias) { right } else { "" };
                    format!("{left}{}{right}", regex::escape(alias))
                })
                .collect::<Vec<_>>()
                .join("|")
        };
        let aliases = bounded("", "");
        // A word boundary before the name, for the forms whose words before the name could
        // otherwise run into it ("WithAFP", "CopyrightReuters" are no credits).
        let word_aliases = bounded(r"\b", "");
        let build = |pattern: String| {
            regex::RegexBuilder::new(&pattern)
                .size_limit(PATTERN_SIZE_LIMIT)
                .build()
        };
        // More agencies after the first: "Reuters and The Associated Press".
        let more = format!(
            r"(?:\s*(?:,|&|;|/|\band\b|\bet\b|\by\b|\be\b|\bund\b)\s*(?:the\s+)?(?:{aliases}))*"
        );
        Ok(CreditPatterns {
            dateline: build(format!(
                r"^(?:{city}(?:, ?{place})?(?:, ?{date})?\s*)?(?:\((?P<agency>{aliases})\)\.?\s*[-—–]+|/(?P<agency2>{aliases})/\.?)",
                city = r"\p{Lu}[\p{L}\p{M}.'’ /-]{0,40}?",
                place = r"\p{Lu}[\p{L}\p{M}.'’ -]{0,30}?",
                date = r"(?:\p{L}{3,9}\.? \d{1,2}|\d{1,2}\.? \p{L}{3,9}\.?)(?:,? \d{4})?\.?",
            ))?,
            contribution: build(format!(
                r"(?i)^(?:(?:the\s+)?(?:{aliases})\b[^.\n]{{0,80}}?\bcontributed\b[^.\n]{{0,40}}?(?:\bto\s+this\s+(?:report|story|article)|\breporting\b[^.\n]{{0,60}})\.?|(?:the\s+)?(?:{aliases}){more}(?:\s+(?:staff\s+)?(?:writers?|reporters?|correspondents?|journalists?|staff)\b[^.\n]{{0,80}}?)?\s+contributed\.?$|(?:the\s+)?(?:{aliases})\s+(?:staff\s+)?(?:writers?|reporters?|correspondents?|journalists?)\b[^.\n]{{0,80}}?\bcontributed\b[^.\n]{{0,60}}\.?$|(?:with\s+|includes\s+)?(?:additional\s+)?reporting\s+(?:by|from)\s+(?:the\s+)?(?:{aliases}){more}\.?$|(?:information|material|reporting)\s+from\s+(?:the\s+)?(?:{aliases})\b[^.\n]{{0,60}}?\s+(?:was|were|is)\s+used\s+in\s+this\s+(?:report|story|article)\.?|contributing\s*:[^\n]{{0,200}}?\b(?:{aliases})\b[^\n]{{0,200}}$)",
            ))?,
            byline: build(format!(
                r"(?i)^by\s+(?:[^,|\n]{{1,60}}?(?:,|\s+\||\s+[-—–])\s*|[^,\n]{{1,60}}?\s+(?:of|for)\s+|(?-i:\p{{Lu}}[\p{{Lu}}\p{{M}}.'’-]*\s+){{1,4}})?(?:the\s+)?(?P<agency>{aliases})(?:\s+(?:[\p{{L}}-]+\s+){{0,2}}(?:writer|correspondent|reporter|editor)s?|\s+staff(?:\s+writers?)?)?\.?$"
            ))?,
            tagline: build(format!(
                r"(?i)^(?:[-—–]+\s*)?(?:(?:{lead})\s*)?(?:the\s+)?(?P<agency>{word_aliases}){more}(?:\s+(?:reports|dispatches|wires?))?\.?$",
                lead = [
                    r"sources?\s*:",
                    r"with(?:\s+(?:reporting|material|information)\s+from)?",
                    // French, Spanish, Portuguese, German, Italian: "Avec AFP",
                    // "Con información de EFE", "Com Lusa", "Mit Material von dpa", "Con ANSA".
                    r"avec",
                    r"con(?:\s+informaci[oó]n\s+de)?",
                    r"com(?:\s+informa[cç][oõ]es\s+d[ao])?",
                    r"mit(?:\s+material\s+(?:von|der))?",
                    r"(?:distributed|provided|supplied|compiled)\s+(?:by|from)",
                    r"(?:this\s+(?:article|story|report)\s+)?(?:was\s+|is\s+)?(?:originally\s+|first\s+)?(?:published|written|produced|distributed|reported|appeared|ran)\s+(?:by|on|in)",
                ]
                .join("|"),
            ))?,
            copyright: build(format!(
                r"(?i)(?:©|\(c\)|copyright)\s*(?:\d{{4}}\s*)?(?:the\s+)?(?P<agency>{word_aliases})\b|\b(?P<agency2>{aliases})\s+trust\s+principles\b"
            ))?,
            signoff: build(
                r"^\(?\s*(?:Additional reporting|Reporting|Writing|Compiled) (?i:by) [^()]{2,400}?[;,]\s*(?:[^()]{0,300}?[;,]\s*)?(?i:editing|edited) (?i:by) [^()]{2,200}\)?\.?$"
                    .to_string(),
            )?,
            photo: build(
                r"(?i)\bvia\s+reuters\b|\bphoto(?:graph)?s?\s*:|\bimage\s+credits?\s*:|\b(?:ap|afp|reuters)\s+photo\b|\bgetty\s+images\b|\bepa-efe\b|/\s*(?:ap|afp|reuters|getty|epa)\b|\b(?:ap|afp|reuters|epa|xinhua)\s*/\s*\p{L}"
                    .to_string(),
            )?,
            media: build(
                r"(?i)\b(?:graphics?|infographic|illustration|video|tv)\b".to_string(),
            )?,
            contribution_words: build(r"(?i-u)contribut|reporting|used in this".to_string())?,
            signoff_words: build(r"(?i-u)edit(?:ing|ed) by".to_string())?,
            agency_name: build(format!(r"(?i)\b(?:{aliases})\b"))?,
            // Each name with the text's edge or a character that is not an ASCII letter,
            // digit or underscore on either side: all that a word boundary can stand
            // between (a class of all Unicode's word characters makes the DFA give up).
            agency_anywhere: build(format!(
                "(?i){}",
                bounded(r"(?:^|[^0-9A-Za-z_])", r"(?:[^0-9A-Za-z_]|$)")
            ))?,
            photo_words: build(r"(?i)via|photo|image|getty|epa-efe|/".to_string())?,
            agency_list: build(format!(
                r"(?i)^\(?\s*(?:{aliases})(?:\s*(?:/|,|&|\band\b)\s*(?:{aliases}))+\s*\)?\.?$"
            ))?,
            trailing_tag: build(format!(
                r#"(?i)[.!?"”’)]\s*(?P<credit>[-—–]+\s*(?:with\s+)?(?:the\s+)?(?:{aliases}){more}\.?|\(\s*(?:the\s+)?(?:{aliases}){more}\s*\)\.?)\s*$"#
            ))?,
            last_sentence: build(
                r#"[.!?"”’]\s+(?P<sentence>\(?\p{L}[^.!?\n]{8,300}[.)]*)\s*$"#.to_string(),
            )?,
            signoff_agency: registry
                .agencies()
                .iter()
                .find(|a| a.signoff)
                .map(|a| a.id.clone()),
        })
    }
}

impl<'r> CreditDetector<'r> {
    /// The credits in `text`, looking at each paragraph in `paragraphs`.
    pub fn detect(&self, text: &str, paragraphs: &[Span]) -> Vec<Credit> {
        let mut credits = Vec::new();
        for &paragraph in paragraphs {
            let p = paragraph.slice(text);
            // Every form but the sign-off names an agency: most paragraphs name none.
            let names_agency = self.patterns.agency_anywhere.is_match(p);
            let mut found = self.opening_credits(p, paragraph.len(), names_agency);
            // A photo caption's credit is not the text's: checked only where a pattern matched,
            // since most paragraphs have no credit at all. A dateline opens a paragraph of
            // story text, whose words are the story's.
            let story = found.iter().any(|c| c.kind == CreditKind::Dateline);
            if !found.is_empty() && self.is_picture_credit(p, !story) {
                found.clear();
            }
            if found.is_empty() {
                // Run into a paragraph of text, only the credit's own words are checked: the
                // story may well speak of a video or a photograph.
                for (kind, agency, start, end) in self.trailing(p, names_agency) {
                    if !self.is_picture_credit(&p[start..end], true) {
                        found.extend(self.credit(kind, agency, Span::new(start, end)));
                    }
                }
            }
            credits.extend(found.into_iter().map(|credit| Credit {
                span: Span::new(
                    paragraph.start + credit.span.start,
                    paragraph.start + credit.span.end,
                ),
                ..credit
            }));
        }
        credits
    }

    /// The credit of `agency` (an alias, looked up in the registry; none when it is not
    /// there) of form `kind` at `span`.
    fn credit(&self, kind: CreditKind, agency: &str, span: Span) -> Option<Credit> {
        self.registry.lookup(agency).map(|agency| Credit {
            agency: agency.id.clone(),
            kind,
            span,
        })
    }

    /// The credits that open paragraph `p` or make up all of it (`len` bytes; spans relative
    /// to its start): a dateline, a contribution line, a sign-off, and on a short line a
    /// byline, tag line, copyright line or a line of agencies' names. Without `names_agency`
    /// (no agency's name in it as a word of its own), only a sign-off can be one.
    fn opening_credits(&self, p: &str, len: usize, names_agency: bool) -> Vec<Credit> {
        let mut found = Vec::new();
        let whole_paragraph = Span::new(0, len);
        let early = &p.as_bytes()[..p.len().min(DATELINE_REACH)];
        if let Some(caps) = (names_agency && early.iter().any(|&b| b == b'(' || b == b'/'))
            .then(|| self.patterns.dateline.captures(p))
            .flatten()
        {
            let whole = caps.get(0).expect("match");
            let agency = caps.name("agency").or_else(|| caps.name("agency2"));
            let agency = agency.expect("one branch matched").as_str();
            let span = Span::new(whole.start(), whole.end());
            found.extend(self.credit(CreditKind::Dateline, agency, span));
        }
        // A contribution or tag line may stand in parentheses: "(With reporting by AFP)".
        let (line, line_at) = unwrap_parentheses(p);
        if let Some(whole) = (names_agency && self.patterns.contribution_words.is_match(line))
            .then(|| self.patterns.contribution.find(line))
            .flatten()
        {
            // Every agency the line names ("Reuters and Agence France-Presse contributed to
            // this report"), once each.
            let span = Span::new(line_at + whole.start(), line_at + whole.end());
            for agency in self.agencies_named(whole.as_str()) {
                found.extend(self.credit(CreditKind::Contribution, agency, span));
            }
        }
        if let Some(agency) = &self.patterns.signoff_agency {
            let opening = p.trim_start_matches(|c: char| c == '(' || c.is_whitespace());
            let may_be_signoff = ["Additional", "Reporting", "Writing", "Compiled"]
                .iter()
                .any(|word| opening.starts_with(word));
            if may_be_signoff && self.patterns.signoff.is_match(p) {
                found.extend(self.credit(CreditKind::Signoff, agency, whole_paragraph));
            }
        }
        if !names_agency || p.len() > SHORT_LINE {
            return found;
        }
        if let Some(caps) = self.patterns.byline.captures(p) {
            found.extend(self.credit(CreditKind::Byline, &caps["agency"], whole_paragraph));
        }
        if self.patterns.tagline.is_match(line) {
            // Every agency the line names ("AFP/dpa"), once each.
            for agency in self.agencies_named(line) {
                found.extend(self.credit(CreditKind::Tagline, agency, whole_paragraph));
            }
        }
        if let Some(caps) = self.patterns.copyright.captures(p) {
            let whole = caps.get(0).expect("match");
            let agency = caps.name("agency").or_else(|| caps.name("agency2"));
            let agency = agency.expect("one branch matched").as_str();
            let span = Span::new(whole.start(), whole.end());
            found.extend(self.credit(CreditKind::Copyright, agency, span));
        }
        if found.is_empty() {
            // A short line in a form not listed above that is little but agencies' names
            // ("Agency material in this report: AFP and UPI"): a credit all the same.
            for agency in self.agency_line(p) {
                found.extend(self.credit(CreditKind::Tagline, agency, whole_paragraph));
            }
        }
        found
    }

    /// Whether `line` credits a picture, graphic or video rather than text ("AP Photo/…",
    /// "REUTERS/Stringer", and with `media` "Reuters Graphics" on a short line); a list of
    /// agencies ("dpa/AFP") is not one.
    fn is_picture_credit(&self, line: &str, media: bool) -> bool {
        ((self.patterns.photo_words.is_match(line) && self.patterns.photo.is_match(line))
            || (media && line.len() <= SHORT_LINE && self.patterns.media.is_match(line)))
            && !self.patterns.agency_list.is_match(line)
    }

    /// A credit run into the end of a paragraph of text: a dash or parenthesised tag ("… he
    /// said. — AFP"), or a last sentence that is a contribution line or sign-off ("… he said.
    /// Reuters contributed to this report."): kind, agency and byte range in `paragraph`.
    /// Without `names_agency` (no agency's name anywhere in it), only a sign-off can be found.
    fn trailing(
        &self,
        paragraph: &str,
        names_agency: bool,
    ) -> Vec<(CreditKind, &'r str, usize, usize)> {
        let window = |reach: usize| {
            let mut start = paragraph.len().saturating_sub(reach);
            while !paragraph.is_char_boundary(start) {
                start += 1;
            }
            (start, &paragraph[start..])
        };
        // Cheap literal checks first: most paragraphs end with no agency's name near.
        let (tag_start, tag_window) = window(TRAILING_TAG_REACH);
        if let Some(credit) = (names_agency && self.patterns.agency_name.is_match(tag_window))
            .then(|| self.patterns.trailing_tag.captures(tag_window))
            .flatten()
            .and_then(|caps| caps.name("credit"))
        {
            let (start, end) = (tag_start + credit.start(), tag_start + credit.end());
            return self
                .agencies_named(credit.as_str())
                .into_iter()
                .map(|agency| (CreditKind::Tagline, agency, start, end))
                .collect();
        }
        let (tail_start, tail) = window(TRAILING_REACH);
        let may_be_signoff =
            self.patterns.signoff_agency.is_some() && self.patterns.signoff_words.is_match(tail);
        let may_be_credit =
            may_be_signoff || (names_agency && self.patterns.contribution_words.is_match(tail));
        let Some(sentence) = may_be_credit
            .then(|| self.patterns.last_sentence.captures(tail))
            .flatten()
            .and_then(|caps| caps.name("sentence"))
        else {
            return Vec::new();
        };
        let (start, end) = (tail_start + sentence.start(), tail_start + sentence.end());
        let (line, line_at) = unwrap_parentheses(sentence.as_str());
        if let Some(whole) = self.patterns.contribution.find(line) {
            let (from, to) = (
                start + line_at + whole.start(),
                start + line_at + whole.end(),
            );
            return self
                .agencies_named(whole.as_str())
                .into_iter()
                .map(|agency| (CreditKind::Contribution, agency, from, to))
                .collect();
        }
        match &self.patterns.signoff_agency {
            Some(agency) if self.patterns.signoff.is_match(sentence.as_str()) => {
                vec![(CreditKind::Signoff, agency.as_str(), start, end)]
            }
            _ => Vec::new(),
        }
    }

    /// The agencies a short line names when, besides their names, it holds only the words of
    /// credit lines ([`CREDIT_WORDS`]), numbers and at most one other word; none otherwise.
    fn agency_line(&self, line: &str) -> Vec<&'r str> {
        let mut other_words = 0;
        let mut count = |text: &str| {
            other_words += text
                .split(|c: char| !c.is_alphanumeric())
                .filter(|w| !w.is_empty() && !w.chars().all(|c| c.is_ascii_digit()))
                .filter(|w| !CREDIT_WORDS.contains(&w.to_lowercase().as_str()))
                .count();
        };
        let mut last = 0;
        let mut named = false;
        for name in self.patterns.agency_name.find_iter(line) {
            count(&line[last..name.start()]);
            last = name.end();
            named = true;
        }
        count(&line[last..]);
        if named && other_words <= 1 {
            self.agencies_named(line)
        } else {
            Vec::new()
        }
    }

    /// The registry ids of the agencies `line` names, in order, each once.
    fn agencies_named(&self, line: &str) -> Vec<&'r str> {
        let mut named: Vec<&'r str> = Vec::new();
        for name in self.patterns.agency_name.find_iter(line) {
            if let Some(agency) = self.registry.lookup(name.as_str()) {
                if !named.contains(&agency.id.as_str()) {
                    named.push(agency.id.as_str());
                }
            }
        }
        named
    }
}

/// `line` without the parentheses around all of it, and where what is left starts.
fn unwrap_parentheses(line: &str) -> (&str, usize) {
    let trimmed = line.trim_end().trim_end_matches('.');
    match trimmed
        .strip_prefix('(')
        .and_then(|inner| inner.strip_suffix(')'))
    {
        Some(inner) if !inner.contains(['(', ')']) => {
            let start = 1 + inner.len() - inner.trim_start().len();
            (inner.trim(), start)
        }
        _ => (line, 0),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::segment;

    fn credits(text: &str) -> Vec<(String, &'static str, String)> {
        let detector = CreditDetector::new(Registry::builtin());
        detector
            .detect(text, &segment::paragraphs(text))
            .into_iter()
            .map(|c| (c.agency, c.kind.name(), c.span.slice(text).to_string()))
            .collect()
    }

    fn one(agency: &str, kind: &'static str, text: &str) -> Vec<(String, &'static str, String)> {
        vec![(agency.to_string(), kind, text.to_string())]
    }

    #[test]
    fn datelines() {
        let text =
            "SEOUL, April 28 (Reuters) - North Korea confirmed on Monday that it sent troops.";
        assert_eq!(
            credits(text),
            one("Reuters", "dateline", "SEOUL, April 28 (Reuters) -")
        );
        let text = "WASHINGTON (AP) — The Senate voted on Tuesday.";
        assert_eq!(credits(text), one("AP", "dateline", "WASHINGTON (AP) —"));
        let text = "SEOUL, South Korea (AP) — North Korea said on Monday.";
        assert_eq!(
            credits(text),
            one("AP", "dateline", "SEOUL, South Korea (AP) —")
        );
        let text = "Berlin (dpa) - Die Regierung hat am Montag beschlossen.";
        assert_eq!(credits(text), one("dpa", "dateline", "Berlin (dpa) -"));
        let text = "(AFP) - Talks resumed.";
        assert_eq!(credits(text), one("AFP", "dateline", "(AFP) -"));
        // A short story paragraph may speak of television.
        let text = "TOKYO (Reuters) - Ratings for the TV final rose.";
        assert_eq!(
            credits(text),
            one("Reuters", "dateline", "TOKYO (Reuters) -")
        );
    }

    #[test]
    fn contribution_lines() {
        let text = "Story.\n\nThe Associated Press contributed to this report.";
        assert_eq!(
            credits(text),
            one(
                "AP",
                "contribution",
                "The Associated Press contributed to this report."
            )
        );
        let text = "Associated Press writer Kim Tong-hyung in Seoul contributed to this report.";
        assert_eq!(credits(text)[0].0, "AP");
        let text = "Reuters contributed reporting.";
        assert_eq!(credits(text), one("Reuters", "contribution", text));
        let text = "Associated Press writer Jane Doe in Seoul contributed reporting from Busan.";
        assert_eq!(credits(text)[0].0, "AP");
        // Each agency a line names is a credit of its own, on the same line.
        let text = "Reuters and Agence France-Presse contributed to this report.";
        let agencies: Vec<(String, &str)> = credits(text)
            .into_iter()
            .map(|(agency, kind, _)| (agency, kind))
            .collect();
        assert_eq!(
            agencies,
            [
                ("Reuters".to_string(), "contribution"),
                ("AFP".to_string(), "contribution")
            ]
        );
        let text = "Reuters contributed reporting to this story";
        assert_eq!(credits(text)[0].1, "contribution");
        let text = "Additional reporting by AFP.";
        assert_eq!(
            credits(text),
            one("AFP", "contribution", "Additional reporting by AFP.")
        );
    }

    #[test]
    fn tag_lines_name_the_agency_on_a_line_of_their_own() {
        for (line, agency) in [
            ("— AFP", "AFP"),
            ("- The Associated Press", "AP"),
            ("Source: Reuters", "Reuters"),
            ("(AP)", "AP"),
            ("With AFP", "AFP"),
            ("Distributed by United Press International.", "UPI"),
        ] {
            assert_eq!(credits(line), one(agency, "tagline", line), "{line}");
        }
        // A wire named inside a sentence, or in a caption, is no tag line.
        for line in [
            "The minister spoke to Reuters on Monday.",
            "Source: Reuters photo",
            "Photo: Reuters",
            "He told Agence France-Presse (AFP).",
        ] {
            assert!(credits(line).is_empty(), "{line}");
        }
    }

    #[test]
    fn forms_outlets_print_besides_the_usual_ones() {
        let kinds = |line: &str| -> Vec<(String, &'static str)> {
            credits(line)
                .into_iter()
                .map(|(agency, kind, _)| (agency, kind))
                .collect()
        };
        let owned = |pairs: &[(&str, &'static str)]| -> Vec<(String, &'static str)> {
            pairs.iter().map(|(a, k)| (a.to_string(), *k)).collect()
        };
        for (line, expected) in [
            (
                "Associated Press writer Jane Doe in Paris contributed.",
                &[("AP", "contribution")][..],
            ),
            ("AFP contributed.", &[("AFP", "contribution")]),
            (
                "Information from The Associated Press was used in this report.",
                &[("AP", "contribution")],
            ),
            (
                "Material from Reuters was used in this report.",
                &[("Reuters", "contribution")],
            ),
            (
                "This article was originally published by Reuters.",
                &[("Reuters", "tagline")],
            ),
            ("Reuters", &[("Reuters", "tagline")]),
            ("dpa/AFP", &[("dpa", "tagline"), ("AFP", "tagline")]),
            ("(AFP/dpa)", &[("AFP", "tagline"), ("dpa", "tagline")]),
            (
                "With AFP and Reuters",
                &[("AFP", "tagline"), ("Reuters", "tagline")],
            ),
            ("By Jane Doe | AP", &[("AP", "byline")]),
            ("By Jane Doe - Reuters", &[("Reuters", "byline")]),
        ] {
            assert_eq!(kinds(line), owned(expected), "{line}");
        }
        // Sentences that start with an agency's name and end in "contributed", or list
        // agencies before a verb, are not credits.
        for line in [
            "AP data showed that rising costs contributed.",
            "Reuters calculations suggest the drought contributed.",
            "Reuters, Bloomberg and CNN reported the deal.",
            "Jane Doe/AFP",
        ] {
            assert!(credits(line).is_empty(), "{line}");
        }
    }

    #[test]
    fn lines_naming_several_agencies_credit_each() {
        let agencies = |line: &str| -> Vec<(String, &'static str)> {
            credits(line)
                .into_iter()
                .map(|(agency, kind, _)| (agency, kind))
                .collect()
        };
        let owned = |kind: &'static str, ids: &[&str]| -> Vec<(String, &'static str)> {
            ids.iter().map(|id| (id.to_string(), kind)).collect()
        };
        for (line, kind, ids) in [
            (
                "Additional reporting by Reuters and AFP.",
                "contribution",
                &["Reuters", "AFP"][..],
            ),
            (
                "Reporting by Reuters and The Associated Press.",
                "contribution",
                &["Reuters", "AP"],
            ),
            (
                "Includes reporting from Reuters and The Associated Press.",
                "contribution",
                &["Reuters", "AP"],
            ),
            (
                "AP and Reuters contributed.",
                "contribution",
                &["AP", "Reuters"],
            ),
            (
                "Contributing: Reuters, AFP",
                "contribution",
                &["Reuters", "AFP"],
            ),
            (
                "Contributing: Jane Doe, USA TODAY; The Associated Press",
                "contribution",
                &["AP"],
            ),
            ("(With reporting by Reuters)", "contribution", &["Reuters"]),
            ("— Reuters, AFP", "tagline", &["Reuters", "AFP"]),
            (
                "Compiled from AFP and Reuters reports",
                "tagline",
                &["AFP", "Reuters"],
            ),
        ] {
            assert_eq!(agencies(line), owned(kind, ids), "{line}");
        }
    }

    #[test]
    fn wire_forms_seen_in_the_field() {
        let first = |line: &str| -> Option<(String, &'static str)> {
            credits(line).into_iter().next().map(|(a, k, _)| (a, k))
        };
        let body = " The government announced new measures on Tuesday.";
        for (line, agency, kind) in [
            (
                format!("LONDON/WASHINGTON, Dec 7 (Reuters) -{body}"),
                "Reuters",
                "dateline",
            ),
            (
                format!("NEW YORK, Dec. 7 (Reuters) -{body}"),
                "Reuters",
                "dateline",
            ),
            (
                format!("MOSCOW, December 7. /TASS/.{body}"),
                "TASS",
                "dateline",
            ),
            (
                "By JOSH BOAK AP Economics Writer".to_string(),
                "AP",
                "byline",
            ),
            (
                "By Jane Doe, Associated Press Writer".to_string(),
                "AP",
                "byline",
            ),
            (
                "Reuters reporter Jane Doe contributed from Kyiv.".to_string(),
                "Reuters",
                "contribution",
            ),
            (
                "This story was reported by The Associated Press.".to_string(),
                "AP",
                "tagline",
            ),
            (
                "(Reporting By Jane Doe, Editing by Alex Poe)".to_string(),
                "Reuters",
                "signoff",
            ),
            (
                "Our Standards: The Thomson Reuters Trust Principles.".to_string(),
                "Reuters",
                "copyright",
            ),
        ] {
            assert_eq!(first(&line), Some((agency.to_string(), kind)), "{line}");
        }
    }

    #[test]
    fn credit_lines_in_other_languages() {
        let first = |line: &str| -> Option<(String, &'static str)> {
            credits(line).into_iter().next().map(|(a, k, _)| (a, k))
        };
        for (line, agency, kind) in [
            (
                "Madrid, 7 dic (EFE).- El Gobierno aprobó el martes.",
                "EFE",
                "dateline",
            ),
            (
                "Lisboa, 07 dez 2026 (Lusa) - O Governo aprovou.",
                "Lusa",
                "dateline",
            ),
            ("Avec AFP", "AFP", "tagline"),
            ("Con información de EFE y Reuters", "EFE", "tagline"),
            ("Com Lusa", "Lusa", "tagline"),
            ("Mit Material von dpa", "dpa", "tagline"),
            ("(ANSA)", "ANSA", "tagline"),
        ] {
            assert_eq!(first(line), Some((agency.to_string(), kind)), "{line}");
        }
    }

    #[test]
    fn a_short_line_of_agency_names_and_credit_words_is_a_credit_whatever_its_form() {
        let agencies = |line: &str| -> Vec<String> {
            credits(line)
                .into_iter()
                .map(|(agency, _, _)| agency)
                .collect()
        };
        for (line, expected) in [
            (
                "Agency material in this report: Agence France-Presse and United Press International",
                &["AFP", "UPI"][..],
            ),
            ("Wire copy from AFP", &["AFP"]),
            ("Quelle: dpa", &["dpa"]),
            ("Courtesy of Reuters", &["Reuters"]),
        ] {
            assert_eq!(agencies(line), expected, "{line}");
        }
        // Sentences that name an agency have more words than credit lines do.
        for line in [
            "He told Agence France-Presse (AFP).",
            "Follow Reuters on social media",
            "Jane Doe, Reuters",
            "Xinhua said the talks had ended.",
            // Picture, graphic and video credits, not the text's.
            "REUTERS/Stringer",
            "Reuters Graphics",
            "AFP Video",
            "Reuters TV",
        ] {
            assert!(credits(line).is_empty(), "{line}");
        }
    }

    #[test]
    fn lines_that_resemble_the_new_forms_are_not_credits() {
        for line in [
            "With agencies",
            "Contributing: Jane Doe and John Roe",
            "Compiled by the editors",
            "Wire services contributed to this report.",
            "Reuters reporters were not allowed inside the building.",
            "A Reuters/Ipsos poll found that 40% of Americans approved.",
            "An AP-NORC poll conducted this month found broad support.",
            "(Photo by Jane Doe/AFP via Getty Images)",
            "FILE PHOTO: A man walks past. REUTERS/Jane Doe/File Photo",
            "Jane Doe/AFP/Getty",
            "By Monday the talks had moved to Reuters",
            // An agency's name is a word of its own: not the end of another word.
            "CopyrightReuters",
            "©2026Reuters",
            "Comap.",
            "Perhaps.",
        ] {
            assert!(credits(line).is_empty(), "{line}: {:?}", credits(line));
        }
    }

    #[test]
    fn credits_run_into_the_end_of_a_paragraph() {
        let body = "The government announced a broad package of measures on Tuesday aimed at \
                    lowering household energy bills over the winter months, officials said.";
        for (tail, agency, kind, span) in [
            (" — AFP", "AFP", "tagline", "— AFP"),
            (" (AP)", "AP", "tagline", "(AP)"),
            (
                " The video showed the crowd. (AFP)",
                "AFP",
                "tagline",
                "(AFP)",
            ),
            (" -- Reuters.", "Reuters", "tagline", "-- Reuters."),
            (
                " Reuters contributed to this report.",
                "Reuters",
                "contribution",
                "Reuters contributed to this report.",
            ),
            (
                " dpa contributed.",
                "dpa",
                "contribution",
                "dpa contributed.",
            ),
            (
                " (Reporting by Jane Doe; Editing by Alex Poe)",
                "Reuters",
                "signoff",
                "(Reporting by Jane Doe; Editing by Alex Poe)",
            ),
            // No agency named anywhere, "Edited" capitalised: still the house sign-off.
            (
                " (Reporting by Jane Doe; Edited by Alex Poe)",
                "Reuters",
                "signoff",
                "(Reporting by Jane Doe; Edited by Alex Poe)",
            ),
            (
                " (Writing by Jane Doe, EDITING BY Alex Poe)",
                "Reuters",
                "signoff",
                "(Writing by Jane Doe, EDITING BY Alex Poe)",
            ),
        ] {
            let text = format!("{body}{tail}");
            assert_eq!(credits(&text), one(agency, kind, span), "{tail}");
        }
        // A wire named at the end of a sentence of the story is no credit.
        for text in [
            format!("{body} He told Agence France-Presse (AFP)."),
            format!("{body} The figures were first reported by Reuters."),
            format!("{body} A spokesman declined to comment to The Associated Press."),
        ] {
            assert!(credits(&text).is_empty(), "{text}");
        }
    }

    #[test]
    fn reuters_sign_offs() {
        let text = "(Reporting by Jack Kim and Josh Smith in Seoul; Editing by Sandra Maler)";
        assert_eq!(credits(text), one("Reuters", "signoff", text));
        let text = "Reporting by Jane Doe; Writing by John Roe; Editing by Alex Poe";
        assert_eq!(credits(text)[0].0, "Reuters");
    }

    #[test]
    fn bylines_and_copyright() {
        // The wire's own form too: the reporter's name in capitals, no comma.
        for (line, agency) in [
            ("By Jane Doe, Associated Press", "AP"),
            ("By REUTERS", "Reuters"),
            ("By The Associated Press", "AP"),
            ("By JOSH BOAK Associated Press", "AP"),
            ("By TOMAS MOREAU Reuters", "Reuters"),
        ] {
            assert_eq!(credits(line), one(agency, "byline", line));
        }
        // A sentence that starts with "By" and ends with an agency's name is no byline.
        assert!(credits("By Monday the talks had moved to Reuters").is_empty());
        assert_eq!(
            credits("© 2025 The Associated Press. All rights reserved."),
            one("AP", "copyright", "© 2025 The Associated Press")
        );
        assert_eq!(credits("Copyright 2024 Reuters")[0].1, "copyright");
    }

    #[test]
    fn photo_and_image_credits_are_not_text_credits() {
        for text in [
            "Russian President Vladimir Putin thanked North Korea. (Sputnik/Kristina Kormilitsyna/Kremlin via REUTERS)",
            "The treaty was signed in June 2024. (Sputnik/Mikhail Metzel/Kremlin via Reuters/File Photo)",
            "Kim Jong Un and Vladimir Putin in Pyongyang. Photo: EPA-EFE/GAVRIIL GRIGOROV / SPUTNIK / KREMLIN POOL",
            "Image credits: Kremlin / Handout / Getty Images",
            "A man walks past a screen. (AP Photo/Ahn Young-joon)",
        ] {
            assert!(credits(text).is_empty(), "{text}");
        }
    }

    #[test]
    fn a_wire_named_as_a_source_is_not_a_credit() {
        for text in [
            "Countries such as North Korea bear responsibility, a State Department spokesperson told Reuters.",
            "According to KCNA, the soldiers' war effort has been victoriously concluded.",
            "North Korea's state news agency KCNA revealed that subunits took part.",
            "In a statement to North Korean national broadcaster KCNA, Kim also described the soldiers as heroes.",
            "Reuters could not independently verify the report.",
            "By the time AP reporters arrived, the square was empty and the soldiers had left the area.",
        ] {
            assert!(credits(text).is_empty(), "{text}");
        }
    }
}
