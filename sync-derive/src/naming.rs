//! The Rust names of the generated items, decided in one place: the typed column constants
//! and the relationship accessors.

use syn::Ident;

/// Methods of `SyncObject` that an accessor of the same name would hide: inherent associated
/// functions win over trait ones in paths like `Task::find`. The derive cannot depend on the
/// runtime that defines the trait, so this list follows `sync-runtime/src/object.rs` by hand;
/// `sync_codegen::naming::RESERVED_METHODS` holds the same names for generated code.
const TRAIT_METHODS: &[&str] = &[
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
];

/// A field's name as written, without the `r#` of a raw identifier.
pub(crate) fn field_name(ident: &Ident) -> String {
    let name = ident.to_string();
    match name.strip_prefix("r#") {
        Some(bare) => bare.to_owned(),
        None => name,
    }
}

/// The name of a field's column constant: the field name in `SCREAMING_SNAKE_CASE`
/// (`order_date` and `orderDate` both give `ORDER_DATE`).
pub(crate) fn constant_name(field: &str) -> String {
    let mut out = String::with_capacity(field.len() + 4);
    let mut previous: Option<char> = None;
    for c in field.chars() {
        let after_lower = previous.is_some_and(|p| p.is_lowercase() || p.is_ascii_digit());
        if c.is_uppercase() && after_lower {
            out.push('_');
        }
        out.extend(c.to_uppercase());
        previous = Some(c);
    }
    out
}

/// Why `name` cannot name a relationship accessor, or `None` when it can.
///
/// The name becomes a method (and `count_<name>` for one-to-many), so it must be a plain
/// `snake_case` identifier that is not a keyword and hides no `SyncObject` method.
pub(crate) fn accessor_problem(name: &str) -> Option<String> {
    let mut chars = name.chars();
    let starts_well = chars
        .next()
        .is_some_and(|c| c.is_ascii_lowercase() || c == '_');
    let snake =
        starts_well && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
    if !snake || name == "_" {
        return Some(format!(
            "relationship name `{name}` is not a snake_case identifier: it names the accessor \
             method, so write it like `tasks` or `work_order`"
        ));
    }
    if syn::parse_str::<Ident>(name).is_err() {
        return Some(format!(
            "relationship name `{name}` is a Rust keyword and cannot name the accessor method"
        ));
    }
    if TRAIT_METHODS.contains(&name) {
        return Some(format!(
            "relationship name `{name}` would hide the method `SyncObject::{name}`; \
             choose another name"
        ));
    }
    None
}

/// The known key that `written` is most likely a misspelling of: a shortening of it
/// (`max_len` for `max_length`), or one edit away (two for keys longer than four letters).
pub(crate) fn likely_key(written: &str, known: &[&'static str]) -> Option<&'static str> {
    known.iter().copied().find(|key| {
        let shortened = written.len() >= 3 && key.starts_with(written);
        let allowed = if key.len() > 4 { 2 } else { 1 };
        shortened || edit_distance(written, key) <= allowed
    })
}

/// The Levenshtein distance between two short strings.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut current = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            let substitution = previous[j] + usize::from(ca != *cb);
            let best = substitution.min(previous[j + 1] + 1).min(current[j] + 1);
            current.push(best);
        }
        previous = current;
    }
    previous[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn constants_are_screaming_snake_case() {
        assert_eq!(constant_name("order_date"), "ORDER_DATE");
        assert_eq!(constant_name("orderDate"), "ORDER_DATE");
        assert_eq!(constant_name("id"), "ID");
        assert_eq!(constant_name("line2_total"), "LINE2_TOTAL");
    }

    #[test]
    fn accessor_names_are_checked() {
        assert_eq!(accessor_problem("tasks"), None);
        assert_eq!(accessor_problem("work_order2"), None);
        assert!(accessor_problem("Tasks").is_some());
        assert!(accessor_problem("two words").is_some());
        assert!(accessor_problem("").is_some());
        assert!(accessor_problem("type").is_some());
        assert!(accessor_problem("find").is_some());
    }

    #[test]
    fn misspelled_keys_are_recognized() {
        let keys = ["scope", "object", "max_length", "primary_key"];
        assert_eq!(likely_key("scop", &keys), Some("scope"));
        assert_eq!(likely_key("primarykey", &keys), Some("primary_key"));
        assert_eq!(likely_key("max_len", &keys), Some("max_length"));
        assert_eq!(likely_key("table", &keys), None);
        assert_eq!(likely_key("id", &keys), None);
    }
}
