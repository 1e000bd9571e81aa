//! `organizations`: party committees, people's committees, departments… with their parent.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Deserialize)]
#[sea_orm(table_name = "organizations")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub parent_id: Option<i64>,
    pub name: String,
    #[sea_orm(unique)]
    pub slug: String,
    pub short_name: Option<String>,
    /// One of the `OrganizationKind` names of the API (`PARTY_COMMITTEE`, …).
    pub kind: String,
    pub description: Option<String>,
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
