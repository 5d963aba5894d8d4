//! Every policy rule V1-V14: an invalid case whose rendered diagnostic
//! (file, line, column, caret, help) is snapshotted, and a valid
//! counterpart that passes with no diagnostic at all. The valid counterpart
//! is an edit of its own, as close to the invalid one as the rule allows:
//! the same value made valid by what the rule looks at (the unit, the
//! catalogue, the login's type), or the fix the diagnostic's help gives.

use alma_access::diag::Code;

use crate::fixture::Fixture;

const ADA: &str = "logins/main/10000001.yaml";
const CY: &str = "logins/main/10000003.yaml";
const DI: &str = "logins/main/10000004.yaml";
const DESK: &str = "logins/main/MAIN-DESK1.yaml";
const FAY: &str = "logins/systems/10000006.yaml";
const GUS: &str = "logins/main/10000007.yaml";

/// Runs one rule case: `invalid` must produce `code` (snapshotted as `name`),
/// `valid` must produce nothing.
pub(crate) fn case(name: &str, code: Code, invalid: impl Fn(&Fixture), valid: impl Fn(&Fixture)) {
    let bad = Fixture::minimal();
    invalid(&bad);
    let report = bad.validate();
    assert!(
        report.codes().contains(&code),
        "{name}: expected {code:?}, got:\n{}",
        report.text
    );
    assert!(
        report.outcome.repo.is_none() || report.errors() == 0,
        "{name}: a repository with errors was returned"
    );
    insta::assert_snapshot!(name, report.text);

    let good = Fixture::minimal();
    valid(&good);
    let report = good.validate();
    assert!(
        report.diagnostics.is_empty(),
        "{name} (valid counterpart):\n{}",
        report.text
    );
    assert!(
        report.outcome.repo.is_some(),
        "{name}: no repository for a valid tree"
    );
}

/// Moves a login file to another folder (the file name kept).
fn move_login(f: &Fixture, rel: &str, folder: &str) {
    let text = std::fs::read_to_string(f.root.join(rel)).unwrap();
    let name = rel.rsplit('/').next().unwrap();
    f.write(&format!("logins/{folder}/{name}"), text);
    f.remove(rel);
}

/// The text of `rel` with its trainings recorded, for a test that moves a
/// login of the fixture that has none (only the rule under test is reported).
fn trained(rel: &str, f: &Fixture) -> String {
    let text = std::fs::read_to_string(f.root.join(rel)).unwrap();
    assert!(!text.contains("training:"), "{rel} has trainings already");
    text + "training:\n  security_awareness: 2026-09-01\n  ferpa: 2026-09-02\n"
}

#[test]
fn baseline_fixture_is_valid() {
    let report = Fixture::minimal().validate();
    assert_eq!(report.text, "");
    assert_eq!(report.outcome.repo.unwrap().logins.len(), 9);
    // Its only diagnostics: three logins without training dates (R4).
    let warned: Vec<(&str, Code)> = crate::fixture::baseline()
        .iter()
        .map(|d| (d.file.as_str(), d.code))
        .collect();
    assert_eq!(
        warned,
        [
            ("access/logins/main/10000004.yaml", Code::MissingTraining),
            ("access/logins/main/10000008.yaml", Code::MissingTraining),
            ("access/logins/sharing/10000005.yaml", Code::MissingTraining),
        ]
    );
}

#[test]
fn v1_file_name_matches_primary_id() {
    case(
        "v1_file_name",
        Code::FileNameMismatch,
        |f| {
            f.edit(DI, "primary_id: \"10000004\"", "primary_id: \"10000040\"");
        },
        |f| {
            f.edit(DI, "primary_id: \"10000004\"", "primary_id: \"10000040\"");
            f.write("logins/main/10000040.yaml", trained(DI, f));
            f.remove(DI);
        },
    );
}

