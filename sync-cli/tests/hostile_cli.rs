//! `syncobj` on hostile command lines and inputs: outputs that cannot be written, outputs
//! that are the input, folders where files are expected, `init` targets that are not empty
//! folders or not package names, schemas that only the generator rejects, databases that
//! `infer` meets in the wild (views, `WITHOUT ROWID`, full-text search, foreign keys spelt in
//! another case, locks, damage), and inputs big enough to find limits.
//!
//! Every failure must exit with 1 and `syncobj: error:` (clap's usage errors with 2), never
//! with a panic's 101 or a signal, and must change nothing.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use serde_json::{json, Value};

fn syncobj(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_syncobj"))
        .args(args)
        .output()
        .expect("syncobj runs")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn s(path: &Path) -> &str {
    path.to_str().unwrap()
}

/// Runs a command that must fail: exit code 1 (not a panic's 101 nor a signal) and a
/// `syncobj: error:` message.
fn fails(args: &[&str]) -> String {
    let out = syncobj(args);
    let stderr = text(&out.stderr);
    assert_eq!(
        out.status.code(),
        Some(1),
        "{args:?} ({}): {stderr}",
        out.status
    );
    assert!(stderr.contains("syncobj: error:"), "{args:?}: {stderr}");
    stderr
}

/// Runs a command that must succeed.
fn succeeds(args: &[&str]) -> Output {
    let out = syncobj(args);
    assert!(
        out.status.success(),
        "{args:?} ({}): {}",
        out.status,
        text(&out.stderr)
    );
    out
}

/// The inspections sample: descriptions, a soft-delete field, a timestamp, a policy.
fn inspections() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../schemas/inspections.metadata.json")
}

/// Writes a legacy configuration with one scope holding these tables.
fn legacy(dir: &Path, name: &str, tables: &Value) -> PathBuf {
    let path = dir.join(name);
    let config = json!({
        "AppID": "app",
        "ArrayOfSyncScope": [
            {"ScopeName": "S", "Strategy": "OTA_SYNC", "ScopeTables": tables}
        ]
    });
    std::fs::write(&path, config.to_string()).unwrap();
    path
}

/// A table with an integer key `Id` and `count` string columns.
fn wide_table(name: &str, count: usize) -> Value {
    let mut columns = vec![json!({"Name": "Id", "type": "integer", "IsNullable": false})];
    columns.extend((0..count).map(|i| json!({"Name": format!("F{i}"), "type": "string"})));
    json!({"Name": name, "Pk_Columns": ["Id"], "Columns": columns})
}

/// A table whose key has `count` integer columns.
fn wide_key_table(count: usize) -> Value {
    let columns: Vec<Value> = (0..count)
        .map(|i| json!({"Name": format!("K{i}"), "type": "integer", "IsNullable": false}))
        .collect();
    let key: Vec<String> = (0..count).map(|i| format!("K{i}")).collect();
    json!({"Name": "Wide", "Pk_Columns": key, "Columns": columns})
}

/// Every entry under a folder, as relative paths, sorted.
fn listing(dir: &Path) -> Vec<String> {
    fn walk(root: &Path, dir: &Path, out: &mut Vec<String>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            out.push(path.strip_prefix(root).unwrap().display().to_string());
            if path.is_dir() {
                walk(root, &path, out);
            }
        }
    }
    let mut out = Vec::new();
    if dir.exists() {
        walk(dir, dir, &mut out);
    }
    out.sort();
    out
}

// ---------------------------------------------------------------------------------------------
// Outputs

/// Every command exits with 1, not a panic's 101, when standard output is a full disk.
#[cfg(target_os = "linux")]
#[test]
fn a_full_standard_output_is_an_error_not_a_panic() {
    let dir = tempfile::tempdir().unwrap();
    let schema = inspections();
    let code = dir.path().join("objects.rs");
    succeeds(&["generate", s(&schema), "-o", s(&code)]);
    let commands: Vec<Vec<&str>> = vec![
        vec!["schema", "check", s(&schema)],
        vec!["generate", s(&schema), "-o", s(&code), "--check"],
        vec!["generate", s(&schema)],
        vec!["schema", "convert", s(&schema), "--to", "legacy"],
        vec!["schema", "doc", s(&schema)],
    ];
    let mut panics = Vec::new();
    for args in &commands {
        let full = std::fs::OpenOptions::new()
            .write(true)
            .open("/dev/full")
            .unwrap();
        let out = Command::new(env!("CARGO_BIN_EXE_syncobj"))
            .args(args)
            .stdout(Stdio::from(full))
            .output()
            .unwrap();
        let stderr = text(&out.stderr);
        if out.status.code() != Some(1) || !stderr.contains("syncobj: error:") {
            panics.push(format!(
                "{args:?}: {} {}",
                out.status,
                stderr.lines().nth(1).unwrap_or("")
            ));
        }
    }
    assert!(panics.is_empty(), "{panics:#?}");
    fails(&["generate", s(&schema), "-o", "/dev/full"]);
}

