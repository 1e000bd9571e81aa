//! Batch loading: one typed key per relation. Each key type reads all the
//! keys of a batch in one statement, so a page costs the same number of
//! statements whatever its size; a link table is read together with the
//! rows it points at (one join, not a second level of statements). An
//! article's own relations are one key type of their own, read all in one
//! statement ([`super::linked`]). The GraphQL face batches a request's lookups through its DataLoader
//! (`graphql/dataloader.rs`); feeds call [`load_many`] directly.
//!
//! On PostgreSQL the ids are one bound array ([`id_in`]): the text of a
//! statement does not change with the number of ids, so each connection
//! parses it once instead of once per batch size.

use std::{collections::HashMap, future::Future, hash::Hash};

use entity::{
    article, event, event_organization, event_person, media, organization, person, position,
    section, tag,
};
use sea_orm::{
    ColumnTrait, Condition, DatabaseConnection, DbBackend, DbErr, EntityTrait, JoinType,
    QueryFilter, QueryOrder, QuerySelect, Select, Value,
    sea_query::{Expr, Query},
};

/// A key whose values load in batches.
pub trait BatchKey: Copy + Eq + Hash + Send + Sync + 'static {
    type Value: Clone + Send + Sync + 'static;

    /// The values of `keys` (distinct), in one or a few statements; a key
    /// with no value is left out of the map.
    fn fetch(
        db: &DatabaseConnection,
        keys: &[Self],
    ) -> impl Future<Output = LoadResult<Self, Self::Value>> + Send;
}

/// The values of `keys` (duplicates allowed), fetched as one batch.
pub async fn load_many<K: BatchKey>(
    db: &DatabaseConnection,
    keys: impl IntoIterator<Item = K>,
) -> LoadResult<K, K::Value> {
    let mut distinct: Vec<K> = Vec::new();
    for key in keys {
        if !distinct.contains(&key) {
            distinct.push(key);
        }
    }
    if distinct.is_empty() {
        return Ok(HashMap::new());
    }
    K::fetch(db, &distinct).await
}

/// What a batch answers.
pub type LoadResult<K, V> = Result<HashMap<K, V>, DbErr>;

/// `column` is one of `ids`: on PostgreSQL `= ANY` of one bound array, so
/// the statement's text is the same for any number of ids and each pooled
/// connection parses it once; elsewhere an `IN` list.
///
/// PostgreSQL still plans such a statement at every execution (a generic
/// plan cannot know the array's length, so it never looks cheaper than a
/// custom one). Lists of parameters padded to powers of two get generic
/// plans, but those join the 3,000 organizations or 500 tags by hashing a
/// full scan instead of looking up the few linked rows: measured on W1,
/// PostgreSQL's CPU per page went from 1.3 to 2.5 ms (bench/NOTES.md).
pub(crate) fn id_in(backend: DbBackend, column: impl ColumnTrait, ids: &[i64]) -> Expr {
    match backend {
        DbBackend::Postgres => Expr::cust_with_exprs(
            "$1 = ANY(CAST($2 AS BIGINT[]))",
            [column.into_expr(), Expr::val(id_array(ids))],
        ),
        _ => column.is_in(ids.iter().copied()),
    }
}

/// Integers as one PostgreSQL array value (`{1,2,3}`), bound as text: the
/// driver needs no array support, and the cast makes it `BIGINT[]`.
pub(crate) fn id_array<'a>(ids: impl IntoIterator<Item = &'a i64>) -> Value {
    use std::fmt::Write as _;
    let mut text = String::from("{");
    for (i, id) in ids.into_iter().enumerate() {
        if i > 0 {
            text.push(',');
        }
        // Into the text: no string per id.
        let _ = write!(text, "{id}");
    }
    text.push('}');
    text.into()
}

