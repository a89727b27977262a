//! The fast path for large dossier logs: stream the CSV, keep the period's rows.
//!
//! A province's dossier log is millions of rows a year and a month's report needs only the
//! dossiers received or still open in the month. Parsing every row into Polars costs memory
//! the ward server does not have, so a UTF-8 CSV is read in blocks cut at record ends, split
//! into records by the `csv` crate on every core, and a record is dropped only when its dates
//! say for certain that it lies outside the period: received after the period ended (but
//! not in the future, which is a finding), or finished or returned before it began. Every
//! other record (including any whose dates do not read) goes on to the normal typing and
//! rules, with its record number, reduced to the columns the dataset maps: personal data
//! never leaves this module. Findings therefore describe the period's rows only. The kept
//! fields go straight into text columns, trimmed and NFC as every reader hands them to
//! typing, on the worker that split them: no second CSV pass, no second copy.
//!
//! A file whose kept fields are not UTF-8 returns `None`, and the caller decodes it whole.

use std::fs::File;
use std::io::Read;
use std::path::Path;
use std::sync::mpsc::{Receiver, sync_channel};
use std::sync::{Arc, Mutex};

use anyhow::{Context, Result};
use chrono::NaiveDate;
use polars::prelude::*;

use super::decode::clean;
use super::records::{self, Refusal};

/// Bytes read per block (records never straddle blocks): about a sixteenth of the file, so
/// that a ward's month of a few MB is shared by every core, and at most 4 MB, so that a
/// province's year is a hundred blocks, not thousands of small columns for typing to walk.
fn block_size(file_len: u64) -> usize {
    ((file_len / 16) as usize).clamp(64 << 10, 4 << 20)
}

/// The period as the filter sees it: whole days.
#[derive(Debug, Clone, Copy)]
pub(super) struct Window {
    pub first: NaiveDate,
    /// The day after the period's last day.
    pub end: NaiveDate,
    pub today: NaiveDate,
}

/// Which columns the filter reads and which it keeps.
pub(super) struct Plan {
    pub keep: Vec<usize>,
    pub received: Option<usize>,
    pub finished: Option<usize>,
    pub returned: Option<usize>,
}

/// The header of a CSV file, if the file is UTF-8 (BOM allowed).
pub(super) struct Head {
    pub header: Vec<String>,
    pub separator: u8,
    /// The file starts with a UTF-8 byte order mark.
    pub bom: bool,
    /// Title lines above the header (downloads carry the ward's name and a date range).
    pub skip: usize,
}

/// The period's records, group by group in file order, as `finish` made them from the kept
/// columns as text and `__row`, the line each record starts on: a group's text is freed once
/// `finish` has typed it, while the stream reads on.
pub(super) struct Kept<T> {
    pub frames: Vec<T>,
    /// Data records in the file (refused ones included).
    pub records: usize,
    /// Records that do not fit the header, by line.
    pub refused: Vec<(usize, Refusal)>,
}

/// Reads the header line (below any title lines); `None` when the file is not UTF-8 (or has
/// no header line).
pub(super) fn head(path: &Path, is_header: &dyn Fn(&str) -> bool) -> Result<Option<Head>> {
    let mut file = File::open(path).with_context(|| format!("không đọc được {}", path.display()))?;
    let mut start = Vec::new();
    let mut buf = vec![0u8; 64 << 10];
    loop {
        let n = file.read(&mut buf)?;
        start.extend_from_slice(&buf[..n]);
        let lines = memchr::memchr_iter(b'\n', &start).count();
        if n == 0 || lines > 30 || start.len() > 1 << 20 {
            break;
        }
    }
    let bom = start.starts_with(b"\xEF\xBB\xBF");
    let body = start.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&start);
    if body.starts_with(b"\xFF\xFE") || body.starts_with(b"\xFE\xFF") {
        return Ok(None);
    }
    // Only whole lines: the read may have stopped inside one.
    let Some(last) = memchr::memrchr(b'\n', body) else { return Ok(None) };
    let Ok(text) = std::str::from_utf8(&body[..=last]) else { return Ok(None) };
    let (skip, offset) = super::tabular::find_header_line(text, is_header);
    let line = text[offset..].lines().next().unwrap_or("").trim_end_matches('\r');
    let separator = super::tabular::guess_separator(line);
    let header = super::tabular::split_line(line);
    Ok((!header.is_empty()).then_some(Head { header, separator, bom, skip }))
}

