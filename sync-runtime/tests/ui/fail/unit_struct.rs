use sync_runtime::SyncObject;

#[derive(SyncObject)]
#[sync(scope = "Field")]
struct Marker;

fn main() {}
