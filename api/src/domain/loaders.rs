//! Batch loading: one typed key per relation. Each key type reads all the
//! keys of a batch in one `IN (…)` query, so a page costs the same number
//! of statements whatever its size. The GraphQL face batches a request's
//! lookups through its DataLoader (`graphql/dataloader.rs`); feeds call
//! [`load_many`] directly.

use std::{collections::HashMap, future::Future, hash::Hash};

use entity::{
    article, article_event, article_image, article_organization, article_person, article_tag,
    event, event_organization, event_person, media, organization, person, position, section, tag,
};
use sea_orm::{ColumnTrait, DatabaseConnection, DbErr, EntityTrait, QueryFilter, QueryOrder};

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

/// Rows by primary key: `ById<article::Entity>` and friends.
macro_rules! by_id {
    ($key:ident, $entity:ident) => {
        #[doc = concat!("Loads `", stringify!($entity), "` rows by id.")]
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub struct $key(pub i64);

        impl BatchKey for $key {
            type Value = $entity::Model;

            async fn fetch(
                db: &DatabaseConnection,
                keys: &[$key],
            ) -> LoadResult<$key, Self::Value> {
                let ids: Vec<i64> = keys.iter().map(|k| k.0).collect();
                let rows = $entity::Entity::find()
                    .filter($entity::Column::Id.is_in(ids))
                    .all(db)
                    .await?;
                Ok(rows.into_iter().map(|row| ($key(row.id), row)).collect())
            }
        }
    };
}

by_id!(ArticleId, article);
by_id!(PersonId, person);
by_id!(OrganizationId, organization);
by_id!(EventId, event);
by_id!(SectionId, section);
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
                    .filter($entity::Column::$fk_col.is_in(ids))
                    $(.order_by_asc($entity::Column::$order))+
                    .all(db)
                    .await?;
                let parent_of: fn(&$entity::Model) -> i64 = $parent_of;
                Ok(group(rows, |row| $key(parent_of(row))))
            }
        }
    };
}

children_of!(
    PeopleOfArticle,
    article_person,
    ArticleId,
    |row| row.article_id,
    [Position, PersonId],
    "The people linked to an article, with their roles, in byline order."
);
children_of!(
    OrganizationsOfArticle,
    article_organization,
    ArticleId,
    |row| row.article_id,
    [Position, OrganizationId],
    "The organizations an article is about."
);
children_of!(
    EventsOfArticle,
    article_event,
    ArticleId,
    |row| row.article_id,
    [Position, EventId],
    "The events an article covers."
);
children_of!(
    TagsOfArticle,
    article_tag,
    ArticleId,
    |row| row.article_id,
    [Position, TagId],
    "The tags of an article."
);
children_of!(
    ImagesOfArticle,
    article_image,
    ArticleId,
    |row| row.article_id,
    [Position],
    "The ordered images inside an article's body."
);
children_of!(
    PositionsOfPerson,
    position,
    PersonId,
    |row| row.person_id,
    [StartDate, Id],
    "Every position a person held or holds, oldest first."
);
children_of!(
    PositionsInOrganization,
    position,
    OrganizationId,
    |row| row.organization_id,
    [StartDate, Id],
    "Every position held in an organization, oldest first."
);
children_of!(
    ChildrenOfOrganization,
    organization,
    ParentId,
    |row| row.parent_id.unwrap_or_default(),
    [Name, Id],
    "The organizations directly under an organization."
);
children_of!(
    PeopleOfEvent,
    event_person,
    EventId,
    |row| row.event_id,
    [PersonId],
    "The people taking part in an event."
);
children_of!(
    OrganizationsOfEvent,
    event_organization,
    EventId,
    |row| row.event_id,
    [OrganizationId],
    "The organizations taking part in an event."
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
