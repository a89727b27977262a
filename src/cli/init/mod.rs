//! `thidua init <DIR>`: a new ward's project, from a few answers on the command line and,
//! if the ward has them, its lists of units and officers as CSV.
//!
//! It writes the ward's own files (settings, units, officers, the two pipelines reading the
//! drop folders of the new project) beside the national ones the binary carries
//! ([`shipped`]), then runs `thidua check` on the result. Every answer is a flag, so a
//! script or a provincial rollout can create a hundred wards; on a terminal, the two it
//! cannot do without are asked for when missing ([`ask`]). An existing project is never
//! touched, and the project appears whole or not at all: it is built in a folder beside the
//! target and renamed into place. Configuration only: no export, no figure, nothing that
//! could be taken for a result.

mod ask;
mod lists;
mod roster;
mod shipped;
mod ward;

use std::borrow::Cow;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, anyhow};

use crate::outcome::{Failure, Tag};
use ward::Ward;

/// The answers of `thidua init`.
#[derive(clap::Args, Debug, Clone)]
pub struct InitArgs {
    /// The new project's folder (created; one that holds a project is refused).
    pub dir: PathBuf,
    /// The ward's name as documents write it, e.g. "Phường Hồng Hà" (or "Xã …", "Đặc khu …");
    /// asked on a terminal when not given.
    #[arg(long)]
    pub ward_name: Option<String>,
    /// The province as documents write it, e.g. "Tỉnh Quảng Ninh"; asked on a terminal when
    /// not given.
    #[arg(long)]
    pub province: Option<String>,
    /// ASCII id of the ward (default: from the name, "hong-ha").
    #[arg(long)]
    pub ward_id: Option<String>,
    /// Short name written before dates (default: the name without "Phường", "Hồng Hà").
    #[arg(long)]
    pub short_name: Option<String>,
    /// The city, where there is one.
    #[arg(long)]
    pub city: Option<String>,
    /// The ward's agency code in the one-stop system (the prefix of its dossier ids).
    #[arg(long)]
    pub agency_code: Option<String>,
    /// The sender of the reports, e.g. "Văn phòng UBND phường Hồng Hà <vanphong@…>"
    /// (default: a stand-in address to replace).
    #[arg(long)]
    pub from_email: Option<String>,
    /// Who gets the reports (repeat for several; default: a stand-in address to replace).
    #[arg(long = "report-to")]
    pub report_to: Vec<String>,
    /// The ward's units as CSV (columns below).
    #[arg(long)]
    pub units: Option<PathBuf>,
    /// The ward's officers as CSV (columns below).
    #[arg(long)]
    pub officers: Option<PathBuf>,
}

/// The long help of `thidua init`: what it writes, and the columns of the lists.
pub(super) const HELP: &str = "\
Dự án mới gồm config/thidua.toml (phường, thư mục, địa chỉ gửi thư), config/units.toml,
config/officers.toml, pipelines/monthly.toml và pipelines/year_end_awards.toml (đọc tệp xuất
trong du-lieu/ của dự án), cùng các tệp quốc gia đi kèm thidua: lịch nghỉ lễ, phương pháp
chấm, định dạng tệp xuất, mẫu văn bản khen thưởng, danh mục thủ tục (mẫu). Kế hoạch thi
đua của phường mẫu chỉ nằm trong mau/ để tham khảo: báo cáo của phường mới không dẫn kế hoạch
của phường khác. Mọi câu trả lời là tham số; thiếu --ward-name hay --province thì init hỏi
(chỉ khi chạy trên màn hình dòng lệnh, không hỏi trong script). Viết xong, init chạy `thidua
check` trên dự án mới.

Không ghi đè: thư mục đã có config/, pipelines/, du-lieu/ hay mau/ thì init từ chối (mã 3). Dự án
được dựng trong một thư mục tạm bên cạnh rồi đổi tên: có đủ, hoặc không có gì.
Địa chỉ chưa cho (--from-email, --report-to) là địa chỉ mẫu …thay-dia-chi@<mã phường>.example:
thư gửi tới đó không tới ai; check nhắc thay.

