//! Filters: the typed builder, raw where-clause strings, and their rendering to bound SQL.
//!
//! Both kinds of filter end up as one checked expression tree ([`Expr`]) whose columns are the
//! object's own. Only this module turns it into SQL: identifiers are quoted from the schema's
//! names and every value becomes a bound parameter, so no caller's string is pasted into SQL.
//! A raw clause goes through a real SQL parser first, which rejects anything that is not a
//! plain condition (a second statement, a comment, a subquery, a join, an unknown column or
//! function, a placeholder).
//!
//! A raw clause may start with `where`, may end with `order by`, `limit` and `offset` (reads
//! only), and may use comparisons, arithmetic, `and`/`or`/`not`, `in`, `between`, `like`,
//! `is null`, and the functions `lower`, `upper`, `length`, `trim`, `substr`, `coalesce`,
//! `ifnull`, `abs`, `round`, `date`, `time`, `datetime`, `strftime`. Text goes in single
//! quotes; double quotes name a column (`"Order Date"`). Values are compared as SQLite
//! compares them: a date field holds whatever text was stored, unchecked.

mod parse;
mod render;

use std::marker::PhantomData;

use sync_schema::Object;

use crate::value::{FieldValue, Value};
use crate::{Error, Result};

pub(crate) use render::{quote_ident, render_condition, render_order};

/// One node of a checked filter expression.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum Expr {
    /// A column of the queried object, by its schema name.
    Column(String),
    /// A literal value (bound as a parameter).
    Literal(Value),
    /// A unary operator.
    Unary {
        /// The operator.
        op: UnaryOp,
        /// The operand.
        expr: Box<Expr>,
    },
    /// A binary operator.
    Binary {
        /// The left operand.
        left: Box<Expr>,
        /// The operator.
        op: BinaryOp,
        /// The right operand.
        right: Box<Expr>,
    },
    /// `expr [not] in (list)`.
    InList {
        /// The tested expression.
        expr: Box<Expr>,
        /// The candidates.
        list: Vec<Expr>,
        /// `not in`.
        negated: bool,
    },
    /// `expr [not] between low and high`.
    Between {
        /// The tested expression.
        expr: Box<Expr>,
        /// The lower bound (inclusive).
        low: Box<Expr>,
        /// The upper bound (inclusive).
        high: Box<Expr>,
        /// `not between`.
        negated: bool,
    },
    /// `expr [not] like pattern [escape c]`.
    Like {
        /// The tested expression.
        expr: Box<Expr>,
        /// The pattern.
        pattern: Box<Expr>,
        /// The escape character, if any.
        escape: Option<Box<Expr>>,
        /// `not like`.
        negated: bool,
    },
    /// `expr is [not] null`.
    IsNull {
        /// The tested expression.
        expr: Box<Expr>,
        /// `is not null`.
        negated: bool,
    },
    /// A call of an allowed function.
    Function {
        /// The function.
        function: Function,
        /// The arguments.
        args: Vec<Expr>,
    },
}

/// Unary operators.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UnaryOp {
    /// `not`.
    Not,
    /// `-`.
    Neg,
    /// `+`.
    Plus,
}

/// Binary operators.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BinaryOp {
    /// `=`.
    Eq,
    /// `<>`.
    NotEq,
    /// `<`.
    Lt,
    /// `<=`.
    LtEq,
    /// `>`.
    Gt,
    /// `>=`.
    GtEq,
    /// `and`.
    And,
    /// `or`.
    Or,
    /// `+`.
    Add,
    /// `-`.
    Sub,
    /// `*`.
    Mul,
    /// `/`.
    Div,
    /// `%`.
    Mod,
    /// `||`.
    Concat,
}

/// The functions a filter may call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Function {
    /// `lower(x)`.
    Lower,
    /// `upper(x)`.
    Upper,
    /// `length(x)`.
    Length,
    /// `trim(x [, chars])`.
    Trim,
    /// `substr(x, start [, length])`.
    Substr,
    /// `coalesce(x, y, ...)`.
    Coalesce,
    /// `ifnull(x, y)`.
    Ifnull,
    /// `abs(x)`.
    Abs,
    /// `round(x [, digits])`.
    Round,
    /// `date(...)`.
    Date,
    /// `time(...)`.
    Time,
    /// `datetime(...)`.
    Datetime,
    /// `strftime(format, ...)`.
    Strftime,
}

