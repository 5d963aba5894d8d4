//! `alma-access review --unit U`: re-certification. Lists each login of a
//! unit with its grants, standing and `review_by`, for the unit's liaison
//! and the managers to confirm. `--confirm ID...` (or `--confirm-file`)
//! moves `review_by` of the confirmed logins to today +
//! `review_interval_days` (default 365), editing only that value in each
//! file (inserted when absent; comments kept), validates the result and
//! commits it on a new branch from HEAD (default
//! `alma-access/review-UNIT-TODAY`) for a pull request. Nothing is checked
//! out; `--write` also writes the working tree; `--dry-run` writes nothing.

use std::path::PathBuf;

use chrono::NaiveDate;
use serde_json::json;

use super::emit;
use super::lifecycle::{ProposalArgs, mentions};
use super::scope;
use super::{EXIT_FAILURE, EXIT_USAGE, Format};
use crate::lifecycle::edit::{self, NewValue};
use crate::lifecycle::propose::{self, FileEdit, Proposal};
use crate::lifecycle::recert::{self, LoginReview, UnitReview};
use crate::model::Login;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The access folder (or a repository holding `access/`).
    #[arg(default_value = "access")]
    pub path: PathBuf,
    /// The unit to re-certify (a key of units.yaml).
    #[arg(long, value_name = "UNIT")]
    pub unit: String,
    /// The day of the review (YYYY-MM-DD); default: today.
    #[arg(long, value_name = "DATE")]
    pub today: Option<NaiveDate>,
    /// Primary ids of the logins confirmed: their review_by moves to today + review_interval_days.
    #[arg(long, value_name = "ID", num_args = 1..)]
    pub confirm: Vec<String>,
    /// A file of confirmed primary ids, one per line (`#` starts a comment).
    #[arg(long, value_name = "FILE")]
    pub confirm_file: Option<PathBuf>,
    #[command(flatten)]
    pub proposal: ProposalArgs,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
}

pub fn run(args: Args) -> u8 {
    let valid = match scope::load(&args.path, args.today) {
        Ok(valid) => valid,
        Err(code) => return code,
    };
    let review = match recert::unit_review(&valid.repo, &args.unit, valid.today) {
        Ok(review) => review,
        Err(message) => {
            eprintln!("error: {message}");
            return EXIT_USAGE;
        }
    };
    let mut ids = args.confirm.clone();
    if let Some(file) = &args.confirm_file {
        match std::fs::read_to_string(file) {
            Ok(text) => ids.extend(
                text.lines()
                    .map(|l| l.split('#').next().unwrap_or_default().trim())
                    .filter(|l| !l.is_empty())
                    .map(String::from),
            ),
            Err(e) => {
                eprintln!("error: cannot read `{}`: {e}", file.display());
                return EXIT_USAGE;
            }
        }
    }
    if ids.is_empty() {
        let out = match args.format {
            Format::Text => text(&review),
            Format::Json => {
                serde_json::to_string_pretty(&review).expect("reviews serialize") + "\n"
            }
        };
        return emit(&out);
    }
    let mut confirmed: Vec<&Login> = Vec::new();
    let mut unknown = Vec::new();
    for id in &ids {
        match valid.repo.login(id).filter(|l| l.unit == args.unit) {
            Some(login) if !confirmed.iter().any(|c| c.primary_id == login.primary_id) => {
                confirmed.push(login)
            }
            Some(_) => {}
            None => unknown.push(id.as_str()),
        }
    }
    if !unknown.is_empty() {
        eprintln!(
            "error: not logins of unit `{}`: {}",
            args.unit,
            unknown.join(", ")
        );
        return EXIT_USAGE;
    }
    confirmed.sort_by(|a, b| a.primary_id.cmp(&b.primary_id));
    let until = review.next_review_by;
    let mut edits: Vec<FileEdit> = Vec::new();
    for login in &confirmed {
        if login.review_by == Some(until) {
            continue;
        }
        let value = NewValue::Scalar(until.to_string());
        match propose::edit_login(&valid.root, login, |t| {
            edit::set_top_level(t, "review_by", &value)
        }) {
            Ok(e) => edits.push(e),
            Err(message) => {
                eprintln!("error: {message}");
                return EXIT_FAILURE;
            }
        }
    }
    let message = commit_message(&review, &confirmed);
    let branch = args
        .proposal
        .branch
        .clone()
        .unwrap_or_else(|| format!("alma-access/review-{}-{}", args.unit, valid.today));
    let proposal = match args.proposal.deliver(
        &valid.root,
        &edits,
        valid.today,
        "edited files",
        &branch,
        &message,
    ) {
        Ok(proposal) => proposal,
        Err(code) => return code,
    };
    let out = match args.format {
        Format::Text => confirmation_text(&message, &branch, proposal.as_ref(), edits.is_empty()),
        Format::Json => {
            serde_json::to_string_pretty(&json!({
                "unit": review.unit,
                "today": review.today,
                "review_by": until,
                "confirmed": confirmed.iter().map(|l| &l.primary_id).collect::<Vec<_>>(),
                "files": edits.iter().map(|e| &e.display).collect::<Vec<_>>(),
                "dry_run": args.proposal.dry_run,
                "branch": proposal.as_ref().map(|p| json!({"name": p.branch, "commit": p.commit})),
            }))
            .expect("json serializes")
                + "\n"
        }
    };
    emit(&out)
}

