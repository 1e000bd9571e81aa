//! People mutations: create, update (positions replaced as a whole when
//! given), delete (detaching article and event links on request) and merge.
//! Also home of [`support`], the helpers every catalog mutation shares.

use async_graphql::{Context, ID, InputObject, MaybeUndefined, Object, SimpleObject};
use chrono::{DateTime, NaiveDate, Utc};
use entity::{article_person, event_person, organization, person, position};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, NotSet, QueryFilter, Set,
    TransactionTrait,
    sea_query::{Expr, ExprTrait},
};

use self::support::{
    NAME_MAX, TEXT_MAX, collect, count_articles, count_rows, delete_aliases, links_conflict,
    optional_line, optional_plain, reference, required_line, row_or_missing, target,
};
use super::{DeletePayload, guarded, run_guarded, write_conflict};
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
        let txn = db.begin().await?;
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

        let txn = db.begin().await?;
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

        let txn = db.begin().await?;
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

        let txn = db.begin().await?;
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
        support::move_links::<article_person::Entity>(
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
        support::move_links::<event_person::Entity>(
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

/// Helpers shared by the catalog mutations (people, organizations, events,
/// sections, tags): text cleaning, references, link counting and moving.
pub(super) mod support {
    use std::collections::HashMap;

    use async_graphql::MaybeUndefined;
    use sea_orm::{
        ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QuerySelect,
        Select,
        sea_query::{Alias, Expr, ExprTrait, Query},
    };

    use crate::{
        error::{AppError, AppResult, Errors},
        graphql::articles::filter_support::resolve,
        graphql::write::write_conflict,
        ids::NodeType,
        slugs::Slugged,
        text,
    };
    use entity::slug_alias;

    /// Longest name, title, honorific, short name or location.
    pub const NAME_MAX: usize = 255;
    /// Longest bio, summary or description.
    pub const TEXT_MAX: usize = 20_000;

    /// Records an error when `value` is longer than `max` characters.
    fn check_length(errors: &mut Errors, field: &str, value: &str, max: usize) {
        let length = value.chars().count();
        errors.check(
            length <= max,
            field,
            format!("is {length} characters long: at most {max} are allowed"),
        );
    }

    /// A one-line text (a name, a title): HTML removed, NFC, white space
    /// folded. `None` when it is not given or not valid; missing while
    /// `required`, or empty after cleaning, is an error about `field`.
    pub fn required_line(
        errors: &mut Errors,
        field: &str,
        value: Option<&str>,
        required: bool,
        max: usize,
    ) -> Option<String> {
        let Some(raw) = value else {
            if required {
                errors.add(field, "is required");
            }
            return None;
        };
        let clean = text::line(raw);
        if clean.is_empty() {
            errors.add(field, "must not be empty (once HTML is removed)");
            return None;
        }
        check_length(errors, field, &clean, max);
        Some(clean)
    }

    /// An optional text: `None` leaves the column as it is, `Some(None)`
    /// clears it (null, or nothing left after cleaning), `Some(Some(_))`
    /// sets it.
    fn optional(
        errors: &mut Errors,
        field: &str,
        value: &MaybeUndefined<String>,
        clean: fn(&str) -> String,
        max: usize,
    ) -> Option<Option<String>> {
        match value {
            MaybeUndefined::Undefined => None,
            MaybeUndefined::Null => Some(None),
            MaybeUndefined::Value(raw) => {
                let clean = clean(raw);
                check_length(errors, field, &clean, max);
                Some((!clean.is_empty()).then_some(clean))
            }
        }
    }

    /// [`optional`] for one-line texts (honorific, short name, location).
    pub fn optional_line(
        errors: &mut Errors,
        field: &str,
        value: &MaybeUndefined<String>,
        max: usize,
    ) -> Option<Option<String>> {
        optional(errors, field, value, text::line, max)
    }

    /// [`optional`] for running texts (bio, summary, description).
    pub fn optional_plain(
        errors: &mut Errors,
        field: &str,
        value: &MaybeUndefined<String>,
        max: usize,
    ) -> Option<Option<String>> {
        optional(errors, field, value, text::plain, max)
    }

    /// Moves input errors of `result` into `errors`; other errors pass.
    pub fn collect<T>(errors: &mut Errors, result: AppResult<T>) -> AppResult<Option<T>> {
        match result {
            Ok(value) => Ok(Some(value)),
            Err(AppError::BadUserInput { field, message }) => {
                errors.add(field, message);
                Ok(None)
            }
            Err(AppError::Invalid(list)) => {
                for e in list {
                    errors.add(e.field, e.message);
                }
                Ok(None)
            }
            Err(other) => Err(other),
        }
    }

    /// Whether row `id` of `E` exists.
    async fn exists<E: Slugged>(db: &impl ConnectionTrait, id: i64) -> AppResult<bool> {
        let found: Option<i64> = E::find()
            .select_only()
            .column(E::id_column())
            .filter(E::id_column().eq(id))
            .into_tuple()
            .one(db)
            .await?;
        Ok(found.is_some())
    }

    /// The existing row named by a global ID or a slug (current or old) in
    /// an input; anything else is recorded as an error about `field`.
    pub async fn reference<E: Slugged>(
        db: &impl ConnectionTrait,
        errors: &mut Errors,
        kind: NodeType,
        value: &str,
        field: &str,
    ) -> AppResult<Option<i64>> {
        let Some(found) = collect(errors, resolve::<E>(db, kind, value, field).await)? else {
            return Ok(None);
        };
        match found {
            Some(id) if exists::<E>(db, id).await? => Ok(Some(id)),
            _ => {
                errors.add(field, format!("there is no {} `{value}`", E::KIND));
                Ok(None)
            }
        }
    }

    /// The row a mutation argument names (global ID or slug): `NOT_FOUND`
    /// for an unknown slug; an unknown ID is found missing by the write.
    pub async fn target<E: Slugged>(
        db: &impl ConnectionTrait,
        kind: NodeType,
        value: &str,
        field: &str,
    ) -> AppResult<i64> {
        resolve::<E>(db, kind, value, field)
            .await?
            .ok_or_else(|| AppError::NotFound(E::KIND.to_owned()))
    }

    /// `NOT_FOUND` for a row that is not there.
    pub fn row_or_missing<M>(row: Option<M>, what: &str) -> AppResult<M> {
        row.ok_or_else(|| AppError::NotFound(what.to_owned()))
    }

    /// How many rows `select` finds.
    pub async fn count_rows<E: EntityTrait>(
        db: &impl ConnectionTrait,
        select: Select<E>,
    ) -> AppResult<u64>
    where
        E::Model: Sync,
    {
        Ok(select.count(db).await?)
    }

    /// How many distinct articles the link rows of `select` point at.
    pub async fn count_articles<E: EntityTrait>(
        db: &impl ConnectionTrait,
        select: Select<E>,
        article: E::Column,
    ) -> AppResult<u64>
    where
        E::Model: Sync,
    {
        Ok(select
            .select_only()
            .column(article)
            .distinct()
            .count(db)
            .await?)
    }

    /// "a", "a and b", "a, b and c".
    pub fn join(parts: &[String]) -> String {
        match parts {
            [] => String::new(),
            [one] => one.clone(),
            [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
        }
    }

    /// "3 articles", "1 event"… for the non-zero `counts`.
    pub fn amounts(counts: &[(u64, &str, &str)]) -> Vec<String> {
        counts
            .iter()
            .filter(|(n, ..)| *n > 0)
            .map(|(n, one, many)| format!("{n} {}", if *n == 1 { one } else { many }))
            .collect()
    }

    /// The `CONFLICT` of deleting a `what` that is still referenced, or
    /// `None` when nothing refers to it.
    pub fn links_conflict(what: &str, counts: &[(u64, &str, &str)]) -> Option<AppError> {
        let parts = amounts(counts);
        (!parts.is_empty()).then(|| {
            AppError::Conflict(format!(
                "the {what} is still linked to {}; pass detach: true to remove those links",
                join(&parts)
            ))
        })
    }

    /// Forgets the old slugs of a deleted row, so they can be used again.
    pub async fn delete_aliases<E: Slugged>(db: &impl ConnectionTrait, id: i64) -> AppResult<()> {
        slug_alias::Entity::delete_many()
            .filter(slug_alias::Column::Kind.eq(E::KIND))
            .filter(slug_alias::Column::TargetId.eq(id))
            .exec(db)
            .await
            .map_err(write_conflict)?;
        Ok(())
    }

    /// Re-points every link row of `from` (in column `owner`) to `into`,
    /// first dropping the rows `into` already has (same `keys`), so the
    /// link table's primary key holds.
    pub async fn move_links<E: EntityTrait>(
        db: &impl ConnectionTrait,
        owner: E::Column,
        keys: &[E::Column],
        from: i64,
        into: i64,
    ) -> AppResult<()> {
        let other = Alias::new("other");
        let mut twin = Query::select();
        twin.expr(Expr::val(1))
            .from_as(E::default(), other.clone())
            .and_where(Expr::col((other.clone(), owner)).eq(into));
        for key in keys {
            twin.and_where(Expr::col((other.clone(), *key)).equals((E::default(), *key)));
        }
        E::delete_many()
            .filter(owner.eq(from))
            .filter(Expr::exists(twin.take()))
            .exec(db)
            .await
            .map_err(write_conflict)?;
        E::update_many()
            .col_expr(owner, Expr::value(into))
            .filter(owner.eq(from))
            .exec(db)
            .await
            .map_err(write_conflict)?;
        Ok(())
    }

    /// Whether putting `id` under `parent` closes a loop: `parent` is `id`
    /// itself or sits, at any depth, under it. `tree` maps rows to parents.
    pub fn creates_cycle(tree: &HashMap<i64, Option<i64>>, id: i64, parent: i64) -> bool {
        let mut at = Some(parent);
        let mut steps = 0;
        while let Some(node) = at {
            if node == id || steps > tree.len() {
                return true;
            }
            steps += 1;
            at = tree.get(&node).copied().flatten();
        }
        false
    }

    #[cfg(test)]
    mod tests {
        use super::*;

        #[test]
        fn lists_read_like_sentences() {
            assert_eq!(
                join(&amounts(&[
                    (3, "article", "articles"),
                    (0, "event", "events"),
                    (1, "position", "positions")
                ])),
                "3 articles and 1 position"
            );
            assert_eq!(join(&["a".into(), "b".into(), "c".into()]), "a, b and c");
        }

        #[test]
        fn a_row_cannot_sit_under_itself_or_its_descendants() {
            // 1 ← 2 ← 3, and 4 on its own.
            let tree = HashMap::from([(1, None), (2, Some(1)), (3, Some(2)), (4, None)]);
            assert!(creates_cycle(&tree, 1, 1));
            assert!(creates_cycle(&tree, 1, 3));
            assert!(!creates_cycle(&tree, 3, 1));
            assert!(!creates_cycle(&tree, 2, 4));
        }
    }
}
