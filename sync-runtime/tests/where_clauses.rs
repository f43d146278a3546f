//! The shared where-clause cases (`testdata/where-clauses.json`) against a real device
//! database: accepted clauses run, rejected ones fail with a clear error and change nothing.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{dump, row};
use serde_json::Value as Json;
use sync_runtime::{Device, Filter, Query, Value};
use sync_schema::{Field, FieldType, Object, Schema, Scope, Strategy};

fn cases() -> Json {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../testdata/where-clauses.json"
    );
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// A device whose one object is the object the cases describe, with a few rows.
fn device(cases: &Json, dir: &tempfile::TempDir) -> Device {
    let spec = &cases["object"];
    let mut object = Object::new(spec["name"].as_str().unwrap()).with_primary_key(["Id"]);
    for (name, ty) in spec["columns"].as_object().unwrap() {
        let ty = match ty.as_str().unwrap() {
            "integer" => FieldType::Integer,
            "double" => FieldType::Double,
            "date" => FieldType::Date,
            _ => FieldType::String { max_length: None },
        };
        object = object.with_field(Field::new(name, ty));
    }
    let schema = Schema::new("cases")
        .with_scope(Scope::new("Main", Strategy::AppliedAtOnce).with_object(object));
    let db = Device::open(dir.path().join("cases.db"), schema).unwrap();
    db.init().unwrap();
    let rows = [
        (
            1,
            "open",
            3,
            12.0,
            "2024-02-01",
            "north",
            "pump broken, needs a new seal",
        ),
        (
            2,
            "assigned",
            1,
            80.5,
            "2023-12-24",
            "south",
            "a; drop table WorkOrder",
        ),
        (
            3,
            "it's open",
            -1,
            5.0,
            "2024-06-30",
            "north",
            "-- not a comment",
        ),
        (4, "closed", 2, 60.0, "2022-01-01", "east", ""),
    ];
    for (id, status, priority, cost, date, group, notes) in rows {
        db.create(
            "WorkOrder",
            row([
                ("Id", id.into()),
                ("Status", status.into()),
                ("Priority", priority.into()),
                ("Cost", Value::Real(cost)),
                ("Order Date", date.into()),
                ("group", group.into()),
                ("Notes", notes.into()),
            ]),
        )
        .unwrap();
    }
    db.create(
        "WorkOrder",
        row([("Id", 5.into()), ("Status", "open".into())]),
    )
    .unwrap();
    db
}

#[test]
fn every_accepted_clause_runs_for_reads_and_writes() {
    let cases = cases();
    let dir = tempfile::tempdir().unwrap();
    let db = device(&cases, &dir);
    for case in cases["accept"].as_array().unwrap() {
        let clause = case["clause"].as_str().unwrap();
        let found = db.find("WorkOrder", clause);
        assert!(found.is_ok(), "{clause:?} should be accepted: {found:?}");
        let counted = db.count("WorkOrder", clause).unwrap();
        assert_eq!(counted as usize, found.unwrap().len(), "{clause:?}");
        if case["read_only"].as_bool() != Some(true) {
            // A write that selects rows by the clause: nothing is deferred, so nothing changes.
            let marked = db.mark_for_upload("WorkOrder", clause);
            assert_eq!(
                marked.unwrap(),
                0,
                "{clause:?} should be accepted for writes"
            );
        }
    }
}

#[test]
fn accepted_clauses_select_the_right_rows() {
    let cases = cases();
    let dir = tempfile::tempdir().unwrap();
    let db = device(&cases, &dir);
    let ids = |clause: &str| -> Vec<i64> {
        db.find("WorkOrder", clause)
            .unwrap()
            .iter()
            .map(|r| r["Id"].as_i64().unwrap())
            .collect()
    };
    assert_eq!(ids("Status = 'open' order by Id"), [1, 5]);
    assert_eq!(ids("where Status = 'open' order by Id desc"), [5, 1]);
    assert_eq!(ids("Status = 'it''s open'"), [3]);
    assert_eq!(ids("Notes = 'a; drop table WorkOrder'"), [2]);
    assert_eq!(ids("Notes = '-- not a comment'"), [3]);
    assert_eq!(ids("Priority = -1"), [3]);
    assert_eq!(ids("\"group\" = 'north' order by Id"), [1, 3]);
    assert_eq!(ids("\"Order Date\" >= '2024-01-01' order by Id"), [1, 3]);
    assert_eq!(ids("Priority between 1 and 3 order by Id"), [1, 2, 4]);
    assert_eq!(ids("Cost * 2 > 100 order by Id"), [2, 4]);
    assert_eq!(ids("Notes like '%pump%'"), [1]);
    assert_eq!(ids("Notes is null"), [5]);
    assert_eq!(ids("coalesce(Notes, '') = '' order by Id"), [4, 5]);
    assert_eq!(ids("order by Priority desc limit 2"), [1, 4]);
    assert_eq!(ids("Status <> 'x' order by Id limit 2 offset 1"), [2, 3]);
    assert_eq!(db.count("WorkOrder", "").unwrap(), 5);
}

#[test]
fn every_rejected_clause_fails_clearly_and_changes_nothing() {
    let cases = cases();
    let dir = tempfile::tempdir().unwrap();
    let db = device(&cases, &dir);
    let before = dump(&db);
    for case in cases["reject"].as_array().unwrap() {
        let clause = case["clause"].as_str().unwrap();
        let why = case["why"].as_str().unwrap();
        let write = case["write"].as_bool() == Some(true);
        let errors = if write {
            vec![
                db.update("WorkOrder", clause, row([("Notes", "hacked".into())]))
                    .unwrap_err(),
                db.remove("WorkOrder", clause).unwrap_err(),
                db.remove_device_instance("WorkOrder", clause).unwrap_err(),
            ]
        } else {
            vec![
                db.find("WorkOrder", clause).unwrap_err(),
                db.count("WorkOrder", clause).unwrap_err(),
                db.update("WorkOrder", clause, row([("Notes", "hacked".into())]))
                    .unwrap_err(),
                db.remove("WorkOrder", clause).unwrap_err(),
            ]
        };
        for err in errors {
            assert!(
                [7017, 7019].contains(&err.code()),
                "{clause:?} ({why}): {err} has code {}",
                err.code()
            );
            let message = err.to_string();
            assert!(
                message.len() > 20,
                "{clause:?}: {message:?} says too little"
            );
        }
        assert_eq!(dump(&db), before, "{clause:?} ({why}) changed the database");
    }
}

#[test]
fn injection_through_values_is_stored_as_plain_data() {
    let cases = cases();
    let dir = tempfile::tempdir().unwrap();
    let db = device(&cases, &dir);
    let nasty = [
        "x'; DROP TABLE WorkOrder; --",
        "' OR 1=1 --",
        "\" OR \"\"=\"",
        "1); DELETE FROM _sync_queue; --",
    ];
    for (i, text) in nasty.iter().enumerate() {
        let id = 100 + i as i64;
        db.create(
            "WorkOrder",
            row([("Id", id.into()), ("Notes", (*text).into())]),
        )
        .unwrap();
        let found = db.find("WorkOrder", Filter::eq("Notes", *text)).unwrap();
        assert_eq!(found.len(), 1);
        assert_eq!(found[0]["Id"], Value::Integer(id));
    }
    assert_eq!(
        db.count("WorkOrder", Query::all()).unwrap(),
        5 + nasty.len() as u64
    );
    assert_eq!(db.get_pending_upload().unwrap().len(), 5 + nasty.len());
}
