//! The table of diagnostic codes. Each code is a stable kebab-case name, the
//! policy rule it enforces (if any) and a one-line description, which
//! `alma-access explain` prints and the README's table is checked against.

macro_rules! codes {
    ($( $variant:ident => ($name:literal, $rule:expr, $summary:literal), )*) => {
        /// A stable diagnostic code.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Code { $($variant),* }

        impl Code {
            /// Every code, in documentation order.
            pub const ALL: &'static [Code] = &[$(Code::$variant),*];

            /// The stable name printed as `error[name]`.
            pub fn as_str(self) -> &'static str {
                match self { $(Code::$variant => $name),* }
            }

            /// The policy rule (V1-V15, R4, R12) the code enforces, if it enforces one.
            pub fn rule(self) -> Option<&'static str> {
                match self { $(Code::$variant => $rule),* }
            }

            /// One line saying what the code means.
            pub fn summary(self) -> &'static str {
                match self { $(Code::$variant => $summary),* }
            }
        }
    };
}

codes! {
    // Reading files
    Io => ("io-error", None, "A file or folder of the access repository could not be read (missing permission, a folder where a file belongs)."),
    MissingFile => ("missing-file", None, "A file the repository must have (institution.yaml, catalog.yaml, units.yaml) is missing."),
    StrayFile => ("stray-file", None, "A file in access/ that is not part of the layout and is ignored (wrong extension or place)."),
    Symlink => ("symlink", None, "A file or folder in the access folder (or the access folder itself) is a symbolic link; links are never followed, so it was not read. Replace the link with the file itself."),
    SpecialFile => ("special-file", None, "An entry in the access folder is not a regular file or folder (a named pipe, socket or device); it was not opened. Remove it."),
    FileTooLarge => ("file-too-large", None, "A file is larger than any access file should be; it was not read."),
    NotUtf8 => ("not-utf8", None, "A file is not valid UTF-8 text."),
    EmptyFile => ("empty-file", None, "A file has no YAML document in it."),
    // YAML
    YamlSyntax => ("yaml-syntax", None, "The file is not valid YAML."),
    DuplicateKey => ("duplicate-key", None, "A key appears twice in the same mapping; only the first is used."),
    YamlAlias => ("yaml-alias", None, "Anchors and aliases are not allowed in access files; write the values out."),
    YamlTag => ("yaml-tag", None, "YAML tags (`!name`, `!!str`, `!<...>`) are not allowed in access files; quote a value to make it text."),
    ComplexKey => ("complex-key", None, "A mapping key must be a plain string."),
    MultipleDocuments => ("multiple-documents", None, "A file holds more than one YAML document (`---`); keep one per file."),
    TooDeep => ("too-deep", None, "Values are nested deeper than any access file needs."),
    // Schema
    UnknownKey => ("unknown-key", None, "A key the schema does not define (often a typo)."),
    MissingKey => ("missing-key", None, "A required key is missing."),
    WrongType => ("wrong-type", None, "A value has the wrong type (for example a number where a quoted string is needed)."),
    InvalidValue => ("invalid-value", None, "A value is not one of those allowed, or does not have the required form."),
    DuplicateItem => ("duplicate-item", None, "A list holds the same item twice; lists are sets."),
    // Policy rules
    FileNameMismatch => ("file-name-mismatch", Some("V1"), "The file name (without .yaml) must equal `primary_id`."),
    FolderMismatch => ("folder-mismatch", Some("V1"), "The folder under logins/ must equal `unit`."),
    DuplicatePrimaryId => ("duplicate-primary-id", Some("V1"), "Two login files have the same `primary_id` (compared case-insensitively, as Alma does)."),
    UnknownUnit => ("unknown-unit", Some("V2"), "`unit` is not defined in units.yaml."),
    LiaisonNotInUnit => ("liaison-not-in-unit", Some("V2"), "`liaison` is not one of the unit's liaisons in units.yaml."),
    UnknownProfile => ("unknown-profile", Some("V2"), "`profile` names no file in profiles/, or the profile is not open to the login's unit."),
    MissingLoginField => ("missing-login-field", Some("V3"), "`employment`, `login` or `type` is set neither in the login nor in its profile."),
    RolesOnFixedType => ("roles-on-fixed-type", Some("V3"), "view, view-analytics and systems logins are fixed bundles and take no `roles` or `additional_roles`."),
    CustomWithoutRoles => ("custom-without-roles", Some("V3"), "A custom login needs at least one role."),
    SystemsOutsideSystemsUnit => ("systems-outside-systems-unit", Some("V4"), "`type: systems` is only for units flagged `systems`."),
    MissingLimit => ("missing-limit", Some("V5"), "Acquisitions roles need `po_line_owners`, fulfillment roles `circulation_desks`, technical services roles `departments`."),
    LimitNotApplicable => ("limit-not-applicable", Some("V5"), "A limit (desks, departments, PO line owners) was given to a role type that is not limited by it."),
    CodeNotInUnit => ("code-not-in-unit", Some("V5"), "A desk, department or PO line owner code is not in the unit's list in units.yaml."),
    OperatorNeedsSharedDesk => ("level-needs-login-kind", Some("V6"), "A level is reserved for one kind of login (fulfillment operator: shared-desk logins only)."),
    SharedDeskNonFulfillment => ("shared-desk-non-fulfillment", Some("V6"), "A shared-desk login holds fulfillment roles only; other work needs a personal login."),
    BusinessNeedMissing => ("business-need-missing", Some("V7"), "This level needs a `business_need` for students and temps."),
    BatchAttestation => ("batch-attestation", Some("V8"), "Record loads and batch updates need `batch_attestation` with documentation read and a sandbox test date not in the future."),
    ConsultationMissing => ("consultation-missing", Some("V9"), "Digital roles, `additional_roles` and systems logins need a `consultation` reference from the systems team."),
    UnitFlagRequired => ("unit-flag-required", Some("V10"), "A role type or level is reserved for units with a flag (finance, resource-sharing)."),
    WorkOrderDepartment => ("work-order-department-not-in-unit", Some("V11"), "A work order department is not one the unit lists."),
    InvalidDate => ("invalid-date", Some("V12"), "A date is not a real calendar date."),
    DateOrder => ("date-order", Some("V12"), "Dates are out of order (`leave.from` after `leave.until`, `start_date` after `end_date`, a grant's `until` before `start_date`)."),
    UnknownRoleType => ("unknown-role-type", Some("V13"), "A role type is not defined in catalog.yaml."),
    UnknownLevel => ("unknown-level", Some("V13"), "A level is missing, not needed, or not defined for the role type in catalog.yaml."),
    CatalogIntegrity => ("catalog-integrity", Some("V13"), "catalog.yaml or institution.yaml is inconsistent (a grant parameter without a limit, an unknown environment, ...)."),
    UnknownEnvironment => ("unknown-environment", Some("V13"), "An environment is not defined in institution.yaml."),
    RedundantGrant => ("redundant-grant", Some("V14"), "Least privilege: a grant adds nothing, because another grant of the same login already includes all its Alma roles."),
    UnusedCatalogEntry => ("unused-catalog-entry", Some("V14"), "Least privilege: a role type or level that no login uses."),
    SodConflict => ("sod-conflict", Some("V15"), "Separation of duties: the login holds two duties that a `separation_of_duties` rule of catalog.yaml declares conflicting, and carries no exception for the rule."),
    UnknownSodRule => ("unknown-sod-rule", Some("V15"), "A `sod_exceptions` entry names a rule that catalog.yaml's `separation_of_duties` does not define."),
    SodReviewTooLate => ("sod-review-too-late", Some("V15"), "A separation-of-duties exception's `review_by` is more than a year ahead: exceptions are re-examined at least yearly."),
    SodExceptionUnused => ("sod-exception-unused", Some("V15"), "A separation-of-duties exception for a rule the login does not break; remove it."),
    UntilRequired => ("until-required", Some("R12"), "A level with `max_days` in catalog.yaml is granted for a limited time only: the grant needs `until`."),
    UntilTooLate => ("until-too-late", Some("R12"), "A grant's `until` is further ahead than its level's `max_days` allow."),
    UnknownTraining => ("unknown-training", None, "A training record names a training that institution.yaml does not require."),
    MissingTraining => ("missing-training", Some("R4"), "A training institution.yaml requires has no completion date: the login's roles stay inactive in Alma until it is recorded."),
    MisplacedLogin => ("misplaced-login", Some("V1"), "A login file outside `logins/<unit>/` is not read; move it to the folder of its unit."),
    ScopeNotManaged => ("scope-not-managed", None, "An `additional_roles` entry is scoped outside the institution (not the institution, one of its libraries in units.yaml, or a `managed_scopes` entry): the tool adds the role but never changes or removes it."),
}

#[cfg(test)]
mod tests {
    use super::Code;
    use std::collections::HashSet;

    #[test]
    fn names_are_unique_kebab_case() {
        let mut seen = HashSet::new();
        for code in Code::ALL {
            let name = code.as_str();
            assert!(seen.insert(name), "duplicate code {name}");
            assert!(
                name.bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-'),
                "{name}"
            );
            assert!(code.summary().ends_with('.'), "{name}");
        }
    }

    #[test]
    fn every_policy_rule_v1_to_v15_has_a_code() {
        for n in 1..=15 {
            let rule = format!("V{n}");
            assert!(
                Code::ALL.iter().any(|c| c.rule() == Some(rule.as_str())),
                "no code for {rule}"
            );
        }
    }
}