impl Function {
    /// Looks a function up by name, ignoring ASCII case.
    pub fn from_name(name: &str) -> Option<Function> {
        Some(match name.to_ascii_lowercase().as_str() {
            "lower" => Function::Lower,
            "upper" => Function::Upper,
            "length" => Function::Length,
            "trim" => Function::Trim,
            "substr" => Function::Substr,
            "coalesce" => Function::Coalesce,
            "ifnull" => Function::Ifnull,
            "abs" => Function::Abs,
            "round" => Function::Round,
            "date" => Function::Date,
            "time" => Function::Time,
            "datetime" => Function::Datetime,
            "strftime" => Function::Strftime,
            _ => return None,
        })
    }

    /// The SQL name.
    pub fn name(self) -> &'static str {
        match self {
            Function::Lower => "lower",
            Function::Upper => "upper",
            Function::Length => "length",
            Function::Trim => "trim",
            Function::Substr => "substr",
            Function::Coalesce => "coalesce",
            Function::Ifnull => "ifnull",
            Function::Abs => "abs",
            Function::Round => "round",
            Function::Date => "date",
            Function::Time => "time",
            Function::Datetime => "datetime",
            Function::Strftime => "strftime",
        }
    }

    /// The smallest and largest number of arguments.
    pub fn arity(self) -> (usize, usize) {
        match self {
            Function::Lower | Function::Upper | Function::Length | Function::Abs => (1, 1),
            Function::Trim | Function::Round => (1, 2),
            Function::Substr => (2, 3),
            Function::Coalesce => (2, 16),
            Function::Ifnull => (2, 2),
            Function::Date | Function::Time | Function::Datetime => (1, 8),
            Function::Strftime => (2, 8),
        }
    }
}

/// A filter condition built in Rust; combine with [`Filter::and`], [`Filter::or`] and
/// [`Filter::not`].
///
/// ```
/// use sync_runtime::Filter;
/// let f = Filter::eq("Status", "open").and(Filter::gt("Priority", 2));
/// assert!(format!("{f:?}").contains("Priority"));
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Filter(pub(crate) Expr);

impl Filter {
    /// Wraps an expression tree.
    pub fn from_expr(expr: Expr) -> Filter {
        Filter(expr)
    }

    /// The expression tree.
    pub fn expr(&self) -> &Expr {
        &self.0
    }

    fn compare(column: &str, op: BinaryOp, value: Value) -> Filter {
        Filter(Expr::Binary {
            left: Box::new(Expr::Column(column.to_owned())),
            op,
            right: Box::new(Expr::Literal(value)),
        })
    }

    /// `column = value`.
    pub fn eq(column: &str, value: impl Into<Value>) -> Filter {
        Filter::compare(column, BinaryOp::Eq, value.into())
    }

    /// `column <> value`.
    pub fn ne(column: &str, value: impl Into<Value>) -> Filter {
        Filter::compare(column, BinaryOp::NotEq, value.into())
    }

    /// `column < value`.
    pub fn lt(column: &str, value: impl Into<Value>) -> Filter {
        Filter::compare(column, BinaryOp::Lt, value.into())
    }

    /// `column <= value`.
    pub fn le(column: &str, value: impl Into<Value>) -> Filter {
        Filter::compare(column, BinaryOp::LtEq, value.into())
    }

    /// `column > value`.
    pub fn gt(column: &str, value: impl Into<Value>) -> Filter {
        Filter::compare(column, BinaryOp::Gt, value.into())
    }

    /// `column >= value`.
    pub fn ge(column: &str, value: impl Into<Value>) -> Filter {
        Filter::compare(column, BinaryOp::GtEq, value.into())
    }

    /// `column in (values)`. An empty list matches nothing.
    pub fn is_in<V: Into<Value>>(column: &str, values: impl IntoIterator<Item = V>) -> Filter {
        Filter(Expr::InList {
            expr: Box::new(Expr::Column(column.to_owned())),
            list: values
                .into_iter()
                .map(|v| Expr::Literal(v.into()))
                .collect(),
            negated: false,
        })
    }

    /// `column like pattern` (`%` any run, `_` one character; ASCII case-insensitive).
    pub fn like(column: &str, pattern: impl Into<String>) -> Filter {
        Filter(Expr::Like {
            expr: Box::new(Expr::Column(column.to_owned())),
            pattern: Box::new(Expr::Literal(Value::Text(pattern.into()))),
            escape: None,
            negated: false,
        })
    }