Danh sách đơn vị (--units) và cán bộ (--officers): tệp CSV như Excel lưu (UTF-8 có hoặc
không BOM, UTF-16, Windows-1258, TCVN3, VNI; phân cách bằng , ; hoặc tab), dòng đầu là tiêu
đề. Tệp Excel (.xlsx) thì lưu thành CSV trước (Tệp > Lưu thành > CSV UTF-8). Tên cột không
phân biệt chữ hoa, dấu, khoảng trắng; cột STT được bỏ qua; cột khác là lỗi. Mỗi lỗi ghi tệp,
dòng và cột (don-vi.csv:4: cột \"E-mail\": …); có lỗi thì init báo hết và không viết gì.
  --units:
    Mã đơn vị         mã ngắn, đổi thành chữ không dấu viết hoa (VP, KT, KP1); bỏ trống:
                      lấy chữ đầu các từ của tên
    Tên đơn vị        (bắt buộc) tên đầy đủ như tệp xuất ghi
    Loại              (bắt buộc) Bộ phận chuyên môn, Bộ phận Một cửa, Công an, Trạm Y tế,
                      Mặt trận Tổ quốc, Tổ chức chính trị - xã hội, Khu phố, Lãnh đạo UBND
                      (hoặc department, one_stop, police, health_station, front,
                      mass_organisation, quarter, leadership)
    Trưởng đơn vị     họ và tên
    E-mail            của trưởng đơn vị: nhận phiếu điểm của đơn vị hằng tháng
    Tên gọi khác      các tên khác mà tệp xuất dùng, cách nhau bởi dấu ;
    Chấm điểm CCHC    Có/Không (mặc định: Có cho bộ phận chuyên môn và Một cửa)
    Giải quyết hồ sơ  Có/Không (mặc định: Có cho bộ phận chuyên môn)
    Từ ngày           dd/mm/yyyy (mặc định 01/07/2025)
  --officers:
    Tên đăng nhập     (bắt buộc) tên người dùng trên Hệ thống một cửa (người xử lý hồ sơ)
    Họ và tên         (bắt buộc)
    Đơn vị            (bắt buộc) mã hoặc tên đơn vị trong --units
    Chức vụ
    Giới tính         (bắt buộc) Nam hoặc Nữ
    E-mail
    Từ ngày           dd/mm/yyyy (mặc định 01/07/2025)
Không có --units: danh mục khởi tạo gồm Văn phòng HĐND và UBND, Phòng Kinh tế (, Hạ tầng và
Đô thị), Phòng Văn hóa - Xã hội, Trung tâm Phục vụ hành chính công, Công an, Trạm Y tế, Ủy ban
MTTQ, để phường bổ sung khu phố, trưởng đơn vị, e-mail.

Mã thoát: 0 dự án đã tạo và check không thấy lỗi; 3 danh sách hay câu trả lời có lỗi (không
viết gì), thư mục đã có dự án, hoặc check thấy lỗi ở dự án vừa tạo; 7 không ghi được.

Ví dụ:
  thidua init /srv/thidua/hong-ha --ward-name \"Phường Hồng Hà\" --province \"Tỉnh Quảng Ninh\" \\
      --units don-vi.csv --officers can-bo.csv";

/// The folders under the project that the pipelines read, one per source.
const DROP_FOLDERS: &[&str] = &["du-lieu/ho-so", "du-lieu/pakn", "du-lieu/van-ban", "du-lieu/sang-kien"];

/// What init would overwrite: refused, naming the first one found.
const OWNED: &[&str] = &["config/thidua.toml", "config", "pipelines", "du-lieu", shipped::EXAMPLES];

/// What `mau/` holds.
const EXAMPLES_README: &str = "\
# Tệp mẫu (thidua không đọc thư mục này)

Kế hoạch thi đua của phường mẫu Giếng Đáy (`targets-<năm>.toml`: số, ngày, tên kế hoạch và chỉ
tiêu của năm), để phường tham khảo khi viết kế hoạch của mình. Kế hoạch của phường đặt trong
`config/methodology/` (giữ `series = \"targets\"`, sửa `id`, `valid_from`, `valid_to`, `[plan]`
và các chỉ tiêu). Khi chưa có, báo cáo ghi \"không có chỉ tiêu để xét\", không coi là đạt.
";

pub(super) fn init(args: &InitArgs) -> Result<()> {
    refuse_existing(&args.dir).tag(Failure::Config)?;
    let args = &ask::missing(args.clone()).context("không đọc được câu trả lời").tag(Failure::Config)?;
    let ward = Ward::from_args(args).map_err(|p| listed(&p, "trong câu trả lời")).tag(Failure::Config)?;
    let (units, mut problems) = match &args.units {
        Some(path) => lists::units(path, &ward),
        None => (roster::starter_units(&ward), Vec::new()),
    };
    let officers = match &args.officers {
        Some(path) => {
            let (officers, more) = lists::officers(path, &units);
            problems.extend(more);
            officers
        }
        None => Vec::new(),
    };
    if !problems.is_empty() {
        return Err(listed(&problems, "trong danh sách; chưa viết gì")).tag(Failure::Config);
    }
    let from = |list: &Option<PathBuf>, none: &str| {
        list.as_ref().map_or_else(|| none.to_string(), |p| format!("do `thidua init` viết từ {}", p.display()))
    };
    let units_source = from(&args.units, "danh mục khởi tạo của `thidua init`, để phường sửa và bổ sung");
    let officers_source = from(&args.officers, "do `thidua init` viết, chưa có cán bộ nào");
    let mut files: Vec<(Cow<'static, str>, Cow<'static, [u8]>)> = shipped::files().collect();
    let own = [
        ("config/thidua.toml", ward.settings()),
        ("config/units.toml", roster::units_toml(&ward, &units, &units_source)),
        ("config/officers.toml", roster::officers_toml(&officers, &officers_source)),
        ("pipelines/monthly.toml", ward.pipeline(include_str!("files/monthly.toml"))),
        ("pipelines/year_end_awards.toml", ward.pipeline(include_str!("files/year_end_awards.toml"))),
        ("du-lieu/README.md", ward.drop_readme()),
        ("mau/README.md", EXAMPLES_README.to_string()),
    ];
    files.extend(own.into_iter().map(|(p, text)| (Cow::Borrowed(p), Cow::Owned(text.into_bytes()))));
    write_project(&args.dir, &files).tag(Failure::Storage)?;
    println!(
        "Đã tạo dự án của {} trong {}: {} tệp, {} đơn vị, {} cán bộ.",
        ward.in_sentence(),
        args.dir.display(),
        files.len(),
        units.len(),
        officers.len()
    );
    println!("{}", to_do(&ward, args));
    println!("Kiểm tra dự án vừa tạo (thidua check):");
    super::check::check(&args.dir.join("config/thidua.toml"))
}

/// What the ward still has to do before a real run.
fn to_do(ward: &Ward, args: &InitArgs) -> String {
    let mut items = Vec::new();
    if ward.from.stand_in || ward.to.iter().any(|a| a.stand_in) {
        items.push("thay địa chỉ mẫu …thay-dia-chi@….example (config/thidua.toml, pipelines/*.toml) bằng địa chỉ thật");
    }
    if args.units.is_none() {
        items.push("sửa config/units.toml: thêm khu phố, đoàn thể, trưởng đơn vị và e-mail (head_email)");
    }
    if args.officers.is_none() {
        items.push("ghi cán bộ vào config/officers.toml (id là tên đăng nhập trên Hệ thống một cửa)");
    }
    items.extend([
        "chạy `thidua inspect <tệp>` với tệp xuất đầu tiên; thêm tên đơn vị mà tệp dùng vào aliases",
        "config/procedures.toml là danh mục thủ tục mẫu: thay bằng danh mục TTHC của tỉnh",
        "viết kế hoạch thi đua của phường vào config/methodology (mẫu: mau/targets-2024.toml của phường mẫu \
         Giếng Đáy); khi chưa có, không có chỉ tiêu để xét",
        "các dãy awards, par-ward, dti-ward trong config/methodology là của phường mẫu Giếng Đáy (tiêu chuẩn \
         khen thưởng, phương pháp chấm giả định): thay bằng tiêu chuẩn theo kế hoạch của phường, phương pháp \
         chấm của tỉnh trước khi xét",
        "mỗi năm mới: thêm config/holidays/<năm>.toml theo thông báo lịch nghỉ lễ, Tết",
    ]);
    let lines: Vec<String> = items.iter().map(|i| format!("  - {i}")).collect();
    format!("Việc cần làm trước khi chạy thật:\n{}", lines.join("\n"))
}

fn listed(problems: &[String], what: &str) -> anyhow::Error {
    anyhow!("{} vấn đề {what}:\n{}", problems.len(), problems.join("\n"))
}

/// An existing project (or a folder init would write into) is never overwritten.
fn refuse_existing(dir: &Path) -> Result<()> {
    if dir.exists() && !dir.is_dir() {
        anyhow::bail!("{} đã có và không phải thư mục: init không ghi đè", dir.display());
    }
    for owned in OWNED {
        let path = dir.join(owned);
        if path.symlink_metadata().is_ok() {
            let why = if *owned == "config/thidua.toml" {
                "thư mục đã có một dự án thidua"
            } else {
                "init không ghi vào thư mục đã có"
            };
            anyhow::bail!("{} đã có: {why}, không ghi đè (sửa tệp đó, hoặc chọn thư mục khác)", path.display());
        }
    }
    Ok(())
}

/// Builds the project in a folder beside `dir` (inside it, when it already holds other
/// things) and renames it into place: the project is there whole, or not at all.
fn write_project(dir: &Path, files: &[(Cow<'static, str>, Cow<'static, [u8]>)]) -> Result<()> {
    let empty = std::fs::read_dir(dir).map_or(true, |mut entries| entries.next().is_none());
    let beside = match dir.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let staging_in = if empty { beside } else { dir.to_path_buf() };
    std::fs::create_dir_all(&staging_in).with_context(|| format!("không tạo được thư mục {}", staging_in.display()))?;
    // Mode 0777 as asked of the system: the umask decides, as it does for mkdir.
    let staging = {
        let mut builder = tempfile::Builder::new();
        builder.prefix(".thidua-init-");
        #[cfg(unix)]
        builder.permissions(std::os::unix::fs::PermissionsExt::from_mode(0o777));
        builder
            .tempdir_in(&staging_in)
            .with_context(|| format!("không tạo được thư mục tạm trong {}", staging_in.display()))?
    };
    for (rel, bytes) in files {
        let path = staging.path().join(rel.as_ref());
        std::fs::create_dir_all(path.parent().expect("a file in a folder"))
            .and_then(|()| std::fs::write(&path, bytes))
            .with_context(|| format!("không ghi được {}", path.display()))?;
    }
    for folder in DROP_FOLDERS {
        std::fs::create_dir_all(staging.path().join(folder)).with_context(|| format!("không tạo được {folder}"))?;
    }
    if empty {
        let staged = staging.keep();
        std::fs::rename(&staged, dir).map_err(|e| {
            let _ = std::fs::remove_dir_all(&staged);
            anyhow!("không đặt được dự án vào {}: {e}", dir.display())
        })
    } else {
        move_into(staging.path(), dir)
    }
}

/// Moves every top-level entry of `staged` into `dir`, or none: a failure moves back what
/// had moved.
fn move_into(staged: &Path, dir: &Path) -> Result<()> {
    let mut moved: Vec<std::ffi::OsString> = Vec::new();
    let entries: Vec<_> = std::fs::read_dir(staged)?.collect::<std::io::Result<_>>()?;
    for entry in entries {
        let to = dir.join(entry.file_name());
        let result = if to.symlink_metadata().is_ok() {
            Err(anyhow!("{} đã có: init không ghi đè", to.display()))
        } else {
            std::fs::rename(entry.path(), &to).with_context(|| format!("không đặt được {}", to.display()))
        };
        if let Err(e) = result {
            for name in moved.iter().rev() {
                let _ = std::fs::rename(dir.join(name), staged.join(name));
            }
            return Err(e);
        }
        moved.push(entry.file_name());
    }
    Ok(())
}
