//! Events, their participants and timelines, and the `event` / `events`
//! queries.

use async_graphql::{
    Context, ContextSelectionSet, Enum, ID, InputObject, Object, ScalarType, SimpleObject, Value,
    parser::types::Field,
};
use chrono::{DateTime, Utc};
use entity::event;

use super::{
    articles::ArticleConnection,
    connection::{Total, connection},
    db, loaders, lookup,
    organizations::Organization,
    people::Person,
    plain::{PlainFields, or_null},
};
use crate::{
    domain::articles::{ArticleScope, ListOrder},
    domain::events::{EventRefs, EventScope},
    domain::loaders::{EventId, OrganizationsOfEvent, PeopleOfEvent},
    domain::related::RelatedEventsOfEvent,
    platform::error::AppResult,
    platform::ids::{self, NodeType},
    platform::pagination::{Page, page_ranked},
};

/// A conference, a signing, a visit: something that happened and that
/// articles cover.
#[derive(Clone)]
pub struct Event(pub event::Model);

connection!(
    EventConnection,
    EventEdge,
    Event,
    event::Entity,
    "A page of events."
);

/// Order of an event's timeline.
#[derive(Enum, Clone, Copy, PartialEq, Eq, Default)]
pub enum TimelineOrder {
    /// Latest publication first (the default): what a live page shows.
    #[default]
    NewestFirst,
    /// Earliest publication first: the story as it unfolded.
    OldestFirst,
}

/// A person taking part in an event.
#[derive(SimpleObject)]
pub struct EventParticipant {
    /// What they did there ("chủ trì"), when known.
    pub role: Option<String>,
    /// The person.
    pub person: Person,
}

/// Who took part in an event.
pub struct Participants(i64);

/// Who took part in an event: people (with their role there) and
/// organizations.
#[Object]
impl Participants {
    /// The people who took part, each with what they did there.
    async fn people(&self, ctx: &Context<'_>) -> AppResult<Vec<EventParticipant>> {
        Ok(loaders(ctx)?
            .load_one(PeopleOfEvent(self.0))
            .await?
            .unwrap_or_default()
            .into_iter()
            .map(|(link, person)| EventParticipant {
                role: link.role,
                person: Person::from(person),
            })
            .collect())
    }

    /// The organizations that took part.
    async fn organizations(&self, ctx: &Context<'_>) -> AppResult<Vec<Organization>> {
        Ok(loaders(ctx)?
            .load_one(OrganizationsOfEvent(self.0))
            .await?
            .unwrap_or_default()
            .into_iter()
            .map(|(_, organization)| Organization(organization))
            .collect())
    }
}

impl PlainFields for Event {
    fn plain_field(&self, _: &ContextSelectionSet<'_>, field: &Field) -> Option<Value> {
        Some(match field.name.node.as_str() {
            "id" => Value::String(ids::encode(NodeType::Event, self.0.id)),
            "slug" => Value::String(self.0.slug.clone()),
            "version" => self.0.version.to_value(),
            "name" => Value::String(self.0.name.clone()),
            "summary" => or_null(self.0.summary.clone(), Value::String),
            "startsAt" => self.0.starts_at.to_value(),
            "endsAt" => or_null(self.0.ends_at, |at| at.to_value()),
            "location" => or_null(self.0.location.clone(), Value::String),
            _ => return None,
        })
    }
}

/// A conference, a signing, a visit: something that happened at a time and
/// place, with its participants and the articles that cover it (its
/// timeline).
#[Object]
impl Event {
    /// The global ID (pass it to `node(id:)`).
    pub async fn id(&self) -> ID {
        ids::encode(NodeType::Event, self.0.id).into()
    }

    /// URL-safe name, unique among events.
    async fn slug(&self) -> &str {
        &self.0.slug
    }

    /// Incremented by every change; send it back with updates.
    async fn version(&self) -> i32 {
        self.0.version
    }

    /// The event's name ("Hội nghị tổng kết công tác dân vận năm 2021").
    async fn name(&self) -> &str {
        &self.0.name
    }

    /// A short description of the event; null when none was written.
    async fn summary(&self) -> Option<&str> {
        self.0.summary.as_deref()
    }

    /// When it starts, RFC 3339 in UTC (the newsroom's zone is
    /// Asia/Ho_Chi_Minh, +07:00).
    async fn starts_at(&self) -> DateTime<Utc> {
        self.0.starts_at
    }

    /// When it ends, RFC 3339 in UTC; null when not known.
    async fn ends_at(&self) -> Option<DateTime<Utc>> {
        self.0.ends_at
    }

    /// Where it takes place, free text ("Trung tâm Hội nghị tỉnh"); null
    /// when unknown.
    async fn location(&self) -> Option<&str> {
        self.0.location.as_deref()
    }

