//! The rules for one login file: its name and folder (V1), unit, liaison and
//! profile (V2), the login type (V3, V4, V9), shared desks (V6), work order
//! departments (V11) and dates (V12); then each role request ([`super::roles`]).
//! A login that passes becomes a validated [`Login`].

use std::collections::BTreeMap;

use chrono::NaiveDate;

use crate::diag::{Code, Diagnostic, did_you_mean};
use crate::load::{FileKind, SourceFile};
use crate::model::login::{Leave, RawLogin, Suspension};
use crate::model::{LimitKind, Login, LoginKind, LoginType, UnitFlag};

use super::roles::{self, Holder, Origin, join};
use super::{Doc, Tables, date, steps};

/// Checks every login, including ids repeated across files (V1).
pub(crate) fn check_all(
    tables: &Tables<'_>,
    raw: &[(RawLogin, &SourceFile)],
    out: &mut Vec<Diagnostic>,
) -> Vec<Login> {
    let mut seen: BTreeMap<String, &str> = BTreeMap::new();
    let mut logins = Vec::new();
    for (login, file) in raw {
        let Some(root) = &file.root else { continue };
        let doc = Doc {
            file: &file.display,
            root,
        };
        if let Some(first) = seen.get(&login.primary_id.to_lowercase()) {
            out.push(
                doc.error(
                    Code::DuplicatePrimaryId,
                    doc.value(&steps!["primary_id"]),
                    format!("primary id `{}` already has a login file", login.primary_id),
                )
                .help("keep one file per Alma user: merge the two files")
                .note(format!("the other file is {first}")),
            );
            continue;
        }
        seen.insert(login.primary_id.to_lowercase(), &file.display);
        if let Some(valid) = check_one(tables, &doc, &file.kind, login, out) {
            logins.push(valid);
        }
    }
    logins
}

/// The rules that need no other file (V1 names, V12 dates), used when the tables are unusable.
pub(crate) fn check_standalone(
    raw: &RawLogin,
    file: &SourceFile,
    today: NaiveDate,
    out: &mut Vec<Diagnostic>,
) {
    let Some(root) = &file.root else { return };
    let doc = Doc {
        file: &file.display,
        root,
    };
    check_names(&doc, &file.kind, raw, out);
    let _ = dates(&doc, raw, today, out);
}

fn check_names(doc: &Doc<'_>, kind: &FileKind, raw: &RawLogin, out: &mut Vec<Diagnostic>) {
    let FileKind::Login { folder, stem } = kind else {
        return;
    };
    if stem != &raw.primary_id {
        out.push(
            doc.error(
                Code::FileNameMismatch,
                doc.value(&steps!["primary_id"]),
                format!(
                    "primary_id `{}` does not match the file name `{stem}.yaml`",
                    raw.primary_id
                ),
            )
            .help(format!(
                "rename the file to `{}.yaml`, or correct `primary_id`",
                raw.primary_id
            )),
        );
    }
    if folder != &raw.unit {
        out.push(
            doc.error(
                Code::FolderMismatch,
                doc.value(&steps!["unit"]),
                format!(
                    "unit `{}` does not match the folder `logins/{folder}/`",
                    raw.unit
                ),
            )
            .help(format!(
                "move the file to `logins/{}/`, or correct `unit`",
                raw.unit
            )),
        );
    }
}

struct Dates {
    training: BTreeMap<String, NaiveDate>,
    start_date: Option<NaiveDate>,
    end_date: Option<NaiveDate>,
    review_by: Option<NaiveDate>,
    leave: Option<Leave>,
    suspended: Option<Suspension>,
}

/// V12: every date is real and ordered.
fn dates(doc: &Doc<'_>, raw: &RawLogin, _today: NaiveDate, out: &mut Vec<Diagnostic>) -> Dates {
    let mut one = |field: &str, text: &Option<String>| {
        text.as_ref()
            .and_then(|t| date(doc, &steps![field], t, out))
    };
    let start_date = one("start_date", &raw.start_date);
    let end_date = one("end_date", &raw.end_date);
    let review_by = one("review_by", &raw.review_by);
    if let (Some(s), Some(e)) = (start_date, end_date)
        && s > e
    {
        out.push(
            doc.error(
                Code::DateOrder,
                doc.value(&steps!["end_date"]),
                format!("end_date {e} is before start_date {s}"),
            )
            .help("check both dates: the last day of work comes after the first"),
        );
    }
    let leave = raw.leave.as_ref().and_then(|l| {
        let from = date(doc, &steps!["leave", "from"], &l.from, out)?;
        let until = match &l.until {
            Some(u) => Some(date(doc, &steps!["leave", "until"], u, out)?),
            None => None,
        };
        if let Some(until) = until
            && from > until
        {
            out.push(
                doc.error(
                    Code::DateOrder,
                    doc.value(&steps!["leave", "until"]),
                    format!("leave.until {until} is before leave.from {from}"),
                )
                .help("the leave ends after it starts: swap or correct the dates"),
            );
        }
        Some(Leave { from, until })
    });
    let suspended = raw.suspended.as_ref().and_then(|s| {
        Some(Suspension {
            since: date(doc, &steps!["suspended", "since"], &s.since, out)?,
            reason: s.reason,
            note: s.note.clone(),
        })
    });
    let training = raw
        .training
        .iter()
        .filter_map(|(k, v)| date(doc, &steps!["training", k], v, out).map(|d| (k.clone(), d)))
        .collect();
    Dates {
        training,
        start_date,
        end_date,
        review_by,
        leave,
        suspended,
    }
}

