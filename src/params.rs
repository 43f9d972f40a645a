//! Every tunable of a run, validated once and echoed in every report.
//!
//! In: values from the caller (the CLI parses flags into a [`Params`] and calls
//! [`Params::validated`]). Out: a [`Params`] whose derived fields (`bands`, `rows`) are filled in
//! and whose values are known to be in range.
//!
//! Invariants: the library reads no environment variables and has no hidden knobs; two runs with
//! equal `Params` on equal input give byte-identical reports. The thread count is deliberately
//! not a parameter here: it never changes results.

use serde::Serialize;
use std::fmt;
use std::str::FromStr;

use crate::align::AlignParams;
use crate::lsh;

/// Stemming language (Snowball algorithms from `rust-stemmers`), or no stemming.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Language {
    None,
    Arabic,
    Danish,
    Dutch,
    English,
    Finnish,
    French,
    German,
    Greek,
    Hungarian,
    Italian,
    Norwegian,
    Portuguese,
    Romanian,
    Russian,
    Spanish,
    Swedish,
    Tamil,
    Turkish,
}

impl Language {
    pub const ALL: [Language; 19] = [
        Language::None,
        Language::Arabic,
        Language::Danish,
        Language::Dutch,
        Language::English,
        Language::Finnish,
        Language::French,
        Language::German,
        Language::Greek,
        Language::Hungarian,
        Language::Italian,
        Language::Norwegian,
        Language::Portuguese,
        Language::Romanian,
        Language::Russian,
        Language::Spanish,
        Language::Swedish,
        Language::Tamil,
        Language::Turkish,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Language::None => "none",
            Language::Arabic => "arabic",
            Language::Danish => "danish",
            Language::Dutch => "dutch",
            Language::English => "english",
            Language::Finnish => "finnish",
            Language::French => "french",
            Language::German => "german",
            Language::Greek => "greek",
            Language::Hungarian => "hungarian",
            Language::Italian => "italian",
            Language::Norwegian => "norwegian",
            Language::Portuguese => "portuguese",
            Language::Romanian => "romanian",
            Language::Russian => "russian",
            Language::Spanish => "spanish",
            Language::Swedish => "swedish",
            Language::Tamil => "tamil",
            Language::Turkish => "turkish",
        }
    }
}

impl fmt::Display for Language {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Language {
    type Err = String;

    /// Accepts the lowercase name or a two-letter ISO 639-1 code (`en`, `fr`, …).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let lower = s.to_ascii_lowercase();
        let by_code = match lower.as_str() {
            "ar" => Some(Language::Arabic),
            "da" => Some(Language::Danish),
            "nl" => Some(Language::Dutch),
            "en" => Some(Language::English),
            "fi" => Some(Language::Finnish),
            "fr" => Some(Language::French),
            "de" => Some(Language::German),
            "el" => Some(Language::Greek),
            "hu" => Some(Language::Hungarian),
            "it" => Some(Language::Italian),
            "no" | "nb" => Some(Language::Norwegian),
            "pt" => Some(Language::Portuguese),
            "ro" => Some(Language::Romanian),
            "ru" => Some(Language::Russian),
            "es" => Some(Language::Spanish),
            "sv" => Some(Language::Swedish),
            "ta" => Some(Language::Tamil),
            "tr" => Some(Language::Turkish),
            _ => None,
        };
        by_code
            .or_else(|| Language::ALL.into_iter().find(|l| l.name() == lower))
            .ok_or_else(|| {
                let names: Vec<&str> = Language::ALL.iter().map(|l| l.name()).collect();
                format!("unknown language '{s}' (one of: {})", names.join(", "))
            })
    }
}

/// A parameter outside its valid range; the message names the flag.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{flag}: {message}")]
pub struct ParamError {
    pub flag: &'static str,
    pub message: String,
}

fn param_error(flag: &'static str, message: impl Into<String>) -> ParamError {
    ParamError {
        flag,
        message: message.into(),
    }
}

/// Every tunable of a scan. Serialised as the report's `params` object.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Params {
    /// Stemming language.
    pub language: Language,
    /// Words per shingle (word k-grams).
    pub shingle_size: usize,
    /// MinHash permutations (signature length).
    pub permutations: usize,
    /// Seed of the MinHash permutations; fixed by default so runs are reproducible.
    pub seed: u64,
    /// Verified Jaccard similarity at or above which two paragraphs are linked.
    pub threshold: f64,
    /// Verified containment (share of the smaller paragraph's shingles found in the larger) at or
    /// above which two paragraphs are linked even when their Jaccard is below `threshold`.
    pub containment: f64,
    /// LSH bands; derived from `threshold` and `permutations` by [`Params::validated`].
    pub bands: usize,
    /// LSH rows per band; derived like `bands`.
    pub rows: usize,
    /// Paragraphs with fewer word tokens are kept in the report but not fingerprinted.
    pub min_paragraph_tokens: usize,
    /// An LSH bucket with more members than this is linked as a star around its first member
    /// instead of all pairs, so a paragraph repeated in thousands of documents stays linear.
    pub max_bucket: usize,
    /// Documents longer than this many bytes are cut (at a character boundary) with a warning.
    pub max_doc_bytes: usize,
    /// The passage-alignment tier.
    pub align: AlignParams,
}

