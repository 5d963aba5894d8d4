//! Login files (`logins/<unit>/<primary_id>.yaml`) and profiles
//! (`profiles/<name>.yaml`): the raw shapes as written, and the validated
//! [`Login`] with its profile merged in, dates parsed and defaults applied.

use std::collections::BTreeMap;

/// The `manager` that `import` writes into the files it makes, to be
/// replaced before the pull request. It has the form of a handle but GitHub
/// never issues it (no account name holds two hyphens in a row), so nobody
/// can register it and approve imported logins; the approvals check never
/// counts it.
pub const MANAGER_PLACEHOLDER: &str = "set--manager";

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::duties::{RawSodException, SodException};

/// Staff, student or temporary worker.
#[derive(Clone, Copy, Debug, Deserialize, Serialize, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[serde(rename_all = "kebab-case")]
pub enum Employment {
    Staff,
    Student,
    Temp,
}

impl Employment {
    pub fn as_str(self) -> &'static str {
        match self {
            Employment::Staff => "staff",
            Employment::Student => "student",
            Employment::Temp => "temp",
        }
    }
}

/// A personal login, or one shared by a circulation terminal.
#[derive(Clone, Copy, Debug, Deserialize, Serialize, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[serde(rename_all = "kebab-case")]
pub enum LoginKind {
    Personal,
    SharedDesk,
}

impl LoginKind {
    pub fn as_str(self) -> &'static str {
        match self {
            LoginKind::Personal => "personal",
            LoginKind::SharedDesk => "shared-desk",
        }
    }
}

/// The login model: three fixed bundles, or custom role types.
#[derive(Clone, Copy, Debug, Deserialize, Serialize, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[serde(rename_all = "kebab-case")]
pub enum LoginType {
    View,
    ViewAnalytics,
    Systems,
    Custom,
}

impl LoginType {
    pub fn as_str(self) -> &'static str {
        match self {
            LoginType::View => "view",
            LoginType::ViewAnalytics => "view-analytics",
            LoginType::Systems => "systems",
            LoginType::Custom => "custom",
        }
    }
}

/// Why a login's roles were deactivated.
#[derive(Clone, Copy, Debug, Deserialize, Serialize, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[serde(rename_all = "kebab-case")]
pub enum SuspendReason {
    Inactivity,
    ManagerRequest,
    Security,
    Other,
}

/// A role type request as written under `roles:` in a login or profile.
#[derive(Clone, Debug, Default, Deserialize, Serialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct RawRoleRequest {
    #[serde(default)]
    pub level: Option<String>,
    #[serde(default)]
    pub po_line_owners: Option<Vec<String>>,
    #[serde(default)]
    pub circulation_desks: Option<Vec<String>>,
    #[serde(default)]
    pub departments: Option<Vec<String>>,
    #[serde(default)]
    pub batch_attestation: Option<RawAttestation>,
    #[serde(default)]
    pub consultation: Option<String>,
    /// The last day of this grant (R12).
    #[serde(default)]
    pub until: Option<String>,
}

#[derive(Clone, Debug, Default, Deserialize, Serialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct RawAttestation {
    pub documentation_read: bool,
    pub sandbox_tested_on: String,
}

/// An Alma role granted outside the catalogue, after consultation.
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq, Eq, PartialOrd, Ord)]
#[serde(deny_unknown_fields)]
pub struct AdditionalRole {
    pub alma_role: String,
    pub scope: String,
    pub consultation: String,
    #[serde(default)]
    pub parameters: Vec<AdditionalParameter>,
}

#[derive(Clone, Debug, Deserialize, Serialize, PartialEq, Eq, PartialOrd, Ord)]
#[serde(deny_unknown_fields)]
pub struct AdditionalParameter {
    #[serde(rename = "type")]
    pub kind: String,
    pub value: String,
}

#[derive(Clone, Debug, Deserialize, Serialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct RawLeave {
    pub from: String,
    #[serde(default)]
    pub until: Option<String>,
}

#[derive(Clone, Debug, Deserialize, Serialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct RawSuspension {
    pub since: String,
    pub reason: SuspendReason,
    #[serde(default)]
    pub note: Option<String>,
}

