//! The binary of the compile test's crate: opens a device database with each generated
//! schema, creates one record of every object, and reads them back through the generated
//! accessors and column constants. Prints each `schema()` in `Debug` form, one line per
//! model, for the test to compare with the model it generated the code from.
#![deny(warnings)]

use std::error::Error;
use std::path::Path;

use codegen_check::{custom_runtime, edge_names, field_service, two_links};
use sync_runtime::sync_schema::Schema;
use sync_runtime::{Device, SyncObject};

fn main() -> Result<(), Box<dyn Error>> {
    let dir = std::env::args_os()
        .nth(1)
        .ok_or("usage: codegen-check <directory for the databases>")?;
    let dir = Path::new(&dir);

    println!("field_service {:?}", field_service::schema());
    println!("two_links {:?}", two_links::schema());
    println!("edge_names {:?}", edge_names::schema());
    println!("custom_runtime {:?}", custom_runtime::schema());

    field_service_records(&open(dir, "field_service", field_service::schema())?)?;
    two_links_records(&open(dir, "two_links", two_links::schema())?)?;
    edge_names_records(&open(dir, "edge_names", edge_names::schema())?)?;
    custom_runtime_records(&open(dir, "custom_runtime", custom_runtime::schema())?)?;
    Ok(())
}

/// A fresh, initialized device database for a schema.
fn open(dir: &Path, name: &str, schema: Schema) -> Result<Device, Box<dyn Error>> {
    let db = Device::open(dir.join(format!("{name}.db")), schema)?;
    db.init()?;
    Ok(db)
}

fn field_service_records(db: &Device) -> Result<(), Box<dyn Error>> {
    use field_service::{Customer, Task, WorkOrder};

    let mut customer = Customer {
        id: "C1".to_owned(),
        name: "Ada".to_owned(),
        phone: None,
    };
    customer.create(db)?;
    let mut order = WorkOrder {
        id: 0,
        title: "Paint the fence".to_owned(),
        order_date: Some("2024-05-01".to_owned()),
        r#type: Some("repair".to_owned()),
        group: None,
        customer_id: Some("C1".to_owned()),
        photo: Some(vec![0, 1, 2, 255]),
        rate: 42.5,
        urgent: true,
        deleted: Some(false),
        last_modified: None,
    };
    let id = order.create(db)?;
    let mut task = Task {
        work_order_id: id,
        line: 1,
        text: "Sand".to_owned(),
        done: false,
    };
    task.create(db)?;

    assert_eq!(order.tasks(db)?, vec![task.clone()]);
    assert_eq!(order.count_tasks(db)?, 1);
    assert_eq!(order.customer(db)?, Some(customer));
    assert_eq!(task.work_order(db)?, Some(order.clone()));
    assert_eq!(WorkOrder::get_all_details_by_pk(db, &id)?, Some(order));
    assert_eq!(WorkOrder::count(db, WorkOrder::ORDER_DATE.eq("2024-05-01"))?, 1);
    assert_eq!(WorkOrder::count(db, WorkOrder::TYPE.eq("repair"))?, 1);
    assert_eq!(Task::get_all_details_by_pk(db, &(id, 1))?, Some(task));
    Ok(())
}

fn two_links_records(db: &Device) -> Result<(), Box<dyn Error>> {
    use two_links::{Employee, Task};

    let mut boss = Employee {
        id: 1,
        name: "Grace".to_owned(),
        manager_id: None,
    };
    boss.create(db)?;
    let mut worker = Employee {
        id: 2,
        name: "Alan".to_owned(),
        manager_id: Some(1),
    };
    worker.create(db)?;
    let mut task = Task {
        id: "T1".to_owned(),
        assigned_to: Some(2),
        created_by: 1,
    };
    task.create(db)?;

    assert_eq!(worker.manager(db)?, Some(boss.clone()));
    assert_eq!(boss.tasks_by_created_by(db)?, vec![task.clone()]);
    assert_eq!(boss.count_tasks_by_assigned_to(db)?, 0);
    assert_eq!(worker.tasks_by_assigned_to(db)?, vec![task.clone()]);
    assert_eq!(task.employee_by_assigned_to(db)?, Some(worker));
    assert_eq!(task.employee_by_created_by(db)?, Some(boss));
    Ok(())
}

fn edge_names_records(db: &Device) -> Result<(), Box<dyn Error>> {
    use edge_names::{Self_, _2ndVisit};

    let mut visit = _2ndVisit {
        strasse: "Hauptstraße 1".to_owned(),
        u65e5_u672c_u8a9e: Some("日本語".to_owned()),
        r#match: Some(3),
        r#async: Some(true),
        r#gen: Some(1.5),
        it_s: Some("2024-01-01".to_owned()),
    };
    visit.create(db)?;
    let mut own = Self_ {
        grosse: 0,
        visit: "Hauptstraße 1".to_owned(),
        self_: Some(7),
    };
    own.create(db)?;

    assert_eq!(visit.self_(db)?, Some(own.clone()));
    assert_eq!(_2ndVisit::count(db, _2ndVisit::MATCH.eq(3))?, 1);
    assert_eq!(_2ndVisit::count(db, _2ndVisit::U65E5_U672C_U8A9E.eq("日本語"))?, 1);
    assert_eq!(Self_::count(db, Self_::SELF_.eq(7))?, 1);
    assert_eq!(Self_::get_all_details_by_pk(db, &own.grosse)?, Some(own));
    Ok(())
}

fn custom_runtime_records(db: &Device) -> Result<(), Box<dyn Error>> {
    use custom_runtime::Note;

    let mut note = Note { id: 1, body: None };
    note.create(db)?;
    assert_eq!(Note::get_all_details_by_pk(db, &1)?, Some(note));
    Ok(())
}
