use sync_runtime::SyncObject;

#[derive(SyncObject)]
#[sync(scope = "Field")]
enum Status {
    Open,
    Closed,
}

fn main() {}
