//! Every schema file generates code that compiles with warnings denied and works on a device
//! database.
//!
//! The files are those of the repository's `schemas/` (our samples) and of the shared
//! `schemas-public` folder (real applications, a sibling of the repository here and in CI).
//! Both folders are listed, so a new file is covered without a change here. Each file is read
//! with `sync_schema::read_path` and generated with its file name, and nothing else, as the
//! source description, so that the output does not depend on the machine.
//!
//! - A file that is genuinely invalid must fail with the exact message in [`INVALID`]; none
//!   does so far.
//! - The code of every sample is snapshotted.
//! - The code of all files is compiled in one temporary crate, a module per file, as
//!   `tests/compile.rs` does: offline, into the workspace's `target/codegen-tests`, with the
//!   workspace's lock file. Its binary opens a device database with each module's `schema()`
//!   and creates a record of every object it can fill (see [`plan`]), then reads it back.
// A test's helpers fail the test by panicking.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::{BTreeMap, HashMap, HashSet};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::Instant;

use sync_codegen::naming::{self, Names, ObjectNames};
use sync_codegen::{generate, Options};
use sync_schema::{Field, FieldType, Link, Object, Relationship, RelationshipKind, Schema};

/// The files whose schema is invalid, with the exact message that reading or generating gives
/// (folder paths shown as `schemas/` or `schemas-public/`). Every real schema generates so far.
const INVALID: &[(&str, &str)] = &[];

/// The folders of schema files.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Folder {
    /// The repository's samples, `schemas/`.
    Samples,
    /// The shared folder of real schemas, `../shared/schemas-public`.
    Public,
}

impl Folder {
    /// The folder on disk.
    fn dir(self) -> PathBuf {
        match self {
            Folder::Samples => PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../schemas")),
            Folder::Public => PathBuf::from(concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/../../shared/schemas-public"
            )),
        }
    }

    /// The folder's name in messages.
    fn label(self) -> &'static str {
        match self {
            Folder::Samples => "schemas",
            Folder::Public => "schemas-public",
        }
    }

    /// The schema files of the folder, sorted: every entry but the README and hidden files.
    fn files(self) -> Vec<PathBuf> {
        let dir = self.dir();
        let entries = std::fs::read_dir(&dir)
            .unwrap_or_else(|e| panic!("cannot list the schema folder {}: {e}", dir.display()));
        let mut files: Vec<PathBuf> = entries
            .map(|entry| entry.unwrap().path())
            .filter(|path| {
                let name = file_name(path);
                name != "README.md" && !name.starts_with('.')
            })
            .collect();
        files.sort();
        assert!(!files.is_empty(), "no schema file in {}", dir.display());
        files
    }
}

/// A path's last component.
fn file_name(path: &Path) -> String {
    path.file_name().unwrap().to_string_lossy().into_owned()
}

/// One schema file, read and generated.
struct Generated {
    /// Where the file is.
    folder: Folder,
    /// The file's name.
    file: String,
    /// Its module in the temporary crate: the folder and the file name, in snake case.
    module: String,
    /// The schema read.
    schema: Schema,
    /// The generated code.
    code: String,
}

/// The module name of a file: `sample_` or `public_`, then the file name with every run of
/// other characters than ASCII letters and digits turned into one `_`.
fn module_name(folder: Folder, file: &str) -> String {
    let mut module = match folder {
        Folder::Samples => String::from("sample_"),
        Folder::Public => String::from("public_"),
    };
    for c in file.chars() {
        if c.is_ascii_alphanumeric() {
            module.push(c.to_ascii_lowercase());
        } else if !module.ends_with('_') {
            module.push('_');
        }
    }
    module
}

