//! `alma-access explain [CODE | RULE]`: the one-line meaning of a
//! diagnostic code; a policy rule (`explain V5`, `explain R10`, `explain
//! A1`) in words, with an example and the fix, and its codes; or the whole
//! table of codes and rules.

use super::{EXIT_OK, Outcome, usage};
use crate::diag::explain::{explain, table};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// A diagnostic code (e.g. `missing-limit`) or a policy rule (e.g. `V5`); none lists all codes.
    pub code: Option<String>,
}

pub fn run(args: Args) -> Outcome {
    match args.code {
        None => print!("{}", table()),
        Some(query) => print!("{}", explain(&query).map_err(usage)?),
    }
    Ok(EXIT_OK)
}
