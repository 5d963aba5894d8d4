//! The generated schemas against the sample institution: every sample file
//! passes its schema, wrong values are refused, and whatever the embedded
//! schema refuses, the institution's schema refuses too.

use std::path::Path;

use chrono::NaiveDate;
use serde_json::{Value as Json, json};

use super::folder::{self, FileState, Layout, Misdirected, Status};
use super::*;
use crate::load::{FileKind, Loaded, SourceFile};
use crate::schema::{self, SchemaKind};

fn sample() -> (Loaded, AccessRepo) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("access");
    let today = NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
    let (loaded, outcome) = crate::validate::validate_dir(&root, today);
    (
        loaded,
        outcome.repo.expect("the sample institution is valid"),
    )
}

fn validator(files: &[SchemaFile], name: &str) -> jsonschema::Validator {
    let file = files.iter().find(|f| f.name == name).unwrap();
    let json: Json = serde_json::from_str(&file.text).unwrap();
    jsonschema::draft202012::new(&json).unwrap()
}

fn instance(loaded: &Loaded, file: &SourceFile) -> Json {
    let text = &loaded.sources[&file.display];
    crate::yaml::to_json(&crate::yaml::parse(text).root.unwrap())
}

fn sample_login(loaded: &Loaded, unit: &str, stem: &str) -> Json {
    let file = loaded
        .files
        .iter()
        .find(|f| {
            f.kind
                == FileKind::Login {
                    folder: unit.into(),
                    stem: stem.into(),
                }
        })
        .unwrap();
    instance(loaded, file)
}

#[test]
fn every_sample_file_passes_the_schema_of_its_unit() {
    let (loaded, repo) = sample();
    let files = generate(&repo);
    assert_eq!(files.len(), repo.units.0.len() + 1);
    let profile = validator(&files, PROFILE_SCHEMA);
    let mut checked = 0;
    for file in &loaded.files {
        let value = instance(&loaded, file);
        let errors: Vec<String> = match &file.kind {
            FileKind::Login { folder, .. } => validator(&files, &login_schema(folder))
                .iter_errors(&value)
                .map(|e| format!("{e} at {}", e.instance_path()))
                .collect(),
            FileKind::Profile { .. } => {
                profile.iter_errors(&value).map(|e| e.to_string()).collect()
            }
            _ => continue,
        };
        assert!(errors.is_empty(), "{}: {errors:?}", file.display);
        checked += 1;
    }
    assert_eq!(checked, repo.logins.len() + repo.profiles.len());
}

#[test]
fn wrong_desks_levels_role_types_and_units_are_refused() {
    let (loaded, repo) = sample();
    let files = generate(&repo);
    let main = validator(&files, &login_schema("main"));
    let good = sample_login(&loaded, "main", "80231457");
    assert!(main.is_valid(&good));
    let refused = |pointer: &str, value: Json| {
        let mut bad = good.clone();
        *bad.pointer_mut(pointer).unwrap() = value;
        assert!(!main.is_valid(&bad), "{pointer} accepted");
    };
    refused(
        "/roles/fulfillment/circulation_desks/0",
        json!("NFU_SCI_CIRC"),
    );
    refused("/roles/fulfillment/level", json!("operator-extnded"));
    refused("/unit", json!("science"));
    refused("/liaison", json!("okafor-c"));
    refused("/training/ferpa", json!("soon"));
    let mut bad = good.clone();
    bad["roles"]["fulfilment"] = json!({});
    assert!(!main.is_valid(&bad), "a misspelt role type is accepted");
    // Open to units flagged resource-sharing only, and not limited by desks.
    let mut bad = good.clone();
    bad["roles"]["resource-sharing"] = json!({"level": "operator"});
    assert!(!main.is_valid(&bad));
    let sharing = validator(&files, &login_schema("resource-sharing"));
    bad["unit"] = json!("resource-sharing");
    bad["liaison"] = json!("hpark");
    bad["roles"].as_object_mut().unwrap().remove("fulfillment");
    assert!(
        sharing.is_valid(&bad),
        "{:?}",
        sharing.iter_errors(&bad).next().map(|e| e.to_string())
    );
    bad["roles"]["resource-sharing"]["circulation_desks"] = json!(["NFU_RS_DESK"]);
    assert!(!sharing.is_valid(&bad));
}

