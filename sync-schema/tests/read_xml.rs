//! The `SyncConfig.xml` reader, through the public API.
//!
//! - The real retail-POS configuration of `shared/schemas-public` reads, its model is
//!   snapshotted, and it is compared with the legacy JSON of the same application.
//! - One small file per kind of error under `tests/fixtures/xml/`, each asserting the full
//!   rendered diagnostics: file, line, column, element path, message and what was expected.
//! - Garbage of every sort gives errors, never a panic or a hang.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use sync_schema::{
    read_path, read_str, ConflictPolicy, Field, FieldType, Format, Object, ReadFailure,
    ReadOutcome, Relationship, RelationshipKind, Schema, Scope, Strategy,
};

/// The shared folder sits beside the repository, locally and in CI.
fn public(file: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../shared/schemas-public")
        .join(file)
}

/// A fixture, by a path relative to the crate (the tests' working directory), so that the
/// rendered diagnostics do not depend on the machine.
fn fixture(name: &str) -> PathBuf {
    Path::new("tests/fixtures/xml").join(name)
}

fn read_ok(path: &Path) -> ReadOutcome {
    match read_path(path) {
        Ok(outcome) => outcome,
        Err(failure) => panic!("{} does not read:\n{failure}", path.display()),
    }
}

fn read_err(path: &Path) -> ReadFailure {
    match read_path(path) {
        Ok(outcome) => panic!("{} reads: {outcome:?}", path.display()),
        Err(failure) => failure,
    }
}

/// The rendered diagnostics of a fixture that must not read, one a line.
fn errors_of(name: &str) -> String {
    let failure = read_err(&fixture(name));
    assert!(matches!(failure, ReadFailure::Invalid(_)), "{failure:?}");
    lines(failure.diagnostics())
}

fn lines(diagnostics: &[sync_schema::Diagnostic]) -> String {
    let lines: Vec<String> = diagnostics.iter().map(ToString::to_string).collect();
    lines.join("\n")
}

// ---------------------------------------------------------------------------------------------
// The real configuration

const RETAIL_XML: &str = "kony-sync-retail-pos.SyncConfig.xml";
const RETAIL_JSON: &str = "kony-sync-retail-pos.json";

#[test]
fn retail_pos_reads_with_one_warning() {
    let outcome = read_ok(&public(RETAIL_XML));
    assert_eq!(outcome.format, Format::SyncConfigXml);
    let schema = &outcome.schema;
    assert_eq!(schema.app_id, "MEGDevelopment");
    assert_eq!(
        schema.version.as_deref(),
        Some("59178cfeca08c6f3aed921eb4f7069ae63ab6851332c5c67b4e7cd6562818939")
    );

    // The file maps every object onto backend services; that part is skipped, and said once.
    assert_eq!(outcome.warnings.len(), 1, "{}", lines(&outcome.warnings));
    let warning = &outcome.warnings[0];
    assert_eq!(
        warning.location.path,
        "SyncConfiguration/SyncScopes/SyncScope[0]@Datasource"
    );
    assert_eq!((warning.location.line, warning.location.column), (5, 20));
    assert!(warning
        .message
        .starts_with("backend service mappings are not read"));

    let policies: Vec<ConflictPolicy> = schema.scopes.iter().map(|s| s.conflict_policy).collect();
    let (server, client) = (ConflictPolicy::ServerWins, ConflictPolicy::ClientWins);
    assert_eq!(
        policies,
        [server, client, server, client, client, client, client, client]
    );
    assert!(schema
        .scopes
        .iter()
        .all(|s| s.strategy == Strategy::AppliedAtOnce && s.database_name.is_none()));

    let objects: Vec<&Object> = schema.objects().collect();
    assert_eq!(objects.len(), 40);
    let fields: usize = objects.iter().map(|o| o.fields.len()).sum();
    assert_eq!(fields, 605);
    let keys: usize = objects.iter().map(|o| o.primary_key.len()).sum();
    assert_eq!(keys, 63);
    let relationships: Vec<&Relationship> = objects.iter().flat_map(|o| &o.relationships).collect();
    assert_eq!(relationships.len(), 11);
    assert!(relationships
        .iter()
        .all(|r| r.kind == RelationshipKind::OneToMany && r.attributes.len() == 1));

    // Every object names its change-tracking timestamp; the scopes flag no soft deletes.
    assert!(objects.iter().all(|o| o.timestamp_field.is_some()));
    assert!(objects.iter().all(|o| o.soft_delete_field.is_none()));
    assert!(objects.iter().all(|o| o.conflict_policy.is_none()));
    // Backend names equal the names throughout this file.
    assert!(objects
        .iter()
        .flat_map(|o| &o.fields)
        .all(|f| f.source_name.is_none()));

    let product = schema.object("ProductDetail").unwrap();
    assert_eq!(product.primary_key, ["ProductID", "LocationID"]);
    assert_eq!(product.timestamp_field.as_deref(), Some("localTime"));
    let unit_price = product.field("UnitPrice").unwrap();
    assert_eq!(unit_price.ty, FieldType::Double);
    assert!(unit_price.nullable);
    assert!(!product.field("ProductID").unwrap().nullable);
    let offers = &product.relationships[0];
    assert_eq!(offers.target, "OfferDetail");
    assert!(offers.cascade);
    assert_eq!(
        field_type(schema, "SyncErrorLog", "TimeStamp"),
        FieldType::Date
    );
    assert_eq!(
        field_type(schema, "MonitorLogging", "MonitorJSON"),
        FieldType::Binary
    );
    assert_eq!(
        field_type(schema, "MemberDetails", "MemTypeUpdateDt"),
        FieldType::Integer
    );
}

