//! The month's e-mail: a Vietnamese subject, an HTML body every mail client renders
//! (tables and inline styles only: no scripts, no remote images, no CSS classes) and a
//! plain-text body with the same numbers. Every text from data is HTML-escaped.

use std::fmt::Write as _;

use super::summary::{Summary, UnitLine};
use crate::pipeline::Period;

pub struct Email {
    pub subject: String,
    pub text: String,
    pub html: String,
}

/// Escapes text for HTML element content and attribute values.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for ch in s.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(ch),
        }
    }
    out
}

/// "87,50": Vietnamese decimal comma.
pub fn number(x: f64, decimals: usize) -> String {
    format!("{x:.decimals$}").replace('.', ",")
}

pub fn percent(x: Option<f64>) -> String {
    x.map_or_else(|| "—".to_string(), |x| format!("{}%", number(x * 100.0, 1)))
}

fn unit_line(u: &UnitLine) -> String {
    format!(
        "{}. {}: {} điểm ({}), đúng hạn {}, {} hồ sơ trễ hạn",
        u.rank,
        u.name,
        number(u.score, 2),
        u.band,
        percent(u.on_time_rate),
        u.late
    )
}

pub fn monthly_email(ward_short: &str, period: Period, s: &Summary, attachment: &str) -> Email {
    let score = s.ward_score.map_or_else(|| "không có hồ sơ".to_string(), |x| number(x, 2));
    let subject = format!(
        "[{ward_short}] Bảng điểm dịch vụ công {}: toàn phường {score} điểm ({}), {} hồ sơ trễ hạn",
        period.label_vi(),
        if s.ward_band.is_empty() { "chưa xếp loại" } else { &s.ward_band },
        s.late
    );
    let best: Vec<&UnitLine> = s.units.iter().take(3).collect();
    let weakest: Vec<&UnitLine> = s.units.iter().rev().take(3).filter(|u| !best.contains(u)).collect();

    let mut text = String::new();
    let _ = writeln!(text, "Kính gửi Lãnh đạo UBND phường {ward_short},\n");
    let _ = writeln!(text, "Kết quả giải quyết thủ tục hành chính {} (Bộ chỉ số 766):", period.label_vi());
    let _ = writeln!(text, "- Điểm toàn phường: {score} / 100 ({})", s.ward_band);
    let _ = writeln!(
        text,
        "- Hồ sơ trong kỳ: {}; đúng hạn {}; trễ hạn {} (trong đó {} hồ sơ chưa kết thúc đã quá hạn)",
        s.active,
        percent(s.on_time_rate),
        s.late,
        s.overdue_open
    );
    let _ = writeln!(text, "- Tỷ lệ hồ sơ trực tuyến: {}", percent(s.online_rate));
    if let Some(rank) = &s.province_rank {
        let _ = writeln!(text, "- Chỉ số 766 trên Cổng Dịch vụ công quốc gia: {rank}");
    }
    let _ = writeln!(text, "\nĐơn vị dẫn đầu:");
    for u in &best {
        let _ = writeln!(text, "  {}", unit_line(u));
    }
    let _ = writeln!(text, "\nĐơn vị cần cải thiện:");
    for u in &weakest {
        let _ = writeln!(text, "  {}", unit_line(u));
    }
    if !s.below_target.is_empty() {
        let _ = writeln!(text, "\nĐơn vị chưa đạt chỉ tiêu (mục IV.4 Kế hoạch 105/KH-UBND):");
        for (unit, targets) in &s.below_target {
            let _ = writeln!(text, "  - {unit}: {}", targets.join("; "));
        }
    }
    if s.findings > 0 {
        let _ = writeln!(
            text,
            "\nKiểm tra dữ liệu: {} vấn đề, {} dòng bị loại (xem trang \"Chất lượng dữ liệu\").",
            s.findings, s.rejected_rows
        );
    }
    let _ = writeln!(
        text,
        "\nChi tiết trong tệp đính kèm {attachment}.\n\n-- \nThư tự động từ thidua. Vui lòng không trả lời thư này."
    );

    let td = "style=\"padding:4px 8px;border:1px solid #cccccc;font-family:Arial,sans-serif;font-size:13px\"";
    let th = "style=\"padding:4px 8px;border:1px solid #cccccc;background:#ddebf7;font-family:Arial,sans-serif;font-size:13px;text-align:left\"";
    let mut html = String::new();
    let _ = write!(
        html,
        "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>{}</title></head><body style=\"font-family:Arial,sans-serif;font-size:14px;color:#222222\">",
        escape(&subject)
    );
    let _ = write!(html, "<p>Kính gửi Lãnh đạo UBND phường {},</p>", escape(ward_short));
    let _ = write!(
        html,
        "<p>Kết quả giải quyết thủ tục hành chính <b>{}</b> (Bộ chỉ số 766):</p>",
        escape(&period.label_vi())
    );
    let _ = write!(html, "<table cellpadding=\"0\" cellspacing=\"0\" style=\"border-collapse:collapse\">");
    let rank = s.province_rank.iter().map(|r| ("Chỉ số 766 trên Cổng DVCQG", r.clone()));
    for (k, v) in [
        ("Điểm toàn phường", format!("{score} / 100 ({})", s.ward_band)),
        ("Hồ sơ trong kỳ", s.active.to_string()),
        ("Tỷ lệ đúng hạn", percent(s.on_time_rate)),
        ("Hồ sơ trễ hạn", format!("{} (chưa kết thúc, đã quá hạn: {})", s.late, s.overdue_open)),
        ("Tỷ lệ hồ sơ trực tuyến", percent(s.online_rate)),
    ]
    .into_iter()
    .chain(rank)
    {
        let _ = write!(html, "<tr><th {th}>{}</th><td {td}>{}</td></tr>", escape(k), escape(&v));
    }
    html.push_str("</table>");
    let _ = write!(
        html,
        "<p><b>Xếp hạng đơn vị</b></p><table cellpadding=\"0\" cellspacing=\"0\" style=\"border-collapse:collapse\"><tr><th {th}>Hạng</th><th {th}>Đơn vị</th><th {th}>Điểm</th><th {th}>Xếp loại</th><th {th}>Đúng hạn</th><th {th}>Trễ hạn</th><th {th}></th></tr>"
    );
    for u in &s.units {
        let width = (u.score.clamp(0.0, 100.0) * 1.5).round() as u32;
        let colour = if u.score >= 90.0 {
            "#2e7d32"
        } else if u.score >= 70.0 {
            "#f9a825"
        } else {
            "#c62828"
        };
        let _ = write!(
            html,
            "<tr><td {td}>{}</td><td {td}>{}</td><td {td}>{}</td><td {td}>{}</td><td {td}>{}</td><td {td}>{}</td><td {td}><table cellpadding=\"0\" cellspacing=\"0\"><tr><td width=\"{width}\" height=\"10\" style=\"background:{colour};width:{width}px;height:10px;font-size:1px;line-height:1px\">&nbsp;</td></tr></table></td></tr>",
            u.rank,
            escape(&u.name),
            number(u.score, 2),
            escape(&u.band),
            percent(u.on_time_rate),
            u.late
        );
    }
    html.push_str("</table>");
    if !s.below_target.is_empty() {
        html.push_str("<p><b>Đơn vị chưa đạt chỉ tiêu</b> (mục IV.4 Kế hoạch 105/KH-UBND):</p><ul>");
        for (unit, targets) in &s.below_target {
            let _ = write!(html, "<li>{}: {}</li>", escape(unit), escape(&targets.join("; ")));
        }
        html.push_str("</ul>");
    }
    if s.findings > 0 {
        let _ = write!(
            html,
            "<p>Kiểm tra dữ liệu: {} vấn đề, {} dòng bị loại (xem trang \"Chất lượng dữ liệu\").</p>",
            s.findings, s.rejected_rows
        );
    }
    let _ = write!(
        html,
        "<p>Chi tiết trong tệp đính kèm <b>{}</b>.</p><p style=\"color:#777777;font-size:12px\">Thư tự động từ thidua. Vui lòng không trả lời thư này.</p></body></html>",
        escape(attachment)
    );
    Email { subject, text, html }
}

