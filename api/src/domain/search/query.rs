//! Running a search: parse the reader's query, let an engine rank every
//! visible match (first stage: the embedded index, [`embedded`], or the
//! database's full-text engine, [`engine`]), then re-rank its best
//! [`RERANK`] in Rust ([`rank`]).
//!
//! Every word must match; when no article holds them all, any word may,
//! and the result says so ([`Outcome::matched_all_terms`]). The word
//! being typed is first taken as typed and widened to a prefix only when
//! that finds less than a page.

use std::{collections::HashMap, sync::Arc};

use chrono::{DateTime, Utc};
use sea_orm::{ConnectionTrait, Select};

use super::embedded::{EmbeddedIndex, find::IndexFilter};
pub use super::engine::Count;
use super::engine::{self, Candidate, Combine, EngineOrder};
pub use super::engine::{fts5_match, tsquery};
pub use super::parse::{MAX_QUERY_CHARS, ParsedQuery, parse};
use super::rank;
use crate::platform::error::AppResult;

/// How many of the engine's best candidates are re-ranked in Rust; the
/// rest follow in the engine's order.
pub const RERANK: usize = 200;
/// Fewer results than this for the words as typed widen the last word to
/// a prefix (a page of results). Below [`RERANK`], so that the candidates
/// found tell it without counting every match.
const PREFIX_BELOW: usize = 10;
const _: () = assert!(PREFIX_BELOW <= RERANK);

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

/// The ranked matches of a search.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Outcome {
    /// The best `depth` matches at least (fewer when there are fewer).
    pub hits: Vec<Hit>,
    /// How many visible articles match, all pages together; `None` when
    /// the search was run without [`Count::Every`].
    pub total: Option<usize>,
    /// `false` when no article held every word, and articles holding some
    /// of them are shown instead.
    pub matched_all_terms: bool,
}

/// Which engine finds the candidates, with the articles a search may
/// return (visibility and filters) in that engine's terms.
pub enum Source<'a> {
    /// The database's engine over the articles the query selects.
    Database(Box<Select<entity::article::Entity>>),
    /// The replica's embedded index, brought up to date.
    Embedded(&'a Arc<EmbeddedIndex>, IndexFilter),
}

impl Source<'_> {
    async fn candidates(
        &self,
        db: &impl ConnectionTrait,
        q: &ParsedQuery,
        combine: Combine,
        order: EngineOrder,
        limit: u64,
        count: Count,
    ) -> AppResult<Vec<Candidate>> {
        match self {
            // The database counts in the same statement, for little more.
            Self::Database(scope) => {
                engine::candidates(db, q, combine, (**scope).clone(), order, limit).await
            }
            Self::Embedded(index, filter) => {
                index
                    .candidates(q, combine, filter, order, limit as usize, count)
                    .await
            }
        }
    }
}

/// Ranked matches of `q` among the articles `source` may return, at
/// least the first `depth` of them (the page asked for and those before
/// it), and with [`Count::Every`] the count of all of them.
pub async fn run(
    db: &impl ConnectionTrait,
    q: &ParsedQuery,
    source: Source<'_>,
    order: Order,
    depth: usize,
    count: Count,
    now: DateTime<Utc>,
) -> AppResult<Outcome> {
    if q.is_empty() {
        return Ok(Outcome {
            hits: Vec::new(),
            total: Some(0),
            matched_all_terms: true,
        });
    }
    let limit = depth.max(RERANK) as u64;
    let engine_order = match order {
        Order::Relevance => EngineOrder::Relevance,
        Order::Newest => EngineOrder::Newest,
    };
    let typed = ParsedQuery {
        prefix_last: false,
        ..q.clone()
    };
    let mut used = typed.clone();
    let mut found = source
        .candidates(db, &typed, Combine::All, engine_order, limit, count)
        .await?;
    // `limit` is at least `PREFIX_BELOW`: fewer found is fewer matching.
    if q.prefix_last && found.len() < PREFIX_BELOW {
        used = q.clone();
        found = source
            .candidates(db, q, Combine::All, engine_order, limit, count)
            .await?;
    }
    let mut all = true;
    if found.is_empty() && q.units() > 1 {
        all = false;
        found = source
            .candidates(db, &used, Combine::Any, engine_order, limit, count)
            .await?;
    }
    let total = match count {
        Count::Every => Some(total(&found)),
        Count::Skip => None,
    };
    let hits = match order {
        Order::Relevance => rerank(db, &used, &source, found, now).await?,
        Order::Newest => {
            let best = best_rank(&found);
            engine_scores(found, best)
        }
    };
    Ok(Outcome {
        hits,
        total,
        matched_all_terms: all,
    })
}

