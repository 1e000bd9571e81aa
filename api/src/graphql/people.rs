//! People, their positions, and the `person` / `people` queries.

use async_graphql::{
    Context, ContextSelectionSet, ID, Object, ScalarType, Value, parser::types::Field,
};
use chrono::{DateTime, FixedOffset, NaiveDate, Offset, Utc};
use entity::{organization, person, position};

use super::{
    RequestContext,
    articles::ArticleConnection,
    connection::{Total, connection},
    db,
    events::EventConnection,
    loaders, lookup,
    organizations::Organization,
    plain::{PlainFields, or_null, plain_child},
    request,
};
use crate::{
    domain::articles::ArticleScope,
    domain::events::EventScope,
    domain::loaders::{OrganizationId, PersonId, PositionsOfPerson},
    platform::error::AppError,
    platform::error::AppResult,
    platform::ids::{self, NodeType},
    platform::pagination::{Cursor, Page, SortKey},
};
use sea_orm::EntityTrait;

/// A person: an official, a reporter, anyone the news is about; with
/// their positions when they were read together (an article's people).
#[derive(Clone)]
pub struct Person(pub person::Model, Option<Vec<Position>>);

impl From<person::Model> for Person {
    fn from(row: person::Model) -> Self {
        Self(row, None)
    }
}

impl Person {
    /// A person as an article's links read them: with every position
    /// they held or hold (oldest first, each with its organization) when
    /// those were read too.
    pub(crate) fn read_with(
        row: person::Model,
        positions: Option<Vec<(position::Model, organization::Model)>>,
    ) -> Self {
        let positions = positions.map(|all| {
            all.into_iter()
                .map(|(row, organization)| Position::with_organization(row, organization))
                .collect()
        });
        Self(row, positions)
    }
}

connection!(
    PersonConnection,
    PersonEdge,
    Person,
    person::Entity,
    "A page of people."
);

/// A title held in an organization over a span of dates
/// ("Chủ tịch UBND tỉnh" from 2021-04-01), with whichever side of it was
/// read together with it: the organization on a person's positions, the
/// holder on an organization's.
#[derive(Clone)]
pub struct Position {
    row: position::Model,
    organization: Option<organization::Model>,
    holder: Option<person::Model>,
}

impl Position {
    /// A position read with its organization.
    pub(crate) fn with_organization(
        row: position::Model,
        organization: organization::Model,
    ) -> Self {
        Self {
            row,
            organization: Some(organization),
            holder: None,
        }
    }

    /// A position read with its holder.
    pub(crate) fn with_holder(row: position::Model, holder: person::Model) -> Self {
        Self {
            row,
            organization: None,
            holder: Some(holder),
        }
    }
}

/// The newsroom's calendar day at `now` (Asia/Ho_Chi_Minh is UTC+7 all
/// year, with no daylight saving).
pub(crate) fn newsroom_today(now: DateTime<Utc>) -> NaiveDate {
    let zone = FixedOffset::east_opt(7 * 3600).unwrap_or_else(|| Utc.fix());
    now.with_timezone(&zone).date_naive()
}

/// Whether a position is held on `today`.
fn is_current(p: &position::Model, today: NaiveDate) -> bool {
    p.start_date <= today && p.end_date.is_none_or(|end| end >= today)
}

/// The request's clock, for the fields that depend on today's date.
fn now_of(ctx: &ContextSelectionSet<'_>) -> Option<DateTime<Utc>> {
    Some(ctx.data_opt::<RequestContext>()?.now())
}

impl PlainFields for Position {
    fn plain_field(&self, ctx: &ContextSelectionSet<'_>, field: &Field) -> Option<Value> {
        Some(match field.name.node.as_str() {
            "title" => Value::String(self.row.title.clone()),
            "from" => self.row.start_date.to_value(),
            "to" => or_null(self.row.end_date, |day| day.to_value()),
            "isCurrent" => Value::Boolean(is_current(&self.row, newsroom_today(now_of(ctx)?))),
            "organization" => plain_child(&Organization(self.organization.clone()?), ctx, field)?,
            "person" => plain_child(&Person::from(self.holder.clone()?), ctx, field)?,
            _ => return None,
        })
    }
}

/// A title held in an organization over a span of dates ("Chủ tịch UBND
/// tỉnh" from 2021-04-01): a fact of a time span, not of the person.
#[Object]
impl Position {
    /// The title as the press writes it ("Phó Bí thư Tỉnh ủy").
    async fn title(&self) -> &str {
        &self.row.title
    }

    /// Where the title is held.
    async fn organization(&self, ctx: &Context<'_>) -> AppResult<Organization> {
        if let Some(row) = &self.organization {
            return Ok(Organization(row.clone()));
        }
        let id = self.row.organization_id;
        let row = loaders(ctx)?
            .load_one(OrganizationId(id))
            .await?
            .ok_or_else(|| AppError::Internal(format!("organization {id} is missing")))?;
        Ok(Organization(row))
    }

