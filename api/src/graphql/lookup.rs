//! `thing(id:, slug:)` lookups shared by the top-level queries.

use async_graphql::{Context, ID};
use sea_orm::{ColumnTrait, QueryFilter};

use super::{articles::filter_support::Slugged, db};
use crate::{
    error::{AppError, AppResult},
    ids::{self, NodeType},
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
    let select = match (id, slug) {
        (Some(id), None) => E::find().filter(E::id_column().eq(ids::decode(kind, &id, "id")?)),
        (None, Some(slug)) => E::find().filter(E::slug_column().eq(slug)),
        _ => {
            return Err(AppError::bad_input(
                "id",
                "give exactly one of `id` and `slug`",
            ));
        }
    };
    Ok(select.one(db).await?)
}
