//! The device database: one SQLite file holding the objects' tables and the sync bookkeeping.
//!
//! # Tables
//!
//! Every object has a real, typed table named as the object, with its columns as the schema
//! names them, its primary key, and two bookkeeping columns: `_sync_status` (NULL when the
//! record is clean, 1 pending upload, 2 pending acknowledgement, 9 deferred) and `_sync_hash`
//! (the server's version token of the row). An application may read these tables with SQL.
//!
//! The bookkeeping tables, all prefixed `_sync_`:
//!
//! - `_sync_meta`: the schema the database was built from, and the format version;
//! - `_sync_scope`: per scope, the last temporary key, the upload and download tokens, and the
//!   upload sequence number (the scope version sent as `SequenceNumber`);
//! - `_sync_queue`: the change queue, one entry per local change across all objects, ordered
//!   by a replay sequence (`seq`); each holds the record's key, the change (insert, update,
//!   delete; deferred or not), its state (queued, in an upload window, sent), the full row
//!   image and the last upload error;
//! - `_sync_original`: the pre-change image of every record with local changes, what the
//!   record was before its first change since it was last in step with the server;
//! - `_sync_window`: the upload window in flight per scope, frozen so that a resend is
//!   identical.
//!
//! # Pending upload, pending acknowledgement, deferred
//!
//! - a change is **pending upload** when it is not deferred and not yet sent (queued, or in a
//!   window whose upload has not been accepted);
//! - a change is **pending acknowledgement** when its upload was accepted and the server has
//!   not acknowledged it yet (persisted-first scopes; an applied-at-once scope acknowledges in
//!   the upload response);
//! - a change is **deferred** when it was made with upload deferred and not marked since.
//!
//! A record is pending upload when it has a change pending upload; otherwise deferred when it
//! has a deferred change; otherwise pending acknowledgement when it has a change pending
//! acknowledgement. The `_sync_status` column caches this per record.
//!
//! # Invariants
//!
//! - Every write and its bookkeeping (queue entry, pre-change image, status) commit in one
//!   transaction: a failure halfway leaves no trace.
//! - A pre-change image is taken once per record, at its first change; rollback restores it
//!   exactly and deletes records created locally.
//! - Replay sequences only grow (`AUTOINCREMENT`), so a change never reuses the number of an
//!   earlier one.

mod codec;
mod ddl;
mod read;
mod rollback;
mod validate;
mod write;

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

use rusqlite::{Connection, OptionalExtension, TransactionBehavior};
use sync_schema::{Link, Object, Schema};

use crate::value::Row;
use crate::{Error, Result};

pub(crate) use codec::{decode_image, decode_key, encode_image, encode_key, from_sql, to_sql};
pub(crate) use ddl::{IN_WINDOW, QUEUED, SENT};
pub(crate) use validate::{check_known, check_value, key_values, mandatory};
pub(crate) use write::equalities;

/// Options of a device database.
#[derive(Debug, Clone, Default)]
#[non_exhaustive]
pub struct DeviceOptions {
    /// Collapse consecutive updates of one record into its latest queued change instead of
    /// queueing each (the legacy `trackIntermediateUpdates = false`). Off by default: the
    /// server sees every intermediate state.
    pub collapse_intermediate_updates: bool,
}

impl DeviceOptions {
    /// Sets [`DeviceOptions::collapse_intermediate_updates`].
    pub fn collapse_intermediate_updates(mut self, on: bool) -> DeviceOptions {
        self.collapse_intermediate_updates = on;
        self
    }
}

/// The kind of a local change.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ChangeKind {
    /// The record was created.
    Create,
    /// The record was changed.
    Update,
    /// The record was deleted.
    Delete,
}

impl ChangeKind {
    /// The legacy change-type code (0, 1, 2; plus 90 when deferred).
    pub fn code(self, deferred: bool) -> i64 {
        let base = match self {
            ChangeKind::Create => 0,
            ChangeKind::Update => 1,
            ChangeKind::Delete => 2,
        };
        if deferred {
            base + 90
        } else {
            base
        }
    }

