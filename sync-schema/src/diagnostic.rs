//! Where a problem is in a schema file, and what the readers report.

use std::fmt;
use std::path::PathBuf;

/// A place in a schema file: the path of the value in the document (JSON path such as
/// `ArrayOfSyncScope[0].ScopeTables[3].Columns[2].type`, or an XML element path), and its
/// line and column (both from 1).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct Location {
    /// The file, when the schema came from one.
    pub file: Option<PathBuf>,
    /// The path of the value inside the document.
    pub path: String,
    /// The line, from 1; 0 when unknown.
    pub line: usize,
    /// The column in characters, from 1; 0 when unknown.
    pub column: usize,
}

impl Location {
    /// A location by document path, line and column.
    pub fn new(path: impl Into<String>, line: usize, column: usize) -> Location {
        Location {
            file: None,
            path: path.into(),
            line,
            column,
        }
    }

    /// The same location in a file.
    pub fn in_file(mut self, file: impl Into<PathBuf>) -> Location {
        self.file = Some(file.into());
        self
    }
}

impl fmt::Display for Location {
    /// `file:line:column: path`, leaving out what is unknown.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(file) = &self.file {
            write!(f, "{}:", file.display())?;
        }
        if self.line > 0 {
            write!(f, "{}:{}:", self.line, self.column)?;
        }
        if self.file.is_some() || self.line > 0 {
            f.write_str(" ")?;
        }
        f.write_str(&self.path)
    }
}

/// How serious a diagnostic is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Severity {
    /// The schema cannot be used.
    Error,
    /// The schema can be used, but something was not understood or was guessed.
    Warning,
}

/// One problem found in a schema file: where, what, and what was expected.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Diagnostic {
    /// Error or warning.
    pub severity: Severity,
    /// Where it is.
    pub location: Location,
    /// What is wrong.
    pub message: String,
    /// What was expected there, when that helps.
    pub expected: Option<String>,
}

impl Diagnostic {
    /// An error.
    pub fn error(location: Location, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            severity: Severity::Error,
            location,
            message: message.into(),
            expected: None,
        }
    }

    /// A warning.
    pub fn warning(location: Location, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::error(location, message)
        }
    }

    /// Says what was expected.
    pub fn expected(mut self, expected: impl Into<String>) -> Diagnostic {
        self.expected = Some(expected.into());
        self
    }
}

impl fmt::Display for Diagnostic {
    /// `error: file:line:column: path: message (expected ...)`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let label = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        write!(f, "{label}: {}: {}", self.location, self.message)?;
        if let Some(expected) = &self.expected {
            write!(f, " (expected {expected})")?;
        }
        Ok(())
    }
}

/// The formats a schema can be read from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Format {
    /// The legacy sync configuration JSON (`konysyncClientSyncConfig`).
    LegacySyncConfig,
    /// Object-service metadata as the online SDK sees it (`{"Metadata": {"tables": ...}}`).
    OnlineMetadata,
    /// Offline Objects metadata (`{"namespaces": [...]}`), also what the server serves.
    OfflineMetadata,
    /// One object service of an exported Foundry app, packed into one JSON file.
    PackedObjectService,
    /// One object service of an exported Foundry app, as its folder.
    ObjectServiceFolder,
    /// The legacy sync server's `SyncConfig.xml`.
    SyncConfigXml,
}

/// A schema read from a file, with the warnings of the reading.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct ReadOutcome {
    /// The schema.
    pub schema: crate::Schema,
    /// The format it was read from.
    pub format: Format,
    /// Things the reader did not understand or had to guess; the schema is usable.
    pub warnings: Vec<Diagnostic>,
}

impl ReadOutcome {
    /// A schema read without warnings.
    pub fn new(schema: crate::Schema, format: Format) -> ReadOutcome {
        ReadOutcome {
            schema,
            format,
            warnings: Vec::new(),
        }
    }
}
