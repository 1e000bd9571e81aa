//! The per-request DataLoader: every [`BatchKey`] of the domain becomes a
//! key async-graphql batches, so all the lookups of one level of a query
//! run as one statement per relation.

use std::{collections::HashMap, sync::Arc};

use async_graphql::dataloader::{DataLoader, Loader};
use sea_orm::{DatabaseConnection, DbErr};

use crate::domain::loaders::BatchKey;

/// The loader behind every key.
pub struct DbLoader {
    db: DatabaseConnection,
}

/// What resolvers hold: one per request.
pub type Loaders = DataLoader<DbLoader>;

/// A fresh set of loaders for one request. No added delay: the keys of
/// one level are queued before the spawned fetch runs, and the default
/// 1 ms only added latency per level (docs/ARCHITECTURE.md).
pub fn for_request(db: DatabaseConnection) -> Loaders {
    DataLoader::new(DbLoader { db }, tokio::spawn).delay(std::time::Duration::ZERO)
}

impl<K: BatchKey> Loader<K> for DbLoader {
    type Value = K::Value;
    type Error = Arc<DbErr>;

    async fn load(&self, keys: &[K]) -> Result<HashMap<K, K::Value>, Self::Error> {
        K::fetch(&self.db, keys).await.map_err(Arc::new)
    }
}
