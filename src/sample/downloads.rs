//! The normal-mode year of S1 dossiers: simulation, the injected messy cases, which dossiers
//! each monthly download (and each overlapping re-download) contains, and in which shape.

use rand::Rng;
use rand::rngs::StdRng;

use super::calendar::{Calendar, Ts, hms};
use super::dossier::{Dossier, Label, Outcome, office_time, pick_procedure, simulate};
use super::{Units, legacy_fonts};

/// Relative volume by month: a rush before Tết (January), a dip during it (February) and the
/// school-enrolment rush of copies and certificates in August.
const SEASON: [f64; 12] = [1.15, 0.75, 1.0, 0.95, 1.0, 1.0, 1.05, 1.1, 1.0, 1.0, 0.95, 1.05];

/// Months with a second, overlapping download ("tải lại").
pub(crate) const RELOAD_MONTHS: [u32; 3] = [3, 7, 10];
/// This month is the national sync payload (JSON), not an Excel download.
pub(crate) const SYNC_MONTH: u32 = 6;
/// This month is also written as the pages of VNPT iGate's dossier search.
pub(crate) const IGATE_MONTH: u32 = 10;
/// Excel downloads of these months carry the status codes ("Mã trạng thái"), not the words.
pub(crate) const STATUS_CODE_MONTHS: [u32; 2] = [4, 9];
/// Excel downloads of these months write the channel as 1/2/3, the others as words.
pub(crate) const CHANNEL_CODE_MONTHS: [u32; 3] = [4, 7, 9];
/// Excel downloads of these months have `dd/mm/yyyy hh:mm:ss` text dates, the others real
/// date cells; the re-download of [`RELOAD_DATE_CELLS_MONTH`] has date cells again.
pub(crate) const TEXT_DATE_MONTHS: [u32; 3] = [3, 7, 11];
pub(crate) const RELOAD_DATE_CELLS_MONTH: u32 = 7;
/// A few unit cells of this month's download were typed in the legacy .VnTime font (TCVN3).
pub(crate) const TCVN3_MONTH: u32 = 8;
/// The main download of this month has an empty row in the middle.
pub(crate) const BLANK_ROW_MONTH: u32 = 5;
/// A dossier of this month carries the malformed received date `31/02/yyyy 08:00:00`.
pub(crate) const MALFORMED_MONTH: u32 = 2;

pub(crate) fn simulate_year(
    rng: &mut StdRng,
    cal: &Calendar,
    year: i32,
    units: &Units,
    per_unit_month: usize,
) -> Vec<Dossier> {
    let mut ds = Vec::new();
    for month in 1..=12u32 {
        let days = cal.month_days(year, month);
        let working: Vec<u32> = days.clone().filter(|&d| cal.is_working(d)).collect();
        let saturdays: Vec<u32> = days.filter(|&d| cal.is_saturday(d)).collect();
        let progress = (month - 1) as f64 / 11.0;
        for (u, unit) in units.handling.iter().enumerate() {
            // A unit receives dossiers only on the days it exists (before a merger the old
            // unit, from the merger on its successor), in proportion to them.
            let exists = |d: &u32| unit.valid.contains(cal.date(*d));
            let open: Vec<u32> = working.iter().copied().filter(exists).collect();
            if open.is_empty() {
                continue;
            }
            let open_saturdays: Vec<u32> = saturdays.iter().copied().filter(exists).collect();
            let share = open.len() as f64 / working.len() as f64;
            let mean = per_unit_month as f64 * units.volume[u] * SEASON[month as usize - 1] * share;
            let n = (mean * rng.random_range(0.85..1.15)).round() as usize;
            for _ in 0..n {
                let day = if !open_saturdays.is_empty() && rng.random_bool(0.01) {
                    open_saturdays[rng.random_range(0..open_saturdays.len())]
                } else {
                    open[rng.random_range(0..open.len())]
                };
                let received = office_time(rng, cal, day);
                let procedure = pick_procedure(rng, &units.procs[u]);
                let mut d = simulate(rng, cal, &units.profiles[u], procedure, unit.officers.len(), received, progress);
                d.unit = u as u32;
                ds.push(d);
            }
        }
    }
    for month in 1..=12u32 {
        late_registration(rng, cal, year, month, units, &mut ds);
        refusal(rng, cal, year, month, &mut ds);
    }
    // Dossiers are numbered by the day they were filed (MaHoSo: agency-yymmdd-sequence).
    ds.sort_by_key(|d| (d.submitted, d.received));
    let mut last_day = u32::MAX;
    let mut seq = 0;
    for d in &mut ds {
        if d.submitted.day != last_day {
            last_day = d.submitted.day;
            seq = 0;
        }
        seq += 1;
        d.seq = seq;
    }
    add_messy_cases(rng, cal, year, &mut ds);
    ds
}

