//! Event mutations: create, update (participants replaced as a whole when
//! given) and delete (detaching its articles on request).

use std::collections::HashSet;

use async_graphql::{Context, ID, InputObject, MaybeUndefined, Object, SimpleObject};
use chrono::{DateTime, Utc};
use entity::{article_event, event, event_organization, event_person, organization, person};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, NotSet, QueryFilter, Set,
    sea_query::Expr,
};

use super::{
    DeletePayload,
    support::{
        NAME_MAX, TEXT_MAX, collect, count_articles, delete_aliases, links_conflict, optional_line,
        optional_plain, reference, required_line, row_or_missing, target,
    },
};
use crate::versioning::{guarded, run_guarded, write_conflict};
use crate::{
    error::{AppError, AppResult, Errors},
    graphql::{db, events::Event, request},
    ids::{self, NodeType},
    slugs,
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

/// What the event mutations answer.
#[derive(SimpleObject)]
pub struct EventPayload {
    /// The event as stored after the change.
    pub event: Event,
}

/// An `EventInput` cleaned, validated and resolved.
struct CleanEvent {
    name: Option<String>,
    slug: Option<String>,
    summary: Option<Option<String>>,
    starts_at: Option<DateTime<Utc>>,
    ends_at: Option<Option<DateTime<Utc>>>,
    location: Option<Option<String>>,
    people: Option<Vec<(i64, Option<String>)>>,
    organizations: Option<Vec<i64>>,
}

/// Cleans and checks `input`, reporting every problem at once. `current`
/// is the event being updated (`None` on create).
async fn clean(
    db: &impl ConnectionTrait,
    input: &EventInput,
    current: Option<&event::Model>,
) -> AppResult<CleanEvent> {
    let mut errors = Errors::default();
    let own = current.map(|e| e.id);
    let creating = current.is_none();
    let name = required_line(
        &mut errors,
        "input.name",
        input.name.as_deref(),
        creating,
        NAME_MAX,
    );
    let summary = optional_plain(&mut errors, "input.summary", &input.summary, TEXT_MAX);
    let location = optional_line(&mut errors, "input.location", &input.location, NAME_MAX);
    errors.check(
        !creating || input.starts_at.is_some(),
        "input.startsAt",
        "is required",
    );
    let ends_at = input.ends_at.as_opt_ref().map(|at| at.copied());
    let starts = input.starts_at.or(current.map(|e| e.starts_at));
    let ends = ends_at.unwrap_or(current.and_then(|e| e.ends_at));
    if let (Some(starts), Some(ends)) = (starts, ends) {
        errors.check(
            ends >= starts,
            if ends_at.is_some() {
                "input.endsAt"
            } else {
                "input.startsAt"
            },
            format!("the event cannot end ({ends}) before it starts ({starts})"),
        );
    }
    let mut people = None;
    if let Some(list) = &input.people {
        let mut clean = Vec::with_capacity(list.len());
        let mut seen = HashSet::new();
        for (i, p) in list.iter().enumerate() {
            let at = format!("input.people[{i}]");
            let found = reference::<person::Entity>(
                db,
                &mut errors,
                NodeType::Person,
                &p.person,
                &format!("{at}.person"),
            )
            .await?;
            let role = p
                .role
                .as_deref()
                .map(crate::text::line)
                .filter(|r| !r.is_empty());
            if let Some(role) = &role {
                errors.check(
                    role.chars().count() <= NAME_MAX,
                    format!("{at}.role"),
                    format!("is too long: at most {NAME_MAX} characters are allowed"),
                );
            }
            if let Some(id) = found {
                if seen.insert(id) {
                    clean.push((id, role));
                } else {
                    errors.add(format!("{at}.person"), "this person is listed twice");
                }
            }
        }
        people = Some(clean);
    }
    let mut organizations = None;
    if let Some(list) = &input.organizations {
        let mut clean = Vec::with_capacity(list.len());
        for (i, value) in list.iter().enumerate() {
            let at = format!("input.organizations[{i}]");
            let found = reference::<organization::Entity>(
                db,
                &mut errors,
                NodeType::Organization,
                value,
                &at,
            )
            .await?;
            if let Some(id) = found {
                if clean.contains(&id) {
                    errors.add(at, "this organization is listed twice");
                } else {
                    clean.push(id);
                }
            }
        }
        organizations = Some(clean);
    }
    let slug = if input.slug.is_some() || (creating && name.is_some()) {
        collect(
            &mut errors,
            slugs::choose::<event::Entity>(
                db,
                input.slug.as_deref(),
                name.as_deref().unwrap_or_default(),
                own,
                "input.slug",
            )
            .await,
        )?
    } else {
        None
    };
    errors.finish()?;
    Ok(CleanEvent {
        name,
        slug,
        summary,
        starts_at: input.starts_at,
        ends_at,
        location,
        people,
        organizations,
    })
}

/// Replaces the participants of event `id` with those given.
async fn replace_participants(
    txn: &impl ConnectionTrait,
    id: i64,
    people: Option<Vec<(i64, Option<String>)>>,
    organizations: Option<Vec<i64>>,
) -> AppResult<()> {
    if let Some(people) = people {
        event_person::Entity::delete_many()
            .filter(event_person::Column::EventId.eq(id))
            .exec(txn)
            .await
            .map_err(write_conflict)?;
        event_person::Entity::insert_many(people.into_iter().map(|(person, role)| {
            event_person::ActiveModel {
                event_id: Set(id),
                person_id: Set(person),
                role: Set(role),
            }
        }))
        .exec_without_returning(txn)
        .await
        .map_err(write_conflict)?;
    }
    if let Some(organizations) = organizations {
        event_organization::Entity::delete_many()
            .filter(event_organization::Column::EventId.eq(id))
            .exec(txn)
            .await
            .map_err(write_conflict)?;
        event_organization::Entity::insert_many(organizations.into_iter().map(|organization| {
            event_organization::ActiveModel {
                event_id: Set(id),
                organization_id: Set(organization),
            }
        }))
        .exec_without_returning(txn)
        .await
        .map_err(write_conflict)?;
    }
    Ok(())
}

/// The event of row `id`.
async fn load(db: &impl ConnectionTrait, id: i64) -> AppResult<event::Model> {
    row_or_missing(event::Entity::find_by_id(id).one(db).await?, "event")
}

#[derive(Default)]
pub struct EventsMutation;

#[Object]
impl EventsMutation {
    /// Adds an event (editors and admins). The slug is made from the name
    /// unless given.
    async fn create_event(&self, ctx: &Context<'_>, input: EventInput) -> AppResult<EventPayload> {
        let request = request(ctx)?;
        request.viewer.require_editor("managing events")?;
        let db = db(ctx)?;
        let clean = clean(db, &input, None).await?;
        let (Some(name), Some(slug), Some(starts_at)) = (clean.name, clean.slug, clean.starts_at)
        else {
            return Err(AppError::Internal(
                "a validated event has no name or start".into(),
            ));
        };
        let txn = crate::db::begin_write(db).await?;
        let row = event::ActiveModel {
            id: NotSet,
            name: Set(name),
            slug: Set(slug),
            summary: Set(clean.summary.flatten()),
            starts_at: Set(starts_at),
            ends_at: Set(clean.ends_at.flatten()),
            location: Set(clean.location.flatten()),
            created_at: Set(request.now),
            updated_at: Set(request.now),
            version: Set(1),
        }
        .insert(&txn)
        .await
        .map_err(write_conflict)?;
        replace_participants(&txn, row.id, clean.people, clean.organizations).await?;
        crate::search::refresh(&txn, crate::search::names::NameKind::Event, row.id, &[]).await?;
        txn.commit().await?;
        Ok(EventPayload { event: Event(row) })
    }

    /// Changes an event (editors and admins): only the fields given change;
    /// `people` and `organizations`, when given, replace them all. A stale
    /// `version` is a `CONFLICT` carrying `currentVersion`.
    async fn update_event(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The event's global ID (or slug).")] id: ID,
        version: i32,
        input: EventInput,
    ) -> AppResult<EventPayload> {
        let request = request(ctx)?;
        request.viewer.require_editor("managing events")?;
        let db = db(ctx)?;
        let id = target::<event::Entity>(db, NodeType::Event, &id, "id").await?;
        // Read for the date check; a change made since is caught by the
        // version guard below.
        let current = load(db, id).await?;
        let clean = clean(db, &input, Some(&current)).await?;

        let txn = crate::db::begin_write(db).await?;
        let mut update = guarded::<event::Entity>(id, version)
            .col_expr(event::Column::UpdatedAt, Expr::value(request.now));
        if let Some(name) = clean.name {
            update = update.col_expr(event::Column::Name, Expr::value(name));
        }
        if let Some(summary) = clean.summary {
            update = update.col_expr(event::Column::Summary, Expr::value(summary));
        }
        if let Some(starts_at) = clean.starts_at {
            update = update.col_expr(event::Column::StartsAt, Expr::value(starts_at));
        }
        if let Some(ends_at) = clean.ends_at {
            update = update.col_expr(event::Column::EndsAt, Expr::value(ends_at));
        }
        if let Some(location) = clean.location {
            update = update.col_expr(event::Column::Location, Expr::value(location));
        }
        run_guarded(&txn, update, id).await?;
        // Articles naming it now are reindexed after the write.
        let linked =
            crate::search::linked_articles(&txn, crate::search::names::NameKind::Event, id).await?;
        let before = load(&txn, id).await?;
        if before.ends_at.is_some_and(|ends| ends < before.starts_at) {
            // Only reachable when the event changed between the check and
            // the guard with the client's version still matching.
            return Err(AppError::bad_input(
                "input.endsAt",
                "the event cannot end before it starts",
            ));
        }
        if let Some(slug) = clean.slug.filter(|s| *s != before.slug) {
            event::Entity::update_many()
                .col_expr(event::Column::Slug, Expr::value(slug.clone()))
                .filter(event::Column::Id.eq(id))
                .exec(&txn)
                .await
                .map_err(write_conflict)?;
            slugs::record_rename::<event::Entity>(&txn, &before.slug, &slug, id).await?;
        }
        replace_participants(&txn, id, clean.people, clean.organizations).await?;
        let row = load(&txn, id).await?;
        crate::search::refresh(&txn, crate::search::names::NameKind::Event, id, &linked).await?;
        txn.commit().await?;
        Ok(EventPayload { event: Event(row) })
    }

    /// Removes an event (admins). An event still linked to articles is a
    /// `CONFLICT` unless `detach` is true, which removes those links first.
    /// Its participants go with it.
    async fn delete_event(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The event's global ID (or slug).")] id: ID,
        version: i32,
        #[graphql(default_with = "Some(false)")] detach: Option<bool>,
    ) -> AppResult<DeletePayload> {
        let request = request(ctx)?;
        request.viewer.require_admin("deleting events")?;
        let db = db(ctx)?;
        let id = target::<event::Entity>(db, NodeType::Event, &id, "id").await?;

        let txn = crate::db::begin_write(db).await?;
        run_guarded(&txn, guarded::<event::Entity>(id, version), id).await?;
        // Articles naming it now are reindexed after the write.
        let linked =
            crate::search::linked_articles(&txn, crate::search::names::NameKind::Event, id).await?;
        let row = load(&txn, id).await?;
        let articles = count_articles(
            &txn,
            article_event::Entity::find().filter(article_event::Column::EventId.eq(id)),
            article_event::Column::ArticleId,
        )
        .await?;
        if !detach.unwrap_or(false)
            && let Some(conflict) = links_conflict("event", &[(articles, "article", "articles")])
        {
            return Err(conflict);
        }
        article_event::Entity::delete_many()
            .filter(article_event::Column::EventId.eq(id))
            .exec(&txn)
            .await
            .map_err(write_conflict)?;
        event_person::Entity::delete_many()
            .filter(event_person::Column::EventId.eq(id))
            .exec(&txn)
            .await
            .map_err(write_conflict)?;
        event_organization::Entity::delete_many()
            .filter(event_organization::Column::EventId.eq(id))
            .exec(&txn)
            .await
            .map_err(write_conflict)?;
        delete_aliases::<event::Entity>(&txn, id).await?;
        event::Entity::delete_by_id(id)
            .exec(&txn)
            .await
            .map_err(write_conflict)?;
        crate::search::refresh(&txn, crate::search::names::NameKind::Event, id, &linked).await?;
        txn.commit().await?;
        Ok(DeletePayload {
            id: ids::encode(NodeType::Event, id),
            slug: row.slug,
        })
    }
}
