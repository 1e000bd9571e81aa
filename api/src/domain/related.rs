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

/// An article's related content: "Sự kiện liên quan" (the events it
/// covers first, then events sharing its people and organizations, by
/// overlap then recency) or its `first` best related published articles.
/// One key type for both, so that an article page's two rankings share
/// their statements: one for a whole batch on PostgreSQL (two on
/// SQLite), whichever rankings it asks for (six when each ranking read
/// its own).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum RelatedToArticle {
    /// The ranked related events of the article.
    Events(i64),
    /// The `first` best related published articles; never the article
    /// itself.
    Articles { article_id: i64, first: u64 },
}

/// The ranked events sharing an event's participants.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct RelatedEventsOfEvent(pub i64);

impl BatchKey for RelatedToArticle {
    type Value = Vec<i64>;

    /// The sources' ties (events, subject people, organizations, and tags
    /// when articles are ranked), with the covered events' starts; then
    /// the newest events and the newest articles the public may read of
    /// each tie, with their starts and publication times: one statement
    /// on PostgreSQL, two on SQLite (in process, a round trip costs
    /// nothing there, and the ties are written into the second). Scores
    /// are summed here.
    async fn fetch(
        db: &DatabaseConnection,
        keys: &[RelatedToArticle],
    ) -> LoadResult<RelatedToArticle, Vec<i64>> {
        let backend = db.get_database_backend();
        let mut event_sources: Vec<i64> = Vec::new();
        let mut article_sources: HashSet<i64> = HashSet::new();
        for key in keys {
            match *key {
                Self::Events(id) if !event_sources.contains(&id) => event_sources.push(id),
                Self::Events(_) => {}
                Self::Articles { article_id, .. } => {
                    article_sources.insert(article_id);
                }
            }
        }
        let mut sources: Vec<i64> = event_sources.clone();
        sources.extend(
            article_sources
                .iter()
                .filter(|id| !event_sources.contains(id)),
        );
        let now = Utc::now();
        let (rows, mut candidates) = if backend == DbBackend::Postgres {
            let statement =
                ties_and_candidates_statement(&sources, &event_sources, &article_sources, now);
            ties_and_candidates(db, statement).await?
        } else {
            let kinds: &[TieKind] = if article_sources.is_empty() {
                &[TieKind::Event, TieKind::Person, TieKind::Organization]
            } else {
                &TieKind::ALL
            };
            let rows = Link::find_by_statement(ties_statement(backend, &sources, kinds))
                .all(db)
                .await?;
            // The events side ranks by shared people and organizations;
            // the articles side by every tie.
            let of = |sources: &[i64], kinds: &[TieKind]| -> HashSet<(TieKind, i64)> {
                rows.iter()
                    .filter(|row| sources.contains(&row.other))
                    .filter_map(|row| Some((TieKind::from_code(row.kind)?, row.entity)))
                    .filter(|(kind, _)| kinds.contains(kind))
                    .collect()
            };
            let article_sources: Vec<i64> = article_sources.iter().copied().collect();
            let shared = of(&event_sources, &[TieKind::Person, TieKind::Organization]);
            let entities = of(&article_sources, &TieKind::ALL);
            let candidates = newest_links(db, &shared, &entities, now).await?;
            (rows, candidates)
        };

        let mut event_ties: HashMap<i64, Ties> = event_sources
            .iter()
            .map(|id| (*id, Ties::default()))
            .collect();
        add_ties(&mut event_ties, &rows);
        let mut article_ties: HashMap<i64, Vec<(TieKind, i64)>> = HashMap::new();
        for row in &rows {
            if let Some(kind) = TieKind::from_code(row.kind)
                && article_sources.contains(&row.other)
            {
                article_ties
                    .entry(row.other)
                    .or_default()
                    .push((kind, row.entity));
            }
        }
        // The covered events' starts came with the ties.
        for row in &rows {
            if let (Some(TieKind::Event), Some(at)) = (TieKind::from_code(row.kind), row.at) {
                candidates.times.starts.insert(row.entity, at);
            }
        }
        let times = &candidates.times;

        let ranked_events = rank_events(event_ties, &candidates.events, &times.starts);
        Ok(keys
            .iter()
            .map(|key| {
                let ranked = match *key {
                    Self::Events(id) => ranked_events.get(&id).cloned().unwrap_or_default(),
                    Self::Articles { article_id, first } => rank_articles(
                        article_id,
                        first,
                        article_ties.get(&article_id).map_or(&[], Vec::as_slice),
                        &candidates.articles,
                        &times.published,
                    ),
                };
                (*key, ranked)
            })
            .collect())
    }
}

