use sync_runtime::SyncObject;

#[derive(SyncObject)]
#[sync(scope = "Field")]
#[sync(one_to_many(name = "tasks", on("id" = "WorkOrderId")))]
struct WorkOrder {
    #[sync(primary_key)]
    id: i64,
}

fn main() {}
