//! `alma-access explain [CODE | RULE]`: the one-line meaning of a
//! diagnostic code; a policy rule (`explain V5`, `explain R10`, `explain
//! A1`) in words, with an example and the fix, and its codes; or the whole
//! table of codes and rules.

use super::{EXIT_OK, EXIT_USAGE};
use crate::diag::explain::{explain, table};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// A diagnostic code (e.g. `missing-limit`) or a policy rule (e.g. `V5`); none lists all codes.
    pub code: Option<String>,
}

pub fn run(args: Args) -> u8 {
    match args.code {
        None => {
            print!("{}", table());
            EXIT_OK
        }
        Some(query) => match explain(&query) {
            Ok(text) => {
                print!("{text}");
                EXIT_OK
            }
            Err(message) => {
                eprintln!("error: {message}");
                EXIT_USAGE
            }
        },
    }
}
