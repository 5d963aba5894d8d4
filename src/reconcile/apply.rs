//! Applying a plan: for each changed user, read the user again, refuse to
//! write if its roles changed since the plan (compare-and-swap on the
//! fingerprint), record in the audit log that the write starts (made
//! durable before anything is sent), send back the whole user with only
//! `user_role` replaced, read again to verify, and record the outcome. One
//! user's failure does not stop the others; every outcome is reported. A
//! user is never written when its `started` record could not be saved.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{SecondsFormat, Utc};

use crate::alma::{AlmaError, AlmaWrite, Role, normalize, wire};

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
        let mut log = Log {
            audit: &mut *audit,
            plan,
            user,
            errors: &mut report.audit_errors,
        };
        let (outcome, detail) = apply_user(writer, user, preserve, &mut log).await;
        log.append(outcome.clone(), detail.clone());
        let key = (user.environment.clone(), user.primary_id.clone());
        let detail = detail.unwrap_or_default();
        match outcome {
            Outcome::Applied => report.applied.push(key),
            Outcome::VerifyFailed => report.verify_failed.push((key.0, key.1, detail)),
            Outcome::Skipped => report.skipped.push((key.0, key.1, detail)),
            // `apply_user` never ends on `started`.
            Outcome::Failed | Outcome::Started => report.failed.push((key.0, key.1, detail)),
        }
    }
    report
}

/// Appends one user's records to the audit log, keeping what went wrong.
struct Log<'a> {
    audit: &'a mut AuditLog,
    plan: &'a Plan,
    user: &'a UserPlan,
    errors: &'a mut Vec<String>,
}

impl Log<'_> {
    /// Appends a record; returns whether it was made durable.
    fn append(&mut self, outcome: Outcome, detail: Option<String>) -> bool {
        let user = self.user;
        let record = Record {
            at: Utc::now().to_rfc3339_opts(SecondsFormat::Millis, true),
            commit: self.plan.commit.clone(),
            environment: user.environment.clone(),
            primary_id: user.primary_id.clone(),
            file: user.file.clone(),
            outcome,
            detail,
            changes: user.changes.clone(),
            before: user.before.clone(),
            after: user.after.clone(),
        };
        match self.audit.append(&record) {
            Ok(()) => true,
            Err(e) => {
                self.errors
                    .push(format!("{}: {e}", self.audit.path().display()));
                false
            }
        }
    }
}

async fn apply_user<W: AlmaWrite>(
    writer: &W,
    user: &UserPlan,
    preserve: &BTreeSet<String>,
    log: &mut Log<'_>,
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
    // The log must show a write before it can happen.
    if !log.append(Outcome::Started, None) {
        return (
            Outcome::Failed,
            Some("not written: the audit log could not record the write first".into()),
        );
    }
    if let Err(e) = writer.update_user(&updated).await {
        let detail = match e {
            // No answer, or a server error: the PUT may have landed.
            AlmaError::Transport { .. } | AlmaError::Server { .. } => {
                format!("the update may or may not have reached Alma: {e}; run plan again to see")
            }
            _ => format!("the update was refused: {e}"),
        };
        return (Outcome::Failed, Some(detail));
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
