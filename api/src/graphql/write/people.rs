//! People mutations: create, update (positions replaced as a whole when
//! given), delete (detaching article and event links on request) and merge.
//! Also home of [`support`], the helpers every catalog mutation shares.

use async_graphql::{Context, ID, InputObject, MaybeUndefined, Object, SimpleObject};
use chrono::{DateTime, NaiveDate, Utc};
use entity::{article_person, event_person, organization, person, position};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, NotSet, QueryFilter, Set,
    sea_query::{Expr, ExprTrait},
};

use super::DeletePayload;
use super::support::{
    NAME_MAX, TEXT_MAX, collect, count_articles, count_rows, delete_aliases, links_conflict,
    optional_line, optional_plain, reference, required_line, row_or_missing, target,
};
use crate::versioning::{guarded, run_guarded, write_conflict};
use crate::{
    error::{AppError, AppResult, Errors},
    graphql::{db, people::Person, request},
    ids::{self, NodeType},
    slugs,
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

/// What the person mutations answer.
#[derive(SimpleObject)]
pub struct PersonPayload {
    /// The person as stored after the change.
    pub person: Person,
}

/// A position ready to be inserted.
struct NewPosition {
    organization_id: i64,
    title: String,
    from: NaiveDate,
    to: Option<NaiveDate>,
}

/// A `PersonInput` cleaned, validated and resolved.
struct CleanPerson {
    full_name: Option<String>,
    slug: Option<String>,
    honorific: Option<Option<String>>,
    bio: Option<Option<String>>,
    positions: Option<Vec<NewPosition>>,
}

/// Cleans and checks `input`, reporting every problem at once. `own` is
/// the person being updated (`None` on create, where the name is required).
async fn clean(
    db: &impl ConnectionTrait,
    input: &PersonInput,
    own: Option<i64>,
) -> AppResult<CleanPerson> {
    let mut errors = Errors::default();
    let full_name = required_line(
        &mut errors,
        "input.fullName",
        input.full_name.as_deref(),
        own.is_none(),
        NAME_MAX,
    );
    let honorific = optional_line(&mut errors, "input.honorific", &input.honorific, NAME_MAX);
    let bio = optional_plain(&mut errors, "input.bio", &input.bio, TEXT_MAX);
    let mut positions = None;
    if let Some(list) = &input.positions {
        let mut clean = Vec::with_capacity(list.len());
        for (i, p) in list.iter().enumerate() {
            let at = format!("input.positions[{i}]");
            let organization_id = reference::<organization::Entity>(
                db,
                &mut errors,
                NodeType::Organization,
                &p.organization,
                &format!("{at}.organization"),
            )
            .await?;
            let title = required_line(
                &mut errors,
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
            if let (Some(organization_id), Some(title)) = (organization_id, title) {
                clean.push(NewPosition {
                    organization_id,
                    title,
                    from: p.from,
                    to: p.to,
                });
            }
        }
        positions = Some(clean);
    }
    let slug = if input.slug.is_some() || (own.is_none() && full_name.is_some()) {
        collect(
            &mut errors,
            slugs::choose::<person::Entity>(
                db,
                input.slug.as_deref(),
                full_name.as_deref().unwrap_or_default(),
                own,
                "input.slug",
            )
            .await,
        )?
    } else {
        None
    };
    errors.finish()?;
    Ok(CleanPerson {
        full_name,
        slug,
        honorific,
        bio,
        positions,
    })
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

/// The person of row `id` in `txn`.
async fn load(txn: &impl ConnectionTrait, id: i64) -> AppResult<person::Model> {
    row_or_missing(person::Entity::find_by_id(id).one(txn).await?, "person")
}

#[derive(Default)]
pub struct PeopleMutation;

#[Object]
impl PeopleMutation {
    /// Adds a person (editors and admins). The slug is made from the name
    /// unless given.
    async fn create_person(
        &self,
        ctx: &Context<'_>,
        input: PersonInput,
    ) -> AppResult<PersonPayload> {
        let request = request(ctx)?;
        request.viewer.require_editor("managing people")?;
        let db = db(ctx)?;
        let clean = clean(db, &input, None).await?;
        let (Some(full_name), Some(slug)) = (clean.full_name, clean.slug) else {
            return Err(AppError::Internal("a validated person has no name".into()));
        };
        let now: DateTime<Utc> = request.now;
        let txn = crate::db::begin_write(db).await?;
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
        .insert(&txn)
        .await
        .map_err(write_conflict)?;
        replace_positions(&txn, row.id, clean.positions.unwrap_or_default()).await?;
        crate::search::refresh(&txn, crate::search::names::NameKind::Person, row.id, &[]).await?;
        txn.commit().await?;
        Ok(PersonPayload {
            person: Person(row),
        })
    }

    /// Changes a person (editors and admins): only the fields given change;
    /// `positions`, when given, replaces them all. `version` is the one you
    /// read: a stale one is a `CONFLICT` carrying `currentVersion`.
    async fn update_person(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The person's global ID (or slug).")] id: ID,
        version: i32,
        input: PersonInput,
    ) -> AppResult<PersonPayload> {
        let request = request(ctx)?;
        request.viewer.require_editor("managing people")?;
        let db = db(ctx)?;
        let id = target::<person::Entity>(db, NodeType::Person, &id, "id").await?;
        let clean = clean(db, &input, Some(id)).await?;

        let txn = crate::db::begin_write(db).await?;
        let mut update = guarded::<person::Entity>(id, version)
            .col_expr(person::Column::UpdatedAt, Expr::value(request.now));
        if let Some(name) = clean.full_name {
            update = update.col_expr(person::Column::FullName, Expr::value(name));
        }
        if let Some(honorific) = clean.honorific {
            update = update.col_expr(person::Column::Honorific, Expr::value(honorific));
        }
        if let Some(bio) = clean.bio {
            update = update.col_expr(person::Column::Bio, Expr::value(bio));
        }
        run_guarded(&txn, update, id).await?;
        // Articles naming it now are reindexed after the write.
        let linked =
            crate::search::linked_articles(&txn, crate::search::names::NameKind::Person, id)
                .await?;
        let before = load(&txn, id).await?;
        if let Some(slug) = clean.slug.filter(|s| *s != before.slug) {
            person::Entity::update_many()
                .col_expr(person::Column::Slug, Expr::value(slug.clone()))
                .filter(person::Column::Id.eq(id))
                .exec(&txn)
                .await
                .map_err(write_conflict)?;
            slugs::record_rename::<person::Entity>(&txn, &before.slug, &slug, id).await?;
        }
        if let Some(positions) = clean.positions {
            replace_positions(&txn, id, positions).await?;
        }
        let row = load(&txn, id).await?;
        crate::search::refresh(&txn, crate::search::names::NameKind::Person, id, &linked).await?;
        txn.commit().await?;
        Ok(PersonPayload {
            person: Person(row),
        })
    }

    /// Removes a person (admins). A person still linked to articles or
    /// events is a `CONFLICT` unless `detach` is true, which removes those
    /// links first. Their positions go with them.
    async fn delete_person(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The person's global ID (or slug).")] id: ID,
        version: i32,
        #[graphql(default_with = "Some(false)")] detach: Option<bool>,
    ) -> AppResult<DeletePayload> {
        let request = request(ctx)?;
        request.viewer.require_admin("deleting people")?;
        let db = db(ctx)?;
        let id = target::<person::Entity>(db, NodeType::Person, &id, "id").await?;

        let txn = crate::db::begin_write(db).await?;
        run_guarded(&txn, guarded::<person::Entity>(id, version), id).await?;
        // Articles naming it now are reindexed after the write.
        let linked =
            crate::search::linked_articles(&txn, crate::search::names::NameKind::Person, id)
                .await?;
        let row = load(&txn, id).await?;
        let articles = count_articles(
            &txn,
            article_person::Entity::find().filter(article_person::Column::PersonId.eq(id)),
            article_person::Column::ArticleId,
        )
        .await?;
        let events = count_rows(
            &txn,
            event_person::Entity::find().filter(event_person::Column::PersonId.eq(id)),
        )
        .await?;
        if !detach.unwrap_or(false)
            && let Some(conflict) = links_conflict(
                "person",
                &[
                    (articles, "article", "articles"),
                    (events, "event", "events"),
                ],
            )
        {
            return Err(conflict);
        }
        article_person::Entity::delete_many()
            .filter(article_person::Column::PersonId.eq(id))
            .exec(&txn)
            .await
            .map_err(write_conflict)?;
        event_person::Entity::delete_many()
            .filter(event_person::Column::PersonId.eq(id))
            .exec(&txn)
            .await
            .map_err(write_conflict)?;
        position::Entity::delete_many()
            .filter(position::Column::PersonId.eq(id))
            .exec(&txn)
            .await
            .map_err(write_conflict)?;
        delete_aliases::<person::Entity>(&txn, id).await?;
        person::Entity::delete_by_id(id)
            .exec(&txn)
            .await
            .map_err(write_conflict)?;
        crate::search::refresh(&txn, crate::search::names::NameKind::Person, id, &linked).await?;
        txn.commit().await?;
        Ok(DeletePayload {
            id: ids::encode(NodeType::Person, id),
            slug: row.slug,
        })
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
        let request = request(ctx)?;
        request.viewer.require_admin("merging people")?;
        let db = db(ctx)?;
        let from = target::<person::Entity>(db, NodeType::Person, &from, "from").await?;
        let into = target::<person::Entity>(db, NodeType::Person, &into, "into").await?;
        if from == into {
            return Err(AppError::bad_input(
                "into",
                "a person cannot be merged into itself",
            ));
        }

        let txn = crate::db::begin_write(db).await?;
        // The first statement takes the write lock: `into` changes version.
        let bumped = person::Entity::update_many()
            .col_expr(
                person::Column::Version,
                Expr::col(person::Column::Version).add(1),
            )
            .col_expr(person::Column::UpdatedAt, Expr::value(request.now))
            .filter(person::Column::Id.eq(into))
            .exec(&txn)
            .await?;
        if bumped.rows_affected == 0 {
            return Err(AppError::NotFound("person".into()));
        }
        let linked =
            crate::search::linked_articles(&txn, crate::search::names::NameKind::Person, from)
                .await?;
        let gone = load(&txn, from).await?;
        super::support::move_links::<article_person::Entity>(
            &txn,
            article_person::Column::PersonId,
            &[
                article_person::Column::ArticleId,
                article_person::Column::Role,
            ],
            from,
            into,
        )
        .await?;
        super::support::move_links::<event_person::Entity>(
            &txn,
            event_person::Column::PersonId,
            &[event_person::Column::EventId],
            from,
            into,
        )
        .await?;
        position::Entity::update_many()
            .col_expr(position::Column::PersonId, Expr::value(into))
            .filter(position::Column::PersonId.eq(from))
            .exec(&txn)
            .await
            .map_err(write_conflict)?;
        slugs::redirect::<person::Entity>(&txn, &gone.slug, from, into).await?;
        person::Entity::delete_by_id(from)
            .exec(&txn)
            .await
            .map_err(write_conflict)?;
        let row = load(&txn, into).await?;
        crate::search::refresh(&txn, crate::search::names::NameKind::Person, from, &[]).await?;
        crate::search::refresh(&txn, crate::search::names::NameKind::Person, into, &linked).await?;
        txn.commit().await?;
        Ok(PersonPayload {
            person: Person(row),
        })
    }
}
