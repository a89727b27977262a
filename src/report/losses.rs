//! Where a unit's points went, and how to get them back: every point lost on the month's 766
//! and on the year's PAR and DTI, grouped by index and period, for the workbook's sheet, the
//! unit cards and `thidua explain`.
//!
//! Each loss is stated on its index's headline scale (the 766 score out of 100, PAR out of 100,
//! DTI in points out of 1.000), so that one index's losses add up to what the unit is short of
//! full marks: the 766 losses of a unit sum to 100 − its score. They are rounded to hundredths
//! by largest remainder so the printed figures add up too. Beside each loss: the level that
//! earns full points and, from [`crate::score::recovery`], how many dossiers recover it — or
//! that nothing can within the period. A report made after the month ended (the usual run,
//! in the month after) cannot change it: its advice is for the coming month, what share it
//! needs and how far this month fell short, so the run's [`MonthState`] picks the wording.

use std::collections::HashMap;

use anyhow::Result;
use polars::prelude::*;
use rust_xlsxwriter::{Workbook, Worksheet};

use super::table::{Col, Formats, Kind, c, write_table};
use crate::period::{MonthState, Period};
use crate::score::{IndexScores, LeafOp, Measure, Recovery, Remedy, Scored, ServiceMethod, ServiceScorecard};
use crate::vi::{number, percent};

/// The index label of the month's service scorecard's losses.
pub const SERVICE_INDEX: &str = "Bộ chỉ số 766";
pub const PAR_INDEX: &str = "Chỉ số CCHC (PAR)";
pub const DTI_INDEX: &str = "Chỉ số chuyển đổi số (DTI)";

/// One lost criterion, before it becomes a frame row.
struct Loss {
    order: u32,
    index: &'static str,
    period: String,
    unit: String,
    area: String,
    criterion: String,
    points: f64,
    max_applied: f64,
    /// The loss on the criterion's own scale.
    lost: f64,
    /// The loss on the index's headline scale.
    lost_score: f64,
    target: String,
    evidence: String,
    /// What recovers it, worded once the loss is rounded (the text quotes it).
    recover: Option<Recover>,
}

/// The figures an action is worded from.
#[derive(Clone, Copy)]
struct Recover {
    measure: Measure,
    numerator: f64,
    denominator: f64,
    full_at: f64,
    threshold: bool,
    per_item: f64,
}

