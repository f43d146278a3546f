//! The ORM's reads, and the pending-upload, pending-acknowledgement and deferred queries.

use rusqlite::{params_from_iter, Transaction};
use sync_schema::Object;

use super::ddl::{QUEUED, SENT};
use super::write::all_columns;
use super::{decode_image, decode_key, from_sql, key_values, to_sql};
use super::{ChangeKind, Device, PendingRecord, QueuedChange};
use crate::query::{check_parameters, quote_ident, render_condition, render_order};
use crate::query::{Mode, OrderBy, Query};
use crate::value::{Row, Value};
use crate::{Error, Result};

/// Which records an object-level pending query returns.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Pending {
    Upload,
    Acknowledgement,
    Deferred,
}

impl Device {
    /// Every record, sorted by the given columns, then limited and offset.
    pub fn get_all(
        &self,
        object: &str,
        order_by: &[OrderBy],
        limit: Option<u64>,
        offset: Option<u64>,
    ) -> Result<Vec<Row>> {
        let mut query = Query::all();
        for order in order_by {
            query = query.order_by(order.clone());
        }
        query.limit = limit;
        query.offset = offset;
        self.find(object, query)
    }

    /// The record with this key, if any (the legacy `getAllDetailsByPK`).
    pub fn get_by_pk(&self, object: &str, key: &Row) -> Result<Option<Row>> {
        let plan = self.plan(object)?;
        let key = key_values(&plan.object, key, "get_all_details_by_pk")?;
        self.read(|tx| Ok(self.writer(tx).select(plan, &key)?.map(|(row, _)| row)))
    }

    /// The records matching a filter or a raw where clause, which may sort, limit and offset.
    pub fn find(&self, object: &str, query: impl Into<Query>) -> Result<Vec<Row>> {
        let plan = self.plan(object)?;
        let object = &plan.object;
        let query = query.into();
        let resolved = query.resolve(object, Mode::Read)?;
        let mut params = Vec::new();
        let mut sql = format!(
            "SELECT {} FROM {}",
            all_columns(object),
            quote_ident(&object.name)
        );
        if let Some(condition) = &resolved.condition {
            sql.push_str(" WHERE ");
            sql.push_str(&render_condition(condition, &mut params));
        }
        if !resolved.order_by.is_empty() {
            sql.push_str(" ORDER BY ");
            sql.push_str(&render_order(&resolved.order_by));
        }
        if resolved.limit.is_some() || resolved.offset.is_some() {
            sql.push_str(" LIMIT ? OFFSET ?");
            params.push(Value::Integer(limit_value(resolved.limit)));
            params.push(Value::Integer(limit_value(resolved.offset).max(0)));
        }
        check_parameters(&query, object, params.len())?;
        self.read(|tx| select_rows(tx, object, &sql, &params))
            .map_err(|e| query.failed(object, e))
    }

    /// How many records match a filter or a raw where clause.
    pub fn count(&self, object: &str, query: impl Into<Query>) -> Result<u64> {
        let plan = self.plan(object)?;
        let object = &plan.object;
        let query = query.into();
        let resolved = query.resolve(object, Mode::Read)?;
        let mut params = Vec::new();
        let mut inner = format!("SELECT 1 FROM {}", quote_ident(&object.name));
        if let Some(condition) = &resolved.condition {
            inner.push_str(" WHERE ");
            inner.push_str(&render_condition(condition, &mut params));
        }
        if resolved.limit.is_some() || resolved.offset.is_some() {
            inner.push_str(" LIMIT ? OFFSET ?");
            params.push(Value::Integer(limit_value(resolved.limit)));
            params.push(Value::Integer(limit_value(resolved.offset).max(0)));
        }
        let sql = format!("SELECT count(*) FROM ({inner})");
        check_parameters(&query, object, params.len())?;
        self.read(|tx| {
            let count: i64 = tx
                .prepare_cached(&sql)?
                .query_row(params_from_iter(params.iter().map(to_sql)), |r| r.get(0))?;
            Ok(u64::try_from(count).unwrap_or(0))
        })
        .map_err(|e| query.failed(object, e))
    }

