//! Building the institution's schemas from the embedded generic ones: each
//! keyword of the generic schema is kept, and the patterns that stand for
//! "a name from the tables" gain the institution's values as `enum`s (with
//! `enumDescriptions`, which yaml-language-server and VS Code show beside
//! each value in completion and on hover), or become `properties` where the
//! names are keys (role types, trainings). Role types and limits a unit
//! cannot use are left out of its schema, as validation refuses them.

use std::collections::BTreeSet;

use serde_json::{Map, Value as Json, json};

use super::COMMENT;
use crate::model::{AccessRepo, Level, LimitKind, RoleType, Unit, Units};
use crate::schema::{self, SchemaKind};

/// One allowed value and the text editors show beside it.
type Choice = (String, Option<String>);

/// The login schema for one unit.
pub(super) fn login(repo: &AccessRepo, id: &str, unit: &Unit) -> Json {
    let mut schema = schema::json(SchemaKind::Login).clone();
    let request = schema["$defs"]["roleRequest"].clone();
    retitle(
        &mut schema,
        &format!("Alma staff login: {} ({id})", unit.name),
        &format!(
            "Generated for unit {id}: the values offered come from units.yaml, catalog.yaml, institution.yaml and profiles/."
        ),
    );
    let props = &mut schema["properties"];
    props["unit"]["const"] = json!(id);
    restrict(&mut props["liaison"], plain(&sorted(&unit.liaisons)));
    restrict(&mut props["environments"]["items"], environments(repo));
    restrict(&mut props["profile"], profiles(repo, id));
    restrict(
        &mut props["work_order_departments"]["items"],
        plain(&sorted(&unit.work_order_departments)),
    );
    trainings(&mut props["training"], &repo.institution.required_training);
    let rules: Vec<Choice> = repo
        .catalog
        .separation_of_duties
        .iter()
        .map(|(name, rule)| (name.clone(), Some(one_line(&rule.description))))
        .collect();
    restrict(
        &mut schema["$defs"]["sodException"]["properties"]["rule"],
        rules,
    );
    let roles = role_types(
        repo,
        &request,
        |role_type, level| role_type.unit_flag(level).is_none_or(|f| unit.has_flag(f)),
        |kind| sorted(unit_codes(unit, kind)),
    );
    set_roles(&mut schema, roles);
    finish(schema)
}

/// The profile schema: every unit, role type, level and code of the institution.
pub(super) fn profile(repo: &AccessRepo) -> Json {
    let mut schema = schema::json(SchemaKind::Profile).clone();
    let request = schema["$defs"]["roleRequest"].clone();
    retitle(
        &mut schema,
        "Alma login profile",
        "Generated for this institution: the values offered come from units.yaml, catalog.yaml and institution.yaml; a login using the profile must find the profile's codes in its own unit.",
    );
    let units: Vec<Choice> = repo
        .units
        .0
        .iter()
        .map(|(id, unit)| (id.clone(), Some(unit.name.clone())))
        .collect();
    let props = &mut schema["properties"];
    restrict(&mut props["units"]["items"], units);
    restrict(&mut props["environments"]["items"], environments(repo));
    let departments = all_codes(&repo.units, |u| &u.work_order_departments);
    restrict(
        &mut props["work_order_departments"]["items"],
        plain(&departments),
    );
    let roles = role_types(
        repo,
        &request,
        |_, _| true,
        |kind| all_codes(&repo.units, |u| unit_codes(u, kind)),
    );
    set_roles(&mut schema, roles);
    finish(schema)
}

/// Puts the generated marker first and appends to the title and description.
fn retitle(schema: &mut Json, title: &str, addition: &str) {
    schema["title"] = json!(title);
    let generic = schema["description"].as_str().unwrap_or_default();
    schema["description"] = json!(format!("{generic} {addition}"));
}

