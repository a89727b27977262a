//! CSV records that do not fit are refused, not shifted.
//!
//! A row with a missing or an extra field would put every later value in the wrong column
//! (a citizen's name in the rating column, then in a report); an unclosed quote would
//! swallow the rest of the file as one field; a line of 200 MB would sit in memory. Each
//! record is therefore split here (quotes as RFC 4180, by csv-core; a one-line record whose
//! quoted fields escape no quote, most of a province's log, by memchr alone, which is
//! several times faster and reads the same) and checked against the header's field count: a record that does not fit is dropped and reported by its line,
//! never by its values (they may be personal data). A record spanning several lines that
//! does not fit is an unclosed quote: only its first line is dropped and reading resumes on
//! the next line, so the rows after it are kept. A record longer than [`MAX_RECORD`] is
//! dropped without being held whole.

use memchr::memchr;

/// The longest record read (bytes): a dossier is a few hundred.
pub(super) const MAX_RECORD: usize = 1 << 20;

/// Why a record was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Refusal {
    /// Fields found, fields in the header.
    FieldCount(usize, usize),
    /// A quote opened on this line was never closed (the line is dropped).
    UnclosedQuote,
    /// Bytes in the record.
    TooLong(usize),
}

impl Refusal {
    /// The rule as the data-quality sheet names it.
    pub(super) fn rule_vi(&self) -> &'static str {
        match self {
            Refusal::FieldCount(..) => "Dòng có số cột khác dòng tiêu đề (loại bỏ dòng, không đọc giá trị)",
            Refusal::UnclosedQuote => "Dấu ngoặc kép mở mà không đóng (loại bỏ dòng, đọc tiếp từ dòng sau)",
            Refusal::TooLong(_) => "Dòng quá dài (loại bỏ dòng, không đọc giá trị)",
        }
    }

    /// What is said about the row (never its values).
    pub(super) fn detail_vi(&self) -> String {
        match self {
            Refusal::FieldCount(got, want) => format!("{got} cột, dòng tiêu đề có {want}"),
            Refusal::UnclosedQuote => "ngoặc kép không đóng".into(),
            Refusal::TooLong(n) => format!("{n} byte, giới hạn {MAX_RECORD}"),
        }
    }
}