/// Reads and generates one file, or the message of the failure.
fn read_and_generate(folder: Folder, path: &Path) -> Result<(Schema, String), String> {
    let file = file_name(path);
    // Messages name the folder, not where it is on this machine.
    let shown = |message: String| {
        let dir = folder.dir().display().to_string();
        message.replace(&dir, folder.label())
    };
    let outcome = sync_schema::read_path(path).map_err(|e| shown(e.to_string()))?;
    let options = Options::new().with_source(&file);
    let code = generate(&outcome.schema, &options).map_err(|e| shown(e.to_string()))?;
    Ok((outcome.schema, code))
}

/// Every file of both folders, generated; panics with every unexpected failure, and checks
/// the expected ones.
fn generate_all() -> Vec<Generated> {
    let mut generated = Vec::new();
    let mut problems = Vec::new();
    for folder in [Folder::Samples, Folder::Public] {
        for path in folder.files() {
            let file = file_name(&path);
            let expected = INVALID.iter().find(|(name, _)| *name == file).map(|e| e.1);
            match (read_and_generate(folder, &path), expected) {
                (Ok((schema, code)), None) => generated.push(Generated {
                    folder,
                    module: module_name(folder, &file),
                    file,
                    schema,
                    code,
                }),
                (Ok(_), Some(_)) => {
                    problems.push(format!("{file} generates, but is listed as invalid"))
                }
                (Err(message), None) => problems.push(format!("{file} fails:\n{message}")),
                (Err(message), Some(expected)) if message == expected => {}
                (Err(message), Some(expected)) => problems.push(format!(
                    "{file} fails with another message:\n{message}\ninstead of\n{expected}"
                )),
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n\n"));
    generated
}

/// The output names the file it comes from and nothing of the machine, and is the same
/// from one run to the next.
#[test]
fn every_file_generates_code_that_names_only_its_file() {
    for generated in generate_all() {
        let dir = generated.folder.dir().canonicalize().unwrap();
        let path = dir.join(&generated.file);
        let header = format!(
            "// @generated by sync-codegen from {}. Do not edit.\n",
            generated.file
        );
        assert!(generated.code.starts_with(&header), "{}", generated.file);
        assert!(
            !generated.code.contains(&*dir.to_string_lossy()),
            "the code of {} names the folder it was read from",
            generated.file
        );
        let again = read_and_generate(generated.folder, &path).unwrap().1;
        assert_eq!(again, generated.code, "{} twice", generated.file);
    }
}

#[test]
fn generated_code_of_the_samples_matches_the_snapshots() {
    let samples = generate_all();
    let samples = samples.iter().filter(|g| g.folder == Folder::Samples);
    for generated in samples {
        insta::assert_snapshot!(generated.file.as_str(), &generated.code);
    }
}

/// The struct definitions of generated code: everything after the `schema()` function.
fn structs(code: &str) -> &str {
    let (_, structs) = code
        .split_once("\n    schema\n}\n")
        .expect("the end of schema()");
    structs
}

/// The legacy configuration and the object-service metadata of the field-service sample
/// describe one app, and generate the same structs.
///
/// Only the struct definitions (with their docs, derive attributes and accessors) are
/// compared: beyond the header, the files differ in `schema()`, which rebuilds each file's
/// own model, and the models differ where the two formats do. The application id is
/// `field-service` in one and the service name `FieldService` in the other; the version is
/// `1` in one and the metadata's timestamp in the other; only the legacy configuration has a
/// scope database name (`ScopeDatabaseName`); only metadata names its relationships
/// (`WorkOrderToTask`, names that the accessors do not use).
#[test]
fn both_field_service_samples_generate_the_same_structs() {
    let generated = generate_all();
    let code = |file: &str| {
        let found = generated.iter().find(|g| g.file == file);
        &found.unwrap_or_else(|| panic!("no sample {file}")).code
    };
    let legacy = structs(code("field-service.legacy.json"));
    let metadata = structs(code("field-service.metadata.json"));

    assert_eq!(legacy.matches("\npub struct ").count(), 5);
    assert_eq!(legacy, metadata);
}

/// What one field of a planned record holds.
#[derive(Debug, Clone, PartialEq)]
enum Fill {
    /// The field's `Option` is `None`.
    Nothing,
    /// A value, of the field's type without `Option`.
    Value(String),
}

/// How the binary fills and checks one record.
#[derive(Debug)]
struct Record {
    /// The object's schema name.
    object: String,
    /// Its struct.
    type_name: String,
    /// The variable holding the record.
    var: String,
    /// Per field: the Rust field name, whether it is an `Option`, and its value.
    fields: Vec<(String, bool, Fill)>,
    /// The column constant of the first key column, and the record's value in it.
    key: (String, String),
}

/// A relationship accessor to call on a record, and how many records it must find.
#[derive(Debug)]
struct AccessorCheck {
    /// The variable holding the record.
    var: String,
    /// The object's schema name.
    object: String,
    /// The accessor.
    method: String,
    /// The Rust expression of what it found, as a `usize`, with `{call}` for the call.
    found: &'static str,
    /// How many records it must find: 1 when the link is satisfied, 0 otherwise.
    expected: usize,
}

/// What the binary does with a schema: the records it creates (parents first) and the
/// accessors it checks on them, and the objects it leaves out, each with the reason.
#[derive(Debug, Default)]
struct Plan {
    /// The records, parents before their children.
    records: Vec<Record>,
    /// The accessors of every record, checked once all are created.
    accessors: Vec<AccessorCheck>,
    /// The objects left out, with why.
    skipped: BTreeMap<String, String>,
}

/// A link, by its objects and column pairs.
type LinkId = (String, String, Vec<(String, String)>);

/// The identity of a link.
fn link_id(link: &Link) -> LinkId {
    (link.parent.clone(), link.child.clone(), link.pairs())
}

/// The identity of the link a relationship declares (see `Schema::links`).
fn relationship_link(object: &Object, relationship: &Relationship) -> LinkId {
    let pairs = relationship.attributes.iter();
    match relationship.kind {
        RelationshipKind::ManyToOne => (
            relationship.target.clone(),
            object.name.clone(),
            pairs
                .map(|p| (p.target.clone(), p.source.clone()))
                .collect(),
        ),
        _ => (
            object.name.clone(),
            relationship.target.clone(),
            pairs
                .map(|p| (p.source.clone(), p.target.clone()))
                .collect(),
        ),
    }
}

/// Whether a field of an object is a plain value in its struct (not an `Option`): a key
/// field or a non-nullable one. Such a field always holds a value, so a link through it is
/// checked when the record is created.
fn is_plain(object: &Object, field: &Field) -> bool {
    object.is_key(&field.name) || !field.nullable
}

/// A simple value of a field type, short enough for every string length.
fn simple_value(ty: FieldType) -> String {
    match ty {
        FieldType::Integer => "1".to_owned(),
        FieldType::Double => "1.5".to_owned(),
        FieldType::Boolean => "true".to_owned(),
        FieldType::String { .. } => "\"s\".to_owned()".to_owned(),
        FieldType::Date => "\"2026-12-01\".to_owned()".to_owned(),
        FieldType::Binary => "vec![0, 1, 255]".to_owned(),
    }
}

/// Reading a field of a created record as a plain value: cloned when it is not `Copy`.
fn read_field(var: &str, field: &str, ty: FieldType) -> String {
    match ty {
        FieldType::Integer | FieldType::Double | FieldType::Boolean => format!("{var}.{field}"),
        _ => format!("{var}.{field}.clone()"),
    }
}

/// What is known while planning: the links, and the records planned so far.
struct Planning<'s> {
    /// The schema.
    schema: &'s Schema,
    /// Its links.
    links: Vec<Link>,
    /// The plain value of each (object, column) of a record already planned.
    values: HashMap<(String, String), String>,
    /// The objects with a planned record.
    created: HashSet<String>,
    /// The links satisfied by the planned records.
    satisfied: HashSet<LinkId>,
}

/// Decides how to create one record of every object that can be filled generically.
///
/// Every field gets a simple value of its type, except where a link to a parent decides it:
///
/// - a link whose child columns are all plain values (key or non-nullable) is checked by the
///   device, so the child takes those values from the parent's record, which is created
///   first (an autogenerated key is read from the parent after its creation);
/// - any other link is satisfied the same way when its parent is created already and
///   nothing contradicts it; otherwise the child's nullable columns in it hold `None`, and
///   the device does not check it.
///
/// An object is left out when a checked link cannot be satisfied: it points at the object
/// itself or at an object left out, the parent's column holds `None` or another kind of
/// value, the child's column is an autogenerated key, or two links want different values.
///
/// Then every relationship accessor of every record must find its satisfied link's record,
/// and nothing for a link that is not satisfied.
fn plan(schema: &Schema, names: &Names) -> Plan {
    let mut planning = Planning {
        schema,
        links: schema.links(),
        values: HashMap::new(),
        created: HashSet::new(),
        satisfied: HashSet::new(),
    };
    let mut plan = Plan::default();
    let mut waiting: Vec<&Object> = schema.objects().collect();
    let mut why_waiting: HashMap<String, String> = HashMap::new();

    loop {
        let mut progressed = false;
        let mut still_waiting = Vec::new();
        for object in waiting {
            match planning.fill(object, &plan.skipped) {
                Attempt::Ready(fills, satisfied) => {
                    let var = format!("r{}", plan.records.len());
                    let object_names = names.object(&object.name).unwrap();
                    plan.records
                        .push(planning.record(object, object_names, &var, fills));
                    planning.created.insert(object.name.clone());
                    planning.satisfied.extend(satisfied);
                    progressed = true;
                }
                Attempt::Wait(reason) => {
                    why_waiting.insert(object.name.clone(), reason);
                    still_waiting.push(object);
                }
                Attempt::Never(reason) => {
                    plan.skipped.insert(object.name.clone(), reason);
                    progressed = true;
                }
            }
        }
        waiting = still_waiting;
        if !progressed || waiting.is_empty() {
            break;
        }
    }
    // What still waits is in a cycle of checked links.
    for object in waiting {
        let reason = why_waiting.remove(&object.name).unwrap_or_default();
        plan.skipped
            .insert(object.name.clone(), format!("{reason}, in a cycle"));
    }

    for record in &plan.records {
        let object = schema.object(&record.object).unwrap();
        let accessors = &names.object(&object.name).unwrap().accessors;
        assert_eq!(accessors.len(), object.relationships.len());
        for (relationship, accessor) in object.relationships.iter().zip(accessors) {
            let related = planning
                .satisfied
                .contains(&relationship_link(object, relationship));
            let check = |method: &str, found: &'static str| AccessorCheck {
                var: record.var.clone(),
                object: object.name.clone(),
                method: method.to_owned(),
                found,
                expected: usize::from(related),
            };
            if relationship.kind == RelationshipKind::OneToMany {
                plan.accessors.push(check(&accessor.method, "{call}.len()"));
            } else {
                plan.accessors
                    .push(check(&accessor.method, "usize::from({call}.is_some())"));
            }
            if let Some(count) = &accessor.count_method {
                plan.accessors
                    .push(check(count, "usize::try_from({call})?"));
            }
        }
    }
    plan
}

/// What [`Planning::fill`] found for an object.
enum Attempt {
    /// The values of every field, in field order, and the links they satisfy.
    Ready(Vec<Fill>, Vec<LinkId>),
    /// A parent must be created first.
    Wait(String),
    /// The object cannot be filled generically.
    Never(String),
}

impl Planning<'_> {
    /// The values of an object's fields, given the records planned so far.
    fn fill(&self, object: &Object, skipped: &BTreeMap<String, String>) -> Attempt {
        let plain = |column: &String| is_plain(object, object.field(column).unwrap());
        let (checked, optional): (Vec<&Link>, Vec<&Link>) = self
            .links
            .iter()
            .filter(|l| l.child == object.name)
            .partition(|l| l.child_columns.iter().all(plain));

        let mut forced: HashMap<String, String> = HashMap::new();
        let mut satisfied = Vec::new();
        for link in checked {
            let parent = &link.parent;
            if *parent == object.name {
                return Attempt::Never("a checked link points at the object itself".to_owned());
            }
            if skipped.contains_key(parent) {
                return Attempt::Never(format!("its parent {parent} is left out"));
            }
            if !self.created.contains(parent) {
                return Attempt::Wait(format!("waits for its parent {parent}"));
            }
            let values = match self.parent_values(object, link) {
                Ok(values) => values,
                Err(reason) => return Attempt::Never(reason),
            };
            for (column, value) in values {
                if forced.get(&column).is_some_and(|v| *v != value) {
                    return Attempt::Never(format!("two links want different values in {column}"));
                }
                forced.insert(column, value);
            }
            satisfied.push(link_id(link));
        }

        // The other links whose parent is there, as long as nothing contradicts them.
        let nullable = |link: &Link| -> Vec<String> {
            let columns = link.child_columns.iter().filter(|c| !plain(c));
            columns.cloned().collect()
        };
        let mut emptied: HashSet<String> = HashSet::new();
        let mut chosen = Vec::new();
        for link in optional {
            let usable = link.parent != object.name && self.created.contains(&link.parent);
            match usable.then(|| self.parent_values(object, link)) {
                Some(Ok(values)) => chosen.push((link, values)),
                _ => emptied.extend(nullable(link)),
            }
        }
        loop {
            let contradicted = chosen.iter().position(|(_, values)| {
                values.iter().any(|(column, value)| {
                    let other = |v: &String| v != value;
                    emptied.contains(column)
                        || forced.get(column).is_some_and(other)
                        || chosen
                            .iter()
                            .any(|(_, vs)| vs.iter().any(|(c, v)| c == column && other(v)))
                })
            });
            let Some(index) = contradicted else { break };
            let (link, _) = chosen.remove(index);
            emptied.extend(nullable(link));
        }
        for (link, values) in chosen {
            forced.extend(values);
            satisfied.push(link_id(link));
        }

        let fills = object
            .fields
            .iter()
            .map(|field| match forced.get(&field.name) {
                Some(value) => Fill::Value(value.clone()),
                None if emptied.contains(&field.name) => Fill::Nothing,
                None => Fill::Value(simple_value(field.ty)),
            })
            .collect();
        Attempt::Ready(fills, satisfied)
    }

    /// The values the child's columns of a link take from its planned parent, or why they
    /// cannot.
    fn parent_values(&self, object: &Object, link: &Link) -> Result<Vec<(String, String)>, String> {
        let parent = &link.parent;
        let parent_object = self.schema.object(parent).unwrap();
        let mut values = Vec::new();
        for (parent_column, child_column) in link.pairs() {
            let parent_ty = parent_object.field(&parent_column).unwrap().ty;
            let child_field = object.field(&child_column).unwrap();
            if child_field.autogenerated && object.is_key(&child_column) {
                // The device replaces it with a temporary key, which no parent holds.
                return Err(format!(
                    "its key {child_column} is assigned by the device, and must match \
                     {parent}.{parent_column}"
                ));
            }
            let child_ty = child_field.ty;
            if std::mem::discriminant(&parent_ty) != std::mem::discriminant(&child_ty) {
                return Err(format!(
                    "{child_column} is a {} and {parent}.{parent_column} a {}",
                    child_ty.describe(),
                    parent_ty.describe()
                ));
            }
            let Some(value) = self.values.get(&(parent.clone(), parent_column.clone())) else {
                return Err(format!("{parent}.{parent_column} holds no value"));
            };
            values.push((child_column, value.clone()));
        }
        Ok(values)
    }

    /// The record of an object with its values; records what its children can take from it.
    fn record(
        &mut self,
        object: &Object,
        object_names: &ObjectNames,
        var: &str,
        fills: Vec<Fill>,
    ) -> Record {
        let mut fields = Vec::new();
        for (field, fill) in object.fields.iter().zip(fills) {
            let rust = object_names.field(&field.name).unwrap().rust.to_string();
            let is_option = !is_plain(object, field);
            let key = (object.name.clone(), field.name.clone());
            if field.autogenerated && object.is_key(&field.name) {
                // The device assigns a temporary key, which the record holds once created.
                self.values.insert(key, read_field(var, &rust, field.ty));
            } else if let Fill::Value(value) = &fill {
                self.values.insert(key, value.clone());
            }
            fields.push((rust, is_option, fill));
        }
        let first_key = object_names.field(&object.primary_key[0]).unwrap();
        let key_ty = object.field(&object.primary_key[0]).unwrap().ty;
        let key_value = read_field(var, &first_key.rust.to_string(), key_ty);
        Record {
            object: object.name.clone(),
            type_name: object_names.type_name.to_string(),
            var: var.to_owned(),
            fields,
            key: (first_key.constant.clone(), key_value),
        }
    }
}

