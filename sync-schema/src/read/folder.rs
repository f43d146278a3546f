//! The folder layout of an exported object service (`schemas-public/README.md`):
//! `<service>/<version>/Meta.json` for the service, and one folder per object holding
//! `Meta.json`, `Fields.json` and, when the object has any, `Relationships.json`.
//!
//! The folder given may be the version folder itself (the one holding the service's
//! `Meta.json`), or any folder above it down to four levels (the export's root, `Apps`,
//! `_ObjectServices`, the service's folder) as long as exactly one version folder is found
//! there. The service is named after the version folder's parent, and versioned after the
//! version folder.
//!
//! In the version folder, every subfolder holding a `Fields.json` or a `Meta.json` is an object,
//! named after the folder; objects are read in name order, as in the packed files. Other files
//! of the export (operation mappings, endpoints) are not read. Locations point into each file.

use std::path::{Path, PathBuf};

use jsonc_parser::ast::Value;

use super::json::{Doc, Node, Report, Text};
use super::objsvc::{self, ObjectParts, ServiceParts};
use super::ReadFailure;
use crate::{Diagnostic, Location, ReadOutcome};

/// The document path written for a folder or a file as a whole.
const FOLDER: &str = "<folder>";

/// How many levels below the folder given the service's version folder may be.
const MAX_DEPTH: usize = 4;

/// A file read into memory.
struct Loaded {
    path: PathBuf,
    text: String,
}

/// One object folder: its name and the indexes of its files among the loaded ones.
struct ObjectFiles {
    name: Text,
    meta: Option<usize>,
    fields: Option<usize>,
    relationships: Option<usize>,
}

/// Reads the object service in or below `dir`.
pub(crate) fn read(dir: &Path) -> Result<ReadOutcome, ReadFailure> {
    let version_dir = find_service(dir)?;
    let report = Report::default();
    let mut files = Vec::new();
    let meta = load(&version_dir.join("Meta.json"), &mut files, &report)?;
    let mut objects = Vec::new();
    for (name, path) in object_folders(&version_dir, &report)? {
        objects.push(load_object(name, &path, &mut files, &report)?);
    }

    let docs: Vec<Doc<'_>> = files
        .iter()
        .map(|f| Doc::new(&f.text, Some(&f.path), &report))
        .collect();
    let values: Vec<Option<Value<'_>>> = docs.iter().map(Doc::parse).collect();
    let node = |index: Option<usize>| -> Option<Node<'_, '_>> {
        let index = index?;
        Some(docs.get(index)?.root(values.get(index)?.as_ref()?))
    };
    // Names come from the real path, so that `.` is named too.
    let real = std::fs::canonicalize(&version_dir).unwrap_or_else(|_| version_dir.clone());
    let parts = ServiceParts {
        name: service_name(&real, &version_dir),
        version: file_name(&real),
        meta: node(meta),
        objects: objects
            .into_iter()
            .map(|o| ObjectParts {
                whole: o.name.at.clone(),
                name: o.name,
                meta: node(o.meta),
                fields: node(o.fields),
                relationships: node(o.relationships),
            })
            .collect(),
        root: folder(&version_dir),
    };
    let draft = objsvc::service(parts, &report);
    super::conclude(draft, &report, crate::Format::ObjectServiceFolder)
}

/// The location of a folder or file as a whole.
fn folder(path: &Path) -> Location {
    Location::new(FOLDER, 0, 0).in_file(path)
}

/// A failure that is about a folder rather than inside a file.
fn folder_failure(path: &Path, message: String) -> ReadFailure {
    ReadFailure::Invalid(vec![Diagnostic::error(folder(path), message)])
}

