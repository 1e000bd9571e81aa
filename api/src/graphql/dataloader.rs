//! The per-request DataLoader: every [`BatchKey`] of the domain becomes a
//! key async-graphql batches, so all the lookups of one level of a query
//! run as one statement per relation.
//!
//! A request whose answer may be cached hands the loader its surrogate-key
//! collector: every batch records what it read ([`Reads`]), so that an
//! answer is purged when anything it shows changes, however deep in the
//! selection it sits.

use std::{
    any::TypeId,
    collections::HashMap,
    hash::Hash,
    sync::{Arc, Mutex},
};

use async_graphql::dataloader::{
    CacheFactory, CacheStorage, DataLoader, HashMapCache, Loader, NoCache,
};
use sea_orm::{DatabaseConnection, DbErr};
use tracing::Instrument;

use super::surrogate::{self, SurrogateKeys};
use crate::domain::{
    linked::{Linked, LinkedRows},
    loaders::{self as keys, BatchKey},
    related,
};

/// The loader behind every key.
pub struct DbLoader {
    db: DatabaseConnection,
    /// Where the keys of what the request reads go, if it collects them.
    reads: Option<SurrogateKeys>,
    /// Relations a list of cards read for its articles before finding
    /// that its selection needs async-graphql's resolvers after all
    /// (`articles::cards`): kept for the request, so that those
    /// resolvers do not read them again. Empty on the usual path.
    kept: Mutex<HashMap<Linked, Option<LinkedRows>>>,
}

/// What resolvers hold: one per request.
pub type Loaders = DataLoader<DbLoader, SectionsOnly>;

/// A fresh set of loaders for one request. No added delay: the keys of
/// one level are queued before the spawned fetch runs, and the default
/// 1 ms only added latency per level (docs/ARCHITECTURE.md). Each batch
/// runs in the span of the request that queued it (its SQL statements
/// nest under the batch's own span in a trace).
pub fn for_request(db: DatabaseConnection, reads: Option<SurrogateKeys>) -> Loaders {
    DataLoader::with_cache(
        DbLoader {
            db,
            reads,
            kept: Mutex::default(),
        },
        |batch| tokio::spawn(batch.in_current_span()),
        SectionsOnly,
    )
    .delay(std::time::Duration::ZERO)
}

/// The request's cache keeps sections and nothing else. Their batch
/// brings each section's parent along, so `section { parent }` costs no
/// statement of its own; any other value would only be cloned into a
/// cache that no later load of the request asks for. A write of sections
/// clears them ([`forget_sections`]).
pub struct SectionsOnly;

impl CacheFactory for SectionsOnly {
    fn create<K, V>(&self) -> Box<dyn CacheStorage<Key = K, Value = V>>
    where
        K: Send + Sync + Clone + Eq + Hash + 'static,
        V: Send + Sync + Clone + 'static,
    {
        if TypeId::of::<K>() == TypeId::of::<keys::SectionId>() {
            HashMapCache::default().create::<K, V>()
        } else {
            NoCache.create::<K, V>()
        }
    }
}

/// Drops the sections the request has read: called by writes of
/// sections, so that what the same request reads afterwards is current.
pub fn forget_sections(loaders: &Loaders) {
    loaders.clear::<keys::SectionId>();
}

/// Keeps the rows read for `keys` (`None` for a key without rows) for
/// [`load_linked`], for the rest of the request.
pub fn keep_linked(
    loaders: &Loaders,
    keys: impl IntoIterator<Item = Linked>,
    rows: &HashMap<Linked, LinkedRows>,
) {
    if let Ok(mut kept) = loaders.loader().kept.lock() {
        for key in keys {
            kept.insert(key, rows.get(&key).cloned());
        }
    }
}

/// The rows of `key`: kept ones, or read in the level's batch.
pub async fn load_linked(loaders: &Loaders, key: Linked) -> Result<Option<LinkedRows>, Arc<DbErr>> {
    let kept = match loaders.loader().kept.lock() {
        Ok(kept) if !kept.is_empty() => kept.get(&key).cloned(),
        _ => None,
    };
    match kept {
        Some(rows) => Ok(rows),
        None => loaders.load_one(key).await,
    }
}

impl<K: BatchKey + Reads> Loader<K> for DbLoader {
    type Value = K::Value;
    type Error = Arc<DbErr>;

