//! Lists of articles answered in one pass: a home page's cards.
//!
//! `graphql::plain` answers the leaf objects of a card in one pass, but an
//! article's own relations are loaded field by field: on a home page of
//! 20 cards, some 140 `load_one` calls (each a future, a channel and a
//! copy of its rows) and 280 field futures, all for one batch and one
//! statement. Here a list of articles first works out, from its
//! selection, every relation each article shows, reads them all with one
//! `load_many` (the same batch, the same statement), then answers each
//! card in one synchronous pass. A selection with anything else
//! (arguments, the body, related content, staff-only fields, named
//! fragments, directives) goes to async-graphql's resolvers, as before,
//! which stay the one reference for every field (`tests/plain_fields.rs`
//! compares the two).

use std::{
    borrow::{Borrow, Cow},
    collections::HashMap,
};

use async_graphql::{
    ContextSelectionSet, OutputType, Positioned, ScalarType, ServerResult, Value,
    parser::types::{Field, Selection, SelectionSet},
    registry::Registry,
    resolver_utils::enum_value,
};
use entity::article_person::PersonRole;

use super::{Article, ArticleEdge, ArticlePerson, ArticleStatus, shows_positions};
use crate::{
    domain::{
        body,
        linked::{Linked, LinkedRows},
        loaders::SectionId,
    },
    graphql::{
        Loaders, config,
        dataloader::keep_linked,
        events::Event,
        loaders,
        media::Media,
        organizations::Organization,
        people::Person,
        plain::{OnePass, or_null, plain_child, plain_items, plain_object},
        sections::Section,
        surrogate,
        tags::Tag,
    },
    platform::ids::{self, NodeType},
};

/// The fields of `Article` answered from the row itself.
const COLUMNS: &[&str] = &[
    "id",
    "slug",
    "title",
    "lead",
    "publishedAt",
    "createdAt",
    "updatedAt",
    "status",
    "version",
    "language",
    "wordCount",
    "readingTimeMinutes",
    "__typename",
];

/// Articles (`Article` or `&Article`), answered in one pass when their
/// selection allows it; registered as `[Article!]!`, as `Vec<Article>`
/// is.
pub struct ArticleList<A>(pub Vec<A>);

impl<A> FromIterator<A> for ArticleList<A> {
    fn from_iter<I: IntoIterator<Item = A>>(items: I) -> Self {
        Self(items.into_iter().collect())
    }
}

impl<A: Borrow<Article> + OutputType> OutputType for ArticleList<A> {
    fn type_name() -> Cow<'static, str> {
        Vec::<Article>::type_name()
    }

    fn qualified_type_name() -> String {
        Vec::<Article>::qualified_type_name()
    }

    fn create_type_info(registry: &mut Registry) -> String {
        Vec::<Article>::create_type_info(registry)
    }

    async fn resolve(
        &self,
        ctx: &ContextSelectionSet<'_>,
        field: &Positioned<Field>,
    ) -> ServerResult<Value> {
        let set = &ctx.item.node;
        let articles: Vec<&Article> = self.0.iter().map(Borrow::borrow).collect();
        if let Some(read) = Read::relations(ctx, &articles, &[set]).await {
            let cards: Option<Vec<Value>> = articles
                .iter()
                .map(|article| plain_object(&Card::new(article, &read.rows), ctx, set))
                .collect();
            match cards {
                Some(cards) => return Ok(Value::List(cards)),
                None => read.keep(ctx),
            }
        }
        self.0.resolve(ctx, field).await
    }
}

/// A connection's edges, answered in one pass when their selection
/// allows it; registered as `[ArticleEdge!]!`, as `&[ArticleEdge]` is.
pub struct ArticleEdges<'a>(pub &'a [ArticleEdge]);

impl<'a> From<&'a [ArticleEdge]> for ArticleEdges<'a> {
    fn from(edges: &'a [ArticleEdge]) -> Self {
        Self(edges)
    }
}

