//! Synthetic news ecosystems with ground truth, for benchmarks and for `wiretrace eval`.
//!
//! In: a base corpus of real articles ([`Base`], from documents read by `ingest`) and
//! [`SynthOptions`] (seed, size, number of outlets…).
//! Out: two JSONL streams written in step: the corpus (`{"id","source","published","title",
//! "text"}` per document, readable by `wiretrace scan`) and the truth (a header, then one
//! [`TruthDocument`] per corpus document: which byte spans come from which wire story, which
//! are the outlet's own text or boilerplate, and where the credit lines are).
//!
//! The ecosystem, story by story: a wire agency (AP, Reuters, AFP, dpa, UPI) files a story (a
//! base article, rewritten, with a dateline, half the time a byline, 40% of the time an
//! official's quotation that other stories carry too, 30% of the time a stock phrase); the
//! agency's own copy is in the corpus or not, with the agency's copyright notice on 90% of its
//! copies; 1–25 outlets republish it verbatim, trimmed, edited, interleaved with their own
//! paragraphs, with paragraphs merged or re-split, or paraphrased throughout (30% of the
//! paraphrased paragraphs with two neighbouring sentences swapped as well), with or without
//! a credit line (dateline; "… contributed to this report", "… contributed reporting",
//! "Information/Material from … was used in this report", "… writer NAME in CITY contributed",
//! "(… reporter NAME contributed from CITY.)", "Contributing: …", "Additional reporting by …",
//! "Includes reporting from …", naming one or two agencies; a tag line such as "— AFP",
//! "Source: …", "(AP)", "Reuters" alone, "AFP/dpa", "— With AFP", "Compiled from … reports",
//! "This article was originally published by …"; the Reuters sign-off; a fifth of contribution
//! and tag lines run into the last paragraph: "… he said. — AFP") and
//! the copyright notice half the time; outlets add their own boilerplate;
//! original articles fill about a third of the corpus, some quoting the same officials, using
//! the same stock phrases or crediting an agency's contribution.
//!
//! Every use of a base article is rewritten: each content word (anything outside the 150
//! most frequent words of the base) is replaced, with probability 0.85, by a content word drawn
//! from the base's word stream. A 1 GB corpus reuses each base article hundreds of times; the
//! rewrite makes two unrelated uses share no run of 8 words (well below one such run per
//! million pairs of uses), so text shared in the corpus is exactly the text the truth says is
//! shared. The price: the text reads like English but makes no sense.
//!
//! Invariants: the output depends only on the base, the options and the seed (ChaCha8), not on
//! the machine or the thread count; memory stays flat (one story at a time), whatever the size.

use std::collections::HashMap;
use std::io::{self, Write};

use rand::seq::{IndexedRandom, SliceRandom};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde::{Deserialize, Serialize};
use time::{Date, Duration, Month};

use crate::doc::Document;
use crate::segment;

/// Words of the base most frequent enough to be kept as they are (function words).
const FUNCTION_WORDS: usize = 150;
/// How much of a text [`Generator::rewrite`] changes.
#[derive(Debug, Clone, Copy)]
struct Rewrite {
    /// Probability that a content word is replaced by another content word.
    content: f64,
    /// Probability that a function word is replaced by another function word.
    function: f64,
    /// Whether digits are replaced by random digits.
    digits: bool,
}

/// Every use of a base article: no two uses share a run of words.
const REWRITE: Rewrite = Rewrite {
    content: 0.95,
    function: 0.7,
    digits: true,
};
/// A copy editor's touch on a wire paragraph.
const EDIT: Rewrite = Rewrite {
    content: 0.08,
    function: 0.0,
    digits: false,
};
/// An outlet's rewrite of wire copy in its own words: a third of the content words and some
/// function words changed (about half of all word pairs survive).
const PARAPHRASE: Rewrite = Rewrite {
    content: 0.3,
    function: 0.1,
    digits: false,
};
/// Share of paraphrased paragraphs whose outlet also put two neighbouring sentences in the
/// other order.
const REORDERED: f64 = 0.3;
/// Quotations are drawn from the last this many made (the officials in the news).
const QUOTES_IN_THE_NEWS: usize = 30;
/// Stories per simulated day (sets the `published` dates).
const STORIES_PER_DAY: u64 = 200;
/// Most outlets that republish one story.
const MAX_COPIES: usize = 25;

/// What to generate.
#[derive(Debug, Clone, Serialize)]
pub struct SynthOptions {
    /// Seed of the random choices (equal seeds, equal corpora).
    pub seed: u64,
    /// Stop once the corpus stream holds at least this many bytes.
    pub target_bytes: u64,
    /// Number of outlets that republish wire copy and publish their own articles.
    pub outlets: usize,
    /// Probability that the agency's own copy of a story is in the corpus.
    pub wire_in_corpus: f64,
    /// Share of documents that are original articles with no reuse.
    pub original_share: f64,
}

impl Default for SynthOptions {
    fn default() -> Self {
        SynthOptions {
            seed: 1,
            target_bytes: 10_000_000,
            outlets: 60,
            wire_in_corpus: 0.7,
            original_share: 0.3,
        }
    }
}

/// Why a base corpus cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum SynthError {
    /// No article of the base has two paragraphs of words.
    #[error("the base has no usable article (each needs at least two paragraphs of words)")]
    EmptyBase,
    /// An option's value cannot be used.
    #[error("option {name}: {message}")]
    Option {
        /// The option.
        name: &'static str,
        /// What is wrong with it.
        message: String,
    },
}

/// The base corpus: real articles split into paragraphs, and the word lists the rewrite uses.
#[derive(Debug)]
pub struct Base {
    articles: Vec<Article>,
    /// Distinct content words of the base, lower case.
    words: Vec<String>,
    /// The base's content words in reading order, as indices into `words` (so a draw is
    /// weighted by frequency).
    stream: Vec<u32>,
    /// The most frequent words (function words).
    function_words: rustc_hash::FxHashSet<String>,
    /// The function words, and their occurrences in reading order as indices into the list.
    function_list: Vec<String>,
    function_stream: Vec<u32>,
    /// Base documents skipped for having fewer than two paragraphs.
    pub skipped: usize,
}

#[derive(Debug)]
struct Article {
    title: String,
    paragraphs: Vec<String>,
}

