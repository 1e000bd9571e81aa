//! Relay cursor pagination over a keyset: the sort key and the id of the
//! last row seen, never an OFFSET. Cursors are opaque to clients.

use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use chrono::{DateTime, Utc};
use sea_orm::{
    ColumnTrait, Condition, EntityTrait, Order, QueryFilter, QueryOrder, QuerySelect, Select,
    sea_query::{ExprTrait, IntoCondition},
};
use serde::{Deserialize, Serialize};

use crate::platform::error::{AppError, AppResult};

/// Page size when neither `first` nor `last` is given.
pub const DEFAULT_PAGE_SIZE: u64 = 20;
/// The largest page a client may ask for; more is a `BAD_USER_INPUT` error.
pub const MAX_PAGE_SIZE: u64 = 100;

/// The value a list is sorted by, with the row id breaking ties.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum SortKey {
    Time(DateTime<Utc>),
    Text(String),
    Int(i64),
}

/// Where a page starts or ends.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Cursor {
    #[serde(rename = "k")]
    pub key: SortKey,
    pub id: i64,
}

impl Cursor {
    /// The opaque string handed to clients.
    pub fn encode(&self) -> String {
        URL_SAFE_NO_PAD.encode(serde_json::to_vec(self).unwrap_or_default())
    }

    /// Reads a cursor a client sent back in `field`.
    pub fn decode(text: &str, field: &str) -> AppResult<Self> {
        URL_SAFE_NO_PAD
            .decode(text)
            .ok()
            .and_then(|bytes| serde_json::from_slice(&bytes).ok())
            .ok_or_else(|| AppError::bad_input(field, "not a valid cursor"))
    }
}

/// Where a page stands in its list (Relay's `PageInfo`; the GraphQL
/// face shows it as such, in `graphql/connection.rs`).
#[derive(Clone, Debug, Default)]
pub struct PageInfo {
    /// True when more items follow this page: ask again with
    /// `after: endCursor`.
    pub has_next_page: bool,
    /// True when items come before this page: ask again with
    /// `last` and `before: startCursor`.
    pub has_previous_page: bool,
    /// The cursor of the first item of this page; null when the page is
    /// empty.
    pub start_cursor: Option<String>,
    /// The cursor of the last item of this page; null when the page is
    /// empty.
    pub end_cursor: Option<String>,
}

/// Validated `first`/`after`/`last`/`before` arguments.
#[derive(Clone, Debug)]
pub struct Page {
    pub limit: u64,
    /// `true` when paging backwards with `last`.
    pub backward: bool,
    pub after: Option<Cursor>,
    pub before: Option<Cursor>,
}

