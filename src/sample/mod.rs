//! `thidua sample`: a deterministic year of exports for a sample ward, as an officer would
//! download them from the systems the ward does not own (S1 dossiers, S3 documents, S4
//! citizen feedback, S8 initiatives) and of the yearly index results the ward receives (S5 PAR
//! appraisal, S6 DTI assessment and provincial ranking, S7 DDCI survey), with the messy cases
//! real exports have. The dossiers come in the three shapes of DATA-SOURCES.md: the provincial
//! "Xuất Excel" for most months, the national sync payload (JSON) for one month, and VNPT
//! iGate's JSON pages for one month (beside that month's Excel). It ships a small offline
//! sample with the repository and produces large S1 CSVs for benchmarks.
//!
//! Decision: every dossier's whole life (filed, received or refused, supplements, payment,
//! finish, return) is drawn once, up front, and each download only *shows* it as of its own
//! download moment, with the national statuses (TrangThaiHoSo 1–10). Carried-over dossiers,
//! online filings still waiting for reception, late finishes shown in the earlier month's
//! file and overlapping re-downloads therefore agree with each other the way real exports
//! do, instead of being drawn anew.

mod bench;
pub use bench::{BenchShape, communes};
mod calendar;
mod catalog;
mod cp1258;
mod ddci;
mod documents;
mod dossier;
mod downloads;
mod dti;
mod excel_download;
mod feedback;
mod igate;
mod initiatives;
mod legacy_fonts;
mod national_sync;
mod par_appraisal;
mod people;
mod places;
mod province;
pub use province::province_registry;
mod xlsx;

#[cfg(test)]
mod tests;

use std::fs::{self, File};
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use rand::SeedableRng;
use rand::rngs::StdRng;
use unicode_normalization::UnicodeNormalization;

use crate::validity::Validity;

pub use catalog::{SampleProcedure, procedures};

use calendar::Calendar;
use catalog::{Profile, Rank};

pub struct SampleWard {
    pub ward_name: String,
    /// Short names of the wards merged into this one by the year's end (Giếng Đáy, for Việt
    /// Hưng from 2025): the province's lists of that year no longer carry them beside it.
    pub merged: Vec<String>,
    pub agency_code: String,
    pub year: i32,
    pub units: Vec<SampleUnit>,
    /// Official days off; weekends are Saturday and Sunday.
    pub holidays: Vec<chrono::NaiveDate>,
    /// What the index results (S5, S6, S7) score; None: none of those files is written.
    pub indices: Option<SampleIndices>,
}

/// A leaf criterion to score.
#[derive(Clone, Debug)]
pub struct SampleCriterion {
    pub code: String,
    pub name: String,
    pub max_points: f64,
}

/// The index methodologies as far as the sample needs them, filled by the caller from the
/// configuration (the generator itself reads no configuration).
#[derive(Clone, Debug)]
pub struct SampleIndices {
    /// PAR: leaf criteria that the appraisal export carries (source "S5").
    pub par_criteria: Vec<SampleCriterion>,
    /// DTI ward tree leaves (source "S6").
    pub dti_indicators: Vec<SampleCriterion>,
    /// DDCI components (codes and names; raw scores are on a 10-point scale).
    pub ddci_components: Vec<SampleCriterion>,
    /// Unit codes that are rated by PAR every year (par_rated in the registry).
    pub par_units: Vec<String>,
}

pub struct SampleUnit {
    pub code: String,
    /// The Vietnamese name as exports write it.
    pub name: String,
    /// Only these appear as DonViXuLy in S1.
    pub handles_dossiers: bool,
    pub officers: Vec<String>,
    /// The days the unit exists (the registry's `valid_from`, `valid_to`): the dossiers it
    /// receives, its documents, feedback and initiatives all fall within them.
    pub valid: Validity,
    /// The unit that takes over after `valid` ends (a merger), by code.
    pub successor: Option<String>,
}

pub struct SampleOptions {
    pub seed: u64,
    pub out_dir: PathBuf,
    /// Some(n): write only one big S1 CSV with n dossiers spread over the year (benchmark mode).
    pub dossiers: Option<usize>,
    /// How the benchmark CSV writes its dates.
    pub bench_shape: BenchShape,
    /// Dossiers per month per dossier-handling unit on average in the normal (per-month) mode.
    pub per_unit_month: usize,
}

