use sync_runtime::SyncObject;

#[derive(SyncObject)]
#[sync(scope = "Field")]
struct WorkOrder(i64, String);

fn main() {}
