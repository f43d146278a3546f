//! Hostile input against the device database: bad values, keys and schemas, nasty names, where
//! clauses meant to break the parser or the SQL, acknowledgements and download batches that do
//! not fit the device's state, damaged bookkeeping, and two handles writing at once.
//!
//! Each test asserts what a user of the toolkit would expect (DESIGN.md): bad input gets a
//! clear error with its legacy code and changes nothing, nothing is lost, local edits are not
//! overwritten by a download, and nothing panics. Inputs that may crash the process (a stack
//! overflow aborts it) run in a child process of this test binary, see [`isolated`].
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::fmt::Debug;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::process::Command;
use std::sync::{Arc, Barrier};
use std::time::{Duration, Instant};

use common::{dump, dump_data, field_service, open, row, text, work_order, TestDb};
use sync_runtime::engine::{Acknowledgement, DownloadBatch, OutgoingChange, ServerChange};
use sync_runtime::{
    ChangeKind, Device, Error, Filter, OrderBy, Query, Row, SchemaBuilder, SyncObject, Value,
};
use sync_schema::{
    Field, FieldType, Object, Relationship, RelationshipKind, Schema, Scope, Strategy,
};

// ---------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------

/// The longest error message a user should have to read (or a log should have to hold).
const MAX_MESSAGE: usize = 1_000;

/// The environment variable that names the isolated test a child process is to run.
const CHILD: &str = "SYNC_RUNTIME_HOSTILE_CHILD";

/// Runs `body` in a child process of this test binary when the body may abort the process (a
/// stack overflow is not a panic: it kills every test of the binary) or never end. The test
/// fails when the child fails, crashes, or runs longer than a minute.
fn isolated(name: &str, body: impl FnOnce()) {
    if std::env::var(CHILD).as_deref() == Ok(name) {
        body();
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("output.txt");
    let file = std::fs::File::create(&log).unwrap();
    let mut child = Command::new(std::env::current_exe().unwrap())
        .args([name, "--exact", "--nocapture", "--test-threads=1"])
        .env(CHILD, name)
        .stdout(file.try_clone().unwrap())
        .stderr(file)
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(60);
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break Some(status);
        }
        if Instant::now() > deadline {
            child.kill().unwrap();
            child.wait().unwrap();
            break None;
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let output = std::fs::read_to_string(&log).unwrap_or_default();
    let tail: String = {
        let chars: Vec<char> = output.chars().collect();
        chars[chars.len().saturating_sub(2_000)..].iter().collect()
    };
    assert!(
        status.is_some(),
        "`{name}` did not finish within a minute (endless loop?):\n{tail}"
    );
    let status = status.expect("checked above");
    assert!(
        status.success(),
        "`{name}` failed or crashed in its own process ({status}):\n{tail}"
    );
    assert!(
        output.contains("1 passed"),
        "the child process did not run `{name}`:\n{tail}"
    );
}

/// Runs `f`, turning a panic into an `Err` that carries the panic message.
fn no_panic<T>(f: impl FnOnce() -> T) -> Result<T, String> {
    catch_unwind(AssertUnwindSafe(f)).map_err(|payload| {
        let message = payload
            .downcast_ref::<String>()
            .cloned()
            .or_else(|| payload.downcast_ref::<&str>().map(|s| (*s).to_owned()))
            .unwrap_or_default();
        format!("PANIC: {message}")
    })
}

/// The failures of a table of cases, collected so that one run reports every one of them.
#[derive(Default)]
struct Problems {
    /// What went wrong, one line per problem.
    found: Vec<String>,
    /// Whether long error messages are accepted (when a test is about something else).
    allow_long: bool,
}

impl Problems {
    /// Records a problem.
    fn push(&mut self, problem: String) {
        self.found.push(problem);
    }

    /// Checks that a call failed with `code` and a short message naming each of `parts`.
    fn error<T: Debug>(
        &mut self,
        case: &str,
        result: Result<sync_runtime::Result<T>, String>,
        code: u32,
        parts: &[&str],
    ) {
        match result {
            Err(panic) => self.push(format!("{case}: {panic}")),
            Ok(Ok(value)) => self.push(format!("{case}: accepted, gave {value:?}")),
            Ok(Err(e)) => {
                let message = e.to_string();
                if e.code() != code {
                    self.push(format!(
                        "{case}: code {} instead of {code}: {}",
                        e.code(),
                        short(&message)
                    ));
                }
                for part in parts {
                    if !message.contains(part) {
                        self.push(format!(
                            "{case}: message does not mention {part:?}: {}",
                            short(&message)
                        ));
                    }
                }
                if message.len() > MAX_MESSAGE && !self.allow_long {
                    self.push(format!(
                        "{case}: message of {} bytes: {}",
                        message.len(),
                        short(&message)
                    ));
                }
            }
        }
    }

    /// Checks that the database is as it was.
    fn unchanged<D: PartialEq>(&mut self, case: &str, before: &D, after: &D) {
        if before != after {
            self.push(format!("{case}: the database changed"));
        }
    }

    /// Fails the test with every problem found.
    #[track_caller]
    fn assert_none(self) {
        assert!(
            self.found.is_empty(),
            "{} problem(s):\n  {}",
            self.found.len(),
            self.found.join("\n  ")
        );
    }
}

/// Text cut to a readable length for assertion messages.
fn short(text: &str) -> String {
    if text.chars().count() <= 200 {
        text.to_owned()
    } else {
        let head: String = text.chars().take(200).collect();
        format!("{head}... ({} bytes)", text.len())
    }
}

/// The error of a call that must fail.
#[track_caller]
fn error_of<T: Debug>(result: sync_runtime::Result<T>) -> Error {
    result.expect_err("the call was accepted")
}

/// The code of a sync-state error: an acknowledgement or window that does not fit the device.
fn sync_state() -> u32 {
    Error::SyncState(String::new()).code()
}

/// The key row of a work order.
fn key(id: i64) -> Row {
    row([("Id", Value::Integer(id))])
}

/// An initialised device for a schema, in a fresh temporary directory.
fn device(schema: Schema) -> TestDb {
    let dir = tempfile::tempdir().unwrap();
    let db = Device::open(dir.path().join("device.db"), schema).unwrap();
    db.init().unwrap();
    TestDb { db, dir }
}

/// A download batch of the field-service scope.
fn batch(changes: Vec<ServerChange>, acknowledgements: Vec<Acknowledgement>) -> DownloadBatch {
    DownloadBatch {
        scope: "Field".into(),
        changes,
        acknowledgements,
        token: "next-token".into(),
    }
}

/// An upsert of a server row.
fn upsert(object: &str, row: Row) -> ServerChange {
    ServerChange::Upsert {
        object: object.into(),
        row,
        hash: Some("h".into()),
    }
}

/// Puts a work order on the device as a download would: clean, with a server key.
fn server_work_order(db: &Device, id: i64, status: &str) {
    let row = row([("Id", id.into()), ("Status", status.into())]);
    db.apply_download_batch(&batch(vec![upsert("WorkOrder", row)], vec![]))
        .unwrap();
}

/// The acknowledgement of a change as applied, with the server's key when it assigned one.
fn ack(change: &OutgoingChange, server_key: Option<Row>) -> Acknowledgement {
    Acknowledgement {
        object: change.object.clone(),
        seq: change.seq,
        key: server_key.clone().unwrap_or_else(|| change.key.clone()),
        client_key: server_key.map(|_| change.key.clone()),
        row: None,
        hash: Some(format!("v{}", change.seq)),
        error: None,
    }
}

/// One object `O` with an integer key `Id` and the given fields.
fn one_object(name: &str, fields: Vec<Field>) -> Schema {
    let mut object = Object::new(name)
        .with_field(Field::new("Id", FieldType::Integer))
        .with_primary_key(["Id"]);
    for field in fields {
        object = object.with_field(field);
    }
    Schema::new("one").with_scope(Scope::new("S", Strategy::AppliedAtOnce).with_object(object))
}

/// Opens a schema that SQLite may not be able to hold: `None` when it is refused at open with
/// 7004 (the expected way), else the initialised device. Fails the test on any other outcome.
fn open_or_refused(schema: Schema) -> Option<TestDb> {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("device.db");
    match Device::open(&path, schema) {
        Err(e) => {
            assert_eq!(e.code(), 7004, "refused, but not as a schema error: {e}");
            assert!(!path.exists(), "a refused schema created the database file");
            None
        }
        Ok(db) => {
            let init = db.init();
            assert!(
                init.is_ok(),
                "Schema::validate accepted the schema but init fails with {:?}: {}",
                init.as_ref().err().map(Error::code),
                init.as_ref()
                    .err()
                    .map(ToString::to_string)
                    .unwrap_or_default()
            );
            Some(TestDb { db, dir })
        }
    }
}

/// Employees with a manager, through a relationship of the object to itself.
fn employees(cascade: bool) -> Schema {
    let employee = Object::new("Employee")
        .with_field(Field::new("Id", FieldType::Integer))
        .with_field(Field::new("ManagerId", FieldType::Integer))
        .with_field(text("Name", 40))
        .with_primary_key(["Id"])
        .with_relationship(
            Relationship::new(RelationshipKind::OneToMany, "Employee")
                .on("Id", "ManagerId")
                .cascade(cascade),
        );
    Schema::new("org").with_scope(Scope::new("Org", Strategy::AppliedAtOnce).with_object(employee))
}

/// An employee row.
fn employee(id: i64, manager: Option<i64>) -> Row {
    row([
        ("Id", id.into()),
        ("ManagerId", manager.into()),
        ("Name", format!("e{id}").into()),
    ])
}

/// Two scopes: `A` applied at once with `Note`, `B` persisted first with `Memo`.
fn two_scopes() -> Schema {
    let object = |name: &str| {
        Object::new(name)
            .with_field(text("Id", 20))
            .with_field(text("Body", 100))
            .with_primary_key(["Id"])
    };
    Schema::new("two")
        .with_scope(Scope::new("A", Strategy::AppliedAtOnce).with_object(object("Note")))
        .with_scope(Scope::new("B", Strategy::PersistedFirst).with_object(object("Memo")))
}

/// A note or memo row.
fn note(id: &str) -> Row {
    row([("Id", id.into()), ("Body", "text".into())])
}

/// An object `P` keyed by a double, optionally autogenerated.
fn double_keyed(autogenerated: bool) -> Schema {
    let object = Object::new("P")
        .with_field(Field::new("K", FieldType::Double).autogenerated(autogenerated))
        .with_field(Field::new("V", FieldType::Integer))
        .with_primary_key(["K"]);
    Schema::new("d").with_scope(Scope::new("S", Strategy::AppliedAtOnce).with_object(object))
}

/// A named call on a device whose outcome is kept as text.
type Call<'a> = (
    &'static str,
    Box<dyn FnOnce() -> Result<String, Error> + 'a>,
);

/// Every where-clause entry point, reads and writes, run on one clause; each outcome is kept
/// with the name of the call. Writes use a change that is always invalid, so that they must
/// fail or match nothing: the database may never change.
fn every_entry_point(db: &Device, clause: &str) -> Vec<(&'static str, Result<String, Error>)> {
    let bad_change = || row([("Priority", Value::Text("not a number".into()))]);
    let calls: Vec<Call<'_>> = vec![
        (
            "find",
            Box::new(|| {
                db.find("WorkOrder", clause)
                    .map(|r| format!("{} rows", r.len()))
            }),
        ),
        (
            "count",
            Box::new(|| db.count("WorkOrder", clause).map(|n| n.to_string())),
        ),
        (
            "update",
            Box::new(|| {
                db.update("WorkOrder", clause, bad_change())
                    .map(|n| n.to_string())
            }),
        ),
        (
            "mark_for_upload",
            Box::new(|| {
                db.mark_for_upload("WorkOrder", clause)
                    .map(|n| n.to_string())
            }),
        ),
    ];
    calls
        .into_iter()
        .map(|(name, call)| {
            let outcome = no_panic(call);
            assert!(
                outcome.is_ok(),
                "{name}({clause:?}) panicked: {}",
                outcome.as_ref().err().cloned().unwrap_or_default()
            );
            (name, outcome.unwrap())
        })
        .collect()
}

/// A field-service device with a few work orders, some with hostile text.
fn clause_fixture() -> TestDb {
    let t = open(Strategy::AppliedAtOnce);
    for status in ["open", "x' or '1'='1", "a\0b", "名前👩‍🔧", "closed"] {
        work_order(&t.db, status);
    }
    t.db.update_by_pk("WorkOrder", &key(-2), row([("Priority", 3.into())]))
        .unwrap();
    t
}

// ---------------------------------------------------------------------------------------------
// Schemas
// ---------------------------------------------------------------------------------------------