/// `generate -o` naming the schema itself is an error and leaves the schema as it was.
#[test]
fn generate_does_not_write_over_its_own_schema() {
    let dir = tempfile::tempdir().unwrap();
    let schema = dir.path().join("schema.json");
    std::fs::copy(inspections(), &schema).unwrap();
    let before = std::fs::read(&schema).unwrap();
    let out = syncobj(&["generate", s(&schema), "-o", s(&schema)]);
    let after = std::fs::read(&schema).unwrap();
    assert!(
        after == before,
        "the schema was replaced ({}): it now starts with {:?}",
        out.status,
        text(&after[..60.min(after.len())])
    );
    assert_eq!(out.status.code(), Some(1));
}

/// An output in a missing folder, or that is a folder, is an error; nothing is created.
#[test]
fn an_output_that_cannot_be_a_file_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let schema = inspections();
    let missing = dir.path().join("no").join("such").join("objects.rs");
    let stderr = fails(&["generate", s(&schema), "-o", s(&missing)]);
    assert!(stderr.contains(s(&missing)), "{stderr}");
    let folder = dir.path().join("folder");
    std::fs::create_dir(&folder).unwrap();
    let stderr = fails(&["generate", s(&schema), "-o", s(&folder)]);
    assert!(stderr.contains("cannot write"), "{stderr}");
    for command in ["doc", "convert"] {
        let mut args = vec!["schema", command, s(&schema), "-o", s(&missing)];
        if command == "convert" {
            args.extend(["--to", "legacy"]);
        }
        fails(&args);
    }
    assert_eq!(listing(dir.path()), ["folder"]);
}

/// `--check` needs `-o`: without it, a usage error (clap's exit code 2) that names `--output`.
#[test]
fn check_without_an_output_is_a_usage_error() {
    let out = syncobj(&["generate", s(&inspections()), "--check"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("--output"),
        "{}",
        text(&out.stderr)
    );
}

/// `--check` against a folder says it cannot be read, not that it is stale.
#[test]
fn check_against_a_folder_says_what_is_wrong() {
    let dir = tempfile::tempdir().unwrap();
    let stderr = fails(&[
        "generate",
        s(&inspections()),
        "-o",
        s(dir.path()),
        "--check",
    ]);
    assert!(
        !stderr.contains("is stale: run"),
        "a folder is called stale: {stderr}"
    );
}

/// A schema with errors writes nothing: the previous output stays as it was.
#[test]
fn a_failed_generate_leaves_the_previous_output_alone() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("objects.rs");
    std::fs::write(&out, "// previous\n").unwrap();
    let bad = legacy(dir.path(), "bad.json", &json!([wide_key_table(13)]));
    fails(&["generate", s(&bad), "-o", s(&out)]);
    let broken = dir.path().join("broken.json");
    std::fs::write(&broken, "{\"AppID\": ").unwrap();
    fails(&["generate", s(&broken), "-o", s(&out)]);
    assert_eq!(std::fs::read_to_string(&out).unwrap(), "// previous\n");
}

// ---------------------------------------------------------------------------------------------
// Schemas that read but do not generate

/// `schema check` fails on a thirteen-column key, which `generate` rejects.
#[test]
fn check_rejects_what_generate_rejects() {
    let dir = tempfile::tempdir().unwrap();
    let wide = legacy(dir.path(), "wide.json", &json!([wide_key_table(13)]));
    let stderr = fails(&["generate", s(&wide)]);
    assert!(stderr.contains("at most 12 fields"), "{stderr}");
    let out = syncobj(&["schema", "check", s(&wide)]);
    assert_eq!(
        out.status.code(),
        Some(1),
        "check passes a schema that generate rejects: {}",
        text(&out.stdout)
    );
}