impl BatchKey for RelatedEventsOfEvent {
    type Value = Vec<i64>;

    /// The events' people and organizations, then their newest events:
    /// one statement for a whole batch on PostgreSQL, two on SQLite, as
    /// for articles.
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
        let (rows, candidates) = if backend == DbBackend::Postgres {
            ties_and_candidates(db, event_ties_and_candidates_statement(&ids)).await?
        } else {
            let (list, values) = id_list(backend, &ids, 1);
            let sql = event_ties_select(backend, &list);
            let statement = Statement::from_sql_and_values(backend, sql, values);
            let rows = Link::find_by_statement(statement).all(db).await?;
            let shared: HashSet<(TieKind, i64)> = rows
                .iter()
                .filter_map(|row| Some((TieKind::from_code(row.kind)?, row.entity)))
                .collect();
            let candidates = newest_links(db, &shared, &HashSet::new(), Utc::now()).await?;
            (rows, candidates)
        };
        add_ties(&mut ties, &rows);
        let ranked = rank_events(ties, &candidates.events, &candidates.times.starts);
        Ok(ranked
            .into_iter()
            .map(|(id, events)| (RelatedEventsOfEvent(id), events))
            .collect())
    }
}

/// The people and organizations of the events whose id is `list` (a
/// condition after the column), the event in `other`.
fn event_ties_select(backend: DbBackend, list: &str) -> String {
    format!(
        "SELECT CAST({person} AS BIGINT) AS kind, person_id AS entity, event_id AS other, \
         {no_time} AS at FROM event_people WHERE event_id {list} UNION ALL \
         SELECT CAST({organization} AS BIGINT) AS kind, organization_id AS entity, event_id AS other, \
         {no_time} AS at FROM event_organizations WHERE event_id {list}",
        person = TieKind::Person.code(),
        organization = TieKind::Organization.code(),
        no_time = no_time(backend),
    )
}

