//! The local half of syncing, with no I/O: plain functions over the device database that a
//! sync session calls between network round trips (spec §1.6, §1.8, §3.5, §5.2).
//!
//! 1. [`Device::take_upload_window`] takes the next window of queued changes of a scope and
//!    persists it; until its upload is accepted, taking a window again returns the same one,
//!    so a resend after a lost response is identical.
//! 2. [`Device::record_upload_accepted`] records the server's acceptance of a window with its
//!    upload token and the acknowledgements it carried (applied-at-once scopes acknowledge at
//!    once; persisted-first scopes later, in a download).
//! 3. [`Device::apply_download_batch`] applies a downloaded batch, its acknowledgements and its
//!    token in one transaction. A record with pending local changes is left alone.
//!
//! An acknowledgement clears exactly the changes it covers: the record's sent changes up to
//! the acknowledged replay sequence. A change made after the window was taken stays pending.
//! A rejected change stays queued with its error. A server key replacing a temporary one is
//! written into the row, its queue entries, its pre-change image and every foreign key that
//! points at it.

use rusqlite::OptionalExtension;
use serde::{Deserialize, Serialize};
use sync_schema::{Object, Strategy};

use crate::device::{decode_image, decode_key, encode_image, encode_key, key_values};
use crate::device::{ChangeKind, Device, ObjectPlan, IN_WINDOW, QUEUED, SENT};
use crate::value::{Row, Value};
use crate::{Error, Result};

/// A window of queued changes of one scope, ready to upload.
#[derive(Debug, Clone, PartialEq)]
pub struct UploadWindow {
    /// The window's id, to pass back to [`Device::record_upload_accepted`].
    pub id: i64,
    /// The scope.
    pub scope: String,
    /// The scope's upload sequence number (the legacy `SequenceNumber`).
    pub sequence_number: i64,
    /// The upload token of the previous accepted upload (the legacy `serverBlob`).
    pub upload_token: String,
    /// Whether more queued changes remain after this window.
    pub more_changes_available: bool,
    /// The changes, in replay order.
    pub changes: Vec<OutgoingChange>,
}

/// One change in an upload window.
#[derive(Debug, Clone, PartialEq)]
pub struct OutgoingChange {
    /// The replay sequence.
    pub seq: i64,
    /// The object.
    pub object: String,
    /// The change.
    pub change: ChangeKind,
    /// The record's key at the time the window was taken.
    pub key: Row,
    /// The full row image (the last image, for a delete).
    pub row: Row,
    /// The server hash the change was made against, if the record came from the server.
    pub hash: Option<String>,
}

/// The server's answer about one uploaded change.
#[derive(Debug, Clone, PartialEq)]
pub struct Acknowledgement {
    /// The object.
    pub object: String,
    /// The replay sequence of the change acknowledged; earlier sent changes of the same
    /// record are covered too.
    pub seq: i64,
    /// The record's key on the server.
    pub key: Row,
    /// The temporary key the device used, when the server assigned a new one.
    pub client_key: Option<Row>,
    /// The row as the server now holds it, when it says so.
    pub row: Option<Row>,
    /// The server's new version token of the row.
    pub hash: Option<String>,
    /// Why the server rejected the change; `None` when it was applied.
    pub error: Option<String>,
}

/// A change made on the server, in a downloaded batch.
#[derive(Debug, Clone, PartialEq)]
pub enum ServerChange {
    /// Insert or replace a row.
    Upsert {
        /// The object.
        object: String,
        /// The full row.
        row: Row,
        /// The server's version token.
        hash: Option<String>,
    },
    /// Delete a row.
    Delete {
        /// The object.
        object: String,
        /// The key.
        key: Row,
    },
}

/// One downloaded batch of a scope.
#[derive(Debug, Clone, PartialEq)]
pub struct DownloadBatch {
    /// The scope.
    pub scope: String,
    /// Server changes, applied in order.
    pub changes: Vec<ServerChange>,
    /// Acknowledgements of earlier uploads (persisted-first scopes), applied first.
    pub acknowledgements: Vec<Acknowledgement>,
    /// The download token that follows this batch.
    pub token: String,
}

/// What applying acknowledgements did.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct AckReport {
    /// Changes cleared from the queue.
    pub acknowledged: u64,
    /// Changes the server rejected; they stay queued.
    pub failed: Vec<FailedChange>,
    /// Temporary keys replaced by server keys: (object, old key, new key).
    pub reconciled_keys: Vec<(String, Row, Row)>,
}