fn field_type(schema: &Schema, object: &str, field: &str) -> FieldType {
    schema.object(object).unwrap().field(field).unwrap().ty
}

#[test]
fn retail_pos_snapshot() {
    let outcome = read_ok(&public(RETAIL_XML));
    insta::assert_snapshot!("retail_pos", render(&outcome));
}

/// A compact rendering of everything in the model: one line per scope, object, field and
/// relationship, then the warnings (without the machine-dependent file).
fn render(outcome: &ReadOutcome) -> String {
    let schema = &outcome.schema;
    let mut out = String::new();
    let _ = writeln!(out, "app {} version {:?}", schema.app_id, schema.version);
    for scope in &schema.scopes {
        let _ = writeln!(
            out,
            "scope {}: {:?}, conflicts {:?}, database {:?}",
            scope.name, scope.strategy, scope.conflict_policy, scope.database_name
        );
        for object in &scope.objects {
            render_object(&mut out, object);
        }
    }
    for warning in &outcome.warnings {
        let at = &warning.location;
        let _ = writeln!(
            out,
            "warning {}:{} {}: {}",
            at.line, at.column, at.path, warning.message
        );
    }
    out
}

fn render_object(out: &mut String, object: &Object) {
    let _ = writeln!(
        out,
        "  object {} key ({}) timestamp {:?} soft-delete {:?} conflicts {:?} description {:?}",
        object.name,
        object.primary_key.join(", "),
        object.timestamp_field,
        object.soft_delete_field,
        object.conflict_policy,
        object.description,
    );
    for field in &object.fields {
        let mut line = format!("    {}: {}", field.name, field.ty.describe());
        if !field.nullable {
            line.push_str(" not null");
        }
        if field.autogenerated {
            line.push_str(" autogenerated");
        }
        if let Some(source) = &field.source_name {
            let _ = write!(line, " source {source:?}");
        }
        if let Some(description) = &field.description {
            let _ = write!(line, " description {description:?}");
        }
        let _ = writeln!(out, "{line}");
    }
    for relationship in &object.relationships {
        let pairs: Vec<String> = relationship
            .attributes
            .iter()
            .map(|p| format!("{} = {}", p.source, p.target))
            .collect();
        let _ = writeln!(
            out,
            "    {:?} {} on {} cascade {} name {:?}",
            relationship.kind,
            relationship.target,
            pairs.join(" and "),
            relationship.cascade,
            relationship.name
        );
    }
}

/// What the comparison looks at of one object: its scope, its fields (type, nullable,
/// autogenerated), its key and its relationships.
#[derive(Debug, PartialEq)]
struct Shape {
    scope: String,
    fields: BTreeMap<String, (FieldType, bool, bool)>,
    key: Vec<String>,
    relationships: BTreeSet<String>,
}

fn shapes(schema: &Schema) -> BTreeMap<String, Shape> {
    let mut shapes = BTreeMap::new();
    for scope in &schema.scopes {
        for object in &scope.objects {
            let fields = object
                .fields
                .iter()
                .map(|f| (f.name.clone(), (f.ty, f.nullable, f.autogenerated)))
                .collect();
            let relationships = object.relationships.iter().map(describe).collect();
            let shape = Shape {
                scope: scope.name.clone(),
                fields,
                key: object.primary_key.clone(),
                relationships,
            };
            shapes.insert(object.name.clone(), shape);
        }
    }
    shapes
}

/// `Kind Target source=target&... cascade`, or `-` at the end without cascade.
fn describe(relationship: &Relationship) -> String {
    let pairs: Vec<String> = relationship
        .attributes
        .iter()
        .map(|p| format!("{}={}", p.source, p.target))
        .collect();
    let cascade = if relationship.cascade { "cascade" } else { "-" };
    let (kind, target) = (relationship.kind, &relationship.target);
    format!("{kind:?} {target} {} {cascade}", pairs.join("&"))
}