impl Default for Params {
    fn default() -> Self {
        Params {
            language: Language::English,
            shingle_size: 3,
            permutations: 128,
            seed: 1,
            threshold: 0.5,
            containment: 0.8,
            bands: 0,
            rows: 0,
            min_paragraph_tokens: 8,
            max_bucket: 2000,
            max_doc_bytes: 16 * 1024 * 1024,
            align: AlignParams::default(),
        }
    }
}

impl Params {
    /// Checks every value and fills in the LSH banding derived from `threshold`.
    pub fn validated(mut self) -> Result<Params, ParamError> {
        if !(self.threshold > 0.0 && self.threshold <= 1.0) {
            return Err(param_error(
                "--threshold",
                format!("must be in (0, 1], got {}", self.threshold),
            ));
        }
        if !(self.containment > 0.0 && self.containment <= 1.0) {
            return Err(param_error(
                "--containment",
                format!("must be in (0, 1], got {}", self.containment),
            ));
        }
        if !(1..=16).contains(&self.shingle_size) {
            return Err(param_error(
                "--shingle-size",
                format!("must be between 1 and 16, got {}", self.shingle_size),
            ));
        }
        if !(8..=1024).contains(&self.permutations) {
            return Err(param_error(
                "--permutations",
                format!("must be between 8 and 1024, got {}", self.permutations),
            ));
        }
        if self.min_paragraph_tokens < self.shingle_size {
            return Err(param_error(
                "--min-tokens",
                format!(
                    "must be at least the shingle size ({}), got {}",
                    self.shingle_size, self.min_paragraph_tokens
                ),
            ));
        }
        if self.max_bucket < 2 {
            return Err(param_error(
                "--max-bucket",
                format!("must be at least 2, got {}", self.max_bucket),
            ));
        }
        if self.max_doc_bytes < 1024 {
            return Err(param_error(
                "--max-doc-bytes",
                format!("must be at least 1024, got {}", self.max_doc_bytes),
            ));
        }
        if self.max_doc_bytes > u32::MAX as usize {
            return Err(param_error(
                "--max-doc-bytes",
                format!("must be at most {}, got {}", u32::MAX, self.max_doc_bytes),
            ));
        }
        let align = &self.align;
        if !(2..=16).contains(&align.anchor_size) {
            return Err(param_error(
                "--anchor-size",
                format!("must be between 2 and 16, got {}", align.anchor_size),
            ));
        }
        if !(1..=64).contains(&align.anchor_window) {
            return Err(param_error(
                "--anchor-window",
                format!("must be between 1 and 64, got {}", align.anchor_window),
            ));
        }
        if align.max_anchor_df < 2 {
            return Err(param_error(
                "--max-anchor-df",
                format!("must be at least 2, got {}", align.max_anchor_df),
            ));
        }
        if align.min_tokens < align.anchor_size {
            return Err(param_error(
                "--min-aligned-tokens",
                format!(
                    "must be at least the anchor size ({}), got {}",
                    align.anchor_size, align.min_tokens
                ),
            ));
        }
        if !(align.min_identity > 0.0 && align.min_identity <= 1.0) {
            return Err(param_error(
                "--min-identity",
                format!("must be in (0, 1], got {}", align.min_identity),
            ));
        }
        let (bands, rows) = lsh::bands_and_rows(self.threshold, self.permutations);
        self.bands = bands;
        self.rows = rows;
        Ok(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_validate_and_derive_banding() {
        let p = Params::default().validated().unwrap();
        assert!(p.bands >= 1 && p.rows >= 1);
        assert!(p.bands * p.rows <= p.permutations);
    }

    #[test]
    fn out_of_range_values_name_their_flag() {
        let p = Params {
            threshold: 1.5,
            ..Params::default()
        };
        let err = p.validated().unwrap_err();
        assert_eq!(err.flag, "--threshold");
        assert!(err.to_string().contains("1.5"));

        let p = Params {
            min_paragraph_tokens: 2,
            shingle_size: 5,
            ..Params::default()
        };
        assert_eq!(p.validated().unwrap_err().flag, "--min-tokens");
    }

    #[test]
    fn languages_parse_by_name_and_code() {
        assert_eq!("en".parse::<Language>().unwrap(), Language::English);
        assert_eq!("French".parse::<Language>().unwrap(), Language::French);
        assert_eq!("none".parse::<Language>().unwrap(), Language::None);
        assert!("klingon"
            .parse::<Language>()
            .unwrap_err()
            .contains("english"));
    }
}
