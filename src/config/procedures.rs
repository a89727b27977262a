//! The catalogue of administrative procedures (TTHC) the ward handles.
//!
//! The 766 rules judge a dossier without a due date by the working days it took against the
//! procedure's legal maximum, which exports do not carry: the catalogue supplies it.

use std::collections::HashMap;
use std::path::Path;

use serde::Deserialize;

use super::diag::Diagnostics;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CatalogueSpec {
    #[serde(default)]
    procedure: Vec<Procedure>,
}

#[derive(Deserialize, Debug, Clone)]
#[serde(deny_unknown_fields)]
pub struct Procedure {
    pub code: String,
    pub name: String,
    pub field: String,
    /// Legal maximum processing time in working days.
    pub max_days: u32,
    #[serde(default)]
    pub has_fee: bool,
}

#[derive(Debug, Clone, Default)]
pub struct Procedures {
    by_code: HashMap<String, Procedure>,
}

impl Procedures {
    pub fn load(root: &Path, path: &Path, diag: &mut Diagnostics) -> Procedures {
        let mut by_code = HashMap::new();
        if let Some((src, spec)) = diag.parse::<CatalogueSpec>(root, path) {
            for p in spec.procedure {
                let code = p.code.clone();
                if by_code.insert(code.clone(), p).is_some() {
                    let at = src.text.find(&format!("\"{code}\"")).unwrap_or(0);
                    diag.at(&src, &(at..at), format!("mã thủ tục trùng: {code}"));
                }
            }
        }
        Procedures { by_code }
    }

    pub fn from_list(list: Vec<Procedure>) -> Procedures {
        Procedures { by_code: list.into_iter().map(|p| (p.code.clone(), p)).collect() }
    }

    pub fn get(&self, code: &str) -> Option<&Procedure> {
        self.by_code.get(code)
    }

    pub fn iter(&self) -> impl Iterator<Item = &Procedure> {
        self.by_code.values()
    }
}
