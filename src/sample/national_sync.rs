//! The national sync payload (S1a, DVCQG "DongBoHoSoMC") of one month: a top-level JSON
//! array of dossiers with the national field names as the `dvcqg-dongbo` format profile reads
//! them, every value a string, dates `yyyyMMddHHmmss` (Asia/Ho_Chi_Minh), and the nested
//! lists instead of the pre-counted flat columns. NgayHenTra stays the due date set at
//! reception; each answered supplement moves it in DanhSachHoSoBoSung[].NgayHenTraMoi. The
//! payload has no KySo and no DanhGia. One record per line, so the file diffs well.

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::Result;
use serde::Serialize;

use super::calendar::Ts;
use super::catalog::{CATALOG, FIELDS, fee};
use super::dossier::Dossier;
use super::downloads::Download;
use super::excel_download::RowText;
use super::write_atomic_with;

/// Where attachments would be downloaded from (an invented address).
pub(crate) const FILES_URL: &str = "https://dichvucong.example.vn/tep";

#[allow(non_snake_case)]
#[derive(Serialize)]
struct HoSo<'a> {
    MaHoSo: String,
    MaTTHC: &'a str,
    TenTTHC: &'a str,
    MaLinhVuc: &'a str,
    TenLinhVuc: &'a str,
    DonViXuLy: &'a str,
    NguoiXuLy: &'a str,
    KenhThucHien: &'static str,
    NgayNopHoSo: String,
    NgayTiepNhan: String,
    NgayHenTra: String,
    NgayKetThucXuLy: String,
    NgayTra: String,
    NgayTuChoi: String,
    TrangThaiHoSo: String,
    HoSoCoThanhPhanSoHoa: &'static str,
    DuocThanhToanTrucTuyen: String,
    ChuHoSo: String,
    SoGiayToChuHoSo: String,
    SoDienThoai: String,
    Email: String,
    DiaChi: String,
    TrichYeuHoSo: String,
    TaiLieuNop: Vec<TaiLieu>,
    DanhSachLePhi: Vec<LePhi>,
    DanhSachHoSoBoSung: Vec<BoSung<'a>>,
    DanhSachGiayToKetQua: Vec<GiayToKetQua>,
}

#[allow(non_snake_case)]
#[derive(Serialize)]
struct TaiLieu {
    TepDinhKemId: String,
    TenTepDinhKem: &'static str,
    MaThanhPhanHoSo: String,
    DuongDanTaiTepTin: String,
    DuocSoHoa: &'static str,
    DuocTaiSuDung: &'static str,
    DuocLayTuKhoDMQG: &'static str,
}

#[allow(non_snake_case)]
#[derive(Serialize)]
struct LePhi {
    TenPhiLePhi: &'static str,
    MaPhiLePhi: String,
    HinhThucThu: &'static str,
    Gia: String,
    LoaiPhiLePhi: &'static str,
}

#[allow(non_snake_case)]
#[derive(Serialize)]
struct BoSung<'a> {
    HoSoBoSungId: String,
    NguoiYeuCauBoSung: &'a str,
    NoiDungBoSung: &'static str,
    NgayBoSung: String,
    NgayTiepNhanBoSung: String,
    NgayHenTraTruoc: String,
    NgayHenTraMoi: String,
}

#[allow(non_snake_case)]
#[derive(Serialize)]
struct GiayToKetQua {
    TenGiayTo: &'static str,
    MaGiayToKetQua: String,
    DuongDanTepTinKetQua: String,
}

/// The files of the papers a dossier is filed with (the first one, two or three).
const PAPERS: [&str; 3] = ["to-khai.pdf", "giay-to-tuy-than.pdf", "giay-to-kem-theo.pdf"];

/// What the citizen was asked to supply, by supplement.
pub(crate) const SUPPLEMENT_TEXT: [&str; 2] =
    ["Bổ sung bản sao giấy tờ theo quy định", "Bổ sung thông tin còn thiếu trong tờ khai"];

pub(crate) fn write_download(rt: &RowText, ds: &[Dossier], dl: &Download, out_dir: &Path) -> Result<PathBuf> {
    let ym = format!("{}-{:02}", rt.ward.year, dl.month);
    let path = out_dir.join("ho-so").join(&ym).join(format!("dong-bo-dvcqg-{ym}.json"));
    write_atomic_with(&path, |w| {
        w.write_all(b"[")?;
        for (n, &i) in dl.rows.iter().enumerate() {
            w.write_all(if n == 0 { b"\n" } else { b",\n" })?;
            serde_json::to_writer(&mut *w, &record(rt, &ds[i], dl.at))?;
        }
        w.write_all(b"\n]\n")?;
        Ok(())
    })?;
    Ok(path)
}