/// Rows handed to `finish` at a time: few enough that a province's text is never held for
/// all its rows, many enough that `finish`'s fixed cost (typing: one expression per column)
/// is paid a few times, not once per block.
const GROUP_ROWS: usize = 50_000;

/// Streams the file and keeps the period's records. The blocks' kept rows go, in file order,
/// to `finish` in groups of about [`GROUP_ROWS`], on a thread of their own while the next
/// blocks are split. `None`: some block is not UTF-8.
pub(super) fn filter<T: Send>(
    path: &Path,
    head: &Head,
    plan: &Plan,
    window: Window,
    finish: &(dyn Fn(DataFrame) -> Result<T> + Sync),
) -> Result<Option<Kept<T>>> {
    let mut file = File::open(path).with_context(|| format!("không đọc được {}", path.display()))?;
    let workers = std::thread::available_parallelism().map_or(2, std::num::NonZero::get).clamp(1, 8);
    let (block_tx, block_rx) = sync_channel::<Block>(workers);
    let block_rx = Arc::new(Mutex::new(block_rx));
    let (part_tx, part_rx) = std::sync::mpsc::channel::<Part>();
    std::thread::scope(|scope| -> Result<Option<Kept<T>>> {
        let collector = scope.spawn(move || collect(part_rx, finish));
        let handles: Vec<_> = (0..workers)
            .map(|_| {
                let (rx, tx) = (Arc::clone(&block_rx), part_tx.clone());
                scope.spawn(move || work(&rx, &tx, head, plan, window))
            })
            .collect();
        // Only the workers hold the ends they use: if they stop, the reader and the
        // collector see it instead of waiting on a channel nobody serves.
        drop((part_tx, block_rx));
        let read = split_blocks(&mut file, |block| block_tx.send(block).is_ok());
        drop(block_tx);
        let internal = || anyhow::anyhow!("lỗi nội bộ khi đọc {}", path.display());
        for h in handles {
            h.join().map_err(|_| internal())??;
        }
        read.with_context(|| format!("không đọc được {}", path.display()))?;
        collector.join().map_err(|_| internal())?
    })
}

/// Puts the blocks' parts back in file order and hands their rows to `finish` a group at a
/// time. `None` when a block was not UTF-8.
fn collect<T>(parts: Receiver<Part>, finish: &(dyn Fn(DataFrame) -> Result<T> + Sync)) -> Result<Option<Kept<T>>> {
    let mut kept = Kept { frames: Vec::new(), records: 0, refused: Vec::new() };
    let (mut waiting, mut next) = (std::collections::BTreeMap::new(), 0);
    let mut group: Option<DataFrame> = None;
    let mut utf8 = true;
    for (index, part) in parts {
        waiting.insert(index, part);
        while let Some(part) = waiting.remove(&next) {
            next += 1;
            let Some(part) = part.filter(|_| utf8) else {
                utf8 = false;
                continue;
            };
            kept.records += part.records;
            kept.refused.extend(part.refused);
            match &mut group {
                Some(g) => {
                    g.vstack_mut(&part.frame)?;
                }
                None => group = Some(part.frame),
            }
            if let Some(full) = group.take_if(|g| g.height() >= GROUP_ROWS) {
                kept.frames.push(finish(full)?);
            }
        }
    }
    if let Some(rest) = group.filter(|_| utf8) {
        kept.frames.push(finish(rest)?);
    }
    Ok(utf8.then_some(kept))
}

/// A block of whole records: its index, the line it starts on, its bytes; or, with no
/// bytes, one line longer than any record, skipped unread (`long`: its length).
struct Block {
    index: usize,
    line: usize,
    bytes: Vec<u8>,
    long: Option<usize>,
}

/// One block's survivors, by its index; `None` when the block is not UTF-8.
type Part = (usize, Option<BlockOut>);

struct BlockOut {
    /// The kept records as text, `__row` being the line each starts on.
    frame: DataFrame,
    records: usize,
    refused: Vec<(usize, Refusal)>,
}

