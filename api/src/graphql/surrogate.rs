//! Surrogate keys: what a cached `GET /graphql` answer is made of, so a
//! CDN can purge exactly the answers a write changes (Fastly and Varnish
//! read `Surrogate-Key`, Cloudflare `Cache-Tag`).
//!
//! Resolvers record keys in the request's [`SurrogateKeys`] where they
//! produce articles, sections and lists; a request without a collector
//! (a POST, a feed) records nothing. The keys:
//!
//! - [`ALL`] on every cacheable answer: purging it empties the cache;
//! - `article-<id>` for every article read (shown, or looked up and hidden,
//!   so that publishing it purges the cached `null`);
//! - `section-<id>` for every section shown (a rename purges it);
//! - [`ARTICLE_LISTS`] for every article list not narrowed to a section
//!   (and for lookups that found nothing), `articles-section-<id>` for a
//!   list narrowed to a section (its sub-sections included);
//! - [`SECTION_LISTS`] for the section tree (`sections`, `children`).
//!
//! An answer with too many keys for a CDN header falls back to the coarse
//! list keys, which every write of the same kind purges too.

use std::{
    collections::BTreeSet,
    sync::{Arc, Mutex},
};

use async_graphql::Context;

/// On every cacheable answer: purge it to empty the whole cache.
pub const ALL: &str = "graphql";
/// Every article list, and every answer that stands for more articles
/// than it can name.
pub const ARTICLE_LISTS: &str = "articles";
/// The section tree, and every answer that stands for more sections than
/// it can name.
pub const SECTION_LISTS: &str = "sections";
/// The most keys one answer carries: Akamai's limit, and well below the
/// 8 KB a default Varnish accepts in one header (keys are short).
pub const MAX_KEYS: usize = 128;

/// The key of one article.
pub fn article_key(id: i64) -> String {
    format!("article-{id}")
}

/// The key of one section.
pub fn section_key(id: i64) -> String {
    format!("section-{id}")
}

/// The key of the article lists narrowed to a section (and its
/// sub-sections).
pub fn section_articles_key(id: i64) -> String {
    format!("articles-section-{id}")
}

/// The keys of one request, filled while it executes.
#[derive(Clone, Default)]
pub struct SurrogateKeys(Arc<Mutex<BTreeSet<String>>>);

impl SurrogateKeys {
    /// Records `key`.
    pub fn insert(&self, key: String) {
        if let Ok(mut keys) = self.0.lock() {
            keys.insert(key);
        }
    }

    /// The keys to send, [`ALL`] first, at most [`MAX_KEYS`]: past that,
    /// article keys become [`ARTICLE_LISTS`], then section keys
    /// [`SECTION_LISTS`], then only [`ALL`] is left.
    pub fn finish(&self) -> Vec<String> {
        let mut keys = self.0.lock().map(|k| k.clone()).unwrap_or_default();
        keys.insert(ALL.to_owned());
        let coarsen = |keys: &mut BTreeSet<String>, prefix: &str, coarse: &str| {
            if keys.len() > MAX_KEYS {
                keys.retain(|k| !k.starts_with(prefix));
                keys.insert(coarse.to_owned());
            }
        };
        coarsen(&mut keys, "article-", ARTICLE_LISTS);
        coarsen(&mut keys, "articles-section-", ARTICLE_LISTS);
        coarsen(&mut keys, "section-", SECTION_LISTS);
        if keys.len() > MAX_KEYS {
            keys = BTreeSet::from([ALL.to_owned()]);
        }
        let mut out = vec![ALL.to_owned()];
        out.extend(keys.into_iter().filter(|k| k != ALL));
        out
    }
}

/// Records `key` in the request's collector, if it has one.
pub fn record(ctx: &Context<'_>, key: String) {
    if let Some(keys) = ctx.data_opt::<SurrogateKeys>() {
        keys.insert(key);
    }
}

/// Records the keys of `ids` articles.
pub fn articles(ctx: &Context<'_>, ids: impl IntoIterator<Item = i64>) {
    if let Some(keys) = ctx.data_opt::<SurrogateKeys>() {
        for id in ids {
            keys.insert(article_key(id));
        }
    }
}

/// Records the key of one article.
pub fn article(ctx: &Context<'_>, id: i64) {
    record(ctx, article_key(id));
}

/// Records the key of one section.
pub fn section(ctx: &Context<'_>, id: i64) {
    record(ctx, section_key(id));
}

/// Records an article list: narrowed to the section `section` (with its
/// sub-sections), or not narrowed by section.
pub fn article_list(ctx: &Context<'_>, section: Option<i64>) {
    record(
        ctx,
        section.map_or_else(|| ARTICLE_LISTS.to_owned(), section_articles_key),
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_come_sorted_after_the_global_key() {
        let keys = SurrogateKeys::default();
        keys.insert(section_key(2));
        keys.insert(article_key(7));
        keys.insert(ARTICLE_LISTS.to_owned());
        assert_eq!(
            keys.finish(),
            ["graphql", "article-7", "articles", "section-2"]
        );
    }

    #[test]
    fn too_many_article_keys_fall_back_to_the_list_key() {
        let keys = SurrogateKeys::default();
        for id in 0..500 {
            keys.insert(article_key(id));
        }
        keys.insert(section_key(1));
        assert_eq!(keys.finish(), ["graphql", "articles", "section-1"]);
    }
}
