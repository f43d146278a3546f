//! The local half of syncing, driven without a server: upload windows, acknowledgements,
//! temporary keys, failures, and downloaded batches.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{customer, dump, open, row, work_order};
use sync_runtime::engine::{
    Acknowledgement, DownloadBatch, OutgoingChange, ReconciledKey, ServerChange,
};
use sync_runtime::{ChangeKind, Device, Query, Row, Value};
use sync_schema::Strategy;

fn key(id: i64) -> Row {
    row([("Id", Value::Integer(id))])
}

/// The acknowledgement of a change as applied, with the server's key.
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

fn reconciled(old: i64, new: i64) -> ReconciledKey {
    ReconciledKey {
        object: "WorkOrder".into(),
        old: key(old),
        new: key(new),
    }
}

fn statuses(db: &Device, object: &str) -> Vec<Option<i64>> {
    db.with_connection(|c| {
        c.prepare(&format!(
            "SELECT _sync_status FROM \"{object}\" ORDER BY rowid"
        ))
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap()
    })
}

#[test]
fn a_window_is_persisted_and_resent_identically_until_accepted() {
    let t = open(Strategy::AppliedAtOnce);
    for i in 0..5 {
        work_order(&t.db, &format!("wo{i}"));
    }
    let first = t.db.take_upload_window("Field", 3).unwrap().unwrap();
    assert_eq!(first.changes.len(), 3);
    assert!(first.more_changes_available);
    assert_eq!(first.sequence_number, 0);
    assert_eq!(first.upload_token, "");

    // Changes made and even rolled back after the window was taken do not alter a resend.
    work_order(&t.db, "late");
    let again = t.db.take_upload_window("Field", 10).unwrap().unwrap();
    assert_eq!(again, first);
    // Taken but not accepted: still pending upload, not pending acknowledgement.
    assert_eq!(t.db.get_pending_upload().unwrap().len(), 6);
    assert!(t.db.get_pending_acknowledgement().unwrap().is_empty());

    let acks: Vec<_> = first.changes.iter().map(|c| ack(c, None)).collect();
    let report =
        t.db.record_upload_accepted(first.id, "blob-1", &acks)
            .unwrap();
    assert_eq!(report.acknowledged, 3);
    assert_eq!(t.db.upload_token("Field").unwrap(), "blob-1");
    // A second acceptance of the same window is refused and changes nothing.
    let before = dump(&t.db);
    assert!(t
        .db
        .record_upload_accepted(first.id, "blob-x", &acks)
        .is_err());
    assert_eq!(dump(&t.db), before);

    let next = t.db.take_upload_window("Field", 10).unwrap().unwrap();
    assert_eq!(next.changes.len(), 3);
    assert_eq!(next.sequence_number, 1);
    assert_eq!(next.upload_token, "blob-1");
    assert!(!next.more_changes_available);
    assert!(next.changes[0].seq > first.changes[2].seq);
}

#[test]
fn an_acknowledgement_clears_only_the_changes_it_covers() {
    let t = open(Strategy::AppliedAtOnce);
    let id = work_order(&t.db, "open");
    let window = t.db.take_upload_window("Field", 10).unwrap().unwrap();
    // Edited after its window was taken.
    t.db.update_by_pk("WorkOrder", &key(id), row([("Status", "assigned".into())]))
        .unwrap();
    let acks: Vec<_> = window.changes.iter().map(|c| ack(c, None)).collect();
    t.db.record_upload_accepted(window.id, "b1", &acks).unwrap();

    let pending = t.db.get_pending_upload().unwrap();
    assert_eq!(pending.len(), 1, "the later update stays queued");
    assert_eq!(pending[0].change, ChangeKind::Update);
    assert_eq!(pending[0].row["Status"], Value::Text("assigned".into()));
    assert_eq!(statuses(&t.db, "WorkOrder"), [Some(1)]);

    // Rollback now returns the record to what the server acknowledged, not deletes it.
    t.db.rollback_pending_local_changes().unwrap();
    let got = t.db.get_by_pk("WorkOrder", &key(id)).unwrap().unwrap();
    assert_eq!(got["Status"], Value::Text("open".into()));
    assert_eq!(statuses(&t.db, "WorkOrder"), [None]);
}

