//! The one place where Rust names are decided for schema names.
//!
//! The schema keeps its names as written (`Order Date`, `group`, `2ndVisit`); the generated
//! code needs identifiers that read like Rust and compile with warnings denied. The rules,
//! applied in this order:
//!
//! 1. **Characters.** ASCII letters and digits are kept. Latin letters with diacritics are
//!    transliterated (`ß` → `ss`, `é` → `e`, `Æ` → `Ae`, `ł` → `l`). Any other letter or digit
//!    becomes a word of its own, `u` and its code point in hex (`日` → `u65e5`), so that every
//!    name is ASCII: Rust's lints on non-ASCII identifiers depend on the whole crate, and
//!    relationship accessors must be ASCII for the derive. Everything else (spaces,
//!    punctuation) separates words.
//! 2. **Case**, with `heck`: types in `UpperCamelCase` (`work order` → `WorkOrder`), fields
//!    and accessors in `snake_case` (`Order Date` → `order_date`), and the column constants
//!    of the derive in `SCREAMING_SNAKE_CASE` (`ORDER_DATE`). Leading and trailing
//!    underscores are dropped.
//! 3. **Leading digit.** A name that starts with a digit gets a leading underscore:
//!    `2ndVisit` → `_2nd_visit` (field) or `_2ndVisit` (type).
//! 4. **Keywords** of any edition (strict, reserved, `async`, `await`, `dyn`, `try`, `gen`)
//!    become raw identifiers: `type` → `r#type`, `match` → `r#match`. The four that cannot
//!    be raw (`self`, `Self`, `super`, `crate`) get a trailing underscore: `self_`, `Self_`.
//!    Relationship accessors are never raw (the derive takes plain names), so a keyword
//!    accessor gets the trailing underscore too: `type_`.
//! 5. **Empty.** A name with nothing left (`!!!`) is an error.
//!
//! Relationship accessors are named after the relationship's own name when the schema gives
//! one (in `snake_case`); otherwise after the target object: `snake_case`, plural for
//! one-to-many (`tasks`), singular for many-to-one and one-to-one (`customer`). Plurals follow
//! a short rule on the last word: words in `ss`, `us`, `x`, `z`, `ch` or `sh` take `es`; other
//! words in `s` are taken to be plural already; a consonant and `y` become `ies`; anything
//! else takes `s`. When two or more unnamed relationships of one object reach the same
//! target, each accessor also names the child's joined columns: `tasks_by_work_order_id`,
//! `employee_by_assigned_to` (several columns joined with `_and_`). A one-to-many
//! relationship also gets `count_<accessor>`.
//!
//! Names never get a silent suffix to make them unique: two schema names that give the same
//! type (among all objects), the same field or column constant (within an object), or the
//! same method (an accessor against another accessor, a field, a column constant, or a method
//! of `SyncObject`, `Clone`, `Debug` or `PartialEq`) are an [`Error::NameClash`] naming both.

use std::collections::BTreeMap;
use std::fmt;

use heck::{ToSnakeCase, ToUpperCamelCase};
use sync_schema::{Object, Relationship, RelationshipKind, Schema};

use crate::{Error, Result};

/// Words that cannot be plain identifiers in some edition: the strict keywords, the reserved
/// ones, and those added by the 2018 and 2024 editions.
const KEYWORDS: &[&str] = &[
    "as", "break", "const", "continue", "crate", "else", "enum", "extern", "false", "fn", "for",
    "if", "impl", "in", "let", "loop", "match", "mod", "move", "mut", "pub", "ref", "return",
    "self", "Self", "static", "struct", "super", "trait", "true", "type", "unsafe", "use", "where",
    "while", "async", "await", "dyn", "abstract", "become", "box", "do", "final", "macro",
    "override", "priv", "typeof", "unsized", "virtual", "yield", "try", "gen",
];

/// Keywords that cannot be raw identifiers.
const NOT_RAW: &[&str] = &["crate", "self", "Self", "super"];

/// The methods an accessor must not hide: those of `SyncObject` (provided and required) and
/// those of the traits the generated structs derive.
pub const RESERVED_METHODS: &[&str] = &[
    "create",
    "create_all",
    "get_all",
    "get_all_details_by_pk",
    "find",
    "count",
    "update",
    "update_by_pk",
    "save",
    "delete_by_pk",
    "remove",
    "mark_for_upload",
    "mark_for_upload_by_pk",
    "get_pending_upload",
    "get_pending_acknowledgement",
    "get_deferred_upload",
    "rollback_pending_local_changes",
    "rollback_pending_local_changes_by_pk",
    "remove_device_instance_by_pk",
    "remove_device_instance",
    "schema_object",
    "to_row",
    "from_row",
    "key",
    "set_key",
    "clone",
    "clone_from",
    "fmt",
    "eq",
    "ne",
];