/// R4, as a warning: a required training without a completion date keeps
/// the login's roles inactive in Alma until it is recorded.
fn missing_training(tables: &Tables<'_>, doc: &Doc<'_>, raw: &RawLogin, out: &mut Vec<Diagnostic>) {
    let missing: Vec<&str> = tables
        .institution
        .required_training
        .iter()
        .filter(|t| !raw.training.contains_key(*t))
        .map(String::as_str)
        .collect();
    if missing.is_empty() {
        return;
    }
    let at = if raw.training.is_empty() {
        doc.value(&[])
    } else {
        doc.key(&steps!["training"])
    };
    let (what, it) = match missing.as_slice() {
        [one] => (format!("training `{one}` has"), "it is"),
        _ => (
            format!("trainings {} have", roles::join(missing.iter().copied())),
            "they are",
        ),
    };
    out.push(
        doc.warning(
            Code::MissingTraining,
            at,
            format!("required {what} no completion date: the login's roles stay inactive in Alma until {it} recorded (R4)"),
        )
        .help(format!(
            "when the training is done, add its date under `training:`, e.g. `{}: 2026-09-30`",
            missing[0]
        )),
    );
}

fn check_one(
    tables: &Tables<'_>,
    doc: &Doc<'_>,
    kind: &FileKind,
    raw: &RawLogin,
    out: &mut Vec<Diagnostic>,
) -> Option<Login> {
    let before = out.len();
    check_names(doc, kind, raw, out);
    let dates = dates(doc, raw, tables.today, out);
    for key in raw.training.keys() {
        if !tables.institution.required_training.contains(key) {
            out.push(
                doc.warning(
                    Code::UnknownTraining,
                    doc.key(&steps!["training", key]),
                    format!("training `{key}` is not one institution.yaml requires"),
                )
                .help(format!(
                    "required trainings are: {}",
                    join(
                        tables
                            .institution
                            .required_training
                            .iter()
                            .map(String::as_str)
                    )
                )),
            );
        }
    }
    missing_training(tables, doc, raw, out);
    // V2: unit, liaison, profile.
    let Some(unit) = tables.units.get(&raw.unit) else {
        let d = doc.error(
            Code::UnknownUnit,
            doc.value(&steps!["unit"]),
            format!("unit `{}` is not in units.yaml", raw.unit),
        );
        out.push(match did_you_mean(&raw.unit, tables.units.ids()) {
            Some(near) => d.help(format!("did you mean `{near}`?")),
            None => d.help("add the unit to units.yaml, or use an existing unit"),
        });
        return None;
    };
    if !unit.liaisons.contains(&raw.liaison) {
        out.push(
            doc.error(
                Code::LiaisonNotInUnit,
                doc.value(&steps!["liaison"]),
                format!(
                    "`{}` is not a login liaison of unit `{}`",
                    raw.liaison, raw.unit
                ),
            )
            .help(format!(
                "the unit's liaisons are: {}",
                join(unit.liaisons.iter().map(String::as_str))
            )),
        );
    }
    let profile = match &raw.profile {
        None => None,
        // Its own file reports why it could not be read; without it, the
        // fields it would give are unknown, not missing.
        Some(name) if tables.broken_profiles.contains(name) => return None,
        Some(name) => match tables.profiles.get(name) {
            None => {
                let d = doc.error(
                    Code::UnknownProfile,
                    doc.value(&steps!["profile"]),
                    format!("there is no profile `{name}`"),
                );
                out.push(
                    match did_you_mean(name, tables.profiles.keys().map(String::as_str)) {
                        Some(near) => d.help(format!("did you mean `{near}`?")),
                        None => d.help(format!(
                            "profiles are: {}",
                            join(tables.profiles.keys().map(String::as_str))
                        )),
                    },
                );
                // The fields it would give are unknown, not missing.
                return None;
            }
            Some((p, file)) => {
                if !p.units.is_empty() && !p.units.contains(&raw.unit) {
                    out.push(
                        doc.error(
                            Code::UnknownProfile,
                            doc.value(&steps!["profile"]),
                            format!("profile `{name}` is not open to unit `{}`", raw.unit),
                        )
                        .help(format!(
                            "the profile is for: {}; write the roles out instead",
                            join(p.units.iter().map(String::as_str))
                        )),
                    );
                }
                Some((name.as_str(), p, *file))
            }
        },
    };
    // Merge the profile's fields under the login's.
    let missing = |field: &str, out: &mut Vec<Diagnostic>| {
        out.push(
            doc.error(
                Code::MissingLoginField,
                doc.value(&[]),
                format!("`{field}` is set neither in this file nor in its profile"),
            )
            .help(format!("add `{field}:` to the login file")),
        );
    };
    let employment = raw
        .employment
        .or(profile.and_then(|(_, p, _)| p.employment));
    let login_kind = raw.login.or(profile.and_then(|(_, p, _)| p.login));
    let login_type = raw.kind.or(profile.and_then(|(_, p, _)| p.kind));
    let (Some(employment), Some(login_kind), Some(login_type)) =
        (employment, login_kind, login_type)
    else {
        for (field, absent) in [
            ("employment", employment.is_none()),
            ("login", login_kind.is_none()),
            ("type", login_type.is_none()),
        ] {
            if absent {
                missing(field, out);
            }
        }
        return None;
    };
    let business_need = raw
        .business_need
        .clone()
        .or_else(|| profile.and_then(|(_, p, _)| p.business_need.clone()));
    let work_order_departments = raw
        .work_order_departments
        .clone()
        .or_else(|| profile.and_then(|(_, p, _)| p.work_order_departments.clone()))
        .unwrap_or_default();
    let (environments, env_path) = match (
        &raw.environments,
        profile.and_then(|(_, p, _)| p.environments.as_ref()),
    ) {
        (Some(e), _) => (e.clone(), Some("environments")),
        (None, Some(e)) => (e.clone(), Some("profile")),
        (None, None) => (tables.institution.default_environments.clone(), None),
    };
    for (i, env) in environments.iter().enumerate() {
        if !tables.institution.environments.contains_key(env) {
            let at = match env_path {
                Some("environments") => steps!["environments", i],
                _ => steps!["profile"],
            };
            out.push(
                doc.error(
                    Code::UnknownEnvironment,
                    doc.value(&at),
                    format!("environment `{env}` is not defined in institution.yaml"),
                )
                .help(format!(
                    "use one of: {}",
                    join(tables.institution.environments.keys().map(String::as_str))
                )),
            );
        }
    }
    // V3, V4, V9: the login type.
    let has_roles = !raw.roles.is_empty() || profile.is_some_and(|(_, p, _)| !p.roles.is_empty());
    if login_type != LoginType::Custom {
        if has_roles || !raw.additional_roles.is_empty() {
            let at = if raw.roles.is_empty() && raw.additional_roles.is_empty() {
                steps!["profile"]
            } else if raw.roles.is_empty() {
                steps!["additional_roles"]
            } else {
                steps!["roles"]
            };
            out.push(
                doc.error(
                    Code::RolesOnFixedType,
                    doc.key(&at),
                    format!(
                        "a `{}` login is a fixed bundle and takes no roles",
                        login_type.as_str()
                    ),
                )
                .help("remove the roles, or use `type: custom` and list every role type needed"),
            );
        }
    } else if !has_roles && raw.additional_roles.is_empty() {
        out.push(
            doc.error(
                Code::CustomWithoutRoles,
                doc.value(&steps!["type"]),
                "a custom login needs at least one role".to_string(),
            )
            .help("add `roles:` with the role types this person's work needs, or use `type: view`"),
        );
    }
    if login_type == LoginType::Systems {
        if !unit.has_flag(UnitFlag::Systems) {
            out.push(
                doc.error(Code::SystemsOutsideSystemsUnit, doc.value(&steps!["type"]), format!("unit `{}` is not flagged `systems`; systems logins are for the central systems team", raw.unit))
                    .help("use `type: custom` with the role types needed"),
            );
        }
        if raw.consultation.is_none() {
            out.push(
                doc.error(
                    Code::ConsultationMissing,
                    doc.value(&steps!["type"]),
                    "a systems login needs a `consultation` reference",
                )
                .help("add `consultation: <ticket>` naming the consultation that granted it"),
            );
        }
    }
    roles::additional_scopes(tables, doc, &raw.additional_roles, out);
    for (i, _) in raw.additional_roles.iter().enumerate() {
        // The schema requires the reference; it must also not be blank.
        if raw.additional_roles[i].consultation.trim().is_empty() {
            out.push(
                doc.error(
                    Code::ConsultationMissing,
                    doc.value(&steps!["additional_roles", i, "consultation"]),
                    "additional roles need a consultation reference",
                )
                .help("add the reference of the consultation with the systems team"),
            );
        }
    }
    // V6: shared desks hold fulfillment roles only.
    if login_kind == LoginKind::SharedDesk {
        if login_type != LoginType::Custom {
            out.push(
                doc.error(
                    Code::SharedDeskNonFulfillment,
                    doc.value(&steps!["type"]),
                    "a shared-desk login is a custom login with fulfillment roles only",
                )
                .help("use `type: custom` with fulfillment roles"),
            );
        }
        let profile_roles = profile.map(|(_, p, _)| &p.roles);
        for name in raw
            .roles
            .keys()
            .chain(profile_roles.into_iter().flat_map(|r| r.keys()))
        {
            let circulation = tables
                .catalog
                .role_types
                .get(name)
                .is_none_or(|rt| rt.limited_by == Some(LimitKind::CirculationDesks));
            if !circulation {
                let at = if raw.roles.contains_key(name) {
                    doc.key(&steps!["roles", name])
                } else {
                    doc.value(&steps!["profile"])
                };
                out.push(
                    doc.error(Code::SharedDeskNonFulfillment, at, format!("a shared-desk login cannot hold `{name}` roles"))
                        .help("work that updates records needs a personal login, for audit; request one for each person"),
                );
            }
        }
        if !raw.additional_roles.is_empty() {
            out.push(
                doc.error(
                    Code::SharedDeskNonFulfillment,
                    doc.key(&steps!["additional_roles"]),
                    "a shared-desk login cannot hold additional roles",
                )
                .help("request a personal login for this work"),
            );
        }
    }
    // V11: work order departments.
    for (i, code) in work_order_departments.iter().enumerate() {
        if !unit.work_order_departments.contains(code) {
            let at = if raw.work_order_departments.is_some() {
                doc.value(&steps!["work_order_departments", i])
            } else {
                doc.value(&steps!["profile"])
            };
            out.push(
                doc.error(
                    Code::WorkOrderDepartment,
                    at,
                    format!(
                        "`{code}` is not a work order department of unit `{}`",
                        raw.unit
                    ),
                )
                .help(format!(
                    "use one of: {}",
                    join(unit.work_order_departments.iter().map(String::as_str))
                )),
            );
        }
    }
    // The role requests, the profile's first and the login's over them.
    let holder = Holder {
        doc: *doc,
        unit_id: &raw.unit,
        unit,
        employment,
        login: login_kind,
        has_business_need: business_need.is_some(),
    };
    let mut roles = BTreeMap::new();
    if login_type == LoginType::Custom {
        if let Some((name, p, file)) = profile
            && let Some(root) = &file.root
        {
            let origin = Origin::Profile {
                name,
                doc: Doc {
                    file: &file.display,
                    root,
                },
            };
            for (rt, request) in p
                .roles
                .iter()
                .filter(|(rt, _)| !raw.roles.contains_key(*rt))
            {
                if let Some(grant) = roles::check(tables, &holder, &origin, rt, request, out) {
                    roles.insert(rt.clone(), grant);
                }
            }
        }
        for (rt, request) in &raw.roles {
            if let Some(grant) = roles::check(tables, &holder, &Origin::Login, rt, request, out) {
                roles.insert(rt.clone(), grant);
            }
        }
    }
    if out[before..].iter().any(Diagnostic::is_error) {
        return None;
    }
    Some(Login {
        file: doc.file.to_string(),
        primary_id: raw.primary_id.clone(),
        name: raw.name.clone(),
        email: raw.email.clone(),
        unit: raw.unit.clone(),
        github: raw.github.clone(),
        employment,
        login: login_kind,
        kind: login_type,
        manager: raw.manager.clone(),
        liaison: raw.liaison.clone(),
        environments,
        profile: raw.profile.clone(),
        roles,
        work_order_departments,
        additional_roles: raw.additional_roles.clone(),
        training: dates.training,
        start_date: dates.start_date,
        end_date: dates.end_date,
        leave: dates.leave,
        suspended: dates.suspended,
        review_by: dates.review_by,
        business_need,
        consultation: raw.consultation.clone(),
        notes: raw.notes.clone(),
    })
}
