//! Running a search: parse the reader's query, fetch candidates from the
//! database's full-text engine, then rank them: exact diacritics first,
//! whole phrases and title matches next, the engine's relevance, then
//! recency.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Utc};
use sea_orm::{
    ConnectionTrait, DbBackend, FromQueryResult, QuerySelect, QueryTrait, Select, Statement, Value,
};

use super::fold::{accent_key, fold};
use crate::error::{AppError, AppResult};

/// Longest query accepted, in characters.
pub const MAX_QUERY_CHARS: usize = 200;
/// Words of a query that count; the rest is ignored.
const MAX_TERMS: usize = 12;
/// How many engine matches are ranked per query.
pub const CANDIDATES: u64 = 300;

/// A reader's query, folded.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ParsedQuery {
    /// Words outside quotes, folded.
    pub words: Vec<String>,
    /// Quoted phrases, folded word by word: they must match exactly.
    pub phrases: Vec<Vec<String>>,
    /// Accent keys of the words typed with diacritics.
    pub accents: Vec<String>,
    /// Whether the last word is still being typed (no trailing space):
    /// it also matches as a prefix.
    pub prefix_last: bool,
}

impl ParsedQuery {
    /// Every folded word, in phrases or not.
    pub fn all_words(&self) -> HashSet<String> {
        self.words
            .iter()
            .chain(self.phrases.iter().flatten())
            .cloned()
            .collect()
    }

    pub fn is_empty(&self) -> bool {
        self.words.is_empty() && self.phrases.is_empty()
    }
}

/// Parses a query: `"…"` are exact phrases, everything else words. Syntax
/// characters of the engines are only separators here, so no input can
/// inject engine syntax.
pub fn parse(query: &str) -> AppResult<ParsedQuery> {
    if query.trim().is_empty() {
        return Err(AppError::bad_input("query", "the search query is empty"));
    }
    if query.chars().count() > MAX_QUERY_CHARS {
        return Err(AppError::bad_input(
            "query",
            format!("the search query is longer than {MAX_QUERY_CHARS} characters"),
        ));
    }
    let mut parsed = ParsedQuery::default();
    for (i, part) in query.split('"').enumerate() {
        let words: Vec<String> = fold(part)
            .split(' ')
            .filter(|w| !w.is_empty())
            .map(str::to_owned)
            .collect();
        if i % 2 == 1 && words.len() > 1 {
            parsed.phrases.push(words);
        } else {
            parsed.words.extend(words);
        }
    }
    parsed.words.truncate(MAX_TERMS);
    parsed.phrases.truncate(MAX_TERMS);
    parsed.accents = query
        .split(|c: char| !c.is_alphanumeric() && !('\u{0300}'..='\u{036F}').contains(&c))
        .filter_map(accent_key)
        .take(MAX_TERMS)
        .collect();
    parsed.prefix_last = !query.ends_with(char::is_whitespace)
        && !query.ends_with('"')
        && parsed.words.last().is_some_and(|w| w.len() >= 2);
    Ok(parsed)
}

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

#[derive(FromQueryResult)]
struct Candidate {
    id: i64,
    rank: f64,
    title: String,
    published_at: Option<DateTime<Utc>>,
}

#[derive(FromQueryResult)]
struct IdRow {
    id: i64,
}

