//! What a search's matches must and must not be, apart from its words
//! and phrases: the filters, the excluded words and what an anonymous
//! reader may not see yet, none of them scoring.

use std::{ops::Bound, sync::Arc};

use chrono::{DateTime, Utc};
use entity::article::ArticleStatus;
use tantivy::{
    Term,
    query::{Query, RangeQuery, TermQuery, TermSetQuery},
    schema::{Field, IndexRecordOption},
};

use super::{
    ahead::{AfterQuery, Ahead},
    documents::status_code,
    schema::Fields,
};
use crate::domain::search::parse::ParsedQuery;

/// Which articles a search may return, as the index sees them (the
/// viewer's visibility and `ArticleScope`'s filters).
#[derive(Clone, Debug, Default)]
pub struct IndexFilter {
    /// Anonymous readers: published or scheduled, and published by then.
    pub public_at: Option<DateTime<Utc>>,
    pub statuses: Option<Vec<ArticleStatus>>,
    /// A section and its sub-sections.
    pub sections: Option<Vec<i64>>,
    pub person: Option<i64>,
    pub organization: Option<i64>,
    pub event: Option<i64>,
    pub tag: Option<i64>,
    pub published_after: Option<DateTime<Utc>>,
    pub published_before: Option<DateTime<Utc>>,
}

/// What a search's matches must and must not be, apart from its words
/// and phrases: none of them scores.
pub struct Restrictions {
    /// Every one must match: `filter`'s conditions.
    pub required: Vec<Box<dyn Query>>,
    /// None may match: the excluded words and, for an anonymous reader,
    /// what is not public yet.
    pub excluded: Vec<Box<dyn Query>>,
}

impl Restrictions {
    pub fn of(f: &Fields, ahead: &Arc<Ahead>, q: &ParsedQuery, filter: &IndexFilter) -> Self {
        let mut excluded: Vec<Box<dyn Query>> = q
            .excluded
            .iter()
            .map(|w| {
                Box::new(TermQuery::new(
                    Term::from_field_text(f.all, w),
                    IndexRecordOption::Basic,
                )) as Box<dyn Query>
            })
            .collect();
        if let Some(now) = filter.public_at {
            // Not public yet, or never: drafts and what is scheduled ahead,
            // a few documents (`ahead.rs`).
            excluded.push(Box::new(AfterQuery {
                ahead: ahead.clone(),
                field: f.public_from,
                now: now.timestamp_micros(),
            }));
        }
        Restrictions {
            required: filters(f, filter),
            excluded,
        }
    }
}

/// The non-scoring conditions of `filter` (an anonymous reader's
/// visibility aside: [`build`] excludes what is not public yet).
fn filters(f: &Fields, filter: &IndexFilter) -> Vec<Box<dyn Query>> {
    let mut out: Vec<Box<dyn Query>> = Vec::new();
    let statuses = |list: &[ArticleStatus]| -> Box<dyn Query> {
        Box::new(TermSetQuery::new(
            list.iter()
                .map(|s| Term::from_field_u64(f.status, status_code(*s))),
        ))
    };
    let ids = |field: Field, list: &[i64]| -> Box<dyn Query> {
        Box::new(TermSetQuery::new(
            list.iter()
                .map(|id| Term::from_field_u64(field, *id as u64)),
        ))
    };
    let at = |t: DateTime<Utc>| Term::from_field_i64(f.published_at, t.timestamp_micros());
    if let Some(list) = &filter.statuses {
        out.push(statuses(list));
    }
    if let Some(list) = &filter.sections {
        out.push(ids(f.section, list));
    }
    for (field, id) in [
        (f.person, filter.person),
        (f.organization, filter.organization),
        (f.event, filter.event),
        (f.tag, filter.tag),
    ] {
        if let Some(id) = id {
            out.push(ids(field, &[id]));
        }
    }
    if filter.published_after.is_some() || filter.published_before.is_some() {
        out.push(Box::new(RangeQuery::new(
            filter.published_after.map_or(
                Bound::Included(Term::from_field_i64(f.published_at, i64::MIN)),
                |t| Bound::Included(at(t)),
            ),
            filter.published_before.map_or(
                Bound::Included(Term::from_field_i64(f.published_at, i64::MAX)),
                |t| Bound::Excluded(at(t)),
            ),
        )));
    }
    out
}
