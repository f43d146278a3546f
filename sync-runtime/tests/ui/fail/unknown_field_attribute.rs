use sync_runtime::SyncObject;

#[derive(SyncObject)]
#[sync(scope = "Field")]
struct WorkOrder {
    #[sync(primary_key)]
    id: i64,
    #[sync(skip)]
    cache: Option<String>,
}

fn main() {}
