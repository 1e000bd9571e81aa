//! Sitemaps for search engines: `/sitemap.xml` (an index), its pages
//! `/sitemaps/articles-{n}.xml` and `/sitemaps/sections.xml`, and the
//! Google News sitemap `/sitemap-news.xml`.
//!
//! Article pages cover fixed ranges of article ids (page `n` holds ids
//! `(n-1)·size+1 ..= n·size`), so a page's content never shifts when
//! older articles are deleted, and each page is one primary-key range scan
//! (no OFFSET). The index lists only pages with at least one public article.
//! Queries live here; [`xml`] writes the documents.

pub mod xml;

use std::collections::HashMap;

use chrono::{DateTime, Duration, Utc};
use entity::{article, section};
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
    sea_query::{Expr, ExprTrait},
};

use crate::{domain::viewer::Viewer, platform::error::AppResult, platform::urls};

/// The most URLs a sitemap page may hold (the protocol's limit).
pub const MAX_URLS_PER_PAGE: u32 = 50_000;
/// How far back the news sitemap looks (Google News: two days).
pub const NEWS_WINDOW_DAYS: i64 = 2;
/// The most articles in the news sitemap (Google News: 1,000).
pub const MAX_NEWS_URLS: u64 = 1_000;

/// One `<url>` of a sitemap page.
pub struct UrlEntry {
    pub loc: String,
    pub lastmod: Option<DateTime<Utc>>,
}

/// One `<sitemap>` of the index: page `n` and its newest change.
pub struct PageEntry {
    pub page: i64,
    pub lastmod: Option<DateTime<Utc>>,
}

/// One article of the news sitemap.
pub struct NewsEntry {
    pub loc: String,
    pub title: String,
    pub language: String,
    pub published_at: DateTime<Utc>,
}

fn public(now: DateTime<Utc>) -> sea_orm::Condition {
    Viewer::Anonymous.article_condition(now)
}

/// The article pages that hold at least one public article, with the
/// newest `updated_at` of each; one grouped query.
pub async fn article_pages(
    db: &impl ConnectionTrait,
    page_size: u32,
    now: DateTime<Utc>,
) -> AppResult<Vec<PageEntry>> {
    // A literal (not a bound parameter), so the grouped expression is the
    // selected one on PostgreSQL too; `page_size` is a validated integer.
    let page = Expr::cust(format!("(\"id\" - 1) / {page_size} + 1"));
    let rows: Vec<(i64, Option<DateTime<Utc>>)> = article::Entity::find()
        .select_only()
        .column_as(page.clone(), "page")
        .column_as(Expr::col(article::Column::UpdatedAt).max(), "lastmod")
        .filter(public(now))
        .group_by(page.clone())
        .order_by_asc(page)
        .into_tuple()
        .all(db)
        .await?;
    Ok(rows
        .into_iter()
        .map(|(page, lastmod)| PageEntry { page, lastmod })
        .collect())
}

/// The public articles of page `page` (1-based), by id.
pub async fn article_page(
    db: &impl ConnectionTrait,
    base: &str,
    page: i64,
    page_size: u32,
    now: DateTime<Utc>,
) -> AppResult<Vec<UrlEntry>> {
    let size = i64::from(page_size);
    let first = (page - 1).saturating_mul(size).saturating_add(1);
    let last = page.saturating_mul(size);
    let rows: Vec<(String, i64, DateTime<Utc>)> = article::Entity::find()
        .select_only()
        .columns([
            article::Column::Slug,
            article::Column::SectionId,
            article::Column::UpdatedAt,
        ])
        .filter(article::Column::Id.between(first, last))
        .filter(public(now))
        .order_by_asc(article::Column::Id)
        .into_tuple()
        .all(db)
        .await?;
    let sections = section_slugs(db).await?;
    Ok(rows
        .into_iter()
        .map(|(slug, section_id, updated_at)| UrlEntry {
            loc: urls::article(base, sections.get(&section_id).map(String::as_str), &slug),
            lastmod: Some(updated_at),
        })
        .collect())
}

