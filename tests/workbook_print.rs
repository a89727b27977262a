//! The monthly workbook printed as a ward office prints it: every sheet meant for reading on
//! A4 at 9 pt or more, never shrunk to fit a page, with every column on paper (a wide table is
//! split into pages side by side); the ward's row set apart and outside the filter; rates
//! coloured by their distance to the rate that earns full points; charts with value axes from
//! 0, axis titles and data labels. Read back from the .xlsx XML. (To look at it:
//! scripts/render-report.sh.)

use std::collections::BTreeMap;
use std::io::Read;
use std::sync::OnceLock;

use crate::common::{Sheet, sample_month, text};

struct Book {
    _dir: tempfile::TempDir,
    path: std::path::PathBuf,
}

/// The sample ward's September and October 2024, run once for every test here.
fn book() -> &'static Book {
    static BOOK: OnceLock<Book> = OnceLock::new();
    BOOK.get_or_init(|| {
        let (dir, path) = sample_month(&["2024-09", "2024-10"]);
        Book { _dir: dir, path }
    })
}

fn xml(name: &str) -> String {
    let mut zip = zip::ZipArchive::new(std::fs::File::open(&book().path).unwrap()).unwrap();
    let mut s = String::new();
    zip.by_name(name).unwrap().read_to_string(&mut s).unwrap();
    s
}

fn names() -> Vec<String> {
    xml("xl/workbook.xml")
        .split("<sheet ")
        .skip(1)
        .map(|s| s.split("name=\"").nth(1).unwrap().split('"').next().unwrap().to_string())
        .collect()
}

/// `attr="…"` of the first `<tag …>` in `xml`.
fn attr(xml: &str, tag: &str, attr: &str) -> Option<String> {
    let start = xml.find(&format!("<{tag} "))?;
    let el = &xml[start..start + xml[start..].find('>')?];
    let at = el.find(&format!(" {attr}=\""))? + attr.len() + 3;
    Some(el[at..].split('"').next()?.to_string())
}

/// "AB" → 27 (1-based).
fn col_number(letters: &str) -> u32 {
    letters.chars().filter(char::is_ascii_alphabetic).fold(0, |n, c| n * 26 + (c as u32 - 'A' as u32 + 1))
}

fn row_number(cell: &str) -> u32 {
    cell.chars().filter(char::is_ascii_digit).collect::<String>().parse().unwrap()
}

/// Font sizes in points by cell-format index (styles.xml cellXfs → fonts).
fn font_sizes() -> Vec<f64> {
    let styles = xml("xl/styles.xml");
    let fonts_xml = styles.split("<fonts").nth(1).unwrap().split("</fonts>").next().unwrap();
    let fonts: Vec<f64> =
        fonts_xml.split("<font>").skip(1).map(|f| attr(f, "sz", "val").map_or(11.0, |v| v.parse().unwrap())).collect();
    let xfs = styles.split("<cellXfs").nth(1).unwrap().split("</cellXfs>").next().unwrap();
    xfs.split("<xf ")
        .skip(1)
        .map(|x| fonts[attr(&format!("<xf {x}"), "xf", "fontId").unwrap().parse::<usize>().unwrap()])
        .collect()
}

/// The sheets meant for reading: every sheet, the unit cards too.
fn reader_sheets() -> Vec<(usize, String)> {
    names().into_iter().enumerate().collect()
}

#[test]
fn every_reader_sheet_prints_on_a4_at_9_pt_or_more_with_every_column() {
    let sizes = font_sizes();
    let workbook = xml("xl/workbook.xml");
    let mut smallest: BTreeMap<String, f64> = BTreeMap::new();
    for (i, name) in reader_sheets() {
        let sheet = xml(&format!("xl/worksheets/sheet{}.xml", i + 1));
        assert!(!sheet.contains("fitToPage=\"1\""), "{name}: shrunk to fit the page");
        assert_eq!(attr(&sheet, "pageSetup", "paperSize").as_deref(), Some("9"), "{name}: A4");
        let scale: f64 = attr(&sheet, "pageSetup", "scale").map_or(100.0, |s| s.parse().unwrap());
        // The smallest font any cell uses, as printed.
        let used: Vec<usize> = sheet
            .split("<c r=")
            .skip(1)
            .filter_map(|c| attr(&format!("<c r={c}"), "c", "s"))
            .map(|s| s.parse().unwrap())
            .collect();
        let min = used.iter().map(|&s| sizes[s]).fold(f64::INFINITY, f64::min) * scale / 100.0;
        smallest.insert(name.clone(), min);
        assert!(min >= 9.0, "{name}: prints at {min:.1} pt");
        // Every column with data is inside the print area.
        let used_cols = attr(&sheet, "dimension", "ref").unwrap();
        let last_used = col_number(used_cols.split(':').next_back().unwrap());
        let quoted = format!("'{name}'!");
        let area = workbook
            .split("<definedName name=\"_xlnm.Print_Area\"")
            .skip(1)
            .map(|d| d.split('>').nth(1).unwrap().split('<').next().unwrap().to_string())
            .find(|d| d.starts_with(&quoted) || d.starts_with(&format!("{name}!")))
            .unwrap_or_else(|| panic!("{name}: no print area"));
        let last_printed = col_number(area.split(':').next_back().unwrap());
        assert!(last_printed >= last_used, "{name}: prints to column {last_printed}, data runs to {last_used}");
    }
    eprintln!("smallest printed font by sheet: {smallest:?}");
}