/// Every lost point, per unit, grouped by index (the month's 766, then the year's PAR and
/// DTI) and largest first within each.
///
/// Columns: `index`, `period`, `unit`, `unit_label`, `area`, `criterion`, `points`,
/// `max_applied`, `lost` (on the criterion's scale), `criterion_points` ("6,77/10"),
/// `lost_score` (on the headline's scale), `target`, `evidence`, `action` (worded for what
/// the unit can still change: the rest of the month while `state` is open, else the next).
pub fn lost_points(
    sc: &ServiceScorecard,
    scores: &IndexScores,
    method: &ServiceMethod,
    period: Period,
    state: MonthState,
    units: &DataFrame,
) -> PolarsResult<DataFrame> {
    let mut rows = service_losses(sc, method, period)?;
    let year = Period::year(period.year).map_or_else(|| format!("năm {}", period.year), Period::label_vi);
    if let Some(par) = &scores.par {
        let notes = scores.par_evidence.as_ref().map(notes).transpose()?.unwrap_or_default();
        rows.extend(index_losses(par, 1, PAR_INDEX, &year, &notes)?);
    }
    if let Some(dti) = &scores.dti {
        rows.extend(index_losses(dti, 2, DTI_INDEX, &year, &HashMap::new())?);
    }
    rows.sort_by(|a, b| {
        (a.unit.as_str(), a.order).cmp(&(b.unit.as_str(), b.order)).then(b.lost_score.total_cmp(&a.lost_score))
    });
    let text = |f: fn(&Loss) -> &str| rows.iter().map(|r| f(r).to_string()).collect::<Vec<_>>();
    let num = |f: fn(&Loss) -> f64| rows.iter().map(f).collect::<Vec<_>>();
    let frame = df![
        "index" => text(|r| r.index),
        "period" => text(|r| &r.period),
        "unit" => text(|r| &r.unit),
        "area" => text(|r| &r.area),
        "criterion" => text(|r| &r.criterion),
        "points" => num(|r| r.points),
        "max_applied" => num(|r| r.max_applied),
        "lost" => num(|r| r.lost),
        "criterion_points" => rows.iter().map(|r| format!("{}/{}", number(r.points, 2), trim(r.max_applied))).collect::<Vec<_>>(),
        "lost_score" => num(|r| r.lost_score),
        "target" => text(|r| &r.target),
        "evidence" => text(|r| &r.evidence),
        "action" => rows.iter().map(|r| r.recover.map_or(String::new(), |x| action(x, r.lost_score, period, state))).collect::<Vec<_>>(),
    ]?;
    frame
        .lazy()
        .with_row_index("row_order", None)
        .join(units.clone().lazy(), [col("unit")], [col("label_code")], JoinArgs::new(JoinType::Left))
        // An index scored for the ward as a whole (the DTI) has a unit the register does not name.
        .with_column(
            when(col("unit_label").is_null().and(col("index").eq(lit(DTI_INDEX))))
                .then(lit("Toàn phường"))
                .otherwise(col("unit_label").fill_null(col("unit")))
                .alias("unit_label"),
        )
        .sort(["row_order"], Default::default())
        .drop(cols(["row_order"]))
        .collect()
}

/// "10", "4,5": a maximum without needless decimals.
fn trim(x: f64) -> String {
    if (x - x.round()).abs() < 1e-9 { number(x, 0) } else { number(x, 2) }
}

