//! The report's separation-of-duties section (V15): every exception a
//! login carries, with the duties it lets the login hold together, its
//! reason, the consultation that agreed it and the date it is to be
//! re-examined, so an auditor sees each accepted conflict and who owns it.

use chrono::NaiveDate;

use super::Who;
use crate::model::duties;
use crate::model::{AccessRepo, Login};

/// One exception of one login.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Exception {
    pub who: Who,
    pub rule: String,
    /// The rule's description in catalog.yaml.
    pub description: String,
    /// The duties the login holds under the exception: `vendor-maintenance + invoice`.
    pub held: String,
    pub reason: String,
    pub consultation: String,
    pub review_by: NaiveDate,
    /// Days from today to `review_by` (negative when overdue).
    pub days: i64,
}

/// The exceptions of `logins` (in the report's order) on `today`.
pub fn rows(repo: &AccessRepo, logins: &[&Login], today: NaiveDate) -> Vec<Exception> {
    let mut out = Vec::new();
    for login in logins.iter().filter(|l| !l.sod_exceptions.is_empty()) {
        let conflicts = duties::conflicts(&repo.catalog, &login.roles);
        for e in &login.sod_exceptions {
            let held = conflicts
                .iter()
                .find(|c| c.rule == e.rule)
                .map_or_else(String::new, |c| format!("{} + {}", c.first.1, c.second.1));
            let description = repo
                .catalog
                .separation_of_duties
                .get(&e.rule)
                .map_or_else(String::new, |r| r.description.trim().to_string());
            out.push(Exception {
                who: Who::of(login),
                rule: e.rule.clone(),
                description,
                held,
                reason: e.reason.trim().to_string(),
                consultation: e.consultation.clone(),
                review_by: e.review_by,
                days: (e.review_by - today).num_days(),
            });
        }
    }
    out
}
