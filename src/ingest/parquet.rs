//! Reading a Parquet table: one document per row.
//!
//! In: a Parquet file (on disk, or its bytes when it came compressed or on standard input) and
//! the column names of [`JsonlFields`](super::JsonlFields). Out: documents and counted warnings
//! pushed into the [`Corpus`], as for a CSV table.
//!
//! Only the named columns are decoded (a projection), row group by row group, so a wide table
//! costs what its text costs. The text column must hold strings (`BYTE_ARRAY`, UTF-8 or plain
//! binary, decoded like a file); the other columns may hold strings, integers, dates or
//! timestamps (written as RFC 3339 in UTC). A file that is not Parquet, or has no text column,
//! fails naming the file (and the columns it has); a row without text is a counted warning.

use std::path::Path;

use parquet::file::reader::{ChunkReader, FileReader, SerializedFileReader};
use parquet::record::Field;
use parquet::schema::types::Type;

use super::{
    decode, push_document, read_error, Corpus, Decoded, IngestError, IngestOptions, RecordIds,
    Warning, WarningKind,
};
use crate::doc::Document;

/// The four bytes a Parquet file starts (and ends) with.
pub(super) const MAGIC: &[u8; 4] = b"PAR1";

/// Reads every row of the Parquet file in `chunks` (named `display` in messages; `ids` names
/// the rows without an id, by their row number, counted from 1).
pub(super) fn read_parquet<R: ChunkReader + 'static>(
    chunks: R,
    display: &str,
    ids: &RecordIds,
    options: &IngestOptions,
    corpus: &mut Corpus,
) -> Result<(), IngestError> {
    let failed = |message: String| {
        read_error(
            Path::new(display),
            std::io::Error::new(std::io::ErrorKind::InvalidData, message),
        )
    };
    let reader = SerializedFileReader::new(chunks)
        .map_err(|e| failed(format!("not a readable Parquet file ({e})")))?;
    let schema = reader.metadata().file_metadata().schema();
    let columns = schema.get_fields();
    let fields = &options.fields;
    let named = |name: &str| columns.iter().find(|c| c.name() == name);
    let Some(text_column) = named(&fields.text) else {
        let names: Vec<&str> = columns.iter().map(|c| c.name()).collect();
        return Err(failed(format!(
            "no '{}' column (columns: {}); name it with --text-field",
            fields.text,
            names.join(", ")
        )));
    };
    if !text_column.is_primitive() {
        return Err(failed(format!(
            "column '{}' is a nested group, not text",
            fields.text
        )));
    }
    // Decode only the columns a document takes (nested ones never: they are not text).
    let wanted = [
        &fields.text,
        &fields.id,
        &fields.source,
        &fields.published,
        &fields.title,
        &fields.url,
    ];
    let projected: Vec<_> = columns
        .iter()
        .filter(|c| c.is_primitive() && wanted.iter().any(|name| name.as_str() == c.name()))
        .cloned()
        .collect();
    let projection = Type::group_type_builder(schema.name())
        .with_fields(projected)
        .build()
        .map_err(|e| failed(format!("cannot select columns ({e})")))?;
    let rows = reader
        .get_row_iter(Some(projection))
        .map_err(|e| failed(format!("cannot read rows ({e})")))?;
    for (index, row) in rows.enumerate() {
        let row_no = index + 1;
        let row = row.map_err(|e| {
            let hint = if e.to_string().contains("brotli") {
                " (Brotli pages are not read: rewrite the table with Snappy or zstd)"
            } else {
                ""
            };
            failed(format!("row {row_no}: {e}{hint}"))
        })?;
        let input = format!("{display}:{row_no}");
        let mut text = None;
        let mut doc = Document::new(String::new(), String::new());
        for (name, value) in row.into_columns() {
            if name == fields.text {
                text = Some(value);
            } else if name == fields.id {
                doc.id = value_text(value).unwrap_or_default();
            } else if name == fields.source {
                doc.source = value_text(value);
            } else if name == fields.published {
                doc.published = value_text(value);
            } else if name == fields.title {
                doc.title = value_text(value);
            } else if name == fields.url {
                doc.url = value_text(value);
            }
        }
        let warning = |kind: WarningKind, message: String| Warning {
            input: input.clone(),
            kind,
            message,
        };
        let decoded = match text {
            Some(Field::Str(text)) => decode(text.into_bytes()),
            Some(Field::Bytes(bytes)) => decode(bytes.data().to_vec()),
            Some(Field::Null) | None => Decoded::Empty,
            Some(other) => {
                corpus.warnings.push(warning(
                    WarningKind::MalformedRecord,
                    format!(
                        "column '{}' holds {other:?}, not text; skipped",
                        fields.text
                    ),
                ));
                continue;
            }
        };
        match decoded {
            Decoded::Text(text, encoding) => {
                doc.text = text;
                doc.encoding = encoding;
            }
            Decoded::Empty => {
                corpus
                    .warnings
                    .push(warning(WarningKind::Empty, "empty text, skipped".into()));
                continue;
            }
            Decoded::Binary => {
                corpus.warnings.push(warning(
                    WarningKind::Binary,
                    "binary content (NUL or control bytes), skipped".into(),
                ));
                continue;
            }
        }
        if doc.id.is_empty() {
            doc.id = ids.name(row_no, &doc.text);
        }
        doc.path = input;
        push_document(doc, None, options, corpus);
    }
    Ok(())
}

