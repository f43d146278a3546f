//! Raw where-clause strings, parsed with a real SQL parser and checked against the object.
//!
//! A clause goes through three steps. The SQLite tokenizer of `sqlparser` splits it, and the
//! token list is screened for what has no place in a filter (comments, `;`, placeholders, and
//! absurd lengths). The parser then reads the shape `[where] [condition] [order by ...]
//! [limit n [offset m]]`, keeping the condition and the sort keys as syntax trees. Last, every
//! node of those trees is converted into our own [`Expr`]: a node kind that is not converted
//! explicitly is an error, so new syntax in a future `sqlparser` is rejected, not let through.

use sqlparser::ast;
use sqlparser::dialect::SQLiteDialect;
use sqlparser::keywords::Keyword;
use sqlparser::parser::{Parser, ParserError};
use sqlparser::tokenizer::{Token, TokenWithSpan, Tokenizer, Whitespace};
use sync_schema::{Field, Object};

use super::{BinaryOp, Expr, Function, Mode, OrderBy, Resolved, UnaryOp};
use crate::value::Value;
use crate::{Error, Result};

/// The recursion limit handed to `sqlparser`: it allows 47 levels of parentheses, calls or
/// prefix operators.
const PARSER_DEPTH: usize = 50;

/// The deepest expression tree accepted (a chain of 256 `or`s); SQLite itself stops at 1000.
const MAX_DEPTH: usize = 256;

/// The most names and operators a clause may hold. Long operator chains parse into deep trees
/// without touching the parser's recursion limit, and dropping a tree recurses, so this keeps
/// every tree shallow enough for a small thread stack.
const MAX_TERMS: usize = 2_000;

/// The functions a filter may call, for error messages.
const FUNCTION_NAMES: [&str; 13] = [
    "lower", "upper", "length", "trim", "substr", "coalesce", "ifnull", "abs", "round", "date",
    "time", "datetime", "strftime",
];

/// Words that start an SQL statement rather than a condition.
const STATEMENT_WORDS: [Keyword; 22] = [
    Keyword::SELECT,
    Keyword::PRAGMA,
    Keyword::INSERT,
    Keyword::UPDATE,
    Keyword::DELETE,
    Keyword::DROP,
    Keyword::CREATE,
    Keyword::ALTER,
    Keyword::ATTACH,
    Keyword::DETACH,
    Keyword::VACUUM,
    Keyword::REPLACE,
    Keyword::WITH,
    Keyword::EXPLAIN,
    Keyword::BEGIN,
    Keyword::COMMIT,
    Keyword::ROLLBACK,
    Keyword::ANALYZE,
    Keyword::REINDEX,
    Keyword::SAVEPOINT,
    Keyword::RELEASE,
    Keyword::VALUES,
];

/// Words that belong to a join.
const JOIN_WORDS: [Keyword; 8] = [
    Keyword::JOIN,
    Keyword::INNER,
    Keyword::LEFT,
    Keyword::RIGHT,
    Keyword::FULL,
    Keyword::CROSS,
    Keyword::NATURAL,
    Keyword::OUTER,
];

/// Parses a raw clause of the string APIs into a query checked against `object`.
///
/// An empty or blank clause selects every row. Values in the clause become bound literals;
/// columns are returned by their schema names.
pub(crate) fn parse_clause(clause: &str, object: &Object, mode: Mode) -> Result<Resolved> {
    let checker = Checker { object, clause };
    let tokens = checker.tokenize()?;
    checker.screen(&tokens)?;
    let blank = tokens
        .iter()
        .all(|t| matches!(t.token, Token::Whitespace(_)));
    if blank {
        return Ok(Resolved::default());
    }

    let dialect = SQLiteDialect {};
    let mut parser = Parser::new(&dialect)
        .with_recursion_limit(PARSER_DEPTH)
        .with_tokens_with_locations(tokens);
    let syntax = checker.read(&mut parser)?;
    checker.check_mode(&syntax, mode)?;
    checker.resolve(&syntax)
}

/// The clause as the parser read it, before it is checked against the object.
struct Syntax {
    /// The condition, if any.
    condition: Option<ast::Expr>,
    /// The sort keys, each with `true` for descending.
    order_by: Vec<(ast::Expr, bool)>,
    /// The row limit.
    limit: Option<u64>,
    /// The rows to skip.
    offset: Option<u64>,
}

/// Reads and checks one clause for one object, and builds its errors.
struct Checker<'a> {
    /// The object queried.
    object: &'a Object,
    /// The clause as given, for error messages.
    clause: &'a str,
}

