//! Events: a name, dates, a location, and the people and organizations
//! taking part (each list replaced as a whole when given).

use std::collections::HashSet;

use chrono::{DateTime, Utc};
use entity::{article_event, event, event_organization, event_person, organization, person};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, DatabaseTransaction,
    EntityTrait, NotSet, QueryFilter, Set, UpdateMany, sea_query::Expr,
};

use super::{
    Catalogued, Named, Patch,
    fields::{NAME_MAX, TEXT_MAX, optional_line, optional_plain},
    links::Link,
};
use crate::{
    domain::references,
    domain::search::names::NameKind,
    domain::versioning::write_conflict,
    platform::error::{AppError, AppResult, Errors},
};

/// What creating or updating an event takes: the name, the slug, and
/// these.
pub type EventInput = Named<EventFields>;

/// An event's fields besides the name and the slug; `starts_at` is
/// required on create.
#[derive(Default)]
pub struct EventFields {
    pub summary: Patch<String>,
    pub starts_at: Option<DateTime<Utc>>,
    pub ends_at: Patch<DateTime<Utc>>,
    pub location: Patch<String>,
    /// When given, replaces every person taking part.
    pub people: Option<Vec<Participant>>,
    /// When given, replaces every organization taking part (IDs or slugs).
    pub organizations: Option<Vec<String>>,
}

/// A person (global ID or slug) taking part, and what they did there.
pub struct Participant {
    pub person: String,
    pub role: Option<String>,
}

/// `EventFields` cleaned, validated and resolved.
pub struct CleanEvent {
    summary: Option<Option<String>>,
    starts_at: Option<DateTime<Utc>>,
    ends_at: Option<Option<DateTime<Utc>>>,
    location: Option<Option<String>>,
    people: Option<Vec<(i64, Option<String>)>>,
    organizations: Option<Vec<i64>>,
}

/// Checks that the event, as it will be, does not end before it starts.
fn check_dates(
    errors: &mut Errors,
    input: &EventFields,
    ends_at: Option<Option<DateTime<Utc>>>,
    current: Option<&event::Model>,
) {
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
}

/// The people taking part, each once, with their cleaned roles.
async fn people(
    db: &impl ConnectionTrait,
    errors: &mut Errors,
    list: &[Participant],
) -> AppResult<Vec<(i64, Option<String>)>> {
    let mut clean = Vec::with_capacity(list.len());
    let mut seen = HashSet::new();
    for (i, p) in list.iter().enumerate() {
        let at = format!("input.people[{i}]");
        let found =
            references::check::<person::Entity>(db, errors, &p.person, &format!("{at}.person"))
                .await?;
        let role = p
            .role
            .as_deref()
            .map(crate::platform::text::line)
            .filter(|r| !r.is_empty());
        if let Some(role) = &role {
            errors.check(
                role.chars().count() <= NAME_MAX,
                format!("{at}.role"),
                format!("is too long: at most {NAME_MAX} characters are allowed"),
            );
        }
        match found {
            Some(id) if !seen.insert(id) => {
                errors.add(format!("{at}.person"), "this person is listed twice")
            }
            Some(id) => clean.push((id, role)),
            None => {}
        }
    }
    Ok(clean)
}

/// The organizations taking part, each once.
async fn organizations(
    db: &impl ConnectionTrait,
    errors: &mut Errors,
    list: &[String],
) -> AppResult<Vec<i64>> {
    let mut clean = Vec::with_capacity(list.len());
    for (i, value) in list.iter().enumerate() {
        let at = format!("input.organizations[{i}]");
        match references::check::<organization::Entity>(db, errors, value, &at).await? {
            Some(id) if clean.contains(&id) => errors.add(at, "this organization is listed twice"),
            Some(id) => clean.push(id),
            None => {}
        }
    }
    Ok(clean)
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
        let rows = people
            .into_iter()
            .map(|(person, role)| event_person::ActiveModel {
                event_id: Set(id),
                person_id: Set(person),
                role: Set(role),
            });
        event_person::Entity::insert_many(rows)
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
        let rows = organizations
            .into_iter()
            .map(|organization| event_organization::ActiveModel {
                event_id: Set(id),
                organization_id: Set(organization),
            });
        event_organization::Entity::insert_many(rows)
            .exec_without_returning(txn)
            .await
            .map_err(write_conflict)?;
    }
    Ok(())
}

