//! Values and rows of the dynamic API, and the conversions of the typed layer.

use std::collections::BTreeMap;
use std::fmt;

use sync_schema::FieldType;

/// One field value.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// SQL NULL.
    Null,
    /// An integer.
    Integer(i64),
    /// A float (never NaN or infinite once stored).
    Real(f64),
    /// Text, stored byte for byte (embedded NULs included).
    Text(String),
    /// Bytes.
    Blob(Vec<u8>),
    /// A boolean, stored as 0 or 1.
    Boolean(bool),
}

/// A row of the dynamic API: field name to value. Missing fields read as absent, not NULL.
pub type Row = BTreeMap<String, Value>;

impl Value {
    /// Whether this is NULL.
    pub fn is_null(&self) -> bool {
        matches!(self, Value::Null)
    }

    /// The kind of value, for messages.
    pub fn kind(&self) -> &'static str {
        match self {
            Value::Null => "null",
            Value::Integer(_) => "integer",
            Value::Real(_) => "double",
            Value::Text(_) => "text",
            Value::Blob(_) => "binary",
            Value::Boolean(_) => "boolean",
        }
    }

    /// The text, when this is text.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::Text(s) => Some(s),
            _ => None,
        }
    }

    /// The integer, when this is an integer.
    pub fn as_i64(&self) -> Option<i64> {
        match self {
            Value::Integer(i) => Some(*i),
            _ => None,
        }
    }
}

impl fmt::Display for Value {
    /// A short rendering for error messages: long text and blobs are cut.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        const MAX: usize = 60;
        match self {
            Value::Null => f.write_str("NULL"),
            Value::Integer(i) => write!(f, "{i}"),
            Value::Real(r) => write!(f, "{r:?}"),
            Value::Boolean(b) => write!(f, "{b}"),
            Value::Blob(b) => write!(f, "<{} bytes>", b.len()),
            Value::Text(s) => {
                let count = s.chars().count();
                if count <= MAX {
                    write!(f, "{s:?}")
                } else {
                    let head: String = s.chars().take(MAX).collect();
                    write!(f, "{head:?}... ({count} characters)")
                }
            }
        }
    }
}

impl From<i64> for Value {
    fn from(v: i64) -> Value {
        Value::Integer(v)
    }
}
impl From<i32> for Value {
    fn from(v: i32) -> Value {
        Value::Integer(v.into())
    }
}
impl From<f64> for Value {
    fn from(v: f64) -> Value {
        Value::Real(v)
    }
}
impl From<bool> for Value {
    fn from(v: bool) -> Value {
        Value::Boolean(v)
    }
}
impl From<&str> for Value {
    fn from(v: &str) -> Value {
        Value::Text(v.to_owned())
    }
}
impl From<String> for Value {
    fn from(v: String) -> Value {
        Value::Text(v)
    }
}
impl From<Vec<u8>> for Value {
    fn from(v: Vec<u8>) -> Value {
        Value::Blob(v)
    }
}
impl<T: Into<Value>> From<Option<T>> for Value {
    fn from(v: Option<T>) -> Value {
        v.map_or(Value::Null, Into::into)
    }
}

/// A Rust type that a field of a typed sync object can have.
///
/// Implemented for `i64`, `i32`, `f64`, `bool`, `String`, `Vec<u8>` and `Option` of each;
/// `Option<T>` marks a nullable field.
pub trait FieldValue: Sized {
    /// The schema type this Rust type maps to (strings without a length limit; dates are
    /// declared with the derive's `date` attribute on a `String`).
    const FIELD_TYPE: FieldType;
    /// Whether the Rust type admits NULL (`Option<T>`).
    const NULLABLE: bool = false;
    /// The value to store.
    fn to_value(&self) -> Value;
    /// Reads a stored value; `None` when it does not fit this type.
    fn from_value(value: Value) -> Option<Self>;
}

impl FieldValue for i64 {
    const FIELD_TYPE: FieldType = FieldType::Integer;
    fn to_value(&self) -> Value {
        Value::Integer(*self)
    }
    fn from_value(value: Value) -> Option<Self> {
        match value {
            Value::Integer(i) => Some(i),
            Value::Boolean(b) => Some(i64::from(b)),
            _ => None,
        }
    }
}