impl Base {
    /// A base from documents read by [`ingest`](mod@crate::ingest) (plain files, directories or
    /// JSONL). Documents with fewer than two paragraphs of words are skipped and counted.
    pub fn from_documents(documents: &[Document]) -> Result<Base, SynthError> {
        let mut articles = Vec::new();
        let mut skipped = 0;
        for doc in documents {
            let paragraphs: Vec<String> = segment::paragraphs(&doc.text)
                .into_iter()
                .map(|span| {
                    span.slice(&doc.text)
                        .split_whitespace()
                        .collect::<Vec<_>>()
                        .join(" ")
                })
                .filter(|p| p.chars().any(char::is_alphabetic))
                .collect();
            if paragraphs.len() < 2 {
                skipped += 1;
                continue;
            }
            let title = doc.title.clone().unwrap_or_default();
            articles.push(Article { title, paragraphs });
        }
        if articles.is_empty() {
            return Err(SynthError::EmptyBase);
        }
        Ok(Base::with_articles(articles, skipped))
    }

    fn with_articles(articles: Vec<Article>, skipped: usize) -> Base {
        let mut counts: HashMap<String, u64> = HashMap::new();
        for article in &articles {
            for paragraph in &article.paragraphs {
                for_each_word(paragraph, |word| {
                    *counts.entry(word.to_lowercase()).or_default() += 1;
                });
            }
        }
        let mut by_count: Vec<(&String, &u64)> = counts.iter().collect();
        by_count.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
        let function_list: Vec<String> = by_count
            .iter()
            .take(FUNCTION_WORDS)
            .map(|(w, _)| (*w).clone())
            .collect();
        let function_index: HashMap<&str, u32> = function_list
            .iter()
            .enumerate()
            .map(|(i, w)| (w.as_str(), i as u32))
            .collect();
        let function_words: rustc_hash::FxHashSet<String> = function_list.iter().cloned().collect();
        let mut function_stream = Vec::new();
        let mut words = Vec::new();
        let mut index: HashMap<String, u32> = HashMap::new();
        let mut stream = Vec::new();
        for article in &articles {
            for paragraph in &article.paragraphs {
                for_each_word(paragraph, |word| {
                    let lower = word.to_lowercase();
                    if let Some(&id) = function_index.get(lower.as_str()) {
                        function_stream.push(id);
                        return;
                    }
                    if !lower.chars().all(char::is_alphabetic) {
                        return;
                    }
                    let id = *index.entry(lower).or_insert_with_key(|w| {
                        words.push(w.clone());
                        (words.len() - 1) as u32
                    });
                    stream.push(id);
                });
            }
        }
        Base {
            articles,
            words,
            stream,
            function_words,
            function_list,
            function_stream,
            skipped,
        }
    }

    /// Articles in the base corpus.
    pub fn articles(&self) -> usize {
        self.articles.len()
    }
}

/// Calls `f` with every word (a run of letters and digits, inner apostrophes included).
fn for_each_word(text: &str, mut f: impl FnMut(&str)) {
    for_each_word_span(text, |start, end| f(&text[start..end]));
}

/// What a document of the corpus is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum DocumentKind {
    /// The agency's own copy of a wire story.
    Wire,
    /// An outlet's republication of a wire story.
    Copy,
    /// An outlet's own article, sharing nothing.
    Original,
}

/// What a span of a document is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SegmentKind {
    /// A paragraph of a wire story (`story`, `paragraph` say which).
    Wire,
    /// Text of the outlet's own, shared with nobody.
    Own,
    /// The outlet's furniture, repeated in its articles.
    Boilerplate,
    /// A credit line standing as its own paragraph.
    Credit,
    /// A quotation of an official, carried by several unrelated stories (`quote` says which).
    Quote,
    /// A stock phrase ("did not immediately respond to a request for comment") that unrelated
    /// articles share: not reuse.
    Stock,
}

/// One paragraph of a truth document.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TruthSegment {
    /// Where the segment starts in the document's text.
    pub start: usize,
    /// Where it ends.
    pub end: usize,
    /// What the segment is.
    pub kind: SegmentKind,
    /// For `wire` segments: the paragraph of the story this one comes from.
    #[serde(default)]
    pub paragraph: Option<u32>,
    /// For `quote` segments: which quotation (the same number in every story that carries it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quote: Option<u32>,
    /// For `wire` segments: `verbatim`, `edited` (a copy editor's touch) or `paraphrase`
    /// (heavily rewritten). Re-split or merged paragraphs keep their text's variant.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub variant: Option<String>,
}

/// A credit line a tool should find.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TruthCredit {
    /// Agency id as in data/agencies.json (`AP`, `Reuters`, `AFP`).
    pub agency: String,
    /// `dateline`, `contribution`, `signoff`, `byline` or `copyright`.
    pub kind: String,
    /// Where the credit starts.
    pub start: usize,
    /// Where it ends.
    pub end: usize,
}

/// The truth about one corpus document.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TruthDocument {
    /// The document's id.
    pub doc: String,
    /// Its outlet.
    pub source: String,
    /// Its publication time.
    pub published: String,
    /// What the document is.
    pub kind: DocumentKind,
    /// The wire story the document carries (none for originals).
    pub story: Option<u64>,
    /// The agency that filed the story (id as in data/agencies.json).
    pub agency: Option<String>,
    /// The agency's own copy of the story, when it is in the corpus.
    pub origin_doc: Option<String>,
    /// Its paragraphs, with what each is.
    pub segments: Vec<TruthSegment>,
    /// The credit lines it carries.
    pub credits: Vec<TruthCredit>,
}

/// A line of the truth file.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "lowercase")]
pub enum TruthRecord {
    /// The first line: what made the corpus.
    Header {
        /// The wiretrace version.
        wiretrace: String,
        /// The options it ran with.
        options: serde_json::Value,
    },
    /// The truth about one document.
    Document(TruthDocument),
}

/// A line of the corpus.
#[derive(Debug, Clone, Serialize)]
struct CorpusRecord<'a> {
    id: &'a str,
    source: &'a str,
    published: &'a str,
    title: &'a str,
    text: &'a str,
}

/// What was generated.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct SynthSummary {
    /// Documents written.
    pub documents: u64,
    /// Bytes of corpus written.
    pub corpus_bytes: u64,
    /// Wire stories.
    pub stories: u64,
    /// Agencies' own copies of stories.
    pub wire_documents: u64,
    /// Outlets' copies of stories.
    pub copies: u64,
    /// Outlets' own articles.
    pub originals: u64,
}

struct Agency {
    id: &'static str,
    name: &'static str,
    /// The agency as written in a dateline.
    dateline: &'static str,
    dash: &'static str,
    /// The notice the agency puts under every story (and many copies keep).
    copyright: &'static str,
}

