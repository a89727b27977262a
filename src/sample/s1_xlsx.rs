//! S1 monthly workbooks ("Danh sách hồ sơ") in the provincial one-stop system's layout.

use std::path::{Path, PathBuf};

use anyhow::Result;
use rust_xlsxwriter::{Format, Worksheet};

use super::calendar::{Calendar, Ts};
use super::catalog::{CATALOG, FIELDS};
use super::dossier::{Dossier, Label};
use super::ho_so::Download;
use super::xlsx::{self, FIRST_DATA_ROW};
use super::{SampleWard, Units};

pub(crate) const HEADERS: [&str; 26] = [
    "STT",
    "Mã hồ sơ",
    "Mã TTHC",
    "Tên thủ tục hành chính",
    "Lĩnh vực",
    "Đơn vị xử lý",
    "Người xử lý",
    "Kênh thực hiện",
    "Ngày tiếp nhận",
    "Ngày hẹn trả",
    "Ngày kết thúc xử lý",
    "Ngày trả kết quả",
    "Trạng thái",
    "Số lần yêu cầu bổ sung",
    "Số ngày bổ sung",
    "Có phí, lệ phí",
    "Thanh toán trực tuyến",
    "Thành phần hồ sơ số hóa",
    "Kết quả điện tử",
    "Ký số",
    "Tái sử dụng dữ liệu",
    "Đánh giá",
    "Chủ hồ sơ",
    "Số điện thoại",
    "Email",
    "Địa chỉ",
];
const WIDTHS: [f64; 26] = [
    6.0, 26.0, 24.0, 48.0, 16.0, 32.0, 20.0, 8.0, 20.0, 20.0, 20.0, 20.0, 16.0, 8.0, 8.0, 8.0, 8.0, 8.0, 8.0, 8.0, 8.0,
    8.0, 24.0, 13.0, 26.0, 36.0,
];

/// Everything needed to turn a dossier into a row.
pub(crate) struct RowText<'a> {
    pub cal: &'a Calendar,
    pub ward: &'a SampleWard,
    pub units: &'a Units<'a>,
    pub agency: &'a str,
}

impl RowText<'_> {
    pub fn dossier_id(&self, d: &Dossier) -> String {
        let (y, m, day) = self.cal.ymd(d.received.day);
        format!("{}-{:02}{:02}{:02}-{:04}", self.agency, y % 100, m, day, d.seq)
    }

    /// The unit as the export writes it, odd spellings and unknown units included.
    pub fn unit_name(&self, d: &Dossier) -> &str {
        let u = d.unit as usize;
        match d.label {
            Label::Clean => &self.units.handling[u].name,
            Label::Unknown(k) => &self.units.unknown[k as usize],
            Label::Variant(k) => &self.units.variants[u][k as usize],
        }
    }

    pub fn officer(&self, d: &Dossier) -> &str {
        let officers = &self.units.handling[d.unit as usize].officers;
        officers.get(d.officer as usize).map_or("", String::as_str)
    }
}

pub(crate) fn write_download(rt: &RowText, ds: &[Dossier], dl: &Download, out_dir: &Path) -> Result<PathBuf> {
    let (cal, year) = (rt.cal, rt.ward.year);
    let ym = format!("{year}-{:02}", dl.month);
    let suffix = if dl.reload { "-tai-lai" } else { "" };
    let path = out_dir.join("ho-so").join(&ym).join(format!("ho-so-tthc-{ym}{suffix}.xlsx"));
    let days = cal.month_days(year, dl.month);
    let period = format!("Từ ngày {} đến ngày {}", cal.fmt_date(days.start), cal.fmt_date(days.end - 1));
    let heading = format!("ỦY BAN NHÂN DÂN PHƯỜNG {}", rt.ward.ward_name.to_uppercase());
    let mut wb = xlsx::workbook(cal, dl.at)?;
    let ws = xlsx::titled_sheet(
        &mut wb,
        "Danh sách hồ sơ",
        [&heading, "DANH SÁCH HỒ SƠ THỦ TỤC HÀNH CHÍNH", &period],
        &HEADERS,
        &WIDTHS,
    )?;
    let date_format = Format::new().set_num_format("dd/mm/yyyy hh:mm:ss");
    let mut row = FIRST_DATA_ROW;
    for (n, &i) in dl.rows.iter().enumerate() {
        if dl.blank_row_after == Some(n) {
            row += 1;
        }
        write_row(rt, ws, row, n + 1, &ds[i], dl, &date_format)?;
        row += 1;
    }
    xlsx::save(&mut wb, &path)?;
    Ok(path)
}

fn write_row(
    rt: &RowText,
    ws: &mut Worksheet,
    row: u32,
    stt: usize,
    d: &Dossier,
    dl: &Download,
    date_format: &Format,
) -> Result<()> {
    let proc_ = &CATALOG[d.procedure as usize];
    let v = d.view(dl.at);
    let cal = rt.cal;
    let date = |ws: &mut Worksheet, col: u16, ts: Option<Ts>| -> Result<()> {
        match ts {
            Some(ts) if dl.excel_dates => {
                ws.write_datetime_with_format(row, col, xlsx::excel_datetime(cal, ts)?, date_format)?;
            }
            Some(ts) => {
                ws.write_string(row, col, cal.fmt_ts(ts))?;
            }
            None => {}
        }
        Ok(())
    };
    let num = |ws: &mut Worksheet, col: u16, value: f64| ws.write_number(row, col, value).map(|_| ());
    num(ws, 0, stt as f64)?;
    ws.write_string(row, 1, rt.dossier_id(d))?;
    ws.write_string(row, 2, proc_.code)?;
    ws.write_string(row, 3, proc_.name)?;
    ws.write_string(row, 4, FIELDS[proc_.field].name)?;
    ws.write_string(row, 5, rt.unit_name(d))?;
    xlsx::text(ws, row, 6, rt.officer(d))?;
    if !d.channel_blank {
        num(ws, 7, d.channel as f64)?;
    }
    if d.malformed_received {
        ws.write_string(row, 8, format!("31/02/{} 08:00:00", rt.ward.year))?;
    } else {
        date(ws, 8, Some(d.received))?;
    }
    date(ws, 9, (!d.due_missing).then_some(d.due))?;
    date(ws, 10, v.finished)?;
    date(ws, 11, v.returned)?;
    ws.write_string(row, 12, v.status.label())?;
    num(ws, 13, v.supplement_requests as f64)?;
    num(ws, 14, v.supplement_days as f64)?;
    num(ws, 15, f64::from(u8::from(proc_.has_fee)))?;
    num(ws, 16, d.paid_online as f64)?;
    num(ws, 17, f64::from(u8::from(d.digitised)))?;
    num(ws, 18, f64::from(u8::from(v.result_e)))?;
    num(ws, 19, f64::from(u8::from(v.signed)))?;
    num(ws, 20, f64::from(u8::from(d.reused)))?;
    if let Some(r) = v.rating {
        num(ws, 21, r as f64)?;
    }
    ws.write_string(row, 22, d.citizen.name())?;
    ws.write_string(row, 23, d.citizen.phone())?;
    let mut email = String::new();
    d.citizen.push_email(&mut email);
    xlsx::text(ws, row, 24, &email)?;
    ws.write_string(row, 25, d.citizen.address(&rt.ward.ward_name))?;
    Ok(())
}