impl OutputType for ArticleEdges<'_> {
    fn type_name() -> Cow<'static, str> {
        <&[ArticleEdge]>::type_name()
    }

    fn qualified_type_name() -> String {
        <&[ArticleEdge]>::qualified_type_name()
    }

    fn create_type_info(registry: &mut Registry) -> String {
        <&[ArticleEdge]>::create_type_info(registry)
    }

    async fn resolve(
        &self,
        ctx: &ContextSelectionSet<'_>,
        field: &Positioned<Field>,
    ) -> ServerResult<Value> {
        if let Some(answer) = edges_in_one_pass(self.0, ctx).await {
            return Ok(answer);
        }
        self.0.resolve(ctx, field).await
    }
}

async fn edges_in_one_pass(edges: &[ArticleEdge], ctx: &ContextSelectionSet<'_>) -> Option<Value> {
    let set = &ctx.item.node;
    let nodes = node_selections(set)?;
    let articles: Vec<&Article> = edges.iter().map(|edge| &edge.node).collect();
    let read = Read::relations(ctx, &articles, &nodes).await?;
    let answers: Option<Vec<Value>> = edges
        .iter()
        .map(|edge| {
            let view = EdgeCard {
                edge,
                card: Card::new(&edge.node, &read.rows),
            };
            plain_object(&view, ctx, set)
        })
        .collect();
    if answers.is_none() {
        read.keep(ctx);
    }
    answers.map(Value::List)
}

/// The selections of `node` in an edge's selection; `None` when it asks
/// for anything but `cursor`, `node` and `__typename` as plain fields.
fn node_selections(set: &SelectionSet) -> Option<Vec<&SelectionSet>> {
    let mut nodes = Vec::new();
    for selection in &set.items {
        let Selection::Field(field) = &selection.node else {
            return None;
        };
        let field = &field.node;
        if !field.arguments.is_empty() || !field.directives.is_empty() {
            return None;
        }
        match field.name.node.as_str() {
            "node" => nodes.push(&field.selection_set.node),
            "cursor" | "__typename" => {}
            _ => return None,
        }
    }
    Some(nodes)
}

/// The relations a list's selection asks of its articles, read at once.
struct Read {
    keys: Vec<Linked>,
    rows: HashMap<Linked, LinkedRows>,
}

impl Read {
    /// Reads every relation the selections `sets` ask of `articles` in
    /// one `load_many`; `None` when a selection is not one-pass or the
    /// read failed (async-graphql's resolvers then answer, errors
    /// included).
    async fn relations(
        ctx: &ContextSelectionSet<'_>,
        articles: &[&Article],
        sets: &[&SelectionSet],
    ) -> Option<Read> {
        let mut keys = Vec::new();
        for article in articles {
            for set in sets {
                keys_of(article, ctx, set, &mut keys)?;
            }
        }
        if keys.is_empty() {
            return Some(Read {
                keys,
                rows: HashMap::new(),
            });
        }
        let loaders = loaders(ctx).ok()?;
        let rows = loaders.load_many(keys.iter().copied()).await.ok()?;
        // As `Article::section_row` does: `section { parent }` and later
        // loads of these sections cost no statement.
        let sections = rows.values().filter_map(|value| match value {
            LinkedRows::Section(pair) => Some(pair),
            _ => None,
        });
        let sections: Vec<_> = sections
            .flat_map(|pair| std::iter::once(&pair.0).chain(pair.1.as_ref()))
            .map(|row| (SectionId(row.id), row.clone()))
            .collect();
        if !sections.is_empty() {
            loaders.feed_many(sections).await;
        }
        Some(Read { keys, rows })
    }

