//! `catalog.yaml`: the institution's role types and levels, and for each
//! level the Alma roles it grants and the restrictions that come with it.
//! This is the reviewable, linked replacement for Alma's role profiles.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::duties::DutyRule;
use super::login::{Employment, LoginKind};
use super::units::UnitFlag;

/// The catalogue: fixed login-type bundles and the role types custom logins pick from.
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq)]
pub struct Catalog {
    pub login_types: LoginTypes,
    /// Rules naming duties no login may hold together (V15), by name.
    #[serde(default)]
    pub separation_of_duties: BTreeMap<String, DutyRule>,
    #[serde(flatten)]
    pub role_types: BTreeMap<String, RoleType>,
}

/// The bundles behind `type: view | view-analytics | systems`, and the base every custom login gets.
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct LoginTypes {
    pub view: Bundle,
    #[serde(rename = "view-analytics")]
    pub view_analytics: Bundle,
    pub systems: Bundle,
    pub custom: Bundle,
}

/// A fixed set of grants.
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Bundle {
    pub label: String,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub grants: Vec<GrantSpec>,
}

/// A role type (acquisitions, fulfillment, ...), single-level or with levels.
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq)]
#[serde(try_from = "RawRoleType")]
pub struct RoleType {
    pub label: String,
    pub description: Option<String>,
    pub limited_by: Option<LimitKind>,
    pub requires_unit_flag: Option<UnitFlag>,
    pub consultation: bool,
    pub systems_approval: bool,
    pub levels: Levels,
}

/// A role type's levels: one unnamed level, or named levels.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub enum Levels {
    Single(Level),
    Named(BTreeMap<String, Level>),
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRoleType {
    label: String,
    #[serde(default)]
    description: Option<String>,
    #[serde(default)]
    limited_by: Option<LimitKind>,
    #[serde(default)]
    requires_unit_flag: Option<UnitFlag>,
    #[serde(default)]
    consultation: bool,
    #[serde(default)]
    systems_approval: bool,
    #[serde(default)]
    grants: Option<Vec<GrantSpec>>,
    #[serde(default)]
    levels: Option<BTreeMap<String, Level>>,
}

impl TryFrom<RawRoleType> for RoleType {
    type Error = String;

    fn try_from(raw: RawRoleType) -> Result<Self, String> {
        let levels =
            match (raw.grants, raw.levels) {
                (Some(grants), None) => Levels::Single(Level {
                    grants,
                    ..Level::default()
                }),
                (None, Some(levels)) => Levels::Named(levels),
                _ => return Err(
                    "a role type has either `grants` (one level) or `levels`, not both or neither"
                        .into(),
                ),
            };
        Ok(RoleType {
            label: raw.label,
            description: raw.description,
            limited_by: raw.limited_by,
            requires_unit_flag: raw.requires_unit_flag,
            consultation: raw.consultation,
            systems_approval: raw.systems_approval,
            levels,
        })
    }
}

/// Why a grant is sensitive: it needs the systems group's approval (A3).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Sensitive {
    /// It needs a consultation reference from the systems team.
    Consultation,
    /// Record loads and batch updates.
    Batch,
    /// The catalogue asks for the systems group's approval.
    SystemsApproval,
}

impl Sensitive {
    /// In a sentence: "needs a consultation".
    pub fn long(self) -> &'static str {
        match self {
            Sensitive::Consultation => "needs a consultation",
            Sensitive::Batch => "record loads and batch updates",
            Sensitive::SystemsApproval => "needs the systems group's approval",
        }
    }

    /// In a list: "consultation".
    pub fn short(self) -> &'static str {
        match self {
            Sensitive::Consultation => "consultation",
            Sensitive::Batch => "batch level",
            Sensitive::SystemsApproval => "systems approval",
        }
    }
}

impl RoleType {
    /// Looks up the level a login asks for; `None` for a single-level type.
    pub fn level(&self, name: Option<&str>) -> Option<&Level> {
        match (&self.levels, name) {
            (Levels::Single(level), None) => Some(level),
            (Levels::Named(levels), Some(name)) => levels.get(name),
            _ => None,
        }
    }

    /// The level names, empty for a single-level type.
    pub fn level_names(&self) -> Vec<&str> {
        match &self.levels {
            Levels::Single(_) => Vec::new(),
            Levels::Named(levels) => levels.keys().map(String::as_str).collect(),
        }
    }