#[test]
fn pending_acknowledgement_appears_when_sent_and_clears_with_its_acknowledgement() {
    let t = open(Strategy::PersistedFirst);
    let a = work_order(&t.db, "a");
    let b = work_order(&t.db, "b");
    assert_eq!(
        t.db.get_pending_upload_records("WorkOrder").unwrap().len(),
        2
    );
    assert!(t
        .db
        .get_pending_acknowledgement_records("WorkOrder")
        .unwrap()
        .is_empty());

    let window = t.db.take_upload_window("Field", 10).unwrap().unwrap();
    // Persisted first: the upload response carries no acknowledgement.
    t.db.record_upload_accepted(window.id, "b1", &[]).unwrap();
    assert!(t.db.get_pending_upload().unwrap().is_empty());
    assert_eq!(t.db.get_pending_acknowledgement().unwrap().len(), 2);
    let waiting =
        t.db.get_pending_acknowledgement_records("WorkOrder")
            .unwrap();
    assert_eq!(waiting.len(), 2);
    assert!(waiting.iter().all(|p| p.change == ChangeKind::Create));
    assert_eq!(statuses(&t.db, "WorkOrder"), [Some(2), Some(2)]);

    // A change to b while it waits makes it pending upload again.
    t.db.update_by_pk("WorkOrder", &key(b), row([("Priority", 1.into())]))
        .unwrap();
    assert_eq!(
        t.db.get_pending_acknowledgement_records("WorkOrder")
            .unwrap()
            .len(),
        1
    );
    assert_eq!(
        t.db.get_pending_upload_records("WorkOrder").unwrap().len(),
        1
    );

    // The acknowledgement of a arrives in a download.
    let batch = DownloadBatch {
        scope: "Field".into(),
        changes: vec![],
        acknowledgements: vec![ack(&window.changes[0], None)],
        token: "d1".into(),
    };
    let report = t.db.apply_download_batch(&batch).unwrap();
    assert_eq!(report.acks.acknowledged, 1);
    let _ = a;
    assert_eq!(
        t.db.get_pending_acknowledgement().unwrap().len(),
        1,
        "b's create"
    );
    assert!(t
        .db
        .get_pending_acknowledgement_records("WorkOrder")
        .unwrap()
        .is_empty());
    // Rows come in key order: b (-3) before a (-2).
    assert_eq!(statuses(&t.db, "WorkOrder"), [Some(1), None]);
    assert_eq!(t.db.download_token("Field").unwrap(), "d1");
}

#[test]
fn a_temporary_key_and_every_foreign_key_become_the_servers_key() {
    let t = open(Strategy::AppliedAtOnce);
    let wo = work_order(&t.db, "open");
    for n in 1..=2 {
        t.db.create(
            "Task",
            row([("WorkOrderId", wo.into()), ("TaskNo", n.into())]),
        )
        .unwrap();
    }
    t.db.create(
        "Visit",
        row([("VisitId", "V1".into()), ("WorkOrderId", wo.into())]),
    )
    .unwrap();
    // Only the work order's create goes in this window; the children wait in the queue.
    let window = t.db.take_upload_window("Field", 1).unwrap().unwrap();
    assert_eq!(window.changes[0].object, "WorkOrder");
    t.db.update_by_pk("WorkOrder", &key(wo), row([("Priority", 9.into())]))
        .unwrap();

    let report =
        t.db.record_upload_accepted(window.id, "b1", &[ack(&window.changes[0], Some(key(5001)))])
            .unwrap();
    assert_eq!(report.reconciled_keys, vec![reconciled(wo, 5001)]);
    assert!(t.db.get_by_pk("WorkOrder", &key(wo)).unwrap().is_none());
    let row5001 = t.db.get_by_pk("WorkOrder", &key(5001)).unwrap().unwrap();
    assert_eq!(row5001["Priority"], Value::Integer(9));

    // Children in their tables and in the queue point at the server key; the task keys too.
    let tasks = t.db.find("Task", Query::all()).unwrap();
    assert!(
        tasks
            .iter()
            .all(|r| r["WorkOrderId"] == Value::Integer(5001)),
        "{tasks:?}"
    );
    let visit =
        t.db.get_by_pk("Visit", &row([("VisitId", "V1".into())]))
            .unwrap()
            .unwrap();
    assert_eq!(visit["WorkOrderId"], Value::Integer(5001));
    let queue = t.db.get_pending_upload().unwrap();
    assert_eq!(
        queue.len(),
        4,
        "two tasks, a visit, the work order's update"
    );
    for change in &queue {
        let fk = if change.object == "WorkOrder" {
            "Id"
        } else {
            "WorkOrderId"
        };
        assert_eq!(change.row[fk], Value::Integer(5001), "{change:?}");
        if change.object == "Task" {
            assert_eq!(change.key["WorkOrderId"], Value::Integer(5001));
        }
    }
    // The next window sends the server key, and its acknowledgement clears everything.
    let window = t.db.take_upload_window("Field", 10).unwrap().unwrap();
    let acks: Vec<_> = window.changes.iter().map(|c| ack(c, None)).collect();
    t.db.record_upload_accepted(window.id, "b2", &acks).unwrap();
    assert!(t.db.get_pending_upload().unwrap().is_empty());
    assert_eq!(statuses(&t.db, "Task"), [None, None]);
}

