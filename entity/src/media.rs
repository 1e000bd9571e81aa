//! `media`: a photo (or other file) with its caption and credit.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel, serde::Deserialize)]
#[sea_orm(table_name = "media")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub url: String,
    pub caption: Option<String>,
    pub credit: Option<String>,
    pub alt: Option<String>,
    pub width: Option<i32>,
    pub height: Option<i32>,
    pub mime: Option<String>,
    #[serde(deserialize_with = "crate::stored_time::utc")]
    pub created_at: DateTimeUtc,
    /// SHA-256 of an uploaded original's stored bytes (hex); `None` for
    /// media that only point at an external URL.
    pub content_hash: Option<String>,
    /// Size of the stored original in bytes.
    pub byte_size: Option<i64>,
    /// The focal point of cover crops, from the left and the top (0–1).
    pub focal_x: Option<f64>,
    pub focal_y: Option<f64>,
    /// A tiny blurred preview as a `data:` URL.
    pub placeholder: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
