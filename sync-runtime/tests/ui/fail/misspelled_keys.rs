use sync_runtime::SyncObject;

#[derive(SyncObject)]
#[sync(scope = "Field")]
struct Task {
    #[sync(primary_key)]
    id: i64,
}

// Each misspelling is one message: the key it was meant to be is not reported missing too.
#[derive(SyncObject)]
#[sync(scope = "Field")]
#[sync(one_to_many(name = "tasks", traget = Task, on("id" = "WorkOrderId")))]
struct WorkOrder {
    #[sync(primarykey)]
    id: i64,
}

fn main() {}