/// The month's 766 losses, on the score's scale (100 · lost / the unit's applied maximum).
fn service_losses(sc: &ServiceScorecard, method: &ServiceMethod, period: Period) -> PolarsResult<Vec<Loss>> {
    // The overdue dossiers of each unit: the evidence behind lost on-time points.
    let mut late: HashMap<String, Vec<String>> = HashMap::new();
    for (u, id) in strs(&sc.overdue, "unit_code")?.into_iter().zip(strs(&sc.overdue, "dossier_id")?) {
        if let (Some(u), Some(id)) = (u, id) {
            late.entry(u).or_default().push(id);
        }
    }
    // Per unit: the applied maximum and the published score.
    let mut scale: HashMap<String, (f64, f64)> = HashMap::new();
    let s = &sc.scopes;
    for ((u, max), score) in strs(s, "scope")?.into_iter().zip(f64s(s, "max_points")?).zip(f64s(s, "score")?) {
        if let (Some(u), Some(max), Some(score)) = (u, max, score)
            && u != crate::score::WARD_SCOPE
            && max > 0.0
        {
            scale.insert(u, (max, score));
        }
    }
    let measure: HashMap<&str, Measure> = method.indicators.iter().map(|i| (i.code.as_str(), i.measure)).collect();
    let i = &sc.indicators;
    let (scope, code, area, name) =
        (strs(i, "scope")?, strs(i, "indicator")?, strs(i, "group_name")?, strs(i, "indicator_name")?);
    let (num, den, pts, max, lost, thr) = (
        f64s(i, "numerator")?,
        f64s(i, "denominator")?,
        f64s(i, "points")?,
        f64s(i, "max_applied")?,
        f64s(i, "lost")?,
        f64s(i, "threshold")?,
    );
    let mut by_unit: HashMap<String, Vec<Loss>> = HashMap::new();
    for r in 0..i.height() {
        let (Some(unit), Some(&(unit_max, _))) = (scope[r].clone(), scope[r].as_ref().and_then(|u| scale.get(u)))
        else {
            continue;
        };
        let lost_r = lost[r].unwrap_or(0.0);
        if lost_r <= 1e-9 {
            continue;
        }
        let code_r = code[r].clone().unwrap_or_default();
        let (n, d) = (num[r].unwrap_or(0.0), den[r].unwrap_or(0.0));
        let m = measure.get(code_r.as_str()).copied();
        let lost_score = 100.0 * lost_r / unit_max;
        let per_item = if d > 0.0 { 100.0 * max[r].unwrap_or(0.0) / (d * unit_max) } else { 0.0 };
        let full_at = thr[r].unwrap_or(1.0);
        let target = match thr[r] {
            Some(t) => format!("Ngưỡng {}", percent(t, 0)),
            None => "Đủ điểm khi đạt 100%".to_string(),
        };
        let mut evidence = if d > 0.0 {
            format!(
                "Đạt {}/{} {} ({})",
                number(n, 0),
                number(d, 0),
                m.map_or("hồ sơ", |m| words(m).unit),
                percent(n / d, 2)
            )
        } else {
            "Không có hồ sơ thuộc diện tính trong kỳ".to_string()
        };
        if m == Some(Measure::OnTime)
            && let Some(ids) = late.get(&unit)
        {
            let more = if ids.len() > 5 { format!(" và {} hồ sơ khác", ids.len() - 5) } else { String::new() };
            evidence.push_str(&format!(". Hồ sơ trễ hạn: {}{more}", ids[..ids.len().min(5)].join(", ")));
        }
        let recover = m.filter(|_| d > 0.0).map(|measure| Recover {
            measure,
            numerator: n,
            denominator: d,
            full_at,
            threshold: thr[r].is_some(),
            per_item,
        });
        by_unit.entry(unit.clone()).or_default().push(Loss {
            order: 0,
            index: SERVICE_INDEX,
            period: capitalised(&period.label_vi()),
            unit,
            area: area[r].clone().unwrap_or_default(),
            criterion: name[r].clone().unwrap_or_default(),
            points: pts[r].unwrap_or(0.0),
            max_applied: max[r].unwrap_or(0.0),
            lost: lost_r,
            lost_score,
            target,
            evidence,
            recover,
        });
    }
    let mut out = Vec::new();
    for (unit, mut rows) in by_unit {
        let score = scale[&unit].1;
        round_to_total(&mut rows, 100.0 - score);
        out.extend(rows.into_iter().filter(|r| r.lost_score > 0.0));
    }
    Ok(out)
}

/// What an indicator's dossiers are called when they meet it and when they fail it.
struct Words {
    unit: &'static str,
    met: &'static str,
    failed: &'static str,
}

fn words(m: Measure) -> Words {
    let w = |unit, met, failed| Words { unit, met, failed };
    match m {
        Measure::OnTime => w("hồ sơ", "hồ sơ giải quyết đúng hạn", "hồ sơ trễ hạn"),
        Measure::Online => w("hồ sơ", "hồ sơ nộp trực tuyến", "hồ sơ không nộp trực tuyến"),
        Measure::PaidOnline => w("hồ sơ", "hồ sơ thanh toán trực tuyến", "hồ sơ không thanh toán trực tuyến"),
        Measure::ResultDigitised => w("hồ sơ", "hồ sơ cấp kết quả điện tử", "hồ sơ chưa có kết quả điện tử"),
        Measure::Digitised => w("hồ sơ", "hồ sơ số hóa cả thành phần và kết quả", "hồ sơ chưa số hóa đủ"),
        Measure::DataReused => w("hồ sơ", "hồ sơ tái sử dụng dữ liệu số hóa", "hồ sơ không tái sử dụng dữ liệu"),
        Measure::FeedbackOnTime => {
            w("phản ánh, kiến nghị", "phản ánh, kiến nghị xử lý đúng hạn", "phản ánh, kiến nghị quá hạn")
        }
        Measure::FeedbackSatisfied => {
            w("phản ánh, kiến nghị", "phản ánh, kiến nghị được hài lòng", "phản ánh, kiến nghị chưa hài lòng")
        }
        Measure::Satisfaction => w("hồ sơ", "hồ sơ không trễ hạn, không bị phản ánh", "hồ sơ trễ hạn hoặc bị phản ánh"),
    }
}

