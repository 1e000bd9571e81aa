//! One subscriber's way through the log: the database while it is
//! behind, the feed's broadcast once it has caught up.
//!
//! Why nothing is skipped: the subscriber joins the broadcast *before*
//! it reads the database. An entry the broadcast told of before it joined
//! had been read by the feed, so it was committed, so the database read
//! that follows sees it; every later entry arrives through the broadcast.
//! Entries at or before the last one handed out are dropped, so nothing
//! comes twice. A subscriber that lags more than the broadcast keeps goes
//! back to the database from its last entry (the same argument holds).

use std::{collections::VecDeque, sync::Arc};

use futures_util::Stream;
use sea_orm::DatabaseConnection;
use tokio::sync::broadcast::{self, error::RecvError};

use super::feed::{Feed, Live, read_after};
use crate::domain::changes;
use crate::platform::error::AppResult;

/// Entries per read while catching up.
const CATCH_UP_PAGE: u64 = 100;

/// Where a subscriber starts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum From {
    /// After the last entry committed when the subscriber starts
    /// listening (live news).
    Now,
    /// After entry `n` of the log (a partner's stored cursor; 0: the
    /// beginning).
    After(i64),
}

struct Follower {
    /// Kept alive while anyone follows it.
    _feed: Arc<Feed>,
    db: DatabaseConnection,
    receiver: broadcast::Receiver<Arc<Live>>,
    /// The last entry handed out.
    last: i64,
    /// Entries read from the database, not handed out yet.
    backlog: VecDeque<Arc<Live>>,
    /// Caught up: the broadcast serves.
    live: bool,
    /// `From::Now` and the log's head not read yet.
    from_now: bool,
    /// An error was handed out: the stream ends.
    failed: bool,
}

/// Every entry of the log after `from`, in order, without a gap or a
/// duplicate, for as long as the caller listens. A database error is
/// handed out once, then the stream ends.
pub fn follow(
    feed: Arc<Feed>,
    db: DatabaseConnection,
    from: From,
) -> impl Stream<Item = AppResult<Arc<Live>>> + Send + 'static {
    // Joined first: see the module's note.
    let receiver = feed.subscribe();
    let (last, live) = match from {
        From::Now => (0, true),
        From::After(n) => (n, false),
    };
    let follower = Follower {
        _feed: feed,
        db,
        receiver,
        last,
        backlog: VecDeque::new(),
        live,
        from_now: from == From::Now,
        failed: false,
    };
    futures_util::stream::unfold(follower, |mut follower| async move {
        let next = follower.next().await?;
        Some((next, follower))
    })
}

impl Follower {
    async fn next(&mut self) -> Option<AppResult<Arc<Live>>> {
        if self.failed {
            return None;
        }
        if std::mem::take(&mut self.from_now) {
            // The database's head, not the feed's: the feed may not have
            // read an entry that committed before the subscription, which
            // must not come as news.
            match changes::head(&self.db).await {
                Ok(head) => self.last = head,
                Err(err) => {
                    self.failed = true;
                    return Some(Err(err));
                }
            }
        }
        loop {
            if let Some(entry) = self.backlog.pop_front() {
                self.last = entry.change.id;
                return Some(Ok(entry));
            }
            if !self.live {
                match read_after(&self.db, self.last, CATCH_UP_PAGE).await {
                    Ok((entries, more)) => {
                        self.live = !more;
                        self.backlog.extend(entries);
                        continue;
                    }
                    Err(err) => {
                        self.failed = true;
                        return Some(Err(err));
                    }
                }
            }
            match self.receiver.recv().await {
                Ok(entry) if entry.change.id <= self.last => {}
                Ok(entry) => {
                    self.last = entry.change.id;
                    return Some(Ok(entry));
                }
                Err(RecvError::Lagged(_)) => self.live = false,
                // The feed is gone: the server is stopping.
                Err(RecvError::Closed) => return None,
            }
        }
    }
}
