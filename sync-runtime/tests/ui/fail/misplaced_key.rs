use sync_runtime::SyncObject;

#[derive(SyncObject)]
#[sync(scope = "Field", primary_key)]
struct WorkOrder {
    id: i64,
}

fn main() {}