/// A Rust identifier decided for a schema name.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct RustName {
    /// The name without `r#`.
    bare: String,
    /// Whether it is written as a raw identifier.
    raw: bool,
}

impl RustName {
    /// The name as Rust compares it, without the `r#` of a raw identifier. The derive takes
    /// this as a field's default column name.
    pub fn bare(&self) -> &str {
        &self.bare
    }

    /// Whether the name is written as a raw identifier (`r#type`).
    pub fn is_raw(&self) -> bool {
        self.raw
    }

    /// The identifier, ready for `quote!`.
    pub(crate) fn ident(&self) -> Result<syn::Ident> {
        syn::parse_str(&self.to_string()).map_err(|e| Error::Internal {
            message: format!("`{self}` is not an identifier: {e}"),
        })
    }
}

impl fmt::Display for RustName {
    /// The name as written in source: `r#type`, `order_date`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.raw {
            f.write_str("r#")?;
        }
        f.write_str(&self.bare)
    }
}

/// The Rust type name for an object name, or `None` when nothing usable is left.
///
/// ```
/// # use sync_codegen::naming::type_name;
/// assert_eq!(type_name("work order").unwrap().to_string(), "WorkOrder");
/// assert_eq!(type_name("2ndVisit").unwrap().to_string(), "_2ndVisit");
/// assert_eq!(type_name("self").unwrap().to_string(), "Self_");
/// ```
pub fn type_name(schema_name: &str) -> Option<RustName> {
    let camel = ascii_words(schema_name).to_upper_camel_case();
    escape(lead_digit(camel)?, true)
}

/// The Rust field name for a column name, or `None` when nothing usable is left.
///
/// ```
/// # use sync_codegen::naming::field_name;
/// assert_eq!(field_name("Order Date").unwrap().to_string(), "order_date");
/// assert_eq!(field_name("type").unwrap().to_string(), "r#type");
/// assert_eq!(field_name("Straße").unwrap().to_string(), "strasse");
/// ```
pub fn field_name(schema_name: &str) -> Option<RustName> {
    escape(snake(schema_name)?, true)
}

/// The name of a relationship accessor for a schema name: `snake_case`, and a keyword gets
/// a trailing underscore (the derive takes no raw identifiers). `None` when nothing is left.
pub fn accessor_name(schema_name: &str) -> Option<String> {
    escape(snake(schema_name)?, false).map(|n| n.to_string())
}

/// The column constant the derive generates for a field: the field name without `r#`, in
/// `SCREAMING_SNAKE_CASE` (the derive's own rule, repeated here to check for clashes).
pub fn constant_name(field: &RustName) -> String {
    let mut out = String::with_capacity(field.bare.len() + 4);
    let mut previous: Option<char> = None;
    for c in field.bare.chars() {
        let after_lower = previous.is_some_and(|p| p.is_lowercase() || p.is_ascii_digit());
        if c.is_uppercase() && after_lower {
            out.push('_');
        }
        out.extend(c.to_uppercase());
        previous = Some(c);
    }
    out
}

/// The plural of a `snake_case` name, by the rule in the module docs: `task` → `tasks`,
/// `status` → `statuses`, `category` → `categories`, `tasks` → `tasks`.
pub fn plural(snake: &str) -> String {
    let last = snake.rsplit('_').next().unwrap_or(snake);
    let sibilant = ["ss", "us", "x", "z", "ch", "sh"]
        .iter()
        .any(|end| last.ends_with(end));
    if sibilant {
        return format!("{snake}es");
    }
    if last.ends_with('s') {
        return snake.to_owned();
    }
    let mut chars = last.chars().rev();
    let consonant_y = chars.next() == Some('y')
        && chars
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic() && !"aeiou".contains(c));
    match snake.strip_suffix('y') {
        Some(stem) if consonant_y => format!("{stem}ies"),
        _ => format!("{snake}s"),
    }
}

/// The Rust names of a whole schema, decided together so that clashes are found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Names {
    /// Per object, in schema order.
    objects: Vec<ObjectNames>,
}

