//! Running a search: parse the reader's query, fetch candidates from the
//! database's full-text engine, then rank them: exact diacritics first,
//! whole phrases and title matches next, the engine's relevance, then
//! recency.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Utc};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbBackend, FromQueryResult, QueryFilter, QuerySelect, Select,
    Statement, Value,
};

use super::fold::{accent_key, accent_keys, fold};
use crate::error::{AppError, AppResult};

/// Longest query accepted, in characters.
pub const MAX_QUERY_CHARS: usize = 200;
/// Words of a query that count; the rest is ignored.
const MAX_TERMS: usize = 12;
/// How many of the newest engine matches are ranked per query: a news
/// search favours recent articles, and this bounds the cost of a query
/// that matches most of the archive.
pub const WINDOW: u64 = 1_000;

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
    lead: String,
}

/// Ranked matches of `q` among the articles `scope` selects (visibility
/// and filters), at most the [`WINDOW`] newest matches.
///
/// Two cheap steps instead of one expensive join: the engine ranks the
/// newest matches by itself (bm25 / `ts_rank_cd` on at most [`WINDOW`]
/// rows), then `scope` is checked by primary key on those ids only.
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
    let (sql, value) = match backend {
        DbBackend::Postgres => (
            format!(
                "SELECT id, ts_rank_cd(document, to_tsquery('simple', $1), 1)::float8 AS rank, title, lead
                 FROM (SELECT article_id AS id, document, title, lead FROM article_search
                       WHERE document @@ to_tsquery('simple', $1)
                       ORDER BY article_id DESC LIMIT {WINDOW}) m"
            ),
            tsquery(q),
        ),
        _ => (
            format!(
                "SELECT rowid AS id, -bm25(article_search, 10.0, 4.0, 1.0, 3.0, 0.0) AS rank, title, lead
                 FROM article_search WHERE article_search MATCH ?
                 ORDER BY rowid DESC LIMIT {WINDOW}"
            ),
            fts5_match(q),
        ),
    };
    let candidates = Candidate::find_by_statement(Statement::from_sql_and_values(
        backend,
        sql,
        [Value::from(value)],
    ))
    .all(db)
    .await?;
    if candidates.is_empty() {
        return Ok(Vec::new());
    }
    // What the viewer may read, by primary key; the original title and
    // lead carry the diacritics the reader may have typed.
    let visible: HashMap<i64, (Option<DateTime<Utc>>, String, String)> = scope
        .filter(
            entity::article::Column::Id.is_in(candidates.iter().map(|c| c.id).collect::<Vec<_>>()),
        )
        .select_only()
        .column(entity::article::Column::Id)
        .column(entity::article::Column::PublishedAt)
        .column(entity::article::Column::Title)
        .column(entity::article::Column::Lead)
        .into_tuple::<(i64, Option<DateTime<Utc>>, String, String)>()
        .all(db)
        .await?
        .into_iter()
        .map(|(id, at, title, lead)| (id, (at, title, lead)))
        .collect();

    let best = candidates
        .iter()
        .map(|c| c.rank)
        .fold(f64::MIN, f64::max)
        .max(f64::EPSILON);
    let words = q.all_words();
    let phrases: Vec<String> = if q.words.len() > 1 {
        vec![q.words.join(" ")]
    } else {
        Vec::new()
    };
    let accents: HashSet<&str> = q.accents.iter().map(String::as_str).collect();
    let mut hits: Vec<Hit> = candidates
        .into_iter()
        .filter_map(|c| {
            let (published_at, title, lead) = visible.get(&c.id)?;
            let title_words: HashSet<&str> = c.title.split(' ').collect();
            let in_title = words
                .iter()
                .filter(|w| title_words.contains(w.as_str()))
                .count();
            let title_share = in_title as f64 / words.len().max(1) as f64;
            let text = format!(" {} {} ", c.title, c.lead);
            let phrase = if phrases.iter().any(|p| text.contains(&format!(" {p} "))) {
                1.0
            } else {
                0.0
            };
            let accent_share = if accents.is_empty() {
                0.0
            } else {
                let keys = accent_keys(&format!("{title} {lead}"));
                let keys: HashSet<&str> = keys.split(' ').collect();
                accents.iter().filter(|k| keys.contains(*k)).count() as f64 / accents.len() as f64
            };
            let score =
                3.0 * accent_share + 1.5 * phrase + title_share + (c.rank / best).clamp(0.0, 1.0);
            Some(Hit {
                id: c.id,
                score: (score * 1000.0).round() / 1000.0,
                published_at: *published_at,
            })
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

/// How many articles of `scope` match `q` (for `totalCount`): the hits
/// [`run`] ranks, so it always agrees with paging.
pub async fn count(
    db: &impl ConnectionTrait,
    q: &ParsedQuery,
    scope: Select<entity::article::Entity>,
) -> AppResult<u64> {
    Ok(run(db, q, scope, Order::Newest).await?.len() as u64)
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
