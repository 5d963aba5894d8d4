//! Four eyes (rule A5): each requirement of a file is met by a different
//! person. Who meets what is a maximum bipartite matching between a file's
//! requirements and the approvers who stand for them (augmenting paths, so
//! the outcome does not depend on the order approvals were given in: a
//! requirement is left unmet only when no assignment of distinct people
//! could meet it together with the others).
//!
//! The same matching over everyone who could ever approve (the candidates,
//! without those who never count, A2) shows the requirements that
//! distinct people can never all meet: those reachable by alternating paths
//! from a requirement such a matching leaves out (a set with fewer
//! candidates than requirements, by Hall's theorem). Their message says
//! who could be added.

use std::collections::{BTreeMap, BTreeSet};

use super::rules::{Approver, Excluded, Requirement};

/// Keeps, for each requirement of one file, a single approver, each a
/// different person; explains the approvals left over and the requirements
/// distinct people can never meet. `met_by` holds every approval that
/// stands on entry; `candidates` everyone who could ever meet each one.
pub(super) fn enforce(reqs: &mut [Requirement], candidates: &[Vec<String>]) {
    let eligible: Vec<Vec<String>> = reqs.iter().map(|r| keys(&r.met_by)).collect();
    let assigned = matching(&eligible);
    for i in 0..reqs.len() {
        let standing = std::mem::take(&mut reqs[i].met_by);
        match &assigned[i] {
            Some(key) => {
                reqs[i].met_by = standing.into_iter().filter(|h| key_of(h) == *key).collect();
            }
            None => {
                for handle in standing {
                    let Some(j) = assigned.iter().position(|a| *a == Some(key_of(&handle))) else {
                        continue;
                    };
                    let why = format!(
                        "already meets {} for this file; four eyes (A5) need a different person",
                        reqs[j].who
                    );
                    reqs[i].excluded.push(Excluded { handle, why });
                }
            }
        }
    }
    let sets: Vec<Vec<String>> = candidates.iter().map(|c| keys(c)).collect();
    for group in contested(&sets) {
        let note = unmeetable(reqs, candidates, &group);
        for &i in &group {
            if !reqs[i].is_met() {
                reqs[i].unmeetable = Some(note.clone());
            }
        }
    }
}

/// A maximum matching: for each requirement, the person (a key of its set) who meets it.
pub(super) fn matching(sets: &[Vec<String>]) -> Vec<Option<String>> {
    let mut owner: BTreeMap<&str, usize> = BTreeMap::new();
    for r in 0..sets.len() {
        augment(r, sets, &mut owner, &mut BTreeSet::new());
    }
    let mut out = vec![None; sets.len()];
    for (person, r) in owner {
        out[r] = Some(person.to_string());
    }
    out
}

/// Finds a person for `r`, moving others along an alternating path when needed.
fn augment<'a>(
    r: usize,
    sets: &'a [Vec<String>],
    owner: &mut BTreeMap<&'a str, usize>,
    seen: &mut BTreeSet<&'a str>,
) -> bool {
    for person in &sets[r] {
        if !seen.insert(person) {
            continue;
        }
        let free = match owner.get(person.as_str()) {
            None => true,
            Some(&other) => augment(other, sets, owner, seen),
        };
        if free {
            owner.insert(person, r);
            return true;
        }
    }
    false
}

/// The groups of requirements that distinct people can never all meet:
/// for each requirement a maximum matching leaves out (and that has
/// candidates at all), it and every requirement reachable from it by
/// alternating paths.
pub(super) fn contested(sets: &[Vec<String>]) -> Vec<BTreeSet<usize>> {
    let matched = matching(sets);
    let owner: BTreeMap<&str, usize> = matched
        .iter()
        .enumerate()
        .filter_map(|(r, p)| Some((p.as_deref()?, r)))
        .collect();
    let mut groups = Vec::new();
    for start in (0..sets.len()).filter(|&r| matched[r].is_none() && !sets[r].is_empty()) {
        let mut group = BTreeSet::from([start]);
        let mut stack = vec![start];
        while let Some(r) = stack.pop() {
            for person in &sets[r] {
                if let Some(&other) = owner.get(person.as_str())
                    && group.insert(other)
                {
                    stack.push(other);
                }
            }
        }
        groups.push(group);
    }
    groups
}

