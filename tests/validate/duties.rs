//! Separation of duties (V15) and grants that expire (R12), each with an
//! invalid case whose diagnostic is snapshotted and a valid counterpart
//! that passes with nothing to say (see [`crate::rules::case`]).

use alma_access::diag::Code;

use crate::fixture::Fixture;
use crate::rules::case;

const ADA: &str = "logins/main/10000001.yaml";
const GUS: &str = "logins/main/10000007.yaml";

/// Declares `rules` (YAML lines under `separation_of_duties:`) in the catalogue.
fn rules(f: &Fixture, rules: &str) {
    f.edit(
        "catalog.yaml",
        "acquisitions:\n",
        &format!("separation_of_duties:\n{rules}acquisitions:\n"),
    );
}

/// Ada orders (acquisitions) and approves invoices (invoice operator).
const ORDER_AND_PAY: &str = "  order-and-pay:\n    description: ordering vs approving invoices\n    conflicting: [acquisitions, invoice]\n";

/// An exception for `rule` reviewed by `review_by`.
fn exception(rule: &str, review_by: &str) -> String {
    format!(
        "sod_exceptions:\n  - rule: {rule}\n    consultation: SYS-4620\n    reason: one-person office; payments approved again in the ERP\n    review_by: {review_by}\n"
    )
}

fn append(f: &Fixture, rel: &str, text: &str) {
    let old = std::fs::read_to_string(f.root.join(rel)).unwrap();
    f.write(rel, old + text);
}

#[test]
fn v15_conflicting_duties_need_an_exception() {
    case(
        "v15_sod_conflict",
        Code::SodConflict,
        |f| rules(f, ORDER_AND_PAY),
        |f| {
            rules(f, ORDER_AND_PAY);
            append(f, ADA, &exception("order-and-pay", "2027-06-30"));
        },
    );
}

#[test]
fn v15_a_conflict_reached_through_a_profile_points_at_the_profile() {
    // The profile grants fulfillment; the login adds resource management.
    let rule = "  desk-and-records:\n    description: circulation vs editing records\n    conflicting: [fulfillment/operator-extended, resource-management]\n";
    let login = |f: &Fixture| {
        f.write(
            "logins/main/10000009.yaml",
            "primary_id: \"10000009\"\nname: Ivy Student\nunit: main\nprofile: circ-student\nmanager: boss-main\nliaison: liaison-main\nroles:\n  resource-management:\n    level: operator\ntraining:\n  security_awareness: 2026-09-01\n  ferpa: 2026-09-02\n",
        );
    };
    case(
        "v15_sod_conflict_profile",
        Code::SodConflict,
        |f| {
            rules(f, rule);
            login(f);
        },
        |f| {
            // The same login once the rule names only the level above the
            // profile's (operator-extended-plus extends operator-extended,
            // not the other way round).
            rules(
                f,
                &rule.replace("operator-extended,", "operator-extended-plus,"),
            );
            login(f);
        },
    );
}

#[test]
fn v15_an_exception_without_review_by_is_refused_once() {
    let bad = Fixture::minimal();
    rules(&bad, ORDER_AND_PAY);
    let without =
        exception("order-and-pay", "2027-06-30").replace("    review_by: 2027-06-30\n", "");
    append(&bad, ADA, &without);
    let report = bad.validate();
    // The missing key is the finding; the conflict the exception would
    // cover follows from it and is not reported again.
    assert_eq!(report.codes(), [Code::MissingKey], "{}", report.text);
    assert!(report.text.contains("review_by"), "{}", report.text);
    assert!(report.outcome.repo.is_none());
}

#[test]
fn v15_an_exception_is_reviewed_within_a_year() {
    case(
        "v15_sod_review_too_late",
        Code::SodReviewTooLate,
        |f| {
            rules(f, ORDER_AND_PAY);
            append(f, ADA, &exception("order-and-pay", "2027-11-24"));
        },
        |f| {
            rules(f, ORDER_AND_PAY);
            append(f, ADA, &exception("order-and-pay", "2027-11-23"));
        },
    );
}

#[test]
fn v15_an_exception_names_a_rule_of_the_catalogue() {
    case(
        "v15_unknown_sod_rule",
        Code::UnknownSodRule,
        |f| {
            rules(f, ORDER_AND_PAY);
            append(f, ADA, &exception("order-and-pya", "2027-06-30"));
        },
        |f| {
            rules(f, ORDER_AND_PAY);
            append(f, ADA, &exception("order-and-pay", "2027-06-30"));
        },
    );
}

#[test]
fn v15_an_exception_the_login_does_not_need_is_warned() {
    let f = Fixture::minimal();
    rules(&f, ORDER_AND_PAY);
    append(&f, ADA, &exception("order-and-pay", "2027-06-30"));
    // Gus only views.
    append(&f, GUS, &exception("order-and-pay", "2027-06-30"));
    let report = f.validate();
    assert_eq!(
        report.codes(),
        [Code::SodExceptionUnused],
        "{}",
        report.text
    );
    insta::assert_snapshot!("v15_sod_exception_unused", report.text);
    assert!(
        report.outcome.repo.is_some(),
        "a warning keeps the repository valid"
    );
}

#[test]
fn v15_rules_name_role_types_and_levels_of_the_catalogue() {
    case(
        "v15_rule_unknown_duty",
        Code::CatalogIntegrity,
        |f| {
            rules(
                f,
                &ORDER_AND_PAY.replace("invoice]", "invoice/operator-plus]"),
            )
        },
        |f| {
            rules(f, &ORDER_AND_PAY.replace("invoice]", "invoice/operator]"));
            append(f, ADA, &exception("order-and-pay", "2027-06-30"));
        },
    );
}

/// Technical services operator (Ada's) granted for at most 30 days.
fn limited(f: &Fixture) {
    f.edit(
        "catalog.yaml",
        "    operator:\n      grants: [{alma_role: \"37\"",
        "    operator:\n      max_days: 30\n      grants: [{alma_role: \"37\"",
    );
}

/// Ada's technical services grant, ending on `until`.
fn until(f: &Fixture, until: &str) {
    f.edit(
        ADA,
        "    departments: [MAIN_ACQ]\n",
        &format!("    departments: [MAIN_ACQ]\n    until: {until}\n"),
    );
}

#[test]
fn r12_a_level_with_max_days_needs_until() {
    case("r12_until_required", Code::UntilRequired, limited, |f| {
        limited(f);
        until(f, "2026-12-23");
    });
}

#[test]
fn r12_until_is_at_most_max_days_ahead() {
    case(
        "r12_until_too_late",
        Code::UntilTooLate,
        |f| {
            limited(f);
            until(f, "2026-12-24");
        },
        |f| {
            limited(f);
            until(f, "2026-12-23");
        },
    );
}

#[test]
fn r12_until_is_a_real_date() {
    case(
        "r12_until_invalid",
        Code::InvalidDate,
        |f| until(f, "2026-02-30"),
        |f| until(f, "2026-02-28"),
    );
}

#[test]
fn r12_a_grant_ends_on_or_after_the_first_day_of_work() {
    let grant = |f: &Fixture, until: &str| {
        f.edit(
            ADA,
            "  analytics: {}\n",
            &format!("  analytics:\n    until: {until}\n"),
        );
        append(f, ADA, "start_date: 2026-12-01\n");
    };
    case(
        "r12_until_before_start",
        Code::DateOrder,
        |f| grant(f, "2026-11-30"),
        |f| grant(f, "2026-12-01"),
    );
}
