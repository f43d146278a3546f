//! The schema model as Rust tokens: a `schema()` function that rebuilds the model, and one
//! struct per object that derives `SyncObject`.
//!
//! The output is flat: objects are unique across scopes, so their structs live side by side
//! and relationship targets are plain type names. Every path outside the generated items is
//! absolute (`::sync_runtime::...`, `::std::string::String`), so the output means the same in
//! any module; only the primitive types are written bare, as no generated name can shadow
//! them (type names are `UpperCamelCase`).

use proc_macro2::{Literal, TokenStream};
use quote::quote;
use sync_schema::{
    ConflictPolicy, Field, FieldType, Object, Relationship, RelationshipKind, Schema, Scope,
    Strategy,
};

use crate::naming::{code, Names, ObjectNames};
use crate::{Error, Result};

/// The largest composite key the runtime can type: it implements `Key` for tuples of up to
/// twelve values.
const MAX_KEY_FIELDS: usize = 12;

/// The widest line of doc text: with `/// ` and a field's indentation, 88 columns.
const DOC_WIDTH: usize = 80;

/// What every part of the output needs.
struct Emitter<'a> {
    /// The schema.
    schema: &'a Schema,
    /// Its Rust names.
    names: &'a Names,
    /// The path to the runtime crate.
    runtime: &'a syn::Path,
    /// The derive's `crate = "..."` setting, when the runtime is not at `::sync_runtime`.
    crate_setting: Option<String>,
}

