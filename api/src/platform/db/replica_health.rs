//! The read replicas' health check: every [`INTERVAL`] (and at once when
//! a read failed on a replica), the primary's WAL position and, on each
//! replica, whether it is a hot standby, the WAL position and content
//! generation it replayed, and how long ago its last replayed commit was.
//!
//! Lag: zero when the replica has replayed everything the primary had
//! written at this check (an idle primary shows no lag, whatever the age
//! of its last commit). Otherwise the longer of how long the primary has
//! been past the replica's position (from the positions of past checks)
//! and the age of the replica's last replayed commit.

use std::{
    collections::VecDeque,
    str::FromStr,
    sync::{Arc, atomic::Ordering},
    time::{Duration, Instant},
};

use sea_orm::{ConnectionTrait, DbBackend, DbErr, Statement};

use super::{
    lsn::Lsn,
    read_replicas::{Databases, Replica, current_lsn},
};

/// How often replicas are checked.
pub const INTERVAL: Duration = Duration::from_millis(500);

/// A replica that does not answer within this is down.
const PROBE_TIMEOUT: Duration = Duration::from_secs(2);

const PROBE: &str = "SELECT pg_is_in_recovery() AS standby, \
     pg_last_wal_replay_lsn()::text AS replay, \
     COALESCE(EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp()), 0)::float8 AS behind, \
     (SELECT value FROM content_generation WHERE id = 1) AS generation";

/// What a replica reported.
struct Probe {
    replay: Lsn,
    behind: Duration,
    generation: u64,
}

/// The primary's positions at past checks, oldest first: when it moved
/// past a position.
#[derive(Default)]
struct History(VecDeque<(Lsn, Instant)>);

impl History {
    fn record(&mut self, lsn: Lsn, now: Instant, keep: Duration) {
        if self.0.back().is_none_or(|(last, _)| *last < lsn) {
            self.0.push_back((lsn, now));
        }
        // Keep one sample older than `keep`: it bounds the lag from below.
        while self.0.len() > 1 && self.0.get(1).is_some_and(|(_, at)| now - *at > keep) {
            self.0.pop_front();
        }
    }

    /// How long the primary has been past `replay` (zero when it is not).
    fn lag(&self, replay: Lsn, now: Instant) -> Duration {
        self.0
            .iter()
            .find(|(lsn, _)| *lsn > replay)
            .map_or(Duration::ZERO, |(_, at)| now - *at)
    }
}

impl Databases {
    /// Starts the health check; `None` without replicas. It ends with the
    /// runtime (or when the handle is aborted).
    pub fn spawn_health(self: &Arc<Self>) -> Option<tokio::task::JoinHandle<()>> {
        if self.replicas.is_empty() {
            return None;
        }
        let databases = self.clone();
        Some(tokio::spawn(async move {
            let mut history = History::default();
            loop {
                databases.check(&mut history).await;
                tokio::select! {
                    () = tokio::time::sleep(INTERVAL) => {}
                    () = databases.wake.notified() => {}
                }
            }
        }))
    }

    async fn check(&self, history: &mut History) {
        let primary = match current_lsn(&self.upkeep).await {
            Ok(lsn) => Some(lsn),
            Err(err) => {
                tracing::warn!(%err, "read replicas: the primary's WAL position is unreadable");
                None
            }
        };
        let now = Instant::now();
        if let Some(lsn) = primary {
            history.record(lsn, now, self.max_lag + INTERVAL);
        }
        for replica in &self.replicas {
            let probe = tokio::time::timeout(PROBE_TIMEOUT, probe(replica)).await;
            let probe = probe.unwrap_or_else(|_| Err("no answer in time".to_owned()));
            match probe {
                Ok(found) => {
                    let lag = match primary {
                        Some(lsn) if found.replay >= lsn => Duration::ZERO,
                        _ => history.lag(found.replay, now).max(found.behind),
                    };
                    replica.replay.store(found.replay.0, Ordering::Release);
                    replica
                        .generation
                        .store(found.generation, Ordering::Release);
                    replica
                        .lag_ms
                        .store(lag.as_millis() as u64, Ordering::Release);
                    if !replica.up.swap(true, Ordering::AcqRel) {
                        tracing::info!(replica = %replica.name, "read replica up");
                    }
                }
                Err(err) => {
                    if replica.up.swap(false, Ordering::AcqRel) {
                        tracing::warn!(replica = %replica.name, %err, "read replica down: the primary serves its reads");
                    }
                }
            }
        }
    }
}

async fn probe(replica: &Replica) -> Result<Probe, String> {
    let row = replica
        .probe
        .query_one_raw(Statement::from_string(DbBackend::Postgres, PROBE))
        .await
        .map_err(|e| e.to_string())?
        .ok_or("the health check gave no row")?;
    let read = |e: DbErr| e.to_string();
    let standby: bool = row.try_get("", "standby").map_err(read)?;
    if !standby {
        return Err("not a standby (it does not replay the primary's WAL)".to_owned());
    }
    let replay: Option<String> = row.try_get("", "replay").map_err(read)?;
    let replay = Lsn::from_str(replay.as_deref().unwrap_or_default())?;
    let behind: f64 = row.try_get("", "behind").map_err(read)?;
    let generation: i64 = row.try_get("", "generation").map_err(read)?;
    Ok(Probe {
        replay,
        behind: Duration::try_from_secs_f64(behind.max(0.0)).unwrap_or(Duration::MAX),
        generation: generation.max(0) as u64,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lag_is_how_long_the_primary_has_been_past_the_replica() {
        let start = Instant::now();
        let keep = Duration::from_secs(5);
        let mut history = History::default();
        history.record(Lsn(10), start, keep);
        history.record(Lsn(10), start + Duration::from_secs(1), keep);
        history.record(Lsn(20), start + Duration::from_secs(2), keep);
        let now = start + Duration::from_secs(3);
        assert_eq!(history.lag(Lsn(20), now), Duration::ZERO);
        assert_eq!(history.lag(Lsn(15), now), Duration::from_secs(1));
        assert_eq!(history.lag(Lsn(5), now), Duration::from_secs(3));
        // Old samples go, but one older than `keep` stays as a bound.
        let later = start + Duration::from_secs(20);
        history.record(Lsn(30), later, keep);
        assert_eq!(history.0.len(), 2);
        assert_eq!(history.lag(Lsn(5), later), Duration::from_secs(18));
    }
}
