//! Error-message fixtures: one small broken schema per kind of mistake under
//! `tests/fixtures/errors/`, each with the full text a user sees. Then inputs that are not
//! schemas at all, which must give an error and never panic or exhaust the stack.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::Path;

use sync_schema::{read_path, read_str, ReadFailure, Severity};

/// Every type name, as unknown-type errors list them.
const TYPES: &str = "string, character, char, java.lang.String, text, varchar, nvarchar, int, \
                     integer, long, short, byte, big_integer, double, float, big_decimal, \
                     number, boolean, yes_no, date, time, timestamp, datetime, binary, blob";

/// What the top level of a JSON schema should be, as format errors say.
const FORMATS: &str = "a JSON object with `ArrayOfSyncScope` (legacy sync configuration), \
                       `Metadata` (online metadata), `namespaces` (offline metadata), or \
                       `objectService` and `objects` (a packed object service)";

/// Reads a fixture under its path relative to the crate, so that messages are stable.
fn failure(name: &str) -> String {
    let relative = format!("tests/fixtures/errors/{name}");
    let text = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(&relative))
        .unwrap_or_else(|e| panic!("{relative}: {e}"));
    match read_str(&text, Some(Path::new(&relative))) {
        Ok(outcome) => panic!("{name} reads: {outcome:?}"),
        Err(failure) => failure.to_string(),
    }
}

/// The error of text in memory.
fn error_of(text: &str) -> ReadFailure {
    match read_str(text, None) {
        Ok(outcome) => panic!("reads: {outcome:?}"),
        Err(failure) => failure,
    }
}

#[test]
fn unknown_type() {
    assert_eq!(
        failure("unknown-type.json"),
        format!(
            "error: tests/fixtures/errors/unknown-type.json:13:40: \
             ArrayOfSyncScope[0].ScopeTables[0].Columns[1].type: unknown type `varchar2` \
             (expected {TYPES})"
        )
    );
}

#[test]
fn unknown_type_in_a_packed_object_service() {
    assert_eq!(
        failure("packed-bad-type.json"),
        format!(
            "error: tests/fixtures/errors/packed-bad-type.json:17:40: \
             objects[1].Fields[2].dataType: unknown type `decimal` (expected {TYPES})"
        )
    );
}

#[test]
fn unknown_key_column() {
    assert_eq!(
        failure("unknown-key-column.json"),
        "error: tests/fixtures/errors/unknown-key-column.json:10:26: \
         ArrayOfSyncScope[0].ScopeTables[0].Pk_Columns[0]: the key column `Id` is not a field \
         of `Ticket` (expected one of ID, Title)"
    );
}

#[test]
fn no_primary_key() {
    assert_eq!(
        failure("no-primary-key.json"),
        "error: tests/fixtures/errors/no-primary-key.json:10:25: \
         ArrayOfSyncScope[0].ScopeTables[0].Pk_Columns: the object `Ticket` has no primary key \
         (expected at least one key column)"
    );
}

#[test]
fn relationship_to_an_unknown_object() {
    assert_eq!(
        failure("unknown-target.json"),
        "error: tests/fixtures/errors/unknown-target.json:17:33: \
         ArrayOfSyncScope[0].ScopeTables[0].Relationships.ManyToOne[0].TargetObject: the \
         relationship target `Sight` is not an object (expected the name of an object of the \
         schema)"
    );
}

#[test]
fn relationship_to_an_unknown_field() {
    assert_eq!(
        failure("unknown-attribute.json"),
        "error: tests/fixtures/errors/unknown-attribute.json:19:83: \
         ArrayOfSyncScope[0].ScopeTables[0].Relationships.ManyToOne[0].RelationshipAttributes[0]\
         .TargetObject_Attribute: `Id` is not a field of `Site` (expected one of SiteId)"
    );
}

#[test]
fn unknown_relationship_kind() {
    assert_eq!(
        failure("unknown-relationship-kind.json"),
        "error: tests/fixtures/errors/unknown-relationship-kind.json:12:30: \
         ArrayOfSyncScope[0].ScopeTables[0].Relationships.ManyToMany: unknown relationship kind \
         `ManyToMany` (expected OneToMany, ManyToOne or OneToOne)"
    );
}

#[test]
fn relationship_fields_that_do_not_pair_up() {
    assert_eq!(
        failure("offline-mismatched-fields.json"),
        "error: tests/fixtures/errors/offline-mismatched-fields.json:18:77: \
         namespaces[0].objects[0].relationships[0].target_fields: `target_fields` has 1 name \
         and `source_fields` 2 names (expected as many target fields as source fields)"
    );
}

#[test]
fn duplicate_scope() {
    assert_eq!(
        failure("duplicate-scope.json"),
        "error: tests/fixtures/errors/duplicate-scope.json:13:20: ArrayOfSyncScope[1].ScopeName: \
         the scope `Field` is declared twice (first at 5:20)"
    );
}