/// A cell as the text of a metadata field: strings as they are, numbers in decimal, dates as
/// `YYYY-MM-DD`, timestamps as RFC 3339 (UTC); nulls and nested values as none.
fn value_text(value: Field) -> Option<String> {
    use time::format_description::well_known::Rfc3339;
    let timestamp = |nanos: i128| {
        time::OffsetDateTime::from_unix_timestamp_nanos(nanos)
            .ok()
            .and_then(|t| t.format(&Rfc3339).ok())
    };
    let text = match value {
        Field::Str(s) => s,
        Field::Bytes(bytes) => String::from_utf8_lossy(bytes.data()).into_owned(),
        Field::Byte(n) => n.to_string(),
        Field::Short(n) => n.to_string(),
        Field::Int(n) => n.to_string(),
        Field::Long(n) => n.to_string(),
        Field::UByte(n) => n.to_string(),
        Field::UShort(n) => n.to_string(),
        Field::UInt(n) => n.to_string(),
        Field::ULong(n) => n.to_string(),
        Field::Date(days) => {
            let date = time::Date::from_julian_day(2_440_588 + days).ok()?;
            let format = time::macros::format_description!("[year]-[month]-[day]");
            date.format(&format).ok()?
        }
        Field::TimestampMillis(ms) => timestamp(ms as i128 * 1_000_000)?,
        Field::TimestampMicros(us) => timestamp(us as i128 * 1_000)?,
        _ => return None,
    };
    (!text.is_empty()).then_some(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn metadata_cells_become_text() {
        assert_eq!(value_text(Field::Str("AP".into())).as_deref(), Some("AP"));
        assert_eq!(value_text(Field::Long(42)).as_deref(), Some("42"));
        assert_eq!(value_text(Field::Null), None);
        assert_eq!(value_text(Field::Str(String::new())), None);
        // 2024-03-05 is day 19,787 of the Unix epoch.
        assert_eq!(
            value_text(Field::Date(19_787)).as_deref(),
            Some("2024-03-05")
        );
        assert_eq!(
            value_text(Field::TimestampMillis(1_709_640_000_000)).as_deref(),
            Some("2024-03-05T12:00:00Z")
        );
        assert_eq!(
            value_text(Field::TimestampMicros(1_709_640_000_000_001)).as_deref(),
            Some("2024-03-05T12:00:00.000001Z")
        );
    }
}
