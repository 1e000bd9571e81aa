//! `article_changes`: the log of what happened to published content, in
//! commit order. Its id is the sequence partners resume after.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "article_changes")]
pub struct Model {
    /// The position in the log.
    #[sea_orm(primary_key)]
    pub id: i64,
    pub article_id: i64,
    /// The article's slug after the change (the last one, for tombstones).
    pub slug: String,
    pub kind: ChangeKind,
    /// The article's version after the change.
    pub version: i32,
    pub occurred_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

/// What happened to an article, as partners see it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
pub enum ChangeKind {
    /// It became public.
    #[sea_orm(string_value = "PUBLISHED")]
    Published,
    /// A public article changed.
    #[sea_orm(string_value = "UPDATED")]
    Updated,
    /// A public article was taken down.
    #[sea_orm(string_value = "UNPUBLISHED")]
    Unpublished,
    /// An article partners had heard of was deleted.
    #[sea_orm(string_value = "DELETED")]
    Deleted,
}