impl Catalogued for event::Entity {
    type Fields = EventFields;
    type Clean = CleanEvent;
    const NAMES: NameKind = NameKind::Event;
    const PLURAL: &'static str = "events";
    const A_NAME: &'static str = "an event";

    fn name_column() -> event::Column {
        event::Column::Name
    }

    fn updated_at() -> Option<event::Column> {
        Some(event::Column::UpdatedAt)
    }

    fn links() -> Vec<Link> {
        vec![
            Link::on(article_event::Column::EventId)
                .named("article", "articles")
                .per(article_event::Column::ArticleId),
            // Participants go with the event.
            Link::on(event_person::Column::EventId),
            Link::on(event_organization::Column::EventId),
        ]
    }

    async fn clean(
        db: &DatabaseConnection,
        input: &EventFields,
        current: Option<&event::Model>,
        errors: &mut Errors,
    ) -> AppResult<CleanEvent> {
        let summary = optional_plain(errors, "input.summary", &input.summary, TEXT_MAX);
        let location = optional_line(errors, "input.location", &input.location, NAME_MAX);
        let start_given = current.is_some() || input.starts_at.is_some();
        errors.check(start_given, "input.startsAt", "is required");
        let ends_at = input.ends_at.clone().change();
        check_dates(errors, input, ends_at, current);
        let people = match &input.people {
            Some(list) => Some(people(db, errors, list).await?),
            None => None,
        };
        let organizations = match &input.organizations {
            Some(list) => Some(organizations(db, errors, list).await?),
            None => None,
        };
        Ok(CleanEvent {
            summary,
            starts_at: input.starts_at,
            ends_at,
            location,
            people,
            organizations,
        })
    }

    async fn add(
        txn: &DatabaseTransaction,
        name: String,
        slug: String,
        clean: CleanEvent,
        now: DateTime<Utc>,
    ) -> AppResult<event::Model> {
        let Some(starts_at) = clean.starts_at else {
            return Err(AppError::Internal("a validated event has no start".into()));
        };
        let row = event::ActiveModel {
            id: NotSet,
            name: Set(name),
            slug: Set(slug),
            summary: Set(clean.summary.flatten()),
            starts_at: Set(starts_at),
            ends_at: Set(clean.ends_at.flatten()),
            location: Set(clean.location.flatten()),
            created_at: Set(now),
            updated_at: Set(now),
            version: Set(1),
        }
        .insert(txn)
        .await
        .map_err(write_conflict)?;
        replace_participants(txn, row.id, clean.people, clean.organizations).await?;
        Ok(row)
    }

    fn set(mut update: UpdateMany<Self>, clean: &CleanEvent) -> UpdateMany<Self> {
        use event::Column;
        if let Some(summary) = &clean.summary {
            update = update.col_expr(Column::Summary, Expr::value(summary.clone()));
        }
        if let Some(starts_at) = clean.starts_at {
            update = update.col_expr(Column::StartsAt, Expr::value(starts_at));
        }
        if let Some(ends_at) = clean.ends_at {
            update = update.col_expr(Column::EndsAt, Expr::value(ends_at));
        }
        if let Some(location) = &clean.location {
            update = update.col_expr(Column::Location, Expr::value(location.clone()));
        }
        update
    }

    async fn after_update(
        txn: &DatabaseTransaction,
        row: &event::Model,
        clean: CleanEvent,
    ) -> AppResult<()> {
        if row.ends_at.is_some_and(|ends| ends < row.starts_at) {
            // Only reachable when the event changed between the check and
            // the guard with the client's version still matching.
            return Err(AppError::bad_input(
                "input.endsAt",
                "the event cannot end before it starts",
            ));
        }
        replace_participants(txn, row.id, clean.people, clean.organizations).await
    }
}