const AGENCIES: [Agency; 5] = [
    Agency {
        id: "AP",
        name: "The Associated Press",
        dateline: "AP",
        dash: "—",
        copyright: "Copyright 2026 The Associated Press. All rights reserved. This material may not be published, broadcast, rewritten or redistributed without permission.",
    },
    Agency {
        id: "Reuters",
        name: "Reuters",
        dateline: "Reuters",
        dash: "-",
        copyright: "© 2026 Thomson Reuters. All rights reserved. Reuters content is the intellectual property of Thomson Reuters and may not be redistributed without consent.",
    },
    Agency {
        id: "AFP",
        name: "Agence France-Presse",
        dateline: "AFP",
        dash: "-",
        copyright: "Copyright AFP. All rights reserved. All information displayed in this section is protected by intellectual property rights owned by Agence France-Presse.",
    },
    Agency {
        id: "dpa",
        name: "Deutsche Presse-Agentur",
        dateline: "dpa",
        dash: "-",
        copyright: "© dpa. All rights reserved. This material may not be republished or stored without the written consent of Deutsche Presse-Agentur.",
    },
    Agency {
        id: "UPI",
        name: "United Press International",
        dateline: "UPI",
        dash: "--",
        copyright: "Copyright 2026 United Press International, Inc. All Rights Reserved. Any reproduction, republication or redistribution of this content is prohibited.",
    },
];

/// Stock phrases of news writing, shared by unrelated articles of every outlet and agency.
const STOCK_PHRASES: [&str; 12] = [
    "The company did not immediately respond to a request for comment on Monday.",
    "It was not immediately clear how many people had been affected by the decision.",
    "Police said an investigation was under way and asked any witnesses to come forward.",
    "Officials did not say when the talks would resume or who would take part in them.",
    "A spokesperson for the ministry declined to comment when contacted by reporters.",
    "The announcement comes amid growing pressure on the government to act on the issue.",
    "Further details were not immediately available, and the situation remains fluid.",
    "Analysts said the move was widely expected and had already been priced in by markets.",
    "The office did not respond to several requests for comment sent over the weekend.",
    "Representatives for the group could not be reached for comment late on Tuesday.",
    "The full impact of the changes is not expected to be known for several months.",
    "Critics have long argued that the rules do not go far enough to protect consumers.",
];

const FIRST_NAMES: [&str; 12] = [
    "Jane", "Omar", "Mika", "Lucia", "Pavel", "Amara", "Tomas", "Yuki", "Hannah", "Rafael",
    "Ingrid", "Kwame",
];

const OFFICE_TITLES: [&str; 8] = [
    "Foreign Minister",
    "Prime Minister",
    "Defence Secretary",
    "Health Minister",
    "Central bank governor",
    "Interior Minister",
    "Finance Minister",
    "President",
];

const CITIES: [&str; 16] = [
    "LONDON",
    "WASHINGTON",
    "PARIS",
    "BERLIN",
    "TOKYO",
    "NEW YORK",
    "BRUSSELS",
    "MADRID",
    "ROME",
    "NAIROBI",
    "SYDNEY",
    "TORONTO",
    "MUMBAI",
    "CAIRO",
    "GENEVA",
    "SEOUL",
];

const PLACES: [&str; 20] = [
    "Lakeside",
    "Riverton",
    "Northfield",
    "Harbor",
    "Summit",
    "Valley",
    "Eastport",
    "Westbrook",
    "Pine Ridge",
    "Clearwater",
    "Oakdale",
    "Granite",
    "Bayview",
    "Highland",
    "Maple",
    "Silver",
    "Stonebridge",
    "Fairmont",
    "Redwood",
    "Cedar",
];

const TITLES: [&str; 10] = [
    "Herald",
    "Gazette",
    "Courier",
    "Tribune",
    "Post",
    "Times",
    "Chronicle",
    "Observer",
    "Ledger",
    "Dispatch",
];

const SURNAMES: [&str; 12] = [
    "Smith", "Okafor", "Nakamura", "Garcia", "Novak", "Haddad", "Larsen", "Moreau", "Kowalski",
    "Singh", "Brennan", "Costa",
];

struct Outlet {
    name: String,
    slug: String,
    boilerplate: Vec<String>,
}

/// A piece of a paragraph of a document being assembled: its text and what it is.
#[derive(Clone)]
struct Piece {
    text: String,
    kind: SegmentKind,
    /// The story paragraph, for `wire` pieces.
    paragraph: Option<u32>,
    /// The quotation, for `quote` pieces.
    quote: Option<u32>,
    /// For `wire` pieces: `verbatim`, `edited` or `paraphrase`.
    variant: Option<&'static str>,
    /// (agency ids, credit kind) for credit lines: a line naming two agencies credits both.
    credit: Option<(Vec<&'static str>, &'static str)>,
}

impl Piece {
    fn new(text: String, kind: SegmentKind) -> Piece {
        Piece {
            text,
            kind,
            paragraph: None,
            quote: None,
            variant: None,
            credit: None,
        }
    }

    fn wire(text: String, paragraph: u32, variant: &'static str) -> Piece {
        Piece {
            paragraph: Some(paragraph),
            variant: Some(variant),
            ..Piece::new(text, SegmentKind::Wire)
        }
    }

    /// A credit line crediting each of `agencies`, as a credit of `kind`.
    fn credit(text: String, agencies: Vec<&'static str>, kind: &'static str) -> Piece {
        Piece {
            credit: Some((agencies, kind)),
            ..Piece::new(text, SegmentKind::Credit)
        }
    }
}

/// A document being assembled: paragraphs, each of one or more pieces (joined by a space).
struct Draft {
    paragraphs: Vec<Vec<Piece>>,
}

impl Draft {
    fn new() -> Self {
        Draft {
            paragraphs: Vec::new(),
        }
    }

    fn push(&mut self, text: String, kind: SegmentKind) {
        self.paragraphs.push(vec![Piece::new(text, kind)]);
    }

    fn push_paragraph(&mut self, pieces: Vec<Piece>) {
        if !pieces.is_empty() {
            self.paragraphs.push(pieces);
        }
    }

    /// A credit line as its own paragraph, crediting each of `agencies`.
    fn push_credit(&mut self, text: String, agencies: Vec<&'static str>, kind: &'static str) {
        self.paragraphs
            .push(vec![Piece::credit(text, agencies, kind)]);
    }