#[test]
fn v1_folder_matches_unit() {
    case(
        "v1_folder",
        Code::FolderMismatch,
        |f| {
            f.write("logins/finance/10000004.yaml", trained(DI, f));
            f.remove(DI);
        },
        |f| {
            // The unit follows the folder (with a liaison of that unit).
            let text = trained(DI, f)
                .replace("unit: main", "unit: finance")
                .replace("liaison: liaison-main", "liaison: liaison-fin");
            f.write("logins/finance/10000004.yaml", text);
            f.remove(DI);
        },
    );
}

#[test]
fn v1_primary_ids_are_unique_case_insensitively() {
    case(
        "v1_duplicate_id",
        Code::DuplicatePrimaryId,
        |f| {
            let text = std::fs::read_to_string(f.root.join(DESK))
                .unwrap()
                .replace("MAIN-DESK1", "main-desk1");
            f.write("logins/main/main-desk1.yaml", text);
        },
        |f| {
            let text = std::fs::read_to_string(f.root.join(DESK))
                .unwrap()
                .replace("MAIN-DESK1", "MAIN-DESK2");
            f.write("logins/main/MAIN-DESK2.yaml", text);
        },
    );
}

#[test]
fn v2_unit_exists() {
    case(
        "v2_unknown_unit",
        Code::UnknownUnit,
        |f| {
            f.edit(GUS, "unit: main", "unit: mian");
        },
        |f| {
            // The same unit, once units.yaml has it (and the file is in its folder).
            f.edit(GUS, "unit: main", "unit: mian");
            f.edit(
                "units.yaml",
                "finance:\n",
                "mian:\n  name: Main Library annex\n  liaisons: [liaison-main]\n  alma_library: MAIN\nfinance:\n",
            );
            move_login(f, GUS, "mian");
        },
    );
}

#[test]
fn v2_liaison_belongs_to_the_unit() {
    case(
        "v2_liaison",
        Code::LiaisonNotInUnit,
        |f| {
            f.edit(GUS, "liaison: liaison-main", "liaison: liaison-fin");
        },
        |f| {
            // The same liaison, once the unit lists it.
            f.edit(GUS, "liaison: liaison-main", "liaison: liaison-fin");
            f.edit(
                "units.yaml",
                "liaisons: [liaison-main]",
                "liaisons: [liaison-main, liaison-fin]",
            );
        },
    );
}

#[test]
fn v2_profile_exists() {
    case(
        "v2_unknown_profile",
        Code::UnknownProfile,
        |f| {
            f.edit(CY, "profile: circ-student", "profile: circ-studnet");
        },
        |f| {
            // The same name, once a profile file has it.
            f.edit(CY, "profile: circ-student", "profile: circ-studnet");
            let profile =
                std::fs::read_to_string(f.root.join("profiles/circ-student.yaml")).unwrap();
            f.write("profiles/circ-studnet.yaml", profile);
            f.remove("profiles/circ-student.yaml");
        },
    );
}

#[test]
fn v3_fixed_types_take_no_roles() {
    case(
        "v3_roles_on_view",
        Code::RolesOnFixedType,
        |f| {
            f.edit(GUS, "type: view", "type: view\nroles:\n  analytics: {}");
        },
        |f| {
            f.edit(GUS, "type: view", "type: custom\nroles:\n  analytics: {}");
        },
    );
}

#[test]
fn v3_custom_logins_need_a_role() {
    case(
        "v3_custom_without_roles",
        Code::CustomWithoutRoles,
        |f| {
            f.edit(GUS, "type: view", "type: custom");
        },
        |f| {
            // An additional role is a role too.
            f.edit(
                GUS,
                "type: view",
                "type: custom\nadditional_roles:\n  - alma_role: \"301\"\n    scope: MAIN\n    consultation: SYS-1",
            );
        },
    );
}

