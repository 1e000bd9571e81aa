//! `webhook_deliveries`: the outbox. One row per (endpoint, change-log
//! entry), written in the transaction of the change, delivered at least
//! once by the worker.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "webhook_deliveries")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    /// Unique id of the event, sent as `Toasoan-Delivery` (idempotency key).
    #[sea_orm(unique)]
    pub event_id: String,
    pub webhook_id: i64,
    /// The change-log entry it announces.
    pub change_id: i64,
    pub article_id: i64,
    /// Wire name: `article.published`, `article.updated`…
    pub event: String,
    /// The JSON body, exactly as sent (and signed).
    pub payload: String,
    pub status: DeliveryStatus,
    /// Attempts made so far.
    pub attempts: i32,
    /// When the worker may try next (also the lease of a claimed row).
    pub next_attempt_at: DateTimeUtc,
    pub last_status_code: Option<i32>,
    pub last_error: Option<String>,
    pub created_at: DateTimeUtc,
    /// Start of the current round of retries (creation or last replay).
    pub queued_at: DateTimeUtc,
    pub delivered_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

/// Where a delivery stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
pub enum DeliveryStatus {
    /// Not delivered yet: waiting for its (next) attempt.
    #[sea_orm(string_value = "PENDING")]
    Pending,
    /// The endpoint answered 2xx.
    #[sea_orm(string_value = "DELIVERED")]
    Delivered,
    /// Retries ran out (24 hours and more): replay it by hand.
    #[sea_orm(string_value = "FAILED")]
    Failed,
}
