use sync_runtime::SyncObject;

#[derive(SyncObject)]
#[sync(scope = "Field")]
struct Task {
    #[sync(primary_key)]
    id: i64,
}

#[derive(SyncObject)]
#[sync(scope = "Field")]
#[sync(one_to_many(name = "open tasks", target = Task, on("id" = "WorkOrderId")))]
struct WorkOrder {
    #[sync(primary_key)]
    id: i64,
}

fn main() {}
