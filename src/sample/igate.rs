//! One month of VNPT iGate's dossier search (S1b, `GET /pa/dossier/search`), as the pages an
//! HTTP pull receives: Spring pages of 100 nested records, the same dossiers as the month's
//! Excel download and as of the same moment. Written for exactly what the `igate-vnpt`
//! format profile reads, including the facts and code tables it marks as assumed
//! (dossierStatus.id, applyMethod.id, paymentMethod.id, additionalRequirement[], fee[], ...).
//! The unit is `agency.name` (the registry's name, no code); dates are ISO 8601 with an
//! offset, mostly `+0700` and on some records the same instants in UTC (`+0000`, `Z`).

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::Result;
use chrono::Duration;
use serde::Serialize;

use super::calendar::Ts;
use super::catalog::{CATALOG, FIELDS, fee};
use super::dossier::{Dossier, Status};
use super::downloads::Download;
use super::excel_download::{RowText, channel_word};
use super::national_sync::SUPPLEMENT_TEXT;
use super::write_atomic_with;

pub(crate) const PAGE_SIZE: usize = 100;

/// dossierStatus {id, name} for a national status, by the profile's ASSUMED table.
pub(crate) fn status(s: Status) -> (u8, &'static str) {
    match s {
        Status::Registered => (0, "Chờ tiếp nhận"),
        Status::Received => (1, "Đã tiếp nhận"),
        Status::Processing => (2, "Đang xử lý"),
        Status::Supplement => (3, "Chờ bổ sung"),
        Status::Processed => (4, "Đã có kết quả"),
        Status::Returned => (5, "Đã trả kết quả"),
        Status::Withdrawn => (6, "Đã rút"),
        Status::Stopped => (7, "Dừng xử lý"),
        Status::Refused => (8, "Từ chối tiếp nhận"),
        Status::Payment => (9, "Chờ thực hiện nghĩa vụ tài chính"),
    }
}

/// applyMethod.id for KenhThucHien, by the profile's ASSUMED table.
pub(crate) fn apply_method(channel: u8) -> u8 {
    match channel {
        2 => 0,
        3 => 2,
        _ => 1,
    }
}

#[derive(Serialize)]
struct IdName {
    id: u8,
    name: &'static str,
}

#[derive(Serialize)]
struct Id {
    id: u8,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Translate {
    language_id: u16,
    name: &'static str,
}

#[derive(Serialize)]
struct Sector {
    code: &'static str,
    name: &'static str,
}

#[derive(Serialize)]
struct Procedure {
    code: &'static str,
    translate: [Translate; 1],
    sector: Sector,
}

#[derive(Serialize)]
struct Agency<'a> {
    name: &'a str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ApplicantData {
    fullname: String,
    identity_number: String,
    phone_number: String,
    email: Option<String>,
    address: String,
}

#[derive(Serialize)]
struct Applicant {
    data: ApplicantData,
}

#[derive(Serialize)]
struct Assignee<'a> {
    fullname: &'a str,
}

#[derive(Serialize)]
struct Task<'a> {
    assignee: Assignee<'a>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Requirement {
    content: &'static str,
    created_date: Option<String>,
    new_appointment_date: Option<String>,
}

#[derive(Serialize)]
struct Fee {
    amount: u32,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Record<'a> {
    id: String,
    code: String,
    nation_code: String,
    dossier_status: IdName,
    #[serde(skip_serializing_if = "Option::is_none")]
    apply_method: Option<IdName>,
    procedure: Procedure,
    agency: Agency<'a>,
    applicant: Applicant,
    current_task: Vec<Task<'a>>,
    applied_date: Option<String>,
    accepted_date: Option<String>,
    appointment_date: Option<String>,
    completed_date: Option<String>,
    returned_date: Option<String>,
    additional_requirement: Vec<Requirement>,
    fee: Vec<Fee>,
    payment_method: Id,
    digitized_input: bool,
    electronic_result: u8,
    data_reused: u8,
}

/// How a record writes its instants.
#[derive(Clone, Copy)]
enum Offset {
    /// `2024-10-10T17:00:00.000+0700`
    Local,
    /// `2024-10-10T10:00:00.000+0000`
    Utc,
    /// `2024-10-10T10:00:00.000Z`
    Zulu,
}

