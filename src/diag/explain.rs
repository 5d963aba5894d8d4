//! `explain`'s texts: a code's one-line meaning, a policy rule (V, R or A)
//! in words with an example of what breaks it and the fix, and its codes;
//! or the table of every code and rule.

use super::rules::{self, RULES};
use super::{Code, did_you_mean};

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

/// A query `explain` knows nothing of, with the code it perhaps meant.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("unknown diagnostic code or rule `{query}`{}", match near {
    Some(near) => format!("; did you mean `{near}`?"),
    None => "; run `alma-access explain` for the list".to_string(),
})]
pub struct Unknown {
    pub query: String,
    pub near: Option<&'static str>,
}

/// Explains a code or a rule id.
pub fn explain(query: &str) -> Result<String, Unknown> {
    if let Some(code) = Code::ALL.iter().find(|c| c.as_str() == query) {
        // A code of a policy rule is explained with its rule.
        return Ok(match code.rule().and_then(rules::rule) {
            Some(rule) => format!("{}\n{}", line(*code), rule_text(rule)),
            None => line(*code),
        });
    }
    if let Some(rule) = rules::rule(query) {
        return Ok(rule_text(rule));
    }
    Err(Unknown {
        query: query.to_string(),
        near: did_you_mean(query, Code::ALL.iter().map(|c| c.as_str())),
    })
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
        for query in ["sod-conflict", "V15"] {
            let text = explain(query).unwrap();
            assert!(
                text.contains("V15: Separation of duties")
                    && text.contains("for example: `roles: {vendor-maintenance: {}")
                    && text.contains("sod_exceptions"),
                "{text}"
            );
        }
        let r12 = explain("until-required").unwrap();
        assert!(r12.contains("R12: A grant with until"), "{r12}");
        assert!(
            explain("missing-limt")
                .unwrap_err()
                .to_string()
                .contains("did you mean `missing-limit`")
        );
    }
}
