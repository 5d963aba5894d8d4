//! Integration tests of `validate`: the policy rules, malformed input and
//! the command line, over throwaway copies of fixture trees.

mod cli;
#[path = "../common/fixture.rs"]
mod fixture;
mod malformed;
mod rules;