/// Splits `input` into records of `expected` fields (0: take the first record's count).
/// `each(line, fields)` gets every record that fits with the 1-based line it starts on
/// (counted from `first_line`), until it returns false; refused records go to `refused`.
pub(super) fn split(
    input: &[u8],
    separator: u8,
    expected: usize,
    first_line: usize,
    refused: &mut Vec<(usize, Refusal)>,
    mut each: impl FnMut(usize, &[&[u8]]) -> bool,
) {
    use csv_core::ReadRecordResult as R;
    let mut reader = csv_core::ReaderBuilder::new().delimiter(separator).build();
    let (mut out, mut ends, mut out_len, mut ends_len) = (vec![0u8; 64 << 10], vec![0usize; 64], 0, 0);
    // pos: where the current record starts; at: how far the reader has consumed.
    let (mut pos, mut at, mut line, mut expected) = (0, 0, first_line, expected);
    let lines_in = |bytes: &[u8]| memchr::memchr_iter(b'\n', bytes).count();
    let next_line = |from: usize| memchr(b'\n', &input[from..]).map_or(input.len(), |i| from + i + 1);
    let mut plain = Vec::with_capacity(expected.max(16));
    loop {
        // Most records are one line with plain quoting: split them without the state machine.
        if at == pos
            && out_len == 0
            && pos < input.len()
            && let Some(next) = plain_line(&input[pos..], separator, &mut plain)
        {
            if !offer(&plain, line, &mut expected, refused, &mut each) {
                return;
            }
            line += 1;
            (pos, at) = (pos + next, pos + next);
            continue;
        }
        if at - pos > MAX_RECORD {
            // Too long: drop it through the end of its line, without reading it whole.
            let cut = next_line(at);
            refused.push((line, Refusal::TooLong(cut - pos)));
            line += lines_in(&input[pos..cut]);
            (pos, at, out_len, ends_len) = (cut, cut, 0, 0);
            reader.reset();
            continue;
        }
        // Fed a slice at a time, so that a record too long is seen before it is held whole.
        let slice = &input[at..(at + (64 << 10)).min(input.len())];
        let (res, nin, nout, nend) = reader.read_record(slice, &mut out[out_len..], &mut ends[ends_len..]);
        at += nin;
        out_len += nout;
        ends_len += nend;
        let last = match res {
            R::InputEmpty if at < input.len() => continue,
            R::OutputFull => {
                out.resize(out.len() * 2, 0);
                continue;
            }
            R::OutputEndsFull => {
                ends.resize(ends.len() * 2, 0);
                continue;
            }
            R::End => return,
            R::Record => false,
            R::InputEmpty => {
                // The input ends inside a record: finish it.
                let (res, _, nout, nend) = reader.read_record(&[], &mut out[out_len..], &mut ends[ends_len..]);
                out_len += nout;
                ends_len += nend;
                if !matches!(res, R::Record) {
                    return;
                }
                true
            }
        };
        let fields = fields(&out[..out_len], &ends[..ends_len]);
        let body = &input[pos..at];
        // With CRLF line ends csv-core ends a record at its `\r`: the `\n` (and any blank
        // lines) open the next one's bytes. The record itself starts after them.
        let lead = body.iter().take_while(|b| matches!(b, b'\r' | b'\n')).count();
        let starts = line + lines_in(&body[..lead]);
        if body.len() > MAX_RECORD {
            refused.push((starts, Refusal::TooLong(body.len())));
            line += lines_in(body);
            pos = at;
            if last {
                return;
            }
        } else if resync(&fields, expected, &body[lead..]) {
            refused.push((starts, Refusal::UnclosedQuote));
            line = starts + 1;
            let next = next_line(pos + lead);
            (pos, at) = (next, next);
            reader.reset();
        } else {
            if !offer(&fields, starts, &mut expected, refused, &mut each) {
                return;
            }
            line += lines_in(body);
            pos = at;
            if last {
                return;
            }
        }
        (out_len, ends_len) = (0, 0);
    }
}

/// A record's fields go to `each` when they fit the header (the first record sets the count)
/// and are refused by their line when not; a blank line is neither. False: `each` said stop.
fn offer(
    fields: &[&[u8]],
    line: usize,
    expected: &mut usize,
    refused: &mut Vec<(usize, Refusal)>,
    each: &mut impl FnMut(usize, &[&[u8]]) -> bool,
) -> bool {
    if fields.is_empty() || (fields.len() == 1 && fields[0].is_empty()) {
        return true;
    }
    if *expected == 0 {
        *expected = fields.len();
    }
    if fields.len() == *expected {
        return each(line, fields);
    }
    refused.push((line, Refusal::FieldCount(fields.len(), *expected)));
    true
}

/// The fields of the line `input` starts with, when it is one record read as csv-core
/// would read it: fields unquoted or wholly quoted without an escaped quote, no carriage
/// return but the line's own end, not too long. Returns the bytes to the next line; a blank
/// line has no fields. Otherwise `None`, and the record goes through csv-core (a quote
/// escaped or open across lines, text after a closing quote).
fn plain_line<'a>(input: &'a [u8], separator: u8, fields: &mut Vec<&'a [u8]>) -> Option<usize> {
    let (end, next) = memchr(b'\n', input).map_or((input.len(), input.len()), |i| (i, i + 1));
    let line = input[..end].strip_suffix(b"\r").unwrap_or(&input[..end]);
    if line.len() > MAX_RECORD || memchr(b'\r', line).is_some() {
        return None;
    }
    fields.clear();
    if line.is_empty() {
        return Some(next);
    }
    let mut start = 0;
    loop {
        if line.get(start) == Some(&b'"') {
            let close = start + 1 + memchr(b'"', &line[start + 1..])?;
            fields.push(&line[start + 1..close]);
            match line.get(close + 1) {
                None => return Some(next),
                Some(&b) if b == separator => start = close + 2,
                Some(_) => return None,
            }
        } else {
            match memchr::memchr2(separator, b'"', &line[start..]) {
                None => {
                    fields.push(&line[start..]);
                    return Some(next);
                }
                Some(k) if line[start + k] == separator => {
                    fields.push(&line[start..start + k]);
                    start += k + 1;
                }
                Some(_) => return None,
            }
        }
    }
}

