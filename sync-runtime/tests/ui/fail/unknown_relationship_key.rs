use sync_runtime::SyncObject;

#[derive(SyncObject)]
#[sync(scope = "Field")]
struct Task {
    #[sync(primary_key)]
    id: i64,
}

#[derive(SyncObject)]
#[sync(scope = "Field")]
#[sync(one_to_many(name = "tasks", target = Task, on("id" = "WorkOrderId"), on_delete = "cascade"))]
struct WorkOrder {
    #[sync(primary_key)]
    id: i64,
}

fn main() {}