/// The count of all matches the engine gave with `found` (none found:
/// none match).
fn total(found: &[Candidate]) -> usize {
    found
        .first()
        .and_then(|c| c.total)
        .map_or(found.len(), |t| usize::try_from(t).unwrap_or(0))
}

/// Candidates in the engine's order, scored by the engine alone (over
/// `best`, the best candidate's rank).
fn engine_scores(found: Vec<Candidate>, best: f64) -> Vec<Hit> {
    found
        .into_iter()
        .map(|c| Hit {
            id: c.id,
            score: ((c.rank / best).max(0.0) * 1000.0).round() / 1000.0,
            published_at: c.published_at,
        })
        .collect()
}

fn best_rank(found: &[Candidate]) -> f64 {
    let best = found.iter().map(|c| c.rank).fold(0.0_f64, f64::max);
    if best > 0.0 { best } else { 1.0 }
}

/// The first [`RERANK`] candidates re-ranked, the rest after them in the
/// engine's order. The embedded index gives the evidence from its
/// positions of the query's words; otherwise (and for a word being typed,
/// which matches as a prefix) it comes from the candidates' text.
async fn rerank(
    db: &impl ConnectionTrait,
    q: &ParsedQuery,
    source: &Source<'_>,
    mut found: Vec<Candidate>,
    now: DateTime<Utc>,
) -> AppResult<Vec<Hit>> {
    let best = best_rank(&found);
    let tail = found.split_off(found.len().min(RERANK));
    let mut evidence: HashMap<i64, rank::Evidence> = match source {
        Source::Embedded(index, _) if q.prefix().is_none() => {
            let words = rank::vocabulary(q).into_iter().map(str::to_owned).collect();
            let placed = found.iter().map(|c| (c.id, c.found_at)).collect();
            index.evidence(placed, words, q.accents.clone()).await?
        }
        _ => {
            let ids: Vec<i64> = found.iter().map(|c| c.id).collect();
            engine::texts(db, &ids, !q.accents.is_empty())
                .await?
                .into_iter()
                .map(|t| (t.id, rank::evidence_of(q, &t)))
                .collect()
        }
    };
    let mut head: Vec<Hit> = found
        .into_iter()
        .map(|c| {
            let ctx = rank::Context {
                engine: (c.rank / best).max(0.0),
                age_days: c
                    .published_at
                    .map(|p| (now - p).num_seconds() as f64 / 86_400.0),
            };
            let evidence = evidence.remove(&c.id).unwrap_or_default();
            Hit {
                id: c.id,
                score: rank::score_evidence(q, &evidence, &ctx),
                published_at: c.published_at,
            }
        })
        .collect();
    head.sort_by(|a, b| {
        b.score
            .total_cmp(&a.score)
            .then(b.published_at.cmp(&a.published_at))
            .then(b.id.cmp(&a.id))
    });
    head.extend(engine_scores(tail, best));
    Ok(head)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_word_must_match_and_excluded_words_must_not() {
        let q = parse(r#"Đức "ban dân vận" NEAR( x:* 'a' -b"#).unwrap();
        assert_eq!(
            q.phrases,
            vec![vec!["ban".to_owned(), "dan".into(), "van".into()]]
        );
        assert_eq!(q.words, vec!["duc", "near", "x", "a"]);
        assert_eq!(q.excluded, vec!["b"]);
        assert_eq!(q.accents, vec!["đưcs", "dân", "vânj"]);
        assert_eq!(
            fts5_match(&q, Combine::All),
            "{title lead captions extra body} : ((\"duc\" AND \"near\" AND \"x\" AND \"a\" AND \"ban dan van\") NOT (\"b\"))"
        );
        assert_eq!(
            tsquery(&q, Combine::All),
            "(duc & near & x & a & (ban <-> dan <-> van)) & !b"
        );
        assert_eq!(
            tsquery(&parse("dan thu huong ").unwrap(), Combine::Any),
            "(dan | thu | huong)"
        );
    }

    #[test]
    fn the_word_being_typed_is_a_prefix() {
        let q = parse("nguyen du").unwrap();
        assert!(q.prefix_last);
        assert!(tsquery(&q, Combine::All).ends_with("du:*)"));
        assert!(!parse("nguyen du ").unwrap().prefix_last);
        assert!(!parse("nguyen -du").unwrap().prefix_last);
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
