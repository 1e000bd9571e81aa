//! `search` and `suggest`: Vietnamese-aware full-text search over articles
//! and autocomplete of names.

use std::{collections::HashMap, sync::Arc};

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
    domain::loaders::{ArticleId, EventId, MediaId, OrganizationId, PersonId, SectionId, TagId},
    domain::search::{
        embedded::EmbeddedIndex,
        gate::SearchGate,
        highlight::{self, Terms},
        index::{body_text, captions_of},
        names::NameKind,
        query::{self, Count, Hit, Order, Outcome, Source},
        suggest,
    },
    platform::error::{AppError, AppResult},
    platform::ids::{self, NodeType},
    platform::pagination::{Page, PageInfo, SortKey, page_ranked},
};

/// How search results are ordered.
#[derive(Enum, Clone, Copy, PartialEq, Eq, Default)]
pub enum SearchOrder {
    /// Best match first, over every match: the engine's field-weighted
    /// relevance (title, lead, captions and linked names, body), the
    /// words as a phrase or close together anywhere, exact diacritics,
    /// and recency as a gentle prior.
    #[default]
    Relevance,
    /// Newest first among all the matches.
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
    /// The passage of the lead or body where the query's words are
    /// densest, matched words in `<mark>` (exact diacritics preferred);
    /// the opening of the lead when only other fields matched.
    pub snippet: String,
    /// The photo caption that matched best, marked; null when no caption
    /// holds a word of the query.
    pub caption: Option<String>,
}

/// One search result.
pub struct ArticleSearchEdge {
    cursor: String,
    hit: Hit,
    article: article::Model,
    terms: std::sync::Arc<Terms>,
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

    /// The title, the best passage and the matching caption, with the
    /// matched words marked, ready to show as HTML.
    async fn highlights(&self, ctx: &Context<'_>) -> AppResult<SearchHighlights> {
        let terms = &*self.terms;
        let blocks = body::parse(&self.article.body).unwrap_or_default();
        let lead = highlight::best_passage(&self.article.lead, terms);
        let body = highlight::best_passage(&body_text(&blocks), terms);
        let snippet = match (lead, body) {
            (Some(l), Some(b)) if b.density > l.density => b.snippet,
            (Some(l), _) => l.snippet,
            (None, Some(b)) => b.snippet,
            (None, None) => highlight::opening(&self.article.lead),
        };
        let media_ids: Vec<MediaId> = self
            .article
            .lead_image_id
            .into_iter()
            .chain(blocks.iter().filter_map(|b| match b {
                body::Block::Image { media_id } => Some(*media_id),
                _ => None,
            }))
            .map(MediaId)
            .collect();
        let captions: HashMap<i64, String> = if media_ids.is_empty() {
            HashMap::new()
        } else {
            loaders(ctx)?
                .load_many(media_ids)
                .await?
                .into_iter()
                .filter_map(|(id, m)| m.caption.map(|c| (id.0, c)))
                .collect()
        };
        let caption = captions_of(&blocks, &captions, self.article.lead_image_id)
            .iter()
            .filter_map(|c| highlight::best_passage(c, terms))
            .fold(None, |best: Option<highlight::Passage>, p| match best {
                Some(b) if b.density >= p.density => Some(b),
                _ => Some(p),
            })
            .map(|p| p.snippet);
        Ok(SearchHighlights {
            title: highlight::mark(&self.article.title, terms),
            snippet,
            caption,
        })
    }
}

/// A page of search results.
pub struct ArticleSearchConnection {
    edges: Vec<ArticleSearchEdge>,
    page_info: PageInfo,
    /// How many matches there are, all pages together (`None`: not
    /// counted, `totalCount` was not selected).
    total: Option<usize>,
    /// Whether every result holds every word of the query.
    matched_all_terms: bool,
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

    /// How many articles match, all pages together: every visible match
    /// is ranked, whatever the archive's size.
    async fn total_count(&self) -> AppResult<u64> {
        // Counted whenever the query selects this field (`search` looks
        // ahead); reaching it uncounted is a bug, not a zero.
        self.total.map(|t| t as u64).ok_or_else(|| {
            AppError::Internal("search results were not counted for totalCount".into())
        })
    }

    /// `true` when the results hold every word and phrase of the query;
    /// `false` when no article holds them all and the results are those
    /// holding most of them instead.
    async fn matched_all_terms(&self) -> bool {
        self.matched_all_terms
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
    /// finds the same articles. Every word must match (when no article
    /// holds them all, articles holding most of them are shown and
    /// `matchedAllTerms` is false); `"quoted phrases"` must match exactly;
    /// `-word` leaves out articles holding the word.
    /// Anonymous readers search published articles; staff may add
    /// `filter.status`.
    #[graphql(complexity = "crate::graphql::cost::search(first, child_complexity)")]
    async fn search(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "What to look for: words (with or without diacritics), `\"quoted phrases\"` and `-excluded` words; not empty, at most 200 characters."
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
        let parsed = query::parse(&query)?;
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
                total: Some(0),
                matched_all_terms: true,
            });
        }
        let section = scope.section_root();
        let order = match order_by {
            SearchOrder::Relevance => Order::Relevance,
            SearchOrder::Newest => Order::Newest,
        };
        // Rank cursors carry the position: rank deep enough to hold the
        // page after it.
        let depth = match &page.after {
            Some(after) => match after.key {
                SortKey::Int(i) => usize::try_from(i).unwrap_or(0) + 1,
                _ => 0,
            },
            None => 0,
        } + page.limit as usize
            + 1;
        // A turn at the database (see `gate.rs`): searches beyond the
        // replica's share of the pool wait here, holding no connection.
        let turn = match ctx.data_opt::<SearchGate>() {
            Some(gate) => Some(gate.enter().await),
            None => None,
        };
        // The replica's embedded index when it is built (brought up to
        // the journal's last entry first), else the database's engine.
        let source = match ctx.data_opt::<Arc<EmbeddedIndex>>() {
            Some(index) if index.current(db).await? => {
                let public_at = (!req.viewer.sees_unpublished()).then_some(req.now());
                Source::Embedded(index, scope.index_filter(public_at))
            }
            _ => Source::Database(Box::new(scope.apply(
                article::Entity::find().filter(req.viewer.article_condition(req.now())),
            ))),
        };
        // Counting every match of a common word costs as much as ranking
        // them: only when the page shows the total.
        let count = match ctx.look_ahead().field("totalCount").exists() {
            true => Count::Every,
            false => Count::Skip,
        };
        let Outcome {
            hits,
            total,
            matched_all_terms,
        } = query::run(db, &parsed, source, order, depth, count, req.now()).await?;
        drop(turn);
        surrogate::article_list(ctx, section);
        let terms = std::sync::Arc::new(Terms::of(&parsed));
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
                        terms: terms.clone(),
                    })
            })
            .collect();
        Ok(ArticleSearchConnection {
            edges,
            page_info,
            total,
            matched_all_terms,
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