#[test]
fn a_rejected_change_stays_queued_with_its_error() {
    let t = open(Strategy::AppliedAtOnce);
    let a = work_order(&t.db, "a");
    let b = work_order(&t.db, "b");
    let window = t.db.take_upload_window("Field", 10).unwrap().unwrap();
    let mut rejected = ack(&window.changes[0], None);
    rejected.error = Some("Status 'a' is not allowed by the backend".into());
    let accepted = ack(&window.changes[1], None);
    let report =
        t.db.record_upload_accepted(window.id, "b1", &[rejected, accepted])
            .unwrap();
    assert_eq!(report.acknowledged, 1);
    assert_eq!(report.failed.len(), 1);
    assert_eq!(report.failed[0].key, key(a));

    let pending = t.db.get_pending_upload().unwrap();
    assert_eq!(pending.len(), 1);
    assert_eq!(pending[0].key, key(a));
    assert_eq!(
        pending[0].error.as_deref(),
        Some("Status 'a' is not allowed by the backend")
    );
    assert!(t.db.get_by_pk("WorkOrder", &key(b)).unwrap().is_some());
    // The failed change goes out again in the next window.
    let retry = t.db.take_upload_window("Field", 10).unwrap().unwrap();
    assert_eq!(retry.changes.len(), 1);
    assert_eq!(retry.changes[0].key, key(a));
}

#[test]
fn unacknowledged_changes_of_an_applied_at_once_window_are_sent_again() {
    let t = open(Strategy::AppliedAtOnce);
    work_order(&t.db, "a");
    work_order(&t.db, "b");
    let window = t.db.take_upload_window("Field", 10).unwrap().unwrap();
    // The server stopped after the first change (abort on error).
    t.db.record_upload_accepted(window.id, "b1", &[ack(&window.changes[0], None)])
        .unwrap();
    let next = t.db.take_upload_window("Field", 10).unwrap().unwrap();
    assert_eq!(next.changes.len(), 1);
    assert_eq!(next.changes[0].seq, window.changes[1].seq);
}

#[test]
fn a_download_never_overwrites_or_deletes_a_row_with_pending_changes() {
    let t = open(Strategy::AppliedAtOnce);
    customer(&t.db, "C1");
    let batch = DownloadBatch {
        scope: "Field".into(),
        changes: vec![
            ServerChange::Upsert {
                object: "Customer".into(),
                row: row([("Id", "C1".into()), ("Name", "server name".into())]),
                hash: Some("s1".into()),
            },
            ServerChange::Upsert {
                object: "Customer".into(),
                row: row([("Id", "C2".into()), ("Name", "new from server".into())]),
                hash: Some("s2".into()),
            },
        ],
        acknowledgements: vec![],
        token: "d1".into(),
    };
    let report = t.db.apply_download_batch(&batch).unwrap();
    assert_eq!((report.upserted, report.skipped.len() as u64), (1, 1));
    let c1 =
        t.db.get_by_pk("Customer", &row([("Id", "C1".into())]))
            .unwrap()
            .unwrap();
    assert_eq!(
        c1["Name"],
        Value::Text("Ada".into()),
        "the local create wins on the device"
    );
    let c2 =
        t.db.get_by_pk("Customer", &row([("Id", "C2".into())]))
            .unwrap()
            .unwrap();
    assert_eq!(c2["Name"], Value::Text("new from server".into()));
    assert!(t.db.get_pending_upload_records("Customer").unwrap().len() == 1);

    // A server delete of a locally edited row leaves it; of a clean row, removes it.
    t.db.update_by_pk(
        "Customer",
        &row([("Id", "C2".into())]),
        row([("Name", "mine".into())]),
    )
    .unwrap();
    let deletes = DownloadBatch {
        scope: "Field".into(),
        changes: vec![
            ServerChange::Delete {
                object: "Customer".into(),
                key: row([("Id", "C2".into())]),
            },
            ServerChange::Delete {
                object: "Customer".into(),
                key: row([("Id", "C3".into())]),
            },
        ],
        acknowledgements: vec![],
        token: "d2".into(),
    };
    let report = t.db.apply_download_batch(&deletes).unwrap();
    assert_eq!(report.skipped.len() as u64, 1);
    assert!(t
        .db
        .get_by_pk("Customer", &row([("Id", "C2".into())]))
        .unwrap()
        .is_some());

    // Once rolled back, the row is clean and the next delete applies.
    t.db.rollback_object("Customer").unwrap();
    t.db.apply_download_batch(&deletes).unwrap();
    assert!(t
        .db
        .get_by_pk("Customer", &row([("Id", "C2".into())]))
        .unwrap()
        .is_none());
    assert_eq!(t.db.download_token("Field").unwrap(), "d2");
}

