//! What the lifecycle test binaries share: running the binary in a
//! checkout, committing a fixture to git, reading a branch, and a tiny
//! hand-built XLSX (stored zip, shared strings, a date-formatted cell) as
//! Alma's "Excel (current view)" export would be.
// Shared by several test binaries; each uses only part of it.
#![allow(dead_code)]

use std::path::Path;
use std::process::{Command, Output};

/// Runs `alma-access` in `dir` with `args`.
pub fn run(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_alma-access"))
        .current_dir(dir)
        .args(args)
        .env_remove("ALMA_ACCESS_LOG")
        .output()
        .expect("the binary runs")
}

pub fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

pub fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// Makes `dir` a git repository whose HEAD commits everything in it.
pub fn commit_all(dir: &Path, message: &str) -> git2::Oid {
    crate::files::commit(dir, "*", message)
}

/// A branch's commit: its message, and each file it changes from its
/// parent, as (path, before, after).
pub struct BranchCommit {
    pub message: String,
    pub parent: git2::Oid,
    pub changes: Vec<(String, String, String)>,
}

pub fn branch_commit(dir: &Path, branch: &str) -> Option<BranchCommit> {
    let repo = git2::Repository::open(dir).unwrap();
    let b = repo.find_branch(branch, git2::BranchType::Local).ok()?;
    let commit = b.get().peel_to_commit().unwrap();
    let parent = commit.parent(0).unwrap();
    let diff = repo
        .diff_tree_to_tree(
            Some(&parent.tree().unwrap()),
            Some(&commit.tree().unwrap()),
            None,
        )
        .unwrap();
    let text = |id: git2::Oid| {
        if id.is_zero() {
            String::new()
        } else {
            String::from_utf8(repo.find_blob(id).unwrap().content().to_vec()).unwrap()
        }
    };
    let changes = diff
        .deltas()
        .map(|d| {
            (
                d.new_file().path().unwrap().to_string_lossy().into_owned(),
                text(d.old_file().id()),
                text(d.new_file().id()),
            )
        })
        .collect();
    Some(BranchCommit {
        message: commit.message().unwrap().to_string(),
        parent: parent.id(),
        changes,
    })
}

/// Writes the branch's `access/` tree into `to` (for validating it).
pub fn export_access(dir: &Path, branch: &str, to: &Path) {
    let repo = git2::Repository::open(dir).unwrap();
    let b = repo.find_branch(branch, git2::BranchType::Local).unwrap();
    let tree = b.get().peel_to_tree().unwrap();
    tree.walk(git2::TreeWalkMode::PreOrder, |root, entry| {
        if entry.kind() == Some(git2::ObjectType::Blob) && root.starts_with("access/") {
            let path = to.join(root).join(entry.name().unwrap());
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            let blob = repo.find_blob(entry.id()).unwrap();
            std::fs::write(path, blob.content()).unwrap();
        }
        git2::TreeWalkResult::Ok
    })
    .unwrap();
}

/// The lines `after` adds to `before`, when that is all it does: `before`
/// with one run of lines inserted. `None` when anything else differs.
pub fn only_inserted(before: &str, after: &str) -> Option<Vec<String>> {
    let b: Vec<&str> = before.split_inclusive('\n').collect();
    let a: Vec<&str> = after.split_inclusive('\n').collect();
    let k = a.len().checked_sub(b.len())?;
    let i = b.iter().zip(&a).take_while(|(x, y)| x == y).count();
    (a[i + k..] == b[i..]).then(|| a[i..i + k].iter().map(|l| l.to_string()).collect())
}

