//! Database migrations. They run unchanged on SQLite and PostgreSQL.
//!
//! Every migration runs in a transaction of its own, on both databases
//! ([`Transactional`]): a migration that fails, or a process killed in
//! the middle of one, leaves the schema as the previous migration left
//! it, and its `seaql_migrations` row is written in the same transaction
//! as its changes. SQLite and PostgreSQL both roll DDL back
//! (sea-orm-migration wraps only PostgreSQL by default).

pub use sea_orm_migration::prelude::*;

mod m20261127_000001_news_graph;
mod m20261127_000002_editorial;
mod m20261127_000003_search;
mod m20261127_000004_changes;
mod m20261127_000005_search_visibility;
mod m20261127_000006_webhooks;
mod m20261127_000007_content_generation;
mod m20261127_000008_article_order;
mod m20261203_000009_search_fields;
mod m20261203_000010_search_journal;
mod m20261204_000011_media_library;
mod m20261204_000012_imports;
mod m20261205_000013_related_people;

/// Every migration of the project, in order.
pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        Transactional::all(vec![
            Box::new(m20261127_000001_news_graph::Migration),
            Box::new(m20261127_000002_editorial::Migration),
            Box::new(m20261127_000003_search::Migration),
            Box::new(m20261127_000004_changes::Migration),
            Box::new(m20261127_000005_search_visibility::Migration),
            Box::new(m20261127_000006_webhooks::Migration),
            Box::new(m20261127_000007_content_generation::Migration),
            Box::new(m20261127_000008_article_order::Migration),
            Box::new(m20261203_000009_search_fields::Migration),
            Box::new(m20261203_000010_search_journal::Migration),
            Box::new(m20261204_000011_media_library::Migration),
            Box::new(m20261204_000012_imports::Migration),
            Box::new(m20261205_000013_related_people::Migration),
        ])
    }
}

/// A migration that runs inside a transaction on every backend
/// (`use_transaction() == Some(true)`), whatever the wrapped one says.
pub struct Transactional(Box<dyn MigrationTrait>);

impl Transactional {
    /// Wraps every migration of `migrations`, keeping their order.
    pub fn all(migrations: Vec<Box<dyn MigrationTrait>>) -> Vec<Box<dyn MigrationTrait>> {
        migrations
            .into_iter()
            .map(|m| Box::new(Self(m)) as Box<dyn MigrationTrait>)
            .collect()
    }
}

impl MigrationName for Transactional {
    fn name(&self) -> &str {
        self.0.name()
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Transactional {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        self.0.up(manager).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        self.0.down(manager).await
    }

    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }
}
