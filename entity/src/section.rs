//! `sections`: the section tree ("Thời sự" > "Thời sự - Chính trị").

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Deserialize)]
#[sea_orm(table_name = "sections")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub parent_id: Option<i64>,
    pub name: String,
    #[sea_orm(unique)]
    pub slug: String,
    pub position: i32,
    /// IPTC Media Topic code, e.g. `medtop:11000000` for politics.
    pub iptc_media_topic: Option<String>,
    /// Incremented by every update: the optimistic-concurrency token.
    pub version: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
