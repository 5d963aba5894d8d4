//! What a level asks of the login that requests it: a kind of login (V6),
//! a business need for students and temps (V7), a batch attestation (V8),
//! a consultation (V9), a unit flag (V10).

use chrono::NaiveDate;

use crate::diag::{Code, Diagnostic};
use crate::model::catalog::{Level, RoleType};
use crate::model::login::{Attestation, RawRoleRequest};
use crate::model::{Employment, LoginKind, UnitFlag};

use super::super::finding::{Finding, InvalidDate, Place, date};
use super::super::{Doc, steps};
use super::{Holder, Named, Site};

/// The request as the restrictions name it, and where its level is (its
/// `level:` value, or the request's key for a single-level role type).
pub(super) struct Request<'a> {
    pub named: Named<'a>,
    pub at: Place,
}

/// V6: a level reserved for another kind of login.
pub(super) struct LoginKindOnly<'a> {
    named: Named<'a>,
    at: Place,
    only: LoginKind,
}

pub(super) fn login_kind<'a>(
    request: &Request<'a>,
    level: &Level,
    holder: &Holder<'_>,
) -> Option<LoginKindOnly<'a>> {
    let only = level.only_login.filter(|only| *only != holder.login)?;
    Some(LoginKindOnly {
        named: request.named,
        at: request.at.clone(),
        only,
    })
}

impl Finding for LoginKindOnly<'_> {
    fn to_diagnostic(&self, doc: &Doc<'_>) -> Diagnostic {
        doc.error(
            Code::OperatorNeedsSharedDesk,
            self.at.span(doc),
            format!("{} is for `login: {}` only", self.named, self.only.as_str()),
        )
        .help("choose another level, or request a login of that kind")
    }
}

/// V7: a level that needs a business need for the login's employment.
pub(super) struct BusinessNeed<'a> {
    named: Named<'a>,
    at: Place,
    employment: Employment,
}

pub(super) fn business_need<'a>(
    request: &Request<'a>,
    level: &Level,
    holder: &Holder<'_>,
) -> Option<BusinessNeed<'a>> {
    let needed = level.business_need_for.contains(&holder.employment);
    (needed && !holder.has_business_need).then(|| BusinessNeed {
        named: request.named,
        at: request.at.clone(),
        employment: holder.employment,
    })
}

impl Finding for BusinessNeed<'_> {
    fn to_diagnostic(&self, doc: &Doc<'_>) -> Diagnostic {
        doc.error(
            Code::BusinessNeedMissing,
            self.at.span(doc),
            format!(
                "{} for a {} needs a `business_need`",
                self.named,
                self.employment.as_str()
            ),
        )
        .help("add `business_need:` saying why this person needs it, e.g. \"Evening supervisor; looks up patrons by name\"")
    }
}

/// The request's batch attestation, when its sandbox test date is real
/// (V12: the date that is not is the finding).
pub(super) fn attestation<'a>(
    site: &Site<'_>,
    raw: &'a RawRoleRequest,
) -> (Option<Attestation>, Option<InvalidDate<'a>>) {
    let Some(a) = &raw.batch_attestation else {
        return (None, None);
    };
    let at = || site.place(&steps!["batch_attestation", "sandbox_tested_on"], false);
    match date(at, &a.sandbox_tested_on) {
        Ok(sandbox_tested_on) => (
            Some(Attestation {
                documentation_read: a.documentation_read,
                sandbox_tested_on,
            }),
            None,
        ),
        Err(invalid) => (None, Some(invalid)),
    }
}

/// V8: a batch level without an attestation, with the documentation
/// unread, or tested on the sandbox in the future.
pub(super) enum Batch<'a> {
    Missing { named: Named<'a>, at: Place },
    Unread { at: Place },
    Future { on: NaiveDate, at: Place },
}