/// `Schema::validate` reports every problem of a bad schema, each naming where it is.
#[test]
fn validate_reports_every_problem_and_where_it_is() {
    let a = Object::new("A")
        .with_field(Field::new("Id", FieldType::Integer))
        .with_field(Field::new("id", FieldType::Integer))
        .with_field(Field::new("_SYNC_status", FieldType::Integer))
        .with_field(text("Zero", 0))
        .with_primary_key(["Id", "Id"])
        .with_relationship(Relationship::new(RelationshipKind::OneToMany, "Ghost").on("Id", "X"))
        .with_relationship(Relationship::new(RelationshipKind::ManyToOne, "B").on("Nope", "Data"))
        .with_relationship(Relationship::new(RelationshipKind::OneToMany, "B"));
    let b = Object::new("B")
        .with_field(Field::new("Data", FieldType::Binary))
        .with_primary_key(["Data"]);
    let c = Object::new("C").with_field(Field::new("Id", FieldType::Integer));
    let d = Object::new("D")
        .with_field(Field::new("Id", FieldType::Integer))
        .with_primary_key(["Missing"]);
    let reserved = Object::new("_Sync_Queue")
        .with_field(Field::new("Id", FieldType::Integer))
        .with_primary_key(["Id"]);
    let twin = Object::new("a")
        .with_field(Field::new("Id", FieldType::Integer))
        .with_primary_key(["Id"]);
    let schema = Schema::new("bad")
        .with_scope(
            Scope::new("S", Strategy::AppliedAtOnce)
                .with_object(a)
                .with_object(b)
                .with_object(c)
                .with_object(d),
        )
        .with_scope(
            Scope::new("S", Strategy::PersistedFirst)
                .with_object(reserved)
                .with_object(twin),
        )
        .with_scope(Scope::new("", Strategy::AppliedAtOnce));
    let problems: Vec<String> = schema
        .validate()
        .unwrap_err()
        .iter()
        .map(ToString::to_string)
        .collect();
    let expected: &[&[&str]] = &[
        &["duplicate field", "id", "A"],
        &["A._SYNC_status", "reserved"],
        &["Zero", "at least 1"],
        &["duplicate primary-key column", "Id", "A"],
        &["A.relationships[Ghost]", "Ghost"],
        &["A.relationships[B]", "Nope"],
        &["A.relationships[B]", "at least one attribute"],
        &["B.Data", "binary"],
        &["C", "no primary key"],
        &["D.primary_key", "Missing"],
        &["_Sync_Queue", "reserved"],
        &["duplicate object", "a"],
        &["duplicate scope", "S"],
        &["scope name", "empty"],
    ];
    let mut missing = Problems::default();
    for parts in expected {
        if !problems
            .iter()
            .any(|p| parts.iter().all(|part| p.contains(part)))
        {
            missing.push(format!("no problem mentions {parts:?}"));
        }
    }
    if !missing.found.is_empty() {
        missing.push(format!("reported: {problems:#?}"));
    }
    missing.assert_none();

    // Opening a device with it fails with 7004 before anything is written.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("device.db");
    let err = error_of(Device::open(&path, schema));
    assert_eq!(err.code(), 7004, "{err}");
    assert!(!path.exists(), "a refused schema created the database file");
}

/// Two objects whose names differ only in ASCII case (one SQLite table) are refused at open.
#[test]
fn objects_whose_names_differ_only_in_case_are_refused() {
    let schema = one_object("Note", vec![]);
    let twin = Object::new("NOTE")
        .with_field(Field::new("Id", FieldType::Integer))
        .with_primary_key(["Id"]);
    let mut schema = schema;
    schema.scopes[0].objects.push(twin);
    assert!(open_or_refused(schema).is_none());
}

/// An object named like another object's status index (`X__sync_status`) is refused or works.
#[test]
fn an_object_named_like_another_objects_index_is_refused_or_works() {
    let mut schema = one_object("X", vec![]);
    schema.scopes[0].objects.push(
        Object::new("X__sync_status")
            .with_field(Field::new("Id", FieldType::Integer))
            .with_primary_key(["Id"]),
    );
    if let Some(t) = open_or_refused(schema) {
        for object in ["X", "X__sync_status"] {
            t.db.create(object, row([("Id", 1.into())])).unwrap();
            assert_eq!(t.db.count(object, "").unwrap(), 1);
        }
    }
}

/// Object names SQLite reserves for itself (`sqlite_...`) are refused at open with 7004.
#[test]
fn object_names_sqlite_reserves_are_refused_at_open() {
    for name in ["sqlite_stat1", "SQLITE_notes", "sqlite_sequence"] {
        assert!(
            open_or_refused(one_object(name, vec![])).is_none(),
            "{name} was accepted"
        );
    }
}

/// Object and field names holding a NUL character are refused at open or work end to end.
#[test]
fn names_with_a_nul_character_are_refused_or_work() {
    let schemas = [
        one_object("No\0te", vec![]),
        one_object("Note", vec![Field::new("Bo\0dy", FieldType::Integer)]),
    ];
    for schema in schemas {
        let object = schema.scopes[0].objects[0].name.clone();
        if let Some(t) = open_or_refused(schema) {
            t.db.create(&object, row([("Id", 1.into())])).unwrap();
            assert_eq!(t.db.count(&object, "").unwrap(), 1);
        }
    }
}