pub struct SampleSummary {
    pub files: Vec<PathBuf>,
    pub dossiers: usize,
}

/// The dossier-handling units and what the simulation derives from them.
pub(crate) struct Units<'a> {
    pub handling: Vec<&'a SampleUnit>,
    /// Position of each handling unit in `SampleWard::units`.
    pub index: Vec<usize>,
    pub profiles: Vec<Profile>,
    /// How each handling unit performs among the units working beside it.
    pub rank: Vec<Rank>,
    /// Relative dossier volume per unit (mean about 1).
    pub volume: Vec<f64>,
    pub procs: Vec<Vec<(usize, u32)>>,
    pub variants: Vec<[String; 5]>,
    /// Names of units the ward's registry does not know, as some rows carry them.
    pub unknown: [String; 2],
}

impl<'a> Units<'a> {
    /// Procedures, profiles and ranks are shared out among the units that work side by side:
    /// those that exist on the first day (of the year) a unit exists. In a year without a
    /// merger that is every unit; in 2025 Giếng Đáy's units share them until 30/6 and Việt
    /// Hưng's from 1/7, so the successors take over every procedure and each half-year has
    /// its best and weakest unit.
    fn new(ward: &'a SampleWard) -> Result<Units<'a>> {
        let index: Vec<usize> = (0..ward.units.len()).filter(|&i| ward.units[i].handles_dossiers).collect();
        if index.is_empty() {
            bail!("the sample ward has no unit that handles dossiers");
        }
        let handling: Vec<&SampleUnit> = index.iter().map(|&i| &ward.units[i]).collect();
        let n = handling.len();
        let jan1 = chrono::NaiveDate::from_ymd_opt(ward.year, 1, 1).context("year out of range")?;
        let mut groups: Vec<Vec<usize>> = Vec::new();
        let group_of: Vec<usize> = (0..n)
            .map(|h| {
                let day = handling[h].valid.from.max(jan1);
                let members: Vec<usize> = (0..n).filter(|&k| handling[k].valid.contains(day)).collect();
                groups.iter().position(|g| *g == members).unwrap_or_else(|| {
                    groups.push(members);
                    groups.len() - 1
                })
            })
            .collect();
        let mut profiles = vec![catalog::profile(0, 1); n];
        let mut rank = vec![Rank::Middle; n];
        let mut volume = vec![0.0; n];
        let mut procs = vec![Vec::new(); n];
        for (g, members) in groups.iter().enumerate() {
            let together: Vec<&SampleUnit> = members.iter().map(|&k| handling[k]).collect();
            let m = together.len();
            let assigned = catalog::assign(&together);
            // Units handling busy procedures (certification above all) get more dossiers, damped
            // by a square root so that a unit with one rare procedure still has enough to be ranked.
            let pull: Vec<f64> = assigned.iter().map(|p| f64::from(p.last().map_or(1, |w| w.1)).sqrt()).collect();
            let mean = pull.iter().sum::<f64>() / m as f64;
            for (i, &k) in members.iter().enumerate().filter(|(_, k)| group_of[**k] == g) {
                profiles[k] = catalog::profile(i, m);
                rank[k] = catalog::rank(i, m);
                volume[k] = profiles[k].volume * pull[i] / mean;
                procs[k].clone_from(&assigned[i]);
            }
        }
        Ok(Units {
            volume,
            profiles,
            rank,
            procs,
            variants: handling.iter().map(|u| spelling_variants(&u.name)).collect(),
            unknown: ["Phòng Tài nguyên và Môi trường TP".to_string(), format!("UBND phường {}", ward.ward_name)],
            handling,
            index,
        })
    }

    /// The rank of every unit of the ward; units that handle no dossiers are middling.
    fn ranks(&self, ward: &SampleWard) -> Vec<Rank> {
        let mut ranks = vec![Rank::Middle; ward.units.len()];
        for (h, &i) in self.index.iter().enumerate() {
            ranks[i] = self.rank[h];
        }
        ranks
    }

    /// The handling unit that takes handling unit `h`'s dossiers on `day`: `h` while it
    /// exists, after that its successor's line (None when that line handles no dossiers).
    pub(crate) fn on(&self, h: usize, day: chrono::NaiveDate) -> Option<usize> {
        let mut k = h;
        for _ in 0..=self.handling.len() {
            if self.handling[k].valid.contains(day) {
                return Some(k);
            }
            let next = self.handling[k].successor.as_deref()?;
            k = self.handling.iter().position(|u| u.code == next)?;
        }
        None
    }
}

/// How the same unit name turns up differently in exports: trailing space, double space,
/// lower case, upper case, decomposed Unicode (NFD).
pub(crate) fn spelling_variants(name: &str) -> [String; 5] {
    [format!("{name} "), name.replacen(' ', "  ", 1), name.to_lowercase(), name.to_uppercase(), name.nfd().collect()]
}

/// Independent random streams per source, so changing one source leaves the others' bytes alone.
fn stream(seed: u64, source: u64) -> StdRng {
    StdRng::seed_from_u64(seed ^ source.wrapping_mul(0x9E37_79B9_7F4A_7C15))
}

pub fn generate(ward: &SampleWard, opts: &SampleOptions) -> Result<SampleSummary> {
    let cal = Calendar::new(ward.year, &ward.holidays);
    let units = Units::new(ward)?;
    let out = &opts.out_dir;
    if let Some(n) = opts.dossiers {
        let path = match opts.bench_shape {
            BenchShape::Flat => out.join(format!("ho-so-{n}.csv")),
            BenchShape::National => out.join(format!("ho-so-{n}-dvcqg.csv")),
        };
        bench::write(ward, &cal, &units, opts.seed, n, opts.bench_shape, &path)?;
        return Ok(SampleSummary { files: vec![path], dossiers: n });
    }
    let ranks = units.ranks(ward);
    let mut rng = stream(opts.seed, 1);
    let mut dossiers = downloads::simulate_year(&mut rng, &cal, ward.year, &units, opts.per_unit_month);
    let plan = downloads::plan_year(&mut rng, &cal, ward.year, &units, &mut dossiers);
    let rt = excel_download::RowText { cal: &cal, ward, units: &units, agency: &ward.agency_code };
    let mut files = Vec::new();
    for dl in &plan {
        files.push(match dl.shape {
            downloads::Shape::Excel(style) => excel_download::write_download(&rt, &dossiers, dl, style, out)?,
            downloads::Shape::Sync => national_sync::write_download(&rt, &dossiers, dl, out)?,
        });
        if dl.month == downloads::IGATE_MONTH && !dl.reload {
            files.extend(igate::write_pages(&rt, &dossiers, dl, out)?);
        }
    }
    files.extend(documents::write_year(&mut stream(opts.seed, 3), ward, &ranks, out)?);
    files.extend(feedback::write_year(&mut stream(opts.seed, 4), &cal, ward, &units, &ranks, out)?);
    files.push(initiatives::write_year(&mut stream(opts.seed, 8), &cal, ward, &ranks, out)?);
    if let Some(ix) = &ward.indices {
        files.extend(par_appraisal::write_years(&mut stream(opts.seed, 5), &cal, ward, ix, &ranks, out)?);
        files.extend(dti::write_year(&mut stream(opts.seed, 6), &cal, ward, ix, out)?);
        files.extend(ddci::write_years(&mut stream(opts.seed, 7), &cal, ward, ix, out)?);
    }
    Ok(SampleSummary { files, dossiers: dossiers.len() })
}

pub(crate) fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    write_atomic_with(path, |w| Ok(w.write_all(bytes)?))
}

/// Writes through a hidden temporary file in the same folder, then renames it into place, so
/// a reader never sees a half-written export.
pub(crate) fn write_atomic_with(path: &Path, fill: impl FnOnce(&mut BufWriter<File>) -> Result<()>) -> Result<()> {
    let dir = path.parent().context("output path has no folder")?;
    fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    let name = path.file_name().context("output path has no file name")?.to_string_lossy();
    let tmp = dir.join(format!(".{name}.tmp"));
    let written = (|| -> Result<()> {
        let mut w = BufWriter::with_capacity(1 << 20, File::create(&tmp)?);
        fill(&mut w)?;
        w.into_inner().map_err(std::io::IntoInnerError::into_error)?.sync_all()?;
        Ok(())
    })();
    if let Err(e) = written {
        let _ = fs::remove_file(&tmp);
        return Err(e.context(format!("writing {}", path.display())));
    }
    fs::rename(&tmp, path).with_context(|| format!("moving {} into place", path.display()))
}