#[test]
fn the_wide_ranking_is_split_into_pages_that_repeat_rank_and_name() {
    let sheet = xml("xl/worksheets/sheet1.xml");
    assert_eq!(attr(&sheet, "pageSetup", "orientation").as_deref(), Some("landscape"));
    assert!(sheet.contains("<colBreaks"), "the rates go on the next page: {}", &sheet[..sheet.len().min(3000)]);
    let workbook = xml("xl/workbook.xml");
    assert!(
        workbook
            .contains("<definedName name=\"_xlnm.Print_Titles\" localSheetId=\"0\">'Tổng hợp'!$A:$B,'Tổng hợp'!$4:$4"),
        "{workbook}"
    );
}

#[test]
fn the_ward_row_is_set_apart_and_outside_the_filter() {
    for (i, name, header) in [(0usize, "Tổng hợp", 3usize), (1, "Xu hướng", 3)] {
        assert_eq!(names()[i], name);
        let sheet = xml(&format!("xl/worksheets/sheet{}.xml", i + 1));
        let read = Sheet::read(&book().path, name, header);
        let records = read.records();
        let last = records.last().unwrap();
        assert_eq!(text(&last["Đơn vị"]), "Toàn phường", "{name}: the ward last");
        let ward_row = (header + records.len() + 1) as u32;
        let filter = attr(&sheet, "autoFilter", "ref").unwrap();
        let filter_last = row_number(filter.split(':').next_back().unwrap());
        assert!(filter_last < ward_row, "{name}: filter {filter} covers the ward row {ward_row}");
    }
}

#[test]
fn rates_are_coloured_by_distance_to_full_points_not_by_rank() {
    let sheet = xml("xl/worksheets/sheet1.xml");
    assert!(!sheet.contains("colorScale"), "no scale relative to the other rows");
    // On time earns full points at 100 %: 95 % is within 10 % of it (amber), not red.
    assert!(sheet.contains("&gt;=1-0.00001") && sheet.contains("&gt;=0.9"), "{sheet}");
    // Online earns full points from 50 %.
    assert!(sheet.contains("&gt;=0.5-0.00001"), "{sheet}");
}

#[test]
fn charts_start_at_zero_with_axis_titles_labels_and_the_ward_emphasised() {
    let bar = xml("xl/charts/chart1.xml");
    // Numbered by their place on the sheet: the two on page 1, then the trend.
    let col = xml("xl/charts/chart2.xml");
    let line = xml("xl/charts/chart3.xml");
    for (what, chart) in [("bar", &bar), ("line", &line), ("column", &col)] {
        let val_ax = chart.split("<c:valAx>").nth(1).unwrap();
        assert!(val_ax.contains("<c:min val=\"0\"/>"), "{what}: value axis from 0: {val_ax}");
        assert!(val_ax.contains("<c:title>"), "{what}: value axis title");
        assert!(chart.split("<c:catAx>").nth(1).unwrap().contains("<c:title>"), "{what}: category axis title");
        assert!(chart.contains("<c:showVal val=\"1\"/>"), "{what}: data labels");
    }
    assert!(line.contains("<c:max val=\"100\"/>") && !line.contains("<c:max val=\"120\"/>"), "a 0–100 score on 0–100");
    assert!(bar.split("<c:catAx>").nth(1).unwrap().contains("<c:orientation val=\"maxMin\"/>"), "rank 1 on top");
    assert!(line.contains("<a:ln w=\"50800\""), "the ward's line is 4 pt wide: {line}");
}