/// What a unit can do about a loss, in words, for the part of time it can still change.
fn action(x: Recover, lost: f64, period: Period, state: MonthState) -> String {
    match state {
        MonthState::Open => this_month_action(x, lost, period),
        MonthState::Closed => next_month_action(x, lost, period),
    }
}

/// The month is over: what share the next month needs not to lose the points again, with
/// this month's result and how many of its own dossiers it fell short by.
fn next_month_action(x: Recover, lost: f64, period: Period) -> String {
    let Recover { measure: m, numerator: n, denominator: d, full_at, threshold, per_item } = x;
    let Some(short) = crate::score::shortfall(n as u64, d as u64, full_at) else { return String::new() };
    let w = words(m);
    let level = if full_at >= 1.0 - 1e-9 { "100%".to_string() } else { format!("ít nhất {}", percent(full_at, 0)) };
    let mut s = format!(
        "{} cần {level} {} ({} đạt {}/{}, thiếu {short} {}) để không mất {} điểm.",
        capitalised(&period.next().label_vi()),
        w.met,
        period.label_vi(),
        number(n, 0),
        number(d, 0),
        w.unit,
        number(lost, 2)
    );
    // A linear indicator loses a share per dossier; a threshold loses all at once.
    if !threshold {
        s.push_str(&format!(" Mỗi {} làm mất {} điểm.", w.failed, number(per_item, 2)));
    }
    s
}

/// The month is still open: the dossiers to add or put right before it ends, or why none can.
fn this_month_action(x: Recover, lost: f64, period: Period) -> String {
    let Recover { measure: m, numerator: n, denominator: d, full_at, threshold, per_item } = x;
    let w = words(m);
    let goal =
        if threshold { format!("đạt ngưỡng {}", percent(full_at, 0)) } else { "đủ điểm".to_string() };
    let when = period.label_vi();
    match crate::score::recovery(n as u64, d as u64, full_at, Remedy::of(m)) {
        None => String::new(),
        Some(Recovery::Reachable { more, reach, of }) if Remedy::of(m) == Remedy::FixExisting => format!(
            "Cần thêm {more} {} trong số {of} {} (đạt {reach}/{of}) để {goal}, lấy lại {} điểm.",
            w.met,
            w.unit,
            number(lost, 2)
        ),
        Some(Recovery::Reachable { more, reach, of }) => {
            format!("Cần thêm {more} {} (đạt {reach}/{of}) để {goal}, lấy lại {} điểm.", w.met, number(lost, 2))
        }
        Some(Recovery::Unreachable { failed, needs: None }) => format!(
            "Không thể lấy lại trong {when}: đã có {failed} {}, chỉ đủ điểm khi đạt 100%. Mỗi {} như vậy làm mất {} điểm.",
            w.failed,
            w.unit,
            number(per_item, 2)
        ),
        Some(Recovery::Unreachable { needs: Some(k), .. }) => format!(
            "Không thể lấy lại trong {when}: cần thêm {k} {}, nhiều hơn số {} của cả kỳ ({}).",
            w.met,
            w.unit,
            number(d, 0)
        ),
    }
}

