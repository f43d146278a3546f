use sync_runtime::SyncObject;

#[derive(SyncObject)]
#[sync(scope = "Field")]
struct WorkOrder {
    #[sync(primary_key, column = "Id")]
    id: i64,
    #[sync(column = "ID")]
    legacy_id: Option<i64>,
}

fn main() {}
