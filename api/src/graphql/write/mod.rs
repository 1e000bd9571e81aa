//! Mutations: the newsroom's writes, one module per domain, merged into
//! one mutation root. Every write is one transaction; every update takes
//! the `version` the client read and answers `CONFLICT` when it is stale.

pub mod articles;
pub mod events;
pub mod organizations;
pub mod people;
pub mod sections;
mod support;
pub mod tags;
pub mod webhooks;

use async_graphql::{ID, MergedObject, SimpleObject};

/// Every mutation of the API.
#[derive(MergedObject, Default)]
pub struct MutationRoot(
    articles::ArticlesMutation,
    people::PeopleMutation,
    organizations::OrganizationsMutation,
    events::EventsMutation,
    sections::SectionsMutation,
    tags::TagsMutation,
    webhooks::WebhooksMutation,
);

/// What a delete mutation answers: what is gone.
#[derive(SimpleObject)]
pub struct DeletePayload {
    /// The global ID the object had.
    pub id: ID,
    /// The slug it had.
    pub slug: String,
}
