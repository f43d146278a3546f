//! The schema model: strategies, validation problems with their locations, and links.
#![allow(clippy::unwrap_used)]

use sync_schema::{
    Error, Field, FieldType, Object, Relationship, RelationshipKind, Schema, Scope, Strategy,
};

fn id(name: &str) -> Field {
    Field::new(name, FieldType::Integer).nullable(false)
}

fn schema(objects: Vec<Object>) -> Schema {
    let scope = objects.into_iter().fold(
        Scope::new("Main", Strategy::AppliedAtOnce),
        Scope::with_object,
    );
    Schema::new("app").with_scope(scope)
}

#[test]
fn strategy_literals() {
    for literal in ["OTA_SYNC", "OTASync"] {
        assert_eq!(
            Strategy::from_literal(literal),
            Some(Strategy::AppliedAtOnce)
        );
    }
    for literal in ["PERSISTENT_SYNC", "PersistentSync"] {
        assert_eq!(
            Strategy::from_literal(literal),
            Some(Strategy::PersistedFirst)
        );
    }
    for literal in ["", "ota_sync", "Persistent", "OTA"] {
        assert_eq!(Strategy::from_literal(literal), None, "{literal:?}");
    }
    assert_eq!(Strategy::PersistedFirst.literal(), "PERSISTENT_SYNC");
}

#[test]
fn every_problem_is_reported_with_its_place() {
    let broken = Schema::new("app")
        .with_scope(
            Scope::new("Main", Strategy::AppliedAtOnce)
                .with_object(
                    Object::new("Order")
                        .with_field(id("Id"))
                        .with_field(Field::new("id", FieldType::Integer))
                        .with_field(Field::new("Photo", FieldType::Binary))
                        .with_field(Field::new(
                            "Code",
                            FieldType::String {
                                max_length: Some(0),
                            },
                        ))
                        .with_primary_key(["Id", "Missing", "Photo"])
                        .with_relationship(
                            Relationship::new(RelationshipKind::OneToMany, "Line")
                                .on("Id", "OrderId"),
                        )
                        .with_relationship(
                            Relationship::new(RelationshipKind::ManyToOne, "Ghost").on("Id", "Id"),
                        ),
                )
                .with_object(Object::new("Line").with_field(id("LineId")))
                .with_object(
                    Object::new("_sync_queue")
                        .with_field(id("X"))
                        .with_primary_key(["X"]),
                ),
        )
        .with_scope(
            Scope::new("Main", Strategy::PersistedFirst).with_object(
                Object::new("Line")
                    .with_field(id("L"))
                    .with_primary_key(["L"]),
            ),
        );
    let problems = broken.validate().unwrap_err();
    let messages: Vec<String> = problems.iter().map(ToString::to_string).collect();
    let expect = [
        "duplicate field `id` in object Order",
        "Order.Code: a string's maximum length must be at least 1",
        "Order.primary_key: object `Order` has no field `Missing`",
        "Order.Photo: a binary field cannot be part of a primary key",
        "object `Line` has no primary key",
        "`_sync_queue` starts with a reserved prefix (`_sync_` or `sqlite_`)",
        "duplicate scope `Main` in application app",
        "duplicate object `Line` in application app",
        "Order.relationships[Line]: object `Line` has no field `OrderId`",
        "Order.relationships[Ghost]: no object `Ghost` in the schema",
    ];
    for e in expect {
        assert!(
            messages.iter().any(|m| m == e),
            "missing {e:?} in {messages:#?}"
        );
    }
    assert_eq!(messages.len(), expect.len(), "{messages:#?}");
    assert!(matches!(
        broken.clone().validated(),
        Err(Error::Duplicate { .. })
    ));
}

#[test]
fn an_empty_schema_is_invalid() {
    let problems = Schema::new("app").validate().unwrap_err();
    assert_eq!(problems[0].to_string(), "the list of scopes is empty");
}

#[test]
fn links_normalise_both_directions_and_keep_the_parents_cascade() {
    let order = Object::new("Order")
        .with_field(id("Id"))
        .with_primary_key(["Id"])
        .with_relationship(
            Relationship::new(RelationshipKind::OneToMany, "Line")
                .on("Id", "OrderId")
                .cascade(true),
        );
    // The child declares the same link, without cascade: the parent's declaration wins.
    let line = Object::new("Line")
        .with_field(id("LineId"))
        .with_field(id("OrderId"))
        .with_field(Field::new("ProductId", FieldType::Integer))
        .with_primary_key(["LineId"])
        .with_relationship(
            Relationship::new(RelationshipKind::ManyToOne, "Order").on("OrderId", "Id"),
        )
        .with_relationship(
            Relationship::new(RelationshipKind::ManyToOne, "Product").on("ProductId", "Id"),
        );
    let product = Object::new("Product")
        .with_field(id("Id"))
        .with_primary_key(["Id"]);
    let s = schema(vec![order, line, product]);
    s.validate().unwrap();
    let links = s.links();
    assert_eq!(links.len(), 2, "{links:#?}");
    let order_line = &links[0];
    assert_eq!(
        (order_line.parent.as_str(), order_line.child.as_str()),
        ("Order", "Line")
    );
    assert_eq!(
        order_line.pairs(),
        vec![("Id".to_owned(), "OrderId".to_owned())]
    );
    assert!(order_line.cascade);
    let product_line = &links[1];
    assert_eq!(
        (product_line.parent.as_str(), product_line.child.as_str()),
        ("Product", "Line")
    );
    assert!(!product_line.cascade);
}

#[test]
fn composite_relationships_keep_their_pairs_in_order() {
    let visit = Object::new("Visit")
        .with_field(id("Site"))
        .with_field(id("Day"))
        .with_primary_key(["Site", "Day"])
        .with_relationship(
            Relationship::new(RelationshipKind::OneToOne, "Report")
                .on("Site", "VisitSite")
                .on("Day", "VisitDay"),
        );
    let report = Object::new("Report")
        .with_field(id("ReportId"))
        .with_field(id("VisitSite"))
        .with_field(id("VisitDay"))
        .with_primary_key(["ReportId"]);
    let s = schema(vec![visit, report]);
    s.validate().unwrap();
    let link = &s.links()[0];
    assert!(link.one_to_one);
    assert_eq!(link.parent_columns, ["Site", "Day"]);
    assert_eq!(link.child_columns, ["VisitSite", "VisitDay"]);
}

#[test]
fn object_names_that_differ_only_in_case_clash() {
    let s = schema(vec![
        Object::new("Order")
            .with_field(id("Id"))
            .with_primary_key(["Id"]),
        Object::new("ORDER")
            .with_field(id("Id"))
            .with_primary_key(["Id"]),
    ]);
    let problems = s.validate().unwrap_err();
    assert_eq!(
        problems[0].to_string(),
        "duplicate object `ORDER` in application app"
    );
}

#[test]
fn lookups() {
    let s = schema(vec![Object::new("A")
        .with_field(id("Id"))
        .with_primary_key(["Id"])]);
    assert_eq!(s.scope_of("A").unwrap().name, "Main");
    assert!(s.object("B").is_none());
    assert!(s.object("A").unwrap().is_key("Id"));
    assert_eq!(
        FieldType::String {
            max_length: Some(3)
        }
        .describe(),
        "string(3)"
    );
}
