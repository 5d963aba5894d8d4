//! The validated access repository: institution settings, the role
//! catalogue, units, profiles and logins as typed values. Raw shapes (as
//! written in YAML, dates still text) are deserialized from the strict
//! YAML reader's tree, one way for every reader ([`read`]);
//! [`crate::validate`] turns them into the validated types
//! once, and everything downstream (plan, review, lifecycle) only ever sees
//! the validated types.

pub mod catalog;
pub mod duties;
pub mod grants;
pub mod institution;
pub mod login;
pub mod read;
pub mod units;

use std::collections::BTreeMap;

pub use catalog::{Catalog, GrantSpec, Level, LimitKind, ParameterKind, RoleType, ScopeRule};
pub use duties::{Duty, DutyRule, SodException};
pub use grants::AlmaGrant;
pub use institution::{Connection, Environment, Institution, Reactivation, UnmanagedAccess};
pub use login::{Employment, Login, LoginKind, LoginType, Profile, RoleGrant, SuspendReason};
pub use units::{Unit, UnitFlag, Units};

/// The whole repository, validated.
#[derive(Clone, Debug)]
pub struct AccessRepo {
    pub institution: Institution,
    pub catalog: Catalog,
    pub units: Units,
    pub profiles: BTreeMap<String, Profile>,
    /// Sorted by primary id.
    pub logins: Vec<Login>,
}

impl AccessRepo {
    /// Finds a login by primary id, case-insensitively (as Alma compares ids).
    pub fn login(&self, primary_id: &str) -> Option<&Login> {
        self.logins
            .iter()
            .find(|l| l.primary_id.eq_ignore_ascii_case(primary_id))
    }
}
