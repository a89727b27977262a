//! After the 1/7/2025 merger, exports that still name Giếng Đáy's units land on their
//! successors in Việt Hưng ward, so this year's figures line up with last year's.

use std::collections::BTreeMap;

use thidua::config::load_checked as load_config;
use thidua::dataset::Dataset;
use thidua::ingest;
use thidua::period::Period;
use thidua::pull::Fetched;
use thidua::pull::{Location, Source};

use crate::common::repo;

#[test]
fn old_unit_names_resolve_to_their_successors_after_the_merger() {
    let config = load_config(&repo().join("config/thidua.toml")).unwrap();
    let csv = "MaHoSo,DonViXuLy,NgayTiepNhan\n\
               A,Bộ phận Tư pháp - Hộ tịch,05/08/2025 08:00:00\n\
               B,DCXD,06/08/2025 08:00:00\n\
               C,Phòng Văn hóa - Xã hội phường Việt Hưng,07/08/2025 08:00:00\n";
    let period = Period::new(2025, 8).unwrap();
    let source = Source {
        id: "ho-so".into(),
        dataset: Dataset::Dossiers,
        location: Location::File { glob: String::new() },
        required: true,
        profile: None,
        columns: BTreeMap::new(),
    };
    let name = "ho-so-2025-08.csv";
    let fetched = Fetched::from_bytes(source, name, &format!("drop/{name}"), period, csv.as_bytes().to_vec());
    let ctx = ingest::Context {
        registry: &config.registry,
        period,
        now: chrono::NaiveDate::from_ymd_opt(2025, 9, 5).unwrap().and_hms_opt(8, 0, 0).unwrap(),
        tz: chrono_tz::Asia::Ho_Chi_Minh,
        profiles: &config.formats,
        whole_file: false,
    };
    let got = ingest::ingest(&[fetched], &ctx).unwrap();
    let codes: Vec<Option<String>> = got
        .table(Dataset::Dossiers)
        .unwrap()
        .column("unit_code")
        .unwrap()
        .str()
        .unwrap()
        .iter()
        .map(|c| c.map(str::to_string))
        .collect();
    assert_eq!(codes, [Some("VH.VP".into()), Some("VH.KT".into()), Some("VH.VHXH".into())]);
    // The same names in 2024 are the old units.
    let before =
        config.registry.resolve("Bộ phận Tư pháp - Hộ tịch", Period::new(2024, 8).unwrap().last_day()).unwrap();
    assert_eq!(before.code, "TPHT");
}
