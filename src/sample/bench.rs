//! Benchmark mode: one big S1 CSV streamed row by row, with the flat pre-counted columns
//! (SoLanYeuCauBoSung, CoPhiLePhi, ...) and TrangThaiHoSo as the national code.
//!
//! Only one day's dossiers are held at a time (they must be sorted to number them per
//! agency and day), and rows are assembled into a reused byte buffer, so memory stays flat and
//! a million rows take seconds.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::Path;

use anyhow::Result;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

use super::calendar::{Calendar, Ts, hms};
use super::catalog::{CATALOG, FIELDS};
use super::documents::csv_field;
use super::dossier::{Dossier, Label, office_time, pick_procedure, simulate};
use super::{SampleUnit, SampleWard, Units, write_atomic_with};

pub(crate) const HEADER: &str = "MaHoSo,MaTTHC,TenTTHC,MaLinhVuc,TenLinhVuc,DonViXuLy,NguoiXuLy,KenhThucHien,NgayTiepNhan,NgayHenTra,NgayKetThucXuLy,NgayTra,TrangThaiHoSo,SoLanYeuCauBoSung,SoNgayBoSung,CoPhiLePhi,DuocThanhToanTrucTuyen,HoSoCoThanhPhanSoHoa,CoKetQuaDienTu,KySo,TaiSuDungDuLieu,DanhGia,ChuHoSo,SoDienThoai,Email,DiaChi";

/// Above this many dossiers the ward's units are cloned into this many communes.
const PROVINCE_SCALE: usize = 300_000;
const COMMUNES: usize = 40;
const SEASON: [f64; 12] = [1.15, 0.75, 1.0, 0.95, 1.0, 1.0, 1.05, 1.1, 1.0, 1.0, 0.95, 1.05];

/// A handling unit in one commune, with every text pre-quoted for CSV.
struct BenchUnit {
    name: String,
    variants: [String; 5],
    officers: Vec<String>,
}

/// How many communes a benchmark file of `n` dossiers spreads over (1: the ward itself).
pub fn communes(n: usize) -> usize {
    if n > PROVINCE_SCALE { COMMUNES } else { 1 }
}

/// Streams `n` dossiers spread over the working days of the year (a few on Saturdays), as
/// of the third working day of the next year.
pub(crate) fn write(
    ward: &SampleWard,
    cal: &Calendar,
    units: &Units,
    seed: u64,
    n: usize,
    shape: BenchShape,
    path: &Path,
) -> Result<()> {
    let communes = communes(n);
    let texts = Texts::new(ward, units, communes);
    let ward_in_address = ward.ward_name.replace('"', "\"\"");
    let year_days = cal.month_days(ward.year, 1).start..cal.month_days(ward.year, 12).end;
    let weight = |d: u32| day_weight(cal, d);
    let total: f64 = year_days.clone().map(weight).sum();
    let at = Ts::new(cal.nth_working_day(ward.year + 1, 1, 3), hms(8, 30, 0));
    let mut draw = Draw { cal, units, volume: cumulative_volume(units), communes, rng: StdRng::seed_from_u64(seed) };

    write_atomic_with(path, |file: &mut BufWriter<File>| {
        file.write_all(HEADER.as_bytes())?;
        file.write_all(b"\n")?;
        let (mut cum, mut written) = (0.0, 0usize);
        let mut day_rows: Vec<Dossier> = Vec::new();
        let mut line = Vec::with_capacity(1024);
        let mut rows = Rows { cal, at, shape, ward: &ward_in_address, email: String::new() };
        for day in year_days.clone() {
            cum += weight(day);
            let upto = if day + 1 == year_days.end { n } else { ((n as f64) * cum / total) as usize };
            let count = upto.saturating_sub(written);
            written += count;
            if count == 0 {
                continue;
            }
            draw.day(day, count, &mut day_rows);
            number_by_agency(&mut day_rows);
            for d in &day_rows {
                line.clear();
                let (agency, row_texts) = texts.of(d);
                rows.row(&mut line, d, agency, row_texts);
                file.write_all(&line)?;
            }
        }
        Ok(())
    })
}

/// A day's share of the year's dossiers: a working day its month's season, a Saturday off a
/// fiftieth of that, any other day none.
fn day_weight(cal: &Calendar, d: u32) -> f64 {
    let season = SEASON[cal.ymd(d).1 as usize - 1];
    if cal.is_working(d) {
        season
    } else if cal.is_saturday(d) {
        0.02 * season
    } else {
        0.0
    }
}

