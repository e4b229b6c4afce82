//! One SQL text, two databases: a connection, pool or transaction on SQLite or PostgreSQL
//! behind one small interface, so every query in this crate is written once.
//!
//! Queries use `$1`-style placeholders, which both drivers accept. Arguments are passed as
//! [`Arg`]s and bound natively; rows decode through `sqlx::FromRow`, derived once per row type
//! for both databases. The few places where the SQL itself differs ask [`Backend`].

mod handle;
mod pools;

pub use handle::{Handle, LockTable};
pub use pools::{Pools, Work};

use std::borrow::Cow;

use sqlx::FromRow;
use sqlx::postgres::PgRow;
use sqlx::sqlite::SqliteRow;

/// SQL text: a `&'static str` for fixed queries, a `String` for the few built at run time
/// (only ever from fixed fragments; values always travel as bound arguments).
pub type Sql = Cow<'static, str>;

/// Which database a handle talks to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// A value bound to a placeholder.
#[derive(Debug, Clone, Copy)]
pub enum Arg<'a> {
    Int(Option<i64>),
    Text(Option<&'a str>),
    Bool(bool),
}

impl From<i64> for Arg<'_> {
    fn from(v: i64) -> Self {
        Self::Int(Some(v))
    }
}
impl From<Option<i64>> for Arg<'_> {
    fn from(v: Option<i64>) -> Self {
        Self::Int(v)
    }
}
impl<'a> From<&'a str> for Arg<'a> {
    fn from(v: &'a str) -> Self {
        Self::Text(Some(v))
    }
}
impl<'a> From<&'a String> for Arg<'a> {
    fn from(v: &'a String) -> Self {
        Self::Text(Some(v.as_str()))
    }
}
impl<'a> From<Option<&'a str>> for Arg<'a> {
    fn from(v: Option<&'a str>) -> Self {
        Self::Text(v)
    }
}
impl From<bool> for Arg<'_> {
    fn from(v: bool) -> Self {
        Self::Bool(v)
    }
}

/// A row type that decodes from both databases.
pub trait AnyRow:
    for<'r> FromRow<'r, SqliteRow> + for<'r> FromRow<'r, PgRow> + Send + Unpin
{
}
impl<T> AnyRow for T where
    T: for<'r> FromRow<'r, SqliteRow> + for<'r> FromRow<'r, PgRow> + Send + Unpin
{
}

/// `$from, $from+1, …`: `n` placeholders from number `from`.
pub fn placeholders(from: usize, n: usize) -> String {
    (from..from + n)
        .map(|i| format!("${i}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// `($1, $2), ($3, $4), …`: the placeholders of a multi-row insert of `rows` rows of
/// `columns` values each.
pub fn value_rows(rows: usize, columns: usize) -> String {
    let mut sql = String::with_capacity(rows * columns * 5);
    for i in 0..rows {
        if i > 0 {
            sql.push_str(", ");
        }
        sql.push('(');
        for c in 0..columns {
            if c > 0 {
                sql.push_str(", ");
            }
            sql.push_str(&format!("${}", i * columns + c + 1));
        }
        sql.push(')');
    }
    sql
}

/// A single `i64` column, for counts and returned ids.
#[derive(Debug, sqlx::FromRow)]
pub struct Int(pub i64);
