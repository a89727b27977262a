//! The award round's e-mail to the chairman and the Office–Statistics section: who is
//! proposed at each level, and what the attached workbook and documents hold.

use super::awards::AwardsReport;
use super::message::{Block, Cell, Email, Message};
use crate::score::{Audience, Outcome};

/// `documents` are the drafted Word documents attached beside the workbook, as (title, file).
pub fn awards_email(r: &AwardsReport<'_>, attachment: &str, documents: &[(String, String)], no_facts: bool) -> Email {
    let nominated: Vec<&Outcome> = r.outcomes.iter().filter(|o| o.level.is_some()).collect();
    let count = |a: Audience| nominated.iter().filter(|o| o.audience == a).count();
    let subject = format!(
        "[{}] Kết quả xét khen thưởng phong trào thi đua năm {}: {} tập thể, {} cá nhân đủ tiêu chuẩn",
        r.ward.short_name,
        r.year,
        count(Audience::Collective),
        count(Audience::Individual)
    );
    let mut blocks = vec![Block::Para(vec![super::message::Span::Text(format!(
        "Kết quả xét theo {} ({}):",
        r.rules.name, r.rules.decision
    ))])];
    // In the order of the Danh sách: level by level, collectives first, by rank.
    for (level, audience, list) in super::awards::nominees(r) {
        blocks.push(Block::Heading(format!("{} — {} ({}):", level.name, audience.label().to_lowercase(), list.len())));
        let rows = list.iter().enumerate().map(|(i, o)| {
            let mut row = vec![Cell::Number((i + 1).to_string()), Cell::Text(o.name.clone())];
            if audience == Audience::Individual {
                let officer = r.registry.officer(&o.code);
                let unit = officer.map(|x| x.unit.as_str()).or(o.unit.as_deref());
                let unit = unit.and_then(|u| r.registry.unit(u)).map_or(String::new(), |u| u.name.clone());
                row.push(Cell::Text(officer.map_or(String::new(), |x| x.position.clone())));
                row.push(Cell::Text(unit));
            }
            row
        });
        let header: &[&str] = match audience {
            Audience::Collective => &["STT", "Tên tập thể"],
            Audience::Individual => &["STT", "Họ và tên", "Chức vụ", "Đơn vị"],
        };
        blocks.push(Block::Table { header: header.iter().map(|h| (*h).to_string()).collect(), rows: rows.collect() });
    }
    if nominated.is_empty() {
        blocks
            .push(Block::Para(vec![super::message::Span::Text("Chưa có tập thể, cá nhân nào đủ tiêu chuẩn.".into())]));
    }
    if no_facts {
        blocks.push(Block::Warning(format!(
            "chưa có tệp config/facts/{}.toml (xác nhận hoàn thành nhiệm vụ, chỉ tiêu, kỷ luật): kết quả chỉ mang tính tham khảo.",
            r.year
        )));
    }
    if !documents.is_empty() {
        blocks.push(Block::Heading(format!("Dự thảo văn bản kèm theo ({} tệp Word):", documents.len())));
        blocks.push(Block::List(documents.iter().map(|(title, file)| format!("{title}: {file}")).collect()));
    }
    Message {
        subject,
        greeting: "Kính gửi Chủ tịch UBND phường và Bộ phận Văn phòng - Thống kê,".into(),
        blocks,
        closing: vec![format!(
            "Danh sách đề nghị, lý do từng trường hợp và số liệu báo cáo thành tích trong tệp {attachment}. Các dự thảo \
             văn bản để Văn phòng hoàn thiện, lấy số, trình ký và phát hành trên hệ thống quản lý văn bản."
        )],
        sender: super::message::ward_office(&r.ward.short_name),
    }
    .render()
}
