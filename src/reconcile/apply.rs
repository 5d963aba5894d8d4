//! Applying a plan: for each changed user, read the user again, refuse to
//! write if its roles changed since the plan (compare-and-swap on the
//! fingerprint), send back the whole user with only `user_role` replaced,
//! read again to verify, and append an audit record. One user's failure
//! does not stop the others; every outcome is reported.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{SecondsFormat, Utc};

use crate::alma::{AlmaWrite, Role, normalize, wire};

use super::audit::{AuditLog, Outcome, Record};
use super::plan::{Plan, UserPlan, fingerprint};
use super::roles_of;

/// What an apply did.
#[derive(Debug, Default)]
pub struct Report {
    /// Users written and verified.
    pub applied: Vec<(String, String)>,
    /// Users written whose read-back differs from the plan.
    pub verify_failed: Vec<(String, String, String)>,
    /// Users not written because they changed since the plan.
    pub skipped: Vec<(String, String, String)>,
    /// Users whose read or write failed.
    pub failed: Vec<(String, String, String)>,
    /// Audit records that could not be written.
    pub audit_errors: Vec<String>,
}

impl Report {
    pub fn ok(&self) -> bool {
        self.verify_failed.is_empty()
            && self.skipped.is_empty()
            && self.failed.is_empty()
            && self.audit_errors.is_empty()
    }
}

/// Applies every changed user of `plan`. `alma` maps environments to writers.
pub async fn apply<W: AlmaWrite>(
    alma: &BTreeMap<String, W>,
    plan: &Plan,
    preserve: &BTreeSet<String>,
    audit: &mut AuditLog,
) -> Report {
    let mut report = Report::default();
    for user in plan.changed() {
        let Some(writer) = alma.get(&user.environment) else {
            report.failed.push((
                user.environment.clone(),
                user.primary_id.clone(),
                "no Alma connection for this environment".into(),
            ));
            continue;
        };
        let (outcome, detail) = apply_user(writer, user, preserve).await;
        let key = (user.environment.clone(), user.primary_id.clone());
        match (&outcome, detail.clone()) {
            (Outcome::Applied, _) => report.applied.push(key),
            (Outcome::VerifyFailed, d) => {
                report
                    .verify_failed
                    .push((key.0, key.1, d.unwrap_or_default()))
            }
            (Outcome::Skipped, d) => report.skipped.push((key.0, key.1, d.unwrap_or_default())),
            (Outcome::Failed, d) => report.failed.push((key.0, key.1, d.unwrap_or_default())),
        }
        let record = Record {
            at: Utc::now().to_rfc3339_opts(SecondsFormat::Millis, true),
            commit: plan.commit.clone(),
            environment: user.environment.clone(),
            primary_id: user.primary_id.clone(),
            file: user.file.clone(),
            outcome,
            detail,
            changes: user.changes.clone(),
            before: user.before.clone(),
            after: user.after.clone(),
        };
        if let Err(e) = audit.append(&record) {
            report
                .audit_errors
                .push(format!("{}: {e}", audit.path().display()));
        }
    }
    report
}

async fn apply_user<W: AlmaWrite>(
    writer: &W,
    user: &UserPlan,
    preserve: &BTreeSet<String>,
) -> (Outcome, Option<String>) {
    let fresh = match writer.get_user(&user.primary_id).await {
        Ok(Some(fresh)) => fresh,
        Ok(None) => {
            return (
                Outcome::Failed,
                Some("the user no longer exists in Alma".into()),
            );
        }
        Err(e) => {
            return (
                Outcome::Failed,
                Some(format!("reading the user failed: {e}")),
            );
        }
    };
    let now = match roles_of(&fresh) {
        Ok(roles) => roles,
        Err(e) => {
            return (
                Outcome::Failed,
                Some(format!("the user's roles could not be read: {e}")),
            );
        }
    };
    if user.fingerprint.as_deref() != Some(fingerprint(&now).as_str()) {
        return (
            Outcome::Skipped,
            Some("the user's roles changed in Alma since the plan was made; run plan again and review the new changes".into()),
        );
    }
    let updated = with_roles(&fresh, &user.after, preserve);
    if let Err(e) = writer.update_user(&updated).await {
        return (
            Outcome::Failed,
            Some(format!("the update was refused: {e}")),
        );
    }
    match writer.get_user(&user.primary_id).await {
        Ok(Some(back)) => match roles_of(&back) {
            Ok(roles) if same_roles(&roles, &user.after) => (Outcome::Applied, None),
            Ok(_) => (
                Outcome::VerifyFailed,
                Some("Alma's roles after the update differ from the plan".into()),
            ),
            Err(e) => (
                Outcome::VerifyFailed,
                Some(format!("the roles read back could not be decoded: {e}")),
            ),
        },
        Ok(None) => (
            Outcome::VerifyFailed,
            Some("the user vanished after the update".into()),
        ),
        Err(e) => (
            Outcome::VerifyFailed,
            Some(format!("reading the user back failed: {e}")),
        ),
    }
}

/// The user as read, with `user_role` replaced by `after`. Preserved roles
/// and roles that stay the same keep their wire form exactly as Alma sent it.
fn with_roles(fresh: &wire::User, after: &[Role], preserve: &BTreeSet<String>) -> wire::User {
    let mut kept: Vec<(Option<Role>, &wire::UserRole)> = fresh
        .user_role
        .iter()
        .flatten()
        .map(|w| (Role::from_wire(w).ok(), w))
        .collect();
    let mut roles: Vec<wire::UserRole> = Vec::new();
    for role in after {
        let reused = kept.iter().position(|(r, _)| r.as_ref() == Some(role));
        match reused {
            Some(i) => roles.push(kept.remove(i).1.clone()),
            None => roles.push(role.to_wire()),
        }
    }
    // Preserved roles are in `after` already; any preserved role the plan did
    // not know of (added since) is kept too, never dropped.
    for (role, wire) in kept {
        if role.is_some_and(|r| preserve.contains(&r.role_type)) {
            roles.push(wire.clone());
        }
    }
    let mut user = fresh.clone();
    user.user_role = Some(roles);
    user
}

/// Compares roles as the plan does: values, status and expiry, ignoring
/// parameter scopes and descriptions.
fn same_roles(read: &[Role], planned: &[Role]) -> bool {
    let strip = |roles: &[Role]| {
        normalize(
            roles
                .iter()
                .map(|r| {
                    let mut r = r.clone();
                    for p in &mut r.parameters {
                        p.scope = None;
                    }
                    r
                })
                .collect(),
        )
    };
    strip(read) == strip(planned)
}