/// The commit message: a title and one line per confirmed login.
pub fn commit_message(review: &UnitReview, confirmed: &[&Login]) -> String {
    let n = confirmed.len();
    let mut out = format!(
        "Re-certify {n} login{} of {} until {}\n\n",
        if n == 1 { "" } else { "s" },
        review.unit,
        review.next_review_by
    );
    out.push_str(&format!(
        "Confirmed on {} that these grants still match the job;\n\
         review_by moves to {} ({} days on):\n\n",
        review.today, review.next_review_by, review.review_interval_days
    ));
    for login in confirmed {
        let was = login
            .review_by
            .map_or_else(|| "not set".to_string(), |d| d.to_string());
        out.push_str(&format!(
            "- {}, {}, {}: review_by {was} -> {}\n",
            login.primary_id, login.name, login.unit, review.next_review_by
        ));
    }
    out.push_str(
        "\nProposed by `alma-access review --confirm`; the unit's liaison and\n\
         each login's manager approve it (A1).\n",
    );
    out
}

fn confirmation_text(
    message: &str,
    branch: &str,
    proposal: Option<&Proposal>,
    nothing: bool,
) -> String {
    let mut out = message.to_string();
    out.push('\n');
    out.push_str(&match (proposal, nothing) {
        (_, true) => {
            "Every confirmed login already has this review_by: no branch written.\n".into()
        }
        (Some(p), false) => format!(
            "Branch {} (commit {}): open a pull request from it.\n",
            p.branch,
            &p.commit[..p.commit.len().min(12)]
        ),
        (None, false) => format!("Dry run: no branch written (it would be {branch}).\n"),
    });
    out
}

/// The unit's logins for people.
pub fn text(review: &UnitReview) -> String {
    let mut out = format!(
        "Re-certification of {} ({}) on {}: {} login{}\n",
        review.unit,
        review.unit_name,
        review.today,
        review.logins.len(),
        if review.logins.len() == 1 { "" } else { "s" }
    );
    out.push_str(&format!(
        "Liaison{}: {}. Confirming a login sets its review_by to {} (every {} days).\n",
        if review.liaisons.len() == 1 { "" } else { "s" },
        mentions(&review.liaisons),
        review.next_review_by,
        review.review_interval_days
    ));
    for login in &review.logins {
        out.push('\n');
        out.push_str(&login_text(login, review.today));
    }
    out.push_str(&format!(
        "\nConfirm with: alma-access review --unit {} --confirm ID... (writes a branch for a pull request)\n",
        review.unit
    ));
    out
}

fn login_text(l: &LoginReview, today: NaiveDate) -> String {
    let mut out = format!(
        "{} {} ({}, {}, type {}: {})\n",
        l.login.primary_id, l.login.name, l.employment, l.kind, l.login_type, l.type_label
    );
    out.push_str(&format!(
        "  manager @{}, liaison @{}; {}\n",
        l.manager, l.liaison, l.login.file
    ));
    let review_by = match l.review_by {
        None => "not set".to_string(),
        Some(d) => format!("{d} ({})", super::lifecycle::relative(d, today)),
    };
    out.push_str(&format!("  standing: {}\n", l.standing_text));
    out.push_str(&format!("  review_by: {review_by}\n"));
    if let Some(profile) = &l.profile {
        out.push_str(&format!("  profile: {profile}\n"));
    }
    if l.roles.is_empty() {
        out.push_str("  roles: the fixed bundle of its type\n");
    } else {
        out.push_str("  roles:\n");
    }
    for role in &l.roles {
        let mut parts = vec![format!("{} ({})", role.role_type, role.label)];
        if let Some(level) = &role.level {
            parts.push(level.clone());
        }
        for (limit, codes) in &role.limits {
            parts.push(format!("{limit}: {}", codes.join(", ")));
        }
        if let Some(c) = &role.consultation {
            parts.push(format!("consultation {c}"));
        }
        if let Some(d) = role.batch_attestation {
            parts.push(format!("sandbox tested {d}"));
        }
        if role.from_profile {
            parts.push("from the profile".into());
        }
        out.push_str(&format!("    {}\n", parts.join("; ")));
    }
    if !l.work_order_departments.is_empty() {
        out.push_str(&format!(
            "  work order departments: {}\n",
            l.work_order_departments.join(", ")
        ));
    }
    for extra in &l.additional_roles {
        let params: Vec<String> = extra
            .parameters
            .iter()
            .map(|p| format!("{}={}", p.kind, p.value))
            .collect();
        out.push_str(&format!(
            "  additional role {} at {} (consultation {}){}\n",
            extra.alma_role,
            extra.scope,
            extra.consultation,
            if params.is_empty() {
                String::new()
            } else {
                format!(" [{}]", params.join(", "))
            }
        ));
    }
    out
}
