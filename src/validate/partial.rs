//! Reading on after schema errors, so a liaison sees every mistake of a
//! file in one run. A login file that breaks its schema (a misspelt key, a
//! value of the wrong form) is still checked against every policy rule
//! that can run: the values that fail the schema are set aside, the rest
//! is read, and the rules run on it. A diagnostic that only says something
//! is missing, where that something (or a misspelling of it) was set
//! aside, follows from the schema error already reported and is dropped:
//! each mistake is reported once.

use crate::diag::{Code, Diagnostic, did_you_mean};
use crate::schema::{self, SchemaKind};
use crate::yaml::{Node, Part, Step};

/// Setting values aside can make their parents fail (a role left without
/// its `level`); after this many rounds the file is not read on.
const ROUNDS: usize = 4;

/// The document without the values that fail its schema, with the paths
/// of those values; `None` when nothing can be read (the document is not a
/// mapping, or a required top-level key is missing or unreadable).
pub(super) fn without_failing(kind: SchemaKind, root: &Node) -> Option<(Node, Vec<Vec<Step>>)> {
    let mut tree = root.clone();
    let mut aside = Vec::new();
    for _ in 0..ROUNDS {
        let mut paths = schema::failing_values(kind, &tree)?;
        if paths.is_empty() {
            return Some((tree, aside));
        }
        paths.sort();
        paths.dedup();
        // Last first: removing an item never shifts one still to remove,
        // and a value goes before the mapping or list holding it.
        for path in paths.iter().rev() {
            tree.remove(path);
        }
        aside.extend(paths);
    }
    None
}

/// Whether `d` only reports the absence of something that was set aside,
/// under its own name or a misspelling of it (`trainig:` for `training:`):
/// a field of the login (anywhere in the file), or a field of one role
/// request (when `d` points at that request).
pub(super) fn follows_from(d: &Diagnostic, root: &Node, aside: &[Vec<Step>]) -> bool {
    let (login_fields, role_fields): (&[&str], &[&str]) = match d.code {
        Code::MissingLoginField => (&["employment", "login", "type", "profile"], &[]),
        Code::CustomWithoutRoles => (&["roles", "additional_roles", "profile", "type"], &[]),
        Code::BusinessNeedMissing => (&["business_need", "employment", "profile"], &[]),
        Code::MissingTraining => (&["training"], &[]),
        Code::SodConflict => (&["sod_exceptions"], &[]),
        Code::UntilRequired => (&[], &["until"]),
        Code::ConsultationMissing => (&["consultation"], &["consultation"]),
        Code::MissingLimit => (&[], &["circulation_desks", "departments", "po_line_owners"]),
        Code::UnknownLevel => (&[], &["level"]),
        Code::BatchAttestation => (&[], &["batch_attestation"]),
        _ => return false,
    };
    aside.iter().any(|path| match path.as_slice() {
        [Step::Key(field), ..] if names(field, login_fields) => true,
        [Step::Key(roles), Step::Key(role), Step::Key(field), ..]
            if roles == "roles" && names(field, role_fields) =>
        {
            let request = [Step::Key(roles.clone()), Step::Key(role.clone())];
            let level = [
                request[0].clone(),
                request[1].clone(),
                Step::Key("level".into()),
            ];
            d.span().is_some_and(|at| {
                at == root.span_at(&request, Part::Key) || at == root.span_at(&level, Part::Value)
            })
        }
        _ => false,
    })
}