    /// Hands the rows to the resolvers that answer instead, so that they
    /// are not read twice (a card showing `leadImage { url(width: 320) }`).
    /// Only a request's own loaders keep rows: a subscription's are the
    /// replica's, shared by every subscriber for as long as it runs, where
    /// kept rows would go stale and pile up.
    fn keep(self, ctx: &ContextSelectionSet<'_>) {
        if let Some(loaders) = ctx.data_opt::<Loaders>() {
            keep_linked(loaders, self.keys, &self.rows);
        }
    }
}

/// Adds the keys the selection `set` of `article` loads, the keys its
/// resolvers would load; `None` at the first selection that is not
/// one-pass.
fn keys_of(
    article: &Article,
    ctx: &ContextSelectionSet<'_>,
    set: &SelectionSet,
    keys: &mut Vec<Linked>,
) -> Option<()> {
    let row = &article.0;
    for selection in &set.items {
        let field = match &selection.node {
            Selection::Field(field) => field,
            Selection::InlineFragment(fragment) => {
                let fragment = &fragment.node;
                let on = fragment.type_condition.as_ref().map(|c| &c.node.on.node);
                if !fragment.directives.is_empty()
                    || on.is_some_and(|on| on.as_str() != Article::type_name())
                {
                    return None;
                }
                keys_of(article, ctx, &fragment.selection_set.node, keys)?;
                continue;
            }
            Selection::FragmentSpread(_) => return None,
        };
        if !field.node.arguments.is_empty() || !field.node.directives.is_empty() {
            return None;
        }
        let people = |positions| Linked::People {
            article: row.id,
            positions,
        };
        let key = match field.node.name.node.as_str() {
            "section" | "url" => Linked::Section(row.section_id),
            "tags" => Linked::Tags(row.id),
            "authors" => people(shows_positions(ctx.with_field(field).look_ahead())),
            "people" => people(shows_positions(
                ctx.with_field(field).look_ahead().field("person"),
            )),
            "organizations" => Linked::Organizations(row.id),
            "events" => Linked::Events(row.id),
            "images" => Linked::Images(row.id),
            "leadImage" => match row.lead_image_id {
                Some(id) => Linked::Media(id),
                None => continue,
            },
            name if COLUMNS.contains(&name) => continue,
            _ => return None,
        };
        keys.push(key);
    }
    Some(())
}

/// An article with the relations read for its list.
struct Card<'a> {
    article: &'a Article,
    rows: &'a HashMap<Linked, LinkedRows>,
}

impl<'a> Card<'a> {
    fn new(article: &'a Article, rows: &'a HashMap<Linked, LinkedRows>) -> Self {
        Self { article, rows }
    }

    fn get(&self, key: Linked) -> Option<&'a LinkedRows> {
        self.rows.get(&key)
    }

    /// The people linked to the article, read with or without their
    /// positions (whichever the list read; both answer alike where
    /// positions are not shown).
    fn people(&self) -> &'a [crate::domain::linked::PersonLink] {
        let id = self.article.0.id;
        let read = [true, false].into_iter().find_map(|positions| {
            self.get(Linked::People {
                article: id,
                positions,
            })
        });
        match read {
            Some(LinkedRows::People(rows)) => rows,
            _ => &[],
        }
    }

    /// The section and its parent; `None` when it is missing (the
    /// resolver's error then answers).
    fn section(&self) -> Option<&'a entity::section::Model> {
        match self.get(Linked::Section(self.article.0.section_id))? {
            LinkedRows::Section(pair) => Some(&pair.0),
            _ => None,
        }
    }
}

/// The targets of a relation's rows, as a list of plain objects.
fn targets<'r, L: 'r, T: Clone + 'r, W: OnePass>(
    rows: impl IntoIterator<Item = &'r (L, T)>,
    wrap: impl Fn(T) -> W,
    ctx: &ContextSelectionSet<'_>,
    field: &Field,
) -> Option<Value> {
    let items: Vec<W> = rows
        .into_iter()
        .map(|(_, target)| wrap(target.clone()))
        .collect();
    plain_items(&items, ctx, field)
}