/// Names with quotes, spaces, keywords, brackets and unicode work through every operation.
#[test]
fn hostile_names_work_through_every_operation() {
    let name = "We\"ird Obj'ect; DROP TABLE x --";
    let object = Object::new(name)
        .with_field(Field::new("rowid", FieldType::Integer).autogenerated(true))
        .with_field(text("select", 10))
        .with_field(Field::new("\"", FieldType::Integer))
        .with_field(text("a]b`c", 10))
        .with_field(Field::new("Ünï 名前", FieldType::Double))
        .with_field(text("?1", 10))
        .with_field(Field::new("  ", FieldType::Boolean))
        .with_primary_key(["rowid"]);
    let schema = Schema::new("names")
        .with_scope(Scope::new("S;--", Strategy::AppliedAtOnce).with_object(object));
    let t = device(schema);
    let full = row([
        ("select", "x".into()),
        ("\"", 1.into()),
        ("a]b`c", "y".into()),
        ("Ünï 名前", Value::Real(2.5)),
        ("?1", "z".into()),
        ("  ", true.into()),
    ]);
    let k = t.db.create(name, full).unwrap();
    assert_eq!(k["rowid"], Value::Integer(-2));
    let clause = r#"where "select" = 'x' and """" = 1 and "a]b`c" = 'y' and "Ünï 名前" > 2
        and "?1" = 'z' and "  " = true order by "Ünï 名前" desc limit 5"#;
    assert_eq!(t.db.find(name, clause).unwrap().len(), 1);
    assert_eq!(t.db.count(name, Filter::eq("?1", "z")).unwrap(), 1);
    let n =
        t.db.update(name, r#""select" = 'x'"#, row([("a]b`c", "w".into())]));
    assert_eq!(n.unwrap(), 1);
    let window = t.db.take_upload_window("S;--", 10).unwrap().unwrap();
    assert_eq!(window.changes.len(), 2);
    let server = row([("rowid", 7.into())]);
    let acks = vec![ack(&window.changes[0], Some(server.clone()))];
    t.db.record_upload_accepted(window.id, "tok", &acks)
        .unwrap();
    let got = t.db.get_by_pk(name, &server).unwrap().unwrap();
    assert_eq!(got["a]b`c"], Value::Text("w".into()));
    t.db.update_by_pk(name, &server, row([("\"", 2.into())]))
        .unwrap();
    assert_eq!(t.db.rollback_pending_local_changes().unwrap(), 1);
    assert_eq!(
        t.db.get_by_pk(name, &server).unwrap().unwrap()["\""],
        Value::Integer(1)
    );
    t.db.delete_by_pk(name, &server).unwrap();
    assert_eq!(t.db.count(name, "").unwrap(), 0);
    // The object's table is still there, and `x` never was.
    let tables: Vec<String> = t.db.with_connection(|c| {
        let mut stmt = c
            .prepare("SELECT name FROM sqlite_schema WHERE type = 'table'")
            .unwrap();
        let names = stmt.query_map([], |r| r.get(0)).unwrap();
        names.collect::<Result<_, _>>().unwrap()
    });
    assert!(tables.iter().any(|n| n == name), "{tables:?}");
    assert!(!tables.iter().any(|n| n == "x"), "{tables:?}");
}

// ---------------------------------------------------------------------------------------------
// Values of the dynamic API
// ---------------------------------------------------------------------------------------------

/// A value of the wrong type for any field type fails with 7001 naming the object and field.
#[test]
fn wrong_value_types_fail_with_7001_naming_object_and_field() {
    let t = open(Strategy::AppliedAtOnce);
    server_work_order(&t.db, 1, "open");
    let before = dump(&t.db);
    let blob = || Value::Blob(vec![1, 2, 3]);
    let cases: Vec<(&str, Value)> = vec![
        ("Status", Value::Integer(5)),
        ("Status", Value::Real(1.5)),
        ("Status", Value::Boolean(true)),
        ("Status", blob()),
        ("Priority", Value::Text("5".into())),
        ("Priority", Value::Real(1.0)),
        ("Priority", Value::Real(1.5)),
        ("Priority", blob()),
        ("Cost", Value::Text("1.5".into())),
        ("Cost", Value::Boolean(true)),
        ("Cost", blob()),
        ("Order Date", Value::Integer(20_240_101)),
        ("Order Date", Value::Real(1.5)),
        ("Order Date", blob()),
        ("Done", Value::Integer(2)),
        ("Done", Value::Integer(-1)),
        ("Done", Value::Text("true".into())),
        ("Done", Value::Real(1.0)),
        ("Done", blob()),
        ("Photo", Value::Text("AQID".into())),
        ("Photo", Value::Integer(1)),
        ("CustomerId", Value::Integer(1)),
    ];
    let mut problems = Problems::default();
    for (field, value) in cases {
        let case = format!("{field} = {value:?}");
        let mut input = row([("Status", "x".into())]);
        input.insert(field.to_owned(), value.clone());
        let parts = ["WorkOrder", field];
        let create = no_panic(|| t.db.create("WorkOrder", input));
        problems.error(&format!("create {case}"), create, 7001, &parts);
        let changes = row([(field, value.clone())]);
        let update = no_panic(|| t.db.update_by_pk("WorkOrder", &key(1), changes));
        problems.error(&format!("update_by_pk {case}"), update, 7001, &parts);
        let changes = row([(field, value)]);
        let update = no_panic(|| t.db.update("WorkOrder", "Id = 1", changes));
        problems.error(&format!("update {case}"), update, 7001, &parts);
        problems.unchanged(&case, &before, &dump(&t.db));
    }
    problems.assert_none();
}

/// NaN and infinities fail with 7018 in creates, updates, keys and downloads.
#[test]
fn non_finite_numbers_fail_with_7018_everywhere() {
    let t = open(Strategy::AppliedAtOnce);
    server_work_order(&t.db, 1, "open");
    let p = device(double_keyed(false));
    let mut problems = Problems::default();
    let before = (dump(&t.db), dump(&p.db));
    for x in [f64::NAN, f64::INFINITY, f64::NEG_INFINITY] {
        let cost = || row([("Status", "x".into()), ("Cost", Value::Real(x))]);
        let r = no_panic(|| t.db.create("WorkOrder", cost()));
        problems.error(&format!("create Cost {x}"), r, 7018, &["WorkOrder.Cost"]);
        let r = no_panic(|| t.db.update_by_pk("WorkOrder", &key(1), cost()));
        problems.error(&format!("update Cost {x}"), r, 7018, &["WorkOrder.Cost"]);
        let r = no_panic(|| t.db.update("WorkOrder", "", cost()));
        problems.error(
            &format!("update all Cost {x}"),
            r,
            7018,
            &["WorkOrder.Cost"],
        );
        let mut server = cost();
        server.insert("Id".into(), 2.into());
        let r = no_panic(|| {
            t.db.apply_download_batch(&batch(vec![upsert("WorkOrder", server)], vec![]))
        });
        problems.error(&format!("download Cost {x}"), r, 7018, &["WorkOrder.Cost"]);
        let k = row([("K", Value::Real(x))]);
        let r = no_panic(|| p.db.create("P", k.clone()));
        problems.error(&format!("create key {x}"), r, 7018, &["P.K"]);
        let r = no_panic(|| p.db.get_by_pk("P", &k));
        problems.error(&format!("get key {x}"), r, 7018, &["P.K"]);
        let r = no_panic(|| p.db.delete_by_pk("P", &k));
        problems.error(&format!("delete key {x}"), r, 7018, &["P.K"]);
    }
    problems.unchanged("non-finite", &before, &(dump(&t.db), dump(&p.db)));
    problems.assert_none();
}

/// Extreme integers and doubles (i64 bounds, f64::MAX, subnormals) round-trip bit for bit.
#[test]
fn extreme_numbers_round_trip_and_roll_back_exactly() {
    let t = open(Strategy::AppliedAtOnce);
    let cases = [
        (i64::MAX, f64::MAX, i64::MIN, 5e-324),
        (i64::MIN, -f64::MAX, i64::MAX, f64::MIN_POSITIVE),
        (0, 0.1 + 0.2, -1, -2.225_073_858_507_201e-308),
    ];
    for (i, (p1, c1, p2, c2)) in cases.into_iter().enumerate() {
        let id = i64::try_from(i).unwrap() + 1;
        let server = row([
            ("Id", id.into()),
            ("Status", "s".into()),
            ("Priority", p1.into()),
            ("Cost", c1.into()),
        ]);
        t.db.apply_download_batch(&batch(vec![upsert("WorkOrder", server)], vec![]))
            .unwrap();
        let changes = row([("Priority", p2.into()), ("Cost", c2.into())]);
        t.db.update_by_pk("WorkOrder", &key(id), changes).unwrap();
        let got = t.db.get_by_pk("WorkOrder", &key(id)).unwrap().unwrap();
        assert_eq!(got["Priority"], Value::Integer(p2));
        let Value::Real(cost) = got["Cost"] else {
            panic!("{got:?}")
        };
        assert_eq!(cost.to_bits(), c2.to_bits(), "{c2:e} read back as {cost:e}");
        let queued = t.db.get_pending_upload().unwrap();
        let Value::Real(image) = queued.last().unwrap().row["Cost"] else {
            panic!()
        };
        assert_eq!(image.to_bits(), c2.to_bits(), "{c2:e} queued as {image:e}");

        t.db.rollback_by_pk("WorkOrder", &key(id)).unwrap();
        let got = t.db.get_by_pk("WorkOrder", &key(id)).unwrap().unwrap();
        assert_eq!(got["Priority"], Value::Integer(p1));
        let Value::Real(cost) = got["Cost"] else {
            panic!("{got:?}")
        };
        assert_eq!(
            cost.to_bits(),
            c1.to_bits(),
            "{c1:e} rolled back to {cost:e}"
        );
    }
}

/// Max lengths count characters (multi-byte, emoji, combining marks): 20 pass, 21 fail 7015.
#[test]
fn maximum_lengths_count_characters_at_the_boundary() {
    let t = open(Strategy::AppliedAtOnce);
    let mut problems = Problems::default();
    for unit in ["é", "👩", "e\u{301}", "\0", "\u{FFFF}"] {
        let before = dump(&t.db);
        let per = unit.chars().count();
        let at = unit.repeat(20 / per);
        let over = format!("{at}{}", '\u{301}');
        let r = no_panic(|| {
            t.db.create("WorkOrder", row([("Status", over.clone().into())]))
        });
        problems.error(
            &format!("create {unit:?}"),
            r,
            7015,
            &["WorkOrder.Status", "21", "20"],
        );
        let server = row([("Id", 5.into()), ("Status", over.clone().into())]);
        let r = no_panic(|| {
            t.db.apply_download_batch(&batch(vec![upsert("WorkOrder", server)], vec![]))
        });
        problems.error(
            &format!("download {unit:?}"),
            r,
            7015,
            &["WorkOrder.Status", "21"],
        );
        problems.unchanged(unit, &before, &dump(&t.db));
        match t
            .db
            .create("WorkOrder", row([("Status", at.clone().into())]))
        {
            Ok(k) => {
                let got = t.db.get_by_pk("WorkOrder", &k).unwrap().unwrap();
                if got["Status"] != Value::Text(at.clone()) {
                    problems.push(format!("{unit:?}: read back as {:?}", got["Status"]));
                }
            }
            Err(e) => problems.push(format!("{unit:?} x20 refused: {e}")),
        }
    }
    problems.assert_none();
}

/// Large values are stored and read back; errors about huge input stay short.
#[test]
fn huge_values_are_stored_and_their_errors_stay_short() {
    let t = open(Strategy::AppliedAtOnce);
    let notes = "ß€𝄞\0'\"".repeat(1 << 20);
    let photo: Vec<u8> = (0..(4 << 20)).map(|i: u32| (i % 251) as u8).collect();
    let id = work_order(&t.db, "big");
    let changes = row([
        ("Notes", notes.clone().into()),
        ("Photo", photo.clone().into()),
    ]);
    t.db.update_by_pk("WorkOrder", &key(id), changes).unwrap();
    let got = t.db.get_by_pk("WorkOrder", &key(id)).unwrap().unwrap();
    assert!(
        got["Notes"] == Value::Text(notes.clone()),
        "the notes changed"
    );
    assert!(got["Photo"] == Value::Blob(photo), "the photo changed");
    assert_eq!(
        t.db.count("WorkOrder", Filter::eq("Notes", notes)).unwrap(),
        1
    );

    let before = dump(&t.db);
    let huge = "x".repeat(1 << 20);
    let mut problems = Problems::default();
    let r = no_panic(|| {
        t.db.create("WorkOrder", row([("Status", huge.clone().into())]))
    });
    problems.error("a huge status", r, 7015, &["WorkOrder.Status"]);
    let r = no_panic(|| t.db.create("WorkOrder", row([(huge.as_str(), 1.into())])));
    problems.error("a huge unknown field name", r, 7017, &["WorkOrder"]);
    let r = no_panic(|| t.db.create(&huge, Row::new()));
    problems.error("a huge unknown object name", r, 7017, &["no object"]);
    let clause = format!("Status = '{huge}' and (");
    let r = no_panic(|| t.db.count("WorkOrder", clause.as_str()));
    problems.error("a huge malformed clause", r, 7019, &["WorkOrder"]);
    let clause = format!("Status = '{huge}' and Nope = 1");
    let r = no_panic(|| t.db.count("WorkOrder", clause.as_str()));
    problems.error("a huge clause with an unknown column", r, 7017, &["Nope"]);
    problems.unchanged("huge input", &before, &dump(&t.db));
    problems.assert_none();
}

/// Empty rows, unknown fields and unknown objects fail with 7002/7003/7017, changing nothing.
#[test]
fn empty_rows_unknown_fields_and_unknown_objects_are_refused() {
    let t = open(Strategy::AppliedAtOnce);
    server_work_order(&t.db, 1, "open");
    let before = dump(&t.db);
    let mut p = Problems::default();
    p.error(
        "create {}",
        no_panic(|| t.db.create("WorkOrder", Row::new())),
        7002,
        &["Status"],
    );
    p.error(
        "create Task {}",
        no_panic(|| t.db.create("Task", Row::new())),
        7003,
        &["Task"],
    );
    let unknown = || row([("Status", "x".into()), ("status", "y".into())]);
    p.error(
        "create status",
        no_panic(|| t.db.create("WorkOrder", unknown())),
        7017,
        &["status"],
    );
    let r = no_panic(|| {
        t.db.update_by_pk("WorkOrder", &key(1), row([("Nope", 1.into())]))
    });
    p.error("update Nope", r, 7017, &["Nope"]);
    let r = no_panic(|| {
        t.db.create_all("WorkOrder", vec![row([("Status", "ok".into())]), unknown()])
    });
    p.error("create_all", r, 7017, &["status"]);
    let rows = vec![
        row([("Id", "C9".into()), ("Name", "a".into())]),
        row([("Id", "C9".into()), ("Name", "b".into())]),
    ];
    let r = no_panic(|| t.db.create_all("Customer", rows));
    p.error(
        "create_all with a duplicate inside",
        r,
        7016,
        &["Customer", "C9"],
    );
    for object in [
        "Nope",
        "",
        "workorder",
        "WorkOrder ",
        "_sync_queue",
        "sqlite_schema",
    ] {
        let case = |call: &str| format!("{call}({object:?})");
        let parts = [object];
        p.error(
            &case("create"),
            no_panic(|| t.db.create(object, Row::new())),
            7017,
            &parts,
        );
        p.error(
            &case("find"),
            no_panic(|| t.db.find(object, "")),
            7017,
            &parts,
        );
        p.error(
            &case("count"),
            no_panic(|| t.db.count(object, "")),
            7017,
            &parts,
        );
        p.error(
            &case("get_all"),
            no_panic(|| t.db.get_all(object, &[], None, None)),
            7017,
            &parts,
        );
        p.error(
            &case("get_by_pk"),
            no_panic(|| t.db.get_by_pk(object, &key(1))),
            7017,
            &parts,
        );
        let r = no_panic(|| t.db.update(object, "", Row::new()));
        p.error(&case("update"), r, 7017, &parts);
        let r = no_panic(|| t.db.update_by_pk(object, &key(1), Row::new()));
        p.error(&case("update_by_pk"), r, 7017, &parts);
        p.error(
            &case("delete"),
            no_panic(|| t.db.delete_by_pk(object, &key(1))),
            7017,
            &parts,
        );
        p.error(
            &case("remove"),
            no_panic(|| t.db.remove(object, "")),
            7017,
            &parts,
        );
        let r = no_panic(|| t.db.remove_device_instance(object, ""));
        p.error(&case("remove_device_instance"), r, 7017, &parts);
        let r = no_panic(|| t.db.mark_for_upload(object, ""));
        p.error(&case("mark_for_upload"), r, 7017, &parts);
        p.error(
            &case("rollback"),
            no_panic(|| t.db.rollback_object(object)),
            7017,
            &parts,
        );
        let r = no_panic(|| t.db.rollback_by_pk(object, &key(1)));
        p.error(&case("rollback_by_pk"), r, 7017, &parts);
        let r = no_panic(|| t.db.get_pending_upload_records(object));
        p.error(&case("pending"), r, 7017, &parts);
        let change = upsert(object, key(1));
        let r = no_panic(|| t.db.apply_download_batch(&batch(vec![change], vec![])));
        p.error(&case("download"), r, 7017, &parts);
    }
    p.unchanged("unknown names", &before, &dump(&t.db));
    p.assert_none();
}

/// Keys of the wrong shape or type fail with 7003 or 7001 in every call that takes a key.
#[test]
fn keys_of_the_wrong_shape_fail_with_7003_or_7001() {
    let t = open(Strategy::AppliedAtOnce);
    server_work_order(&t.db, 1, "open");
    work_order(&t.db, "pending");
    let before = dump(&t.db);
    let cases: Vec<(&str, Row, u32)> = vec![
        ("no column", Row::new(), 7003),
        ("NULL", row([("Id", Value::Null)]), 7003),
        ("text", row([("Id", "1".into())]), 7001),
        ("a double", row([("Id", Value::Real(1.0))]), 7001),
        ("a boolean", row([("Id", true.into())]), 7001),
        ("a blob", row([("Id", Value::Blob(vec![1]))]), 7001),
        ("wrong case", row([("id", 1.into())]), 7003),
        (
            "an extra column",
            row([("Id", 1.into()), ("Status", "open".into())]),
            7003,
        ),
    ];
    let mut p = Problems::default();
    for (what, k, code) in cases {
        let case = |call: &str| format!("{call} with {what}");
        let r = no_panic(|| t.db.get_by_pk("WorkOrder", &k));
        p.error(&case("get_by_pk"), r, code, &["WorkOrder"]);
        let r = no_panic(|| {
            t.db.update_by_pk("WorkOrder", &k, row([("Priority", 1.into())]))
        });
        p.error(&case("update_by_pk"), r, code, &["WorkOrder"]);
        let r = no_panic(|| t.db.delete_by_pk("WorkOrder", &k));
        p.error(&case("delete_by_pk"), r, code, &["WorkOrder"]);
        let r = no_panic(|| t.db.rollback_by_pk("WorkOrder", &k));
        p.error(&case("rollback_by_pk"), r, code, &["WorkOrder"]);
        let r = no_panic(|| t.db.mark_for_upload_by_pk("WorkOrder", &k));
        p.error(&case("mark_for_upload_by_pk"), r, code, &["WorkOrder"]);
        let r = no_panic(|| t.db.remove_device_instance_by_pk("WorkOrder", &k));
        p.error(
            &case("remove_device_instance_by_pk"),
            r,
            code,
            &["WorkOrder"],
        );
        let delete = ServerChange::Delete {
            object: "WorkOrder".into(),
            key: k.clone(),
        };
        let r = no_panic(|| t.db.apply_download_batch(&batch(vec![delete], vec![])));
        p.error(&case("download delete"), r, code, &["WorkOrder"]);
    }
    let half = row([("WorkOrderId", 1.into())]);
    let r = no_panic(|| t.db.delete_by_pk("Task", &half));
    p.error("half a composite key", r, 7003, &["Task", "TaskNo"]);
    p.unchanged("bad keys", &before, &dump(&t.db));
    p.assert_none();
}

/// An empty string given as an integer key is NULL (spec §2.5), so a missing key: 7003.
#[test]
fn an_empty_string_is_not_an_integer_key() {
    let t = open(Strategy::AppliedAtOnce);
    server_work_order(&t.db, 1, "open");
    let before = dump(&t.db);
    let k = row([("Id", "".into())]);
    let mut p = Problems::default();
    let r = no_panic(|| t.db.get_by_pk("WorkOrder", &k));
    p.error("get_by_pk", r, 7003, &["WorkOrder", "Id"]);
    let r = no_panic(|| {
        t.db.update_by_pk("WorkOrder", &k, row([("Priority", 1.into())]))
    });
    p.error("update_by_pk", r, 7003, &["WorkOrder", "Id"]);
    let r = no_panic(|| t.db.delete_by_pk("WorkOrder", &k));
    p.error("delete_by_pk", r, 7003, &["WorkOrder", "Id"]);
    let task = row([("WorkOrderId", 1.into()), ("TaskNo", "".into())]);
    let r = no_panic(|| t.db.delete_by_pk("Task", &task));
    p.error("delete_by_pk Task", r, 7003, &["Task", "TaskNo"]);
    let delete = ServerChange::Delete {
        object: "WorkOrder".into(),
        key: k.clone(),
    };
    let r = no_panic(|| t.db.apply_download_batch(&batch(vec![delete], vec![])));
    p.error("download delete", r, 7003, &["WorkOrder", "Id"]);
    p.unchanged("empty-string keys", &before, &dump(&t.db));
    p.assert_none();
}

/// An update may not change a primary key (7003, nothing changed); restating it is fine.
#[test]
fn updates_cannot_change_the_key() {
    let t = open(Strategy::AppliedAtOnce);
    server_work_order(&t.db, 1, "open");
    server_work_order(&t.db, 2, "open");
    t.db.create(
        "Task",
        row([("WorkOrderId", 1.into()), ("TaskNo", 1.into())]),
    )
    .unwrap();
    let before = dump(&t.db);
    let mut p = Problems::default();
    let r = no_panic(|| {
        t.db.update_by_pk("WorkOrder", &key(1), row([("Id", 3.into())]))
    });
    p.error("update_by_pk Id", r, 7003, &["WorkOrder", "Id"]);
    let r = no_panic(|| t.db.update("WorkOrder", "Id > 0", row([("Id", 3.into())])));
    p.error("update Id", r, 7003, &["WorkOrder", "Id"]);
    let changes = row([("Status", "x".into()), ("Id", 2.into())]);
    let r = no_panic(|| t.db.update("WorkOrder", "", changes));
    p.error(
        "update all with the Id of one",
        r,
        7003,
        &["WorkOrder", "Id"],
    );
    let task = row([("WorkOrderId", 1.into()), ("TaskNo", 1.into())]);
    let r = no_panic(|| {
        t.db.update_by_pk("Task", &task, row([("TaskNo", 2.into())]))
    });
    p.error("update TaskNo", r, 7003, &["Task", "TaskNo"]);
    p.unchanged("key changes", &before, &dump(&t.db));
    p.assert_none();
    let same = row([("Id", 1.into()), ("Status", "same key".into())]);
    t.db.update_by_pk("WorkOrder", &key(1), same).unwrap();
    let got = t.db.get_by_pk("WorkOrder", &key(1)).unwrap().unwrap();
    assert_eq!(got["Status"], Value::Text("same key".into()));
}

/// An update with nothing to change queues no change and leaves the record clean.
#[test]
fn an_empty_change_set_changes_nothing() {
    let t = open(Strategy::AppliedAtOnce);
    server_work_order(&t.db, 1, "open");
    let before = dump(&t.db);
    let mut p = Problems::default();
    let r = no_panic(|| t.db.update_by_pk("WorkOrder", &key(1), Row::new()));
    p.unchanged(&format!("update_by_pk {{}} ({r:?})"), &before, &dump(&t.db));
    let r = no_panic(|| t.db.update("WorkOrder", "Id = 1", Row::new()));
    p.unchanged(&format!("update {{}} ({r:?})"), &before, &dump(&t.db));
    let r = no_panic(|| t.db.update_by_pk("WorkOrder", &key(1), key(1)));
    p.unchanged(
        &format!("update_by_pk of the key only ({r:?})"),
        &before,
        &dump(&t.db),
    );
    p.assert_none();
}

/// Keys 0.0 and -0.0 (equal to SQLite) are one record, so a download skips its pending edit.
#[test]
fn negative_zero_and_zero_keys_are_one_record() {
    let t = device(double_keyed(false));
    let server = row([("K", Value::Real(0.0)), ("V", 1.into())]);
    let download = |v: i64| DownloadBatch {
        scope: "S".into(),
        changes: vec![upsert("P", row([("K", Value::Real(0.0)), ("V", v.into())]))],
        acknowledgements: vec![],
        token: format!("t{v}"),
    };
    t.db.apply_download_batch(&download(1)).unwrap();
    assert_eq!(t.db.find("P", "").unwrap(), vec![server]);

    let minus = row([("K", Value::Real(-0.0))]);
    t.db.update_by_pk("P", &minus, row([("V", 2.into())]))
        .unwrap();
    let report = t.db.apply_download_batch(&download(3)).unwrap();
    let rows = t.db.find("P", "").unwrap();
    assert_eq!(rows.len(), 1);
    assert_eq!(
        rows[0]["V"],
        Value::Integer(2),
        "a download overwrote the pending local change ({report:?})"
    );
    assert_eq!(report.skipped.len() as u64, 1);
    assert_eq!(t.db.get_pending_upload_records("P").unwrap().len(), 1);
}

/// The temporary key of an autogenerated double key is a double, and names one record.
#[test]
fn an_autogenerated_double_key_is_a_double_and_one_record() {
    let t = device(double_keyed(true));
    let fresh = dump_data(&t.db);
    let k = t.db.create("P", row([("V", 1.into())])).unwrap();
    let stored = t.db.find("P", "").unwrap()[0]["K"].clone();
    assert_eq!(
        k["K"], stored,
        "create returned a key that differs from the stored one"
    );
    t.db.update_by_pk("P", &k, row([("V", 2.into())])).unwrap();
    let pending = t.db.get_pending_upload_records("P").unwrap();
    assert_eq!(pending.len(), 1, "one record, two identities: {pending:?}");
    assert_eq!(pending[0].change, ChangeKind::Create);
    t.db.rollback_pending_local_changes().unwrap();
    assert_eq!(dump_data(&t.db), fresh, "rollback left a trace");
}

// ---------------------------------------------------------------------------------------------
// Relationships
// ---------------------------------------------------------------------------------------------

/// Deleting a row whose cascading relationship points back at itself ends and deletes it.
#[test]
fn a_row_that_cascades_to_itself_can_be_deleted() {
    isolated("a_row_that_cascades_to_itself_can_be_deleted", || {
        let t = device(employees(true));
        t.db.create("Employee", employee(1, None)).unwrap();
        t.db.update_by_pk("Employee", &key(1), row([("ManagerId", 1.into())]))
            .unwrap();
        t.db.delete_by_pk("Employee", &key(1)).unwrap();
        assert_eq!(t.db.count("Employee", "").unwrap(), 0);
    });
}

/// A cascade cycle across two objects (A deletes B deletes A) ends and deletes both rows.
#[test]
fn a_cascade_cycle_between_two_objects_ends() {
    isolated("a_cascade_cycle_between_two_objects_ends", || {
        let object = |name: &str, other: &str| {
            Object::new(name)
                .with_field(Field::new("Id", FieldType::Integer))
                .with_field(Field::new(format!("{other}Id"), FieldType::Integer))
                .with_primary_key(["Id"])
                .with_relationship(
                    Relationship::new(RelationshipKind::OneToMany, other)
                        .on("Id", format!("{name}Id"))
                        .cascade(true),
                )
        };
        let schema = Schema::new("cycle").with_scope(
            Scope::new("S", Strategy::AppliedAtOnce)
                .with_object(object("A", "B"))
                .with_object(object("B", "A")),
        );
        let t = device(schema);
        t.db.create("A", key(1)).unwrap();
        t.db.create("B", row([("Id", 1.into()), ("AId", 1.into())]))
            .unwrap();
        t.db.update_by_pk("A", &key(1), row([("BId", 1.into())]))
            .unwrap();
        t.db.delete_by_pk("A", &key(1)).unwrap();
        assert_eq!(
            t.db.count("A", "").unwrap() + t.db.count("B", "").unwrap(),
            0
        );
    });
}

/// `remove` by a clause that matches a parent and its cascaded child deletes both.
#[test]
fn remove_matching_a_parent_and_its_cascaded_child_deletes_both() {
    let t = device(employees(true));
    // The employees come from the server, so deleting them is queued for upload.
    let batch = DownloadBatch {
        scope: "Org".into(),
        changes: [employee(1, None), employee(2, Some(1))]
            .into_iter()
            .map(|row| ServerChange::Upsert {
                object: "Employee".into(),
                row,
                hash: None,
            })
            .collect(),
        acknowledgements: vec![],
        token: "t1".into(),
    };
    t.db.apply_download_batch(&batch).unwrap();
    let before = dump(&t.db);
    let removed = t.db.remove("Employee", "Id > 0");
    assert!(removed.is_ok(), "remove failed: {removed:?}");
    assert_eq!(t.db.count("Employee", "").unwrap(), 0);
    let deletes = t.db.get_pending_upload().unwrap();
    let deletes = deletes
        .iter()
        .filter(|c| c.change == ChangeKind::Delete)
        .count();
    assert_eq!(deletes, 2, "one queued delete per record");

    t.db.rollback_pending_local_changes().unwrap();
    assert_eq!(dump(&t.db), before, "the rollback brings both back");
    let removed = t.db.remove_device_instance("Employee", "");
    assert!(
        removed.is_ok(),
        "remove_device_instance failed: {removed:?}"
    );
    assert_eq!(t.db.count("Employee", "").unwrap(), 0);
}

/// A row whose only dependant is itself is not blocked by a non-cascading relationship.
#[test]
fn a_row_referencing_only_itself_can_be_deleted_without_cascade() {
    let t = device(employees(false));
    t.db.create("Employee", employee(1, None)).unwrap();
    t.db.update_by_pk("Employee", &key(1), row([("ManagerId", 1.into())]))
        .unwrap();
    let r = t.db.delete_by_pk("Employee", &key(1));
    assert!(r.is_ok(), "{r:?}");
}

/// Relationship reads on a self-referencing object follow the direction asked for.
#[test]
fn related_rows_of_a_self_referencing_object() {
    let t = device(employees(true));
    t.db.create("Employee", employee(1, None)).unwrap();
    t.db.create("Employee", employee(2, Some(1))).unwrap();
    t.db.create("Employee", employee(3, Some(1))).unwrap();
    let reports =
        t.db.related("Employee", &key(1), "Employee", &["ManagerId"])
            .unwrap();
    assert_eq!(reports.len(), 2);
    let boss =
        t.db.related("Employee", &key(2), "Employee", &["Id"])
            .unwrap();
    assert_eq!(boss, vec![employee(1, None)]);
    let err = error_of(t.db.related("Employee", &key(1), "Employee", &["Name"]));
    assert_eq!(err.code(), 7019, "{err}");
    let err = error_of(t.db.related("Employee", &key(1), "Nope", &[]));
    assert_eq!(err.code(), 7017, "{err}");
}

// ---------------------------------------------------------------------------------------------
// Where clauses
// ---------------------------------------------------------------------------------------------

/// Injection attempts are literals or errors; they never run SQL or change the database.
#[test]
fn injection_attempts_are_literals_or_errors() {
    let t = clause_fixture();
    let before = dump(&t.db);
    let literal = "Status = 'x'' or ''1''=''1'";
    assert_eq!(t.db.count("WorkOrder", literal).unwrap(), 1);
    assert_eq!(
        t.db.count("WorkOrder", Filter::eq("Status", "' or 1=1 --"))
            .unwrap(),
        0
    );
    let attempts = [
        "Status = 'open'; drop table WorkOrder",
        "Status = 'open' -- and Id = 1",
        "Status = 'open' /* comment */",
        "1 = 1 union select * from _sync_queue",
        "Id in (select Id from Customer)",
        "exists (select 1 from _sync_queue)",
        "Status = 'open') or (1 = 1",
        "Status = 'open' or _sync_status is null",
        "rowid > 0",
        "\"_sync_hash\" is null",
        "Status = ?",
        "Status = ?1",
        "Status = :status",
        "Status = @status",
        "Status = $status",
        "load_extension('/tmp/x.so') is null",
        "sqlite_version() is not null",
        "randomblob(8) is not null",
        "Status glob '*'",
        "Status regexp 'o'",
        "Status match 'o'",
        "Status = 'open' collate nocase",
        "cast(Id as text) = '1'",
        "case when 1 then 1 end",
        "WorkOrder.Status = 'open'",
        "main.WorkOrder.Status = 'open'",
        "pragma table_info(WorkOrder)",
        "attach database '/tmp/x' as x",
        "Status = 'open' returning *",
        "Status = 'open' group by Status",
        "Status = 'open' window w as ()",
        "Status in (values (1))",
        "(select 1) = 1",
    ];
    let mut p = Problems::default();
    for clause in attempts {
        for (call, result) in every_entry_point(&t.db, clause) {
            match result {
                Ok(outcome) => p.push(format!("{call}({clause:?}) accepted: {outcome}")),
                Err(e) if ![7017, 7019].contains(&e.code()) => {
                    p.push(format!("{call}({clause:?}) failed with {}: {e}", e.code()))
                }
                Err(_) => {}
            }
        }
        p.unchanged(clause, &before, &dump(&t.db));
    }
    p.assert_none();
}

/// Malformed clauses fail with 7019 or 7017, a short message naming the object, no panic.
#[test]
fn malformed_clauses_fail_clearly() {
    let t = clause_fixture();
    let before = dump(&t.db);
    let clauses = [
        "'",
        "Status = 'open",
        "\"Status",
        "[Status",
        "`Status",
        "(((",
        ")",
        "and",
        "where",
        "where where Id = 1",
        "order by",
        "order by Nope",
        "order by 1",
        "order by Status collate nocase",
        "limit",
        "limit -1",
        "limit 1.5",
        "limit 1e3",
        "limit 99999999999999999999",
        "limit 9223372036854775808",
        "offset -1",
        "limit 1 limit 2",
        "limit 1 offset 1 offset 2",
        "offset 1 limit 1",
        "Status = x'00'",
        "Priority = 0x10",
        "Cost = 1e999",
        "Cost = -1e999",
        "-",
        "Priority between 1",
        "Priority between 1 and",
        "Status in 'x'",
        "Status in",
        "Status like",
        "substr()",
        "substr(Status)",
        "coalesce(1)",
        "lower(Status, 1)",
        "upper()",
        "strftime('%s')",
        "Stätus = 1",
        "Status = 'a' \u{0}",
        "\u{0}",
        "\u{202E} Status = 'a'",
        "Status = 'a' 👩‍🔧",
        "Status = 'a' ;",
        "Status = 'a' \\",
        "Status = 'a' #",
        "Status is 'a'",
        "Status is not 'a'",
        "Status is true",
        "Status = all (1)",
        "Status similar to 'a'",
        "Status ilike 'a'",
        "Status like any ('a')",
        "Priority = 1 :: text",
        "Priority -> 1",
        "Priority ->> 'a'",
        "interval '1 day' = 1",
        "date '2024-01-01' = 1",
        "(Priority, Cost) = (1, 2)",
        "*",
        "Priority = *",
        "count(*) > 0",
        "max(Priority) > 0",
        "lower(distinct Status) = 'a'",
        "lower(Status) filter (where 1) = 'a'",
        "ifnull(Status) = 'a'",
        "x.lower(Status) = 'a'",
        "trim(both 'x' from Status) = 'a'",
        "substring(Status from 1 for 2) = 'a'",
        "extract(year from Status) = 1",
        "N'open' = Status",
        "E'open' = Status",
        "$$open$$ = Status",
    ];
    let mut p = Problems::default();
    for clause in clauses {
        for (call, result) in every_entry_point(&t.db, clause) {
            match result {
                Ok(outcome) => p.push(format!("{call}({clause:?}) accepted: {outcome}")),
                Err(e) => {
                    let message = e.to_string();
                    if ![7017, 7019].contains(&e.code()) {
                        p.push(format!("{call}({clause:?}): code {}: {message}", e.code()));
                    }
                    if !message.contains("WorkOrder") {
                        p.push(format!(
                            "{call}({clause:?}) does not name the object: {message}"
                        ));
                    }
                    if message.len() > MAX_MESSAGE {
                        p.push(format!(
                            "{call}({clause:?}): {} bytes of message",
                            message.len()
                        ));
                    }
                }
            }
        }
    }
    p.unchanged("malformed clauses", &before, &dump(&t.db));
    p.assert_none();
}

/// Clauses that parse but that SQLite refuses while running fail with errors naming the object.
#[test]
fn errors_sqlite_raises_while_running_a_clause_name_the_object() {
    let t = clause_fixture();
    let before = dump(&t.db);
    let clauses = [
        "Status like 'a' escape 'ab'",
        "Status like 'a' escape ''",
        "abs(-9223372036854775808) > 0",
    ];
    let mut p = Problems::default();
    for clause in clauses {
        for (call, result) in every_entry_point(&t.db, clause) {
            match result {
                Ok(outcome) => p.push(format!("{call}({clause:?}) accepted: {outcome}")),
                Err(e) if !e.to_string().contains("WorkOrder") => p.push(format!(
                    "{call}({clause:?}) does not name the object: {} {e}",
                    e.code()
                )),
                Err(_) => {}
            }
        }
    }
    p.unchanged("run-time errors", &before, &dump(&t.db));
    p.assert_none();
}

/// Clauses at the edges of what is allowed give the right rows.
#[test]
fn clauses_at_the_edges_give_the_right_rows() {
    let t = clause_fixture();
    let count = |clause: &str| t.db.count("WorkOrder", clause).unwrap();
    assert_eq!(count("Status = 'a\0b'"), 1);
    assert_eq!(count("Status = 'a'"), 0);
    assert_eq!(count("Status = '名前👩‍🔧'"), 1);
    assert_eq!(
        count("Status like '名%' and length(Status) = 5"),
        1,
        "length counts characters"
    );
    assert_eq!(count("Status like '%👩%'"), 1);
    assert_eq!(
        count("STATUS = 'open' and id = -2"),
        1,
        "names ignore ASCII case"
    );
    assert_eq!(count("Priority = 9223372036854775808"), 0);
    assert_eq!(count("Priority > -9223372036854775808"), 1);
    assert_eq!(count("Priority / 0 is null"), 5);
    assert_eq!(count("Status in ('open', 'closed', 'open')"), 2);
    assert_eq!(count("not not not Status = 'open'"), 4);
    assert_eq!(count("Status = 'open' limit 0"), 0);
    assert_eq!(
        count("limit 9223372036854775807 offset 9223372036854775807"),
        0
    );
    assert_eq!(count("order by Status limit 2, 1"), 1);
    assert_eq!(count("   \n\t  "), 5);
    let all = t.db.get_all(
        "WorkOrder",
        &[OrderBy::desc("Status")],
        Some(u64::MAX),
        Some(0),
    );
    assert_eq!(all.unwrap().len(), 5);
    let none = t.db.get_all("WorkOrder", &[], Some(0), Some(u64::MAX));
    assert_eq!(none.unwrap().len(), 0);
    let query = Query::raw("Status <> 'open'")
        .limit(u64::MAX)
        .offset(u64::MAX);
    assert_eq!(t.db.find("WorkOrder", query).unwrap().len(), 0);

    let before = dump(&t.db);
    let mut p = Problems::default();
    let r = no_panic(|| {
        t.db.get_all("WorkOrder", &[OrderBy::asc("_sync_status")], None, None)
    });
    p.error("order by _sync_status", r, 7017, &["_sync_status"]);
    let r = no_panic(|| {
        t.db.get_all("WorkOrder", &[OrderBy::asc("rowid")], None, None)
    });
    p.error("order by rowid", r, 7017, &["rowid"]);
    let r = no_panic(|| t.db.remove("WorkOrder", Query::all().limit(1)));
    p.error("remove with a limit", r, 7019, &["WorkOrder"]);
    let r = no_panic(|| t.db.update("WorkOrder", "order by Id", Row::new()));
    p.error("update with order by", r, 7019, &["WorkOrder"]);
    let r = no_panic(|| t.db.count("WorkOrder", Filter::eq("Nope", 1)));
    p.error("a typed filter on an unknown column", r, 7017, &["Nope"]);
    let r = no_panic(|| t.db.count("WorkOrder", Filter::is_null("_sync_status")));
    p.error("a typed filter on _sync_status", r, 7017, &["_sync_status"]);
    p.unchanged("edges", &before, &dump(&t.db));
    p.assert_none();
}

/// Deep nesting and long chains fail with a clear 7019 and never overflow the stack.
#[test]
fn deep_nesting_fails_clearly_without_crashing() {
    isolated("deep_nesting_fails_clearly_without_crashing", || {
        let t = clause_fixture();
        let before = dump(&t.db);
        let n = 20_000;
        // The length of the messages is checked elsewhere: here, only clarity and survival.
        let clauses = [
            format!("{}Id = 1{}", "(".repeat(n), ")".repeat(n)),
            format!("{}Id = 1", "not ".repeat(n)),
            format!("Id = {}1", "- ".repeat(n)),
            format!("Id = {}1", "-(".repeat(n)) + &")".repeat(n),
            format!("{}Id{} = 1", "abs(".repeat(n), ")".repeat(n)),
            format!("Id = 1{}", " or Id = 1".repeat(n)),
            format!("Status = 'a'{}", " || 'a'".repeat(n)),
            format!("Id = 1{}", " + 1".repeat(n)),
            format!("Id in ({})", "(".repeat(n) + "1" + &")".repeat(n)),
            format!("coalesce({}Id = 1", "coalesce(".repeat(n)) + &", 1)".repeat(n + 1),
            format!("Id = 1 order by {}", vec!["Id"; n].join(", ")),
        ];
        let mut p = Problems {
            allow_long: true,
            ..Problems::default()
        };
        for clause in &clauses {
            let case = short(clause);
            let r = no_panic(|| t.db.count("WorkOrder", clause.as_str()));
            p.error(&format!("count {case}"), r, 7019, &["WorkOrder"]);
            let r = no_panic(|| t.db.remove("WorkOrder", clause.as_str()));
            p.error(&format!("remove {case}"), r, 7019, &["WorkOrder"]);
        }
        p.unchanged("deep clauses", &before, &dump(&t.db));
        p.assert_none();
    });
}

/// A typed filter nested deeper than SQLite allows fails with a clear 7019 naming the object.
#[test]
fn a_deeply_nested_typed_filter_fails_clearly() {
    isolated("a_deeply_nested_typed_filter_fails_clearly", || {
        let t = clause_fixture();
        let mut filter = Filter::eq("Id", -2);
        for _ in 0..3_000 {
            filter = filter.and(Filter::eq("Id", -2));
        }
        let mut p = Problems::default();
        let r = no_panic(|| t.db.count("WorkOrder", filter.clone()));
        match r {
            Ok(Ok(1)) => {}
            other => p.error("3000 nested ands", other, 7019, &["WorkOrder"]),
        }
        p.assert_none();
    });
}

/// A 40,000-item `in` list (raw or typed) works, or fails with a short error naming the object.
#[test]
fn a_long_in_list_works_or_fails_clearly() {
    let t = clause_fixture();
    let ids: Vec<i64> = (0..40_000).map(|i| -i).collect();
    let list: Vec<String> = ids.iter().map(ToString::to_string).collect();
    let clause = format!("Id in ({})", list.join(", "));
    let mut p = Problems::default();
    for (what, result) in [
        ("raw", no_panic(|| t.db.count("WorkOrder", clause.as_str()))),
        (
            "typed",
            no_panic(|| t.db.count("WorkOrder", Filter::is_in("Id", ids.clone()))),
        ),
    ] {
        match result {
            Ok(Ok(5)) => {}
            other => p.error(
                &format!("{what} in-list of 40000"),
                other,
                7019,
                &["WorkOrder"],
            ),
        }
    }
    p.assert_none();
}

/// Random clauses built from SQL fragments never panic, and a write that fails changes nothing.
#[test]
fn random_clauses_never_panic_or_leave_a_trace() {
    let t = clause_fixture();
    let before = dump(&t.db);
    let fragments = [
        "Id",
        "Status",
        "Priority",
        "Cost",
        "\"Order Date\"",
        "\"it's\"",
        "group",
        "\"group\"",
        "Done",
        "Photo",
        "Nope",
        "_sync_status",
        "=",
        "<>",
        "!=",
        "==",
        "<",
        ">=",
        "+",
        "-",
        "*",
        "/",
        "%",
        "||",
        "and",
        "or",
        "not",
        "in",
        "between",
        "like",
        "escape",
        "is",
        "null",
        "true",
        "false",
        "(",
        ")",
        "(",
        ")",
        ",",
        "'open'",
        "'it''s'",
        "'",
        "\"",
        "1",
        "-1",
        "1.5",
        "1e5",
        "9223372036854775808",
        "0x1",
        "x'00'",
        "lower(",
        "substr(",
        "coalesce(",
        "abs(",
        "round(",
        "date(",
        "strftime(",
        "'%Y'",
        "order by",
        "limit",
        "offset",
        "asc",
        "desc",
        "where",
        "select",
        ";",
        "--",
        "/*",
        "?",
        ":a",
        "@a",
        "$a",
        "[",
        "]",
        "`",
        "é",
        "👩‍🔧",
        "\0",
        "\n",
        "case",
        "when",
        "then",
        "end",
        "cast(",
        "as",
        "text",
        "collate",
    ];
    let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    let mut p = Problems::default();
    let mut accepted = 0;
    for _ in 0..3_000 {
        let len = 1 + next() % 12;
        let words: Vec<&str> = (0..len)
            .map(|_| fragments[usize::try_from(next() % fragments.len() as u64).unwrap()])
            .collect();
        let clause = words.join(" ");
        for (call, result) in every_entry_point(&t.db, &clause) {
            match (call, result) {
                ("update", Ok(n)) if n != "0" => p.push(format!(
                    "update({clause:?}) applied an invalid change to {n} rows"
                )),
                (_, Ok(_)) => accepted += 1,
                (_, Err(e)) => {
                    if e.to_string().len() > MAX_MESSAGE {
                        p.push(format!(
                            "{call}({clause:?}): {} bytes of message",
                            e.to_string().len()
                        ));
                    }
                }
            }
        }
        if dump(&t.db) != before {
            p.push(format!("{clause:?} changed the database"));
            break;
        }
    }
    assert!(
        accepted > 0,
        "no random clause was accepted: the generator is broken"
    );
    p.assert_none();
}

// ---------------------------------------------------------------------------------------------
// Engine: upload windows and acknowledgements
// ---------------------------------------------------------------------------------------------

/// Accepting a window that is not in flight fails as a sync-state error and changes nothing.
#[test]
fn accepting_a_window_not_in_flight_is_a_sync_state_error() {
    let t = open(Strategy::AppliedAtOnce);
    work_order(&t.db, "a");
    let window = t.db.take_upload_window("Field", 10).unwrap().unwrap();
    let before = dump(&t.db);
    let acks: Vec<_> = window.changes.iter().map(|c| ack(c, None)).collect();
    let mut p = Problems::default();
    for id in [0, -1, i64::MIN, i64::MAX, window.id + 1] {
        let r = no_panic(|| t.db.record_upload_accepted(id, "tok", &acks));
        p.error(&format!("window {id}"), r, sync_state(), &[&id.to_string()]);
    }
    p.unchanged("unknown windows", &before, &dump(&t.db));
    t.db.record_upload_accepted(window.id, "tok", &acks)
        .unwrap();
    let after = dump(&t.db);
    let r = no_panic(|| t.db.record_upload_accepted(window.id, "tok", &acks));
    p.error(
        "the same window twice",
        r,
        sync_state(),
        &[&window.id.to_string()],
    );
    p.unchanged("the same window twice", &after, &dump(&t.db));
    p.assert_none();
}

/// Malformed acknowledgements fail with their code; the window stays in flight, untouched.
#[test]
fn malformed_acknowledgements_fail_and_change_nothing() {
    let t = open(Strategy::AppliedAtOnce);
    work_order(&t.db, "a");
    let window = t.db.take_upload_window("Field", 10).unwrap().unwrap();
    let good = ack(&window.changes[0], Some(key(41)));
    let before = dump(&t.db);
    let with = |f: &dyn Fn(&mut Acknowledgement)| {
        let mut a = good.clone();
        f(&mut a);
        a
    };
    let cases: Vec<(&str, Acknowledgement, u32)> = vec![
        ("unknown object", with(&|a| a.object = "Nope".into()), 7017),
        ("empty object", with(&|a| a.object = String::new()), 7017),
        ("no key", with(&|a| a.key = Row::new()), 7003),
        (
            "NULL key",
            with(&|a| a.key = row([("Id", Value::Null)])),
            7003,
        ),
        (
            "text key",
            with(&|a| a.key = row([("Id", "41".into())])),
            7001,
        ),
        (
            "double key",
            with(&|a| a.key = row([("Id", Value::Real(41.0))])),
            7001,
        ),
        (
            "extra key column",
            with(&|a| {
                a.key.insert("Status".into(), "x".into());
            }),
            7003,
        ),
        (
            "text client key",
            with(&|a| a.client_key = Some(row([("Id", "-2".into())]))),
            7001,
        ),
        (
            "empty client key",
            with(&|a| a.client_key = Some(Row::new())),
            7003,
        ),
    ];
    let mut p = Problems::default();
    for (what, bad, code) in cases {
        let parts = [if bad.object == "WorkOrder" {
            "WorkOrder"
        } else {
            "no object"
        }];
        let acks = [bad];
        let r = no_panic(|| t.db.record_upload_accepted(window.id, "tok", &acks));
        p.error(what, r, code, &parts);
        p.unchanged(what, &before, &dump(&t.db));
        let r = no_panic(|| t.db.apply_download_batch(&batch(vec![], acks.to_vec())));
        p.error(&format!("{what} in a download"), r, code, &parts);
        p.unchanged(what, &before, &dump(&t.db));
    }
    p.assert_none();
    let report =
        t.db.record_upload_accepted(window.id, "tok", &[good])
            .unwrap();
    assert_eq!(report.acknowledged, 1);
}

/// A bad server row in an acknowledgement fails with its code and changes nothing.
#[test]
fn acknowledgement_rows_are_checked() {
    let rows: Vec<(&str, Row, u32)> = vec![
        (
            "a wrong type",
            row([("Id", 41.into()), ("Status", 5.into())]),
            7001,
        ),
        (
            "an unknown field",
            row([("Id", 41.into()), ("Nope", 1.into())]),
            7017,
        ),
        ("no key", row([("Status", "x".into())]), 7003),
        (
            "a NaN",
            row([
                ("Id", 41.into()),
                ("Status", "x".into()),
                ("Cost", Value::Real(f64::NAN)),
            ]),
            7018,
        ),
    ];
    let mut p = Problems::default();
    for (what, server_row, code) in rows {
        let t = open(Strategy::AppliedAtOnce);
        work_order(&t.db, "a");
        let window = t.db.take_upload_window("Field", 10).unwrap().unwrap();
        let before = dump(&t.db);
        let mut a = ack(&window.changes[0], Some(key(41)));
        a.row = Some(server_row);
        let acks = [a];
        let r = no_panic(|| t.db.record_upload_accepted(window.id, "tok", &acks));
        p.error(&format!("row with {what}"), r, code, &["WorkOrder"]);
        p.unchanged(what, &before, &dump(&t.db));
    }
    p.assert_none();
}

/// Acknowledgements of sequences below the change's acknowledge nothing: it is sent again.
#[test]
fn acknowledgements_of_earlier_sequences_clear_nothing() {
    let t = open(Strategy::AppliedAtOnce);
    work_order(&t.db, "a");
    let window = t.db.take_upload_window("Field", 10).unwrap().unwrap();
    let mut early = ack(&window.changes[0], None);
    early.seq = 0;
    let mut negative = early.clone();
    negative.seq = i64::MIN;
    let report =
        t.db.record_upload_accepted(window.id, "tok", &[early, negative]);
    assert_eq!(report.unwrap().acknowledged, 0);
    let again = t.db.take_upload_window("Field", 10).unwrap().unwrap();
    assert_eq!(again.changes.len(), 1);
    assert_eq!(again.changes[0].key, key(-2));
}

/// A server key held by a downloaded copy gives way; held by a local edit, it is refused.
#[test]
fn a_server_key_that_is_another_records_key() {
    let t = open(Strategy::AppliedAtOnce);
    server_work_order(&t.db, 41, "downloaded copy");
    work_order(&t.db, "new");
    let window = t.db.take_upload_window("Field", 10).unwrap().unwrap();
    let acks = [ack(&window.changes[0], Some(key(41)))];
    t.db.record_upload_accepted(window.id, "tok", &acks)
        .unwrap();
    let rows = t.db.find("WorkOrder", "").unwrap();
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0]["Id"], Value::Integer(41));
    assert_eq!(rows[0]["Status"], Value::Text("new".into()));

    let t = open(Strategy::AppliedAtOnce);
    server_work_order(&t.db, 41, "edited here");
    t.db.update_by_pk("WorkOrder", &key(41), row([("Priority", 1.into())]))
        .unwrap();
    work_order(&t.db, "new");
    let window = t.db.take_upload_window("Field", 10).unwrap().unwrap();
    let create = window.changes.iter().find(|c| c.key == key(-2)).unwrap();
    let before = dump(&t.db);
    let acks = [ack(create, Some(key(41)))];
    let r = no_panic(|| t.db.record_upload_accepted(window.id, "tok", &acks));
    let mut p = Problems::default();
    p.error("collision", r, sync_state(), &["WorkOrder", "41", "-2"]);
    p.unchanged("collision", &before, &dump(&t.db));
    p.assert_none();
}

