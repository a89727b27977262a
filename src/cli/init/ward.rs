//! The ward's own answers (`--ward-name`, `--province`, …) checked, and written into the
//! project's settings and pipelines from the templates in `files/`.
//!
//! An address the ward has not given yet is a stand-in in the reserved `.example` domain
//! (RFC 2606: mail to it reaches no one), named `thay-dia-chi` ("replace the address") and
//! with a comment saying so; `thidua check` accepts it and notes how many are left.

use unicode_normalization::UnicodeNormalization;

use super::InitArgs;
use crate::vi::ascii_fold;

/// The answers, checked.
#[derive(Debug)]
pub(super) struct Ward {
    pub id: String,
    pub name: String,
    pub short_name: String,
    pub province: String,
    pub city: Option<String>,
    pub agency_code: Option<String>,
    pub from: Address,
    pub to: Vec<Address>,
}

/// An address as written into a file, and whether it is a stand-in to replace.
#[derive(Debug)]
pub(super) struct Address {
    pub text: String,
    pub stand_in: bool,
}

/// The words that open a commune-level unit's name, as written at the start of a sentence.
const PREFIXES: &[&str] = &["Phường", "Xã", "Đặc khu", "Thị trấn"];

impl Ward {
    /// Checks the answers; `Err` lists every problem, in Vietnamese.
    pub(super) fn from_args(args: &InitArgs) -> Result<Ward, Vec<String>> {
        let mut problems = Vec::new();
        let text = |s: &str| -> String { s.nfc().collect::<String>().split_whitespace().collect::<Vec<_>>().join(" ") };
        let name = text(args.ward_name.as_deref().unwrap_or_default());
        let province = text(args.province.as_deref().unwrap_or_default());
        if name.is_empty() {
            problems.push("thiếu tên phường: ghi --ward-name, ví dụ --ward-name \"Phường Hồng Hà\"".to_string());
        }
        if province.is_empty() {
            problems.push("thiếu tỉnh: ghi --province, ví dụ --province \"Tỉnh Quảng Ninh\"".to_string());
        }
        let short_name = args.short_name.as_deref().map_or_else(|| without_prefix(&name).to_string(), text);
        let id = match &args.ward_id {
            Some(id) if is_slug(id) => id.clone(),
            Some(id) => {
                problems.push(format!("--ward-id \"{id}\": chỉ dùng chữ thường không dấu, chữ số và dấu -"));
                id.clone()
            }
            None => slug(&short_name),
        };
        if id.is_empty() && !name.is_empty() {
            problems.push("không tạo được mã phường từ tên: ghi --ward-id (ví dụ hong-ha)".to_string());
        }
        let sentence = in_sentence(&name);
        let stand_in = |role: &str, who: &str| Address {
            text: format!("{who} {sentence} <{role}.thay-dia-chi@{id}.example>"),
            stand_in: true,
        };
        let mut given = |flag: &str, a: &str| -> Address {
            if a.parse::<lettre::message::Mailbox>().is_err() {
                problems.push(format!(
                    "{flag} \"{a}\" không phải địa chỉ e-mail (ghi dạng \"Tên <ten@ten-mien>\" hoặc ten@ten-mien)"
                ));
            }
            Address { text: text(a), stand_in: false }
        };
        let from = args
            .from_email
            .as_deref()
            .map_or_else(|| stand_in("van-phong", "Văn phòng UBND"), |a| given("--from-email", a));
        let mut to: Vec<Address> = args.report_to.iter().map(|a| given("--report-to", a)).collect();
        if to.is_empty() {
            to.push(stand_in("chu-tich", "Chủ tịch UBND"));
        }
        let optional = |s: &Option<String>| s.as_deref().map(text).filter(|s| !s.is_empty());
        let ward = Ward {
            id,
            name,
            short_name,
            province,
            city: optional(&args.city),
            agency_code: optional(&args.agency_code),
            from,
            to,
        };
        if problems.is_empty() { Ok(ward) } else { Err(problems) }
    }

    /// The name as written inside a sentence: "phường Hồng Hà".
    pub(super) fn in_sentence(&self) -> String {
        in_sentence(&self.name)
    }