/// The year's losses on one index (PAR, DTI), on its headline scale, per unit.
fn index_losses(
    s: &Scored,
    order: u32,
    index: &'static str,
    year: &str,
    notes: &HashMap<(String, String), String>,
) -> PolarsResult<Vec<Loss>> {
    let m = &s.method;
    let r = &s.result.components;
    let top: Vec<&str> = m.components.iter().filter(|c| c.parent.is_none()).map(|c| c.code.as_str()).collect();
    let (unit, comp) = (strs(r, "unit")?, strs(r, "component")?);
    let (input, pts, max, lost) = (f64s(r, "input")?, f64s(r, "points")?, f64s(r, "max_applied")?, f64s(r, "lost")?);
    // Per unit: the top-level applied maximum the total is a share of.
    let mut unit_max: HashMap<String, f64> = HashMap::new();
    for k in 0..r.height() {
        if let (Some(u), Some(c)) = (&unit[k], &comp[k])
            && top.contains(&c.as_str())
        {
            *unit_max.entry(u.clone()).or_default() += max[k].unwrap_or(0.0);
        }
    }
    let totals: HashMap<String, f64> = strs(&s.result.units, "unit")?
        .into_iter()
        .zip(f64s(&s.result.units, "total")?)
        .filter_map(|(u, t)| Some((u?, t?)))
        .collect();
    let mut by_unit: HashMap<String, Vec<Loss>> = HashMap::new();
    for k in 0..r.height() {
        let (Some(u), Some(code)) = (&unit[k], &comp[k]) else { continue };
        let Some(c) = m.components.iter().find(|c| &c.code == code) else { continue };
        let (Some(op), Some(&total_max)) = (c.op, unit_max.get(u)) else { continue };
        let lost_k = lost[k].unwrap_or(0.0);
        if lost_k <= 1e-9 || total_max <= 0.0 {
            continue;
        }
        // PAR is out of 100; the DTI's 0..1 is read in points out of its 1.000.
        let headline = if m.scale > 1.0 { m.scale } else { total_max };
        let x = input[k];
        let (target, measured) = match op {
            LeafOp::Threshold { threshold, .. } => {
                (format!("Ngưỡng {}", percent(threshold, 0)), x.map(|x| percent(x, 2)))
            }
            LeafOp::Linear { .. } => ("Đủ điểm khi đạt 100%".to_string(), x.map(|x| percent(x, 2))),
            LeafOp::Scaled { input_scale } => {
                (String::new(), x.map(|x| format!("{}/{}", number(x, 2), trim(input_scale))))
            }
            LeafOp::Points => (String::new(), x.map(|x| format!("{}/{} điểm chấm", number(x, 2), trim(c.max_points)))),
            LeafOp::MinMax => (String::new(), x.map(|x| number(x, 2))),
        };
        let evidence = match (notes.get(&(u.clone(), code.clone())), measured) {
            (Some(note), _) => note.clone(),
            (None, Some(v)) => format!("Kết quả: {v}"),
            (None, None) => "Chưa có điểm (không có trong tệp chấm điểm)".to_string(),
        };
        let parent = c.parent.as_ref().and_then(|p| m.components.iter().find(|x| &x.code == p));
        by_unit.entry(u.clone()).or_default().push(Loss {
            order,
            index,
            period: capitalised(year),
            unit: u.clone(),
            area: parent.map_or(String::new(), |p| p.name.clone()),
            criterion: c.name.clone(),
            points: pts[k].unwrap_or(0.0),
            max_applied: max[k].unwrap_or(0.0),
            lost: lost_k,
            lost_score: headline * lost_k / total_max,
            target,
            evidence,
            recover: None,
        });
    }
    let mut out = Vec::new();
    for (u, mut rows) in by_unit {
        let short =
            totals.get(&u).map(|t| if m.scale > 1.0 { m.scale - t } else { unit_max[&u] * (1.0 - t / m.scale) });
        match short {
            Some(short) => round_to_total(&mut rows, short),
            None => rows.iter_mut().for_each(|r| r.lost_score = (r.lost_score * 100.0).round() / 100.0),
        }
        out.extend(rows.into_iter().filter(|r| r.lost_score > 0.0));
    }
    Ok(out)
}

