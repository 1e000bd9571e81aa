//! `people`: the people articles mention, quote or are written by.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Deserialize)]
#[sea_orm(table_name = "people")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub full_name: String,
    #[sea_orm(unique)]
    pub slug: String,
    pub honorific: Option<String>,
    pub bio: Option<String>,
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