/// `$schema` and the "generated" comment first, the generic keywords after.
fn finish(schema: Json) -> Json {
    let Json::Object(generic) = schema else {
        return schema;
    };
    let mut out = Map::new();
    if let Some(dialect) = generic.get("$schema") {
        out.insert("$schema".into(), dialect.clone());
    }
    out.insert("$comment".into(), json!(COMMENT));
    for (key, value) in generic {
        if key != "$schema" {
            out.insert(key, value);
        }
    }
    Json::Object(out)
}

/// Adds `enum` (and `enumDescriptions` when any value has one) to a subschema.
fn restrict(target: &mut Json, choices: Vec<Choice>) {
    let described = choices.iter().any(|(_, d)| d.is_some());
    let (values, descriptions): (Vec<String>, Vec<String>) = choices
        .into_iter()
        .map(|(value, description)| (value, description.unwrap_or_default()))
        .unzip();
    target["enum"] = json!(values);
    if described {
        target["enumDescriptions"] = json!(descriptions);
    }
}

/// Values without descriptions.
fn plain(values: &[String]) -> Vec<Choice> {
    values.iter().map(|v| (v.clone(), None)).collect()
}

/// A set of values, sorted and without repeats.
fn sorted(values: &[String]) -> Vec<String> {
    let set: BTreeSet<&String> = values.iter().collect();
    set.into_iter().cloned().collect()
}

/// One kind of code of every unit, sorted and without repeats.
fn all_codes(units: &Units, codes: impl Fn(&Unit) -> &[String]) -> Vec<String> {
    let set: BTreeSet<&String> = units.0.values().flat_map(codes).collect();
    set.into_iter().cloned().collect()
}

/// The codes a unit lists for a limit.
fn unit_codes(unit: &Unit, kind: LimitKind) -> &[String] {
    match kind {
        LimitKind::PoLineOwners => &unit.po_line_owners,
        LimitKind::CirculationDesks => &unit.circulation_desks,
        LimitKind::Departments => &unit.departments,
    }
}

/// Text from a table as one line, with single spaces.
fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn environments(repo: &AccessRepo) -> Vec<Choice> {
    let defaults = &repo.institution.default_environments;
    repo.institution
        .environments
        .iter()
        .map(|(name, env)| {
            let what = env
                .environment_type
                .as_deref()
                .map_or(format!("The Alma environment {name}"), |t| {
                    format!("The Alma {t} environment")
                });
            let default = if defaults.contains(name) {
                "; logins without `environments` are given it"
            } else {
                ""
            };
            (name.clone(), Some(format!("{what}{default}.")))
        })
        .collect()
}

/// The profiles a login of unit `id` may start from.
fn profiles(repo: &AccessRepo, id: &str) -> Vec<Choice> {
    repo.profiles
        .iter()
        .filter(|(_, p)| p.units.is_empty() || p.units.iter().any(|u| u == id))
        .map(|(name, p)| (name.clone(), Some(one_line(&p.description))))
        .collect()
}

/// Each required training becomes a property, so editors offer its name.
fn trainings(target: &mut Json, required: &[String]) {
    let mut props = Map::new();
    for name in sorted(required) {
        props.insert(
            name.clone(),
            json!({
                "$ref": "#/$defs/date",
                "description": format!("The day the staff member completed the {name} training, required by institution.yaml before roles are activated."),
            }),
        );
    }
    target["properties"] = Json::Object(props);
}

/// A role type as offered: its name, its description, its request schema.
struct Offered {
    name: String,
    description: String,
    request: Json,
}

/// The role types a holder may request: `open` says which levels, `codes`
/// which codes each limit takes. A role type without an open level, or
/// limited by a list with no codes, cannot be requested and is left out.
fn role_types(
    repo: &AccessRepo,
    generic: &Json,
    open: impl Fn(&RoleType, &Level) -> bool,
    codes: impl Fn(LimitKind) -> Vec<String>,
) -> Vec<Offered> {
    let mut out = Vec::new();
    for (name, role_type) in &repo.catalog.role_types {
        let levels: Vec<(Option<&str>, &Level)> = role_type
            .all_levels()
            .into_iter()
            .filter(|(_, level)| open(role_type, level))
            .collect();
        let limit = role_type.limited_by.map(|kind| (kind, codes(kind)));
        if levels.is_empty() || limit.as_ref().is_some_and(|(_, c)| c.is_empty()) {
            continue;
        }
        let description = role_description(role_type);
        let request = request(generic, &description, role_type, &levels, limit);
        out.push(Offered {
            name: name.clone(),
            description,
            request,
        });
    }
    out
}

