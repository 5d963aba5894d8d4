//! A mapping's entries in file order, looked up by key in constant time
//! once the mapping is long: a file of 40,000 keys with a diagnostic per
//! key must not cost 40,000 scans of 40,000 entries. Short mappings (all
//! that access files normally hold) are scanned, and carry no index.

use std::collections::HashMap;
use std::ops::Deref;
use std::sync::OnceLock;

use super::Entry;

/// Mappings up to this length are scanned rather than indexed.
pub(super) const SCAN: usize = 16;

/// The entries of a mapping, keys unique, in the order of the file. It
/// reads as a slice of [`Entry`]; [`Mapping::get`] finds a key.
#[derive(Clone, Debug, Default)]
pub struct Mapping {
    entries: Vec<Entry>,
    /// Key to entry index, for long mappings; built on the first lookup
    /// unless the reader kept the one it built. Boxed: most mappings are
    /// short and never have one, and every node holds room for a mapping.
    #[expect(
        clippy::box_collection,
        reason = "a box is one word; an empty map in every node would be six"
    )]
    index: OnceLock<Box<HashMap<String, usize>>>,
}

impl Mapping {
    /// A mapping from entries with unique keys and, optionally, their index.
    pub(super) fn from_parts(
        entries: Vec<Entry>,
        index: Option<HashMap<String, usize>>,
    ) -> Mapping {
        let index = match index {
            Some(index) if entries.len() > SCAN => OnceLock::from(Box::new(index)),
            _ => OnceLock::new(),
        };
        Mapping { entries, index }
    }

    /// The entry for `key`.
    pub fn get(&self, key: &str) -> Option<&Entry> {
        if self.entries.len() <= SCAN {
            return self.entries.iter().find(|e| e.key == key);
        }
        let index = self.index.get_or_init(|| {
            let mut index = HashMap::with_capacity(self.entries.len());
            for (i, e) in self.entries.iter().enumerate() {
                index.entry(e.key.clone()).or_insert(i);
            }
            Box::new(index)
        });
        index.get(key).map(|&i| &self.entries[i])
    }

    /// The entry for `key`, mutably; its key must not change.
    pub fn get_mut(&mut self, key: &str) -> Option<&mut Entry> {
        self.entries.iter_mut().find(|e| e.key == key)
    }

    /// Removes the entry for `key`, if there is one.
    pub fn remove(&mut self, key: &str) -> Option<Entry> {
        let i = self.entries.iter().position(|e| e.key == key)?;
        self.index = OnceLock::new();
        Some(self.entries.remove(i))
    }
}

impl From<Vec<Entry>> for Mapping {
    /// A mapping from entries; of entries with the same key, the first is found.
    fn from(entries: Vec<Entry>) -> Mapping {
        Mapping {
            entries,
            index: OnceLock::new(),
        }
    }
}

impl Deref for Mapping {
    type Target = [Entry];

    fn deref(&self) -> &[Entry] {
        &self.entries
    }
}

impl<'a> IntoIterator for &'a Mapping {
    type Item = &'a Entry;
    type IntoIter = std::slice::Iter<'a, Entry>;

    fn into_iter(self) -> Self::IntoIter {
        self.entries.iter()
    }
}

impl PartialEq for Mapping {
    fn eq(&self, other: &Mapping) -> bool {
        self.entries == other.entries
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::yaml::{Node, Span, Value};

    fn entry(key: &str, n: i64) -> Entry {
        Entry {
            key: key.into(),
            key_span: Span::default(),
            value: Node {
                value: Value::Int(n),
                span: Span::default(),
            },
        }
    }

    #[test]
    fn a_removed_key_is_found_no_more_and_the_others_still_are() {
        for len in [3, SCAN + 3] {
            let entries: Vec<Entry> = (0..len)
                .map(|i| entry(&format!("k{i}"), i as i64))
                .collect();
            let mut mapping = Mapping::from(entries);
            assert!(mapping.get("k1").is_some(), "builds the index when long");
            assert_eq!(mapping.remove("k1").map(|e| e.key), Some("k1".into()));
            assert!(mapping.get("k1").is_none());
            assert_eq!(
                mapping.get("k2").map(|e| &e.value.value),
                Some(&Value::Int(2))
            );
            assert!(mapping.remove("k1").is_none());
            assert_eq!(mapping.len(), len - 1);
        }
    }

    #[test]
    fn short_and_long_mappings_find_the_same_entries() {
        for len in [0, 1, SCAN, SCAN + 1, 1000] {
            let entries: Vec<Entry> = (0..len)
                .map(|i| entry(&format!("k{i}"), i as i64))
                .collect();
            let built = Mapping::from(entries.clone());
            let index = entries
                .iter()
                .enumerate()
                .map(|(i, e)| (e.key.clone(), i))
                .collect();
            let read = Mapping::from_parts(entries, Some(index));
            for i in 0..len {
                let key = format!("k{i}");
                assert_eq!(
                    built.get(&key).map(|e| &e.value.value),
                    Some(&Value::Int(i as i64))
                );
                assert_eq!(read.get(&key), built.get(&key));
            }
            assert!(built.get("absent").is_none() && read.get("absent").is_none());
            assert_eq!(built, read);
            assert_eq!(built.len(), len);
        }
    }

    #[test]
    fn of_repeated_keys_the_first_is_found() {
        let mut entries: Vec<Entry> = (0..40).map(|i| entry(&format!("k{i}"), i)).collect();
        entries.push(entry("k3", 99));
        assert_eq!(
            Mapping::from(entries).get("k3").unwrap().value.value,
            Value::Int(3)
        );
    }
}