pub(super) fn batch<'a>(
    site: &Site<'_>,
    request: &Request<'a>,
    level: &Level,
    raw: &RawRoleRequest,
    attestation: Option<&Attestation>,
    today: NaiveDate,
) -> Option<Batch<'a>> {
    if !level.requires_batch_attestation {
        return None;
    }
    match (&raw.batch_attestation, attestation) {
        (None, _) => Some(Batch::Missing {
            named: request.named,
            at: request.at.clone(),
        }),
        (Some(a), _) if !a.documentation_read => Some(Batch::Unread {
            at: site.place(&steps!["batch_attestation", "documentation_read"], false),
        }),
        (_, Some(a)) if a.sandbox_tested_on > today => Some(Batch::Future {
            on: a.sandbox_tested_on,
            at: site.place(&steps!["batch_attestation", "sandbox_tested_on"], false),
        }),
        _ => None,
    }
}

impl Finding for Batch<'_> {
    fn to_diagnostic(&self, doc: &Doc<'_>) -> Diagnostic {
        match self {
            Batch::Missing { named, at } => doc
                .error(
                    Code::BatchAttestation,
                    at.span(doc),
                    format!("{named} (record loads, batch updates) needs a `batch_attestation`"),
                )
                .help("add `batch_attestation: {documentation_read: true, sandbox_tested_on: YYYY-MM-DD}` once the documentation is read and the work tested on the sandbox"),
            Batch::Unread { at } => doc
                .error(
                    Code::BatchAttestation,
                    at.span(doc),
                    "the batch documentation has not been read",
                )
                .help("set `documentation_read: true` once the staff member has read the jobs and batch processes documentation"),
            Batch::Future { on, at } => doc
                .error(
                    Code::BatchAttestation,
                    at.span(doc),
                    format!("the sandbox test date {on} is in the future"),
                )
                .help("record the date the work was actually tested on the sandbox"),
        }
    }
}

/// V9: a role type or level that needs a consultation, without one.
pub(super) struct Consultation<'a> {
    named: Named<'a>,
    at: Place,
}

pub(super) fn consultation<'a>(
    site: &Site<'_>,
    request: &Request<'a>,
    role_type: &RoleType,
    level: &Level,
    raw: &RawRoleRequest,
) -> Option<Consultation<'a>> {
    (role_type.needs_consultation(level) && raw.consultation.is_none()).then(|| Consultation {
        named: request.named,
        at: site.request(),
    })
}

impl Finding for Consultation<'_> {
    fn to_diagnostic(&self, doc: &Doc<'_>) -> Diagnostic {
        doc.error(
            Code::ConsultationMissing,
            self.at.span(doc),
            format!(
                "{} needs a `consultation` reference from the systems team",
                self.named
            ),
        )
        .help("consult the central systems team first and add `consultation: <ticket>`")
    }
}

/// V10: a role type or level reserved for units with a flag the login's unit lacks.
pub(super) struct UnitFlagMissing<'a> {
    named: Named<'a>,
    at: Place,
    flag: UnitFlag,
    unit_id: &'a str,
}

pub(super) fn unit_flag<'a>(
    request: &Request<'a>,
    role_type: &RoleType,
    level: &Level,
    holder: &Holder<'a>,
) -> Option<UnitFlagMissing<'a>> {
    let flag = role_type
        .unit_flag(level)
        .filter(|flag| !holder.unit.has_flag(*flag))?;
    Some(UnitFlagMissing {
        named: request.named,
        at: request.at.clone(),
        flag,
        unit_id: holder.unit_id,
    })
}

impl Finding for UnitFlagMissing<'_> {
    fn to_diagnostic(&self, doc: &Doc<'_>) -> Diagnostic {
        let flag = self.flag.as_str();
        doc.error(
            Code::UnitFlagRequired,
            self.at.span(doc),
            format!("{} is only for units flagged `{flag}`", self.named),
        )
        .help(format!(
            "unit `{}` is not flagged `{flag}`; ask the systems team if this person's work needs it",
            self.unit_id
        ))
    }
}
