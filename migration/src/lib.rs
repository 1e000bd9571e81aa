//! Database migrations. They run unchanged on SQLite and PostgreSQL.

pub use sea_orm_migration::prelude::*;

mod m20261127_000001_news_graph;
mod m20261127_000002_editorial;
mod m20261127_000003_search;
mod m20261127_000004_changes;
mod m20261127_000005_search_visibility;
mod m20261127_000006_webhooks;
mod m20261127_000007_content_generation;
mod m20261127_000008_article_order;

/// Every migration of the project, in order.
pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261127_000001_news_graph::Migration),
            Box::new(m20261127_000002_editorial::Migration),
            Box::new(m20261127_000003_search::Migration),
            Box::new(m20261127_000004_changes::Migration),
            Box::new(m20261127_000005_search_visibility::Migration),
            Box::new(m20261127_000006_webhooks::Migration),
            Box::new(m20261127_000007_content_generation::Migration),
            Box::new(m20261127_000008_article_order::Migration),
        ]
    }
}
