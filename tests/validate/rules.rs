//! Every policy rule V1-V14: an invalid case whose rendered diagnostic
//! (file, line, column, caret, help) is snapshotted, and a valid
//! counterpart that passes with no diagnostic at all.

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
fn case(name: &str, code: Code, invalid: impl Fn(&Fixture), valid: impl Fn(&Fixture)) {
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

fn nothing(_: &Fixture) {}

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
        nothing,
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
        nothing,
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
        nothing,
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
        nothing,
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
        nothing,
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
        nothing,
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
        nothing,
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
        nothing,
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
        nothing,
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
        nothing,
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
        nothing,
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
        nothing,
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
        nothing,
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
        nothing,
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
        nothing,
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
        nothing,
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
        nothing,
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
        nothing,
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
        nothing,
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
        nothing,
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
        nothing,
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
        nothing,
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