impl Checker<'_> {
    /// An `InvalidFilter` error for this clause.
    fn invalid(&self, reason: impl Into<String>) -> Error {
        Error::InvalidFilter {
            object: self.object.name.clone(),
            clause: self.clause.to_owned(),
            reason: reason.into(),
        }
    }

    /// Splits the clause into tokens, whitespace and comments included.
    fn tokenize(&self) -> Result<Vec<TokenWithSpan>> {
        Tokenizer::new(&SQLiteDialect {}, self.clause)
            .tokenize_with_location()
            .map_err(|e| self.invalid(format!("the clause cannot be read: {e}")))
    }

    /// Rejects tokens that have no place in a filter, and clauses with too many terms.
    fn screen(&self, tokens: &[TokenWithSpan]) -> Result<()> {
        let mut terms = 0_usize;
        let mut after_operand = false;
        for token in tokens.iter().map(|t| &t.token) {
            if let Some(reason) = forbidden(token) {
                return Err(self.invalid(reason));
            }
            if matches!(token, Token::Whitespace(_)) {
                continue;
            }
            if is_term(token, after_operand) {
                terms += 1;
            }
            if terms > MAX_TERMS {
                return Err(self.invalid(format!(
                    "the clause is too long: more than {MAX_TERMS} names and operators"
                )));
            }
            after_operand = ends_operand(token);
        }
        Ok(())
    }

    /// Reads `[where] [condition] [order by ...] [limit n [offset m]]` and nothing more.
    fn read(&self, parser: &mut Parser<'_>) -> Result<Syntax> {
        let had_where = parser.parse_keyword(Keyword::WHERE);
        let first = parser.peek_token_ref().token.clone();
        let condition = if at_tail(parser) || first == Token::EOF {
            if had_where {
                return Err(self.invalid("`where` must be followed by a condition"));
            }
            None
        } else {
            let expr = parser
                .parse_expr()
                .map_err(|e| self.syntax_error(e, &first))?;
            Some(expr)
        };
        let order_by = self.read_order_by(parser, &first)?;
        let (limit, offset) = self.read_limit(parser)?;
        let rest = &parser.peek_token_ref().token;
        if *rest != Token::EOF {
            return Err(self.leftover(rest, &first));
        }
        Ok(Syntax {
            condition,
            order_by,
            limit,
            offset,
        })
    }

    /// Reads an optional `order by key [asc|desc], ...`.
    fn read_order_by(
        &self,
        parser: &mut Parser<'_>,
        first: &Token,
    ) -> Result<Vec<(ast::Expr, bool)>> {
        if !parser.parse_keywords(&[Keyword::ORDER, Keyword::BY]) {
            return Ok(Vec::new());
        }
        parser
            .parse_comma_separated(|p| {
                let key = p.parse_expr()?;
                let direction = p.parse_one_of_keywords(&[Keyword::ASC, Keyword::DESC]);
                let descending = direction == Some(Keyword::DESC);
                Ok((key, descending))
            })
            .map_err(|e| self.syntax_error(e, first))
    }

    /// Reads an optional `limit n [offset m]`, `limit m, n` or `offset m`.
    fn read_limit(&self, parser: &mut Parser<'_>) -> Result<(Option<u64>, Option<u64>)> {
        let mut limit = None;
        let mut offset = None;
        if parser.parse_keyword(Keyword::LIMIT) {
            let count = self.read_count(parser, "limit")?;
            if parser.consume_token(&Token::Comma) {
                // SQLite's `limit skip, count`.
                offset = Some(count);
                limit = Some(self.read_count(parser, "limit")?);
            } else {
                limit = Some(count);
            }
        }
        if offset.is_none() && parser.parse_keyword(Keyword::OFFSET) {
            offset = Some(self.read_count(parser, "offset")?);
        }
        Ok((limit, offset))
    }

    /// Reads the whole number of rows after `limit` or `offset`.
    fn read_count(&self, parser: &mut Parser<'_>, what: &str) -> Result<u64> {
        let token = parser.next_token().token;
        let digits = match &token {
            Token::Number(text, false) if text.bytes().all(|b| b.is_ascii_digit()) => text,
            _ => "",
        };
        // SQLite takes the count as a signed 64-bit integer.
        let count = digits
            .parse::<i64>()
            .ok()
            .and_then(|n| u64::try_from(n).ok());
        count.ok_or_else(|| {
            self.invalid(format!(
                "`{what}` takes a whole number of rows, found {}",
                describe(&token)
            ))
        })
    }

    /// The error for a clause the parser could not read.
    fn syntax_error(&self, error: ParserError, first: &Token) -> Error {
        if let Some(hint) = leading_hint(first) {
            return self.invalid(hint);
        }
        let reason = match error {
            ParserError::RecursionLimitExceeded => too_deep(),
            ParserError::ParserError(message) | ParserError::TokenizerError(message) => {
                format!("the condition is incomplete or malformed: {message}")
            }
        };
        self.invalid(reason)
    }

    /// The error for a token left over after everything the clause may hold.
    fn leftover(&self, token: &Token, first: &Token) -> Error {
        let hint = match token {
            Token::Word(w) if w.quote_style.is_none() => trailing_hint(w.keyword),
            _ => None,
        };
        let reason = hint.or_else(|| leading_hint(first)).unwrap_or_else(|| {
            format!(
                "unexpected {}: a clause is a condition, optionally followed by \
                 order by, limit and offset",
                describe(token)
            )
        });
        self.invalid(reason)
    }

    /// Rejects `order by`, `limit` and `offset` in the clause of an update or delete.
    fn check_mode(&self, syntax: &Syntax, mode: Mode) -> Result<()> {
        if mode == Mode::Read {
            return Ok(());
        }
        let mut parts = Vec::new();
        if !syntax.order_by.is_empty() {
            parts.push("order by");
        }
        if syntax.limit.is_some() {
            parts.push("limit");
        }
        if syntax.offset.is_some() {
            parts.push("offset");
        }
        if parts.is_empty() {
            return Ok(());
        }
        Err(self.invalid(format!(
            "an update or delete takes a condition only: {} is for reads",
            parts.join(" and ")
        )))
    }

    /// Checks the syntax against the object and converts it into a query.
    fn resolve(&self, syntax: &Syntax) -> Result<Resolved> {
        let condition = match &syntax.condition {
            Some(expr) => Some(self.expr(expr, 0)?),
            None => None,
        };
        let order_by = syntax
            .order_by
            .iter()
            .map(|(key, descending)| self.order_key(key, *descending))
            .collect::<Result<Vec<_>>>()?;
        Ok(Resolved {
            condition,
            order_by,
            limit: syntax.limit,
            offset: syntax.offset,
        })
    }

    /// Converts one sort key, which must be a plain column.
    fn order_key(&self, key: &ast::Expr, descending: bool) -> Result<OrderBy> {
        match key {
            ast::Expr::Identifier(ident) => Ok(OrderBy {
                column: self.column(ident)?,
                descending,
            }),
            ast::Expr::CompoundIdentifier(parts) => Err(self.qualified(parts)),
            _ => Err(self.invalid(
                "order by takes column names only, each optionally followed by asc or desc",
            )),
        }
    }

    /// The schema name of the field an identifier names: the exact name first, else the
    /// only name equal to it ignoring ASCII case, as SQLite resolves column names.
    fn column(&self, ident: &ast::Ident) -> Result<String> {
        let name = &ident.value;
        if let Some(field) = self.object.field(name) {
            return Ok(field.name.clone());
        }
        let same = |f: &&Field| f.name.eq_ignore_ascii_case(name);
        let mut matches = self.object.fields.iter().filter(same);
        match (matches.next(), matches.next()) {
            (Some(field), None) => Ok(field.name.clone()),
            (Some(_), Some(_)) => Err(self.invalid(format!(
                "`{name}` matches several fields that differ only in case: write one exactly"
            ))),
            _ => Err(Error::UnknownField {
                object: self.object.name.clone(),
                field: name.clone(),
            }),
        }
    }

    /// The error for a qualified name such as `t.col`.
    fn qualified(&self, parts: &[ast::Ident]) -> Error {
        let name: Vec<&str> = parts.iter().map(|p| p.value.as_str()).collect();
        self.invalid(format!(
            "qualified names such as `{}` are not allowed: a clause names columns of {} only",
            shorten(&name.join(".")),
            self.object.name
        ))
    }

    /// Converts one node of the condition, refusing trees deeper than [`MAX_DEPTH`].
    fn expr(&self, expr: &ast::Expr, depth: usize) -> Result<Expr> {
        if depth > MAX_DEPTH {
            return Err(self.invalid(too_deep()));
        }
        let depth = depth + 1;
        match expr {
            ast::Expr::Identifier(ident) => Ok(Expr::Column(self.column(ident)?)),
            ast::Expr::CompoundIdentifier(parts) => Err(self.qualified(parts)),
            ast::Expr::Value(value) => Ok(Expr::Literal(self.literal(&value.value, false)?)),
            ast::Expr::Nested(inner) => self.expr(inner, depth),
            ast::Expr::UnaryOp { op, expr } => self.unary(*op, expr, depth),
            ast::Expr::BinaryOp { left, op, right } => self.binary(left, op, right, depth),
            ast::Expr::IsNull(inner) => self.is_null(inner, false, depth),
            ast::Expr::IsNotNull(inner) => self.is_null(inner, true, depth),
            ast::Expr::In {
                expr,
                target,
                negated,
                global,
            } => self.in_list(expr, target, *negated, *global, depth),
            ast::Expr::Between {
                expr,
                negated,
                low,
                high,
            } => self.between(expr, low, high, *negated, depth),
            ast::Expr::Like {
                negated,
                any,
                expr,
                pattern,
                escape_char,
            } => self.like(*negated, *any, expr, pattern, escape_char.as_deref(), depth),
            ast::Expr::Function(function) => self.function(function, depth),
            ast::Expr::Trim { .. } => self.trim(expr, depth),
            ast::Expr::Substring { .. } => self.substr(expr, depth),
            other => Err(self.invalid(unsupported(other))),
        }
    }

    /// Converts a child node into a box.
    fn boxed(&self, expr: &ast::Expr, depth: usize) -> Result<Box<Expr>> {
        self.expr(expr, depth).map(Box::new)
    }

    /// Converts a literal; `negative` applies a unary minus to a number.
    fn literal(&self, value: &ast::Value, negative: bool) -> Result<Value> {
        match value {
            ast::Value::Number(text, false) => self.number(text, negative),
            ast::Value::SingleQuotedString(text) => Ok(Value::Text(text.clone())),
            ast::Value::Boolean(b) => Ok(Value::Boolean(*b)),
            ast::Value::Null => Ok(Value::Null),
            ast::Value::Placeholder(p) => Err(self.invalid(format!(
                "placeholders such as `{}` are not allowed: write the value itself in the clause",
                shorten(p)
            ))),
            ast::Value::HexStringLiteral(_) => Err(self.invalid(
                "hexadecimal and blob literals (0x.., X'..') are not supported in a clause",
            )),
            _ => Err(self.invalid(
                "unsupported literal: write text in single quotes, numbers plainly, \
                 or null, true, false",
            )),
        }
    }

    /// Converts a numeric literal: an integer when it fits 64 bits, else a finite real.
    fn number(&self, text: &str, negative: bool) -> Result<Value> {
        let digits: String = text.chars().filter(|c| *c != '_').collect();
        let signed = if negative {
            format!("-{digits}")
        } else {
            digits.clone()
        };
        if digits.bytes().all(|b| b.is_ascii_digit()) {
            if let Ok(integer) = signed.parse::<i64>() {
                return Ok(Value::Integer(integer));
            }
        }
        match signed.parse::<f64>() {
            Ok(real) if real.is_finite() => Ok(Value::Real(real)),
            _ => Err(self.invalid(format!("`{}` is not a usable number", shorten(text)))),
        }
    }

    /// Converts `not`, `-` and `+`; a sign in front of a number becomes part of the literal.
    fn unary(&self, op: ast::UnaryOperator, operand: &ast::Expr, depth: usize) -> Result<Expr> {
        let op = match op {
            ast::UnaryOperator::Not => UnaryOp::Not,
            ast::UnaryOperator::Minus => UnaryOp::Neg,
            ast::UnaryOperator::Plus => UnaryOp::Plus,
            other => return Err(self.invalid(format!("operator `{other}` is not allowed"))),
        };
        if let ast::Expr::Value(value) = operand {
            if let ast::Value::Number(text, false) = &value.value {
                if op != UnaryOp::Not {
                    return self.number(text, op == UnaryOp::Neg).map(Expr::Literal);
                }
            }
        }
        Ok(Expr::Unary {
            op,
            expr: self.boxed(operand, depth)?,
        })
    }

    /// Converts a binary operator of the allowed set.
    fn binary(
        &self,
        left: &ast::Expr,
        op: &ast::BinaryOperator,
        right: &ast::Expr,
        depth: usize,
    ) -> Result<Expr> {
        let op = match op {
            ast::BinaryOperator::Eq => BinaryOp::Eq,
            ast::BinaryOperator::NotEq => BinaryOp::NotEq,
            ast::BinaryOperator::Lt => BinaryOp::Lt,
            ast::BinaryOperator::LtEq => BinaryOp::LtEq,
            ast::BinaryOperator::Gt => BinaryOp::Gt,
            ast::BinaryOperator::GtEq => BinaryOp::GtEq,
            ast::BinaryOperator::And => BinaryOp::And,
            ast::BinaryOperator::Or => BinaryOp::Or,
            ast::BinaryOperator::Plus => BinaryOp::Add,
            ast::BinaryOperator::Minus => BinaryOp::Sub,
            ast::BinaryOperator::Multiply => BinaryOp::Mul,
            ast::BinaryOperator::Divide => BinaryOp::Div,
            ast::BinaryOperator::Modulo => BinaryOp::Mod,
            ast::BinaryOperator::StringConcat => BinaryOp::Concat,
            ast::BinaryOperator::Is | ast::BinaryOperator::IsNot => {
                return Err(self.invalid(
                    "`is` may only test for null here: write `x is null`, `x is not null` \
                     or `x = value`",
                ));
            }
            other => {
                let name = shorten(&other.to_string());
                return Err(self.invalid(format!("operator `{name}` is not allowed")));
            }
        };
        self.check_left_operand(left, op)?;
        Ok(Expr::Binary {
            left: self.boxed(left, depth)?,
            op,
            right: self.boxed(right, depth)?,
        })
    }

    /// Converts `x [not] between low and high`.
    fn between(
        &self,
        operand: &ast::Expr,
        low: &ast::Expr,
        high: &ast::Expr,
        negated: bool,
        depth: usize,
    ) -> Result<Expr> {
        Ok(Expr::Between {
            expr: self.boxed(operand, depth)?,
            low: self.boxed(low, depth)?,
            high: self.boxed(high, depth)?,
            negated,
        })
    }

    /// Refuses a left operand that sqlparser groups differently from SQLite.
    fn check_left_operand(&self, left: &ast::Expr, op: BinaryOp) -> Result<()> {
        if op == BinaryOp::Concat && is_product(left) {
            // sqlparser reads `a * b || c` as `(a * b) || c`; SQLite as `a * (b || c)`.
            return Err(self.invalid(
                "add parentheses around `*`, `/` or `%` next to `||`: \
                 SQLite applies `||` first",
            ));
        }
        let tighter_than_is = !matches!(
            op,
            BinaryOp::Eq | BinaryOp::NotEq | BinaryOp::And | BinaryOp::Or
        );
        if tighter_than_is && matches!(left, ast::Expr::IsNull(_) | ast::Expr::IsNotNull(_)) {
            // sqlparser reads `a is null < b` as `(a is null) < b`; SQLite as `a is (null < b)`.
            return Err(self.invalid(
                "add parentheses around `is null` or `is not null` when an operator follows: \
                 SQLite would apply the operator to null first",
            ));
        }
        Ok(())
    }

    /// Converts `x is null` and `x is not null`.
    fn is_null(&self, operand: &ast::Expr, negated: bool, depth: usize) -> Result<Expr> {
        Ok(Expr::IsNull {
            expr: self.boxed(operand, depth)?,
            negated,
        })
    }

    /// Converts `x [not] in (list)`; subqueries and other targets are refused.
    fn in_list(
        &self,
        operand: &ast::Expr,
        target: &ast::InTarget,
        negated: bool,
        global: bool,
        depth: usize,
    ) -> Result<Expr> {
        let items = match target {
            _ if global => return Err(self.invalid("`global in` is not supported")),
            ast::InTarget::List(items) => items,
            ast::InTarget::Subquery(_) => return Err(self.invalid(subquery())),
            _ => {
                return Err(self.invalid("`in` takes a list of values in parentheses"));
            }
        };
        let list = items
            .iter()
            .map(|item| self.expr(item, depth))
            .collect::<Result<Vec<_>>>()?;
        Ok(Expr::InList {
            expr: self.boxed(operand, depth)?,
            list,
            negated,
        })
    }

    /// Converts `x [not] like pattern [escape e]`.
    fn like(
        &self,
        negated: bool,
        any: bool,
        operand: &ast::Expr,
        pattern: &ast::Expr,
        escape: Option<&ast::Expr>,
        depth: usize,
    ) -> Result<Expr> {
        if any {
            return Err(self.invalid("`like any` is not supported"));
        }
        if has_comparison(pattern) || escape.is_some_and(has_comparison) {
            // sqlparser reads `a like b = c` as `a like (b = c)`; SQLite as `(a like b) = c`.
            return Err(self.invalid(
                "add parentheses around a comparison next to `like`: \
                 SQLite gives them the same precedence",
            ));
        }
        let escape = match escape {
            Some(e) => Some(self.boxed(e, depth)?),
            None => None,
        };
        Ok(Expr::Like {
            expr: self.boxed(operand, depth)?,
            pattern: self.boxed(pattern, depth)?,
            escape,
            negated,
        })
    }

    /// Converts a call of an allowed function with plain arguments.
    fn function(&self, call: &ast::Function, depth: usize) -> Result<Expr> {
        let name = match call.name.0.as_slice() {
            [ast::ObjectNamePart::Identifier(ident)] => ident.value.as_str(),
            _ => {
                return Err(self.invalid(format!(
                    "qualified function names such as `{}` are not allowed",
                    shorten(&call.name.to_string())
                )));
            }
        };
        let Some(function) = Function::from_name(name) else {
            return Err(self.invalid(format!(
                "function `{}` is not allowed; a filter may call {}",
                shorten(name),
                FUNCTION_NAMES.join(", ")
            )));
        };
        let plain = !call.uses_odbc_syntax
            && matches!(call.parameters, ast::FunctionArguments::None)
            && call.within_group.is_empty()
            && call.filter.is_none()
            && call.null_treatment.is_none()
            && call.over.is_none();
        let list = match &call.args {
            ast::FunctionArguments::List(list) if plain => list,
            ast::FunctionArguments::Subquery(_) => return Err(self.invalid(subquery())),
            _ => return Err(self.invalid(plain_arguments(name))),
        };
        if list.duplicate_treatment.is_some() || !list.clauses.is_empty() {
            return Err(self.invalid(plain_arguments(name)));
        }
        let args = list
            .args
            .iter()
            .map(|arg| match arg {
                ast::FunctionArg::Unnamed(ast::FunctionArgExpr::Expr(expr)) => Ok(expr),
                _ => Err(self.invalid(plain_arguments(name))),
            })
            .collect::<Result<Vec<_>>>()?;
        self.call(function, &args, depth)
    }

    /// Converts `trim(...)`, which sqlparser reads as a node of its own.
    fn trim(&self, expr: &ast::Expr, depth: usize) -> Result<Expr> {
        let ast::Expr::Trim {
            trim_where: None,
            trim_what: None,
            expr,
            trim_characters,
        } = expr
        else {
            return Err(
                self.invalid("trim takes SQLite's form only: trim(text) or trim(text, characters)")
            );
        };
        let mut args = vec![expr.as_ref()];
        args.extend(trim_characters.iter().flatten());
        self.call(Function::Trim, &args, depth)
    }

    /// Converts `substr(...)`, which sqlparser reads as a node of its own.
    fn substr(&self, expr: &ast::Expr, depth: usize) -> Result<Expr> {
        let ast::Expr::Substring {
            expr,
            substring_from: from,
            substring_for: length,
            special,
            shorthand: true,
        } = expr
        else {
            return Err(self.invalid("function `substring` is not allowed: use substr"));
        };
        if !*special && (from.is_some() || length.is_some()) {
            return Err(self.invalid(
                "use substr(text, start) or substr(text, start, length), \
                 not the from/for form",
            ));
        }
        let mut args = vec![expr.as_ref()];
        args.extend(from.as_deref());
        args.extend(length.as_deref());
        self.call(Function::Substr, &args, depth)
    }

    /// Checks the number of arguments and converts them.
    fn call(&self, function: Function, args: &[&ast::Expr], depth: usize) -> Result<Expr> {
        let (min, max) = function.arity();
        if args.len() < min || args.len() > max {
            let expected = if min == max {
                min.to_string()
            } else {
                format!("{min} to {max}")
            };
            return Err(self.invalid(format!(
                "{}() takes {expected} arguments, not {}",
                function.name(),
                args.len()
            )));
        }
        let args = args
            .iter()
            .map(|arg| self.expr(arg, depth))
            .collect::<Result<Vec<_>>>()?;
        Ok(Expr::Function { function, args })
    }
}