    async fn load(&self, keys: &[K]) -> Result<HashMap<K, K::Value>, Self::Error> {
        // At debug: the log (at info) pays nothing for it; traces take it.
        let span = tracing::debug_span!(
            "graphql.batch",
            loader = short_name::<K>(),
            keys = keys.len()
        );
        let rows = K::fetch(&self.db, keys)
            .instrument(span)
            .await
            .map_err(Arc::new)?;
        if let Some(reads) = &self.reads {
            let mut kinds: Vec<&'static str> = Vec::new();
            for key in keys {
                for kind in key.kinds() {
                    if !kinds.contains(kind) {
                        kinds.push(kind);
                    }
                }
            }
            for kind in kinds {
                reads.insert(kind.to_owned());
            }
            for key in rows.keys() {
                if let Some(key) = key.surrogate_key() {
                    reads.insert(key);
                }
            }
        }
        Ok(rows)
    }
}

/// The key type's own name, without its module path.
fn short_name<K>() -> &'static str {
    let full = std::any::type_name::<K>();
    let bare = full.split('<').next().unwrap_or(full);
    bare.rsplit("::").next().unwrap_or(bare)
}

/// The surrogate keys a batch of `Self` reads: the kinds of content it
/// shows (purged by any write of that kind), and the key of each row when
/// rows have keys of their own.
pub trait Reads {
    /// The kinds read.
    const KINDS: &'static [&'static str];

    /// The kinds this key reads: [`Self::KINDS`], unless what a key reads
    /// depends on the key.
    fn kinds(&self) -> &'static [&'static str] {
        Self::KINDS
    }

    /// The key of the row this key loads, when rows have their own keys.
    fn surrogate_key(&self) -> Option<String> {
        None
    }
}

/// `Reads` for keys that read whole kinds.
macro_rules! reads {
    ($($key:ty => [$($kind:expr),*];)+) => {
        $(impl Reads for $key {
            const KINDS: &'static [&'static str] = &[$($kind),*];
        })+
    };
}

reads! {
    keys::MediaId => [];
    keys::PersonId => [surrogate::PEOPLE];
    keys::PeopleOfEvent => [surrogate::PEOPLE];
    keys::PositionsOfPerson => [surrogate::PEOPLE, surrogate::ORGANIZATIONS];
    keys::PositionsInOrganization => [surrogate::PEOPLE, surrogate::ORGANIZATIONS];
    keys::OrganizationId => [surrogate::ORGANIZATIONS];
    keys::OrganizationsOfEvent => [surrogate::ORGANIZATIONS];
    keys::ChildrenOfOrganization => [surrogate::ORGANIZATIONS];
    keys::EventId => [surrogate::EVENTS];
    keys::EventsOfPerson => [surrogate::EVENTS];
    keys::EventsOfOrganization => [surrogate::EVENTS];
    keys::TagId => [surrogate::TAGS];
    keys::ChildrenOfSection => [surrogate::SECTION_LISTS];
    related::RelatedEventsOfEvent =>
        [surrogate::EVENTS, surrogate::PEOPLE, surrogate::ORGANIZATIONS, surrogate::ARTICLE_LISTS];
}

impl Reads for related::RelatedToArticle {
    const KINDS: &'static [&'static str] = &[];

    fn kinds(&self) -> &'static [&'static str] {
        match self {
            Self::Events(_) => &[
                surrogate::EVENTS,
                surrogate::PEOPLE,
                surrogate::ORGANIZATIONS,
                surrogate::ARTICLE_LISTS,
            ],
            Self::Articles { .. } => &[surrogate::ARTICLE_LISTS],
        }
    }
}

impl Reads for Linked {
    const KINDS: &'static [&'static str] = &[];

    fn kinds(&self) -> &'static [&'static str] {
        match self {
            Linked::Tags(_) => &[surrogate::TAGS],
            Linked::People {
                positions: false, ..
            } => &[surrogate::PEOPLE],
            Linked::People {
                positions: true, ..
            } => &[surrogate::PEOPLE, surrogate::ORGANIZATIONS],
            Linked::Organizations(_) => &[surrogate::ORGANIZATIONS],
            Linked::Events(_) => &[surrogate::EVENTS],
            Linked::Images(_) | Linked::Media(_) | Linked::Section(_) => &[],
        }
    }

    fn surrogate_key(&self) -> Option<String> {
        match self {
            Linked::Section(id) => Some(surrogate::section_key(*id)),
            _ => None,
        }
    }
}

impl Reads for keys::ArticleId {
    const KINDS: &'static [&'static str] = &[];

    fn surrogate_key(&self) -> Option<String> {
        Some(surrogate::article_key(self.0))
    }
}

impl Reads for keys::ArticleCardId {
    const KINDS: &'static [&'static str] = &[];

    fn surrogate_key(&self) -> Option<String> {
        Some(surrogate::article_key(self.0))
    }
}

impl Reads for keys::SectionId {
    const KINDS: &'static [&'static str] = &[];

    fn surrogate_key(&self) -> Option<String> {
        Some(surrogate::section_key(self.0))
    }
}