/// An acknowledgement cannot give a server key to a record whose change is not in the window.
#[test]
fn an_acknowledgement_cannot_rekey_a_record_outside_its_window() {
    let t = open(Strategy::AppliedAtOnce);
    work_order(&t.db, "in the window");
    let window = t.db.take_upload_window("Field", 10).unwrap().unwrap();
    let later = work_order(&t.db, "queued later");
    let before = dump(&t.db);
    let mut stray = ack(&window.changes[0], Some(key(42)));
    stray.client_key = Some(key(later));
    let acks = [ack(&window.changes[0], Some(key(41))), stray];
    match t.db.record_upload_accepted(window.id, "tok", &acks) {
        Err(e) => {
            assert_eq!(e.code(), sync_state(), "{e}");
            assert_eq!(
                dump(&t.db),
                before,
                "a refused acceptance changed the database"
            );
        }
        Ok(report) => {
            assert!(
                t.db.get_by_pk("WorkOrder", &key(later)).unwrap().is_some(),
                "the record never uploaded was given the server key 42: {report:?}"
            );
            let next = t.db.take_upload_window("Field", 10).unwrap().unwrap();
            assert_eq!(next.changes[0].key, key(later));
        }
    }
}

/// An upload acceptance of one scope cannot acknowledge the changes of another scope.
#[test]
fn an_upload_acceptance_cannot_acknowledge_another_scopes_changes() {
    let t = device(two_scopes());
    t.db.create("Memo", note("M1")).unwrap();
    let memo_window = t.db.take_upload_window("B", 10).unwrap().unwrap();
    t.db.record_upload_accepted(memo_window.id, "b1", &[])
        .unwrap();
    assert_eq!(t.db.get_pending_acknowledgement().unwrap().len(), 1);
    t.db.create("Note", note("N1")).unwrap();
    let window = t.db.take_upload_window("A", 10).unwrap().unwrap();
    let before = dump(&t.db);
    let acks = [
        ack(&window.changes[0], None),
        ack(&memo_window.changes[0], None),
    ];
    match t.db.record_upload_accepted(window.id, "a1", &acks) {
        Err(e) => {
            assert_eq!(e.code(), sync_state(), "{e}");
            assert_eq!(
                dump(&t.db),
                before,
                "a refused acceptance changed the database"
            );
        }
        Ok(report) => assert_eq!(
            t.db.get_pending_acknowledgement().unwrap().len(),
            1,
            "scope A's upload acknowledged scope B's memo: {report:?}"
        ),
    }
}

