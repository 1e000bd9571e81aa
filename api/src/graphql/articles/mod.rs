//! Articles: the `Article` type, its connection, and the `article` /
//! `articles` queries.

mod cards;
mod filter;
mod jsonld;
mod query;

pub use filter::ArticleFilter;
pub use query::{ArticleOrder, ArticlesQuery};

use async_graphql::{
    Context, ContextSelectionSet, Enum, ID, Object, SimpleObject, Value, parser::types::Field,
    resolver_utils::enum_value,
};
use chrono::{DateTime, Utc};
use entity::{article, article_person::PersonRole};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};

use super::{
    body::BodyBlock,
    connection::connection,
    dataloader::load_linked,
    events::{Event, EventConnection},
    loaders,
    media::Media,
    organizations::Organization,
    people::Person,
    plain::{Plain, PlainFields, PlainList, plain_child},
    sections::Section,
    surrogate,
    tags::Tag,
};
use crate::{
    domain::body,
    domain::linked::{Linked, LinkedRows, PersonLink},
    domain::loaders::{ArticleCardId, MediaId, SectionId},
    domain::related::RelatedToArticle,
    platform::error::{AppError, AppResult},
    platform::ids::{self, NodeType},
    platform::pagination::Page,
};

/// Where an article stands in the editorial workflow.
#[derive(Enum, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "entity::article::ArticleStatus")]
pub enum ArticleStatus {
    /// Being written; never shown to readers.
    Draft,
    /// Submitted by its writer, waiting for an editor.
    InReview,
    /// Will be published at `publishedAt`.
    Scheduled,
    /// Live.
    Published,
    /// Taken down after publication.
    Unpublished,
}

/// What a person is to an article.
#[derive(Enum, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "entity::article_person::PersonRole")]
pub enum ArticlePersonRole {
    /// Wrote it (the byline).
    Author,
    /// Is mentioned in it.
    Mentioned,
    /// Is quoted in it.
    Quoted,
    /// Took its photos.
    Photographer,
}

/// A person linked to an article, with the role they play in it.
#[derive(SimpleObject)]
pub struct ArticlePerson {
    /// What the person is to the article.
    pub role: ArticlePersonRole,
    /// The person.
    pub person: Person,
}

impl PlainFields for ArticlePerson {
    fn plain_field(&self, ctx: &ContextSelectionSet<'_>, field: &Field) -> Option<Value> {
        match field.name.node.as_str() {
            "role" => Some(enum_value(self.role)),
            "person" => plain_child(&self.person, ctx, field),
            _ => None,
        }
    }
}

/// A news article.
#[derive(Clone)]
pub struct Article(pub article::Model);

/// The rows a link table points at, in the links' order.
fn targets<L, T>(links: Vec<(L, T)>) -> impl Iterator<Item = T> {
    links.into_iter().map(|(_, target)| target)
}

/// Whether a selection of `Person` shows positions.
fn shows_positions(person: async_graphql::Lookahead<'_>) -> bool {
    person.field("currentPositions").exists() || person.field("positions").exists()
}

connection!(
    ArticleConnection,
    ArticleEdge,
    Article,
    article::Entity,
    "A page of articles.",
    edges: cards::ArticleEdges<'_>,
    nodes: cards::ArticleList<&Article>
);

impl Article {
    /// The people linked to the article, each with their link (role and
    /// place in the byline), and with their positions when `positions`:
    /// read with the article's other relations, in one statement.
    async fn linked_people(
        &self,
        ctx: &Context<'_>,
        positions: bool,
    ) -> AppResult<Vec<PersonLink>> {
        let key = Linked::People {
            article: self.0.id,
            positions,
        };
        Ok(LinkedRows::people(load_linked(loaders(ctx)?, key).await?))
    }

    /// The article's section, read with the level's other relations. It
    /// and its parent go to the request's section cache, so `section {
    /// parent }` and later loads of them cost no statement.
    async fn section_row(&self, ctx: &Context<'_>) -> AppResult<Option<entity::section::Model>> {
        let loaders = loaders(ctx)?;
        let key = Linked::Section(self.0.section_id);
        let Some((section, parent)) = LinkedRows::section(load_linked(loaders, key).await?) else {
            return Ok(None);
        };
        let rows = std::iter::once(section.clone()).chain(parent);
        loaders
            .feed_many(rows.map(|row| (SectionId(row.id), row)))
            .await;
        Ok(Some(section))
    }

