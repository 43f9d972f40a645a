//! Reading under a byte cap: a whole file, or one JSONL line, held in memory no larger than a
//! small multiple of `--max-doc-bytes`, however long the input (`scan /dev/zero`, a 500 MB
//! line).
//!
//! In: a reader positioned at the start of a file or a line, and the cap. Out: the bytes kept
//! (a file's first bytes, cut at a character boundary; a line whose long JSON strings are cut
//! short, still valid JSON) and how long the input was.

use std::io::{self, BufRead, Read};

/// How many bytes of an input that overflows the cap are counted, past the cap, to report its
/// size; a stream longer than that (`yes |`) is reported as "more than".
const COUNT_LIMIT: u64 = 1 << 30;

/// Bytes kept of a top-level key (a field name), whatever the cap.
const KEY_CAP: usize = 64 * 1024;

/// A file's first bytes.
pub(super) struct Head {
    /// At most `2 × cap + 2` bytes (room for UTF-16, two bytes a character), cut at a character
    /// boundary when the input went on.
    pub bytes: Vec<u8>,
    /// The input's length when it was longer than `bytes`: exact, or a lower bound when
    /// `at_least` (a stream past [`COUNT_LIMIT`], or binary content that was not counted).
    pub longer: Option<Overflow>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Overflow {
    pub total: u64,
    pub at_least: bool,
}

/// Reads at most about `cap` bytes of `reader` (twice that for UTF-16, by its byte-order
/// mark), then counts the rest without keeping it. `known_len` is the input's length when the
/// file system knows it (an uncompressed regular file): then nothing past the cap is read.
pub(super) fn read_head(
    reader: &mut dyn Read,
    cap: usize,
    known_len: Option<u64>,
) -> io::Result<Head> {
    let mut bytes = Vec::new();
    reader.take(cap as u64 + 1).read_to_end(&mut bytes)?;
    let utf16 = bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]);
    if utf16 && bytes.len() > cap {
        reader.take(cap as u64 + 2).read_to_end(&mut bytes)?;
    }
    let keep = if utf16 { 2 * cap + 2 } else { cap };
    if bytes.len() <= keep {
        return Ok(Head {
            bytes,
            longer: None,
        });
    }
    bytes.truncate(keep);
    cut_at_character_boundary(&mut bytes, utf16);
    let overflow = if let Some(total) = known_len {
        Overflow {
            total,
            at_least: false,
        }
    } else if bytes.contains(&0) && !utf16 {
        // Binary (it will be skipped as such): an endless device is not read to its end.
        Overflow {
            total: keep as u64 + 1,
            at_least: true,
        }
    } else {
        let counted = io::copy(&mut reader.take(COUNT_LIMIT), &mut io::sink())?;
        let mut probe = [0u8; 1];
        let at_least = counted == COUNT_LIMIT && reader.read(&mut probe)? > 0;
        Overflow {
            total: keep as u64 + 1 + counted,
            at_least,
        }
    };
    Ok(Head {
        bytes,
        longer: Some(overflow),
    })
}

/// Drops a character cut in two at the end of `bytes`: a trailing incomplete UTF-8 sequence,
/// or an odd byte of UTF-16.
fn cut_at_character_boundary(bytes: &mut Vec<u8>, utf16: bool) {
    if utf16 {
        bytes.truncate(bytes.len() & !1);
        return;
    }
    // Only the last three bytes can start an incomplete sequence.
    let tail_start = bytes.len().saturating_sub(3);
    for start in (tail_start..bytes.len()).rev() {
        let b = bytes[start];
        if b & 0xC0 == 0x80 {
            continue; // a continuation byte: look further back
        }
        let width = match b {
            0xC0..=0xDF => 2,
            0xE0..=0xEF => 3,
            0xF0..=0xF7 => 4,
            _ => 1,
        };
        if start + width > bytes.len() {
            bytes.truncate(start);
        }
        return;
    }
}

/// One JSONL line read by [`read_line`].
pub(super) struct Line {
    /// Bytes read from the input for this line, newline included (0 at the end of the input).
    pub raw_len: usize,
    /// The longest string value of the line's top-level object that was cut: its key and its
    /// length in the input (escaped) before the cut.
    pub cut: Option<(String, usize)>,
}