impl Page {
    /// Checks the Relay arguments: `first` and `last` not together, sizes
    /// between 0 and [`MAX_PAGE_SIZE`], cursors that decode.
    pub fn from_params(
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> AppResult<Self> {
        let size = |value: i32, field: &str| -> AppResult<u64> {
            let value = u64::try_from(value).map_err(|_| {
                AppError::bad_input(field, format!("`{field}` must not be negative"))
            })?;
            if value > MAX_PAGE_SIZE {
                return Err(AppError::bad_input(
                    field,
                    format!("`{field}` is {value}; at most {MAX_PAGE_SIZE} items fit in one page"),
                ));
            }
            Ok(value)
        };
        let (limit, backward) = match (first, last) {
            (Some(_), Some(_)) => {
                return Err(AppError::bad_input(
                    "last",
                    "`first` and `last` cannot be used together",
                ));
            }
            (Some(first), None) => (size(first, "first")?, false),
            (None, Some(last)) => (size(last, "last")?, true),
            (None, None) => (DEFAULT_PAGE_SIZE, false),
        };
        Ok(Self {
            limit,
            backward,
            after: after.map(|c| Cursor::decode(&c, "after")).transpose()?,
            before: before.map(|c| Cursor::decode(&c, "before")).transpose()?,
        })
    }

    /// A forward page of `first` items after `after` (for lists that only
    /// page forwards).
    pub fn forward(first: Option<i32>, after: Option<String>) -> AppResult<Self> {
        Self::from_params(first, after, None, None)
    }

    /// Applies the keyset to `select`, sorted by `key` then `id`, natural
    /// order descending (`descending = true`, newest first) or ascending.
    /// Fetches one row more than the page to know whether another follows.
    pub fn apply<E, K, I>(&self, select: Select<E>, key: K, id: I, descending: bool) -> Select<E>
    where
        E: EntityTrait,
        K: ColumnTrait,
        I: ColumnTrait,
    {
        let mut select = select;
        if let Some(after) = &self.after {
            select = select.filter(beyond(key, id, after, descending));
        }
        if let Some(before) = &self.before {
            select = select.filter(beyond(key, id, before, !descending));
        }
        // Backward pages are read in the reverse order, then flipped.
        let order = if descending != self.backward {
            Order::Desc
        } else {
            Order::Asc
        };
        select
            .order_by(key, order.clone())
            .order_by(id, order)
            .limit(self.limit + 1)
    }

    /// Cuts the extra row, restores the natural order and computes the page
    /// info; `cursor` tells each row's cursor.
    pub fn finish<T>(
        &self,
        mut rows: Vec<T>,
        cursor: impl Fn(&T) -> Cursor,
    ) -> (Vec<(T, String)>, PageInfo) {
        let has_more = rows.len() as u64 > self.limit;
        rows.truncate(self.limit as usize);
        if self.backward {
            rows.reverse();
        }
        let edges: Vec<(T, String)> = rows
            .into_iter()
            .map(|row| {
                let c = cursor(&row).encode();
                (row, c)
            })
            .collect();
        let info = PageInfo {
            has_next_page: if self.backward {
                self.before.is_some()
            } else {
                has_more
            },
            has_previous_page: if self.backward {
                has_more
            } else {
                self.after.is_some()
            },
            start_cursor: edges.first().map(|(_, c)| c.clone()),
            end_cursor: edges.last().map(|(_, c)| c.clone()),
        };
        (edges, info)
    }
}

/// Rows strictly past `cursor` in the direction of the sort.
fn beyond<K: ColumnTrait, I: ColumnTrait>(
    key: K,
    id: I,
    cursor: &Cursor,
    descending: bool,
) -> Condition {
    let value: sea_orm::Value = match &cursor.key {
        SortKey::Time(t) => (*t).into(),
        SortKey::Text(s) => s.clone().into(),
        SortKey::Int(n) => (*n).into(),
    };
    if descending {
        Condition::any()
            .add(key.lt(value.clone()))
            .add(key.eq(value).and(id.lt(cursor.id)).into_condition())
    } else {
        Condition::any()
            .add(key.gt(value.clone()))
            .add(key.eq(value).and(id.gt(cursor.id)).into_condition())
    }
}

/// Pages through a list already ranked in memory (related events): the
/// cursor is the id of the last item seen, so it stays a keyset.
pub fn page_ranked<T>(
    ranked: Vec<T>,
    page: &Page,
    id_of: impl Fn(&T) -> i64,
) -> (Vec<(T, String)>, PageInfo) {
    let start = match &page.after {
        Some(after) => ranked
            .iter()
            .position(|item| id_of(item) == after.id)
            .map_or(ranked.len(), |i| i + 1),
        None => 0,
    };
    let rank_cursor = |i: usize, item: &T| {
        Cursor {
            key: SortKey::Int(i as i64),
            id: id_of(item),
        }
        .encode()
    };
    let total = ranked.len();
    let edges: Vec<(T, String)> = ranked
        .into_iter()
        .enumerate()
        .skip(start)
        .take(page.limit as usize)
        .map(|(i, item)| {
            let c = rank_cursor(i, &item);
            (item, c)
        })
        .collect();
    let info = PageInfo {
        has_next_page: start + edges.len() < total,
        has_previous_page: start > 0,
        start_cursor: edges.first().map(|(_, c)| c.clone()),
        end_cursor: edges.last().map(|(_, c)| c.clone()),
    };
    (edges, info)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn first_and_last_together_are_rejected() {
        let err = Page::from_params(Some(1), None, Some(1), None).unwrap_err();
        assert_eq!(err.code(), "BAD_USER_INPUT");
    }

    #[test]
    fn pages_past_the_cap_are_rejected_not_truncated() {
        assert!(Page::from_params(Some(100), None, None, None).is_ok());
        let err = Page::from_params(Some(101), None, None, None).unwrap_err();
        assert!(err.message().contains("at most 100"));
        assert!(Page::from_params(Some(-1), None, None, None).is_err());
    }

    #[test]
    fn cursors_round_trip_and_garbage_is_bad_input() {
        let cursor = Cursor {
            key: SortKey::Text("nguyen-duc-trung".into()),
            id: 3,
        };
        assert_eq!(Cursor::decode(&cursor.encode(), "after").unwrap(), cursor);
        assert_eq!(
            Cursor::decode("nope", "after").unwrap_err().code(),
            "BAD_USER_INPUT"
        );
    }

    #[test]
    fn ranked_pages_continue_after_the_last_id() {
        let page = Page::forward(Some(2), None).unwrap();
        let (edges, info) = page_ranked(vec![5, 9, 7], &page, |i| *i);
        assert_eq!(edges.iter().map(|e| e.0).collect::<Vec<_>>(), vec![5, 9]);
        assert!(info.has_next_page);
        let next = Page::forward(Some(2), info.end_cursor).unwrap();
        let (edges, info) = page_ranked(vec![5, 9, 7], &next, |i| *i);
        assert_eq!(edges.iter().map(|e| e.0).collect::<Vec<_>>(), vec![7]);
        assert!(!info.has_next_page);
        assert!(info.has_previous_page);
    }
}