#[test]
fn what_the_embedded_schema_refuses_the_institution_refuses_too() {
    let (loaded, repo) = sample();
    let files = generate(&repo);
    let generic = jsonschema::draft202012::new(schema::json(SchemaKind::Login)).unwrap();
    let edits: [(&str, Json); 10] = [
        ("/nickname", json!("x")),
        ("/primary_id", json!(80012345)),
        ("/manager", json!("@someone")),
        ("/environments", json!([])),
        ("/training/security_awareness", json!("2026-9-1")),
        ("/leave", json!({"until": "2026-01-01"})),
        ("/roles/fulfillment/level", json!(3)),
        ("/roles/fulfillment/circulation_desks", json!([])),
        ("/roles/fulfillment/extra", json!(true)),
        (
            "/additional_roles",
            json!([{"alma_role": "x", "scope": "NFU", "consultation": "LTS-1"}]),
        ),
    ];
    let mut refused = 0;
    for file in loaded.of_kind(|k| matches!(k, FileKind::Login { .. })) {
        let FileKind::Login { folder, .. } = &file.kind else {
            continue;
        };
        let own = validator(&files, &login_schema(folder));
        let good = instance(&loaded, file);
        for (pointer, value) in &edits {
            let mut bad = good.clone();
            put(&mut bad, pointer, value.clone());
            if !generic.is_valid(&bad) {
                refused += 1;
                assert!(!own.is_valid(&bad), "{}: {pointer} = {value}", file.display);
            }
        }
    }
    assert!(refused > 300, "{refused} edits refused");
}

/// Sets the value at a pointer, making the objects on the way.
fn put(value: &mut Json, pointer: &str, new: Json) {
    let mut at = value;
    for key in pointer.trim_start_matches('/').split('/') {
        at = &mut at[key];
    }
    *at = new;
}

#[test]
fn the_output_is_stable_marked_and_described() {
    let (_, repo) = sample();
    let files = generate(&repo);
    assert_eq!(files, generate(&repo));
    for file in &files {
        assert!(file.text.ends_with("}\n"), "{}", file.name);
        assert!(file.text.starts_with("{\n  \"$schema\": \"https://json-schema.org/draft/2020-12/schema\",\n  \"$comment\": \"Generated by `alma-access schemas`"), "{}", file.name);
    }
    let main: Json = serde_json::from_str(
        &files
            .iter()
            .find(|f| f.name == "login-main.schema.json")
            .unwrap()
            .text,
    )
    .unwrap();
    let level = &main["$defs"]["role-fulfillment"]["properties"]["level"];
    assert_eq!(
        level["enum"],
        json!([
            "operator",
            "operator-extended",
            "operator-extended-plus",
            "temporary-cover"
        ])
    );
    let described = level["enumDescriptions"][0].as_str().unwrap();
    assert!(
        described.starts_with("Operator: For shared circulation desk logins only."),
        "{described}"
    );
    assert!(
        main["properties"]["roles"]["properties"]["fulfillment"]["description"]
            .as_str()
            .unwrap()
            .starts_with("Fulfillment (circulation): Circulation.")
    );
    assert_eq!(
        main["properties"]["training"]["properties"]
            .as_object()
            .unwrap()
            .len(),
        2
    );
    assert_eq!(
        main["$defs"]["role-fulfillment"]["properties"]["circulation_desks"]["items"]["enum"],
        json!(["NFU_MAIN_CIRC", "NFU_MAIN_LATE", "NFU_MAIN_RESERVES"])
    );
    assert!(
        main["$defs"]["role-fulfillment"]["properties"]
            .get("departments")
            .is_none()
    );
    assert_eq!(
        main["properties"]["profile"]["enum"],
        json!(["cataloger", "circ-student"])
    );
}

