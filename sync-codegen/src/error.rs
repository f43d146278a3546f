//! The errors of code generation and of the builder.

use std::fmt::Write as _;
use std::path::PathBuf;

/// The result type of this crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// What went wrong while generating code or writing it. Each variant says where.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The schema breaks the model's rules (checked by `sync_schema::Schema::validate`).
    #[error("invalid schema:{}", bullets(problems))]
    InvalidSchema {
        /// Every problem found.
        problems: Vec<sync_schema::Error>,
    },
    /// Two schema names become the same Rust name.
    #[error("{first} and {second} both become the Rust {kind} `{rust_name}`; {hint}")]
    NameClash {
        /// What kind of Rust name: `type`, `field`, `column constant` or `method`.
        kind: &'static str,
        /// The Rust name they share.
        rust_name: String,
        /// The first schema item, with its object: ``field `Order Date` of object `WorkOrder` ``.
        first: String,
        /// The second schema item, with its object.
        second: String,
        /// What to change.
        hint: &'static str,
    },
    /// A schema name leaves nothing usable as a Rust name.
    #[error("{what} gives no Rust name: {reason}")]
    InvalidName {
        /// The schema item, with its object.
        what: String,
        /// Why.
        reason: String,
    },
    /// The schema is valid but uses something the typed layer cannot express.
    #[error("object `{object}`: {message}")]
    Unsupported {
        /// The object.
        object: String,
        /// What is not supported.
        message: String,
    },
    /// An option of [`Options`](crate::Options) or [`Builder`](crate::Builder) is unusable.
    #[error("invalid {option}: {message}")]
    InvalidOption {
        /// The option.
        option: &'static str,
        /// What is wrong with it.
        message: String,
    },
    /// A schema file could not be read as a schema.
    #[error("cannot read the schema file {}: {failure}", path.display())]
    Read {
        /// The file, as given to the builder.
        path: PathBuf,
        /// What the reader reported: every problem, each with its location.
        failure: sync_schema::ReadFailure,
    },
    /// A file-system operation failed.
    #[error("cannot {action} {}: {source}", path.display())]
    Io {
        /// What was being done: `read`, `write`, `create the directory`, ...
        action: &'static str,
        /// The file or directory.
        path: PathBuf,
        /// The error of the operating system.
        source: std::io::Error,
    },
    /// The builder runs outside a build script and was given no output directory.
    #[error(
        "OUT_DIR is not set: run the builder from a build script, or give it a directory with \
         `Builder::out_dir`"
    )]
    NoOutDir,
    /// The builder was given no schema.
    #[error("no schema to generate code from: give the builder `schema_file` or `schema`")]
    NoSchema,
    /// The generated tokens are not a Rust file; a bug of this crate, reported rather than
    /// turned into a panic.
    #[error("the generated code does not parse ({message}); please report this bug")]
    Internal {
        /// The parser's message.
        message: String,
    },
    /// Several problems, in schema order.
    #[error("{} problems:{}", errors.len(), bullets(errors))]
    Several {
        /// Each problem.
        errors: Vec<Error>,
    },
}

impl Error {
    /// One error for a list of problems: the problem itself when there is one, `Several`
    /// otherwise. `None` for an empty list.
    pub(crate) fn from_problems(mut errors: Vec<Error>) -> Option<Error> {
        match errors.len() {
            0 => None,
            1 => errors.pop(),
            _ => Some(Error::Several { errors }),
        }
    }

    /// The problems of this error: itself, or each of `Several`.
    pub fn problems(&self) -> Vec<&Error> {
        match self {
            Error::Several { errors } => errors.iter().collect(),
            other => vec![other],
        }
    }
}

/// Each item on its own indented line, or after a space when there is only one.
fn bullets<T: std::fmt::Display>(items: &[T]) -> String {
    if let [single] = items {
        return format!(" {single}");
    }
    let mut out = String::new();
    for item in items {
        // Writing to a String cannot fail.
        let _ = write!(out, "\n  - {item}");
    }
    out
}
