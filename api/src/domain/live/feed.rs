//! The replica's one reader of the change log, and the broadcast that
//! hands each entry to every subscriber.

use std::sync::{
    Arc,
    atomic::{AtomicBool, AtomicI64, Ordering},
};

use sea_orm::ConnectionTrait;
use tokio::sync::{Mutex, broadcast};

use super::facts::ArticleFacts;
use crate::{
    domain::changes::{self, Change},
    platform::error::AppResult,
};

/// Entries a subscriber may lag behind the feed before it reads from the
/// database instead ([`super::follow`]): the broadcast keeps no more.
const BACKLOG: usize = 1024;
/// Entries per read of the log.
const PAGE: u64 = 500;

/// One entry of the change log, as subscribers hear it.
#[derive(Debug)]
pub struct Live {
    pub change: Change,
    /// The article as it was when the entry was read, with its links;
    /// `None` when the row is gone.
    pub facts: Option<ArticleFacts>,
}

/// The change log as it grows, for the subscribers of this replica.
pub struct Feed {
    sender: broadcast::Sender<Arc<Live>>,
    /// The last entry broadcast.
    head: AtomicI64,
    /// Whether `head` was read from the log (a feed starts at the log's
    /// head: subscribers hear what happens from now on).
    started: AtomicBool,
    /// One reader at a time, so entries go out once and in order.
    reading: Mutex<()>,
}

impl Feed {
    /// A feed that has not read the log yet.
    pub fn new() -> Arc<Self> {
        let (sender, _) = broadcast::channel(BACKLOG);
        Arc::new(Self {
            sender,
            head: AtomicI64::new(0),
            started: AtomicBool::new(false),
            reading: Mutex::new(()),
        })
    }

    /// The last entry broadcast (0 before any).
    pub fn head(&self) -> i64 {
        self.head.load(Ordering::Acquire)
    }

    /// What this replica's subscribers hear from now on.
    pub fn subscribe(&self) -> broadcast::Receiver<Arc<Live>> {
        self.sender.subscribe()
    }

    /// Subscribers listening now.
    pub fn subscribers(&self) -> usize {
        self.sender.receiver_count()
    }

    /// Reads the log after the head and broadcasts every entry, in order;
    /// returns how many. The first call only finds the head.
    pub async fn catch_up(&self, db: &impl ConnectionTrait) -> AppResult<usize> {
        let _reading = self.reading.lock().await;
        if !self.started.load(Ordering::Acquire) {
            self.head.store(changes::head(db).await?, Ordering::Release);
            self.started.store(true, Ordering::Release);
            return Ok(0);
        }
        let mut told = 0;
        loop {
            let (entries, more) = read_after(db, self.head(), PAGE).await?;
            for entry in entries {
                let id = entry.change.id;
                // No receiver is not an error: nobody listens yet.
                let _ = self.sender.send(entry);
                self.head.store(id, Ordering::Release);
                told += 1;
            }
            if !more {
                return Ok(told);
            }
        }
    }
}

/// Up to `limit` entries after entry `after`, with their articles' facts
/// (one statement per kind of fact for the whole page), and whether more
/// follow.
pub async fn read_after(
    db: &impl ConnectionTrait,
    after: i64,
    limit: u64,
) -> AppResult<(Vec<Arc<Live>>, bool)> {
    let (rows, more) = changes::page(db, after, limit).await?;
    let mut ids: Vec<i64> = rows.iter().map(|c| c.article_id).collect();
    ids.sort_unstable();
    ids.dedup();
    let facts = ArticleFacts::load(db, &ids).await?;
    let entries = rows
        .into_iter()
        .map(|change| {
            let facts = facts.get(&change.article_id).cloned();
            Arc::new(Live { change, facts })
        })
        .collect();
    Ok((entries, more))
}