/// Why the requirements in `group` can never all be met by different people, and who could be added.
fn unmeetable(reqs: &[Requirement], candidates: &[Vec<String>], group: &BTreeSet<usize>) -> String {
    let labels: Vec<String> = group.iter().map(|&i| reqs[i].who.to_string()).collect();
    let mut people: Vec<String> = Vec::new();
    let mut additions: Vec<String> = Vec::new();
    for &i in group {
        for handle in &candidates[i] {
            if !people.iter().any(|p| p.eq_ignore_ascii_case(handle)) {
                people.push(handle.clone());
            }
        }
        if let Some(addition) = addition(&reqs[i].who)
            && !additions.contains(&addition)
        {
            additions.push(addition);
        }
    }
    let people: Vec<String> = people.iter().map(|p| format!("@{p}")).collect();
    let add = if additions.is_empty() {
        "nobody can be added for them".to_string()
    } else {
        format!(
            "add another {} on the default branch",
            additions.join(" or another ")
        )
    };
    format!(
        "four eyes (A5): {} of this file need {} different people, but only {} may approve them; {add}",
        labels.join(" and "),
        group.len(),
        people.join(", "),
    )
}

/// Who could be added so that a requirement has one more candidate.
fn addition(who: &Approver) -> Option<String> {
    match who {
        Approver::Liaison { unit, .. } => Some(format!("liaison of {unit} to units.yaml")),
        Approver::SystemsGroup { .. } | Approver::CurrentManager { .. } => {
            Some("member to approver_groups.systems in institution.yaml".to_string())
        }
        Approver::Manager { .. } => None,
    }
}

fn key_of(handle: &str) -> String {
    handle.to_lowercase()
}

/// Lower-cased handles, each once, in their order.
fn keys(handles: &[String]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for key in handles.iter().map(|h| key_of(h)) {
        if !out.contains(&key) {
            out.push(key);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sets(list: &[&[&str]]) -> Vec<Vec<String>> {
        list.iter()
            .map(|s| s.iter().map(|h| h.to_string()).collect())
            .collect()
    }

    #[test]
    fn augmenting_paths_find_what_a_greedy_pass_misses() {
        // Greedy in order would give x to the first and leave the second with nobody.
        let m = matching(&sets(&[&["x", "y"], &["x"]]));
        assert_eq!(m, [Some("y".to_string()), Some("x".to_string())]);
        let m = matching(&sets(&[&["x"], &["x", "y"]]));
        assert_eq!(m, [Some("x".to_string()), Some("y".to_string())]);
        // A longer path: c can only take z, which b holds, whose other choice y a holds.
        let m = matching(&sets(&[&["y", "x"], &["z", "y"], &["z"]]));
        assert_eq!(m.iter().flatten().count(), 3, "{m:?}");
    }

    #[test]
    fn one_person_meets_one_requirement() {
        let m = matching(&sets(&[&["x"], &["x"], &[]]));
        assert_eq!(m, [Some("x".to_string()), None, None]);
    }

    #[test]
    fn contested_groups_are_hall_violators_whatever_the_order() {
        let a = contested(&sets(&[&["x"], &["q"], &["x"]]));
        let b = contested(&sets(&[&["x"], &["x"], &["q"]]));
        assert_eq!(a, [BTreeSet::from([0, 2])]);
        assert_eq!(b, [BTreeSet::from([0, 1])]);
        // Enough distinct people: nothing is contested; nobody at all is not four eyes.
        assert!(contested(&sets(&[&["x", "y"], &["x"]])).is_empty());
        assert!(contested(&sets(&[&[], &["x"]])).is_empty());
    }
}