    /// The kind of a legacy code (deferred or not).
    pub fn from_code(code: i64) -> Option<ChangeKind> {
        match code % 90 {
            0 => Some(ChangeKind::Create),
            1 => Some(ChangeKind::Update),
            2 => Some(ChangeKind::Delete),
            _ => None,
        }
    }

    /// The wire name: `insert`, `update` or `delete`.
    pub fn wire_name(self) -> &'static str {
        match self {
            ChangeKind::Create => "insert",
            ChangeKind::Update => "update",
            ChangeKind::Delete => "delete",
        }
    }
}

/// A record with local changes, as the object-level pending queries return it.
#[derive(Debug, Clone, PartialEq)]
pub struct PendingRecord<T> {
    /// What the changes amount to for the server: a create when the record was created
    /// locally, a delete when it no longer exists, an update otherwise.
    pub change: ChangeKind,
    /// The record as it is now; for a delete, as it was last.
    pub record: T,
}

/// One entry of the change queue, as the sync-level pending queries return it.
#[derive(Debug, Clone, PartialEq)]
pub struct QueuedChange {
    /// The replay sequence.
    pub seq: i64,
    /// The scope.
    pub scope: String,
    /// The object.
    pub object: String,
    /// The change.
    pub change: ChangeKind,
    /// The record's key.
    pub key: Row,
    /// The full row image after the change (before it, for a delete).
    pub row: Row,
    /// The error of its last upload, if the server rejected it.
    pub error: Option<String>,
}

/// A handle on a device database. Cheap to clone; clones share the connection.
///
/// Writes through a handle are queued for upload; a handle from [`Device::deferred`] queues
/// them with upload deferred (the legacy `markForUpload = false`).
///
/// # The methods, by their legacy names
///
/// Legacy name: typed ([`crate::SyncObject`]) and dynamic (here) forms.
///
/// - `create`, `createAll`: `create`, `create_all`; [`create`](Device::create),
///   [`create_all`](Device::create_all).
/// - `getAll`, `find`, `getCount`: `get_all`, `find`, `count`; [`get_all`](Device::get_all),
///   [`find`](Device::find), [`count`](Device::count).
/// - `getAllDetailsByPK`: `get_all_details_by_pk`; [`get_by_pk`](Device::get_by_pk).
/// - `update`, `updateByPK`: `update`, `update_by_pk`, `save`; [`update`](Device::update),
///   [`update_by_pk`](Device::update_by_pk).
/// - `remove`, `deleteByPK`: `remove`, `delete_by_pk`; [`remove`](Device::remove),
///   [`delete_by_pk`](Device::delete_by_pk).
/// - `removeDeviceInstance(ByPK)`: `remove_device_instance(_by_pk)`;
///   [`remove_device_instance`](Device::remove_device_instance),
///   [`remove_device_instance_by_pk`](Device::remove_device_instance_by_pk).
/// - `markForUpload(ByPK)`: `mark_for_upload(_by_pk)`;
///   [`mark_for_upload`](Device::mark_for_upload),
///   [`mark_for_upload_by_pk`](Device::mark_for_upload_by_pk).
/// - object-level `getPendingUpload`, `getPendingAcknowledgement`, `getDeferredUpload`:
///   `get_pending_upload`, `get_pending_acknowledgement`, `get_deferred_upload`;
///   [`get_pending_upload_records`](Device::get_pending_upload_records),
///   [`get_pending_acknowledgement_records`](Device::get_pending_acknowledgement_records),
///   [`get_deferred_upload_records`](Device::get_deferred_upload_records).
/// - object-level `rollbackPendingLocalChanges(ByPK)`:
///   `rollback_pending_local_changes(_by_pk)`; [`rollback_object`](Device::rollback_object),
///   [`rollback_by_pk`](Device::rollback_by_pk).
/// - `get<Target>With<Attrs>`: generated accessors; [`related`](Device::related).
/// - `sync.getPendingUpload` and the like: one entry per change, every object:
///   [`get_pending_upload`](Device::get_pending_upload),
///   [`get_pending_acknowledgement`](Device::get_pending_acknowledgement),
///   [`get_deferred_upload`](Device::get_deferred_upload).
/// - `sync.rollbackPendingLocalChanges`: every object:
///   [`rollback_pending_local_changes`](Device::rollback_pending_local_changes).
///
/// ```
/// use sync_runtime::{Device, Row, Value};
/// use sync_schema::{Field, FieldType, Object, Schema, Scope, Strategy};
///
/// # fn main() -> sync_runtime::Result<()> {
/// let schema = Schema::new("demo").with_scope(Scope::new("Main", Strategy::AppliedAtOnce)
///     .with_object(Object::new("Note")
///         .with_field(Field::new("Id", FieldType::Integer).autogenerated(true))
///         .with_field(Field::new("Text", FieldType::String { max_length: Some(200) }))
///         .with_primary_key(["Id"])));
/// let dir = tempfile::tempdir().unwrap();
/// let db = Device::open(dir.path().join("device.db"), schema)?;
/// db.init()?;
/// let key = db.create("Note", Row::from([("Text".to_owned(), Value::from("hello"))]))?;
/// assert_eq!(key["Id"], Value::Integer(-2)); // a temporary key until the server assigns one
/// assert_eq!(db.count("Note", "Text like 'hel%'")?, 1);
/// assert_eq!(db.get_pending_upload()?.len(), 1);
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct Device {
    inner: Arc<Inner>,
    deferred: bool,
}