    /// A credit line run into the end of the last paragraph ("… he said. — AFP"), or its own
    /// paragraph when there is none or it does not end a sentence (outlets run a credit into a
    /// sentence's end, not a heading's).
    fn append_credit(&mut self, text: String, agencies: Vec<&'static str>, kind: &'static str) {
        let piece = Piece::credit(text, agencies, kind);
        let ends_sentence = |pieces: &Vec<Piece>| {
            pieces
                .last()
                .is_some_and(|p| p.text.trim_end().ends_with(['.', '!', '?', '"', '”', '’']))
        };
        match self.paragraphs.last_mut() {
            Some(last) if ends_sentence(last) => last.push(piece),
            _ => self.paragraphs.push(vec![piece]),
        }
    }

    /// The text, its segments and its credits; a dateline credit is the first `dateline`
    /// bytes of the first wire piece.
    fn finish(
        self,
        dateline: Option<(usize, &'static str)>,
    ) -> (String, Vec<TruthSegment>, Vec<TruthCredit>) {
        let mut text = String::new();
        let mut segments = Vec::new();
        let mut credits = Vec::new();
        let mut dateline = dateline;
        for paragraph in self.paragraphs {
            if !text.is_empty() {
                text.push_str("\n\n");
            }
            for (i, piece) in paragraph.into_iter().enumerate() {
                if i > 0 {
                    text.push(' ');
                }
                let start = text.len();
                text.push_str(&piece.text);
                if piece.kind == SegmentKind::Wire {
                    if let Some((len, agency)) = dateline.take() {
                        credits.push(TruthCredit {
                            agency: agency.to_string(),
                            kind: "dateline".into(),
                            start,
                            end: start + len,
                        });
                    }
                }
                segments.push(TruthSegment {
                    start,
                    end: text.len(),
                    kind: piece.kind,
                    paragraph: piece.paragraph,
                    quote: piece.quote,
                    variant: piece.variant.map(str::to_string),
                });
                if let Some((agencies, kind)) = piece.credit {
                    for agency in agencies {
                        credits.push(TruthCredit {
                            agency: agency.to_string(),
                            kind: kind.to_string(),
                            start,
                            end: text.len(),
                        });
                    }
                }
            }
        }
        (text, segments, credits)
    }
}

/// Generates the ecosystem into `corpus` and `truth` until the corpus holds
/// `options.target_bytes`.
pub fn generate(
    base: &Base,
    options: &SynthOptions,
    corpus: &mut dyn Write,
    truth: &mut dyn Write,
) -> io::Result<SynthSummary> {
    let mut generator = Generator::new(base, options);
    let header = TruthRecord::Header {
        wiretrace: env!("CARGO_PKG_VERSION").to_string(),
        options: serde_json::to_value(options).map_err(io::Error::other)?,
    };
    serde_json::to_writer(&mut *truth, &header).map_err(io::Error::other)?;
    truth.write_all(b"\n")?;
    let mut originals_due = 0.0;
    let originals_per_document = options.original_share / (1.0 - options.original_share);
    while generator.summary.corpus_bytes < options.target_bytes {
        let written = generator.story(corpus, truth)?;
        originals_due += written as f64 * originals_per_document;
        while originals_due >= 1.0 && generator.summary.corpus_bytes < options.target_bytes {
            generator.original(corpus, truth)?;
            originals_due -= 1.0;
        }
    }
    Ok(generator.summary)
}

/// Checks the options a user can set.
pub fn validate(options: &SynthOptions) -> Result<(), SynthError> {
    let fraction = |name: &'static str, value: f64, upper: f64| {
        if (0.0..upper).contains(&value) || (upper == 1.0 && value == 1.0) {
            Ok(())
        } else {
            Err(SynthError::Option {
                name,
                message: format!("{value} is outside 0..{upper}"),
            })
        }
    };
    fraction("--wire-in-corpus", options.wire_in_corpus, 1.0)?;
    fraction("--original-share", options.original_share, 0.95)?;
    if options.outlets == 0 || options.outlets > PLACES.len() * TITLES.len() {
        return Err(SynthError::Option {
            name: "--outlets",
            message: format!("must be 1 to {}", PLACES.len() * TITLES.len()),
        });
    }
    Ok(())
}

/// How an outlet republishes a wire story.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Style {
    /// Every paragraph as the wire wrote it.
    Verbatim,
    /// The first paragraphs only.
    Trimmed,
    /// Some paragraphs dropped, others lightly edited.
    Edited,
    /// The outlet's own paragraphs between the wire's.
    Interleaved,
    /// Consecutive paragraphs merged into one.
    Merged,
    /// Long paragraphs split in two.
    Split,
    /// Every paragraph rewritten in the outlet's words.
    Paraphrase,
}

/// An official's words, quoted by several stories.
struct Quotation {
    text: String,
    speaker: String,
}

struct Generator<'a> {
    base: &'a Base,
    quotes: Vec<Quotation>,
    options: &'a SynthOptions,
    rng: ChaCha8Rng,
    outlets: Vec<Outlet>,
    summary: SynthSummary,
    line: Vec<u8>,
}

impl<'a> Generator<'a> {
    fn new(base: &'a Base, options: &'a SynthOptions) -> Self {
        let mut rng = ChaCha8Rng::seed_from_u64(options.seed);
        let mut names: Vec<(usize, usize)> = (0..PLACES.len())
            .flat_map(|p| (0..TITLES.len()).map(move |t| (p, t)))
            .collect();
        names.shuffle(&mut rng);
        let mut generator = Generator {
            base,
            quotes: Vec::new(),
            options,
            rng,
            outlets: Vec::new(),
            summary: SynthSummary::default(),
            line: Vec::new(),
        };
        for &(p, t) in names.iter().take(options.outlets) {
            let name = format!("The {} {}", PLACES[p], TITLES[t]);
            let slug = name.to_lowercase().replace("the ", "").replace(' ', "-");
            let boilerplate = generator.boilerplate(&name);
            generator.outlets.push(Outlet {
                name,
                slug,
                boilerplate,
            });
        }
        generator
    }

    /// An outlet's furniture: a sign-up line and a copyright line, each with a rewritten base
    /// sentence, so that no two outlets share theirs.
    fn boilerplate(&mut self, outlet: &str) -> Vec<String> {
        let base = self.base;
        let mut sentence = || {
            let article = self.random_article();
            self.rewrite(&base.articles[article].paragraphs[0], REWRITE)
        };
        let (signup, notice) = (sentence(), sentence());
        vec![
            format!("Sign up for {outlet} newsletters: {signup}"),
            format!("Copyright 2026 {outlet}. All rights reserved. {notice}"),
        ]
    }

    fn random_article(&mut self) -> usize {
        self.rng.random_range(0..self.base.articles.len())
    }