    /// The people and organizations that took part.
    async fn participants(&self) -> Participants {
        Participants(self.0.id)
    }

    /// The event's timeline: the articles covering it.
    #[graphql(complexity = "crate::graphql::cost::page(first.or(last), child_complexity)")]
    async fn articles(
        &self,
        ctx: &Context<'_>,
        #[graphql(default, desc = "Newest or oldest publication first.")] order: TimelineOrder,
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
        let newest_first = order == TimelineOrder::NewestFirst;
        let scope = ArticleScope::of_event(self.0.id);
        ArticleConnection::of_scope(ctx, &scope, &page, ListOrder::PublishedAt, newest_first).await
    }

    /// Events sharing this one's people and organizations, ranked by
    /// overlap then recency.
    #[graphql(complexity = "crate::graphql::cost::page(first, child_complexity)")]
    async fn related_events(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Page size: 0 to 100; 20 when absent.")] first: Option<i32>,
        #[graphql(desc = "Cursor to continue after: an edge's `cursor` or `pageInfo.endCursor`.")]
        after: Option<String>,
    ) -> AppResult<EventConnection> {
        let page = Page::forward(first, after)?;
        let loaders = loaders(ctx)?;
        let ranked = loaders
            .load_one(RelatedEventsOfEvent(self.0.id))
            .await?
            .unwrap_or_default();
        Ok(ranked_connection(loaders, ranked, &page).await?)
    }
}

/// A page of a list of event ids ranked in memory.
pub(crate) async fn ranked_connection(
    loaders: &super::dataloader::Loaders,
    ranked: Vec<i64>,
    page: &Page,
) -> AppResult<EventConnection> {
    let total = ranked.len() as u64;
    let (edges, info) = page_ranked(ranked, page, |id| *id);
    let rows = loaders
        .load_many(edges.iter().map(|(id, _)| EventId(*id)))
        .await?;
    let edges = edges
        .into_iter()
        .filter_map(|(id, cursor)| rows.get(&EventId(id)).cloned().map(|e| (Event(e), cursor)))
        .collect();
    Ok(EventConnection::new(edges, info, Total::Known(total)))
}

/// Narrows the list of events.
#[derive(InputObject, Default)]
pub struct EventFilter {
    /// Only events starting at or after this time.
    pub starts_after: Option<DateTime<Utc>>,
    /// Only events starting before this time.
    pub starts_before: Option<DateTime<Utc>>,
    /// Only events this person (ID or slug) took part in.
    pub person: Option<String>,
    /// Only events this organization (ID or slug) took part in.
    pub organization: Option<String>,
}

impl EventFilter {
    /// The filter as the domain reads it, references still unresolved.
    fn refs(&self) -> EventRefs<'_> {
        EventRefs {
            starts_after: self.starts_after,
            starts_before: self.starts_before,
            person: self.person.as_deref(),
            organization: self.organization.as_deref(),
        }
    }
}

impl EventConnection {
    /// A page of the events in `scope`, newest `startsAt` first.
    pub(crate) async fn of_scope(
        ctx: &Context<'_>,
        scope: &EventScope,
        page: &Page,
    ) -> AppResult<Self> {
        let found = crate::domain::events::page(db(ctx)?, scope, page).await?;
        let total = found
            .whole
            .map_or(Total::Known(0), |whole| Total::Query(Box::new(whole)));
        let edges = found.rows.into_iter().map(|(e, c)| (Event(e), c)).collect();
        Ok(Self::new(edges, found.info, total))
    }
}

/// The event queries.
#[derive(Default)]
pub struct EventsQuery;

#[Object]
impl EventsQuery {
    /// One event by global ID or slug.
    async fn event(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The global ID. Give exactly one of `id` and `slug`.")] id: Option<ID>,
        #[graphql(
            desc = "The slug; an old slug still finds the row that had it. Give exactly one of `id` and `slug`."
        )]
        slug: Option<String>,
    ) -> AppResult<Option<Event>> {
        Ok(lookup::by_id_or_slug::<event::Entity>(ctx, id, slug)
            .await?
            .map(Event))
    }

    /// Events, newest `startsAt` first.
    #[graphql(complexity = "crate::graphql::cost::page(first.or(last), child_complexity)")]
    async fn events(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Narrows the list; absent for all events.")] filter: Option<EventFilter>,
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
    ) -> AppResult<EventConnection> {
        let page = Page::from_params(first, after, last, before)?;
        let scope = match filter {
            Some(filter) => EventScope::resolve(db(ctx)?, &filter.refs()).await?,
            None => EventScope::default(),
        };
        EventConnection::of_scope(ctx, &scope, &page).await
    }
}
