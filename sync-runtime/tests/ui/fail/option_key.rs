use sync_runtime::SyncObject;

#[derive(SyncObject)]
#[sync(scope = "Field")]
struct WorkOrder {
    #[sync(primary_key)]
    id: Option<i64>,
    title: String,
}

fn main() {}