    /// One relation of the article, read with the others the level asks
    /// for.
    async fn linked(&self, ctx: &Context<'_>, key: Linked) -> AppResult<Option<LinkedRows>> {
        Ok(load_linked(loaders(ctx)?, key).await?)
    }
}

/// A news article: title, lead (sapo), body blocks, bylines and the
/// people, organizations and events it is about. Readers without a staff
/// role (writer, editor or admin) see only published articles, or
/// scheduled ones whose time has come.
#[Object]
impl Article {
    /// Opaque global ID.
    pub async fn id(&self) -> ID {
        ids::encode(NodeType::Article, self.0.id).into()
    }

    /// URL-safe name, unique among articles.
    async fn slug(&self) -> &str {
        &self.0.slug
    }

    /// The headline, plain text.
    async fn title(&self) -> &str {
        &self.0.title
    }

    /// The sapo: the paragraph under the title.
    async fn lead(&self) -> &str {
        &self.0.lead
    }

    /// The body as typed blocks, for native rendering.
    async fn body(&self, ctx: &Context<'_>) -> AppResult<PlainList<BodyBlock>> {
        let blocks = self.blocks(ctx).await?;
        // Photos asked for are read here, with the lead image and the
        // article's other rows, rather than one level further down.
        if !ctx.look_ahead().field("image").exists() {
            return Ok(blocks.into_iter().map(BodyBlock::from).collect());
        }
        let photos = super::body::photos_of(ctx, &blocks).await?;
        Ok(blocks
            .into_iter()
            .map(|block| BodyBlock::with_photos(block, &photos))
            .collect())
    }

    /// The body rendered to sanitized HTML.
    async fn body_html(&self, ctx: &Context<'_>) -> AppResult<String> {
        let blocks = self.blocks(ctx).await?;
        let mut media = super::body::photos_of(ctx, &blocks).await?;
        // Uploaded photos as renditions with their real size.
        if let Some(library) = ctx.data_opt::<std::sync::Arc<crate::domain::media::MediaLibrary>>()
        {
            media = media
                .into_iter()
                .map(|(id, m)| (id, library.links.syndicated(m)))
                .collect();
        }
        Ok(body::render_html(&blocks, |id| {
            media.get(&MediaId(id)).map(body::ImageHtml::from)
        }))
    }

    /// The primary section.
    async fn section(&self, ctx: &Context<'_>) -> AppResult<Plain<Section>> {
        surrogate::section(ctx, self.0.section_id);
        let row = self.section_row(ctx).await?.ok_or_else(|| {
            AppError::Internal(format!("section {} is missing", self.0.section_id))
        })?;
        Ok(Plain(Section(row)))
    }

    /// The tags of the article, in the order the newsroom gave them.
    async fn tags(&self, ctx: &Context<'_>) -> AppResult<PlainList<Tag>> {
        let rows = self.linked(ctx, Linked::Tags(self.0.id)).await?;
        Ok(targets(LinkedRows::tags(rows)).map(Tag).collect())
    }

    /// The byline, in order.
    async fn authors(&self, ctx: &Context<'_>) -> AppResult<PlainList<Person>> {
        let positions = shows_positions(ctx.look_ahead());
        Ok(self
            .linked_people(ctx, positions)
            .await?
            .into_iter()
            .filter(|(link, _, _)| link.role == PersonRole::Author)
            .map(|(_, person, positions)| Person::read_with(person, positions))
            .collect())
    }

    /// Everyone linked to the article, each with their role; `roles`
    /// narrows the list.
    async fn people(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Only people with one of these roles; null or absent for everyone.")]
        roles: Option<Vec<ArticlePersonRole>>,
    ) -> AppResult<PlainList<ArticlePerson>> {
        let wanted: Option<Vec<PersonRole>> =
            roles.map(|r| r.into_iter().map(PersonRole::from).collect());
        let positions = shows_positions(ctx.look_ahead().field("person"));
        Ok(self
            .linked_people(ctx, positions)
            .await?
            .into_iter()
            .filter(|(link, _, _)| wanted.as_ref().is_none_or(|w| w.contains(&link.role)))
            .map(|(link, person, positions)| ArticlePerson {
                role: link.role.into(),
                person: Person::read_with(person, positions),
            })
            .collect())
    }

