//! The memory of the response cache: entries in least-recently-used
//! order, bounded in bytes, with an index from surrogate key to the
//! entries that carry it, so a purge finds its entries without a scan.

use std::{
    collections::{BTreeMap, HashSet},
    sync::Arc,
};

use lru::LruCache;

use super::Entry;

/// What an entry costs beyond its body, key and surrogate keys: the
/// bookkeeping of the maps (an estimate; the budget is what matters).
const OVERHEAD: usize = 256;

/// Entries and their index.
pub(super) struct Store {
    entries: LruCache<Arc<str>, Arc<Entry>>,
    /// Surrogate key → the entries that carry it.
    index: BTreeMap<String, HashSet<Arc<str>>>,
    bytes: usize,
    budget: usize,
}

/// What a change of the store did.
#[derive(Debug, Default, PartialEq, Eq)]
pub(super) struct Removed {
    /// Entries removed because their keys were purged.
    pub purged: usize,
    /// Entries removed to stay within the budget.
    pub evicted: usize,
}

impl Store {
    /// An empty store of at most `budget` bytes.
    pub fn new(budget: usize) -> Self {
        Self {
            entries: LruCache::unbounded(),
            index: BTreeMap::new(),
            bytes: 0,
            budget,
        }
    }

    /// The entry of `key`, made the most recently used.
    pub fn get(&mut self, key: &str) -> Option<Arc<Entry>> {
        self.entries.get(key).cloned()
    }

    /// Bytes held.
    pub fn bytes(&self) -> usize {
        self.bytes
    }

    /// Entries held.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Keeps `entry` under `key`, evicting the least recently used entries
    /// past the budget. An entry larger than an eighth of the budget is
    /// not kept: one huge answer must not empty the cache.
    pub fn insert(&mut self, key: Arc<str>, entry: Arc<Entry>) -> Removed {
        let size = cost(&key, &entry);
        if size > self.budget / 8 {
            return Removed::default();
        }
        self.remove(&key);
        for surrogate in &entry.keys {
            self.index
                .entry(surrogate.clone())
                .or_default()
                .insert(key.clone());
        }
        self.bytes += size;
        self.entries.put(key, entry);
        let mut removed = Removed::default();
        while self.bytes > self.budget {
            let Some((key, _)) = self.entries.peek_lru() else {
                break;
            };
            let key = key.clone();
            self.remove(&key);
            removed.evicted += 1;
        }
        removed
    }

    /// Forgets `key`.
    pub fn remove(&mut self, key: &str) {
        let Some((key, entry)) = self.entries.pop_entry(key) else {
            return;
        };
        self.bytes = self.bytes.saturating_sub(cost(&key, &entry));
        for surrogate in &entry.keys {
            if let Some(carriers) = self.index.get_mut(surrogate) {
                carriers.remove(&key);
                if carriers.is_empty() {
                    self.index.remove(surrogate);
                }
            }
        }
    }

    /// Removes every entry that carries one of `patterns`: a surrogate key,
    /// a prefix ending in `*`, or `*` alone for everything.
    pub fn purge(&mut self, patterns: &[String]) -> Removed {
        let mut doomed: HashSet<Arc<str>> = HashSet::new();
        for pattern in patterns {
            if pattern == "*" {
                let purged = self.entries.len();
                self.clear();
                return Removed { purged, evicted: 0 };
            }
            match pattern.strip_suffix('*') {
                Some(prefix) => {
                    for (surrogate, carriers) in self.index.range(prefix.to_owned()..) {
                        if !surrogate.starts_with(prefix) {
                            break;
                        }
                        doomed.extend(carriers.iter().cloned());
                    }
                }
                None => {
                    if let Some(carriers) = self.index.get(pattern) {
                        doomed.extend(carriers.iter().cloned());
                    }
                }
            }
        }
        for key in &doomed {
            self.remove(key);
        }
        Removed {
            purged: doomed.len(),
            evicted: 0,
        }
    }

    /// Forgets everything.
    pub fn clear(&mut self) {
        self.entries.clear();
        self.index.clear();
        self.bytes = 0;
    }
}

/// The bytes an entry holds.
fn cost(key: &str, entry: &Entry) -> usize {
    key.len() + entry.body.len() + entry.keys.iter().map(|k| k.len() + 32).sum::<usize>() + OVERHEAD
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(body: &str, keys: &[&str]) -> Arc<Entry> {
        Arc::new(Entry::for_tests(body, keys))
    }

    #[test]
    fn a_purge_removes_the_entries_that_carry_the_key_and_no_other() {
        let mut store = Store::new(1 << 20);
        store.insert("home".into(), entry("{}", &["graphql", "articles"]));
        store.insert("page".into(), entry("{}", &["graphql", "article-7"]));
        let removed = store.purge(&["articles".to_owned()]);
        assert_eq!(removed.purged, 1);
        assert!(store.get("home").is_none());
        assert!(store.get("page").is_some());
    }

    #[test]
    fn a_prefix_purge_reaches_every_key_it_starts() {
        let mut store = Store::new(1 << 20);
        store.insert("a".into(), entry("{}", &["articles-section-1"]));
        store.insert("b".into(), entry("{}", &["articles-section-12"]));
        store.insert("c".into(), entry("{}", &["articles"]));
        assert_eq!(store.purge(&["articles-section-*".to_owned()]).purged, 2);
        assert!(store.get("c").is_some());
        assert_eq!(store.purge(&["*".to_owned()]).purged, 1);
        assert_eq!((store.len(), store.bytes()), (0, 0));
    }

    #[test]
    fn the_budget_evicts_the_least_recently_used() {
        let body = "x".repeat(1000);
        let mut store = Store::new(20_000);
        store.insert("one".into(), entry(&body, &["k"]));
        store.insert("two".into(), entry(&body, &["k"]));
        let mut evicted = 0;
        for i in 0..20 {
            // "one" stays the most recently used.
            let _ = store.get("one");
            evicted += store
                .insert(format!("n{i}").into(), entry(&body, &["k"]))
                .evicted;
        }
        assert!(evicted > 0);
        assert!(store.bytes() <= 20_000);
        assert!(
            store.get("two").is_none(),
            "the least recently used went first"
        );
        assert!(store.get("one").is_some());
    }

    #[test]
    fn an_entry_over_an_eighth_of_the_budget_is_not_kept() {
        let mut store = Store::new(8_000);
        store.insert("big".into(), entry(&"x".repeat(2_000), &[]));
        assert_eq!(store.len(), 0);
    }

    #[test]
    fn replacing_an_entry_keeps_the_accounting_right() {
        let mut store = Store::new(1 << 20);
        store.insert("k".into(), entry("aaaa", &["x"]));
        store.insert("k".into(), entry("bb", &["y"]));
        assert_eq!(store.purge(&["x".to_owned()]).purged, 0);
        assert_eq!(store.purge(&["y".to_owned()]).purged, 1);
        assert_eq!(store.bytes(), 0);
    }
}
