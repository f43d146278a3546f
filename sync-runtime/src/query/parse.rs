//! Raw where-clause strings, parsed with a real SQL parser and checked against the object.

use sync_schema::Object;

use super::{Mode, Resolved};
use crate::{Error, Result};

/// Parses a raw clause of the seed's string APIs into a checked query.
pub(crate) fn parse_clause(clause: &str, object: &Object, _mode: Mode) -> Result<Resolved> {
    Err(Error::InvalidFilter {
        object: object.name.clone(),
        clause: clause.to_owned(),
        reason: "raw clauses are not parsed yet".to_owned(),
    })
}