impl FieldValue for i32 {
    const FIELD_TYPE: FieldType = FieldType::Integer;
    fn to_value(&self) -> Value {
        Value::Integer(i64::from(*self))
    }
    fn from_value(value: Value) -> Option<Self> {
        i64::from_value(value).and_then(|i| i32::try_from(i).ok())
    }
}

impl FieldValue for f64 {
    const FIELD_TYPE: FieldType = FieldType::Double;
    fn to_value(&self) -> Value {
        Value::Real(*self)
    }
    fn from_value(value: Value) -> Option<Self> {
        match value {
            Value::Real(r) => Some(r),
            // Exact for every integer a double column can have received from a client.
            #[allow(clippy::cast_precision_loss)]
            Value::Integer(i) => Some(i as f64),
            _ => None,
        }
    }
}

impl FieldValue for bool {
    const FIELD_TYPE: FieldType = FieldType::Boolean;
    fn to_value(&self) -> Value {
        Value::Boolean(*self)
    }
    fn from_value(value: Value) -> Option<Self> {
        match value {
            Value::Boolean(b) => Some(b),
            Value::Integer(0) => Some(false),
            Value::Integer(1) => Some(true),
            _ => None,
        }
    }
}

impl FieldValue for String {
    const FIELD_TYPE: FieldType = FieldType::String { max_length: None };
    fn to_value(&self) -> Value {
        Value::Text(self.clone())
    }
    fn from_value(value: Value) -> Option<Self> {
        match value {
            Value::Text(s) => Some(s),
            _ => None,
        }
    }
}

impl FieldValue for Vec<u8> {
    const FIELD_TYPE: FieldType = FieldType::Binary;
    fn to_value(&self) -> Value {
        Value::Blob(self.clone())
    }
    fn from_value(value: Value) -> Option<Self> {
        match value {
            Value::Blob(b) => Some(b),
            _ => None,
        }
    }
}

impl<T: FieldValue> FieldValue for Option<T> {
    const FIELD_TYPE: FieldType = T::FIELD_TYPE;
    const NULLABLE: bool = true;
    fn to_value(&self) -> Value {
        self.as_ref().map_or(Value::Null, FieldValue::to_value)
    }
    fn from_value(value: Value) -> Option<Self> {
        match value {
            Value::Null => Some(None),
            other => T::from_value(other).map(Some),
        }
    }
}

/// The primary key of a typed sync object: one field value, or a tuple for a composite key.
pub trait Key: Sized {
    /// The key's values, in key order.
    fn to_values(&self) -> Vec<Value>;
    /// Reads a key from values in key order; `None` when they do not fit.
    fn from_values(values: Vec<Value>) -> Option<Self>;
}

macro_rules! scalar_key {
    ($($t:ty),*) => {$(
        impl Key for $t {
            fn to_values(&self) -> Vec<Value> {
                vec![self.to_value()]
            }
            fn from_values(values: Vec<Value>) -> Option<Self> {
                let mut values = values.into_iter();
                let value = values.next()?;
                if values.next().is_some() {
                    return None;
                }
                <$t>::from_value(value)
            }
        }
    )*};
}
scalar_key!(i64, i32, f64, bool, String);

macro_rules! tuple_key {
    ($($name:ident),+) => {
        impl<$($name: FieldValue),+> Key for ($($name,)+) {
            #[allow(non_snake_case)]
            fn to_values(&self) -> Vec<Value> {
                let ($($name,)+) = self;
                vec![$($name.to_value()),+]
            }
            #[allow(non_snake_case)]
            fn from_values(values: Vec<Value>) -> Option<Self> {
                let mut values = values.into_iter();
                $(let $name = $name::from_value(values.next()?)?;)+
                if values.next().is_some() {
                    return None;
                }
                Some(($($name,)+))
            }
        }
    };
}
tuple_key!(A, B);
tuple_key!(A, B, C);
tuple_key!(A, B, C, D);
tuple_key!(A, B, C, D, E);
tuple_key!(A, B, C, D, E, F);
tuple_key!(A, B, C, D, E, F, G);
tuple_key!(A, B, C, D, E, F, G, H);
tuple_key!(A, B, C, D, E, F, G, H, I);
tuple_key!(A, B, C, D, E, F, G, H, I, J);
tuple_key!(A, B, C, D, E, F, G, H, I, J, K);
tuple_key!(A, B, C, D, E, F, G, H, I, J, K, L);
