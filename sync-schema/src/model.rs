//! The schema model: scopes, objects, fields, keys and relationships.

use serde::{Deserialize, Serialize};

/// A whole application schema: the sync scopes and the objects in them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Schema {
    /// The application id (`AppID` of the legacy configuration).
    pub app_id: String,
    /// An opaque version of the schema, when the source gives one.
    pub version: Option<String>,
    /// The scopes, in declaration order: sessions process them in this order.
    pub scopes: Vec<Scope>,
}

/// A named group of objects that sync together with one strategy.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Scope {
    /// The scope name (`ScopeName`).
    pub name: String,
    /// How the server applies the scope's uploads.
    pub strategy: Strategy,
    /// The database name the legacy client reports as `metadata.uri`, when known.
    pub database_name: Option<String>,
    /// How the server resolves conflicts in this scope, unless an object says otherwise.
    pub conflict_policy: ConflictPolicy,
    /// The objects of the scope, in declaration order.
    pub objects: Vec<Object>,
}

/// How the server resolves a conflict between an uploaded change and its own row.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub enum ConflictPolicy {
    /// No detection: the last upload wins.
    #[default]
    None,
    /// The server's row wins; the change is dropped and the device gets the server's row.
    ServerWins,
    /// The uploaded change wins.
    ClientWins,
    /// A resolver supplied with the server decides.
    Custom,
}

impl ConflictPolicy {
    /// Reads a policy literal of a schema file, ignoring ASCII case and separators:
    /// `none`, `serverWins`, `SERVER_WINS`, `ServerWin`, `clientWins`, `custom`, ...
    pub fn from_literal(literal: &str) -> Option<ConflictPolicy> {
        let folded: String = literal
            .chars()
            .filter(|c| c.is_ascii_alphanumeric())
            .collect::<String>()
            .to_ascii_lowercase();
        match folded.as_str() {
            "none" => Some(ConflictPolicy::None),
            // An empty literal says nothing, as `none` does; punctuation alone is a mistake.
            "" if literal.trim().is_empty() => Some(ConflictPolicy::None),
            "serverwins" | "serverwin" => Some(ConflictPolicy::ServerWins),
            "clientwins" | "clientwin" => Some(ConflictPolicy::ClientWins),
            "custom" => Some(ConflictPolicy::Custom),
            _ => None,
        }
    }
}

/// How a scope's uploads reach the server's data source.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Strategy {
    /// Applied during the upload call and acknowledged in its response (`OTA_SYNC`).
    AppliedAtOnce,
    /// Stored by the server first, merged later, and acknowledged in a later download
    /// (`PERSISTENT_SYNC`).
    PersistedFirst,
}

impl Strategy {
    /// Reads a strategy literal of a schema file: `OTA_SYNC` and `OTASync` mean applied at once,
    /// `PERSISTENT_SYNC` and `PersistentSync` persisted first. Anything else is `None`.
    pub fn from_literal(literal: &str) -> Option<Strategy> {
        match literal {
            "OTA_SYNC" | "OTASync" => Some(Strategy::AppliedAtOnce),
            "PERSISTENT_SYNC" | "PersistentSync" => Some(Strategy::PersistedFirst),
            _ => None,
        }
    }

    /// The literal the legacy wire protocol uses for this strategy.
    pub fn literal(self) -> &'static str {
        match self {
            Strategy::AppliedAtOnce => "OTA_SYNC",
            Strategy::PersistedFirst => "PERSISTENT_SYNC",
        }
    }
}

/// One sync object: a table on the device and on the server.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Object {
    /// The object (table) name, exactly as the schema spells it.
    pub name: String,
    /// The schema's description of the object, if any.
    pub description: Option<String>,
    /// The fields, in declaration order.
    pub fields: Vec<Field>,
    /// The names of the primary-key fields, in key order. Composite keys have several.
    pub primary_key: Vec<String>,
    /// The relationships declared on this object.
    pub relationships: Vec<Relationship>,
    /// A conflict policy for this object that overrides its scope's.
    pub conflict_policy: Option<ConflictPolicy>,
    /// The boolean-like field the backend sets to mark a row deleted, if any.
    pub soft_delete_field: Option<String>,
    /// The field holding the backend's last-change timestamp, if any.
    pub timestamp_field: Option<String>,
}

impl Object {
    /// An object with no fields yet.
    pub fn new(name: impl Into<String>) -> Object {
        Object {
            name: name.into(),
            description: None,
            fields: Vec::new(),
            primary_key: Vec::new(),
            relationships: Vec::new(),
            conflict_policy: None,
            soft_delete_field: None,
            timestamp_field: None,
        }
    }

    /// Sets the description.
    pub fn with_description(mut self, description: impl Into<String>) -> Object {
        self.description = Some(description.into());
        self
    }

    /// Adds a field.
    pub fn with_field(mut self, field: Field) -> Object {
        self.fields.push(field);
        self
    }

