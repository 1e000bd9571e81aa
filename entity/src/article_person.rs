//! `article_people`: a person linked to an article, with a role.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Deserialize)]
#[sea_orm(table_name = "article_people")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub article_id: i64,
    #[sea_orm(primary_key, auto_increment = false)]
    pub person_id: i64,
    #[sea_orm(primary_key, auto_increment = false)]
    pub role: PersonRole,
    /// Display order (byline order for authors).
    pub position: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

/// What a person is to an article.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, serde::Deserialize,
)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum PersonRole {
    #[sea_orm(string_value = "AUTHOR")]
    Author,
    #[sea_orm(string_value = "MENTIONED")]
    Mentioned,
    #[sea_orm(string_value = "QUOTED")]
    Quoted,
    #[sea_orm(string_value = "PHOTOGRAPHER")]
    Photographer,
}