#[test]
fn v3_type_comes_from_the_login_or_its_profile() {
    case(
        "v3_missing_type",
        Code::MissingLoginField,
        |f| {
            f.edit(GUS, "type: view\n", "");
        },
        |f| {
            f.edit(GUS, "type: view\n", "").edit(
                GUS,
                "liaison: liaison-main",
                "liaison: liaison-main\nprofile: circ-student",
            );
            f.edit(GUS, "employment: staff\nlogin: personal\n", "");
        },
    );
}

#[test]
fn v4_systems_logins_belong_to_the_systems_unit() {
    case(
        "v4_systems_outside",
        Code::SystemsOutsideSystemsUnit,
        |f| {
            f.edit(GUS, "type: view", "type: systems\nconsultation: SYS-1");
        },
        |f| {
            // The same login in the unit flagged `systems`.
            f.edit(GUS, "type: view", "type: systems\nconsultation: SYS-1")
                .edit(GUS, "unit: main", "unit: systems")
                .edit(GUS, "liaison: liaison-main", "liaison: sys-admin1");
            move_login(f, GUS, "systems");
        },
    );
}

#[test]
fn v5_limited_roles_need_their_codes() {
    case(
        "v5_missing_limit",
        Code::MissingLimit,
        |f| {
            f.edit(ADA, "    po_line_owners: [MAIN]\n", "");
        },
        |f| {
            // Another of the unit's codes serves as well.
            f.edit(
                ADA,
                "    po_line_owners: [MAIN]\n",
                "    po_line_owners: [MAIN_SER]\n",
            );
            f.edit(
                "units.yaml",
                "po_line_owners: [MAIN]\n  work_order",
                "po_line_owners: [MAIN, MAIN_SER]\n  work_order",
            );
        },
    );
}

#[test]
fn v5_codes_come_from_the_unit() {
    case(
        "v5_code_not_in_unit",
        Code::CodeNotInUnit,
        |f| {
            f.edit(
                ADA,
                "circulation_desks: [MAIN_CIRC]",
                "circulation_desks: [MAIN_CIRC, SCI_CIRC]",
            );
        },
        |f| {
            f.edit(
                ADA,
                "circulation_desks: [MAIN_CIRC]",
                "circulation_desks: [MAIN_CIRC, MAIN_RES]",
            );
        },
    );
}

#[test]
fn v5_limits_only_where_the_role_type_is_limited() {
    case(
        "v5_limit_not_applicable",
        Code::LimitNotApplicable,
        |f| {
            f.edit(
                ADA,
                "  invoice:\n    level: operator\n",
                "  invoice:\n    level: operator\n    departments: [MAIN_ACQ]\n",
            );
        },
        |f| {
            // The help's fix: the departments go, the request stays.
            f.edit(
                ADA,
                "  invoice:\n    level: operator\n",
                "  invoice:\n    level: operator\n    departments: [MAIN_ACQ]\n",
            );
            f.edit(
                ADA,
                "  invoice:\n    level: operator\n    departments: [MAIN_ACQ]\n",
                "  invoice:\n    level: operator\n",
            );
        },
    );
}

#[test]
fn v6_fulfillment_operator_is_for_shared_desks() {
    case(
        "v6_operator_on_personal",
        Code::OperatorNeedsSharedDesk,
        |f| {
            f.edit(
                ADA,
                "  fulfillment:\n    level: operator-extended",
                "  fulfillment:\n    level: operator",
            );
        },
        |f| {
            // A level open to personal logins (the student takes the one it leaves).
            f.edit(
                ADA,
                "  fulfillment:\n    level: operator-extended",
                "  fulfillment:\n    level: operator-extended-plus",
            );
            f.edit(
                CY,
                "level: operator-extended-plus",
                "level: operator-extended",
            );
        },
    );
}

#[test]
fn v6_shared_desks_hold_fulfillment_only() {
    case(
        "v6_shared_desk_cataloguing",
        Code::SharedDeskNonFulfillment,
        |f| {
            f.edit(
                DESK,
                "roles:\n",
                "roles:\n  resource-management:\n    level: operator\n",
            );
        },
        |f| {
            f.edit(DESK, "[MAIN_CIRC, MAIN_RES]", "[MAIN_CIRC]");
        },
    );
}