fn work(
    rx: &Mutex<Receiver<Block>>,
    tx: &std::sync::mpsc::Sender<Part>,
    head: &Head,
    plan: &Plan,
    window: Window,
) -> Result<()> {
    loop {
        let next = rx.lock().map_err(|_| anyhow::anyhow!("lỗi nội bộ khi đọc tệp"))?.recv();
        let Ok(Block { index, line, bytes, long }) = next else { return Ok(()) };
        let skip = if index == 0 { Some(head.skip) } else { None };
        let ctx = BlockCtx { first_line: line, skip, head, plan, window };
        let out = match filter_block(&bytes, &ctx) {
            Some(Filtered { columns, rows, mut records, mut refused }) => {
                if let Some(n) = long {
                    refused.push((line, Refusal::TooLong(n)));
                    records += 1;
                }
                Some(BlockOut { frame: frame(columns, rows, head, plan)?, records, refused })
            }
            None => None,
        };
        if tx.send((index, out)).is_err() {
            return Ok(()); // the collector stopped on an error, which it reports
        }
    }
}

/// The kept records of one block as text columns (one per kept column, trimmed, empty as
/// null), the line each starts on, the block's data records, and those refused.
struct Filtered {
    columns: Vec<StringChunkedBuilder>,
    rows: Vec<u32>,
    records: usize,
    refused: Vec<(usize, Refusal)>,
}

/// The kept columns under their header names, and `__row`.
fn frame(columns: Vec<StringChunkedBuilder>, rows: Vec<u32>, head: &Head, plan: &Plan) -> Result<DataFrame> {
    let mut columns: Vec<Column> = columns.into_iter().map(|b| b.finish().into_column()).collect();
    for (c, &i) in columns.iter_mut().zip(&plan.keep) {
        c.rename(head.header[i].as_str().into());
    }
    columns.push(Column::new("__row".into(), rows));
    Ok(DataFrame::new_infer_height(columns)?)
}

/// What filtering one block needs to know.
struct BlockCtx<'a> {
    first_line: usize,
    /// In the first block, the number of title lines above the header.
    skip: Option<usize>,
    head: &'a Head,
    plan: &'a Plan,
    window: Window,
}

fn filter_block(block: &[u8], c: &BlockCtx<'_>) -> Option<Filtered> {
    let mut body = if c.skip.is_some() { block.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(block) } else { block };
    let mut first_line = c.first_line;
    // The first block starts with the title lines and the header: not records.
    if let Some(skip) = c.skip {
        for _ in 0..=skip {
            let cut = memchr::memchr(b'\n', body).map_or(body.len(), |i| i + 1);
            body = &body[cut..];
            first_line += 1;
        }
    }
    let mut f = Filtered {
        columns: c.plan.keep.iter().map(|_| StringChunkedBuilder::new(PlSmallStr::EMPTY, 1024)).collect(),
        rows: Vec::new(),
        records: 0,
        refused: Vec::new(),
    };
    let mut utf8 = true;
    records::split(body, c.head.separator, c.head.header.len(), first_line, &mut f.refused, |line, fields| {
        f.records += 1;
        if !in_period(fields, c.plan, c.window) {
            return true;
        }
        // Only the kept fields must be UTF-8: bytes in dropped columns are never read.
        let keep = &c.plan.keep;
        if !keep.iter().all(|&i| std::str::from_utf8(fields.get(i).copied().unwrap_or_default()).is_ok()) {
            utf8 = false;
            return false;
        }
        for (column, &i) in f.columns.iter_mut().zip(keep) {
            let raw = fields.get(i).copied().unwrap_or_default();
            // Checked just above: the kept fields are UTF-8.
            let text = clean(std::str::from_utf8(raw).unwrap_or_default().trim());
            if text.is_empty() { column.append_null() } else { column.append_value(text) }
        }
        f.rows.push(line as u32);
        true
    });
    f.records += f.refused.len();
    utf8.then_some(f)
}

/// False only when the record's dates place it outside the period for certain.
fn in_period(fields: &[&[u8]], plan: &Plan, w: Window) -> bool {
    let day = |i: Option<usize>| i.and_then(|i| fields.get(i)).map(|f| f.trim_ascii());
    if let Some(received) = day(plan.received).and_then(read_day)
        && received >= w.end
        && received <= w.today
    {
        return false;
    }
    let finished = day(plan.finished).unwrap_or_default();
    let end = if finished.is_empty() { day(plan.returned).unwrap_or_default() } else { finished };
    read_day(end).is_none_or(|d| d >= w.first)
}

