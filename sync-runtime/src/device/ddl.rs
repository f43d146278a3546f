//! The tables of the device database: creation, migration of added objects and fields, and
//! reset.

use rusqlite::{OptionalExtension, Transaction};
use sync_schema::{Field, FieldType, Object, Schema};

use crate::query::quote_ident;
use crate::{Error, Result};

/// The version of the bookkeeping layout; stored so that a later layout can migrate.
const FORMAT_VERSION: &str = "1";

const BOOKKEEPING: &str = "
CREATE TABLE IF NOT EXISTS _sync_meta (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
) STRICT;
CREATE TABLE IF NOT EXISTS _sync_scope (
    scope TEXT PRIMARY KEY,
    last_generated_id INTEGER NOT NULL DEFAULT -1,
    upload_token TEXT NOT NULL DEFAULT '',
    download_token TEXT NOT NULL DEFAULT '',
    upload_sequence INTEGER NOT NULL DEFAULT 0
) STRICT;
CREATE TABLE IF NOT EXISTS _sync_queue (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    scope TEXT NOT NULL,
    object TEXT NOT NULL,
    pk TEXT NOT NULL,
    change INTEGER NOT NULL,
    state INTEGER NOT NULL DEFAULT 0,
    window INTEGER,
    image TEXT NOT NULL,
    hash TEXT,
    error TEXT
) STRICT;
CREATE INDEX IF NOT EXISTS _sync_queue_record ON _sync_queue (object, pk);
CREATE INDEX IF NOT EXISTS _sync_queue_scope ON _sync_queue (scope, state, seq);
CREATE TABLE IF NOT EXISTS _sync_original (
    object TEXT NOT NULL,
    pk TEXT NOT NULL,
    change INTEGER NOT NULL,
    image TEXT,
    hash TEXT,
    PRIMARY KEY (object, pk)
) STRICT;
CREATE TABLE IF NOT EXISTS _sync_window (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    scope TEXT NOT NULL UNIQUE,
    payload TEXT NOT NULL
) STRICT;
";

/// Queue entry states.
pub(crate) const QUEUED: i64 = 0;
/// In an upload window that has not been accepted yet.
pub(crate) const IN_WINDOW: i64 = 1;
/// Sent and accepted; waiting for the acknowledgement.
pub(crate) const SENT: i64 = 2;

/// Record statuses cached in `_sync_status`.
pub(crate) const STATUS_PENDING_UPLOAD: i64 = 1;
/// Every change of the record was sent; the acknowledgement is due.
pub(crate) const STATUS_PENDING_ACK: i64 = 2;
/// The record's changes are deferred.
pub(crate) const STATUS_DEFERRED: i64 = 9;

/// Creates whatever is missing: bookkeeping, object tables, added columns, scope rows.
/// A schema that changes the type of a stored field or the key of a stored object is
/// refused: stored values cannot follow.
pub(crate) fn create(tx: &Transaction<'_>, schema: &Schema) -> Result<()> {
    tx.execute_batch(BOOKKEEPING)?;
    if let Some(stored) = stored_schema(tx)? {
        check_compatible(&stored, schema)?;
    }
    for object in schema.objects() {
        create_object(tx, object)?;
    }
    for scope in &schema.scopes {
        tx.execute(
            "INSERT OR IGNORE INTO _sync_scope (scope) VALUES (?1)",
            [&scope.name],
        )?;
    }
    let json = serde_json::to_string(schema)
        .map_err(|e| Error::Corrupt(format!("schema not serialisable: {e}")))?;
    tx.execute(
        "INSERT OR REPLACE INTO _sync_meta (key, value) VALUES ('schema', ?1), ('format', ?2)",
        [json.as_str(), FORMAT_VERSION],
    )?;
    Ok(())
}

fn sql_type(ty: FieldType) -> &'static str {
    match ty {
        FieldType::String { .. } | FieldType::Date => "TEXT",
        FieldType::Integer | FieldType::Boolean => "INTEGER",
        FieldType::Double => "REAL",
        FieldType::Binary => "BLOB",
    }
}

fn column_def(object: &Object, field: &Field) -> String {
    let not_null = if object.is_key(&field.name) {
        " NOT NULL"
    } else {
        ""
    };
    format!(
        "{} {}{not_null}",
        quote_ident(&field.name),
        sql_type(field.ty)
    )
}

fn create_object(tx: &Transaction<'_>, object: &Object) -> Result<()> {
    let table = quote_ident(&object.name);
    let exists: Option<String> = tx
        .query_row(
            "SELECT name FROM sqlite_schema WHERE type = 'table' AND name = ?1",
            [&object.name],
            |r| r.get(0),
        )
        .optional()?;
    if exists.is_some() {
        return add_missing_columns(tx, object, &table);
    }
    let mut columns: Vec<String> = object
        .fields
        .iter()
        .map(|f| column_def(object, f))
        .collect();
    columns.push("_sync_status INTEGER".to_owned());
    columns.push("_sync_hash TEXT".to_owned());
    let key: Vec<String> = object.primary_key.iter().map(|k| quote_ident(k)).collect();
    columns.push(format!("PRIMARY KEY ({})", key.join(", ")));
    let sql = format!(
        "CREATE TABLE {table} (\n    {}\n) STRICT",
        columns.join(",\n    ")
    );
    tx.execute_batch(&sql)?;
    // Under the reserved prefix, so that no object's table can take the index's name.
    let index = quote_ident(&format!("_sync_status_{}", object.name));
    tx.execute_batch(&format!(
        "CREATE INDEX {index} ON {table} (_sync_status) WHERE _sync_status IS NOT NULL"
    ))?;
    Ok(())
}

