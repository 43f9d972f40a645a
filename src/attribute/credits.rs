//! Credit lines: where a document's text says which wire service it comes from.
//!
//! In: a document's text, its paragraph spans and the agency [`Registry`]. Out: the
//! [`Credit`]s found, each with its agency, kind and byte span, in text order.
//!
//! Kinds, each anchored at the start of a paragraph (or making up a whole short paragraph):
//! - `dateline`: "SEOUL, April 28 (Reuters) -", "WASHINGTON (AP) —".
//! - `contribution`: "The Associated Press contributed to this report.", "Reuters contributed
//!   reporting.", "AP writer Jane Doe contributed.", "Reporting by AFP.", "Information from
//!   Reuters was used in this report."; a line naming several agencies credits each.
//! - `signoff`: "(Reporting by …; Editing by …)", credited to the agency whose house style it is
//!   (`signoff: true` in the registry: Reuters).
//! - `byline`: "By Jane Doe, Associated Press", "By Jane Doe | AP", "By REUTERS".
//! - `copyright`: "© 2025 The Associated Press", "Copyright Reuters".
//! - `tagline`: a short paragraph of its own naming the agency: "— AFP", "Source: Reuters",
//!   "(AP)", "With AFP", "Distributed by The Associated Press", "This article was originally
//!   published by Reuters", "Reuters" alone; several agencies ("dpa/AFP") credit each.
//!
//! Not credits: photo and image credits ("(Sputnik/… via REUTERS)", "Photo: EPA-EFE/…",
//! "Image credits: …") — a paragraph that looks like one is skipped — and a wire named as a
//! source inside a sentence ("a spokesperson told Reuters", "according to KCNA"), which no
//! anchored pattern matches.

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
    /// Words a contribution line cannot do without: a cheap literal search that spares most
    /// paragraphs the full pattern.
    contribution_words: Regex,
    /// Any agency's name, for the second and later agencies of a contribution line.
    agency_name: Regex,
    /// A line of agency names alone ("dpa/AFP"), which the photo rule's "/AFP" must not take
    /// for a photographer's credit.
    agency_list: Regex,
    signoff_agency: Option<String>,
}