/// The XML and the JSON describe the same application, but not the same build of it: the XML
/// is the server configuration of the `MEGDevelopment` deployment, the JSON what the code
/// generator made for `MEGNARetail`, at another version. The comparison checks that the
/// reading of both gives the same objects, fields, types, nullability, keys and relationships
/// wherever the two files agree, and spells out every place where they do not.
#[test]
fn retail_pos_matches_its_legacy_json() {
    let xml = read_ok(&public(RETAIL_XML)).schema;
    let json_outcome = read_ok(&public(RETAIL_JSON));
    assert_eq!(json_outcome.format, Format::LegacySyncConfig);
    let json = json_outcome.schema;

    assert_eq!(
        (xml.app_id.as_str(), json.app_id.as_str()),
        ("MEGDevelopment", "MEGNARetail")
    );
    assert_ne!(xml.version, json.version);
    let scopes = |s: &Schema| -> Vec<(String, Strategy)> {
        s.scopes
            .iter()
            .map(|s| (s.name.clone(), s.strategy))
            .collect()
    };
    // Same scopes in the same order, all applied at once (`OTASync` in the XML, `OTA_SYNC` in
    // the JSON).
    assert_eq!(scopes(&xml), scopes(&json));

    let mut xml_shapes = shapes(&xml);
    let mut json_shapes = shapes(&json);

    // Objects: the JSON's build has six more; every object of the XML is in the JSON, in the
    // same scope.
    let json_only: Vec<&str> = json_shapes
        .keys()
        .filter(|name| !xml_shapes.contains_key(*name))
        .map(String::as_str)
        .collect();
    assert_eq!(
        json_only,
        [
            "BankDepositDetails",
            "HeatlhyWeightRangeLookUp",
            "PeripheralInfo",
            "PreRegMemberDetails",
            "PriceOverrideReasonsLookup",
            "SplitSalePayment",
        ]
    );
    json_shapes.retain(|name, _| xml_shapes.contains_key(name));
    assert_eq!(
        xml_shapes.keys().collect::<Vec<_>>(),
        json_shapes.keys().collect::<Vec<_>>()
    );

    // Fields: each XML object has one field the JSON lacks, its change-tracking timestamp
    // (`UpdateTimeStampAttribute`): the legacy generator leaves the server's timestamp column
    // out of the device schema. Remove it, then the JSON's newer fields.
    for (name, shape) in &mut xml_shapes {
        let timestamp = xml.object(name).unwrap().timestamp_field.clone().unwrap();
        assert!(
            !json_shapes[name].fields.contains_key(&timestamp),
            "{name}.{timestamp}"
        );
        assert!(shape.fields.remove(&timestamp).is_some());
    }
    let newer: &[(&str, &[&str])] = &[
        (
            "Meetings",
            &[
                "IsAtWork",
                "IsInfoSession",
                "IsTallySubmitted",
                "RenewalNo",
                "SeriesCompMeetings",
                "SeriesLength",
                "SeriesNo",
                "WeekNo",
            ],
        ),
        ("MeetingsUpdate", &["WeekNo"]),
        ("MemberDetails", &["WeightLossFocus"]),
        ("MilestoneLookUp", &["EndDate", "StartDate"]),
        (
            "SKURuleEngine",
            &[
                "AllowPriceOverride",
                "IsExtended",
                "LineOfBusiness",
                "SeriesLength",
                "WeeksLeft",
            ],
        ),
        ("SaleDetails", &["HasSplitPayment", "SubsidyAmount"]),
        ("SaleItems", &["ReasonId"]),
        (
            "SalePayments",
            &["NoOfCheques", "PaymentGateway", "SalePaymentID"],
        ),
        ("TallyMeeting", &["TotalSubsidyAmount", "WeekNumber"]),
        (
            "TallySummary",
            &["PreRegMemberCount", "ThreeMonthsPassesLTCActivated"],
        ),
    ];
    for (object, fields) in newer {
        let shape = json_shapes.get_mut(*object).unwrap();
        for field in *fields {
            assert!(shape.fields.remove(*field).is_some(), "{object}.{field}");
        }
    }

    // Keys: four objects list the same key columns in another order, and two have another key
    // altogether. Nullability follows: key fields are never nullable.
    let reordered = [
        ("MeetingTypes", ["CountryID", "MeetingTypeID"].as_slice()),
        ("MemberDetails", &["PreRegNumber", "MemberID"]),
        ("OfferDetail", &["ProductID", "OfferDesc", "LocationId"]),
        (
            "PreActivation",
            &[
                "MemberID",
                "CouponCode",
                "ID",
                "ActivationDate",
                "ActivationStatus",
            ],
        ),
    ];
    for (object, xml_key) in reordered {
        let json_key = &json_shapes[object].key;
        assert_eq!(xml_shapes[object].key, xml_key);
        assert_ne!(json_key, &xml_key);
        let sorted = |k: &[String]| k.iter().cloned().collect::<BTreeSet<_>>();
        assert_eq!(sorted(json_key), sorted(&xml_shapes[object].key));
        json_shapes.get_mut(object).unwrap().key = xml_shapes[object].key.clone();
    }
    let rekeyed = [
        ("SaleItems", "Id", "ClientSaleItemId"),
        ("SalePayments", "ID", "SalePaymentID"),
    ];
    for (object, xml_key, json_key) in rekeyed {
        assert_eq!(xml_shapes[object].key, [xml_key]);
        assert_eq!(json_shapes[object].key, [json_key]);
        json_shapes.get_mut(object).unwrap().key = vec![xml_key.to_owned()];
    }
    // Nullable and autogenerated flags of string fields that differ: the XML's key `Id` of
    // SaleItems is not null and autogenerated, the JSON's neither, and its `ClientSaleItemId`
    // is the JSON's key, hence not null there; the same goes for SalePayments' `ID`. The server
    // assigns the other four in one build and not in the other.
    let field_changes = [
        ("SaleItems", "Id", (false, true), (true, false)),
        (
            "SaleItems",
            "ClientSaleItemId",
            (true, false),
            (false, false),
        ),
        ("SalePayments", "ID", (false, true), (true, false)),
        ("MemberDetails", "MemberID", (false, true), (false, false)),
        (
            "MilestoneAchieved",
            "MemberMilestoneID",
            (false, false),
            (false, true),
        ),
        (
            "PreActivation",
            "ActivationDate",
            (false, false),
            (false, true),
        ),
        (
            "PreActivation",
            "ActivationStatus",
            (false, false),
            (false, true),
        ),
    ];
    let string = FieldType::String { max_length: None };
    for (object, field, (null, auto), (json_null, json_auto)) in field_changes {
        let in_xml = (string, null, auto);
        assert_eq!(xml_shapes[object].fields[field], in_xml, "{object}.{field}");
        let shape = json_shapes.get_mut(object).unwrap();
        let json_field = shape.fields.get_mut(field).unwrap();
        assert_eq!(
            *json_field,
            (string, json_null, json_auto),
            "{object}.{field}"
        );
        *json_field = in_xml;
    }

    // Relationships: the JSON's build joins WeighDetails to MilestoneAchieved on two attributes
    // and cascades, the XML's on `WeekNumber` alone, without cascade; and the JSON relates two
    // of its own extra objects.
    let relationship_changes = [
        (
            "WeighDetails",
            vec!["OneToMany MilestoneAchieved WeekNumber=WeekNumber -"],
            vec!["OneToMany MilestoneAchieved MemberID=MemberID&WeekNumber=WeekNumber cascade"],
        ),
        (
            "TallyMeeting",
            vec![],
            vec!["OneToMany BankDepositDetails Id=TallyMeetingID cascade"],
        ),
        (
            "SaleDetails",
            vec![
                "OneToMany SaleItems SaleTransactnId=SaleTransactnId -",
                "OneToMany SalePayments SaleTransactnId=SaleTransactnId -",
            ],
            vec![
                "OneToMany SaleItems SaleTransactnId=SaleTransactnId -",
                "OneToMany SalePayments SaleTransactnId=SaleTransactnId -",
                "OneToMany SplitSalePayment SaleTransactnId=SaleTransactnId -",
            ],
        ),
    ];
    for (object, in_xml, in_json) in relationship_changes {
        let set = |v: Vec<&str>| v.into_iter().map(str::to_owned).collect::<BTreeSet<_>>();
        assert_eq!(xml_shapes[object].relationships, set(in_xml.clone()));
        assert_eq!(json_shapes[object].relationships, set(in_json));
        json_shapes.get_mut(object).unwrap().relationships = set(in_xml);
    }

    // Everything else is the same: names, types, nullability, keys, relationships.
    for (name, xml_shape) in &xml_shapes {
        assert_eq!(xml_shape, &json_shapes[name], "{name}");
    }
}

