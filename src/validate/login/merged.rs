//! The login's fields merged with its profile's: what the login says
//! wins, the profile fills in the rest. Missing fields (V3), environments
//! (V13) and work order departments (V11) are checked on the merged values.

use crate::diag::{Code, Diagnostic};
use crate::model::login::RawLogin;
use crate::model::{Employment, Institution, LoginKind, LoginType, Unit};

use super::super::finding::{Finding, Place, join};
use super::super::{Doc, steps};
use super::Profile;

/// The fields every login has, from the login or its profile.
pub(super) struct Fields {
    pub employment: Employment,
    pub login: LoginKind,
    pub kind: LoginType,
    pub business_need: Option<String>,
    pub work_order_departments: Vec<String>,
}

/// V3: `employment`, `login` or `type`, set neither in the login nor in its profile.
pub(super) struct MissingField(&'static str);

/// The merged fields, or the ones missing from both.
pub(super) fn fields(
    raw: &RawLogin,
    profile: Option<&Profile<'_>>,
) -> Result<Fields, Vec<MissingField>> {
    let p = profile.map(|p| p.profile);
    let employment = raw.employment.or(p.and_then(|p| p.employment));
    let login = raw.login.or(p.and_then(|p| p.login));
    let kind = raw.kind.or(p.and_then(|p| p.kind));
    let (Some(employment), Some(login), Some(kind)) = (employment, login, kind) else {
        let absent = [
            ("employment", employment.is_none()),
            ("login", login.is_none()),
            ("type", kind.is_none()),
        ];
        return Err(absent
            .into_iter()
            .filter(|(_, absent)| *absent)
            .map(|(field, _)| MissingField(field))
            .collect());
    };
    Ok(Fields {
        employment,
        login,
        kind,
        business_need: raw
            .business_need
            .clone()
            .or_else(|| p.and_then(|p| p.business_need.clone())),
        work_order_departments: raw
            .work_order_departments
            .clone()
            .or_else(|| p.and_then(|p| p.work_order_departments.clone()))
            .unwrap_or_default(),
    })
}

impl Finding for MissingField {
    fn to_diagnostic(&self, doc: &Doc<'_>) -> Diagnostic {
        let field = self.0;
        doc.error(
            Code::MissingLoginField,
            doc.value(&[]),
            format!("`{field}` is set neither in this file nor in its profile"),
        )
        .help(format!("add `{field}:` to the login file"))
    }
}

/// V13: an environment institution.yaml does not define.
pub(super) struct UnknownEnvironment<'a> {
    env: &'a str,
    at: Place,
    institution: &'a Institution,
}

/// The login's environments (its own, its profile's, or the institution's
/// default), and those not defined.
pub(super) fn environments<'a>(
    institution: &'a Institution,
    raw: &'a RawLogin,
    profile: Option<&Profile<'a>>,
) -> (Vec<String>, Vec<UnknownEnvironment<'a>>) {
    let (environments, own) = match (
        &raw.environments,
        profile.and_then(|p| p.profile.environments.as_ref()),
    ) {
        (Some(e), _) => (e, Some(true)),
        (None, Some(e)) => (e, Some(false)),
        (None, None) => (&institution.default_environments, None),
    };
    let unknown = environments
        .iter()
        .enumerate()
        .filter(|(_, env)| !institution.environments.contains_key(*env))
        .map(|(i, env)| UnknownEnvironment {
            env,
            at: match own {
                Some(true) => Place::value(steps!["environments", i]),
                _ => Place::value(steps!["profile"]),
            },
            institution,
        })
        .collect();
    (environments.clone(), unknown)
}

impl Finding for UnknownEnvironment<'_> {
    fn to_diagnostic(&self, doc: &Doc<'_>) -> Diagnostic {
        doc.error(
            Code::UnknownEnvironment,
            self.at.span(doc),
            format!(
                "environment `{}` is not defined in institution.yaml",
                self.env
            ),
        )
        .help(format!(
            "use one of: {}",
            join(self.institution.environments.keys().map(String::as_str))
        ))
    }
}

/// V11: a work order department that is not the unit's.
pub(super) struct ForeignDepartment<'a> {
    code: &'a str,
    at: Place,
    unit_id: &'a str,
    unit: &'a Unit,
}

pub(super) fn work_orders<'a>(
    raw: &'a RawLogin,
    unit: &'a Unit,
    fields: &'a Fields,
) -> Vec<ForeignDepartment<'a>> {
    fields
        .work_order_departments
        .iter()
        .enumerate()
        .filter(|(_, code)| !unit.work_order_departments.contains(*code))
        .map(|(i, code)| ForeignDepartment {
            code,
            at: if raw.work_order_departments.is_some() {
                Place::value(steps!["work_order_departments", i])
            } else {
                Place::value(steps!["profile"])
            },
            unit_id: &raw.unit,
            unit,
        })
        .collect()
}

impl Finding for ForeignDepartment<'_> {
    fn to_diagnostic(&self, doc: &Doc<'_>) -> Diagnostic {
        doc.error(
            Code::WorkOrderDepartment,
            self.at.span(doc),
            format!(
                "`{}` is not a work order department of unit `{}`",
                self.code, self.unit_id
            ),
        )
        .help(format!(
            "use one of: {}",
            join(self.unit.work_order_departments.iter().map(String::as_str))
        ))
    }
}
