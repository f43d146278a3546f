//! The runtime's error type, with the legacy numeric codes.

/// The result type of the runtime.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Everything that can go wrong in the device database.
///
/// Every variant carries the numeric code of the legacy Foundry Sync client
/// ([`Error::code`]) and names the object, field, value or key involved.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// 7001: a value of the wrong type for its field.
    #[error("{object}.{field}: expected {} value, got {}", article(.expected), got(.kind, .value))]
    WrongType {
        /// The object.
        object: String,
        /// The field.
        field: String,
        /// What the field takes.
        expected: String,
        /// The kind of value given.
        kind: &'static str,
        /// The value given, shortened.
        value: String,
    },
    /// 7002: a mandatory field is missing or NULL.
    #[error("{object}.{field} is mandatory but {problem}")]
    MandatoryMissing {
        /// The object.
        object: String,
        /// The field.
        field: String,
        /// `is missing` or `is NULL`.
        problem: &'static str,
    },
    /// 7003: a primary-key column was not given, or a write tried to change it.
    #[error("{object}: primary key column {field} {problem} in {operation}")]
    KeyMissing {
        /// The object.
        object: String,
        /// The key column.
        field: String,
        /// What the call was doing.
        operation: &'static str,
        /// What is wrong with the key column.
        problem: &'static str,
    },
    /// 7009: no row has this primary key.
    #[error("{object}: no row with primary key {key}")]
    NoSuchKey {
        /// The object.
        object: String,
        /// The key, as `column = value` pairs.
        key: String,
    },
    /// 7009: a record has no local changes that a rollback could undo.
    #[error(
        "{object}: record {key} has no local changes to roll back \
         (changes already sent wait for the server's answer)"
    )]
    NothingToRollBack {
        /// The object.
        object: String,
        /// The key, as `column = value` pairs.
        key: String,
    },
    /// 7012: a change for upload points at a parent created with upload deferred.
    #[error(
        "{object}: its parent {parent} {key} was created with upload deferred; \
         mark the parent for upload first"
    )]
    DeferredParent {
        /// The object written.
        object: String,
        /// The parent object.
        parent: String,
        /// The parent's key, as `column = value` pairs.
        key: String,
    },
    /// 7014: a parent row is missing, or children block a delete.
    #[error("{object}: referential integrity: {detail}")]
    ReferentialIntegrity {
        /// The object written or deleted.
        object: String,
        /// What is missing or what blocks, with `column = value` pairs.
        detail: String,
    },
    /// 7015: a string longer than its field allows.
    #[error("{object}.{field}: {length} characters exceed the maximum of {max}: {value}")]
    StringTooLong {
        /// The object.
        object: String,
        /// The field.
        field: String,
        /// The value, shortened.
        value: String,
        /// Its length in characters.
        length: usize,
        /// The maximum.
        max: u32,
    },
    /// 7016: a create with a primary key that already exists.
    #[error("{object}: a row with primary key {key} already exists")]
    DuplicateKey {
        /// The object.
        object: String,
        /// The key, as `column = value` pairs.
        key: String,
    },
    /// 7017: an object name that is not in the schema.
    #[error("no object `{}` in the schema", short(.object))]
    UnknownObject {
        /// The name given.
        object: String,
    },
    /// 7017: a field name that is not in the object.
    #[error("{object} has no field `{}`", short(.field))]
    UnknownField {
        /// The object.
        object: String,
        /// The name given.
        field: String,
    },
    /// 7018: NaN or an infinity.
    #[error("{object}.{field}: {value} is not a finite number")]
    NonFinite {
        /// The object.
        object: String,
        /// The field.
        field: String,
        /// The value.
        value: f64,
    },
    /// 7019: a where clause or filter that is not allowed.
    #[error("invalid filter for {object}: {reason} (in `{}`)", short(.clause))]
    InvalidFilter {
        /// The object queried.
        object: String,
        /// The clause, or a rendering of the filter.
        clause: String,
        /// What is wrong.
        reason: String,
    },
    /// 7027: an update with no values to change.
    #[error("{object}: an update needs at least one field to change")]
    NoChanges {
        /// The object.
        object: String,
    },
    /// 7028: a record created with upload deferred was updated for upload.
    #[error(
        "{object}: record {key} was created with upload deferred; \
         mark it for upload before changing it for upload"
    )]
    DeferredUpdate {
        /// The object.
        object: String,
        /// The key, as `column = value` pairs.
        key: String,
    },
    /// 7030: a scope name that is not in the schema.
    #[error("no scope `{scope}` in the schema")]
    UnknownScope {
        /// The name given.
        scope: String,
    },
    /// 7004: the schema is invalid.
    #[error("invalid schema: {0}")]
    Schema(#[from] sync_schema::Error),
    /// 7026: the device database's bookkeeping is missing or unreadable.
    #[error("device database bookkeeping is damaged: {0}; reset the database")]
    Corrupt(String),
    /// 7019: SQLite failed.
    #[error("SQLite: {0}")]
    Sqlite(#[from] rusqlite::Error),
    /// 7777: a call before `init`.
    #[error("the device database is not initialised: call init first")]
    NotInitialized,
    /// 7777: the database was initialised with another schema than the one it was opened
    /// with.
    #[error(
        "the device database was initialised with another schema: call init to bring it up \
         to date"
    )]
    SchemaChanged,
    /// 7020: an upload answer that does not fit the device's state (an unknown window, a
    /// server key that clashes with another record).
    #[error("sync state: {0}")]
    SyncState(String),
}

impl Error {
    /// The numeric code the legacy Foundry Sync client uses for this kind of error.
    pub fn code(&self) -> u32 {
        match self {
            Error::WrongType { .. } => 7001,
            Error::MandatoryMissing { .. } => 7002,
            Error::KeyMissing { .. } => 7003,
            Error::Schema(_) => 7004,
            Error::NoSuchKey { .. } | Error::NothingToRollBack { .. } => 7009,
            Error::DeferredParent { .. } => 7012,
            Error::ReferentialIntegrity { .. } => 7014,
            Error::StringTooLong { .. } => 7015,
            Error::DuplicateKey { .. } => 7016,
            Error::UnknownObject { .. } | Error::UnknownField { .. } => 7017,
            Error::NonFinite { .. } => 7018,
            Error::InvalidFilter { .. } | Error::Sqlite(_) => 7019,
            Error::Corrupt(_) => 7026,
            Error::NoChanges { .. } => 7027,
            Error::DeferredUpdate { .. } => 7028,
            Error::UnknownScope { .. } => 7030,
            Error::SyncState(_) => 7020,
            Error::NotInitialized | Error::SchemaChanged => 7777,
        }
    }
}

/// How a wrong value reads in a message: `NULL`, or its kind and value.
fn got(kind: &str, value: &str) -> String {
    if kind == "null" {
        "NULL".to_owned()
    } else {
        format!("{kind} {value}")
    }
}

/// Caller-supplied text as a message shows it: at most 100 characters, then how long it was.
fn short(text: &str) -> String {
    const MAX: usize = 100;
    let count = text.chars().count();
    if count <= MAX {
        text.to_owned()
    } else {
        let head: String = text.chars().take(MAX).collect();
        format!("{head}... ({count} characters)")
    }
}

/// A type name with its article: `a string(20)`, `an integer`.
fn article(word: &str) -> String {
    let vowel = word
        .chars()
        .next()
        .is_some_and(|c| "aeiouAEIOU".contains(c));
    if vowel {
        format!("an {word}")
    } else {
        format!("a {word}")
    }
}
