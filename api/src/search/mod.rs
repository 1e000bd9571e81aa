//! STUB: Vietnamese-aware full-text search, being written.

use sea_orm::{ConnectionTrait, DatabaseConnection};

use crate::error::AppResult;

/// Rebuilds the search rows of every article; returns how many.
pub async fn reindex(_db: &DatabaseConnection, _progress: bool) -> AppResult<usize> {
    Ok(0)
}

/// Brings the search rows of `ids` up to date (inside the caller's
/// transaction).
pub async fn index_articles(_db: &impl ConnectionTrait, _ids: &[i64]) -> AppResult<()> {
    Ok(())
}