impl Names {
    /// The names of every object, in schema order.
    pub fn objects(&self) -> &[ObjectNames] {
        &self.objects
    }

    /// The names of the object with this schema name.
    pub fn object(&self, schema_name: &str) -> Option<&ObjectNames> {
        self.objects.iter().find(|o| o.object == schema_name)
    }
}

/// The Rust names of one object.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ObjectNames {
    /// The object's schema name.
    pub object: String,
    /// The struct.
    pub type_name: RustName,
    /// Per field, in schema order.
    pub fields: Vec<FieldNames>,
    /// Per relationship declared on the object, in schema order.
    pub accessors: Vec<Accessor>,
}

impl ObjectNames {
    /// The names of the field with this column name.
    pub fn field(&self, column: &str) -> Option<&FieldNames> {
        self.fields.iter().find(|f| f.column == column)
    }
}

/// The Rust names of one field.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct FieldNames {
    /// The column's schema name.
    pub column: String,
    /// The struct field.
    pub rust: RustName,
    /// The derive's column constant.
    pub constant: String,
}

/// The methods of one relationship.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Accessor {
    /// The accessor, which the derive's `name = "..."` takes.
    pub method: String,
    /// `count_<method>`, for one-to-many relationships.
    pub count_method: Option<String>,
}

/// Decides the Rust names of every object, field and relationship of a schema.
///
/// The schema should be valid (`Schema::validate`, which [`generate`](crate::generate) runs
/// first): the references between objects are not checked again here. Every naming problem
/// is reported, in schema order.
pub fn decide(schema: &Schema) -> Result<Names> {
    let mut problems = Vec::new();
    let mut types: BTreeMap<String, &str> = BTreeMap::new();
    let mut objects = Vec::new();
    for object in schema.objects() {
        let Some(type_name) = type_name(&object.name) else {
            problems.push(invalid(format!("object {}", code(&object.name))));
            continue;
        };
        match types.get(type_name.bare()) {
            Some(first) => problems.push(Error::NameClash {
                kind: "type",
                rust_name: type_name.to_string(),
                first: format!("object {}", code(first)),
                second: format!("object {}", code(&object.name)),
                hint: "rename one of the objects in the schema",
            }),
            None => {
                types.insert(type_name.bare().to_owned(), &object.name);
            }
        }
        let fields = field_names(object, &mut problems);
        let accessors = accessors(object, &fields, &mut problems);
        objects.push(ObjectNames {
            object: object.name.clone(),
            type_name,
            fields,
            accessors,
        });
    }
    match Error::from_problems(problems) {
        Some(error) => Err(error),
        None => Ok(Names { objects }),
    }
}

/// The field names of an object, with clashes of fields and of column constants recorded.
fn field_names(object: &Object, problems: &mut Vec<Error>) -> Vec<FieldNames> {
    let mut fields: Vec<FieldNames> = Vec::with_capacity(object.fields.len());
    for field in &object.fields {
        let what = format!(
            "field {} of object {}",
            code(&field.name),
            code(&object.name)
        );
        let Some(rust) = field_name(&field.name) else {
            problems.push(invalid(what));
            continue;
        };
        let constant = constant_name(&rust);
        let same_field = fields.iter().find(|f| f.rust.bare() == rust.bare());
        let same_constant = fields.iter().find(|f| f.constant == constant);
        let clash = match (same_field, same_constant) {
            (Some(first), _) => Some(("field", rust.to_string(), first)),
            (None, Some(first)) => Some(("column constant", constant.clone(), first)),
            (None, None) => None,
        };
        if let Some((kind, rust_name, first)) = clash {
            problems.push(Error::NameClash {
                kind,
                rust_name,
                first: format!(
                    "field {} of object {}",
                    code(&first.column),
                    code(&object.name)
                ),
                second: what,
                hint: "rename one of the fields in the schema",
            });
            continue;
        }
        fields.push(FieldNames {
            column: field.name.clone(),
            rust,
            constant,
        });
    }
    fields
}