    /// Who holds (or held) it.
    async fn person(&self, ctx: &Context<'_>) -> AppResult<Person> {
        if let Some(row) = &self.holder {
            return Ok(Person::from(row.clone()));
        }
        let id = self.row.person_id;
        let row = loaders(ctx)?
            .load_one(PersonId(id))
            .await?
            .ok_or_else(|| AppError::Internal(format!("person {id} is missing")))?;
        Ok(Person::from(row))
    }

    /// First day in the position.
    async fn from(&self) -> NaiveDate {
        self.row.start_date
    }

    /// Last day in the position; null while it is held.
    async fn to(&self) -> Option<NaiveDate> {
        self.row.end_date
    }

    /// Held today (in the newsroom's time zone).
    async fn is_current(&self, ctx: &Context<'_>) -> AppResult<bool> {
        Ok(is_current(&self.row, newsroom_today(request(ctx)?.now())))
    }
}

/// Keeps the positions held today (`Some(true)`), the ended ones
/// (`Some(false)`), or all of them (`None`).
pub(crate) fn positions(
    all: impl IntoIterator<Item = Position>,
    current: Option<bool>,
    now: DateTime<Utc>,
) -> Vec<Position> {
    let today = newsroom_today(now);
    all.into_iter()
        .filter(|p| match current {
            None => true,
            Some(true) => is_current(&p.row, today),
            // Past means ended: an appointment that has not started yet is
            // neither current nor past.
            Some(false) => p.row.end_date.is_some_and(|end| end < today),
        })
        .collect()
}

/// A person's positions, each with its organization: those read with the
/// person, or one statement for every person of the level.
async fn positions_of(ctx: &Context<'_>, person: &Person) -> AppResult<Vec<Position>> {
    if let Some(positions) = &person.1 {
        return Ok(positions.clone());
    }
    Ok(loaders(ctx)?
        .load_one(PositionsOfPerson(person.0.id))
        .await?
        .unwrap_or_default()
        .into_iter()
        .map(|(row, organization)| Position::with_organization(row, organization))
        .collect())
}

impl PlainFields for Person {
    fn plain_field(&self, ctx: &ContextSelectionSet<'_>, field: &Field) -> Option<Value> {
        let row = &self.0;
        // Positions are plain only when they were read with the person.
        let held = |current: Option<bool>| -> Option<Value> {
            let all = self.1.clone()?;
            let kept = positions(all, current, now_of(ctx)?);
            let items: Option<Vec<Value>> = kept
                .iter()
                .map(|position| plain_child(position, ctx, field))
                .collect();
            items.map(Value::List)
        };
        Some(match field.name.node.as_str() {
            "id" => Value::String(ids::encode(NodeType::Person, row.id)),
            "slug" => Value::String(row.slug.clone()),
            "version" => row.version.to_value(),
            "fullName" => Value::String(row.full_name.clone()),
            "honorific" => or_null(row.honorific.clone(), Value::String),
            "bio" => or_null(row.bio.clone(), Value::String),
            "positions" => held(None)?,
            "currentPositions" => held(Some(true))?,
            _ => return None,
        })
    }
}

/// A person: an official, a reporter, anyone the news is about. Titles are
/// on `positions`, since a person holds several and they change over time.
#[Object]
impl Person {
    /// The global ID (pass it to `node(id:)`).
    pub async fn id(&self) -> ID {
        ids::encode(NodeType::Person, self.0.id).into()
    }

    /// URL-safe name, unique among people.
    async fn slug(&self) -> &str {
        &self.0.slug
    }

    /// Incremented by every change; send it back with updates.
    async fn version(&self) -> i32 {
        self.0.version
    }

    /// "Nguyễn Đức Trung".
    async fn full_name(&self) -> &str {
        &self.0.full_name
    }

    /// How the press addresses them ("Đồng chí").
    async fn honorific(&self) -> Option<&str> {
        self.0.honorific.as_deref()
    }

    /// A short biography; null when none was written.
    async fn bio(&self) -> Option<&str> {
        self.0.bio.as_deref()
    }

