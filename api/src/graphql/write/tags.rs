//! Tag mutations: create, update (renaming keeps the old slug resolving)
//! and delete (removing the tag from its articles on request).

use async_graphql::{Context, ID, InputObject, Object, SimpleObject};
use entity::{article_tag, tag};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, NotSet, QueryFilter, Set,
    sea_query::Expr,
};

use super::{
    DeletePayload,
    support::{
        NAME_MAX, collect, count_articles, delete_aliases, links_conflict, required_line,
        row_or_missing, target,
    },
};
use crate::versioning::{guarded, run_guarded, write_conflict};
use crate::{
    error::{AppError, AppResult, Errors},
    graphql::{db, request, tags::Tag},
    ids::{self, NodeType},
    slugs,
};

/// What `createTag` and `updateTag` take. Every field is optional on
/// update; `name` is required on create.
#[derive(InputObject, Default)]
pub struct TagInput {
    /// "Chuyển đổi số". HTML is removed and the text normalized (NFC).
    pub name: Option<String>,
    /// Made from the name on create when left out. Changing it keeps the
    /// old slug resolving to this tag.
    pub slug: Option<String>,
}

/// What the tag mutations answer.
#[derive(SimpleObject)]
pub struct TagPayload {
    /// The tag as stored after the change.
    pub tag: Tag,
}

/// Cleans and checks `input`: the name and the slug to store.
async fn clean(
    db: &impl ConnectionTrait,
    input: &TagInput,
    own: Option<i64>,
) -> AppResult<(Option<String>, Option<String>)> {
    let mut errors = Errors::default();
    let name = required_line(
        &mut errors,
        "input.name",
        input.name.as_deref(),
        own.is_none(),
        NAME_MAX,
    );
    let slug = if input.slug.is_some() || (own.is_none() && name.is_some()) {
        collect(
            &mut errors,
            slugs::choose::<tag::Entity>(
                db,
                input.slug.as_deref(),
                name.as_deref().unwrap_or_default(),
                own,
                "input.slug",
            )
            .await,
        )?
    } else {
        None
    };
    errors.finish()?;
    Ok((name, slug))
}

/// The tag of row `id`.
async fn load(db: &impl ConnectionTrait, id: i64) -> AppResult<tag::Model> {
    row_or_missing(tag::Entity::find_by_id(id).one(db).await?, "tag")
}

#[derive(Default)]
pub struct TagsMutation;

#[Object]
impl TagsMutation {
    /// Adds a tag (editors and admins). The slug is made from the name
    /// unless given.
    async fn create_tag(&self, ctx: &Context<'_>, input: TagInput) -> AppResult<TagPayload> {
        let request = request(ctx)?;
        request.viewer.require_editor("managing tags")?;
        let db = db(ctx)?;
        let (Some(name), Some(slug)) = clean(db, &input, None).await? else {
            return Err(AppError::Internal("a validated tag has no name".into()));
        };
        let txn = crate::db::begin_write(db).await?;
        let row = tag::ActiveModel {
            id: NotSet,
            name: Set(name),
            slug: Set(slug),
            version: Set(1),
        }
        .insert(&txn)
        .await
        .map_err(write_conflict)?;
        crate::search::refresh(&txn, crate::search::names::NameKind::Tag, row.id, &[]).await?;
        txn.commit().await?;
        Ok(TagPayload { tag: Tag(row) })
    }

    /// Renames a tag (editors and admins). A stale `version` is a
    /// `CONFLICT` carrying `currentVersion`.
    async fn update_tag(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The tag's global ID (or slug).")] id: ID,
        version: i32,
        input: TagInput,
    ) -> AppResult<TagPayload> {
        let request = request(ctx)?;
        request.viewer.require_editor("managing tags")?;
        let db = db(ctx)?;
        let id = target::<tag::Entity>(db, NodeType::Tag, &id, "id").await?;
        let (name, slug) = clean(db, &input, Some(id)).await?;

        let txn = crate::db::begin_write(db).await?;
        let mut update = guarded::<tag::Entity>(id, version);
        if let Some(name) = name {
            update = update.col_expr(tag::Column::Name, Expr::value(name));
        }
        run_guarded(&txn, update, id).await?;
        // Articles naming it now are reindexed after the write.
        let linked =
            crate::search::linked_articles(&txn, crate::search::names::NameKind::Tag, id).await?;
        let before = load(&txn, id).await?;
        if let Some(slug) = slug.filter(|s| *s != before.slug) {
            tag::Entity::update_many()
                .col_expr(tag::Column::Slug, Expr::value(slug.clone()))
                .filter(tag::Column::Id.eq(id))
                .exec(&txn)
                .await
                .map_err(write_conflict)?;
            slugs::record_rename::<tag::Entity>(&txn, &before.slug, &slug, id).await?;
        }
        let row = load(&txn, id).await?;
        crate::search::refresh(&txn, crate::search::names::NameKind::Tag, id, &linked).await?;
        txn.commit().await?;
        Ok(TagPayload { tag: Tag(row) })
    }

    /// Removes a tag (admins). A tag still on articles is a `CONFLICT`
    /// unless `detach` is true, which takes it off them first.
    async fn delete_tag(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The tag's global ID (or slug).")] id: ID,
        version: i32,
        #[graphql(default_with = "Some(false)")] detach: Option<bool>,
    ) -> AppResult<DeletePayload> {
        let request = request(ctx)?;
        request.viewer.require_admin("deleting tags")?;
        let db = db(ctx)?;
        let id = target::<tag::Entity>(db, NodeType::Tag, &id, "id").await?;

        let txn = crate::db::begin_write(db).await?;
        run_guarded(&txn, guarded::<tag::Entity>(id, version), id).await?;
        // Articles naming it now are reindexed after the write.
        let linked =
            crate::search::linked_articles(&txn, crate::search::names::NameKind::Tag, id).await?;
        let row = load(&txn, id).await?;
        let articles = count_articles(
            &txn,
            article_tag::Entity::find().filter(article_tag::Column::TagId.eq(id)),
            article_tag::Column::ArticleId,
        )
        .await?;
        if !detach.unwrap_or(false)
            && let Some(conflict) = links_conflict("tag", &[(articles, "article", "articles")])
        {
            return Err(conflict);
        }
        article_tag::Entity::delete_many()
            .filter(article_tag::Column::TagId.eq(id))
            .exec(&txn)
            .await
            .map_err(write_conflict)?;
        delete_aliases::<tag::Entity>(&txn, id).await?;
        tag::Entity::delete_by_id(id)
            .exec(&txn)
            .await
            .map_err(write_conflict)?;
        crate::search::refresh(&txn, crate::search::names::NameKind::Tag, id, &linked).await?;
        txn.commit().await?;
        Ok(DeletePayload {
            id: ids::encode(NodeType::Tag, id),
            slug: row.slug,
        })
    }
}