#[test]
fn duplicate_object_up_to_case() {
    assert_eq!(
        failure("duplicate-object.json"),
        "error: tests/fixtures/errors/duplicate-object.json:16:19: \
         ArrayOfSyncScope[1].ScopeTables[0].Name: the object `ticket` clashes with `Ticket` at \
         8:19: names are compared ignoring case"
    );
}

#[test]
fn duplicate_field() {
    assert_eq!(
        failure("duplicate-field.json"),
        "error: tests/fixtures/errors/duplicate-field.json:14:23: \
         ArrayOfSyncScope[0].ScopeTables[0].Columns[2].Name: the field `Title` of `Ticket` is \
         declared twice (first at 13:23)"
    );
}

#[test]
fn invalid_strategy() {
    assert_eq!(
        failure("bad-strategy.json"),
        "error: tests/fixtures/errors/bad-strategy.json:6:19: ArrayOfSyncScope[0].Strategy: \
         unknown strategy `OTA` (expected OTA_SYNC, OTASync, PERSISTENT_SYNC or PersistentSync)"
    );
}

#[test]
fn wrong_json_type() {
    assert_eq!(
        failure("wrong-json-type.json"),
        "error: tests/fixtures/errors/wrong-json-type.json:13:60: \
         ArrayOfSyncScope[0].ScopeTables[0].Columns[1].Length: found \"ten\" (expected a whole \
         number from 0 to 4294967295)"
    );
}

#[test]
fn missing_required_key() {
    assert_eq!(
        failure("missing-columns.json"),
        "error: tests/fixtures/errors/missing-columns.json:8:9: \
         ArrayOfSyncScope[0].ScopeTables[0]: the required key `Columns` is missing"
    );
}

#[test]
fn syntax_error() {
    assert_eq!(
        failure("syntax-error.json"),
        "error: tests/fixtures/errors/syntax-error.json:4:27: <root>: \
         not valid JSON: expected comma"
    );
}

#[test]
fn every_error_is_reported_not_just_the_first() {
    let text = failure("several-errors.json");
    let file = "tests/fixtures/errors/several-errors.json";
    let column = "ArrayOfSyncScope[0].ScopeTables[0].Columns";
    let expected = [
        format!(
            "error: {file}:6:19: ArrayOfSyncScope[0].Strategy: unknown strategy `Persistent` \
             (expected OTA_SYNC, OTASync, PERSISTENT_SYNC or PersistentSync)"
        ),
        format!(
            "error: {file}:12:62: {column}[0].IsNullable: found \"no\" (expected true or false)"
        ),
        format!("error: {file}:13:39: {column}[1].type: unknown type `money` (expected {TYPES})"),
    ];
    assert_eq!(text, expected.join("\n"));
}

#[test]
fn the_models_own_rules_are_located_too() {
    let file = "tests/fixtures/errors/reserved-name.json";
    let column = "ArrayOfSyncScope[0].ScopeTables[0].Columns";
    let expected = [
        format!(
            "error: {file}:12:23: {column}[0].Name: Ticket.Photo: a binary field cannot be part \
             of a primary key"
        ),
        format!(
            "error: {file}:13:23: {column}[1].Name: `Ticket._sync_state` starts with a reserved \
             prefix (`_sync_` or `sqlite_`)"
        ),
    ];
    assert_eq!(failure("reserved-name.json"), expected.join("\n"));
}

#[test]
fn a_failure_lists_its_diagnostics() {
    let failure = error_of("[]");
    let diagnostics = failure.diagnostics();
    assert_eq!(diagnostics.len(), 1);
    assert_eq!(diagnostics[0].severity, Severity::Error);
    assert_eq!(diagnostics[0].location.path, "<root>");
    assert_eq!(
        (diagnostics[0].location.line, diagnostics[0].location.column),
        (1, 1)
    );
    assert_eq!(diagnostics[0].expected.as_deref(), Some(FORMATS));
    assert_eq!(
        failure.to_string(),
        format!("error: 1:1: <root>: found an array (expected {FORMATS})")
    );
}

#[test]
fn unknown_keys_are_warnings_where_they_are() {
    let relative = "tests/fixtures/unknown-keys.json";
    let text =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(relative)).unwrap();
    let outcome = read_str(&text, Some(Path::new(relative))).unwrap();
    let warnings: Vec<String> = outcome.warnings.iter().map(ToString::to_string).collect();
    let columns = "ArrayOfSyncScope[0].ScopeTables[0].Columns";
    assert_eq!(
        warnings,
        [
            format!("warning: {relative}:3:3: Owner: unknown key `Owner` is ignored"),
            format!(
                "warning: {relative}:13:68: {columns}[0].Precision: unknown key `Precision` is \
                 ignored"
            ),
            format!(
                "warning: {relative}:14:63: {columns}[1][\"odd key\"]: unknown key `odd key` is \
                 ignored"
            ),
        ]
    );
    // The key is not nullable even though the file says so; a length of 0 is no limit.
    let ticket = outcome.schema.object("Ticket").unwrap();
    assert!(!ticket.field("Id").unwrap().nullable);
    assert_eq!(
        ticket.field("Title").unwrap().ty,
        sync_schema::FieldType::String { max_length: None }
    );
}

