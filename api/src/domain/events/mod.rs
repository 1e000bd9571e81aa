//! Lists of events: which events a list covers ([`EventScope`], its
//! references resolved once at the edge) and a page of them, newest
//! `starts_at` first.

use chrono::{DateTime, Utc};
use entity::{event, event_organization, event_person, organization, person};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Select, sea_query::Query};

use crate::{
    domain::references,
    platform::error::AppResult,
    platform::pagination::{Cursor, Page, PageInfo, SortKey},
};

/// The references and bounds of an event filter as a client gave them.
#[derive(Clone, Debug, Default)]
pub struct EventRefs<'a> {
    pub starts_after: Option<DateTime<Utc>>,
    pub starts_before: Option<DateTime<Utc>>,
    pub person: Option<&'a str>,
    pub organization: Option<&'a str>,
}

/// Which events a list covers, resolved.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct EventScope {
    starts_after: Option<DateTime<Utc>>,
    starts_before: Option<DateTime<Utc>>,
    person: Option<i64>,
    organization: Option<i64>,
    /// A reference named nothing: no event is in scope.
    nothing: bool,
}

impl EventScope {
    /// Looks up the references of `refs` (errors name `filter.…`).
    pub async fn resolve(db: &impl ConnectionTrait, refs: &EventRefs<'_>) -> AppResult<Self> {
        let mut scope = Self {
            starts_after: refs.starts_after,
            starts_before: refs.starts_before,
            ..Self::default()
        };
        if let Some(value) = refs.person {
            scope.person =
                references::resolve::<person::Entity>(db, value, "filter.person").await?;
            scope.nothing |= scope.person.is_none();
        }
        if let Some(value) = refs.organization {
            scope.organization =
                references::resolve::<organization::Entity>(db, value, "filter.organization")
                    .await?;
            scope.nothing |= scope.organization.is_none();
        }
        Ok(scope)
    }

    /// The events person `id` took part in.
    pub fn of_person(id: i64) -> Self {
        Self {
            person: Some(id),
            ..Self::default()
        }
    }

    /// The events organization `id` took part in.
    pub fn of_organization(id: i64) -> Self {
        Self {
            organization: Some(id),
            ..Self::default()
        }
    }

    /// `select` narrowed to the scope (check `nothing` first).
    fn apply(&self, mut select: Select<event::Entity>) -> Select<event::Entity> {
        if let Some(after) = self.starts_after {
            select = select.filter(event::Column::StartsAt.gte(after));
        }
        if let Some(before) = self.starts_before {
            select = select.filter(event::Column::StartsAt.lt(before));
        }
        if let Some(id) = self.person {
            select = select.filter(
                event::Column::Id.in_subquery(
                    Query::select()
                        .column(event_person::Column::EventId)
                        .from(event_person::Entity)
                        .and_where(event_person::Column::PersonId.eq(id))
                        .to_owned(),
                ),
            );
        }
        if let Some(id) = self.organization {
            select = select.filter(
                event::Column::Id.in_subquery(
                    Query::select()
                        .column(event_organization::Column::EventId)
                        .from(event_organization::Entity)
                        .and_where(event_organization::Column::OrganizationId.eq(id))
                        .to_owned(),
                ),
            );
        }
        select
    }
}

/// One page of events.
pub struct EventPage {
    pub rows: Vec<(event::Model, String)>,
    pub info: PageInfo,
    /// The whole list without paging, to count on demand; `None` when the
    /// scope is empty.
    pub whole: Option<Select<event::Entity>>,
}

/// The page of `scope`, newest `starts_at` first.
pub async fn page(
    db: &impl ConnectionTrait,
    scope: &EventScope,
    page: &Page,
) -> AppResult<EventPage> {
    if scope.nothing {
        return Ok(EventPage {
            rows: Vec::new(),
            info: PageInfo::default(),
            whole: None,
        });
    }
    let whole = scope.apply(event::Entity::find());
    let rows = page
        .apply(
            whole.clone(),
            event::Column::StartsAt,
            event::Column::Id,
            true,
        )
        .all(db)
        .await?;
    let (rows, info) = page.finish(rows, |e| Cursor {
        key: SortKey::Time(e.starts_at),
        id: e.id,
    });
    Ok(EventPage {
        rows,
        info,
        whole: Some(whole),
    })
}
