//! Event mutations: a thin face over [`crate::catalog`]: create, update
//! (participants replaced as a whole when given) and delete (detaching its
//! articles on request).

use async_graphql::{Context, ID, InputObject, MaybeUndefined, Object, SimpleObject};
use chrono::{DateTime, Utc};
use entity::event;

use super::{DeletePayload, writer};
use crate::{
    domain::catalog::{self, events},
    graphql::events::Event,
    platform::error::AppResult,
};

/// What `createEvent` and `updateEvent` take. Every field is optional on
/// update; `name` and `startsAt` are required on create.
#[derive(InputObject, Default)]
pub struct EventInput {
    /// "Hội nghị tổng kết công tác dân vận". HTML is removed and the text
    /// normalized (NFC).
    pub name: Option<String>,
    /// Made from the name on create when left out. Changing it keeps the
    /// old slug resolving to this event.
    pub slug: Option<String>,
    /// Plain text; null clears it.
    pub summary: MaybeUndefined<String>,
    /// When it starts; required on create.
    pub starts_at: Option<DateTime<Utc>>,
    /// Not before `startsAt`; null clears it.
    pub ends_at: MaybeUndefined<DateTime<Utc>>,
    /// "Hội trường Tỉnh ủy"; null clears it.
    pub location: MaybeUndefined<String>,
    /// When given, replaces every person taking part.
    pub people: Option<Vec<EventPersonInput>>,
    /// When given, replaces every organization taking part (IDs or slugs).
    pub organizations: Option<Vec<String>>,
}

/// A person taking part in an event.
#[derive(InputObject)]
pub struct EventPersonInput {
    /// The person: global ID or slug.
    pub person: String,
    /// What they did there ("chủ trì").
    pub role: Option<String>,
}

impl From<EventInput> for events::EventInput {
    fn from(input: EventInput) -> Self {
        let participant = |p: EventPersonInput| events::Participant {
            person: p.person,
            role: p.role,
        };
        Self {
            name: input.name,
            slug: input.slug,
            fields: events::EventFields {
                summary: input.summary.into(),
                starts_at: input.starts_at,
                ends_at: input.ends_at.into(),
                location: input.location.into(),
                people: (input.people).map(|list| list.into_iter().map(participant).collect()),
                organizations: input.organizations,
            },
        }
    }
}

/// What the event mutations answer.
#[derive(SimpleObject)]
pub struct EventPayload {
    /// The event as stored after the change.
    pub event: Event,
}

/// The event mutations.
#[derive(Default)]
pub struct EventsMutation;

#[Object]
impl EventsMutation {
    /// Adds an event (editors and admins). The slug is made from the name
    /// unless given.
    async fn create_event(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The new event.")] input: EventInput,
    ) -> AppResult<EventPayload> {
        let (db, writer) = writer(ctx)?;
        let row = catalog::create::<event::Entity>(db, &writer, &input.into()).await?;
        Ok(EventPayload { event: Event(row) })
    }

    /// Changes an event (editors and admins): only the fields given change;
    /// `people` and `organizations`, when given, replace them all. A stale
    /// `version` is a `CONFLICT` carrying `currentVersion`.
    async fn update_event(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The event's global ID (or slug).")] id: ID,
        #[graphql(desc = "The version you read.")] version: i32,
        #[graphql(desc = "The fields to change.")] input: EventInput,
    ) -> AppResult<EventPayload> {
        let (db, writer) = writer(ctx)?;
        let input = input.into();
        let row = catalog::update::<event::Entity>(db, &writer, &id, version, &input).await?;
        Ok(EventPayload { event: Event(row) })
    }

    /// Removes an event (admins). An event still linked to articles is a
    /// `CONFLICT` unless `detach` is true, which removes those links first.
    /// Its participants go with it.
    async fn delete_event(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The event's global ID (or slug).")] id: ID,
        #[graphql(desc = "The version you read.")] version: i32,
        #[graphql(
            default_with = "Some(false)",
            desc = "Remove the event's article links too."
        )]
        detach: Option<bool>,
    ) -> AppResult<DeletePayload> {
        let (db, writer) = writer(ctx)?;
        let detach = detach.unwrap_or(false);
        let gone = catalog::delete::<event::Entity>(db, &writer, &id, version, detach).await?;
        Ok(DeletePayload::of::<event::Entity>(gone))
    }
}
