//! Offline Objects metadata (spec §4.4): what a device downloads at setup, and what our server
//! serves. `namespaces`, each with `objects`, each with `key`, `fields` and `relationships`.
//!
//! - The service is one scope, applied at once, with the top-level `conflict_policy`; an
//!   object's own `conflict_policy` overrides it. The scope and the application are named by
//!   the top-level `name`, or else after the file (with a warning). `timestamp` is the version.
//! - Objects of every namespace go into the one scope under their plain names (a namespace
//!   qualifies names on the device only), so the same name in two namespaces is a duplicate.
//! - The primary key is `key`, in its order. `softdelete_field` and `delta_context_field` are
//!   the soft-delete and timestamp fields.
//! - A `number` is decided by `source_datatype` (see [`super::types`]).

use std::path::Path;

use super::json::{Keys, Node, Report, Text};
use super::literals;
use super::objsvc;
use super::places::{Draft, ReadObject, ReadRelationship};
use super::types::Facts;
use crate::{Field, Location, Schema, Scope, Strategy};

/// Reads offline metadata from its top-level object.
pub(crate) fn read(mut top: Keys<'_, '_>, file: Option<&Path>) -> Draft {
    let report = top.node().report();
    let name = top.optional_string("name");
    let timestamp = top.optional_string("timestamp");
    let policy = top.take("conflict_policy").filter(Node::is_present);
    let policy = policy.and_then(|n| literals::conflict_policy(&n));
    objsvc::warn_if_online_only(&mut top);
    let namespaces = top.require("namespaces").and_then(|n| n.array());
    // `opstatus` is the status of the reply that carried the metadata; `uploadCache` tunes the
    // client's resending.
    top.ignore(&["opstatus", "uploadCache"]);
    let root = top.location();
    top.finish();

    let name = service_name(name, file, &root, report);
    let mut schema = Schema::new(&name.value);
    schema.version = timestamp.map(|t| t.value).filter(|t| !t.is_empty());
    let mut draft = Draft::new(schema, root);
    let mut objects = Vec::new();
    for namespace in namespaces.unwrap_or_default() {
        read_namespace(&namespace, &mut objects);
    }
    let scope = Scope::new(&name.value, Strategy::AppliedAtOnce)
        .with_conflict_policy(policy.unwrap_or_default());
    draft.add_scope(scope, name.at, objects);
    draft
}

/// The service's name: `name`, or else the file's name up to its first dot, or else
/// `ObjectService`; the last two with a warning.
pub(crate) fn service_name(
    name: Option<Text>,
    file: Option<&Path>,
    root: &Location,
    report: &Report,
) -> Text {
    if let Some(name) = name.filter(|t| !t.value.is_empty()) {
        return name;
    }
    let stem = file
        .and_then(Path::file_name)
        .and_then(|n| n.to_str())
        .and_then(|n| n.split('.').next())
        .filter(|n| !n.is_empty());
    let value = stem.unwrap_or("ObjectService").to_owned();
    let message = format!("the metadata does not name its service; it is called `{value}`");
    report.warning(root.clone(), message);
    Text {
        value,
        at: root.clone(),
    }
}

/// One namespace: its objects.
fn read_namespace(node: &Node<'_, '_>, objects: &mut Vec<ReadObject>) {
    let Some(mut keys) = node.object() else {
        return;
    };
    let list = keys.require("objects").and_then(|n| n.array());
    // The namespace's `name` qualifies object names on the device only.
    keys.ignore(&["name"]);
    keys.finish();
    let report = node.report();
    for object in list.unwrap_or_default() {
        if let Some(object) = read_object(&object, report) {
            objects.push(object);
        }
    }
}