#[test]
fn the_folder_is_compared_written_and_cleaned() {
    let (_, repo) = sample();
    let files = generate(&repo);
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("schemas/institution");
    let states = folder::compare(&out, &files).unwrap();
    assert!(states.iter().all(|s| s.status == Status::Missing));
    assert_eq!(
        folder::write(&out, &files, &states).unwrap().len(),
        files.len()
    );
    let fresh = folder::compare(&out, &files).unwrap();
    assert!(fresh.iter().all(|s| s.status == Status::Fresh), "{fresh:?}");

    // A removed unit's schema goes; files the command did not write stay.
    std::fs::copy(
        out.join("login-main.schema.json"),
        out.join("login-gone.schema.json"),
    )
    .unwrap();
    std::fs::write(out.join("extra.schema.json"), "{}\n").unwrap();
    std::fs::write(
        out.join("login-law.schema.json"),
        files[0].text.replace("Alma", "ALMA"),
    )
    .unwrap();
    let states = folder::compare(&out, &files).unwrap();
    let status = |name: &str| {
        states
            .iter()
            .find(|s| s.name == name)
            .map(|s| s.status.clone())
    };
    assert_eq!(status("login-law.schema.json"), Some(Status::Stale));
    assert_eq!(status("login-gone.schema.json"), Some(Status::Unwanted));
    assert_eq!(status("extra.schema.json"), None);
    let changed: Vec<String> = folder::write(&out, &files, &states)
        .unwrap()
        .into_iter()
        .map(|s: FileState| s.name)
        .collect();
    assert_eq!(changed, ["login-law.schema.json", "login-gone.schema.json"]);
    assert!(!out.join("login-gone.schema.json").exists());
    assert!(out.join("extra.schema.json").exists());

    // A hand-written file at a generated name is never overwritten.
    std::fs::write(out.join(PROFILE_SCHEMA), "{}\n").unwrap();
    let states = folder::compare(&out, &files).unwrap();
    assert!(matches!(
        status_of(&states, PROFILE_SCHEMA),
        Status::Foreign(_)
    ));
    let refused = folder::write(&out, &files, &states)
        .unwrap_err()
        .to_string();
    assert!(
        refused.contains("not written by `alma-access schemas`"),
        "{refused}"
    );
    assert_eq!(
        std::fs::read_to_string(out.join(PROFILE_SCHEMA)).unwrap(),
        "{}\n"
    );
}

fn status_of(states: &[FileState], name: &str) -> Status {
    states
        .iter()
        .find(|s| s.name == name)
        .unwrap()
        .status
        .clone()
}

#[test]
fn first_lines_name_the_schema_of_the_files_unit() {
    let dir = tempfile::tempdir().unwrap();
    let access = dir.path().join("access");
    std::fs::create_dir_all(access.join("logins/law")).unwrap();
    let body = "primary_id: \"1\"\r\n";
    let copied =
        "# yaml-language-server: $schema=../../../schemas/institution/login-main.schema.json\r\n";
    std::fs::write(access.join("logins/law/1.yaml"), format!("{copied}{body}")).unwrap();
    std::fs::write(access.join("logins/law/2.yaml"), body).unwrap();
    let layout = Layout::new(&access, &default_output(&access)).unwrap();
    let mut loaded = Loaded::default();
    for stem in ["1", "2"] {
        let display = format!("access/logins/law/{stem}.yaml");
        let text = std::fs::read_to_string(access.join(format!("logins/law/{stem}.yaml"))).unwrap();
        loaded.sources.insert(display.clone(), text);
        loaded.files.push(SourceFile {
            display,
            kind: FileKind::Login {
                folder: "law".into(),
                stem: stem.into(),
            },
            decoded: true,
        });
    }
    let wrong: Vec<Misdirected> = folder::misdirected(&loaded, &layout);
    assert_eq!(wrong.len(), 2);
    assert_eq!(wrong[0].expected, login_line("law"));
    assert_eq!(wrong[0].found.as_deref(), Some(copied.trim_end()));
    assert_eq!(wrong[1].found, None);
    for file in &wrong {
        folder::fix_line(file).unwrap();
    }
    let line = login_line("law");
    assert_eq!(
        std::fs::read_to_string(access.join("logins/law/1.yaml")).unwrap(),
        format!("{line}\r\n{body}")
    );
    assert_eq!(
        std::fs::read_to_string(access.join("logins/law/2.yaml")).unwrap(),
        format!("{line}\r\n{body}")
    );
}

#[test]
fn the_default_folder_is_beside_an_access_folder() {
    assert_eq!(
        default_output(Path::new("access")),
        Path::new("schemas/institution")
    );
    assert_eq!(
        default_output(Path::new("/srv/repo/access")),
        Path::new("/srv/repo/schemas/institution")
    );
    assert_eq!(
        default_output(Path::new("/srv/tables")),
        Path::new("/srv/tables/schemas/institution")
    );
}
