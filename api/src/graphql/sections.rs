//! The section tree and the `section(slug:)` / `sections` queries.

use async_graphql::{
    Context, ContextSelectionSet, ID, Object, ScalarType, Value, parser::types::Field,
};
use entity::section;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};

use super::{
    articles::ArticleConnection,
    db, loaders,
    plain::{PlainFields, or_null},
    surrogate,
};
use crate::{
    domain::articles::ArticleScope,
    domain::loaders::{ChildrenOfSection, SectionId},
    platform::error::AppResult,
    platform::ids::{self, NodeType},
    platform::pagination::Page,
};

/// A section of the site ("Thời sự - Chính trị"); sections form a tree.
#[derive(Clone)]
pub struct Section(pub section::Model);

impl PlainFields for Section {
    fn plain_field(&self, _: &ContextSelectionSet<'_>, field: &Field) -> Option<Value> {
        Some(match field.name.node.as_str() {
            "id" => Value::String(ids::encode(NodeType::Section, self.0.id)),
            "slug" => Value::String(self.0.slug.clone()),
            "version" => self.0.version.to_value(),
            "name" => Value::String(self.0.name.clone()),
            "position" => self.0.position.to_value(),
            "iptcMediaTopic" => or_null(self.0.iptc_media_topic.clone(), Value::String),
            _ => return None,
        })
    }
}

/// A section of the site ("Thời sự - Chính trị"); sections form a tree and
/// every article has one primary section.
#[Object]
impl Section {
    /// The global ID (pass it to `node(id:)`).
    pub async fn id(&self) -> ID {
        ids::encode(NodeType::Section, self.0.id).into()
    }

    /// URL-safe name, unique among sections; part of article URLs.
    async fn slug(&self) -> &str {
        &self.0.slug
    }

    /// Incremented by every change; send it back with updates.
    async fn version(&self) -> i32 {
        self.0.version
    }

    /// The name shown in menus ("Thời sự - Chính trị").
    async fn name(&self) -> &str {
        &self.0.name
    }

    /// Menu order among its siblings.
    async fn position(&self) -> i32 {
        self.0.position
    }

    /// IPTC Media Topic code, e.g. `medtop:11000000` (politics).
    async fn iptc_media_topic(&self) -> Option<&str> {
        self.0.iptc_media_topic.as_deref()
    }

    /// The section this one sits under; null for a top-level section.
    async fn parent(&self, ctx: &Context<'_>) -> AppResult<Option<Section>> {
        let Some(parent) = self.0.parent_id else {
            return Ok(None);
        };
        surrogate::section(ctx, parent);
        Ok(loaders(ctx)?
            .load_one(SectionId(parent))
            .await?
            .map(Section))
    }

    /// The sections directly below, in menu order.
    async fn children(&self, ctx: &Context<'_>) -> AppResult<Vec<Section>> {
        let children = loaders(ctx)?
            .load_one(ChildrenOfSection(self.0.id))
            .await?
            .unwrap_or_default();
        record_tree(ctx, &children);
        Ok(children.into_iter().map(Section).collect())
    }

    /// Articles of this section and its sub-sections, newest first.
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
        let scope = ArticleScope::of_section(db(ctx)?, self.0.id).await?;
        ArticleConnection::newest(ctx, &scope, &page).await
    }
}

/// The section queries.
#[derive(Default)]
pub struct SectionsQuery;

#[Object]
impl SectionsQuery {
    /// One section by slug (an old slug still finds it).
    async fn section(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The section's slug, current or old (\"thoi-su-chinh-tri\").")]
        slug: String,
    ) -> AppResult<Option<Section>> {
        let db = db(ctx)?;
        let Some(id) =
            crate::domain::references::resolve::<section::Entity>(db, &slug, "slug").await?
        else {
            surrogate::record(ctx, surrogate::SECTION_LISTS.to_owned());
            return Ok(None);
        };
        surrogate::section(ctx, id);
        Ok(section::Entity::find_by_id(id).one(db).await?.map(Section))
    }

    /// The top-level sections in menu order; walk `children` for the tree.
    async fn sections(&self, ctx: &Context<'_>) -> AppResult<Vec<Section>> {
        let top = section::Entity::find()
            .filter(section::Column::ParentId.is_null())
            .order_by_asc(section::Column::Position)
            .order_by_asc(section::Column::Id)
            .all(db(ctx)?)
            .await?;
        record_tree(ctx, &top);
        Ok(top.into_iter().map(Section).collect())
    }
}

/// Records a level of the section tree: its sections, and the tree itself
/// (a new or moved section changes the level).
fn record_tree(ctx: &Context<'_>, level: &[section::Model]) {
    surrogate::record(ctx, surrogate::SECTION_LISTS.to_owned());
    for s in level {
        surrogate::section(ctx, s.id);
    }
}