// ---------------------------------------------------------------------------------------------
// Error fixtures: one file per kind of error

#[test]
fn malformed_xml_is_reported_where_the_parser_stopped() {
    assert_eq!(
        errors_of("malformed.xml"),
        "error: tests/fixtures/xml/malformed.xml:5:5: (document): malformed XML: expected \
         'SyncScope' tag, not 'SyncScopes'"
    );
}

#[test]
fn missing_attributes() {
    let at = "error: tests/fixtures/xml/missing-attributes.xml";
    let scope = "SyncConfiguration/SyncScopes/SyncScope[0]";
    let note = format!("{scope}/SyncObject[1]");
    let expected = [
        format!(
            "{at}:2:1: SyncConfiguration@AppID: missing attribute (expected the application's id)"
        ),
        format!("{at}:4:9: {scope}@Name: missing attribute (expected the scope's name)"),
        format!(
            "{at}:5:13: {scope}/SyncObject[0]@GlobalName: missing attribute (expected the \
             object's name)"
        ),
        format!(
            "{at}:15:21: {note}/SyncAttributes/SyncAttribute[1]@GlobalName: missing attribute \
             (expected the attribute's name)"
        ),
        format!(
            "{at}:16:21: {note}/SyncAttributes/SyncAttribute[2]@Type: missing attribute \
             (expected the attribute's type)"
        ),
        format!(
            "{at}:17:36: {note}/SyncAttributes/SyncAttribute[3]@GlobalName: empty attribute \
             (expected the attribute's name)"
        ),
        format!(
            "{at}:20:21: {note}/Relationships/ManyToOne[0]@TargetObjectAttribute: missing \
             attribute (expected an attribute's name)"
        ),
    ];
    assert_eq!(errors_of("missing-attributes.xml"), expected.join("\n"));
}

