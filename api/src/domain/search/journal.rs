//! The search journal: the ids of the articles whose indexed text,
//! status or links a transaction changed, appended in that transaction.
//! Each replica's embedded index replays it from its cursor
//! (`embedded/follow.rs`).

use chrono::Utc;
use sea_orm::{ConnectionTrait, DbBackend, Statement, Value};

use crate::platform::{db::append_lock::lock_appends, error::AppResult};

/// Appends `ids`. On PostgreSQL it takes the append lock first, so that
/// entries become visible in `seq` order: a follower that read up to
/// `seq` has seen everything before it.
pub async fn append(db: &impl ConnectionTrait, ids: &[i64]) -> AppResult<()> {
    if ids.is_empty() {
        return Ok(());
    }
    lock_appends(db).await?;
    let backend = db.get_database_backend();
    let now = Utc::now();
    let mut rows = Vec::with_capacity(ids.len());
    let mut values: Vec<Value> = Vec::with_capacity(ids.len() * 2);
    for (i, id) in ids.iter().enumerate() {
        rows.push(match backend {
            DbBackend::Postgres => format!("(${}, ${})", i * 2 + 1, i * 2 + 2),
            _ => "(?, ?)".to_owned(),
        });
        values.extend([(*id).into(), now.into()]);
    }
    let sql = format!(
        "INSERT INTO search_journal (article_id, recorded_at) VALUES {}",
        rows.join(", ")
    );
    db.execute_raw(Statement::from_sql_and_values(backend, sql, values))
        .await?;
    Ok(())
}