/// A change the server rejected.
#[derive(Debug, Clone, PartialEq)]
pub struct FailedChange {
    /// The object.
    pub object: String,
    /// The record's key.
    pub key: Row,
    /// The server's message.
    pub error: String,
}

/// What applying a download batch did.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct DownloadReport {
    /// Rows inserted or replaced.
    pub upserted: u64,
    /// Rows deleted.
    pub deleted: u64,
    /// Server changes left out because the record has pending local changes.
    pub skipped_pending: u64,
    /// The acknowledgements in the batch.
    pub acks: AckReport,
}

/// The frozen form of a window in `_sync_window`.
#[derive(Serialize, Deserialize)]
struct StoredWindow {
    sequence_number: i64,
    upload_token: String,
    more: bool,
    changes: Vec<StoredChange>,
}

#[derive(Serialize, Deserialize)]
struct StoredChange {
    seq: i64,
    object: String,
    change: i64,
    pk: String,
    image: String,
    hash: Option<String>,
}

impl Device {
    /// Takes the next upload window of a scope: at most `batch_size` queued changes in replay
    /// order, persisted with the scope's sequence number and upload token. While a window of
    /// the scope has not been accepted, returns that same window. `None` when nothing is
    /// queued.
    pub fn take_upload_window(
        &self,
        scope: &str,
        batch_size: usize,
    ) -> Result<Option<UploadWindow>> {
        self.check_scope(scope)?;
        self.transaction(|tx| {
            let existing: Option<(i64, String)> = tx
                .query_row(
                    "SELECT id, payload FROM _sync_window WHERE scope = ?1",
                    [scope],
                    |r| Ok((r.get(0)?, r.get(1)?)),
                )
                .optional()?;
            if let Some((id, payload)) = existing {
                return self.window_from_stored(id, scope, &payload).map(Some);
            }
            let (sequence_number, upload_token): (i64, String) = tx.query_row(
                "SELECT upload_sequence, upload_token FROM _sync_scope WHERE scope = ?1",
                [scope],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )?;
            let limit = i64::try_from(batch_size.max(1)).unwrap_or(i64::MAX);
            let mut stmt = tx.prepare_cached(
                "SELECT seq, object, change, pk, image, hash FROM _sync_queue \
                 WHERE scope = ?1 AND state = ?2 AND change < 90 ORDER BY seq LIMIT ?3",
            )?;
            let changes: Vec<StoredChange> = stmt
                .query_map(rusqlite::params![scope, QUEUED, limit], |r| {
                    Ok(StoredChange {
                        seq: r.get(0)?,
                        object: r.get(1)?,
                        change: r.get(2)?,
                        pk: r.get(3)?,
                        image: r.get(4)?,
                        hash: r.get(5)?,
                    })
                })?
                .collect::<rusqlite::Result<_>>()?;
            drop(stmt);
            let Some(last) = changes.last().map(|c| c.seq) else {
                return Ok(None);
            };
            let more: Option<i64> = tx
                .query_row(
                    "SELECT 1 FROM _sync_queue WHERE scope = ?1 AND state = ?2 \
                     AND change < 90 AND seq > ?3 LIMIT 1",
                    rusqlite::params![scope, QUEUED, last],
                    |r| r.get(0),
                )
                .optional()?;
            let stored = StoredWindow {
                sequence_number,
                upload_token,
                more: more.is_some(),
                changes,
            };
            let payload = serde_json::to_string(&stored)
                .map_err(|e| Error::Corrupt(format!("window not serialisable: {e}")))?;
            tx.execute(
                "INSERT INTO _sync_window (scope, payload) VALUES (?1, ?2)",
                [scope, payload.as_str()],
            )?;
            let id = tx.last_insert_rowid();
            let mut mark =
                tx.prepare_cached("UPDATE _sync_queue SET state = ?1, window = ?2 WHERE seq = ?3")?;
            for change in &stored.changes {
                mark.execute(rusqlite::params![IN_WINDOW, id, change.seq])?;
            }
            self.window_from_stored(id, scope, &payload).map(Some)
        })
    }

