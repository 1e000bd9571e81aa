//! Tag mutations: a thin face over [`crate::catalog`]: create, update
//! (renaming keeps the old slug resolving) and delete (removing the tag
//! from its articles on request).

use async_graphql::{Context, ID, InputObject, Object, SimpleObject};
use entity::tag;

use super::{DeletePayload, writer};
use crate::{
    domain::catalog::{self, tags},
    graphql::tags::Tag,
    platform::error::AppResult,
};

/// What `createTag` and `updateTag` take. Every field is optional on
/// update; `name` is required on create.
#[derive(InputObject, Default)]
pub struct TagInput {
    /// "Chuyển đổi số". HTML is removed and the text normalized (NFC).
    pub name: Option<String>,
    /// Made from the name on create when left out. Changing it keeps the
    /// old slug resolving to this tag.
    pub slug: Option<String>,
}

impl From<TagInput> for tags::TagInput {
    fn from(input: TagInput) -> Self {
        Self {
            name: input.name,
            slug: input.slug,
            fields: (),
        }
    }
}

/// What the tag mutations answer.
#[derive(SimpleObject)]
pub struct TagPayload {
    /// The tag as stored after the change.
    pub tag: Tag,
}

/// The tag mutations.
#[derive(Default)]
pub struct TagsMutation;

#[Object]
impl TagsMutation {
    /// Adds a tag (editors and admins). The slug is made from the name
    /// unless given.
    async fn create_tag(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The new tag.")] input: TagInput,
    ) -> AppResult<TagPayload> {
        let (db, writer) = writer(ctx)?;
        let row = catalog::create::<tag::Entity>(db, &writer, &input.into()).await?;
        Ok(TagPayload { tag: Tag(row) })
    }

    /// Renames a tag (editors and admins). A stale `version` is a
    /// `CONFLICT` carrying `currentVersion`.
    async fn update_tag(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The tag's global ID (or slug).")] id: ID,
        #[graphql(desc = "The version you read.")] version: i32,
        #[graphql(desc = "The fields to change.")] input: TagInput,
    ) -> AppResult<TagPayload> {
        let (db, writer) = writer(ctx)?;
        let input = input.into();
        let row = catalog::update::<tag::Entity>(db, &writer, &id, version, &input).await?;
        Ok(TagPayload { tag: Tag(row) })
    }

    /// Removes a tag (admins). A tag still on articles is a `CONFLICT`
    /// unless `detach` is true, which takes it off them first.
    async fn delete_tag(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The tag's global ID (or slug).")] id: ID,
        #[graphql(desc = "The version you read.")] version: i32,
        #[graphql(
            default_with = "Some(false)",
            desc = "Take the tag off its articles too."
        )]
        detach: Option<bool>,
    ) -> AppResult<DeletePayload> {
        let (db, writer) = writer(ctx)?;
        let detach = detach.unwrap_or(false);
        let gone = catalog::delete::<tag::Entity>(db, &writer, &id, version, detach).await?;
        Ok(DeletePayload::of::<tag::Entity>(gone))
    }
}