#[test]
fn a_batch_and_its_token_commit_together_or_not_at_all() {
    let t = open(Strategy::AppliedAtOnce);
    let good = |id: &str| ServerChange::Upsert {
        object: "Customer".into(),
        row: row([("Id", id.into()), ("Name", "ok".into())]),
        hash: None,
    };
    let cases = vec![
        // A value of the wrong type in the middle of the batch.
        ServerChange::Upsert {
            object: "Customer".into(),
            row: row([("Id", "X".into()), ("Name", Value::Integer(3))]),
            hash: None,
        },
        // A row without its key.
        ServerChange::Upsert {
            object: "Customer".into(),
            row: row([("Name", "no key".into())]),
            hash: None,
        },
        // An object the schema does not have.
        ServerChange::Delete {
            object: "Ghost".into(),
            key: row([("Id", "1".into())]),
        },
        // A row without a mandatory field.
        ServerChange::Upsert {
            object: "Customer".into(),
            row: row([("Id", "Z".into())]),
            hash: None,
        },
        // A string longer than the field allows.
        ServerChange::Upsert {
            object: "Customer".into(),
            row: row([("Id", "Y".into()), ("Name", "n".repeat(51).into())]),
            hash: None,
        },
    ];
    let before = dump(&t.db);
    for bad in cases {
        let batch = DownloadBatch {
            scope: "Field".into(),
            changes: vec![good("A"), bad.clone(), good("B")],
            acknowledgements: vec![],
            token: "never".into(),
        };
        assert!(t.db.apply_download_batch(&batch).is_err(), "{bad:?}");
        assert_eq!(dump(&t.db), before, "{bad:?} left a trace");
        assert_eq!(t.db.download_token("Field").unwrap(), "");
    }
    let ok = DownloadBatch {
        scope: "Field".into(),
        changes: vec![good("A"), good("B")],
        acknowledgements: vec![],
        token: "t1".into(),
    };
    t.db.apply_download_batch(&ok).unwrap();
    assert_eq!(t.db.count("Customer", Query::all()).unwrap(), 2);
    assert_eq!(t.db.download_token("Field").unwrap(), "t1");
    assert!(
        t.db.get_pending_upload().unwrap().is_empty(),
        "downloads queue nothing"
    );
}

#[test]
fn unknown_scopes_are_errors() {
    let t = open(Strategy::AppliedAtOnce);
    assert_eq!(
        t.db.take_upload_window("Nope", 10).unwrap_err().code(),
        7030
    );
    assert_eq!(t.db.download_token("Nope").unwrap_err().code(), 7030);
}

#[test]
fn children_acknowledged_under_their_parents_new_key_are_cleared_once() {
    let t = open(Strategy::AppliedAtOnce);
    let wo = work_order(&t.db, "open");
    let task = |id: i64| row([("WorkOrderId", id.into()), ("TaskNo", 1.into())]);
    t.db.create("Task", task(wo)).unwrap();
    t.db.update_by_pk("WorkOrder", &key(wo), row([("Priority", 2.into())]))
        .unwrap();
    let window = t.db.take_upload_window("Field", 10).unwrap().unwrap();
    // As a server answers: every change of the temporary record names the new key.
    let acks: Vec<Acknowledgement> = window
        .changes
        .iter()
        .map(|c| match c.object.as_str() {
            "WorkOrder" => ack(c, Some(key(7001))),
            _ => ack(c, Some(task(7001))),
        })
        .collect();
    let report = t.db.record_upload_accepted(window.id, "b1", &acks).unwrap();
    assert_eq!(report.acknowledged, 3);
    assert_eq!(
        report.reconciled_keys,
        vec![reconciled(wo, 7001)],
        "the task moved with its parent and is not reported again"
    );
    assert!(t.db.get_pending_upload().unwrap().is_empty());
    assert!(t.db.get_by_pk("Task", &task(7001)).unwrap().is_some());
    assert_eq!(statuses(&t.db, "Task"), [None]);
}

