//! Object-service metadata as the online SDK sees it (spec §4.3): `{"Metadata": {"tables":
//! [...]}}` for a whole service, `{"Metadata": {"table": {...}}}` for one object.
//!
//! This view carries no sync settings: the service becomes one scope, applied at once, with no
//! conflict detection, named after the file (the metadata names no service; a warning says so).
//!
//! - The primary key is `primaryKey`, in its order; without it, the columns flagged
//!   `primaryKey`, in column order.
//! - There are no lengths: strings have no limit. A `number` that is not a key is a double,
//!   with the warning that no precision is given.
//! - A relationship's `relationshipFields` is read as a list of `{sourceField, targetField}`
//!   pairs, the shape the export's `Relationships.json` uses; the SDK's documentation does not
//!   show it.

use std::path::Path;

use super::json::{Keys, Node, Report, Text};
use super::literals;
use super::offline::service_name;
use super::places::{Draft, ReadObject, ReadRelationship};
use super::types::Facts;
use crate::{Field, Location, Schema, Scope, Strategy};

/// Reads online metadata from its top-level object.
pub(crate) fn read(mut top: Keys<'_, '_>, file: Option<&Path>) -> Draft {
    let report = top.node().report();
    let metadata = top.require("Metadata");
    let root = top.location();
    top.finish();

    let name = service_name(None, file, &root, report);
    let mut draft = Draft::new(Schema::new(&name.value), root);
    let tables = metadata.as_ref().map(tables).unwrap_or_default();
    let objects = tables
        .iter()
        .filter_map(|t| read_table(t, report))
        .collect();
    let scope = Scope::new(&name.value, Strategy::AppliedAtOnce);
    draft.add_scope(scope, name.at, objects);
    draft
}

/// The tables of `Metadata`: the array `tables`, or the one `table`.
fn tables<'v, 'a>(node: &Node<'v, 'a>) -> Vec<Node<'v, 'a>> {
    let Some(mut keys) = node.object() else {
        return Vec::new();
    };
    let tables = if keys.has("tables") {
        keys.take("tables").and_then(|n| n.array())
    } else if keys.has("table") {
        keys.take("table").map(|n| vec![n])
    } else {
        let message = "the required key `tables` (or `table`) is missing";
        node.report().error(keys.location(), message);
        None
    };
    keys.finish();
    tables.unwrap_or_default()
}

/// Table keys the model has no use for: the backend's name for the object, the console's
/// display name, identifiers and flags, and write permissions the server enforces.
const IGNORED_TABLE_KEYS: &[&str] = &[
    "sourceEntityName",
    "displayName",
    "entityTypeID",
    "custom",
    "customizable",
    "junction",
    "updateable",
    "uniqueKeys",
];

/// One table; `None` when it has no name (the error is reported).
fn read_table(node: &Node<'_, '_>, report: &Report) -> Option<ReadObject> {
    let errors = report.error_count();
    let mut keys = node.object()?;
    let name = keys.require("name").and_then(|n| n.name());
    let columns = keys.require("columns").and_then(|n| n.array());
    let key_node = keys.take("primaryKey").filter(Node::is_present);
    let listed = key_node.as_ref().and_then(Node::names);
    let relationships = keys.take("relationshipList").filter(Node::is_present);
    keys.ignore(IGNORED_TABLE_KEYS);
    let whole = keys.location();
    keys.finish();

    let name = name?;
    let key_at = key_node.as_ref().map_or(whole, Node::location);
    let mut object = ReadObject::new(name, key_at);
    let listed_names: Vec<&str> = listed.iter().flatten().map(|t| t.value.as_str()).collect();
    let mut flagged = Vec::new();
    for column in columns.unwrap_or_default() {
        if let Some((field, at, flag)) = read_column(&column, &listed_names) {
            flagged.extend(flag);
            object.add_field(field, at);
        }
    }
    listed
        .unwrap_or(flagged)
        .into_iter()
        .for_each(|k| object.add_key(k));
    let relationships = relationships.as_ref().and_then(Node::array);
    for node in relationships.unwrap_or_default() {
        if let Some(relationship) = read_relationship(&node, &object.object.name) {
            object.add_relationship(relationship);
        }
    }
    Some(object.finish(report.error_count() == errors))
}

