//! Request coalescing: the first reader who misses a key runs the query
//! (the [`Lead`]); readers who miss the same key meanwhile wait for its
//! answer instead of running it again. A purge of the home page during a
//! peak thus costs one rebuild, not one per waiting reader.

use std::{
    collections::HashMap,
    sync::{Arc, Mutex, atomic::Ordering},
};

use tokio::sync::watch;

use super::{Entry, ResponseCache, Status};

/// Where a build's answer arrives (`None` until it does).
type Answer = watch::Receiver<Option<Arc<Entry>>>;

/// The keys being built, with the channel their answer arrives on.
#[derive(Default)]
pub(super) struct Flights(Mutex<HashMap<Arc<str>, Answer>>);

/// What a lookup found.
pub enum Lookup<'a> {
    /// A fresh entry.
    Hit(Arc<Entry>),
    /// The answer of a concurrent identical request.
    Collapsed(Arc<Entry>),
    /// Nobody builds this key: the caller does, and hands the answer in.
    Lead(Lead<'a>),
    /// The request that was building the key gave up: the caller runs it
    /// on its own, without the cache.
    Alone,
}

/// The duty of building one key's answer. Dropping it without
/// [`Lead::finish`] releases the waiting readers (they then run the query
/// themselves).
pub struct Lead<'a> {
    cache: &'a ResponseCache,
    key: Arc<str>,
    sender: Option<watch::Sender<Option<Arc<Entry>>>>,
    /// The purges seen when the build started.
    epoch: u64,
}

impl ResponseCache {
    /// Looks `key` up, joining a build of it in progress.
    pub async fn lookup(&self, key: Arc<str>) -> Lookup<'_> {
        if let Some(entry) = self.fresh(&key) {
            self.metrics.response_cache.hit();
            return Lookup::Hit(entry);
        }
        let mut waiting = {
            let Ok(mut flights) = self.flights.0.lock() else {
                return Lookup::Alone;
            };
            match flights.get(&key) {
                Some(receiver) => receiver.clone(),
                None => {
                    // A build may have finished since the first look.
                    if let Some(entry) = self.fresh(&key) {
                        self.metrics.response_cache.hit();
                        return Lookup::Hit(entry);
                    }
                    let epoch = self.epoch.load(Ordering::Acquire);
                    let (sender, receiver) = watch::channel(None);
                    flights.insert(key.clone(), receiver);
                    self.metrics.response_cache.miss();
                    return Lookup::Lead(Lead {
                        cache: self,
                        key,
                        sender: Some(sender),
                        epoch,
                    });
                }
            }
        };
        let shared = match waiting.wait_for(Option::is_some).await {
            Ok(entry) => entry.clone(),
            Err(_) => None,
        };
        match shared {
            Some(entry) => {
                self.metrics.response_cache.collapsed();
                Lookup::Collapsed(entry)
            }
            None => Lookup::Alone,
        }
    }
}

impl Lead<'_> {
    /// Hands the answer to the waiting readers, and keeps it when it may
    /// be kept and no purge happened while it was built.
    pub fn finish(mut self, entry: Arc<Entry>) -> Status {
        let stored =
            entry.storable() && self.cache.keep(self.key.clone(), entry.clone(), self.epoch);
        if let Some(sender) = self.sender.take() {
            let _ = sender.send(Some(entry));
        }
        if stored {
            self.cache.metrics.response_cache.stored();
            Status::Stored
        } else {
            Status::Miss
        }
    }
}

impl Drop for Lead<'_> {
    fn drop(&mut self) {
        if let Ok(mut flights) = self.cache.flights.0.lock() {
            flights.remove(&self.key);
        }
    }
}
