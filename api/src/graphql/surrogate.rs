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
//! - [`SECTION_LISTS`] for the section tree (`sections`, `children`);
//! - [`PEOPLE`], [`ORGANIZATIONS`], [`EVENTS`], [`TAGS`] for every answer
//!   that shows one of those (recorded by the DataLoader and by the root
//!   fields that read them): a write of that kind purges them all.
//!
//! An answer with too many keys for a CDN header falls back to the coarse
//! list keys, which every write of the same kind purges too.

use std::{
    collections::BTreeSet,
    sync::{Arc, Mutex},
};

use async_graphql::{Context, ContextBase};

/// On every cacheable answer: purge it to empty the whole cache.
pub const ALL: &str = "graphql";
/// Every article list, and every answer that stands for more articles
/// than it can name.
pub const ARTICLE_LISTS: &str = "articles";
/// The section tree, and every answer that stands for more sections than
/// it can name.
pub const SECTION_LISTS: &str = "sections";
/// Every answer that shows people (or their positions).
pub const PEOPLE: &str = "people";
/// Every answer that shows organizations.
pub const ORGANIZATIONS: &str = "organizations";
/// Every answer that shows events.
pub const EVENTS: &str = "events";
/// Every answer that shows tags.
pub const TAGS: &str = "tags";
/// The most keys one answer carries: Akamai's limit, and well below the
/// 8 KB a default Varnish accepts in one header (keys are short).
pub const MAX_KEYS: usize = 128;

/// Every list narrowed to a section (a purge pattern).
pub const ANY_SECTION_ARTICLES: &str = "articles-section-*";

/// What a root field of a query reads beyond what its resolvers and the
/// DataLoader record: the kinds of the catalogue it answers with.
pub fn read_by(root_field: &str) -> &'static [&'static str] {
    const ALL: &[&str] = &[
        PEOPLE,
        ORGANIZATIONS,
        EVENTS,
        TAGS,
        SECTION_LISTS,
        ARTICLE_LISTS,
    ];
    match root_field {
        "person" | "people" => &[PEOPLE],
        "organization" | "organizations" => &[ORGANIZATIONS],
        "event" | "events" => &[EVENTS],
        "tag" | "tags" => &[TAGS],
        "article" | "articles" | "section" | "sections" | "__typename" | "__schema" | "__type" => {
            &[]
        }
        // `node`, `search`, `suggest` and anything new: everything.
        _ => ALL,
    }
}

/// What a root field of a mutation makes stale beyond the change log
/// (which covers every article that readers see): the whole kind it
/// writes, and the article lists (a catalogue write can change which
/// articles a filter by person, organization, event or tag finds).
pub fn written_by(root_field: &str) -> Vec<String> {
    let kind = if root_field.contains("Person") || root_field.contains("People") {
        PEOPLE
    } else if root_field.contains("Organization") {
        ORGANIZATIONS
    } else if root_field.contains("Event") && !root_field.contains("Webhook") {
        EVENTS
    } else if root_field.contains("Tag") {
        TAGS
    } else if root_field == "..." {
        // Fragments too deep to follow: anything may have changed.
        return vec![crate::platform::signals::EVERYTHING.to_owned()];
    } else if root_field.contains("Section") {
        return [
            SECTION_LISTS,
            "section-*",
            ARTICLE_LISTS,
            ANY_SECTION_ARTICLES,
        ]
        .map(str::to_owned)
        .to_vec();
    } else {
        // Articles (the change log), webhooks (not content).
        return Vec::new();
    };
    [kind, ARTICLE_LISTS, ANY_SECTION_ARTICLES]
        .map(str::to_owned)
        .to_vec()
}

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
pub fn record<T>(ctx: &ContextBase<'_, T>, key: String) {
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
pub fn section<T>(ctx: &ContextBase<'_, T>, id: i64) {
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
    fn catalogue_writes_purge_their_kind_and_the_article_lists() {
        assert_eq!(
            written_by("mergePeople"),
            ["people", "articles", "articles-section-*"]
        );
        assert_eq!(written_by("updateOrganization")[0], "organizations");
        assert_eq!(written_by("deleteTag")[0], "tags");
        assert_eq!(written_by("createEvent")[0], "events");
        assert!(written_by("createSection").contains(&"section-*".to_owned()));
        assert!(written_by("updateArticle").is_empty());
        assert!(written_by("replayWebhookDelivery").is_empty());
    }

    #[test]
    fn root_fields_of_the_catalogue_read_their_kind() {
        assert_eq!(read_by("people"), [PEOPLE]);
        assert!(read_by("articles").is_empty());
        assert!(read_by("search").contains(&TAGS));
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
