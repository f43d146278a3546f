//! Generates the code of a checked model: the `SyncObject` impl, and an inherent impl with the
//! typed column constants and the relationship accessors.
//!
//! Every path goes through the runtime crate (`::sync_runtime` unless `crate = "..."` says
//! otherwise) and the standard library's absolute paths, so the output does not depend on
//! what the user's module imports.

use std::collections::HashSet;

use proc_macro2::{Literal, TokenStream};
use quote::{format_ident, quote};

use crate::attr::RelationshipKind;
use crate::model::{key_type_problem, Column, ColumnKind, Model, Relationship};

/// The whole expansion of a model without mistakes.
pub(crate) fn expand(model: &Model) -> TokenStream {
    let trait_impl = trait_impl(model);
    let inherent = inherent_impl(model);
    quote! {
        #trait_impl
        #inherent
    }
}

/// What is generated next to the errors of an input with mistakes: a `SyncObject` impl whose
/// bodies are never run (the crate does not compile), and the inherent items that could be
/// built. They keep the user's own uses of the struct from failing in cascade.
pub(crate) fn stub(model: &Model) -> TokenStream {
    let rt = &model.runtime;
    let ident = &model.ident;
    let object = &model.object;
    let scope = &model.scope;
    let key_type = stub_key_type(model);
    let inherent = inherent_impl(model);
    quote! {
        #[automatically_derived]
        impl #rt::SyncObject for #ident {
            type Key = #key_type;
            const OBJECT: &'static ::core::primitive::str = #object;
            const SCOPE: &'static ::core::primitive::str = #scope;
            fn schema_object() -> #rt::sync_schema::Object {
                ::core::unreachable!()
            }
            fn to_row(&self) -> #rt::Row {
                ::core::unreachable!()
            }
            fn from_row(_: #rt::Row) -> #rt::Result<Self> {
                ::core::unreachable!()
            }
            fn key(&self) -> Self::Key {
                ::core::unreachable!()
            }
            fn set_key(&mut self, _: Self::Key) {
                ::core::unreachable!()
            }
        }
        #inherent
    }
}

/// The key type of a stub: the real one when the key fields can be a key, `i64` otherwise.
fn stub_key_type(model: &Model) -> TokenStream {
    let mut keys = model.key_columns().peekable();
    let present = keys.peek().is_some();
    let usable = keys.all(|c| key_type_problem(&c.ty).is_none());
    if present && usable {
        key_type(model)
    } else {
        quote!(::core::primitive::i64)
    }
}

/// `impl SyncObject for ...`.
fn trait_impl(model: &Model) -> TokenStream {
    let rt = &model.runtime;
    let ident = &model.ident;
    let object = &model.object;
    let scope = &model.scope;
    let key_type = key_type(model);
    let schema_object = schema_object(model);
    let to_row = to_row(model);
    let from_row = from_row(model);
    let key = key(model);
    let set_key = set_key(model);
    quote! {
        #[automatically_derived]
        impl #rt::SyncObject for #ident {
            type Key = #key_type;
            const OBJECT: &'static ::core::primitive::str = #object;
            const SCOPE: &'static ::core::primitive::str = #scope;

            fn schema_object() -> #rt::sync_schema::Object {
                #schema_object
            }

            fn to_row(&self) -> #rt::Row {
                #to_row
            }

            fn from_row(mut row: #rt::Row) -> #rt::Result<Self> {
                #from_row
            }

            fn key(&self) -> <Self as #rt::SyncObject>::Key {
                #key
            }

            fn set_key(&mut self, key: <Self as #rt::SyncObject>::Key) {
                #set_key
            }
        }
    }
}

