//! Writing an imported login as YAML text, by hand rather than through a
//! serializer, so the output is byte-stable and reads like the files people
//! write: the unit's schema line first, a comment saying where the file came
//! from, keys in the order of the format contract, lists sorted and in flow
//! style, scalars quoted only when YAML would misread them (primary ids and
//! role codes always), and comments where a value is a placeholder.

use std::fmt::Write;

use chrono::NaiveDate;

use crate::model::{Login, LoginType};

/// The first line of a login file of `unit`: it names the unit's editor
/// schema (see [`crate::editor_schemas`]), so editors offer the unit's codes.
pub fn schema_line(unit: &str) -> String {
    crate::editor_schemas::login_line(unit)
}

/// What the header comment says.
pub struct Header<'a> {
    pub environment: &'a str,
    pub today: NaiveDate,
    /// Whether `manager` is the placeholder.
    pub manager_placeholder: bool,
    /// `environments:` to write, when not the institution's default.
    pub environments: Option<&'a [String]>,
    /// Role codes to their catalogue names, for comments on additional roles.
    pub role_name: &'a dyn Fn(&str) -> Option<String>,
}

/// The file text of `login`.
pub fn login_yaml(login: &Login, header: &Header<'_>) -> String {
    let mut out = String::new();
    let w = &mut out;
    line(w, &schema_line(&login.unit));
    line(
        w,
        &format!(
            "# Imported from Alma ({}) on {} by `alma-access import`: it describes the roles",
            header.environment, header.today
        ),
    );
    line(
        w,
        "# the user holds. Review it with the unit's liaison before the pull request.",
    );
    line(w, &format!("primary_id: {}", quoted(&login.primary_id)));
    line(w, &format!("name: {}", scalar(&login.name)));
    if let Some(email) = &login.email {
        line(w, &format!("email: {}", scalar(email)));
    }
    line(w, &format!("unit: {}", scalar(&login.unit)));
    line(w, &format!("employment: {}", login.employment.as_str()));
    line(w, &format!("login: {}", login.login.as_str()));
    line(w, &format!("type: {}", login.kind.as_str()));
    if header.manager_placeholder {
        line(
            w,
            &format!(
                "manager: {}   # TODO: the manager's GitHub handle (Alma does not know it)",
                scalar(&login.manager)
            ),
        );
    } else {
        line(w, &format!("manager: {}", scalar(&login.manager)));
    }
    line(
        w,
        &format!(
            "liaison: {}   # the unit's first liaison",
            scalar(&login.liaison)
        ),
    );
    if let Some(envs) = header.environments {
        line(w, &format!("environments: {}", flow(envs)));
    }
    if login.kind == LoginType::Custom && !login.roles.is_empty() {
        line(w, "roles:");
        for (name, grant) in &login.roles {
            let mut fields: Vec<String> = Vec::new();
            if let Some(level) = &grant.level {
                fields.push(format!("level: {}", scalar(level)));
            }
            for (key, codes) in [
                ("po_line_owners", &grant.po_line_owners),
                ("circulation_desks", &grant.circulation_desks),
                ("departments", &grant.departments),
            ] {
                if !codes.is_empty() {
                    fields.push(format!("{key}: {}", flow(codes)));
                }
            }
            if let Some(until) = grant.until {
                fields.push(format!("until: {until}"));
            }
            if let Some(c) = &grant.consultation {
                fields.push(format!(
                    "consultation: {}   # TODO: the consultation reference",
                    scalar(c)
                ));
            }
            if fields.is_empty() {
                line(w, &format!("  {}: {{}}", scalar(name)));
            } else {
                line(w, &format!("  {}:", scalar(name)));
                for f in fields {
                    line(w, &format!("    {f}"));
                }
            }
        }
    }
    if !login.work_order_departments.is_empty() {
        line(
            w,
            &format!(
                "work_order_departments: {}",
                flow(&login.work_order_departments)
            ),
        );
    }
    if !login.additional_roles.is_empty() {
        line(w, "additional_roles:");
        line(
            w,
            "  # Held in Alma but part of no catalogue level: keep them only after consulting the systems team.",
        );
        for extra in &login.additional_roles {
            let comment = (header.role_name)(&extra.alma_role)
                .map(|n| format!("   # {}", one_line(&n)))
                .unwrap_or_default();
            line(
                w,
                &format!("  - alma_role: {}{comment}", quoted(&extra.alma_role)),
            );
            line(w, &format!("    scope: {}", scalar(&extra.scope)));
            line(
                w,
                &format!("    consultation: {}", scalar(&extra.consultation)),
            );
            if !extra.parameters.is_empty() {
                line(w, "    parameters:");
                for p in &extra.parameters {
                    line(
                        w,
                        &format!(
                            "      - {{type: {}, value: {}}}",
                            scalar(&p.kind),
                            scalar(&p.value)
                        ),
                    );
                }
            }
        }
    }
    if !login.training.is_empty() {
        line(
            w,
            "training:   # assumed on import (--assume-trained): record the real completion dates",
        );
        for (name, day) in &login.training {
            line(w, &format!("  {}: {day}", scalar(name)));
        }
    }
    if let Some(end) = login.end_date {
        line(
            w,
            &format!("end_date: {end}   # the expiry date of the roles in Alma"),
        );
    }
    if let Some(s) = &login.suspended {
        line(w, "suspended:");
        line(w, &format!("  since: {}", s.since));
        let reason = serde_json::to_value(s.reason)
            .ok()
            .and_then(|v| v.as_str().map(str::to_string))
            .unwrap_or_else(|| "other".into());
        line(w, &format!("  reason: {reason}"));
        if let Some(note) = &s.note {
            line(w, &format!("  note: {}", scalar(note)));
        }
    }
    if let Some(c) = &login.consultation {
        line(
            w,
            &format!(
                "consultation: {}   # TODO: the consultation reference",
                scalar(c)
            ),
        );
    }
    if !login.sod_exceptions.is_empty() {
        line(w, "sod_exceptions:");
        line(
            w,
            "  # Held together in Alma, which separation of duties forbids: confirm with the systems team, or remove one duty.",
        );
        for e in &login.sod_exceptions {
            line(w, &format!("  - rule: {}", scalar(&e.rule)));
            line(
                w,
                &format!(
                    "    consultation: {}   # TODO: the consultation reference",
                    scalar(&e.consultation)
                ),
            );
            line(w, &format!("    reason: {}", scalar(&e.reason)));
            line(w, &format!("    review_by: {}", e.review_by));
        }
    }
    out
}