/// The library of the temporary crate: the lints, then one module per schema file.
fn library(generated: &[Generated]) -> String {
    let mut lib = String::from(
        "//! The generated code of every schema file.\n\
         #![deny(warnings, missing_docs, unused_qualifications, rust_2018_idioms)]\n",
    );
    for g in generated {
        let _ = write!(
            lib,
            "\n/// Schema file `{}`.\npub mod {} {{\n    include!(\"generated/{}.rs\");\n}}\n",
            g.file, g.module, g.module
        );
    }
    lib
}

/// The start of the temporary crate's binary, before the checks of each module.
const MAIN: &str = r#"//! The binary of sync-codegen's `all_schemas` test.
//!
//! Opens a device database with every generated schema, creates the planned records, reads
//! them back by key and by a typed filter, checks their relationship accessors, and prints
//! each `schema()` and each record created, one line each.
#![deny(warnings)]

use std::error::Error;
use std::fmt::Debug;
use std::path::Path;

use sync_runtime::sync_schema::Schema;
use sync_runtime::{Device, SyncObject};

/// The check of one generated module.
type Check = fn(&Path) -> Result<(), Box<dyn Error>>;

fn main() -> Result<(), Box<dyn Error>> {
    let dir = std::env::args_os()
        .nth(1)
        .ok_or("usage: codegen-all-schemas <directory for the databases>")?;
    let dir = Path::new(&dir);
    let mut failed = 0;
    for (name, check) in CHECKS {
        if let Err(error) = check(dir) {
            eprintln!("{name}: {error}");
            failed += 1;
        }
    }
    if failed > 0 {
        return Err(format!("{failed} of {} schemas failed", CHECKS.len()).into());
    }
    Ok(())
}