    /// `column is null`.
    pub fn is_null(column: &str) -> Filter {
        Filter(Expr::IsNull {
            expr: Box::new(Expr::Column(column.to_owned())),
            negated: false,
        })
    }

    /// `column is not null`.
    pub fn is_not_null(column: &str) -> Filter {
        Filter(Expr::IsNull {
            expr: Box::new(Expr::Column(column.to_owned())),
            negated: true,
        })
    }

    /// Both conditions.
    pub fn and(self, other: Filter) -> Filter {
        Filter(Expr::Binary {
            left: Box::new(self.0),
            op: BinaryOp::And,
            right: Box::new(other.0),
        })
    }

    /// Either condition.
    pub fn or(self, other: Filter) -> Filter {
        Filter(Expr::Binary {
            left: Box::new(self.0),
            op: BinaryOp::Or,
            right: Box::new(other.0),
        })
    }

    /// The negated condition.
    #[allow(clippy::should_implement_trait)]
    pub fn not(self) -> Filter {
        Filter(Expr::Unary {
            op: UnaryOp::Not,
            expr: Box::new(self.0),
        })
    }
}

/// A typed column of a sync object, for building filters with values of the field's type.
///
/// `#[derive(SyncObject)]` gives every struct one associated constant per field, named after
/// the field in upper case: `WorkOrder::STATUS.eq("open")`.
pub struct Column<T> {
    name: &'static str,
    _type: PhantomData<fn() -> T>,
}

impl<T> Clone for Column<T> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<T> Copy for Column<T> {}

impl<T> std::fmt::Debug for Column<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Column({:?})", self.name)
    }
}

/// The value type a column compares with: the field type, without `Option`.
pub trait Comparable {
    /// The type of values compared with.
    type Item: FieldValue;
}
impl<T: FieldValue> Comparable for Option<T> {
    type Item = T;
}
macro_rules! comparable_self {
    ($($t:ty),*) => {$(impl Comparable for $t { type Item = $t; })*};
}
comparable_self!(i64, i32, f64, bool, String, Vec<u8>);

impl<T: Comparable> Column<T> {
    /// A column by its schema name.
    pub const fn new(name: &'static str) -> Column<T> {
        Column {
            name,
            _type: PhantomData,
        }
    }

    /// The schema name.
    pub fn name(&self) -> &'static str {
        self.name
    }

    fn value(value: impl Into<T::Item>) -> Value {
        value.into().to_value()
    }

    /// `column = value`.
    pub fn eq(self, value: impl Into<T::Item>) -> Filter {
        Filter::eq(self.name, Self::value(value))
    }

    /// `column <> value`.
    pub fn ne(self, value: impl Into<T::Item>) -> Filter {
        Filter::ne(self.name, Self::value(value))
    }

    /// `column < value`.
    pub fn lt(self, value: impl Into<T::Item>) -> Filter {
        Filter::lt(self.name, Self::value(value))
    }

    /// `column <= value`.
    pub fn le(self, value: impl Into<T::Item>) -> Filter {
        Filter::le(self.name, Self::value(value))
    }

    /// `column > value`.
    pub fn gt(self, value: impl Into<T::Item>) -> Filter {
        Filter::gt(self.name, Self::value(value))
    }

    /// `column >= value`.
    pub fn ge(self, value: impl Into<T::Item>) -> Filter {
        Filter::ge(self.name, Self::value(value))
    }

    /// `column in (values)`.
    pub fn is_in<V: Into<T::Item>>(self, values: impl IntoIterator<Item = V>) -> Filter {
        Filter::is_in(self.name, values.into_iter().map(Self::value))
    }

    /// `column like pattern`.
    pub fn like(self, pattern: impl Into<String>) -> Filter {
        Filter::like(self.name, pattern)
    }

    /// `column is null`.
    pub fn is_null(self) -> Filter {
        Filter::is_null(self.name)
    }

    /// `column is not null`.
    pub fn is_not_null(self) -> Filter {
        Filter::is_not_null(self.name)
    }

    /// Ascending order on this column.
    pub fn asc(self) -> OrderBy {
        OrderBy::asc(self.name)
    }

    /// Descending order on this column.
    pub fn desc(self) -> OrderBy {
        OrderBy::desc(self.name)
    }
}

/// One sort key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrderBy {
    /// The column's schema name.
    pub column: String,
    /// Largest first.
    pub descending: bool,
}