    fn window_from_stored(&self, id: i64, scope: &str, payload: &str) -> Result<UploadWindow> {
        let stored: StoredWindow = serde_json::from_str(payload)
            .map_err(|e| Error::Corrupt(format!("stored upload window: {e}")))?;
        let mut changes = Vec::with_capacity(stored.changes.len());
        for c in stored.changes {
            let plan = self.plan(&c.object)?;
            changes.push(OutgoingChange {
                seq: c.seq,
                change: ChangeKind::from_code(c.change)
                    .ok_or_else(|| Error::Corrupt(format!("change code {}", c.change)))?,
                key: decode_key(&plan.object, &c.pk)?,
                row: decode_image(&plan.object, &c.image)?,
                hash: c.hash,
                object: c.object,
            });
        }
        Ok(UploadWindow {
            id,
            scope: scope.to_owned(),
            sequence_number: stored.sequence_number,
            upload_token: stored.upload_token,
            more_changes_available: stored.more,
            changes,
        })
    }

    /// Records that the server accepted an upload window, in one transaction: stores the
    /// upload token, advances the sequence number, marks the window's changes sent and
    /// applies the acknowledgements that came with it.
    ///
    /// In an applied-at-once scope, changes of the window that the server did not acknowledge
    /// (it stopped at an error) go back to the queue; in a persisted-first scope they wait for
    /// their acknowledgement in a later download.
    pub fn record_upload_accepted(
        &self,
        window_id: i64,
        upload_token: &str,
        acknowledgements: &[Acknowledgement],
    ) -> Result<AckReport> {
        self.transaction(|tx| {
            let scope: Option<String> = tx
                .query_row("SELECT scope FROM _sync_window WHERE id = ?1", [window_id], |r| r.get(0))
                .optional()?;
            let Some(scope) = scope else {
                return Err(Error::SyncState(format!(
                    "no upload window {window_id} in flight (already recorded?)"
                )));
            };
            tx.execute(
                "UPDATE _sync_scope SET upload_token = ?1, upload_sequence = upload_sequence + 1 \
                 WHERE scope = ?2",
                [upload_token, scope.as_str()],
            )?;
            let touched = window_records(tx, window_id)?;
            tx.execute(
                "UPDATE _sync_queue SET state = ?1 WHERE window = ?2",
                rusqlite::params![SENT, window_id],
            )?;
            let report = self.apply_acks(tx, acknowledgements)?;
            let strategy = self.schema().scope(&scope).map(|s| s.strategy);
            if strategy == Some(Strategy::AppliedAtOnce) {
                tx.execute(
                    "UPDATE _sync_queue SET state = ?1, window = NULL WHERE window = ?2 AND state = ?3",
                    rusqlite::params![QUEUED, window_id, SENT],
                )?;
            }
            tx.execute("DELETE FROM _sync_window WHERE id = ?1", [window_id])?;
            self.refresh_records(tx, &touched)?;
            Ok(report)
        })
    }

    /// Forgets the window in flight of a scope without recording an acceptance (the server
    /// answered with an error for the whole upload): its changes go back to the queue.
    pub fn abandon_upload_window(&self, scope: &str) -> Result<()> {
        self.check_scope(scope)?;
        self.transaction(|tx| {
            let id: Option<i64> = tx
                .query_row(
                    "SELECT id FROM _sync_window WHERE scope = ?1",
                    [scope],
                    |r| r.get(0),
                )
                .optional()?;
            let Some(id) = id else { return Ok(()) };
            tx.execute(
                "UPDATE _sync_queue SET state = ?1, window = NULL WHERE window = ?2",
                rusqlite::params![QUEUED, id],
            )?;
            tx.execute("DELETE FROM _sync_window WHERE id = ?1", [id])?;
            Ok(())
        })
    }