/// The award round's e-mail to the Office–Statistics section and the chairman.
pub fn awards_email(r: &super::awards::AwardsReport<'_>, attachment: &str, no_facts: bool) -> Email {
    use crate::score::Audience;
    let nominated: Vec<&crate::score::Outcome> = r.outcomes.iter().filter(|o| o.level.is_some()).collect();
    let count = |a: Audience| nominated.iter().filter(|o| o.audience == a).count();
    let subject = format!(
        "[{}] Kết quả xét khen thưởng phong trào thi đua năm {}: {} tập thể, {} cá nhân đủ tiêu chuẩn",
        r.ward.short_name,
        r.year,
        count(Audience::Collective),
        count(Audience::Individual)
    );
    let mut text = format!(
        "Kính gửi Chủ tịch UBND phường và Bộ phận Văn phòng - Thống kê,\n\nKết quả xét theo {} ({}):\n",
        r.rules.name, r.rules.decision
    );
    let mut html = format!(
        "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>{}</title></head><body style=\"font-family:Arial,sans-serif;font-size:14px;color:#222222\"><p>Kính gửi Chủ tịch UBND phường và Bộ phận Văn phòng - Thống kê,</p><p>Kết quả xét theo {}:</p>",
        escape(&subject),
        escape(&r.rules.name)
    );
    for level in &r.rules.levels {
        let list: Vec<&&crate::score::Outcome> =
            nominated.iter().filter(|o| o.level.as_ref() == Some(&level.code)).collect();
        if list.is_empty() {
            continue;
        }
        let _ = writeln!(text, "\n{} ({}):", level.name, list.len());
        let _ = write!(html, "<p><b>{}</b> ({})</p><ol>", escape(&level.name), list.len());
        for o in list {
            let _ = writeln!(text, "  - {} ({})", o.name, o.audience.label());
            let _ = write!(html, "<li>{} ({})</li>", escape(&o.name), o.audience.label());
        }
        html.push_str("</ol>");
    }
    if nominated.is_empty() {
        text.push_str("\nChưa có tập thể, cá nhân nào đủ tiêu chuẩn.\n");
        html.push_str("<p>Chưa có tập thể, cá nhân nào đủ tiêu chuẩn.</p>");
    }
    if no_facts {
        let warn = format!(
            "Lưu ý: chưa có tệp config/facts/{}.toml (xác nhận hoàn thành nhiệm vụ, chỉ tiêu, kỷ luật): kết quả chỉ mang tính tham khảo.",
            r.year
        );
        let _ = writeln!(text, "\n{warn}");
        let _ = write!(html, "<p style=\"color:#c62828\">{}</p>", escape(&warn));
    }
    let _ = writeln!(
        text,
        "\nDanh sách đề nghị, dự thảo biên bản, lý do từng trường hợp và số liệu báo cáo thành tích trong tệp {attachment}.\n\n-- \nThư tự động từ thidua."
    );
    let _ = write!(
        html,
        "<p>Danh sách đề nghị, dự thảo biên bản, lý do từng trường hợp và số liệu báo cáo thành tích trong tệp <b>{}</b>.</p></body></html>",
        escape(attachment)
    );
    Email { subject, text, html }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_and_formats() {
        assert_eq!(escape("<b>\"A&B\"</b>"), "&lt;b&gt;&quot;A&amp;B&quot;&lt;/b&gt;");
        assert_eq!(number(87.5, 2), "87,50");
        assert_eq!(percent(Some(0.975)), "97,5%");
    }
}
