//! `syncobj`: the command line of the offline sync toolkit.
//!
//! Every command reads its input, does one job, and exits non-zero with a message that says
//! what and where when the input is bad.
#![allow(clippy::print_stdout)] // a command line prints its results

mod doc;
mod infer;
mod init;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{bail, Context, Result};
use clap::{Parser, Subcommand, ValueEnum};
use sync_schema::read::ReadFailure;
use sync_schema::{ReadOutcome, Schema};

/// Generate, check, convert, infer and document sync schemas.
#[derive(Debug, Parser)]
#[command(name = "syncobj", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Generate the Rust sync objects of a schema.
    Generate {
        /// The schema: a file in any supported format, or an object-service folder.
        schema: PathBuf,
        /// Where to write the code (standard output when absent).
        #[arg(short, long, value_name = "FILE")]
        output: Option<PathBuf>,
        /// Write nothing; exit non-zero when FILE is not what would be generated.
        #[arg(long, requires = "output")]
        check: bool,
    },
    /// Create a new application crate that generates its objects from a schema.
    Init {
        /// The new crate's folder; it must not exist or be empty.
        dir: PathBuf,
        /// The schema file to copy into the crate.
        #[arg(long)]
        schema: PathBuf,
        /// The toolkit's source folder the crate depends on [default: the one this syncobj was
        /// built from].
        #[arg(
            long,
            value_name = "DIR",
            default_value = default_toolkit(),
            hide_default_value = true
        )]
        toolkit: PathBuf,
    },
    /// Work with schema files.
    #[command(subcommand)]
    Schema(SchemaCommand),
}

#[derive(Debug, Subcommand)]
enum SchemaCommand {
    /// Read a schema and report every problem, each with its location.
    Check {
        /// The schema: a file in any supported format, or an object-service folder.
        schema: PathBuf,
    },
    /// Write a schema in another format.
    Convert {
        /// The schema to read.
        schema: PathBuf,
        /// The format to write.
        #[arg(long, value_enum)]
        to: Target,
        /// Where to write it (standard output when absent).
        #[arg(short, long, value_name = "FILE")]
        output: Option<PathBuf>,
    },
    /// Write a Markdown reference page of a schema's objects, fields and relationships.
    Doc {
        /// The schema to read.
        schema: PathBuf,
        /// Where to write the page (standard output when absent).
        #[arg(short, long, value_name = "FILE")]
        output: Option<PathBuf>,
    },
    /// Infer a schema from the tables, keys and foreign keys of an existing database.
    Infer {
        /// The database: `sqlite:FILE`.
        #[arg(long, value_name = "URL")]
        from: String,
        /// The format to write.
        #[arg(long, value_enum, default_value_t = Target::Metadata)]
        to: Target,
        /// Where to write the schema (standard output when absent).
        #[arg(short, long, value_name = "FILE")]
        output: Option<PathBuf>,
    },
}

/// A schema format to write.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Target {
    /// The legacy sync configuration JSON.
    Legacy,
    /// Offline object-service metadata JSON.
    Metadata,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("syncobj: error: {err:#}");
            ExitCode::FAILURE
        }
    }
}