/// `init` refuses a schema that cannot generate, instead of a crate whose build fails.
#[test]
fn init_refuses_a_schema_that_does_not_generate() {
    let dir = tempfile::tempdir().unwrap();
    let wide = legacy(dir.path(), "wide.json", &json!([wide_key_table(13)]));
    let app = dir.path().join("app");
    let out = syncobj(&["init", s(&app), "--schema", s(&wide)]);
    assert_eq!(
        (out.status.code(), app.exists()),
        (Some(1), false),
        "{}",
        text(&out.stderr)
    );
}

// ---------------------------------------------------------------------------------------------
// init

/// `init` into a file, or into a folder that holds something, fails and changes nothing.
#[test]
fn init_into_a_file_or_a_full_folder_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("file");
    std::fs::write(&file, "keep me").unwrap();
    fails(&["init", s(&file), "--schema", s(&inspections())]);
    assert_eq!(std::fs::read_to_string(&file).unwrap(), "keep me");
    let full = dir.path().join("full");
    std::fs::create_dir(&full).unwrap();
    std::fs::write(full.join(".hidden"), "x").unwrap();
    let stderr = fails(&["init", s(&full), "--schema", s(&inspections())]);
    assert!(stderr.contains("not empty"), "{stderr}");
    assert_eq!(listing(dir.path()), ["file", "full", "full/.hidden"]);
}

/// `init` from an object-service folder makes the whole crate or leaves nothing behind.
#[test]
fn init_from_a_schema_folder_makes_all_or_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let version = dir.path().join("Svc").join("1.0");
    std::fs::create_dir_all(version.join("Ticket")).unwrap();
    std::fs::write(
        version.join("Meta.json"),
        r#"{"config": {"offline": true}}"#,
    )
    .unwrap();
    std::fs::write(
        version.join("Ticket").join("Fields.json"),
        r#"[{"name": "Id", "dataType": "string", "primarykey": true}]"#,
    )
    .unwrap();
    succeeds(&["schema", "check", s(&dir.path().join("Svc"))]);
    let app = dir.path().join("app");
    let out = syncobj(&["init", s(&app), "--schema", s(&dir.path().join("Svc"))]);
    if out.status.success() {
        assert!(app.join("Cargo.toml").is_file());
    } else {
        assert_eq!(out.status.code(), Some(1));
        assert!(
            !app.exists(),
            "a failed init leaves {:?}: {}",
            listing(&app),
            text(&out.stderr)
        );
    }
}

/// `init` names its package so that cargo accepts it, or fails and creates nothing.
#[test]
fn init_makes_package_names_that_cargo_accepts() {
    let dir = tempfile::tempdir().unwrap();
    let schema = inspections();
    let mut refused = Vec::new();
    for name in [
        "123",
        "-x",
        "Ångström app",
        "self",
        "日本",
        "build",
        "deps",
        "examples",
        "incremental",
    ] {
        let app = dir.path().join(name);
        let out = syncobj(&["init", "--schema", s(&schema), "--", s(&app)]);
        if !out.status.success() {
            assert_eq!(out.status.code(), Some(1), "{name}: {}", text(&out.stderr));
            assert!(
                !app.exists(),
                "{name}: a failed init leaves {:?}",
                listing(&app)
            );
            continue;
        }
        let metadata = Command::new(env!("CARGO"))
            .args([
                "metadata",
                "--no-deps",
                "--offline",
                "--format-version",
                "1",
            ])
            .current_dir(&app)
            .output()
            .unwrap();
        if !metadata.status.success() {
            let stderr = text(&metadata.stderr);
            let reason = stderr.lines().last().unwrap_or_default().trim().to_owned();
            refused.push(format!("{name}: {reason}"));
        }
    }
    assert!(
        refused.is_empty(),
        "cargo refuses the crates made by init:\n{refused:#?}"
    );
}

