//! The rules for one role type request of a login, each a function of its
//! own: the role type and level exist in the catalogue (V13) and the
//! limiting codes are present and the unit's own (V5) ([`catalogue`]); the
//! level's restrictions hold: login kind (V6), business need (V7), batch
//! attestation (V8), consultation (V9), unit flag (V10) ([`restrictions`]);
//! the grant's last day, `until`, within the level's `max_days` (R12, [`expiry`]).
//! A request that passes becomes a validated [`RoleGrant`].
//!
//! A request may come from the login's profile: its findings then point at
//! the login's `profile:` line and name the profile in a note ([`Site`]).

mod catalogue;
mod expiry;
mod restrictions;

use crate::diag::Diagnostic;
use crate::model::login::{Attestation, RawRoleRequest};
use crate::model::{Employment, LoginKind, RoleGrant, Unit};
use crate::yaml::Step;

use super::finding::{Finding, Place, report};
use super::{Doc, Tables, steps};

/// The login a request belongs to, as far as the role rules need it.
pub(crate) struct Holder<'a> {
    pub doc: Doc<'a>,
    pub unit_id: &'a str,
    pub unit: &'a Unit,
    pub employment: Employment,
    pub login: LoginKind,
    pub has_business_need: bool,
}

/// Where a request was written: in the login file, or in its profile.
pub(crate) enum Origin<'a> {
    Login,
    Profile { name: &'a str, file: &'a str },
}

/// One request where it was written: what its findings point at.
pub(super) struct Site<'a> {
    origin: &'a Origin<'a>,
    role_type: &'a str,
}

impl Site<'_> {
    /// The place of `field` of the request (its key, or its value), or the
    /// login's `profile:` line for a request of the profile.
    pub(super) fn place(&self, field: &[Step], key: bool) -> Place {
        match self.origin {
            Origin::Login => {
                let mut at = steps!["roles", self.role_type];
                at.extend_from_slice(field);
                if key {
                    Place::key(at)
                } else {
                    Place::value(at)
                }
            }
            Origin::Profile { .. } => Place::value(steps!["profile"]),
        }
    }

    /// The request's own line: its key.
    pub(super) fn request(&self) -> Place {
        self.place(&[], true)
    }

    /// Says each finding, naming the profile of a request that comes from one.
    fn report<F: Finding>(
        &self,
        doc: &Doc<'_>,
        findings: impl IntoIterator<Item = F>,
        out: &mut Vec<Diagnostic>,
    ) {
        out.extend(findings.into_iter().map(|f| {
            let d = f.to_diagnostic(doc);
            match self.origin {
                Origin::Login => d,
                Origin::Profile { name, file } => d.note(format!(
                    "the `{}` role comes from profile `{name}` ({file})",
                    self.role_type
                )),
            }
        }));
    }
}

/// A request's role type and level, as findings name them: `` `fulfillment` operator ``.
#[derive(Clone, Copy)]
pub(super) struct Named<'a> {
    pub role_type: &'a str,
    pub level: Option<&'a str>,
}

impl std::fmt::Display for Named<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.level {
            Some(level) => write!(f, "`{}` {level}", self.role_type),
            None => write!(f, "`{}`", self.role_type),
        }
    }
}

/// Checks one request and returns it validated when it has no error.
pub(crate) fn check(
    tables: &Tables<'_>,
    holder: &Holder<'_>,
    origin: &Origin<'_>,
    name: &str,
    raw: &RawRoleRequest,
    out: &mut Vec<Diagnostic>,
) -> Option<RoleGrant> {
    let site = Site {
        origin,
        role_type: name,
    };
    let doc = &holder.doc;
    let before = out.len();
    let role_type = catalogue::role_type(tables.catalog, &site)
        .map_err(|unknown| site.report(doc, [unknown], out))
        .ok()?;
    // The limits do not depend on the level: check them whatever it is.
    let level = catalogue::level(&site, role_type, raw);
    site.report(doc, catalogue::limits(&site, role_type, raw, holder), out);
    let level = level.map_err(|wrong| site.report(doc, [wrong], out)).ok()?;
    let request = restrictions::Request {
        named: Named {
            role_type: name,
            level: raw.level.as_deref(),
        },
        at: match raw.level {
            Some(_) => site.place(&steps!["level"], false),
            None => site.request(),
        },
    };
    site.report(doc, restrictions::login_kind(&request, level, holder), out);
    site.report(
        doc,
        restrictions::business_need(&request, level, holder),
        out,
    );
    let (attestation, invalid) = restrictions::attestation(&site, raw);
    // As every date of the login: said where it is, without the profile's note.
    report(doc, invalid, out);
    let batch = restrictions::batch(
        &site,
        &request,
        level,
        raw,
        attestation.as_ref(),
        tables.today,
    );
    site.report(doc, batch, out);
    site.report(
        doc,
        restrictions::consultation(&site, &request, role_type, level, raw),
        out,
    );
    site.report(
        doc,
        restrictions::unit_flag(&request, role_type, level, holder),
        out,
    );
    let until = match expiry::until(&site, raw) {
        Ok(until) => {
            let late = expiry::max_days(&site, request.named, level, until, tables.today);
            site.report(doc, late, out);
            until
        }
        Err(invalid) => {
            report(doc, [invalid], out);
            None
        }
    };
    if out[before..].iter().any(Diagnostic::is_error) {
        return None;
    }
    let mut grant = grant(raw, attestation, origin);
    grant.until = until;
    Some(grant)
}

/// The validated grant of a request.
fn grant(raw: &RawRoleRequest, attestation: Option<Attestation>, origin: &Origin<'_>) -> RoleGrant {
    RoleGrant {
        level: raw.level.clone(),
        po_line_owners: raw.po_line_owners.clone().unwrap_or_default(),
        circulation_desks: raw.circulation_desks.clone().unwrap_or_default(),
        departments: raw.departments.clone().unwrap_or_default(),
        batch_attestation: attestation,
        consultation: raw.consultation.clone(),
        until: None,
        from_profile: matches!(origin, Origin::Profile { .. }),
    }
}