/// Writes `igate/<yyyy-mm>/trang-<i>.json`, one file per page.
pub(crate) fn write_pages(rt: &RowText, ds: &[Dossier], dl: &Download, out_dir: &Path) -> Result<Vec<PathBuf>> {
    let dir = out_dir.join("igate").join(format!("{}-{:02}", rt.ward.year, dl.month));
    let total = dl.rows.len();
    let pages = total.div_ceil(PAGE_SIZE).max(1);
    let mut files = Vec::new();
    for page in 0..pages {
        let rows = &dl.rows[(page * PAGE_SIZE).min(total)..((page + 1) * PAGE_SIZE).min(total)];
        let path = dir.join(format!("trang-{page}.json"));
        write_atomic_with(&path, |w| {
            w.write_all(b"{\"content\":[")?;
            for (k, &i) in rows.iter().enumerate() {
                w.write_all(if k == 0 { b"\n" } else { b",\n" })?;
                let n = page * PAGE_SIZE + k;
                let offset = match n % 7 {
                    3 => Offset::Utc,
                    5 => Offset::Zulu,
                    _ => Offset::Local,
                };
                serde_json::to_writer(&mut *w, &record(rt, &ds[i], dl.at, n, offset))?;
            }
            let last = page + 1 == pages;
            writeln!(
                w,
                "\n],\"totalPages\":{pages},\"totalElements\":{total},\"last\":{last},\"number\":{page},\"size\":{PAGE_SIZE},\"numberOfElements\":{}}}",
                rows.len()
            )?;
            Ok(())
        })?;
        files.push(path);
    }
    Ok(files)
}

fn record<'a>(rt: &'a RowText, d: &Dossier, at: Ts, n: usize, offset: Offset) -> Record<'a> {
    let cal = rt.cal;
    let iso = |ts: Option<Ts>| {
        ts.map(|ts| {
            let local = cal.datetime(ts);
            match offset {
                Offset::Local => format!("{}.000+0700", local.format("%Y-%m-%dT%H:%M:%S")),
                Offset::Utc => format!("{}.000+0000", (local - Duration::hours(7)).format("%Y-%m-%dT%H:%M:%S")),
                Offset::Zulu => format!("{}.000Z", (local - Duration::hours(7)).format("%Y-%m-%dT%H:%M:%S")),
            }
        })
    };
    let proc_ = &CATALOG[d.procedure as usize];
    let field = &FIELDS[proc_.field];
    let v = d.view(at);
    let (status_id, status_name) = status(v.status);
    let officer = rt.officer(d, v.status);
    let mut email = String::new();
    d.citizen.push_email(&mut email);
    let code = rt.dossier_id(d);
    Record {
        // A document id in the shape of a MongoDB ObjectId.
        id: format!("66{:06x}{:016x}", d.submitted.day, (n as u64 + 1).wrapping_mul(0x9E37_79B9_7F4A_7C15)),
        nation_code: code.clone(),
        code,
        dossier_status: IdName { id: status_id, name: status_name },
        apply_method: (!d.channel_blank).then(|| IdName { id: apply_method(d.channel), name: channel_word(d.channel) }),
        procedure: Procedure {
            code: proc_.code,
            translate: [Translate { language_id: 228, name: proc_.name }],
            sector: Sector { code: field.code, name: field.name },
        },
        agency: Agency { name: &rt.units.handling[d.unit as usize].name },
        applicant: Applicant {
            data: ApplicantData {
                fullname: d.citizen.name(),
                identity_number: d.citizen.identity(),
                phone_number: d.citizen.phone(),
                email: (!email.is_empty()).then_some(email),
                address: d.citizen.address(&rt.ward.ward_name),
            },
        },
        current_task: if officer.is_empty() {
            Vec::new()
        } else {
            vec![Task { assignee: Assignee { fullname: officer } }]
        },
        applied_date: iso(Some(d.submitted)),
        accepted_date: iso(v.received),
        appointment_date: iso(d.moved_due(cal, at)),
        completed_date: iso(v.finished),
        returned_date: iso(v.returned),
        additional_requirement: d
            .due_moves(cal, at)
            .into_iter()
            .enumerate()
            .map(|(k, (s, _, moved))| Requirement {
                content: SUPPLEMENT_TEXT[k % SUPPLEMENT_TEXT.len()],
                created_date: iso(Some(s.asked)),
                new_appointment_date: iso(moved),
            })
            .collect(),
        fee: fee(proc_).map(|(_, amount)| Fee { amount }).into_iter().collect(),
        payment_method: Id { id: d.paid_online },
        digitized_input: d.digitised,
        electronic_result: u8::from(v.result_e),
        data_reused: u8::from(d.reused),
    }
}