    /// `text` with words replaced as `how` says, each by a word of the same class (content or
    /// function) drawn from the base's word stream, keeping its capitalisation.
    fn rewrite(&mut self, text: &str, how: Rewrite) -> String {
        let mut out = String::with_capacity(text.len() + 16);
        let mut last = 0;
        let base = self.base;
        let rng = &mut self.rng;
        for_each_word_span(text, |start, end| {
            out.push_str(&text[last..start]);
            last = end;
            let word = &text[start..end];
            if word.chars().any(|c| c.is_ascii_digit()) {
                if how.digits {
                    out.extend(word.chars().map(|c| {
                        if c.is_ascii_digit() {
                            char::from(b'0' + rng.random_range(0..10u8))
                        } else {
                            c
                        }
                    }));
                } else {
                    out.push_str(word);
                }
                return;
            }
            let (words, stream, rate) = if base.function_words.contains(&word.to_lowercase()) {
                (&base.function_list, &base.function_stream, how.function)
            } else {
                (&base.words, &base.stream, how.content)
            };
            if stream.is_empty() || !rng.random_bool(rate) {
                out.push_str(word);
                return;
            }
            let replacement = &words[stream[rng.random_range(0..stream.len())] as usize];
            push_with_case_of(&mut out, replacement, word);
        });
        out.push_str(&text[last..]);
        out
    }

    fn date(&self, day_offset: u64) -> String {
        let start = Date::from_calendar_date(2026, Month::January, 1).expect("valid date");
        let day = self.summary.stories / STORIES_PER_DAY + day_offset;
        let date = start + Duration::days(day as i64);
        format!(
            "{:04}-{:02}-{:02}",
            date.year(),
            u8::from(date.month()),
            date.day()
        )
    }

    fn next_id(&mut self, slug: &str) -> String {
        self.summary.documents += 1;
        format!("{slug}/{:08}", self.summary.documents)
    }

    /// A quotation for a story or article: most often one already in the news (among the
    /// last [`QUOTES_IN_THE_NEWS`] made), else a new one. Returns its number.
    fn quotation(&mut self) -> u32 {
        if self.quotes.is_empty() || self.rng.random_bool(0.3) {
            let rewritten = self.random_paragraph();
            // The base's own quotation marks go: a quotation does not nest another.
            let rewritten = rewritten.replace(['"', '\u{201c}', '\u{201d}'], "");
            let words: Vec<&str> = rewritten.split_whitespace().collect();
            let take = self.rng.random_range(12..=24).min(words.len());
            let text = words[..take]
                .join(" ")
                .trim_end_matches(|c: char| !c.is_alphanumeric())
                .to_string();
            let speaker = format!(
                "{} {} {}",
                OFFICE_TITLES.choose(&mut self.rng).expect("titles"),
                FIRST_NAMES.choose(&mut self.rng).expect("names"),
                SURNAMES.choose(&mut self.rng).expect("names")
            );
            self.quotes.push(Quotation { text, speaker });
            return (self.quotes.len() - 1) as u32;
        }
        let recent = self.quotes.len().min(QUOTES_IN_THE_NEWS);
        (self.quotes.len() - 1 - self.rng.random_range(0..recent)) as u32
    }

    /// A paragraph that frames quotation `quote`: the first words of `framing`, the quotation
    /// and who said it, the framing and attribution being `kind` (with `paragraph` and
    /// `variant` for wire text).
    fn quoted_paragraph(
        &mut self,
        framing: &str,
        quote: u32,
        make: impl Fn(String) -> Piece,
    ) -> Vec<Piece> {
        let words: Vec<&str> = framing.split_whitespace().collect();
        let lead = words[..words.len().min(self.rng.random_range(8..=16))].join(" ");
        let lead = format!("{}.", lead.trim_end_matches(|c: char| !c.is_alphanumeric()));
        let Quotation { text, speaker } = &self.quotes[quote as usize];
        let attribution = match self.rng.random_range(0..3) {
            0 => format!("{speaker} said."),
            1 => format!("said {speaker}."),
            _ => format!("{speaker} told reporters."),
        };
        vec![
            make(lead),
            Piece {
                quote: Some(quote),
                ..Piece::new(format!("\u{201c}{text},\u{201d}"), SegmentKind::Quote)
            },
            make(attribution),
        ]
    }

    /// A random paragraph of a random base article, rewritten.
    fn random_paragraph(&mut self) -> String {
        let article = self.random_article();
        let paragraphs = &self.base.articles[article].paragraphs;
        let pick = &paragraphs[self.rng.random_range(0..paragraphs.len())];
        self.rewrite(pick, REWRITE)
    }

    /// One of `paragraphs` after the first (there must be two or more), made to frame a
    /// quotation: `make(text, paragraph number)` makes its framing and attribution pieces.
    fn quote_in_one_paragraph(
        &mut self,
        paragraphs: &mut [Vec<Piece>],
        make: impl Fn(String, u32) -> Piece,
    ) {
        let at = self.rng.random_range(1..paragraphs.len());
        let quote = self.quotation();
        let framing = paragraphs[at][0].text.clone();
        paragraphs[at] = self.quoted_paragraph(&framing, quote, |text| make(text, at as u32));
    }

    /// A stock phrase paragraph.
    fn stock(&mut self) -> Vec<Piece> {
        let phrase = STOCK_PHRASES.choose(&mut self.rng).expect("phrases");
        vec![Piece::new(phrase.to_string(), SegmentKind::Stock)]
    }

    /// A byline naming one of the agency's reporters, in one of the forms wires print.
    fn byline(&mut self, agency: usize) -> String {
        let k = self.rng.random_range(0..4);
        let first = FIRST_NAMES[(agency * 4 + k) % FIRST_NAMES.len()];
        let last = SURNAMES[(agency * 5 + k * 7) % SURNAMES.len()];
        let name = AGENCIES[agency].name.trim_start_matches("The ");
        let beat = ["Business", "Diplomatic", "Science", "Economics"][k];
        match self.rng.random_range(0..5) {
            0 | 1 => format!("By {first} {last}, {name}"),
            2 => format!("By {first} {last} | {}", AGENCIES[agency].id),
            3 => format!(
                "By {} {} {} {beat} Writer",
                first.to_uppercase(),
                last.to_uppercase(),
                AGENCIES[agency].id
            ),
            _ => format!("By {} {} {name}", first.to_uppercase(), last.to_uppercase()),
        }
    }

