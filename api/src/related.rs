//! "Sự kiện liên quan" and related articles: ranking by shared people,
//! organizations, events and tags, batched over every article of a request.

use std::{
    collections::{HashMap, HashSet},
    sync::Arc,
};

use async_graphql::dataloader::Loader;
use chrono::{DateTime, Utc};
use entity::{
    article::ArticleStatus, article_event, article_organization, article_person,
    article_person::PersonRole, event, event_organization, event_person,
};
use sea_orm::{
    ActiveEnum, ColumnTrait, ConnectionTrait, DbBackend, DbErr, EntityTrait, FromQueryResult,
    QueryFilter, QuerySelect, Statement,
};

use crate::loaders::DbLoader;

/// Roles that say what an article is about (bylines do not).
const SUBJECT_ROLES: [PersonRole; 2] = [PersonRole::Mentioned, PersonRole::Quoted];

/// What a source (an article or an event) is tied to.
#[derive(Default)]
struct Ties {
    direct: Vec<i64>,
    people: HashSet<i64>,
    organizations: HashSet<i64>,
    /// An event is never related to itself.
    exclude: Option<i64>,
}

/// The ranked related events of an article: first the events it covers,
/// then events sharing its people and organizations, by overlap then recency.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct RelatedEventsOfArticle(pub i64);

/// The ranked events sharing an event's participants.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct RelatedEventsOfEvent(pub i64);

impl Loader<RelatedEventsOfArticle> for DbLoader {
    type Value = Vec<i64>;
    type Error = Arc<DbErr>;

    async fn load(
        &self,
        keys: &[RelatedEventsOfArticle],
    ) -> Result<HashMap<RelatedEventsOfArticle, Vec<i64>>, Self::Error> {
        let ids: Vec<i64> = keys.iter().map(|k| k.0).collect();
        let db = self.db();
        let mut ties: HashMap<i64, Ties> = ids.iter().map(|id| (*id, Ties::default())).collect();
        for link in article_event::Entity::find()
            .filter(article_event::Column::ArticleId.is_in(ids.clone()))
            .all(db)
            .await?
        {
            if let Some(t) = ties.get_mut(&link.article_id) {
                t.direct.push(link.event_id);
            }
        }
        for link in article_person::Entity::find()
            .filter(article_person::Column::ArticleId.is_in(ids.clone()))
            .filter(article_person::Column::Role.is_in(SUBJECT_ROLES))
            .all(db)
            .await?
        {
            if let Some(t) = ties.get_mut(&link.article_id) {
                t.people.insert(link.person_id);
            }
        }
        for link in article_organization::Entity::find()
            .filter(article_organization::Column::ArticleId.is_in(ids))
            .all(db)
            .await?
        {
            if let Some(t) = ties.get_mut(&link.article_id) {
                t.organizations.insert(link.organization_id);
            }
        }
        let ranked = rank_events(db, ties).await?;
        Ok(ranked
            .into_iter()
            .map(|(id, events)| (RelatedEventsOfArticle(id), events))
            .collect())
    }
}

impl Loader<RelatedEventsOfEvent> for DbLoader {
    type Value = Vec<i64>;
    type Error = Arc<DbErr>;

    async fn load(
        &self,
        keys: &[RelatedEventsOfEvent],
    ) -> Result<HashMap<RelatedEventsOfEvent, Vec<i64>>, Self::Error> {
        let ids: Vec<i64> = keys.iter().map(|k| k.0).collect();
        let db = self.db();
        let mut ties: HashMap<i64, Ties> = ids
            .iter()
            .map(|id| {
                let t = Ties {
                    exclude: Some(*id),
                    ..Ties::default()
                };
                (*id, t)
            })
            .collect();
        for link in event_person::Entity::find()
            .filter(event_person::Column::EventId.is_in(ids.clone()))
            .all(db)
            .await?
        {
            if let Some(t) = ties.get_mut(&link.event_id) {
                t.people.insert(link.person_id);
            }
        }
        for link in event_organization::Entity::find()
            .filter(event_organization::Column::EventId.is_in(ids))
            .all(db)
            .await?
        {
            if let Some(t) = ties.get_mut(&link.event_id) {
                t.organizations.insert(link.organization_id);
            }
        }
        let ranked = rank_events(db, ties).await?;
        Ok(ranked
            .into_iter()
            .map(|(id, events)| (RelatedEventsOfEvent(id), events))
            .collect())
    }
}

#[derive(FromQueryResult)]
struct EventStart {
    id: i64,
    starts_at: DateTime<Utc>,
}

