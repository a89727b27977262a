//! The drop folder as a user leaves it: a symbolic link is never followed, so a file from
//! elsewhere on the machine (another ward's export, a system file) is never archived, read
//! or scored.

use std::path::Path;
use std::process::{Command, Output};

use crate::common::{Sheet, files_under, project};

const DROP: &str = "drop/2024-09/ho-so-thang-09.csv";

fn run(dir: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_thidua"))
        .current_dir(dir)
        .args(["run", "monthly", "--period", "2024-09"])
        .output()
        .unwrap()
}

/// Asserts no file under the project's `archive/` holds `bytes` or names `target`.
fn assert_not_archived(project: &Path, target: &Path, bytes: &[u8]) {
    for f in files_under(&project.join("archive")) {
        let held = std::fs::read(&f).unwrap();
        assert!(held != bytes, "{} is a copy of {}", f.display(), target.display());
        let text = String::from_utf8_lossy(&held);
        assert!(!text.contains(&*target.to_string_lossy()), "{} names {}", f.display(), target.display());
    }
}

#[test]
fn a_drop_file_that_is_a_symlink_is_not_followed() {
    let dir = project("tiny");
    let outside = tempfile::tempdir().unwrap();
    let target = outside.path().join("ho-so-phuong-khac.csv");
    let bytes = std::fs::read(dir.path().join(DROP)).unwrap();
    std::fs::write(&target, &bytes).unwrap();
    std::fs::remove_file(dir.path().join(DROP)).unwrap();
    std::os::unix::fs::symlink(&target, dir.path().join(DROP)).unwrap();

    let out = run(dir.path());
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(4), "{err}");
    assert!(err.contains("nguồn \"ho-so\" không có tệp nào cho kỳ 2024-09"), "{err}");
    assert!(err.contains(DROP), "the skipped link is named: {err}");
    assert_not_archived(dir.path(), &target, &bytes);
}

#[test]
fn a_symlink_beside_real_files_is_skipped_with_a_finding() {
    let dir = project("tiny");
    let outside = tempfile::tempdir().unwrap();
    let target = outside.path().join("mat-khau.csv");
    let bytes = b"MaHoSo;TrangThai\nBI-MAT;10\n".to_vec();
    std::fs::write(&target, &bytes).unwrap();
    std::os::unix::fs::symlink(&target, dir.path().join("drop/2024-09/lien-ket.csv")).unwrap();

    let out = run(dir.path());
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_not_archived(dir.path(), &target, &bytes);
    let book = files_under(&dir.path().join("output"))
        .into_iter()
        .find(|p| p.extension().is_some_and(|e| e == "xlsx"))
        .expect("a workbook");
    let dq = Sheet::read(&book, "Chất lượng dữ liệu", 3).all_text();
    assert!(dq.contains("drop/2024-09/lien-ket.csv") && dq.contains("liên kết tượng trưng"), "{dq}");
}

/// The permission bits of a path.
fn mode(p: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(p).unwrap().permissions().mode() & 0o777
}

#[test]
fn the_archive_and_the_store_are_the_owners_only() {
    let dir = project("tiny");
    let out = run(dir.path());
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    for folder in ["archive", "store"] {
        assert_eq!(format!("{:o}", mode(&dir.path().join(folder))), "700", "{folder}/");
    }
    let files: Vec<_> = ["archive", "store"].iter().flat_map(|f| files_under(&dir.path().join(f))).collect();
    assert!(files.iter().any(|f| f.extension().is_some_and(|e| e == "parquet")), "{files:?}");
    for f in files {
        // The ledger and the run locks included.
        assert_eq!(mode(&f) & 0o077, 0, "{} is {:o}", f.display(), mode(&f));
    }
}

#[test]
fn an_archive_that_cannot_be_written_is_named_with_the_cause() {
    use std::os::unix::fs::PermissionsExt;
    let dir = project("tiny");
    let archive = dir.path().join("archive");
    std::fs::create_dir(&archive).unwrap();
    std::fs::set_permissions(&archive, std::fs::Permissions::from_mode(0o500)).unwrap();
    let mut thidua = Command::new(env!("CARGO_BIN_EXE_thidua"));
    thidua.current_dir(dir.path()).args(["run", "monthly", "--period", "2024-09"]);
    if std::fs::write(archive.join("thu"), b"").is_ok() {
        // Root writes anyway: run as nobody, who owns the project but not the write bit.
        use std::os::unix::process::CommandExt;
        std::fs::remove_file(archive.join("thu")).unwrap();
        let mut all = std::iter::once(dir.path().to_path_buf()).chain(walk(dir.path()));
        if let Err(e) = all.try_for_each(|f| std::os::unix::fs::lchown(&f, Some(65534), Some(65534))) {
            eprintln!("note: skipped, root bypasses permissions and cannot hand the project to nobody here ({e})");
            return;
        }
        thidua.uid(65534).gid(65534);
    }
    let out = match thidua.output() {
        Ok(out) => out,
        Err(e) => {
            eprintln!("note: skipped, root bypasses permissions and cannot run as nobody here ({e})");
            return;
        }
    };
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(7), "{err}");
    // The project is the working folder: paths are shown from it.
    assert!(err.contains("không ghi được ./archive/ho-so/2024-09: không có quyền ghi"), "{err}");
}

/// Every file and folder under `dir`.
fn walk(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        let p = e.path();
        if e.file_type().unwrap().is_dir() {
            out.extend(walk(&p));
        }
        out.push(p);
    }
    out
}