/// A fresh, initialized device database for a schema.
fn open(dir: &Path, name: &str, schema: Schema) -> Result<Device, Box<dyn Error>> {
    let db = Device::open(dir.join(format!("{name}.db")), schema)?;
    db.init()?;
    Ok(db)
}

/// Fails unless a created record reads back the same by its key, and is the one record
/// that a filter on its first key column finds.
fn read_back<T>(db: &Device, record: &T, by_filter: u64) -> Result<(), Box<dyn Error>>
where
    T: SyncObject + PartialEq + Debug,
{
    let back = T::get_all_details_by_pk(db, &record.key())?;
    if back.as_ref() != Some(record) {
        return Err(format!("{} reads back as {back:?}, not {record:?}", T::OBJECT).into());
    }
    if by_filter != 1 {
        return Err(format!("{}: the filter on the key finds {by_filter}", T::OBJECT).into());
    }
    Ok(())
}

/// Fails unless a relationship accessor found as many records as expected.
fn expect(object: &str, method: &str, found: usize, expected: usize) -> Result<(), Box<dyn Error>> {
    if found == expected {
        return Ok(());
    }
    Err(format!("{object}.{method}() finds {found} records, not {expected}").into())
}
"#;

/// The binary of the temporary crate: [`MAIN`], then a check per module.
fn binary(generated: &[Generated], plans: &[Plan]) -> String {
    let mut main = String::from(MAIN);
    main.push_str("\nconst CHECKS: &[(&str, Check)] = &[\n");
    for g in generated {
        let _ = writeln!(main, "    ({:?}, {}),", g.module, g.module);
    }
    main.push_str("];\n");
    for (g, plan) in generated.iter().zip(plans) {
        main.push_str(&check(g, plan));
    }
    main
}

