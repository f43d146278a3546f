use sync_runtime::SyncObject;

#[derive(SyncObject)]
#[sync(scope = "Field")]
struct WorkOrder {
    id: i64,
    title: String,
}

fn main() {}