    /// The rows of `target` related to the record with this key, in either direction: its
    /// children when it is the parent of the link, its parent when it is the child. Empty
    /// when the record does not exist or its joined columns are NULL. When several
    /// relationships join the two objects, the one whose target columns are given in
    /// `via` is used (`via` may be empty when there is only one).
    pub fn related(&self, object: &str, key: &Row, target: &str, via: &[&str]) -> Result<Vec<Row>> {
        let plan = self.plan(object)?;
        let target_plan = self.plan(target)?;
        let values = key_values(&plan.object, key, "related")?;
        let mut joins: Vec<(&[String], &[String])> = Vec::new();
        for link in &plan.children {
            if link.child == target {
                joins.push((&link.parent_columns, &link.child_columns));
            }
        }
        for link in &plan.parents {
            if link.parent == target {
                joins.push((&link.child_columns, &link.parent_columns));
            }
        }
        if !via.is_empty() {
            joins.retain(|(_, theirs)| theirs.iter().map(String::as_str).eq(via.iter().copied()));
        }
        let (ours, theirs) = match joins.as_slice() {
            [one] => *one,
            [] => {
                return Err(Error::InvalidFilter {
                    object: object.to_owned(),
                    clause: format!("{target} via {via:?}"),
                    reason: format!("no relationship joins {object} and {target} that way"),
                })
            }
            _ => {
                return Err(Error::InvalidFilter {
                    object: object.to_owned(),
                    clause: format!("{target} via {via:?}"),
                    reason: format!(
                        "several relationships join {object} and {target}; name the {target} \
                         columns of the one to follow"
                    ),
                })
            }
        };
        self.read(|tx| {
            let Some((row, _)) = self.writer(tx).select(plan, &values)? else {
                return Ok(Vec::new());
            };
            let joined: Vec<Value> = ours.iter().map(|c| row[c].clone()).collect();
            if joined.iter().any(Value::is_null) {
                return Ok(Vec::new());
            }
            let target_object = &target_plan.object;
            let sql = format!(
                "SELECT {} FROM {} WHERE {}",
                all_columns(target_object),
                quote_ident(&target_object.name),
                super::equalities(theirs)
            );
            select_rows(tx, target_object, &sql, &joined)
        })
    }

    /// Records of an object with changes pending upload (see [`Device`] for the rules), one
    /// per record.
    pub fn get_pending_upload_records(&self, object: &str) -> Result<Vec<PendingRecord<Row>>> {
        self.pending_records(object, Pending::Upload)
    }

    /// Records of an object whose changes were all sent and await acknowledgement.
    pub fn get_pending_acknowledgement_records(
        &self,
        object: &str,
    ) -> Result<Vec<PendingRecord<Row>>> {
        self.pending_records(object, Pending::Acknowledgement)
    }

    /// Records of an object with changes deferred (and none pending upload).
    pub fn get_deferred_upload_records(&self, object: &str) -> Result<Vec<PendingRecord<Row>>> {
        self.pending_records(object, Pending::Deferred)
    }

    /// Every queued change waiting for upload, across objects, in replay order.
    pub fn get_pending_upload(&self) -> Result<Vec<QueuedChange>> {
        self.queued_changes("change < 90 AND state < ?1", SENT)
    }

    /// Every change sent and accepted but not acknowledged yet, in replay order.
    pub fn get_pending_acknowledgement(&self) -> Result<Vec<QueuedChange>> {
        self.queued_changes("change < 90 AND state = ?1", SENT)
    }

    /// Every change made with upload deferred, in replay order.
    pub fn get_deferred_upload(&self) -> Result<Vec<QueuedChange>> {
        self.queued_changes("change >= 90 AND ?1 = ?1", QUEUED)
    }