/// A login file as written.
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct RawLogin {
    pub primary_id: String,
    pub name: String,
    #[serde(default)]
    pub email: Option<String>,
    pub unit: String,
    #[serde(default)]
    pub github: Option<String>,
    #[serde(default)]
    pub employment: Option<Employment>,
    #[serde(default)]
    pub login: Option<LoginKind>,
    #[serde(default, rename = "type")]
    pub kind: Option<LoginType>,
    pub manager: String,
    pub liaison: String,
    #[serde(default)]
    pub environments: Option<Vec<String>>,
    #[serde(default)]
    pub profile: Option<String>,
    #[serde(default)]
    pub roles: BTreeMap<String, RawRoleRequest>,
    #[serde(default)]
    pub work_order_departments: Option<Vec<String>>,
    #[serde(default)]
    pub additional_roles: Vec<AdditionalRole>,
    #[serde(default)]
    pub training: BTreeMap<String, String>,
    #[serde(default)]
    pub start_date: Option<String>,
    #[serde(default)]
    pub end_date: Option<String>,
    #[serde(default)]
    pub leave: Option<RawLeave>,
    #[serde(default)]
    pub suspended: Option<RawSuspension>,
    #[serde(default)]
    pub review_by: Option<String>,
    #[serde(default)]
    pub business_need: Option<String>,
    #[serde(default)]
    pub consultation: Option<String>,
    #[serde(default)]
    pub sod_exceptions: Vec<RawSodException>,
    #[serde(default)]
    pub notes: Option<String>,
}

/// A profile: a pre-filled request logins can start from.
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Profile {
    pub description: String,
    #[serde(default)]
    pub employment: Option<Employment>,
    #[serde(default)]
    pub login: Option<LoginKind>,
    #[serde(default, rename = "type")]
    pub kind: Option<LoginType>,
    #[serde(default)]
    pub roles: BTreeMap<String, RawRoleRequest>,
    #[serde(default)]
    pub work_order_departments: Option<Vec<String>>,
    #[serde(default)]
    pub environments: Option<Vec<String>>,
    #[serde(default)]
    pub business_need: Option<String>,
    /// Units that may use the profile; empty means any unit.
    #[serde(default)]
    pub units: Vec<String>,
}

/// A validated role type grant of a login.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct RoleGrant {
    pub level: Option<String>,
    pub po_line_owners: Vec<String>,
    pub circulation_desks: Vec<String>,
    pub departments: Vec<String>,
    pub batch_attestation: Option<Attestation>,
    pub consultation: Option<String>,
    /// The last day of the grant (R12): its roles expire then and go after it.
    pub until: Option<NaiveDate>,
    /// The grant comes from the login's profile, not from the login file itself.
    pub from_profile: bool,
}

impl RoleGrant {
    /// The codes the login lists for a limit.
    pub fn limit(&self, kind: super::LimitKind) -> &[String] {
        match kind {
            super::LimitKind::PoLineOwners => &self.po_line_owners,
            super::LimitKind::CirculationDesks => &self.circulation_desks,
            super::LimitKind::Departments => &self.departments,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Attestation {
    pub documentation_read: bool,
    pub sandbox_tested_on: NaiveDate,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Leave {
    pub from: NaiveDate,
    pub until: Option<NaiveDate>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Suspension {
    pub since: NaiveDate,
    pub reason: SuspendReason,
    pub note: Option<String>,
}

/// A validated login: profile merged, defaults applied, dates parsed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Login {
    /// The file it was read from, as shown in diagnostics.
    pub file: String,
    pub primary_id: String,
    pub name: String,
    pub email: Option<String>,
    pub unit: String,
    pub github: Option<String>,
    pub employment: Employment,
    pub login: LoginKind,
    #[serde(rename = "type")]
    pub kind: LoginType,
    pub manager: String,
    pub liaison: String,
    /// The environments the login applies to (its own, its profile's, or the institution's default).
    pub environments: Vec<String>,
    pub profile: Option<String>,
    /// Boxed: a B-tree node holds room for eleven values, and most logins hold
    /// one to four grants.
    pub roles: BTreeMap<String, Box<RoleGrant>>,
    pub work_order_departments: Vec<String>,
    pub additional_roles: Vec<AdditionalRole>,
    pub training: BTreeMap<String, NaiveDate>,
    pub start_date: Option<NaiveDate>,
    pub end_date: Option<NaiveDate>,
    pub leave: Option<Leave>,
    pub suspended: Option<Suspension>,
    pub review_by: Option<NaiveDate>,
    pub business_need: Option<String>,
    pub consultation: Option<String>,
    /// Separation-of-duties rules the login may break, and why (V15).
    pub sod_exceptions: Vec<SodException>,
    pub notes: Option<String>,
}
