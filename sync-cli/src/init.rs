//! `syncobj init`: a new application crate that generates its objects from a schema in its
//! `build.rs`. The manifest and README come from handlebars templates; the Rust files are
//! built by `sync_codegen::scaffold`, never from a template.

use std::path::Path;

use anyhow::{bail, Context, Result};
use handlebars::Handlebars;
use serde::Serialize;

const MANIFEST: &str = include_str!("../templates/init/Cargo.toml.hbs");
const README: &str = include_str!("../templates/init/README.md.hbs");

/// What the templates see.
#[derive(Serialize)]
struct Crate<'a> {
    package: String,
    toolkit: String,
    schema_file: &'a str,
    objects: usize,
}

/// Creates the crate in `dir` from the schema file, depending on the toolkit at `toolkit`.
pub fn create(dir: &Path, schema: &Path, toolkit: &Path) -> Result<()> {
    if !schema.is_file() {
        bail!(
            "{} is not a schema file; init copies one file into the crate",
            schema.display()
        );
    }
    let outcome = crate::read(schema)?;
    let schema_file = schema
        .file_name()
        .and_then(|n| n.to_str())
        .with_context(|| format!("{} has no usable file name", schema.display()))?;
    let toolkit = toolkit
        .canonicalize()
        .with_context(|| format!("cannot find the toolkit at {}", toolkit.display()))?;
    if !toolkit.join("sync-runtime").join("Cargo.toml").is_file() {
        bail!(
            "{} is not the toolkit's source folder (no sync-runtime in it); pass --toolkit",
            toolkit.display()
        );
    }
    check_empty(dir)?;
    let view = Crate {
        package: package_name(dir)?,
        toolkit: toolkit
            .display()
            .to_string()
            .replace('\\', "/")
            .replace('"', "\\\""),
        schema_file,
        objects: outcome.schema.objects().count(),
    };
    // Everything that can fail is made before anything is written.
    sync_codegen::generate(&outcome.schema, &sync_codegen::Options::new())
        .with_context(|| format!("cannot generate code for {}", schema.display()))?;
    let build_rs = sync_codegen::scaffold::build_rs(&format!("schema/{schema_file}"))?;
    let main_rs = sync_codegen::scaffold::main_rs(&outcome.schema)?;
    let files = [
        ("Cargo.toml", render(MANIFEST, &view)?),
        ("README.md", render(README, &view)?),
        ("build.rs", build_rs),
        ("src/main.rs", main_rs),
        (
            ".gitignore",
            "/target\n*.db\n*.db-wal\n*.db-shm\n".to_owned(),
        ),
    ];
    for folder in ["src", "schema"] {
        std::fs::create_dir_all(dir.join(folder))
            .with_context(|| format!("cannot create {}", dir.join(folder).display()))?;
    }
    std::fs::copy(schema, dir.join("schema").join(schema_file))
        .with_context(|| format!("cannot copy {} into {}", schema.display(), dir.display()))?;
    for (name, text) in files {
        let path = dir.join(name);
        std::fs::write(&path, text).with_context(|| format!("cannot write {}", path.display()))?;
    }
    eprintln!(
        "syncobj: created {} ({} objects); run it with `cargo run` there",
        dir.display(),
        view.objects
    );
    Ok(())
}

/// Renders a template in strict mode, without HTML escaping.
fn render(template: &str, view: &Crate<'_>) -> Result<String> {
    let mut handlebars = Handlebars::new();
    handlebars.set_strict_mode(true);
    handlebars.register_escape_fn(handlebars::no_escape);
    handlebars
        .render_template(template, view)
        .context("cannot render a template of the new crate")
}

/// Fails unless `dir` does not exist or is an empty folder.
fn check_empty(dir: &Path) -> Result<()> {
    match std::fs::read_dir(dir) {
        Ok(mut entries) => {
            if entries.next().is_some() {
                bail!("{} exists and is not empty", dir.display());
            }
            Ok(())
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(e).with_context(|| format!("cannot use {}", dir.display())),
    }
}

/// A cargo package name from the folder's name: lower case, `-` between words.
fn package_name(dir: &Path) -> Result<String> {
    let raw = dir
        .file_name()
        .and_then(|n| n.to_str())
        .with_context(|| format!("{} has no usable folder name", dir.display()))?;
    let mut name = String::new();
    for c in raw.chars() {
        if c.is_ascii_alphanumeric() {
            name.push(c.to_ascii_lowercase());
        } else if !name.ends_with('-') && !name.is_empty() {
            name.push('-');
        }
    }
    let name = name.trim_end_matches('-').to_owned();
    // Names cargo keeps for its own folders cannot name a binary.
    let reserved = ["build", "deps", "examples", "incremental", "test", "main"];
    match name.chars().next() {
        Some(_) if reserved.contains(&name.as_str()) => Ok(format!("app-{name}")),
        Some(first) if first.is_ascii_alphabetic() => Ok(name),
        Some(_) => Ok(format!("app-{name}")),
        None => bail!("cannot make a package name from the folder name `{raw}`"),
    }
}
