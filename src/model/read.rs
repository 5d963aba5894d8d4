//! One way from an access file's text to a typed value, for every reader:
//! the crate's strict, spanned YAML reader ([`crate::yaml::parse`]: no
//! aliases, tags, duplicate keys or second documents), then the one
//! conversion of its tree to a type ([`from_node`]). `validate` converts the
//! trees it loaded with [`from_node`]; whatever reads a file's text on its
//! own (the review check, a table at a git revision, tests reading back what
//! `import` wrote) calls [`read`]. So no two commands can read the same
//! bytes differently: a value the schema refuses unquoted (`80012345`) is
//! no string anywhere.

use std::fmt;

use serde::de::DeserializeOwned;

use crate::yaml::{self, Node, Problem};

/// Why a file's text could not be read as a type.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ReadError {
    /// The text is not strict YAML: what is wrong, and the line it starts on.
    Yaml { line: u32, what: String },
    /// The text holds no YAML document.
    Empty,
    /// The YAML does not have the type's shape.
    Shape(String),
}

impl fmt::Display for ReadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ReadError::Yaml { line, what } => write!(f, "line {line}: {what}"),
            ReadError::Empty => f.write_str("the file is empty"),
            ReadError::Shape(message) => f.write_str(message),
        }
    }
}

impl std::error::Error for ReadError {}

/// Reads `text` (a leading byte-order mark allowed) strictly into a `T`.
/// The first problem of the YAML is the error; a duplicate key is one too.
pub fn read<T: DeserializeOwned>(text: &str) -> Result<T, ReadError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let doc = yaml::parse(text);
    if let Some(problem) = doc.problems.first() {
        return Err(ReadError::Yaml {
            line: problem.line(text),
            what: describe(problem),
        });
    }
    let root = doc.root.ok_or(ReadError::Empty)?;
    from_node(&root).map_err(|e| ReadError::Shape(e.to_string()))
}

/// Converts a tree of the strict reader to a `T`: the one conversion from
/// YAML to types.
pub fn from_node<T: DeserializeOwned>(node: &Node) -> Result<T, serde_yaml::Error> {
    serde_yaml::from_value(yaml::to_serde_yaml(node))
}

/// A problem of the YAML in a few words.
fn describe(problem: &Problem) -> String {
    match problem {
        Problem::Syntax { message, .. } => format!("invalid YAML: {message}"),
        Problem::DuplicateKey { key, .. } => format!("the key `{key}` appears twice"),
        Problem::Alias { .. } => "an alias (`*name`)".to_string(),
        Problem::Tag { tag, .. } => format!("the tag `{tag}`"),
        Problem::ComplexKey { .. } => "a key that is not a plain string".to_string(),
        Problem::MultipleDocuments { .. } => "a second YAML document".to_string(),
        Problem::TooDeep { .. } => "nesting too deep".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Debug, Deserialize, PartialEq)]
    struct Shape {
        id: String,
        #[serde(default)]
        n: Option<i64>,
    }

    #[test]
    fn strict_yaml_is_refused_with_its_line() {
        let err = read::<serde_json::Value>("a: &x 1\nb: *x\n").unwrap_err();
        assert!(matches!(err, ReadError::Yaml { line: 1 | 2, .. }), "{err}");
        let err = read::<serde_json::Value>("a: 1\na: 2\n").unwrap_err();
        assert_eq!(err.to_string(), "line 2: the key `a` appears twice");
        assert!(read::<serde_json::Value>("a: !!str 1\n").is_err());
        assert!(read::<serde_json::Value>("a: 1\n---\nb: 2\n").is_err());
        assert_eq!(read::<serde_json::Value>(""), Err(ReadError::Empty));
        assert_eq!(
            read::<serde_json::Value>("# nothing\n"),
            Err(ReadError::Empty)
        );
    }

    #[test]
    fn types_are_read_as_validate_reads_them() {
        assert_eq!(
            read::<Shape>("\u{feff}id: \"80012345\"\nn: 3\n"),
            Ok(Shape {
                id: "80012345".into(),
                n: Some(3)
            })
        );
        // Unquoted, the id is an integer, as the schema says: no string.
        assert!(matches!(
            read::<Shape>("id: 80012345\n"),
            Err(ReadError::Shape(_))
        ));
        // Dates stay text (YAML 1.2 core schema).
        assert_eq!(read::<String>("2026-09-01").unwrap(), "2026-09-01");
        let tree = yaml::parse("id: x\n").root.unwrap();
        assert_eq!(
            from_node::<Shape>(&tree).unwrap(),
            read::<Shape>("id: x\n").unwrap()
        );
    }
}
