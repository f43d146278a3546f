//! Code generation from a build script: read the schemas, generate, and write into `OUT_DIR`
//! only when the content changes.

use std::io::Write;
use std::path::{Component, Path, PathBuf};

use sync_schema::Schema;

use crate::{generate, Error, Options, Result};

/// Where a schema comes from.
#[derive(Debug, Clone)]
enum Source {
    /// A schema file (or folder) to read.
    File(PathBuf),
    /// A schema already in memory.
    Schema(Box<Schema>),
}

/// Generates the typed objects of one or more schemas from `build.rs`.
///
/// Schema files are read with `sync_schema::read_path`, in any format it knows (the format is
/// taken from the content); what the reader had to guess is printed as `cargo:warning`.
///
/// ```no_run
/// // build.rs
/// fn main() {
///     let built = sync_codegen::Builder::new()
///         .schema_file("schemas/field-service.json")
///         .out_file("objects.rs")
///         .compile();
///     // Print the error's message: it lists every problem with its place in the file.
///     if let Err(error) = built {
///         eprintln!("cannot generate the sync objects: {error}");
///         std::process::exit(1);
///     }
/// }
/// ```
///
/// and in the crate, `include!(concat!(env!("OUT_DIR"), "/objects.rs"));`.
///
/// Several schemas make one application: their scopes are put together, in the order given,
/// under the first schema's application id and version, and the result must be a valid
/// schema (no object twice). The output is written to `$OUT_DIR/<out_file>` only when its
/// bytes change, so that cargo does not rebuild for nothing; every file read is reported
/// with `cargo:rerun-if-changed`.
#[allow(clippy::needless_doctest_main)] // a build script is a `main`
#[derive(Debug, Clone)]
pub struct Builder {
    /// The schemas, in the order given.
    sources: Vec<Source>,
    /// The output file, relative to the output directory.
    out_file: PathBuf,
    /// The output directory, when not `OUT_DIR`.
    out_dir: Option<PathBuf>,
    /// The generator's options.
    options: Options,
}

/// What [`Builder::compile`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Compiled {
    /// The generated file.
    pub path: PathBuf,
    /// Whether it was written; `false` when it already held the same bytes.
    pub written: bool,
}

impl Default for Builder {
    fn default() -> Builder {
        Builder::new()
    }
}

impl Builder {
    /// A builder with no schema yet, writing `sync_objects.rs`.
    pub fn new() -> Builder {
        Builder {
            sources: Vec::new(),
            out_file: PathBuf::from("sync_objects.rs"),
            out_dir: None,
            options: Options::default(),
        }
    }

    /// Adds a schema file (or an object-service folder) to read, in any format that
    /// `sync_schema` reads.
    pub fn schema_file(mut self, path: impl AsRef<Path>) -> Builder {
        self.sources.push(Source::File(path.as_ref().to_path_buf()));
        self
    }

    /// Adds a schema already in memory.
    pub fn schema(mut self, schema: Schema) -> Builder {
        self.sources.push(Source::Schema(Box::new(schema)));
        self
    }

    /// The output file's name, relative to the output directory: `sync_objects.rs` unless
    /// set.
    pub fn out_file(mut self, name: impl AsRef<Path>) -> Builder {
        self.out_file = name.as_ref().to_path_buf();
        self
    }

    /// Writes into this directory instead of `$OUT_DIR`.
    pub fn out_dir(mut self, dir: impl AsRef<Path>) -> Builder {
        self.out_dir = Some(dir.as_ref().to_path_buf());
        self
    }

    /// The path of the runtime crate in the generated code: `::sync_runtime` unless set.
    pub fn runtime_path(mut self, path: impl Into<String>) -> Builder {
        self.options = self.options.with_runtime_path(path);
        self
    }

    /// What the header says the code comes from; by default the names of the schema files
    /// (without their directories) and the application ids of in-memory schemas.
    pub fn source_description(mut self, source: impl Into<String>) -> Builder {
        self.options = self.options.with_source(source);
        self
    }

    /// Generates the code and writes it if it changed, printing `cargo:rerun-if-changed` for
    /// every schema file to standard output, as cargo expects from a build script.
    pub fn compile(&self) -> Result<Compiled> {
        let stdout = std::io::stdout();
        let mut directives = stdout.lock();
        self.compile_with(&mut directives)
    }

    /// [`Builder::compile`], writing the cargo directives to `directives`.
    pub fn compile_with(&self, directives: &mut dyn Write) -> Result<Compiled> {
        let out_dir = match &self.out_dir {
            Some(dir) => dir.clone(),
            None => std::env::var_os("OUT_DIR")
                .map(PathBuf::from)
                .ok_or(Error::NoOutDir)?,
        };
        let path = out_dir.join(checked_out_file(&self.out_file)?);

        let schema = self.read(directives)?;
        let options = match self.options.source() {
            Some(_) => self.options.clone(),
            None => self.options.clone().with_source(self.describe_sources()),
        };
        let code = generate(&schema, &options)?;
        let written = write_if_changed(&path, code.as_bytes())?;
        Ok(Compiled { path, written })
    }

