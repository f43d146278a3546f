use sync_runtime::SyncObject;

#[derive(SyncObject)]
#[sync(object = "WorkOrder" scope = "Field")]
struct WorkOrder {
    #[sync(primary_key)]
    id: i64,
}

fn main() {}
