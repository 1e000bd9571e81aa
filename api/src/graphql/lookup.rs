//! `thing(id:, slug:)` lookups shared by the top-level queries.

use async_graphql::{Context, ID};
use sea_orm::{ColumnTrait, QueryFilter};

use super::db;
use crate::{
    error::{AppError, AppResult},
    ids::{self, NodeType},
    slugs::{self, Slugged},
};

/// The row named by exactly one of a global ID and a slug; `None` when none
/// matches.
pub(crate) async fn by_id_or_slug<E: Slugged>(
    ctx: &Context<'_>,
    kind: NodeType,
    id: Option<ID>,
    slug: Option<String>,
) -> AppResult<Option<E::Model>> {
    let db = db(ctx)?;
    let id = match (id, slug) {
        (Some(id), None) => ids::decode(kind, &id, "id")?,
        // Old slugs keep resolving to the row that had them.
        (None, Some(slug)) => match slugs::find_id::<E>(db, &slug).await? {
            Some(id) => id,
            None => return Ok(None),
        },
        _ => {
            return Err(AppError::bad_input(
                "id",
                "give exactly one of `id` and `slug`",
            ));
        }
    };
    Ok(E::find().filter(E::id_column().eq(id)).one(db).await?)
}