    /// Applies a downloaded batch, its acknowledgements and its token in one transaction:
    /// all of it or, on any error, none of it. Rows with pending local changes are left alone.
    pub fn apply_download_batch(&self, batch: &DownloadBatch) -> Result<DownloadReport> {
        self.check_scope(&batch.scope)?;
        self.transaction(|tx| {
            let mut report = DownloadReport {
                acks: self.apply_acks(tx, &batch.acknowledgements)?,
                ..DownloadReport::default()
            };
            let writer = self.writer(tx);
            for change in &batch.changes {
                match change {
                    ServerChange::Upsert { object, row, hash } => {
                        let plan = self.plan(object)?;
                        let full = server_row(&plan.object, row)?;
                        let key: Vec<Value> = plan
                            .object
                            .primary_key
                            .iter()
                            .map(|k| full[k].clone())
                            .collect();
                        if has_local_changes(tx, &plan.object.name, &encode_key(&key))? {
                            report.skipped_pending += 1;
                            continue;
                        }
                        writer.insert_row(&plan.object, &full, None, hash.as_deref(), true)?;
                        report.upserted += 1;
                    }
                    ServerChange::Delete { object, key } => {
                        let plan = self.plan(object)?;
                        let key = key_values(&plan.object, key, "download delete")?;
                        if has_local_changes(tx, &plan.object.name, &encode_key(&key))? {
                            report.skipped_pending += 1;
                            continue;
                        }
                        writer.delete_row(&plan.object, &key)?;
                        report.deleted += 1;
                    }
                }
            }
            tx.execute(
                "UPDATE _sync_scope SET download_token = ?1 WHERE scope = ?2",
                [batch.token.as_str(), batch.scope.as_str()],
            )?;
            Ok(report)
        })
    }

    fn check_scope(&self, scope: &str) -> Result<()> {
        match self.schema().scope(scope) {
            Some(_) => Ok(()),
            None => Err(Error::UnknownScope {
                scope: scope.to_owned(),
            }),
        }
    }

    /// Applies acknowledgements inside a transaction.
    fn apply_acks(
        &self,
        tx: &rusqlite::Transaction<'_>,
        acks: &[Acknowledgement],
    ) -> Result<AckReport> {
        let mut report = AckReport::default();
        for ack in acks {
            let plan = self.plan(&ack.object)?;
            let object = &plan.object;
            let server_key = key_values(object, &ack.key, "acknowledgement")?;
            let client_key = match &ack.client_key {
                Some(k) => key_values(object, k, "acknowledgement")?,
                None => server_key.clone(),
            };
            if let Some(error) = &ack.error {
                let pk = encode_key(&client_key);
                let n = tx.execute(
                    "UPDATE _sync_queue SET state = ?1, window = NULL, error = ?2 \
                     WHERE object = ?3 AND pk = ?4 AND seq <= ?5 AND state = ?6",
                    rusqlite::params![QUEUED, error, object.name, pk, ack.seq, SENT],
                )?;
                if n > 0 {
                    self.writer(tx).refresh_status(object, &client_key, &pk)?;
                }
                report.failed.push(FailedChange {
                    object: object.name.clone(),
                    key: ack.client_key.clone().unwrap_or_else(|| ack.key.clone()),
                    error: error.clone(),
                });
                continue;
            }
            if client_key != server_key {
                self.rekey(tx, plan, &client_key, &server_key)?;
                report.reconciled_keys.push((
                    object.name.clone(),
                    key_row(object, &client_key),
                    key_row(object, &server_key),
                ));
            }
            report.acknowledged += self.clear_acknowledged(tx, plan, &server_key, ack)?;
        }
        Ok(report)
    }

