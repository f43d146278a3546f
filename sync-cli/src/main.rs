//! `syncobj`: the command line of the offline sync toolkit.
//!
//! Every command reads its input, does one job, and exits non-zero with a message that says
//! what and where when the input is bad.

mod infer;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{bail, Context, Result};
use clap::{Parser, Subcommand, ValueEnum};

/// Generate, check, convert, infer and document sync schemas.
#[derive(Debug, Parser)]
#[command(name = "syncobj", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Work with schema files.
    #[command(subcommand)]
    Schema(SchemaCommand),
}

#[derive(Debug, Subcommand)]
enum SchemaCommand {
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
        Command::Schema(SchemaCommand::Infer { from, to, output }) => {
            let Some(file) = from.strip_prefix("sqlite:") else {
                bail!("--from takes `sqlite:FILE`; got `{from}`");
            };
            let (schema, warnings) = infer::from_sqlite(Path::new(file))?;
            for warning in warnings {
                eprintln!("syncobj: warning: {warning}");
            }
            let json = match to {
                Target::Legacy => sync_schema::write::to_legacy(&schema),
                Target::Metadata => sync_schema::write::to_offline_metadata(&schema),
            };
            let mut text = serde_json::to_string_pretty(&json)?;
            text.push('\n');
            write_output(output.as_deref(), &text)
        }
    }
}

/// Writes to a file, or to standard output.
fn write_output(path: Option<&Path>, text: &str) -> Result<()> {
    match path {
        Some(path) => {
            std::fs::write(path, text).with_context(|| format!("cannot write {}", path.display()))
        }
        None => std::io::stdout()
            .write_all(text.as_bytes())
            .context("cannot write to standard output"),
    }
}