/// Why a token may not appear in a clause at all, if it may not.
fn forbidden(token: &Token) -> Option<String> {
    let reason = match token {
        Token::Whitespace(
            Whitespace::SingleLineComment { .. } | Whitespace::MultiLineComment(_),
        ) => "comments are not allowed: they could hide the rest of the clause".to_owned(),
        Token::SemiColon => {
            "`;` is not allowed: a clause is one condition, not a second statement".to_owned()
        }
        Token::Placeholder(_) | Token::Colon | Token::AtSign => format!(
            "placeholders such as `?`, `:name`, `@name` or `$name` are not allowed \
             (found `{}`): write the value itself in the clause",
            shorten(&token.to_string())
        ),
        _ => return None,
    };
    Some(reason)
}

/// Whether the parser is at `order by`, `limit` or `offset`.
fn at_tail(parser: &Parser<'_>) -> bool {
    let keyword = |n: usize| match &parser.peek_nth_token_ref(n).token {
        Token::Word(w) if w.quote_style.is_none() => w.keyword,
        _ => Keyword::NoKeyword,
    };
    match keyword(0) {
        Keyword::ORDER => keyword(1) == Keyword::BY,
        Keyword::LIMIT | Keyword::OFFSET => true,
        _ => false,
    }
}

/// Whether a token counts towards [`MAX_TERMS`]: every name and operator, but not literals,
/// punctuation, or a sign that cannot be a binary operator.
fn is_term(token: &Token, after_operand: bool) -> bool {
    match token {
        Token::Minus | Token::Plus => after_operand,
        Token::Comma | Token::LParen | Token::RParen => false,
        other => !is_literal(other),
    }
}

