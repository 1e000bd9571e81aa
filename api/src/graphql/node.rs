//! Relay's `node(id:)`: any object by its global ID.

use async_graphql::{Context, ID, Interface, Object};

use super::{
    articles::Article, events::Event, loaders, media::Media, organizations::Organization,
    people::Person, request, sections::Section, tags::Tag,
};
use crate::{
    domain::loaders::{ArticleId, EventId, MediaId, OrganizationId, PersonId, SectionId, TagId},
    platform::error::AppResult,
    platform::ids::{self, NodeType},
};

/// An object with a global ID.
#[derive(Interface)]
#[graphql(field(
    name = "id",
    ty = "ID",
    desc = "The global ID: opaque, stable, unique across all types; pass it to `node(id:)`."
))]
pub enum Node {
    Article(Article),
    Person(Person),
    Organization(Organization),
    Event(Event),
    Section(Section),
    Tag(Tag),
    Media(Media),
}

#[derive(Default)]
pub struct NodeQuery;

#[Object]
impl NodeQuery {
    /// Any object by its global ID; null when it does not exist or the
    /// viewer may not read it.
    async fn node(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "A global ID of any type, as read from an object's `id`.")] id: ID,
    ) -> AppResult<Option<Node>> {
        let Some((kind, id)) = ids::decode_any(&id) else {
            return Err(crate::platform::error::AppError::bad_input(
                "id",
                "not a valid ID",
            ));
        };
        let loaders = loaders(ctx)?;
        Ok(match kind {
            NodeType::Article => {
                super::surrogate::article(ctx, id);
                let req = request(ctx)?;
                loaders
                    .load_one(ArticleId(id))
                    .await?
                    .filter(|a| req.viewer.can_read(a, req.now()))
                    .map(|a| Node::Article(Article(a)))
            }
            NodeType::Person => loaders
                .load_one(PersonId(id))
                .await?
                .map(|r| Node::Person(Person::from(r))),
            NodeType::Organization => loaders
                .load_one(OrganizationId(id))
                .await?
                .map(|r| Node::Organization(Organization(r))),
            NodeType::Event => loaders
                .load_one(EventId(id))
                .await?
                .map(|r| Node::Event(Event(r))),
            NodeType::Section => {
                super::surrogate::section(ctx, id);
                loaders
                    .load_one(SectionId(id))
                    .await?
                    .map(|r| Node::Section(Section(r)))
            }
            NodeType::Tag => loaders
                .load_one(TagId(id))
                .await?
                .map(|r| Node::Tag(Tag(r))),
            NodeType::Media => loaders
                .load_one(MediaId(id))
                .await?
                .map(|r| Node::Media(Media(r))),
            // Import jobs are admins' business: `importJob(id)`.
            NodeType::ImportJob => None,
        })
    }
}
