//! `alma-access explain [CODE | RULE]`: the one-line meaning of a
//! diagnostic code; a policy rule (`explain V5`, `explain R10`, `explain
//! A1`) in words, with an example and the fix, and its codes; or the whole
//! table of codes and rules.

use super::{EXIT_OK, EXIT_USAGE};
use crate::diag::rules::{self, RULES};
use crate::diag::{Code, did_you_mean};

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

/// Every code as `code  rule  summary`, one per line, then the rules.
pub fn table() -> String {
    let mut out: String = Code::ALL.iter().map(|c| line(*c)).collect();
    out.push_str("\nPolicy rules (alma-access explain RULE for an example and the fix):\n");
    for r in RULES {
        out.push_str(&format!("{:<4} {}\n", r.id, r.says));
    }
    out
}

/// A rule in words, its example, its fix, and its codes.
fn rule_text(rule: &rules::Rule) -> String {
    let mut out = format!(
        "{}: {}\n  for example: {}\n  what to do: {}\n",
        rule.id, rule.says, rule.example, rule.fix
    );
    let codes: Vec<Code> = Code::ALL
        .iter()
        .copied()
        .filter(|c| c.rule().is_some_and(|r| r.eq_ignore_ascii_case(rule.id)))
        .collect();
    if !codes.is_empty() {
        out.push_str("  its diagnostics:\n");
        for c in codes {
            out.push_str(&format!("    {}", line(c)));
        }
    }
    out
}

fn line(code: Code) -> String {
    format!(
        "{:<36} {:<4} {}\n",
        code.as_str(),
        code.rule().unwrap_or("-"),
        code.summary()
    )
}

/// Explains a code or a rule id.
pub fn explain(query: &str) -> Result<String, String> {
    if let Some(code) = Code::ALL.iter().find(|c| c.as_str() == query) {
        return Ok(line(*code));
    }
    if let Some(rule) = rules::rule(query) {
        return Ok(rule_text(rule));
    }
    let hint = did_you_mean(query, Code::ALL.iter().map(|c| c.as_str()))
        .map(|near| format!("; did you mean `{near}`?"))
        .unwrap_or_else(|| "; run `alma-access explain` for the list".to_string());
    Err(format!("unknown diagnostic code or rule `{query}`{hint}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn explains_codes_and_rules() {
        assert!(explain("missing-limit").unwrap().contains("V5"));
        let v5 = explain("v5").unwrap();
        assert!(
            v5.contains("for example:") && v5.contains("missing-limit"),
            "{v5}"
        );
        let r10 = explain("R10").unwrap();
        assert!(r10.contains("--allow-mass-change"), "{r10}");
        assert!(explain("A5").unwrap().contains("Four eyes"));
        assert!(
            explain("missing-limt")
                .unwrap_err()
                .contains("did you mean `missing-limit`")
        );
    }
}