/// Whether a binary operator may follow this token.
fn ends_operand(token: &Token) -> bool {
    matches!(token, Token::Word(_) | Token::RParen) || is_literal(token)
}

/// Whether a token is a number or a string of some kind.
fn is_literal(token: &Token) -> bool {
    matches!(
        token,
        Token::Number(..)
            | Token::SingleQuotedString(_)
            | Token::DoubleQuotedString(_)
            | Token::NationalStringLiteral(_)
            | Token::HexStringLiteral(_)
    )
}

/// Whether an operand is an unparenthesized `*`, `/` or `%`.
fn is_product(expr: &ast::Expr) -> bool {
    matches!(
        expr,
        ast::Expr::BinaryOp {
            op: ast::BinaryOperator::Multiply
                | ast::BinaryOperator::Divide
                | ast::BinaryOperator::Modulo,
            ..
        }
    )
}

/// Whether an operand holds, outside parentheses and calls, an operator that SQLite ranks
/// with `like` (`=`, `<>`, `in`, `between`) but sqlparser ranks above it.
fn has_comparison(expr: &ast::Expr) -> bool {
    let mut pending = vec![expr];
    while let Some(expr) = pending.pop() {
        match expr {
            ast::Expr::BinaryOp {
                op: ast::BinaryOperator::Eq | ast::BinaryOperator::NotEq,
                ..
            }
            | ast::Expr::Between { .. }
            | ast::Expr::In { .. } => return true,
            ast::Expr::BinaryOp { left, right, .. } => pending.extend([&**left, &**right]),
            ast::Expr::UnaryOp { expr, .. }
            | ast::Expr::IsNull(expr)
            | ast::Expr::IsNotNull(expr) => pending.push(expr),
            _ => {}
        }
    }
    false
}

/// A reason for a clause whose first word shows what it is instead of a condition.
fn leading_hint(first: &Token) -> Option<String> {
    let Token::Word(word) = first else {
        return None;
    };
    if word.quote_style.is_some() {
        return None;
    }
    if STATEMENT_WORDS.contains(&word.keyword) {
        return Some(format!(
            "`{}` starts an SQL statement, which is not a condition \
             (write a condition such as `Status = 'open'`)",
            shorten(&word.value)
        ));
    }
    match word.keyword {
        Keyword::JOIN => trailing_hint(Keyword::JOIN),
        Keyword::GROUP => trailing_hint(Keyword::GROUP),
        _ => None,
    }
}

/// A reason for a keyword found where the clause should have ended.
fn trailing_hint(keyword: Keyword) -> Option<String> {
    let reason = match keyword {
        Keyword::UNION | Keyword::INTERSECT | Keyword::EXCEPT | Keyword::MINUS => {
            "compound queries (union, intersect, except) are not allowed"
        }
        Keyword::GROUP | Keyword::HAVING | Keyword::WINDOW => {
            "group by, having and window are not allowed: grouping is not a filter"
        }
        k if JOIN_WORDS.contains(&k) => "joins are not allowed: a clause filters one object's rows",
        Keyword::ORDER | Keyword::LIMIT | Keyword::OFFSET => {
            "order by, limit and offset must come once each, in this order, after the condition"
        }
        _ => return None,
    };
    Some(reason.to_owned())
}

/// A reason for a kind of expression that is not converted.
fn unsupported(expr: &ast::Expr) -> String {
    let what = match expr {
        ast::Expr::Exists { .. } | ast::Expr::Subquery(_) => return subquery(),
        ast::Expr::Case { .. } => "case expressions are",
        ast::Expr::Cast { .. } | ast::Expr::Convert { .. } => "cast is",
        ast::Expr::Collate { .. } => "collate is",
        ast::Expr::TypedString(_) => "typed literals such as date '...' are",
        ast::Expr::ILike { .. } | ast::Expr::SimilarTo { .. } | ast::Expr::RLike { .. } => {
            "pattern operators other than like are"
        }
        ast::Expr::IsTrue(_)
        | ast::Expr::IsNotTrue(_)
        | ast::Expr::IsFalse(_)
        | ast::Expr::IsNotFalse(_)
        | ast::Expr::IsUnknown(_)
        | ast::Expr::IsNotUnknown(_)
        | ast::Expr::IsDistinctFrom(..)
        | ast::Expr::IsNotDistinctFrom(..) => "`is` tests other than `is [not] null` are",
        ast::Expr::Tuple(_) => "row values such as (a, b) are",
        ast::Expr::Wildcard(_) | ast::Expr::QualifiedWildcard(..) => "`*` outside arithmetic is",
        ast::Expr::Interval(_) => "intervals are",
        ast::Expr::Extract { .. }
        | ast::Expr::Ceil { .. }
        | ast::Expr::Floor { .. }
        | ast::Expr::Position { .. }
        | ast::Expr::Overlay { .. } => {
            return format!(
                "this function is not allowed; a filter may call {}",
                FUNCTION_NAMES.join(", ")
            );
        }
        _ => {
            return "unsupported syntax: a condition may use columns, literals, comparisons, \
                    arithmetic, ||, and, or, not, in, between, like, is null and the \
                    allowed functions"
                .to_owned();
        }
    };
    format!("{what} not supported in a clause")
}

