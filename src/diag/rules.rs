//! The policy rules in words, for `alma-access explain RULE`: what each
//! validation (V), reconciliation (R) and review (A) rule says, a short
//! example of a file or change that meets it, and what to do about it.

/// One policy rule.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Rule {
    pub id: &'static str,
    pub says: &'static str,
    /// A file (or change) the rule acts on.
    pub example: &'static str,
    /// What to do.
    pub fix: &'static str,
}

/// Every rule, V then R then A.
pub const RULES: &[Rule] = &[
    Rule {
        id: "V1",
        says: "The file name equals primary_id, the folder equals unit, and each primary_id appears once (case-insensitively, as Alma compares ids).",
        example: "logins/main/80012345.yaml holding `primary_id: \"80012346\"`",
        fix: "rename the file or correct primary_id; move the file to logins/<unit>/",
    },
    Rule {
        id: "V2",
        says: "unit exists in units.yaml, liaison is one of that unit's liaisons, manager is a GitHub handle.",
        example: "`unit: mian`",
        fix: "use a unit from units.yaml, and one of its liaisons",
    },
    Rule {
        id: "V3",
        says: "view, view-analytics and systems logins are fixed bundles and take no roles; a custom login needs at least one role.",
        example: "`type: view` with `roles: {analytics: {}}`",
        fix: "use `type: view-analytics`, or `type: custom` with the roles",
    },
    Rule {
        id: "V4",
        says: "systems logins belong to a unit flagged systems.",
        example: "`type: systems` in logins/main/",
        fix: "systems logins are for the central systems team's own unit",
    },
    Rule {
        id: "V5",
        says: "Acquisitions roles need po_line_owners, fulfillment roles circulation_desks, technical services roles departments, each from the unit's list.",
        example: "`fulfillment: {level: operator-extended}` without desks",
        fix: "add `circulation_desks: [CODE]` with a desk units.yaml lists for the unit",
    },
    Rule {
        id: "V6",
        says: "The fulfillment operator level is for shared-desk logins only, and shared-desk logins hold fulfillment roles only.",
        example: "`login: shared-desk` with `resource-management` roles",
        fix: "give that work a personal login",
    },
    Rule {
        id: "V7",
        says: "Levels that need a business need for students and temps have business_need.",
        example: "a student with `fulfillment: {level: operator-extended-plus}`",
        fix: "add `business_need:` saying why the job needs it",
    },
    Rule {
        id: "V8",
        says: "Record loads and batch updates need batch_attestation with documentation read and a sandbox test date not in the future.",
        example: "`resource-management: {level: operator-extended-plus}` alone",
        fix: "add `batch_attestation: {documentation_read: true, sandbox_tested_on: DATE}`",
    },
    Rule {
        id: "V9",
        says: "Digital roles, additional_roles and systems logins need a consultation reference, and the systems group's approval (A3).",
        example: "`additional_roles:` without `consultation:`",
        fix: "consult the systems team and add the ticket as `consultation:`",
    },
    Rule {
        id: "V10",
        says: "Invoice operator-extended is for finance units, resource sharing roles for resource-sharing units.",
        example: "`invoice: {level: operator-extended}` in logins/main/",
        fix: "request it from the finance unit, or use a level the unit may hold",
    },
    Rule {
        id: "V11",
        says: "work_order_departments only from the unit's list.",
        example: "`work_order_departments: [OTHER_UNIT_DEPT]`",
        fix: "use a department units.yaml lists for the unit",
    },
    Rule {
        id: "V12",
        says: "Dates are real dates, leave.from <= leave.until, start_date <= end_date.",
        example: "`start_date: 2027-02-30`",
        fix: "write real dates, in order",
    },
    Rule {
        id: "V13",
        says: "The catalogue is consistent: every level grants an Alma role, codes are digits, nothing references what the catalogue lacks.",
        example: "`level: extended-operator` (no such level)",
        fix: "use a level catalog.yaml defines; the help names the nearest",
    },
    Rule {
        id: "V14",
        says: "Least privilege (a warning): a grant another grant already includes, or a catalogue entry no login uses.",
        example: "fulfillment operator beside operator-extended for the same desks",
        fix: "keep the one grant that is needed",
    },
    Rule {
        id: "V15",
        says: "Separation of duties: a login (its profile's grants included) holds no two duties that one separation_of_duties rule of catalog.yaml declares conflicting, unless it carries an exception with consultation, reason and a review_by at most a year ahead. An exception for a rule the login does not break is a warning.",
        example: "`roles: {vendor-maintenance: {}, invoice: {level: operator}}` under the rule `vendor-and-invoice: {conflicting: [vendor-maintenance, invoice]}`",
        fix: "give one duty to someone else; or, after a consultation with the systems team, add `sod_exceptions: [{rule: vendor-and-invoice, consultation: LTS-4620, reason: ..., review_by: 2027-06-30}]`, which the systems group approves (A3)",
    },
    Rule {
        id: "R1",
        says: "The reconciler manages the roles of users that have a login file; it never creates or deletes users. A login whose user is not yet in Alma waits.",
        example: "a new hire's file before the HR feed creates the account",
        fix: "nothing: the plan shows the roles they will get, and the next apply after the account exists gives them",
    },
    Rule {
        id: "R2",
        says: "All roles of a managed user are managed except preserve_roles, which pass through untouched.",
        example: "a Patron role (200) on a staff user",
        fix: "nothing: preserved roles are never changed",
    },
    Rule {
        id: "R3",
        says: "A login applies to its environments (default: default_environments).",
        example: "`environments: [production]` for a login not needed in the sandbox",
        fix: "list the environments the login needs",
    },
    Rule {
        id: "R4",
        says: "Before start_date, and until every required training has a date, the roles are not active.",
        example: "`training: {security_awareness: 2026-09-01}` without ferpa",
        fix: "record the missing training's date once it is done",
    },
    Rule {
        id: "R5",
        says: "After end_date all managed roles are removed; until then they expire on end_date in Alma itself.",
        example: "`end_date: 2027-05-31`",
        fix: "nothing: access lapses on its own; extend end_date in a reviewed change if the job goes on",
    },
    Rule {
        id: "R6",
        says: "During a leave of at least leave_deactivation_days the roles are inactive; with reactivation: by-request they stay so until a reviewed change removes the leave block.",
        example: "`leave: {from: 2026-12-01, until: 2027-06-30}`",
        fix: "remove the leave block in a reviewed change when the person is back",
    },
    Rule {
        id: "R7",
        says: "suspended sets the roles inactive; only a reviewed change that removes it restores them.",
        example: "`suspended: {since: 2026-11-10, reason: manager-request}`",
        fix: "remove the suspended block in a reviewed change to restore access",
    },
    Rule {
        id: "R8",
        says: "Logins without a staff login for inactivity_days are proposed for suspension as a pull request, never suspended silently.",
        example: "a login whose last Alma login was 120 days ago",
        fix: "review the sweep's pull request: merge it, or remove the login's entry if the person still needs access",
    },
    Rule {
        id: "R9",
        says: "Deleting a login file removes that user's managed roles.",
        example: "`git rm logins/main/80012345.yaml` when someone leaves",
        fix: "nothing: the plan of the change shows the removal",
    },
    Rule {
        id: "R10",
        says: "Safety: every loss of access counts toward max_removals (as a count and a share of all managed roles); min_holders and protected_users stop a plan; a failed read is never taken for no roles; an answer for another user is an error.",
        example: "a new required training that deactivates 400 roles at once",
        fix: "if the mass change is intended, a member of the systems group applies it with `apply --allow-mass-change REASON`",
    },
    Rule {
        id: "R11",
        says: "A full scan reports staff users without a login file who hold roles beyond preserve_roles; with unmanaged_access: remove, it removes them.",
        example: "a role granted by hand in the Alma UI",
        fix: "adopt the person with `alma-access import --user ID` and a reviewed pull request, or let the roles be removed",
    },
    Rule {
        id: "R12",
        says: "A grant with until expires in Alma on the earlier of until and end_date, and its roles are removed after that day (a role two grants give lasts as long as the later one). A level with max_days needs until, at most that many days after the day of validation.",
        example: "`course-reserves: {until: 2027-01-15}` for one semester's reserves desk",
        fix: "nothing when the work ends then: access lapses on its own, with no pull request; to go on, change until in a reviewed change",
    },
    Rule {
        id: "R13",
        says: "Trust: planning a change connects to Alma as the reviewed revision says; keys go over https only (plain http to this machine only); no links under access/.",
        example: "a pull request changing `api_url`",
        fix: "nothing: the change is planned with the reviewed settings and takes effect after merge",
    },
    Rule {
        id: "A1",
        says: "A change to a login needs a liaison of its unit and its manager; when the manager changes, both the current and the new manager (the systems group may stand in for a current manager who has left).",
        example: "changing `manager: bsmith` to `manager: alee`",
        fix: "ask both managers (and a liaison of the unit) to approve the pull request",
    },
    Rule {
        id: "A2",
        says: "Nobody approves their own access: the pull request's author, whoever wrote its commits, and the staff member's own github handle do not count.",
        example: "a liaison approving the pull request they opened",
        fix: "ask another liaison of the unit",
    },
    Rule {
        id: "A3",
        says: "Systems logins, digital roles, additional_roles, batch levels, a separation-of-duties exception added or changed, and any change to institution.yaml, catalog.yaml, units.yaml, profiles, schemas or .github need the systems group.",
        example: "a change to catalog.yaml",
        fix: "ask a member of approver_groups.systems to approve",
    },
    Rule {
        id: "A4",
        says: "Approvals count only when given on the pull request's latest commit.",
        example: "an approval given before the last push",
        fix: "ask for the approval again on the latest commit",
    },
    Rule {
        id: "A5",
        says: "Four eyes: each requirement of a file is met by a different person; rules, liaisons, managers and groups come from the default branch at the merge base; a pull request into any other branch fails.",
        example: "one person who is both the unit's liaison and in the systems group approving alone",
        fix: "a second person approves the other requirement",
    },
];

/// The rule with `id` (case-insensitive).
pub fn rule(id: &str) -> Option<&'static Rule> {
    RULES.iter().find(|r| r.id.eq_ignore_ascii_case(id))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_rule_has_words_an_example_and_a_fix() {
        for r in RULES {
            assert!(
                !r.says.is_empty() && !r.example.is_empty() && !r.fix.is_empty(),
                "{}",
                r.id
            );
        }
        for id in ["V1", "V14", "V15", "R1", "R11", "R12", "A1", "A5"] {
            assert!(rule(id).is_some(), "{id}");
        }
        assert_eq!(rule("r5").unwrap().id, "R5");
    }
}
