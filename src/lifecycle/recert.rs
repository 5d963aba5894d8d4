//! Re-certification (`alma-access review --unit U`): each login of a unit
//! with what it grants (login type, role types and levels with their
//! limits, work order departments, additional roles), where it stands
//! today and when it is due (`review_by`), so the unit's liaison and each
//! login's manager can confirm it still matches the job. A confirmed login
//! gets `review_by` moved to today + `review_interval_days` (default 365).
//! Pure: the repository and the day are passed in.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use chrono::{Days, NaiveDate};
use serde::Serialize;

use super::calendar::LoginRef;
use super::edit::{self, NewValue};
use super::propose::{self, FileEdit, Proposal, ProposeError};
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

/// Why a re-certification cannot be made.
#[derive(Debug, thiserror::Error)]
pub enum RecertError {
    #[error("unknown unit `{unit}`; units.yaml defines: {}", known.join(", "))]
    UnknownUnit { unit: String, known: Vec<String> },
    #[error("not logins of unit `{unit}`: {}", ids.join(", "))]
    NotInUnit { unit: String, ids: Vec<String> },
    #[error("cannot read `{}`: {source}", file.display())]
    ReadIds {
        file: PathBuf,
        source: std::io::Error,
    },
    #[error(transparent)]
    Propose(#[from] ProposeError),
}

/// What confirming some of a unit's logins changes.
#[derive(Debug)]
pub struct Confirmation<'a> {
    /// The logins confirmed, by primary id.
    pub confirmed: Vec<&'a Login>,
    /// Their files with `review_by` moved (none for a login already there).
    pub edits: Vec<FileEdit>,
    /// The commit message for the branch.
    pub message: String,
}

/// The primary ids in a confirmation file: one per line, `#` starts a comment.
pub fn ids_in(text: &str) -> Vec<String> {
    text.lines()
        .map(|l| l.split('#').next().unwrap_or_default().trim())
        .filter(|l| !l.is_empty())
        .map(String::from)
        .collect()
}

/// The primary ids confirmed: those `given`, then those in `file` ([`ids_in`]).
pub fn confirmed_ids(given: &[String], file: Option<&Path>) -> Result<Vec<String>, RecertError> {
    let mut ids = given.to_vec();
    if let Some(file) = file {
        let text = std::fs::read_to_string(file).map_err(|source| RecertError::ReadIds {
            file: file.to_path_buf(),
            source,
        })?;
        ids.extend(ids_in(&text));
    }
    Ok(ids)
}

/// What a confirmation did, for machines (`review --confirm --format json`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ConfirmationRecord<'a> {
    pub unit: &'a str,
    pub today: NaiveDate,
    /// The `review_by` the confirmed logins now have.
    pub review_by: NaiveDate,
    /// Their primary ids.
    pub confirmed: Vec<&'a str>,
    /// The files edited, as diagnostics show them.
    pub files: Vec<&'a str>,
    pub dry_run: bool,
    /// The branch written: none on a dry run, or when nothing changed.
    pub branch: Option<BranchRecord<'a>>,
}

/// A branch written, by name and commit.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct BranchRecord<'a> {
    pub name: &'a str,
    pub commit: &'a str,
}

impl Confirmation<'_> {
    /// The record of this confirmation of `review`, delivered as `proposal`.
    pub fn record<'a>(
        &'a self,
        review: &'a UnitReview,
        proposal: Option<&'a Proposal>,
        dry_run: bool,
    ) -> ConfirmationRecord<'a> {
        ConfirmationRecord {
            unit: &review.unit,
            today: review.today,
            review_by: review.next_review_by,
            confirmed: self
                .confirmed
                .iter()
                .map(|l| l.primary_id.as_str())
                .collect(),
            files: self.edits.iter().map(|e| e.display.as_str()).collect(),
            dry_run,
            branch: proposal.map(|p| BranchRecord {
                name: &p.branch,
                commit: &p.commit,
            }),
        }
    }
}

/// Confirms the logins `ids` of the reviewed unit: each file's `review_by`
/// moves to the review's `next_review_by`, only that value edited (inserted
/// when absent, comments kept). Every id must be a login of the unit.
pub fn confirm<'a>(
    repo: &'a AccessRepo,
    root: &Path,
    review: &UnitReview,
    ids: &[String],
) -> Result<Confirmation<'a>, RecertError> {
    let mut confirmed: Vec<&Login> = Vec::new();
    let mut unknown = Vec::new();
    for id in ids {
        match repo.login(id).filter(|l| l.unit == review.unit) {
            Some(login) if !confirmed.iter().any(|c| c.primary_id == login.primary_id) => {
                confirmed.push(login)
            }
            Some(_) => {}
            None => unknown.push(id.clone()),
        }
    }
    if !unknown.is_empty() {
        return Err(RecertError::NotInUnit {
            unit: review.unit.clone(),
            ids: unknown,
        });
    }
    confirmed.sort_by(|a, b| a.primary_id.cmp(&b.primary_id));
    let until = review.next_review_by;
    let value = NewValue::Scalar(until.to_string());
    let edits = confirmed
        .iter()
        .filter(|login| login.review_by != Some(until))
        .map(|login| {
            propose::edit_login(root, login, |t| edit::set_top_level(t, "review_by", &value))
        })
        .collect::<Result<Vec<_>, _>>()?;
    let message = commit_message(review, &confirmed);
    Ok(Confirmation {
        confirmed,
        edits,
        message,
    })
}

/// The commit message: a title and one line per confirmed login.
fn commit_message(review: &UnitReview, confirmed: &[&Login]) -> String {
    let n = confirmed.len();
    let mut out = format!(
        "Re-certify {n} login{} of {} until {}\n\n",
        if n == 1 { "" } else { "s" },
        review.unit,
        review.next_review_by
    );
    out.push_str(&format!(
        "Confirmed on {} that these grants still match the job;\n\
         review_by moves to {} ({} days on):\n\n",
        review.today, review.next_review_by, review.review_interval_days
    ));
    for login in confirmed {
        let was = login
            .review_by
            .map_or_else(|| "not set".to_string(), |d| d.to_string());
        out.push_str(&format!(
            "- {}, {}, {}: review_by {was} -> {}\n",
            login.primary_id, login.name, login.unit, review.next_review_by
        ));
    }
    out.push_str(
        "\nProposed by `alma-access review --confirm`; the unit's liaison and\n\
         each login's manager approve it (A1).\n",
    );
    out
}

/// The review of `unit`'s logins on `today`.
pub fn unit_review(
    repo: &AccessRepo,
    unit: &str,
    today: NaiveDate,
) -> Result<UnitReview, RecertError> {
    let found = repo
        .units
        .get(unit)
        .ok_or_else(|| RecertError::UnknownUnit {
            unit: unit.to_string(),
            known: repo.units.ids().map(String::from).collect(),
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
