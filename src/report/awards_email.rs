//! The award round's e-mail to the chairman and the Office–Statistics section: who is
//! proposed at each level, and what the attached workbook holds.

use super::awards::AwardsReport;
use super::message::{Block, Email, Message};
use crate::score::{Audience, Outcome};

pub fn awards_email(r: &AwardsReport<'_>, attachment: &str, no_facts: bool) -> Email {
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
    for level in &r.rules.levels {
        let list: Vec<&&Outcome> = nominated.iter().filter(|o| o.level.as_ref() == Some(&level.code)).collect();
        if list.is_empty() {
            continue;
        }
        blocks.push(Block::Heading(format!("{} ({}):", level.name, list.len())));
        blocks.push(Block::List(list.iter().map(|o| format!("{} ({})", o.name, o.audience.label())).collect()));
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
    Message {
        subject,
        greeting: "Kính gửi Chủ tịch UBND phường và Bộ phận Văn phòng - Thống kê,".into(),
        blocks,
        closing: vec![format!(
            "Danh sách đề nghị, dự thảo biên bản, lý do từng trường hợp và số liệu báo cáo thành tích trong tệp {attachment}."
        )],
    }
    .render()
}
