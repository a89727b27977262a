//! S1 monthly workbooks: the provincial one-stop system's "Xuất Excel" (S1c), the list an
//! officer downloads by hand: three title rows, the Vietnamese header on row 4, the national
//! statuses by their words (or their codes), dates as cells or text, depending on the month.

use std::borrow::Cow;
use std::path::{Path, PathBuf};

use anyhow::Result;
use rust_xlsxwriter::{Format, Worksheet};

use super::calendar::{Calendar, Ts};
use super::catalog::{CATALOG, FIELDS};
use super::dossier::{Dossier, Label, Status};
use super::downloads::{Download, Style};
use super::{SampleWard, Units, legacy_fonts, xlsx};

/// The header, by the names the `xuat-excel-tinh` format profile reads.
pub(crate) const HEADERS: [&str; 29] = [
    "STT",
    "Mã hồ sơ",
    "Mã TTHC",
    "Tên thủ tục hành chính",
    "Mã lĩnh vực",
    "Lĩnh vực",
    "Đơn vị xử lý",
    "Người xử lý",
    "Kênh thực hiện",
    "Ngày nộp",
    "Ngày tiếp nhận",
    "Ngày hẹn trả",
    "Ngày kết thúc xử lý",
    "Ngày trả kết quả",
    "Ngày từ chối",
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
/// The status column; its header is "Mã trạng thái" in the months that write codes.
pub(crate) const STATUS_COL: usize = 15;
/// Zero-based row of the header (row 4 in Excel), right below the three title rows.
pub(crate) const HEADER_ROW: u32 = 3;
const WIDTHS: [f64; 29] = [
    6.0, 26.0, 24.0, 48.0, 8.0, 16.0, 32.0, 20.0, 12.0, 20.0, 20.0, 20.0, 20.0, 20.0, 20.0, 18.0, 8.0, 8.0, 8.0, 8.0,
    8.0, 8.0, 8.0, 8.0, 8.0, 24.0, 13.0, 26.0, 36.0,
];

/// The header a download with this style writes.
pub(crate) fn headers(style: Style) -> [&'static str; 29] {
    let mut h = HEADERS;
    if style.status_codes {
        h[STATUS_COL] = "Mã trạng thái";
    }
    h
}

/// KenhThucHien as the words of the Excel downloads.
pub(crate) fn channel_word(channel: u8) -> &'static str {
    match channel {
        2 => "Trực tuyến",
        3 => "Bưu chính công ích",
        _ => "Trực tiếp",
    }
}

/// Everything needed to turn a dossier into a row.
pub(crate) struct RowText<'a> {
    pub cal: &'a Calendar,
    pub ward: &'a SampleWard,
    pub units: &'a Units<'a>,
    pub agency: &'a str,
}

impl RowText<'_> {
    /// MaHoSo: the agency, the day the dossier was filed and its number that day.
    pub(super) fn dossier_id(&self, d: &Dossier) -> String {
        let (y, m, day) = self.cal.ymd(d.submitted.day);
        format!("{}-{:02}{:02}{:02}-{:04}", self.agency, y % 100, m, day, d.seq)
    }

    /// The unit as the export writes it, odd spellings and unknown units included.
    pub(super) fn unit_name(&self, d: &Dossier) -> &str {
        let u = d.unit as usize;
        match d.label {
            Label::Clean => &self.units.handling[u].name,
            Label::Unknown(k) => &self.units.unknown[k as usize],
            Label::Variant(k) => &self.units.variants[u][k as usize],
        }
    }

    /// The unit cell of a row: as [`Self::unit_name`], or the registry name typed in .VnTime.
    pub(super) fn unit_cell(&self, d: &Dossier, vntime: bool) -> Cow<'_, str> {
        let name = &self.units.handling[d.unit as usize].name;
        match legacy_fonts::vntime_cell(name) {
            Some(cell) if vntime => Cow::Owned(cell),
            _ => Cow::Borrowed(self.unit_name(d)),
        }
    }

    /// NguoiXuLy: nobody yet while the dossier waits for reception.
    pub(super) fn officer(&self, d: &Dossier, status: Status) -> &str {
        if status == Status::Registered {
            return "";
        }
        let officers = &self.units.handling[d.unit as usize].officers;
        officers.get(d.officer as usize).map_or("", String::as_str)
    }
}

