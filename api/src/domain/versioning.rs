//! Optimistic concurrency: every update names the version it read, and
//! a stale one is a `CONFLICT` that tells the current version. Plain Rust,
//! shared by the catalogue, articles and the scheduler.

use entity::{article, event, organization, person, section, tag};
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect, UpdateMany,
    sea_query::{Expr, ExprTrait},
};

use crate::platform::error::{AppError, AppResult};

/// Rows updated under optimistic concurrency.
pub trait Versioned: EntityTrait {
    /// How the row is named in messages ("person", "article"…).
    const NAME: &'static str;
    fn id_column() -> Self::Column;
    fn version_column() -> Self::Column;
}

macro_rules! versioned {
    ($($entity:ident => $name:literal),+) => {$(
        impl Versioned for $entity::Entity {
            const NAME: &'static str = $name;
            fn id_column() -> Self::Column {
                $entity::Column::Id
            }
            fn version_column() -> Self::Column {
                $entity::Column::Version
            }
        }
    )+};
}
versioned!(person => "person", organization => "organization", event => "event",
           section => "section", tag => "tag", article => "article");

/// An UPDATE of row `id` that only applies while its version is still
/// `expected`, and bumps it. Add the changed columns, then run it with
/// [`run_guarded`]. Being the first statement of its transaction, it takes
/// the write lock before anything is read, so two concurrent updates from
/// the same version cannot both pass.
pub fn guarded<E: Versioned>(id: i64, expected: i32) -> UpdateMany<E> {
    E::update_many()
        .col_expr(E::version_column(), Expr::col(E::version_column()).add(1))
        .filter(E::id_column().eq(id))
        .filter(E::version_column().eq(expected))
}

/// Runs a [`guarded`] update: `NOT_FOUND` when the row does not exist,
/// `CONFLICT` with the current version when `expected` is stale.
pub async fn run_guarded<E: Versioned>(
    db: &impl ConnectionTrait,
    update: UpdateMany<E>,
    id: i64,
) -> AppResult<i32> {
    let result = update.exec(db).await.map_err(write_conflict)?;
    let current: Option<i32> = E::find()
        .select_only()
        .column(E::version_column())
        .filter(E::id_column().eq(id))
        .into_tuple()
        .one(db)
        .await?;
    match (result.rows_affected, current) {
        (1, Some(version)) => Ok(version),
        (_, None) => Err(AppError::NotFound(E::NAME.to_owned())),
        (_, Some(current)) => Err(AppError::StaleVersion {
            kind: E::NAME,
            current,
        }),
    }
}

/// Maps a failed write whose cause is a foreign key (a row deleted in the
/// meantime) or a unique slug taken in a race to `CONFLICT`.
pub fn write_conflict(err: sea_orm::DbErr) -> AppError {
    let text = err.to_string().to_ascii_lowercase();
    if text.contains("foreign key") || text.contains("unique") || text.contains("duplicate") {
        AppError::Conflict(
            "the change conflicts with a concurrent one (a referenced object was removed, or a slug was taken): try again".into(),
        )
    } else {
        AppError::from(err)
    }
}