    pub(super) fn settings(&self) -> String {
        let line = |key: &str, value: &Option<String>, note: &str| match value {
            Some(v) => format!("{key} = {}", quoted(v)),
            None => format!("# {key} = \"…\"   # {note}"),
        };
        let from_note = if self.from.stand_in { STAND_IN_NOTE } else { "" };
        fill(
            include_str!("files/thidua.toml"),
            &[
                ("ward_text", self.in_sentence()),
                ("ward_id", quoted(&self.id)),
                ("ward_name", quoted(&self.name)),
                ("short_name", quoted(&self.short_name)),
                (
                    "agency_code",
                    line("agency_code", &self.agency_code, "mã cơ quan trên Hệ thống một cửa (đầu mã hồ sơ)"),
                ),
                ("city", line("city", &self.city, "thành phố, nếu có")),
                ("province", quoted(&self.province)),
                ("from_note", from_note.to_string()),
                ("from", quoted(&self.from.text)),
            ],
        )
    }

    /// A pipeline file from its template (`monthly`, `year_end_awards`).
    pub(super) fn pipeline(&self, template: &str) -> String {
        let to: Vec<String> = self.to.iter().map(|a| quoted(&a.text)).collect();
        let note = if self.to.iter().any(|a| a.stand_in) { STAND_IN_NOTE } else { "" };
        fill(template, &[("ward_text", self.in_sentence()), ("to_note", note.to_string()), ("to", to.join(", "))])
    }

    pub(super) fn drop_readme(&self) -> String {
        fill(include_str!("files/du-lieu.md"), &[("ward_text", self.in_sentence())])
    }
}

const STAND_IN_NOTE: &str = "# THAY ĐỊA CHỈ: địa chỉ mẫu (tên miền .example, thư không tới ai), \
                             thay bằng địa chỉ thật của phường trước khi gửi thư.";

/// A string as a TOML value (quoted and escaped).
pub(super) fn quoted(s: &str) -> String {
    toml::Value::String(s.to_string()).to_string()
}

/// Replaces every `{{name}}` of a template; a line that is only a `{{name}}` whose value
/// is empty goes.
fn fill(template: &str, values: &[(&str, String)]) -> String {
    let mut out = String::with_capacity(template.len() + 256);
    for line in template.lines() {
        let dropped = values.iter().any(|(name, value)| value.is_empty() && line == format!("{{{{{name}}}}}"));
        if dropped {
            continue;
        }
        let mut line = line.to_string();
        for (name, value) in values {
            line = line.replace(&format!("{{{{{name}}}}}"), value);
        }
        out.push_str(&line);
        out.push('\n');
    }
    out
}

fn without_prefix(name: &str) -> &str {
    PREFIXES.iter().find_map(|p| name.strip_prefix(p).and_then(|r| r.strip_prefix(' '))).unwrap_or(name)
}

fn in_sentence(name: &str) -> String {
    match PREFIXES.iter().find(|p| name.starts_with(*p) && name[p.len()..].starts_with(' ')) {
        Some(p) => format!("{}{}", p.to_lowercase(), &name[p.len()..]),
        None => name.to_string(),
    }
}

fn is_slug(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

/// "Hồng Hà" → "hong-ha".
fn slug(s: &str) -> String {
    let folded = ascii_fold(s).to_ascii_lowercase();
    folded.split(|c: char| !c.is_ascii_alphanumeric()).filter(|w| !w.is_empty()).collect::<Vec<_>>().join("-")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_in_sentences_short_names_and_ids() {
        assert_eq!(in_sentence("Phường Hồng Hà"), "phường Hồng Hà");
        assert_eq!(in_sentence("Đặc khu Vân Đồn"), "đặc khu Vân Đồn");
        assert_eq!(without_prefix("Xã Quảng Tân"), "Quảng Tân");
        assert_eq!(without_prefix("Phường"), "Phường");
        assert_eq!(slug("Hồng Hà"), "hong-ha");
        assert_eq!(slug("Đông Triều 2"), "dong-trieu-2");
    }
}
