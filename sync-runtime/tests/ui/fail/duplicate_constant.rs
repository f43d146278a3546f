use sync_runtime::SyncObject;

#[derive(SyncObject)]
#[sync(scope = "Field")]
#[allow(non_snake_case)]
struct WorkOrder {
    #[sync(primary_key)]
    id: i64,
    order_date: Option<String>,
    #[sync(column = "OrderDate2")]
    orderDate: Option<String>,
}

fn main() {}