/// The request schema of one role type: its levels, and only its own limit.
fn request(
    generic: &Json,
    description: &str,
    role_type: &RoleType,
    levels: &[(Option<&str>, &Level)],
    limit: Option<(LimitKind, Vec<String>)>,
) -> Json {
    let mut schema = generic.clone();
    schema["description"] = json!(description);
    let mut required = Vec::new();
    let named: Vec<Choice> = levels
        .iter()
        .filter_map(|(name, level)| {
            name.map(|n| (n.to_string(), Some(level_description(role_type, level))))
        })
        .collect();
    let props = &mut schema["properties"];
    if named.is_empty() {
        remove(props, "level");
    } else {
        restrict(&mut props["level"], named);
        required.push("level");
    }
    for kind in LimitKind::ALL {
        match &limit {
            Some((limited_by, codes)) if *limited_by == kind => {
                restrict(&mut props[kind.key()]["items"], plain(codes));
                required.push(kind.key());
            }
            _ => remove(props, kind.key()),
        }
    }
    if role_type.consultation {
        required.push("consultation");
    }
    if !required.is_empty() {
        schema["required"] = json!(required);
    }
    schema
}

fn remove(object: &mut Json, key: &str) {
    if let Some(map) = object.as_object_mut() {
        map.shift_remove(key);
    }
}

/// The catalogue's label and description, and the limit a request lists.
fn role_description(role_type: &RoleType) -> String {
    let mut text = role_type.label.clone();
    if let Some(d) = &role_type.description {
        text = format!("{text}: {}", one_line(d));
    }
    if let Some(kind) = role_type.limited_by {
        text.push_str(&format!(" List the unit's {}.", kind.key()));
    }
    text
}

/// A level's label and description, with the conditions validation checks.
fn level_description(role_type: &RoleType, level: &Level) -> String {
    let mut parts: Vec<String> = Vec::new();
    match (&level.label, &level.description) {
        (Some(l), Some(d)) => parts.push(format!("{l}: {}", one_line(d))),
        (Some(l), None) => parts.push(l.clone()),
        (None, Some(d)) => parts.push(one_line(d)),
        (None, None) => {}
    }
    if let Some(kind) = level.only_login {
        parts.push(format!("Only for {} logins.", kind.as_str()));
    }
    if !level.business_need_for.is_empty() {
        let who: Vec<&str> = level.business_need_for.iter().map(|e| e.as_str()).collect();
        parts.push(format!("A {} needs a business_need.", who.join(" or ")));
    }
    if level.requires_batch_attestation {
        parts.push("Needs a batch_attestation.".into());
    }
    if level.consultation && !role_type.consultation {
        parts.push("Needs a consultation reference.".into());
    }
    if role_type.needs_systems_approval(level) {
        parts.push("The systems group approves it.".into());
    }
    parts.join(" ")
}

/// Role types become properties of `roles`, each with its own request
/// schema in `$defs`; any other key under `roles` is refused.
fn set_roles(schema: &mut Json, offered: Vec<Offered>) {
    let mut props = Map::new();
    for role in offered {
        let def = format!("role-{}", role.name);
        props.insert(
            role.name,
            json!({"$ref": format!("#/$defs/{def}"), "description": role.description}),
        );
        schema["$defs"][&def] = role.request;
    }
    let roles = &mut schema["properties"]["roles"];
    roles["additionalProperties"] = json!(false);
    roles["properties"] = Json::Object(props);
}
