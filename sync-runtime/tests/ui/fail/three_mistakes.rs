use sync_runtime::SyncObject;

#[derive(SyncObject)]
#[sync(object = "WorkOrder", scop = "Field")]
struct WorkOrder {
    #[sync(primary_key)]
    id: Option<i64>,
    #[sync(max_length = 120)]
    priority: i64,
}

fn main() {}
