//! `search` and `suggest`: Vietnamese-aware full-text search over articles
//! and autocomplete of names.

use std::collections::{HashMap, HashSet};

use async_graphql::{Context, Enum, ID, Object, SimpleObject};
use entity::article;
use sea_orm::{EntityTrait, QueryFilter};

use super::{
    articles::{Article, ArticleFilter},
    db, loaders, request, surrogate,
};
use crate::{
    domain::articles::ArticleScope,
    domain::body,
    domain::loaders::{ArticleId, EventId, OrganizationId, PersonId, SectionId, TagId},
    domain::search::{
        highlight,
        names::NameKind,
        query::{self, Hit, Order, ParsedQuery},
        suggest,
    },
    platform::error::AppResult,
    platform::ids::{self, NodeType},
    platform::pagination::{Page, PageInfo, page_ranked},
};

/// How search results are ordered.
#[derive(Enum, Clone, Copy, PartialEq, Eq, Default)]
pub enum SearchOrder {
    /// Best match first: exact diacritics, phrases, title matches, then
    /// the engine's relevance; recent articles break ties.
    #[default]
    Relevance,
    /// Newest first among the matches.
    Newest,
}

/// What autocomplete can suggest.
#[derive(Enum, Clone, Copy, PartialEq, Eq)]
pub enum SuggestType {
    /// A person (`Person`).
    Person,
    /// An organization (`Organization`).
    Organization,
    /// An event (`Event`).
    Event,
    /// A section (`Section`).
    Section,
    /// A tag (`Tag`).
    Tag,
}

impl From<SuggestType> for NameKind {
    fn from(t: SuggestType) -> Self {
        match t {
            SuggestType::Person => NameKind::Person,
            SuggestType::Organization => NameKind::Organization,
            SuggestType::Event => NameKind::Event,
            SuggestType::Section => NameKind::Section,
            SuggestType::Tag => NameKind::Tag,
        }
    }
}

/// An autocomplete suggestion.
#[derive(SimpleObject)]
pub struct Suggestion {
    /// What kind of object the suggestion names: fetch it with the query of
    /// that name (`person`, `organization`…) or `node(id:)`.
    #[graphql(name = "type")]
    pub kind: SuggestType,
    /// Global ID of the person, organization, event, section or tag.
    pub id: ID,
    /// The name that matched, with its diacritics ("Ban Dân vận Tỉnh ủy").
    pub name: String,
    /// The object's current slug.
    pub slug: String,
}

/// The matched words of a result, in `<mark>`; the rest HTML-escaped.
#[derive(SimpleObject)]
pub struct SearchHighlights {
    /// The whole title, matched words in `<mark>`.
    pub title: String,
    /// A few lines of the lead and body around the first match.
    pub snippet: String,
}

/// One search result.
pub struct ArticleSearchEdge {
    cursor: String,
    hit: Hit,
    article: article::Model,
    query: std::sync::Arc<ParsedQuery>,
}

/// One search result: the article, its cursor, score and highlights.
#[Object]
impl ArticleSearchEdge {
    /// Opaque: pass it as `after` to continue.
    async fn cursor(&self) -> &str {
        &self.cursor
    }

    /// The article found.
    async fn node(&self) -> Article {
        Article(self.article.clone())
    }

    /// Relevance: higher is better; comparable within one search only.
    async fn score(&self) -> f64 {
        self.hit.score
    }

    /// The title and a snippet with the matched words marked, ready to
    /// show as HTML.
    async fn highlights(&self) -> SearchHighlights {
        let terms: HashSet<String> = self.query.all_words();
        let prefix = self
            .query
            .prefix_last
            .then(|| self.query.words.last().cloned())
            .flatten();
        let blocks = body::parse(&self.article.body).unwrap_or_default();
        let text = format!(
            "{}\n{}",
            self.article.lead,
            crate::domain::search::index::body_text(&blocks, &HashMap::new(), None)
        );
        SearchHighlights {
            title: highlight::mark(&self.article.title, &terms, prefix.as_deref()),
            snippet: highlight::snippet(&text, &terms, prefix.as_deref()),
        }
    }
}

/// A page of search results.
pub struct ArticleSearchConnection {
    edges: Vec<ArticleSearchEdge>,
    page_info: PageInfo,
    /// How many ranked matches there are, all pages together.
    total: usize,
}

/// A page of search results, best first (or newest first).
#[Object]
impl ArticleSearchConnection {
    /// The results of this page with their cursors, scores and highlights.
    async fn edges(&self) -> &[ArticleSearchEdge] {
        &self.edges
    }

    /// The articles of this page, without cursors.
    async fn nodes(&self) -> Vec<Article> {
        self.edges
            .iter()
            .map(|e| Article(e.article.clone()))
            .collect()
    }

    /// Where this page stands in the results; search pages forwards only.
    async fn page_info(&self) -> &PageInfo {
        &self.page_info
    }

    /// How many results can be paged through: the ranked matches, which
    /// are the 200 most recent visible matches at most.
    async fn total_count(&self) -> u64 {
        self.total as u64
    }
}

/// The search and autocomplete queries.
#[derive(Default)]
pub struct SearchQuery;

