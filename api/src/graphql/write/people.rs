//! People mutations: a thin face over [`crate::catalog`]: create, update
//! (positions replaced as a whole when given), delete (detaching article
//! and event links on request) and merge.

use async_graphql::{Context, ID, InputObject, MaybeUndefined, Object, SimpleObject};
use chrono::NaiveDate;
use entity::person;

use super::{DeletePayload, writer};
use crate::{
    domain::catalog::{self, people},
    graphql::people::Person,
    platform::error::AppResult,
};

/// What `createPerson` and `updatePerson` take. Every field is optional on
/// update (only what is given changes); `fullName` is required on create.
#[derive(InputObject, Default)]
pub struct PersonInput {
    /// "Nguyễn Đức Trung". HTML is removed and the text normalized (NFC).
    pub full_name: Option<String>,
    /// Made from the name on create when left out. Changing it keeps the
    /// old slug resolving to this person.
    pub slug: Option<String>,
    /// How the press addresses them ("Đồng chí"); null clears it.
    pub honorific: MaybeUndefined<String>,
    /// A short biography (plain text); null clears it.
    pub bio: MaybeUndefined<String>,
    /// When given, replaces every position of the person.
    pub positions: Option<Vec<PositionInput>>,
}

/// A title held in an organization over a span of dates.
#[derive(InputObject)]
pub struct PositionInput {
    /// The organization: global ID or slug.
    pub organization: String,
    /// "Chủ tịch UBND tỉnh".
    pub title: String,
    /// First day in the position.
    pub from: NaiveDate,
    /// Last day in the position; null while it is held.
    pub to: Option<NaiveDate>,
}

impl From<PersonInput> for people::PersonInput {
    fn from(input: PersonInput) -> Self {
        let position = |p: PositionInput| people::PositionInput {
            organization: p.organization,
            title: p.title,
            from: p.from,
            to: p.to,
        };
        Self {
            name: input.full_name,
            slug: input.slug,
            fields: people::PersonFields {
                honorific: input.honorific.into(),
                bio: input.bio.into(),
                positions: (input.positions).map(|list| list.into_iter().map(position).collect()),
            },
        }
    }
}

/// What the person mutations answer.
#[derive(SimpleObject)]
pub struct PersonPayload {
    /// The person as stored after the change.
    pub person: Person,
}

impl From<person::Model> for PersonPayload {
    fn from(row: person::Model) -> Self {
        Self {
            person: Person::from(row),
        }
    }
}

/// The people mutations.
#[derive(Default)]
pub struct PeopleMutation;

#[Object]
impl PeopleMutation {
    /// Adds a person (editors and admins). The slug is made from the name
    /// unless given.
    async fn create_person(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The new person.")] input: PersonInput,
    ) -> AppResult<PersonPayload> {
        let (db, writer) = writer(ctx)?;
        let input = input.into();
        let row = catalog::create::<person::Entity>(db, &writer, &input).await?;
        Ok(row.into())
    }

    /// Changes a person (editors and admins): only the fields given change;
    /// `positions`, when given, replaces them all. `version` is the one you
    /// read: a stale one is a `CONFLICT` carrying `currentVersion`.
    async fn update_person(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The person's global ID (or slug).")] id: ID,
        #[graphql(desc = "The version you read.")] version: i32,
        #[graphql(desc = "The fields to change.")] input: PersonInput,
    ) -> AppResult<PersonPayload> {
        let (db, writer) = writer(ctx)?;
        let input = input.into();
        let row = catalog::update::<person::Entity>(db, &writer, &id, version, &input).await?;
        Ok(row.into())
    }

    /// Removes a person (admins). A person still linked to articles or
    /// events is a `CONFLICT` unless `detach` is true, which removes those
    /// links first. Their positions go with them.
    async fn delete_person(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The person's global ID (or slug).")] id: ID,
        #[graphql(desc = "The version you read.")] version: i32,
        #[graphql(
            default_with = "Some(false)",
            desc = "Remove the person's article and event links too."
        )]
        detach: Option<bool>,
    ) -> AppResult<DeletePayload> {
        let (db, writer) = writer(ctx)?;
        let detach = detach.unwrap_or(false);
        let gone = catalog::delete::<person::Entity>(db, &writer, &id, version, detach).await?;
        Ok(DeletePayload::of::<person::Entity>(gone))
    }

    /// Merges two records of the same person (admins): every article link,
    /// event link and position of `from` moves to `into` (a link `into`
    /// already has is dropped), `from`'s slugs lead to `into` from now on,
    /// and `from` is deleted.
    async fn merge_people(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The duplicate to fold away: global ID or slug.")] from: ID,
        #[graphql(desc = "The person who stays: global ID or slug.")] into: ID,
    ) -> AppResult<PersonPayload> {
        let (db, writer) = writer(ctx)?;
        let row = catalog::merge::<person::Entity>(db, &writer, &from, &into).await?;
        Ok(row.into())
    }
}