/// A download batch of one scope cannot write, delete or acknowledge another scope's records.
#[test]
fn a_download_batch_cannot_touch_another_scopes_objects() {
    let t = device(two_scopes());
    t.db.create("Memo", note("M1")).unwrap();
    let memo_window = t.db.take_upload_window("B", 10).unwrap().unwrap();
    t.db.record_upload_accepted(memo_window.id, "b1", &[])
        .unwrap();
    let memo_ack = ack(&memo_window.changes[0], None);
    let cases: Vec<(&str, DownloadBatch)> = vec![
        (
            "an upsert",
            DownloadBatch {
                scope: "A".into(),
                changes: vec![upsert("Memo", note("M2"))],
                acknowledgements: vec![],
                token: "a1".into(),
            },
        ),
        (
            "a delete",
            DownloadBatch {
                scope: "A".into(),
                changes: vec![ServerChange::Delete {
                    object: "Memo".into(),
                    key: row([("Id", "M1".into())]),
                }],
                acknowledgements: vec![],
                token: "a1".into(),
            },
        ),
        (
            "an acknowledgement",
            DownloadBatch {
                scope: "A".into(),
                changes: vec![],
                acknowledgements: vec![memo_ack],
                token: "a1".into(),
            },
        ),
    ];
    let before = dump(&t.db);
    let mut p = Problems::default();
    for (what, b) in cases {
        match no_panic(|| t.db.apply_download_batch(&b)) {
            Ok(Err(e)) => {
                if !e.to_string().contains("Memo") {
                    p.push(format!("{what}: the error does not name Memo: {e}"));
                }
            }
            other => p.push(format!("{what} of Memo in scope A's batch: {other:?}")),
        }
        p.unchanged(what, &before, &dump(&t.db));
    }
    p.assert_none();
}