/// The accessors of an object's relationships, checked against each other, the fields, the
/// column constants and the reserved methods.
fn accessors(object: &Object, fields: &[FieldNames], problems: &mut Vec<Error>) -> Vec<Accessor> {
    // Every name an accessor could clash with, and what holds it.
    let mut taken: BTreeMap<String, String> = BTreeMap::new();
    for method in RESERVED_METHODS {
        taken.insert((*method).to_owned(), format!("the method `{method}`"));
    }
    for field in fields {
        let what = format!(
            "field {} of object {}",
            code(&field.column),
            code(&object.name)
        );
        taken.insert(field.rust.bare().to_owned(), what.clone());
        taken.insert(
            field.constant.clone(),
            format!("the column constant of {what}"),
        );
    }

    let mut out = Vec::with_capacity(object.relationships.len());
    for relationship in &object.relationships {
        let what = describe_relationship(object, relationship);
        let Some(method) = default_or_given_name(object, relationship) else {
            problems.push(invalid(what));
            continue;
        };
        let count_method =
            (relationship.kind == RelationshipKind::OneToMany).then(|| format!("count_{method}"));
        let methods = std::iter::once(&method).chain(&count_method);
        let mut clashed = false;
        for name in methods {
            if let Some(first) = taken.get(name) {
                problems.push(Error::NameClash {
                    kind: "method",
                    rust_name: name.clone(),
                    first: first.clone(),
                    second: what.clone(),
                    hint: "rename one of them in the schema",
                });
                clashed = true;
            }
        }
        if clashed {
            continue;
        }
        for name in std::iter::once(&method).chain(&count_method) {
            taken.insert(name.clone(), what.clone());
        }
        out.push(Accessor {
            method,
            count_method,
        });
    }
    out
}

/// A relationship's accessor: its name in the schema when that says something (`Manager`),
/// otherwise from its target: `tasks` for a one-to-many to `Task`, `customer` for a many-to-one
/// to `Customer`. Names made of the two objects' names (`WorkOrderToTask`, as tools generate
/// them) say nothing and read badly as methods: they are not used.
fn default_or_given_name(object: &Object, relationship: &Relationship) -> Option<String> {
    if let Some(name) = telling_name(object, relationship) {
        return accessor_name(name);
    }
    let target = snake(&relationship.target)?;
    let base = match relationship.kind {
        RelationshipKind::OneToMany => plural(&target),
        RelationshipKind::ManyToOne | RelationshipKind::OneToOne => target,
    };
    let shares_target = object
        .relationships
        .iter()
        .filter(|r| telling_name(object, r).is_none() && r.target == relationship.target)
        .count()
        > 1;
    if !shares_target {
        return accessor_name(&base);
    }
    let columns: Vec<String> = child_columns(relationship).filter_map(snake).collect();
    accessor_name(&format!("{base}_by_{}", columns.join("_and_")))
}

/// A relationship's own name, unless it only joins the two objects' names (`WorkOrderToTask`,
/// `work_order_to_tasks`).
fn telling_name<'r>(object: &Object, relationship: &'r Relationship) -> Option<&'r str> {
    let name = relationship.name.as_deref()?;
    let fold = |text: &str| -> String {
        text.chars()
            .filter(char::is_ascii_alphanumeric)
            .map(|c| c.to_ascii_lowercase())
            .collect()
    };
    let made_up = format!("{}to{}", fold(&object.name), fold(&relationship.target));
    let folded = fold(name);
    if folded == made_up || folded == format!("{made_up}s") || folded == format!("{made_up}es") {
        None
    } else {
        Some(name)
    }
}

/// The joined columns on the child's side: the target's for one-to-many and one-to-one, the
/// declaring object's for many-to-one.
fn child_columns(relationship: &Relationship) -> impl Iterator<Item = &str> + '_ {
    let child_is_target = relationship.kind != RelationshipKind::ManyToOne;
    relationship.attributes.iter().map(move |pair| {
        if child_is_target {
            pair.target.as_str()
        } else {
            pair.source.as_str()
        }
    })
}

/// A relationship in messages: its name, or its kind, target and columns.
fn describe_relationship(object: &Object, relationship: &Relationship) -> String {
    let owner = format!("of object {}", code(&object.name));
    if let Some(name) = &relationship.name {
        return format!("relationship {} {owner}", code(name));
    }
    let kind = match relationship.kind {
        RelationshipKind::OneToMany => "one-to-many",
        RelationshipKind::ManyToOne => "many-to-one",
        RelationshipKind::OneToOne => "one-to-one",
    };
    let pairs: Vec<String> = relationship
        .attributes
        .iter()
        .map(|p| format!("{} = {}", code(&p.source), code(&p.target)))
        .collect();
    format!(
        "the {kind} relationship {owner} to {} on {}",
        code(&relationship.target),
        pairs.join(", ")
    )
}