#[test]
fn acknowledgements_are_matched_by_replay_sequence_whatever_key_they_name() {
    let t = open(Strategy::AppliedAtOnce);
    let wo = work_order(&t.db, "open");
    let task = |id: i64| row([("WorkOrderId", id.into()), ("TaskNo", 1.into())]);
    t.db.create("Task", task(wo)).unwrap();
    t.db.update_by_pk("WorkOrder", &key(wo), row([("Priority", 2.into())]))
        .unwrap();
    let window = t.db.take_upload_window("Field", 10).unwrap().unwrap();
    // The parent's create names the server key; the task and the update still name the
    // temporary keys the window showed.
    let acks: Vec<Acknowledgement> = window
        .changes
        .iter()
        .map(|c| {
            let server =
                (c.change == ChangeKind::Create && c.object == "WorkOrder").then(|| key(8001));
            ack(c, server)
        })
        .collect();
    let report = t.db.record_upload_accepted(window.id, "b1", &acks).unwrap();
    assert_eq!(report.acknowledged, 3, "{report:?}");
    assert!(report.unmatched.is_empty(), "{report:?}");
    assert_eq!(report.reconciled_keys, vec![reconciled(wo, 8001)]);
    assert!(t.db.get_pending_upload().unwrap().is_empty());
    assert!(t.db.get_by_pk("Task", &task(8001)).unwrap().is_some());
}

#[test]
fn acknowledgements_that_match_nothing_are_reported() {
    let t = open(Strategy::AppliedAtOnce);
    let id = work_order(&t.db, "open");
    let window = t.db.take_upload_window("Field", 10).unwrap().unwrap();
    let mut stray = ack(&window.changes[0], None);
    stray.seq = 999;
    let mut wrong_object = ack(&window.changes[0], None);
    wrong_object.object = "Customer".into();
    wrong_object.key = row([("Id", "C1".into())]);
    let report =
        t.db.record_upload_accepted(window.id, "b1", &[stray, wrong_object])
            .unwrap();
    assert_eq!(report.acknowledged, 0);
    let reasons: Vec<&str> = report.unmatched.iter().map(|u| u.reason.as_str()).collect();
    assert!(
        reasons[0].contains("no sent change has replay sequence 999"),
        "{reasons:?}"
    );
    assert!(
        reasons[1].contains("is a change of WorkOrder"),
        "{reasons:?}"
    );
    // The unacknowledged create goes out again.
    let again = t.db.take_upload_window("Field", 10).unwrap().unwrap();
    assert_eq!(again.changes[0].key, key(id));
}

#[test]
fn a_downloaded_copy_under_the_server_key_gives_way_to_the_acknowledged_record() {
    let t = open(Strategy::PersistedFirst);
    let wo = work_order(&t.db, "mine");
    let window = t.db.take_upload_window("Field", 10).unwrap().unwrap();
    t.db.record_upload_accepted(window.id, "b1", &[]).unwrap();
    // The server merged the record as 9001 and a download brings the row before the ack.
    let batch = DownloadBatch {
        scope: "Field".into(),
        changes: vec![ServerChange::Upsert {
            object: "WorkOrder".into(),
            row: row([("Id", 9001.into()), ("Status", "mine".into())]),
            hash: Some("s1".into()),
        }],
        acknowledgements: vec![],
        token: "d1".into(),
    };
    t.db.apply_download_batch(&batch).unwrap();
    let acked = DownloadBatch {
        scope: "Field".into(),
        changes: vec![],
        acknowledgements: vec![ack(&window.changes[0], Some(key(9001)))],
        token: "d2".into(),
    };
    let report = t.db.apply_download_batch(&acked).unwrap();
    assert_eq!(report.acks.acknowledged, 1);
    assert_eq!(t.db.count("WorkOrder", Query::all()).unwrap(), 1);
    assert!(t.db.get_by_pk("WorkOrder", &key(wo)).unwrap().is_none());
    assert!(t.db.get_pending_acknowledgement().unwrap().is_empty());
}