/// Bad rows in a download batch fail with their code; the batch and its token change nothing.
#[test]
fn bad_download_batches_change_nothing() {
    let t = open(Strategy::AppliedAtOnce);
    server_work_order(&t.db, 1, "open");
    let before = dump(&t.db);
    let wo = |pairs: Vec<(&str, Value)>| ServerChange::Upsert {
        object: "WorkOrder".into(),
        row: pairs.into_iter().map(|(k, v)| (k.to_owned(), v)).collect(),
        hash: None,
    };
    let delete = |k: Row| ServerChange::Delete {
        object: "WorkOrder".into(),
        key: k,
    };
    let good = || wo(vec![("Id", 7.into()), ("Status", "fine".into())]);
    let cases: Vec<(&str, ServerChange, u32)> = vec![
        ("no key", wo(vec![("Status", "x".into())]), 7003),
        (
            "NULL key",
            wo(vec![("Id", Value::Null), ("Status", "x".into())]),
            7003,
        ),
        (
            "text key",
            wo(vec![("Id", "7".into()), ("Status", "x".into())]),
            7001,
        ),
        (
            "unknown field",
            wo(vec![
                ("Id", 7.into()),
                ("Status", "x".into()),
                ("Nope", 1.into()),
            ]),
            7017,
        ),
        (
            "wrong type",
            wo(vec![
                ("Id", 7.into()),
                ("Status", "x".into()),
                ("Priority", "high".into()),
            ]),
            7001,
        ),
        (
            "boolean 2",
            wo(vec![
                ("Id", 7.into()),
                ("Status", "x".into()),
                ("Done", 2.into()),
            ]),
            7001,
        ),
        (
            "too long",
            wo(vec![("Id", 7.into()), ("Status", "x".repeat(21).into())]),
            7015,
        ),
        ("delete without key", delete(Row::new()), 7003),
        (
            "delete with a row",
            delete(row([("Id", 1.into()), ("Status", "x".into())])),
            7003,
        ),
        (
            "delete with a text key",
            delete(row([("Id", "1".into())])),
            7001,
        ),
        ("unknown object", upsert("Nope", key(1)), 7017),
    ];
    let mut p = Problems::default();
    for (what, bad, code) in cases {
        let b = batch(vec![good(), bad], vec![]);
        let r = no_panic(|| t.db.apply_download_batch(&b));
        p.error(what, r, code, &[]);
        p.unchanged(what, &before, &dump(&t.db));
    }
    let mut b = batch(vec![good()], vec![]);
    b.scope = "Nope".into();
    p.error(
        "unknown scope",
        no_panic(|| t.db.apply_download_batch(&b)),
        7030,
        &["Nope"],
    );
    p.unchanged("unknown scope", &before, &dump(&t.db));
    p.assert_none();
}

/// A download delete of a row the device does not have succeeds and counts no deleted row.
#[test]
fn a_download_delete_of_a_missing_row_counts_nothing() {
    let t = open(Strategy::AppliedAtOnce);
    let delete = ServerChange::Delete {
        object: "WorkOrder".into(),
        key: key(404),
    };
    let report =
        t.db.apply_download_batch(&batch(vec![delete], vec![]))
            .unwrap();
    assert_eq!(report.deleted, 0, "{report:?}");
    assert_eq!(t.db.download_token("Field").unwrap(), "next-token");
}

