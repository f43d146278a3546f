use sync_runtime::SyncObject;

#[derive(SyncObject)]
#[sync(scope = "Field")]
struct WorkOrder<T> {
    #[sync(primary_key)]
    id: i64,
    payload: T,
}

fn main() {}
