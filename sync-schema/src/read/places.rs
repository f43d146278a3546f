//! The side table of a read: where each scope, object, field, key column and relationship of
//! the model came from, index for index, so that validation can point into the file.

use super::json::Text;
use crate::{Field, Location, Object, Relationship, RelationshipKind, Schema, Scope};

/// A schema read from a file, with where its parts are.
#[derive(Debug, Clone)]
pub(crate) struct Draft {
    /// The schema.
    pub(crate) schema: Schema,
    /// Where its parts are: `scopes[i]` belongs to `schema.scopes[i]`, and so on down.
    pub(crate) scopes: Vec<ScopePlaces>,
    /// The document as a whole, for problems that belong nowhere else.
    pub(crate) root: Location,
}

impl Draft {
    /// A draft of an empty schema.
    pub(crate) fn new(schema: Schema, root: Location) -> Draft {
        Draft {
            schema,
            scopes: Vec::new(),
            root,
        }
    }

    /// Adds a scope with its objects.
    pub(crate) fn add_scope(&mut self, scope: Scope, name: Location, objects: Vec<ReadObject>) {
        let (objects, places): (Vec<Object>, Vec<ObjectPlaces>) =
            objects.into_iter().map(|o| (o.object, o.places)).unzip();
        let scope = objects.into_iter().fold(scope, Scope::with_object);
        self.schema.scopes.push(scope);
        self.scopes.push(ScopePlaces {
            name,
            objects: places,
        });
    }

    /// Every object with its places, scope by scope.
    pub(crate) fn objects(&self) -> impl Iterator<Item = (&Object, &ObjectPlaces)> + '_ {
        let scopes = self.schema.scopes.iter().zip(&self.scopes);
        scopes.flat_map(|(scope, places)| scope.objects.iter().zip(&places.objects))
    }
}

/// Where a scope is.
#[derive(Debug, Clone)]
pub(crate) struct ScopePlaces {
    /// Its name.
    pub(crate) name: Location,
    /// Its objects, in the scope's order.
    pub(crate) objects: Vec<ObjectPlaces>,
}

/// An object read from a file, with where its parts are.
#[derive(Debug, Clone)]
pub(crate) struct ReadObject {
    /// The object.
    pub(crate) object: Object,
    /// Where its parts are.
    pub(crate) places: ObjectPlaces,
}

impl ReadObject {
    /// Starts an object named by `name`, whose primary key is declared at `primary_key`.
    pub(crate) fn new(name: Text, primary_key: Location) -> ReadObject {
        ReadObject {
            object: Object::new(name.value),
            places: ObjectPlaces::new(name.at, primary_key),
        }
    }

    /// Adds a field whose name is at `at`.
    pub(crate) fn add_field(&mut self, field: Field, at: Location) {
        self.object.fields.push(field);
        self.places.fields.push(at);
    }

    /// Appends a primary-key column.
    pub(crate) fn add_key(&mut self, column: Text) {
        self.object.primary_key.push(column.value);
        self.places.key_columns.push(column.at);
    }

    /// Adds a relationship.
    pub(crate) fn add_relationship(&mut self, relationship: ReadRelationship) {
        let (relationship, places) = relationship.split();
        self.object.relationships.push(relationship);
        self.places.relationships.push(places);
    }

    /// Sets the soft-delete and timestamp fields.
    pub(crate) fn set_settings(&mut self, soft_delete: Option<Text>, timestamp: Option<Text>) {
        if let Some(field) = soft_delete {
            self.object.soft_delete_field = Some(field.value);
            self.places.soft_delete = Some(field.at);
        }
        if let Some(field) = timestamp {
            self.object.timestamp_field = Some(field.value);
            self.places.timestamp = Some(field.at);
        }
    }

    /// Ends the object: primary-key fields are never nullable, whatever the file says; the
    /// object is `complete` when reading it found no error.
    pub(crate) fn finish(mut self, complete: bool) -> ReadObject {
        let object = &mut self.object;
        for field in &mut object.fields {
            if object.primary_key.contains(&field.name) {
                field.nullable = false;
            }
        }
        self.places.complete = complete;
        self
    }
}

/// A relationship read from a file, with where its parts are.
#[derive(Debug, Clone)]
pub(crate) struct ReadRelationship {
    /// Its direction.
    pub(crate) kind: RelationshipKind,
    /// The related object.
    pub(crate) target: Text,
    /// Whether deletes cascade.
    pub(crate) cascade: bool,
    /// The joined attributes: on the declaring object, then on the target.
    pub(crate) pairs: Vec<(Text, Text)>,
    /// Its name, when the file gives one.
    pub(crate) name: Option<String>,
    /// The relationship as a whole.
    pub(crate) whole: Location,
}

impl ReadRelationship {
    fn split(self) -> (Relationship, RelationshipPlaces) {
        let mut relationship = Relationship::new(self.kind, self.target.value);
        relationship.cascade = self.cascade;
        relationship.name = self.name;
        let mut places = RelationshipPlaces {
            whole: self.whole,
            target: self.target.at,
            pairs: Vec::new(),
        };
        for (source, target) in self.pairs {
            relationship = relationship.on(source.value, target.value);
            places.pairs.push((source.at, target.at));
        }
        (relationship, places)
    }
}

/// Where an object's parts are.
#[derive(Debug, Clone)]
pub(crate) struct ObjectPlaces {
    /// The object's name.
    pub(crate) name: Location,
    /// Whether it was read without errors; checks that look inside an object skip those that
    /// were not, so that one mistake gives one message.
    pub(crate) complete: bool,
    /// What declares the primary key: the list of key columns, or the object itself.
    pub(crate) primary_key: Location,
    /// Each key column, in key order.
    pub(crate) key_columns: Vec<Location>,
    /// Each field's name, in field order.
    pub(crate) fields: Vec<Location>,
    /// Each relationship, in order.
    pub(crate) relationships: Vec<RelationshipPlaces>,
    /// The soft-delete setting, when there is one.
    pub(crate) soft_delete: Option<Location>,
    /// The timestamp setting, when there is one.
    pub(crate) timestamp: Option<Location>,
}

impl ObjectPlaces {
    /// Places for an object named at `name`, whose key is declared at `primary_key`.
    pub(crate) fn new(name: Location, primary_key: Location) -> ObjectPlaces {
        ObjectPlaces {
            name,
            complete: true,
            primary_key,
            key_columns: Vec::new(),
            fields: Vec::new(),
            relationships: Vec::new(),
            soft_delete: None,
            timestamp: None,
        }
    }
}

/// Where a relationship's parts are.
#[derive(Debug, Clone)]
pub(crate) struct RelationshipPlaces {
    /// The relationship as a whole.
    pub(crate) whole: Location,
    /// Its target object's name.
    pub(crate) target: Location,
    /// Each attribute pair: the source attribute, then the target attribute.
    pub(crate) pairs: Vec<(Location, Location)>,
}