/// A batch size of zero does not take a window holding more than zero changes.
#[test]
fn a_batch_size_of_zero_takes_no_change() {
    let t = open(Strategy::AppliedAtOnce);
    work_order(&t.db, "a");
    let before = dump(&t.db);
    match t.db.take_upload_window("Field", 0) {
        Ok(Some(window)) => panic!(
            "asked for at most 0 changes, got a window of {}",
            window.changes.len()
        ),
        Ok(None) | Err(_) => assert_eq!(dump(&t.db), before),
    }
}

/// A batch size of `usize::MAX` takes every queued change, in replay order.
#[test]
fn a_batch_size_of_usize_max_takes_every_change() {
    let t = open(Strategy::AppliedAtOnce);
    for i in 0..30 {
        work_order(&t.db, &format!("wo{i}"));
    }
    let window =
        t.db.take_upload_window("Field", usize::MAX)
            .unwrap()
            .unwrap();
    assert_eq!(window.changes.len(), 30);
    assert!(!window.more_changes_available);
    assert!(window.changes.windows(2).all(|w| w[0].seq < w[1].seq));
}

/// Removing a record in flight, then accepting its window, neither resurrects it nor leaks.
#[test]
fn removing_a_record_in_flight_then_accepting_its_window() {
    let t = open(Strategy::AppliedAtOnce);
    let a = work_order(&t.db, "a");
    let b = work_order(&t.db, "b");
    let window = t.db.take_upload_window("Field", 10).unwrap().unwrap();
    t.db.remove_device_instance_by_pk("WorkOrder", &key(a))
        .unwrap();
    let acks = [
        ack(&window.changes[0], Some(key(41))),
        ack(&window.changes[1], Some(key(42))),
    ];
    let report =
        t.db.record_upload_accepted(window.id, "tok", &acks)
            .unwrap();
    assert_eq!(report.reconciled_keys.len(), 1, "{report:?}");
    let rows = t.db.find("WorkOrder", "").unwrap();
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0]["Id"], Value::Integer(42));
    assert_eq!(rows[0]["Status"], Value::Text("b".into()));
    assert!(t.db.get_pending_upload().unwrap().is_empty());
    assert!(t.db.take_upload_window("Field", 10).unwrap().is_none());
    let leftovers = dump(&t.db)
        .into_iter()
        .filter(|(name, rows)| {
            (name == "_sync_original" || name == "_sync_queue") && !rows.is_empty()
        })
        .count();
    assert_eq!(leftovers, 0, "bookkeeping left behind for {a} or {b}");
}

/// A rollback after a partial acknowledgement keeps the acknowledged record, undoes the rest.
#[test]
fn rollback_after_a_partial_acknowledgement() {
    let t = open(Strategy::AppliedAtOnce);
    let fresh = dump_data(&t.db);
    for status in ["a", "b", "c"] {
        work_order(&t.db, status);
    }
    let window = t.db.take_upload_window("Field", 10).unwrap().unwrap();
    let acks = [ack(&window.changes[0], Some(key(41)))];
    t.db.record_upload_accepted(window.id, "tok", &acks)
        .unwrap();
    assert_eq!(t.db.get_pending_upload().unwrap().len(), 2);
    assert_eq!(t.db.rollback_pending_local_changes().unwrap(), 2);
    let rows = t.db.find("WorkOrder", "").unwrap();
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0]["Id"], Value::Integer(41));
    t.db.remove_device_instance_by_pk("WorkOrder", &key(41))
        .unwrap();
    assert_eq!(dump_data(&t.db), fresh);
}

/// An acknowledgement for a record deleted since keeps the delete, now under the server key.
#[test]
fn an_acknowledgement_for_a_record_deleted_since_keeps_the_delete() {
    let t = open(Strategy::AppliedAtOnce);
    let id = work_order(&t.db, "short-lived");
    let window = t.db.take_upload_window("Field", 10).unwrap().unwrap();
    t.db.delete_by_pk("WorkOrder", &key(id)).unwrap();
    let acks = [ack(&window.changes[0], Some(key(41)))];
    t.db.record_upload_accepted(window.id, "tok", &acks)
        .unwrap();
    assert_eq!(t.db.count("WorkOrder", "").unwrap(), 0);
    let pending = t.db.get_pending_upload().unwrap();
    assert_eq!(pending.len(), 1);
    assert_eq!(pending[0].change, ChangeKind::Delete);
    assert_eq!(pending[0].key, key(41));
    t.db.rollback_pending_local_changes().unwrap();
    let rows = t.db.find("WorkOrder", "").unwrap();
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0]["Id"], Value::Integer(41));
    assert_eq!(rows[0]["Status"], Value::Text("short-lived".into()));
}

/// A rollback during an upload drops only later edits; the acceptance then rekeys the record.
#[test]
fn a_rollback_while_a_window_is_in_flight_then_its_acceptance() {
    let t = open(Strategy::AppliedAtOnce);
    let id = work_order(&t.db, "sent");
    let window = t.db.take_upload_window("Field", 10).unwrap().unwrap();
    t.db.update_by_pk("WorkOrder", &key(id), row([("Status", "edited".into())]))
        .unwrap();
    t.db.rollback_pending_local_changes().unwrap();
    let got = t.db.get_by_pk("WorkOrder", &key(id)).unwrap().unwrap();
    assert_eq!(got["Status"], Value::Text("sent".into()));
    let acks = [ack(&window.changes[0], Some(key(41)))];
    let report =
        t.db.record_upload_accepted(window.id, "tok", &acks)
            .unwrap();
    assert_eq!(report.acknowledged, 1, "{report:?}");
    let rows = t.db.find("WorkOrder", "").unwrap();
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0]["Id"], Value::Integer(41));
    assert_eq!(rows[0]["Status"], Value::Text("sent".into()));
    assert!(t.db.get_pending_upload().unwrap().is_empty());
    assert!(t.db.take_upload_window("Field", 10).unwrap().is_none());
}

/// Persisted-first: a partial ack in a download, then a rollback, keeps what left the device.
#[test]
fn rollback_after_a_partial_acknowledgement_in_a_persisted_first_scope() {
    let t = open(Strategy::PersistedFirst);
    let a = work_order(&t.db, "a");
    let b = work_order(&t.db, "b");
    let window = t.db.take_upload_window("Field", 10).unwrap().unwrap();
    t.db.record_upload_accepted(window.id, "tok", &[]).unwrap();
    t.db.update_by_pk("WorkOrder", &key(a), row([("Status", "a2".into())]))
        .unwrap();
    let acks = vec![ack(&window.changes[0], Some(key(41)))];
    let report = t.db.apply_download_batch(&batch(vec![], acks)).unwrap();
    assert_eq!(report.acks.acknowledged, 1, "{report:?}");
    let pending = t.db.get_pending_upload().unwrap();
    assert_eq!(pending.len(), 1);
    assert_eq!(pending[0].key, key(41));
    assert_eq!(t.db.get_pending_acknowledgement().unwrap().len(), 1);

    t.db.rollback_object("WorkOrder").unwrap();
    let got = t.db.get_by_pk("WorkOrder", &key(41)).unwrap().unwrap();
    assert_eq!(got["Status"], Value::Text("a".into()));
    assert!(t.db.get_pending_upload().unwrap().is_empty());
    // `b` was sent and awaits its acknowledgement: the server decides on it, not a rollback.
    assert!(t.db.get_by_pk("WorkOrder", &key(b)).unwrap().is_some());
    assert_eq!(t.db.get_pending_acknowledgement().unwrap().len(), 1);
}

/// A deferred change made during an upload stays deferred after the upload is accepted.
#[test]
fn a_deferred_change_made_during_an_upload_survives_its_acceptance() {
    let t = open(Strategy::AppliedAtOnce);
    let id = work_order(&t.db, "sent");
    let window = t.db.take_upload_window("Field", 10).unwrap().unwrap();
    t.db.deferred()
        .update_by_pk("WorkOrder", &key(id), row([("Status", "later".into())]))
        .unwrap();
    let acks = [ack(&window.changes[0], Some(key(41)))];
    t.db.record_upload_accepted(window.id, "tok", &acks)
        .unwrap();
    assert!(t.db.get_pending_upload().unwrap().is_empty());
    let deferred = t.db.get_deferred_upload().unwrap();
    assert_eq!(deferred.len(), 1);
    assert_eq!(deferred[0].key, key(41));
    assert_eq!(deferred[0].row["Status"], Value::Text("later".into()));
    t.db.rollback_pending_local_changes().unwrap();
    let got = t.db.get_by_pk("WorkOrder", &key(41)).unwrap().unwrap();
    assert_eq!(got["Status"], Value::Text("sent".into()));
    assert!(t.db.get_deferred_upload().unwrap().is_empty());
}

/// Deferred creates, marks, updates and rollbacks combine without losing or leaking a change.
#[test]
fn deferred_mark_and_rollback_combinations() {
    let t = open(Strategy::AppliedAtOnce);
    let fresh = dump_data(&t.db);
    let deferred = t.db.deferred();
    let k = deferred
        .create("WorkOrder", row([("Status", "d".into())]))
        .unwrap();
    let before = dump(&t.db);
    let err = error_of(t.db.update_by_pk("WorkOrder", &k, row([("Status", "e".into())])));
    assert_eq!(err.code(), 7028, "{err}");
    assert_eq!(dump(&t.db), before, "a refused update left a trace");
    deferred
        .update_by_pk("WorkOrder", &k, row([("Status", "e".into())]))
        .unwrap();
    assert!(t.db.take_upload_window("Field", 10).unwrap().is_none());
    assert_eq!(t.db.get_deferred_upload().unwrap().len(), 2);
    assert_eq!(
        t.db.mark_for_upload("WorkOrder", "Status = 'e'").unwrap(),
        1
    );
    assert_eq!(
        t.db.mark_for_upload("WorkOrder", "Status = 'e'").unwrap(),
        0
    );
    t.db.update_by_pk("WorkOrder", &k, row([("Status", "f".into())]))
        .unwrap();
    let window = t.db.take_upload_window("Field", 10).unwrap().unwrap();
    assert_eq!(window.changes.len(), 3);
    assert_eq!(window.changes[0].change, ChangeKind::Create);
    t.db.abandon_upload_window("Field").unwrap();
    assert_eq!(t.db.rollback_by_pk("WorkOrder", &k).unwrap(), 1);
    assert_eq!(dump_data(&t.db), fresh);

    server_work_order(&t.db, 1, "server");
    let clean = dump_data(&t.db);
    deferred
        .update_by_pk("WorkOrder", &key(1), row([("Status", "d".into())]))
        .unwrap();
    deferred.delete_by_pk("WorkOrder", &key(1)).unwrap();
    t.db.mark_for_upload_by_pk("WorkOrder", &key(1)).unwrap();
    let window = t.db.take_upload_window("Field", 10).unwrap().unwrap();
    let kinds: Vec<_> = window.changes.iter().map(|c| c.change).collect();
    assert_eq!(kinds, [ChangeKind::Update, ChangeKind::Delete]);
    t.db.abandon_upload_window("Field").unwrap();
    t.db.rollback_pending_local_changes().unwrap();
    assert_eq!(dump_data(&t.db), clean);
}

/// A downloaded row with a mandatory field missing or NULL fails with 7002, changing nothing.
#[test]
fn a_downloaded_row_missing_a_mandatory_field_is_refused() {
    let t = open(Strategy::AppliedAtOnce);
    let before = dump(&t.db);
    let mut p = Problems::default();
    let missing = upsert("WorkOrder", key(7));
    let null = upsert(
        "WorkOrder",
        row([("Id", 7.into()), ("Status", Value::Null)]),
    );
    for (what, change) in [("left out", missing), ("NULL", null)] {
        let r = no_panic(|| t.db.apply_download_batch(&batch(vec![change], vec![])));
        p.error(&format!("Status {what}"), r, 7002, &["WorkOrder", "Status"]);
        p.unchanged(what, &before, &dump(&t.db));
    }
    p.assert_none();
}

/// A gauge, read through the typed layer.
#[derive(SyncObject, Debug, Clone, PartialEq)]
#[sync(object = "Gauge", scope = "S")]
struct Gauge {
    #[sync(primary_key, column = "Id")]
    id: i64,
    #[sync(column = "Level")]
    level: i32,
    #[sync(column = "Ok")]
    ok: bool,
}

/// Typed reads of stored values the struct cannot hold fail with 7001 naming the field.
#[test]
fn typed_reads_of_values_the_struct_cannot_hold_fail_with_7001() {
    let schema = SchemaBuilder::new("typed")
        .object::<Gauge>()
        .build()
        .unwrap();
    let t = device(schema);
    let gauge = row([
        ("Id", 1.into()),
        ("Level", i64::MAX.into()),
        ("Ok", true.into()),
    ]);
    t.db.create("Gauge", gauge).unwrap();
    let mut p = Problems::default();
    let r = no_panic(|| Gauge::find(&t.db, ""));
    p.error("find", r, 7001, &["Gauge", "Level"]);
    let r = no_panic(|| Gauge::get_all_details_by_pk(&t.db, &1));
    p.error("get_all_details_by_pk", r, 7001, &["Gauge", "Level"]);
    let r = no_panic(|| Gauge::get_pending_upload(&t.db));
    p.error("get_pending_upload", r, 7001, &["Gauge", "Level"]);
    p.assert_none();
}

// ---------------------------------------------------------------------------------------------
// Damaged or foreign databases
// ---------------------------------------------------------------------------------------------