    /// Reads every source and puts the schemas together.
    fn read(&self, directives: &mut dyn Write) -> Result<Schema> {
        let mut merged: Option<Schema> = None;
        for source in &self.sources {
            let schema = match source {
                Source::File(path) => {
                    rerun_if_changed(path, directives)?;
                    read_schema_file(path, directives)?
                }
                Source::Schema(schema) => (**schema).clone(),
            };
            match &mut merged {
                None => merged = Some(schema),
                Some(first) => first.scopes.extend(schema.scopes),
            }
        }
        merged.ok_or(Error::NoSchema)
    }

    /// The default source description: file names and application ids, in order.
    fn describe_sources(&self) -> String {
        let parts: Vec<String> = self
            .sources
            .iter()
            .map(|source| match source {
                Source::File(path) => path
                    .file_name()
                    .unwrap_or(path.as_os_str())
                    .to_string_lossy()
                    .into_owned(),
                Source::Schema(schema) => format!("the schema of application `{}`", schema.app_id),
            })
            .collect();
        parts.join(", ")
    }
}

/// The output file name, checked to stay inside the output directory.
fn checked_out_file(name: &Path) -> Result<&Path> {
    let inside = name
        .components()
        .all(|c| matches!(c, Component::Normal(_) | Component::CurDir));
    if name.as_os_str().is_empty() || !inside {
        return Err(Error::InvalidOption {
            option: "output file",
            message: format!(
                "`{}` must be a relative file name inside the output directory",
                name.display()
            ),
        });
    }
    Ok(name)
}

/// Prints `cargo:rerun-if-changed` for a file the build reads.
fn rerun_if_changed(path: &Path, directives: &mut dyn Write) -> Result<()> {
    // Cargo reads its directives as UTF-8 lines.
    let Some(text) = path.to_str().filter(|t| !t.contains(['\n', '\r'])) else {
        return Err(Error::InvalidOption {
            option: "schema file",
            message: format!(
                "cargo cannot watch `{}`: its path is not one line of UTF-8",
                path.display()
            ),
        });
    };
    writeln!(directives, "cargo:rerun-if-changed={text}").map_err(|source| Error::Io {
        action: "print the cargo directives for",
        path: path.to_path_buf(),
        source,
    })
}

/// Reads one schema file (or folder) with the readers of `sync_schema`, printing what the
/// reader had to guess as cargo warnings.
fn read_schema_file(path: &Path, directives: &mut dyn Write) -> Result<Schema> {
    let outcome = sync_schema::read_path(path).map_err(|failure| Error::Read {
        path: path.to_path_buf(),
        failure,
    })?;
    for warning in &outcome.warnings {
        // One directive is one line.
        let text = warning.to_string().replace(['\n', '\r'], " ");
        writeln!(directives, "cargo:warning={text}").map_err(|source| Error::Io {
            action: "print the cargo directives for",
            path: path.to_path_buf(),
            source,
        })?;
    }
    Ok(outcome.schema)
}

/// Writes `bytes` to `path` unless the file holds them already; whether it wrote.
///
/// The new content goes to a temporary file beside the target first and is renamed over it,
/// so that a reader never sees half a file.
fn write_if_changed(path: &Path, bytes: &[u8]) -> Result<bool> {
    match std::fs::read(path) {
        Ok(existing) if existing == bytes => return Ok(false),
        Ok(_) => {}
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => {}
        Err(source) => {
            return Err(Error::Io {
                action: "read",
                path: path.to_path_buf(),
                source,
            })
        }
    }
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(|source| Error::Io {
            action: "create the directory",
            path: dir.to_path_buf(),
            source,
        })?;
    }
    let mut temporary = path.as_os_str().to_owned();
    temporary.push(format!(".{}.tmp", std::process::id()));
    let temporary = PathBuf::from(temporary);
    std::fs::write(&temporary, bytes).map_err(|source| Error::Io {
        action: "write",
        path: temporary.clone(),
        source,
    })?;
    std::fs::rename(&temporary, path).map_err(|source| {
        // Best effort: the rename failed, the temporary file is of no use.
        let _ = std::fs::remove_file(&temporary);
        Error::Io {
            action: "write",
            path: path.to_path_buf(),
            source,
        }
    })?;
    Ok(true)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_output_file_stays_in_the_output_directory() {
        assert!(checked_out_file(Path::new("objects.rs")).is_ok());
        assert!(checked_out_file(Path::new("gen/objects.rs")).is_ok());
        assert!(checked_out_file(Path::new("../objects.rs")).is_err());
        assert!(checked_out_file(Path::new("/tmp/objects.rs")).is_err());
        assert!(checked_out_file(Path::new("")).is_err());
    }

    #[test]
    fn files_are_written_only_when_their_bytes_change() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sub").join("out.rs");
        assert!(write_if_changed(&path, b"one").unwrap());
        assert!(!write_if_changed(&path, b"one").unwrap());
        assert!(write_if_changed(&path, b"two").unwrap());
        assert_eq!(std::fs::read(&path).unwrap(), b"two");
        let leftovers = std::fs::read_dir(dir.path().join("sub")).unwrap().count();
        assert_eq!(leftovers, 1);
    }
}