/// Ranks candidate events for every source with three more queries in all.
async fn rank_events(
    db: &impl ConnectionTrait,
    ties: HashMap<i64, Ties>,
) -> Result<HashMap<i64, Vec<i64>>, DbErr> {
    let people: HashSet<i64> = ties
        .values()
        .flat_map(|t| t.people.iter().copied())
        .collect();
    let orgs: HashSet<i64> = ties
        .values()
        .flat_map(|t| t.organizations.iter().copied())
        .collect();
    let by_person = if people.is_empty() {
        Vec::new()
    } else {
        event_person::Entity::find()
            .filter(event_person::Column::PersonId.is_in(people))
            .all(db)
            .await?
    };
    let by_org = if orgs.is_empty() {
        Vec::new()
    } else {
        event_organization::Entity::find()
            .filter(event_organization::Column::OrganizationId.is_in(orgs))
            .all(db)
            .await?
    };
    let mut candidates: HashSet<i64> = ties
        .values()
        .flat_map(|t| t.direct.iter().copied())
        .collect();
    candidates.extend(by_person.iter().map(|l| l.event_id));
    candidates.extend(by_org.iter().map(|l| l.event_id));
    let starts: HashMap<i64, DateTime<Utc>> = if candidates.is_empty() {
        HashMap::new()
    } else {
        event::Entity::find()
            .select_only()
            .column(event::Column::Id)
            .column(event::Column::StartsAt)
            .filter(event::Column::Id.is_in(candidates))
            .into_model::<EventStart>()
            .all(db)
            .await?
            .into_iter()
            .map(|e| (e.id, e.starts_at))
            .collect()
    };

    let mut result = HashMap::with_capacity(ties.len());
    for (source, tie) in ties {
        // (direct link, overlap) per candidate event.
        let mut scores: HashMap<i64, (bool, usize)> = HashMap::new();
        for event_id in &tie.direct {
            scores.entry(*event_id).or_default().0 = true;
        }
        for link in by_person
            .iter()
            .filter(|l| tie.people.contains(&l.person_id))
        {
            scores.entry(link.event_id).or_default().1 += 1;
        }
        for link in by_org
            .iter()
            .filter(|l| tie.organizations.contains(&l.organization_id))
        {
            scores.entry(link.event_id).or_default().1 += 1;
        }
        if let Some(me) = tie.exclude {
            scores.remove(&me);
        }
        let mut ranked: Vec<(i64, bool, usize, Option<DateTime<Utc>>)> = scores
            .into_iter()
            .map(|(id, (direct, overlap))| (id, direct, overlap, starts.get(&id).copied()))
            .collect();
        ranked.sort_by(|a, b| {
            b.1.cmp(&a.1)
                .then(b.2.cmp(&a.2))
                .then(b.3.cmp(&a.3))
                .then(b.0.cmp(&a.0))
        });
        result.insert(source, ranked.into_iter().map(|r| r.0).collect());
    }
    Ok(result)
}

/// The `first` best related published articles of an article.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct RelatedArticles {
    pub article_id: i64,
    pub first: u64,
}

#[derive(FromQueryResult)]
struct RelatedRow {
    source: i64,
    target: i64,
}

impl Loader<RelatedArticles> for DbLoader {
    type Value = Vec<i64>;
    type Error = Arc<DbErr>;

    async fn load(
        &self,
        keys: &[RelatedArticles],
    ) -> Result<HashMap<RelatedArticles, Vec<i64>>, Self::Error> {
        let limit = keys.iter().map(|k| k.first).max().unwrap_or(0);
        let ids: Vec<i64> = keys.iter().map(|k| k.article_id).collect();
        let rows = RelatedRow::find_by_statement(related_articles_statement(
            self.db().get_database_backend(),
            &ids,
            limit,
            Utc::now(),
        ))
        .all(self.db())
        .await?;
        let mut by_source: HashMap<i64, Vec<i64>> = HashMap::new();
        for row in rows {
            by_source.entry(row.source).or_default().push(row.target);
        }
        Ok(keys
            .iter()
            .map(|key| {
                let mut targets = by_source.get(&key.article_id).cloned().unwrap_or_default();
                targets.truncate(key.first as usize);
                (*key, targets)
            })
            .collect())
    }
}

/// One statement for a whole batch: links are weighted (shared event 3,
/// shared subject person 2, organization or tag 1), summed per pair, and
/// ranked per source with a window function (SQLite ≥ 3.25 and PostgreSQL).
/// Ids and the limit are integers written into the SQL; the time is bound.
fn related_articles_statement(
    backend: DbBackend,
    ids: &[i64],
    limit: u64,
    now: DateTime<Utc>,
) -> Statement {
    let ids = ids.iter().map(i64::to_string).collect::<Vec<_>>().join(",");
    let now_param = match backend {
        DbBackend::Postgres => "$1",
        _ => "?",
    };
    let published = ArticleStatus::Published.to_value();
    let scheduled = ArticleStatus::Scheduled.to_value();
    let subject = "'MENTIONED','QUOTED'";
    let sql = format!(
        "SELECT source, target FROM (
           SELECT l.source AS source, l.target AS target,
                  ROW_NUMBER() OVER (PARTITION BY l.source
                      ORDER BY SUM(l.w) DESC, a.published_at DESC, a.id DESC) AS rn
           FROM (
             SELECT s.article_id AS source, o.article_id AS target, 3 AS w
               FROM article_events s JOIN article_events o ON o.event_id = s.event_id
               WHERE s.article_id IN ({ids})
             UNION ALL
             SELECT s.article_id, o.article_id, 2
               FROM article_people s JOIN article_people o ON o.person_id = s.person_id
               WHERE s.article_id IN ({ids}) AND s.role IN ({subject}) AND o.role IN ({subject})
             UNION ALL
             SELECT s.article_id, o.article_id, 1
               FROM article_organizations s
               JOIN article_organizations o ON o.organization_id = s.organization_id
               WHERE s.article_id IN ({ids})
             UNION ALL
             SELECT s.article_id, o.article_id, 1
               FROM article_tags s JOIN article_tags o ON o.tag_id = s.tag_id
               WHERE s.article_id IN ({ids})
           ) l
           JOIN articles a ON a.id = l.target
           WHERE l.target <> l.source AND a.status IN ('{published}', '{scheduled}')
             AND a.published_at <= {now_param} AND a.deleted_at IS NULL
           GROUP BY l.source, l.target, a.published_at, a.id
         ) ranked
         WHERE rn <= {limit}
         ORDER BY source, rn"
    );
    Statement::from_sql_and_values(backend, sql, [now.into()])
}
