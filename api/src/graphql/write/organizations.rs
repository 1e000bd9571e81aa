//! Organization mutations: a thin face over [`crate::catalog`]: create,
//! update (re-parenting without loops), delete (detaching links, positions
//! and children on request) and merge.

use async_graphql::{Context, ID, InputObject, MaybeUndefined, Object, SimpleObject};
use entity::organization;

use super::{DeletePayload, writer};
use crate::{
    domain::catalog::{self, organizations},
    graphql::organizations::{Organization, OrganizationKind},
    platform::error::AppResult,
};

/// What `createOrganization` and `updateOrganization` take. Every field is
/// optional on update; `name` and `kind` are required on create.
#[derive(InputObject, Default)]
pub struct OrganizationInput {
    /// "Ban Dân vận Tỉnh ủy". HTML is removed and the text normalized (NFC).
    pub name: Option<String>,
    /// Made from the name on create when left out. Changing it keeps the
    /// old slug resolving to this organization.
    pub slug: Option<String>,
    /// "UBND tỉnh"; null clears it.
    pub short_name: MaybeUndefined<String>,
    /// What kind of body it is; required on create.
    pub kind: Option<OrganizationKind>,
    /// The organization this one sits under (global ID or slug); null makes
    /// it top-level. It cannot be the organization itself or one below it.
    pub parent: MaybeUndefined<String>,
    /// Plain text; null clears it.
    pub description: MaybeUndefined<String>,
}

impl From<OrganizationInput> for organizations::OrganizationInput {
    fn from(input: OrganizationInput) -> Self {
        Self {
            name: input.name,
            slug: input.slug,
            fields: organizations::OrganizationFields {
                short_name: input.short_name.into(),
                kind: input.kind.map(|kind| kind.as_db().to_owned()),
                parent: input.parent.into(),
                description: input.description.into(),
            },
        }
    }
}

/// What the organization mutations answer.
#[derive(SimpleObject)]
pub struct OrganizationPayload {
    /// The organization as stored after the change.
    pub organization: Organization,
}

impl From<organization::Model> for OrganizationPayload {
    fn from(row: organization::Model) -> Self {
        Self {
            organization: Organization(row),
        }
    }
}

/// The organization mutations.
#[derive(Default)]
pub struct OrganizationsMutation;

#[Object]
impl OrganizationsMutation {
    /// Adds an organization (editors and admins). The slug is made from the
    /// name unless given.
    async fn create_organization(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The new organization.")] input: OrganizationInput,
    ) -> AppResult<OrganizationPayload> {
        let (db, writer) = writer(ctx)?;
        let input = input.into();
        let row = catalog::create::<organization::Entity>(db, &writer, &input).await?;
        Ok(row.into())
    }

    /// Changes an organization (editors and admins): only the fields given
    /// change. A stale `version` is a `CONFLICT` carrying `currentVersion`.
    async fn update_organization(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The organization's global ID (or slug).")] id: ID,
        #[graphql(desc = "The version you read.")] version: i32,
        #[graphql(desc = "The fields to change.")] input: OrganizationInput,
    ) -> AppResult<OrganizationPayload> {
        let (db, writer) = writer(ctx)?;
        let input = input.into();
        let row =
            catalog::update::<organization::Entity>(db, &writer, &id, version, &input).await?;
        Ok(row.into())
    }

    /// Removes an organization (admins). One still linked to articles,
    /// events, positions or sub-organizations is a `CONFLICT` unless
    /// `detach` is true: then those links and positions are removed and its
    /// sub-organizations move up to its own parent.
    async fn delete_organization(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The organization's global ID (or slug).")] id: ID,
        #[graphql(desc = "The version you read.")] version: i32,
        #[graphql(
            default_with = "Some(false)",
            desc = "Remove its links and positions, and lift its sub-organizations."
        )]
        detach: Option<bool>,
    ) -> AppResult<DeletePayload> {
        let (db, writer) = writer(ctx)?;
        let detach = detach.unwrap_or(false);
        let gone =
            catalog::delete::<organization::Entity>(db, &writer, &id, version, detach).await?;
        Ok(DeletePayload::of::<organization::Entity>(gone))
    }

    /// Merges two records of the same organization (admins): every article
    /// and event link, position and sub-organization of `from` moves to
    /// `into` (a link `into` already has is dropped), `from`'s slugs lead
    /// to `into` from now on, and `from` is deleted. When `into` sat under
    /// `from`, it takes `from`'s place in the hierarchy.
    async fn merge_organizations(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The duplicate to fold away: global ID or slug.")] from: ID,
        #[graphql(desc = "The organization that stays: global ID or slug.")] into: ID,
    ) -> AppResult<OrganizationPayload> {
        let (db, writer) = writer(ctx)?;
        let row = catalog::merge::<organization::Entity>(db, &writer, &from, &into).await?;
        Ok(row.into())
    }
}