#[test]
fn rollback_leaves_changes_that_have_left_the_device() {
    for strategy in [Strategy::AppliedAtOnce, Strategy::PersistedFirst] {
        let t = open(strategy);
        let id = work_order(&t.db, "sent");
        let window = t.db.take_upload_window("Field", 10).unwrap().unwrap();
        if strategy == Strategy::PersistedFirst {
            t.db.record_upload_accepted(window.id, "b1", &[]).unwrap();
        }
        // Nothing but the in-flight create: nothing to roll back.
        assert_eq!(t.db.rollback_pending_local_changes().unwrap(), 0);
        let err = t.db.rollback_by_pk("WorkOrder", &key(id)).unwrap_err();
        assert_eq!(err.code(), 7009);
        assert!(
            err.to_string().contains("no local changes to roll back"),
            "{err}"
        );

        // A later change is undone; the record stays as its sent create left it.
        t.db.update_by_pk("WorkOrder", &key(id), row([("Status", "later".into())]))
            .unwrap();
        assert_eq!(t.db.rollback_by_pk("WorkOrder", &key(id)).unwrap(), 1);
        let got = t.db.get_by_pk("WorkOrder", &key(id)).unwrap().unwrap();
        assert_eq!(got["Status"], Value::Text("sent".into()), "{strategy:?}");
        // Only the create remains: in its window (pending upload) or sent (pending ack).
        let pending = t.db.get_pending_upload().unwrap().len();
        let waiting = t.db.get_pending_acknowledgement().unwrap().len();
        assert_eq!(pending + waiting, 1, "{strategy:?}");

        // The server's answer still lands.
        let acks = [ack(&window.changes[0], Some(key(4242)))];
        let report = if strategy == Strategy::PersistedFirst {
            let batch = DownloadBatch {
                scope: "Field".into(),
                changes: vec![],
                acknowledgements: acks.to_vec(),
                token: "d1".into(),
            };
            t.db.apply_download_batch(&batch).unwrap().acks
        } else {
            t.db.record_upload_accepted(window.id, "b1", &acks).unwrap()
        };
        assert_eq!(report.acknowledged, 1, "{strategy:?}: {report:?}");
        assert!(t.db.get_by_pk("WorkOrder", &key(4242)).unwrap().is_some());
        assert!(t.db.get_pending_acknowledgement().unwrap().is_empty());
    }
}

#[test]
fn a_rollback_after_a_skipped_download_returns_to_the_servers_latest_row() {
    let t = open(Strategy::AppliedAtOnce);
    let upsert = |name: &str, token: &str| DownloadBatch {
        scope: "Field".into(),
        changes: vec![ServerChange::Upsert {
            object: "Customer".into(),
            row: row([("Id", "C1".into()), ("Name", name.into())]),
            hash: Some(format!("h-{name}")),
        }],
        acknowledgements: vec![],
        token: token.into(),
    };
    t.db.apply_download_batch(&upsert("first", "d1")).unwrap();
    let c1 = row([("Id", "C1".into())]);
    t.db.update_by_pk("Customer", &c1, row([("Name", "mine".into())]))
        .unwrap();
    let report = t.db.apply_download_batch(&upsert("second", "d2")).unwrap();
    assert_eq!(report.skipped, vec![("Customer".to_owned(), c1.clone())]);
    let name = |db: &Device| {
        db.get_by_pk("Customer", &c1)
            .unwrap()
            .map(|r| r["Name"].clone())
    };
    assert_eq!(
        name(&t.db),
        Some(Value::from("mine")),
        "local edits win on the device"
    );
    t.db.rollback_pending_local_changes().unwrap();
    assert_eq!(
        name(&t.db),
        Some(Value::from("second")),
        "not the stale first version"
    );

    // A server delete of a locally edited row: the rollback removes the row.
    t.db.update_by_pk("Customer", &c1, row([("Name", "mine again".into())]))
        .unwrap();
    let delete = DownloadBatch {
        scope: "Field".into(),
        changes: vec![ServerChange::Delete {
            object: "Customer".into(),
            key: c1.clone(),
        }],
        acknowledgements: vec![],
        token: "d3".into(),
    };
    assert_eq!(t.db.apply_download_batch(&delete).unwrap().skipped.len(), 1);
    assert_eq!(name(&t.db), Some(Value::from("mine again")));
    t.db.rollback_pending_local_changes().unwrap();
    assert_eq!(name(&t.db), None);
}