/// The day of a date written `dd/mm/yyyy…`, `yyyy-mm-dd…` or `dd-mm-yyyy…`; other
/// layouts (one-digit days, Excel serials) are left to the typing stage.
fn read_day(s: &[u8]) -> Option<NaiveDate> {
    let n = |r: std::ops::Range<usize>| -> Option<u32> {
        let digits = s.get(r)?;
        digits.iter().try_fold(0u32, |acc, &b| b.is_ascii_digit().then(|| acc * 10 + u32::from(b - b'0')))
    };
    let sep = |i: usize| s.get(i).copied();
    // yyyyMMddHHmmss, the national sync's layout.
    if s.len() == 14 && s.iter().all(u8::is_ascii_digit) {
        return NaiveDate::from_ymd_opt(n(0..4)? as i32, n(4..6)?, n(6..8)?);
    }
    let (y, m, d) = match (sep(2), sep(4), sep(5), sep(7)) {
        (Some(b'/'), _, Some(b'/'), _) | (Some(b'-'), _, Some(b'-'), _) => (n(6..10)?, n(3..5)?, n(0..2)?),
        (_, Some(b'-'), _, Some(b'-')) => (n(0..4)?, n(5..7)?, n(8..10)?),
        _ => return None,
    };
    if s.len() > 10 && !matches!(s[10], b' ' | b'T') {
        return None;
    }
    NaiveDate::from_ymd_opt(y as i32, m, d)
}

/// Reads the file in blocks that end at a record end (a newline outside quotes) and hands
/// each, with the line it starts on, to `send`; stops early when `send` returns false. A
/// quote that never closes would make the rest of the file one record: past
/// [`records::MAX_RECORD`] without a record end, the block is cut at a line end instead, and
/// a line longer than that is read through without being held.
fn split_blocks(file: &mut File, mut send: impl FnMut(Block) -> bool) -> std::io::Result<()> {
    let size = block_size(file.metadata()?.len());
    let mut carry: Vec<u8> = Vec::new();
    let mut index = 0;
    let mut line = 1;
    let mut eof = false;
    while !eof {
        let mut block = std::mem::take(&mut carry);
        let want = block.len().max(size) + size;
        block.reserve(want - block.len());
        let wanted = (want - block.len()) as u64;
        if (&mut *file).take(wanted).read_to_end(&mut block)? < wanted as usize {
            eof = true;
        }
        if !eof {
            match last_record_end(&block) {
                Some(cut) => carry = block.split_off(cut),
                None if block.len() > records::MAX_RECORD + size => match memchr::memrchr(b'\n', &block) {
                    Some(i) => carry = block.split_off(i + 1),
                    None => {
                        let (n, rest) = skip_line(file, block.len())?;
                        carry = rest;
                        if !send(Block { index, line, bytes: Vec::new(), long: Some(n) }) {
                            break;
                        }
                        (line, index) = (line + 1, index + 1);
                        continue;
                    }
                },
                // One record longer than the block: read on.
                None => {
                    carry = block;
                    continue;
                }
            }
        }
        if block.is_empty() {
            break;
        }
        let lines = memchr::memchr_iter(b'\n', &block).count();
        if !send(Block { index, line, bytes: block, long: None }) {
            break;
        }
        line += lines;
        index += 1;
    }
    Ok(())
}

/// Reads through the end of a line whose first `start` bytes were read, without holding
/// it: the line's length (its newline included) and the bytes read after it.
fn skip_line(file: &mut File, start: usize) -> std::io::Result<(usize, Vec<u8>)> {
    let mut n = start;
    let mut buf = vec![0u8; 64 << 10];
    loop {
        let got = file.read(&mut buf)?;
        if got == 0 {
            return Ok((n, Vec::new()));
        }
        if let Some(i) = memchr::memchr(b'\n', &buf[..got]) {
            return Ok((n + i + 1, buf[i + 1..got].to_vec()));
        }
        n += got;
    }
}

