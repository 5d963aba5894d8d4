//! `units.yaml`: the libraries and departments that request logins, their
//! liaisons, and the codes their logins' roles may be limited to.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// All units, by id (the folder name under `logins/`).
#[derive(Clone, Debug, Default, Deserialize, Serialize, PartialEq)]
#[serde(transparent)]
pub struct Units(pub BTreeMap<String, Unit>);

impl Units {
    pub fn get(&self, id: &str) -> Option<&Unit> {
        self.0.get(id)
    }

    pub fn ids(&self) -> impl Iterator<Item = &str> {
        self.0.keys().map(String::as_str)
    }
}

/// One unit.
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Unit {
    pub name: String,
    pub liaisons: Vec<String>,
    /// The Alma library code roles are scoped to.
    pub alma_library: String,
    #[serde(default)]
    pub circulation_desks: Vec<String>,
    #[serde(default)]
    pub departments: Vec<String>,
    #[serde(default)]
    pub po_line_owners: Vec<String>,
    #[serde(default)]
    pub work_order_departments: Vec<String>,
    #[serde(default)]
    pub flags: Vec<UnitFlag>,
}

impl Unit {
    pub fn has_flag(&self, flag: UnitFlag) -> bool {
        self.flags.contains(&flag)
    }
}

/// Flags that open role types or levels to a unit.
#[derive(Clone, Copy, Debug, Deserialize, Serialize, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[serde(rename_all = "kebab-case")]
pub enum UnitFlag {
    Finance,
    ResourceSharing,
    Systems,
}

impl UnitFlag {
    pub fn as_str(self) -> &'static str {
        match self {
            UnitFlag::Finance => "finance",
            UnitFlag::ResourceSharing => "resource-sharing",
            UnitFlag::Systems => "systems",
        }
    }
}