/// The home page and every section page, each with the newest change
/// among the public articles filed directly in it.
pub async fn section_page(
    db: &impl ConnectionTrait,
    base: &str,
    now: DateTime<Utc>,
) -> AppResult<Vec<UrlEntry>> {
    let newest: HashMap<i64, Option<DateTime<Utc>>> = article::Entity::find()
        .select_only()
        .column(article::Column::SectionId)
        .column_as(Expr::col(article::Column::UpdatedAt).max(), "lastmod")
        .filter(public(now))
        .group_by(article::Column::SectionId)
        .into_tuple::<(i64, Option<DateTime<Utc>>)>()
        .all(db)
        .await?
        .into_iter()
        .collect();
    let sections = section::Entity::find()
        .order_by_asc(section::Column::Position)
        .order_by_asc(section::Column::Id)
        .all(db)
        .await?;
    let mut entries = vec![UrlEntry {
        loc: format!("{base}/"),
        lastmod: newest.values().flatten().max().copied(),
    }];
    entries.extend(sections.into_iter().map(|s| UrlEntry {
        loc: urls::section(base, &s.slug),
        lastmod: newest.get(&s.id).copied().flatten(),
    }));
    Ok(entries)
}

/// slug, section id, title, language, publication time.
type NewsRow = (String, i64, String, String, Option<DateTime<Utc>>);

/// Public articles published in the last two days, newest first, at most
/// [`MAX_NEWS_URLS`].
pub async fn news(
    db: &impl ConnectionTrait,
    base: &str,
    now: DateTime<Utc>,
) -> AppResult<Vec<NewsEntry>> {
    let since = now - Duration::days(NEWS_WINDOW_DAYS);
    let rows: Vec<NewsRow> = article::Entity::find()
        .select_only()
        .columns([
            article::Column::Slug,
            article::Column::SectionId,
            article::Column::Title,
            article::Column::Language,
            article::Column::PublishedAt,
        ])
        .filter(public(now))
        .filter(article::Column::PublishedAt.gte(since))
        .order_by_desc(article::Column::PublishedAt)
        .order_by_desc(article::Column::Id)
        .limit(MAX_NEWS_URLS)
        .into_tuple()
        .all(db)
        .await?;
    let sections = section_slugs(db).await?;
    Ok(rows
        .into_iter()
        .filter_map(|(slug, section_id, title, language, published_at)| {
            Some(NewsEntry {
                loc: urls::article(base, sections.get(&section_id).map(String::as_str), &slug),
                title,
                language: news_language(&language),
                published_at: published_at?,
            })
        })
        .collect())
}

/// Every section's slug by id (a small table, read whole).
async fn section_slugs(db: &impl ConnectionTrait) -> AppResult<HashMap<i64, String>> {
    Ok(section::Entity::find()
        .select_only()
        .columns([section::Column::Id, section::Column::Slug])
        .into_tuple::<(i64, String)>()
        .all(db)
        .await?
        .into_iter()
        .collect())
}

/// The language code Google News accepts: ISO 639 (`vi`, not `vi-VN`),
/// except Chinese, which keeps its script (`zh-cn`, `zh-tw`).
fn news_language(tag: &str) -> String {
    let tag = tag.trim().to_ascii_lowercase().replace('_', "-");
    match tag.split('-').next() {
        Some("zh") => tag,
        Some(primary) if !primary.is_empty() => primary.to_owned(),
        _ => "vi".to_owned(),
    }
}

#[cfg(test)]
mod language_tests {
    use super::news_language;

    #[test]
    fn news_languages_are_iso_639() {
        assert_eq!(news_language("vi"), "vi");
        assert_eq!(news_language("vi-VN"), "vi");
        assert_eq!(news_language("EN_us"), "en");
        assert_eq!(news_language("zh-TW"), "zh-tw");
        assert_eq!(news_language(" "), "vi");
    }
}
