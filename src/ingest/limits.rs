//! Limits on what an export may cost to read, checked before a parser sees it.
//!
//! An XLSX file is a zip of XML: a few kilobytes can declare (or, with a lying header,
//! actually inflate to) gigabytes of sheet XML, and calamine would inflate all of it into
//! memory on an unattended server. So every entry is inflated here first, into nothing,
//! counting bytes, and the file is refused once the total passes the limit. Counting the
//! real output, not only the sizes the headers declare, is the decision that matters:
//! headers are written by whoever made the file.

use std::io::{Cursor, Read};

use anyhow::{Context, Result, bail};

/// Uncompressed bytes a workbook may hold in all its parts: a ward's monthly export is a few
/// megabytes; a year of a large ward's dossiers is under 200 MiB of sheet XML.
pub(super) const MAX_WORKBOOK_BYTES: u64 = 512 * 1024 * 1024;
/// Parts a workbook may have (a real one has a few dozen).
const MAX_ENTRIES: usize = 10_000;

fn mib(bytes: u64) -> u64 {
    bytes / (1024 * 1024)
}

/// Refuses a zip-based workbook (xlsx, xlsm, xlsb, ods) that inflates past `limit` bytes.
/// Other bytes (an old .xls, or not a workbook at all) are left to the parser.
pub(super) fn check_workbook(bytes: &[u8], limit: u64) -> Result<()> {
    if !bytes.starts_with(b"PK\x03\x04") {
        return Ok(());
    }
    let mut zip =
        zip::ZipArchive::new(Cursor::new(bytes)).context("không mở được tệp Excel (tệp hỏng hoặc không phải Excel)")?;
    if zip.len() > MAX_ENTRIES {
        bail!("tệp Excel có {} thành phần (tối đa {MAX_ENTRIES}): từ chối đọc", zip.len());
    }
    let too_big = |part: &str, bytes: u64| {
        anyhow::anyhow!(
            "tệp Excel giải nén ra hơn {} MiB (thành phần {part}: {} MiB trở lên), quá giới hạn {} MiB: \
             từ chối đọc để bảo vệ máy chủ (tệp hỏng hoặc cố ý gây hại; nếu là dữ liệu thật, hãy xuất \
             từng tháng hoặc dùng CSV)",
            mib(limit),
            mib(bytes),
            mib(limit)
        )
    };
    // Declared sizes first: refusing costs nothing.
    let mut declared = 0u64;
    for i in 0..zip.len() {
        let entry = zip.by_index_raw(i).context("không mở được tệp Excel (mục lục zip hỏng)")?;
        declared = declared.saturating_add(entry.size());
        if declared > limit {
            return Err(too_big(&entry.name().unwrap_or_default(), entry.size()));
        }
    }
    // Then what the parts really inflate to, whatever their headers say. (The zip reader
    // also stops a part at its declared size; a part that goes past it, or fails its
    // checksum, is refused here by name rather than deep inside calamine.)
    let mut total = 0u64;
    for i in 0..zip.len() {
        let entry = zip.by_index(i).context("không mở được tệp Excel (tệp hỏng hoặc bị mã hóa)")?;
        let name = entry.name().unwrap_or_default().into_owned();
        let budget = limit - total;
        let read = std::io::copy(&mut entry.take(budget + 1), &mut std::io::sink());
        match read {
            Ok(n) if n > budget => return Err(too_big(&name, n)),
            Ok(n) => total += n,
            Err(_) => bail!(
                "không mở được tệp Excel: thành phần {name} hỏng (giải nén ra khác kích thước đã khai báo \
                 hoặc sai mã kiểm tra): tệp hỏng hoặc cố ý gây hại"
            ),
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use std::io::Write;

    use super::*;

    fn zip_of(parts: &[(&str, &[u8])]) -> Vec<u8> {
        let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
        let opts = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
        for (name, data) in parts {
            w.start_file(*name, opts).unwrap();
            w.write_all(data).unwrap();
        }
        w.finish().unwrap().into_inner()
    }

    #[test]
    fn a_small_file_that_inflates_past_the_limit_is_refused() {
        let zeros = vec![b' '; 3 * 1024 * 1024];
        let bomb = zip_of(&[("xl/worksheets/sheet1.xml", &zeros)]);
        assert!(bomb.len() < 64 * 1024, "a bomb is small: {}", bomb.len());
        let err = check_workbook(&bomb, 2 * 1024 * 1024).unwrap_err().to_string();
        assert!(err.contains("giải nén ra hơn 2 MiB") && err.contains("xl/worksheets/sheet1.xml"), "{err}");
        check_workbook(&bomb, 4 * 1024 * 1024).unwrap();
    }

    #[test]
    fn other_bytes_are_left_to_the_parser() {
        check_workbook(b"\xD0\xCF\x11\xE0 an old xls", 10).unwrap();
        check_workbook(b"", 10).unwrap();
        assert!(check_workbook(b"PK\x03\x04 cut short", 10).is_err());
    }
}