#[test]
fn unknown_type() {
    assert_eq!(
        errors_of("unknown-type.xml"),
        "error: tests/fixtures/xml/unknown-type.xml:9:55: \
         SyncConfiguration/SyncScopes/SyncScope[0]/SyncObject[0]/SyncAttributes/SyncAttribute[1]\
         @Type: unknown type `money` (expected one of string, character, char, java.lang.String, \
         text, varchar, nvarchar, int, integer, long, short, byte, big_integer, double, float, \
         big_decimal, number, boolean, yes_no, date, time, timestamp, datetime, binary, blob)"
    );
}

#[test]
fn primary_key_problems() {
    let at = "error: tests/fixtures/xml/primary-key.xml";
    let scope = "SyncConfiguration/SyncScopes/SyncScope[0]";
    let expected = [
        format!(
            "{at}:7:37: {scope}/SyncObject[0]/SyncAttributes/Key/Attribute[0]@GlobalName: \
             `Product` has no attribute `Code` (expected `code` (names are compared exactly))"
        ),
        format!(
            "{at}:12:17: {scope}/SyncObject[1]/SyncAttributes: no `Key` (expected the \
             primary-key attributes)"
        ),
        format!(
            "{at}:20:36: {scope}/SyncObject[2]/SyncAttributes/Key/Attribute[1]@GlobalName: \
             `StoreId` is already in the key (expected each key attribute once)"
        ),
        format!(
            "{at}:21:25: {scope}/SyncObject[2]/SyncAttributes/Key/Attribute[2]@GlobalName: \
             missing attribute (expected the name of a key attribute)"
        ),
        format!(
            "{at}:28:21: {scope}/SyncObject[3]/SyncAttributes/Key: the key names no attribute \
             (expected at least one `Attribute` naming a key attribute)"
        ),
    ];
    assert_eq!(errors_of("primary-key.xml"), expected.join("\n"));
}

#[test]
fn relationship_problems() {
    let at = "error: tests/fixtures/xml/relationships.xml";
    let rels = "SyncConfiguration/SyncScopes/SyncScope[0]/SyncObject[0]/Relationships";
    let expected = [
        format!(
            "{at}:11:79: {rels}/OneToMany[0]@TargetObject: no sync object `line` in the \
             configuration (expected `Line` (names are compared exactly))"
        ),
        format!(
            "{at}:12:47: {rels}/OneToMany[1]@SourceObjectAttribute: `Order` has no attribute \
             `OrderNo` (expected one of the attributes of `Order`)"
        ),
        format!(
            "{at}:13:99: {rels}/OneToMany[2]@TargetObjectAttribute: `Line` has no attribute \
             `Order` (expected one of the attributes of `Line`)"
        ),
        format!(
            "{at}:14:31: {rels}/OneToOne[0]@Cascade: `yes` is not a boolean (expected `true` or \
             `false`)"
        ),
        format!(
            "{at}:14:77: {rels}/OneToOne[0]@TargetObject: no sync object `Invoice` in the \
             configuration (expected the name of a sync object)"
        ),
    ];
    assert_eq!(errors_of("relationships.xml"), expected.join("\n"));
}

#[test]
fn duplicate_names() {
    let at = "error: tests/fixtures/xml/duplicates.xml";
    let scopes = "SyncConfiguration/SyncScopes";
    let expected = [
        format!(
            "{at}:9:36: {scopes}/SyncScope[0]/SyncObject[0]/SyncAttributes/SyncAttribute[1]\
             @GlobalName: the attribute `ID` clashes with `Id` (at 8:36): names are compared \
             ignoring ASCII case"
        ),
        format!(
            "{at}:13:20: {scopes}/SyncScope[1]@Name: the scope `Main` is declared twice \
             (first at 4:20)"
        ),
        format!(
            "{at}:14:25: {scopes}/SyncScope[1]/SyncObject[0]@GlobalName: the object `ORDER` \
             clashes with `Order` (at 5:25): names are compared ignoring ASCII case"
        ),
    ];
    assert_eq!(errors_of("duplicates.xml"), expected.join("\n"));
}

#[test]
fn invalid_strategies() {
    let at = "error: tests/fixtures/xml/strategy.xml";
    let scopes = "SyncConfiguration/SyncScopes";
    let literals = "(expected `OTA_SYNC`, `OTASync`, `PERSISTENT_SYNC` or `PersistentSync`)";
    let expected = [
        format!(
            "{at}:4:34: {scopes}/SyncScope[0]@Strategy: unknown strategy `ota_sync` {literals}"
        ),
        format!("{at}:5:36: {scopes}/SyncScope[1]@Strategy: unknown strategy `OTA` {literals}"),
        format!("{at}:6:9: {scopes}/SyncScope[2]@Strategy: missing attribute {literals}"),
    ];
    assert_eq!(errors_of("strategy.xml"), expected.join("\n"));
}