    fn queued_changes(&self, condition: &str, state: i64) -> Result<Vec<QueuedChange>> {
        let sql = format!(
            "SELECT seq, scope, object, pk, change, image, error FROM _sync_queue \
             WHERE {condition} ORDER BY seq"
        );
        self.read(|tx| {
            let mut stmt = tx.prepare_cached(&sql)?;
            let mut rows = stmt.query([state])?;
            let mut out = Vec::new();
            while let Some(r) = rows.next()? {
                let object: String = r.get(2)?;
                let plan = self.plan(&object).map_err(|_| {
                    Error::Corrupt(format!("queue entry for unknown object {object}"))
                })?;
                let pk: String = r.get(3)?;
                let code: i64 = r.get(4)?;
                let image: String = r.get(5)?;
                out.push(QueuedChange {
                    seq: r.get(0)?,
                    scope: r.get(1)?,
                    object,
                    change: change_kind(code)?,
                    key: decode_key(&plan.object, &pk)?,
                    row: decode_image(&plan.object, &image)?,
                    error: r.get(6)?,
                });
            }
            Ok(out)
        })
    }

    fn pending_records(&self, object: &str, which: Pending) -> Result<Vec<PendingRecord<Row>>> {
        let plan = self.plan(object)?;
        let object = &plan.object;
        self.read(|tx| {
            let mut stmt = tx.prepare_cached(
                "SELECT pk, max(change < 90 AND state < ?2), max(change >= 90), \
                 max(change < 90 AND state = ?2), \
                 (SELECT o.change FROM _sync_original o WHERE o.object = ?1 AND o.pk = q.pk), \
                 (SELECT i.image FROM _sync_queue i WHERE i.object = ?1 AND i.pk = q.pk \
                  ORDER BY i.seq DESC LIMIT 1) \
                 FROM _sync_queue q WHERE object = ?1 GROUP BY pk ORDER BY min(seq)",
            )?;
            let mut rows = stmt.query(rusqlite::params![object.name, SENT])?;
            let mut out = Vec::new();
            while let Some(r) = rows.next()? {
                let queued: bool = r.get(1)?;
                let deferred: bool = r.get(2)?;
                let sent: bool = r.get(3)?;
                let class = if queued {
                    Pending::Upload
                } else if deferred {
                    Pending::Deferred
                } else if sent {
                    Pending::Acknowledgement
                } else {
                    continue;
                };
                if class != which {
                    continue;
                }
                let pk: String = r.get(0)?;
                let original: Option<i64> = r.get(4)?;
                let latest: String = r.get(5)?;
                let key = decode_key(object, &pk)?;
                let values: Vec<Value> =
                    object.primary_key.iter().map(|k| key[k].clone()).collect();
                let current = self.writer(tx).select(plan, &values)?;
                let created = original.and_then(change_kind_opt) == Some(ChangeKind::Create);
                let (change, record) = match current {
                    None => (ChangeKind::Delete, decode_image(object, &latest)?),
                    Some((row, _)) if created => (ChangeKind::Create, row),
                    Some((row, _)) => (ChangeKind::Update, row),
                };
                out.push(PendingRecord { change, record });
            }
            Ok(out)
        })
    }
}

fn change_kind(code: i64) -> Result<ChangeKind> {
    ChangeKind::from_code(code).ok_or_else(|| Error::Corrupt(format!("change code {code}")))
}

fn change_kind_opt(code: i64) -> Option<ChangeKind> {
    ChangeKind::from_code(code)
}

/// A limit or offset as SQLite wants it: -1 for none.
fn limit_value(value: Option<u64>) -> i64 {
    value.map_or(-1, |v| i64::try_from(v).unwrap_or(i64::MAX))
}

/// Runs a select of every field and reads the rows.
pub(crate) fn select_rows(
    tx: &Transaction<'_>,
    object: &Object,
    sql: &str,
    params: &[Value],
) -> Result<Vec<Row>> {
    let mut stmt = tx.prepare_cached(sql)?;
    let mut rows = stmt.query(params_from_iter(params.iter().map(to_sql)))?;
    let mut out = Vec::new();
    while let Some(r) = rows.next()? {
        let mut row = Row::new();
        for (i, field) in object.fields.iter().enumerate() {
            row.insert(field.name.clone(), from_sql(r.get_ref(i)?, field.ty)?);
        }
        out.push(row);
    }
    Ok(out)
}
