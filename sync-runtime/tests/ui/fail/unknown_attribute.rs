use sync_runtime::SyncObject;

#[derive(SyncObject)]
#[sync(scope = "Field", table = "work_orders")]
struct WorkOrder {
    #[sync(primary_key)]
    id: i64,
}

fn main() {}