/// The model's own rules (`Schema::validate`), placed at the attribute or object they concern.
#[test]
fn model_rules_are_placed_in_the_file() {
    let at = "error: tests/fixtures/xml/model-rules.xml";
    let scope = "SyncConfiguration/SyncScopes/SyncScope[0]";
    let photo = format!("{scope}/SyncObject[0]/SyncAttributes");
    let expected = [
        format!(
            "{at}:8:21: {photo}/SyncAttribute[0]: a binary field cannot be part of a primary key"
        ),
        format!(
            "{at}:9:21: {photo}/SyncAttribute[1]: `Photo._sync_state` starts with a reserved \
             prefix (`_sync_` or `sqlite_`)"
        ),
        format!("{at}:10:21: {photo}/SyncAttribute[2]: a name cannot hold control characters"),
        format!(
            "{at}:13:13: {scope}/SyncObject[1]: `sqlite_stat` starts with a reserved prefix \
             (`_sync_` or `sqlite_`)"
        ),
        format!(
            "{at}:16:21: {scope}/SyncObject[1]/SyncAttributes/SyncAttribute[0]: an \
             autogenerated key must be an integer, a double or a string, not boolean"
        ),
    ];
    assert_eq!(errors_of("model-rules.xml"), expected.join("\n"));
}

/// Booleans, lengths, conflict policies, change tracking.
#[test]
fn invalid_settings() {
    let at = "error: tests/fixtures/xml/settings.xml";
    let scope = "SyncConfiguration/SyncScopes/SyncScope[0]";
    let order = format!("{scope}/SyncObject[0]");
    let policies = "(expected `none`, `serverwins`, `clientwins` or `custom`)";
    let expected = [
        format!(
            "{at}:7:21: {scope}/ChangeTrackingPolicy/ChangeTrackingColumnsSupported/\
             LastUpdateTimeStamp: `maybe` is not a boolean (expected `true` or `false`)"
        ),
        format!(
            "{at}:11:17: {scope}/ConflictPolicy/Type: unknown conflict policy `lastwins` \
             {policies}"
        ),
        format!(
            "{at}:16:63: {order}/SyncAttributes/SyncAttribute[0]@IsNullable: `no` is not a \
             boolean (expected `true` or `false`)"
        ),
        format!(
            "{at}:17:68: {order}/SyncAttributes/SyncAttribute[1]@Length: `long` is not a length \
             (expected a number of characters)"
        ),
        format!(
            "{at}:19:43: {order}/UpdateTimeStampAttribute@GlobalName: `Order` has no attribute \
             `Changed` (expected one of the attributes of `Order`)"
        ),
        format!("{at}:20:17: {order}/ConflictPolicy: no `Type` {policies}"),
    ];
    assert_eq!(errors_of("settings.xml"), expected.join("\n"));
}

/// What is not understood is a warning at its place; what is known to be irrelevant is
/// skipped quietly; backend mappings get one warning for the file.
#[test]
fn warnings_are_placed_and_the_schema_reads() {
    let outcome = read_ok(&fixture("warnings.xml"));
    let at = "warning: tests/fixtures/xml/warnings.xml";
    let scope = "SyncConfiguration/SyncScopes/SyncScope[0]";
    let order = format!("{scope}/SyncObject[0]");
    let expected = [
        format!("{at}:2:45: SyncConfiguration@Owner: unknown attribute `Owner` is not read"),
        format!(
            "{at}:5:20: {scope}@Datasource: backend service mappings are not read: data \
             sources, operations and their service inputs and outputs are left out"
        ),
        format!("{at}:13:13: {scope}/Schedule: unknown element `Schedule` is not read"),
        format!(
            "{at}:14:13: {order}: the scope's change tracking sets `SoftDeleteFlag`, but the \
             object has no `SoftDeleteAttribute`"
        ),
        format!(
            "{at}:14:44: {order}@SourceName: the backend name `ORDERS` is not kept (only \
             fields keep one)"
        ),
        format!(
            "{at}:17:63: {order}/SyncAttributes/SyncAttribute[0]@Length: a length applies to \
             strings only, not to `int`"
        ),
        format!("{at}:19:34: {order}: text inside `SyncObject` is not read"),
        format!(
            "{at}:21:17: {order}/UpdateTimeStampAttribute: not used: the scope's change \
             tracking sets `LastUpdateTimeStamp` to false"
        ),
    ];
    assert_eq!(lines(&outcome.warnings), expected.join("\n"));

    let order = outcome.schema.object("Order").unwrap();
    assert_eq!(order.timestamp_field, None);
    assert_eq!(order.soft_delete_field, None);
    assert_eq!(order.fields[0].ty, FieldType::Integer);
}