/// Files tie rows (the source in `other`) under their source: events as
/// direct links, people and organizations as shared ties; tags do not
/// relate events.
fn add_ties(ties: &mut HashMap<i64, Ties>, rows: &[Link]) {
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

/// The candidates of each tie, by tie: newest events of shared people and
/// organizations, newest readable articles of every tie; with their times.
#[derive(Default)]
struct Candidates {
    events: HashMap<(TieKind, i64), Vec<i64>>,
    articles: HashMap<(TieKind, i64), Vec<i64>>,
    times: Times,
}

/// Reads [`Candidates`] in one statement (none when there are no ties).
async fn newest_links(
    db: &impl ConnectionTrait,
    shared: &HashSet<(TieKind, i64)>,
    entities: &HashSet<(TieKind, i64)>,
    now: DateTime<Utc>,
) -> Result<Candidates, DbErr> {
    let sides = [(Side::Events, shared), (Side::Articles, entities)];
    let Some(statement) = newest_links_statement(db.get_database_backend(), &sides, now) else {
        return Ok(Candidates::default());
    };
    let mut candidates = Candidates::default();
    for row in Link::find_by_statement(statement).all(db).await? {
        candidates.add(row);
    }
    Ok(candidates)
}

impl Candidates {
    /// Files a candidate row under its side and tie, with its time.
    fn add(&mut self, row: Link) {
        let Some((side, kind)) = Side::decode(row.kind) else {
            return;
        };
        let by_tie = match side {
            Side::Events => {
                if let Some(at) = row.at {
                    self.times.starts.insert(row.other, at);
                }
                &mut self.events
            }
            Side::Articles => {
                self.times.published.insert(row.other, row.at);
                &mut self.articles
            }
        };
        by_tie
            .entry((kind, row.entity))
            .or_default()
            .push(row.other);
    }
}

/// PostgreSQL: the sources' ties and their candidates from one
/// statement, one round trip instead of two
/// ([`ties_and_candidates_statement`], [`event_ties_and_candidates_statement`]):
/// tie rows come back with [`TIE_ROW`] added to their `kind`.
async fn ties_and_candidates(
    db: &impl ConnectionTrait,
    statement: Statement,
) -> Result<(Vec<Link>, Candidates), DbErr> {
    let mut ties = Vec::new();
    let mut candidates = Candidates::default();
    for mut row in Link::find_by_statement(statement).all(db).await? {
        if row.kind >= TIE_ROW {
            row.kind -= TIE_ROW;
            ties.push(row);
        } else {
            candidates.add(row);
        }
    }
    Ok((ties, candidates))
}

/// Added to a tie row's `kind` in [`ties_and_candidates`]'s statement.
const TIE_ROW: i64 = 20;

/// What the ranking needs to know of the candidates.
#[derive(Default)]
struct Times {
    /// Each candidate event's start.
    starts: HashMap<i64, DateTime<Utc>>,
    /// The candidate articles the public may read, with their
    /// publication time.
    published: HashMap<i64, Option<DateTime<Utc>>>,
}

/// Ranks candidate events for every source. The candidates of a shared
/// person or organization are its newest [`CANDIDATES_PER_TIE`] events:
/// "Tỉnh ủy" takes part in thousands.
fn rank_events(
    ties: HashMap<i64, Ties>,
    events_of: &HashMap<(TieKind, i64), Vec<i64>>,
    starts: &HashMap<i64, DateTime<Utc>>,
) -> HashMap<i64, Vec<i64>> {
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
    result
}

/// The `first` best readable articles sharing `ties` with `source`: the
/// weights of the shared ties summed, then the newest first.
fn rank_articles(
    source: i64,
    first: u64,
    ties: &[(TieKind, i64)],
    articles_of: &HashMap<(TieKind, i64), Vec<i64>>,
    published: &HashMap<i64, Option<DateTime<Utc>>>,
) -> Vec<i64> {
    let mut scores: HashMap<i64, u32> = HashMap::new();
    for tie in ties {
        for target in articles_of.get(tie).into_iter().flatten() {
            if *target != source && published.contains_key(target) {
                *scores.entry(*target).or_default() += tie.0.weight();
            }
        }
    }
    let mut ranked: Vec<(i64, u32, Option<DateTime<Utc>>)> = scores
        .into_iter()
        .map(|(id, score)| (id, score, published.get(&id).copied().flatten()))
        .collect();
    ranked.sort_by(|a, b| b.1.cmp(&a.1).then(b.2.cmp(&a.2)).then(b.0.cmp(&a.0)));
    ranked.truncate(first as usize);
    ranked.into_iter().map(|r| r.0).collect()
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

    /// The event link table of a person or an organization.
    fn event_table(self) -> Option<(&'static str, &'static str, &'static str)> {
        match self {
            Self::Person => Some(("event_people", "person_id", "")),
            Self::Organization => Some(("event_organizations", "organization_id", "")),
            Self::Event | Self::Tag => None,
        }
    }
}

/// Which ranking a candidate is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Side {
    Events,
    Articles,
}

impl Side {
    /// Added to a tie's code in a candidate row's `kind`.
    fn offset(self) -> i64 {
        match self {
            Self::Events => 10,
            Self::Articles => 0,
        }
    }

    /// The side and tie of a candidate row's `kind`.
    fn decode(code: i64) -> Option<(Side, TieKind)> {
        let side = if code >= Self::Events.offset() {
            Self::Events
        } else {
            Self::Articles
        };
        Some((side, TieKind::from_code(code - side.offset())?))
    }

    /// Where the candidates of a tie of `kind` are: table, tie column,
    /// extra condition; `None` when that kind has none.
    fn table(self, kind: TieKind) -> Option<(&'static str, &'static str, &'static str)> {
        match self {
            Self::Events => kind.event_table(),
            Self::Articles => Some(kind.table()),
        }
    }

    /// The candidate's column.
    fn other(self) -> &'static str {
        match self {
            Self::Events => "event_id",
            Self::Articles => "article_id",
        }
    }
}

/// A link between a tie (`kind`, `entity`) and an article or event
/// (`other`): a source's tie, or a candidate of a tie.
#[derive(FromQueryResult)]
struct Link {
    kind: i64,
    entity: i64,
    other: i64,
    /// An event's start, or a readable article's publication; null for
    /// ties that are not events.
    at: Option<DateTime<Utc>>,
}

