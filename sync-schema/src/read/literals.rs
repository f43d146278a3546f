//! The literals of schema files that name a setting: strategies, conflict policies,
//! relationship kinds, and field types. Each reader reports a literal it does not know as an
//! error at the literal, saying which ones it takes.

use super::json::Node;
use super::types::{self, Facts, Mapped};
use crate::{ConflictPolicy, FieldType, RelationshipKind, Strategy};

/// A scope's `Strategy`: `OTA_SYNC`/`OTASync` or `PERSISTENT_SYNC`/`PersistentSync`.
pub(crate) fn strategy(node: &Node<'_, '_>) -> Option<Strategy> {
    let literal = node.string()?;
    let strategy = Strategy::from_literal(&literal.value);
    if strategy.is_none() {
        let message = format!("unknown strategy `{}`", literal.value);
        let expected = "OTA_SYNC, OTASync, PERSISTENT_SYNC or PersistentSync";
        node.report().expected(literal.at, message, expected);
    }
    strategy
}

/// A conflict policy: `none`, `server_win`, `serverWins`, `clientWins`, `custom`, ...
pub(crate) fn conflict_policy(node: &Node<'_, '_>) -> Option<ConflictPolicy> {
    let literal = node.string()?;
    let policy = ConflictPolicy::from_literal(&literal.value);
    if policy.is_none() {
        let message = format!("unknown conflict policy `{}`", literal.value);
        let expected = "none, serverWins, clientWins or custom";
        node.report().expected(literal.at, message, expected);
    }
    policy
}

/// A relationship kind: `OneToMany`, `ManyToOne` or `OneToOne`.
pub(crate) fn relationship_kind(node: &Node<'_, '_>) -> Option<RelationshipKind> {
    let literal = node.string()?;
    let kind = kind_of(&literal.value);
    if kind.is_none() {
        let message = format!("unknown relationship kind `{}`", literal.value);
        node.report().expected(literal.at, message, KINDS);
    }
    kind
}

/// The relationship kinds, for `expected`.
pub(crate) const KINDS: &str = "OneToMany, ManyToOne or OneToOne";

/// The relationship kind a literal names.
pub(crate) fn kind_of(literal: &str) -> Option<RelationshipKind> {
    match literal {
        "OneToMany" => Some(RelationshipKind::OneToMany),
        "ManyToOne" => Some(RelationshipKind::ManyToOne),
        "OneToOne" => Some(RelationshipKind::OneToOne),
        _ => None,
    }
}

/// A field's type name, mapped with what else the source says about the field (see
/// [`types`]). An unknown name is an error; a guessed mapping, a warning.
pub(crate) fn field_type(node: &Node<'_, '_>, facts: Facts<'_>) -> Option<FieldType> {
    let name = node.string()?;
    match types::map(&name.value, facts) {
        Mapped::Exact(ty) => Some(ty),
        Mapped::Guessed(ty, why) => {
            node.report().warning(name.at, why);
            Some(ty)
        }
        Mapped::Unknown => {
            let message = format!("unknown type `{}`", name.value);
            node.report()
                .expected(name.at, message, &types::known_names());
            None
        }
    }
}