#[test]
fn v7_students_need_a_business_need_for_extended_plus() {
    case(
        "v7_business_need",
        Code::BusinessNeedMissing,
        |f| {
            f.edit(
                CY,
                "business_need: \"Evening supervisor; looks up patrons by name\"\n",
                "",
            );
        },
        |f| {
            // Staff need no business need for the same level.
            f.edit(
                CY,
                "business_need: \"Evening supervisor; looks up patrons by name\"\n",
                "employment: staff\n",
            );
        },
    );
}

#[test]
fn v8_batch_levels_need_an_attestation() {
    case(
        "v8_attestation_missing",
        Code::BatchAttestation,
        |f| {
            f.edit(ADA, "    batch_attestation:\n      documentation_read: true\n      sandbox_tested_on: 2026-10-02\n", "");
        },
        |f| {
            // The attestation as the help writes it, tested today.
            f.edit(
                ADA,
                "    batch_attestation:\n      documentation_read: true\n      sandbox_tested_on: 2026-10-02\n",
                "    batch_attestation: {documentation_read: true, sandbox_tested_on: 2026-11-23}\n",
            );
        },
    );
}

#[test]
fn v8_sandbox_test_is_not_in_the_future() {
    case(
        "v8_attestation_future",
        Code::BatchAttestation,
        |f| {
            f.edit(
                ADA,
                "sandbox_tested_on: 2026-10-02",
                "sandbox_tested_on: 2026-12-02",
            );
        },
        |f| {
            f.edit(
                ADA,
                "sandbox_tested_on: 2026-10-02",
                "sandbox_tested_on: 2026-11-23",
            );
        },
    );
}

#[test]
fn v8_documentation_is_read() {
    case(
        "v8_documentation_unread",
        Code::BatchAttestation,
        |f| {
            f.edit(ADA, "documentation_read: true", "documentation_read: false");
        },
        |f| {
            // The same file, once the level asks for no attestation.
            f.edit(ADA, "documentation_read: true", "documentation_read: false");
            f.edit(
                "catalog.yaml",
                "    operator-extended-plus:\n      requires_batch_attestation: true\n",
                "    operator-extended-plus:\n",
            );
        },
    );
}

#[test]
fn v9_digital_roles_need_a_consultation() {
    case(
        "v9_digital",
        Code::ConsultationMissing,
        |f| {
            f.edit(
                ADA,
                "  digital:\n    consultation: SYS-4502\n",
                "  digital: {}\n",
            );
        },
        |f| {
            f.edit(
                ADA,
                "  digital:\n    consultation: SYS-4502\n",
                "  digital: {consultation: SYS-4511}\n",
            );
        },
    );
}

#[test]
fn v9_systems_logins_need_a_consultation() {
    case(
        "v9_systems",
        Code::ConsultationMissing,
        |f| {
            f.edit(FAY, "consultation: SYS-4388\n", "");
        },
        |f| {
            // Without a consultation, the login of the systems unit is a view login.
            f.edit(FAY, "consultation: SYS-4388\n", "");
            f.edit(FAY, "type: systems", "type: view");
        },
    );
}

#[test]
fn v10_invoice_extended_is_for_finance_units() {
    case(
        "v10_invoice_extended",
        Code::UnitFlagRequired,
        |f| {
            f.edit(
                ADA,
                "  invoice:\n    level: operator\n",
                "  invoice:\n    level: operator-extended\n",
            );
        },
        |f| {
            // The same level in a unit flagged `finance` (the finance
            // login takes the level it leaves).
            f.edit(
                ADA,
                "  invoice:\n    level: operator\n",
                "  invoice:\n    level: operator-extended\n",
            );
            f.edit(
                "units.yaml",
                "  work_order_departments: [MAIN_PRES]\n",
                "  work_order_departments: [MAIN_PRES]\n  flags: [finance]\n",
            );
            f.edit(
                "logins/finance/10000002.yaml",
                "level: operator-extended",
                "level: operator",
            );
        },
    );
}

