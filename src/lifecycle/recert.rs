//! Re-certification (`alma-access review --unit U`): each login of a unit
//! with what it grants (login type, role types and levels with their
//! limits, work order departments, additional roles), where it stands
//! today and when it is due (`review_by`), so the unit's liaison and each
//! login's manager can confirm it still matches the job. A confirmed login
//! gets `review_by` moved to today + `review_interval_days` (default 365).
//! Pure: the repository and the day are passed in.

use std::collections::BTreeMap;

use chrono::{Days, NaiveDate};
use serde::Serialize;

use super::calendar::LoginRef;
use super::{Standing, standing};
use crate::model::login::AdditionalRole;
use crate::model::{AccessRepo, Institution, LimitKind, Login};

/// Re-certification interval when institution.yaml sets none.
pub const DEFAULT_INTERVAL_DAYS: u32 = 365;

/// A unit's logins, for re-certification.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct UnitReview {
    pub unit: String,
    pub unit_name: String,
    pub liaisons: Vec<String>,
    pub today: NaiveDate,
    pub review_interval_days: u32,
    /// The `review_by` a confirmation sets.
    pub next_review_by: NaiveDate,
    pub logins: Vec<LoginReview>,
}

/// One login's grants and dates.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct LoginReview {
    pub login: LoginRef,
    pub employment: &'static str,
    #[serde(rename = "login_kind")]
    pub kind: &'static str,
    #[serde(rename = "type")]
    pub login_type: &'static str,
    /// The catalogue's label of the login type.
    pub type_label: String,
    pub manager: String,
    pub liaison: String,
    pub profile: Option<String>,
    pub roles: Vec<RoleLine>,
    pub work_order_departments: Vec<String>,
    pub additional_roles: Vec<AdditionalRole>,
    pub standing: Standing,
    pub standing_text: String,
    pub review_by: Option<NaiveDate>,
    /// `overdue`, `due-soon` (within 30 days), `due` or `not-set`.
    pub review_status: &'static str,
}

/// One role type the login holds.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct RoleLine {
    pub role_type: String,
    pub label: String,
    pub level: Option<String>,
    /// The codes the grant is limited to, by limit (`po_line_owners`, ...).
    pub limits: BTreeMap<&'static str, Vec<String>>,
    pub from_profile: bool,
    pub consultation: Option<String>,
    pub batch_attestation: Option<NaiveDate>,
}

/// The re-certification interval of an institution.
pub fn interval_days(institution: &Institution) -> u32 {
    institution
        .review_interval_days
        .unwrap_or(DEFAULT_INTERVAL_DAYS)
}

/// The `review_by` a confirmation on `today` sets.
pub fn next_review_by(institution: &Institution, today: NaiveDate) -> NaiveDate {
    today
        .checked_add_days(Days::new(u64::from(interval_days(institution))))
        .unwrap_or(NaiveDate::MAX)
}

/// The review of `unit`'s logins on `today`.
pub fn unit_review(repo: &AccessRepo, unit: &str, today: NaiveDate) -> Result<UnitReview, String> {
    let found = repo.units.get(unit).ok_or_else(|| {
        format!(
            "unknown unit `{unit}`; units.yaml defines: {}",
            repo.units.ids().collect::<Vec<_>>().join(", ")
        )
    })?;
    let logins = repo
        .logins
        .iter()
        .filter(|l| l.unit == unit)
        .map(|l| login_review(repo, l, today))
        .collect();
    Ok(UnitReview {
        unit: unit.to_string(),
        unit_name: found.name.clone(),
        liaisons: found.liaisons.clone(),
        today,
        review_interval_days: interval_days(&repo.institution),
        next_review_by: next_review_by(&repo.institution, today),
        logins,
    })
}

fn login_review(repo: &AccessRepo, login: &Login, today: NaiveDate) -> LoginReview {
    let types = &repo.catalog.login_types;
    let type_label = match login.kind {
        crate::model::LoginType::View => &types.view.label,
        crate::model::LoginType::ViewAnalytics => &types.view_analytics.label,
        crate::model::LoginType::Systems => &types.systems.label,
        crate::model::LoginType::Custom => &types.custom.label,
    }
    .clone();
    let roles = login
        .roles
        .iter()
        .map(|(name, grant)| {
            let limits = LimitKind::ALL
                .iter()
                .filter(|k| !grant.limit(**k).is_empty())
                .map(|k| (k.key(), grant.limit(*k).to_vec()))
                .collect();
            RoleLine {
                role_type: name.clone(),
                label: repo
                    .catalog
                    .role_types
                    .get(name)
                    .map_or_else(|| name.clone(), |t| t.label.clone()),
                level: grant.level.clone(),
                limits,
                from_profile: grant.from_profile,
                consultation: grant.consultation.clone(),
                batch_attestation: grant
                    .batch_attestation
                    .as_ref()
                    .map(|a| a.sandbox_tested_on),
            }
        })
        .collect();
    let now = standing(login, &repo.institution, today);
    let review_status = match login.review_by {
        None => "not-set",
        Some(d) if d < today => "overdue",
        Some(d) if (d - today).num_days() <= 30 => "due-soon",
        Some(_) => "due",
    };
    LoginReview {
        login: LoginRef::of(login),
        employment: login.employment.as_str(),
        kind: login.login.as_str(),
        login_type: login.kind.as_str(),
        type_label,
        manager: login.manager.clone(),
        liaison: login.liaison.clone(),
        profile: login.profile.clone(),
        roles,
        work_order_departments: login.work_order_departments.clone(),
        additional_roles: login.additional_roles.clone(),
        standing_text: now.describe(),
        standing: now,
        review_by: login.review_by,
        review_status,
    }
}