    /// The organizations the article is about.
    async fn organizations(&self, ctx: &Context<'_>) -> AppResult<PlainList<Organization>> {
        let rows = self.linked(ctx, Linked::Organizations(self.0.id)).await?;
        Ok(targets(LinkedRows::organizations(rows))
            .map(Organization)
            .collect())
    }

    /// The events the article covers.
    async fn events(&self, ctx: &Context<'_>) -> AppResult<PlainList<Event>> {
        let rows = self.linked(ctx, Linked::Events(self.0.id)).await?;
        Ok(targets(LinkedRows::events(rows)).map(Event).collect())
    }

    /// The photo shown with the title.
    async fn lead_image(&self, ctx: &Context<'_>) -> AppResult<Option<Plain<Media>>> {
        let Some(id) = self.0.lead_image_id else {
            return Ok(None);
        };
        let row = self.linked(ctx, Linked::Media(id)).await?;
        Ok(LinkedRows::media(row).map(|row| Plain(Media(row))))
    }

    /// The images inside the body, in order.
    async fn images(&self, ctx: &Context<'_>) -> AppResult<PlainList<Media>> {
        let rows = self.linked(ctx, Linked::Images(self.0.id)).await?;
        Ok(targets(LinkedRows::images(rows)).map(Media).collect())
    }

    /// When it was (or will be) published, RFC 3339 in UTC.
    async fn published_at(&self) -> Option<DateTime<Utc>> {
        self.0.published_at
    }

    /// When the article was first saved (a draft), RFC 3339 in UTC.
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }

    /// When the article last changed (any field, status included), RFC
    /// 3339 in UTC.
    async fn updated_at(&self) -> DateTime<Utc> {
        self.0.updated_at
    }

    /// Where the article stands in the editorial workflow. Readers without
    /// a staff role (writer, editor or admin) only ever see `PUBLISHED` or
    /// `SCHEDULED` (once due).
    async fn status(&self) -> ArticleStatus {
        self.0.status.into()
    }

    /// Incremented by every change; send it back with updates.
    async fn version(&self) -> i32 {
        self.0.version
    }

    /// `sub` of the account that created it (staff only).
    async fn created_by(&self, ctx: &Context<'_>) -> AppResult<Option<&str>> {
        super::request(ctx)?
            .viewer
            .require_staff("reading authorship")?;
        Ok(self.0.created_by.as_deref())
    }

    /// `sub` of the account that changed it last (staff only).
    async fn updated_by(&self, ctx: &Context<'_>) -> AppResult<Option<&str>> {
        super::request(ctx)?
            .viewer
            .require_staff("reading authorship")?;
        Ok(self.0.updated_by.as_deref())
    }

    /// Every change, newest first: who, when, which fields (editors only).
    async fn revisions(&self, ctx: &Context<'_>) -> AppResult<Vec<ArticleRevision>> {
        super::request(ctx)?
            .viewer
            .require_editor("reading revisions")?;
        Ok(entity::article_revision::Entity::find()
            .filter(entity::article_revision::Column::ArticleId.eq(self.0.id))
            .order_by_desc(entity::article_revision::Column::Version)
            .all(super::db(ctx)?)
            .await?
            .into_iter()
            .map(ArticleRevision)
            .collect())
    }

    /// BCP 47 language tag (`vi` by default).
    async fn language(&self) -> &str {
        &self.0.language
    }

    /// Words in the lead and the body.
    async fn word_count(&self) -> i32 {
        self.0.word_count
    }

    /// At 200 words a minute, at least one.
    async fn reading_time_minutes(&self) -> i32 {
        body::reading_time_minutes(self.0.word_count.max(0) as usize) as i32
    }

    /// The public address of the article on the website.
    async fn url(&self, ctx: &Context<'_>) -> AppResult<String> {
        // The URL holds the section's slug.
        surrogate::section(ctx, self.0.section_id);
        let section = self.section_row(ctx).await?;
        let base = super::config(ctx)?.base_url();
        Ok(crate::platform::urls::article(
            base,
            section.as_ref().map(|s| s.slug.as_str()),
            &self.0.slug,
        ))
    }

    /// schema.org `NewsArticle` JSON-LD for the article's web page:
    /// `headline`, `datePublished`/`dateModified` (+07:00), `author`,
    /// `articleSection`, `about` (organizations and events), `mentions`
    /// (people mentioned or quoted), `image` (with captions), `publisher`.
    /// JSON text to paste verbatim into `<script type="application/ld+json">`:
    /// `<`, `>`, `&`, U+2028 and U+2029 are written as `\u` escapes, so no
    /// title can end the script early.
    async fn json_ld(&self, ctx: &Context<'_>) -> AppResult<String> {
        let value = self.news_article_json(ctx).await?;
        Ok(crate::domain::jsonld::script_safe(&value))
    }

    /// "Sự kiện liên quan": the events the article covers first, then events
    /// sharing its people and organizations, ranked by overlap then recency.
    #[graphql(complexity = "crate::graphql::cost::page(first, child_complexity)")]
    async fn related_events(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Page size: 0 to 100, 20 when absent.")] first: Option<i32>,
        #[graphql(desc = "Cursor to continue after: an edge's `cursor` or `pageInfo.endCursor`.")]
        after: Option<String>,
    ) -> AppResult<EventConnection> {
        let page = Page::forward(first, after)?;
        let loaders = loaders(ctx)?;
        let ranked = loaders
            .load_one(RelatedToArticle::Events(self.0.id))
            .await?
            .unwrap_or_default();
        Ok(super::events::ranked_connection(loaders, ranked, &page).await?)
    }

    /// Published articles sharing events, people, organizations and tags
    /// with this one, best first; never this article itself.
    #[graphql(complexity = "crate::graphql::cost::page(Some(first), child_complexity)")]
    async fn related_articles(
        &self,
        ctx: &Context<'_>,
        #[graphql(default = 5, desc = "How many articles: 0 to 100.")] first: i32,
    ) -> AppResult<cards::ArticleList<Article>> {
        let page = Page::forward(Some(first), None)?;
        let loaders = loaders(ctx)?;
        let ids = loaders
            .load_one(RelatedToArticle::Articles {
                article_id: self.0.id,
                first: page.limit,
            })
            .await?
            .unwrap_or_default();
        // Any publication may change the ranking.
        surrogate::article_list(ctx, None);
        surrogate::articles(ctx, ids.iter().copied());
        // Cards: without the bodies, which `body` loads if asked for.
        let rows = loaders
            .load_many(ids.iter().map(|id| ArticleCardId(*id)))
            .await?;
        Ok(ids
            .iter()
            .filter_map(|id| rows.get(&ArticleCardId(*id)).cloned().map(Article))
            .collect())
    }
}