/// The units' volumes as cumulative weights in thousandths, to pick a unit by one draw.
fn cumulative_volume(units: &Units) -> Vec<u32> {
    let mut volume = vec![0u32; units.handling.len()];
    let mut acc = 0.0;
    for (i, v) in units.volume.iter().enumerate() {
        acc += v;
        volume[i] = (acc * 1000.0) as u32;
    }
    volume
}

/// Numbers a day's dossiers per agency in the order they were received (MaHoSo's sequence).
fn number_by_agency(day_rows: &mut [Dossier]) {
    day_rows.sort_by_key(|d| (d.agency, d.received));
    let mut last_agency = u16::MAX;
    let mut seq = 0;
    for d in day_rows {
        if d.agency != last_agency {
            (last_agency, seq) = (d.agency, 0);
        }
        seq += 1;
        d.seq = seq;
    }
}

/// Every text the file repeats, quoted for CSV once: the agencies (one per commune), the
/// handling units of every commune, the unknown unit names and the procedures.
struct Texts {
    agencies: Vec<String>,
    /// Commune `c`'s copy of handling unit `u` is at `c * units + u`.
    units: Vec<BenchUnit>,
    unknown: [String; 2],
    /// Code, name, field code and field name of every procedure of the catalogue.
    procs: Vec<[String; 4]>,
}

impl Texts {
    fn new(ward: &SampleWard, units: &Units, communes: usize) -> Texts {
        let mut agencies = Vec::new();
        let mut bench_units = Vec::new();
        for c in 0..communes {
            agencies.push(agency_code(&ward.agency_code, communes, c));
            bench_units.extend(units.handling.iter().map(|u| BenchUnit::new(u, communes, c)));
        }
        Texts {
            agencies,
            units: bench_units,
            unknown: units.unknown.clone().map(|u| csv_field(&u)),
            procs: CATALOG
                .iter()
                .map(|p| [p.code, p.name, FIELDS[p.field].code, FIELDS[p.field].name].map(csv_field))
                .collect(),
        }
    }

    /// The agency of `d` and its six text columns: procedure code and name, field code and
    /// name, the unit as the row spells it, the officer.
    fn of(&self, d: &Dossier) -> (&str, [&str; 6]) {
        let unit = &self.units[d.unit as usize];
        let unit_name = match d.label {
            Label::Clean => &unit.name,
            Label::Unknown(k) => &self.unknown[k as usize],
            Label::Variant(k) => &unit.variants[k as usize],
        };
        let officer = unit.officers.get(d.officer as usize).map_or("", String::as_str);
        let [code, name, field_code, field] = self.procs[d.procedure as usize].each_ref().map(String::as_str);
        (&self.agencies[d.agency as usize], [code, name, field_code, field, unit_name, officer])
    }
}

/// The ward's agency code, or for commune `c` of a province-scale file the ward's prefix
/// with the commune's number.
fn agency_code(ward_agency: &str, communes: usize, c: usize) -> String {
    if communes > 1 {
        let prefix = ward_agency.rsplit_once('.').map_or(ward_agency, |p| p.0);
        format!("{prefix}.{:02}", c + 1)
    } else {
        ward_agency.to_string()
    }
}

impl BenchUnit {
    /// Unit `u` in commune `c`: with several communes its name and officers carry the
    /// commune's number, so that every commune's units are distinct.
    fn new(u: &SampleUnit, communes: usize, c: usize) -> BenchUnit {
        let name = if communes > 1 { format!("{} (xã {:02})", u.name, c + 1) } else { u.name.clone() };
        BenchUnit {
            variants: super::spelling_variants(&name).map(|v| csv_field(&v)),
            name: csv_field(&name),
            officers: u
                .officers
                .iter()
                .map(|o| if communes > 1 { format!("{o}.x{:02}", c + 1) } else { o.clone() })
                .map(|o| csv_field(&o))
                .collect(),
        }
    }
}

/// The random draws of the file, one day's dossiers at a time.
struct Draw<'a> {
    cal: &'a Calendar,
    units: &'a Units<'a>,
    /// Cumulative unit weights, see [`cumulative_volume`].
    volume: Vec<u32>,
    communes: usize,
    rng: StdRng,
}

