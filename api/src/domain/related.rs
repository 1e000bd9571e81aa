//! "Sự kiện liên quan" and related articles: ranking by shared people,
//! organizations, events and tags, batched over every article of a request.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Utc};
use entity::article::ArticleStatus;
use sea_orm::{
    ActiveEnum, ConnectionTrait, DatabaseConnection, DbBackend, DbErr, FromQueryResult, Statement,
    Value,
};

use crate::domain::loaders::{BatchKey, LoadResult, id_array};

/// What a source (an article or an event) is tied to.
#[derive(Default)]
struct Ties {
    /// The events an article covers.
    direct: Vec<i64>,
    /// The people and organizations it shares with other events.
    shared: HashSet<(TieKind, i64)>,
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

impl BatchKey for RelatedEventsOfArticle {
    type Value = Vec<i64>;

    /// Three statements for a whole batch: the articles' events, subject
    /// people and organizations; the newest events of each of those people
    /// and organizations; the candidates' start times.
    async fn fetch(
        db: &DatabaseConnection,
        keys: &[RelatedEventsOfArticle],
    ) -> LoadResult<RelatedEventsOfArticle, Vec<i64>> {
        let ids: Vec<i64> = keys.iter().map(|k| k.0).collect();
        let mut ties: HashMap<i64, Ties> = ids.iter().map(|id| (*id, Ties::default())).collect();
        let kinds = [TieKind::Event, TieKind::Person, TieKind::Organization];
        let rows = Link::find_by_statement(ties_statement(db.get_database_backend(), &ids, &kinds))
            .all(db)
            .await?;
        add_ties(&mut ties, rows);
        let ranked = rank_events(db, ties).await?;
        Ok(ranked
            .into_iter()
            .map(|(id, events)| (RelatedEventsOfArticle(id), events))
            .collect())
    }
}

impl BatchKey for RelatedEventsOfEvent {
    type Value = Vec<i64>;

