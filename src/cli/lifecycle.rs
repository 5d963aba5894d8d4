//! `alma-access lifecycle [PATH] --today DATE [--days 14] [--format text|json]`:
//! what the calendar changes today and in the next days (starts, ends,
//! leaves beginning and ending, training completions, `review_by` dates)
//! and what waits for someone (reactivations by request, suspensions,
//! missing training, overdue re-certifications), each with the rule and
//! the manager and liaison who should act. Run daily by a workflow that
//! keeps one issue up to date. Exit 0; 1 when the repository is not valid.
//! Also holds what the lifecycle commands share: loading a valid
//! repository and printing.

use std::path::PathBuf;

use chrono::NaiveDate;

use super::{EXIT_FAILURE, Format, emit, scope};
use crate::lifecycle::calendar::{self, Agenda, Item};
use crate::lifecycle::propose::{self, FileEdit, Proposal};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The access folder (or a repository holding `access/`).
    #[arg(default_value = "access")]
    pub path: PathBuf,
    /// The day to start from (YYYY-MM-DD); default: today.
    #[arg(long, value_name = "DATE")]
    pub today: Option<NaiveDate>,
    /// How many days ahead to look, after today.
    #[arg(long, value_name = "N", default_value_t = 14)]
    pub days: u32,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
}

pub fn run(args: Args) -> u8 {
    let valid = match scope::load(&args.path, args.today) {
        Ok(valid) => valid,
        Err(code) => return code,
    };
    let agenda = calendar::agenda(&valid.repo, valid.today, args.days);
    let out = match args.format {
        Format::Json => serde_json::to_string_pretty(&agenda).expect("agendas serialize") + "\n",
        Format::Text => text(&agenda),
    };
    emit(&out)
}

/// How `sweep-inactive` and `review` deliver edited login files: committed
/// on a new branch (the default, nothing checked out), not at all
/// (`--dry-run`), or also into the working tree (`--write`).
#[derive(Debug, clap::Args)]
pub struct ProposalArgs {
    /// The branch to create (default: alma-access/<command>-...-TODAY).
    #[arg(long, value_name = "NAME")]
    pub branch: Option<String>,
    /// Show the proposal; write no branch.
    #[arg(long)]
    pub dry_run: bool,
    /// Also write the edited files into the working tree.
    #[arg(long)]
    pub write: bool,
}

impl ProposalArgs {
    /// Delivers edited login files: checks that they validate, commits them
    /// on `branch` (unless a dry run, or nothing changed), and with `--write`
    /// also writes them into the working tree. Errors are printed; the exit
    /// code is returned. `what` names the files in messages ("swept files").
    pub fn deliver(
        &self,
        root: &std::path::Path,
        edits: &[FileEdit],
        today: chrono::NaiveDate,
        what: &str,
        branch: &str,
        message: &str,
    ) -> Result<Option<Proposal>, u8> {
        if let Err(rendered) = propose::validate_with(root, edits, today) {
            eprint!("{rendered}");
            eprintln!("error: the {what} would not validate; nothing was written");
            return Err(EXIT_FAILURE);
        }
        let mut proposal = None;
        if !edits.is_empty() && !self.dry_run {
            match propose::commit_branch(root, edits, branch, message) {
                Ok(p) => proposal = Some(p),
                Err(message) => {
                    eprintln!("error: {message}");
                    return Err(EXIT_FAILURE);
                }
            }
        }
        if self.write
            && let Err(message) = propose::write_files(edits)
        {
            eprintln!("error: {message}");
            return Err(EXIT_FAILURE);
        }
        Ok(proposal)
    }
}

/// GitHub handles as mentions: `@a, @b`.
pub(super) fn mentions(handles: &[String]) -> String {
    handles
        .iter()
        .map(|h| format!("@{h}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// A day relative to today: "today", "in 3 days", "2 days ago".
pub(super) fn relative(day: NaiveDate, today: NaiveDate) -> String {
    match (day - today).num_days() {
        0 => "today".into(),
        1 => "tomorrow".into(),
        -1 => "yesterday".into(),
        n if n > 0 => format!("in {n} days"),
        n => format!("{} days ago", -n),
    }
}

/// The agenda for people: a summary line, then the items grouped by date.
pub fn text(agenda: &Agenda) -> String {
    let mut out = format!(
        "Lifecycle of {}: {} through {} ({} day{} ahead): {} item{}, {} needing action\n",
        agenda.institution,
        agenda.today,
        agenda.through,
        agenda.days,
        if agenda.days == 1 { "" } else { "s" },
        agenda.items.len(),
        if agenda.items.len() == 1 { "" } else { "s" },
        agenda.needing_action(),
    );
    if agenda.items.is_empty() {
        out.push_str("\nNothing changes in these days, and nothing is waiting.\n");
        return out;
    }
    let mut date = None;
    for item in &agenda.items {
        if date != Some(item.date) {
            date = Some(item.date);
            out.push_str(&format!(
                "\n{} ({})\n",
                item.date,
                relative(item.date, agenda.today)
            ));
        }
        out.push_str(&item_text(item));
    }
    out
}

fn item_text(item: &Item) -> String {
    let rule = item.rule.map_or(String::new(), |r| format!(" ({r})"));
    let mut out = format!(
        "  {} {} ({}), {}{rule}\n    {}\n",
        item.login.primary_id,
        item.login.name,
        item.login.unit,
        item.kind.as_str(),
        item.what,
    );
    if let Some(todo) = &item.todo {
        out.push_str(&format!("    to do: {todo}\n"));
    }
    out.push_str(&format!(
        "    who: {}; file: {}\n",
        mentions(&item.who),
        item.login.file
    ));
    out
}
