//! People: a name, an honorific, a bio, and positions held in
//! organizations (replaced as a whole when given).

use chrono::{DateTime, NaiveDate, Utc};
use entity::{article_person, event_person, organization, person, position};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, DatabaseTransaction,
    EntityTrait, NotSet, QueryFilter, Set, UpdateMany, sea_query::Expr,
};

use super::{
    Catalogued, Named, Patch,
    fields::{NAME_MAX, TEXT_MAX, optional_line, optional_plain, required_line},
    links::Link,
};
use crate::{
    domain::references,
    domain::search::names::NameKind,
    domain::versioning::write_conflict,
    platform::error::{AppResult, Errors},
};

/// What creating or updating a person takes: the full name, the slug,
/// and these.
pub type PersonInput = Named<PersonFields>;

/// A person's fields besides the name and the slug.
#[derive(Default)]
pub struct PersonFields {
    pub honorific: Patch<String>,
    pub bio: Patch<String>,
    /// When given, replaces every position of the person.
    pub positions: Option<Vec<PositionInput>>,
}

/// A title held in an organization (global ID or slug) over a span of days.
pub struct PositionInput {
    pub organization: String,
    pub title: String,
    pub from: NaiveDate,
    pub to: Option<NaiveDate>,
}

/// A position ready to be inserted.
pub struct NewPosition {
    organization_id: i64,
    title: String,
    from: NaiveDate,
    to: Option<NaiveDate>,
}

/// `PersonFields` cleaned, validated and resolved.
pub struct CleanPerson {
    honorific: Option<Option<String>>,
    bio: Option<Option<String>>,
    positions: Option<Vec<NewPosition>>,
}

/// Position `i`, checked; `None` when it cannot be stored.
async fn position(
    db: &impl ConnectionTrait,
    errors: &mut Errors,
    i: usize,
    p: &PositionInput,
) -> AppResult<Option<NewPosition>> {
    let at = format!("input.positions[{i}]");
    let organization_id = references::check::<organization::Entity>(
        db,
        errors,
        &p.organization,
        &format!("{at}.organization"),
    )
    .await?;
    let title = required_line(
        errors,
        &format!("{at}.title"),
        Some(&p.title),
        true,
        NAME_MAX,
    );
    if let Some(to) = p.to {
        errors.check(
            to >= p.from,
            format!("{at}.to"),
            format!(
                "the position cannot end ({to}) before it starts ({})",
                p.from
            ),
        );
    }
    Ok(organization_id
        .zip(title)
        .map(|(organization_id, title)| NewPosition {
            organization_id,
            title,
            from: p.from,
            to: p.to,
        }))
}

/// Replaces every position of `person` with `positions`.
async fn replace_positions(
    txn: &impl ConnectionTrait,
    person: i64,
    positions: Vec<NewPosition>,
) -> AppResult<()> {
    position::Entity::delete_many()
        .filter(position::Column::PersonId.eq(person))
        .exec(txn)
        .await
        .map_err(write_conflict)?;
    position::Entity::insert_many(positions.into_iter().map(|p| position::ActiveModel {
        id: NotSet,
        person_id: Set(person),
        organization_id: Set(p.organization_id),
        title: Set(p.title),
        start_date: Set(p.from),
        end_date: Set(p.to),
    }))
    .exec_without_returning(txn)
    .await
    .map_err(write_conflict)?;
    Ok(())
}

impl Catalogued for person::Entity {
    type Fields = PersonFields;
    type Clean = CleanPerson;
    const NAMES: NameKind = NameKind::Person;
    const PLURAL: &'static str = "people";
    const A_NAME: &'static str = "a person";
    const NAME_FIELD: &'static str = "input.fullName";

    fn name_column() -> person::Column {
        person::Column::FullName
    }

    fn updated_at() -> Option<person::Column> {
        Some(person::Column::UpdatedAt)
    }

    fn links() -> Vec<Link> {
        vec![
            Link::on(article_person::Column::PersonId)
                .named("article", "articles")
                .per(article_person::Column::ArticleId)
                .keyed([
                    article_person::Column::ArticleId,
                    article_person::Column::Role,
                ]),
            Link::on(event_person::Column::PersonId)
                .named("event", "events")
                .keyed([event_person::Column::EventId]),
            // Positions go with the person, or move with a merge.
            Link::on(position::Column::PersonId),
        ]
    }

    async fn clean(
        db: &DatabaseConnection,
        input: &PersonFields,
        _current: Option<&person::Model>,
        errors: &mut Errors,
    ) -> AppResult<CleanPerson> {
        let honorific = optional_line(errors, "input.honorific", &input.honorific, NAME_MAX);
        let bio = optional_plain(errors, "input.bio", &input.bio, TEXT_MAX);
        let mut positions = None;
        if let Some(list) = &input.positions {
            let mut clean = Vec::with_capacity(list.len());
            for (i, p) in list.iter().enumerate() {
                clean.extend(position(db, errors, i, p).await?);
            }
            positions = Some(clean);
        }
        Ok(CleanPerson {
            honorific,
            bio,
            positions,
        })
    }

    async fn add(
        txn: &DatabaseTransaction,
        full_name: String,
        slug: String,
        clean: CleanPerson,
        now: DateTime<Utc>,
    ) -> AppResult<person::Model> {
        let row = person::ActiveModel {
            id: NotSet,
            full_name: Set(full_name),
            slug: Set(slug),
            honorific: Set(clean.honorific.flatten()),
            bio: Set(clean.bio.flatten()),
            created_at: Set(now),
            updated_at: Set(now),
            version: Set(1),
        }
        .insert(txn)
        .await
        .map_err(write_conflict)?;
        replace_positions(txn, row.id, clean.positions.unwrap_or_default()).await?;
        Ok(row)
    }

    fn set(mut update: UpdateMany<Self>, clean: &CleanPerson) -> UpdateMany<Self> {
        if let Some(honorific) = &clean.honorific {
            update = update.col_expr(person::Column::Honorific, Expr::value(honorific.clone()));
        }
        if let Some(bio) = &clean.bio {
            update = update.col_expr(person::Column::Bio, Expr::value(bio.clone()));
        }
        update
    }

    async fn after_update(
        txn: &DatabaseTransaction,
        row: &person::Model,
        clean: CleanPerson,
    ) -> AppResult<()> {
        match clean.positions {
            Some(positions) => replace_positions(txn, row.id, positions).await,
            None => Ok(()),
        }
    }
}