/// The error for a name with nothing usable left.
fn invalid(what: String) -> Error {
    Error::InvalidName {
        what,
        reason: "no letter or digit is left once spaces and punctuation are removed".to_owned(),
    }
}

/// A name in backticks for messages and docs, with a longer fence when the name itself holds
/// backticks.
pub(crate) fn code(name: &str) -> String {
    let longest = name.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    let fence = "`".repeat(longest + 1);
    if longest == 0 {
        format!("{fence}{name}{fence}")
    } else {
        format!("{fence} {name} {fence}")
    }
}

/// The `snake_case` form of a name, with the leading-digit rule; `None` when empty.
fn snake(schema_name: &str) -> Option<String> {
    lead_digit(ascii_words(schema_name).to_snake_case())
}

/// A leading underscore before a leading digit; `None` for an empty name.
fn lead_digit(name: String) -> Option<String> {
    match name.chars().next() {
        None => None,
        Some(c) if c.is_ascii_digit() => Some(format!("_{name}")),
        Some(_) => Some(name),
    }
}

/// A name as a raw identifier when it is a keyword, or with a trailing underscore when it is
/// a keyword that cannot be raw (or `raw_allowed` is false).
fn escape(name: String, raw_allowed: bool) -> Option<RustName> {
    if name.is_empty() || name == "_" {
        return None;
    }
    if !KEYWORDS.contains(&name.as_str()) {
        return Some(RustName {
            bare: name,
            raw: false,
        });
    }
    if raw_allowed && !NOT_RAW.contains(&name.as_str()) {
        return Some(RustName {
            bare: name,
            raw: true,
        });
    }
    Some(RustName {
        bare: format!("{name}_"),
        raw: false,
    })
}

/// The name with every character made ASCII: letters and digits kept or transliterated,
/// other letters and digits spelled as `u` and their code point, anything else a space.
fn ascii_words(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    for c in name.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c);
        } else if let Some(latin) = transliterate(c) {
            out.push_str(&latin);
        } else if c.is_alphanumeric() {
            // A word of its own, so that case conversion keeps it apart.
            out.push_str(&format!(" u{:04x} ", u32::from(c)));
        } else {
            out.push(' ');
        }
    }
    out
}