#[test]
fn v10_resource_sharing_is_for_resource_sharing_units() {
    case(
        "v10_resource_sharing",
        Code::UnitFlagRequired,
        |f| {
            f.edit(
                ADA,
                "  analytics: {}\n",
                "  analytics: {}\n  resource-sharing: {}\n",
            );
        },
        |f| {
            // The same role in a unit flagged `resource-sharing`.
            f.edit(
                ADA,
                "  analytics: {}\n",
                "  analytics: {}\n  resource-sharing: {}\n",
            );
            f.edit(
                "units.yaml",
                "  work_order_departments: [MAIN_PRES]\n",
                "  work_order_departments: [MAIN_PRES]\n  flags: [resource-sharing]\n",
            );
        },
    );
}

#[test]
fn v11_work_order_departments_come_from_the_unit() {
    case(
        "v11_work_order",
        Code::WorkOrderDepartment,
        |f| {
            f.edit(
                ADA,
                "work_order_departments: [MAIN_PRES]",
                "work_order_departments: [MAIN_PRES, SCI_DIGI]",
            );
        },
        |f| {
            f.edit(ADA, "work_order_departments: [MAIN_PRES]\n", "");
        },
    );
}

#[test]
fn v12_dates_are_real() {
    case(
        "v12_invalid_date",
        Code::InvalidDate,
        |f| {
            f.edit(DI, "start_date: 2026-12-01", "start_date: 2026-02-30");
        },
        |f| {
            f.edit(DI, "start_date: 2026-12-01", "start_date: 2024-02-29");
        },
    );
}

#[test]
fn v12_leave_is_ordered() {
    case(
        "v12_leave_order",
        Code::DateOrder,
        |f| {
            f.edit(DI, "until: 2027-03-01", "until: 2027-01-01");
        },
        |f| {
            f.edit(DI, "until: 2027-03-01", "until: 2027-01-05");
        },
    );
}

#[test]
fn v12_end_date_follows_start_date() {
    case(
        "v12_start_after_end",
        Code::DateOrder,
        |f| {
            f.edit(DI, "end_date: 2027-05-31", "end_date: 2026-11-30");
        },
        |f| {
            // A login may end on the day it starts.
            f.edit(DI, "end_date: 2027-05-31", "end_date: 2026-12-01");
        },
    );
}

#[test]
fn v13_role_types_come_from_the_catalogue() {
    case(
        "v13_unknown_role_type",
        Code::UnknownRoleType,
        |f| {
            f.edit(ADA, "  analytics: {}", "  analytic: {}");
        },
        |f| {
            // The same name, once the catalogue has it.
            f.edit(ADA, "  analytics: {}", "  analytic: {}");
            f.edit("catalog.yaml", "\nanalytics:\n", "\nanalytic:\n");
        },
    );
}

#[test]
fn v13_levels_come_from_the_catalogue() {
    case(
        "v13_unknown_level",
        Code::UnknownLevel,
        |f| {
            f.edit(
                ADA,
                "level: operator-extended-plus",
                "level: operator-extended-pluss",
            );
        },
        |f| {
            // The same name, once the role type has a level of that name.
            f.edit(
                ADA,
                "level: operator-extended-plus",
                "level: operator-extended-pluss",
            );
            f.edit(
                "catalog.yaml",
                "    operator-extended-plus:\n      requires_batch_attestation: true",
                "    operator-extended-pluss:\n      requires_batch_attestation: true",
            );
        },
    );
}

#[test]
fn v13_single_level_role_types_take_no_level() {
    case(
        "v13_level_on_single",
        Code::UnknownLevel,
        |f| {
            f.edit(ADA, "  analytics: {}", "  analytics:\n    level: operator");
        },
        |f| {
            // The same request, once the role type has levels.
            f.edit(ADA, "  analytics: {}", "  analytics:\n    level: operator");
            f.edit(
                "catalog.yaml",
                "  label: Analytics\n  grants: [{alma_role: \"220\", scope: institution}]",
                "  label: Analytics\n  levels:\n    operator:\n      grants: [{alma_role: \"220\", scope: institution}]",
            );
        },
    );
}

