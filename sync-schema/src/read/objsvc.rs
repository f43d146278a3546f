//! One object service of an exported Foundry app (`schemas-public/README.md`): the packed file
//! (`objectService`, `version`, `Meta`, `objects`), and the content of the folder layout once
//! [`super::folder`] has opened its files. Both go through [`service`], so they read to the
//! same model.
//!
//! - The service is one scope named after it, applied at once, with the conflict policy of
//!   `Meta.config.conflict_policy` (`none` when absent). Its name is the application id too,
//!   and its version the schema's version.
//! - The primary key is the fields flagged `primarykey`, in field order. Fields keep the order
//!   of `Fields.json` (`fieldOrder`, the console's display order, is not used).
//! - A field's `description` is kept when it says more than the field's name, its
//!   `sourceFieldname` when it differs from the name.
//! - `entityProperties.SoftDeleteFlagField.Name` and `UpdateTimeStampField.Name` give the
//!   soft-delete and timestamp fields.
//! - A relationship's `sourceObject` must be the object that declares it.

use super::json::{Keys, Node, Report, Text};
use super::literals;
use super::places::{Draft, ReadObject, ReadRelationship};
use super::types::Facts;
use crate::{ConflictPolicy, Field, Location, Schema, Scope, Strategy};

/// An object service, its parts found but not read yet.
pub(crate) struct ServiceParts<'v, 'a> {
    /// The service's name.
    pub(crate) name: Text,
    /// Its version, when known.
    pub(crate) version: Option<String>,
    /// The service's `Meta` (its `Meta.json`).
    pub(crate) meta: Option<Node<'v, 'a>>,
    /// The objects.
    pub(crate) objects: Vec<ObjectParts<'v, 'a>>,
    /// The file or folder as a whole.
    pub(crate) root: Location,
}

/// One object of an object service, its parts found but not read yet.
pub(crate) struct ObjectParts<'v, 'a> {
    /// The object's name.
    pub(crate) name: Text,
    /// Its `Meta` (its `Meta.json`), when there is one.
    pub(crate) meta: Option<Node<'v, 'a>>,
    /// Its `Fields` (its `Fields.json`); `None` when missing, which is reported already.
    pub(crate) fields: Option<Node<'v, 'a>>,
    /// Its `Relationships` (its `Relationships.json`), when there are any.
    pub(crate) relationships: Option<Node<'v, 'a>>,
    /// The object as a whole, where its primary key is reported missing if `fields` is too.
    pub(crate) whole: Location,
}

/// Reads a packed object service from its top-level object.
pub(crate) fn read_packed(mut top: Keys<'_, '_>) -> Draft {
    let report = top.node().report();
    let name = top.require("objectService").and_then(|n| n.name());
    let version = top.optional_string("version");
    let meta = top.take("Meta").filter(Node::is_present);
    let objects = top.require("objects").and_then(|n| n.array());
    let root = top.location();
    top.finish();

    let objects = objects.unwrap_or_default();
    // Without a name (an error already), the objects are still read and checked.
    let name = name.unwrap_or_else(|| unnamed(&root));
    let parts = ServiceParts {
        name,
        version: version.map(|t| t.value),
        meta,
        objects: objects.iter().filter_map(packed_object).collect(),
        root,
    };
    service(parts, report)
}

/// The stand-in name of a scope whose name is missing, which is an error already.
pub(crate) fn unnamed(at: &Location) -> Text {
    Text {
        value: "(unnamed)".to_owned(),
        at: at.clone(),
    }
}

/// One entry of `objects`.
fn packed_object<'v, 'a>(node: &Node<'v, 'a>) -> Option<ObjectParts<'v, 'a>> {
    let mut keys = node.object()?;
    let name = keys.require("name").and_then(|n| n.name());
    let meta = keys.take("Meta").filter(Node::is_present);
    let fields = keys.require("Fields");
    let relationships = keys.take("Relationships").filter(Node::is_present);
    let whole = keys.location();
    keys.finish();
    Some(ObjectParts {
        name: name?,
        meta,
        fields,
        relationships,
        whole,
    })
}

