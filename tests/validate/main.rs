//! Integration tests of `validate`: the policy rules, malformed input,
//! hostile links and special files, and the command line, over throwaway
//! copies of fixture trees; and of `schemas`, the editor schemas made from
//! the validated tables.

mod cli;
mod duties;
#[path = "../common/files.rs"]
mod files;
#[path = "../common/fixture.rs"]
mod fixture;
mod fuzz_yaml;
#[cfg(unix)]
mod links;
mod malformed;
mod one_run;
mod rules;
mod schemas;