impl Draw<'_> {
    /// Replaces `day_rows` with `count` dossiers received on `day`.
    fn day(&mut self, day: u32, count: usize, day_rows: &mut Vec<Dossier>) {
        let progress = (self.cal.ymd(day).1 - 1) as f64 / 11.0;
        day_rows.clear();
        for _ in 0..count {
            let d = self.dossier(day, progress);
            day_rows.push(d);
        }
    }

    /// One dossier of a unit picked by volume in a random commune, with the messy cases
    /// (missing due date, unknown unit, odd spelling) drawn per row.
    fn dossier(&mut self, day: u32, progress: f64) -> Dossier {
        let (cal, units, rng) = (self.cal, self.units, &mut self.rng);
        let t = units.handling.len();
        let x = rng.random_range(0..self.volume[t - 1]);
        let tpl = self.volume.iter().position(|v| x < *v).unwrap_or(0);
        let received = office_time(rng, cal, day);
        let procedure = pick_procedure(rng, &units.procs[tpl]);
        let mut d =
            simulate(rng, cal, &units.profiles[tpl], procedure, units.handling[tpl].officers.len(), received, progress);
        d.agency = rng.random_range(0..self.communes) as u16;
        d.unit = (d.agency as usize * t + tpl) as u32;
        let r: f64 = rng.random();
        d.due_missing = r < 0.01;
        d.label = match rng.random::<f64>() {
            r if r < 0.005 => Label::Unknown(rng.random_range(0..2)),
            r if r < 0.015 => Label::Variant(rng.random_range(0..5)),
            _ => Label::Clean,
        };
        d
    }
}

/// How the benchmark file writes its dates; every other column is the same in both.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum BenchShape {
    /// `dd/MM/yyyy HH:mm:ss`, as Excel downloads saved as CSV show them.
    #[default]
    Flat,
    /// `yyyyMMddHHmmss`, as the national sync (DVCQG) writes them.
    National,
}

/// What every row of the file shares.
struct Rows<'a> {
    cal: &'a Calendar,
    at: Ts,
    shape: BenchShape,
    ward: &'a str,
    email: String,
}

impl Rows<'_> {
    fn row(&mut self, line: &mut Vec<u8>, d: &Dossier, agency: &str, texts: [&str; 6]) {
        let (cal, v) = (self.cal, d.view(self.at));
        let (y, m, day) = cal.ymd(d.received.day);
        put(line, agency);
        line.push(b'-');
        for x in [y as u32 % 100, m as u32, day as u32] {
            line.extend_from_slice(&[b'0' + (x / 10) as u8, b'0' + (x % 10) as u8]);
        }
        line.push(b'-');
        for limit in [1000, 100, 10] {
            if d.seq < limit {
                line.push(b'0');
            }
        }
        num(line, d.seq as i64);
        for s in texts {
            line.push(b',');
            put(line, s);
        }
        line.push(b',');
        if !d.channel_blank {
            num(line, d.channel as i64);
        }
        for ts in [v.received, v.due, v.finished, v.returned] {
            line.push(b',');
            match ts {
                Some(ts) if self.shape == BenchShape::National => {
                    let mut buf = [0u8; 14];
                    cal.write_compact(ts, &mut buf);
                    line.extend_from_slice(&buf);
                }
                Some(ts) => {
                    let mut buf = [0u8; 19];
                    cal.write_ts(ts, &mut buf);
                    line.extend_from_slice(&buf);
                }
                None => {}
            }
        }
        line.push(b',');
        num(line, i64::from(v.status.code()));
        let flags = [
            v.supplement_requests as i64,
            v.supplement_days as i64,
            CATALOG[d.procedure as usize].has_fee as i64,
            d.paid_online as i64,
            d.digitised as i64,
            v.result_e as i64,
            v.signed as i64,
            d.reused as i64,
        ];
        for x in flags {
            line.push(b',');
            num(line, x);
        }
        line.push(b',');
        if let Some(r) = v.rating {
            num(line, r as i64);
        }
        line.push(b',');
        for (i, part) in d.citizen.name_parts().iter().enumerate() {
            if i > 0 {
                line.push(b' ');
            }
            put(line, part);
        }
        put(line, ",09");
        let phone = d.citizen.phone_digits();
        for k in (0..8).rev() {
            line.push(b'0' + (phone / 10u32.pow(k) % 10) as u8);
        }
        line.push(b',');
        self.email.clear();
        d.citizen.push_email(&mut self.email);
        put(line, &self.email);
        let (group, quarter) = d.citizen.group_quarter();
        put(line, ",\"Tổ ");
        num(line, group as i64);
        put(line, ", Khu ");
        num(line, quarter as i64);
        put(line, ", phường ");
        put(line, self.ward);
        put(line, "\"\n");
    }
}

fn put(line: &mut Vec<u8>, s: &str) {
    line.extend_from_slice(s.as_bytes());
}

fn num(line: &mut Vec<u8>, x: i64) {
    if x < 0 {
        line.push(b'-');
    }
    let mut digits = [0u8; 20];
    let (mut v, mut i) = (x.unsigned_abs(), digits.len());
    loop {
        i -= 1;
        digits[i] = b'0' + (v % 10) as u8;
        v /= 10;
        if v == 0 {
            break;
        }
    }
    line.extend_from_slice(&digits[i..]);
}