#[test]
fn v13_catalogue_parameters_need_a_limit() {
    case(
        "v13_catalog_parameter",
        Code::CatalogIntegrity,
        |f| {
            f.edit(
                "catalog.yaml",
                "grants: [{alma_role: \"44\", scope: library}]",
                "grants: [{alma_role: \"44\", scope: library, parameter: ServiceUnit}]",
            );
        },
        |f| {
            // The same grant on a role type limited by departments.
            f.edit(
                "catalog.yaml",
                "grants: [{alma_role: \"37\", scope: library, parameter: ServiceUnit}]",
                "grants: [{alma_role: \"37\", scope: library, parameter: ServiceUnit}, {alma_role: \"44\", scope: library, parameter: ServiceUnit}]",
            );
        },
    );
}

#[test]
fn v13_default_environments_exist() {
    case(
        "v13_unknown_environment",
        Code::UnknownEnvironment,
        |f| {
            f.edit(
                "institution.yaml",
                "default_environments: [production, sandbox]",
                "default_environments: [production, sandbx]",
            );
        },
        |f| {
            // The same name, once it is defined.
            f.edit(
                "institution.yaml",
                "default_environments: [production, sandbox]",
                "default_environments: [production, sandbx]",
            );
            f.edit(
                "institution.yaml",
                "default_environments:",
                "  sandbx: {api_url: \"https://api-na.hosted.exlibrisgroup.com\", api_key_env: ALMA_SANDBX_API_KEY}\ndefault_environments:",
            );
        },
    );
}

#[test]
fn v14_redundant_grants_are_warned() {
    case(
        "v14_redundant",
        Code::RedundantGrant,
        |f| {
            f.edit(ADA, "work_order_departments:", "additional_roles:\n  - alma_role: \"44\"\n    scope: MAIN\n    consultation: SYS-1\nwork_order_departments:");
        },
        |f| {
            f.edit(ADA, "work_order_departments:", "additional_roles:\n  - alma_role: \"301\"\n    scope: MAIN\n    consultation: SYS-1\nwork_order_departments:");
        },
    );
}

#[test]
fn v14_unused_catalogue_entries_are_warned() {
    case(
        "v14_unused",
        Code::UnusedCatalogEntry,
        |f| {
            f.remove("logins/sharing/10000005.yaml");
        },
        |f| {
            // Its only user gone, the role type goes too.
            f.remove("logins/sharing/10000005.yaml");
            f.edit(
                "catalog.yaml",
                "resource-sharing:\n  label: Resource sharing\n  requires_unit_flag: resource-sharing\n  grants: [{alma_role: \"239\", scope: institution}]\n",
                "",
            );
        },
    );
}

#[test]
fn warnings_alone_keep_the_repository_valid() {
    let f = Fixture::minimal();
    f.remove("logins/sharing/10000005.yaml");
    let report = f.validate();
    assert_eq!(report.errors(), 0);
    assert!(report.outcome.repo.is_some());
}

#[test]
fn additional_roles_scoped_outside_the_institution_are_warned() {
    let network = "additional_roles:\n  - alma_role: \"301\"\n    scope: 01TEST_NETWORK\n    consultation: SYS-1\nwork_order_departments:";
    case(
        "scope_not_managed",
        Code::ScopeNotManaged,
        |f| {
            f.edit(ADA, "work_order_departments:", network);
        },
        |f| {
            f.edit(ADA, "work_order_departments:", network);
            f.edit(
                "institution.yaml",
                "preserve_roles: [\"200\"]",
                "preserve_roles: [\"200\"]\nmanaged_scopes: [01TEST_NETWORK]",
            );
        },
    );
}
