//! Which unit a user's login belongs to: the unit whose library, desks,
//! departments and PO line owners the roles point at, i.e. the unit in
//! which the catalogue explains the most of them (then the fewest left over
//! as additional roles). Ties go to the unit the Alma record mentions
//! (statistic category, job description, address), then to the unit asked
//! for with `--unit`, then to the first unit by id, with a warning.

use super::fit::{self, Fit, Held};
use super::{Note, person};
use crate::alma::wire;
use crate::model::AccessRepo;

/// How well one unit fits: explained roles, fewest additional roles, mentioned.
type Rank = (usize, std::cmp::Reverse<usize>, bool);

/// The unit the roles fit best; ties go to the unit the record mentions,
/// then to `prefer`, then to the first unit (with a warning).
pub fn choose_unit(
    repo: &AccessRepo,
    user: &wire::User,
    held: &Held,
    prefer: Option<&str>,
) -> Option<(String, Fit, Vec<Note>)> {
    let kind = person::login_kind(user);
    let employment = person::employment(user);
    let mut ranked: Vec<(Rank, bool, &String, Fit)> = repo
        .units
        .0
        .iter()
        .map(|(id, unit)| {
            let fit = fit::fit(repo, unit, kind, employment, held);
            let hint = person::mentions(user, id, unit);
            let key = (
                fit.explained,
                std::cmp::Reverse(fit.additional_roles.len()),
                hint,
            );
            (key, prefer == Some(id.as_str()), id, fit)
        })
        .collect();
    // Stable: among equals the first unit (in units.yaml order by id) wins.
    ranked.sort_by_key(|r| std::cmp::Reverse((r.0, r.1)));
    let best_key = ranked.first()?.0;
    let tied: Vec<&str> = ranked
        .iter()
        .filter(|r| r.0 == best_key)
        .map(|r| r.2.as_str())
        .collect();
    let (_, _, id, fit) = ranked.into_iter().next()?;
    let mut notes = Vec::new();
    if tied.len() > 1 {
        notes.push(Note::warn(format!(
            "the roles fit units {} equally and the record names none of them: placed in `{id}`; move the file if that is wrong",
            tied.join(", ")
        )));
    }
    Some((id.clone(), fit, notes))
}
