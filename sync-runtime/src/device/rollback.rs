//! Rollback of local changes: every record goes back to its pre-change image.
//!
//! For each record with a pre-change image: a record created locally is deleted; a record
//! updated or deleted locally gets its image back, byte for byte, with its server hash. Then
//! its queue entries and image are dropped. Each object's images drive its own rollback, so a
//! cascaded delete is undone by rolling back the parent's and the children's objects.
//!
//! Changes that have left the device (in an upload window, or sent and awaiting their
//! acknowledgement) are not rolled back: the server decides on them. A record with such
//! changes goes back to the state its last sent change left it in, and only its later
//! changes are dropped.

use std::collections::{HashSet, VecDeque};

use rusqlite::{OptionalExtension, Transaction};
use sync_schema::Object;

use super::ddl::QUEUED;
use super::write::Writer;
use super::{decode_image, decode_key, key_values, ChangeKind, Device, ObjectPlan};
use crate::value::{Row, Value};
use crate::{Error, Result};

impl Device {
    /// Undoes every local change of every object not yet acknowledged; returns how many
    /// records were restored.
    pub fn rollback_pending_local_changes(&self) -> Result<u64> {
        self.transaction(|tx| {
            let writer = self.writer(tx);
            let mut start = Vec::new();
            for plan in self.plans() {
                for original in originals(tx, &plan.object.name, None)? {
                    start.push((plan, original.0));
                }
            }
            rollback_records(&writer, start)
        })
    }

    /// Undoes every local change of one object; returns how many records were restored.
    pub fn rollback_object(&self, object: &str) -> Result<u64> {
        let plan = self.plan(object)?;
        self.transaction(|tx| rollback_where(&self.writer(tx), plan, None))
    }

    /// Undoes the local changes of one record. Fails with 7009 when it has none that can be
    /// undone.
    pub fn rollback_by_pk(&self, object: &str, key: &Row) -> Result<u64> {
        let plan = self.plan(object)?;
        let values = key_values(&plan.object, key, "rollback")?;
        let pk = super::encode_key(&values);
        self.transaction(|tx| {
            let count = rollback_where(&self.writer(tx), plan, Some(&pk))?;
            if count == 0 {
                return Err(Error::NothingToRollBack {
                    object: plan.object.name.clone(),
                    key: super::validate::show_key(&plan.object, &values),
                });
            }
            Ok(count)
        })
    }
}

/// Restores the records of one object that have a pre-change image (only `pk` if given),
/// and the records that point at a record whose creation is undone.
fn rollback_where(writer: &Writer<'_>, plan: &ObjectPlan, pk: Option<&str>) -> Result<u64> {
    let start = originals(writer.tx, &plan.object.name, pk)?
        .into_iter()
        .map(|original| (plan, original.0))
        .collect();
    rollback_records(writer, start)
}

/// Restores records from their pre-change images, working through a list: undoing the
/// creation of a record also undoes the local changes of the records that point at it, which
/// would otherwise be left pointing at nothing (and uploaded so).
fn rollback_records<'p>(writer: &Writer<'p>, start: Vec<(&'p ObjectPlan, String)>) -> Result<u64> {
    let mut pending: VecDeque<(&'p ObjectPlan, String)> = start.into();
    let mut seen: HashSet<(String, String)> = HashSet::new();
    let mut restored = 0;
    while let Some((plan, pk)) = pending.pop_front() {
        if !seen.insert((plan.object.name.clone(), pk.clone())) {
            continue;
        }
        let object = &plan.object;
        let Some((_, code, image, hash)) = originals(writer.tx, &object.name, Some(&pk))?.pop()
        else {
            continue;
        };
        let key = decode_key(object, &pk)?;
        let values: Vec<Value> = object.primary_key.iter().map(|k| key[k].clone()).collect();
        if let Some(sent) = last_sent_change(writer.tx, &object.name, &pk)? {
            if rollback_to_sent(writer, object, &pk, &values, sent)? {
                restored += 1;
            }
            continue;
        }
        let change = ChangeKind::from_code(code)
            .ok_or_else(|| Error::Corrupt(format!("original change code {code}")))?;
        match (change, image) {
            (ChangeKind::Create, _) => {
                if let Some((row, _)) = writer.select(plan, &values)? {
                    for dependant in dependants(writer, plan, &row)? {
                        pending.push_back(dependant);
                    }
                }
                writer.delete_row(object, &values)?;
            }
            (_, Some(image)) => {
                let row = decode_image(object, &image)?;
                writer.insert_row(object, &row, None, hash.as_deref(), true)?;
            }
            (_, None) => {
                return Err(Error::Corrupt(format!(
                    "no pre-change image of {} {pk}",
                    object.name
                )))
            }
        }
        writer.forget(object, &pk)?;
        restored += 1;
    }
    Ok(restored)
}

/// The records, in any object, whose columns point at this row.
fn dependants<'p>(
    writer: &Writer<'p>,
    plan: &ObjectPlan,
    row: &Row,
) -> Result<Vec<(&'p ObjectPlan, String)>> {
    let mut found = Vec::new();
    for link in &plan.children {
        let values: Vec<Value> = link.parent_columns.iter().map(|c| row[c].clone()).collect();
        if values.iter().any(Value::is_null) {
            continue;
        }
        let child = writer.db.plan(&link.child)?;
        for key in writer.keys_where(&child.object, &link.child_columns, &values)? {
            found.push((child, super::encode_key(&key)));
        }
    }
    Ok(found)
}

/// The latest change of a record that has left the device: (change code, image, hash).
type SentChange = (i64, String, Option<String>);

fn last_sent_change(tx: &Transaction<'_>, object: &str, pk: &str) -> Result<Option<SentChange>> {
    let sent = tx
        .prepare_cached(
            "SELECT change, image, hash FROM _sync_queue WHERE object = ?1 AND pk = ?2 \
             AND state <> ?3 ORDER BY seq DESC LIMIT 1",
        )?
        .query_row(rusqlite::params![object, pk, QUEUED], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?))
        })
        .optional()?;
    Ok(sent)
}

/// Drops the changes of a record that have not left the device and restores the row as its
/// last sent change left it; whether there was anything to drop.
fn rollback_to_sent(
    writer: &Writer<'_>,
    object: &Object,
    pk: &str,
    key: &[Value],
    (code, image, hash): SentChange,
) -> Result<bool> {
    let dropped = writer
        .tx
        .prepare_cached("DELETE FROM _sync_queue WHERE object = ?1 AND pk = ?2 AND state = ?3")?
        .execute(rusqlite::params![object.name, pk, QUEUED])?;
    if dropped == 0 {
        return Ok(false);
    }
    if ChangeKind::from_code(code) == Some(ChangeKind::Delete) {
        writer.delete_row(object, key)?;
    } else {
        let row = decode_image(object, &image)?;
        writer.insert_row(object, &row, None, hash.as_deref(), true)?;
        writer.refresh_status(object, key, pk)?;
    }
    Ok(true)
}

type Original = (String, i64, Option<String>, Option<String>);

fn originals(tx: &Transaction<'_>, object: &str, pk: Option<&str>) -> Result<Vec<Original>> {
    let mut stmt = tx.prepare_cached(
        "SELECT pk, change, image, hash FROM _sync_original \
         WHERE object = ?1 AND (?2 IS NULL OR pk = ?2)",
    )?;
    let rows = stmt.query_map(rusqlite::params![object, pk], |r| {
        Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}