    /// One wire story: the agency's copy (or not) and its republications. Returns how many
    /// documents were written.
    fn story(&mut self, corpus: &mut dyn Write, truth: &mut dyn Write) -> io::Result<u64> {
        let story = self.summary.stories;
        let agency_index = self.rng.random_range(0..AGENCIES.len());
        let agency = &AGENCIES[agency_index];
        let article = self.random_article();
        let base = self.base;
        let title = self.rewrite(&base.articles[article].title, REWRITE);
        // The story's paragraphs, each as pieces: wire text, and maybe a quotation already in
        // the news or a stock phrase.
        let mut paragraphs: Vec<Vec<Piece>> = Vec::new();
        for (i, p) in base.articles[article].paragraphs.iter().enumerate() {
            let text = self.rewrite(p, REWRITE);
            paragraphs.push(vec![Piece::wire(text, i as u32, "verbatim")]);
        }
        if paragraphs.len() >= 2 && self.rng.random_bool(0.4) {
            self.quote_in_one_paragraph(&mut paragraphs, |text, at| {
                Piece::wire(text, at, "verbatim")
            });
        }
        if self.rng.random_bool(0.3) {
            // A stock phrase the wire wrote is part of its story: copies reproduce it, and
            // only they copy it (other articles merely use the same phrase).
            let at = self.rng.random_range(1..=paragraphs.len());
            let number = paragraphs.len() as u32;
            let mut stock = self.stock();
            stock[0].kind = SegmentKind::Wire;
            stock[0].paragraph = Some(number);
            stock[0].variant = Some("verbatim");
            paragraphs.insert(at, stock);
        }
        let city = *CITIES.choose(&mut self.rng).expect("cities");
        let dateline = format!("{city} ({}) {} ", agency.dateline, agency.dash);
        let signoff = format!(
            "(Reporting by {}; Editing by {})",
            SURNAMES.choose(&mut self.rng).expect("names"),
            SURNAMES.choose(&mut self.rng).expect("names")
        );
        let byline = self.rng.random_bool(0.5).then(|| self.byline(agency_index));
        let mut written = 0;

        let origin_doc = if self.rng.random_bool(self.options.wire_in_corpus) {
            let id = self.next_id(&agency.id.to_lowercase());
            let mut draft = Draft::new();
            if let Some(byline) = &byline {
                draft.push_credit(byline.clone(), vec![agency.id], "byline");
            }
            for (i, pieces) in paragraphs.iter().enumerate() {
                let mut pieces = pieces.clone();
                if i == 0 {
                    pieces[0].text = format!("{dateline}{}", pieces[0].text);
                }
                draft.push_paragraph(pieces);
            }
            if agency.id == "Reuters" {
                draft.push_credit(signoff.clone(), vec![agency.id], "signoff");
            }
            if self.rng.random_bool(0.9) {
                let notice = agency.copyright.to_string();
                draft.push_credit(notice, vec![agency.id], "copyright");
            }
            let (text, segments, credits) =
                draft.finish(Some((dateline.trim_end().len(), agency.id)));
            let doc = TruthDocument {
                doc: id.clone(),
                source: agency.name.to_string(),
                published: self.date(0),
                kind: DocumentKind::Wire,
                story: Some(story),
                agency: Some(agency.id.to_string()),
                origin_doc: Some(id.clone()),
                segments,
                credits,
            };
            self.emit(&doc, &title, &text, corpus, truth)?;
            self.summary.wire_documents += 1;
            written += 1;
            Some(id)
        } else {
            None
        };

        let copies = (1 + (-(1.0 - self.rng.random::<f64>()).ln() * 3.0) as usize)
            .min(MAX_COPIES)
            .min(self.outlets.len());
        let outlets: Vec<usize> =
            rand::seq::index::sample(&mut self.rng, self.outlets.len(), copies).into_vec();
        for outlet in outlets {
            let mut draft = Draft::new();
            let style = *[
                Style::Verbatim,
                Style::Verbatim,
                Style::Verbatim,
                Style::Trimmed,
                Style::Trimmed,
                Style::Edited,
                Style::Edited,
                Style::Interleaved,
                Style::Interleaved,
                Style::Merged,
                Style::Split,
                Style::Paraphrase,
            ]
            .choose(&mut self.rng)
            .expect("styles");
            // Which paragraphs of the story the copy keeps, in order.
            let keep = match style {
                // trimmed: the first paragraphs, at least two
                Style::Trimmed => self
                    .rng
                    .random_range(2.min(paragraphs.len())..=paragraphs.len()),
                _ => paragraphs.len(),
            };
            // 0: the dateline kept, 1: a contribution line, 2: a tag line, 3: a Reuters
            // sign-off, 4: no credit.
            let credit = if self.rng.random_bool(0.6) {
                self.rng
                    .random_range(0..if agency.id == "Reuters" { 4 } else { 3 })
            } else {
                4
            };
            let keep_dateline = credit == 0;
            let keep_byline = byline.is_some() && self.rng.random_bool(0.4);
            if keep_byline {
                let line = byline.clone().expect("checked");
                draft.push_credit(line, vec![agency.id], "byline");
            }
            let mut kept: Vec<Vec<Piece>> = Vec::new();
            for (i, pieces) in paragraphs.iter().take(keep).enumerate() {
                if style == Style::Edited && i > 0 && self.rng.random_bool(0.1) {
                    continue;
                }
                let edit_this = style == Style::Edited && self.rng.random_bool(0.5);
                let mut pieces = pieces.clone();
                for piece in pieces.iter_mut().filter(|p| p.kind == SegmentKind::Wire) {
                    if edit_this {
                        piece.text = self.rewrite(&piece.text, EDIT);
                        piece.variant = Some("edited");
                    } else if style == Style::Paraphrase {
                        piece.text = self.rewrite(&piece.text, PARAPHRASE);
                        if self.rng.random_bool(REORDERED) {
                            piece.text = swap_sentences(&piece.text, &mut self.rng);
                        }
                        piece.variant = Some("paraphrase");
                    }
                }
                if i == 0 && keep_dateline {
                    pieces[0].text = format!("{dateline}{}", pieces[0].text);
                }
                kept.push(pieces);
                // interleaved: the outlet's own paragraphs between the wire's
                if style == Style::Interleaved && self.rng.random_bool(0.4) {
                    let text = self.random_paragraph();
                    kept.push(vec![Piece::new(text, SegmentKind::Own)]);
                }
            }
            for pieces in self.relayout(kept, style) {
                draft.push_paragraph(pieces);
            }
            // A fifth of the contribution and tag lines are run into the last paragraph.
            let inline = self.rng.random_bool(0.2);
            match credit {
                1 => {
                    let (line, agencies) = self.contribution_line(agency_index);
                    if inline {
                        draft.append_credit(line, agencies, "contribution");
                    } else {
                        draft.push_credit(line, agencies, "contribution");
                    }
                }
                2 if inline => {
                    let line = match self.rng.random_range(0..3) {
                        0 => format!("— {}", agency.id),
                        1 => format!("({})", agency.id),
                        _ => format!("— {}", agency.name),
                    };
                    draft.append_credit(line, vec![agency.id], "tagline");
                }
                2 => {
                    let (line, agencies) = self.tag_line(agency_index);
                    draft.push_credit(line, agencies, "tagline");
                }
                3 => draft.push_credit(signoff.clone(), vec![agency.id], "signoff"),
                _ => {}
            }
            if self.rng.random_bool(0.5) {
                draft.push_credit(agency.copyright.to_string(), vec![agency.id], "copyright");
            }
            self.push_boilerplate(outlet, &mut draft);
            let (text, segments, credits) =
                draft.finish(keep_dateline.then_some((dateline.trim_end().len(), agency.id)));
            let id = self.next_id(&self.outlets[outlet].slug.clone());
            let day = self.rng.random_range(0..2);
            let doc = TruthDocument {
                doc: id,
                source: self.outlets[outlet].name.clone(),
                published: self.date(day),
                kind: DocumentKind::Copy,
                story: Some(story),
                agency: Some(agency.id.to_string()),
                origin_doc: origin_doc.clone(),
                segments,
                credits,
            };
            self.emit(&doc, &title, &text, corpus, truth)?;
            self.summary.copies += 1;
            written += 1;
        }
        self.summary.stories += 1;
        Ok(written)
    }

