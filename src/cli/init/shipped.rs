//! The national files every project starts with, embedded at compile time by `build.rs`
//! (the installed binary has no repository beside it): holidays, methodologies, format
//! profiles and their examples, the award templates, the procedure catalogue, the facts
//! README.
//!
//! They go to a new ward as shipped but for the sample ward's own emulation plan, which is no
//! national file: the plan files (series `targets`: the plan's number, date, title and the
//! year's targets) go to `mau/` as examples that nothing reads, so that no report of a new
//! ward cites another ward's plan or judges its units by another ward's targets; and the award
//! templates' line citing that plan (Kế hoạch 105/KH-UBND of Giếng Đáy) leaves the number and
//! date blank ("……", as they leave the council's votes) until the office writes its own.

use std::borrow::Cow;

include!(concat!(env!("OUT_DIR"), "/shipped.rs"));

/// The sample ward's plan, as the shipped common template cites it.
const SAMPLE_PLAN: &str =
    "text = \"Căn cứ Kế hoạch số 105/KH-UBND ngày 17 tháng 5 năm 2024 của Ủy ban nhân dân phường Giếng Đáy";
const OWN_PLAN: &str = "# THAY: số, ngày Kế hoạch phát động phong trào thi đua của phường; khi chưa sửa, văn bản để\n\
                        # trống \"……\" cho người soạn điền tay.\n\
                        text = \"Căn cứ Kế hoạch số ……/KH-UBND ngày …… của Ủy ban nhân dân {ward} về phát động phong trào thi đua {movement};\"";
const COMMON_TEMPLATE: &str = "config/templates/awards/chung.toml";

/// Where the sample ward's plan files go in a new project: examples, read by nothing.
pub(super) const EXAMPLES: &str = "mau";

/// Every shipped file, by its path in a project, as a new ward gets it.
pub(super) fn files() -> impl Iterator<Item = (Cow<'static, str>, Cow<'static, [u8]>)> {
    SHIPPED.iter().map(|&(path, bytes)| {
        if path == COMMON_TEMPLATE {
            (Cow::Borrowed(path), Cow::Owned(own_plan(bytes).into_bytes()))
        } else if is_plan(path, bytes) {
            let name = path.rsplit('/').next().unwrap_or(path);
            (Cow::Owned(format!("{EXAMPLES}/{name}")), Cow::Borrowed(bytes))
        } else {
            (Cow::Borrowed(path), Cow::Borrowed(bytes))
        }
    })
}

/// A methodology file of the `targets` series: a ward's emulation plan.
fn is_plan(path: &str, bytes: &[u8]) -> bool {
    path.starts_with("config/methodology/")
        && std::str::from_utf8(bytes)
            .ok()
            .and_then(|t| t.parse::<toml::Table>().ok())
            .is_some_and(|t| t.get("series").and_then(toml::Value::as_str) == Some("targets"))
}

/// The common template with the sample ward's plan (its line and the validity lines under
/// it) replaced by a blank one of the ward's own.
fn own_plan(bytes: &[u8]) -> String {
    let text = String::from_utf8_lossy(bytes);
    let mut out = Vec::new();
    let mut lines = text.lines().peekable();
    while let Some(line) = lines.next() {
        if line.starts_with(SAMPLE_PLAN) {
            out.push(OWN_PLAN.to_string());
            while lines.peek().is_some_and(|l| l.starts_with("valid_from") || l.starts_with("valid_to")) {
                lines.next();
            }
        } else {
            out.push(line.replace("; Kế hoạch 105/KH-UBND chỉ cho năm 2024.", "."));
        }
    }
    out.join("\n") + "\n"
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_national_files_are_embedded() {
        let paths: Vec<&str> = SHIPPED.iter().map(|(p, _)| *p).collect();
        for expected in [
            "config/holidays/2024.toml",
            "config/methodology/svc-766.toml",
            "config/formats/xuat-excel-tinh.toml",
            "config/templates/awards/to-trinh.toml",
            "config/facts/README.md",
            "config/procedures.toml",
        ] {
            assert!(paths.contains(&expected), "{expected} not in {paths:?}");
        }
        assert!(!paths.iter().any(|p| p.starts_with("config/facts/20")), "the sample's facts are not shipped");
        let on_disk = std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/config/holidays/2024.toml")).unwrap();
        assert_eq!(SHIPPED.iter().find(|(p, _)| *p == "config/holidays/2024.toml").unwrap().1, on_disk.as_slice());
    }

    #[test]
    fn a_new_ward_does_not_cite_the_sample_wards_plan() {
        let shipped = SHIPPED.iter().find(|(p, _)| *p == COMMON_TEMPLATE).unwrap().1;
        assert!(
            String::from_utf8_lossy(shipped).contains(SAMPLE_PLAN),
            "the shipped template changed: update OWN_PLAN"
        );
        let (_, mine) = files().find(|(p, _)| p == COMMON_TEMPLATE).unwrap();
        let mine = String::from_utf8(mine.into_owned()).unwrap();
        let table: toml::Table = mine.parse().unwrap();
        let texts: Vec<&str> =
            table["legal_basis"].as_array().unwrap().iter().map(|b| b["text"].as_str().unwrap()).collect();
        assert!(texts.iter().all(|t| !t.contains("Giếng Đáy") && !t.contains("105/KH-UBND")), "{texts:#?}");
        assert!(texts.contains(&"Căn cứ Kế hoạch số ……/KH-UBND ngày …… của Ủy ban nhân dân {ward} về phát động phong trào thi đua {movement};"));
    }

    #[test]
    fn a_new_ward_gets_the_sample_wards_plan_as_an_example_only() {
        let paths: Vec<String> = files().map(|(p, _)| p.into_owned()).collect();
        assert!(paths.contains(&format!("{EXAMPLES}/targets-2024.toml")), "{paths:?}");
        assert!(!paths.iter().any(|p| p == "config/methodology/targets-2024.toml"), "{paths:?}");
        for (path, bytes) in files().filter(|(p, _)| p.starts_with("config/methodology/")) {
            assert!(!is_plan("config/methodology/x.toml", &bytes), "{path} is a plan");
        }
        assert!(paths.contains(&"config/methodology/awards-2024.toml".to_string()));
    }
}
