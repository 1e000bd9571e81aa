//! `webhooks`: the endpoints admins registered to hear about published
//! content.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "webhooks")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    /// Where deliveries are POSTed (http or https).
    pub url: String,
    /// JSON array of the event wire names it subscribes to.
    pub events: String,
    /// The HMAC key of its signatures (kept in clear: it must sign).
    pub secret: String,
    /// Disabled endpoints get no new deliveries.
    pub enabled: bool,
    pub created_at: DateTimeUtc,
    /// `sub` of the admin who registered it.
    pub created_by: Option<String>,
    pub version: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
