//! The GraphQL schema: one module per domain, merged into one query root.

pub mod articles;
pub mod body;
pub mod changes;
pub mod connection;
pub mod cost;
pub mod dataloader;
pub mod endpoint;
mod error;
pub mod events;
pub mod imports;
pub mod limits;
pub mod live;
mod lookup;
pub mod media;
pub mod node;
pub mod organizations;
pub mod people;
pub mod plain;
pub mod rate_limit;
pub mod search;
pub mod sections;
pub mod surrogate;
pub mod tags;
pub mod webhooks;
pub mod write;

use async_graphql::{Context, ContextBase, MergedObject, Schema, SchemaBuilder};
use chrono::{DateTime, Utc};
use sea_orm::DatabaseConnection;

use crate::{
    domain::viewer::Viewer,
    platform::config::Config,
    platform::error::{AppError, AppResult},
};

/// Every query of the API.
#[derive(MergedObject, Default)]
pub struct Query(
    articles::ArticlesQuery,
    people::PeopleQuery,
    organizations::OrganizationsQuery,
    events::EventsQuery,
    sections::SectionsQuery,
    tags::TagsQuery,
    node::NodeQuery,
    search::SearchQuery,
    changes::ChangesQuery,
    webhooks::WebhooksQuery,
    imports::ImportsQuery,
);

/// The schema type served at `/graphql`: its root fields take turns
/// ([`limits::fair`]).
pub type AppSchema = Schema<limits::Fair<Query>, write::Mutation, live::Subscription>;

/// The schema with no limits and no data attached.
fn unlimited_builder() -> SchemaBuilder<limits::Fair<Query>, write::Mutation, live::Subscription> {
    Schema::build(
        limits::Fair(Query::default()),
        write::Mutation::default(),
        live::Subscription,
    )
    .limit_recursive_depth(64)
    .limit_directives(50)
}

/// The schema with its limits and no data attached: enough to export the
/// SDL without a database.
pub fn schema_builder(
    config: &Config,
) -> SchemaBuilder<limits::Fair<Query>, write::Mutation, live::Subscription> {
    unlimited_builder()
        .limit_depth(config.graphql_max_depth)
        .limit_complexity(config.graphql_max_complexity)
}

/// The schema that only measures a document's complexity and depth, and
/// runs nothing: it tells what a refused document measured
/// ([`limits::measured`]).
pub fn measuring_schema() -> AppSchema {
    unlimited_builder().extension(limits::MeasureOnly).finish()
}

/// The executable schema, with the database and configuration attached.
/// It has no extension, so its fields resolve on async-graphql's fast
/// path: rate limits are charged by the endpoint ([`rate_limit`]).
/// `search_index` is the replica's embedded search index, if it has one.
pub fn build_schema(
    db: DatabaseConnection,
    config: std::sync::Arc<Config>,
    search_index: Option<std::sync::Arc<crate::domain::search::embedded::EmbeddedIndex>>,
    media: Option<std::sync::Arc<crate::domain::media::MediaLibrary>>,
) -> AppSchema {
    let gate = crate::domain::search::gate::SearchGate::new(config.search_concurrency());
    let mut builder = schema_builder(&config).data(db).data(gate).data(config);
    if let Some(index) = search_index {
        builder = builder.data(index);
    }
    if let Some(media) = media {
        builder = builder.data(media);
    }
    builder.finish()
}

/// The SDL of the schema, as kept in `schema.graphql`.
pub fn sdl() -> String {
    schema_builder(&Config::for_database("sqlite::memory:"))
        .finish()
        .sdl()
}

/// What every request carries besides the schema-wide data.
pub struct RequestContext {
    pub viewer: Viewer,
    clock: Clock,
}

/// Where a request reads "now".
enum Clock {
    /// One reading per request, so every field of an answer agrees.
    Fixed(DateTime<Utc>),
    /// A subscription lives for hours: each event reads the time again
    /// (an article scheduled for later is visible once its time comes).
    Live,
}

impl RequestContext {
    /// A query or mutation by `viewer`, answered as of `now`.
    pub fn at(viewer: Viewer, now: DateTime<Utc>) -> Self {
        Self {
            viewer,
            clock: Clock::Fixed(now),
        }
    }

    /// A subscription by `viewer`: every event as of its own time.
    pub fn live(viewer: Viewer) -> Self {
        Self {
            viewer,
            clock: Clock::Live,
        }
    }

    /// "Now" for this request.
    pub fn now(&self) -> DateTime<Utc> {
        match self.clock {
            Clock::Fixed(now) => now,
            Clock::Live => Utc::now(),
        }
    }
}

pub use dataloader::Loaders;

/// The request's loaders; a subscription's are the replica's shared ones
/// (`Arc<Loaders>`: every subscriber resolving one event joins the same
/// batches).
pub(crate) fn loaders<'a, T>(ctx: &'a ContextBase<'_, T>) -> AppResult<&'a Loaders> {
    if let Some(loaders) = ctx.data_opt::<Loaders>() {
        return Ok(loaders);
    }
    ctx.data_opt::<std::sync::Arc<Loaders>>()
        .map(|loaders| loaders.as_ref())
        .ok_or_else(|| AppError::Internal("request has no loaders".into()))
}

pub(crate) fn db<'a>(ctx: &'a Context<'_>) -> AppResult<&'a DatabaseConnection> {
    ctx.data::<DatabaseConnection>()
        .map_err(|_| AppError::Internal("schema has no database".into()))
}

pub(crate) fn config<'a, T>(ctx: &'a ContextBase<'_, T>) -> AppResult<&'a Config> {
    ctx.data::<std::sync::Arc<Config>>()
        .map(|c| c.as_ref())
        .map_err(|_| AppError::Internal("schema has no config".into()))
}

pub(crate) fn request<'a>(ctx: &'a Context<'_>) -> AppResult<&'a RequestContext> {
    ctx.data::<RequestContext>()
        .map_err(|_| AppError::Internal("request has no context".into()))
}
