// A struct with a mistake that the rest of the crate uses: the mistake is the only message,
// the uses do not fail in cascade.
use sync_runtime::{Changes, SchemaBuilder, SyncObject};

#[derive(SyncObject)]
#[sync(scope = "Field")]
struct WorkOrder {
    #[sync(primary_key)]
    id: i64,
    #[sync(max_length = "120")]
    title: String,
}

fn main() {
    let _ = SchemaBuilder::new("app").object::<WorkOrder>();
    let _ = Changes::<WorkOrder>::new().set(WorkOrder::TITLE, "Paint");
    let _ = WorkOrder::ID.eq(3);
}