/// Rounds the losses to hundredths so that they add up to `total` (rounded), giving the
/// hundredths left over to the largest remainders; when the exact losses do not add up to
/// `total` (a capped parent), each is rounded on its own.
fn round_to_total(rows: &mut [Loss], total: f64) {
    let want = (total * 100.0).round() as i64;
    let floors: Vec<i64> = rows.iter().map(|r| (r.lost_score * 100.0 + 1e-9).floor() as i64).collect();
    let spare = want - floors.iter().sum::<i64>();
    if spare < 0 || spare as usize > rows.len() {
        rows.iter_mut().for_each(|r| r.lost_score = (r.lost_score * 100.0).round() / 100.0);
        return;
    }
    let mut by_remainder: Vec<usize> = (0..rows.len()).collect();
    let rem = |i: usize| rows[i].lost_score * 100.0 - floors[i] as f64;
    by_remainder.sort_by(|&a, &b| rem(b).total_cmp(&rem(a)));
    let mut cents = floors.clone();
    for &i in by_remainder.iter().take(spare as usize) {
        cents[i] += 1;
    }
    for (r, c) in rows.iter_mut().zip(cents) {
        r.lost_score = c as f64 / 100.0;
    }
}

fn capitalised(s: &str) -> String {
    let mut c = s.chars();
    c.next().map_or(String::new(), |f| f.to_uppercase().chain(c).collect())
}

/// The appraisal's note per (unit, component).
fn notes(ev: &DataFrame) -> PolarsResult<HashMap<(String, String), String>> {
    Ok(strs(ev, "e_unit")?
        .into_iter()
        .zip(strs(ev, "e_component")?)
        .zip(strs(ev, "evidence")?)
        .filter_map(|((u, c), e)| Some(((u?, c?), e?)))
        .collect())
}

/// The columns of a lost-points table: the criterion, the loss on the headline's scale, what
/// earns full points, the evidence and what to do about it (this month or, once it is over, the next).
pub(super) fn lost_columns() -> Vec<Col<'static>> {
    vec![
        c("Chỉ số", "index", Kind::Text, 14.0),
        c("Kỳ", "period", Kind::Text, 11.0),
        c("Lĩnh vực / nhóm", "area", Kind::Text, 20.0),
        c("Tiêu chí", "criterion", Kind::Text, 34.0),
        c("Điểm tiêu chí (đạt/tối đa)", "criterion_points", Kind::Text, 10.0),
        c("Điểm bị mất (trên điểm tổng của chỉ số)", "lost_score", Kind::Points, 11.0),
        c("Mức đủ điểm", "target", Kind::Text, 12.0),
        c("Căn cứ", "evidence", Kind::Text, 40.0),
        c("Việc cần làm", "action", Kind::Text, 44.0),
    ]
}

pub(super) fn add_lost_points_sheet(
    wb: &mut Workbook,
    lost: &DataFrame,
    plan: Option<&crate::score::Plan>,
    title: &dyn Fn(&mut Worksheet, &str) -> Result<u32>,
    f: &Formats,
) -> Result<()> {
    let ws = wb.add_worksheet().set_name("Điểm bị mất")?;
    let cited = plan.map_or(String::new(), |p| format!(" ({} {})", p.losses_section, p.short()));
    let row = title(ws, &format!("CÁC TIÊU CHÍ BỊ TRỪ ĐIỂM, MẤT ĐIỂM{}", cited.to_uppercase()))?;
    // The line left blank under the title says how the losses are measured.
    ws.write_string_with_format(row.saturating_sub(1), 0, SCALE_NOTE, &f.note)?;
    let mut cols = vec![c("Đơn vị", "unit_label", Kind::Text, 30.0)];
    cols.extend(lost_columns());
    // write_table lays the page out (≥ 85 %, split side by side rather than shrunk).
    write_table(ws, row, lost, &cols, f)?;
    Ok(())
}

/// How the losses are measured, said once above every table of them.
pub(super) const SCALE_NOTE: &str = "Điểm bị mất tính trên điểm tổng của từng chỉ số: Bộ chỉ số 766 trên thang 100 \
     (cộng lại bằng 100 trừ điểm của đơn vị), chỉ số CCHC trên thang 100, chỉ số chuyển đổi số trên 1.000 điểm.";

