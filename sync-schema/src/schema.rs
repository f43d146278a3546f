//! Whole-schema operations: building, lookup, the parent/child links, and validation.

use std::collections::{BTreeSet, HashSet};

use crate::model::{
    AttributePair, ConflictPolicy, Field, FieldType, Object, RelationshipKind, Schema, Scope,
    Strategy,
};
use crate::{Error, Result};

/// The prefix reserved for the runtime's own tables and columns.
pub const RESERVED_PREFIX: &str = "_sync_";

impl Schema {
    /// An empty schema for an application.
    pub fn new(app_id: impl Into<String>) -> Schema {
        Schema {
            app_id: app_id.into(),
            version: None,
            scopes: Vec::new(),
        }
    }

    /// Sets the version.
    pub fn with_version(mut self, version: impl Into<String>) -> Schema {
        self.version = Some(version.into());
        self
    }

    /// Adds a scope.
    pub fn with_scope(mut self, scope: Scope) -> Schema {
        self.scopes.push(scope);
        self
    }

    /// The scope with this name.
    pub fn scope(&self, name: &str) -> Option<&Scope> {
        self.scopes.iter().find(|s| s.name == name)
    }

    /// The object with this name, in any scope.
    pub fn object(&self, name: &str) -> Option<&Object> {
        self.objects().find(|o| o.name == name)
    }

    /// The scope that holds the object with this name.
    pub fn scope_of(&self, object: &str) -> Option<&Scope> {
        self.scopes
            .iter()
            .find(|s| s.objects.iter().any(|o| o.name == object))
    }

    /// Every object, scope by scope in declaration order.
    pub fn objects(&self) -> impl Iterator<Item = &Object> + '_ {
        self.scopes.iter().flat_map(|s| s.objects.iter())
    }

    /// The parent/child links of the schema, one per pair of related objects and attributes,
    /// whichever side declared them.
    ///
    /// A one-to-many or one-to-one relationship makes its declaring object the parent; a
    /// many-to-one makes it the child. When both sides declare the same link it appears once,
    /// and the parent side's cascade flag wins.
    pub fn links(&self) -> Vec<Link> {
        let mut links: Vec<Link> = Vec::new();
        for object in self.objects() {
            for rel in &object.relationships {
                let (parent, child, pairs, parent_declared) = match rel.kind {
                    RelationshipKind::OneToMany | RelationshipKind::OneToOne => {
                        let pairs = rel
                            .attributes
                            .iter()
                            .map(|p| (p.source.clone(), p.target.clone()));
                        (&object.name, &rel.target, pairs.collect::<Vec<_>>(), true)
                    }
                    RelationshipKind::ManyToOne => {
                        let pairs = rel
                            .attributes
                            .iter()
                            .map(|p| (p.target.clone(), p.source.clone()));
                        (&rel.target, &object.name, pairs.collect::<Vec<_>>(), false)
                    }
                };
                let existing = links
                    .iter_mut()
                    .find(|l| &l.parent == parent && &l.child == child && l.pairs() == pairs);
                match existing {
                    Some(link) if parent_declared => link.cascade = rel.cascade,
                    Some(_) => {}
                    None => links.push(Link {
                        parent: parent.clone(),
                        child: child.clone(),
                        parent_columns: pairs.iter().map(|p| p.0.clone()).collect(),
                        child_columns: pairs.iter().map(|p| p.1.clone()).collect(),
                        cascade: rel.cascade,
                        one_to_one: rel.kind == RelationshipKind::OneToOne,
                    }),
                }
            }
        }
        links
    }

    /// Checks the schema and returns every problem found, or `Ok` when there is none.
    ///
    /// Checked: names are not empty, unique and not reserved; every object has a primary key
    /// naming its own fields, none of them binary; string lengths are positive; relationships
    /// name existing objects and fields, with as many attributes on each side.
    pub fn validate(&self) -> std::result::Result<(), Vec<Error>> {
        let mut problems = Vec::new();
        let mut scopes = HashSet::new();
        let mut objects = HashSet::new();
        if self.scopes.is_empty() {
            problems.push(Error::Empty {
                what: "the list of scopes".to_owned(),
            });
        }
        check_characters(&self.app_id, "the application id", &mut problems);
        for scope in &self.scopes {
            check_characters(&scope.name, &scope.name, &mut problems);
            if scope.name.is_empty() {
                problems.push(Error::Empty {
                    what: "a scope name".to_owned(),
                });
            }
            if !scopes.insert(scope.name.as_str()) {
                problems.push(Error::Duplicate {
                    kind: "scope",
                    name: scope.name.clone(),
                    within: format!("application {}", self.app_id),
                });
            }
            for object in &scope.objects {
                // Object names become table names, which SQLite compares ignoring ASCII case.
                if !objects.insert(object.name.to_ascii_lowercase()) {
                    problems.push(Error::Duplicate {
                        kind: "object",
                        name: object.name.clone(),
                        within: format!("application {}", self.app_id),
                    });
                }
                validate_object(object, &mut problems);
            }
        }
        for object in self.objects() {
            for rel in &object.relationships {
                validate_relationship(self, object, &rel.target, &rel.attributes, &mut problems);
            }
        }
        if problems.is_empty() {
            Ok(())
        } else {
            Err(problems)
        }
    }

    /// Validates and returns the schema, or the first problem found.
    pub fn validated(self) -> Result<Schema> {
        match self.validate() {
            Ok(()) => Ok(self),
            Err(mut problems) => Err(problems.remove(0)),
        }
    }
}

impl Scope {
    /// An empty scope.
    pub fn new(name: impl Into<String>, strategy: Strategy) -> Scope {
        Scope {
            name: name.into(),
            strategy,
            database_name: None,
            conflict_policy: ConflictPolicy::None,
            objects: Vec::new(),
        }
    }

