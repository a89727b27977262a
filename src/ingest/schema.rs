//! The canonical datasets and the export headers that map onto them.
//!
//! Only the columns named here survive ingest: everything else in an export, citizens'
//! names, phones, e-mails and addresses above all, is dropped before anything is stored.
//! Header names are compared by [`name_key`](crate::config::name_key), so case, spacing and
//! Unicode form do not matter.

use crate::dataset::Dataset;

/// How a column's text becomes a value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldType {
    Text,
    Int,
    /// A decimal number (decimal point; spreadsheets give numbers as numbers).
    Number,
    /// 0/1 → boolean.
    Flag,
    DateTime,
    /// A closed set of codes, with the export's labels mapped onto them.
    Code(&'static [(&'static str, &'static [&'static str])]),
    /// TrangThaiHoSo: the national status code, through the profile's status table; a
    /// value outside it rejects the row.
    Status,
}

#[derive(Debug, Clone, Copy)]
pub struct Field {
    pub name: &'static str,
    pub ty: FieldType,
    pub headers: &'static [&'static str],
    pub required: bool,
}

#[derive(Debug)]
pub struct Schema {
    pub fields: &'static [Field],
    /// Export columns known to hold citizens' personal data: reported as dropped.
    pub personal: &'static [&'static str],
}

impl Schema {
    pub fn has_field(&self, name: &str) -> bool {
        self.fields.iter().any(|f| f.name == name)
    }
}

