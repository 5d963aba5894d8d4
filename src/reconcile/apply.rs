//! Applying a plan, one environment at a time. Before the first write in
//! an environment, its key is checked once against `conf/general`; an
//! environment that fails the check gets no writes at all, and one whose key
//! Alma refuses (401, 403) gets no further requests. For each changed user:
//! read the user again (refusing an answer that is another person), refuse
//! to write if its roles changed since the plan (compare-and-swap on the
//! fingerprint), record in the audit log that the write starts (made
//! durable before anything is sent), send back the whole user with only
//! the roles the plan changes changed ([`roles`]: every other role exactly
//! as Alma sent it), read again to verify, and record the outcome. One
//! user's failure does not stop the others; every outcome is reported. A
//! user is never written when its `started` record could not be saved.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{SecondsFormat, Utc};

use crate::alma::{AlmaError, AlmaWrite, wire};

use super::audit::{AuditLog, Outcome, Record};
use super::diff::Held;
use super::plan::{Plan, UserPlan, UserStatus};

mod roles;
pub mod run;

use roles::{same_roles, with_roles};

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
    /// Users not applied because Alma lacks a role they are granted.
    pub blocked: Vec<(String, String, String)>,
}

impl Report {
    pub fn ok(&self) -> bool {
        self.verify_failed.is_empty()
            && self.skipped.is_empty()
            && self.failed.is_empty()
            && self.audit_errors.is_empty()
            && self.blocked.is_empty()
    }
}

/// Applies every changed user of `plan`, environment by environment in the
/// plan's order. `alma` maps environments to writers. Before the first write
/// in an environment its key is checked against `conf/general`; an
/// environment that fails the check, or whose key Alma refuses on a write,
/// gets no (further) writes at all.
pub async fn apply<W: AlmaWrite>(
    alma: &BTreeMap<String, W>,
    plan: &Plan,
    preserve: &BTreeSet<String>,
    audit: &mut AuditLog,
) -> Report {
    apply_with(alma, plan, preserve, audit, &mut |_| {}).await
}

/// What became of one user, as it happens.
#[derive(Clone, Copy, Debug)]
pub struct Done<'a> {
    pub user: &'a UserPlan,
    pub outcome: &'a Outcome,
    pub detail: Option<&'a str>,
}

/// As [`apply`], telling `progress` about each user as it is done (for a
/// line per user while a long apply runs).
pub async fn apply_with<W: AlmaWrite>(
    alma: &BTreeMap<String, W>,
    plan: &Plan,
    preserve: &BTreeSet<String>,
    audit: &mut AuditLog,
    progress: &mut dyn FnMut(Done<'_>),
) -> Report {
    let blocked = plan
        .users
        .iter()
        .filter(|u| u.status == UserStatus::Blocked)
        .map(|u| {
            (
                u.environment.clone(),
                u.primary_id.clone(),
                u.notes.join("; "),
            )
        })
        .collect();
    let mut report = Report {
        blocked,
        ..Report::default()
    };
    let mut environments: Vec<&str> = Vec::new();
    for user in plan.changed() {
        if !environments.contains(&user.environment.as_str()) {
            environments.push(&user.environment);
        }
    }
    for env in environments {
        let users: Vec<&UserPlan> = plan.changed().filter(|u| u.environment == env).collect();
        let mut run = Run {
            audit: &mut *audit,
            plan,
            report: &mut report,
            progress: &mut *progress,
        };
        match alma.get(env) {
            None => run.refuse_all(&users, "no Alma connection for this environment"),
            Some(writer) => run.environment(writer, &users, preserve).await,
        }
    }
    report
}

/// One apply in progress: where records and outcomes go.
struct Run<'a> {
    audit: &'a mut AuditLog,
    plan: &'a Plan,
    report: &'a mut Report,
    progress: &'a mut dyn FnMut(Done<'_>),
}

