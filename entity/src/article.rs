//! `articles`: the journalism itself.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "articles")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    #[sea_orm(unique)]
    pub slug: String,
    pub title: String,
    /// The sapo: the paragraph under the title.
    pub lead: String,
    /// The body as a JSON array of typed blocks (see `api::body`).
    pub body: String,
    pub section_id: i64,
    pub status: ArticleStatus,
    pub published_at: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    /// Incremented by every write: the optimistic-concurrency token.
    pub version: i32,
    pub language: String,
    pub word_count: i32,
    pub lead_image_id: Option<i64>,
    /// `sub` of the token that created it.
    pub created_by: Option<String>,
    /// `sub` of the token that changed it last.
    pub updated_by: Option<String>,
    /// Soft deletion: kept as a tombstone for syndication.
    pub deleted_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

/// Where an article stands in the editorial workflow.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
pub enum ArticleStatus {
    #[sea_orm(string_value = "DRAFT")]
    Draft,
    #[sea_orm(string_value = "IN_REVIEW")]
    InReview,
    #[sea_orm(string_value = "SCHEDULED")]
    Scheduled,
    #[sea_orm(string_value = "PUBLISHED")]
    Published,
    #[sea_orm(string_value = "UNPUBLISHED")]
    Unpublished,
}
