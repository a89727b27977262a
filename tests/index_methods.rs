//! The index engine against hand-computed tables: every shipped methodology has a fixture
//! (`tests/fixtures/methods/<id>/`: input.csv, expected.csv and the hand computation in
//! README.md), and `thidua score` must reproduce it, ties included.

use std::collections::HashMap;
use std::process::Command;

use crate::common::{copy_dir, repo};

fn read_csv(text: &str) -> Vec<HashMap<String, String>> {
    let mut lines = text.lines().filter(|l| !l.trim().is_empty());
    let header: Vec<String> = lines.next().unwrap().split(',').map(|s| s.trim().to_string()).collect();
    lines
        .map(|l| header.iter().cloned().zip(l.split(',').map(|s| s.trim().trim_matches('"').to_string())).collect())
        .collect()
}

fn close(a: &str, b: &str, tol: f64) -> bool {
    match (a.parse::<f64>(), b.parse::<f64>()) {
        (Ok(x), Ok(y)) => (x - y).abs() <= tol,
        _ => a == b,
    }
}

#[test]
fn score_reproduces_every_hand_computed_table() {
    let dir = repo().join("tests/fixtures/methods");
    let mut checked = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let case = entry.unwrap().path();
        let id = case.file_name().unwrap().to_string_lossy().into_owned();
        let out = Command::new(env!("CARGO_BIN_EXE_thidua"))
            .current_dir(repo())
            .args(["score", "--method", &id, "--input"])
            .arg(case.join("input.csv"))
            .output()
            .unwrap();
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(out.status.success(), "{id}: {}", String::from_utf8_lossy(&out.stderr));
        let got = read_csv(&stdout);
        let want = read_csv(&std::fs::read_to_string(case.join("expected.csv")).unwrap());
        assert_eq!(got.len(), want.len(), "{id}: rows\n{stdout}");
        for (g, w) in got.iter().zip(&want) {
            for (col, expected) in w {
                let actual = g.get(col).unwrap_or_else(|| panic!("{id}: no column {col} in output"));
                let tol = if col == "total" { 1e-6 } else { 1e-4 };
                assert!(close(actual, expected, tol), "{id}, unit {}, {col}: got {actual}, want {expected}", w["unit"]);
            }
        }
        checked += 1;
    }
    assert!(checked >= 6, "a fixture for each shipped index methodology, found {checked}");
}

#[test]
fn a_broken_methodology_is_named_with_its_line() {
    let dir = tempfile::tempdir().unwrap();
    for sub in ["config", "pipelines"] {
        copy_dir(&repo().join(sub), &dir.path().join(sub));
    }
    let broken = "id = \"hong\"\nname = \"Thử\"\ndecision = \"—\"\nvalid_from = 2024-01-01\nindex = \"par\"\n\
                  total = \"sum\"\nscale = 100.0\nprecision = 2\n\n[[component]]\ncode = \"a\"\nname = \"A\"\n\
                  max_points = 10.0\noperator = \"threshold\"\n\n[[component]]\ncode = \"b\"\nname = \"B\"\n\
                  max_points = 5.0\noperator = \"points\"\nparent = \"khong_co\"\n";
    std::fs::write(dir.path().join("config/methodology/hong.toml"), broken).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_thidua")).current_dir(dir.path()).arg("check").output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(3), "{stderr}");
    assert!(
        stderr.contains("config/methodology/hong.toml:10: thành phần a: operator = \"threshold\" cần threshold"),
        "{stderr}"
    );
    assert!(
        stderr.contains("config/methodology/hong.toml:16: thành phần b: parent \"khong_co\" không tồn tại"),
        "{stderr}"
    );
}

/// The province publishes its DTI table without the "đô thị thông minh" column, which the
/// methodology tracks at 0 points: the table is scored as it is, to the same totals.
#[test]
fn a_published_table_without_a_component_worth_nothing_is_scored() {
    let case = repo().join("tests/fixtures/methods/dti-province-922");
    let text = std::fs::read_to_string(case.join("input.csv")).unwrap();
    let rows: Vec<Vec<&str>> = text.lines().map(|l| l.split(',').collect()).collect();
    let drop = rows[0].iter().position(|h| *h == "do_thi_thong_minh").unwrap();
    let without: String = rows
        .iter()
        .map(|r| r.iter().enumerate().filter(|(i, _)| *i != drop).map(|(_, v)| *v).collect::<Vec<_>>().join(","))
        .collect::<Vec<_>>()
        .join("\n");
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("input.csv"), without).unwrap();
    let score = |input: &std::path::Path| {
        let out = Command::new(env!("CARGO_BIN_EXE_thidua"))
            .current_dir(repo())
            .args(["score", "--method", "dti-province-922", "--input"])
            .arg(input)
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        read_csv(&String::from_utf8_lossy(&out.stdout))
            .into_iter()
            .map(|r| (r["unit"].clone(), r["total"].clone()))
            .collect::<Vec<_>>()
    };
    assert_eq!(score(&dir.path().join("input.csv")), score(&case.join("input.csv")));
}