fn record<'a>(rt: &'a RowText, d: &Dossier, at: Ts) -> HoSo<'a> {
    let cal = rt.cal;
    let date = |ts: Option<Ts>| ts.map_or_else(String::new, |ts| cal.fmt_compact(ts));
    let flag = |b: bool| if b { "1" } else { "0" };
    let proc_ = &CATALOG[d.procedure as usize];
    let field = &FIELDS[proc_.field];
    let v = d.view(at);
    let id = rt.dossier_id(d);
    let officer = rt.officer(d, v.status);
    let mut email = String::new();
    d.citizen.push_email(&mut email);
    let papers = 1 + d.seq as usize % PAPERS.len();
    let short_code = proc_.code.split_once(".000.").map_or(proc_.code, |c| c.0);
    let on_file = d.digitised || d.channel == 2;
    HoSo {
        MaTTHC: proc_.code,
        TenTTHC: proc_.name,
        MaLinhVuc: field.code,
        TenLinhVuc: field.name,
        DonViXuLy: rt.unit_name(d),
        NguoiXuLy: officer,
        KenhThucHien: match d.channel {
            _ if d.channel_blank => "",
            2 => "2",
            3 => "3",
            _ => "1",
        },
        NgayNopHoSo: date(Some(d.submitted)),
        NgayTiepNhan: date(v.received),
        NgayHenTra: date(v.due),
        NgayKetThucXuLy: date(v.finished),
        NgayTra: date(v.returned),
        NgayTuChoi: date(v.refused),
        TrangThaiHoSo: v.status.code().to_string(),
        HoSoCoThanhPhanSoHoa: flag(d.digitised),
        DuocThanhToanTrucTuyen: d.paid_online.to_string(),
        ChuHoSo: d.citizen.name(),
        SoGiayToChuHoSo: d.citizen.identity(),
        SoDienThoai: d.citizen.phone(),
        Email: email,
        DiaChi: d.citizen.address(&rt.ward.ward_name),
        TrichYeuHoSo: format!("{} - {}", proc_.name, d.citizen.name()),
        TaiLieuNop: PAPERS[..papers]
            .iter()
            .enumerate()
            .map(|(k, file)| TaiLieu {
                TepDinhKemId: format!("{id}-TP{}", k + 1),
                TenTepDinhKem: file,
                MaThanhPhanHoSo: format!("{short_code}.TP{}", k + 1),
                DuongDanTaiTepTin: if on_file { format!("{FILES_URL}/{id}/{file}") } else { String::new() },
                DuocSoHoa: flag(d.digitised),
                DuocTaiSuDung: flag(d.reused && k == 0),
                DuocLayTuKhoDMQG: flag(d.reused && k == 0 && d.seq.is_multiple_of(2)),
            })
            .collect(),
        DanhSachLePhi: fee(proc_)
            .map(|(name, amount)| LePhi {
                TenPhiLePhi: name,
                MaPhiLePhi: format!("{short_code}.LP"),
                HinhThucThu: "1",
                Gia: amount.to_string(),
                LoaiPhiLePhi: if name.starts_with("Lệ phí") { "2" } else { "1" },
            })
            .into_iter()
            .collect(),
        DanhSachHoSoBoSung: d
            .due_moves(cal, at)
            .into_iter()
            .enumerate()
            .map(|(k, (s, before, moved))| BoSung {
                HoSoBoSungId: format!("{id}-BS{}", k + 1),
                NguoiYeuCauBoSung: officer,
                NoiDungBoSung: SUPPLEMENT_TEXT[k % SUPPLEMENT_TEXT.len()],
                NgayBoSung: date(Some(s.asked)),
                NgayTiepNhanBoSung: date(Some(s.resumed).filter(|&r| r <= at)),
                NgayHenTraTruoc: date(before),
                NgayHenTraMoi: date(moved),
            })
            .collect(),
        DanhSachGiayToKetQua: if v.result_e {
            vec![GiayToKetQua {
                TenGiayTo: "Kết quả giải quyết thủ tục hành chính",
                MaGiayToKetQua: format!("{id}-KQ1"),
                DuongDanTepTinKetQua: format!("{FILES_URL}/{id}/ket-qua.pdf"),
            }]
        } else {
            Vec::new()
        },
        MaHoSo: id,
    }
}
