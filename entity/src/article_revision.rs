//! `article_revisions`: every change of an article, who made it and what it
//! looked like afterwards.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "article_revisions")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub article_id: i64,
    /// The article's version after this change.
    pub version: i32,
    /// `sub` of the token that made the change.
    pub author: Option<String>,
    pub created_at: DateTimeUtc,
    /// JSON array of the names of the fields that changed.
    pub changed_fields: String,
    /// JSON snapshot of the article after the change (see `api::revisions`).
    pub snapshot: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