/// Every part of the schema the reader takes, checked against the model built by hand.
#[test]
fn every_part_of_a_configuration_is_read() {
    let outcome = read_ok(&fixture("complete.xml"));
    let string = |max_length| FieldType::String { max_length };
    let order = Object::new("Order")
        .with_field(Field::new("OrderNo", FieldType::Integer).nullable(false))
        .with_field(Field::new("StoreId", FieldType::Integer).nullable(false))
        .with_field(Field::new("Customer", string(Some(80))).with_source_name("CUST_NAME"))
        .with_field(Field::new("Total", FieldType::Double).nullable(false))
        .with_field(Field::new("Paid", FieldType::Boolean))
        .with_field(Field::new("Scan", FieldType::Binary))
        .with_field(Field::new("Changed", FieldType::Date))
        .with_field(Field::new("Gone", FieldType::Boolean))
        .with_primary_key(["StoreId", "OrderNo"])
        .with_relationship(
            Relationship::new(RelationshipKind::OneToMany, "Line")
                .on("OrderNo", "OrderNo")
                .cascade(true),
        )
        .with_relationship(
            Relationship::new(RelationshipKind::OneToOne, "Receipt").on("OrderNo", "OrderNo"),
        )
        .with_timestamp_field("Changed")
        .with_soft_delete_field("Gone")
        .with_conflict_policy(ConflictPolicy::ServerWins);
    let line = Object::new("Line")
        .with_field(
            Field::new("LineId", string(None))
                .nullable(false)
                .autogenerated(true),
        )
        .with_field(Field::new("OrderNo", FieldType::Integer))
        .with_field(Field::new("Changed", FieldType::Date))
        .with_field(Field::new("Gone", FieldType::Boolean))
        .with_primary_key(["LineId"])
        .with_relationship(
            Relationship::new(RelationshipKind::ManyToOne, "Order").on("OrderNo", "OrderNo"),
        )
        .with_timestamp_field("Changed")
        .with_soft_delete_field("Gone");
    // `number` is an integer for a key, a double (with a warning) otherwise.
    let receipt = Object::new("Receipt")
        .with_field(Field::new("OrderNo", FieldType::Integer).nullable(false))
        .with_field(Field::new("Printed", FieldType::Date))
        .with_field(Field::new("Copies", FieldType::Double))
        .with_primary_key(["OrderNo"]);
    let expected = Schema::new("shop")
        .with_version("7")
        .with_scope(
            Scope::new("Orders", Strategy::PersistedFirst)
                .with_conflict_policy(ConflictPolicy::ClientWins)
                .with_object(order)
                .with_object(line),
        )
        .with_scope(Scope::new("Receipts", Strategy::AppliedAtOnce).with_object(receipt));
    assert_eq!(outcome.schema, expected);
    assert_eq!(
        lines(&outcome.warnings),
        "warning: tests/fixtures/xml/complete.xml:62:56: SyncConfiguration/SyncScopes/\
         SyncScope[1]/SyncObject[0]/SyncAttributes/SyncAttribute[2]@Type: a `number` without a \
         precision is read as a double"
    );
}

/// Without a file, locations have no file; the format is found from the content.
#[test]
fn text_without_a_file() {
    let text = "<SyncConfiguration>\n  <SyncScopes/>\n</SyncConfiguration>";
    let failure = read_str(text, None).unwrap_err();
    assert_eq!(
        lines(failure.diagnostics()),
        "error: 1:1: SyncConfiguration@AppID: missing attribute (expected the application's \
         id)\nerror: 2:3: SyncConfiguration/SyncScopes: no scope (expected at least one \
         `SyncScope`)"
    );
}

// ---------------------------------------------------------------------------------------------
// Garbage

/// Reads text that must not read, and returns its rendered errors.
fn garbage(text: &str) -> String {
    match read_str(text, None) {
        Ok(outcome) => panic!("read: {outcome:?}"),
        Err(failure) => {
            assert!(!failure.diagnostics().is_empty());
            lines(failure.diagnostics())
        }
    }
}

#[test]
fn empty_and_non_xml_text_is_an_error() {
    // Text that does not start with `<` is JSON to the format detection; it fails there.
    for text in ["", "   \n", "not xml at all", "{\"AppID\": 1}", "\u{feff}"] {
        garbage(text);
    }
    let cases = [
        (
            "<",
            "error: 1:2: (document): malformed XML: invalid name token",
        ),
        (
            "<?xml version=\"1.0\"?>",
            "error: 1:1: (document): malformed XML: the document does not have a root node",
        ),
        (
            "<SyncConfiguration AppID='a'",
            "error: 1:1: (document): malformed XML: the document does not have a root node",
        ),
        (
            "<Schema><Table/></Schema>",
            "error: 1:1: Schema: the root element is `Schema` (expected `SyncConfiguration`)",
        ),
        (
            "<a>&#0;</a>",
            "error: 1:4: (document): malformed XML: malformed entity reference",
        ),
    ];
    for (text, expected) in cases {
        assert_eq!(garbage(text), expected, "{text:?}");
    }
}

