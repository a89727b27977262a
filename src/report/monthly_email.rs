//! The month's e-mail to the chairman and the offices: the ward's figures, the ranking, the
//! units below their targets, the state of the data. Described once ([`Message`]), sent as
//! text and HTML.

use super::message::{Block, Cell, Email, Message, Span};
use super::summary::{Summary, UnitLine};
use super::text::{number, percent};
use crate::period::Period;

fn unit_row(u: &UnitLine) -> Vec<Cell> {
    vec![
        Cell::Number(u.rank.to_string()),
        Cell::Text(u.name.clone()),
        Cell::Number(number(u.score, 2)),
        Cell::Text(u.band.clone()),
        Cell::Number(percent(u.on_time_rate)),
        Cell::Number(number(u.late as f64, 0)),
    ]
}

fn ranking(title: &str, units: &[&UnitLine]) -> [Block; 2] {
    let header = ["Hạng", "Đơn vị", "Điểm (thang 100)", "Xếp loại", "Tỷ lệ đúng hạn", "Hồ sơ trễ hạn (hồ sơ)"];
    [
        Block::Heading(title.to_string()),
        Block::Table { header: header.map(String::from).to_vec(), rows: units.iter().map(|u| unit_row(u)).collect() },
    ]
}

pub fn monthly_email(ward_short: &str, period: Period, s: &Summary, attachment: &str) -> Email {
    let score = s.ward_score.map_or_else(|| "không có hồ sơ".to_string(), |x| number(x, 2));
    let band = if s.ward_band.is_empty() { "chưa xếp loại" } else { &s.ward_band };
    let subject = format!(
        "[{ward_short}] Bảng điểm dịch vụ công {}: toàn phường {score} điểm ({band}), {} hồ sơ trễ hạn",
        period.label_vi(),
        s.late
    );
    let best: Vec<&UnitLine> = s.units.iter().take(3).collect();
    let weakest: Vec<&UnitLine> = s.units.iter().rev().take(3).filter(|u| !best.contains(u)).collect();
    let mut facts = vec![
        ("Điểm toàn phường".to_string(), format!("{score} / 100 ({band})")),
        ("Hồ sơ trong kỳ".to_string(), format!("{} hồ sơ", number(s.active as f64, 0))),
        ("Tỷ lệ đúng hạn".to_string(), percent(s.on_time_rate)),
        (
            "Hồ sơ trễ hạn".to_string(),
            format!(
                "{} hồ sơ (chưa kết thúc, đã quá hạn: {} hồ sơ)",
                number(s.late as f64, 0),
                number(s.overdue_open as f64, 0)
            ),
        ),
        ("Tỷ lệ hồ sơ trực tuyến".to_string(), percent(s.online_rate)),
    ];
    if let Some(rank) = &s.province_rank {
        facts.push(("Chỉ số 766 trên Cổng Dịch vụ công quốc gia".to_string(), rank.clone()));
    }
    let mut blocks = vec![
        Block::Para(vec![
            Span::Text("Kết quả giải quyết thủ tục hành chính ".into()),
            Span::Bold(period.label_vi()),
            Span::Text(" (Bộ chỉ số 766):".into()),
        ]),
        Block::Facts(facts),
    ];
    blocks.extend(ranking("Đơn vị dẫn đầu", &best));
    if !weakest.is_empty() {
        blocks.extend(ranking("Đơn vị xếp cuối", &weakest));
    }
    if !s.below_target.is_empty() {
        let cited = s.targets_cited.as_ref().map_or(String::new(), |c| format!(" ({c})"));
        blocks.push(Block::Heading(format!("Đơn vị chưa đạt chỉ tiêu{cited}:")));
        blocks.push(Block::Table {
            header: ["Đơn vị", "Số chỉ tiêu chưa đạt", "Chỉ tiêu chưa đạt"].map(String::from).to_vec(),
            rows: s
                .below_target
                .iter()
                .map(|(u, t)| vec![Cell::Text(u.clone()), Cell::Number(t.len().to_string()), Cell::Text(t.join("; "))])
                .collect(),
        });
    }
    if s.findings > 0 {
        blocks.push(Block::Para(vec![Span::Text(format!(
            "Kiểm tra dữ liệu: {} vấn đề, {} dòng bị loại (xem trang \"Chất lượng dữ liệu\").",
            number(s.findings as f64, 0),
            number(s.rejected_rows as f64, 0)
        ))]));
    }
    Message {
        subject,
        greeting: format!("Kính gửi Lãnh đạo UBND phường {ward_short},"),
        blocks,
        closing: vec![format!("Chi tiết trong tệp đính kèm {attachment}.")],
        sender: super::message::ward_office(ward_short),
    }
    .render()
}
