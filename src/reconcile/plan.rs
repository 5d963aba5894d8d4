//! Plans as typed values: per environment and user, the roles as read, the
//! roles after the change, and each change with its reason. A plan is what
//! `plan` shows and what `apply` does, nothing more; saved as JSON it is
//! bound to the commit it was made from and to a fingerprint of each user's
//! roles as read, so a stale plan is refused.

use std::collections::BTreeMap;
use std::fmt;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::alma::{Role, RoleStatus};
use crate::lifecycle::Standing;

/// The version of the plan file format.
pub const FORMAT: u32 = 2;

/// What one change does to one role.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(tag = "action", rename_all = "kebab-case")]
pub enum ChangeKind {
    Add,
    Remove,
    Activate,
    Deactivate,
    Expiry {
        from: Option<NaiveDate>,
        to: Option<NaiveDate>,
    },
    /// Extra identical copies of a role Alma carries are dropped.
    Deduplicate {
        copies: usize,
    },
}

impl ChangeKind {
    pub fn label(&self) -> &'static str {
        match self {
            ChangeKind::Add => "add",
            ChangeKind::Remove => "remove",
            ChangeKind::Activate => "activate",
            ChangeKind::Deactivate => "deactivate",
            ChangeKind::Expiry { .. } => "expiry",
            ChangeKind::Deduplicate { .. } => "deduplicate",
        }
    }
}

/// One change with the reason for it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Change {
    #[serde(flatten)]
    pub kind: ChangeKind,
    pub role: Role,
    pub reason: String,
}

/// What happens to one user.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum UserStatus {
    /// Alma already matches.
    Unchanged,
    /// Roles change.
    Changed,
    /// The login has a file but Alma has no such user yet (R1): nothing to do until the feed creates it.
    Waiting,
    /// The repository grants a role Alma does not have (a role type,
    /// library or desk): nothing of this user is applied until it is fixed.
    Blocked,
}

/// The plan for one user in one environment.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserPlan {
    pub environment: String,
    pub primary_id: String,
    /// The login file; `None` when the file was deleted (R9).
    pub file: Option<String>,
    pub unit: Option<String>,
    pub status: UserStatus,
    /// The login's standing on the plan's day (absent when the file was deleted).
    pub standing: Option<Standing>,
    /// Things a person should know (awaiting a reactivation request, roles Alma cannot strip).
    pub notes: Vec<String>,
    /// Every role as read from Alma (preserved ones and duplicates included), sorted.
    pub before: Vec<Role>,
    /// Every role once applied.
    pub after: Vec<Role>,
    pub changes: Vec<Change>,
    /// A fingerprint of the roles as read; apply refuses to write if they changed since.
    pub fingerprint: Option<String>,
    /// What the login asks for, in the catalogue's words (absent when the file was deleted).
    #[serde(default)]
    pub requested: Option<super::requested::Requested>,
    /// What this change asks for that the reviewed version did not (on a
    /// plan of a change; empty otherwise).
    #[serde(default)]
    pub request_changes: Vec<String>,
    /// For a login waiting for its Alma account: the roles it will get.
    #[serde(default)]
    pub pending: Vec<Role>,
}

/// How much of the repository a plan covers.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Scope {
    /// Every login (drift detection).
    Full,
    /// Logins changed since a revision.
    ChangedSince { base: String, files: usize },
    /// Logins named on the command line.
    Only { paths: Vec<String> },
}

/// API calls one environment used.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Calls {
    /// Every call, retries included.
    pub used: u64,
    pub remaining: Option<u64>,
    /// Of those, the pages of the user listing (full scans).
    pub listing: u64,
    /// Of those, the reads of staff users without a login file (full scans).
    pub unmanaged_reads: u64,
    /// Of those, the reads of Alma's configuration (role types, libraries, desks).
    pub config: u64,
    /// Requests Alma throttled (HTTP 429) during the plan.
    #[serde(default)]
    pub throttled: u64,
    /// The lowest rate (requests per second) the client slowed to because
    /// Alma throttled it; none when it kept its configured rate.
    #[serde(default)]
    pub slowed_to: Option<f64>,
}

/// The `institution.yaml` safety setting a stop comes from (R10).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub enum SafetyRule {
    /// More losses of access in one environment than `max_removals.count`.
    #[serde(rename = "max_removals.count")]
    MaxRemovalsCount,
    /// A larger share of the environment's managed roles than `max_removals.ratio`.
    #[serde(rename = "max_removals.ratio")]
    MaxRemovalsRatio,
    /// Too few active holders left of a critical role.
    #[serde(rename = "min_holders")]
    MinHolders,
    /// A change to a user managed by hand only.
    #[serde(rename = "protected_users")]
    ProtectedUsers,
}

impl SafetyRule {
    pub fn as_str(self) -> &'static str {
        match self {
            SafetyRule::MaxRemovalsCount => "max_removals.count",
            SafetyRule::MaxRemovalsRatio => "max_removals.ratio",
            SafetyRule::MinHolders => "min_holders",
            SafetyRule::ProtectedUsers => "protected_users",
        }
    }

    /// A cap on mass losses of access, which an intended mass change may
    /// override (`apply --allow-mass-change REASON`); the other stops never yield.
    pub fn is_cap(self) -> bool {
        matches!(
            self,
            SafetyRule::MaxRemovalsCount | SafetyRule::MaxRemovalsRatio
        )
    }
}

