//! The ward's units and officers, validated (S9 in DATA-SOURCES.md): who exports name, and
//! who is ranked and awarded. Loading and checking them is configuration's job
//! (`config/registry.rs`); every stage that resolves a name or labels a unit reads them, so
//! the types sit at the bottom.
//!
//! Units are dated. Exports name a unit in many spellings (codes, full names, short names,
//! other Unicode forms, stray spaces), so every name and alias is reduced to one key
//! ([`name_key`]) and looked up among the units valid on the day in question; after the
//! 1/7/2025 merger an old unit resolves to its `successor`, so history stays comparable.

use std::collections::HashMap;

use chrono::NaiveDate;
use serde::Deserialize;
use unicode_normalization::UnicodeNormalization;

use crate::validity::Validity;

/// What kind of collective a unit is (section II.1 of the plan).
#[derive(Deserialize, serde::Serialize, Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
#[serde(rename_all = "snake_case")]
pub enum UnitKind {
    Leadership,
    Department,
    OneStop,
    Police,
    HealthStation,
    Front,
    MassOrganisation,
    Quarter,
}

impl UnitKind {
    pub const ALL: [UnitKind; 8] = [
        UnitKind::Leadership,
        UnitKind::Department,
        UnitKind::OneStop,
        UnitKind::Police,
        UnitKind::HealthStation,
        UnitKind::Front,
        UnitKind::MassOrganisation,
        UnitKind::Quarter,
    ];

    /// The value as `config/units.toml` writes it (`kind = "one_stop"`).
    pub fn key(self) -> &'static str {
        match self {
            UnitKind::Leadership => "leadership",
            UnitKind::Department => "department",
            UnitKind::OneStop => "one_stop",
            UnitKind::Police => "police",
            UnitKind::HealthStation => "health_station",
            UnitKind::Front => "front",
            UnitKind::MassOrganisation => "mass_organisation",
            UnitKind::Quarter => "quarter",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            UnitKind::Leadership => "Lãnh đạo UBND",
            UnitKind::Department => "Bộ phận chuyên môn",
            UnitKind::OneStop => "Bộ phận Một cửa",
            UnitKind::Police => "Công an",
            UnitKind::HealthStation => "Trạm Y tế",
            UnitKind::Front => "Mặt trận Tổ quốc",
            UnitKind::MassOrganisation => "Tổ chức chính trị - xã hội",
            UnitKind::Quarter => "Khu phố",
        }
    }
}

#[derive(Deserialize, serde::Serialize, Debug, Clone, Copy, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum Gender {
    Female,
    Male,
}

#[derive(Debug, Clone)]
pub struct Unit {
    pub code: String,
    pub name: String,
    /// What a tab or a tight column calls the unit ("Tư pháp - Hộ tịch"); its name unless
    /// `units.toml` gives one.
    pub short_name: String,
    pub kind: UnitKind,
    pub aliases: Vec<String>,
    pub head: Option<String>,
    pub head_email: Option<lettre::Address>,
    pub par_rated: bool,
    pub handles_dossiers: bool,
    pub valid: Validity,
    pub successor: Option<String>,
}

impl Unit {
    pub fn valid_on(&self, day: NaiveDate) -> bool {
        self.valid.contains(day)
    }
}

#[derive(Debug, Clone)]
pub struct Officer {
    pub id: String,
    pub name: String,
    pub unit: String,
    pub position: String,
    pub email: Option<lettre::Address>,
    pub gender: Gender,
    pub active: Validity,
}

/// Units and officers, validated.
#[derive(Debug, Clone, Default)]
pub struct Registry {
    pub units: Vec<Unit>,
    pub officers: Vec<Officer>,
    by_key: HashMap<String, Vec<usize>>,
}

/// The lookup key of a unit name: NFC, lower case, one space between words, one kind of dash.
pub fn name_key(name: &str) -> String {
    let nfc: String = name.nfc().collect::<String>().to_lowercase();
    nfc.replace(['–', '—', '‑'], "-").split_whitespace().collect::<Vec<_>>().join(" ")
}

impl Registry {
    /// Builds a registry from validated units and officers.
    pub fn from_units(units: Vec<Unit>, officers: Vec<Officer>) -> Registry {
        let mut reg = Registry { units, officers, by_key: HashMap::new() };
        reg.index();
        reg
    }

    fn index(&mut self) {
        self.by_key.clear();
        for (i, u) in self.units.iter().enumerate() {
            let names = [&u.code, &u.name].into_iter().chain(&u.aliases);
            for n in names {
                let entry = self.by_key.entry(name_key(n)).or_default();
                if !entry.contains(&i) {
                    entry.push(i);
                }
            }
        }
    }

    pub fn unit(&self, code: &str) -> Option<&Unit> {
        self.units.iter().find(|u| u.code == code)
    }

    pub fn officer(&self, id: &str) -> Option<&Officer> {
        self.officers.iter().find(|o| o.id == id)
    }

    /// The unit that carries `code` on `day`: itself while valid, else its successor's line
    /// (a unit merged away hands its history to the one it merged into).
    pub fn successor_on(&self, code: &str, day: NaiveDate) -> Option<&Unit> {
        let mut unit = self.unit(code)?;
        for _ in 0..8 {
            if unit.valid_on(day) || !unit.valid.ended_before(day) {
                break;
            }
            unit = unit.successor.as_deref().and_then(|s| self.unit(s))?;
        }
        unit.valid_on(day).then_some(unit)
    }

    /// The units whose line ends in `code` (merged into it, directly or through others).
    pub fn predecessors(&self, code: &str) -> Vec<&Unit> {
        let Some(target) = self.unit(code) else { return Vec::new() };
        self.units
            .iter()
            .filter(|u| u.code != code && u.valid.to.is_some())
            .filter(|u| self.successor_on(&u.code, target.valid.from).is_some_and(|s| s.code == code))
            .collect()
    }

    /// The unit a name from an export means on `day`, following successors after a merger.
    pub fn resolve(&self, name: &str, day: NaiveDate) -> Option<&Unit> {
        let candidates = self.by_key.get(&name_key(name))?;
        let mut unit = candidates
            .iter()
            .map(|&i| &self.units[i])
            .find(|u| u.valid_on(day))
            .or_else(|| candidates.first().map(|&i| &self.units[i]))?;
        // Follow the successor chain (bounded: a cycle is a config error caught by check).
        for _ in 0..8 {
            if unit.valid_on(day) {
                break;
            }
            match unit.successor.as_deref().and_then(|s| self.unit(s)) {
                Some(next) if unit.valid.ended_before(day) => unit = next,
                _ => break,
            }
        }
        unit.valid_on(day).then_some(unit)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_key_reads_back_as_its_kind() {
        #[derive(Deserialize)]
        struct One {
            kind: UnitKind,
        }
        for kind in UnitKind::ALL {
            let one: One = toml::from_str(&format!("kind = \"{}\"", kind.key())).unwrap();
            assert_eq!(one.kind, kind);
        }
    }
}
