//! Every tunable of a run, validated once and echoed in every report.
//!
//! In: values from the caller (the CLI parses flags into a [`Params`] and calls
//! [`Params::validated`]). Out: a [`Params`] whose derived fields (`bands`, `rows`) are filled in
//! and whose values are known to be in range.
//!
//! Invariants: the library reads no environment variables and has no hidden knobs; two runs with
//! equal `Params` on equal input give byte-identical reports. The thread count is deliberately
//! not a parameter here: it never changes results.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

use crate::align::AlignParams;
use crate::lsh;
use crate::minhash::{MinHashScheme, MAX_PERMUTATIONS};

pub use crate::normalize::Language;

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
    /// The command-line flag of the parameter.
    pub flag: &'static str,
    /// What is wrong with its value.
    pub message: String,
}

fn param_error(flag: &'static str, message: impl Into<String>) -> ParamError {
    ParamError {
        flag,
        message: message.into(),
    }
}

/// `value` must lie in (0, 1].
fn fraction(flag: &'static str, value: f64) -> Result<(), ParamError> {
    if value > 0.0 && value <= 1.0 {
        Ok(())
    } else {
        Err(param_error(flag, format!("must be in (0, 1], got {value}")))
    }
}

/// `value` must lie in `low..=high` (`usize::MAX` as `high`: no upper bound).
fn between(flag: &'static str, value: usize, low: usize, high: usize) -> Result<(), ParamError> {
    if (low..=high).contains(&value) {
        Ok(())
    } else if high == usize::MAX {
        Err(param_error(
            flag,
            format!("must be at least {low}, got {value}"),
        ))
    } else {
        Err(param_error(
            flag,
            format!("must be between {low} and {high}, got {value}"),
        ))
    }
}

fn classic_minhash() -> MinHashScheme {
    MinHashScheme::Classic
}

/// Every tunable of a scan. Serialised as the report's `params` object.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Params {
    /// Stemming language.
    pub language: Language,
    /// Words per shingle (word k-grams).
    pub shingle_size: usize,
    /// MinHash permutations (signature length).
    pub permutations: usize,
    /// How MinHash signatures are made. Params written before this field existed (an index
    /// built by an earlier version) read as `classic`, the only scheme there was then.
    #[serde(default = "classic_minhash")]
    pub minhash: MinHashScheme,
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
            minhash: MinHashScheme::OnePermutation,
            seed: 1,
            threshold: 0.5,
            containment: 0.8,
            // The banding `validated` derives for the default threshold and permutations, so
            // that the defaults scan as they are.
            bands: 26,
            rows: 4,
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
        let align = &self.align;
        fraction("--threshold", self.threshold)?;
        fraction("--containment", self.containment)?;
        fraction("--min-identity", align.min_identity)?;
        between("--shingle-size", self.shingle_size, 1, 16)?;
        between("--permutations", self.permutations, 8, MAX_PERMUTATIONS)?;
        between("--max-bucket", self.max_bucket, 2, usize::MAX)?;
        // Token positions are 32-bit.
        between(
            "--max-doc-bytes",
            self.max_doc_bytes,
            1024,
            u32::MAX as usize,
        )?;
        between("--anchor-size", align.anchor_size, 2, 16)?;
        between("--anchor-window", align.anchor_window, 1, 64)?;
        between("--max-anchor-df", align.max_anchor_df, 2, usize::MAX)?;
        if self.min_paragraph_tokens < self.shingle_size {
            return Err(param_error(
                "--min-tokens",
                format!(
                    "must be at least the shingle size ({}), got {}",
                    self.shingle_size, self.min_paragraph_tokens
                ),
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
    fn defaults_not_validated_scan_with_the_banding_validation_derives() {
        // `scan(&docs, &Params::default(), …)` panicked: the defaults had no banding.
        assert_eq!(Params::default(), Params::default().validated().unwrap());
        let docs = [
            crate::Document::new("a", "one two three four five six seven eight nine ten"),
            crate::Document::new("b", "one two three four five six seven eight nine ten"),
        ];
        let result = crate::scan(&docs, &Params::default(), &|_| {});
        assert_eq!(result.clusters.len(), 1);
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
    fn params_from_before_the_minhash_scheme_read_as_classic() {
        let mut json = serde_json::to_value(Params::default()).unwrap();
        assert_eq!(json["minhash"], "one-permutation");
        json.as_object_mut().unwrap().remove("minhash");
        let old: Params = serde_json::from_value(json).unwrap();
        assert_eq!(old.minhash, MinHashScheme::Classic);
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