impl fmt::Display for SafetyRule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A reason the plan must not be applied (R10).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SafetyStop {
    pub rule: SafetyRule,
    pub message: String,
}

/// One environment's losses of access (removals, deactivations, expiry
/// dates moved earlier) against the managed roles it holds in all (R10).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Losses {
    pub count: usize,
    /// Every managed role of the institution in this environment, whatever
    /// the plan's scope: as read for the users planned, as the repository
    /// grants them for the rest.
    pub managed: usize,
}

/// How far a change to a shared file reaches.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Blast {
    /// The file inside the access folder, e.g. `catalog.yaml`.
    pub file: String,
    /// Logins the change concerns.
    pub logins: usize,
    /// Of those, the logins whose roles change in Alma (in any environment).
    pub changed: usize,
    /// Role changes among them, over every environment.
    pub roles: usize,
}

/// A whole plan.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Plan {
    pub format: u32,
    /// The commit the access files were read at, when in a git repository.
    pub commit: Option<String>,
    pub today: NaiveDate,
    pub institution: String,
    pub environments: Vec<String>,
    pub scope: Scope,
    /// Sorted by environment order, then primary id.
    pub users: Vec<UserPlan>,
    pub calls: BTreeMap<String, Calls>,
    pub safety: Vec<SafetyStop>,
    /// Users that could not be read: the plan is incomplete and is not applied.
    pub errors: Vec<ReadFailure>,
    /// The Alma host each environment was read from.
    pub hosts: BTreeMap<String, String>,
    /// What a reviewer must know about how the plan was made.
    pub notices: Vec<String>,
    /// Per environment, the losses of access the caps count.
    pub losses: BTreeMap<String, Losses>,
    /// The caps in force (`safety.max_removals`), as the plan was checked against.
    pub caps: Option<crate::model::institution::MaxRemovals>,
    /// The reach of each changed shared file (institution, catalogue, units, profiles).
    pub blast: Vec<Blast>,
    /// Staff users without a login file who hold managed roles (full scans, R11).
    pub unmanaged: Vec<super::unmanaged::UnmanagedUser>,
    /// Roles the repository grants that Alma lacks, and roles users hold that Alma will refuse.
    pub config: Vec<super::config::ConfigFinding>,
    /// Role names from Alma's role type table, by code.
    pub role_names: BTreeMap<String, String>,
}

/// A user whose roles could not be read (never taken for "no roles", R10).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReadFailure {
    pub environment: String,
    pub primary_id: String,
    pub message: String,
}

impl Plan {
    pub fn changed(&self) -> impl Iterator<Item = &UserPlan> {
        self.users
            .iter()
            .filter(|u| u.status == UserStatus::Changed)
    }

    pub fn has_changes(&self) -> bool {
        self.changed().next().is_some()
    }

    /// The digest written into a saved plan and checked when it is loaded.
    pub fn digest(&self) -> String {
        let body = serde_json::to_vec(self).expect("plans serialize");
        hex(&Sha256::digest(&body))
    }
}

/// A plan as saved to a file: the plan and its digest.
#[derive(Debug, Serialize, Deserialize)]
pub struct SavedPlan {
    pub plan: Plan,
    pub digest: String,
}

/// Roles sorted, parameters too, duplicates kept.
pub fn sorted(roles: &[Role]) -> Vec<Role> {
    let mut sorted = roles.to_vec();
    for role in &mut sorted {
        role.parameters.sort();
    }
    sorted.sort();
    sorted
}

/// A fingerprint of a user's roles as read: sorted (duplicates kept, so a
/// copy added by hand also counts as a change), hashed.
pub fn fingerprint(roles: &[Role]) -> String {
    let body = serde_json::to_vec(&sorted(roles)).expect("roles serialize");
    hex(&Sha256::digest(&body))[..16].to_string()
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// A role in one line, e.g. `221 @ MAIN [CirculationDesk=MAIN_CIRC] ACTIVE until 2027-05-31`.
pub struct RoleLine<'a>(pub &'a Role, pub Option<&'a str>);

impl fmt::Display for RoleLine<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let Role {
            role_type,
            scope,
            status,
            expiry_date,
            parameters,
        } = self.0;
        write!(f, "{role_type}")?;
        if let Some(name) = self.1 {
            write!(f, " {name}")?;
        }
        write!(f, " @ {scope}")?;
        if !parameters.is_empty() {
            let p: Vec<String> = parameters
                .iter()
                .map(|p| format!("{}={}", p.kind, p.value))
                .collect();
            write!(f, " [{}]", p.join(", "))?;
        }
        write!(
            f,
            " {}",
            if *status == RoleStatus::Active {
                "ACTIVE"
            } else {
                "INACTIVE"
            }
        )?;
        if let Some(d) = expiry_date {
            write!(f, " until {d}")?;
        }
        Ok(())
    }
}
