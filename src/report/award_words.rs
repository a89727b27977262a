//! The award round's facts as the council reads them: each fact key (a closed set the rules
//! file may test) has a Vietnamese label and a shape that says how its value is written —
//! a rate as "88,81%", points with a decimal comma, a title or an advising role by the name
//! the ward's templates give it. The scoring core keeps the facts as data; the workbook, the
//! e-mail and the documents word them here, one way.

use std::collections::BTreeMap;

use anyhow::{Result, bail};

use crate::score::{Evidence, Fact};
use crate::vi;

/// How a fact's value is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Shape {
    /// có / không.
    YesNo,
    /// A count of dossiers, complaints, initiatives.
    Count,
    /// Index points, two decimals.
    Points,
    /// A rank ("thứ 3").
    Rank,
    /// A share 0..1 as a percentage.
    Rate,
    /// A band label as the methodology writes it ("Xuất sắc").
    Label,
    /// An annual title code, by its name in the templates.
    Title,
    /// Advising role codes, by their wording in the templates.
    Roles,
}

/// Every fact key the round knows: (key, label, shape).
const FACTS: &[(&str, &str, Shape)] = &[
    ("tasks_completed_well", "Hoàn thành tốt nhiệm vụ được giao", Shape::YesNo),
    ("targets_met", "Đạt các chỉ tiêu của kế hoạch", Shape::YesNo),
    ("par_rated", "Được chấm Chỉ số CCHC", Shape::YesNo),
    ("par_total", "Điểm Chỉ số CCHC", Shape::Points),
    ("par_band", "Xếp loại Chỉ số CCHC", Shape::Label),
    ("par_rank", "Thứ hạng Chỉ số CCHC", Shape::Rank),
    ("dti_ward_top15", "Phường trong 15 đơn vị dẫn đầu DTI của tỉnh", Shape::YesNo),
    ("advising_roles", "Nhiệm vụ tham mưu được giao", Shape::Roles),
    ("handles_dossiers", "Có giải quyết hồ sơ thủ tục hành chính", Shape::YesNo),
    ("on_time_rate", "Tỷ lệ hồ sơ giải quyết đúng hạn", Shape::Rate),
    ("under_discipline", "Đang bị xem xét hoặc chịu kỷ luật", Shape::YesNo),
    ("pending_inspection", "Đang bị thanh tra, kiểm tra hoặc có đơn thư đang xác minh", Shape::YesNo),
    ("under_investigation", "Đang bị điều tra", Shape::YesNo),
    ("women_share", "Tỷ lệ nữ của tập thể", Shape::Rate),
    ("dossiers", "Số hồ sơ đã giải quyết", Shape::Count),
    ("complaints", "Số phản ánh, kiến nghị có cơ sở", Shape::Count),
    ("initiatives_authored", "Số sáng kiến là tác giả", Shape::Count),
    ("annual_title", "Danh hiệu thi đua năm", Shape::Title),
    ("female", "Nữ", Shape::YesNo),
];

/// The names the ward's templates give to title and role codes.
#[derive(Debug, Clone, Default)]
pub struct AwardNames {
    /// Annual title code → name ("Chiến sĩ thi đua cơ sở").
    pub titles: BTreeMap<String, String>,
    /// Advising role code → wording.
    pub roles: BTreeMap<String, String>,
}

impl AwardNames {
    pub fn from_templates(t: &super::Templates) -> Self {
        AwardNames { titles: t.common.titles.clone(), roles: t.common.advising_roles.clone() }
    }

    fn title(&self, code: &str) -> Result<String> {
        match self.titles.get(code) {
            Some(n) => Ok(n.clone()),
            None => bail!("danh hiệu \"{code}\" chưa có tên trong [titles] của config/templates/awards/chung.toml"),
        }
    }

    fn role(&self, code: &str) -> Result<String> {
        match self.roles.get(code) {
            Some(n) => Ok(n.clone()),
            None => bail!(
                "vai trò tham mưu \"{code}\" chưa có tên trong [advising_roles] của config/templates/awards/chung.toml"
            ),
        }
    }
}

/// The fact's label ("Tỷ lệ hồ sơ giải quyết đúng hạn").
pub(crate) fn label(key: &str) -> &str {
    FACTS.iter().find(|(k, _, _)| *k == key).map_or(key, |(_, l, _)| l)
}