/// Reads one line (up to and including `\n`) from `reader` into `line`. A line longer than
/// `cap` plus 1 MiB is not held whole: from there on every JSON string value is cut after about
/// `cap` bytes (at a character boundary, an escape kept whole), so `line` stays valid JSON of
/// bounded size.
pub(super) fn read_line(
    reader: &mut dyn BufRead,
    line: &mut Vec<u8>,
    cap: usize,
) -> io::Result<Line> {
    let threshold = cap.saturating_add(1 << 20);
    let mut cutter: Option<StringCutter> = None;
    let mut raw_len = 0;
    loop {
        let available = reader.fill_buf()?;
        if available.is_empty() {
            break;
        }
        let (chunk_len, done) = match available.iter().position(|&b| b == b'\n') {
            Some(at) => (at + 1, true),
            None => (available.len(), false),
        };
        let chunk = &available[..chunk_len];
        if cutter.is_none() && line.len() + chunk.len() > threshold {
            // Too long to hold: cut its strings from the start, as if cut while reading.
            let mut fresh = StringCutter::new(cap);
            let held = std::mem::take(line);
            fresh.feed(&held, line);
            cutter = Some(fresh);
        }
        match &mut cutter {
            Some(cutter) => cutter.feed(chunk, line),
            None => line.extend_from_slice(chunk),
        }
        raw_len += chunk_len;
        reader.consume(chunk_len);
        if done {
            break;
        }
    }
    Ok(Line {
        raw_len,
        cut: cutter.and_then(|c| c.longest_cut),
    })
}

/// Copies JSON text, cutting each string value longer than `cap` bytes. Tracks just enough of
/// JSON to know where strings start and end, and which top-level key a string belongs to.
struct StringCutter {
    cap: usize,
    in_string: bool,
    /// 0: no escape; 1: after a backslash; 2–5: reading the four hex digits of `\u`.
    escape: u8,
    hex: u32,
    /// The last completed escape was a high surrogate, whose low half must stay with it.
    after_high_surrogate: bool,
    /// Bytes of the current string so far (escaped, as in the input).
    string_len: usize,
    dropping: bool,
    /// Nesting depth of objects and arrays, outside strings.
    depth: usize,
    /// The current string is a key of the top-level object (it follows `{` or `,`).
    is_key: bool,
    expecting_key: bool,
    key: Vec<u8>,
    longest_cut: Option<(String, usize)>,
}

impl StringCutter {
    fn new(cap: usize) -> StringCutter {
        StringCutter {
            cap,
            in_string: false,
            escape: 0,
            hex: 0,
            after_high_surrogate: false,
            string_len: 0,
            dropping: false,
            depth: 0,
            is_key: false,
            expecting_key: false,
            key: Vec::new(),
            longest_cut: None,
        }
    }

    fn feed(&mut self, input: &[u8], out: &mut Vec<u8>) {
        for &b in input {
            if !self.in_string {
                self.outside_string(b);
                out.push(b);
                continue;
            }
            let ends = self.escape == 0 && b == b'"';
            if ends {
                self.end_string();
                out.push(b);
                continue;
            }
            // A place to cut: a character's first byte, no escape open, no surrogate pair split.
            let boundary = self.escape == 0 && b & 0xC0 != 0x80 && !self.after_high_surrogate;
            // Keys are field names: kept whole up to a generous bound, whatever the cap.
            let cap = if self.is_key {
                KEY_CAP.max(self.cap)
            } else {
                self.cap
            };
            if !self.dropping && boundary && self.string_len >= cap {
                self.dropping = true;
            }
            self.string_len += 1;
            self.track_escape(b);
            if !self.dropping {
                out.push(b);
                if self.is_key && self.key.len() < 256 {
                    self.key.push(b);
                }
            }
        }
    }

    fn outside_string(&mut self, b: u8) {
        match b {
            b'"' => {
                self.in_string = true;
                self.string_len = 0;
                self.dropping = false;
                self.is_key = self.depth == 1 && self.expecting_key;
                if self.is_key {
                    self.key.clear();
                }
            }
            b'{' | b'[' => {
                self.depth += 1;
                self.expecting_key = self.depth == 1 && b == b'{';
            }
            b'}' | b']' => self.depth = self.depth.saturating_sub(1),
            b',' if self.depth == 1 => self.expecting_key = true,
            b':' if self.depth == 1 => self.expecting_key = false,
            _ => {}
        }
    }

