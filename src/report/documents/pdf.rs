//! Optional PDF copies of the documents, through LibreOffice when it is installed.
//!
//! The .docx is what the office signs; a PDF is a convenience for reading and printing.
//! Nothing requires LibreOffice: [`available`] says whether it is there, and [`to_pdf`] runs
//! the same command a person would (`libreoffice --headless --convert-to pdf --outdir DIR
//! FILE.docx`) with a private profile, so it works beside a LibreOffice already open.

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, Result, bail};

/// The LibreOffice program on PATH (`libreoffice` or `soffice`), if any.
pub fn available() -> Option<&'static str> {
    ["libreoffice", "soffice"]
        .into_iter()
        .find(|p| Command::new(p).arg("--version").output().is_ok_and(|o| o.status.success()))
}

/// Converts `docx` to a PDF in `out_dir`, returning the PDF's path.
pub fn to_pdf(docx: &Path, out_dir: &Path) -> Result<PathBuf> {
    let program = available().context("không có LibreOffice (libreoffice/soffice) để chuyển sang PDF")?;
    let profile = tempfile::tempdir().context("không tạo được thư mục tạm cho LibreOffice")?;
    let profile_url = format!("file://{}", profile.path().display());
    let out = Command::new(program)
        .arg(format!("-env:UserInstallation={profile_url}"))
        .args(["--headless", "--convert-to", "pdf", "--outdir"])
        .arg(out_dir)
        .arg(docx)
        .output()
        .with_context(|| format!("không chạy được {program}"))?;
    let pdf = out_dir.join(docx.with_extension("pdf").file_name().context("tên tệp .docx")?);
    if !out.status.success() || !pdf.is_file() {
        bail!(
            "LibreOffice không chuyển được {} sang PDF: {}",
            docx.display(),
            String::from_utf8_lossy(&out.stderr).trim()
        );
    }
    Ok(pdf)
}
