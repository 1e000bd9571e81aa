//! Mutations: the newsroom's writes, one module per domain, merged into
//! one mutation root. Every write is one transaction; every update takes
//! the `version` the client read and answers `CONFLICT` when it is stale.

pub mod articles;
pub mod events;
pub mod media;
pub mod organizations;
pub mod people;
pub mod sections;
pub mod tags;
pub mod webhooks;

use async_graphql::{Context, ID, MaybeUndefined, MergedObject, SimpleObject};
use sea_orm::DatabaseConnection;

use crate::{
    domain::catalog::{Deleted, Patch, Writer},
    domain::slugs::Slugged,
    platform::error::AppResult,
    platform::ids,
};

/// Every mutation of the API.
#[derive(MergedObject, Default)]
pub struct Mutation(
    articles::ArticlesMutation,
    people::PeopleMutation,
    organizations::OrganizationsMutation,
    events::EventsMutation,
    sections::SectionsMutation,
    tags::TagsMutation,
    webhooks::WebhooksMutation,
    media::MediaMutation,
);

/// What a delete mutation answers: what is gone.
#[derive(SimpleObject)]
pub struct DeletePayload {
    /// The global ID the object had.
    pub id: ID,
    /// The slug it had.
    pub slug: String,
}

impl DeletePayload {
    /// The payload of a deleted catalogue row of kind `E`.
    pub fn of<E: Slugged>(deleted: Deleted) -> Self {
        Self {
            id: ids::encode(E::NODE, deleted.id).into(),
            slug: deleted.slug,
        }
    }
}

impl<T> From<MaybeUndefined<T>> for Patch<T> {
    fn from(value: MaybeUndefined<T>) -> Self {
        match value {
            MaybeUndefined::Undefined => Self::Absent,
            MaybeUndefined::Null => Self::Null,
            MaybeUndefined::Value(value) => Self::Value(value),
        }
    }
}

/// The database and the writer (viewer and clock) of a mutation.
fn writer<'a>(ctx: &'a Context<'_>) -> AppResult<(&'a DatabaseConnection, Writer<'a>)> {
    let request = super::request(ctx)?;
    let writer = Writer {
        viewer: &request.viewer,
        now: request.now(),
    };
    Ok((super::db(ctx)?, writer))
}