    /// Every level with its name (`None` for a single-level type).
    pub fn all_levels(&self) -> Vec<(Option<&str>, &Level)> {
        match &self.levels {
            Levels::Single(level) => vec![(None, level)],
            Levels::Named(levels) => levels.iter().map(|(n, l)| (Some(n.as_str()), l)).collect(),
        }
    }

    /// Whether the role type or the level needs a consultation reference (rule V9).
    pub fn needs_consultation(&self, level: &Level) -> bool {
        self.consultation || level.consultation
    }

    /// Whether granting the level needs the systems group's approval (rule A3).
    pub fn needs_systems_approval(&self, level: &Level) -> bool {
        !self.sensitive(level).is_empty()
    }

    /// Why granting the level needs the systems group's approval (rule
    /// A3), in the catalogue's order; empty when it does not.
    pub fn sensitive(&self, level: &Level) -> Vec<Sensitive> {
        let mut why = Vec::new();
        if self.needs_consultation(level) {
            why.push(Sensitive::Consultation);
        }
        if level.requires_batch_attestation {
            why.push(Sensitive::Batch);
        }
        if self.systems_approval || level.systems_approval {
            why.push(Sensitive::SystemsApproval);
        }
        why
    }

    /// The unit flag the role type or level is reserved for (rule V10).
    pub fn unit_flag(&self, level: &Level) -> Option<UnitFlag> {
        level.requires_unit_flag.or(self.requires_unit_flag)
    }
}

/// One level of a role type.
#[derive(Clone, Debug, Default, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Level {
    #[serde(default)]
    pub label: Option<String>,
    #[serde(default)]
    pub description: Option<String>,
    pub grants: Vec<GrantSpec>,
    #[serde(default)]
    pub only_login: Option<LoginKind>,
    #[serde(default)]
    pub business_need_for: Vec<Employment>,
    #[serde(default)]
    pub requires_batch_attestation: bool,
    #[serde(default)]
    pub requires_unit_flag: Option<UnitFlag>,
    #[serde(default)]
    pub consultation: bool,
    #[serde(default)]
    pub systems_approval: bool,
    /// Grants of this level need `until`, at most this many days after
    /// the day they are validated (R12).
    #[serde(default)]
    pub max_days: Option<u32>,
}

/// The list that limits a role type: the "currently at" desks or departments, or PO line owners.
#[derive(Clone, Copy, Debug, Deserialize, Serialize, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[serde(rename_all = "snake_case")]
pub enum LimitKind {
    PoLineOwners,
    CirculationDesks,
    Departments,
}

impl LimitKind {
    pub const ALL: [LimitKind; 3] = [
        LimitKind::PoLineOwners,
        LimitKind::CirculationDesks,
        LimitKind::Departments,
    ];

    /// The key used in login files and units.yaml.
    pub fn key(self) -> &'static str {
        match self {
            LimitKind::PoLineOwners => "po_line_owners",
            LimitKind::CirculationDesks => "circulation_desks",
            LimitKind::Departments => "departments",
        }
    }
}

/// One Alma role a level grants.
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct GrantSpec {
    /// The Alma role type code (code table `HFrUserRoles.roleType`).
    pub alma_role: String,
    #[serde(default)]
    pub name: Option<String>,
    pub scope: ScopeRule,
    #[serde(default)]
    pub parameter: Option<ParameterKind>,
}

/// How a grant's Alma scope is chosen.
#[derive(Clone, Copy, Debug, Deserialize, Serialize, PartialEq, Eq)]
#[serde(rename_all = "kebab-case")]
pub enum ScopeRule {
    /// The institution code.
    Institution,
    /// The unit's `alma_library`.
    Library,
    /// The library of the login's circulation desks (the unit's `alma_library`).
    DeskLibrary,
    /// One role per PO line owner the login lists, scoped to that code.
    PoLineOwner,
}

/// The Alma role parameter a grant carries, one per code of the matching limit.
#[derive(Clone, Copy, Debug, Deserialize, Serialize, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ParameterKind {
    CirculationDesk,
    ServiceUnit,
}

impl ParameterKind {
    /// The Alma parameter type name.
    pub fn as_str(self) -> &'static str {
        match self {
            ParameterKind::CirculationDesk => "CirculationDesk",
            ParameterKind::ServiceUnit => "ServiceUnit",
        }
    }

    /// The limit whose codes become the parameter values.
    pub fn limit(self) -> LimitKind {
        match self {
            ParameterKind::CirculationDesk => LimitKind::CirculationDesks,
            ParameterKind::ServiceUnit => LimitKind::Departments,
        }
    }
}
