//! What a field costs towards `GRAPHQL_MAX_COMPLEXITY`: the formulas of
//! every `#[graphql(complexity = …)]`, kept here once.
//!
//! A plain field costs 1 plus its selection (async-graphql's default). A
//! page costs itself plus each item's selection, and counts at least one
//! item: `first: 0` still runs the list's query (and its `totalCount`), so
//! it costs what `first: 1` costs. Work that a page size does not show
//! weighs extra: a full-text search ranks up to 200 matches, a
//! `totalCount` counts the whole list, an autocomplete scans the names.
//!
//! async-graphql hands a page's formula the sum of its selection, so a
//! `totalCount` inside a page of 20 is charged 20 times though it runs
//! once: its weight stays moderate for that reason (`articles(first: 100)
//! { totalCount }` costs 5,001 of the default 20,000).
//!
//! Costs saturate at [`CEILING`], so that the sums async-graphql makes over
//! a document (at most `GRAPHQL_MAX_FIELDS` fields) cannot overflow.

use crate::platform::pagination::{DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE};

/// A full-text search, beyond the page it returns.
pub const SEARCH: usize = 200;
/// A `totalCount` counted by a `COUNT(*)` over the whole list.
pub const TOTAL_COUNT: usize = 50;
/// An autocomplete, beyond its suggestions.
pub const SUGGEST: usize = 50;
/// The most one field can cost: far above any limit, far below overflow.
pub const CEILING: usize = 1 << 40;

/// A page of `size` items (`first` or `last`; the default page size when
/// absent): 1 for the field, plus `size` times the selection of an item.
/// The size counts as between 1 and the largest page (a larger one is
/// refused before any query).
pub fn page(size: Option<i32>, child: usize) -> usize {
    let items = size.map_or(DEFAULT_PAGE_SIZE, |n| {
        u64::try_from(n).unwrap_or(0).clamp(1, MAX_PAGE_SIZE)
    });
    let items = usize::try_from(items).unwrap_or(1);
    items.saturating_mul(child).saturating_add(1).min(CEILING)
}

/// `search`: a page of results plus the search itself.
pub fn search(size: Option<i32>, child: usize) -> usize {
    page(size, child).saturating_add(SEARCH).min(CEILING)
}

/// `suggest`: the suggestions plus the scan of the names.
pub fn suggest(size: i32, child: usize) -> usize {
    page(Some(size), child).saturating_add(SUGGEST).min(CEILING)
}

/// A connection's `totalCount` (a scalar: `child` is 0).
pub fn total_count(child: usize) -> usize {
    TOTAL_COUNT.saturating_add(child)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_empty_page_costs_what_a_page_of_one_costs() {
        assert_eq!(page(Some(0), 10), page(Some(1), 10));
        assert_eq!(page(Some(0), 10), 11, "the field and one item");
        assert_eq!(page(Some(-5), 10), 11);
        assert_eq!(page(None, 10), 201, "20 items when absent");
        assert_eq!(page(Some(i32::MAX), 10), 1001, "at most a full page");
    }

    #[test]
    fn a_page_of_nothing_still_costs_the_field() {
        assert_eq!(page(Some(0), 0), 1);
    }

    #[test]
    fn searches_and_counts_weigh_more_than_a_field() {
        assert_eq!(search(Some(0), total_count(0)), 1 + TOTAL_COUNT + SEARCH);
        assert_eq!(suggest(10, 3), 31 + SUGGEST);
    }

    #[test]
    fn costs_saturate_below_overflow() {
        assert_eq!(page(Some(100), usize::MAX), CEILING);
        assert_eq!(search(Some(100), CEILING), CEILING);
    }
}
