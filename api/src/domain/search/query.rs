//! Running a search: parse the reader's query, fetch candidates from the
//! database's full-text engine, then rank them: exact diacritics first,
//! whole phrases and title matches next, the engine's relevance, then
//! recency.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbBackend, EntityTrait, FromQueryResult, QueryFilter,
    QuerySelect, Select, Statement, Value,
};

pub use super::parse::{MAX_QUERY_CHARS, ParsedQuery, parse};
use super::rank;
use crate::platform::error::AppResult;

/// How many of the newest visible matches are ranked per query: a news
/// search favours recent articles, and this bounds the cost of a query
/// that matches most of the archive.
pub const WINDOW: usize = 200;
/// Engine matches read in the first round (a few are not visible).
const FIRST_ROUND: u64 = 240;
/// Fewer results than this for the words as typed widen the last word to
/// a prefix (a page of results).
const PREFIX_BELOW: usize = 10;
/// The most engine matches read in one round.
const MAX_ROUND: u64 = 5_000;

/// The FTS5 query: every word (the last one also as a prefix) and every
/// phrase, in the text columns. Words are `[a-z0-9]` only, quoted anyway.
pub fn fts5_match(q: &ParsedQuery) -> String {
    let mut parts: Vec<String> = Vec::new();
    for (i, word) in q.words.iter().enumerate() {
        if q.prefix_last && i + 1 == q.words.len() {
            parts.push(format!("\"{word}\"*"));
        } else {
            parts.push(format!("\"{word}\""));
        }
    }
    for phrase in &q.phrases {
        parts.push(format!("\"{}\"", phrase.join(" ")));
    }
    format!("{{title lead body extra}} : ({})", parts.join(" AND "))
}

/// The PostgreSQL `tsquery`: `&` between words, `<->` inside phrases,
/// `:*` for the word being typed.
pub fn tsquery(q: &ParsedQuery) -> String {
    let mut parts: Vec<String> = Vec::new();
    for (i, word) in q.words.iter().enumerate() {
        if q.prefix_last && i + 1 == q.words.len() {
            parts.push(format!("{word}:*"));
        } else {
            parts.push(word.clone());
        }
    }
    for phrase in &q.phrases {
        parts.push(format!("({})", phrase.join(" <-> ")));
    }
    parts.join(" & ")
}

/// How results are ordered.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Order {
    Relevance,
    Newest,
}

/// One ranked match.
#[derive(Clone, Debug, PartialEq)]
pub struct Hit {
    pub id: i64,
    pub score: f64,
    pub published_at: Option<DateTime<Utc>>,
}

/// A match as the engine returns it, with its folded title and lead.
#[derive(FromQueryResult)]
struct Match {
    id: i64,
    title: String,
    lead: String,
}

/// What the reader may see of a match.
struct Visible {
    published_at: Option<DateTime<Utc>>,
    /// The original title and lead, with the diacritics as written.
    original: String,
}

/// Ranked matches of `q` among the articles `scope` selects (visibility
/// and filters): the [`WINDOW`] newest visible matches.
///
/// The engine only finds matches, newest first, which costs the same
/// whatever the archive's size (FTS5 and the primary-key order walk the
/// postings backwards and stop at the limit); `scope` is checked on those
/// ids through a covering index, in rounds until the window is full or
/// the matches run out; [`rank`](super::rank) scores each match from its
/// title and lead.
///
/// The last word, when still being typed, is first taken as typed: only
/// when that finds less than [`PREFIX_BELOW`] results is it widened to a
/// prefix, which costs the engine a merge of every word it begins.
pub async fn run(
    db: &impl ConnectionTrait,
    q: &ParsedQuery,
    scope: Select<entity::article::Entity>,
    order: Order,
) -> AppResult<Vec<Hit>> {
    if q.is_empty() {
        return Ok(Vec::new());
    }
    if q.prefix_last {
        let typed = ParsedQuery {
            prefix_last: false,
            ..q.clone()
        };
        let hits = run_window(db, &typed, scope.clone(), order).await?;
        if hits.len() >= PREFIX_BELOW {
            return Ok(hits);
        }
    }
    run_window(db, q, scope, order).await
}

/// [`run`] for `q` exactly as parsed.
async fn run_window(
    db: &impl ConnectionTrait,
    q: &ParsedQuery,
    scope: Select<entity::article::Entity>,
    order: Order,
) -> AppResult<Vec<Hit>> {
    let mut hits: Vec<Hit> = Vec::new();
    let mut before = None;
    let mut limit = FIRST_ROUND;
    loop {
        let matches = matches(db, q, before, limit).await?;
        let exhausted = (matches.len() as u64) < limit;
        before = matches.last().map(|m| m.id);
        let mut visible = visible(db, scope.clone(), &matches, !q.accents.is_empty()).await?;
        for m in matches {
            let Some(v) = visible.remove(&m.id) else {
                continue;
            };
            let fields = rank::Fields {
                title: &m.title,
                lead: &m.lead,
                original: &v.original,
            };
            hits.push(Hit {
                id: m.id,
                score: (rank::score(q, &fields) * 1000.0).round() / 1000.0,
                published_at: v.published_at,
            });
        }
        if exhausted || hits.len() >= WINDOW {
            break;
        }
        // Most matches were out of scope (a narrow filter): look further
        // back, in larger steps.
        limit = (limit * 2).min(MAX_ROUND);
    }
    hits.truncate(WINDOW);
    hits.sort_by(|a, b| match order {
        Order::Relevance => b
            .score
            .total_cmp(&a.score)
            .then(b.published_at.cmp(&a.published_at))
            .then(b.id.cmp(&a.id)),
        Order::Newest => b.published_at.cmp(&a.published_at).then(b.id.cmp(&a.id)),
    });
    Ok(hits)
}