impl std::fmt::Debug for Device {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Device")
            .field("path", &self.inner.path)
            .field("deferred", &self.deferred)
            .finish_non_exhaustive()
    }
}

struct Inner {
    path: PathBuf,
    conn: Mutex<Connection>,
    schema: Schema,
    plans: Vec<ObjectPlan>,
    options: DeviceOptions,
    /// Set once `init` is known to have run on the file.
    initialized: AtomicBool,
}

/// What the runtime precomputes for one object.
pub(crate) struct ObjectPlan {
    pub(crate) object: Object,
    pub(crate) scope: String,
    /// Links in which this object is the child (its parents).
    pub(crate) parents: Vec<Link>,
    /// Links in which this object is the parent (its children).
    pub(crate) children: Vec<Link>,
}

impl Device {
    /// Opens (or creates) the database file for a schema. Call [`Device::init`] before use.
    pub fn open(path: impl AsRef<Path>, schema: Schema) -> Result<Device> {
        Device::open_with(path, schema, DeviceOptions::default())
    }

    /// Opens (or creates) the database file with options.
    pub fn open_with(
        path: impl AsRef<Path>,
        schema: Schema,
        options: DeviceOptions,
    ) -> Result<Device> {
        let schema = schema.validated()?;
        let path = path.as_ref().to_path_buf();
        let conn = Connection::open(&path)?;
        conn.busy_timeout(std::time::Duration::from_secs(5))?;
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "synchronous", "NORMAL")?;
        let links = schema.links();
        let plans = schema
            .scopes
            .iter()
            .flat_map(|scope| {
                scope.objects.iter().map(|object| ObjectPlan {
                    object: object.clone(),
                    scope: scope.name.clone(),
                    parents: links
                        .iter()
                        .filter(|l| l.child == object.name)
                        .cloned()
                        .collect(),
                    children: links
                        .iter()
                        .filter(|l| l.parent == object.name)
                        .cloned()
                        .collect(),
                })
            })
            .collect();
        Ok(Device {
            inner: Arc::new(Inner {
                path,
                conn: Mutex::new(conn),
                schema,
                plans,
                options,
                initialized: AtomicBool::new(false),
            }),
            deferred: false,
        })
    }

    /// Creates the tables on first use; later calls change nothing. Objects and fields added
    /// to the schema since the database was built are added to it.
    pub fn init(&self) -> Result<()> {
        let mut conn = self.lock();
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        ddl::create(&tx, &self.inner.schema)?;
        tx.commit()?;
        self.inner.initialized.store(true, Ordering::Release);
        Ok(())
    }

    /// Drops every table, the objects' and the bookkeeping, and runs [`Device::init`] again:
    /// the database is as after its first `init`.
    pub fn reset(&self) -> Result<()> {
        let mut conn = self.lock();
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        ddl::drop_all(&tx)?;
        ddl::create(&tx, &self.inner.schema)?;
        tx.commit()?;
        self.inner.initialized.store(true, Ordering::Release);
        Ok(())
    }

    /// The schema the database was opened with.
    pub fn schema(&self) -> &Schema {
        &self.inner.schema
    }

    /// The database file.
    pub fn path(&self) -> &Path {
        &self.inner.path
    }

    /// A handle whose writes are queued with upload deferred until marked for upload.
    pub fn deferred(&self) -> Device {
        Device {
            inner: Arc::clone(&self.inner),
            deferred: true,
        }
    }

    /// Runs `f` on the connection with nothing else in between. For reads of an application's
    /// own; writes through it bypass the change queue.
    pub fn with_connection<T>(&self, f: impl FnOnce(&Connection) -> T) -> T {
        f(&self.lock())
    }

    fn lock(&self) -> MutexGuard<'_, Connection> {
        // A panic while holding the lock cannot leave SQLite half-written: every change runs
        // in a transaction that rolls back when dropped.
        self.inner
            .conn
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    pub(crate) fn plan(&self, object: &str) -> Result<&ObjectPlan> {
        self.inner
            .plans
            .iter()
            .find(|p| p.object.name == object)
            .ok_or_else(|| Error::UnknownObject {
                object: object.to_owned(),
            })
    }

    pub(crate) fn plans(&self) -> &[ObjectPlan] {
        &self.inner.plans
    }

    pub(crate) fn options(&self) -> &DeviceOptions {
        &self.inner.options
    }

    /// Runs `f` in one immediate transaction after checking that `init` ran.
    pub(crate) fn transaction<T>(
        &self,
        f: impl FnOnce(&rusqlite::Transaction<'_>) -> Result<T>,
    ) -> Result<T> {
        let mut conn = self.lock();
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        self.check_initialized(&tx)?;
        let value = f(&tx)?;
        tx.commit()?;
        Ok(value)
    }

    /// Runs a read in one deferred transaction, so it sees one state of the database.
    pub(crate) fn read<T>(
        &self,
        f: impl FnOnce(&rusqlite::Transaction<'_>) -> Result<T>,
    ) -> Result<T> {
        let mut conn = self.lock();
        let tx = conn.transaction_with_behavior(TransactionBehavior::Deferred)?;
        self.check_initialized(&tx)?;
        let value = f(&tx)?;
        tx.commit()?;
        Ok(value)
    }

    fn check_initialized(&self, tx: &rusqlite::Transaction<'_>) -> Result<()> {
        if !self.inner.initialized.load(Ordering::Acquire) {
            ddl::check_initialized(tx, &self.inner.schema)?;
            self.inner.initialized.store(true, Ordering::Release);
        }
        Ok(())
    }

    /// The stored download token of a scope (`""` before the first download).
    pub fn download_token(&self, scope: &str) -> Result<String> {
        self.scope_text(scope, "download_token")
    }

    /// The upload token the server returned last for a scope (`""` before the first upload).
    pub fn upload_token(&self, scope: &str) -> Result<String> {
        self.scope_text(scope, "upload_token")
    }

    fn scope_text(&self, scope: &str, column: &'static str) -> Result<String> {
        if self.inner.schema.scope(scope).is_none() {
            return Err(Error::UnknownScope {
                scope: scope.to_owned(),
            });
        }
        self.read(|tx| {
            let sql = format!("SELECT {column} FROM _sync_scope WHERE scope = ?1");
            let value: Option<String> = tx.query_row(&sql, [scope], |r| r.get(0)).optional()?;
            value.ok_or_else(|| Error::Corrupt(format!("no state for scope {scope}")))
        })
    }
}
