//! `alma-access explain [CODE]`: the one-line meaning of a diagnostic code,
//! the codes of a policy rule (`explain V5`), or the whole table.

use super::{EXIT_OK, EXIT_USAGE};
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

/// Every code as `code  rule  summary`, one per line.
pub fn table() -> String {
    Code::ALL.iter().map(|c| line(*c)).collect()
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
    let rule: Vec<Code> = Code::ALL
        .iter()
        .copied()
        .filter(|c| c.rule().is_some_and(|r| r.eq_ignore_ascii_case(query)))
        .collect();
    if !rule.is_empty() {
        return Ok(rule.into_iter().map(line).collect());
    }
    let hint = did_you_mean(query, Code::ALL.iter().map(|c| c.as_str()))
        .map(|near| format!("; did you mean `{near}`?"))
        .unwrap_or_else(|| "; run `alma-access explain` for the list".to_string());
    Err(format!("unknown diagnostic code `{query}`{hint}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn explains_codes_and_rules() {
        assert!(explain("missing-limit").unwrap().contains("V5"));
        assert_eq!(explain("v5").unwrap().lines().count(), 3);
        assert!(
            explain("missing-limt")
                .unwrap_err()
                .contains("did you mean `missing-limit`")
        );
    }
}
