//! `article_sources`: the item of another system an article was imported
//! from, so a later import of the same export finds it again.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "article_sources")]
pub struct Model {
    /// The source's own id: `wordpress:{site}:{post id}`, a ninjs `uri`.
    #[sea_orm(primary_key, auto_increment = false)]
    pub source_id: String,
    #[sea_orm(unique)]
    pub article_id: i64,
    /// SHA-256 (hex) of the item as last imported: equal means unchanged.
    pub fingerprint: String,
    /// The article's version right after that import: a higher version
    /// now means an editor changed it since.
    pub article_version: i32,
    pub imported_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
