//! Integration tests of `validate`: the policy rules, malformed input,
//! hostile links and special files, and the command line, over throwaway
//! copies of fixture trees.

mod cli;
#[path = "../common/fixture.rs"]
mod fixture;
#[cfg(unix)]
mod links;
mod malformed;
mod rules;