/// The ASCII spelling of a Latin letter with a diacritic (Latin-1 Supplement and Latin
/// Extended-A), capitalised like the letter.
fn transliterate(c: char) -> Option<String> {
    let base = match c {
        'ß' => "ss",
        'À'..='Å' | 'à'..='å' | 'Ā'..='ą' => "a",
        'Æ' | 'æ' => "ae",
        'Ç' | 'ç' | 'Ć'..='č' => "c",
        'Ð' | 'ð' | 'Ď'..='đ' => "d",
        'È'..='Ë' | 'è'..='ë' | 'Ē'..='ě' => "e",
        'Ĝ'..='ģ' => "g",
        'Ĥ'..='ħ' => "h",
        'Ì'..='Ï' | 'ì'..='ï' | 'Ĩ'..='ı' => "i",
        'Ĳ' | 'ĳ' => "ij",
        'Ĵ' | 'ĵ' => "j",
        'Ķ'..='ĸ' => "k",
        'Ĺ'..='ł' => "l",
        'Ñ' | 'ñ' | 'Ń'..='ŋ' => "n",
        'Ò'..='Ö' | 'Ø' | 'ò'..='ö' | 'ø' | 'Ō'..='ő' => "o",
        'Œ' | 'œ' => "oe",
        'Ŕ'..='ř' => "r",
        'Ś'..='š' | 'ſ' => "s",
        'Ţ'..='ŧ' => "t",
        'Þ' | 'þ' => "th",
        'Ù'..='Ü' | 'ù'..='ü' | 'Ũ'..='ų' => "u",
        'Ŵ' | 'ŵ' => "w",
        'Ý' | 'ý' | 'ÿ' | 'Ŷ'..='Ÿ' => "y",
        'Ź'..='ž' => "z",
        _ => return None,
    };
    if !c.is_uppercase() {
        return Some(base.to_owned());
    }
    let mut chars = base.chars();
    let first = chars.next().map(|f| f.to_ascii_uppercase());
    Some(first.into_iter().chain(chars).collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use sync_schema::{Field, FieldType, Scope, Strategy};

    fn field(name: &str) -> String {
        field_name(name).map(|n| n.to_string()).unwrap_or_default()
    }

    fn ty(name: &str) -> String {
        type_name(name).map(|n| n.to_string()).unwrap_or_default()
    }

    fn int(name: &str) -> Field {
        Field::new(name, FieldType::Integer).nullable(false)
    }

    fn schema(objects: Vec<Object>) -> Schema {
        let scope = objects
            .into_iter()
            .fold(Scope::new("S", Strategy::AppliedAtOnce), Scope::with_object);
        Schema::new("app").with_scope(scope)
    }

    fn problems(schema: &Schema) -> Vec<String> {
        match decide(schema) {
            Ok(_) => Vec::new(),
            Err(error) => error.problems().iter().map(|e| e.to_string()).collect(),
        }
    }

    #[test]
    fn case_follows_rust_conventions() {
        assert_eq!(ty("WorkOrder"), "WorkOrder");
        assert_eq!(ty("work_order"), "WorkOrder");
        assert_eq!(ty("HTTPRequest"), "HttpRequest");
        assert_eq!(field("WorkOrderId"), "work_order_id");
        assert_eq!(field("Id"), "id");
        assert_eq!(field("Line2Total"), "line2_total");
        assert_eq!(field("already_snake"), "already_snake");
    }

    #[test]
    fn spaces_and_punctuation_separate_words() {
        assert_eq!(field("Order Date"), "order_date");
        assert_eq!(field("it's"), "it_s");
        assert_eq!(field("X-Ray.Result"), "x_ray_result");
        assert_eq!(ty("Order Date"), "OrderDate");
        assert_eq!(field("_private_"), "private");
    }

    #[test]
    fn a_leading_digit_gets_an_underscore() {
        assert_eq!(field("2ndVisit"), "_2nd_visit");
        assert_eq!(ty("2ndVisit"), "_2ndVisit");
        assert_eq!(field("42"), "_42");
        assert_eq!(
            constant_name(&field_name("2ndVisit").unwrap()),
            "_2ND_VISIT"
        );
    }

    #[test]
    fn keywords_are_raw_or_suffixed() {
        assert_eq!(field("type"), "r#type");
        assert_eq!(field("Type"), "r#type");
        assert_eq!(field("match"), "r#match");
        assert_eq!(field("async"), "r#async");
        assert_eq!(field("await"), "r#await");
        assert_eq!(field("dyn"), "r#dyn");
        assert_eq!(field("try"), "r#try");
        assert_eq!(field("gen"), "r#gen");
        assert_eq!(field("abstract"), "r#abstract");
        assert_eq!(field("group"), "group");
        assert_eq!(field("union"), "union");
        assert_eq!(field("self"), "self_");
        assert_eq!(field("super"), "super_");
        assert_eq!(field("crate"), "crate_");
        assert_eq!(ty("self"), "Self_");
        assert_eq!(ty("type"), "Type");
        assert_eq!(
            field_name("type").map(|n| n.bare().to_owned()),
            Some("type".into())
        );
        assert_eq!(constant_name(&field_name("type").unwrap()), "TYPE");
        assert_eq!(accessor_name("type"), Some("type_".to_owned()));
        assert_eq!(accessor_name("Match"), Some("match_".to_owned()));
    }

    #[test]
    fn non_ascii_names_become_ascii() {
        assert_eq!(field("Straße"), "strasse");
        assert_eq!(ty("Straße"), "Strasse");
        assert_eq!(field("Größe"), "grosse");
        assert_eq!(field("Café Crème"), "cafe_creme");
        assert_eq!(ty("Ærø"), "Aero");
        assert_eq!(field("Łódź"), "lodz");
        assert_eq!(field("日本語"), "u65e5_u672c_u8a9e");
        assert_eq!(ty("日本語"), "U65e5U672cU8a9e");
        assert_eq!(field("Preis €"), "preis");
        assert_eq!(field("Цена"), "u0426_u0435_u043d_u0430");
    }

    #[test]
    fn names_without_letters_or_digits_are_rejected() {
        assert_eq!(field_name(""), None);
        assert_eq!(field_name("!!!"), None);
        assert_eq!(field_name("_"), None);
        assert_eq!(type_name(" - "), None);
        let bad = schema(vec![Object::new("T")
            .with_field(int("Id"))
            .with_field(int("€"))
            .with_primary_key(["Id"])]);
        assert_eq!(
            problems(&bad),
            [
                "field `€` of object `T` gives no Rust name: no letter or digit is left once \
              spaces and punctuation are removed"
            ]
        );
    }

    #[test]
    fn plurals_follow_the_documented_rule() {
        assert_eq!(plural("task"), "tasks");
        assert_eq!(plural("work_order"), "work_orders");
        assert_eq!(plural("status"), "statuses");
        assert_eq!(plural("address"), "addresses");
        assert_eq!(plural("box"), "boxes");
        assert_eq!(plural("batch"), "batches");
        assert_eq!(plural("category"), "categories");
        assert_eq!(plural("day"), "days");
        assert_eq!(plural("tasks"), "tasks");
        assert_eq!(plural("line2"), "line2s");
        assert_eq!(plural("y"), "ys");
    }

    #[test]
    fn two_fields_with_one_rust_name_are_an_error_naming_both() {
        let clash = schema(vec![Object::new("WorkOrder")
            .with_field(int("Id"))
            .with_field(int("Order Date"))
            .with_field(int("OrderDate"))
            .with_primary_key(["Id"])]);
        assert_eq!(
            problems(&clash),
            [
                "field `Order Date` of object `WorkOrder` and field `OrderDate` of object \
              `WorkOrder` both become the Rust field `order_date`; rename one of the fields \
              in the schema"
            ]
        );
    }

    #[test]
    fn a_suffixed_keyword_clashes_with_the_field_it_imitates() {
        let clash = schema(vec![Object::new("T")
            .with_field(int("self_"))
            .with_field(int("self"))
            .with_primary_key(["self"])]);
        let found = problems(&clash);
        assert_eq!(found.len(), 1);
        assert!(found[0].contains("field `self_`"), "{found:?}");
        assert!(found[0].contains("field `self`"), "{found:?}");
        assert!(found[0].contains("Rust field `self_`"), "{found:?}");
    }

    #[test]
    fn two_objects_with_one_type_name_are_an_error_naming_both() {
        let clash = schema(vec![
            Object::new("work_order")
                .with_field(int("Id"))
                .with_primary_key(["Id"]),
            Object::new("Work Order")
                .with_field(int("Id"))
                .with_primary_key(["Id"]),
        ]);
        assert_eq!(
            problems(&clash),
            [
                "object `work_order` and object `Work Order` both become the Rust type \
              `WorkOrder`; rename one of the objects in the schema"
            ]
        );
    }

    #[test]
    fn every_problem_is_reported() {
        let clash = schema(vec![
            Object::new("A")
                .with_field(int("Id"))
                .with_field(int("_id"))
                .with_primary_key(["Id"]),
            Object::new("a ")
                .with_field(int("Id"))
                .with_primary_key(["Id"]),
        ]);
        assert_eq!(problems(&clash).len(), 2);
    }

    fn parent_and_child(relationships: Vec<Relationship>) -> Schema {
        let employee = Object::new("Employee")
            .with_field(int("Id"))
            .with_primary_key(["Id"]);
        let task = relationships.into_iter().fold(
            Object::new("Task")
                .with_field(int("Id"))
                .with_field(int("AssignedTo"))
                .with_field(int("CreatedBy"))
                .with_primary_key(["Id"]),
            Object::with_relationship,
        );
        schema(vec![employee, task])
    }

    fn methods(schema: &Schema, object: &str) -> Vec<String> {
        let names = decide(schema).unwrap();
        let accessors = &names.object(object).unwrap().accessors;
        accessors
            .iter()
            .flat_map(|a| std::iter::once(a.method.clone()).chain(a.count_method.clone()))
            .collect()
    }

    #[test]
    fn accessors_are_named_after_their_target() {
        let schema = schema(vec![
            Object::new("WorkOrder")
                .with_field(int("Id"))
                .with_field(int("CustomerId"))
                .with_primary_key(["Id"])
                .with_relationship(
                    Relationship::new(RelationshipKind::OneToMany, "Task").on("Id", "WorkOrderId"),
                )
                .with_relationship(
                    Relationship::new(RelationshipKind::ManyToOne, "Customer")
                        .on("CustomerId", "Id"),
                )
                .with_relationship(
                    Relationship::new(RelationshipKind::OneToOne, "Report").on("Id", "OrderId"),
                ),
            Object::new("Task")
                .with_field(int("Id"))
                .with_field(int("WorkOrderId"))
                .with_primary_key(["Id"]),
            Object::new("Customer")
                .with_field(int("Id"))
                .with_primary_key(["Id"]),
            Object::new("Report")
                .with_field(int("Id"))
                .with_field(int("OrderId"))
                .with_primary_key(["Id"]),
        ]);
        assert_eq!(
            methods(&schema, "WorkOrder"),
            ["tasks", "count_tasks", "customer", "report"]
        );
    }

    #[test]
    fn two_relationships_to_one_target_are_told_apart_by_the_child_columns() {
        let to_many = schema(vec![
            Object::new("Employee")
                .with_field(int("Id"))
                .with_primary_key(["Id"])
                .with_relationship(
                    Relationship::new(RelationshipKind::OneToMany, "Task").on("Id", "AssignedTo"),
                )
                .with_relationship(
                    Relationship::new(RelationshipKind::OneToMany, "Task").on("Id", "CreatedBy"),
                ),
            Object::new("Task")
                .with_field(int("Id"))
                .with_field(int("AssignedTo"))
                .with_field(int("CreatedBy"))
                .with_primary_key(["Id"]),
        ]);
        assert_eq!(
            methods(&to_many, "Employee"),
            [
                "tasks_by_assigned_to",
                "count_tasks_by_assigned_to",
                "tasks_by_created_by",
                "count_tasks_by_created_by"
            ]
        );

        let to_one = parent_and_child(vec![
            Relationship::new(RelationshipKind::ManyToOne, "Employee").on("AssignedTo", "Id"),
            Relationship::new(RelationshipKind::ManyToOne, "Employee").on("CreatedBy", "Id"),
        ]);
        assert_eq!(
            methods(&to_one, "Task"),
            ["employee_by_assigned_to", "employee_by_created_by"]
        );
    }

    #[test]
    fn telling_relationship_names_make_accessors_and_made_up_ones_do_not() {
        let named = parent_and_child(vec![
            Relationship::new(RelationshipKind::ManyToOne, "Employee")
                .on("AssignedTo", "Id")
                .named("Assignee"),
            Relationship::new(RelationshipKind::ManyToOne, "Employee")
                .on("CreatedBy", "Id")
                .named("TaskToEmployee"),
        ]);
        assert_eq!(methods(&named, "Task"), ["assignee", "employee"]);
    }

    #[test]
    fn accessor_clashes_are_errors_naming_both() {
        // A field named after the related object.
        let mut with_field = parent_and_child(vec![Relationship::new(
            RelationshipKind::ManyToOne,
            "Employee",
        )
        .on("AssignedTo", "Id")]);
        with_field.scopes[0].objects[1].fields.push(int("Employee"));
        let found = problems(&with_field);
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(
            found[0].starts_with("field `Employee` of object `Task` and "),
            "{found:?}"
        );
        assert!(
            found[0].contains("both become the Rust method `employee`"),
            "{found:?}"
        );

        // An object whose accessor would hide a method of the trait.
        let key = schema(vec![
            Object::new("Key")
                .with_field(int("Id"))
                .with_primary_key(["Id"]),
            Object::new("Lock")
                .with_field(int("Id"))
                .with_field(int("KeyId"))
                .with_primary_key(["Id"])
                .with_relationship(
                    Relationship::new(RelationshipKind::ManyToOne, "Key").on("KeyId", "Id"),
                ),
        ]);
        let found = problems(&key);
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(found[0].starts_with("the method `key` and "), "{found:?}");
        assert!(
            found[0].contains("rename one of them in the schema"),
            "{found:?}"
        );
    }

    #[test]
    fn the_count_method_is_checked_too() {
        let count = schema(vec![
            Object::new("Employee")
                .with_field(int("Id"))
                .with_field(int("count_tasks"))
                .with_primary_key(["Id"])
                .with_relationship(
                    Relationship::new(RelationshipKind::OneToMany, "Task").on("Id", "AssignedTo"),
                ),
            Object::new("Task")
                .with_field(int("Id"))
                .with_field(int("AssignedTo"))
                .with_primary_key(["Id"]),
        ]);
        let found = problems(&count);
        assert_eq!(found.len(), 1);
        assert!(found[0].contains("field `count_tasks`"), "{found:?}");
        assert!(found[0].contains("method `count_tasks`"), "{found:?}");
    }

    #[test]
    fn backticks_in_names_get_a_longer_fence() {
        assert_eq!(code("Id"), "`Id`");
        assert_eq!(code("a`b"), "`` a`b ``");
    }
}