/// Every month, some online dossiers are filed at the end of the month and wait for an
/// officer until after the month's download: it shows them as "Mới đăng ký" (1), without a
/// received date. They are drawn again, received on the fourth working day or later — by the
/// unit that exists then (filed on 30/6/2025 with Giếng Đáy, received by Việt Hưng).
fn late_registration(rng: &mut StdRng, cal: &Calendar, year: i32, month: u32, units: &Units, ds: &mut [Dossier]) {
    let days = cal.month_days(year, month);
    let online: Vec<usize> = (0..ds.len())
        .filter(|&i| ds[i].channel == 2 && ds[i].outcome == Outcome::Done && days.contains(&ds[i].submitted.day))
        .collect();
    if online.is_empty() {
        return;
    }
    let (ny, nm) = if month == 12 { (year + 1, 1) } else { (year, month + 1) };
    let k = (online.len() as f64 * 0.01).round().max(1.0) as usize;
    let progress = (month - 1) as f64 / 11.0;
    for p in rand::seq::index::sample(rng, online.len(), k.min(online.len())) {
        let old = &ds[online[p]];
        let day = cal.add_working(cal.nth_working_day(ny, nm, 4), rng.random_range(0..=2));
        let received = office_time(rng, cal, day);
        let u = units.on(old.unit as usize, cal.date(received.day)).unwrap_or(old.unit as usize);
        let mut profile = units.profiles[u];
        (profile.online_start, profile.online_end) = (1.0, 1.0);
        let mut d =
            simulate(rng, cal, &profile, old.procedure as usize, units.handling[u].officers.len(), received, progress);
        d.unit = u as u32;
        d.submitted = Ts::new(days.end - 1 - rng.random_range(0..2), rng.random_range(hms(18, 0, 0)..hms(23, 50, 0)));
        ds[online[p]] = d;
    }
}

/// Every month has at least one online submission refused at reception ("Không được tiếp
/// nhận", 3) within the month.
fn refusal(rng: &mut StdRng, cal: &Calendar, year: i32, month: u32, ds: &mut [Dossier]) {
    let days = cal.month_days(year, month);
    let within = |d: &Dossier| days.contains(&d.submitted.day) && days.contains(&d.received.day);
    if ds.iter().any(|d| d.outcome == Outcome::Refused && within(d)) {
        return;
    }
    let online: Vec<usize> =
        (0..ds.len()).filter(|&i| ds[i].channel == 2 && ds[i].outcome == Outcome::Done && within(&ds[i])).collect();
    if !online.is_empty() {
        ds[online[rng.random_range(0..online.len())]].refuse();
    }
}

/// Each month gets at least one missing due date and one odd spelling of a unit name; every
/// third month at least one unknown unit; the spellings and unknown names rotate over the year
/// so every kind occurs whatever the volume.
fn add_messy_cases(rng: &mut StdRng, cal: &Calendar, year: i32, ds: &mut [Dossier]) {
    let (mut variant, mut unknown) = (0u8, 0u8);
    for month in 1..=12u32 {
        let days = cal.month_days(year, month);
        let idx: Vec<usize> = (0..ds.len()).filter(|&i| days.contains(&ds[i].submitted.day)).collect();
        let n = idx.len();
        if n == 0 {
            continue;
        }
        let share = |p: f64| (n as f64 * p).round() as usize;
        let k_due = share(0.01).max(1);
        let k_unknown = share(0.005).max(usize::from(month % 3 == 2));
        let k_variant = share(0.012).max(1);
        let picks = rand::seq::index::sample(rng, n, (k_due + k_unknown + k_variant).min(n)).into_vec();
        for (j, &p) in picks.iter().enumerate() {
            let d = &mut ds[idx[p]];
            if j < k_due {
                d.due_missing = true;
            } else if j < k_due + k_unknown {
                d.label = Label::Unknown(unknown % 2);
                unknown += 1;
            } else {
                d.label = Label::Variant(variant % 5);
                variant += 1;
            }
        }
        if month == MALFORMED_MONTH {
            // A dossier finished within the month, so the bad date shows up in one file only.
            let end = days.end;
            let candidates: Vec<usize> = idx
                .iter()
                .copied()
                .filter(|&i| ds[i].finished.day < end && ds[i].outcome != Outcome::Refused)
                .collect();
            if !candidates.is_empty() {
                ds[candidates[rng.random_range(0..candidates.len())]].malformed_received = true;
            }
        }
    }
}

/// How an Excel download writes its values.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Style {
    /// "Mã trạng thái" with the national codes instead of "Trạng thái" with the words.
    pub status_codes: bool,
    /// "Trực tiếp", "Trực tuyến", "Bưu chính công ích" instead of 1, 2, 3.
    pub channel_words: bool,
    /// Real Excel date cells instead of `dd/mm/yyyy hh:mm:ss` text.
    pub date_cells: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Shape {
    /// The provincial "Xuất Excel" workbook (S1c).
    Excel(Style),
    /// The national sync payload, JSON (S1a).
    Sync,
}

