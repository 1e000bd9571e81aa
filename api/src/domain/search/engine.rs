//! The first stage of a search, in the database's own engine: every
//! visible match of the query, ranked by the engine's relevance with field
//! weights (FTS5 `bm25()`, PostgreSQL `ts_rank_cd` over `setweight`
//! classes), the best few hundred returned with the count of all matches.
//! Also reads the indexed text of those candidates for the re-rank.

use chrono::{DateTime, Utc};
use sea_orm::{
    ConnectionTrait, DbBackend, FromQueryResult, QuerySelect, QueryTrait, Select, Statement, Value,
};

use super::parse::ParsedQuery;
use crate::platform::error::AppResult;

/// Field weights of FTS5's `bm25()`, in column order: title, lead,
/// captions, extra (linked names and tags), body, marked (accent keys:
/// never matched, weight 0).
const BM25_WEIGHTS: &str = "10.0, 5.0, 3.0, 3.0, 1.0, 0.0";
/// Weights of `ts_rank_cd` for the classes D (body), C (captions, linked
/// names), B (lead) and A (title): the same order of fields as on SQLite.
const PG_WEIGHTS: &str = "{0.1, 0.3, 0.5, 1.0}";

/// How the query's words combine.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Combine {
    /// Every word and phrase must match.
    All,
    /// Any word or phrase may match (the fallback when none has them all).
    Any,
}

/// How the candidates are ordered by the engine.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EngineOrder {
    Relevance,
    Newest,
}

/// Whether a search counts every match besides ranking the best: on a
/// common word, counting is a pass over tens of thousands of documents
/// that a page without its total does not need.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Count {
    Every,
    Skip,
}

/// One candidate from the engine.
#[derive(Clone, Debug, FromQueryResult)]
pub struct Candidate {
    pub id: i64,
    /// The engine's relevance: higher is better (bm25 negated on SQLite).
    pub rank: f64,
    pub published_at: Option<DateTime<Utc>>,
    /// Every visible match of the query, not only those returned (`None`:
    /// not counted, the caller did not ask).
    pub total: Option<i64>,
    /// Where the embedded index found it (the database's engine: `None`).
    #[sea_orm(skip)]
    pub found_at: Option<IndexAddress>,
}

/// A document of the embedded index in the snapshot a first stage read:
/// the re-rank reads the same document's positions without looking its
/// id up again, as long as the index has not moved on since.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct IndexAddress {
    /// The searcher's generation (unique per reload of one index).
    pub generation: u64,
    pub segment: u32,
    pub doc: u32,
}

/// The indexed (folded) text of a candidate.
#[derive(Clone, Debug, Default, FromQueryResult)]
pub struct Texts {
    pub id: i64,
    pub title: String,
    pub lead: String,
    pub captions: String,
    pub extra: String,
    pub body: String,
    pub marked: String,
}

/// The FTS5 query: words (the last one also as a prefix when asked) and
/// phrases, joined by `AND` (or `OR`), minus excluded words, in the text
/// columns. Words are `[a-z0-9]` only, quoted anyway.
pub fn fts5_match(q: &ParsedQuery, combine: Combine) -> String {
    let units = units(
        q,
        |w| format!("\"{w}\""),
        |w| format!("\"{w}\"*"),
        |p| format!("\"{}\"", p.join(" ")),
    );
    let join = match combine {
        Combine::All => " AND ",
        Combine::Any => " OR ",
    };
    let mut expr = format!("({})", units.join(join));
    if !q.excluded.is_empty() {
        let out: Vec<String> = q.excluded.iter().map(|w| format!("\"{w}\"")).collect();
        expr = format!("({expr} NOT ({}))", out.join(" OR "));
    }
    format!("{{title lead captions extra body}} : {expr}")
}

/// The PostgreSQL `tsquery`: `&` (or `|`) between words, `<->` inside
/// phrases, `:*` for the word being typed, `& !w` for excluded words.
pub fn tsquery(q: &ParsedQuery, combine: Combine) -> String {
    let units = units(
        q,
        str::to_owned,
        |w| format!("{w}:*"),
        |p| format!("({})", p.join(" <-> ")),
    );
    let join = match combine {
        Combine::All => " & ",
        Combine::Any => " | ",
    };
    let mut expr = format!("({})", units.join(join));
    for w in &q.excluded {
        expr.push_str(&format!(" & !{w}"));
    }
    expr
}