/// Whether `key` is one of `fields`, or a misspelling of one.
fn names(key: &str, fields: &[&str]) -> bool {
    fields.contains(&key) || did_you_mean(key, fields.iter().copied()).is_some()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::yaml;

    fn root(text: &str) -> Node {
        yaml::parse(text).root.expect("a document")
    }

    const LOGIN: &str = "primary_id: \"80231457\"\nname: Jordan Luo\nunit: main\n\
                         manager: cwhitaker\nliaison: mgarcia-lib\n";

    fn keys(paths: &[Vec<Step>]) -> Vec<String> {
        paths
            .iter()
            .map(|p| {
                p.iter()
                    .map(ToString::to_string)
                    .collect::<Vec<_>>()
                    .join(".")
            })
            .collect()
    }

    #[test]
    fn a_misspelt_key_is_set_aside_and_the_rest_is_read() {
        let text = format!("{LOGIN}trainig:\n  ferpa: 2026-01-14\nreview_by: 2027-06-30\n");
        let (tree, aside) = without_failing(SchemaKind::Login, &root(&text)).unwrap();
        assert_eq!(keys(&aside), ["trainig"]);
        assert!(tree.get("trainig").is_none());
        assert!(tree.get("review_by").is_some(), "the rest stays");
        assert!(schema::check(SchemaKind::Login, "f", &tree).is_empty());
    }

    #[test]
    fn a_role_without_a_readable_level_keeps_its_other_fields() {
        let text = format!(
            "{LOGIN}type: custom\nroles:\n  fulfillment:\n    level: 7\n    circulation_desks: [NFU_MAIN_CIRC]\n  \
             course-reserves: {{}}\n"
        );
        let (tree, aside) = without_failing(SchemaKind::Login, &root(&text)).unwrap();
        assert_eq!(keys(&aside), ["roles.fulfillment.level"]);
        let fulfillment = tree.get("roles").and_then(|r| r.value.get("fulfillment"));
        assert!(fulfillment.is_some_and(|f| f.value.get("circulation_desks").is_some()));
    }

    #[test]
    fn bad_list_items_are_set_aside_without_shifting_the_others() {
        let text = format!(
            "{LOGIN}type: custom\nroles:\n  fulfillment:\n    level: operator-extended\n    \
             circulation_desks: [NFU_MAIN_CIRC, 5, NFU_MAIN_LATE, [x]]\n"
        );
        let (tree, _) = without_failing(SchemaKind::Login, &root(&text)).unwrap();
        let desks = yaml::to_json(&tree)["roles"]["fulfillment"]["circulation_desks"].clone();
        assert_eq!(desks, serde_json::json!(["NFU_MAIN_CIRC", "NFU_MAIN_LATE"]));
    }

    #[test]
    fn without_a_required_top_level_key_nothing_is_read() {
        let text = LOGIN.replace("unit: main\n", "unit: [main]\n");
        assert!(without_failing(SchemaKind::Login, &root(&text)).is_none());
        assert!(without_failing(SchemaKind::Login, &root("- a list\n")).is_none());
    }

    #[test]
    fn only_absences_of_what_was_set_aside_are_dropped() {
        let text = format!(
            "{LOGIN}roles:\n  fulfillment:\n    circulation_desks: [A]\n  acquisitions:\n    po_line_owners: [B]\n"
        );
        let root = root(&text);
        let path = |p: &[&str]| p.iter().map(|k| Step::Key((*k).into())).collect::<Vec<_>>();
        let aside = vec![
            path(&["trainig"]),
            path(&["profile"]),
            path(&["roles", "fulfillment", "level"]),
        ];
        let at = |p: &[&str], part| root.span_at(&path(p), part);
        let missing = Diagnostic::error(Code::MissingLoginField, "f", "`type` is set neither");
        assert!(follows_from(&missing.at(root.span), &root, &aside));
        let training = Diagnostic::warning(Code::MissingTraining, "f", "no ferpa date");
        assert!(
            follows_from(&training, &root, &aside),
            "`trainig` is a misspelt `training`"
        );
        let order = Diagnostic::error(Code::DateOrder, "f", "end before start");
        assert!(!follows_from(&order, &root, &aside), "not an absence");
        let level = Diagnostic::error(Code::UnknownLevel, "f", "needs a `level`");
        let here = level.clone().at(at(&["roles", "fulfillment"], Part::Key));
        assert!(
            follows_from(&here, &root, &aside),
            "the request whose level was set aside"
        );
        let there = level.at(at(&["roles", "acquisitions"], Part::Key));
        assert!(!follows_from(&there, &root, &aside), "another request");
    }
}
