//! Generates the sync objects of the field-service sample schema into `OUT_DIR`, as
//! `sync_objects.rs`, rewriting the file only when the schema changes what it holds.

fn main() {
    let built = sync_codegen::Builder::new()
        .schema_file("../../schemas/field-service.legacy.json")
        .out_file("sync_objects.rs")
        .compile();
    if let Err(error) = built {
        eprintln!("cannot generate the sync objects: {error}");
        std::process::exit(1);
    }
}
