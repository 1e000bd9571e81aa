//! `events`: a conference, a signing… that ties articles together.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Deserialize)]
#[sea_orm(table_name = "events")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub name: String,
    #[sea_orm(unique)]
    pub slug: String,
    pub summary: Option<String>,
    #[serde(deserialize_with = "crate::stored_time::utc")]
    pub starts_at: DateTimeUtc,
    #[serde(deserialize_with = "crate::stored_time::utc_or_null")]
    pub ends_at: Option<DateTimeUtc>,
    pub location: Option<String>,
    #[serde(deserialize_with = "crate::stored_time::utc")]
    pub created_at: DateTimeUtc,
    #[serde(deserialize_with = "crate::stored_time::utc")]
    pub updated_at: DateTimeUtc,
    /// Incremented by every update: the optimistic-concurrency token.
    pub version: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