impl OnePass for Card<'_> {
    fn object_type(&self) -> Cow<'static, str> {
        Article::type_name()
    }

    fn one_pass_field(&self, ctx: &ContextSelectionSet<'_>, field: &Field) -> Option<Value> {
        let row = &self.article.0;
        Some(match field.name.node.as_str() {
            "id" => Value::String(ids::encode(NodeType::Article, row.id)),
            "slug" => Value::String(row.slug.clone()),
            "title" => Value::String(row.title.clone()),
            "lead" => Value::String(row.lead.clone()),
            "publishedAt" => or_null(row.published_at, |at| at.to_value()),
            "createdAt" => row.created_at.to_value(),
            "updatedAt" => row.updated_at.to_value(),
            "status" => enum_value(ArticleStatus::from(row.status)),
            "version" => row.version.to_value(),
            "language" => Value::String(row.language.clone()),
            "wordCount" => row.word_count.to_value(),
            "readingTimeMinutes" => {
                (body::reading_time_minutes(row.word_count.max(0) as usize) as i32).to_value()
            }
            "url" => {
                surrogate::section(ctx, row.section_id);
                let base = config(ctx).ok()?.base_url();
                let section = self.section().map(|s| s.slug.as_str());
                Value::String(crate::platform::urls::article(base, section, &row.slug))
            }
            "section" => {
                surrogate::section(ctx, row.section_id);
                plain_child(&Section(self.section()?.clone()), ctx, field)?
            }
            "tags" => match self.get(Linked::Tags(row.id)) {
                Some(LinkedRows::Tags(rows)) => targets(rows, Tag, ctx, field)?,
                _ => Value::List(Vec::new()),
            },
            "organizations" => match self.get(Linked::Organizations(row.id)) {
                Some(LinkedRows::Organizations(rows)) => targets(rows, Organization, ctx, field)?,
                _ => Value::List(Vec::new()),
            },
            "events" => match self.get(Linked::Events(row.id)) {
                Some(LinkedRows::Events(rows)) => targets(rows, Event, ctx, field)?,
                _ => Value::List(Vec::new()),
            },
            "images" => match self.get(Linked::Images(row.id)) {
                Some(LinkedRows::Images(rows)) => targets(rows, Media, ctx, field)?,
                _ => Value::List(Vec::new()),
            },
            "leadImage" => {
                let media = row.lead_image_id.and_then(|id| self.get(Linked::Media(id)));
                match media {
                    Some(LinkedRows::Media(media)) => {
                        plain_child(&Media(media.as_ref().clone()), ctx, field)?
                    }
                    _ => Value::Null,
                }
            }
            "authors" => {
                let authors: Vec<Person> = self
                    .people()
                    .iter()
                    .filter(|(link, _, _)| link.role == PersonRole::Author)
                    .map(|(_, person, positions)| {
                        Person::read_with(person.clone(), positions.clone())
                    })
                    .collect();
                plain_items(&authors, ctx, field)?
            }
            "people" => {
                let people: Vec<ArticlePerson> = self
                    .people()
                    .iter()
                    .map(|(link, person, positions)| ArticlePerson {
                        role: link.role.into(),
                        person: Person::read_with(person.clone(), positions.clone()),
                    })
                    .collect();
                plain_items(&people, ctx, field)?
            }
            _ => return None,
        })
    }
}

/// An edge of a list of cards.
struct EdgeCard<'a> {
    edge: &'a ArticleEdge,
    card: Card<'a>,
}

impl OnePass for EdgeCard<'_> {
    fn object_type(&self) -> Cow<'static, str> {
        <ArticleEdge as OutputType>::type_name()
    }

    fn one_pass_field(&self, ctx: &ContextSelectionSet<'_>, field: &Field) -> Option<Value> {
        match field.name.node.as_str() {
            "cursor" => Some(Value::String(self.edge.cursor.clone())),
            "node" => plain_object(&self.card, ctx, &field.selection_set.node),
            _ => None,
        }
    }
}