/// Ranked matches of `q` among the articles `scope` selects (visibility
/// and filters already applied).
pub async fn run(
    db: &impl ConnectionTrait,
    q: &ParsedQuery,
    scope: Select<entity::article::Entity>,
    order: Order,
) -> AppResult<Vec<Hit>> {
    if q.is_empty() {
        return Ok(Vec::new());
    }
    let backend = db.get_database_backend();
    let scope = scope
        .select_only()
        .column(entity::article::Column::Id)
        .into_query();
    let scope = backend.build(&scope);
    let (scope_sql, scope_values) = (scope.sql, scope.values.map(|v| v.0).unwrap_or_default());
    let order_sql = match order {
        Order::Relevance => "rank DESC",
        Order::Newest => "a.published_at DESC, a.id DESC",
    };
    let (sql, values) = match backend {
        DbBackend::Postgres => {
            let n = scope_values.len() + 1;
            (
                format!(
                    "SELECT s.article_id AS id, ts_rank_cd(s.document, to_tsquery('simple', ${n}), 1)::float8 AS rank,
                            s.title AS title, a.published_at AS published_at
                     FROM article_search s JOIN articles a ON a.id = s.article_id
                     WHERE s.document @@ to_tsquery('simple', ${n}) AND s.article_id IN ({scope_sql})
                     ORDER BY {order_sql} LIMIT {CANDIDATES}"
                ),
                [scope_values, vec![Value::from(tsquery(q))]].concat(),
            )
        }
        _ => (
            format!(
                "SELECT s.rowid AS id, -bm25(article_search, 10.0, 4.0, 1.0, 3.0, 0.0) AS rank,
                        s.title AS title, a.published_at AS published_at
                 FROM article_search s JOIN articles a ON a.id = s.rowid
                 WHERE article_search MATCH ? AND s.rowid IN ({scope_sql})
                 ORDER BY {order_sql} LIMIT {CANDIDATES}"
            ),
            [vec![Value::from(fts5_match(q))], scope_values].concat(),
        ),
    };
    let candidates =
        Candidate::find_by_statement(Statement::from_sql_and_values(backend, sql, values))
            .all(db)
            .await?;
    if candidates.is_empty() {
        return Ok(Vec::new());
    }
    let ids: Vec<i64> = candidates.iter().map(|c| c.id).collect();

    // Whole-phrase matches of an unquoted multi-word query.
    let phrase_hits: HashSet<i64> = if q.words.len() > 1 {
        let phrase = ParsedQuery {
            phrases: vec![q.words.clone()],
            ..Default::default()
        };
        matching(db, backend, &phrase_match(backend, &phrase), &ids, false).await?
    } else {
        HashSet::new()
    };
    // Exact diacritics: how many of the accented words each article has.
    let mut accent_hits: HashMap<i64, usize> = HashMap::new();
    for key in &q.accents {
        let expr = match backend {
            DbBackend::Postgres => key.clone(),
            _ => format!("marked : \"{key}\""),
        };
        for id in matching(db, backend, &expr, &ids, true).await? {
            *accent_hits.entry(id).or_default() += 1;
        }
    }

    let best = candidates
        .iter()
        .map(|c| c.rank)
        .fold(f64::MIN, f64::max)
        .max(f64::EPSILON);
    let words = q.all_words();
    let mut hits: Vec<Hit> = candidates
        .into_iter()
        .map(|c| {
            let title_words: HashSet<&str> = c.title.split(' ').collect();
            let in_title = words
                .iter()
                .filter(|w| title_words.contains(w.as_str()))
                .count();
            let title_share = in_title as f64 / words.len().max(1) as f64;
            let accent_share =
                accent_hits.get(&c.id).copied().unwrap_or(0) as f64 / q.accents.len().max(1) as f64;
            let phrase = if phrase_hits.contains(&c.id) {
                1.0
            } else {
                0.0
            };
            let score =
                3.0 * accent_share + 1.5 * phrase + title_share + (c.rank / best).clamp(0.0, 1.0);
            Hit {
                id: c.id,
                score: (score * 1000.0).round() / 1000.0,
                published_at: c.published_at,
            }
        })
        .collect();
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

fn phrase_match(backend: DbBackend, q: &ParsedQuery) -> String {
    match backend {
        DbBackend::Postgres => tsquery(q),
        _ => fts5_match(q),
    }
}

/// Which of `ids` match `expr` (an FTS5 query, or a tsquery on the text or
/// the accent column).
async fn matching(
    db: &impl ConnectionTrait,
    backend: DbBackend,
    expr: &str,
    ids: &[i64],
    accents: bool,
) -> AppResult<HashSet<i64>> {
    let list = ids.iter().map(i64::to_string).collect::<Vec<_>>().join(",");
    let sql = match backend {
        DbBackend::Postgres => {
            let column = if accents {
                "marked_document"
            } else {
                "document"
            };
            format!(
                "SELECT article_id AS id FROM article_search WHERE {column} @@ to_tsquery('simple', $1) AND article_id IN ({list})"
            )
        }
        _ => format!(
            "SELECT rowid AS id FROM article_search WHERE article_search MATCH ? AND rowid IN ({list})"
        ),
    };
    let rows = IdRow::find_by_statement(Statement::from_sql_and_values(
        backend,
        sql,
        [Value::from(expr.to_owned())],
    ))
    .all(db)
    .await?;
    Ok(rows.into_iter().map(|r| r.id).collect())
}

/// How many articles of `scope` match `q` (for `totalCount`).
pub async fn count(
    db: &impl ConnectionTrait,
    q: &ParsedQuery,
    scope: Select<entity::article::Entity>,
) -> AppResult<u64> {
    if q.is_empty() {
        return Ok(0);
    }
    #[derive(FromQueryResult)]
    struct Count {
        n: i64,
    }
    let backend = db.get_database_backend();
    let scope = scope
        .select_only()
        .column(entity::article::Column::Id)
        .into_query();
    let scope = backend.build(&scope);
    let (scope_sql, scope_values) = (scope.sql, scope.values.map(|v| v.0).unwrap_or_default());
    let (sql, values) = match backend {
        DbBackend::Postgres => {
            let n = scope_values.len() + 1;
            (
                format!(
                    "SELECT COUNT(*) AS n FROM article_search WHERE document @@ to_tsquery('simple', ${n}) AND article_id IN ({scope_sql})"
                ),
                [scope_values, vec![Value::from(tsquery(q))]].concat(),
            )
        }
        _ => (
            format!(
                "SELECT COUNT(*) AS n FROM article_search WHERE article_search MATCH ? AND rowid IN ({scope_sql})"
            ),
            [vec![Value::from(fts5_match(q))], scope_values].concat(),
        ),
    };
    let row = Count::find_by_statement(Statement::from_sql_and_values(backend, sql, values))
        .one(db)
        .await?;
    Ok(row.map_or(0, |r| r.n.max(0) as u64))
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