/// The reason given for any subquery.
fn subquery() -> String {
    "subqueries (select, exists) are not allowed: a clause filters one object's rows".to_owned()
}

/// The reason given for a call with more than plain arguments.
fn plain_arguments(name: &str) -> String {
    format!(
        "{}() takes plain arguments only (no *, distinct, named arguments, filter or over)",
        shorten(name)
    )
}

/// The reason given for a clause nested beyond the limits.
fn too_deep() -> String {
    format!(
        "the condition is nested too deeply (at most {MAX_DEPTH} levels of operators, \
         parentheses and calls); for long lists of alternatives use `in (...)`"
    )
}

/// A token as an error message names it.
fn describe(token: &Token) -> String {
    match token {
        Token::EOF => "the end of the clause".to_owned(),
        other => format!("`{}`", shorten(&other.to_string())),
    }
}

/// Cuts text quoted in a message to a readable length.
fn shorten(text: &str) -> String {
    const MAX: usize = 40;
    if text.chars().count() <= MAX {
        text.to_owned()
    } else {
        let head: String = text.chars().take(MAX).collect();
        format!("{head}...")
    }
}

#[cfg(test)]
mod tests {
    use rusqlite::types::Value as SqlValue;
    use rusqlite::Connection;
    use sync_schema::{Field, FieldType, Object};

    use super::super::{quote_ident, render_condition, render_order};
    use super::*;

