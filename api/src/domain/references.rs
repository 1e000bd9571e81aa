//! The one way from what a client names — a global ID or a slug, current
//! or old — to a row id, and the one error for a name that matches nothing.
//!
//! | input                         | [`resolve`]      | [`require`] / [`check`]            |
//! |-------------------------------|------------------|------------------------------------|
//! | ID of the right type          | `Some(id)`       | `id` if the row exists, else error |
//! | ID of another type, garbage ID| `BAD_USER_INPUT` | `BAD_USER_INPUT`                   |
//! | slug, current or old          | `Some(id)`       | `id`                               |
//! | unknown slug                  | `None`           | error ([`unknown`])                |
//!
//! A string that decodes as a global ID is an ID; anything else is a slug.

use sea_orm::{ColumnTrait, ConnectionTrait, QueryFilter};

use crate::{
    domain::slugs::{self, Slugged},
    platform::error::{AppError, AppResult, Errors},
    platform::ids,
};

/// The row id `value` names, without checking that an ID's row exists
/// (lists filtered by it come out empty); `None` for an unknown slug.
pub async fn resolve<E: Slugged>(
    db: &impl ConnectionTrait,
    value: &str,
    field: &str,
) -> AppResult<Option<i64>> {
    if ids::decode_any(value).is_some() {
        return ids::decode(E::NODE, value, field).map(Some);
    }
    slugs::find_id::<E>(db, value).await
}

/// The row `value` names; `None` when there is none (an unknown slug, or
/// the ID of a row that does not exist).
pub async fn find_row<E: Slugged>(
    db: &impl ConnectionTrait,
    value: &str,
    field: &str,
) -> AppResult<Option<E::Model>> {
    let Some(id) = resolve::<E>(db, value, field).await? else {
        return Ok(None);
    };
    Ok(E::find().filter(E::id_column().eq(id)).one(db).await?)
}

/// The id of the existing row `value` names; anything else is
/// `BAD_USER_INPUT` about `field`.
pub async fn require<E: Slugged>(
    db: &impl ConnectionTrait,
    value: &str,
    field: &str,
) -> AppResult<i64> {
    match resolve::<E>(db, value, field).await? {
        Some(id) if slugs::exists::<E>(db, id).await? => Ok(id),
        _ => Err(unknown::<E>(value, field)),
    }
}

/// Like [`require`], recording a bad reference in `errors` (so that a
/// form reports every problem at once) instead of returning it.
pub async fn check<E: Slugged>(
    db: &impl ConnectionTrait,
    errors: &mut Errors,
    value: &str,
    field: &str,
) -> AppResult<Option<i64>> {
    match require::<E>(db, value, field).await {
        Ok(id) => Ok(Some(id)),
        Err(AppError::BadUserInput { field, message }) => {
            errors.add(field, message);
            Ok(None)
        }
        Err(other) => Err(other),
    }
}

/// The id named by exactly one of a global ID and a slug (the
/// `thing(id:, slug:)` lookups); `None` for an unknown slug.
pub async fn by_id_or_slug<E: Slugged>(
    db: &impl ConnectionTrait,
    id: Option<&str>,
    slug: Option<&str>,
) -> AppResult<Option<i64>> {
    match (id, slug) {
        (Some(id), None) => ids::decode(E::NODE, id, "id").map(Some),
        (None, Some(slug)) => slugs::find_id::<E>(db, slug).await,
        _ => Err(AppError::bad_input(
            "id",
            "give exactly one of `id` and `slug`",
        )),
    }
}

/// The error for a reference that names no row.
pub fn unknown<E: Slugged>(value: &str, field: &str) -> AppError {
    AppError::bad_input(field, format!("there is no {} `{value}`", E::KIND))
}