const fn f(name: &'static str, ty: FieldType, headers: &'static [&'static str]) -> Field {
    Field { name, ty, headers, required: false }
}

const fn req(name: &'static str, ty: FieldType, headers: &'static [&'static str]) -> Field {
    Field { name, ty, headers, required: true }
}

use FieldType::{DateTime, Flag, Int, Number, Text};

const CATEGORIES: &[(&str, &[&str])] = &[
    ("procedure", &["Thủ tục hành chính", "TTHC", "Quy định hành chính"]),
    ("officer", &["Hành vi cán bộ", "Hành vi", "Cán bộ, công chức"]),
];

const OUTCOMES: &[(&str, &[&str])] = &[
    ("resolved", &["Đã giải quyết", "Đã xử lý"]),
    ("open", &["Đang giải quyết", "Đang xử lý", "Chưa giải quyết"]),
    ("unfounded", &["Không có cơ sở"]),
    ("substantiated", &["Có cơ sở"]),
];

const SATISFACTION: &[(&str, &[&str])] =
    &[("satisfied", &["Hài lòng", "Like", "1"]), ("dissatisfied", &["Không hài lòng", "Dislike", "0", "-1"])];

const INITIATIVE_STATUS: &[(&str, &[&str])] = &[
    ("registered", &["Đã đăng ký", "Đăng ký"]),
    ("applied", &["Áp dụng hiệu quả", "Được công nhận", "Đã công nhận"]),
    ("not_recognised", &["Không được công nhận", "Không công nhận"]),
];

/// The national dossier model (S1a). Its export names live in the format profiles
/// (`config/formats/`), not here: each system writes them its own way.
static DOSSIERS: Schema = Schema {
    fields: &[
        req("dossier_id", Text, &[]),
        f("procedure_code", Text, &[]),
        f("procedure_name", Text, &[]),
        f("field_code", Text, &[]),
        f("field_name", Text, &[]),
        req("unit_name", Text, &[]),
        f("officer_id", Text, &[]),
        f("channel", Int, &[]),
        f("submitted_at", DateTime, &[]),
        // Required, except for dossiers never received (status 1 and 3 carry no such date).
        req("received_at", DateTime, &[]),
        f("due_at", DateTime, &[]),
        f("finished_at", DateTime, &[]),
        f("returned_at", DateTime, &[]),
        f("refused_at", DateTime, &[]),
        f("status", FieldType::Status, &[]),
        f("supplement_requests", Int, &[]),
        f("supplement_days", Int, &[]),
        f("has_fee", Flag, &[]),
        f("paid_online", Int, &[]),
        f("input_digitised", Flag, &[]),
        f("result_digitised", Flag, &[]),
        f("e_signed", Flag, &[]),
        f("data_reused", Flag, &[]),
        f("rating", Int, &[]),
    ],
    personal: &[],
};

static DOCUMENTS: Schema = Schema {
    fields: &[
        req("unit_name", Text, &["Đơn vị", "DonVi"]),
        f("month", Text, &["Tháng", "Thang", "Kỳ"]),
        req("outgoing", Int, &["Văn bản đi", "VanBanDi"]),
        f("outgoing_electronic", Int, &["Văn bản đi gửi điện tử", "VanBanDiDienTu"]),
        f("outgoing_signed", Int, &["Văn bản đi ký số", "VanBanDiKySo"]),
        f("outgoing_secret", Int, &["Văn bản mật", "VanBanMat"]),
        f("incoming", Int, &["Văn bản đến", "VanBanDen"]),
        f("incoming_on_time", Int, &["Văn bản đến xử lý đúng hạn", "VanBanDenDungHan"]),
    ],
    personal: &[],
};

static FEEDBACK: Schema = Schema {
    fields: &[
        req("feedback_id", Text, &["Mã PAKN", "MaPAKN", "Mã phản ánh"]),
        req("unit_name", Text, &["Đơn vị", "Đơn vị xử lý", "DonVi"]),
        f("officer_id", Text, &["Cán bộ", "Cán bộ bị phản ánh", "CanBo"]),
        f("category", FieldType::Code(CATEGORIES), &["Phân loại", "Loại phản ánh", "PhanLoai"]),
        req("received_at", DateTime, &["Ngày tiếp nhận", "NgayTiepNhan"]),
        f("due_at", DateTime, &["Hạn xử lý", "HanXuLy"]),
        f("resolved_at", DateTime, &["Ngày xử lý xong", "NgayXuLy", "Ngày hoàn thành"]),
        f("outcome", FieldType::Code(OUTCOMES), &["Kết quả", "KetQua"]),
        f("satisfaction", FieldType::Code(SATISFACTION), &["Đánh giá", "DanhGia", "Mức độ hài lòng"]),
    ],
    personal: &["Người phản ánh", "Số điện thoại", "Nội dung", "Email", "Địa chỉ"],
};

static INITIATIVES: Schema = Schema {
    fields: &[
        req("unit_name", Text, &["Đơn vị", "DonVi"]),
        req("title", Text, &["Tên sáng kiến, mô hình, giải pháp", "Tên sáng kiến", "TenSangKien"]),
        f("authors", Text, &["Tác giả", "TacGia"]),
        f("registered_at", DateTime, &["Ngày đăng ký", "NgayDangKy"]),
        f("status", FieldType::Code(INITIATIVE_STATUS), &["Trạng thái", "TrangThai"]),
        f("recognised_at", DateTime, &["Ngày công nhận", "NgayCongNhan"]),
    ],
    personal: &[],
};

static PAR_APPRAISAL: Schema = Schema {
    fields: &[
        req("unit_name", Text, &["Mã đơn vị", "Đơn vị", "MaDonVi"]),
        req("criterion", Text, &["Mã tiêu chí", "MaTieuChi"]),
        f("criterion_name", Text, &["Tiêu chí", "Tên tiêu chí"]),
        f("max_points", Number, &["Điểm tối đa"]),
        f("self_points", Number, &["Điểm tự chấm", "Điểm tự đánh giá"]),
        f("appraised_points", Number, &["Điểm thẩm định"]),
        f("evidence", Text, &["Tài liệu kiểm chứng", "Ghi chú", "Nhận xét"]),
    ],
    personal: &[],
};

static DTI_ASSESSMENT: Schema = Schema {
    fields: &[
        req("indicator", Text, &["Mã chỉ tiêu", "MaChiTieu"]),
        f("indicator_name", Text, &["Chỉ tiêu", "Tên chỉ tiêu"]),
        f("max_points", Number, &["Điểm tối đa"]),
        f("self_points", Number, &["Điểm tự đánh giá", "Điểm tự chấm"]),
        f("appraised_points", Number, &["Điểm thẩm định"]),
    ],
    personal: &[],
};

static DTI_RANKING: Schema = Schema {
    fields: &[
        req("commune_code", Text, &["Mã xã", "Mã đơn vị hành chính"]),
        req("commune_name", Text, &["Tên xã, phường, thị trấn", "Tên xã", "Đơn vị"]),
        f("district", Text, &["Huyện, thị xã, thành phố", "Huyện"]),
        req("dti", Number, &["Chỉ số DTI", "DTI"]),
        f("rank", Int, &["Xếp hạng", "Thứ hạng"]),
    ],
    personal: &[],
};

static DDCI: Schema = Schema {
    fields: &[
        req("year", Int, &["Năm"]),
        req("locality_code", Text, &["Mã đơn vị", "Mã xã"]),
        f("locality_name", Text, &["Đơn vị", "Tên đơn vị"]),
        req("component", Text, &["Mã thành phần", "MaThanhPhan"]),
        f("component_name", Text, &["Thành phần", "Tên thành phần"]),
        req("score", Number, &["Điểm", "Điểm số"]),
    ],
    personal: &[],
};

/// S2: the national portal's 766 scores, one row per agency (commune, department or the
/// province), as `report_tinh_766_service` answers.
static SERVICE_INDEX: Schema = Schema {
    fields: &[
        f("name", Text, &["TEN"]),
        f("agency_name", Text, &["TEN_COQUAN"]),
        req("agency_code", Text, &["MA_COQUAN"]),
        f("agency_id", Text, &["ID_COQUAN"]),
        f("agency_kind", Int, &["LOAI_COQUAN"]),
        f("agency_level", Int, &["CAPDONVIID"]),
        f("ckmb", Number, &["CKMB"]),
        f("tdgq", Number, &["TDGQ"]),
        f("clgq", Number, &["CLGQ"]),
        f("tttt", Number, &["TTTT"]),
        f("mdhl", Number, &["MDHL"]),
        f("mdsh", Number, &["MDSH"]),
        req("total_score", Number, &["TONG_SCORE"]),
        f("row_position", Int, &["ROW_STT"]),
    ],
    personal: &[],
};

impl Dataset {
    /// The dataset's canonical fields (ingest owns them).
    pub fn schema(self) -> &'static Schema {
        match self {
            Dataset::Dossiers => &DOSSIERS,
            Dataset::Documents => &DOCUMENTS,
            Dataset::Feedback => &FEEDBACK,
            Dataset::Initiatives => &INITIATIVES,
            Dataset::ParAppraisal => &PAR_APPRAISAL,
            Dataset::DtiAssessment => &DTI_ASSESSMENT,
            Dataset::DtiRanking => &DTI_RANKING,
            Dataset::Ddci => &DDCI,
            Dataset::ServiceIndex => &SERVICE_INDEX,
        }
    }
}