impl OrderBy {
    /// Ascending on a column.
    pub fn asc(column: impl Into<String>) -> OrderBy {
        OrderBy {
            column: column.into(),
            descending: false,
        }
    }

    /// Descending on a column.
    pub fn desc(column: impl Into<String>) -> OrderBy {
        OrderBy {
            column: column.into(),
            descending: true,
        }
    }
}

/// What a read or write selects: a condition (typed or a raw where clause), and for reads an
/// order, a limit and an offset.
///
/// `&str` and `String` convert into a raw clause (`"Status = 'open'"`, `"where ..."`,
/// `"order by ..."`); a [`Filter`] converts into a condition.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Query {
    pub(crate) condition: Condition,
    pub(crate) order_by: Vec<OrderBy>,
    pub(crate) limit: Option<u64>,
    pub(crate) offset: Option<u64>,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub(crate) enum Condition {
    #[default]
    All,
    Filter(Expr),
    Raw(String),
}

impl Query {
    /// Every row.
    pub fn all() -> Query {
        Query::default()
    }

    /// Rows matching a filter.
    pub fn filter(filter: Filter) -> Query {
        Query {
            condition: Condition::Filter(filter.0),
            ..Query::default()
        }
    }

    /// Rows matching a raw where clause, parsed when the query runs.
    pub fn raw(clause: impl Into<String>) -> Query {
        Query {
            condition: Condition::Raw(clause.into()),
            ..Query::default()
        }
    }

    /// Adds a sort key (after those of a raw clause).
    pub fn order_by(mut self, order: OrderBy) -> Query {
        self.order_by.push(order);
        self
    }

    /// Returns at most `limit` rows.
    pub fn limit(mut self, limit: u64) -> Query {
        self.limit = Some(limit);
        self
    }

    /// Skips the first `offset` rows.
    pub fn offset(mut self, offset: u64) -> Query {
        self.offset = Some(offset);
        self
    }

    /// The query for messages: the raw clause, or a rendering of the typed filter.
    pub(crate) fn describe(&self) -> String {
        match &self.condition {
            Condition::All => "all rows".to_owned(),
            Condition::Raw(clause) => clause.clone(),
            Condition::Filter(expr) => format!("{expr:?}"),
        }
    }

    /// The error for a query that SQLite refused to run (a bad `escape`, an overflow, too
    /// many values): it names the object and the query.
    pub(crate) fn failed(&self, object: &Object, error: Error) -> Error {
        match error {
            Error::Sqlite(e) => Error::InvalidFilter {
                object: object.name.clone(),
                clause: self.describe(),
                reason: format!("SQLite could not run it: {e}"),
            },
            other => other,
        }
    }

    /// Checks the query against an object and returns its parts.
    pub(crate) fn resolve(&self, object: &Object, mode: Mode) -> Result<Resolved> {
        let mut resolved = match &self.condition {
            Condition::All => Resolved::default(),
            Condition::Filter(expr) => {
                if depth(expr) > MAX_DEPTH {
                    return Err(Error::InvalidFilter {
                        object: object.name.clone(),
                        clause: self.describe(),
                        reason: format!("the filter is nested more than {MAX_DEPTH} levels deep"),
                    });
                }
                check_columns(expr, object)?;
                Resolved {
                    condition: Some(expr.clone()),
                    ..Resolved::default()
                }
            }
            Condition::Raw(clause) => parse::parse_clause(clause, object, mode)?,
        };
        for order in &self.order_by {
            if object.field(&order.column).is_none() {
                return Err(Error::UnknownField {
                    object: object.name.clone(),
                    field: order.column.clone(),
                });
            }
            resolved.order_by.push(order.clone());
        }
        if self.limit.is_some() {
            resolved.limit = self.limit;
        }
        if self.offset.is_some() {
            resolved.offset = self.offset;
        }
        if mode == Mode::Write
            && (!resolved.order_by.is_empty()
                || resolved.limit.is_some()
                || resolved.offset.is_some())
        {
            return Err(Error::InvalidFilter {
                object: object.name.clone(),
                clause: self.describe(),
                reason: "an update or delete takes a condition only, \
                         without order by, limit or offset"
                    .to_owned(),
            });
        }
        Ok(resolved)
    }
}

impl From<Filter> for Query {
    fn from(filter: Filter) -> Query {
        Query::filter(filter)
    }
}