/// A quote in the toolkit's path is escaped in the new crate's manifest.
#[test]
fn init_escapes_the_toolkit_path_in_the_manifest() {
    let dir = tempfile::tempdir().unwrap();
    let toolkit = dir.path().join("tool\"kit");
    for member in ["sync-runtime", "sync-codegen"] {
        std::fs::create_dir_all(toolkit.join(member)).unwrap();
        std::fs::write(toolkit.join(member).join("Cargo.toml"), "").unwrap();
    }
    let app = dir.path().join("app");
    let out = syncobj(&[
        "init",
        s(&app),
        "--schema",
        s(&inspections()),
        "--toolkit",
        s(&toolkit),
    ]);
    if !out.status.success() {
        assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
        assert!(!app.exists());
        return;
    }
    let manifest = std::fs::read_to_string(app.join("Cargo.toml")).unwrap();
    let real = toolkit.canonicalize().unwrap();
    let runtime = format!("path = {:?}", format!("{}/sync-runtime", real.display()));
    assert!(manifest.contains(&runtime), "{runtime} in:\n{manifest}");
}

// ---------------------------------------------------------------------------------------------
// convert and doc

/// `convert --to legacy` warns about the settings the legacy format cannot hold.
#[test]
fn convert_to_legacy_warns_about_what_it_drops() {
    let out = succeeds(&["schema", "convert", s(&inspections()), "--to", "legacy"]);
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains("warning"),
        "the soft-delete field, the timestamp and the policy are dropped without a word"
    );
}

