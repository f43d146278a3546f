use sync_runtime::SyncObject;

#[derive(SyncObject)]
#[sync(scope = "Field")]
struct Customer {
    #[sync(primary_key)]
    id: i64,
}

#[derive(SyncObject)]
#[sync(scope = "Field")]
#[sync(many_to_one(name = "key", target = Customer, on("customer" = "id")))]
struct WorkOrder {
    #[sync(primary_key)]
    id: i64,
    customer: Option<i64>,
}

fn main() {}
