use sync_runtime::SyncObject;

#[derive(SyncObject)]
#[sync(object = "WorkOrder")]
struct WorkOrder {
    #[sync(primary_key)]
    id: i64,
}

fn main() {}