/// Column keys the model has no use for: write permissions and defaults the server applies,
/// the console's display settings and identifiers, and backend details.
const IGNORED_COLUMN_KEYS: &[&str] = &[
    "createable",
    "updateable",
    "defaultValue",
    "hasIndex",
    "nameField",
    "displayName",
    "fieldMappingId",
    "auditColumn",
    "table",
    "custom",
    "customizable",
    "pickListValues",
];

/// One column, where its name is, and its `primaryKey` flag when set.
fn read_column(node: &Node<'_, '_>, listed: &[&str]) -> Option<(Field, Location, Option<Text>)> {
    let mut keys = node.object()?;
    let name = keys.require("name").and_then(|n| n.name());
    let data_type = keys.require("type");
    let nullable = keys.boolean_or("nullable", true);
    let flag_node = keys.take("primaryKey").filter(Node::is_present);
    let flagged = flag_node.as_ref().and_then(Node::boolean).unwrap_or(false);
    let source = keys.optional_string("sourceFieldName");
    keys.ignore(IGNORED_COLUMN_KEYS);
    keys.finish();

    let name = name?;
    let facts = Facts {
        key: flagged || listed.contains(&name.value.as_str()),
        ..Facts::default()
    };
    let ty = literals::field_type(&data_type?, facts)?;
    let mut field = Field::new(&name.value, ty).nullable(nullable);
    field.source_name = source.map(|t| t.value).filter(|s| *s != name.value);
    let flag = flag_node.filter(|_| flagged).map(|n| Text {
        value: name.value.clone(),
        at: n.location(),
    });
    Some((field, name.at, flag))
}

/// Relationship keys the model has no use for: the junction table of many-to-many links,
/// which operations use the relationship, and the console's identifiers and flags.
const IGNORED_RELATIONSHIP_KEYS: &[&str] = &["junctionTableName", "operationType", "id", "custom"];

/// One relationship of `relationshipList`.
fn read_relationship(node: &Node<'_, '_>, owner: &str) -> Option<ReadRelationship> {
    let mut keys = node.object()?;
    let name = keys.optional_string("relationshipName");
    let kind = keys.require("relationshipType");
    let kind = kind.and_then(|n| literals::relationship_kind(&n));
    let target = keys.require("relatedEntity").and_then(|n| n.name());
    let fields = keys.require("relationshipFields").and_then(|n| n.array());
    let source = keys.optional_string("entityName");
    keys.ignore(IGNORED_RELATIONSHIP_KEYS);
    let whole = keys.location();
    keys.finish();

    if let Some(source) = source.filter(|s| s.value != owner) {
        let message = format!(
            "the relationship is declared on `{owner}`, not `{}`",
            source.value
        );
        node.report()
            .expected(source.at, message, &format!("`{owner}`"));
        return None;
    }
    let pairs: Vec<Option<(Text, Text)>> = fields.unwrap_or_default().iter().map(pair).collect();
    Some(ReadRelationship {
        kind: kind?,
        target: target?,
        cascade: false,
        pairs: pairs.into_iter().collect::<Option<_>>()?,
        name: name.map(|t| t.value),
        whole,
    })
}

/// One `{sourceField, targetField}` pair.
fn pair(node: &Node<'_, '_>) -> Option<(Text, Text)> {
    let mut keys = node.object()?;
    let source = keys.require("sourceField").and_then(|n| n.name());
    let target = keys.require("targetField").and_then(|n| n.name());
    keys.finish();
    Some((source?, target?))
}