    /// Clears a record's sent changes up to the acknowledged sequence; returns how many.
    fn clear_acknowledged(
        &self,
        tx: &rusqlite::Transaction<'_>,
        plan: &ObjectPlan,
        key: &[Value],
        ack: &Acknowledgement,
    ) -> Result<u64> {
        let object = &plan.object;
        let pk = encode_key(key);
        let acked_image: Option<(String, i64)> = tx
            .query_row(
                "SELECT image, change FROM _sync_queue WHERE object = ?1 AND pk = ?2 \
                 AND seq <= ?3 AND state = ?4 ORDER BY seq DESC LIMIT 1",
                rusqlite::params![object.name, pk, ack.seq, SENT],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?;
        let cleared = tx.execute(
            "DELETE FROM _sync_queue WHERE object = ?1 AND pk = ?2 AND seq <= ?3 AND state = ?4",
            rusqlite::params![object.name, pk, ack.seq, SENT],
        )?;
        let remaining: i64 = tx.query_row(
            "SELECT count(*) FROM _sync_queue WHERE object = ?1 AND pk = ?2",
            rusqlite::params![object.name, pk],
            |r| r.get(0),
        )?;
        if remaining == 0 {
            tx.execute(
                "DELETE FROM _sync_original WHERE object = ?1 AND pk = ?2",
                rusqlite::params![object.name, pk],
            )?;
        } else if let Some((image, code)) = &acked_image {
            // Later local changes remain: rollback now returns to what the server holds.
            let server_image = match (&ack.row, ChangeKind::from_code(*code)) {
                (_, Some(ChangeKind::Delete)) => None,
                (Some(row), _) => Some(encode_image(&server_row(object, row)?)),
                (None, _) => Some(image.clone()),
            };
            let change = if server_image.is_some() {
                ChangeKind::Update
            } else {
                ChangeKind::Create
            };
            tx.execute(
                "UPDATE _sync_original SET change = ?1, image = ?2, hash = ?3 \
                 WHERE object = ?4 AND pk = ?5",
                rusqlite::params![change.code(false), server_image, ack.hash, object.name, pk],
            )?;
            tx.execute(
                "UPDATE _sync_queue SET hash = ?1 WHERE object = ?2 AND pk = ?3",
                rusqlite::params![ack.hash, object.name, pk],
            )?;
        }
        if cleared > 0 {
            let sql = format!(
                "UPDATE {} SET _sync_hash = ? WHERE {}",
                crate::query::quote_ident(&object.name),
                crate::device::equalities(&object.primary_key)
            );
            let params = std::iter::once(
                ack.hash
                    .clone()
                    .map_or(rusqlite::types::Value::Null, rusqlite::types::Value::Text),
            )
            .chain(key.iter().map(crate::device::to_sql));
            tx.prepare_cached(&sql)?
                .execute(rusqlite::params_from_iter(params))?;
            self.writer(tx).refresh_status(object, key, &pk)?;
        }
        Ok(cleared as u64)
    }

    /// Replaces a temporary key by the server's in the row, its queue entries, its pre-change
    /// image, and in every child that points at it (recursively, when a child's own key
    /// contains the reference).
    fn rekey(
        &self,
        tx: &rusqlite::Transaction<'_>,
        plan: &ObjectPlan,
        old: &[Value],
        new: &[Value],
    ) -> Result<()> {
        let object = &plan.object;
        let old_row = key_row(object, old);
        let new_row = key_row(object, new);
        let old_pk = encode_key(old);
        let new_pk = encode_key(new);
        // The row itself.
        let sets = object
            .primary_key
            .iter()
            .map(|k| format!("{} = ?", crate::query::quote_ident(k)))
            .collect::<Vec<_>>()
            .join(", ");
        let sql = format!(
            "UPDATE {} SET {sets} WHERE {}",
            crate::query::quote_ident(&object.name),
            crate::device::equalities(&object.primary_key)
        );
        tx.execute(
            &sql,
            rusqlite::params_from_iter(new.iter().chain(old).map(crate::device::to_sql)),
        )?;
        // Its queue entries and pre-change image.
        rewrite_images(tx, object, Some((&old_pk, &new_pk)), &old_row, &new_row)?;
        // Its children.
        for link in &plan.children {
            let child_plan = self.plan(&link.child)?;
            let Some(from) = link_values(&link.parent_columns, &old_row) else {
                continue;
            };
            let Some(to) = link_values(&link.parent_columns, &new_row) else {
                continue;
            };
            if from == to {
                continue;
            }
            let child = &child_plan.object;
            let from_row: Row = link
                .child_columns
                .iter()
                .cloned()
                .zip(from.clone())
                .collect();
            let to_row: Row = link.child_columns.iter().cloned().zip(to.clone()).collect();
            let key_involved = link.child_columns.iter().any(|c| child.is_key(c));
            if key_involved {
                let keys = self
                    .writer(tx)
                    .keys_where(child, &link.child_columns, &from)?;
                for child_key in keys {
                    let mut moved = key_row(child, &child_key);
                    for (c, v) in &to_row {
                        if moved.contains_key(c) {
                            moved.insert(c.clone(), v.clone());
                        }
                    }
                    let moved: Vec<Value> =
                        child.primary_key.iter().map(|k| moved[k].clone()).collect();
                    self.rekey(tx, child_plan, &child_key, &moved)?;
                }
            }
            let sets = link
                .child_columns
                .iter()
                .map(|c| format!("{} = ?", crate::query::quote_ident(c)))
                .collect::<Vec<_>>()
                .join(", ");
            let sql = format!(
                "UPDATE {} SET {sets} WHERE {}",
                crate::query::quote_ident(&child.name),
                crate::device::equalities(&link.child_columns)
            );
            tx.execute(
                &sql,
                rusqlite::params_from_iter(to.iter().chain(&from).map(crate::device::to_sql)),
            )?;
            rewrite_images(tx, child, None, &from_row, &to_row)?;
        }
        Ok(())
    }

    fn refresh_records(
        &self,
        tx: &rusqlite::Transaction<'_>,
        records: &[(String, String)],
    ) -> Result<()> {
        for (object, pk) in records {
            let plan = self.plan(object)?;
            let key = decode_key(&plan.object, pk)?;
            let values: Vec<Value> = plan
                .object
                .primary_key
                .iter()
                .map(|k| key[k].clone())
                .collect();
            self.writer(tx).refresh_status(&plan.object, &values, pk)?;
        }
        Ok(())
    }
}

/// The distinct records of a window.
fn window_records(tx: &rusqlite::Transaction<'_>, window: i64) -> Result<Vec<(String, String)>> {
    let mut stmt =
        tx.prepare_cached("SELECT DISTINCT object, pk FROM _sync_queue WHERE window = ?1")?;
    let rows = stmt.query_map([window], |r| Ok((r.get(0)?, r.get(1)?)))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Whether a record has queue entries or a pre-change image.
fn has_local_changes(tx: &rusqlite::Transaction<'_>, object: &str, pk: &str) -> Result<bool> {
    let found: Option<i64> = tx
        .prepare_cached(
            "SELECT 1 FROM _sync_queue WHERE object = ?1 AND pk = ?2 \
             UNION ALL SELECT 1 FROM _sync_original WHERE object = ?1 AND pk = ?2 LIMIT 1",
        )?
        .query_row([object, pk], |r| r.get(0))
        .optional()?;
    Ok(found.is_some())
}

/// A server row checked against the object: known fields only, valid values, the key
/// present; fields it leaves out are NULL.
fn server_row(object: &Object, row: &Row) -> Result<Row> {
    crate::device::check_known(object, row)?;
    let mut full = Row::new();
    for field in &object.fields {
        let value = row.get(&field.name).cloned().unwrap_or(Value::Null);
        let value = crate::device::check_value(object, field, value)?;
        if value.is_null() && object.is_key(&field.name) {
            return Err(Error::KeyMissing {
                object: object.name.clone(),
                field: field.name.clone(),
                operation: "download",
                problem: "is not specified",
            });
        }
        full.insert(field.name.clone(), value);
    }
    Ok(full)
}

fn key_row(object: &Object, values: &[Value]) -> Row {
    object
        .primary_key
        .iter()
        .cloned()
        .zip(values.iter().cloned())
        .collect()
}

fn link_values(columns: &[String], row: &Row) -> Option<Vec<Value>> {
    columns.iter().map(|c| row.get(c).cloned()).collect()
}

/// Rewrites `from` values to `to` values in the stored images of an object (and, with `pk`,
/// the key text of its queue entries and pre-change image).
fn rewrite_images(
    tx: &rusqlite::Transaction<'_>,
    object: &Object,
    pk: Option<(&str, &str)>,
    from: &Row,
    to: &Row,
) -> Result<()> {
    if let Some((old, new)) = pk {
        tx.execute(
            "UPDATE _sync_queue SET pk = ?1 WHERE object = ?2 AND pk = ?3",
            rusqlite::params![new, object.name, old],
        )?;
        tx.execute(
            "UPDATE _sync_original SET pk = ?1 WHERE object = ?2 AND pk = ?3",
            rusqlite::params![new, object.name, old],
        )?;
    }
    // The record's own images are found by its key; a child's must be read to be matched.
    let only = pk.map(|(_, new)| new);
    for table in ["_sync_queue", "_sync_original"] {
        let id = if table == "_sync_queue" {
            "seq"
        } else {
            "rowid"
        };
        let sql = format!(
            "SELECT {id}, image FROM {table} \
             WHERE object = ?1 AND image IS NOT NULL AND (?2 IS NULL OR pk = ?2)"
        );
        let images: Vec<(i64, String)> = tx
            .prepare(&sql)?
            .query_map(rusqlite::params![object.name, only], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })?
            .collect::<rusqlite::Result<_>>()?;
        let update = format!("UPDATE {table} SET image = ?1 WHERE {id} = ?2");
        for (rowid, image) in images {
            let mut row = decode_image(object, &image)?;
            if from.iter().all(|(c, v)| row.get(c) == Some(v)) {
                for (c, v) in to {
                    row.insert(c.clone(), v.clone());
                }
                tx.execute(&update, rusqlite::params![encode_image(&row), rowid])?;
            }
        }
    }
    Ok(())
}