    /// Three statements for a whole batch, as for articles.
    async fn fetch(
        db: &DatabaseConnection,
        keys: &[RelatedEventsOfEvent],
    ) -> LoadResult<RelatedEventsOfEvent, Vec<i64>> {
        let ids: Vec<i64> = keys.iter().map(|k| k.0).collect();
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
        let backend = db.get_database_backend();
        let (list, values) = id_list(backend, &ids, 1);
        let sql = format!(
            "SELECT CAST({person} AS BIGINT) AS kind, person_id AS entity, event_id AS other \
             FROM event_people WHERE event_id {list} UNION ALL \
             SELECT CAST({organization} AS BIGINT) AS kind, organization_id AS entity, event_id AS other \
             FROM event_organizations WHERE event_id {list}",
            person = TieKind::Person.code(),
            organization = TieKind::Organization.code(),
        );
        let rows = Link::find_by_statement(Statement::from_sql_and_values(backend, sql, values))
            .all(db)
            .await?;
        add_ties(&mut ties, rows);
        let ranked = rank_events(db, ties).await?;
        Ok(ranked
            .into_iter()
            .map(|(id, events)| (RelatedEventsOfEvent(id), events))
            .collect())
    }
}

/// Files tie rows (the source in `other`) under their source: events as
/// direct links, people and organizations as shared ties; tags do not
/// relate events.
fn add_ties(ties: &mut HashMap<i64, Ties>, rows: Vec<Link>) {
    for row in rows {
        let Some(t) = ties.get_mut(&row.other) else {
            continue;
        };
        match TieKind::from_code(row.kind) {
            Some(TieKind::Event) => t.direct.push(row.entity),
            Some(kind @ (TieKind::Person | TieKind::Organization)) => {
                t.shared.insert((kind, row.entity));
            }
            Some(TieKind::Tag) | None => {}
        }
    }
}

#[derive(FromQueryResult)]
struct EventStart {
    id: i64,
    starts_at: DateTime<Utc>,
}

/// Ranks candidate events for every source with two more statements in
/// all. The candidates of a shared person or organization are its newest
/// [`CANDIDATES_PER_TIE`] events: "Tỉnh ủy" takes part in thousands.
async fn rank_events(
    db: &impl ConnectionTrait,
    ties: HashMap<i64, Ties>,
) -> Result<HashMap<i64, Vec<i64>>, DbErr> {
    let entities: HashSet<(TieKind, i64)> = ties
        .values()
        .flat_map(|t| t.shared.iter().copied())
        .collect();
    let events_of = if entities.is_empty() {
        HashMap::new()
    } else {
        let statement = newest_links_statement(
            db.get_database_backend(),
            &entities,
            TieKind::event_table,
            "event_id",
        );
        group_links(Link::find_by_statement(statement).all(db).await?)
    };
    let mut candidates: HashSet<i64> = ties
        .values()
        .flat_map(|t| t.direct.iter().copied())
        .collect();
    candidates.extend(events_of.values().flatten().copied());
    let starts: HashMap<i64, DateTime<Utc>> = if candidates.is_empty() {
        HashMap::new()
    } else {
        let backend = db.get_database_backend();
        let (list, values) = id_list(backend, &candidates, 1);
        let sql = format!("SELECT id, starts_at FROM events WHERE id {list}");
        EventStart::find_by_statement(Statement::from_sql_and_values(backend, sql, values))
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
        for entity in &tie.shared {
            for event_id in events_of.get(entity).into_iter().flatten() {
                scores.entry(*event_id).or_default().1 += 1;
            }
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

/// How many of the newest articles of one shared event, person,
/// organization or tag are candidates. A hub ("Tỉnh ủy", a tag on a
/// tenth of the archive) would otherwise make every one of its thousands
/// of articles a candidate: 10,000 candidates and 50-80 ms per article
/// page at 100,000 articles. Rare ties (an event, a person) are far below
/// the cap, so they are always found.
pub const CANDIDATES_PER_TIE: u64 = 30;

/// What links two articles, with its weight in the ranking.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
enum TieKind {
    Event,
    Person,
    Organization,
    Tag,
}

impl TieKind {
    const ALL: [TieKind; 4] = [Self::Event, Self::Person, Self::Organization, Self::Tag];

    /// Shared event 3, shared subject person 2, organization or tag 1.
    fn weight(self) -> u32 {
        match self {
            Self::Event => 3,
            Self::Person => 2,
            Self::Organization | Self::Tag => 1,
        }
    }

    fn code(self) -> i64 {
        self as i64
    }

    fn from_code(code: i64) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.code() == code)
    }

    /// Article link table, entity column, and the extra condition on a link.
    fn table(self) -> (&'static str, &'static str, &'static str) {
        match self {
            Self::Event => ("article_events", "event_id", ""),
            // Roles that say what an article is about (bylines do not).
            Self::Person => (
                "article_people",
                "person_id",
                " AND role IN ('MENTIONED','QUOTED')",
            ),
            Self::Organization => ("article_organizations", "organization_id", ""),
            Self::Tag => ("article_tags", "tag_id", ""),
        }
    }

    /// [`Self::table`] for articles' ties, as a [`LinkTable`].
    fn article_table(self) -> Option<(&'static str, &'static str, &'static str)> {
        Some(self.table())
    }

    /// The event link table of a person or an organization.
    fn event_table(self) -> Option<(&'static str, &'static str, &'static str)> {
        match self {
            Self::Person => Some(("event_people", "person_id", "")),
            Self::Organization => Some(("event_organizations", "organization_id", "")),
            Self::Event | Self::Tag => None,
        }
    }
}

/// Where the links of a kind of tie are: table, entity column, extra
/// condition; `None` when that kind has no such links.
type LinkTable = fn(TieKind) -> Option<(&'static str, &'static str, &'static str)>;

/// A link between a tie (`kind`, `entity`) and an article or event
/// (`other`): a source's tie, or a candidate of a tie.
#[derive(FromQueryResult)]
struct Link {
    kind: i64,
    entity: i64,
    other: i64,
}

/// Candidates by tie, in the order the rows came.
fn group_links(rows: Vec<Link>) -> HashMap<(TieKind, i64), Vec<i64>> {
    let mut by_tie: HashMap<(TieKind, i64), Vec<i64>> = HashMap::new();
    for row in rows {
        if let Some(kind) = TieKind::from_code(row.kind) {
            by_tie
                .entry((kind, row.entity))
                .or_default()
                .push(row.other);
        }
    }
    by_tie
}

#[derive(FromQueryResult)]
struct VisibleRow {
    id: i64,
    published_at: Option<DateTime<Utc>>,
}

impl BatchKey for RelatedArticles {
    type Value = Vec<i64>;

    /// Three statements for a whole batch: the ties of the sources, the
    /// newest [`CANDIDATES_PER_TIE`] articles of each tie, and which of
    /// those the public may read. Scores are summed here.
    async fn fetch(
        db: &DatabaseConnection,
        keys: &[RelatedArticles],
    ) -> LoadResult<RelatedArticles, Vec<i64>> {
        let backend = db.get_database_backend();
        let sources: Vec<i64> = keys.iter().map(|k| k.article_id).collect();
        let ties = Link::find_by_statement(ties_statement(backend, &sources, &TieKind::ALL))
            .all(db)
            .await?;
        let mut ties_of: HashMap<i64, Vec<(TieKind, i64)>> = HashMap::new();
        let mut entities: HashSet<(TieKind, i64)> = HashSet::new();
        for tie in &ties {
            if let Some(kind) = TieKind::from_code(tie.kind) {
                ties_of
                    .entry(tie.other)
                    .or_default()
                    .push((kind, tie.entity));
                entities.insert((kind, tie.entity));
            }
        }
        let articles_of = if entities.is_empty() {
            HashMap::new()
        } else {
            let statement =
                newest_links_statement(backend, &entities, TieKind::article_table, "article_id");
            group_links(Link::find_by_statement(statement).all(db).await?)
        };
        let candidates: HashSet<i64> = articles_of.values().flatten().copied().collect();
        let published: HashMap<i64, Option<DateTime<Utc>>> = if candidates.is_empty() {
            HashMap::new()
        } else {
            VisibleRow::find_by_statement(visible_statement(backend, &candidates, Utc::now()))
                .all(db)
                .await?
                .into_iter()
                .map(|row| (row.id, row.published_at))
                .collect()
        };
        Ok(keys
            .iter()
            .map(|key| {
                let mut scores: HashMap<i64, u32> = HashMap::new();
                for tie in ties_of.get(&key.article_id).into_iter().flatten() {
                    for target in articles_of.get(tie).into_iter().flatten() {
                        if *target != key.article_id && published.contains_key(target) {
                            *scores.entry(*target).or_default() += tie.0.weight();
                        }
                    }
                }
                let mut ranked: Vec<(i64, u32, Option<DateTime<Utc>>)> = scores
                    .into_iter()
                    .map(|(id, score)| (id, score, published.get(&id).copied().flatten()))
                    .collect();
                ranked.sort_by(|a, b| b.1.cmp(&a.1).then(b.2.cmp(&a.2)).then(b.0.cmp(&a.0)));
                ranked.truncate(key.first as usize);
                (*key, ranked.into_iter().map(|r| r.0).collect())
            })
            .collect())
    }
}

/// Integers for an `IN (…)` list written into the SQL.
fn join_ids<'a>(ids: impl IntoIterator<Item = &'a i64>) -> String {
    ids.into_iter()
        .map(i64::to_string)
        .collect::<Vec<_>>()
        .join(",")
}

/// The condition "is one of `ids`" after a column, and its values, the
/// parameter numbered `n` on PostgreSQL: there one bound array
/// (`= ANY(CAST($n AS BIGINT[]))`, given in PostgreSQL's array syntax),
/// so that the statement's text is the same whatever the ids and the
/// server plans it once per connection instead of at every page. SQLite,
/// in process, reads the ids written into the SQL.
fn id_list<'a>(
    backend: DbBackend,
    ids: impl IntoIterator<Item = &'a i64>,
    n: usize,
) -> (String, Vec<Value>) {
    match backend {
        DbBackend::Postgres => (
            format!("= ANY(CAST(${n} AS BIGINT[]))"),
            vec![id_array(ids)],
        ),
        _ => (format!("IN ({})", join_ids(ids)), Vec::new()),
    }
}

/// The `kinds` of ties (events, subject people, organizations, tags) of
/// `sources`, the source in `other`.
fn ties_statement(backend: DbBackend, sources: &[i64], kinds: &[TieKind]) -> Statement {
    let (list, values) = id_list(backend, sources, 1);
    let sql = kinds
        .iter()
        .map(|kind| {
            let (table, column, condition) = kind.table();
            format!(
                "SELECT CAST({} AS BIGINT) AS kind, {column} AS entity, article_id AS other \
                 FROM {table} WHERE article_id {list}{condition}",
                kind.code()
            )
        })
        .collect::<Vec<_>>()
        .join(" UNION ALL ");
    Statement::from_sql_and_values(backend, sql, values)
}

/// The newest [`CANDIDATES_PER_TIE`] articles (`other` = `article_id`) or
/// events (`event_id`) of each tie, newest by id: one index range read
/// backwards per tie, however many links the tie has. On PostgreSQL,
/// the ties of each kind are one bound array walked by a `LATERAL` join
/// (the text depends only on which kinds are present); on SQLite, one
/// sub-select per tie.
fn newest_links_statement(
    backend: DbBackend,
    entities: &HashSet<(TieKind, i64)>,
    table_of: LinkTable,
    other: &str,
) -> Statement {
    if backend == DbBackend::Postgres {
        let mut values: Vec<Value> = Vec::new();
        let mut parts = Vec::new();
        for kind in TieKind::ALL {
            let Some((table, column, condition)) = table_of(kind) else {
                continue;
            };
            let ids: Vec<&i64> = entities
                .iter()
                .filter(|(k, _)| *k == kind)
                .map(|(_, id)| id)
                .collect();
            if ids.is_empty() {
                continue;
            }
            values.push(id_array(ids));
            parts.push(format!(
                "SELECT CAST({code} AS BIGINT) AS kind, e.entity AS entity, t.other AS other \
                 FROM unnest(CAST(${n} AS BIGINT[])) AS e(entity) CROSS JOIN LATERAL \
                 (SELECT {other} AS other FROM {table} WHERE {column} = e.entity{condition} \
                  ORDER BY {other} DESC LIMIT {CANDIDATES_PER_TIE}) AS t",
                code = kind.code(),
                n = values.len(),
            ));
        }
        return Statement::from_sql_and_values(backend, parts.join(" UNION ALL "), values);
    }
    let sql = entities
        .iter()
        .filter_map(|(kind, entity)| {
            let (table, column, condition) = table_of(*kind)?;
            Some(format!(
                "SELECT * FROM (SELECT CAST({code} AS BIGINT) AS kind, {column} AS entity, {other} AS other \
                 FROM {table} WHERE {column} = {entity}{condition} \
                 ORDER BY {other} DESC LIMIT {CANDIDATES_PER_TIE}) AS t{code}_{entity}",
                code = kind.code(),
            ))
        })
        .collect::<Vec<_>>()
        .join(" UNION ALL ");
    Statement::from_string(backend, sql)
}

/// Which candidates the public may read, with their publication time
/// (from the covering index `idx_articles_visibility`). The time is bound.
fn visible_statement(backend: DbBackend, ids: &HashSet<i64>, now: DateTime<Utc>) -> Statement {
    let (ids, values) = id_list(backend, ids, 2);
    let now_param = match backend {
        DbBackend::Postgres => "$1",
        _ => "?",
    };
    let published = ArticleStatus::Published.to_value();
    let scheduled = ArticleStatus::Scheduled.to_value();
    // SQLite's planner, without statistics, walks the status index over
    // every published article instead (60 ms at 100,000 articles).
    let index = match backend {
        DbBackend::Sqlite => "INDEXED BY idx_articles_visibility",
        _ => "",
    };
    let sql = format!(
        "SELECT id, published_at FROM articles {index} \
         WHERE id {ids} AND status IN ('{published}', '{scheduled}') \
           AND published_at <= {now_param} AND deleted_at IS NULL"
    );
    let mut values = values;
    values.insert(0, now.into());
    Statement::from_sql_and_values(backend, sql, values)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// On PostgreSQL the statements' text does not change with the ids
    /// (so each is prepared once per connection); the ids travel as
    /// one array value.
    #[test]
    fn postgres_statements_bind_their_ids() {
        let pg = DbBackend::Postgres;
        let kinds = TieKind::ALL;
        let a = ties_statement(pg, &[1, 2, 3], &kinds);
        let b = ties_statement(pg, &[40], &kinds);
        assert_eq!(a.sql, b.sql);
        assert!(!a.sql.contains("40") && !b.sql.contains("40"));
        let values = |s: &Statement| s.values.as_ref().map(|v| v.0.clone()).unwrap_or_default();
        assert_eq!(values(&b), vec![Value::from("{40}".to_owned())]);

        let ties = |ids: &[i64]| -> HashSet<(TieKind, i64)> {
            ids.iter()
                .flat_map(|id| [(TieKind::Person, *id), (TieKind::Tag, id + 1000)])
                .collect()
        };
        let a = newest_links_statement(pg, &ties(&[7, 8]), TieKind::article_table, "article_id");
        let b = newest_links_statement(pg, &ties(&[9]), TieKind::article_table, "article_id");
        assert_eq!(a.sql, b.sql);
        assert!(!b.sql.contains("1009"));
        assert_eq!(values(&b).len(), 2);

        let now = Utc::now();
        let a = visible_statement(pg, &HashSet::from([1, 2]), now);
        let b = visible_statement(pg, &HashSet::from([5]), now);
        assert_eq!(a.sql, b.sql);
        assert_eq!(values(&b)[1], Value::from("{5}".to_owned()));

        // SQLite reads the ids from the text.
        let s = ties_statement(DbBackend::Sqlite, &[40], &kinds);
        assert!(s.sql.contains("IN (40)"));
    }
}
