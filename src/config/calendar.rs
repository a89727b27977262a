//! The holiday calendar: which days are working days.
//!
//! Due dates, the "no due date" rule and supplement time are all counted in working days,
//! and Tết moves every year, so holidays are data: one file per year under
//! `config/holidays/`. Weekends are Saturday and Sunday. Make-up working Saturdays are not
//! modelled (the official swaps move a day off, they do not change the count materially).

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use chrono::{Datelike, Days, NaiveDate, Weekday};
use serde::Deserialize;
use toml::Spanned;
use toml::de::{DeTable, DeValue};
use toml::value::Datetime;

use super::dates::to_date;
use super::diag::{Diagnostics, SourceText};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct YearSpec {
    year: Spanned<i32>,
    /// The document that announced the year's days off.
    #[allow(dead_code)]
    source: Option<String>,
    #[serde(default)]
    holiday: Vec<Spanned<HolidaySpec>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct HolidaySpec {
    #[allow(dead_code)]
    name: String,
    from: Datetime,
    to: Option<Datetime>,
}

/// Official days off, for every year that has a file.
#[derive(Debug, Clone, Default)]
pub struct Calendar {
    holidays: BTreeSet<NaiveDate>,
    years: BTreeSet<i32>,
}

impl Calendar {
    /// Loads every `*.toml` in the folder; each must hold the year its name says.
    pub fn load(root: &Path, dir: &Path, diag: &mut Diagnostics) -> Calendar {
        let mut cal = Calendar::default();
        let mut files: Vec<_> = match std::fs::read_dir(dir) {
            Ok(entries) => entries
                .filter_map(Result::ok)
                .map(|e| e.path())
                .filter(|p| p.extension().is_some_and(|x| x == "toml"))
                .collect(),
            Err(e) => {
                diag.file(dir, format!("không đọc được thư mục lịch nghỉ: {e}"));
                return cal;
            }
        };
        files.sort();
        for path in files {
            let Some((src, spec)) = diag.parse::<YearSpec>(root, &path) else {
                continue;
            };
            let year = *spec.year.get_ref();
            if path.file_stem().and_then(|s| s.to_str()) != Some(&year.to_string()) {
                diag.at(&src, &spec.year.span(), format!("năm {year} không khớp tên tệp"));
            }
            cal.years.insert(year);
            for h in &spec.holiday {
                let from = to_date(&h.get_ref().from);
                let to = h.get_ref().to.as_ref().map_or(from, to_date);
                match (from, to) {
                    (Some(from), Some(to)) if from <= to && from.year() == year => {
                        cal.holidays.extend(from.iter_days().take_while(|d| *d <= to));
                    }
                    _ => diag.at(
                        &src,
                        &h.span(),
                        format!("ngày nghỉ không hợp lệ: cần `from` ≤ `to`, là ngày (không giờ) trong năm {year}"),
                    ),
                }
            }
        }
        cal
    }

    /// A calendar from a plain list of days off (tests and the sample generator).
    pub fn from_holidays(holidays: impl IntoIterator<Item = NaiveDate>) -> Calendar {
        let holidays: BTreeSet<NaiveDate> = holidays.into_iter().collect();
        let years = holidays.iter().map(Datelike::year).collect();
        Calendar { holidays, years }
    }

    pub fn has_year(&self, year: i32) -> bool {
        self.years.contains(&year)
    }

    /// A problem naming the file `year` needs (`config/holidays/2026.toml`) when it has
    /// none: `thidua check` asks for the current year, as every run in it counts working days.
    pub fn require_year(&self, root: &Path, dir: &Path, year: i32, diag: &mut Diagnostics) {
        if !self.has_year(year) {
            let file = dir.join(format!("{year}.toml"));
            diag.file(
                file.strip_prefix(root).unwrap_or(&file),
                format!("chưa có lịch nghỉ lễ, Tết năm {year}: cần để tính ngày làm việc; {ADD_ONE}"),
            );
        }
    }

    /// What is missing when `year` has no holiday file, naming the file it needs.
    pub fn missing_year(&self, root: &Path, dir: &Path, year: i32) -> Option<String> {
        let file = dir.join(format!("{year}.toml"));
        let file = file.strip_prefix(root).unwrap_or(&file).display().to_string();
        (!self.has_year(year))
            .then(|| format!("chưa có lịch nghỉ lễ, Tết năm {year} ({file}): cần để tính ngày làm việc; {ADD_ONE}"))
    }

    /// A problem at the line of `src` that first names a year without a holiday file (a
    /// date, or a year in a string: "awards-2024", "du-lieu/2025/*.xlsx"; not an integer,
    /// nor an address or a secret's name).
    pub fn require_years_named(&self, root: &Path, dir: &Path, src: &SourceText, diag: &mut Diagnostics) {
        for (year, (at, named)) in years_named(&src.text) {
            if let Some(missing) = self.missing_year(root, dir, year) {
                diag.at(src, &(at..at), format!("\"{named}\" nói tới năm {year}: {missing}"));
            }
        }
    }

    pub fn holidays(&self) -> impl Iterator<Item = NaiveDate> + '_ {
        self.holidays.iter().copied()
    }

    pub fn is_working_day(&self, day: NaiveDate) -> bool {
        !matches!(day.weekday(), Weekday::Sat | Weekday::Sun) && !self.holidays.contains(&day)
    }

    /// Working days in `[from, to)`.
    pub fn working_days_between(&self, from: NaiveDate, to: NaiveDate) -> i64 {
        from.iter_days().take_while(|d| *d < to).filter(|d| self.is_working_day(*d)).count() as i64
    }

    /// The day `n` working days after `day`.
    pub fn add_working_days(&self, day: NaiveDate, n: u32) -> NaiveDate {
        let mut d = day;
        let mut left = n;
        while left > 0 {
            d = d + Days::new(1);
            if self.is_working_day(d) {
                left -= 1;
            }
        }
        d
    }
}