/// Damaged bookkeeping is reported as 7026, never a panic, by every call that reads it.
#[test]
fn damaged_bookkeeping_is_reported_not_panicked() {
    let damages = [
        "UPDATE _sync_queue SET pk = '[]'",
        "UPDATE _sync_queue SET pk = '[1, 2]'",
        "UPDATE _sync_queue SET pk = 'not json'",
        "UPDATE _sync_queue SET pk = '{\"Id\": 1}'",
        "UPDATE _sync_queue SET image = 'not json'",
        "UPDATE _sync_queue SET image = '[]'",
        "UPDATE _sync_queue SET change = 55",
        "UPDATE _sync_original SET pk = '[]'",
        "UPDATE _sync_original SET image = '{\"Id\": \"x\"}', change = 1",
        "DELETE FROM _sync_scope",
    ];
    let mut p = Problems::default();
    for damage in damages {
        let t = open(Strategy::AppliedAtOnce);
        work_order(&t.db, "a");
        t.db.with_connection(|c| c.execute_batch(damage)).unwrap();
        let calls: Vec<Call<'_>> = vec![
            (
                "get_pending_upload",
                Box::new(|| t.db.get_pending_upload().map(|v| format!("{v:?}"))),
            ),
            (
                "get_pending_upload_records",
                Box::new(|| {
                    t.db.get_pending_upload_records("WorkOrder")
                        .map(|v| format!("{v:?}"))
                }),
            ),
            (
                "take_upload_window",
                Box::new(|| {
                    t.db.take_upload_window("Field", 10)
                        .map(|v| format!("{v:?}"))
                }),
            ),
            (
                "record_upload_accepted",
                Box::new(|| match t.db.take_upload_window("Field", 10)? {
                    Some(w) => {
                        t.db.record_upload_accepted(w.id, "tok", &[])
                            .map(|r| format!("{r:?}"))
                    }
                    None => Ok("no window".to_owned()),
                }),
            ),
            (
                "find",
                Box::new(|| t.db.find("WorkOrder", "").map(|v| format!("{v:?}"))),
            ),
            (
                "create",
                Box::new(|| {
                    t.db.create("WorkOrder", row([("Status", "b".into())]))
                        .map(|v| format!("{v:?}"))
                }),
            ),
            (
                "rollback",
                Box::new(|| {
                    t.db.rollback_pending_local_changes()
                        .map(|v| format!("{v:?}"))
                }),
            ),
        ];
        for (call, f) in calls {
            let before = dump(&t.db);
            match no_panic(f) {
                Err(panic) => p.push(format!("{damage}: {call} {panic}")),
                Ok(Err(e)) => {
                    if e.code() != 7026 {
                        p.push(format!(
                            "{damage}: {call} failed with {} not 7026: {e}",
                            e.code()
                        ));
                    }
                    p.unchanged(&format!("{damage}: {call}"), &before, &dump(&t.db));
                }
                Ok(Ok(_)) => {}
            }
        }
    }
    p.assert_none();
}

/// Text that is not UTF-8 in an object's table is reported as 7026 by reads, never a panic.
#[test]
fn text_that_is_not_utf8_is_reported_not_panicked() {
    let t = open(Strategy::AppliedAtOnce);
    let id = work_order(&t.db, "a");
    t.db.with_connection(|c| c.execute_batch("UPDATE WorkOrder SET Notes = CAST(x'ff' AS TEXT)"))
        .unwrap();
    let mut p = Problems::default();
    p.error(
        "find",
        no_panic(|| t.db.find("WorkOrder", "")),
        7026,
        &["UTF-8"],
    );
    let r = no_panic(|| t.db.get_by_pk("WorkOrder", &key(id)));
    p.error("get_by_pk", r, 7026, &["UTF-8"]);
    let r = no_panic(|| t.db.get_pending_upload_records("WorkOrder"));
    p.error("get_pending_upload_records", r, 7026, &["UTF-8"]);
    let r = no_panic(|| {
        t.db.update_by_pk("WorkOrder", &key(id), row([("Priority", 1.into())]))
    });
    p.error("update_by_pk", r, 7026, &["UTF-8"]);
    p.assert_none();
}

/// A file that is not a database is refused with an error and left byte for byte as it was.
#[test]
fn a_file_that_is_not_a_database_is_refused_and_left_alone() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("notes.txt");
    let content = "these are my notes, not a database\n".repeat(200);
    std::fs::write(&path, &content).unwrap();
    let schema = field_service(Strategy::AppliedAtOnce);
    let outcome = no_panic(|| Device::open(&path, schema).and_then(|db| db.init()));
    match outcome {
        Ok(Err(e)) => assert!(!e.to_string().is_empty()),
        other => panic!("a text file was accepted as a device database: {other:?}"),
    }
    assert_eq!(std::fs::read_to_string(&path).unwrap(), content);
}

/// With a newer schema and no `init`, a call on a new object gives 7777, not "no such table".
#[test]
fn a_newer_schema_without_init_asks_for_init() {
    let t = open(Strategy::AppliedAtOnce);
    let path = t.db.path().to_path_buf();
    let mut newer = field_service(Strategy::AppliedAtOnce);
    newer.scopes[0].objects.push(
        Object::new("Part")
            .with_field(Field::new("Id", FieldType::Integer))
            .with_primary_key(["Id"]),
    );
    let db = Device::open(&path, newer).unwrap();
    match db.create("Part", key(1)) {
        Ok(_) => assert_eq!(db.count("Part", "").unwrap(), 1),
        Err(e) => assert_eq!(e.code(), 7777, "{e}"),
    }
}

/// A schema whose field changed type is refused at `init`, or its new type works.
#[test]
fn a_field_whose_type_changed_is_refused_at_init_or_works() {
    let t = open(Strategy::AppliedAtOnce);
    let path = t.db.path().to_path_buf();
    let mut changed = field_service(Strategy::AppliedAtOnce);
    let priority = changed.scopes[0].objects[1]
        .fields
        .iter_mut()
        .find(|f| f.name == "Priority")
        .unwrap();
    priority.ty = FieldType::String { max_length: None };
    let db = Device::open(&path, changed).unwrap();
    match db.init() {
        Err(e) => assert!([7004, 7026].contains(&e.code()), "{e}"),
        Ok(()) => {
            let created = db.create(
                "WorkOrder",
                row([("Status", "x".into()), ("Priority", "high".into())]),
            );
            assert!(
                created.is_ok(),
                "init accepted the new type, then: {created:?}"
            );
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Concurrency
// ---------------------------------------------------------------------------------------------

/// Two `Device` handles writing from two threads at once lose nothing and queue each once.
#[test]
fn two_handles_writing_at_once_lose_nothing() {
    let t = open(Strategy::AppliedAtOnce);
    let path = t.db.path().to_path_buf();
    let per_thread: usize = 150;
    let barrier = Arc::new(Barrier::new(2));
    let threads: Vec<_> = (0..2)
        .map(|n| {
            let path = path.clone();
            let barrier = Arc::clone(&barrier);
            std::thread::spawn(move || {
                let db = Device::open(&path, field_service(Strategy::AppliedAtOnce)).unwrap();
                barrier.wait();
                let mut ids = Vec::new();
                for i in 0..per_thread {
                    let k = db
                        .create("WorkOrder", row([("Status", format!("t{n}-{i}").into())]))
                        .unwrap();
                    let priority = Value::Integer(i64::try_from(i).unwrap());
                    db.update_by_pk("WorkOrder", &k, row([("Priority", priority)]))
                        .unwrap();
                    ids.push(k["Id"].as_i64().unwrap());
                }
                ids
            })
        })
        .collect();
    let mut ids: Vec<i64> = threads
        .into_iter()
        .flat_map(|h| h.join().unwrap())
        .collect();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(
        ids.len(),
        2 * per_thread,
        "temporary keys were handed out twice"
    );
    assert_eq!(t.db.count("WorkOrder", "").unwrap(), 300);
    assert_eq!(t.db.count("WorkOrder", "Priority is null").unwrap(), 0);
    let queued = t.db.get_pending_upload().unwrap();
    assert_eq!(queued.len(), 600);
    for id in ids {
        let kinds: Vec<_> = queued
            .iter()
            .filter(|c| c.key == key(id))
            .map(|c| c.change)
            .collect();
        assert_eq!(
            kinds,
            [ChangeKind::Create, ChangeKind::Update],
            "record {id}"
        );
    }
}

/// A sync on one handle while the app writes on another uploads every change exactly once.
#[test]
fn syncing_while_the_app_writes_uploads_every_change_once() {
    let t = open(Strategy::AppliedAtOnce);
    let path = t.db.path().to_path_buf();
    let app = Device::open(&path, field_service(Strategy::AppliedAtOnce)).unwrap();
    let sync = Device::open(&path, field_service(Strategy::AppliedAtOnce)).unwrap();
    let done = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let writer = {
        let done = Arc::clone(&done);
        std::thread::spawn(move || {
            for i in 0..200 {
                let id = format!("C{i}");
                app.create(
                    "Customer",
                    row([("Id", id.clone().into()), ("Name", "a".into())]),
                )
                .unwrap();
                let k = row([("Id", id.into())]);
                app.update_by_pk("Customer", &k, row([("Name", "b".into())]))
                    .unwrap();
            }
            done.store(true, std::sync::atomic::Ordering::SeqCst);
        })
    };
    let mut uploaded = Vec::new();
    loop {
        let finished = done.load(std::sync::atomic::Ordering::SeqCst);
        match sync.take_upload_window("Field", 16).unwrap() {
            Some(window) => {
                let acks: Vec<_> = window.changes.iter().map(|c| ack(c, None)).collect();
                uploaded.extend(window.changes.iter().map(|c| c.seq));
                sync.record_upload_accepted(window.id, "tok", &acks)
                    .unwrap();
            }
            None if finished => break,
            None => std::thread::yield_now(),
        }
    }
    writer.join().unwrap();
    let total = uploaded.len();
    uploaded.sort_unstable();
    uploaded.dedup();
    assert_eq!(uploaded.len(), total, "a change was uploaded twice");
    assert_eq!(total, 400, "every create and update uploaded");
    assert!(t.db.get_pending_upload().unwrap().is_empty());
    assert_eq!(t.db.count("Customer", "Name = 'b'").unwrap(), 200);
    let dirty = t.db.with_connection(|c| {
        c.query_row(
            "SELECT count(*) FROM Customer WHERE _sync_status IS NOT NULL",
            [],
            |r| r.get::<_, i64>(0),
        )
    });
    assert_eq!(dirty.unwrap(), 0);
}

/// Two handles racing to take and accept the same window accept it exactly once.
#[test]
fn two_sessions_racing_on_one_window_accept_it_once() {
    let t = open(Strategy::AppliedAtOnce);
    for i in 0..10 {
        work_order(&t.db, &format!("wo{i}"));
    }
    let path = t.db.path().to_path_buf();
    let barrier = Arc::new(Barrier::new(2));
    let threads: Vec<_> = (0..2_i64)
        .map(|n| {
            let path = path.clone();
            let barrier = Arc::clone(&barrier);
            std::thread::spawn(move || {
                let db = Device::open(&path, field_service(Strategy::AppliedAtOnce)).unwrap();
                barrier.wait();
                // The other session may have taken and accepted everything already.
                let window = db.take_upload_window("Field", 100).unwrap()?;
                let server_key =
                    |c: &OutgoingChange| key(1000 * (n + 1) - c.key["Id"].as_i64().unwrap());
                let acks: Vec<_> = window
                    .changes
                    .iter()
                    .map(|c| ack(c, Some(server_key(c))))
                    .collect();
                Some((
                    window.id,
                    db.record_upload_accepted(window.id, &format!("tok{n}"), &acks),
                ))
            })
        })
        .collect();
    let results: Vec<_> = threads
        .into_iter()
        .filter_map(|h| h.join().unwrap())
        .collect();
    let ids: Vec<i64> = results.iter().map(|(id, _)| *id).collect();
    assert!(
        ids.windows(2).all(|w| w[0] == w[1]),
        "two windows for one queue: {ids:?}"
    );
    let accepted = results.iter().filter(|(_, r)| r.is_ok()).count();
    assert_eq!(accepted, 1, "{results:?}");
    if let Some(refused) = results.iter().find_map(|(_, r)| r.as_ref().err()) {
        assert_eq!(refused.code(), sync_state(), "{refused}");
    }
    assert_eq!(t.db.count("WorkOrder", "Id > 0").unwrap(), 10);
    assert!(t.db.get_pending_upload().unwrap().is_empty());
}

/// Two handles opening and initialising a fresh file at the same time both end up working.
#[test]
fn two_handles_initialising_a_fresh_file_at_once() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("fresh.db");
    let barrier = Arc::new(Barrier::new(2));
    let threads: Vec<_> = (0..2)
        .map(|n| {
            let path = path.clone();
            let barrier = Arc::clone(&barrier);
            std::thread::spawn(move || {
                barrier.wait();
                let db = Device::open(&path, field_service(Strategy::AppliedAtOnce))?;
                db.init()?;
                db.create(
                    "Customer",
                    row([("Id", format!("C{n}").into()), ("Name", "a".into())]),
                )
            })
        })
        .collect();
    for handle in threads {
        let result = handle.join().unwrap();
        assert!(result.is_ok(), "{result:?}");
    }
    let db = Device::open(&path, field_service(Strategy::AppliedAtOnce)).unwrap();
    assert_eq!(db.count("Customer", "").unwrap(), 2);
}