fn strs(df: &DataFrame, name: &str) -> PolarsResult<Vec<Option<String>>> {
    Ok(df.column(name)?.cast(&DataType::String)?.str()?.iter().map(|s| s.map(str::to_string)).collect())
}

fn f64s(df: &DataFrame, name: &str) -> PolarsResult<Vec<Option<f64>>> {
    Ok(df.column(name)?.cast(&DataType::Float64)?.f64()?.iter().collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn loss(lost_score: f64) -> Loss {
        Loss {
            order: 0,
            index: SERVICE_INDEX,
            period: String::new(),
            unit: "U".into(),
            area: String::new(),
            criterion: String::new(),
            points: 0.0,
            max_applied: 0.0,
            lost: 0.0,
            lost_score,
            target: String::new(),
            evidence: String::new(),
            recover: None,
        }
    }

    fn online(numerator: f64, denominator: f64) -> Recover {
        Recover { measure: Measure::Online, numerator, denominator, full_at: 0.5, threshold: true, per_item: 0.0 }
    }

    #[test]
    fn advice_for_an_open_month_is_for_the_rest_of_it() {
        let oct = Period::new(2024, 10).unwrap();
        assert_eq!(
            action(online(5.0, 19.0), 7.9, oct, MonthState::Open),
            "Cần thêm 9 hồ sơ nộp trực tuyến (đạt 14/28) để đạt ngưỡng 50%, lấy lại 7,90 điểm."
        );
    }

    #[test]
    fn advice_for_a_closed_month_is_for_the_next_one() {
        // The usual run, made in November: October cannot change any more.
        let oct = Period::new(2024, 10).unwrap();
        assert_eq!(
            action(online(5.0, 19.0), 7.9, oct, MonthState::Closed),
            "Tháng 11/2024 cần ít nhất 50% hồ sơ nộp trực tuyến (tháng 10/2024 đạt 5/19, thiếu 5 hồ sơ) để không mất 7,90 điểm."
        );
        // A linear indicator: all of them, and what each one costs.
        let on_time = Recover {
            measure: Measure::OnTime,
            numerator: 70.0,
            denominator: 72.0,
            full_at: 1.0,
            threshold: false,
            per_item: 0.385,
        };
        assert_eq!(
            action(on_time, 0.77, Period::new(2024, 12).unwrap(), MonthState::Closed),
            "Tháng 01/2025 cần 100% hồ sơ giải quyết đúng hạn (tháng 12/2024 đạt 70/72, thiếu 2 hồ sơ) để không mất \
             0,77 điểm. Mỗi hồ sơ trễ hạn làm mất 0,39 điểm."
        );
        assert_eq!(action(online(10.0, 19.0), 0.0, oct, MonthState::Closed), "", "nothing was missed");
    }

    #[test]
    fn rounded_losses_add_up_to_what_the_unit_is_short_of() {
        // Three losses of 1/3 point each: rounded alone they print 0,33 three times (0,99),
        // but the unit is 1,00 short; the hundredth left over goes to one of them.
        let mut rows = vec![loss(1.0 / 3.0), loss(1.0 / 3.0), loss(1.0 / 3.0)];
        round_to_total(&mut rows, 1.0);
        let cents: Vec<i64> = rows.iter().map(|r| (r.lost_score * 100.0).round() as i64).collect();
        assert_eq!(cents.iter().sum::<i64>(), 100);
        assert_eq!(cents.iter().filter(|&&c| c == 34).count(), 1);
        // When the exact losses do not make the total (a capped parent), each rounds alone.
        let mut rows = vec![loss(1.234), loss(2.0)];
        round_to_total(&mut rows, 9.0);
        assert_eq!(rows.iter().map(|r| r.lost_score).collect::<Vec<_>>(), [1.23, 2.0]);
    }
}