/// Reads an object service from its parts.
pub(crate) fn service(parts: ServiceParts<'_, '_>, report: &Report) -> Draft {
    let policy = parts.meta.as_ref().and_then(service_meta);
    let mut schema = Schema::new(&parts.name.value);
    schema.version = parts.version;
    let mut draft = Draft::new(schema, parts.root);
    let scope = Scope::new(&parts.name.value, Strategy::AppliedAtOnce)
        .with_conflict_policy(policy.unwrap_or_default());
    let objects = parts
        .objects
        .into_iter()
        .map(|o| read_object(o, report))
        .collect();
    draft.add_scope(scope, parts.name.at, objects);
    draft
}

/// The service's `Meta`: its conflict policy.
fn service_meta(node: &Node<'_, '_>) -> Option<ConflictPolicy> {
    let mut keys = node.object()?;
    let config = keys.take("config").filter(Node::is_present);
    // The service's `description` has no place in the model: scopes carry none.
    keys.ignore(&["description"]);
    keys.finish();

    let mut config = config?.object()?;
    let policy = config.take("conflict_policy").filter(Node::is_present);
    let policy = policy.and_then(|n| literals::conflict_policy(&n));
    warn_if_online_only(&mut config);
    // `metadataSecurity` says who may fetch the metadata, `uploadCache` tunes the client's
    // resending, and `delete_strategy` is how the backend deletes (the model needs only each
    // object's soft-delete field).
    config.ignore(&["metadataSecurity", "uploadCache", "delete_strategy"]);
    config.finish();
    policy
}

/// `offline: false` means devices cannot sync the service: worth a warning.
pub(crate) fn warn_if_online_only(keys: &mut Keys<'_, '_>) {
    let Some(node) = keys.take("offline").filter(Node::is_present) else {
        return;
    };
    if node.boolean() == Some(false) {
        let message = "the object service is not enabled for offline use";
        node.report().warning(node.location(), message);
    }
}

/// Reads one object.
fn read_object(parts: ObjectParts<'_, '_>, report: &Report) -> ReadObject {
    let errors = report.error_count();
    let fields = parts.fields.as_ref();
    let key_at = fields.map_or(parts.whole, Node::location);
    let mut object = ReadObject::new(parts.name, key_at);
    if let Some(meta) = &parts.meta {
        let (soft_delete, timestamp) = object_meta(meta);
        object.set_settings(soft_delete, timestamp);
    }
    for node in fields.and_then(Node::array).unwrap_or_default() {
        if let Some((field, at, key)) = read_field(&node) {
            if let Some(key) = key {
                object.add_key(key);
            }
            object.add_field(field, at);
        }
    }
    let relationships = parts.relationships.as_ref().and_then(Node::array);
    for node in relationships.unwrap_or_default() {
        if let Some(relationship) = read_relationship(&node, &object.object.name) {
            object.add_relationship(relationship);
        }
    }
    let complete = fields.is_some() && report.error_count() == errors;
    object.finish(complete)
}

/// One field, its location, and its `primarykey` flag when set.
fn read_field(node: &Node<'_, '_>) -> Option<(Field, Location, Option<Text>)> {
    let mut keys = node.object()?;
    let name = keys.require("name").and_then(|n| n.name());
    let data_type = keys.require("dataType");
    let key_node = keys.take("primarykey").filter(Node::is_present);
    let key = key_node.as_ref().and_then(Node::boolean).unwrap_or(false);
    let nullable = keys.boolean_or("nullable", true);
    let length = keys.optional_count("fieldLength");
    let precision = keys.optional_count("precision");
    let source = keys.optional_string("sourceFieldname");
    let description = keys.optional_string("description");
    let properties = keys.take("fieldProperties").filter(Node::is_present);
    let autogenerated = properties
        .as_ref()
        .and_then(field_properties)
        .unwrap_or(false);
    keys.ignore(IGNORED_FIELD_KEYS);
    keys.finish();

    let name = name?;
    let facts = Facts {
        length,
        precision,
        key,
        autogenerated,
        source_type: None,
    };
    let ty = literals::field_type(&data_type?, facts)?;
    let mut field = Field::new(&name.value, ty)
        .nullable(nullable)
        .autogenerated(autogenerated);
    field.source_name = source.map(|t| t.value).filter(|s| *s != name.value);
    field.description = description
        .map(|t| t.value)
        .filter(|d| useful(d, &name.value));
    let key = key_node.filter(|_| key).map(|n| Text {
        value: name.value.clone(),
        at: n.location(),
    });
    Some((field, name.at, key))
}