/// The version folder in or below `dir`: there must be exactly one.
fn find_service(dir: &Path) -> Result<PathBuf, ReadFailure> {
    let mut found = Vec::new();
    search(dir, MAX_DEPTH, &mut found)?;
    match found.len() {
        1 => Ok(found.remove(0)),
        0 => Err(folder_failure(
            dir,
            format!(
                "no object service here: no folder up to {MAX_DEPTH} levels down holds a \
                 `Meta.json` (expected `<service>/<version>/Meta.json`)"
            ),
        )),
        _ => {
            let list: Vec<String> = found.iter().map(|p| p.display().to_string()).collect();
            let message = format!(
                "{} object services (or versions) here, name one of them: {}",
                found.len(),
                list.join(", ")
            );
            Err(folder_failure(dir, message))
        }
    }
}

/// Collects the folders holding a `Meta.json`, not looking below them.
fn search(dir: &Path, depth: usize, found: &mut Vec<PathBuf>) -> Result<(), ReadFailure> {
    if dir.join("Meta.json").is_file() {
        found.push(dir.to_path_buf());
        return Ok(());
    }
    if depth == 0 {
        return Ok(());
    }
    for sub in subfolders(dir)? {
        search(&sub, depth - 1, found)?;
    }
    Ok(())
}

/// The subfolders of a folder, in name order.
fn subfolders(dir: &Path) -> Result<Vec<PathBuf>, ReadFailure> {
    let io = |source| ReadFailure::Io {
        path: dir.to_path_buf(),
        source,
    };
    let mut folders = Vec::new();
    for entry in std::fs::read_dir(dir).map_err(io)? {
        let path = entry.map_err(io)?.path();
        if path.is_dir() {
            folders.push(path);
        }
    }
    folders.sort();
    Ok(folders)
}

/// The object folders of a version folder, with their names.
fn object_folders(dir: &Path, report: &Report) -> Result<Vec<(Text, PathBuf)>, ReadFailure> {
    let mut objects = Vec::new();
    for path in subfolders(dir)? {
        if !path.join("Fields.json").is_file() && !path.join("Meta.json").is_file() {
            let message = "the folder holds neither `Fields.json` nor `Meta.json`: not an object";
            report.warning(folder(&path), message);
            continue;
        }
        match file_name(&path) {
            Some(name) => objects.push((
                Text {
                    value: name,
                    at: folder(&path),
                },
                path,
            )),
            None => report.error(folder(&path), "the folder's name is not UTF-8"),
        }
    }
    Ok(objects)
}

/// Loads the files of one object folder.
fn load_object(
    name: Text,
    dir: &Path,
    files: &mut Vec<Loaded>,
    report: &Report,
) -> Result<ObjectFiles, ReadFailure> {
    let fields_path = dir.join("Fields.json");
    if !fields_path.is_file() {
        report.error(folder(dir), "the object folder has no `Fields.json`");
    }
    Ok(ObjectFiles {
        name,
        meta: load(&dir.join("Meta.json"), files, report)?,
        fields: load(&fields_path, files, report)?,
        relationships: load(&dir.join("Relationships.json"), files, report)?,
    })
}

/// Loads a file when it exists, returning its index; a file that is not UTF-8 is an error.
fn load(
    path: &Path,
    files: &mut Vec<Loaded>,
    report: &Report,
) -> Result<Option<usize>, ReadFailure> {
    if !path.is_file() {
        return Ok(None);
    }
    let bytes = std::fs::read(path).map_err(|source| ReadFailure::Io {
        path: path.to_path_buf(),
        source,
    })?;
    match String::from_utf8(bytes) {
        Ok(text) => {
            let text = super::strip_bom(&text).to_owned();
            files.push(Loaded {
                path: path.to_path_buf(),
                text,
            });
            Ok(Some(files.len() - 1))
        }
        Err(error) => {
            report.push(super::not_utf8(path, &error));
            Ok(None)
        }
    }
}

/// The service is named after the version folder's parent (`real` is the version folder's
/// canonical path, `given` the path as found).
fn service_name(real: &Path, given: &Path) -> Text {
    let parent = real.parent().and_then(file_name);
    Text {
        value: parent.or_else(|| file_name(real)).unwrap_or_default(),
        at: folder(given),
    }
}

/// A path's last component, when it is UTF-8.
fn file_name(path: &Path) -> Option<String> {
    path.file_name()?.to_str().map(str::to_owned)
}
