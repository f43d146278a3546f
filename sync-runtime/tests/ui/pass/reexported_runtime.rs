//! `crate = "..."` points the generated code at a re-export of the runtime, for crates that
//! do not depend on `sync_runtime` under that name.
#![deny(warnings, missing_docs)]

/// The runtime, re-exported as a framework would.
pub mod framework {
    pub use sync_runtime as runtime;
}

use framework::runtime::SyncObject;

/// A record.
#[derive(framework::runtime::SyncObject)]
#[sync(scope = "S", crate = "crate::framework::runtime")]
pub struct Note {
    /// The key.
    #[sync(primary_key)]
    pub id: i64,
}

fn main() {
    assert_eq!(Note::OBJECT, "Note");
    assert_eq!(Note::ID.name(), "id");
    assert_eq!(Note::schema_object().primary_key, ["id"]);
}