/// Just past the last newline that is outside quotes (blocks start outside quotes): one
/// is when the quotes before it are even in number, an escaped quote counting two. Counted
/// rather than walked, since a province's log has a quoted address on every line.
fn last_record_end(block: &[u8]) -> Option<usize> {
    let mut quotes = memchr::memchr_iter(b'"', block).count();
    let mut end = block.len();
    while let Some(newline) = memchr::memrchr(b'\n', &block[..end]) {
        quotes -= memchr::memchr_iter(b'"', &block[newline..end]).count();
        if quotes.is_multiple_of(2) {
            return Some(newline + 1);
        }
        end = newline;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_in_the_layouts_exports_use() {
        let d = |s: &str| read_day(s.as_bytes());
        let oct3 = NaiveDate::from_ymd_opt(2024, 10, 3);
        assert_eq!(d("03/10/2024 08:15:00"), oct3);
        assert_eq!(d("2024-10-03T08:15:00"), oct3);
        assert_eq!(d("03-10-2024"), oct3);
        assert_eq!(d("20241003081500"), oct3);
        assert_eq!(d("20241303081500"), None);
        assert_eq!(d("3/10/2024"), None);
        assert_eq!(d("31/02/2024"), None);
        assert_eq!(d("45568"), None);
        assert_eq!(d("03/10/2024x"), None);
    }

    #[test]
    fn blocks_end_outside_quotes() {
        assert_eq!(last_record_end(b"a,\"x\ny\"\nb,c"), Some(8));
        assert_eq!(last_record_end(b"a,\"x\ny\"\"\"\nb,\"c\nd"), Some(10));
        assert_eq!(last_record_end(b"a,b\n"), Some(4));
        assert_eq!(last_record_end(b"a,\"x\ny"), Some(0).filter(|_| false));
    }

    #[test]
    fn a_line_longer_than_a_block_is_refused_by_its_line_and_the_next_ones_read() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("h.csv");
        let long = "x".repeat(12 << 20);
        let text = format!("Ma,Nhan\nA,01/10/2024\nB,{long}\nC,02/10/2024\nD,03/10/2024\n");
        std::fs::write(&path, text).unwrap();
        let head = head(&path, &|_| false).unwrap().unwrap();
        let plan = Plan { keep: vec![0, 1], received: Some(1), finished: None, returned: None };
        let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
        let window = Window { first: day(2024, 10, 1), end: day(2024, 11, 1), today: day(2026, 11, 26) };
        let kept = filter(&path, &head, &plan, window, &Ok).unwrap().unwrap();
        assert_eq!(kept.records, 4);
        assert_eq!(kept.refused, [(3, Refusal::TooLong(long.len() + 3))]);
        let rows: Vec<u32> =
            kept.frames.iter().flat_map(|f| f.column("__row").unwrap().u32().unwrap().into_no_null_iter()).collect();
        assert_eq!(rows, [2, 4, 5]);
    }

    #[test]
    fn keeps_the_period_and_numbers_records() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("h.csv");
        let text = "\u{feff}Ma,Nhan,Xong,Ten\n\
                    A,01/10/2024 08:00:00,,\"Tổ 1\nKhu 2\"\n\
                    B,01/09/2024 08:00:00,20/09/2024 10:00:00,x\n\
                    C,01/09/2024 08:00:00,02/10/2024 10:00:00,x\n\
                    D,01/11/2024 08:00:00,,x\n\
                    E,sai ngày,,x\n\
                    F,01/01/2099 08:00:00,,x\n";
        std::fs::write(&path, text).unwrap();
        let head = head(&path, &|_| false).unwrap().unwrap();
        assert_eq!(head.header, ["Ma", "Nhan", "Xong", "Ten"]);
        let plan = Plan { keep: vec![0, 1], received: Some(1), finished: Some(2), returned: None };
        let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
        let window = Window { first: day(2024, 10, 1), end: day(2024, 11, 1), today: day(2026, 11, 26) };
        let kept = filter(&path, &head, &plan, window, &Ok).unwrap().unwrap();
        assert_eq!(kept.records, 6);
        let mut frames = kept.frames.into_iter();
        let mut df = frames.next().unwrap();
        frames.for_each(|f| {
            df.vstack_mut(&f).unwrap();
        });
        let rows: Vec<u32> = df.column("__row").unwrap().u32().unwrap().into_no_null_iter().collect();
        assert_eq!(rows, [2, 5, 7, 8], "the line each record starts on (A spans lines 2 and 3)");
        let text = |c: &str| -> Vec<String> {
            df.column(c).unwrap().str().unwrap().iter().map(|v| v.unwrap_or_default().to_string()).collect()
        };
        assert_eq!(text("Ma"), ["A", "C", "E", "F"]);
        assert_eq!(text("Nhan")[2], "sai ngày");
    }
}
