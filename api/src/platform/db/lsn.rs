//! PostgreSQL WAL positions (`pg_lsn`, written `16/B374D848`) and the
//! commits each client made recently, so its next reads wait for a read
//! replica that has replayed them.

use std::{
    fmt,
    num::NonZeroUsize,
    str::FromStr,
    sync::{Mutex, PoisonError},
    time::{Duration, Instant},
};

use lru::LruCache;

/// A position in PostgreSQL's write-ahead log. Positions only grow, so a
/// replica that has replayed up to `b >= a` shows every commit up to `a`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Lsn(pub u64);

impl FromStr for Lsn {
    type Err = String;

    /// `hi/lo`, both hexadecimal (32 bits each), as PostgreSQL prints it.
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let invalid = || format!("{text:?} is not a WAL position (like 16/B374D848)");
        let (hi, lo) = text.trim().split_once('/').ok_or_else(invalid)?;
        let hi = u32::from_str_radix(hi, 16).map_err(|_| invalid())?;
        let lo = u32::from_str_radix(lo, 16).map_err(|_| invalid())?;
        Ok(Self((u64::from(hi) << 32) | u64::from(lo)))
    }
}

impl fmt::Display for Lsn {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:X}/{:X}", self.0 >> 32, self.0 & 0xFFFF_FFFF)
    }
}

/// The read-your-writes header: the WAL position of the client's last
/// write, sent by the server after a mutation and honoured on requests.
pub const COMMIT_LSN_HEADER: &str = "toasoan-commit-lsn";

/// The position a request's `Toasoan-Commit-Lsn` names; an unreadable one
/// is ignored (it could only ever send reads to the primary).
pub fn from_headers(headers: &axum::http::HeaderMap) -> Option<Lsn> {
    headers
        .get(COMMIT_LSN_HEADER)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse().ok())
}

/// The last commit of each recent writer (by JWT `sub`), in a bounded LRU
/// map whose entries expire: past the replicas' allowed lag, a replica
/// that has not replayed a commit is skipped for lagging anyway.
pub struct RecentCommits {
    entries: Mutex<LruCache<String, (Lsn, Instant)>>,
    ttl: Duration,
}

/// Writers remembered at most (the least recent go first).
const MAX_WRITERS: usize = 10_000;

impl RecentCommits {
    /// Commits remembered for `ttl`.
    pub fn new(ttl: Duration) -> Self {
        let capacity = NonZeroUsize::new(MAX_WRITERS).unwrap_or(NonZeroUsize::MIN);
        Self {
            entries: Mutex::new(LruCache::new(capacity)),
            ttl,
        }
    }

    /// Remembers that `sub` committed at `lsn` (never going back).
    pub fn remember(&self, sub: &str, lsn: Lsn) {
        let mut entries = self.entries.lock().unwrap_or_else(PoisonError::into_inner);
        let now = Instant::now();
        let lsn = match entries.get(sub) {
            Some((known, at)) if now.duration_since(*at) < self.ttl => lsn.max(*known),
            _ => lsn,
        };
        entries.put(sub.to_owned(), (lsn, now));
    }

    /// The last commit of `sub`, while it is remembered.
    pub fn last(&self, sub: &str) -> Option<Lsn> {
        let mut entries = self.entries.lock().unwrap_or_else(PoisonError::into_inner);
        match entries.get(sub) {
            Some((lsn, at)) if at.elapsed() < self.ttl => Some(*lsn),
            Some(_) => {
                entries.pop(sub);
                None
            }
            None => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_read_and_print_as_postgresql_does() {
        let lsn: Lsn = "16/B374D848".parse().unwrap();
        assert_eq!(lsn.0, (0x16 << 32) | 0xB374_D848);
        assert_eq!(lsn.to_string(), "16/B374D848");
        assert!(lsn > "16/B374D847".parse().unwrap());
        assert!(lsn < "17/0".parse().unwrap());
        for bad in ["", "16", "x/1", "1/1/1", "100000000/0", "-1/0"] {
            assert!(bad.parse::<Lsn>().is_err(), "{bad}");
        }
    }

    #[test]
    fn commits_are_remembered_per_writer_until_they_expire() {
        let commits = RecentCommits::new(Duration::from_millis(50));
        commits.remember("alice", Lsn(10));
        commits.remember("alice", Lsn(5));
        assert_eq!(commits.last("alice"), Some(Lsn(10)));
        assert_eq!(commits.last("bob"), None);
        std::thread::sleep(Duration::from_millis(60));
        assert_eq!(commits.last("alice"), None);
    }
}