    const FIXTURE: &str = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../testdata/where-clauses.json"
    );

    /// The shared fixture.
    fn fixture() -> serde_json::Value {
        let text = std::fs::read_to_string(FIXTURE).unwrap();
        serde_json::from_str(&text).unwrap()
    }

    /// The object the fixture describes.
    fn work_order() -> Object {
        let fixture = fixture();
        let spec = &fixture["object"];
        let mut object = Object::new(spec["name"].as_str().unwrap());
        for (name, ty) in spec["columns"].as_object().unwrap() {
            let ty = match ty.as_str().unwrap() {
                "integer" => FieldType::Integer,
                "string" => FieldType::String { max_length: None },
                "double" => FieldType::Double,
                "date" => FieldType::Date,
                other => panic!("unknown column type {other}"),
            };
            object = object.with_field(Field::new(name, ty));
        }
        object
    }

    /// An in-memory database holding the object's table and a few rows.
    fn database(object: &Object) -> Connection {
        let conn = Connection::open_in_memory().unwrap();
        let columns: Vec<String> = object
            .fields
            .iter()
            .map(|f| {
                let ty = match f.ty {
                    FieldType::Integer => "INTEGER",
                    FieldType::Double => "REAL",
                    _ => "TEXT",
                };
                format!("{} {ty}", quote_ident(&f.name))
            })
            .collect();
        let table = quote_ident(&object.name);
        conn.execute_batch(&format!("CREATE TABLE {table} ({});", columns.join(", ")))
            .unwrap();
        conn.execute_batch(&format!(
            "INSERT INTO {table} (\"Id\", \"Status\", \"Priority\", \"Cost\", \"Order Date\", \
             \"group\", \"Notes\", \"CustomerId\") VALUES
             (1, 'open', 3, 120.0, '2024-02-01', 'north', 'replace pump', 'C1'),
             (2, 'assigned', 1, 8.5, '2023-12-15', 'south', NULL, 'C2'),
             (3, 'closed', 2, 60.0, '2024-01-10', 'north', 'a; drop table WorkOrder', 'C1'),
             (4, 'it''s open', 5, NULL, NULL, 'east', '-- not a comment', 'C3'),
             (5, 'open', -1, 0.0, '2024-03-05', 'north', '', 'C2');"
        ))
        .unwrap();
        conn
    }

    /// A bound value for rusqlite.
    fn sql_value(value: &Value) -> SqlValue {
        match value {
            Value::Null => SqlValue::Null,
            Value::Integer(i) => SqlValue::Integer(*i),
            Value::Real(r) => SqlValue::Real(*r),
            Value::Text(t) => SqlValue::Text(t.clone()),
            Value::Blob(b) => SqlValue::Blob(b.clone()),
            Value::Boolean(b) => SqlValue::Integer(i64::from(*b)),
        }
    }

    /// The statement selecting the ids of a resolved query, and its parameters.
    fn select_ids(object: &Object, resolved: &Resolved) -> (String, Vec<SqlValue>) {
        let mut params = Vec::new();
        let mut sql = format!("SELECT \"Id\" FROM {}", quote_ident(&object.name));
        if let Some(condition) = &resolved.condition {
            sql.push_str(" WHERE ");
            sql.push_str(&render_condition(condition, &mut params));
        }
        if !resolved.order_by.is_empty() {
            sql.push_str(" ORDER BY ");
            sql.push_str(&render_order(&resolved.order_by));
        }
        if resolved.limit.is_some() || resolved.offset.is_some() {
            let limit = resolved.limit.map_or(-1, |l| i64::try_from(l).unwrap());
            sql.push_str(&format!(
                " LIMIT {limit} OFFSET {}",
                resolved.offset.unwrap_or(0)
            ));
        }
        (sql, params.iter().map(sql_value).collect())
    }

    /// Runs a resolved query; returns the ids it selects, in order.
    fn run(conn: &Connection, object: &Object, resolved: &Resolved) -> Vec<i64> {
        let (sql, params) = select_ids(object, resolved);
        let params = rusqlite::params_from_iter(params);
        let mut statement = conn.prepare(&sql).unwrap_or_else(|e| panic!("{sql}: {e}"));
        let ids = statement
            .query_map(params.clone(), |row| row.get::<_, i64>(0))
            .unwrap()
            .collect::<rusqlite::Result<Vec<_>>>()
            .unwrap_or_else(|e| panic!("{sql}: {e}"));
        let count: i64 = conn
            .query_row(&format!("SELECT count(*) FROM ({sql})"), params, |row| {
                row.get(0)
            })
            .unwrap();
        assert_eq!(usize::try_from(count).unwrap(), ids.len(), "{sql}");
        ids
    }

    /// Parses a clause for reading.
    fn read(clause: &str) -> Result<Resolved> {
        parse_clause(clause, &work_order(), Mode::Read)
    }

    /// The ids a read clause selects from the test rows.
    fn ids(clause: &str) -> Vec<i64> {
        let object = work_order();
        let resolved = read(clause).unwrap_or_else(|e| panic!("{clause}: {e}"));
        run(&database(&object), &object, &resolved)
    }

    /// The message of the error a read clause fails with.
    fn read_error(clause: &str) -> String {
        match read(clause) {
            Ok(r) => panic!("`{clause}` was accepted: {r:?}"),
            Err(e) => e.to_string(),
        }
    }

    /// What the message of each kind of fixture rejection must mention.
    fn expected_words(why: &str) -> &'static str {
        match why {
            "a second statement" => "second statement",
            "a comment that hides the rest" => "comment",
            "a subquery" => "subquer",
            "an unknown column" => "no field",
            "a column of another table" => "qualified",
            "a function outside the allowed list" => "function",
            "a compound query" => "compound",
            "not a complete condition" => "incomplete",
            "an unterminated string" => "unterminated",
            "a join" => "join",
            "grouping is not a filter" => "group",
            "order by in an update or delete" => "order by",
            "limit in an update or delete" => "limit",
            "a placeholder the caller cannot bind" => "placeholder",
            "not a condition" => "not a condition",
            other => panic!("no expectation for fixture reason `{other}`"),
        }
    }

    /// The fixture's cases of one kind (`accept` or `reject`).
    fn cases(kind: &str) -> Vec<serde_json::Value> {
        fixture()[kind].as_array().unwrap().clone()
    }

    #[test]
    fn fixture_clauses_are_accepted_and_run_in_sqlite() {
        let object = work_order();
        let conn = database(&object);
        for case in cases("accept") {
            let clause = case["clause"].as_str().unwrap();
            let resolved = parse_clause(clause, &object, Mode::Read)
                .unwrap_or_else(|e| panic!("`{clause}` rejected: {e}"));
            run(&conn, &object, &resolved);
            if case["read_only"].as_bool() != Some(true) {
                let written = parse_clause(clause, &object, Mode::Write)
                    .unwrap_or_else(|e| panic!("`{clause}` rejected for writes: {e}"));
                assert_eq!(written, resolved, "{clause}");
            }
        }
    }

    #[test]
    fn fixture_rejections_name_the_problem() {
        let object = work_order();
        for case in cases("reject") {
            let clause = case["clause"].as_str().unwrap();
            let write = case["write"].as_bool() == Some(true);
            let mode = if write { Mode::Write } else { Mode::Read };
            let error = match parse_clause(clause, &object, mode) {
                Ok(r) => panic!("`{clause}` was accepted: {r:?}"),
                Err(e) => e,
            };
            assert!(
                matches!(
                    error,
                    Error::InvalidFilter { .. } | Error::UnknownField { .. }
                ),
                "{clause}: {error:?}"
            );
            let message = error.to_string();
            let why = case["why"].as_str().unwrap();
            let words = expected_words(why);
            assert!(
                message.to_lowercase().contains(words),
                "`{clause}` ({why}): message `{message}` does not mention `{words}`"
            );
            assert!(message.contains("WorkOrder"), "{message}");
            if write {
                parse_clause(clause, &object, Mode::Read)
                    .unwrap_or_else(|e| panic!("`{clause}` rejected for reads: {e}"));
            }
        }
    }

    #[test]
    fn values_select_exactly_their_rows() {
        assert_eq!(ids("Status = 'it''s open'"), [4]);
        assert_eq!(ids("Notes = '-- not a comment'"), [4]);
        assert_eq!(ids("Priority = -1"), [5]);
        assert_eq!(ids("Status in ('open', 'assigned')"), [1, 2, 5]);
        assert_eq!(ids("Status not in ('closed')"), [1, 2, 4, 5]);
        assert_eq!(ids("Priority between 1 and 3"), [1, 2, 3]);
        assert_eq!(ids("Notes like '%PUMP%'"), [1]);
        assert_eq!(ids("Notes is null"), [2]);
        assert_eq!(ids("coalesce(Notes, '') = ''"), [2, 5]);
        assert_eq!(
            ids("lower(Status) = 'open' and \"group\" = 'north'"),
            [1, 5]
        );
        assert_eq!(ids("Cost * 2 > 100"), [1, 3]);
        assert_eq!(ids("\"Order Date\" >= '2024-01-01' and Cost < 100"), [3, 5]);
        assert_eq!(ids("Status || '/' || \"group\" = 'open/north'"), [1, 5]);
        assert_eq!(ids("Notes like '%!%%' escape '!'"), [0_i64; 0]);
        assert_eq!(ids("true and not false"), [1, 2, 3, 4, 5]);
    }

    #[test]
    fn injected_sql_stays_a_value() {
        let object = work_order();
        let conn = database(&object);
        let resolved = read("Notes = 'a; drop table WorkOrder'").unwrap();
        assert_eq!(run(&conn, &object, &resolved), [3]);
        let tables: i64 = conn
            .query_row(
                "SELECT count(*) FROM sqlite_master WHERE name = 'WorkOrder'",
                [],
                |row| row.get(0),
            )
            .unwrap();
        assert_eq!(tables, 1);
        assert_eq!(run(&conn, &object, &Resolved::default()).len(), 5);
    }

    #[test]
    fn order_limit_and_offset_apply() {
        assert_eq!(ids("order by Priority desc"), [4, 1, 3, 2, 5]);
        assert_eq!(
            ids("Status = 'open' order by \"Order Date\" asc, Id desc"),
            [1, 5]
        );
        assert_eq!(ids("order by \"group\", Id desc"), [4, 5, 3, 1, 2]);
        assert_eq!(ids("order by Id limit 2 offset 1"), [2, 3]);
        assert_eq!(ids("order by Id limit 1, 2"), [2, 3]);
        assert_eq!(ids("order by Id offset 3"), [4, 5]);
        assert_eq!(ids("Status = 'open' limit 10"), [1, 5]);
        assert_eq!(
            ids("Status = 'open' order by Id limit 10 offset 20"),
            [0_i64; 0]
        );
        assert_eq!(ids("limit 0"), [0_i64; 0]);
    }

    #[test]
    fn conditions_become_these_trees() {
        let column = |name: &str| Box::new(Expr::Column(name.to_owned()));
        let literal = |value: Value| Box::new(Expr::Literal(value));
        let resolved = read("Status = 'open' and Priority > 2").unwrap();
        let expected = Expr::Binary {
            left: Box::new(Expr::Binary {
                left: column("Status"),
                op: BinaryOp::Eq,
                right: literal(Value::Text("open".into())),
            }),
            op: BinaryOp::And,
            right: Box::new(Expr::Binary {
                left: column("Priority"),
                op: BinaryOp::Gt,
                right: literal(Value::Integer(2)),
            }),
        };
        assert_eq!(resolved.condition, Some(expected));

        let resolved = read("not priority between -1 and 2.5 or lower(STATUS) like 'op%'").unwrap();
        let expected = Expr::Binary {
            left: Box::new(Expr::Unary {
                op: UnaryOp::Not,
                expr: Box::new(Expr::Between {
                    expr: column("Priority"),
                    low: literal(Value::Integer(-1)),
                    high: literal(Value::Real(2.5)),
                    negated: false,
                }),
            }),
            op: BinaryOp::Or,
            right: Box::new(Expr::Like {
                expr: Box::new(Expr::Function {
                    function: Function::Lower,
                    args: vec![Expr::Column("Status".into())],
                }),
                pattern: literal(Value::Text("op%".into())),
                escape: None,
                negated: false,
            }),
        };
        assert_eq!(resolved.condition, Some(expected));

        let resolved = read(
            "\"Order Date\" is not null and Id not in (1, null) order by Cost desc, id limit 5",
        )
        .unwrap();
        let expected = Resolved {
            condition: Some(Expr::Binary {
                left: Box::new(Expr::IsNull {
                    expr: column("Order Date"),
                    negated: true,
                }),
                op: BinaryOp::And,
                right: Box::new(Expr::InList {
                    expr: column("Id"),
                    list: vec![Expr::Literal(Value::Integer(1)), Expr::Literal(Value::Null)],
                    negated: true,
                }),
            }),
            order_by: vec![OrderBy::desc("Cost"), OrderBy::asc("Id")],
            limit: Some(5),
            offset: None,
        };
        assert_eq!(resolved, expected);
    }

    #[test]
    fn where_is_optional_in_any_case() {
        let plain = read("Status = 'open'").unwrap();
        for clause in [
            "where Status = 'open'",
            "WHERE Status = 'open'",
            "  WhErE\tStatus = 'open' ",
        ] {
            assert_eq!(read(clause).unwrap(), plain, "{clause}");
        }
        assert_eq!(read("").unwrap(), Resolved::default());
        assert_eq!(read(" \n\t ").unwrap(), Resolved::default());
        let object = work_order();
        for clause in ["-- everything", "/* everything */", " /**/ "] {
            let error = parse_clause(clause, &object, Mode::Write).unwrap_err();
            assert!(error.to_string().contains("comments"), "{error}");
        }
        assert!(read_error("where").contains("followed by a condition"));
        assert!(read_error("where order by Id").contains("followed by a condition"));
    }

    #[test]
    fn quoted_and_case_folded_columns_resolve_to_schema_names() {
        for clause in [
            "\"Order Date\" >= '2024-01-01'",
            "[Order Date] >= '2024-01-01'",
            "`Order Date` >= '2024-01-01'",
            "\"ORDER date\" >= '2024-01-01'",
        ] {
            let condition = read(clause).unwrap().condition.unwrap();
            let Expr::Binary { left, .. } = condition else {
                panic!("{clause}: {condition:?}");
            };
            assert_eq!(*left, Expr::Column("Order Date".into()), "{clause}");
        }
        assert_eq!(ids("\"Order Date\" >= '2024-01-01'"), [1, 3, 5]);
        let resolved = read("order by \"order date\" DESC").unwrap();
        assert_eq!(resolved.order_by, [OrderBy::desc("Order Date")]);
    }

    #[test]
    fn unknown_columns_are_named() {
        for clause in [
            "Secret = 1",
            "lower(Secret) = 'x'",
            "order by Secret",
            "\"Secret\" is null",
        ] {
            match read(clause) {
                Err(Error::UnknownField { object, field }) => {
                    assert_eq!((object.as_str(), field.as_str()), ("WorkOrder", "Secret"));
                }
                other => panic!("{clause}: {other:?}"),
            }
        }
        assert!(read_error("Secret = 1").contains("Secret"));
        // A double-quoted word is a name, never a string as SQLite's fallback would make it.
        assert!(read_error("Status = \"open\"").contains("no field `open`"));
    }

    #[test]
    fn writes_take_a_condition_only() {
        let object = work_order();
        for (clause, part) in [
            ("Status = 'open' order by Id", "order by"),
            ("Status = 'open' limit 1", "limit"),
            ("offset 2", "offset"),
            (
                "order by Id limit 1 offset 2",
                "order by and limit and offset",
            ),
        ] {
            let error = parse_clause(clause, &object, Mode::Write).unwrap_err();
            let message = error.to_string();
            assert!(message.contains("update or delete"), "{message}");
            assert!(
                message.contains(&format!("{part} is for reads")),
                "{message}"
            );
            assert!(
                parse_clause(clause, &object, Mode::Read).is_ok(),
                "{clause}"
            );
        }
        let resolved = parse_clause("where Id = 3", &object, Mode::Write).unwrap();
        assert_eq!(run(&database(&object), &object, &resolved), [3]);
    }

    #[test]
    fn absurd_nesting_is_an_error_not_a_crash() {
        let n = 10_000;
        let clauses = [
            format!("{}Id = 1{}", "(".repeat(n), ")".repeat(n)),
            format!("{}Id = 1", "not ".repeat(n)),
            format!("Id = {}1", "- ".repeat(n)),
            format!("{}Notes{} = 'x'", "lower(".repeat(n), ")".repeat(n)),
            format!("Id in {}1{}", "(".repeat(n), ")".repeat(n)),
            vec!["Id = 1"; 100_000].join(" or "),
            vec!["Notes"; 100_000].join(" || "),
            format!("Id{}", " is null".repeat(n)),
            vec!["Id = 1"; 300].join(" or "),
        ];
        for clause in &clauses {
            let message = read_error(clause);
            assert!(
                message.contains("nested too deeply") || message.contains("too long"),
                "{}: {message}",
                shorten(clause)
            );
        }
        // Reasonable nesting and long alternatives still work.
        assert_eq!(
            ids(&format!("{}Id = 2{}", "(".repeat(30), ")".repeat(30))),
            [2]
        );
        assert_eq!(ids(&vec!["Id = 2"; 200].join(" or ")), [2]);
        let many: Vec<String> = (0..20_000).map(|i| i.to_string()).collect();
        assert_eq!(
            ids(&format!("Id in ({}) and Id < 3", many.join(", "))),
            [1, 2]
        );
    }

    #[test]
    fn mutated_clauses_never_panic() {
        let object = work_order();
        let conn = database(&object);
        let alphabet = b" '\"()[]`;-/*+.,?:@$%|=<>!~&#\\0123456789eEaOrdernotl_\n\t";
        let mut pick = generator(0x2545_f491_4f6c_dd1d);
        let mut accepted = 0;
        for case in cases("accept").iter().chain(cases("reject").iter()) {
            let clause = case["clause"].as_str().unwrap().as_bytes().to_vec();
            for _ in 0..300 {
                let mut bytes = clause.clone();
                for _ in 0..=pick(3) {
                    let at = pick(bytes.len() + 1);
                    let byte = alphabet[pick(alphabet.len())];
                    match pick(3) {
                        0 if at < bytes.len() => bytes[at] = byte,
                        1 if at < bytes.len() => {
                            bytes.remove(at);
                        }
                        _ => bytes.insert(at, byte),
                    }
                }
                let text = String::from_utf8_lossy(&bytes);
                for mode in [Mode::Read, Mode::Write] {
                    if let Ok(resolved) = parse_clause(&text, &object, mode) {
                        accepted += 1;
                        let (sql, _) = select_ids(&object, &resolved);
                        conn.prepare(&sql)
                            .unwrap_or_else(|e| panic!("{text}: {sql}: {e}"));
                    }
                }
            }
        }
        assert!(accepted > 100, "only {accepted} mutations parsed");
    }

    /// A small deterministic pseudo-random generator for the generated tests.
    fn generator(seed: u64) -> impl FnMut(usize) -> usize {
        let mut state = seed;
        move |bound| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            usize::try_from(state % bound as u64).unwrap()
        }
    }

    /// Runs raw SQL text as SQLite reads it; `None` when SQLite refuses it.
    fn raw_ids(conn: &Connection, clause: &str) -> Option<Vec<i64>> {
        let sql = format!("SELECT \"Id\" FROM \"WorkOrder\" WHERE {clause}");
        let mut statement = conn.prepare(&sql).ok()?;
        let rows = statement.query_map([], |row| row.get::<_, i64>(0)).ok()?;
        rows.collect::<rusqlite::Result<Vec<_>>>().ok()
    }

    #[test]
    fn accepted_clauses_select_what_sqlite_would() {
        let object = work_order();
        let conn = database(&object);
        let operands = [
            "Id",
            "status",
            "Priority",
            "Cost",
            "Notes",
            "1",
            "2",
            "0",
            "'a'",
            "'1'",
            "null",
            "-1",
            "2.5",
            "lower(Status)",
            "true",
        ];
        let operators = [
            "=", "<>", "<", "<=", ">", ">=", "+", "-", "*", "/", "%", "||", "and", "or", "==",
        ];
        let suffixes = [
            " is null",
            " is not null",
            " between 1 and 3",
            " not between 0 and 'b'",
            " in (1, 'a', null)",
            " like 'a%'",
            " not like '%1'",
        ];
        let mut pick = generator(0x1234_5678_9abc_def1);
        let mut compared = 0;
        for _ in 0..4_000 {
            let mut clause = String::new();
            for i in 0..=pick(4) {
                if i > 0 {
                    clause.push_str(&format!(" {} ", operators[pick(operators.len())]));
                }
                clause.push_str(["not ", "- ", "", "", "", ""][pick(6)]);
                clause.push_str(operands[pick(operands.len())]);
                clause.push_str(
                    suffixes
                        .get(pick(suffixes.len() * 3))
                        .copied()
                        .unwrap_or(""),
                );
            }
            let Ok(resolved) = read(&clause) else {
                continue;
            };
            let mut ours = run(&conn, &object, &resolved);
            let mut theirs = raw_ids(&conn, &clause).unwrap();
            ours.sort_unstable();
            theirs.sort_unstable();
            assert_eq!(ours, theirs, "{clause}");
            compared += 1;
        }
        assert!(compared > 2_000, "only {compared} clauses compared");
    }

    #[test]
    fn statements_comments_and_placeholders_are_refused() {
        for (clause, words) in [
            ("Status = 'open';", "second statement"),
            ("Status = 'open' /* hidden */", "comment"),
            ("Status = /* x */ 'open'", "comment"),
            ("Status = 'open' /* unterminated", "comment"),
            ("Status = ?", "placeholder"),
            ("Status = :status", "placeholder"),
            ("Status = @status", "placeholder"),
            ("Status = $status", "placeholder"),
            ("order by Id limit ?", "placeholder"),
            ("select * from WorkOrder", "not a condition"),
            ("delete from WorkOrder", "not a condition"),
            ("Status = 'open' intersect select 1", "compound"),
            ("Status = 'open' group by Status", "group"),
            ("Status = 'open' having count(*) > 1", "group"),
            ("Status = 'open' left join Customer", "join"),
            ("WorkOrder.Id = 1", "qualified"),
            ("main.WorkOrder.Id = 1", "qualified"),
            ("Id = (select 1)", "subquer"),
            ("not exists (select 1)", "subquer"),
            ("case when Id = 1 then 1 else 0 end = 1", "case"),
            ("cast(Id as text) = '1'", "cast"),
            ("Id::text = '1'", "cast"),
            ("Status = 'open' collate nocase", "collate"),
            ("Status glob 'o*'", "operator"),
            ("Id & 1 = 1", "operator"),
            ("~Id = 1", "operator"),
            ("Id is 1", "`is`"),
            ("Id is true", "`is`"),
            ("Id = 0x10", "hexadecimal"),
            ("Notes = X'41'", "hexadecimal"),
            ("Status = N'open'", "unexpected `'open'`"),
            ("Cost = 1e999", "number"),
            ("Id in WorkOrder", "list of values"),
            ("(Id, Priority) = (1, 2)", "row values"),
            ("Status = 'open' limit -1", "whole number"),
            ("limit 99999999999999999999", "whole number"),
            ("limit 1 order by Id", "in this order"),
            ("order by lower(Status)", "column names only"),
            ("order by Id nulls first", "unexpected `NULLS`"),
            ("Status = 'open' Priority = 1", "unexpected `Priority`"),
            ("Status = ", "incomplete"),
            ("Status = 'open", "unterminated"),
        ] {
            let message = read_error(clause);
            assert!(
                message.to_lowercase().contains(&words.to_lowercase()),
                "`{clause}`: `{message}` does not mention `{words}`"
            );
        }
    }

    #[test]
    fn only_listed_functions_with_plain_arguments() {
        for clause in [
            "trim(Notes) = 'x'",
            "trim(Notes, 'x') = ''",
            "substr(Status, 1, 2) = 'op'",
            "substr(Status, 2) = 'pen'",
            "upper(Status) = 'OPEN' and length(Notes) > 3 and abs(Priority) = 1",
            "round(Cost, 1) > 1 and round(Cost) > 1",
            "ifnull(Notes, 'none') <> 'x'",
            "date('now') > \"Order Date\" and time('12:00') = '12:00:00'",
            "datetime(\"Order Date\", '+1 day') > '2024-01-01'",
            "strftime('%Y', \"Order Date\") = '2024'",
            "coalesce(Notes, Status, 'x') <> ''",
            "\"lower\"(Status) = 'open'",
        ] {
            ids(clause);
        }
        for (clause, words) in [
            ("load_extension('x')", "function `load_extension`"),
            ("randomblob(10) = Notes", "function `randomblob`"),
            ("sqlite_version() = '3'", "function `sqlite_version`"),
            ("substring(Status, 1, 2) = 'op'", "substr"),
            ("substr(Status from 1 for 2) = 'op'", "substr"),
            ("trim(both 'x' from Status) = 'op'", "trim"),
            ("main.lower(Status) = 'open'", "qualified"),
            (
                "lower(Status, 1) = 'open'",
                "lower() takes 1 arguments, not 2",
            ),
            ("substr(Status) = 'open'", "takes 2 to 3 arguments"),
            ("ifnull(Status) = 'open'", "takes 2 arguments"),
            ("count(*) > 1", "function `count`"),
            ("lower(*) = 'x'", "plain arguments"),
            ("lower(distinct Status) = 'x'", "plain arguments"),
            ("lower(all Status) = 'x'", "plain arguments"),
            (
                "lower(Status) filter (where Id = 1) = 'x'",
                "plain arguments",
            ),
            ("lower(Status) over () = 'x'", "plain arguments"),
            ("lower(x => Status) = 'x'", "plain arguments"),
            ("lower((select 1)) = 'x'", "subquer"),
            ("ceil(Cost) = 1", "not allowed"),
        ] {
            let message = read_error(clause);
            assert!(
                message.contains(words),
                "`{clause}`: `{message}` lacks `{words}`"
            );
        }
        for name in FUNCTION_NAMES {
            assert_eq!(Function::from_name(name).map(Function::name), Some(name));
        }
    }

    #[test]
    fn operators_keep_sqlite_precedence_or_are_refused() {
        assert!(read_error("Cost * 2 || 'x' = '240.0x'").contains("parentheses"));
        assert!(read_error("Notes like 'a' = 0").contains("parentheses"));
        assert!(read_error("Notes like 'a' escape 'b' = 0").contains("parentheses"));
        assert!(read_error("Notes is null + 1 = 1").contains("parentheses"));
        assert!(read_error("Notes like 'a' || Id in (1) + 1").contains("parentheses"));
        assert!(read_error("Notes like 'a' > 2 in (1) >= 1").contains("parentheses"));
        assert!(read_error("Notes is not null || 'x' = '1x'").contains("parentheses"));
        assert_eq!(ids("(Notes is null) + 1 = 2"), [2]);
        assert_eq!(ids("Notes is null = 1 or Notes is null and Id = 1"), [2]);
        assert_eq!(ids("(Cost * 2) || 'x' = '240.0x'"), [1]);
        assert_eq!(ids("Cost || 'x' = '120.0x'"), [1]);
        assert_eq!(ids("'1' || Priority * 2 = 26"), [1]);
        assert_eq!(ids("(Notes like 'a%') = 1"), [3]);
        assert_eq!(ids("-Priority || 'x' = '1x'"), [5]);
        assert_eq!(
            ids("Priority - 1 * 2 = 1 or Priority % 2 = 0 and Id = 3"),
            [1, 3]
        );
    }

    #[test]
    fn numbers_become_integers_or_reals() {
        let value = |clause: &str| match read(clause).unwrap().condition {
            Some(Expr::Binary { right, .. }) => *right,
            other => panic!("{clause}: {other:?}"),
        };
        let lit = Expr::Literal;
        assert_eq!(
            value("Id = 9223372036854775807"),
            lit(Value::Integer(i64::MAX))
        );
        assert_eq!(
            value("Id = -9223372036854775808"),
            lit(Value::Integer(i64::MIN))
        );
        assert_eq!(
            value("Id = 9223372036854775808"),
            lit(Value::Real(9.223_372_036_854_776e18))
        );
        assert_eq!(value("Id = 1_000"), lit(Value::Integer(1000)));
        assert_eq!(value("Cost = .5"), lit(Value::Real(0.5)));
        assert_eq!(value("Cost = 2."), lit(Value::Real(2.0)));
        assert_eq!(value("Cost = +1e3"), lit(Value::Real(1000.0)));
        assert_eq!(value("Cost = 'x'"), lit(Value::Text("x".into())));
        assert_eq!(
            value(r"Notes = 'C:\temp\'"),
            lit(Value::Text(r"C:\temp\".into()))
        );
        assert_eq!(
            value("Notes = 'é -- /* ;'"),
            lit(Value::Text("é -- /* ;".into()))
        );
        assert_eq!(value("Cost = null"), lit(Value::Null));
        assert_eq!(value("Cost = TRUE"), lit(Value::Boolean(true)));
        assert_eq!(
            value("Cost = - Priority"),
            Expr::Unary {
                op: UnaryOp::Neg,
                expr: Box::new(Expr::Column("Priority".into()))
            }
        );
    }
}
