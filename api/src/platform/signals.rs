//! Signals between the replicas of one deployment: small notices ("the
//! content moved to generation g; these cache keys are stale") that every
//! replica hears, through PostgreSQL's `LISTEN/NOTIFY` — never a cluster
//! of our own. On SQLite (one process) they stay in the process.
//!
//! A notice is a hint, not a log: a replica that was disconnected from
//! PostgreSQL hears [`Signal::Resync`] when it reconnects, and whoever
//! consumes notices must then rebuild what it derived from them (the
//! response cache empties itself). The durable record of what changed is
//! the database itself (the content generation, the change log).

use std::{sync::Arc, time::Duration};

use sea_orm::{ConnectionTrait, DatabaseBackend, DatabaseConnection, Statement};
use serde::{Deserialize, Serialize};
use tokio::sync::broadcast;

/// The PostgreSQL channel every replica listens on.
pub const CHANNEL: &str = "toasoan_signals";
/// PostgreSQL's limit on a notification's payload is 8000 bytes; a
/// notice over it is sent as "everything is stale".
const MAX_PAYLOAD: usize = 7900;
/// How many notices a slow consumer may lag behind before it is told to
/// resynchronize.
const BACKLOG: usize = 1024;

/// What a write tells the other replicas.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Notice {
    /// The replica that sent it.
    #[serde(rename = "r")]
    pub replica: u64,
    /// The content generation the writer read after its commit (0 when
    /// unknown).
    #[serde(rename = "g")]
    pub generation: u64,
    /// Surrogate keys the write made stale; a trailing `*` stands for
    /// every key with that prefix.
    #[serde(rename = "k")]
    pub keys: Vec<String>,
    /// This replica already applied it before sending (it does not
    /// travel: other replicas have not).
    #[serde(skip)]
    pub applied: bool,
}

/// What a consumer hears.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Signal {
    /// A notice, from this replica or another.
    Notice(Notice),
    /// Notices may have been missed (a reconnection, a lagging consumer):
    /// whatever was derived from them must be rebuilt.
    Resync,
}

/// The signal bus of one replica.
pub struct Signals {
    /// This replica's random id, so that it skips its own notices when
    /// PostgreSQL echoes them back.
    replica: u64,
    local: broadcast::Sender<Signal>,
    db: DatabaseConnection,
}

impl Signals {
    /// The bus over `db` (PostgreSQL: notices cross replicas once
    /// [`Self::spawn_listener`] runs).
    pub fn new(db: DatabaseConnection) -> Arc<Self> {
        let mut bytes = [0u8; 8];
        // A collision of two replicas' ids only costs a replica skipping
        // the other's notices, which the generation check then catches.
        let _ = getrandom::fill(&mut bytes);
        let (local, _) = broadcast::channel(BACKLOG);
        Arc::new(Self {
            replica: u64::from_le_bytes(bytes).max(1),
            local,
            db,
        })
    }

    /// This replica's id.
    pub fn replica(&self) -> u64 {
        self.replica
    }

    /// What this replica hears from now on.
    pub fn subscribe(&self) -> broadcast::Receiver<Signal> {
        self.local.subscribe()
    }

    /// Tells this replica at once, and the others through PostgreSQL. A
    /// notice that PostgreSQL refuses is logged: the others then notice
    /// the change by the content generation.
    pub async fn publish(&self, mut notice: Notice) {
        notice.replica = self.replica;
        let _ = self.local.send(Signal::Notice(notice.clone()));
        notice.applied = false;
        if self.db.get_database_backend() != DatabaseBackend::Postgres {
            return;
        }
        let payload = payload(notice);
        let statement = Statement::from_sql_and_values(
            DatabaseBackend::Postgres,
            "SELECT pg_notify($1, $2)",
            [CHANNEL.into(), payload.into()],
        );
        if let Err(err) = self.db.execute_raw(statement).await {
            tracing::warn!(?err, "sending a signal to the other replicas failed");
        }
    }

    /// Listens to the other replicas on PostgreSQL until the process ends,
    /// reconnecting after a failure (and telling consumers to resync).
    /// `None` on SQLite.
    pub fn spawn_listener(self: Arc<Self>) -> Option<tokio::task::JoinHandle<()>> {
        if self.db.get_database_backend() != DatabaseBackend::Postgres {
            return None;
        }
        Some(tokio::spawn(async move {
            let mut first = true;
            loop {
                if let Err(err) = self.listen(first).await {
                    tracing::warn!(%err, "listening to the other replicas failed; retrying");
                }
                first = false;
                let _ = self.local.send(Signal::Resync);
                tokio::time::sleep(Duration::from_secs(1)).await;
            }
        }))
    }

    /// One listener's worth of listening: returns when it fails. It
    /// holds one connection of the pool for as long as it listens.
    async fn listen(&self, first: bool) -> Result<(), sea_orm::sqlx::Error> {
        let pool = self.db.get_postgres_connection_pool();
        let mut listener = sea_orm::sqlx::postgres::PgListener::connect_with(pool).await?;
        listener.listen(CHANNEL).await?;
        // Whatever was sent before this point was not heard. At start
        // up, the content generation covers it (a change no notice
        // explained empties the cache within two ticks).
        if !first {
            let _ = self.local.send(Signal::Resync);
        }
        loop {
            // `None`: the connection was lost and is back; what was sent
            // in between is lost.
            let Some(notification) = listener.try_recv().await? else {
                let _ = self.local.send(Signal::Resync);
                continue;
            };
            match serde_json::from_str::<Notice>(notification.payload()) {
                Ok(notice) if notice.replica == self.replica => {}
                Ok(notice) => {
                    let _ = self.local.send(Signal::Notice(notice));
                }
                Err(err) => tracing::warn!(%err, "an unreadable signal was ignored"),
            }
        }
    }
}

/// The notice as a notification's payload, within PostgreSQL's limit.
fn payload(notice: Notice) -> String {
    let text = serde_json::to_string(&notice).unwrap_or_default();
    if text.len() <= MAX_PAYLOAD {
        return text;
    }
    let everything = Notice {
        keys: vec![EVERYTHING.to_owned()],
        ..notice
    };
    serde_json::to_string(&everything).unwrap_or_default()
}

/// The key that stands for every key.
pub const EVERYTHING: &str = "*";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_notice_too_long_for_postgres_says_everything() {
        let notice = Notice {
            replica: 7,
            generation: 42,
            keys: (0..2000).map(|i| format!("article-{i}")).collect(),
            applied: false,
        };
        let text = payload(notice);
        assert!(text.len() <= MAX_PAYLOAD);
        let back: Notice = serde_json::from_str(&text).unwrap();
        assert_eq!(back.keys, ["*"]);
        assert_eq!((back.replica, back.generation), (7, 42));
    }

    #[test]
    fn a_short_notice_travels_whole() {
        let notice = Notice {
            replica: 1,
            generation: 3,
            keys: vec!["article-9".to_owned(), "articles-section-*".to_owned()],
            applied: false,
        };
        let back: Notice = serde_json::from_str(&payload(notice.clone())).unwrap();
        assert_eq!(back, notice);
    }
}
