use sync_runtime::SyncObject;

#[derive(SyncObject)]
#[sync(scope = "Field")]
struct WorkOrder {
    #[sync(primary_key)]
    id: i64,
    #[sync(max_length = 0)]
    title: String,
}

fn main() {}