#[test]
fn a_doctype_is_refused_before_any_entity_is_expanded() {
    let laughs = "<?xml version=\"1.0\"?>\n<!DOCTYPE lolz [\n <!ENTITY lol \"lol\">\n \
                  <!ENTITY lol2 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\">\n \
                  <!ENTITY lol3 \"&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;\">\n\
                  ]>\n<SyncConfiguration AppID=\"&lol3;\"/>";
    assert_eq!(
        garbage(laughs),
        "error: 2:1: (document): a DOCTYPE is not allowed (the reader expands no entities)"
    );
}

#[test]
fn deep_nesting_neither_overflows_nor_hangs() {
    let depth = 100_000;
    let nested = |root: &str| {
        let mut text = format!("<{root} AppID=\"a\">");
        text.push_str(&"<Deeper>".repeat(depth));
        text.push_str(&"</Deeper>".repeat(depth));
        text.push_str(&format!("</{root}>"));
        text
    };
    assert_eq!(
        garbage(&nested("Deep")),
        "error: 1:1: Deep: the root element is `Deep` (expected `SyncConfiguration`)"
    );
    // Under the right root, the unknown element is reported once, without looking inside.
    assert_eq!(
        garbage(&nested("SyncConfiguration")),
        "error: 1:1: SyncConfiguration: no `SyncScopes` (expected the scopes of the application)"
    );
}

#[test]
fn huge_documents_are_bounded() {
    // More XML nodes than the reader takes.
    let flood = format!(
        "<SyncConfiguration AppID=\"a\">{}</SyncConfiguration>",
        "<x/>".repeat(1_100_000)
    );
    assert_eq!(
        garbage(&flood),
        "error: 1:1: (document): more than 1000000 XML nodes, too many to read"
    );

    // Fewer nodes, but each one wrong: the diagnostics kept are bounded, the rest counted.
    let scope = "<SyncScope Name=\"S\" Strategy=\"OTASync\">";
    let object = "<SyncObject><SyncAttributes><Key/></SyncAttributes></SyncObject>";
    let text = format!(
        "<SyncConfiguration AppID=\"a\"><SyncScopes>{scope}{}</SyncScope></SyncScopes>\
         </SyncConfiguration>",
        object.repeat(3_000)
    );
    let errors = garbage(&text);
    let lines: Vec<&str> = errors.lines().collect();
    assert_eq!(lines.len(), 1_001);
    // Two errors per object: no name, and a key that names nothing.
    let summary = format!(
        "error: 1:{}: (document): 5000 more errors are not shown",
        text.len() + 1
    );
    assert_eq!(lines[1_000], summary);
}

#[test]
fn a_large_valid_configuration_reads() {
    let mut text = String::from("<SyncConfiguration AppID=\"big\"><SyncScopes>");
    text.push_str("<SyncScope Name=\"All\" Strategy=\"OTA_SYNC\">");
    for i in 0..5_000 {
        let _ = write!(
            text,
            "\n<SyncObject GlobalName=\"T{i}\"><SyncAttributes><Key><Attribute GlobalName=\"Id\"/>\
             </Key><SyncAttribute GlobalName=\"Id\" Type=\"int\"/>\
             <SyncAttribute GlobalName=\"Name\" Type=\"string\" Length=\"40\"/></SyncAttributes>\
             </SyncObject>"
        );
    }
    text.push_str("</SyncScope></SyncScopes></SyncConfiguration>");
    let outcome = read_str(&text, None).unwrap();
    assert_eq!(outcome.schema.objects().count(), 5_000);
    assert!(outcome.warnings.is_empty());
}

/// Every cut of a valid configuration is an error, and none panics.
#[test]
fn every_truncation_is_an_error() {
    let text = std::fs::read_to_string(fixture("complete.xml")).unwrap();
    let end = text.find("</SyncConfiguration>").unwrap();
    for (cut, _) in text.char_indices().filter(|(i, _)| *i < end) {
        let prefix = &text[..cut];
        if prefix.trim_start().starts_with('<') {
            garbage(prefix);
        }
    }
}

/// Random damage to a valid configuration never panics (a fixed seed keeps it repeatable).
#[test]
fn random_damage_never_panics() {
    let text = std::fs::read_to_string(fixture("complete.xml")).unwrap();
    let chars: Vec<char> = text.chars().collect();
    let pieces = [
        '<', '>', '/', '"', '=', '&', ';', ' ', 'a', '\n', 'é', '\u{0}', ']',
    ];
    let mut seed: u64 = 0x5eed;
    let mut next = |bound: usize| {
        seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
        (seed >> 33) as usize % bound
    };
    for _ in 0..2_000 {
        let mut damaged = chars.clone();
        for _ in 0..1 + next(4) {
            let at = next(damaged.len());
            match next(3) {
                0 => damaged[at] = pieces[next(pieces.len())],
                1 => {
                    damaged.remove(at);
                }
                _ => damaged.insert(at, pieces[next(pieces.len())]),
            }
        }
        let damaged: String = damaged.into_iter().collect();
        let _ = read_str(&damaged, None);
    }
}