    /// A contribution line for `agency`, naming a second agency about a third of the time
    /// ("… contributed to this report." or "… contributed reporting.").
    fn contribution_line(&mut self, agency: usize) -> (String, Vec<&'static str>) {
        let first = &AGENCIES[agency];
        if self.rng.random_bool(0.3) {
            let other = (agency + self.rng.random_range(1..AGENCIES.len())) % AGENCIES.len();
            let second = &AGENCIES[other];
            let (a, b) = (first.name, second.name);
            let line = match self.rng.random_range(0..6) {
                0 => format!("Additional reporting by {a} and {b}."),
                1 => format!("Contributing: {a}; {b}"),
                2 => format!("Includes reporting from {a} and {b}."),
                3 => format!("{} and {} contributed.", first.id, second.id),
                _ => format!("{a} and {b} contributed to this report."),
            };
            return (line, vec![first.id, second.id]);
        }
        let name = first.name;
        let line = match self.rng.random_range(0..12) {
            10 => format!("Contributing: {name}"),
            11 => {
                let writer = FIRST_NAMES.choose(&mut self.rng).expect("names");
                let surname = SURNAMES.choose(&mut self.rng).expect("names");
                let city = CITIES.choose(&mut self.rng).expect("cities");
                format!("({name} reporter {writer} {surname} contributed from {city}.)")
            }
            0..=2 => format!("{name} contributed reporting."),
            3 => format!("Information from {name} was used in this report."),
            4 => format!("Material from {name} was used in this report."),
            5 => {
                let writer = FIRST_NAMES.choose(&mut self.rng).expect("names");
                let surname = SURNAMES.choose(&mut self.rng).expect("names");
                let city = CITIES.choose(&mut self.rng).expect("cities");
                let name = name.trim_start_matches("The ");
                format!("{name} writer {writer} {surname} in {city} contributed.")
            }
            _ => format!("{name} contributed to this report."),
        };
        (line, vec![first.id])
    }

    /// A tag line for `agency`, on a line of its own at the end of a copy, and the agencies
    /// it names (a second one in "AFP/dpa").
    fn tag_line(&mut self, agency: usize) -> (String, Vec<&'static str>) {
        let Agency { id, name, .. } = AGENCIES[agency];
        let line = match self.rng.random_range(0..11) {
            8 => format!("— With {id}"),
            9 => format!("Compiled from {name} reports"),
            10 => format!("This story was reported by {name}."),
            0 => format!("— {name}"),
            1 => format!("Source: {name}"),
            2 => format!("({id})"),
            3 => format!("With {id}"),
            4 => format!("This article was originally published by {name}."),
            5 => id.to_string(),
            6 => {
                let other = (agency + self.rng.random_range(1..AGENCIES.len())) % AGENCIES.len();
                let second = AGENCIES[other].id;
                return (format!("{id}/{second}"), vec![id, second]);
            }
            _ => format!("Distributed by {name}."),
        };
        (line, vec![id])
    }

    /// A copy's paragraphs laid out as its outlet does: consecutive paragraphs merged into
    /// one, or long ones split in two near the middle (at a sentence end where there is one).
    fn relayout(&mut self, paragraphs: Vec<Vec<Piece>>, style: Style) -> Vec<Vec<Piece>> {
        let mut out: Vec<Vec<Piece>> = Vec::with_capacity(paragraphs.len() + 4);
        let mut merge_next = false;
        for mut pieces in paragraphs {
            match style {
                Style::Merged if merge_next => {
                    out.last_mut()
                        .expect("merged after one")
                        .append(&mut pieces);
                    merge_next = false;
                    continue;
                }
                Style::Merged => merge_next = self.rng.random_bool(0.5),
                Style::Split if pieces.len() == 1 && pieces[0].kind == SegmentKind::Wire => {
                    if let Some((head, tail)) = split_near_middle(&pieces[0].text) {
                        let (paragraph, variant) = (pieces[0].paragraph, pieces[0].variant);
                        let part = |text: String| Piece {
                            paragraph,
                            variant,
                            ..Piece::new(text, SegmentKind::Wire)
                        };
                        out.push(vec![part(head)]);
                        out.push(vec![part(tail)]);
                        continue;
                    }
                }
                _ => {}
            }
            out.push(pieces);
        }
        out
    }

    /// The outlet's boilerplate, on most of its articles.
    fn push_boilerplate(&mut self, outlet: usize, draft: &mut Draft) {
        if self.rng.random_bool(0.8) {
            for line in &self.outlets[outlet].boilerplate {
                draft.push(line.clone(), SegmentKind::Boilerplate);
            }
        }
    }