/// Rows by primary key: `ById<article::Entity>` and friends; `$doc` and
/// `$select` (what of the row is read) when not the whole row.
macro_rules! by_id {
    ($key:ident, $entity:ident) => {
        by_id!(
            $key,
            $entity,
            concat!("Loads `", stringify!($entity), "` rows by id."),
            |select| select
        );
    };
    ($key:ident, $entity:ident, $doc:expr, $select:expr) => {
        #[doc = $doc]
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub struct $key(pub i64);

        impl BatchKey for $key {
            type Value = $entity::Model;

            async fn fetch(
                db: &DatabaseConnection,
                keys: &[$key],
            ) -> LoadResult<$key, Self::Value> {
                let ids: Vec<i64> = keys.iter().map(|k| k.0).collect();
                let select: fn(Select<$entity::Entity>) -> Select<$entity::Entity> = $select;
                let rows = select($entity::Entity::find())
                    .filter(id_in(db.get_database_backend(), $entity::Column::Id, &ids))
                    .all(db)
                    .await?;
                Ok(rows.into_iter().map(|row| ($key(row.id), row)).collect())
            }
        }
    };
}

by_id!(ArticleId, article);
by_id!(
    ArticleCardId,
    article,
    "Article rows by id without their body (`articles::without_body`): the \
     cards of related articles, which show a title and a photo, not the 4 KB \
     of blocks. The body comes back empty, so `Article.body` still loads it \
     by [`ArticleId`] when asked. (Search hits read whole rows: their \
     snippets come from the body.)",
    super::articles::without_body
);
by_id!(PersonId, person);
by_id!(OrganizationId, organization);
by_id!(EventId, event);

/// Sections by id, each with its parent: a page that shows a section
/// shows its parent too (breadcrumbs, `url`), and the table is a menu's
/// size. The parents come in the answer beside the keys asked for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct SectionId(pub i64);

impl BatchKey for SectionId {
    type Value = section::Model;

    async fn fetch(
        db: &DatabaseConnection,
        keys: &[SectionId],
    ) -> LoadResult<SectionId, Self::Value> {
        let ids: Vec<i64> = keys.iter().map(|k| k.0).collect();
        let backend = db.get_database_backend();
        let parents = Query::select()
            .column(section::Column::ParentId)
            .from(section::Entity)
            .and_where(id_in(backend, section::Column::Id, &ids))
            .to_owned();
        let rows = section::Entity::find()
            .filter(
                Condition::any()
                    .add(id_in(backend, section::Column::Id, &ids))
                    .add(section::Column::Id.in_subquery(parents)),
            )
            .all(db)
            .await?;
        Ok(rows
            .into_iter()
            .map(|row| (SectionId(row.id), row))
            .collect())
    }
}
by_id!(TagId, tag);
by_id!(MediaId, media);

/// Groups rows by a key, keeping the order the query returned them in.
fn group<K: Hash + Eq, R>(rows: Vec<R>, key: impl Fn(&R) -> K) -> HashMap<K, Vec<R>> {
    let mut map: HashMap<K, Vec<R>> = HashMap::new();
    for row in rows {
        map.entry(key(&row)).or_default().push(row);
    }
    map
}

/// One-to-many relations: `$key(parent id)` → the child rows of that parent,
/// from one query filtered on `$fk_col IN (…)` and sorted by `$order`.
macro_rules! children_of {
    ($key:ident, $entity:ident, $fk_col:ident, $parent_of:expr, [$($order:ident),+], $doc:literal) => {
        #[doc = $doc]
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub struct $key(pub i64);

        impl BatchKey for $key {
            type Value = Vec<$entity::Model>;

            async fn fetch(db: &DatabaseConnection, keys: &[$key]) -> LoadResult<$key, Self::Value> {
                let ids: Vec<i64> = keys.iter().map(|k| k.0).collect();
                let rows = $entity::Entity::find()
                    .filter(id_in(db.get_database_backend(), $entity::Column::$fk_col, &ids))
                    $(.order_by_asc($entity::Column::$order))+
                    .all(db)
                    .await?;
                let parent_of: fn(&$entity::Model) -> i64 = $parent_of;
                Ok(group(rows, |row| $key(parent_of(row))))
            }
        }
    };
}