const ADD_ONE: &str = "thêm tệp theo thông báo lịch nghỉ của năm, như các năm trước";

/// The years a pipeline file names, each with where it is first named and the value naming
/// it: the year of every TOML date, and every number from 2000 to 2099 that stands alone in
/// a string ("awards-2024", "du-lieu/2025/*.xlsx"); not integers (a page size of 2000 is no
/// year), nor the `[mail]` addresses and the secrets' names (`*_env`, `*_file`). A file
/// that does not parse names none (its parse error is reported where it is read).
fn years_named(text: &str) -> BTreeMap<i32, (usize, String)> {
    fn walk(key: &str, value: &Spanned<DeValue<'_>>, out: &mut BTreeMap<i32, (usize, String)>) {
        if key == "mail" || key.ends_with("_env") || key.ends_with("_file") {
            return;
        }
        let at = value.span().start;
        match value.get_ref() {
            DeValue::Datetime(dt) => {
                if let Some(d) = dt.date {
                    out.entry(i32::from(d.year)).or_insert((at, dt.to_string()));
                }
            }
            DeValue::String(s) => {
                for year in years_in(s) {
                    out.entry(year).or_insert((at, s.to_string()));
                }
            }
            DeValue::Array(items) => items.iter().for_each(|v| walk(key, v, out)),
            DeValue::Table(t) => t.iter().for_each(|(k, v)| walk(k.get_ref(), v, out)),
            DeValue::Integer(_) | DeValue::Float(_) | DeValue::Boolean(_) => {}
        }
    }
    let mut out = BTreeMap::new();
    if let Ok(table) = DeTable::parse(text) {
        for (k, v) in table.get_ref() {
            walk(k.get_ref(), v, &mut out);
        }
    }
    out
}

/// Runs of exactly four digits from 2000 to 2099 in a text.
fn years_in(s: &str) -> impl Iterator<Item = i32> + '_ {
    s.split(|c: char| !c.is_ascii_digit())
        .filter(|run| run.len() == 4)
        .filter_map(|run| run.parse().ok())
        .filter(|y| (2000..2100).contains(y))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_year_without_its_file_is_a_problem_naming_the_file() {
        let cal = Calendar::from_holidays([d(2025, 1, 1)]);
        let mut diag = Diagnostics::default();
        cal.require_year(Path::new("/p"), Path::new("/p/config/holidays"), 2025, &mut diag);
        assert!(diag.is_empty());
        cal.require_year(Path::new("/p"), Path::new("/p/config/holidays"), 2026, &mut diag);
        let shown: Vec<String> = diag.problems().iter().map(ToString::to_string).collect();
        assert_eq!(shown.len(), 1);
        assert!(shown[0].starts_with("config/holidays/2026.toml: chưa có lịch nghỉ lễ, Tết năm 2026"), "{shown:?}");
    }

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn a_pipeline_names_the_years_of_its_dates_and_ids_but_not_its_numbers() {
        let text = "name = \"Bảng điểm\"\nawards = \"awards-2024\"\n\n[[source]]\nglob = \"du-lieu/2025/{period}/*\"\n\
                    province_id = \"398126\"\nfrom = 2023-07-01\n[source.http]\npagination = { size = 2000 }\n\
                    auth = { token_env = \"TOKEN_2030\" }\n[mail]\nto = [\"a2031@x.example\"]\n";
        let named = years_named(text);
        assert_eq!(named.keys().copied().collect::<Vec<_>>(), [2023, 2024, 2025], "{named:?}");
        let src = SourceText { shown: "p.toml".into(), text: text.into() };
        assert_eq!(src.line_of(&(named[&2025].0..0)), 5);
        assert_eq!(named[&2024].1, "awards-2024");

        let cal = Calendar::from_holidays([d(2024, 1, 1), d(2025, 1, 1)]);
        let mut diag = Diagnostics::default();
        cal.require_years_named(Path::new("/p"), Path::new("/p/config/holidays"), &src, &mut diag);
        let shown: Vec<String> = diag.problems().iter().map(ToString::to_string).collect();
        assert_eq!(shown.len(), 1, "{shown:?}");
        assert!(
            shown[0].starts_with(
                "p.toml:7: \"2023-07-01\" nói tới năm 2023: chưa có lịch nghỉ lễ, Tết năm 2023 (config/holidays/2023.toml)"
            ),
            "{shown:?}"
        );
    }

    #[test]
    fn weekends_and_holidays_are_not_working_days() {
        let cal = Calendar::from_holidays([d(2024, 9, 2), d(2024, 9, 3)]);
        // Fri 30/8 → Wed 4/9: Sat, Sun, Mon 2/9 and Tue 3/9 are off.
        assert_eq!(cal.add_working_days(d(2024, 8, 30), 1), d(2024, 9, 4));
        assert_eq!(cal.working_days_between(d(2024, 8, 30), d(2024, 9, 5)), 2);
        assert!(!cal.is_working_day(d(2024, 9, 2)));
    }
}
