//! Autocomplete: names whose words start with what the reader typed
//! ("dan van" finds "Ban Dân vận Tỉnh ủy").

use sea_orm::{ConnectionTrait, DbBackend, FromQueryResult, Statement, Value};

use super::{fold::fold, names::NameKind};
use crate::platform::error::{AppError, AppResult};

/// One suggested name.
#[derive(Clone, Debug, PartialEq, FromQueryResult)]
pub struct NameHit {
    pub kind: String,
    pub target_id: i64,
    pub name: String,
}

/// Up to `limit` names of `kinds` with a word sequence starting with
/// `prefix` (folded): names that start with it first, then shorter names.
pub async fn suggest(
    db: &impl ConnectionTrait,
    prefix: &str,
    kinds: &[NameKind],
    limit: u64,
) -> AppResult<Vec<NameHit>> {
    let folded = fold(prefix);
    if folded.is_empty() {
        return Err(AppError::bad_input(
            "prefix",
            "type at least one letter or digit",
        ));
    }
    if prefix.chars().count() > 100 {
        return Err(AppError::bad_input(
            "prefix",
            "the prefix is longer than 100 characters",
        ));
    }
    let backend = db.get_database_backend();
    // Folded text is `[a-z0-9 ]` only: nothing in it is a LIKE wildcard.
    let anywhere = format!("% {folded}%");
    let start = format!("{folded}%");
    let kinds_sql = kinds
        .iter()
        .map(|k| format!("'{}'", k.as_str()))
        .collect::<Vec<_>>()
        .join(",");
    let (p1, p2) = match backend {
        DbBackend::Postgres => ("$1", "$2"),
        _ => ("?", "?"),
    };
    let sql = format!(
        "SELECT kind, target_id, name FROM search_names
         WHERE kind IN ({kinds_sql}) AND (' ' || folded) LIKE {p1}
         ORDER BY CASE WHEN folded LIKE {p2} THEN 0 ELSE 1 END, LENGTH(folded), folded, target_id
         LIMIT {limit}"
    );
    Ok(NameHit::find_by_statement(Statement::from_sql_and_values(
        backend,
        sql,
        [Value::from(anywhere), Value::from(start)],
    ))
    .all(db)
    .await?)
}