fn line(out: &mut String, text: &str) {
    let _ = writeln!(out, "{text}");
}

fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// `[a, b]`, sorted.
fn flow(items: &[String]) -> String {
    let mut sorted: Vec<&String> = items.iter().collect();
    sorted.sort();
    let parts: Vec<String> = sorted.iter().map(|s| scalar(s)).collect();
    format!("[{}]", parts.join(", "))
}

/// A double-quoted scalar (JSON strings are valid YAML double-quoted scalars).
pub fn quoted(s: &str) -> String {
    serde_json::to_string(s).expect("strings serialize")
}

/// A plain scalar when YAML reads it back as the same string, else quoted.
pub fn scalar(s: &str) -> String {
    let plain_chars = s
        .chars()
        .all(|c| c.is_alphanumeric() || matches!(c, ' ' | '_' | '.' | '@' | '/' | '-' | '\''));
    let first_ok = s
        .chars()
        .next()
        .is_some_and(|c| c.is_alphanumeric() || c == '_');
    let special = matches!(
        s.to_ascii_lowercase().as_str(),
        "true" | "false" | "yes" | "no" | "on" | "off" | "y" | "n" | "null" | "~"
    );
    // Numbers, dates, times and sexagesimals in YAML 1.1 or 1.2.
    let numeric = s.parse::<f64>().is_ok()
        || (s.starts_with(|c: char| c.is_ascii_digit())
            && s.chars()
                .all(|c| c.is_ascii_hexdigit() || "_.:+-xXoO".contains(c)));
    if plain_chars && first_ok && !special && !numeric && s.trim() == s && !s.contains("  ") {
        s.to_string()
    } else {
        quoted(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scalars_are_quoted_only_when_needed() {
        assert_eq!(scalar("NFU_MAIN_CIRC"), "NFU_MAIN_CIRC");
        assert_eq!(scalar("Jane O'Neil"), "Jane O'Neil");
        assert_eq!(scalar("jane_doe@example.edu"), "jane_doe@example.edu");
        for odd in [
            "80012345",
            "2026-01-01",
            "yes",
            "No",
            "null",
            "~",
            "",
            " x",
            "x ",
            "a: b",
            "#x",
            "-x",
            "a\"b",
            "<script>",
            "1e3",
            "0x1F",
            "a  b",
            "[x]",
            "1_000",
            "12:30",
        ] {
            assert!(scalar(odd).starts_with('"'), "{odd:?} -> {}", scalar(odd));
            let back: String = crate::model::read::read(&scalar(odd)).unwrap();
            assert_eq!(back, odd);
        }
        assert_eq!(quoted("a\nb"), "\"a\\nb\"");
    }
}