/// A `|` in an object name does not add a cell to the reference page's tables.
#[test]
fn doc_keeps_table_cells_apart() {
    let dir = tempfile::tempdir().unwrap();
    let tables = json!([
        {"Name": "Left|Right", "Pk_Columns": ["Id"],
         "Columns": [{"Name": "Id", "type": "integer", "IsNullable": false}]},
        {"Name": "Child", "Pk_Columns": ["Id"],
         "Columns": [{"Name": "Id", "type": "integer", "IsNullable": false},
                     {"Name": "Up|Down", "type": "integer"}],
         "Relationships": {"ManyToOne": [{"TargetObject": "Left|Right",
             "RelationshipAttributes": [{"SourceObject_Attribute": "Up|Down",
                                         "TargetObject_Attribute": "Id"}]}]}}
    ]);
    let schema = legacy(dir.path(), "pipes.json", &tables);
    let page = text(&succeeds(&["schema", "doc", s(&schema)]).stdout);
    let cells = |line: &str| line.replace("\\|", "").matches('|').count();
    let mut header = None;
    for line in page.lines().filter(|l| l.starts_with('|')) {
        if line.starts_with("| field |") || line.starts_with("| relationship |") {
            header = Some(cells(line));
        } else if let Some(expected) = header {
            assert_eq!(cells(line), expected, "{line}\nin:\n{page}");
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Size

/// 20,000 broken columns do not print 20,000 lines of errors.
#[test]
fn error_output_is_bounded() {
    let dir = tempfile::tempdir().unwrap();
    let columns: Vec<Value> = (0..20_000)
        .map(|i| json!({"Name": format!("c{i}"), "type": "varchar2"}))
        .collect();
    let table = json!({"Name": "T", "Pk_Columns": ["c0"], "Columns": columns});
    let schema = legacy(dir.path(), "broken.json", &json!([table]));
    let stderr = fails(&["schema", "check", s(&schema)]);
    let lines = stderr.lines().count();
    assert!(lines <= 1_100, "{lines} lines of errors");
}

/// An object of 30,000 fields generates or fails with a message; it does not abort.
#[test]
#[ignore = "open in issue 3: prettyplease recurses once per field of schema()'s builder chain: \
    30,000 fields overflow the stack"]
fn a_very_wide_object_does_not_overflow_the_stack() {
    let dir = tempfile::tempdir().unwrap();
    let schema = legacy(
        dir.path(),
        "wide.json",
        &json!([wide_table("Wide", 30_000)]),
    );
    let out = syncobj(&["generate", s(&schema), "-o", s(&dir.path().join("wide.rs"))]);
    let stderr = text(&out.stderr);
    assert!(
        matches!(out.status.code(), Some(0 | 1)),
        "{}: {}",
        out.status,
        stderr.lines().take(3).collect::<Vec<_>>().join(" / ")
    );
}

// ---------------------------------------------------------------------------------------------
// infer

/// A SQLite database built with these statements.
fn database(dir: &Path, name: &str, sql: &str) -> PathBuf {
    let path = dir.join(name);
    let conn = rusqlite::Connection::open(&path).unwrap();
    conn.execute_batch(sql).unwrap();
    drop(conn);
    path
}

/// Infers a schema as offline metadata and reads it back, with the warnings printed.
fn infer(db: &Path) -> (sync_schema::Schema, String) {
    let from = format!("sqlite:{}", db.display());
    let out = succeeds(&["schema", "infer", "--from", &from]);
    let schema = sync_schema::read::read_str(&text(&out.stdout), None)
        .unwrap()
        .schema;
    (schema, text(&out.stderr))
}

/// Views are left out; WITHOUT ROWID and DESC integer keys are not autogenerated row ids.
#[test]
#[ignore = "open in issue 3: infer marks WITHOUT ROWID and DESC integer keys autogenerated"]
fn infer_leaves_out_views_and_knows_which_keys_are_row_ids() {
    let dir = tempfile::tempdir().unwrap();
    let db = database(
        dir.path(),
        "app.db",
        "CREATE TABLE plain (id INTEGER PRIMARY KEY, name TEXT);
         CREATE TABLE code (id INTEGER PRIMARY KEY, label TEXT) WITHOUT ROWID;
         CREATE TABLE descending (id INTEGER PRIMARY KEY DESC, label TEXT);
         CREATE VIEW named AS SELECT id, name FROM plain;",
    );
    let (schema, _) = infer(&db);
    let names: Vec<&str> = schema.objects().map(|o| o.name.as_str()).collect();
    assert_eq!(names, ["code", "descending", "plain"]);
    let autogenerated = |object: &str| {
        schema
            .object(object)
            .unwrap()
            .field("id")
            .unwrap()
            .autogenerated
    };
    let found = [
        ("plain", autogenerated("plain")),
        ("code", autogenerated("code")),
        ("descending", autogenerated("descending")),
    ];
    assert_eq!(
        found,
        [("plain", true), ("code", false), ("descending", false)],
        "which keys are autogenerated"
    );
}

/// Quoted names and composite foreign keys come through; a dangling one is a warning.
#[test]
fn infer_keeps_odd_names_and_composite_foreign_keys() {
    let dir = tempfile::tempdir().unwrap();
    let db = database(
        dir.path(),
        "odd.db",
        r#"CREATE TABLE "we""ird" ("co""l" INTEGER PRIMARY KEY, "x y" TEXT, "[br]" TEXT);
           CREATE TABLE parent (a INT, b TEXT, PRIMARY KEY (a, b));
           CREATE TABLE child (id INTEGER PRIMARY KEY, pa INT, pb TEXT,
               FOREIGN KEY (pa, pb) REFERENCES parent (a, b) ON DELETE CASCADE,
               FOREIGN KEY (pa) REFERENCES nowhere (x));"#,
    );
    let (schema, warnings) = infer(&db);
    let weird = schema.object("we\"ird").unwrap();
    assert!(weird.field("co\"l").is_some() && weird.field("[br]").is_some());
    let child = schema.object("child").unwrap();
    assert_eq!(child.relationships.len(), 1);
    let rel = &child.relationships[0];
    let pairs: Vec<(&str, &str)> = rel
        .attributes
        .iter()
        .map(|p| (p.source.as_str(), p.target.as_str()))
        .collect();
    assert_eq!((rel.target.as_str(), rel.cascade), ("parent", true));
    assert_eq!(pairs, [("pa", "a"), ("pb", "b")]);
    assert!(warnings.contains("nowhere"), "{warnings}");
}

/// Foreign keys match tables and columns ignoring case, as SQLite does.
#[test]
#[ignore = "open in issue 3: infer matches foreign-key table and column names with their case"]
fn infer_matches_foreign_keys_ignoring_case() {
    let dir = tempfile::tempdir().unwrap();
    let mut problems = Vec::new();
    for (name, reference) in [("table.db", "Customer(id)"), ("column.db", "customer(ID)")] {
        let db = database(
            dir.path(),
            name,
            &format!(
                "CREATE TABLE customer (id INTEGER PRIMARY KEY, name TEXT);
                 CREATE TABLE purchase (id INTEGER PRIMARY KEY,
                     customer_id INTEGER REFERENCES {reference});"
            ),
        );
        let from = format!("sqlite:{}", db.display());
        let out = syncobj(&["schema", "infer", "--from", &from]);
        let stderr = text(&out.stderr);
        if !out.status.success() {
            problems.push(format!("{reference}: fails: {stderr}"));
            continue;
        }
        let schema = sync_schema::read::read_str(&text(&out.stdout), None)
            .unwrap()
            .schema;
        let purchase = schema.object("purchase").unwrap();
        if purchase.relationships.len() != 1 {
            problems.push(format!("{reference}: the relationship is lost: {stderr}"));
        }
    }
    assert!(problems.is_empty(), "{problems:#?}");
}

/// A table with a BLOB or untyped key is left out with a warning, not fatal to all.
#[test]
#[ignore = "open in issue 3: infer fails on a table with a BLOB or untyped key instead of \
    leaving it out"]
fn infer_leaves_out_tables_it_cannot_use() {
    let dir = tempfile::tempdir().unwrap();
    let db = database(
        dir.path(),
        "keys.db",
        "CREATE TABLE good (id INTEGER PRIMARY KEY, name TEXT);
         CREATE TABLE uuid (id BLOB PRIMARY KEY, name TEXT);
         CREATE TABLE untyped (id PRIMARY KEY, name TEXT);",
    );
    let from = format!("sqlite:{}", db.display());
    let out = syncobj(&["schema", "infer", "--from", &from]);
    assert!(
        out.status.success(),
        "one unusable table sinks the database: {}",
        text(&out.stderr)
    );
}

/// A database with an FTS5 index infers, without its virtual and shadow tables.
#[test]
#[ignore = "open in issue 3: infer reads FTS5 shadow tables as objects"]
fn infer_handles_a_full_text_index() {
    let dir = tempfile::tempdir().unwrap();
    let db = database(
        dir.path(),
        "search.db",
        "CREATE TABLE note (id INTEGER PRIMARY KEY, body TEXT);
         CREATE VIRTUAL TABLE note_search USING fts5(body);",
    );
    let from = format!("sqlite:{}", db.display());
    let out = syncobj(&["schema", "infer", "--from", &from]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let schema = sync_schema::read::read_str(&text(&out.stdout), None)
        .unwrap()
        .schema;
    let names: Vec<&str> = schema.objects().map(|o| o.name.as_str()).collect();
    assert_eq!(names, ["note"]);
}

/// A database locked by another process is an error within seconds, not a hang.
#[test]
fn infer_on_a_locked_database_fails_within_seconds() {
    let dir = tempfile::tempdir().unwrap();
    let db = database(
        dir.path(),
        "locked.db",
        "CREATE TABLE t (id INTEGER PRIMARY KEY);",
    );
    let holder = rusqlite::Connection::open(&db).unwrap();
    holder
        .execute_batch(
            "PRAGMA locking_mode = EXCLUSIVE; BEGIN EXCLUSIVE; INSERT INTO t VALUES (1);",
        )
        .unwrap();
    let started = Instant::now();
    let stderr = fails(&[
        "schema",
        "infer",
        "--from",
        &format!("sqlite:{}", db.display()),
    ]);
    assert!(started.elapsed() < Duration::from_secs(30));
    assert!(stderr.contains("locked"), "{stderr}");
    holder.execute_batch("COMMIT").unwrap();
}

/// Damaged and odd database files are errors: cut in half, zeros, a folder, an empty path.
#[test]
fn infer_on_damaged_files_fails_cleanly() {
    let dir = tempfile::tempdir().unwrap();
    let mut sql = String::new();
    for i in 0..50 {
        sql.push_str(&format!(
            "CREATE TABLE t{i} (id INTEGER PRIMARY KEY, v TEXT);"
        ));
    }
    let db = database(dir.path(), "cut.db", &sql);
    let bytes = std::fs::read(&db).unwrap();
    std::fs::write(&db, &bytes[..bytes.len() / 2]).unwrap();
    let zeros = dir.path().join("zeros.db");
    std::fs::write(&zeros, vec![0_u8; 8192]).unwrap();
    let header = dir.path().join("header.db");
    let mut fake = b"SQLite format 3\0".to_vec();
    fake.extend(vec![0xff_u8; 4096]);
    std::fs::write(&header, fake).unwrap();
    for from in [
        format!("sqlite:{}", db.display()),
        format!("sqlite:{}", zeros.display()),
        format!("sqlite:{}", header.display()),
        format!("sqlite:{}", dir.path().display()),
        "sqlite:".to_owned(),
        "sqlite::memory:".to_owned(),
    ] {
        let stderr = fails(&["schema", "infer", "--from", &from]);
        assert!(stderr.len() < 2_000, "{from}: {stderr}");
    }
}
