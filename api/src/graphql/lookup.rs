//! `thing(id:, slug:)` lookups shared by the top-level queries.

use async_graphql::{Context, ID};
use sea_orm::{ColumnTrait, QueryFilter};

use super::db;
use crate::{domain::references, domain::slugs::Slugged, platform::error::AppResult};

/// The row named by exactly one of a global ID and a slug (old slugs
/// included); `None` when none matches.
pub(crate) async fn by_id_or_slug<E: Slugged>(
    ctx: &Context<'_>,
    id: Option<ID>,
    slug: Option<String>,
) -> AppResult<Option<E::Model>> {
    let db = db(ctx)?;
    let Some(id) =
        references::by_id_or_slug::<E>(db, id.as_ref().map(|id| id.as_str()), slug.as_deref())
            .await?
    else {
        return Ok(None);
    };
    Ok(E::find().filter(E::id_column().eq(id)).one(db).await?)
}
