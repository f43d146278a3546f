//! Rendering of checked expressions to SQL text with bound parameters.

use std::fmt::Write;

use super::{BinaryOp, Expr, OrderBy, UnaryOp};
use crate::value::Value;

/// Quotes an identifier for SQLite: wrapped in double quotes, inner quotes doubled.
pub(crate) fn quote_ident(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

/// Renders a condition, appending its values to `params`.
pub(crate) fn render_condition(expr: &Expr, params: &mut Vec<Value>) -> String {
    let mut sql = String::new();
    render(expr, &mut sql, params);
    sql
}

/// Renders an `order by` list (without the keywords); empty for none.
pub(crate) fn render_order(order: &[OrderBy]) -> String {
    order
        .iter()
        .map(|o| {
            let dir = if o.descending { " DESC" } else { " ASC" };
            format!("{}{dir}", quote_ident(&o.column))
        })
        .collect::<Vec<_>>()
        .join(", ")
}

fn render(expr: &Expr, sql: &mut String, params: &mut Vec<Value>) {
    match expr {
        Expr::Column(name) => sql.push_str(&quote_ident(name)),
        Expr::Literal(value) => {
            params.push(value.clone());
            sql.push('?');
        }
        Expr::Unary { op, expr } => {
            sql.push_str(match op {
                UnaryOp::Not => "(NOT ",
                UnaryOp::Neg => "(- ",
                UnaryOp::Plus => "(+ ",
            });
            render(expr, sql, params);
            sql.push(')');
        }
        Expr::Binary { left, op, right } => {
            sql.push('(');
            render(left, sql, params);
            sql.push_str(binary_op(*op));
            render(right, sql, params);
            sql.push(')');
        }
        Expr::InList {
            expr,
            list,
            negated,
        } => {
            sql.push('(');
            render(expr, sql, params);
            sql.push_str(if *negated { " NOT IN (" } else { " IN (" });
            for (i, item) in list.iter().enumerate() {
                if i > 0 {
                    sql.push_str(", ");
                }
                render(item, sql, params);
            }
            sql.push_str("))");
        }
        Expr::Between {
            expr,
            low,
            high,
            negated,
        } => {
            sql.push('(');
            render(expr, sql, params);
            sql.push_str(if *negated {
                " NOT BETWEEN "
            } else {
                " BETWEEN "
            });
            render(low, sql, params);
            sql.push_str(" AND ");
            render(high, sql, params);
            sql.push(')');
        }
        Expr::Like {
            expr,
            pattern,
            escape,
            negated,
        } => {
            sql.push('(');
            render(expr, sql, params);
            sql.push_str(if *negated { " NOT LIKE " } else { " LIKE " });
            render(pattern, sql, params);
            if let Some(escape) = escape {
                sql.push_str(" ESCAPE ");
                render(escape, sql, params);
            }
            sql.push(')');
        }
        Expr::IsNull { expr, negated } => {
            sql.push('(');
            render(expr, sql, params);
            sql.push_str(if *negated {
                " IS NOT NULL)"
            } else {
                " IS NULL)"
            });
        }
        Expr::Function { function, args } => {
            let _ = write!(sql, "{}(", function.name());
            for (i, arg) in args.iter().enumerate() {
                if i > 0 {
                    sql.push_str(", ");
                }
                render(arg, sql, params);
            }
            sql.push(')');
        }
    }
}

fn binary_op(op: BinaryOp) -> &'static str {
    match op {
        BinaryOp::Eq => " = ",
        BinaryOp::NotEq => " <> ",
        BinaryOp::Lt => " < ",
        BinaryOp::LtEq => " <= ",
        BinaryOp::Gt => " > ",
        BinaryOp::GtEq => " >= ",
        BinaryOp::And => " AND ",
        BinaryOp::Or => " OR ",
        BinaryOp::Add => " + ",
        BinaryOp::Sub => " - ",
        BinaryOp::Mul => " * ",
        BinaryOp::Div => " / ",
        BinaryOp::Mod => " % ",
        BinaryOp::Concat => " || ",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Filter;

    #[test]
    fn values_become_parameters_and_names_are_quoted() {
        let filter = Filter::eq("Order Date", "x'; drop table t; --")
            .and(Filter::is_in("it\"s", [1_i64, 2]));
        let mut params = Vec::new();
        let sql = render_condition(filter.expr(), &mut params);
        assert_eq!(sql, r#"(("Order Date" = ?) AND ("it""s" IN (?, ?)))"#);
        assert_eq!(
            params,
            vec![
                Value::Text("x'; drop table t; --".into()),
                Value::Integer(1),
                Value::Integer(2)
            ]
        );
    }
}