    /// One original article of a random outlet: its own paragraphs, sometimes quoting an
    /// official in the news, with a stock phrase or crediting an agency's contribution.
    fn original(&mut self, corpus: &mut dyn Write, truth: &mut dyn Write) -> io::Result<()> {
        let outlet = self.rng.random_range(0..self.outlets.len());
        let article = self.random_article();
        let base = self.base;
        let title = self.rewrite(&base.articles[article].title, REWRITE);
        let mut paragraphs: Vec<Vec<Piece>> = Vec::new();
        for p in &base.articles[article].paragraphs {
            let text = self.rewrite(p, REWRITE);
            paragraphs.push(vec![Piece::new(text, SegmentKind::Own)]);
        }
        if paragraphs.len() >= 2 && self.rng.random_bool(0.2) {
            self.quote_in_one_paragraph(&mut paragraphs, |text, _| {
                Piece::new(text, SegmentKind::Own)
            });
        }
        if self.rng.random_bool(0.3) {
            let at = self.rng.random_range(1..=paragraphs.len());
            let stock = self.stock();
            paragraphs.insert(at, stock);
        }
        let mut draft = Draft::new();
        for pieces in paragraphs {
            draft.push_paragraph(pieces);
        }
        if self.rng.random_bool(0.1) {
            let agency = self.rng.random_range(0..AGENCIES.len());
            let (line, agencies) = self.contribution_line(agency);
            draft.push_credit(line, agencies, "contribution");
        }
        self.push_boilerplate(outlet, &mut draft);
        let (text, segments, credits) = draft.finish(None);
        let id = self.next_id(&self.outlets[outlet].slug.clone());
        let doc = TruthDocument {
            doc: id,
            source: self.outlets[outlet].name.clone(),
            published: self.date(0),
            kind: DocumentKind::Original,
            story: None,
            agency: None,
            origin_doc: None,
            segments,
            credits,
        };
        self.emit(&doc, &title, &text, corpus, truth)?;
        self.summary.originals += 1;
        Ok(())
    }

    fn emit(
        &mut self,
        doc: &TruthDocument,
        title: &str,
        text: &str,
        corpus: &mut dyn Write,
        truth: &mut dyn Write,
    ) -> io::Result<()> {
        self.line.clear();
        let record = CorpusRecord {
            id: &doc.doc,
            source: &doc.source,
            published: &doc.published,
            title,
            text,
        };
        serde_json::to_writer(&mut self.line, &record).map_err(io::Error::other)?;
        self.line.push(b'\n');
        corpus.write_all(&self.line)?;
        self.summary.corpus_bytes += self.line.len() as u64;
        self.line.clear();
        serde_json::to_writer(&mut self.line, &TruthRecord::Document(doc.clone()))
            .map_err(io::Error::other)?;
        self.line.push(b'\n');
        truth.write_all(&self.line)
    }
}

/// `text` cut in two near its middle: after the sentence end closest to it, or else between
/// two words; `None` for a text of fewer than 20 words.
fn split_near_middle(text: &str) -> Option<(String, String)> {
    let words: Vec<(usize, &str)> = text
        .split(' ')
        .scan(0, |at, word| {
            let start = *at;
            *at += word.len() + 1;
            Some((start, word))
        })
        .collect();
    if words.len() < 20 {
        return None;
    }
    let middle = text.len() / 2;
    let sentence_end = words
        .iter()
        .skip(4)
        .take(words.len() - 8)
        .filter(|(_, w)| w.ends_with('.'))
        .min_by_key(|(start, w)| (start + w.len()).abs_diff(middle));
    let cut = match sentence_end {
        Some((start, w)) => start + w.len(),
        None => words[words.len() / 2].0 - 1,
    };
    let (head, tail) = text.split_at(cut);
    Some((head.trim().to_string(), tail.trim().to_string()))
}

/// Calls `f` with the byte range of every word: a run of letters and digits, inner
/// apostrophes included.
fn for_each_word_span(text: &str, mut f: impl FnMut(usize, usize)) {
    let mut start = None;
    for (i, c) in text.char_indices() {
        let inner_apostrophe = (c == '\'' || c == '’') && start.is_some();
        if c.is_alphanumeric() || inner_apostrophe {
            start.get_or_insert(i);
        } else if let Some(s) = start.take() {
            f(s, i);
        }
    }
    if let Some(s) = start {
        f(s, text.len());
    }
}

/// Appends `word` written in the case pattern of `like` (Title, UPPER or lower).
fn push_with_case_of(out: &mut String, word: &str, like: &str) {
    let mut chars = like.chars();
    let first_upper = chars.next().is_some_and(char::is_uppercase);
    let all_upper = first_upper && like.chars().count() > 1 && chars.all(char::is_uppercase);
    if all_upper {
        out.push_str(&word.to_uppercase());
    } else if first_upper {
        let mut w = word.chars();
        if let Some(c) = w.next() {
            out.extend(c.to_uppercase());
            out.push_str(w.as_str());
        }
    } else {
        out.push_str(word);
    }
}

/// `text` with two neighbouring sentences (chosen with `rng`) in the other order, when it has
/// two or more: a paraphrase reorders as well as rewords.
fn swap_sentences(text: &str, rng: &mut impl Rng) -> String {
    let bytes = text.as_bytes();
    let mut bounds = vec![0];
    bounds.extend((0..bytes.len().saturating_sub(2)).filter_map(|i| {
        let ends = matches!(bytes[i], b'.' | b'!' | b'?')
            && bytes[i + 1] == b' '
            && bytes[i + 2].is_ascii_uppercase();
        ends.then_some(i + 2)
    }));
    bounds.push(text.len());
    if bounds.len() < 3 {
        return text.to_string();
    }
    let k = rng.random_range(0..bounds.len() - 2);
    let (a, b, c) = (bounds[k], bounds[k + 1], bounds[k + 2]);
    let first = text[a..b].trim_end();
    let second = text[b..c].trim_end();
    let after = &text[b + second.len()..c];
    format!("{}{second} {first}{after}{}", &text[..a], &text[c..])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_reordered_paraphrase_swaps_two_neighbouring_sentences_and_keeps_every_word() {
        let mut rng = ChaCha8Rng::seed_from_u64(1);
        let text = "One came first. Two came next! Three came last.";
        let swapped: Vec<String> = (0..20).map(|_| swap_sentences(text, &mut rng)).collect();
        assert!(swapped.contains(&"Two came next! One came first. Three came last.".to_string()));
        assert!(swapped.contains(&"One came first. Three came last. Two came next!".to_string()));
        assert!(swapped.iter().all(|s| s.len() == text.len()));
        assert_eq!(
            swap_sentences("Only one sentence here.", &mut rng),
            "Only one sentence here."
        );
    }
}