/// A null time, typed so that PostgreSQL's `UNION ALL` types the column.
fn no_time(backend: DbBackend) -> &'static str {
    match backend {
        DbBackend::Postgres => "CAST(NULL AS TIMESTAMPTZ)",
        _ => "NULL",
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
/// `sources`, the source in `other`; an event's start in `at`.
fn ties_statement(backend: DbBackend, sources: &[i64], kinds: &[TieKind]) -> Statement {
    let (list, values) = id_list(backend, sources, 1);
    let sql = kinds
        .iter()
        .map(|kind| tie_select(backend, *kind, &list))
        .collect::<Vec<_>>()
        .join(" UNION ALL ");
    Statement::from_sql_and_values(backend, sql, values)
}

/// The ties of one kind of the articles whose id is `list` (a condition
/// after the column).
fn tie_select(backend: DbBackend, kind: TieKind, list: &str) -> String {
    let (table, column, condition) = kind.table();
    let (at, join) = match kind {
        TieKind::Event => ("ev.starts_at", " JOIN events ev ON ev.id = l.event_id"),
        _ => (no_time(backend), ""),
    };
    format!(
        "SELECT CAST({} AS BIGINT) AS kind, l.{column} AS entity, l.article_id AS other, \
         {at} AS at FROM {table} l{join} WHERE l.article_id {list}{condition}",
        kind.code()
    )
}

/// A candidate's time (`at`), what it is joined to (after `JOIN`, up to
/// `= l.<other>`), and the condition that it is readable at `now` (a
/// bound parameter's mark): events always are; articles when the public
/// may read them, so that drafts do not take a tie's places.
fn candidate_target(side: Side, now: &str) -> (&'static str, &'static str, String) {
    match side {
        Side::Events => ("ev.starts_at", "events ev ON ev.id", String::new()),
        Side::Articles => {
            let published = ArticleStatus::Published.to_value();
            let scheduled = ArticleStatus::Scheduled.to_value();
            let readable = format!(
                " AND a.published_at <= {now} \
                 AND a.status IN ('{published}', '{scheduled}') AND a.deleted_at IS NULL"
            );
            ("a.published_at", "articles a ON a.id", readable)
        }
    }
}

/// PostgreSQL: the newest candidates of each tie (`e.entity`) that
/// `ties` yields (a `FROM` item), walked by a `LATERAL` join. `None`
/// when that side has no candidates of `kind`.
fn lateral_candidates(side: Side, kind: TieKind, ties: &str, now: &str) -> Option<String> {
    let (table, column, condition) = side.table(kind)?;
    let other = side.other();
    let code = kind.code() + side.offset();
    let (at, target, readable) = candidate_target(side, now);
    Some(format!(
        "SELECT CAST({code} AS BIGINT) AS kind, e.entity AS entity, t.other AS other, \
         t.at AS at FROM {ties} CROSS JOIN LATERAL \
         (SELECT l.{other} AS other, {at} AS at FROM {table} l JOIN {target} = l.{other} \
          WHERE l.{column} = e.entity{condition}{readable} \
          ORDER BY l.{other} DESC LIMIT {CANDIDATES_PER_TIE}) AS t"
    ))
}

/// The newest [`CANDIDATES_PER_TIE`] events (`other` = `event_id`) and
/// readable articles (`article_id`) of each tie of each side, newest by
/// id, the side and tie in `kind` ([`Side::decode`]), with the event's
/// start or the article's publication in `at`: one index range read
/// backwards per tie, each link joined to its row by key, however many
/// links the tie has. Readable is what the public may read at `now`
/// (bound), so drafts do not take a tie's places. On PostgreSQL, the
/// ties of each kind are one bound array walked by a `LATERAL` join (the
/// text depends only on which kinds are present); on SQLite, one
/// sub-select per tie, each link's row looked up after it (`CROSS JOIN`
/// keeps that order). `None` when no side has a tie.
fn newest_links_statement(
    backend: DbBackend,
    sides: &[(Side, &HashSet<(TieKind, i64)>)],
    now: DateTime<Utc>,
) -> Option<Statement> {
    let mut values: Vec<Value> = Vec::new();
    let mut parts = Vec::new();
    // The time, bound once.
    let mut now_mark: Option<String> = None;
    for (side, entities) in sides {
        let other = side.other();
        for kind in TieKind::ALL {
            let Some((table, column, condition)) = side.table(kind) else {
                continue;
            };
            let code = kind.code() + side.offset();
            let mut ids: Vec<i64> = entities
                .iter()
                .filter(|(k, _)| *k == kind)
                .map(|(_, id)| *id)
                .collect();
            if ids.is_empty() {
                continue;
            }
            let now = match side {
                Side::Events => String::new(),
                Side::Articles => now_mark
                    .get_or_insert_with(|| {
                        values.push(now.into());
                        match backend {
                            DbBackend::Postgres => format!("${}", values.len()),
                            _ => format!("?{}", values.len()),
                        }
                    })
                    .clone(),
            };
            if backend == DbBackend::Postgres {
                values.push(id_array(&ids));
                let ties = format!("unnest(CAST(${} AS BIGINT[])) AS e(entity)", values.len());
                parts.extend(lateral_candidates(*side, kind, &ties, &now));
                continue;
            }
            let (at, target, readable) = candidate_target(*side, &now);
            // The same text for the same ties, whatever the set's order.
            ids.sort_unstable();
            parts.extend(ids.into_iter().map(|entity| {
                format!(
                    "SELECT * FROM (SELECT CAST({code} AS BIGINT) AS kind, l.{column} AS entity, \
                     l.{other} AS other, {at} AS at FROM {table} l CROSS JOIN {target} = l.{other} \
                     WHERE l.{column} = {entity}{condition}{readable} \
                     ORDER BY l.{other} DESC LIMIT {CANDIDATES_PER_TIE}) AS t{code}_{entity}"
                )
            }));
        }
    }
    union_all(backend, parts, values)
}

/// PostgreSQL: [`ties_statement`] and [`newest_links_statement`] as one
/// statement, whose text is the same for every batch. The ties of
/// `sources` ($1; tags only of `article_sources`, $3) are a `WITH` query,
/// returned with [`TIE_ROW`] added to their `kind`; the events side
/// walks the distinct people and organizations of `event_sources` ($2),
/// the articles side every distinct tie of `article_sources`, readable
/// at `now` ($4).
fn ties_and_candidates_statement(
    sources: &[i64],
    event_sources: &[i64],
    article_sources: &HashSet<i64>,
    now: DateTime<Utc>,
) -> Statement {
    let backend = DbBackend::Postgres;
    let all = "= ANY(CAST($1 AS BIGINT[]))";
    let ties = TieKind::ALL
        .iter()
        .map(|kind| match kind {
            TieKind::Tag => tie_select(backend, *kind, "= ANY(CAST($3 AS BIGINT[]))"),
            _ => tie_select(backend, *kind, all),
        })
        .collect::<Vec<_>>()
        .join(" UNION ALL ");
    let mut parts = vec![format!(
        "SELECT kind + {TIE_ROW} AS kind, entity, other, at FROM ties"
    )];
    for (side, of) in [(Side::Events, "$2"), (Side::Articles, "$3")] {
        for kind in TieKind::ALL {
            let distinct = format!(
                "(SELECT DISTINCT entity FROM ties WHERE kind = {} \
                 AND other = ANY(CAST({of} AS BIGINT[]))) AS e",
                kind.code()
            );
            parts.extend(lateral_candidates(side, kind, &distinct, "$4"));
        }
    }
    let sql = format!("WITH ties AS ({ties}) {}", parts.join(" UNION ALL "));
    let values = vec![
        id_array(sources),
        id_array(event_sources),
        id_array(article_sources),
        now.into(),
    ];
    Statement::from_sql_and_values(backend, sql, values)
}

/// PostgreSQL: the people and organizations of the events `ids` ($1) and
/// the newest events of each, as one statement (the events' ties as a
/// `WITH` query, returned with [`TIE_ROW`] added to their `kind`).
fn event_ties_and_candidates_statement(ids: &[i64]) -> Statement {
    let backend = DbBackend::Postgres;
    let ties = event_ties_select(backend, "= ANY(CAST($1 AS BIGINT[]))");
    let mut parts = vec![format!(
        "SELECT kind + {TIE_ROW} AS kind, entity, other, at FROM ties"
    )];
    for kind in [TieKind::Person, TieKind::Organization] {
        let distinct = format!(
            "(SELECT DISTINCT entity FROM ties WHERE kind = {}) AS e",
            kind.code()
        );
        parts.extend(lateral_candidates(Side::Events, kind, &distinct, ""));
    }
    let sql = format!("WITH ties AS ({ties}) {}", parts.join(" UNION ALL "));
    Statement::from_sql_and_values(backend, sql, vec![id_array(ids)])
}

/// The `parts` as one `UNION ALL` statement; `None` when there are none.
fn union_all(backend: DbBackend, parts: Vec<String>, values: Vec<Value>) -> Option<Statement> {
    if parts.is_empty() {
        return None;
    }
    Some(Statement::from_sql_and_values(
        backend,
        parts.join(" UNION ALL "),
        values,
    ))
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
        let none = HashSet::new();
        let now = Utc::now();
        let statement = |shared: &HashSet<(TieKind, i64)>, all: &HashSet<(TieKind, i64)>| {
            let sides = [(Side::Events, shared), (Side::Articles, all)];
            newest_links_statement(pg, &sides, now).unwrap()
        };
        let a = statement(&ties(&[7, 8]), &ties(&[7, 8]));
        let b = statement(&ties(&[9]), &ties(&[9]));
        assert_eq!(a.sql, b.sql);
        assert!(!b.sql.contains("1009"));
        // Events: people; the time once; articles: people and tags.
        assert_eq!(values(&b).len(), 4);
        assert_eq!(values(&b)[1], Value::from(now));
        assert_eq!(b.sql.matches("$2").count(), 2, "{}", b.sql);
        assert!(newest_links_statement(pg, &[(Side::Events, &none)], now).is_none());
        // Events have no tag candidates: tags alone read nothing for them.
        let tags: HashSet<(TieKind, i64)> = HashSet::from([(TieKind::Tag, 5)]);
        assert!(newest_links_statement(pg, &[(Side::Events, &tags)], now).is_none());

        // SQLite binds the time once and numbers it where it is used.
        let sides = [(Side::Articles, &tags), (Side::Articles, &tags)];
        let s = newest_links_statement(DbBackend::Sqlite, &sides, now).unwrap();
        assert_eq!(values(&s), vec![Value::from(now)]);
        assert_eq!(s.sql.matches("?1").count(), 2, "{}", s.sql);

        // SQLite reads the ids from the text.
        let s = ties_statement(DbBackend::Sqlite, &[40], &kinds);
        assert!(s.sql.contains("IN (40)"));
    }

    /// PostgreSQL reads a batch's ties and their candidates in one
    /// statement, whose text is the same whatever the batch.
    #[test]
    fn postgres_reads_ties_and_candidates_in_one_statement() {
        let now = Utc::now();
        let a = ties_and_candidates_statement(&[1, 2], &[1], &HashSet::from([2]), now);
        let b = ties_and_candidates_statement(&[40], &[], &HashSet::from([40]), now);
        assert_eq!(a.sql, b.sql);
        assert!(!b.sql.contains("40"));
        let values = b.values.map(|v| v.0).unwrap_or_default();
        let arrays = ["{40}", "{}", "{40}"].map(|v| Value::from(v.to_owned()));
        assert_eq!(values[..3], arrays);
        assert_eq!(values[3], Value::from(now));
        // The events of shared people and organizations; the articles of
        // every kind of tie.
        assert_eq!(a.sql.matches("CROSS JOIN LATERAL").count(), 6, "{}", a.sql);
        assert!(a.sql.starts_with("WITH ties AS ("), "{}", a.sql);

        // An event's related events: its people's and organizations'.
        let a = event_ties_and_candidates_statement(&[1, 2]);
        let b = event_ties_and_candidates_statement(&[40]);
        assert_eq!(a.sql, b.sql);
        assert!(!b.sql.contains("40"));
        assert_eq!(a.sql.matches("CROSS JOIN LATERAL").count(), 2, "{}", a.sql);
    }

    #[test]
    fn candidate_rows_name_their_side_and_tie() {
        for side in [Side::Events, Side::Articles] {
            for kind in TieKind::ALL {
                assert_eq!(
                    Side::decode(kind.code() + side.offset()),
                    Some((side, kind))
                );
            }
        }
        assert_eq!(Side::decode(9), None);
    }
}
