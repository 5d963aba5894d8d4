//! Changes as people read them. The diff matches roles on their type,
//! scope and parameter values, so a role whose parameters change (one desk
//! more) is a removal and an addition of the same role type at the same
//! scope. Shown, and counted against the caps, that pair is one update:
//! the role stays, with other parameters. The plan's JSON keeps the pair.

use super::plan::{Change, ChangeKind};
use crate::alma::{Role, RoleStatus};

/// One change as shown.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Shown<'a> {
    One(&'a Change),
    /// The role `from` is replaced by `to`: same type and scope, other parameters.
    Update {
        from: &'a Change,
        to: &'a Change,
    },
}

impl Shown<'_> {
    /// `add`, `update`, `remove`, ...
    pub fn label(&self) -> &'static str {
        match self {
            Shown::One(c) => c.kind.label(),
            Shown::Update { .. } => "update",
        }
    }

    /// The role after the change (for a removal, the role removed).
    pub fn role(&self) -> &Role {
        match self {
            Shown::One(c) => &c.role,
            Shown::Update { to, .. } => &to.role,
        }
    }

    /// Whether it takes access away: a removal, a deactivation, an earlier
    /// expiry, or an update that drops a parameter (a desk less).
    pub fn is_loss(&self) -> bool {
        match self {
            Shown::One(c) => super::safety::is_loss(&c.kind),
            Shown::Update { from, to } => {
                from.role.parameters.iter().any(|p| {
                    !to.role
                        .parameters
                        .iter()
                        .any(|q| q.kind == p.kind && q.value == p.value)
                }) || (from.role.status == RoleStatus::Active
                    && to.role.status == RoleStatus::Inactive)
            }
        }
    }
}

/// The changes of one user as shown: each removal paired with the one
/// addition of the same role type and scope, when there is exactly one of
/// each; everything else as it is. In the order of `changes`.
pub fn shown(changes: &[Change]) -> Vec<Shown<'_>> {
    let same = |a: &Change, b: &Change| {
        a.role.role_type == b.role.role_type && a.role.scope == b.role.scope
    };
    let of_kind = |c: &Change, kind: &ChangeKind| &c.kind == kind;
    let mut out = Vec::new();
    let mut used = vec![false; changes.len()];
    for (i, c) in changes.iter().enumerate() {
        if used[i] {
            continue;
        }
        let partner = match c.kind {
            ChangeKind::Remove => Some(ChangeKind::Add),
            ChangeKind::Add => Some(ChangeKind::Remove),
            _ => None,
        };
        let pair = partner.and_then(|kind| {
            let candidates: Vec<usize> = (0..changes.len())
                .filter(|&j| {
                    j != i && !used[j] && of_kind(&changes[j], &kind) && same(c, &changes[j])
                })
                .collect();
            let own: usize = changes
                .iter()
                .filter(|d| of_kind(d, &c.kind) && same(c, d))
                .count();
            (candidates.len() == 1 && own == 1).then(|| candidates[0])
        });
        match pair {
            Some(j) => {
                used[i] = true;
                used[j] = true;
                let (from, to) = if c.kind == ChangeKind::Remove {
                    (c, &changes[j])
                } else {
                    (&changes[j], c)
                };
                out.push(Shown::Update { from, to });
            }
            None => {
                used[i] = true;
                out.push(Shown::One(c));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::alma::RoleParameter;

    fn change(kind: ChangeKind, desks: &[&str]) -> Change {
        Change {
            kind,
            role: Role {
                role_type: "221".into(),
                scope: "MAIN".into(),
                status: RoleStatus::Active,
                expiry_date: None,
                parameters: desks
                    .iter()
                    .map(|d| RoleParameter {
                        kind: "CirculationDesk".into(),
                        value: d.to_string(),
                        scope: None,
                    })
                    .collect(),
            },
            reason: String::new(),
        }
    }

    #[test]
    fn a_desk_more_is_one_update_and_no_loss() {
        let changes = [
            change(ChangeKind::Add, &["A", "B"]),
            change(ChangeKind::Remove, &["A"]),
        ];
        let shown = shown(&changes);
        assert_eq!(shown.len(), 1);
        assert_eq!(shown[0].label(), "update");
        assert!(!shown[0].is_loss());
        let fewer = [
            change(ChangeKind::Add, &["A"]),
            change(ChangeKind::Remove, &["A", "B"]),
        ];
        assert!(super::shown(&fewer)[0].is_loss(), "a desk less is a loss");
    }

    #[test]
    fn ambiguous_pairs_stay_apart() {
        let changes = [
            change(ChangeKind::Add, &["A"]),
            change(ChangeKind::Add, &["B"]),
            change(ChangeKind::Remove, &["C"]),
        ];
        assert_eq!(shown(&changes).len(), 3);
    }
}
