//! Integration tests of what sits around the plan: import from Alma (and
//! back again), the auditors' report, and the review check (approvals,
//! CODEOWNERS, local revisions) against a fake GitHub on 127.0.0.1.

#[path = "../common/files.rs"]
mod files;
#[path = "../common/fixture.rs"]
mod fixture;
mod import_cli;
mod import_roundtrip;
mod report_html;
mod review_approvals;
mod review_codeowners;
mod review_local;
