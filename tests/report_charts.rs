//! The workbook checked as a person would: the charts point at the tables they draw, the
//! trend runs over the months already run, and each unit's card is set to print on one A4
//! page (the other sheets' print: workbook_print.rs). (Rendering to PDF and PNG for a look: scripts/render-report.sh.)

use std::io::Read;

use crate::common::{Sheet, num, sample_month, text};

fn xml(book: &std::path::Path, name: &str) -> String {
    let mut zip = zip::ZipArchive::new(std::fs::File::open(book).unwrap()).unwrap();
    let mut s = String::new();
    zip.by_name(name).unwrap().read_to_string(&mut s).unwrap();
    s
}

/// Sheet names in workbook order (sheetN.xml is the N-th).
fn sheet_names(book: &std::path::Path) -> Vec<String> {
    let wb = xml(book, "xl/workbook.xml");
    wb.split("<sheet ")
        .skip(1)
        .map(|s| s.split("name=\"").nth(1).unwrap().split('"').next().unwrap().to_string())
        .collect()
}

#[test]
fn charts_point_at_their_tables_and_cards_fit_one_page() {
    let (_dir, book) = sample_month(&["2024-09", "2024-10"]);

    // The bar chart draws the ranked units' names and scores from the summary table.
    let bar = xml(&book, "xl/charts/chart1.xml");
    assert!(bar.contains("'Tổng hợp'!$B$5:$B$8") && bar.contains("'Tổng hợp'!$C$5:$C$8"), "{bar}");
    let summary = Sheet::read(&book, "Tổng hợp", 3);
    let units: Vec<_> = summary.records().into_iter().take(4).collect();
    assert!(units.iter().all(|r| !text(&r["Đơn vị"]).is_empty() && num(&r["Điểm (thang 100)"]) > 0.0));
    assert!(units.iter().all(|r| text(&r["Đơn vị"]) != "Toàn phường"), "the ward row is not drawn as a unit");
    assert!(
        units
            .iter()
            .all(|r| (num(&r["Điểm (thang 100)"]) - num(&r["Điểm tháng trước"]) - num(&r["Thay đổi"])).abs() < 0.011)
    );

    // The trend: September and October, one series per unit and the ward.
    let line = xml(&book, "xl/charts/chart3.xml");
    assert!(line.contains("'Xu hướng'!$B$4:$C$4"), "months as categories: {line}");
    assert!(line.contains("'Xu hướng'!$B$5:$C$5") && line.contains("'Xu hướng'!$B$9:$C$9"), "{line}");
    let trend = Sheet::read(&book, "Xu hướng", 3);
    assert_eq!(trend.records().len(), 5);
    assert_eq!(text(&trend.records()[4]["Đơn vị"]), "Toàn phường");

    // The year to date over the two months run, with what each unit still needs.
    let ytd = Sheet::read(&book, "Lũy kế năm", 3);
    assert!(text(&ytd.rows[0][0]).contains("LŨY KẾ 2 THÁNG"), "{:?}", ytd.rows[0][0]);
    assert_eq!(ytd.records().len(), 5 * 3, "three measures for each unit and the ward");

    // The targets chart reads its own table beside it.
    let col = xml(&book, "xl/charts/chart2.xml");
    assert!(col.contains("'Biểu đồ'!$B$23:$B$26"), "{col}");

    // Every unit card: A4 portrait at 95 %, never shrunk to one page; the summary prints landscape.
    let names = sheet_names(&book);
    let cards: Vec<usize> = names.iter().enumerate().filter(|(_, n)| n.starts_with("Thẻ ")).map(|(i, _)| i).collect();
    assert_eq!(cards.len(), 4);
    for i in cards {
        let sheet = xml(&book, &format!("xl/worksheets/sheet{}.xml", i + 1));
        assert!(
            !sheet.contains("fitToPage")
                && sheet.contains("paperSize=\"9\"")
                && sheet.contains("scale=\"95\"")
                && sheet.contains("orientation=\"portrait\""),
            "{}: {sheet}",
            names[i]
        );
    }
    let summary_xml = xml(&book, "xl/worksheets/sheet1.xml");
    assert!(summary_xml.contains("orientation=\"landscape\"") && !summary_xml.contains("fitToPage"));
    assert!(summary_xml.contains("<cfRule type=\"expression\""), "rates coloured by their distance to the target");
}