/// The check of one module: its `schema()`, then each planned record.
fn check(g: &Generated, plan: &Plan) -> String {
    let module = &g.module;
    let mut f = String::new();
    let _ = writeln!(
        f,
        "\n/// Schema file `{}`.\nfn {module}(dir: &Path) -> Result<(), Box<dyn Error>> {{",
        g.file
    );
    let _ = writeln!(f, "    use codegen_all_schemas::{module} as objects;\n");
    let _ = writeln!(
        f,
        "    println!(\"schema {module} {{:?}}\", objects::schema());"
    );
    if plan.records.is_empty() {
        let _ = writeln!(f, "    open(dir, {module:?}, objects::schema())?;");
    } else {
        let _ = writeln!(f, "    let db = open(dir, {module:?}, objects::schema())?;");
    }
    for record in &plan.records {
        let (var, ty, object) = (&record.var, &record.type_name, &record.object);
        let _ = writeln!(f, "\n    let mut {var} = objects::{ty} {{");
        for (field, is_option, fill) in &record.fields {
            let value = match (fill, is_option) {
                (Fill::Nothing, _) => "None".to_owned(),
                (Fill::Value(value), true) => format!("Some({value})"),
                (Fill::Value(value), false) => value.clone(),
            };
            let _ = writeln!(f, "        {field}: {value},");
        }
        let (constant, key_value) = &record.key;
        let by_filter =
            format!("objects::{ty}::count(&db, objects::{ty}::{constant}.eq({key_value}))?");
        let _ = writeln!(f, "    }};\n    {var}.create(&db)?;");
        let _ = writeln!(f, "    read_back(&db, &{var}, {by_filter})?;");
        let _ = writeln!(f, "    println!(\"created {module} {{}}\", {object:?});");
    }
    if !plan.accessors.is_empty() {
        f.push('\n');
    }
    for check in &plan.accessors {
        let (var, object, method) = (&check.var, &check.object, &check.method);
        let found = check
            .found
            .replace("{call}", &format!("{var}.{method}(&db)?"));
        let _ = writeln!(
            f,
            "    expect({object:?}, {method:?}, {found}, {})?;",
            check.expected
        );
    }
    f.push_str("    Ok(())\n}\n");
    f
}