/// Adds the columns of fields that the table does not have yet (a newer schema). Columns of
/// fields the schema no longer has stay in the table, unused.
fn add_missing_columns(tx: &Transaction<'_>, object: &Object, table: &str) -> Result<()> {
    let mut stmt = tx.prepare("SELECT name FROM pragma_table_info(?1)")?;
    let existing: Vec<String> = stmt
        .query_map([&object.name], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    for field in &object.fields {
        if !existing.iter().any(|c| c.eq_ignore_ascii_case(&field.name)) {
            if object.is_key(&field.name) {
                return Err(Error::Corrupt(format!(
                    "the stored table {} lacks key column {}; the key of an object cannot \
                     change, reset the database",
                    object.name, field.name
                )));
            }
            if !field.nullable && !field.autogenerated {
                let rows: i64 =
                    tx.query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0))?;
                if rows > 0 {
                    return Err(Error::Schema(sync_schema::Error::Invalid {
                        at: format!("{}.{}", object.name, field.name),
                        message: format!(
                            "a new mandatory field cannot be added to the {rows} rows the \
                             device already holds; declare it nullable, or reset the database"
                        ),
                    }));
                }
            }
            let def = column_def(object, field);
            tx.execute_batch(&format!("ALTER TABLE {table} ADD COLUMN {def}"))?;
        }
    }
    Ok(())
}

/// Drops every table of the database.
pub(crate) fn drop_all(tx: &Transaction<'_>) -> Result<()> {
    let mut stmt = tx.prepare(
        "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%'",
    )?;
    let tables: Vec<String> = stmt
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    drop(stmt);
    for table in tables {
        tx.execute_batch(&format!("DROP TABLE {}", quote_ident(&table)))?;
    }
    // AUTOINCREMENT counters live in sqlite_sequence; after a reset they start over.
    let has_sequence: Option<String> = tx
        .query_row(
            "SELECT name FROM sqlite_schema WHERE name = 'sqlite_sequence'",
            [],
            |r| r.get(0),
        )
        .optional()?;
    if has_sequence.is_some() {
        tx.execute_batch("DELETE FROM sqlite_sequence")?;
    }
    Ok(())
}

/// The schema the database was last initialised with, if any.
fn stored_schema(tx: &Transaction<'_>) -> Result<Option<Schema>> {
    let json: Option<String> = tx
        .query_row(
            "SELECT value FROM _sync_meta WHERE key = 'schema'",
            [],
            |r| r.get(0),
        )
        .optional()?;
    json.map(|j| {
        serde_json::from_str(&j).map_err(|e| Error::Corrupt(format!("stored schema: {e}")))
    })
    .transpose()
}

/// Fails when `new` changes the key of a stored object or the type of a stored field.
fn check_compatible(stored: &Schema, new: &Schema) -> Result<()> {
    let refuse = |at: String, message: String| {
        Err(Error::Schema(sync_schema::Error::Invalid { at, message }))
    };
    for object in new.objects() {
        let Some(old) = stored.object(&object.name) else {
            continue;
        };
        if old.primary_key != object.primary_key {
            return refuse(
                format!("{}.primary_key", object.name),
                format!(
                    "the key changed from {:?} to {:?}; stored records cannot follow, \
                     reset the database",
                    old.primary_key, object.primary_key
                ),
            );
        }
        for field in &object.fields {
            let Some(before) = old.field(&field.name) else {
                continue;
            };
            if sql_type(before.ty) != sql_type(field.ty) {
                return refuse(
                    format!("{}.{}", object.name, field.name),
                    format!(
                        "the type changed from {} to {}; stored values cannot follow, \
                         reset the database",
                        before.ty.describe(),
                        field.ty.describe()
                    ),
                );
            }
        }
    }
    Ok(())
}

/// Fails with 7777 when `init` has not run on this database with this schema.
pub(crate) fn check_initialized(tx: &Transaction<'_>, schema: &Schema) -> Result<()> {
    let found: Option<String> = tx
        .query_row(
            "SELECT name FROM sqlite_schema WHERE type = 'table' AND name = '_sync_meta'",
            [],
            |r| r.get(0),
        )
        .optional()?;
    if found.is_none() {
        return Err(Error::NotInitialized);
    }
    match stored_schema(tx)? {
        Some(stored) if stored == *schema => Ok(()),
        _ => Err(Error::SchemaChanged),
    }
}