/// The key field's type, or a tuple of the key fields' types.
fn key_type(model: &Model) -> TokenStream {
    let types: Vec<_> = model.key_columns().map(|c| &c.ty).collect();
    match types.as_slice() {
        [single] => quote!(#single),
        many => quote!((#(#many,)*)),
    }
}

/// The body of `schema_object`.
fn schema_object(model: &Model) -> TokenStream {
    let rt = &model.runtime;
    let description = model
        .description
        .as_ref()
        .map(|d| quote!(.with_description(#d)));
    let fields = model.columns.iter().map(|c| field_schema(rt, c));
    let keys = model.key_columns().map(|c| &c.name);
    let relationships = model
        .relationships
        .iter()
        .map(|r| relationship_schema(model, r));
    quote! {
        #rt::sync_schema::Object::new(<Self as #rt::SyncObject>::OBJECT)
            #description
            #(.with_field(#fields))*
            .with_primary_key([#(#keys),*])
            #(.with_relationship(#relationships))*
    }
}

/// The schema field of a column.
fn field_schema(rt: &syn::Path, column: &Column) -> TokenStream {
    let name = &column.name;
    let ty = &column.ty;
    let field_type = match column.kind {
        ColumnKind::FromType => quote!(<#ty as #rt::FieldValue>::FIELD_TYPE),
        ColumnKind::MaxLength(length) => {
            let length = Literal::u32_unsuffixed(length);
            quote! {
                #rt::sync_schema::FieldType::String {
                    max_length: ::core::option::Option::Some(#length),
                }
            }
        }
        ColumnKind::Date => quote!(#rt::sync_schema::FieldType::Date),
    };
    let autogenerated = column.autogenerated.then(|| quote!(.autogenerated(true)));
    let description = column
        .description
        .as_ref()
        .map(|d| quote!(.with_description(#d)));
    quote! {
        #rt::sync_schema::Field::new(#name, #field_type)
            .nullable(<#ty as #rt::FieldValue>::NULLABLE)
            #autogenerated
            #description
    }
}

/// The schema relationship of a declared relationship.
fn relationship_schema(model: &Model, relationship: &Relationship) -> TokenStream {
    let rt = &model.runtime;
    let kind = match relationship.kind {
        RelationshipKind::OneToMany => quote!(OneToMany),
        RelationshipKind::ManyToOne => quote!(ManyToOne),
        RelationshipKind::OneToOne => quote!(OneToOne),
    };
    let target = &relationship.target;
    let pairs = relationship.pairs.iter().map(|pair| {
        let source = &model.columns[pair.source].name;
        let target = &pair.target;
        quote!(.on(#source, #target))
    });
    let cascade = relationship.cascade;
    let name = relationship.name.to_string();
    quote! {
        #rt::sync_schema::Relationship::new(
            #rt::sync_schema::RelationshipKind::#kind,
            <#target as #rt::SyncObject>::OBJECT,
        )
        #(#pairs)*
        .cascade(#cascade)
        .named(#name)
    }
}

/// The body of `to_row`.
fn to_row(model: &Model) -> TokenStream {
    let rt = &model.runtime;
    let inserts = model.columns.iter().map(|c| {
        let (name, field, ty) = (&c.name, &c.field, &c.ty);
        quote! {
            row.insert(
                ::std::borrow::ToOwned::to_owned(#name),
                <#ty as #rt::FieldValue>::to_value(&self.#field),
            );
        }
    });
    quote! {
        let mut row = #rt::Row::new();
        #(#inserts)*
        row
    }
}

/// The body of `from_row`.
fn from_row(model: &Model) -> TokenStream {
    let rt = &model.runtime;
    let fields = model.columns.iter().map(|c| {
        let (name, field, ty) = (&c.name, &c.field, &c.ty);
        quote! {
            #field: #rt::take_field::<#ty>(&mut row, <Self as #rt::SyncObject>::OBJECT, #name)?
        }
    });
    quote! {
        ::core::result::Result::Ok(Self { #(#fields),* })
    }
}

/// The body of `key`.
fn key(model: &Model) -> TokenStream {
    let clones: Vec<_> = model
        .key_columns()
        .map(|c| {
            let (field, ty) = (&c.field, &c.ty);
            quote!(<#ty as ::core::clone::Clone>::clone(&self.#field))
        })
        .collect();
    match clones.as_slice() {
        [single] => single.clone(),
        many => quote!((#(#many,)*)),
    }
}

/// The body of `set_key`.
fn set_key(model: &Model) -> TokenStream {
    let fields: Vec<_> = model.key_columns().map(|c| &c.field).collect();
    match fields.as_slice() {
        [single] => quote!(self.#single = key;),
        many => {
            let parts: Vec<_> = (0..many.len())
                .map(|i| quote::format_ident!("__key_{}", i))
                .collect();
            quote! {
                let (#(#parts,)*) = key;
                #(self.#many = #parts;)*
            }
        }
    }
}

/// The inherent impl: one typed column constant per field, one accessor per relationship
/// (two for one-to-many).
fn inherent_impl(model: &Model) -> TokenStream {
    let ident = &model.ident;
    // Two fields may give the same constant name only in an input with mistakes (reported);
    // the stub then keeps the first, so that no duplicate definition is reported as well.
    let mut seen = HashSet::new();
    let constants = model
        .columns
        .iter()
        .filter(|c| seen.insert(c.constant.to_string()))
        .map(|c| constant(model, c));
    let accessors = model.relationships.iter().map(|r| accessors(model, r));
    quote! {
        #[automatically_derived]
        #[allow(dead_code)]
        impl #ident {
            #(#constants)*
            #(#accessors)*
        }
    }
}

/// The typed column constant of a column.
fn constant(model: &Model, column: &Column) -> TokenStream {
    let rt = &model.runtime;
    let vis = &model.vis;
    let (name, constant, ty) = (&column.name, &column.constant, &column.ty);
    let mut doc = format!("The `{name}` column.");
    if let Some(description) = &column.description {
        doc.push_str("\n\n");
        doc.push_str(description);
    }
    quote! {
        #[doc = #doc]
        #vis const #constant: #rt::Column<#ty> = #rt::Column::new(#name);
    }
}

/// The accessor methods of a relationship.
fn accessors(model: &Model, relationship: &Relationship) -> TokenStream {
    let rt = &model.runtime;
    let vis = &model.vis;
    let target = &relationship.target;
    let name = &relationship.name;
    let (values, filter) = filter(model, relationship);
    let doc = accessor_doc(model, relationship);
    let find = quote!(<#target as #rt::SyncObject>::find);
    match relationship.kind {
        RelationshipKind::OneToMany => {
            let count = format_ident!("count_{}", name);
            let count_doc = format!(
                "How many records `{name}` returns, counted without loading them \
                 (0 when one of the joined columns of this record is NULL)."
            );
            quote! {
                #[doc = #doc]
                #vis fn #name(&self, db: &#rt::Device)
                    -> #rt::Result<::std::vec::Vec<#target>>
                {
                    #values
                    #find(db, #filter)
                }

                #[doc = #count_doc]
                #vis fn #count(&self, db: &#rt::Device) -> #rt::Result<::core::primitive::u64> {
                    #values
                    <#target as #rt::SyncObject>::count(db, #filter)
                }
            }
        }
        RelationshipKind::ManyToOne | RelationshipKind::OneToOne => quote! {
            #[doc = #doc]
            #vis fn #name(&self, db: &#rt::Device)
                -> #rt::Result<::core::option::Option<#target>>
            {
                #values
                let query = #rt::Query::filter(#filter).limit(1);
                // At most one record: `Vec::pop` needs no trait in scope.
                ::core::result::Result::Ok(#find(db, query)?.pop())
            }
        },
    }
}

/// The statements that read this record's joined values (returning early with no result when
/// one is NULL), and the filter expression on the target's columns.
fn filter(model: &Model, relationship: &Relationship) -> (TokenStream, TokenStream) {
    let rt = &model.runtime;
    let empty = match relationship.kind {
        RelationshipKind::OneToMany => quote!(::core::default::Default::default()),
        RelationshipKind::ManyToOne | RelationshipKind::OneToOne => {
            quote!(::core::option::Option::None)
        }
    };
    let mut values = TokenStream::new();
    let mut conditions = Vec::new();
    for (index, pair) in relationship.pairs.iter().enumerate() {
        let column = &model.columns[pair.source];
        let (field, ty, target) = (&column.field, &column.ty, &pair.target);
        let value = format_ident!("value_{}", index);
        values.extend(quote! {
            let #value = <#ty as #rt::FieldValue>::to_value(&self.#field);
            if #value.is_null() {
                return ::core::result::Result::Ok(#empty);
            }
        });
        conditions.push(quote!(#rt::Filter::eq(#target, #value)));
    }
    let mut conditions = conditions.into_iter();
    let first = conditions.next().unwrap_or_default();
    let filter = conditions.fold(first, |all, next| quote!(#all.and(#next)));
    (values, filter)
}

/// The doc comment of a relationship's main accessor.
fn accessor_doc(model: &Model, relationship: &Relationship) -> String {
    let target = &relationship.target;
    let target = quote!(#target).to_string().replace(' ', "");
    let condition = relationship
        .pairs
        .iter()
        .map(|p| {
            let source = &model.columns[p.source].name;
            format!("whose `{}` is this record's `{source}`", p.target)
        })
        .collect::<Vec<_>>()
        .join(" and ");
    let what = match relationship.kind {
        RelationshipKind::OneToMany => format!("The `{target}` records {condition}"),
        RelationshipKind::ManyToOne | RelationshipKind::OneToOne => {
            format!("The `{target}` record {condition}, if any")
        }
    };
    format!(
        "{what} (relationship `{}`).\n\n\
         Nothing is queried when one of this record's joined columns is NULL.",
        relationship.name
    )
}
