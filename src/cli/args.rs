//! Arguments shared by several subcommands: how inputs are read, the alignment tier, and how
//! ingest warnings are shown.

use std::path::PathBuf;
use wiretrace::report::text::printable;

use clap::{Args, ValueEnum};
use wiretrace::align::AlignParams;
use wiretrace::ingest::{GeneratedIds, IngestOptions, Input, JsonlFields, SourceRule, Warning};

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SourceFrom {
    /// The name of the directory holding each file.
    ParentDir,
}

/// How inputs are read.
#[derive(Debug, Args)]
pub struct InputArgs {
    /// Read stdin (-) as JSONL even when it does not start with `{` (it is JSONL when it does).
    #[arg(long)]
    pub jsonl: bool,

    /// JSONL field holding the document id.
    #[arg(long, default_value = "id", value_name = "NAME")]
    pub id_field: String,
    /// JSONL field holding the text.
    #[arg(long, default_value = "text", value_name = "NAME")]
    pub text_field: String,
    /// JSONL field holding the outlet.
    #[arg(long, default_value = "source", value_name = "NAME")]
    pub source_field: String,
    /// JSONL field holding the publication time (RFC 3339 or date).
    #[arg(long, default_value = "published", value_name = "NAME")]
    pub published_field: String,
    /// JSONL field holding the title.
    #[arg(long, default_value = "title", value_name = "NAME")]
    pub title_field: String,
    /// JSONL field holding the URL.
    #[arg(long, default_value = "url", value_name = "NAME")]
    pub url_field: String,

    /// Outlet of every plain-text input file.
    #[arg(long, value_name = "NAME", conflicts_with = "source_from")]
    pub source: Option<String>,
    /// Take the outlet of plain-text files from their path.
    #[arg(long, value_enum)]
    pub source_from: Option<SourceFrom>,
}

impl InputArgs {
    /// The ingest options these flags give; `generated_ids` says how documents without an id
    /// are named (qualified for ids an index keeps).
    pub fn options(&self, max_doc_bytes: usize, generated_ids: GeneratedIds) -> IngestOptions {
        IngestOptions {
            stdin_jsonl: self.jsonl,
            fields: JsonlFields {
                id: self.id_field.clone(),
                text: self.text_field.clone(),
                source: self.source_field.clone(),
                published: self.published_field.clone(),
                title: self.title_field.clone(),
                url: self.url_field.clone(),
            },
            source: match (&self.source, self.source_from) {
                (Some(name), _) => SourceRule::Fixed(name.clone()),
                (None, Some(SourceFrom::ParentDir)) => SourceRule::ParentDir,
                (None, None) => SourceRule::None,
            },
            max_doc_bytes,
            generated_ids,
        }
    }

    /// `-` is stdin, anything else a path.
    pub fn inputs(&self, paths: &[PathBuf]) -> Vec<Input> {
        paths
            .iter()
            .map(|p| {
                if p.as_os_str() == "-" {
                    Input::Stdin
                } else {
                    Input::Path(p.clone())
                }
            })
            .collect()
    }
}

/// The passage-alignment tier.
#[derive(Debug, Args)]
pub struct AlignArgs {
    /// Skip the passage-alignment tier (paragraph-level reuse only).
    #[arg(long)]
    pub no_align: bool,
    /// Words per alignment anchor n-gram.
    #[arg(long, default_value_t = AlignParams::default().anchor_size, value_name = "N")]
    pub anchor_size: usize,
    /// Winnowing window for anchors, in n-grams (shared runs of anchor-size + window - 1 words
    /// are always found).
    #[arg(long, default_value_t = AlignParams::default().anchor_window, value_name = "W")]
    pub anchor_window: usize,
    /// Ignore anchors found in more documents than this (stock phrases, site furniture).
    #[arg(long, default_value_t = AlignParams::default().max_anchor_df, value_name = "N")]
    pub max_anchor_df: usize,
    /// Fewest matching words in a reported passage.
    #[arg(long, default_value_t = AlignParams::default().min_tokens, value_name = "N")]
    pub min_aligned_tokens: usize,
    /// Lowest identity (matching words over alignment columns) of a reported passage.
    #[arg(long, default_value_t = AlignParams::default().min_identity, value_name = "I")]
    pub min_identity: f64,
}

impl AlignArgs {
    pub fn params(&self) -> AlignParams {
        AlignParams {
            enabled: !self.no_align,
            anchor_size: self.anchor_size,
            anchor_window: self.anchor_window,
            max_anchor_df: self.max_anchor_df,
            min_tokens: self.min_aligned_tokens,
            min_identity: self.min_identity,
        }
    }
}

/// Warnings printed one per line before the rest are summarised.
const WARNINGS_SHOWN: usize = 20;

pub fn print_warnings(warnings: &[Warning]) {
    for warning in warnings.iter().take(WARNINGS_SHOWN) {
        say!(
            "wiretrace: warning: {}: {} [{}]",
            printable(&warning.input),
            printable(&warning.message),
            warning.kind.name()
        );
    }
    if warnings.len() > WARNINGS_SHOWN {
        say!(
            "wiretrace: warning: … and {} more (all are listed in the report's \"warnings\")",
            warnings.len() - WARNINGS_SHOWN
        );
    }
}

/// "10MB" → 10_000_000; units are decimal (kB, MB, GB) or binary (KiB, MiB, GiB).
pub fn parse_size(text: &str) -> Result<u64, String> {
    let text = text.trim();
    let split = text
        .find(|c: char| !c.is_ascii_digit() && c != '.')
        .unwrap_or(text.len());
    let (number, unit) = text.split_at(split);
    let number: f64 = number
        .parse()
        .map_err(|_| format!("{text:?} is not a size like 10MB or 1GB"))?;
    let scale: u64 = match unit.trim().to_ascii_lowercase().as_str() {
        "" | "b" => 1,
        "k" | "kb" => 1_000,
        "m" | "mb" => 1_000_000,
        "g" | "gb" => 1_000_000_000,
        "kib" => 1 << 10,
        "mib" => 1 << 20,
        "gib" => 1 << 30,
        other => {
            return Err(format!(
                "unknown unit {other:?} (use B, kB, MB, GB, KiB, MiB, GiB)"
            ))
        }
    };
    Ok((number * scale as f64) as u64)
}

#[cfg(test)]
mod tests {
    use super::parse_size;

    #[test]
    fn sizes_take_decimal_and_binary_units() {
        assert_eq!(parse_size("10MB"), Ok(10_000_000));
        assert_eq!(parse_size("1GB"), Ok(1_000_000_000));
        assert_eq!(parse_size("2KiB"), Ok(2048));
        assert_eq!(parse_size("1.5 kB"), Ok(1500));
        assert_eq!(parse_size("123"), Ok(123));
        assert!(parse_size("ten").is_err());
        assert!(parse_size("10 parsecs").is_err());
    }
}