/// The manifest of the temporary crate.
fn manifest(runtime: &Path) -> String {
    format!(
        "[package]\nname = \"codegen-all-schemas\"\nversion = \"0.0.0\"\nedition = \"2024\"\n\
         publish = false\n\n[dependencies]\nsync-runtime = {{ path = {:?} }}\n\n[workspace]\n",
        runtime.display().to_string()
    )
}

/// What a failed step printed, and where the crate was kept for a look.
fn report(step: &str, output: &Output, kept: &Path) -> String {
    format!(
        "{step} failed ({}); the crate is kept in {}\nstdout:\n{}\nstderr:\n{}",
        output.status,
        kept.display(),
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

#[test]
fn generated_code_of_every_file_compiles_with_warnings_denied_and_runs() {
    let workspace = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let target_dir = workspace.join("target").join("codegen-tests");
    let generated = generate_all();
    let plans: Vec<Plan> = generated
        .iter()
        .map(|g| plan(&g.schema, &naming::decide(&g.schema).unwrap()))
        .collect();
    for (g, plan) in generated.iter().zip(&plans) {
        assert!(!plan.records.is_empty(), "{}: no record planned", g.file);
        if g.folder == Folder::Samples {
            assert!(plan.skipped.is_empty(), "{}: {:?}", g.file, plan.skipped);
        }
    }

    let project = tempfile::Builder::new()
        .prefix("codegen-all-schemas")
        .tempdir()
        .unwrap();
    let src = project.path().join("src");
    std::fs::create_dir_all(src.join("generated")).unwrap();
    for g in &generated {
        let path = src.join("generated").join(format!("{}.rs", g.module));
        std::fs::write(path, &g.code).unwrap();
    }
    std::fs::write(src.join("lib.rs"), library(&generated)).unwrap();
    std::fs::write(src.join("main.rs"), binary(&generated, &plans)).unwrap();
    let runtime = workspace.join("sync-runtime").canonicalize().unwrap();
    std::fs::write(project.path().join("Cargo.toml"), manifest(&runtime)).unwrap();
    // The workspace's lock file, so that the dependencies already built are the ones used.
    std::fs::copy(
        workspace.join("Cargo.lock"),
        project.path().join("Cargo.lock"),
    )
    .unwrap();

    let started = Instant::now();
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let build = Command::new(cargo)
        .args(["build", "--offline", "--quiet"])
        .current_dir(project.path())
        .env("CARGO_TARGET_DIR", &target_dir)
        .output()
        .unwrap();
    if !build.status.success() {
        let kept = project.keep();
        panic!("{}", report("cargo build", &build, &kept));
    }
    let built = started.elapsed();

    let binary: PathBuf = target_dir.join("debug").join(format!(
        "codegen-all-schemas{}",
        std::env::consts::EXE_SUFFIX
    ));
    let databases = tempfile::tempdir().unwrap();
    let started = Instant::now();
    let run = Command::new(binary).arg(databases.path()).output().unwrap();
    if !run.status.success() {
        let kept = project.keep();
        panic!("{}", report("the binary", &run, &kept));
    }
    let ran = started.elapsed();

    // `schema()` rebuilds the model read from the file, and every planned record was made.
    let stdout = String::from_utf8_lossy(&run.stdout);
    let lines: HashSet<&str> = stdout.lines().collect();
    for (g, plan) in generated.iter().zip(&plans) {
        let expected = format!("schema {} {:?}", g.module, g.schema);
        assert!(
            lines.contains(expected.as_str()),
            "schema() of {} differs from the model read:\nexpected {expected}\nprinted:\n{stdout}",
            g.file
        );
        for record in &plan.records {
            let expected = format!("created {} {}", g.module, record.object);
            assert!(lines.contains(expected.as_str()), "{expected}:\n{stdout}");
        }
    }

    // Shown with --nocapture: how long it took, and what could not be filled generically.
    eprintln!(
        "{} files: built in {built:.1?}, ran in {ran:.1?}",
        generated.len()
    );
    for (g, plan) in generated.iter().zip(&plans) {
        let total = plan.records.len() + plan.skipped.len();
        let related = plan.accessors.iter().filter(|c| c.expected == 1).count();
        eprintln!(
            "{}: {} of {total} objects created; {} accessor calls, {related} finding a record",
            g.file,
            plan.records.len(),
            plan.accessors.len()
        );
        for (object, why) in &plan.skipped {
            eprintln!("  {object} left out: {why}");
        }
    }
}