impl Run<'_> {
    /// Applies the changed users of one environment.
    async fn environment<W: AlmaWrite>(
        &mut self,
        writer: &W,
        users: &[&UserPlan],
        preserve: &BTreeSet<String>,
    ) {
        if let Err(e) = writer.verify_environment().await {
            let why = format!("not written: the environment check failed before any write: {e}");
            self.refuse_all(users, &why);
            return;
        }
        for (i, user) in users.iter().enumerate() {
            let mut log = Log {
                audit: &mut *self.audit,
                plan: self.plan,
                user,
                errors: &mut self.report.audit_errors,
            };
            let (outcome, detail, refused_key) = apply_user(writer, user, preserve, &mut log).await;
            log.append(outcome.clone(), detail.clone());
            self.done(user, outcome, detail);
            if let Some(e) = refused_key {
                let why = format!(
                    "not written: Alma refused the key of {} earlier in this apply ({e}); \
                     no further requests were sent there",
                    user.environment
                );
                self.refuse_all(&users[i + 1..], &why);
                return;
            }
        }
    }

    /// Reports one user's outcome and records it.
    fn done(&mut self, user: &UserPlan, outcome: Outcome, detail: Option<String>) {
        (self.progress)(Done {
            user,
            outcome: &outcome,
            detail: detail.as_deref(),
        });
        self.report.record(user, outcome, detail);
    }

    /// Records every user of `users` as not written, for `why`.
    fn refuse_all(&mut self, users: &[&UserPlan], why: &str) {
        for user in users {
            let mut log = Log {
                audit: &mut *self.audit,
                plan: self.plan,
                user,
                errors: &mut self.report.audit_errors,
            };
            log.append(Outcome::Failed, Some(why.to_string()));
            self.done(user, Outcome::Failed, Some(why.to_string()));
        }
    }
}

impl Report {
    fn record(&mut self, user: &UserPlan, outcome: Outcome, detail: Option<String>) {
        let (env, id) = (user.environment.clone(), user.primary_id.clone());
        let detail = detail.unwrap_or_default();
        match outcome {
            Outcome::Applied => self.applied.push((env, id)),
            Outcome::VerifyFailed => self.verify_failed.push((env, id, detail)),
            Outcome::Skipped => self.skipped.push((env, id, detail)),
            // `apply_user` never ends on `started`.
            Outcome::Failed | Outcome::Started => self.failed.push((env, id, detail)),
        }
    }
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
            mass_change: None,
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

/// One user's outcome and its detail, and the error when Alma refused the
/// key itself (401 or 403), which stops the environment.
type UserOutcome = (Outcome, Option<String>, Option<AlmaError>);

fn done(outcome: Outcome, detail: impl Into<Option<String>>) -> UserOutcome {
    (outcome, detail.into(), None)
}

/// The outcome of a failed call: `Failed` with `what`, stopping the
/// environment when the key was refused.
fn failed(what: &str, e: AlmaError) -> UserOutcome {
    let detail = Some(format!("{what}: {e}"));
    match e {
        AlmaError::Unauthorized { .. } | AlmaError::Forbidden { .. } => {
            (Outcome::Failed, detail, Some(e))
        }
        _ => (Outcome::Failed, detail, None),
    }
}

/// Re-reads, checks, writes and verifies one user.
async fn apply_user<W: AlmaWrite>(
    writer: &W,
    user: &UserPlan,
    preserve: &BTreeSet<String>,
    log: &mut Log<'_>,
) -> UserOutcome {
    let fresh = match writer.read_user(&user.primary_id).await {
        Ok(Some(fresh)) => fresh,
        Ok(None) => {
            return done(
                Outcome::Failed,
                "the user no longer exists in Alma".to_string(),
            );
        }
        Err(e) => return failed("reading the user failed", e),
    };
    // Roles that cannot be read count too: the plan saw them pass through.
    let now = Held::read(&fresh);
    if user.fingerprint.as_deref() != Some(now.fingerprint().as_str()) {
        let why = "the user's roles changed in Alma since the plan was made; \
                   run plan again and review the new changes";
        return done(Outcome::Skipped, why.to_string());
    }
    let updated = with_roles(&fresh, &user.after, preserve);
    // The log must show a write before it can happen.
    if !log.append(Outcome::Started, None) {
        let why = "not written: the audit log could not record the write first";
        return done(Outcome::Failed, why.to_string());
    }
    if let Err(e) = writer.update_user(&updated).await {
        return match e {
            // No answer, or a server error: the PUT may have landed.
            AlmaError::Transport { .. } | AlmaError::Server { .. } => done(
                Outcome::Failed,
                format!("the update may or may not have reached Alma: {e}; run plan again to see"),
            ),
            _ => failed("the update was refused", e),
        };
    }
    verify(writer, user, &updated).await
}

/// Reads the user back and compares its roles with the plan, and the roles
/// passed through unread with those sent.
async fn verify<W: AlmaWrite>(writer: &W, user: &UserPlan, sent: &wire::User) -> UserOutcome {
    let why = match writer.read_user(&user.primary_id).await {
        Ok(Some(back)) => {
            let back = Held::read(&back);
            if same_roles(&back, &user.after, &Held::read(sent)) {
                return done(Outcome::Applied, None);
            }
            "Alma's roles after the update differ from the plan".to_string()
        }
        Ok(None) => "the user vanished after the update".to_string(),
        Err(e) => format!("reading the user back failed: {e}"),
    };
    done(Outcome::VerifyFailed, why)
}