/// Field keys the model has no use for:
/// - `id` and `entityTypeId` are the console's identifiers of the field and its object;
/// - `fieldOrder`, `namefield`, `custom`, `customizable` serve the console's editor;
/// - `hasIndex`, `unique` and `audit` describe the backend table, which enforces them;
/// - `createable` and `updateable` are write permissions the server enforces.
const IGNORED_FIELD_KEYS: &[&str] = &[
    "id",
    "entityTypeId",
    "fieldOrder",
    "namefield",
    "custom",
    "customizable",
    "hasIndex",
    "unique",
    "audit",
    "createable",
    "updateable",
];

/// A description worth keeping: not empty and not just the field's name again (the console
/// fills descriptions with the name by default).
pub(crate) fn useful(description: &str, name: &str) -> bool {
    !description.trim().is_empty() && description != name
}

/// A field's `fieldProperties`: whether it is autogenerated.
fn field_properties(node: &Node<'_, '_>) -> Option<bool> {
    let mut keys = node.object()?;
    let autogenerated = keys.flag_or("autoGenerated", false);
    keys.finish();
    Some(autogenerated)
}

/// An object's `Meta`: its soft-delete and timestamp fields.
fn object_meta(node: &Node<'_, '_>) -> (Option<Text>, Option<Text>) {
    let Some(mut keys) = node.object() else {
        return (None, None);
    };
    let properties = keys.take("entityProperties").filter(Node::is_present);
    // `type` (the backend kind: `lob`, `svcdriven`), `custom`, `junction` and `customizable`
    // are console settings; `verbs` and `commonMappings` map operations to backend requests.
    keys.ignore(&[
        "type",
        "custom",
        "junction",
        "customizable",
        "verbs",
        "commonMappings",
    ]);
    keys.finish();

    let Some(mut properties) = properties.as_ref().and_then(Node::object) else {
        return (None, None);
    };
    let soft_delete = properties
        .take("SoftDeleteFlagField")
        .filter(Node::is_present);
    let timestamp = properties
        .take("UpdateTimeStampField")
        .filter(Node::is_present);
    // `BatchMode` is how the server pages through its backend; `backendMeta` and
    // `designTimeBackendMeta` name the backend table.
    properties.ignore(&["BatchMode", "backendMeta", "designTimeBackendMeta"]);
    properties.finish();
    (
        soft_delete.as_ref().and_then(setting_field),
        timestamp.as_ref().and_then(setting_field),
    )
}

/// The `Name` of a `SoftDeleteFlagField` or `UpdateTimeStampField`; an empty name is none.
fn setting_field(node: &Node<'_, '_>) -> Option<Text> {
    let mut keys = node.object()?;
    let name = keys.optional_string("Name");
    // The values that mark a row active or deleted and the timestamp's date format are how the
    // backend writes them; the model only needs to know which field it is.
    keys.ignore(&["ActiveValue", "InactiveValue", "DateFormat"]);
    keys.finish();
    name.filter(|t| !t.value.is_empty())
}

/// One relationship of `Relationships`.
fn read_relationship(node: &Node<'_, '_>, owner: &str) -> Option<ReadRelationship> {
    let mut keys = node.object()?;
    let name = keys.optional_string("name");
    let kind = keys
        .require("type")
        .and_then(|n| literals::relationship_kind(&n));
    let source = keys.optional_string("sourceObject");
    let target = keys.require("targetObject").and_then(|n| n.name());
    let cascade = keys.boolean_or("cascadeDelete", false);
    let pairs = keys.require("relationshipKeys").and_then(|n| n.array());
    // `custom` is a console setting.
    keys.ignore(&["custom"]);
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
    let pairs: Vec<Option<(Text, Text)>> = pairs.unwrap_or_default().iter().map(read_key).collect();
    Some(ReadRelationship {
        kind: kind?,
        target: target?,
        cascade,
        pairs: pairs.into_iter().collect::<Option<_>>()?,
        name: name.map(|t| t.value),
        whole,
    })
}

/// One `{sourceField, targetField}` of `relationshipKeys`.
fn read_key(node: &Node<'_, '_>) -> Option<(Text, Text)> {
    let mut keys = node.object()?;
    let source = keys.require("sourceField").and_then(|n| n.name());
    let target = keys.require("targetField").and_then(|n| n.name());
    // `etag` is the console's revision of the key.
    keys.ignore(&["etag"]);
    keys.finish();
    Some((source?, target?))
}