impl From<&str> for Query {
    fn from(clause: &str) -> Query {
        Query::raw(clause)
    }
}

impl From<String> for Query {
    fn from(clause: String) -> Query {
        Query::raw(clause)
    }
}

impl From<&String> for Query {
    fn from(clause: &String) -> Query {
        Query::raw(clause.clone())
    }
}

/// Whether a query reads rows or selects rows to change.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Mode {
    /// `find`, `count`, `get_all`: order by, limit and offset allowed.
    Read,
    /// `update`, `remove`, `mark_for_upload`: a condition only.
    Write,
}

/// A query checked against an object.
#[derive(Debug, Clone, PartialEq, Default)]
pub(crate) struct Resolved {
    pub(crate) condition: Option<Expr>,
    pub(crate) order_by: Vec<OrderBy>,
    pub(crate) limit: Option<u64>,
    pub(crate) offset: Option<u64>,
}

/// The deepest nesting a typed filter may have, as for raw clauses.
const MAX_DEPTH: usize = 256;

/// The most values one statement can bind (SQLite's limit).
pub(crate) const MAX_PARAMETERS: usize = 32_766;

/// The nesting depth of an expression, measured without recursion.
fn depth(expr: &Expr) -> usize {
    let mut deepest = 0;
    let mut stack = vec![(expr, 1)];
    while let Some((e, d)) = stack.pop() {
        deepest = deepest.max(d);
        if d > MAX_DEPTH {
            break;
        }
        match e {
            Expr::Column(_) | Expr::Literal(_) => {}
            Expr::Unary { expr, .. } | Expr::IsNull { expr, .. } => stack.push((expr, d + 1)),
            Expr::Binary { left, right, .. } => {
                stack.push((left, d + 1));
                stack.push((right, d + 1));
            }
            Expr::InList { expr, list, .. } => {
                stack.push((expr, d + 1));
                stack.extend(list.iter().map(|e| (e, d + 1)));
            }
            Expr::Between {
                expr, low, high, ..
            } => stack.extend([(&**expr, d + 1), (&**low, d + 1), (&**high, d + 1)]),
            Expr::Like {
                expr,
                pattern,
                escape,
                ..
            } => {
                stack.extend([(&**expr, d + 1), (&**pattern, d + 1)]);
                stack.extend(escape.iter().map(|e| (&**e, d + 1)));
            }
            Expr::Function { args, .. } => stack.extend(args.iter().map(|e| (e, d + 1))),
        }
    }
    deepest
}

/// Fails when a statement would bind more values than SQLite allows.
pub(crate) fn check_parameters(query: &Query, object: &Object, count: usize) -> Result<()> {
    if count > MAX_PARAMETERS {
        return Err(Error::InvalidFilter {
            object: object.name.clone(),
            clause: query.describe(),
            reason: format!(
                "it holds {count} values; at most {MAX_PARAMETERS} fit in one statement"
            ),
        });
    }
    Ok(())
}

/// Fails when the expression names a column the object does not have.
fn check_columns(expr: &Expr, object: &Object) -> Result<()> {
    let mut result = Ok(());
    walk(expr, &mut |e| {
        if let Expr::Column(name) = e {
            if result.is_ok() && object.field(name).is_none() {
                result = Err(Error::UnknownField {
                    object: object.name.clone(),
                    field: name.clone(),
                });
            }
        }
    });
    result
}

/// Calls `f` on every node of the tree.
fn walk(expr: &Expr, f: &mut impl FnMut(&Expr)) {
    f(expr);
    match expr {
        Expr::Column(_) | Expr::Literal(_) => {}
        Expr::Unary { expr, .. } | Expr::IsNull { expr, .. } => walk(expr, f),
        Expr::Binary { left, right, .. } => {
            walk(left, f);
            walk(right, f);
        }
        Expr::InList { expr, list, .. } => {
            walk(expr, f);
            list.iter().for_each(|e| walk(e, f));
        }
        Expr::Between {
            expr, low, high, ..
        } => {
            walk(expr, f);
            walk(low, f);
            walk(high, f);
        }
        Expr::Like {
            expr,
            pattern,
            escape,
            ..
        } => {
            walk(expr, f);
            walk(pattern, f);
            if let Some(e) = escape {
                walk(e, f);
            }
        }
        Expr::Function { args, .. } => args.iter().for_each(|e| walk(e, f)),
    }
}
