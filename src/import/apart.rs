//! Separation of duties on import (V15): duties Alma holds together,
//! which a rule of the catalogue keeps apart, are written with a
//! placeholder exception, so the file is valid and the systems group sees
//! the conflict when it approves the pull request (A3).

use chrono::{Days, NaiveDate};

use super::{CONSULTATION_IMPORTED, Note};
use crate::model::duties::{self, SodException};
use crate::model::{AccessRepo, Login};

/// How long an exception import writes for duties Alma holds together
/// lasts before the systems team must look at it.
const IMPORTED_EXCEPTION_DAYS: u64 = 90;

/// Separation of duties (V15) for an imported login: each rule the roles
/// Alma holds break gets a placeholder exception (`consultation: imported`,
/// reviewed within 90 days), with a warning, so the file is valid and the
/// systems group sees the conflict when it approves the pull request (A3).
pub(super) fn held_apart(
    repo: &AccessRepo,
    login: &mut Login,
    today: NaiveDate,
    notes: &mut Vec<Note>,
) {
    let review_by = today
        .checked_add_days(Days::new(IMPORTED_EXCEPTION_DAYS))
        .unwrap_or(today);
    let broken: Vec<(String, String, String)> = duties::conflicts(&repo.catalog, &login.roles)
        .iter()
        .map(|c| {
            (
                c.rule.to_string(),
                c.first.1.to_string(),
                c.second.1.to_string(),
            )
        })
        .collect();
    for (rule, first, second) in broken {
        notes.push(Note::warn(format!(
            "holds `{first}` and `{second}`, which rule `{rule}` keeps apart (V15): written with an exception (consultation: {CONSULTATION_IMPORTED}, review_by {review_by}); confirm it with the systems team or remove one duty"
        )));
        login.sod_exceptions.push(SodException {
            rule,
            consultation: CONSULTATION_IMPORTED.to_string(),
            reason: "held together in Alma before the institution adopted alma-access".to_string(),
            review_by,
        });
    }
}