    /// Every position, oldest first; `current` keeps only those held today
    /// (`true`) or only those that have ended (`false`).
    async fn positions(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "True: only positions held today (newsroom time zone, +07:00); false: only those that have ended; absent: all."
        )]
        current: Option<bool>,
    ) -> AppResult<Vec<Position>> {
        let all = positions_of(ctx, self).await?;
        Ok(positions(all, current, request(ctx)?.now()))
    }

    /// The positions held today ("Phó Bí thư Tỉnh ủy, Chủ tịch UBND tỉnh").
    async fn current_positions(&self, ctx: &Context<'_>) -> AppResult<Vec<Position>> {
        let all = positions_of(ctx, self).await?;
        Ok(positions(all, Some(true), request(ctx)?.now()))
    }

    /// Articles linked to this person in any role, newest first.
    #[graphql(complexity = "crate::graphql::cost::page(first.or(last), child_complexity)")]
    async fn articles(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "Page size counting from the start (or from `after`): 0 to 100; 20 when neither `first` nor `last` is given. Not together with `last`."
        )]
        first: Option<i32>,
        #[graphql(desc = "Cursor to continue after: an edge's `cursor` or `pageInfo.endCursor`.")]
        after: Option<String>,
        #[graphql(
            desc = "Page size counting back from the end (or from `before`): 0 to 100. Not together with `first`."
        )]
        last: Option<i32>,
        #[graphql(desc = "Cursor to stop before: an edge's `cursor` or `pageInfo.startCursor`.")]
        before: Option<String>,
    ) -> AppResult<ArticleConnection> {
        let page = Page::from_params(first, after, last, before)?;
        ArticleConnection::newest(ctx, &ArticleScope::of_person(self.0.id), &page).await
    }

    /// Events this person took part in, newest first.
    #[graphql(complexity = "crate::graphql::cost::page(first.or(last), child_complexity)")]
    async fn events(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "Page size counting from the start (or from `after`): 0 to 100; 20 when neither `first` nor `last` is given. Not together with `last`."
        )]
        first: Option<i32>,
        #[graphql(desc = "Cursor to continue after: an edge's `cursor` or `pageInfo.endCursor`.")]
        after: Option<String>,
        #[graphql(
            desc = "Page size counting back from the end (or from `before`): 0 to 100. Not together with `first`."
        )]
        last: Option<i32>,
        #[graphql(desc = "Cursor to stop before: an edge's `cursor` or `pageInfo.startCursor`.")]
        before: Option<String>,
    ) -> AppResult<EventConnection> {
        let page = Page::from_params(first, after, last, before)?;
        EventConnection::of_scope(ctx, &EventScope::of_person(self.0.id), &page).await
    }
}

/// The people queries.
#[derive(Default)]
pub struct PeopleQuery;

#[Object]
impl PeopleQuery {
    /// One person by global ID or slug.
    async fn person(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The global ID. Give exactly one of `id` and `slug`.")] id: Option<ID>,
        #[graphql(
            desc = "The slug; an old slug still finds the row that had it. Give exactly one of `id` and `slug`."
        )]
        slug: Option<String>,
    ) -> AppResult<Option<Person>> {
        Ok(lookup::by_id_or_slug::<person::Entity>(ctx, id, slug)
            .await?
            .map(Person::from))
    }

    /// Everyone, in alphabetical order of their folded name (slug).
    #[graphql(complexity = "crate::graphql::cost::page(first.or(last), child_complexity)")]
    async fn people(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "Page size counting from the start (or from `after`): 0 to 100; 20 when neither `first` nor `last` is given. Not together with `last`."
        )]
        first: Option<i32>,
        #[graphql(desc = "Cursor to continue after: an edge's `cursor` or `pageInfo.endCursor`.")]
        after: Option<String>,
        #[graphql(
            desc = "Page size counting back from the end (or from `before`): 0 to 100. Not together with `first`."
        )]
        last: Option<i32>,
        #[graphql(desc = "Cursor to stop before: an edge's `cursor` or `pageInfo.startCursor`.")]
        before: Option<String>,
    ) -> AppResult<PersonConnection> {
        let page = Page::from_params(first, after, last, before)?;
        let base = person::Entity::find();
        let rows = page
            .apply(
                base.clone(),
                person::Column::Slug,
                person::Column::Id,
                false,
            )
            .all(db(ctx)?)
            .await?;
        let (edges, info) = page.finish(rows, |p| Cursor {
            key: SortKey::Text(p.slug.clone()),
            id: p.id,
        });
        let edges = edges
            .into_iter()
            .map(|(p, c)| (Person::from(p), c))
            .collect();
        Ok(PersonConnection::new(
            edges,
            info,
            Total::Query(Box::new(base)),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_newsroom_day_turns_at_midnight_in_ho_chi_minh_city() {
        let before = "2021-12-31T16:59:59Z".parse::<DateTime<Utc>>().unwrap();
        let after = "2021-12-31T17:00:00Z".parse::<DateTime<Utc>>().unwrap();
        assert_eq!(newsroom_today(before).to_string(), "2021-12-31");
        assert_eq!(newsroom_today(after).to_string(), "2022-01-01");
    }

    #[test]
    fn a_position_is_current_from_its_first_to_its_last_day() {
        let p = position::Model {
            id: 1,
            person_id: 1,
            organization_id: 1,
            title: "Giám đốc Sở Nội vụ".into(),
            start_date: NaiveDate::from_ymd_opt(2020, 1, 1).unwrap(),
            end_date: NaiveDate::from_ymd_opt(2021, 12, 31),
        };
        assert!(!is_current(
            &p,
            NaiveDate::from_ymd_opt(2019, 12, 31).unwrap()
        ));
        assert!(is_current(
            &p,
            NaiveDate::from_ymd_opt(2021, 12, 31).unwrap()
        ));
        assert!(!is_current(
            &p,
            NaiveDate::from_ymd_opt(2022, 1, 1).unwrap()
        ));
    }
}