/// The query's distinct words and its phrases, written by `word`,
/// `prefix` (the word being typed) and `phrase`.
fn units(
    q: &ParsedQuery,
    word: impl Fn(&str) -> String,
    prefix: impl Fn(&str) -> String,
    phrase: impl Fn(&[String]) -> String,
) -> Vec<String> {
    let mut seen = std::collections::HashSet::new();
    let mut out = Vec::new();
    for (i, w) in q.words.iter().enumerate() {
        let typed = q.prefix_last && i + 1 == q.words.len();
        if seen.insert((w.as_str(), typed)) {
            out.push(if typed { prefix(w) } else { word(w) });
        }
    }
    out.extend(q.phrases.iter().map(|p| phrase(p)));
    out
}

/// The best `limit` visible matches of `q` (those `scope` selects), by
/// the engine's relevance or newest first, each with the count of all
/// visible matches.
pub async fn candidates(
    db: &impl ConnectionTrait,
    q: &ParsedQuery,
    combine: Combine,
    scope: Select<entity::article::Entity>,
    order: EngineOrder,
    limit: u64,
) -> AppResult<Vec<Candidate>> {
    use entity::article::Column;
    let backend = db.get_database_backend();
    let scope = scope
        .select_only()
        .column(Column::Id)
        .column(Column::PublishedAt)
        .build(backend);
    let mut values: Vec<Value> = scope.values.map(|v| v.0).unwrap_or_default();
    let order_sql = match order {
        EngineOrder::Relevance => "rank DESC, id DESC",
        EngineOrder::Newest => "published_at DESC, id DESC",
    };
    let sql = match backend {
        DbBackend::Postgres => {
            values.push(tsquery(q, combine).into());
            format!(
                "SELECT s.article_id AS id,
                    ts_rank_cd('{PG_WEIGHTS}'::float4[], s.document, q, 1)::float8 AS rank,
                    v.published_at AS published_at, COUNT(*) OVER () AS total
                 FROM article_search s
                 CROSS JOIN to_tsquery('simple', ${n}) q
                 JOIN ({scope}) v ON v.id = s.article_id
                 WHERE s.document @@ q
                 ORDER BY {order_sql} LIMIT {limit}",
                n = values.len(),
                scope = scope.sql,
            )
        }
        _ => {
            values.insert(0, fts5_match(q, combine).into());
            // `bm25()` only runs in the engine's own scan: the matches are
            // ranked in a materialized step, then each is checked against
            // the scope through the article's primary key.
            format!(
                "WITH m AS MATERIALIZED (
                    SELECT rowid AS id, -bm25(article_search, {BM25_WEIGHTS}) AS rank
                    FROM article_search WHERE article_search MATCH ?)
                 SELECT m.id AS id, m.rank AS rank, v.published_at AS published_at,
                    COUNT(*) OVER () AS total
                 FROM m CROSS JOIN ({scope}) v ON v.id = m.id
                 ORDER BY {order_sql} LIMIT {limit}",
                scope = scope.sql,
            )
        }
    };
    Ok(
        Candidate::find_by_statement(Statement::from_sql_and_values(backend, sql, values))
            .all(db)
            .await?,
    )
}

/// The indexed text of `ids`; `marked` only when `with_marked`.
pub async fn texts(
    db: &impl ConnectionTrait,
    ids: &[i64],
    with_marked: bool,
) -> AppResult<Vec<Texts>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let backend = db.get_database_backend();
    let list = ids.iter().map(i64::to_string).collect::<Vec<_>>().join(",");
    let marked = if with_marked {
        "marked"
    } else {
        "'' AS marked"
    };
    let sql = match backend {
        DbBackend::Postgres => format!(
            "SELECT article_id AS id, title, lead, captions, extra, body, {marked}
             FROM article_search WHERE article_id IN ({list})"
        ),
        _ => format!(
            "SELECT rowid AS id, title, lead, captions, extra, body, {marked}
             FROM article_search WHERE rowid IN ({list})"
        ),
    };
    Ok(
        Texts::find_by_statement(Statement::from_string(backend, sql))
            .all(db)
            .await?,
    )
}
