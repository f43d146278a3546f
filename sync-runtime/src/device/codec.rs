//! Encodings of keys and row images in the bookkeeping tables, and conversions between
//! [`Value`] and SQLite values.
//!
//! A key is stored as the JSON array of its values in key order (`[17]`, `["A-1",3]`): one
//! canonical text per record, so that the queue and the pre-change images can find a record
//! by equality. A row image is a JSON object of column name to value; binary values are
//! base64. Images are decoded with the object's field types, so a double stays a double and a
//! string stays byte for byte what was written (NULs, U+2028 and all).

use base64::Engine as _;
use rusqlite::types::{Value as SqlValue, ValueRef};
use serde_json::{Map, Number, Value as Json};
use sync_schema::{FieldType, Object};

use crate::value::{Row, Value};
use crate::{Error, Result};

/// A value as a SQLite parameter.
pub(crate) fn to_sql(value: &Value) -> SqlValue {
    match value {
        Value::Null => SqlValue::Null,
        Value::Integer(i) => SqlValue::Integer(*i),
        Value::Real(r) => SqlValue::Real(*r),
        Value::Text(s) => SqlValue::Text(s.clone()),
        Value::Blob(b) => SqlValue::Blob(b.clone()),
        Value::Boolean(b) => SqlValue::Integer(i64::from(*b)),
    }
}

/// A SQLite value read from a column of the given type.
pub(crate) fn from_sql(value: ValueRef<'_>, ty: FieldType) -> Result<Value> {
    Ok(match (value, ty) {
        (ValueRef::Null, _) => Value::Null,
        (ValueRef::Integer(i), FieldType::Boolean) => Value::Boolean(i != 0),
        #[allow(clippy::cast_precision_loss)]
        (ValueRef::Integer(i), FieldType::Double) => Value::Real(i as f64),
        (ValueRef::Integer(i), _) => Value::Integer(i),
        (ValueRef::Real(r), _) => Value::Real(r),
        (ValueRef::Text(t), _) => Value::Text(
            String::from_utf8(t.to_vec())
                .map_err(|e| Error::Corrupt(format!("text that is not UTF-8: {e}")))?,
        ),
        (ValueRef::Blob(b), _) => Value::Blob(b.to_vec()),
    })
}

fn to_json(value: &Value) -> Json {
    match value {
        Value::Null => Json::Null,
        Value::Integer(i) => Json::Number((*i).into()),
        Value::Real(r) => Number::from_f64(*r).map_or(Json::Null, Json::Number),
        Value::Text(s) => Json::String(s.clone()),
        Value::Blob(b) => Json::String(base64::engine::general_purpose::STANDARD.encode(b)),
        Value::Boolean(b) => Json::Bool(*b),
    }
}

fn from_json(json: Json, ty: FieldType) -> Result<Value> {
    let bad = |json: &Json| Error::Corrupt(format!("stored {} value {json}", ty.describe()));
    let number = |n: &Number| n.as_f64().ok_or_else(|| bad(&Json::Number(n.clone())));
    Ok(match (json, ty) {
        (Json::Null, _) => Value::Null,
        (Json::Bool(b), FieldType::Boolean) => Value::Boolean(b),
        (Json::Number(n), FieldType::Double) => Value::Real(number(&n)?),
        (Json::Number(n), FieldType::Integer) => match n.as_i64() {
            Some(i) => Value::Integer(i),
            None => return Err(bad(&Json::Number(n))),
        },
        (Json::String(s), FieldType::Binary) => Value::Blob(
            base64::engine::general_purpose::STANDARD
                .decode(s.as_bytes())
                .map_err(|_| bad(&Json::String(s)))?,
        ),
        (Json::String(s), FieldType::String { .. } | FieldType::Date) => Value::Text(s),
        (other, _) => return Err(bad(&other)),
    })
}

/// The canonical text of a key, from its values in key order. Values SQLite holds equal get
/// one text: -0.0 is written as 0.0.
pub(crate) fn encode_key(values: &[Value]) -> String {
    let canonical = |v: &Value| match v {
        Value::Real(r) if *r == 0.0 => to_json(&Value::Real(0.0)),
        other => to_json(other),
    };
    Json::Array(values.iter().map(canonical).collect()).to_string()
}

/// The key values (in key order) of an encoded key.
pub(crate) fn decode_key(object: &Object, text: &str) -> Result<Row> {
    let damaged = || Error::Corrupt(format!("stored key {text:?} of {}", object.name));
    let json: Json = serde_json::from_str(text).map_err(|_| damaged())?;
    let items = match json {
        Json::Array(items) if items.len() == object.primary_key.len() => items,
        _ => return Err(damaged()),
    };
    let mut row = Row::new();
    for (field, item) in object.key_fields().zip(items) {
        let value = from_json(item, field.ty)?;
        if value.is_null() {
            return Err(damaged());
        }
        row.insert(field.name.clone(), value);
    }
    Ok(row)
}

/// The stored image of a row.
pub(crate) fn encode_image(row: &Row) -> String {
    let map: Map<String, Json> = row.iter().map(|(k, v)| (k.clone(), to_json(v))).collect();
    Json::Object(map).to_string()
}

/// A row from its stored image; columns no longer in the object are dropped.
pub(crate) fn decode_image(object: &Object, text: &str) -> Result<Row> {
    let json: Json = serde_json::from_str(text)
        .map_err(|e| Error::Corrupt(format!("stored row image of {}: {e}", object.name)))?;
    let Json::Object(map) = json else {
        return Err(Error::Corrupt(format!(
            "stored row image of {}",
            object.name
        )));
    };
    let mut row = Row::new();
    for (name, item) in map {
        if let Some(field) = object.field(&name) {
            row.insert(name, from_json(item, field.ty)?);
        }
    }
    Ok(row)
}