pub(crate) fn write_download(
    rt: &RowText,
    ds: &[Dossier],
    dl: &Download,
    style: Style,
    out_dir: &Path,
) -> Result<PathBuf> {
    let (cal, year) = (rt.cal, rt.ward.year);
    let ym = format!("{year}-{:02}", dl.month);
    let suffix = if dl.reload { "-tai-lai" } else { "" };
    let path = out_dir.join("ho-so").join(&ym).join(format!("ho-so-tthc-{ym}{suffix}.xlsx"));
    let days = cal.month_days(year, dl.month);
    let period = format!("Từ ngày {} đến ngày {}", cal.fmt_date(days.start), cal.fmt_date(days.end - 1));
    let heading = format!("ỦY BAN NHÂN DÂN PHƯỜNG {}", rt.ward.ward_name.to_uppercase());
    let mut wb = xlsx::workbook(cal, dl.at)?;
    let ws = xlsx::titled_sheet_at(
        &mut wb,
        "Danh sách hồ sơ",
        [&heading, "DANH SÁCH HỒ SƠ THỦ TỤC HÀNH CHÍNH", &period],
        &headers(style),
        &WIDTHS,
        HEADER_ROW,
    )?;
    let date_format = Format::new().set_num_format("dd/mm/yyyy hh:mm:ss");
    let mut row = HEADER_ROW + 1;
    for (n, &i) in dl.rows.iter().enumerate() {
        if dl.blank_row_after == Some(n) {
            row += 1;
        }
        let cells = Cells { rt, ws: &mut *ws, row, style, dl, date_format: &date_format };
        cells.write(n + 1, &ds[i], dl.tcvn3_rows.binary_search(&n).is_ok())?;
        row += 1;
    }
    xlsx::save(&mut wb, &path)?;
    Ok(path)
}

/// One row being written.
struct Cells<'a, 'b> {
    rt: &'a RowText<'b>,
    ws: &'a mut Worksheet,
    row: u32,
    style: Style,
    dl: &'a Download,
    date_format: &'a Format,
}

impl Cells<'_, '_> {
    fn date(&mut self, col: u16, ts: Option<Ts>) -> Result<()> {
        match ts {
            Some(ts) if self.style.date_cells => {
                let value = xlsx::excel_datetime(self.rt.cal, ts)?;
                self.ws.write_datetime_with_format(self.row, col, value, self.date_format)?;
            }
            Some(ts) => {
                self.ws.write_string(self.row, col, self.rt.cal.fmt_ts(ts))?;
            }
            None => {}
        }
        Ok(())
    }

    fn num(&mut self, col: u16, value: f64) -> Result<()> {
        self.ws.write_number(self.row, col, value)?;
        Ok(())
    }

    fn write(mut self, stt: usize, d: &Dossier, vntime: bool) -> Result<()> {
        let (rt, row) = (self.rt, self.row);
        let proc_ = &CATALOG[d.procedure as usize];
        let v = d.view(self.dl.at);
        self.num(0, stt as f64)?;
        self.ws.write_string(row, 1, rt.dossier_id(d))?;
        self.ws.write_string(row, 2, proc_.code)?;
        self.ws.write_string(row, 3, proc_.name)?;
        self.ws.write_string(row, 4, FIELDS[proc_.field].code)?;
        self.ws.write_string(row, 5, FIELDS[proc_.field].name)?;
        self.ws.write_string(row, 6, rt.unit_cell(d, vntime))?;
        xlsx::text(self.ws, row, 7, rt.officer(d, v.status))?;
        if !d.channel_blank {
            if self.style.channel_words {
                self.ws.write_string(row, 8, channel_word(d.channel))?;
            } else {
                self.num(8, d.channel as f64)?;
            }
        }
        self.date(9, Some(d.submitted))?;
        match v.received {
            Some(_) if d.malformed_received => {
                self.ws.write_string(row, 10, format!("31/02/{} 08:00:00", rt.ward.year))?;
            }
            received => self.date(10, received)?,
        }
        self.date(11, v.due)?;
        self.date(12, v.finished)?;
        self.date(13, v.returned)?;
        self.date(14, v.refused)?;
        if self.style.status_codes {
            self.num(15, f64::from(v.status.code()))?;
        } else {
            self.ws.write_string(row, 15, v.status.word())?;
        }
        self.num(16, f64::from(v.supplement_requests))?;
        self.num(17, f64::from(v.supplement_days))?;
        self.num(18, f64::from(u8::from(proc_.has_fee)))?;
        self.num(19, f64::from(d.paid_online))?;
        self.num(20, f64::from(u8::from(d.digitised)))?;
        self.num(21, f64::from(u8::from(v.result_e)))?;
        self.num(22, f64::from(u8::from(v.signed)))?;
        self.num(23, f64::from(u8::from(d.reused)))?;
        if let Some(r) = v.rating {
            self.num(24, f64::from(r))?;
        }
        self.ws.write_string(row, 25, d.citizen.name())?;
        self.ws.write_string(row, 26, d.citizen.phone())?;
        let mut email = String::new();
        d.citizen.push_email(&mut email);
        xlsx::text(self.ws, row, 27, &email)?;
        self.ws.write_string(row, 28, d.citizen.address(&rt.ward.ward_name))?;
        Ok(())
    }
}