/// The newest `limit` matches of `q` with an id below `before`.
async fn matches(
    db: &impl ConnectionTrait,
    q: &ParsedQuery,
    before: Option<i64>,
    limit: u64,
) -> AppResult<Vec<Match>> {
    let backend = db.get_database_backend();
    let mut values = vec![Value::from(match backend {
        DbBackend::Postgres => tsquery(q),
        _ => fts5_match(q),
    })];
    values.extend(before.map(Value::from));
    let sql = match (backend, before.is_some()) {
        (DbBackend::Postgres, below) => format!(
            "SELECT article_id AS id, title, lead FROM article_search
             WHERE document @@ to_tsquery('simple', $1) {}
             ORDER BY article_id DESC LIMIT {limit}",
            if below { "AND article_id < $2" } else { "" }
        ),
        (_, below) => format!(
            "SELECT rowid AS id, title, lead FROM article_search
             WHERE article_search MATCH ? {}
             ORDER BY rowid DESC LIMIT {limit}",
            if below { "AND rowid < ?" } else { "" }
        ),
    };
    Ok(
        Match::find_by_statement(Statement::from_sql_and_values(backend, sql, values))
            .all(db)
            .await?,
    )
}

/// Which of `matches` `scope` lets the reader see; with the original
/// title and lead when `accents` asks for them.
async fn visible(
    db: &impl ConnectionTrait,
    scope: Select<entity::article::Entity>,
    matches: &[Match],
    accents: bool,
) -> AppResult<HashMap<i64, Visible>> {
    if matches.is_empty() {
        return Ok(HashMap::new());
    }
    use entity::article::Column;
    // Two statements, each served by one index: the scope check reads
    // only the covering `idx_articles_visibility`, the titles only the
    // head of each row (before the large body).
    let mut visible: HashMap<i64, Visible> = scope
        .filter(Column::Id.is_in(matches.iter().map(|m| m.id)))
        .select_only()
        .column(Column::Id)
        .column(Column::PublishedAt)
        .into_tuple::<(i64, Option<DateTime<Utc>>)>()
        .all(db)
        .await?
        .into_iter()
        .map(|(id, published_at)| {
            let original = String::new();
            (
                id,
                Visible {
                    published_at,
                    original,
                },
            )
        })
        .collect();
    if !accents || visible.is_empty() {
        return Ok(visible);
    }
    let originals = entity::article::Entity::find()
        .filter(Column::Id.is_in(visible.keys().copied().collect::<Vec<_>>()))
        .select_only()
        .column(Column::Id)
        .column(Column::Title)
        .column(Column::Lead)
        .into_tuple::<(i64, String, String)>()
        .all(db)
        .await?;
    for (id, title, lead) in originals {
        if let Some(v) = visible.get_mut(&id) {
            v.original = format!("{title} {lead}");
        }
    }
    Ok(visible)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotes_make_phrases_and_syntax_is_only_separators() {
        let q = parse(r#"Đức "ban dân vận" NEAR( x:* 'a' -b"#).unwrap();
        assert_eq!(
            q.phrases,
            vec![vec!["ban".to_owned(), "dan".into(), "van".into()]]
        );
        assert_eq!(q.words, vec!["duc", "near", "x", "a", "b"]);
        assert_eq!(q.accents, vec!["đưcs", "dân", "vânj"]);
        assert!(fts5_match(&q).starts_with("{title lead body extra} : (\"duc\" AND \"near\""));
        assert_eq!(
            tsquery(&q),
            "duc & near & x & a & b & (ban <-> dan <-> van)"
        );
    }

    #[test]
    fn the_word_being_typed_is_a_prefix() {
        let q = parse("nguyen du").unwrap();
        assert!(q.prefix_last);
        assert!(tsquery(&q).ends_with("du:*"));
        assert!(!parse("nguyen du ").unwrap().prefix_last);
    }

    #[test]
    fn empty_long_and_punctuation_only_queries() {
        assert_eq!(parse("   ").unwrap_err().code(), "BAD_USER_INPUT");
        assert_eq!(
            parse(&"a".repeat(201)).unwrap_err().code(),
            "BAD_USER_INPUT"
        );
        assert!(parse("\"*:(").unwrap().is_empty());
    }
}