fn fields<'a>(out: &'a [u8], ends: &[usize]) -> Vec<&'a [u8]> {
    let mut start = 0;
    ends.iter()
        .map(|&end| {
            let f = &out[start..end];
            start = end;
            f
        })
        .collect()
}

/// A record of the wrong width spanning lines: a quote that ran over them.
fn resync(fields: &[&[u8]], expected: usize, body: &[u8]) -> bool {
    let blank = fields.len() == 1 && fields[0].is_empty();
    if expected == 0 || fields.len() == expected || blank {
        return false;
    }
    // A newline inside the record, not only its own end.
    memchr(b'\n', body).is_some_and(|i| i + 1 < body.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    type Rows = Vec<(usize, Vec<String>)>;

    fn read(text: &str) -> (Rows, Vec<(usize, Refusal)>) {
        let mut refused = Vec::new();
        let mut rows = Vec::new();
        split(text.as_bytes(), b',', 0, 1, &mut refused, |line, f| {
            rows.push((line, f.iter().map(|x| String::from_utf8_lossy(x).into_owned()).collect()));
            true
        });
        (rows, refused)
    }

    #[test]
    fn a_row_with_a_missing_or_an_extra_field_is_refused_by_its_line() {
        let (rows, refused) = read("a,b,c\n1,2,3\n4,5\n6,7,8,Nguyễn Văn A\n\"x\ny\",9,10\n");
        let lines: Vec<usize> = rows.iter().map(|r| r.0).collect();
        assert_eq!(lines, [1, 2, 5], "the header, the good row, the quoted two-line row");
        assert_eq!(refused, [(3, Refusal::FieldCount(2, 3)), (4, Refusal::FieldCount(4, 3))]);
        assert_eq!(rows[2].1[0], "x\ny");
    }

    #[test]
    fn crlf_records_are_numbered_by_the_line_they_start_on() {
        let (rows, refused) = read("a,b,c\r\n1,2,3\r\n\r\n4,\"x\r\ny\",5\r\n6,7\r\n8,9,10\r\n");
        let lines: Vec<usize> = rows.iter().map(|r| r.0).collect();
        assert_eq!(lines, [1, 2, 4, 7], "{rows:?}");
        assert_eq!(refused, [(6, Refusal::FieldCount(2, 3))]);
        let (rows, refused) = read("a,b,c\r\n1,\"2,3\r\n4,x,y\r\n5,x,y\r\n");
        assert_eq!(refused, [(2, Refusal::UnclosedQuote)]);
        assert_eq!(rows.iter().map(|r| r.0).collect::<Vec<_>>(), [1, 3, 4], "{rows:?}");
    }

    fn texts(rows: &Rows) -> Vec<(usize, Vec<&str>)> {
        rows.iter().map(|(l, f)| (*l, f.iter().map(String::as_str).collect())).collect()
    }

    #[test]
    fn plain_lines_and_quoted_records_read_alike_between_each_other() {
        let text = "a,b,c\r\n1,,3\r\n\"x,1\",\"\",z\r\n\r\n4,5\r\n 6 ,\"7\r\n8\",9\n10,11,12\n13,a\rb,14\n15,16,17";
        let (rows, refused) = read(text);
        assert_eq!(
            texts(&rows),
            [
                (1, vec!["a", "b", "c"]),
                (2, vec!["1", "", "3"]),
                (3, vec!["x,1", "", "z"]),
                (6, vec![" 6 ", "7\r\n8", "9"]),
                (8, vec!["10", "11", "12"]),
                (10, vec!["15", "16", "17"]),
            ],
        );
        // A lone carriage return ends a record, as csv-core reads it: line 9 is two short ones.
        let short = Refusal::FieldCount(2, 3);
        assert_eq!(refused, [(5, short.clone()), (9, short.clone()), (9, short)], "{rows:?}");
    }

    #[test]
    fn quoted_fields_read_as_csv_core_reads_them() {
        let text = "a,b,c\n\"x, y\",\"\",\"z\"\n\"a\"\"b\",2,3\n\"q\"r,2,3\n x\"y,2,3\n1,2,\"\"\n\"a,b\n";
        let (rows, refused) = read(text);
        assert_eq!(
            texts(&rows),
            [
                (1, vec!["a", "b", "c"]),
                (2, vec!["x, y", "", "z"]),
                (3, vec!["a\"b", "2", "3"]),
                (4, vec!["qr", "2", "3"]),
                (5, vec![" x\"y", "2", "3"]),
                (6, vec!["1", "2", ""]),
            ],
        );
        assert_eq!(refused, [(7, Refusal::FieldCount(1, 3))], "{rows:?}");
    }

    /// csv-core's fields of the first record of `line`.
    fn csv_core_fields(line: &[u8]) -> Vec<Vec<u8>> {
        let mut reader = csv_core::ReaderBuilder::new().build();
        let (mut out, mut ends) = (vec![0u8; 1024], vec![0usize; 64]);
        let (_, _, nout, nend) = reader.read_record(line, &mut out, &mut ends);
        let (_, _, nout2, nend2) = reader.read_record(&[], &mut out[nout..], &mut ends[nend..]);
        fields(&out[..nout + nout2], &ends[..nend + nend2]).into_iter().map(<[u8]>::to_vec).collect()
    }

    #[test]
    fn every_line_split_without_csv_core_reads_as_csv_core_reads_it() {
        let alphabet = b"ab,\" \r";
        let mut seed: u64 = 7;
        let mut fast = 0;
        for _ in 0..20_000 {
            seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
            let len = (seed >> 60) as usize;
            let line: Vec<u8> =
                (0..len).map(|k| alphabet[((seed >> (k * 3 + 4)) & 7) as usize % alphabet.len()]).collect();
            let mut fields = Vec::new();
            let input = [&line[..], b"\n"].concat();
            if plain_line(&input, b',', &mut fields).is_some() && !fields.is_empty() {
                fast += 1;
                let ours: Vec<Vec<u8>> = fields.iter().map(|f| f.to_vec()).collect();
                assert_eq!(ours, csv_core_fields(&input), "{:?}", String::from_utf8_lossy(&line));
            }
        }
        assert!(fast > 3_000, "the lines read without csv-core: {fast}");
    }

    #[test]
    fn an_unclosed_quote_loses_its_line_only() {
        let mut text = String::from("a,b,c\n1,\"2,3\n");
        for i in 0..50 {
            text.push_str(&format!("{i},x,y\n"));
        }
        let (rows, refused) = read(&text);
        assert_eq!(refused, [(2, Refusal::UnclosedQuote)]);
        assert_eq!(rows.len(), 1 + 50, "the 50 rows after it are kept");
        assert_eq!(rows[1].0, 3);
    }

    #[test]
    fn a_line_too_long_is_refused_without_being_held() {
        let mut text = String::from("a,b\n1,2\n");
        text.push_str(&"x".repeat(MAX_RECORD + 10));
        text.push_str(",3\n4,5\n");
        let (rows, refused) = read(&text);
        assert!(matches!(refused[..], [(3, Refusal::TooLong(n))] if n > MAX_RECORD), "{refused:?}");
        assert_eq!(rows.last().unwrap().1, ["4", "5"]);
        assert_eq!(rows.last().unwrap().0, 4);
    }
}
