//! Tags and the `tag(slug:)` query.

use async_graphql::{
    Context, ContextSelectionSet, ID, Object, ScalarType, Value, parser::types::Field,
};
use entity::tag;
use sea_orm::{EntityTrait, QueryOrder};

use super::{articles::ArticleConnection, db, plain::PlainFields};
use crate::{
    domain::articles::ArticleScope,
    domain::references,
    platform::error::AppResult,
    platform::ids::{self, NodeType},
    platform::pagination::Page,
};

/// A keyword that groups articles.
#[derive(Clone)]
pub struct Tag(pub tag::Model);

impl PlainFields for Tag {
    fn plain_field(&self, _: &ContextSelectionSet<'_>, field: &Field) -> Option<Value> {
        Some(match field.name.node.as_str() {
            "id" => Value::String(ids::encode(NodeType::Tag, self.0.id)),
            "slug" => Value::String(self.0.slug.clone()),
            "version" => self.0.version.to_value(),
            "name" => Value::String(self.0.name.clone()),
            _ => return None,
        })
    }
}

/// A keyword that groups articles across sections.
#[Object]
impl Tag {
    /// The global ID (pass it to `node(id:)`).
    pub async fn id(&self) -> ID {
        ids::encode(NodeType::Tag, self.0.id).into()
    }

    /// URL-safe name, unique among tags.
    async fn slug(&self) -> &str {
        &self.0.slug
    }

    /// Incremented by every change; send it back with updates.
    async fn version(&self) -> i32 {
        self.0.version
    }

    /// The tag as readers see it ("Dân vận khéo").
    async fn name(&self) -> &str {
        &self.0.name
    }

    /// Articles with this tag, newest first.
    #[graphql(complexity = "crate::graphql::cost::page(first.or(last), child_complexity)")]
    async fn articles(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "Page size counting from the start (or from `after`): 0 to 100; 20 when neither `first` nor `last` is given. Not together with `last`."
        )]
        first: Option<i32>,
        #[graphql(desc = "Cursor to continue after: an edge's `cursor` or `pageInfo.endCursor`.")]
        after: Option<String>,
        #[graphql(
            desc = "Page size counting back from the end (or from `before`): 0 to 100. Not together with `first`."
        )]
        last: Option<i32>,
        #[graphql(desc = "Cursor to stop before: an edge's `cursor` or `pageInfo.startCursor`.")]
        before: Option<String>,
    ) -> AppResult<ArticleConnection> {
        let page = Page::from_params(first, after, last, before)?;
        ArticleConnection::newest(ctx, &ArticleScope::of_tag(self.0.id), &page).await
    }
}

/// The tag queries.
#[derive(Default)]
pub struct TagsQuery;

#[Object]
impl TagsQuery {
    /// One tag by slug (an old slug still finds it).
    async fn tag(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The tag's slug, current or old (\"dan-van-kheo\").")] slug: String,
    ) -> AppResult<Option<Tag>> {
        let row = references::find_row::<tag::Entity>(db(ctx)?, &slug, "slug").await?;
        Ok(row.map(Tag))
    }

    /// Every tag, in alphabetical order of the folded name (slug). Tags are
    /// few; the list is capped at 500.
    async fn tags(&self, ctx: &Context<'_>) -> AppResult<Vec<Tag>> {
        use sea_orm::QuerySelect;
        Ok(tag::Entity::find()
            .order_by_asc(tag::Column::Slug)
            .limit(500)
            .all(db(ctx)?)
            .await?
            .into_iter()
            .map(Tag)
            .collect())
    }
}