    /// Sets the primary key, in key order.
    pub fn with_primary_key<I, S>(mut self, columns: I) -> Object
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.primary_key = columns.into_iter().map(Into::into).collect();
        self
    }

    /// Sets a conflict policy that overrides the scope's.
    pub fn with_conflict_policy(mut self, policy: ConflictPolicy) -> Object {
        self.conflict_policy = Some(policy);
        self
    }

    /// Names the field the backend uses to mark deleted rows.
    pub fn with_soft_delete_field(mut self, field: impl Into<String>) -> Object {
        self.soft_delete_field = Some(field.into());
        self
    }

    /// Names the field holding the backend's last-change timestamp.
    pub fn with_timestamp_field(mut self, field: impl Into<String>) -> Object {
        self.timestamp_field = Some(field.into());
        self
    }

    /// Adds a relationship.
    pub fn with_relationship(mut self, relationship: Relationship) -> Object {
        self.relationships.push(relationship);
        self
    }

    /// The field with this exact name.
    pub fn field(&self, name: &str) -> Option<&Field> {
        self.fields.iter().find(|f| f.name == name)
    }

    /// Whether `name` is one of the primary-key fields.
    pub fn is_key(&self, name: &str) -> bool {
        self.primary_key.iter().any(|k| k == name)
    }

    /// The primary-key fields, in key order (only those that exist).
    pub fn key_fields(&self) -> impl Iterator<Item = &Field> + '_ {
        self.primary_key.iter().filter_map(|k| self.field(k))
    }
}

/// One field (column) of an object.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Field {
    /// The column name, exactly as the schema spells it (it may hold spaces or quotes).
    pub name: String,
    /// The value type.
    pub ty: FieldType,
    /// Whether the field may be NULL. Primary-key fields never are, whatever this says.
    pub nullable: bool,
    /// Whether the server assigns the value (the device uses temporary values until then).
    pub autogenerated: bool,
    /// The schema's description of the field, if any.
    pub description: Option<String>,
    /// The backend's name for the field, when it differs from `name`.
    pub source_name: Option<String>,
}

impl Field {
    /// A nullable, not autogenerated field.
    pub fn new(name: impl Into<String>, ty: FieldType) -> Field {
        Field {
            name: name.into(),
            ty,
            nullable: true,
            autogenerated: false,
            description: None,
            source_name: None,
        }
    }

    /// Sets whether the field may be NULL.
    pub fn nullable(mut self, nullable: bool) -> Field {
        self.nullable = nullable;
        self
    }

    /// Sets whether the server assigns the value.
    pub fn autogenerated(mut self, autogenerated: bool) -> Field {
        self.autogenerated = autogenerated;
        self
    }

    /// Sets the description.
    pub fn with_description(mut self, description: impl Into<String>) -> Field {
        self.description = Some(description.into());
        self
    }

    /// Sets the backend's name for the field.
    pub fn with_source_name(mut self, source_name: impl Into<String>) -> Field {
        self.source_name = Some(source_name.into());
        self
    }
}

/// The type of a field's values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum FieldType {
    /// Text, with an optional maximum length in characters.
    String {
        /// The longest value allowed, in characters; `None` for no limit.
        max_length: Option<u32>,
    },
    /// A 64-bit signed integer.
    Integer,
    /// A 64-bit float; NaN and infinities are rejected.
    Double,
    /// True or false.
    Boolean,
    /// A date or timestamp, kept as the text the backend produces.
    Date,
    /// Bytes, stored inline.
    Binary,
}

impl FieldType {
    /// A short name for messages: `string(120)`, `integer`, ...
    pub fn describe(&self) -> String {
        match self {
            FieldType::String {
                max_length: Some(n),
            } => format!("string({n})"),
            FieldType::String { max_length: None } => "string".to_owned(),
            FieldType::Integer => "integer".to_owned(),
            FieldType::Double => "double".to_owned(),
            FieldType::Boolean => "boolean".to_owned(),
            FieldType::Date => "date".to_owned(),
            FieldType::Binary => "binary".to_owned(),
        }
    }
}

/// A relationship declared on an object.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Relationship {
    /// The direction, seen from the object that declares it.
    pub kind: RelationshipKind,
    /// The related object's name.
    pub target: String,
    /// Whether deleting the parent deletes the children. Without cascade, children block the
    /// delete of their parent.
    pub cascade: bool,
    /// The attribute pairs that join the two objects (several for composite keys).
    pub attributes: Vec<AttributePair>,
    /// An optional name, used for the accessor.
    pub name: Option<String>,
}

impl Relationship {
    /// A relationship without attributes yet.
    pub fn new(kind: RelationshipKind, target: impl Into<String>) -> Relationship {
        Relationship {
            kind,
            target: target.into(),
            cascade: false,
            attributes: Vec::new(),
            name: None,
        }
    }

    /// Sets whether deletes cascade.
    pub fn cascade(mut self, cascade: bool) -> Relationship {
        self.cascade = cascade;
        self
    }

    /// Adds an attribute pair: `source` on the declaring object, `target` on the related one.
    pub fn on(mut self, source: impl Into<String>, target: impl Into<String>) -> Relationship {
        self.attributes.push(AttributePair {
            source: source.into(),
            target: target.into(),
        });
        self
    }

    /// Sets the name.
    pub fn named(mut self, name: impl Into<String>) -> Relationship {
        self.name = Some(name.into());
        self
    }
}

/// The direction of a relationship, seen from the object that declares it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum RelationshipKind {
    /// The declaring object is the parent of many target rows.
    OneToMany,
    /// The declaring object is a child; the target is its parent.
    ManyToOne,
    /// The declaring object is the parent of at most one target row (handled as one-to-many).
    OneToOne,
}

/// One pair of joined attributes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AttributePair {
    /// The attribute of the declaring object.
    pub source: String,
    /// The attribute of the related object.
    pub target: String,
}