/// The items of the generated file, in schema order.
pub(crate) fn file(schema: &Schema, names: &Names, runtime: &syn::Path) -> Result<TokenStream> {
    check_supported(schema)?;
    let written = quote!(#runtime).to_string().replace(' ', "");
    let emitter = Emitter {
        schema,
        names,
        runtime,
        crate_setting: (written != "::sync_runtime").then_some(written),
    };

    let schema_fn = emitter.schema_fn();
    let mut structs = Vec::new();
    for scope in &schema.scopes {
        for object in &scope.objects {
            structs.push(emitter.object_struct(scope, object)?);
        }
    }
    Ok(quote! {
        #schema_fn
        #(#structs)*
    })
}

/// Reports what a valid schema may hold but the typed layer cannot express.
fn check_supported(schema: &Schema) -> Result<()> {
    let problems = schema
        .objects()
        .filter(|o| o.primary_key.len() > MAX_KEY_FIELDS)
        .map(|o| Error::Unsupported {
            object: o.name.clone(),
            message: format!(
                "a typed object's primary key has at most {MAX_KEY_FIELDS} fields, not {}",
                o.primary_key.len()
            ),
        })
        .collect();
    match Error::from_problems(problems) {
        Some(error) => Err(error),
        None => Ok(()),
    }
}

impl Emitter<'_> {
    /// `pub fn schema()`, which rebuilds the exact model.
    fn schema_fn(&self) -> TokenStream {
        let rt = self.runtime;
        let app = &self.schema.app_id;
        let version = self
            .schema
            .version
            .as_ref()
            .map(|v| quote!(.with_version(#v)));
        let scopes = self.schema.scopes.iter().map(|s| self.scope_statements(s));

        let version_text = match &self.schema.version {
            Some(v) => format!(" (version {})", code(v)),
            None => String::new(),
        };
        let doc = doc_attrs(&[
            format!(
                "The schema of application {}{version_text}, as the code was generated from \
                 it: every scope with its strategy and conflict policy, every object with its \
                 fields, key and relationships.",
                code(app)
            ),
            String::new(),
            "Open a device database with it: `Device::open(path, schema())`.".to_owned(),
        ]);
        // The local import and one statement per scope keep the builder chains short; the
        // names are local to the function and shadow nothing outside it. The function grows
        // with the schema, so clippy's length limit does not apply to it.
        quote! {
            #doc
            #[must_use]
            #[allow(clippy::too_many_lines)]
            pub fn schema() -> #rt::sync_schema::Schema {
                use #rt::sync_schema;
                let mut schema = sync_schema::Schema::new(#app) #version;
                #(#scopes)*
                schema
            }
        }
    }

    /// The statements that build a scope of the model and add it to `schema`.
    fn scope_statements(&self, scope: &Scope) -> TokenStream {
        let model = model_path();
        let name = &scope.name;
        let strategy = match scope.strategy {
            Strategy::AppliedAtOnce => quote!(AppliedAtOnce),
            Strategy::PersistedFirst => quote!(PersistedFirst),
        };
        let policy = (scope.conflict_policy != ConflictPolicy::None).then(|| {
            let policy = Self::policy(scope.conflict_policy);
            quote!(.with_conflict_policy(#policy))
        });
        let database = scope
            .database_name
            .as_ref()
            .map(|d| quote!(.with_database_name(#d)));
        let objects: Vec<_> = scope.objects.iter().map(|o| self.object_expr(o)).collect();
        // `mut` only when objects are pushed: an empty scope would warn of an unused `mut`.
        let mutable = (!objects.is_empty()).then(|| quote!(mut));
        quote! {
            let #mutable scope = #model::Scope::new(#name, #model::Strategy::#strategy)
                #policy
                #database;
            #(scope.objects.push(#objects);)*
            schema.scopes.push(scope);
        }
    }

    /// An object of the model.
    fn object_expr(&self, object: &Object) -> TokenStream {
        let model = model_path();
        let name = &object.name;
        let description = object
            .description
            .as_ref()
            .map(|d| quote!(.with_description(#d)));
        let fields = object.fields.iter().map(|f| self.field_expr(f));
        let key = &object.primary_key;
        let relationships = object
            .relationships
            .iter()
            .map(|r| self.relationship_expr(r));
        let policy = object.conflict_policy.map(|p| {
            let policy = Self::policy(p);
            quote!(.with_conflict_policy(#policy))
        });
        let soft_delete = object
            .soft_delete_field
            .as_ref()
            .map(|f| quote!(.with_soft_delete_field(#f)));
        let timestamp = object
            .timestamp_field
            .as_ref()
            .map(|f| quote!(.with_timestamp_field(#f)));
        quote! {
            #model::Object::new(#name)
                #description
                #(.with_field(#fields))*
                .with_primary_key([#(#key),*])
                #(.with_relationship(#relationships))*
                #policy
                #soft_delete
                #timestamp
        }
    }

    /// A field of the model.
    fn field_expr(&self, field: &Field) -> TokenStream {
        let model = model_path();
        let name = &field.name;
        let ty = match field.ty {
            FieldType::String { max_length } => {
                let max_length = match max_length {
                    Some(n) => {
                        let n = Literal::u32_unsuffixed(n);
                        quote!(::core::option::Option::Some(#n))
                    }
                    None => quote!(::core::option::Option::None),
                };
                quote!(#model::FieldType::String { max_length: #max_length })
            }
            FieldType::Integer => quote!(#model::FieldType::Integer),
            FieldType::Double => quote!(#model::FieldType::Double),
            FieldType::Boolean => quote!(#model::FieldType::Boolean),
            FieldType::Date => quote!(#model::FieldType::Date),
            FieldType::Binary => quote!(#model::FieldType::Binary),
        };
        let nullable = (!field.nullable).then(|| quote!(.nullable(false)));
        let autogenerated = field.autogenerated.then(|| quote!(.autogenerated(true)));
        let description = field
            .description
            .as_ref()
            .map(|d| quote!(.with_description(#d)));
        let source = field
            .source_name
            .as_ref()
            .map(|s| quote!(.with_source_name(#s)));
        quote! {
            #model::Field::new(#name, #ty)
                #nullable
                #autogenerated
                #description
                #source
        }
    }

    /// A relationship of the model.
    fn relationship_expr(&self, relationship: &Relationship) -> TokenStream {
        let model = model_path();
        let kind = match relationship.kind {
            RelationshipKind::OneToMany => quote!(OneToMany),
            RelationshipKind::ManyToOne => quote!(ManyToOne),
            RelationshipKind::OneToOne => quote!(OneToOne),
        };
        let target = &relationship.target;
        let pairs = relationship.attributes.iter().map(|pair| {
            let (source, target) = (&pair.source, &pair.target);
            quote!(.on(#source, #target))
        });
        let cascade = relationship.cascade.then(|| quote!(.cascade(true)));
        let name = relationship.name.as_ref().map(|n| quote!(.named(#n)));
        quote! {
            #model::Relationship::new(#model::RelationshipKind::#kind, #target)
                #(#pairs)*
                #cascade
                #name
        }
    }

    /// A conflict policy of the model.
    fn policy(policy: ConflictPolicy) -> TokenStream {
        let model = model_path();
        let variant = match policy {
            ConflictPolicy::None => quote!(None),
            ConflictPolicy::ServerWins => quote!(ServerWins),
            ConflictPolicy::ClientWins => quote!(ClientWins),
            ConflictPolicy::Custom => quote!(Custom),
        };
        quote!(#model::ConflictPolicy::#variant)
    }

    /// The names decided for an object.
    fn names_of(&self, object: &str) -> Result<&ObjectNames> {
        self.names.object(object).ok_or_else(|| Error::Internal {
            message: format!("no Rust names were decided for object {}", code(object)),
        })
    }

    /// The struct of an object, with its derive and its attributes.
    fn object_struct(&self, scope: &Scope, object: &Object) -> Result<TokenStream> {
        let rt = self.runtime;
        let names = self.names_of(&object.name)?;
        let ident = names.type_name.ident()?;

        let mut doc = description_lines(object.description.as_deref());
        doc.push(format!(
            "Sync object {} of scope {}.",
            code(&object.name),
            code(&scope.name)
        ));
        let doc = doc_attrs(&doc);

        // The object name is given only when the derive's default (the struct's name) differs.
        let object_name = &object.name;
        let object_setting =
            (names.type_name.bare() != object_name).then(|| quote!(object = #object_name,));
        let scope_name = &scope.name;
        let description = object
            .description
            .as_ref()
            .map(|d| quote!(, description = #d));
        let runtime = self.crate_setting.as_ref().map(|p| quote!(, crate = #p));
        let settings = quote! {
            #[sync(#object_setting scope = #scope_name #description #runtime)]
        };

        let relationships = object
            .relationships
            .iter()
            .zip(&names.accessors)
            .map(|(relationship, accessor)| self.relationship_attr(relationship, &accessor.method))
            .collect::<Result<Vec<_>>>()?;
        let fields = object
            .fields
            .iter()
            .map(|field| self.struct_field(object, names, field))
            .collect::<Result<Vec<_>>>()?;

        Ok(quote! {
            #doc
            #[derive(#rt::SyncObject, Debug, Clone, PartialEq, Default)]
            #settings
            #(#relationships)*
            pub struct #ident {
                #(#fields),*
            }
        })
    }

    /// `#[sync(one_to_many(...))]` and its kin.
    fn relationship_attr(
        &self,
        relationship: &Relationship,
        accessor: &str,
    ) -> Result<TokenStream> {
        let kind = match relationship.kind {
            RelationshipKind::OneToMany => quote!(one_to_many),
            RelationshipKind::ManyToOne => quote!(many_to_one),
            RelationshipKind::OneToOne => quote!(one_to_one),
        };
        let target = self.names_of(&relationship.target)?.type_name.ident()?;
        let pairs = relationship.attributes.iter().map(|pair| {
            let (source, target) = (&pair.source, &pair.target);
            quote!(#source = #target)
        });
        let cascade = relationship.cascade.then(|| quote!(, cascade));
        Ok(quote! {
            #[sync(#kind(name = #accessor, target = #target, on(#(#pairs),*) #cascade))]
        })
    }

    /// One field of a struct, with its docs and settings.
    fn struct_field(
        &self,
        object: &Object,
        names: &ObjectNames,
        field: &Field,
    ) -> Result<TokenStream> {
        let rust = names.field(&field.name).ok_or_else(|| Error::Internal {
            message: format!("no Rust name was decided for field {}", code(&field.name)),
        })?;
        let ident = rust.rust.ident()?;
        let key = object.is_key(&field.name);

        let mut doc = description_lines(field.description.as_deref());
        doc.push(field_summary(object, field));
        let doc = doc_attrs(&doc);

        let mut settings = Vec::new();
        if key {
            settings.push(quote!(primary_key));
        }
        if field.autogenerated {
            settings.push(quote!(autogenerated));
        }
        if rust.rust.bare() != field.name {
            let column = &field.name;
            settings.push(quote!(column = #column));
        }
        match field.ty {
            FieldType::String {
                max_length: Some(n),
            } => {
                let n = Literal::u32_unsuffixed(n);
                settings.push(quote!(max_length = #n));
            }
            FieldType::Date => settings.push(quote!(date)),
            _ => {}
        }
        if let Some(description) = &field.description {
            settings.push(quote!(description = #description));
        }
        let settings = (!settings.is_empty()).then(|| quote!(#[sync(#(#settings),*)]));

        let ty = rust_type(field.ty);
        let ty = if field.nullable && !key {
            quote!(::core::option::Option<#ty>)
        } else {
            ty
        };
        Ok(quote! {
            #doc
            #settings
            pub #ident: #ty
        })
    }
}

/// The schema model's crate, as `schema()` imports it from the runtime.
fn model_path() -> TokenStream {
    quote!(sync_schema)
}

/// The Rust type of a field's values.
fn rust_type(ty: FieldType) -> TokenStream {
    match ty {
        FieldType::Integer => quote!(i64),
        FieldType::Double => quote!(f64),
        FieldType::Boolean => quote!(bool),
        FieldType::String { .. } | FieldType::Date => quote!(::std::string::String),
        FieldType::Binary => quote!(::std::vec::Vec<u8>),
    }
}

/// The doc line that says what a field's column is: `Column `Id`: integer, primary key,
/// assigned by the server.`
fn field_summary(object: &Object, field: &Field) -> String {
    let mut facts = vec![match field.ty {
        FieldType::String {
            max_length: Some(n),
        } => format!("string of at most {n} characters"),
        other => other.describe(),
    }];
    if object.is_key(&field.name) {
        let key = if object.primary_key.len() > 1 {
            "part of the primary key"
        } else {
            "primary key"
        };
        facts.push(key.to_owned());
    }
    if field.autogenerated {
        facts.push("assigned by the server".to_owned());
    }
    if object.soft_delete_field.as_deref() == Some(&field.name) {
        facts.push("marks the rows the backend deleted".to_owned());
    }
    if object.timestamp_field.as_deref() == Some(&field.name) {
        facts.push("the backend's last-change time".to_owned());
    }
    if let Some(source) = &field.source_name {
        facts.push(format!("{} in the backend", code(source)));
    }
    format!("Column {}: {}.", code(&field.name), facts.join(", "))
}

/// The lines of a schema description as doc text, followed by an empty line; nothing when
/// there is no description.
///
/// Descriptions are plain text: every line is trimmed (an indented line would become a code
/// block, which rustdoc runs as a test) and the characters that Markdown would read as code,
/// links or HTML are escaped.
fn description_lines(description: Option<&str>) -> Vec<String> {
    let Some(text) = description else {
        return Vec::new();
    };
    let mut lines: Vec<String> = Vec::new();
    for line in text.lines().map(str::trim) {
        let blank_after_blank = line.is_empty() && lines.last().is_none_or(String::is_empty);
        if !blank_after_blank {
            lines.push(escape_markdown(line));
        }
    }
    while lines.last().is_some_and(String::is_empty) {
        lines.pop();
    }
    if !lines.is_empty() {
        lines.push(String::new());
    }
    lines
}

/// Text with its invisible characters made visible: control characters (a lone carriage
/// return breaks a doc comment) and the bidirectional-text controls (which rustc refuses in
/// comments) are written as `\u{...}`.
pub(crate) fn visible(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        let bidi = matches!(
            c,
            '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}'
        );
        if (c.is_control() && c != '\t') || bidi {
            out.extend(c.escape_unicode());
        } else {
            out.push(c);
        }
    }
    out
}

/// Escapes the characters of plain text that rustdoc would read as code, links or HTML.
fn escape_markdown(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    for c in line.chars() {
        if matches!(c, '\\' | '`' | '[' | ']' | '<' | '>') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// One `#[doc = "..."]` per line, each line after a space as `///` comments are, long lines
/// wrapped.
fn doc_attrs(lines: &[String]) -> TokenStream {
    let attrs = lines
        .iter()
        .flat_map(|line| wrap(&visible(line)))
        .map(|line| {
            let text = if line.is_empty() {
                String::new()
            } else {
                format!(" {line}")
            };
            quote!(#[doc = #text])
        });
    quote!(#(#attrs)*)
}

/// A line of doc text broken into lines of at most [`DOC_WIDTH`] characters where it can be.
///
/// A line is broken only before a word that starts with a letter or a backtick: a line that
/// starts with `-`, `#`, `=` or a number could turn the text into a list or a heading.
fn wrap(line: &str) -> Vec<String> {
    let mut lines = Vec::new();
    let mut current = String::new();
    for word in line.split(' ') {
        let breakable = word.starts_with(|c: char| c.is_alphabetic() || c == '`');
        let width = current.chars().count() + 1 + word.chars().count();
        if !current.is_empty() && width > DOC_WIDTH && breakable {
            lines.push(std::mem::take(&mut current));
        } else if !current.is_empty() {
            current.push(' ');
        }
        current.push_str(word);
    }
    lines.push(current);
    lines
}