/// Link rows together with the rows they point at, in one statement (the
/// link table joined to the target's table): `$key(parent id)` → the
/// `(link, target)` pairs of that parent, sorted by `$order`.
macro_rules! links_with_targets {
    (
        $key:ident, $link:ident, $fk_col:ident, $parent_of:expr,
        $target:ident via $target_col:ident, [$($order:ident),+], $doc:literal
    ) => {
        #[doc = $doc]
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub struct $key(pub i64);

        impl BatchKey for $key {
            type Value = Vec<($link::Model, $target::Model)>;

            async fn fetch(db: &DatabaseConnection, keys: &[$key]) -> LoadResult<$key, Self::Value> {
                let ids: Vec<i64> = keys.iter().map(|k| k.0).collect();
                let target = $link::Entity::belongs_to($target::Entity)
                    .from($link::Column::$target_col)
                    .to($target::Column::Id)
                    .into();
                let rows = $link::Entity::find()
                    .select_also($target::Entity)
                    .join(JoinType::InnerJoin, target)
                    .filter(id_in(db.get_database_backend(), $link::Column::$fk_col, &ids))
                    $(.order_by_asc($link::Column::$order))+
                    .all(db)
                    .await?;
                let parent_of: fn(&$link::Model) -> i64 = $parent_of;
                // An inner join: every link comes with its target.
                let pairs = rows
                    .into_iter()
                    .filter_map(|(link, target)| Some((link, target?)))
                    .collect();
                Ok(group(pairs, |(link, _)| $key(parent_of(link))))
            }
        }
    };
}

links_with_targets!(
    PositionsOfPerson,
    position,
    PersonId,
    |row| row.person_id,
    organization via OrganizationId,
    [StartDate, Id],
    "Every position a person held or holds, oldest first, each with its organization."
);
links_with_targets!(
    PositionsInOrganization,
    position,
    OrganizationId,
    |row| row.organization_id,
    person via PersonId,
    [StartDate, Id],
    "Every position held in an organization, oldest first, each with its holder."
);
children_of!(
    ChildrenOfOrganization,
    organization,
    ParentId,
    |row| row.parent_id.unwrap_or_default(),
    [Name, Id],
    "The organizations directly under an organization."
);
links_with_targets!(
    PeopleOfEvent,
    event_person,
    EventId,
    |row| row.event_id,
    person via PersonId,
    [PersonId],
    "The people taking part in an event, each with the person."
);
links_with_targets!(
    OrganizationsOfEvent,
    event_organization,
    EventId,
    |row| row.event_id,
    organization via OrganizationId,
    [OrganizationId],
    "The organizations taking part in an event, with their rows."
);
children_of!(
    EventsOfPerson,
    event_person,
    PersonId,
    |row| row.person_id,
    [EventId],
    "The events a person took part in."
);
children_of!(
    EventsOfOrganization,
    event_organization,
    OrganizationId,
    |row| row.organization_id,
    [EventId],
    "The events an organization took part in."
);

children_of!(
    ChildrenOfSection,
    section,
    ParentId,
    |row| row.parent_id.unwrap_or_default(),
    [Position, Id],
    "The sections directly under a section, in menu order."
);

#[cfg(test)]
mod tests {
    use entity::article_tag;
    use sea_orm::QueryTrait;

    use super::*;

    fn links_of(backend: DbBackend, ids: &[i64]) -> sea_orm::Statement {
        article_tag::Entity::find()
            .filter(id_in(backend, article_tag::Column::ArticleId, ids))
            .build(backend)
    }

    #[test]
    fn postgres_binds_the_ids_as_one_array() {
        let few = links_of(DbBackend::Postgres, &[7, 8]);
        let many = links_of(DbBackend::Postgres, &[1, 2, 3, 4, 5]);
        // One text for any number of ids: parsed once per connection.
        assert_eq!(few.sql, many.sql);
        assert!(
            few.sql
                .ends_with(r#"WHERE "article_tags"."article_id" = ANY(CAST($1 AS BIGINT[]))"#),
            "{}",
            few.sql
        );
        assert_eq!(
            many.values.map(|v| v.0),
            Some(vec![Value::from("{1,2,3,4,5}")])
        );
    }

    #[test]
    fn sqlite_lists_the_ids() {
        let statement = links_of(DbBackend::Sqlite, &[1, 2, 3]);
        assert!(
            statement.sql.ends_with(r#""article_id" IN (?, ?, ?)"#),
            "{}",
            statement.sql
        );
    }
}
