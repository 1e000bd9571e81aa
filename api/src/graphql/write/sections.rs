//! Section mutations: a thin face over [`crate::catalog`]: create, update
//! (moving within the tree without loops) and delete (only of an empty
//! leaf).

use async_graphql::{Context, ID, InputObject, MaybeUndefined, Object, SimpleObject};
use entity::section;

use super::{DeletePayload, writer};
use crate::graphql::{dataloader::forget_sections, loaders};
use crate::{
    domain::catalog::{self, sections},
    graphql::sections::Section,
    platform::error::AppResult,
};

/// What `createSection` and `updateSection` take. Every field is optional
/// on update; `name` is required on create.
#[derive(InputObject, Default)]
pub struct SectionInput {
    /// "Thời sự - Chính trị". HTML is removed and the text normalized (NFC).
    pub name: Option<String>,
    /// Made from the name on create when left out. Changing it keeps the
    /// old slug resolving to this section.
    pub slug: Option<String>,
    /// The section this one sits under (global ID or slug); null makes it
    /// top-level. It cannot be the section itself or one below it.
    pub parent: MaybeUndefined<String>,
    /// Menu order among its siblings; a new section goes last by default.
    pub position: Option<i32>,
    /// IPTC Media Topic code, `medtop:` and 8 digits (`medtop:11000000`);
    /// null clears it.
    pub iptc_media_topic: MaybeUndefined<String>,
}

impl From<SectionInput> for sections::SectionInput {
    fn from(input: SectionInput) -> Self {
        Self {
            name: input.name,
            slug: input.slug,
            fields: sections::SectionFields {
                parent: input.parent.into(),
                position: input.position,
                iptc_media_topic: input.iptc_media_topic.into(),
            },
        }
    }
}

/// What the section mutations answer.
#[derive(SimpleObject)]
pub struct SectionPayload {
    /// The section as stored after the change.
    pub section: Section,
}

/// The section mutations.
#[derive(Default)]
pub struct SectionsMutation;

#[Object]
impl SectionsMutation {
    /// Adds a section (editors and admins). The slug is made from the name
    /// unless given.
    async fn create_section(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The new section.")] input: SectionInput,
    ) -> AppResult<SectionPayload> {
        let (db, writer) = writer(ctx)?;
        let row = catalog::create::<section::Entity>(db, &writer, &input.into()).await?;
        forget_sections(loaders(ctx)?);
        Ok(SectionPayload {
            section: Section(row),
        })
    }

    /// Changes a section (editors and admins): only the fields given
    /// change. A stale `version` is a `CONFLICT` carrying `currentVersion`.
    async fn update_section(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The section's global ID (or slug).")] id: ID,
        #[graphql(desc = "The version you read.")] version: i32,
        #[graphql(desc = "The fields to change.")] input: SectionInput,
    ) -> AppResult<SectionPayload> {
        let (db, writer) = writer(ctx)?;
        let input = input.into();
        let row = catalog::update::<section::Entity>(db, &writer, &id, version, &input).await?;
        forget_sections(loaders(ctx)?);
        Ok(SectionPayload {
            section: Section(row),
        })
    }

    /// Removes an empty section (admins). A section that still has articles
    /// (even deleted ones) or sub-sections is a `CONFLICT`: move them
    /// first. There is no `detach`: articles always need a section.
    async fn delete_section(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The section's global ID (or slug).")] id: ID,
        #[graphql(desc = "The version you read.")] version: i32,
    ) -> AppResult<DeletePayload> {
        let (db, writer) = writer(ctx)?;
        let gone = catalog::delete::<section::Entity>(db, &writer, &id, version, false).await?;
        forget_sections(loaders(ctx)?);
        Ok(DeletePayload::of::<section::Entity>(gone))
    }
}