#[Object]
impl SearchQuery {
    /// Full-text search over articles: title, lead, body, captions, tags
    /// and the names of linked people, organizations and events. Typing
    /// without diacritics, in decomposed Unicode or either tone placement
    /// finds the same articles; `"quoted phrases"` must match exactly.
    /// Anonymous readers search published articles; staff may add
    /// `filter.status`.
    #[graphql(complexity = "crate::graphql::cost::search(first, child_complexity)")]
    async fn search(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "What to look for: words (with or without diacritics) and `\"quoted phrases\"`; not empty, at most 200 characters."
        )]
        query: String,
        #[graphql(
            desc = "Narrows the results as on `articles`; a `status` other than `PUBLISHED` needs a staff role (writer, editor or admin)."
        )]
        filter: Option<ArticleFilter>,
        #[graphql(default, desc = "Best match first (the default) or newest first.")]
        order_by: SearchOrder,
        #[graphql(desc = "Page size: 0 to 100; 20 when absent.")] first: Option<i32>,
        #[graphql(desc = "Cursor to continue after: an edge's `cursor` or `pageInfo.endCursor`.")]
        after: Option<String>,
    ) -> AppResult<ArticleSearchConnection> {
        let page = Page::forward(first, after)?;
        let parsed = std::sync::Arc::new(query::parse(&query)?);
        let req = request(ctx)?;
        let db = db(ctx)?;
        let scope = match filter {
            Some(filter) => filter.resolve(db).await?,
            None => ArticleScope::all(),
        };
        if scope.includes_unpublished() {
            req.viewer.require_staff("searching unpublished articles")?;
        }
        if scope.is_empty() {
            surrogate::article_list(ctx, None);
            return Ok(ArticleSearchConnection {
                edges: Vec::new(),
                page_info: PageInfo::default(),
                total: 0,
            });
        }
        let section = scope.section_root();
        let scope =
            scope.apply(article::Entity::find().filter(req.viewer.article_condition(req.now)));
        let order = match order_by {
            SearchOrder::Relevance => Order::Relevance,
            SearchOrder::Newest => Order::Newest,
        };
        let hits = query::run(db, &parsed, scope, order).await?;
        surrogate::article_list(ctx, section);
        let total = hits.len();
        let (edges, page_info) = page_ranked(hits, &page, |h| h.id);
        let rows = loaders(ctx)?
            .load_many(edges.iter().map(|(h, _)| ArticleId(h.id)))
            .await?;
        surrogate::articles(ctx, rows.keys().map(|k| k.0));
        let edges = edges
            .into_iter()
            .filter_map(|(hit, cursor)| {
                rows.get(&ArticleId(hit.id))
                    .cloned()
                    .map(|article| ArticleSearchEdge {
                        cursor,
                        hit,
                        article,
                        query: parsed.clone(),
                    })
            })
            .collect();
        Ok(ArticleSearchConnection {
            edges,
            page_info,
            total,
        })
    }

    /// Autocomplete of people, organizations, events, sections and tags:
    /// names with a word sequence starting with `prefix`, folded
    /// ("dan van" finds "Ban Dân vận Tỉnh ủy").
    #[graphql(complexity = "crate::graphql::cost::suggest(first, child_complexity)")]
    async fn suggest(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What the user has typed so far; diacritics and case do not matter.")]
        prefix: String,
        #[graphql(desc = "Only suggest these kinds; null, absent or empty for all kinds.")]
        types: Option<Vec<SuggestType>>,
        #[graphql(default = 10, desc = "How many suggestions, best first: 1 to 50.")] first: i32,
    ) -> AppResult<Vec<Suggestion>> {
        if !(1..=50).contains(&first) {
            return Err(crate::platform::error::AppError::bad_input(
                "first",
                "`first` must be between 1 and 50",
            ));
        }
        let kinds: Vec<NameKind> = match types {
            Some(types) if !types.is_empty() => types.into_iter().map(NameKind::from).collect(),
            _ => NameKind::ALL.to_vec(),
        };
        let hits = suggest::suggest(db(ctx)?, &prefix, &kinds, first as u64).await?;
        let loaders = loaders(ctx)?;
        let mut out = Vec::with_capacity(hits.len());
        for hit in hits {
            let Some(kind) = NameKind::parse(&hit.kind) else {
                continue;
            };
            let id = hit.target_id;
            // Slugs come through the loaders: one batch per kind.
            let (t, node, slug) = match kind {
                NameKind::Person => (
                    SuggestType::Person,
                    NodeType::Person,
                    loaders.load_one(PersonId(id)).await?.map(|r| r.slug),
                ),
                NameKind::Organization => (
                    SuggestType::Organization,
                    NodeType::Organization,
                    loaders.load_one(OrganizationId(id)).await?.map(|r| r.slug),
                ),
                NameKind::Event => (
                    SuggestType::Event,
                    NodeType::Event,
                    loaders.load_one(EventId(id)).await?.map(|r| r.slug),
                ),
                NameKind::Section => (
                    SuggestType::Section,
                    NodeType::Section,
                    loaders.load_one(SectionId(id)).await?.map(|r| r.slug),
                ),
                NameKind::Tag => (
                    SuggestType::Tag,
                    NodeType::Tag,
                    loaders.load_one(TagId(id)).await?.map(|r| r.slug),
                ),
            };
            if let Some(slug) = slug {
                out.push(Suggestion {
                    kind: t,
                    id: ids::encode(node, id).into(),
                    name: hit.name,
                    slug,
                });
            }
        }
        Ok(out)
    }
}