/// One stored change of an article.
pub struct ArticleRevision(entity::article_revision::Model);

/// One stored change of an article: who made it, when, which fields, and
/// the title it left. Editors only.
#[Object]
impl ArticleRevision {
    /// The article's version after the change; pass it to
    /// `restoreArticleRevision(revision:)`.
    async fn revision(&self) -> i32 {
        self.0.version
    }

    /// When the change was saved, RFC 3339 in UTC.
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }

    /// `sub` of who made it; null for the scheduler.
    async fn author(&self) -> Option<&str> {
        self.0.author.as_deref()
    }

    /// Which fields changed (`title`, `body`, `status`, `created`…).
    async fn changed_fields(&self) -> Vec<String> {
        serde_json::from_str(&self.0.changed_fields).unwrap_or_default()
    }

    /// The title as it was after this change.
    async fn title(&self) -> AppResult<String> {
        let snapshot: crate::domain::revisions::Snapshot =
            serde_json::from_str(&self.0.snapshot)
                .map_err(|e| AppError::Internal(format!("revision {}: {e}", self.0.id)))?;
        Ok(snapshot.title)
    }
}

impl Article {
    async fn blocks(&self, ctx: &Context<'_>) -> AppResult<Vec<body::Block>> {
        let loaded;
        let text = if self.0.body.is_empty() {
            loaded = loaders(ctx)?
                .load_one(crate::domain::loaders::ArticleId(self.0.id))
                .await?
                .ok_or_else(|| AppError::Internal(format!("article {} is gone", self.0.id)))?;
            &loaded.body
        } else {
            &self.0.body
        };
        body::parse(text).map_err(|e| {
            AppError::Internal(format!("article {} has an unreadable body: {e}", self.0.id))
        })
    }
}