/// Bytes from a paragraph's start within which a dateline's "(" must appear.
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
        let aliases = registry
            .aliases_longest_first()
            .into_iter()
            .map(regex::escape)
            .collect::<Vec<_>>()
            .join("|");
        let build = |pattern: String| {
            regex::RegexBuilder::new(&pattern)
                .size_limit(PATTERN_SIZE_LIMIT)
                .build()
        };
        Ok(CreditPatterns {
            dateline: build(format!(
                r"^(?:\p{{Lu}}[\p{{L}}\p{{M}}.'’ -]{{0,40}}?(?:, ?\p{{Lu}}[\p{{L}}\p{{M}}.'’ -]{{0,30}}?)?(?:, ?\p{{Lu}}\p{{Ll}}{{2,8}}\.? \d{{1,2}}(?:, \d{{4}})?)?\s*)?\((?P<agency>{aliases})\)\s*[-—–]+"
            ))?,
            contribution: build(format!(
                r"(?i)^(?:(?:the\s+)?(?P<agency>{aliases})\b[^.\n]{{0,80}}?\bcontributed\b[^.\n]{{0,40}}?(?:\bto\s+this\s+(?:report|story|article)|\breporting\b[^.\n]{{0,60}})\.?|(?:the\s+)?(?P<agency4>{aliases})(?:\s+(?:staff\s+)?(?:writers?|reporters?|correspondents?|journalists?|staff)\b[^.\n]{{0,80}}?)?\s+contributed\.?$|(?:with\s+)?(?:additional\s+)?reporting\s+(?:by|from)\s+(?:the\s+)?(?P<agency2>{aliases})\.?$|(?:information|material|reporting)\s+from\s+(?:the\s+)?(?P<agency3>{aliases})\b[^.\n]{{0,60}}?\s+(?:was|were|is)\s+used\s+in\s+this\s+(?:report|story|article)\.?)"
            ))?,
            byline: build(format!(
                r"(?i)^by\s+(?:[^,|\n]{{1,60}}?(?:,|\s+\||\s+[-—–])\s*|[^,\n]{{1,60}}?\s+(?:of|for)\s+|(?-i:\p{{Lu}}[\p{{Lu}}\p{{M}}.'’-]*\s+){{1,4}})?(?:the\s+)?(?P<agency>{aliases})(?:\s+(?:staff\s+writer|writer|correspondent|reporter|staff))?\.?$"
            ))?,
            tagline: build(format!(
                r"(?i)^(?:(?:[-—–]+|sources?\s*:|with|(?:distributed|provided|supplied)\s+by|this\s+(?:article|story|report)\s+(?:was\s+|is\s+)?(?:originally\s+|first\s+)?(?:published|written|produced|distributed)\s+by)?\s*(?:the\s+)?(?P<agency>{aliases})(?:\s*(?:/|,|&|\band\b)\s*(?:the\s+)?(?:{aliases}))*|\(\s*(?:the\s+)?(?P<agency2>{aliases})(?:\s*(?:/|,)\s*(?:{aliases}))*\s*\))\.?$"
            ))?,
            copyright: build(format!(
                r"(?i)(?:©|\(c\)|copyright)\s*(?:\d{{4}}\s*)?(?:the\s+)?(?P<agency>{aliases})\b"
            ))?,
            signoff: build(
                r"^\(?\s*(?:Additional reporting|Reporting|Writing|Compiled) by [^()]{2,400}?;\s*(?:[^()]{0,300}?;\s*)?(?:Editing|Edited) by [^()]{2,200}\)?\.?$"
                    .to_string(),
            )?,
            photo: build(
                r"(?i)\bvia\s+reuters\b|\bphoto(?:graph)?s?\s*:|\bimage\s+credits?\s*:|\b(?:ap|afp|reuters)\s+photo\b|\bgetty\s+images\b|\bepa-efe\b|/\s*(?:ap|afp|reuters|getty|epa)\b"
                    .to_string(),
            )?,
            contribution_words: build(r"(?i-u)contributed|reporting|used in this".to_string())?,
            agency_name: build(format!(r"(?i)\b(?:{aliases})\b"))?,
            agency_list: build(format!(
                r"(?i)^\(?\s*(?:{aliases})(?:\s*(?:/|,|&|\band\b)\s*(?:{aliases}))+\s*\)?\.?$"
            ))?,
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
            let before = credits.len();
            let at = |start: usize, end: usize| {
                Span::new(paragraph.start + start, paragraph.start + end)
            };
            let mut found = |kind: CreditKind, agency: &str, span: Span| {
                if let Some(agency) = self.registry.lookup(agency) {
                    credits.push(Credit {
                        agency: agency.id.clone(),
                        kind,
                        span,
                    });
                }
            };
            let early = &p.as_bytes()[..p.len().min(DATELINE_REACH)];
            if let Some(caps) = early
                .contains(&b'(')
                .then(|| self.patterns.dateline.captures(p))
                .flatten()
            {
                let whole = caps.get(0).expect("match");
                found(
                    CreditKind::Dateline,
                    &caps["agency"],
                    at(whole.start(), whole.end()),
                );
            }
            if let Some(caps) = self
                .patterns
                .contribution_words
                .is_match(p)
                .then(|| self.patterns.contribution.captures(p))
                .flatten()
            {
                let whole = caps.get(0).expect("match");
                let span = at(whole.start(), whole.end());
                if caps
                    .name("agency")
                    .or_else(|| caps.name("agency2"))
                    .or_else(|| caps.name("agency3"))
                    .or_else(|| caps.name("agency4"))
                    .is_some()
                {
                    // Every agency the line names ("Reuters and Agence France-Presse
                    // contributed to this report"), once each.
                    for agency in self.agencies_named(whole.as_str()) {
                        found(CreditKind::Contribution, agency, span);
                    }
                }
            }
            if let Some(agency) = &self.patterns.signoff_agency {
                let opening = p.trim_start_matches(|c: char| c == '(' || c.is_whitespace());
                let may_be_signoff = ["Additional", "Reporting", "Writing", "Compiled"]
                    .iter()
                    .any(|word| opening.starts_with(word));
                if may_be_signoff && self.patterns.signoff.is_match(p) {
                    found(CreditKind::Signoff, agency, paragraph);
                }
            }
            if p.len() <= SHORT_LINE {
                if let Some(caps) = self.patterns.byline.captures(p) {
                    found(CreditKind::Byline, &caps["agency"], paragraph);
                }
                if self.patterns.tagline.is_match(p) {
                    // Every agency the line names ("AFP/dpa"), once each.
                    for agency in self.agencies_named(p) {
                        found(CreditKind::Tagline, agency, paragraph);
                    }
                }
                if let Some(caps) = self.patterns.copyright.captures(p) {
                    let whole = caps.get(0).expect("match");
                    found(
                        CreditKind::Copyright,
                        &caps["agency"],
                        at(whole.start(), whole.end()),
                    );
                }
            }
            // A photo caption's credit is not the text's: checked only where a pattern matched,
            // since most paragraphs have no credit at all.
            if credits.len() > before
                && self.patterns.photo.is_match(p)
                && !self.patterns.agency_list.is_match(p)
            {
                credits.truncate(before);
            }
        }
        credits
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