pub(crate) struct Download {
    pub month: u32,
    /// The download moment; statuses and dates are as of then.
    pub at: Ts,
    /// Indices into the dossiers, in filing order.
    pub rows: Vec<usize>,
    pub reload: bool,
    pub shape: Shape,
    pub blank_row_after: Option<usize>,
    /// Positions in `rows` whose unit cell is typed in TCVN3 (.VnTime).
    pub tcvn3_rows: Vec<usize>,
}

fn style(month: u32, reload: bool) -> Style {
    Style {
        status_codes: STATUS_CODE_MONTHS.contains(&month),
        channel_words: !CHANNEL_CODE_MONTHS.contains(&month),
        date_cells: !TEXT_DATE_MONTHS.contains(&month) || (reload && month == RELOAD_DATE_CELLS_MONTH),
    }
}

/// A month's download holds the dossiers filed in the month plus the older ones still
/// unfinished when it began, as of the third working day of the following month.
pub(crate) fn plan_year(
    rng: &mut StdRng,
    cal: &Calendar,
    year: i32,
    units: &Units,
    ds: &mut [Dossier],
) -> Vec<Download> {
    let mut out = Vec::new();
    for month in 1..=12u32 {
        let days = cal.month_days(year, month);
        let (ny, nm) = if month == 12 { (year + 1, 1) } else { (year, month + 1) };
        let at = Ts::new(cal.nth_working_day(ny, nm, 3), hms(8, rng.random_range(0..50), rng.random_range(0..60)));
        let rows: Vec<usize> = (0..ds.len())
            .filter(|&i| {
                let d = &ds[i];
                days.contains(&d.submitted.day) || (d.submitted.day < days.start && d.finished.day >= days.start)
            })
            .collect();
        let shape = if month == SYNC_MONTH { Shape::Sync } else { Shape::Excel(style(month, false)) };
        let blank_row_after = (month == BLANK_ROW_MONTH).then_some(rows.len() / 2);
        let tcvn3_rows = if month == TCVN3_MONTH { legacy_font_rows(rng, units, ds, &rows) } else { Vec::new() };
        let main = Download { month, at, rows, reload: false, shape, blank_row_after, tcvn3_rows };
        if !RELOAD_MONTHS.contains(&month) {
            out.push(main);
            continue;
        }
        let rows = &main.rows;
        let later = Ts::new(
            cal.add_working(at.day, rng.random_range(2..=4)),
            hms(9, rng.random_range(0..60), rng.random_range(0..60)),
        );
        ensure_something_moves(ds, rows, at, later);
        let changed = |i: &usize| ds[*i].view(at) != ds[*i].view(later);
        let picked = rand::seq::index::sample(rng, rows.len(), (rows.len() * 3).div_ceil(10));
        let mut subset: Vec<usize> = picked.into_iter().map(|k| rows[k]).collect();
        // Both kinds of overlap must be there: rows repeated verbatim and rows that moved on.
        for want_changed in [true, false] {
            if !subset.iter().any(|i| changed(i) == want_changed)
                && let Some(i) = rows.iter().find(|i| changed(i) == want_changed)
            {
                subset.push(*i);
            }
        }
        subset.sort_unstable();
        let again = Download {
            month,
            at: later,
            rows: subset,
            reload: true,
            shape: Shape::Excel(style(month, true)),
            blank_row_after: None,
            tcvn3_rows: Vec::new(),
        };
        out.push(main);
        out.push(again);
    }
    out
}

/// A few rows (four at most) whose unit, written by its registry name, TCVN3 can spell.
fn legacy_font_rows(rng: &mut StdRng, units: &Units, ds: &[Dossier], rows: &[usize]) -> Vec<usize> {
    let fits: Vec<usize> = (0..rows.len())
        .filter(|&p| {
            let d = &ds[rows[p]];
            d.label == Label::Clean && legacy_fonts::vntime_cell(&units.handling[d.unit as usize].name).is_some()
        })
        .collect();
    let mut picked: Vec<usize> =
        rand::seq::index::sample(rng, fits.len(), fits.len().min(4)).into_iter().map(|k| fits[k]).collect();
    picked.sort_unstable();
    picked
}

/// A re-download is made because something changed. When every dossier of the month had
/// settled before the first download, the last one finished is collected by its citizen
/// between the two downloads instead.
fn ensure_something_moves(ds: &mut [Dossier], rows: &[usize], at: Ts, later: Ts) {
    if rows.iter().any(|&i| ds[i].view(at) != ds[i].view(later)) {
        return;
    }
    let last = rows
        .iter()
        .copied()
        .filter(|&i| ds[i].outcome == Outcome::Done && ds[i].finished <= at)
        .max_by_key(|&i| ds[i].finished);
    if let Some(i) = last {
        ds[i].returned = Some(Ts::new(later.day, later.sec - 600));
    }
}