#[test]
fn a_missing_file_is_an_io_error() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/no-such-file.json");
    match read_path(&path) {
        Err(ReadFailure::Io { path: failed, .. }) => assert_eq!(failed, path),
        other => panic!("{other:?}"),
    }
}

// Inputs that are not schemas at all.

#[test]
fn empty_text() {
    for text in ["", "  \n\t", "\u{feff}"] {
        assert_eq!(
            error_of(text).to_string(),
            "error: 1:1: <root>: the document is empty (expected a JSON object)"
        );
    }
    assert_eq!(
        error_of("// only a comment\n").to_string(),
        "error: 1:1: <root>: the document holds no JSON value (expected a JSON object)"
    );
}

#[test]
fn json_that_is_not_an_object() {
    assert_eq!(
        error_of("null").to_string(),
        format!("error: 1:1: <root>: found null (expected {FORMATS})")
    );
    assert_eq!(
        error_of("\n  42").to_string(),
        format!("error: 2:3: <root>: found 42 (expected {FORMATS})")
    );
    assert_eq!(
        error_of("{\"tables\": []}").to_string(),
        format!("error: 1:1: <root>: not a schema format this reader knows (expected {FORMATS})")
    );
}

#[test]
fn an_empty_object_of_each_format() {
    let legacy = error_of("{\"ArrayOfSyncScope\": []}").to_string();
    assert_eq!(
        legacy,
        "error: 1:1: <root>: the required key `AppID` is missing\n\
         error: 1:1: <root>: the list of scopes is empty"
    );
    let packed = error_of("{\"objectService\": \"S\", \"objects\": {}}").to_string();
    assert_eq!(
        packed,
        "error: 1:35: objects: found an object (expected an array)"
    );
}

#[test]
fn random_bytes() {
    // A small deterministic generator: the same bytes on every run.
    let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut bytes = Vec::new();
    for _ in 0..4096 {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        bytes.push((state >> 24) as u8);
    }
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("noise.json");
    std::fs::write(&path, &bytes).unwrap();
    let failure = read_path(&path).unwrap_err();
    let message = failure.to_string();
    assert!(message.contains("the file is not UTF-8 text"), "{message}");
    for chunk in bytes.chunks(97) {
        let text = String::from_utf8_lossy(chunk);
        assert!(read_str(&text, None).is_err());
    }
}

#[test]
fn deeply_nested_arrays_and_objects() {
    let depth = 100_000;
    let arrays = format!("{}{}", "[".repeat(depth), "]".repeat(depth));
    let message = error_of(&arrays).to_string();
    assert!(message.contains("nesting depth"), "{message}");
    let objects = format!("{}1{}", "{\"a\":".repeat(depth), "}".repeat(depth));
    let message = error_of(&objects).to_string();
    assert!(message.contains("nesting depth"), "{message}");
    let unclosed = "[".repeat(depth);
    assert!(read_str(&unclosed, None).is_err());
    // Deep, but under the limit, inside a known key: an ordinary type error.
    let nested = format!(
        "{{\"AppID\": {}1{}, \"ArrayOfSyncScope\": []}}",
        "[".repeat(200),
        "]".repeat(200)
    );
    let message = error_of(&nested).to_string();
    assert!(
        message.contains("error: 1:11: AppID: found an array"),
        "{message}"
    );
}

#[test]
fn a_ten_megabyte_string() {
    let big = "x".repeat(10 * 1024 * 1024);
    let message = error_of(&format!("\"{big}\"")).to_string();
    let shown = format!("found \"{}…\"", "x".repeat(40));
    assert!(message.contains(&shown), "{}", &message[..200]);
    let legacy = format!("{{\"AppID\": \"a\", \"Version\": \"{big}\", \"ArrayOfSyncScope\": [1]}}");
    let message = error_of(&legacy).to_string();
    let column = 10 * 1024 * 1024 + 52;
    assert_eq!(
        message,
        format!(
            "error: 1:1: <root>: the list of scopes is empty\n\
             error: 1:{column}: ArrayOfSyncScope[0]: found 1 (expected an object)"
        )
    );
}

#[test]
fn cut_and_mangled_real_files_never_panic() {
    let dir = Path::new(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../shared/schemas-public"
    ));
    for file in [
        "kony-sync-approvals.json",
        "foundry-objsvc-expense-tracker.json",
    ] {
        let text = std::fs::read_to_string(dir.join(file)).unwrap();
        let boundaries: Vec<usize> = (0..text.len())
            .filter(|&i| text.is_char_boundary(i))
            .step_by(997)
            .collect();
        for &cut in &boundaries {
            // Cut short: always an error.
            assert!(read_str(&text[..cut], None).is_err(), "{file} cut at {cut}");
            // One character replaced: an error or a schema, never a panic.
            let mut mangled = text.clone();
            let end = (cut + 1..=text.len())
                .find(|&i| text.is_char_boundary(i))
                .unwrap_or(text.len());
            mangled.replace_range(cut..end, "\"");
            let _ = read_str(&mangled, None);
        }
    }
}
