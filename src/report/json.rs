//! JSON and JSONL renderers.
//!
//! In: a [`Report`]. Out: one pretty-printed JSON object (`json`), or typed records, one per
//! line (`jsonl`): a `header` (version and params), then every `document`, `cluster` and
//! `warning`, then the `summary`. Each record is the corresponding JSON object with a `type`
//! field added.

use std::io::{self, Write};

use rayon::prelude::*;
use serde::Serialize;

use super::{Report, VERSION};
use crate::params::Params;

/// Writes `report` as one JSON document.
pub fn write_json(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    // serde_json makes many small writes; a buffer of a concrete type lets them inline instead
    // of each going through `dyn Write`.
    let mut buffered = io::BufWriter::with_capacity(1 << 16, out);
    serde_json::to_writer_pretty(&mut buffered, report)?;
    buffered.write_all(b"\n")?;
    buffered.flush()
}

#[derive(Serialize)]
struct Typed<'a, T: Serialize> {
    #[serde(rename = "type")]
    kind: &'static str,
    #[serde(flatten)]
    record: &'a T,
}

#[derive(Serialize)]
struct Header<'a> {
    wiretrace: &'static str,
    params: &'a Params,
}

fn write_record<T: Serialize>(
    out: &mut impl Write,
    kind: &'static str,
    record: &T,
) -> io::Result<()> {
    serde_json::to_writer(&mut *out, &Typed { kind, record })?;
    out.write_all(b"\n")
}

/// Writes `report` as JSON Lines: a header, then a line per document, cluster and warning.
pub fn write_jsonl(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    let mut buffered = io::BufWriter::with_capacity(1 << 16, out);
    write_jsonl_records(report, &mut buffered)?;
    buffered.flush()
}

fn write_jsonl_records(report: &Report, out: &mut impl Write) -> io::Result<()> {
    let header = Header {
        wiretrace: VERSION,
        params: &report.params,
    };
    write_record(out, "header", &header)?;
    write_records(out, "document", &report.documents)?;
    write_records(out, "cluster", &report.clusters)?;
    write_records(out, "warning", &report.warnings)?;
    write_record(out, "summary", &report.summary)
}

/// Records serialized by one worker in one go.
const RECORDS_PER_PIECE: usize = 2048;

/// Writes `records` in order, serialized in parallel a few pieces at a time (one piece per
/// worker), so that only those pieces' lines are held in memory.
fn write_records<T: Serialize + Sync>(
    out: &mut impl Write,
    kind: &'static str,
    records: &[T],
) -> io::Result<()> {
    let per_round = RECORDS_PER_PIECE * rayon::current_num_threads();
    for round in records.chunks(per_round) {
        let pieces: Vec<Vec<u8>> = round
            .par_chunks(RECORDS_PER_PIECE)
            .map(|piece| {
                let mut lines = Vec::new();
                for record in piece {
                    write_record(&mut lines, kind, record)?;
                }
                Ok(lines)
            })
            .collect::<io::Result<_>>()?;
        for lines in pieces {
            out.write_all(&lines)?;
        }
    }
    Ok(())
}