fn shape(key: &str) -> Shape {
    FACTS.iter().find(|(k, _, _)| *k == key).map_or(Shape::Label, |(_, _, s)| *s)
}

/// A fact's value in words: "88,81%", "có", "Chiến sĩ thi đua cơ sở".
pub(crate) fn value(key: &str, fact: &Fact, names: &AwardNames) -> Result<String> {
    Ok(match (shape(key), fact) {
        (_, Fact::Bool(true)) => "có".into(),
        (_, Fact::Bool(false)) => "không".into(),
        (Shape::Rate, Fact::Num(x)) => vi::percent(*x, 2),
        (Shape::Points, Fact::Num(x)) => vi::number(*x, 2),
        (Shape::Rank, Fact::Num(x)) => format!("thứ {}", vi::number(*x, 0)),
        (_, Fact::Num(x)) if x.fract() == 0.0 => vi::number(*x, 0),
        (_, Fact::Num(x)) => vi::number(*x, 2),
        (Shape::Title, Fact::Text(code)) => names.title(code)?,
        (Shape::Roles, Fact::List(codes)) if codes.is_empty() => "không có".into(),
        (Shape::Roles, Fact::List(codes)) => {
            codes.iter().map(|c| names.role(c)).collect::<Result<Vec<_>>>()?.join("; ")
        }
        (Shape::Title, Fact::List(codes)) => {
            codes.iter().map(|c| names.title(c)).collect::<Result<Vec<_>>>()?.join("; ")
        }
        (_, Fact::Text(s)) => s.clone(),
        (_, Fact::List(v)) => v.join("; "),
    })
}

/// "Tỷ lệ hồ sơ giải quyết đúng hạn: 88,81%; Số phản ánh, kiến nghị có cơ sở: 0 (…)".
pub(crate) fn evidence(items: &[Evidence], names: &AwardNames) -> Result<String> {
    let mut parts = Vec::with_capacity(items.len());
    for e in items {
        let v = match &e.value {
            Some(f) => value(&e.fact, f, names)?,
            None => "chưa có".into(),
        };
        parts.push(match &e.note {
            Some(n) => format!("{}: {v} ({n})", label(&e.fact)),
            None => format!("{}: {v}", label(&e.fact)),
        });
    }
    Ok(parts.join("; "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_fact_the_rules_may_test_has_a_label() {
        for key in crate::config::COLLECTIVE_FACTS.iter().chain(crate::config::INDIVIDUAL_FACTS) {
            assert!(FACTS.iter().any(|(k, _, _)| k == key), "{key} has no label");
        }
    }

    #[test]
    fn facts_are_worded_for_the_council() {
        let mut names = AwardNames::default();
        names.titles.insert("chien_si_thi_dua_co_so".into(), "Chiến sĩ thi đua cơ sở".into());
        names.roles.insert("par".into(), "tham mưu công tác cải cách hành chính".into());
        let ev = |fact: &str, value: Fact| Evidence { fact: fact.into(), value: Some(value), note: None };
        let text = evidence(
            &[
                ev("on_time_rate", Fact::Num(0.8881)),
                ev("par_rank", Fact::Num(3.0)),
                ev("annual_title", Fact::Text("chien_si_thi_dua_co_so".into())),
                ev("advising_roles", Fact::List(vec!["par".into()])),
                Evidence {
                    fact: "tasks_completed_well".into(), value: None, note: Some("chưa có xác nhận".into())
                },
            ],
            &names,
        )
        .unwrap();
        assert_eq!(
            text,
            "Tỷ lệ hồ sơ giải quyết đúng hạn: 88,81%; Thứ hạng Chỉ số CCHC: thứ 3; Danh hiệu thi đua năm: \
             Chiến sĩ thi đua cơ sở; Nhiệm vụ tham mưu được giao: tham mưu công tác cải cách hành chính; \
             Hoàn thành tốt nhiệm vụ được giao: chưa có (chưa có xác nhận)"
        );
        let unnamed = value("annual_title", &Fact::Text("lao_dong_tien_tien".into()), &names).unwrap_err();
        assert!(unnamed.to_string().contains("[titles]"), "{unnamed}");
    }
}
