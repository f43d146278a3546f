//! The Rust files of a new application crate (`syncobj init`): a `build.rs` that generates the
//! sync objects from the schema, and a `main.rs` that opens a device database with them.
//! Built with `quote!` and formatted like generated code; the crate's manifest and README
//! are text and come from templates in the CLI.

use quote::quote;
use sync_schema::Schema;

use crate::format::render;
use crate::{naming, Result};

/// The `build.rs` of a new application: generates `sync_objects.rs` into `OUT_DIR` from the
/// schema file at `schema_path` (relative to the crate root).
pub fn build_rs(schema_path: &str) -> Result<String> {
    let tokens = quote! {
        fn main() {
            let built = sync_codegen::Builder::new()
                .schema_file(#schema_path)
                .out_file("sync_objects.rs")
                .compile();
            if let Err(error) = built {
                eprintln!("cannot generate the sync objects: {error}");
                std::process::exit(1);
            }
        }
    };
    render(
        "// Generates the sync objects from the schema (see sync_codegen::Builder).",
        tokens,
    )
}

/// The `main.rs` of a new application: opens a device database (the path given as the first
/// argument, or `app.db`) with the generated schema and reports each object's rows and the
/// changes waiting for upload.
pub fn main_rs(schema: &Schema) -> Result<String> {
    let names = naming::decide(schema)?;
    let mut reports = Vec::new();
    for object in names.objects() {
        let ty = object.type_name.ident()?;
        reports.push(quote!(report::<objects::#ty>(&db)?;));
    }
    let tokens = quote! {
        use sync_runtime::{Device, Query, SyncObject};

        /// The sync objects generated from the schema.
        #[allow(dead_code)]
        mod objects {
            include!(concat!(env!("OUT_DIR"), "/sync_objects.rs"));
        }

        fn main() -> Result<(), Box<dyn std::error::Error>> {
            let path = std::env::args().nth(1).unwrap_or_else(|| "app.db".to_owned());
            let db = Device::open(&path, objects::schema())?;
            db.init()?;
            println!("device database {path}:");
            #(#reports)*
            let pending = db.get_pending_upload()?.len();
            println!("  {pending} changes waiting for upload");
            Ok(())
        }

        /// Prints how many rows an object has on the device.
        fn report<T: SyncObject>(db: &Device) -> sync_runtime::Result<()> {
            let rows = T::count(db, Query::all())?;
            println!("  {}: {rows} rows", T::OBJECT);
            Ok(())
        }
    };
    render(
        "// A sync application: its objects are generated from the schema by build.rs.",
        tokens,
    )
}