    fn end_string(&mut self) {
        self.in_string = false;
        if self.dropping && self.depth == 1 && !self.is_key {
            let longest = self.longest_cut.as_ref().map_or(0, |(_, len)| *len);
            if self.string_len > longest {
                let key = String::from_utf8_lossy(&self.key).into_owned();
                self.longest_cut = Some((key, self.string_len));
            }
        }
        self.is_key = false;
        self.dropping = false;
    }

    fn track_escape(&mut self, b: u8) {
        match self.escape {
            0 if b == b'\\' => self.escape = 1,
            0 => self.after_high_surrogate = false,
            1 if b == b'u' => {
                self.escape = 2;
                self.hex = 0;
            }
            1 => {
                self.escape = 0;
                self.after_high_surrogate = false;
            }
            _ => {
                self.hex = self.hex * 16 + (b as char).to_digit(16).unwrap_or(0);
                self.escape += 1;
                if self.escape == 6 {
                    self.escape = 0;
                    self.after_high_surrogate = (0xD800..0xDC00).contains(&self.hex);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cut_line(input: &str, cap: usize) -> (String, Option<(String, usize)>) {
        let mut cutter = StringCutter::new(cap);
        let mut out = Vec::new();
        cutter.feed(input.as_bytes(), &mut out);
        (String::from_utf8(out).unwrap(), cutter.longest_cut)
    }

    #[test]
    fn long_strings_are_cut_and_the_line_stays_json() {
        let (line, cut) = cut_line(r#"{"id":"a","text":"abcdefghij","n":[1,"xyzxyzxyz"]}"#, 4);
        assert_eq!(line, r#"{"id":"a","text":"abcd","n":[1,"xyzx"]}"#);
        // Only top-level values name their key; the nested string was cut but is not one.
        assert_eq!(cut, Some(("text".to_string(), 10)));
        serde_json::from_str::<serde_json::Value>(&line).unwrap();
    }

    #[test]
    fn cuts_never_split_a_character_an_escape_or_a_surrogate_pair() {
        for cap in 0..12 {
            let input = r#"{"text":"aé\n\u00e9\ud83d\ude00€b","id":"x"}"#;
            let (line, _) = cut_line(input, cap);
            let value: serde_json::Value =
                serde_json::from_str(&line).unwrap_or_else(|e| panic!("cap {cap}: {line}: {e}"));
            let text = value["text"].as_str().unwrap();
            assert!("aé\né😀€b".starts_with(text), "cap {cap}: {text:?}");
            // Field names are kept whole; every value is cut to the cap.
            assert_eq!(value["id"], if cap == 0 { "" } else { "x" });
        }
    }

    #[test]
    fn a_file_head_is_cut_at_a_character_boundary_and_the_rest_counted() {
        let text = "é".repeat(10); // 20 bytes
        let head = read_head(&mut text.as_bytes(), 7, None).unwrap();
        assert_eq!(head.bytes, "é".repeat(3).as_bytes());
        assert_eq!(
            head.longer,
            Some(Overflow {
                total: 20,
                at_least: false
            })
        );
        let head = read_head(&mut text.as_bytes(), 20, None).unwrap();
        assert_eq!(head.bytes.len(), 20);
        assert_eq!(head.longer, None);
        // Binary content is not counted to its end (an endless device would never end).
        let head = read_head(&mut io::repeat(0), 16, None).unwrap();
        assert_eq!(head.bytes.len(), 16);
        assert!(head.longer.unwrap().at_least);
    }

    #[test]
    fn a_short_line_is_read_whole_and_a_long_one_cut_while_reading() {
        let input = format!(
            "{{\"text\":\"{}\"}}\n{{\"text\":\"short\"}}\n",
            "w".repeat(3 << 20)
        );
        let mut reader = io::BufReader::with_capacity(1 << 16, input.as_bytes());
        let mut line = Vec::new();
        let first = read_line(&mut reader, &mut line, 1 << 20).unwrap();
        assert_eq!(first.raw_len, (3 << 20) + 12);
        assert_eq!(first.cut, Some(("text".to_string(), 3 << 20)));
        assert_eq!(line.len(), (1 << 20) + 12);
        line.clear();
        let second = read_line(&mut reader, &mut line, 1 << 20).unwrap();
        assert_eq!(line, b"{\"text\":\"short\"}\n");
        assert_eq!(second.cut, None);
        line.clear();
        assert_eq!(
            read_line(&mut reader, &mut line, 1 << 20).unwrap().raw_len,
            0
        );
    }
}