/// A minimal XLSX workbook with one sheet of rows. A cell is text, or a
/// date given as an Excel serial number (written with a date format).
pub enum XCell {
    Text(&'static str),
    Date(f64),
    Empty,
}

pub fn xlsx(rows: &[Vec<XCell>]) -> Vec<u8> {
    let mut strings: Vec<&str> = Vec::new();
    let mut sheet = String::from(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>"#,
    );
    for (r, row) in rows.iter().enumerate() {
        sheet.push_str(&format!(r#"<row r="{}">"#, r + 1));
        for (c, cell) in row.iter().enumerate() {
            let at = format!("{}{}", (b'A' + c as u8) as char, r + 1);
            match cell {
                XCell::Text(s) => {
                    let i = strings.iter().position(|x| x == s).unwrap_or_else(|| {
                        strings.push(s);
                        strings.len() - 1
                    });
                    sheet.push_str(&format!(r#"<c r="{at}" t="s"><v>{i}</v></c>"#));
                }
                XCell::Date(serial) => {
                    sheet.push_str(&format!(r#"<c r="{at}" s="1"><v>{serial}</v></c>"#))
                }
                XCell::Empty => {}
            }
        }
        sheet.push_str("</row>");
    }
    sheet.push_str("</sheetData></worksheet>");
    let shared: String = strings
        .iter()
        .map(|s| {
            format!(
                "<si><t>{}</t></si>",
                s.replace('&', "&amp;").replace('<', "&lt;")
            )
        })
        .collect();
    let shared = format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="{n}" uniqueCount="{n}">{shared}</sst>"#,
        n = strings.len()
    );
    let files: Vec<(&str, String)> = vec![
        ("[Content_Types].xml", r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/><Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/></Types>"#.into()),
        ("_rels/.rels", r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#.into()),
        ("xl/workbook.xml", r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Staff Login Report" sheetId="1" r:id="rId1"/></sheets></workbook>"#.into()),
        ("xl/_rels/workbook.xml.rels", r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/><Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/></Relationships>"#.into()),
        ("xl/styles.xml", r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><numFmts count="1"><numFmt numFmtId="164" formatCode="yyyy-mm-dd hh:mm:ss"/></numFmts><fonts count="1"><font/></fonts><fills count="1"><fill/></fills><borders count="1"><border/></borders><cellStyleXfs count="1"><xf numFmtId="0"/></cellStyleXfs><cellXfs count="2"><xf numFmtId="0" xfId="0"/><xf numFmtId="164" xfId="0" applyNumberFormat="1"/></cellXfs></styleSheet>"#.into()),
        ("xl/sharedStrings.xml", shared),
        ("xl/worksheets/sheet1.xml", sheet),
    ];
    stored_zip(&files)
}

/// A zip archive with every file stored (no compression).
fn stored_zip(files: &[(&str, String)]) -> Vec<u8> {
    let mut out = Vec::new();
    let mut central = Vec::new();
    for (name, content) in files {
        let data = content.as_bytes();
        let crc = crc32(data);
        let offset = out.len() as u32;
        let header = |sig: u32, central: bool| {
            let mut h = Vec::new();
            h.extend(sig.to_le_bytes());
            if central {
                h.extend(20u16.to_le_bytes()); // made by
            }
            h.extend(20u16.to_le_bytes()); // version needed
            h.extend(0u16.to_le_bytes()); // flags
            h.extend(0u16.to_le_bytes()); // stored
            h.extend(0u16.to_le_bytes()); // time
            h.extend(0x21u16.to_le_bytes()); // date: 1980-01-01
            h.extend(crc.to_le_bytes());
            h.extend((data.len() as u32).to_le_bytes());
            h.extend((data.len() as u32).to_le_bytes());
            h.extend((name.len() as u16).to_le_bytes());
            h.extend(0u16.to_le_bytes()); // extra
            if central {
                h.extend(0u16.to_le_bytes()); // comment
                h.extend(0u16.to_le_bytes()); // disk
                h.extend(0u16.to_le_bytes()); // internal attributes
                h.extend(0u32.to_le_bytes()); // external attributes
                h.extend(offset.to_le_bytes());
            }
            h.extend(name.as_bytes());
            h
        };
        out.extend(header(0x0403_4b50, false));
        out.extend(data);
        central.extend(header(0x0201_4b50, true));
    }
    let at = out.len() as u32;
    out.extend(&central);
    out.extend(0x0605_4b50u32.to_le_bytes());
    out.extend([0u8; 4]); // disk numbers
    out.extend((files.len() as u16).to_le_bytes());
    out.extend((files.len() as u16).to_le_bytes());
    out.extend((central.len() as u32).to_le_bytes());
    out.extend(at.to_le_bytes());
    out.extend(0u16.to_le_bytes());
    out
}

fn crc32(data: &[u8]) -> u32 {
    let mut crc = 0xFFFF_FFFFu32;
    for &byte in data {
        crc ^= u32::from(byte);
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}
