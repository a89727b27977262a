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
use super::{SampleWard, Units, write_atomic_with};

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
    let t = units.handling.len();
    let mut agencies = Vec::new();
    let mut bench_units = Vec::new();
    for c in 0..communes {
        let suffix = |s: &str| if communes > 1 { format!("{s} (xã {:02})", c + 1) } else { s.to_string() };
        agencies.push(if communes > 1 {
            let prefix = ward.agency_code.rsplit_once('.').map_or(ward.agency_code.as_str(), |p| p.0);
            format!("{prefix}.{:02}", c + 1)
        } else {
            ward.agency_code.clone()
        });
        for u in &units.handling {
            let name = suffix(&u.name);
            bench_units.push(BenchUnit {
                variants: super::spelling_variants(&name).map(|v| csv_field(&v)),
                name: csv_field(&name),
                officers: u
                    .officers
                    .iter()
                    .map(|o| if communes > 1 { format!("{o}.x{:02}", c + 1) } else { o.clone() })
                    .map(|o| csv_field(&o))
                    .collect(),
            });
        }
    }
    let unknown = units.unknown.clone().map(|u| csv_field(&u));
    let procs: Vec<[String; 4]> =
        CATALOG.iter().map(|p| [p.code, p.name, FIELDS[p.field].code, FIELDS[p.field].name].map(csv_field)).collect();
    let ward_in_address = ward.ward_name.replace('"', "\"\"");
    let mut volume = vec![0u32; t];
    let mut acc = 0.0;
    for (i, v) in units.volume.iter().enumerate() {
        acc += v;
        volume[i] = (acc * 1000.0) as u32;
    }

    let year_days = cal.month_days(ward.year, 1).start..cal.month_days(ward.year, 12).end;
    let weight = |d: u32| {
        let season = SEASON[cal.ymd(d).1 as usize - 1];
        if cal.is_working(d) {
            season
        } else if cal.is_saturday(d) {
            0.02 * season
        } else {
            0.0
        }
    };
    let total: f64 = year_days.clone().map(weight).sum();
    let at = Ts::new(cal.nth_working_day(ward.year + 1, 1, 3), hms(8, 30, 0));
    let mut rng = StdRng::seed_from_u64(seed);

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
            let progress = (cal.ymd(day).1 - 1) as f64 / 11.0;
            day_rows.clear();
            for _ in 0..count {
                let x = rng.random_range(0..volume[t - 1]);
                let tpl = volume.iter().position(|v| x < *v).unwrap_or(0);
                let received = office_time(&mut rng, cal, day);
                let procedure = pick_procedure(&mut rng, &units.procs[tpl]);
                let mut d = simulate(
                    &mut rng,
                    cal,
                    &units.profiles[tpl],
                    procedure,
                    units.handling[tpl].officers.len(),
                    received,
                    progress,
                );
                d.agency = rng.random_range(0..communes) as u16;
                d.unit = (d.agency as usize * t + tpl) as u32;
                let r: f64 = rng.random();
                d.due_missing = r < 0.01;
                d.label = match rng.random::<f64>() {
                    r if r < 0.005 => Label::Unknown(rng.random_range(0..2)),
                    r if r < 0.015 => Label::Variant(rng.random_range(0..5)),
                    _ => Label::Clean,
                };
                day_rows.push(d);
            }
            day_rows.sort_by_key(|d| (d.agency, d.received));
            let mut last_agency = u16::MAX;
            let mut seq = 0;
            for d in &mut day_rows {
                if d.agency != last_agency {
                    (last_agency, seq) = (d.agency, 0);
                }
                seq += 1;
                d.seq = seq;
            }
            for d in &day_rows {
                line.clear();
                let unit = &bench_units[d.unit as usize];
                let unit_name = match d.label {
                    Label::Clean => &unit.name,
                    Label::Unknown(k) => &unknown[k as usize],
                    Label::Variant(k) => &unit.variants[k as usize],
                };
                let officer = unit.officers.get(d.officer as usize).map_or("", String::as_str);
                let [code, name, field_code, field] = procs[d.procedure as usize].each_ref().map(String::as_str);
                rows.row(
                    &mut line,
                    d,
                    &agencies[d.agency as usize],
                    [code, name, field_code, field, unit_name, officer],
                );
                file.write_all(&line)?;
            }
        }
        Ok(())
    })
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