/// One object; `None` when it has no name (the error is reported).
fn read_object(node: &Node<'_, '_>, report: &Report) -> Option<ReadObject> {
    let errors = report.error_count();
    let mut keys = node.object()?;
    let name = keys.require("name").and_then(|n| n.name());
    let description = keys.optional_string("description");
    let key_node = keys.require("key");
    let key = key_node.as_ref().and_then(Node::names);
    let soft_delete = keys.optional_string("softdelete_field");
    let timestamp = keys.optional_string("delta_context_field");
    let policy = keys.take("conflict_policy").filter(Node::is_present);
    let policy = policy.and_then(|n| literals::conflict_policy(&n));
    let fields = keys.require("fields").and_then(|n| n.array());
    let relationships = keys.take("relationships").filter(Node::is_present);
    // `operations` lists the verbs devices may upload and the hierarchical-upload tree (one
    // queue in replay order makes the tree unnecessary); `cache_timeout` and `object_group`
    // tune the client's downloads.
    keys.ignore(&["operations", "cache_timeout", "object_group"]);
    let whole = keys.location();
    keys.finish();

    let key_at = key_node.as_ref().map_or(whole, Node::location);
    let mut object = ReadObject::new(name?, key_at);
    object.object.description = description
        .map(|t| t.value)
        .filter(|d| !d.trim().is_empty());
    object.object.conflict_policy = policy;
    let key_names: Vec<&str> = key.iter().flatten().map(|t| t.value.as_str()).collect();
    for field in fields.unwrap_or_default() {
        if let Some((field, at)) = read_field(&field, &key_names) {
            object.add_field(field, at);
        }
    }
    key.into_iter().flatten().for_each(|k| object.add_key(k));
    let not_empty = |t: &Text| !t.value.is_empty();
    object.set_settings(soft_delete.filter(not_empty), timestamp.filter(not_empty));
    let relationships = relationships.as_ref().and_then(Node::array);
    for node in relationships.unwrap_or_default() {
        if let Some(relationship) = read_relationship(&node) {
            object.add_relationship(relationship);
        }
    }
    Some(object.finish(report.error_count() == errors))
}

/// One field and where its name is.
fn read_field(node: &Node<'_, '_>, key: &[&str]) -> Option<(Field, Location)> {
    let mut keys = node.object()?;
    let name = keys.require("name").and_then(|n| n.name());
    let data_type = keys.require("datatype");
    let source_type = keys.optional_string("source_datatype");
    let length = keys.optional_count("length");
    let nullable = keys.boolean_or("nullable", true);
    let autogenerated = keys.flag_or("auto_generated", false);
    let description = keys.optional_string("description");
    // `creatable` and `updatable` are write permissions the server enforces.
    keys.ignore(&["creatable", "updatable"]);
    keys.finish();

    let name = name?;
    let facts = Facts {
        length,
        key: key.contains(&name.value.as_str()),
        autogenerated,
        source_type: source_type.as_ref().map(|t| t.value.as_str()),
        ..Facts::default()
    };
    let ty = literals::field_type(&data_type?, facts)?;
    let mut field = Field::new(&name.value, ty)
        .nullable(nullable)
        .autogenerated(autogenerated);
    field.description = description
        .map(|t| t.value)
        .filter(|d| objsvc::useful(d, &name.value));
    Some((field, name.at))
}

/// One relationship: `source_fields` and `target_fields` pair up in order.
fn read_relationship(node: &Node<'_, '_>) -> Option<ReadRelationship> {
    let mut keys = node.object()?;
    let name = keys.optional_string("name");
    let kind = keys
        .require("type")
        .and_then(|n| literals::relationship_kind(&n));
    let target = keys.require("target_object").and_then(|n| n.name());
    let sources = keys.require("source_fields").and_then(|n| n.names());
    let targets_node = keys.require("target_fields");
    let targets = targets_node.as_ref().and_then(Node::names);
    let cascade = keys.flag_or("cascade", false);
    // `backend_cascade_support` says whether the backend cascades deletes itself: the server's
    // business.
    keys.ignore(&["backend_cascade_support"]);
    let whole = keys.location();
    keys.finish();

    let (sources, targets, targets_node) = (sources?, targets?, targets_node?);
    if sources.len() != targets.len() {
        let count = |n: usize| {
            if n == 1 {
                "1 name".to_owned()
            } else {
                format!("{n} names")
            }
        };
        let message = format!(
            "`target_fields` has {} and `source_fields` {}",
            count(targets.len()),
            count(sources.len())
        );
        let expected = "as many target fields as source fields";
        node.report()
            .expected(targets_node.location(), message, expected);
        return None;
    }
    Some(ReadRelationship {
        kind: kind?,
        target: target?,
        cascade,
        pairs: sources.into_iter().zip(targets).collect(),
        name: name.map(|t| t.value),
        whole,
    })
}