    /// Sets the conflict policy.
    pub fn with_conflict_policy(mut self, policy: ConflictPolicy) -> Scope {
        self.conflict_policy = policy;
        self
    }

    /// Sets the database name.
    pub fn with_database_name(mut self, name: impl Into<String>) -> Scope {
        self.database_name = Some(name.into());
        self
    }

    /// Adds an object.
    pub fn with_object(mut self, object: Object) -> Scope {
        self.objects.push(object);
        self
    }
}

fn validate_object(object: &Object, problems: &mut Vec<Error>) {
    let at = |field: &str| format!("{}.{}", object.name, field);
    if object.name.is_empty() {
        problems.push(Error::Empty {
            what: "an object name".to_owned(),
        });
    }
    let lower = object.name.to_ascii_lowercase();
    if lower.starts_with(RESERVED_PREFIX) || lower.starts_with("sqlite_") {
        problems.push(Error::Reserved {
            name: object.name.clone(),
        });
    }
    check_characters(&object.name, &object.name, problems);
    let mut names = BTreeSet::new();
    for field in &object.fields {
        if field.name.is_empty() {
            problems.push(Error::Empty {
                what: format!("a field name in {}", object.name),
            });
        }
        if field.name.to_ascii_lowercase().starts_with(RESERVED_PREFIX) {
            problems.push(Error::Reserved {
                name: at(&field.name),
            });
        }
        check_characters(&field.name, &at(&field.name), problems);
        let key_type = matches!(
            field.ty,
            FieldType::Integer | FieldType::Double | FieldType::String { .. }
        );
        if field.autogenerated && object.is_key(&field.name) && !key_type {
            problems.push(Error::Invalid {
                at: at(&field.name),
                message: format!(
                    "an autogenerated key must be an integer, a double or a string, not {}",
                    field.ty.describe()
                ),
            });
        }
        // SQLite compares column names without regard to ASCII case.
        if !names.insert(field.name.to_ascii_lowercase()) {
            problems.push(Error::Duplicate {
                kind: "field",
                name: field.name.clone(),
                within: format!("object {}", object.name),
            });
        }
        if let FieldType::String {
            max_length: Some(0),
        } = field.ty
        {
            problems.push(Error::Invalid {
                at: at(&field.name),
                message: "a string's maximum length must be at least 1".to_owned(),
            });
        }
    }
    for (setting, field) in [
        ("soft_delete_field", &object.soft_delete_field),
        ("timestamp_field", &object.timestamp_field),
    ] {
        if let Some(field) = field {
            if object.field(field).is_none() {
                problems.push(Error::UnknownField {
                    at: format!("{}.{setting}", object.name),
                    object: object.name.clone(),
                    field: field.clone(),
                });
            }
        }
    }
    if object.primary_key.is_empty() {
        problems.push(Error::NoPrimaryKey {
            object: object.name.clone(),
        });
    }
    let mut seen = HashSet::new();
    for key in &object.primary_key {
        if !seen.insert(key) {
            problems.push(Error::Duplicate {
                kind: "primary-key column",
                name: key.clone(),
                within: format!("object {}", object.name),
            });
        }
        match object.field(key) {
            None => problems.push(Error::UnknownField {
                at: format!("{}.primary_key", object.name),
                object: object.name.clone(),
                field: key.clone(),
            }),
            Some(Field {
                ty: FieldType::Binary,
                ..
            }) => problems.push(Error::Invalid {
                at: at(key),
                message: "a binary field cannot be part of a primary key".to_owned(),
            }),
            Some(_) => {}
        }
    }
}

/// Names become SQL identifiers and Rust names: control characters (NUL included) have no
/// place in them.
fn check_characters(name: &str, at: &str, problems: &mut Vec<Error>) {
    if name.chars().any(char::is_control) {
        problems.push(Error::Invalid {
            at: at.escape_debug().to_string(),
            message: "a name cannot hold control characters".to_owned(),
        });
    }
}

fn validate_relationship(
    schema: &Schema,
    object: &Object,
    target: &str,
    attributes: &[AttributePair],
    problems: &mut Vec<Error>,
) {
    let at = format!("{}.relationships[{}]", object.name, target);
    let Some(target_object) = schema.object(target) else {
        problems.push(Error::UnknownObject {
            at,
            object: target.to_owned(),
        });
        return;
    };
    if attributes.is_empty() {
        problems.push(Error::Invalid {
            at,
            message: "a relationship needs at least one attribute pair".to_owned(),
        });
        return;
    }
    for pair in attributes {
        if object.field(&pair.source).is_none() {
            problems.push(Error::UnknownField {
                at: at.clone(),
                object: object.name.clone(),
                field: pair.source.clone(),
            });
        }
        if target_object.field(&pair.target).is_none() {
            problems.push(Error::UnknownField {
                at: at.clone(),
                object: target_object.name.clone(),
                field: pair.target.clone(),
            });
        }
    }
}

/// A parent/child link between two objects, normalised from the relationships of either side.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Link {
    /// The parent object.
    pub parent: String,
    /// The child object, whose columns point at the parent.
    pub child: String,
    /// The parent's joined columns.
    pub parent_columns: Vec<String>,
    /// The child's joined columns, pairwise with `parent_columns`.
    pub child_columns: Vec<String>,
    /// Whether deleting the parent deletes its children (otherwise children block the delete).
    pub cascade: bool,
    /// Whether the parent has at most one child.
    pub one_to_one: bool,
}

impl Link {
    /// The (parent column, child column) pairs.
    pub fn pairs(&self) -> Vec<(String, String)> {
        self.parent_columns
            .iter()
            .cloned()
            .zip(self.child_columns.iter().cloned())
            .collect()
    }
}