fn run(cli: Cli) -> Result<()> {
    match cli.command {
        Command::Generate {
            schema,
            output,
            check,
        } => {
            if let Some(file) = &output {
                if same_file(file, &schema) {
                    bail!(
                        "-o {} is the schema itself; write the code to another file",
                        file.display()
                    );
                }
            }
            let outcome = read(&schema)?;
            let code = generate(&schema, &outcome.schema)?;
            match (output, check) {
                (Some(file), true) => {
                    let Ok(current) = std::fs::read_to_string(&file) else {
                        bail!(
                            "{} does not exist or cannot be read: run `syncobj generate {} -o {}`",
                            file.display(),
                            schema.display(),
                            file.display()
                        );
                    };
                    if current != code {
                        bail!(
                            "{} is stale: run `syncobj generate {} -o {}`",
                            file.display(),
                            schema.display(),
                            file.display()
                        );
                    }
                    say(&format!("{} is up to date", file.display()))
                }
                (output, _) => write_output(output.as_deref(), &code),
            }
        }
        Command::Init {
            dir,
            schema,
            toolkit,
        } => init::create(&dir, &schema, &toolkit),
        Command::Schema(SchemaCommand::Check { schema }) => {
            let outcome = read(&schema)?;
            // What code generation refuses (names that cannot become Rust or that become the
            // same Rust name, keys too wide to type) is a problem of the schema too.
            if let Err(error) =
                sync_codegen::generate(&outcome.schema, &sync_codegen::Options::new())
            {
                for problem in error.problems() {
                    eprintln!("syncobj: error: {}: {problem}", schema.display());
                }
                bail!(
                    "{} cannot become Rust code ({} problem(s))",
                    schema.display(),
                    error.problems().len()
                );
            }
            let objects = outcome.schema.objects().count();
            say(&format!(
                "{}: {} scope(s), {objects} object(s), {} warning(s), no errors",
                schema.display(),
                outcome.schema.scopes.len(),
                outcome.warnings.len()
            ))
        }
        Command::Schema(SchemaCommand::Convert { schema, to, output }) => {
            let outcome = read(&schema)?;
            write_schema(&outcome.schema, to, output.as_deref())
        }
        Command::Schema(SchemaCommand::Doc { schema, output }) => {
            let outcome = read(&schema)?;
            write_output(output.as_deref(), &doc::render(&outcome.schema)?)
        }
        Command::Schema(SchemaCommand::Infer { from, to, output }) => {
            let Some(file) = from.strip_prefix("sqlite:") else {
                bail!("--from takes `sqlite:FILE`; got `{from}`");
            };
            let (schema, warnings) = infer::from_sqlite(Path::new(file))?;
            for warning in warnings {
                eprintln!("syncobj: warning: {warning}");
            }
            write_schema(&schema, to, output.as_deref())
        }
    }
}

/// Reads a schema, printing its warnings; its errors, every one with its location, make the
/// error returned.
fn read(path: &Path) -> Result<ReadOutcome> {
    match sync_schema::read::read_path(path) {
        Ok(outcome) => {
            for warning in &outcome.warnings {
                eprintln!("syncobj: {warning}");
            }
            Ok(outcome)
        }
        Err(ReadFailure::Invalid(diagnostics)) => {
            for diagnostic in &diagnostics {
                eprintln!("syncobj: {diagnostic}");
            }
            bail!("{} has {} error(s)", path.display(), diagnostics.len())
        }
        // The message already names the cause; no chain to repeat it.
        Err(other) => bail!("{other}"),
    }
}

/// The generated code of a schema read from `path`.
fn generate(path: &Path, schema: &Schema) -> Result<String> {
    let source = path.file_name().map_or_else(
        || path.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    );
    let options = sync_codegen::Options::new().with_source(source);
    sync_codegen::generate(schema, &options)
        .with_context(|| format!("cannot generate code for {}", path.display()))
}

/// The toolkit's source folder, as this binary was built from it.
fn default_toolkit() -> &'static str {
    concat!(env!("CARGO_MANIFEST_DIR"), "/..")
}

/// Writes a schema as JSON in a target format.
fn write_schema(schema: &Schema, to: Target, output: Option<&Path>) -> Result<()> {
    let json = match to {
        Target::Legacy => {
            for loss in sync_schema::write::legacy_losses(schema) {
                eprintln!("syncobj: warning: {loss}");
            }
            sync_schema::write::to_legacy(schema)
        }
        Target::Metadata => {
            for loss in sync_schema::write::metadata_losses(schema) {
                eprintln!("syncobj: warning: {loss}");
            }
            sync_schema::write::to_offline_metadata(schema)
        }
    };
    let mut text = serde_json::to_string_pretty(&json)?;
    text.push('\n');
    write_output(output, &text)
}

/// Prints a line on standard output; a closed or full output is an error, not a panic.
fn say(line: &str) -> Result<()> {
    let mut out = std::io::stdout().lock();
    writeln!(out, "{line}")
        .and_then(|()| out.flush())
        .context("cannot write to standard output")
}

/// Whether two paths name the same existing file.
fn same_file(a: &Path, b: &Path) -> bool {
    match (a.canonicalize(), b.canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    }
}

/// Writes to a file, or to standard output.
fn write_output(path: Option<&Path>, text: &str) -> Result<()> {
    match path {
        Some(path) => {
            std::fs::write(path, text).with_context(|| format!("cannot write {}", path.display()))
        }
        None => {
            let mut out = std::io::stdout().lock();
            out.write_all(text.as_bytes())
                .and_then(|()| out.flush())
                .context("cannot write to standard output")
        }
    }
}
