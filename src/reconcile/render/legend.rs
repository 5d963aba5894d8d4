//! Role names and which roles are privileged: the catalogue's words, and
//! Alma's own role type table for every code the catalogue does not name.

use std::collections::{BTreeMap, BTreeSet};

use crate::model::Catalog;

use super::super::plan::Plan;

/// Role names and which roles are privileged, from the catalogue.
#[derive(Clone, Debug, Default)]
pub struct Legend {
    pub names: BTreeMap<String, String>,
    pub privileged: BTreeSet<String>,
}

impl Legend {
    /// Names come from the catalogue's grants. A role is privileged when
    /// only systems logins or levels needing the systems team's approval grant it.
    pub fn from_catalog(catalog: &Catalog) -> Legend {
        let mut names = BTreeMap::new();
        let mut sensitive = BTreeSet::new();
        let mut ordinary = BTreeSet::new();
        let bundles = [
            &catalog.login_types.view,
            &catalog.login_types.view_analytics,
            &catalog.login_types.custom,
        ];
        for grant in bundles.iter().flat_map(|b| &b.grants) {
            ordinary.insert(grant.alma_role.clone());
        }
        for grant in &catalog.login_types.systems.grants {
            sensitive.insert(grant.alma_role.clone());
        }
        for role_type in catalog.role_types.values() {
            for (_, level) in role_type.all_levels() {
                let bucket = if role_type.needs_systems_approval(level) {
                    &mut sensitive
                } else {
                    &mut ordinary
                };
                bucket.extend(level.grants.iter().map(|g| g.alma_role.clone()));
            }
        }
        let all = [
            &catalog.login_types.view,
            &catalog.login_types.view_analytics,
            &catalog.login_types.systems,
            &catalog.login_types.custom,
        ];
        let level_grants = catalog
            .role_types
            .values()
            .flat_map(|rt| rt.all_levels())
            .flat_map(|(_, l)| l.grants.clone());
        for grant in all
            .iter()
            .flat_map(|b| b.grants.clone())
            .chain(level_grants)
        {
            if let Some(name) = grant.name {
                names.entry(grant.alma_role).or_insert(name);
            }
        }
        Legend {
            names,
            privileged: sensitive.difference(&ordinary).cloned().collect(),
        }
    }

    /// The catalogue's legend, with every role code of `plan` named: by
    /// Alma's role type table first (what Alma calls it), the catalogue next.
    pub fn for_plan(catalog: &Catalog, plan: &Plan) -> Legend {
        let mut legend = Legend::from_catalog(catalog);
        for (code, name) in &plan.role_names {
            if !name.trim().is_empty() {
                legend.names.insert(code.clone(), name.clone());
            }
        }
        legend
    }

    pub fn name(&self, code: &str) -> Option<&str> {
        self.names.get(code).map(String::as_str)
    }
}
