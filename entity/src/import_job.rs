//! `import_jobs`: an import started through the API (`POST /v1/import`),
//! with its progress and outcome, readable from any replica.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "import_jobs")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    /// `wordpress` or `ninjs`.
    pub format: String,
    /// The uploaded file's name, as the client gave it.
    pub file_name: Option<String>,
    pub status: ImportJobStatus,
    /// The options as JSON (`dryRun`, `overwrite`, `quiet`, `strict`).
    pub options: String,
    pub bytes_total: i64,
    pub bytes_read: i64,
    pub items: i64,
    pub created: i64,
    pub updated: i64,
    pub unchanged: i64,
    pub conflicts: i64,
    pub failed: i64,
    /// The problems so far as a JSON array (bounded).
    pub report: String,
    /// Why the job stopped, when it failed.
    pub error: Option<String>,
    /// `sub` of the admin who started it.
    pub created_by: Option<String>,
    pub created_at: DateTimeUtc,
    pub started_at: Option<DateTimeUtc>,
    pub finished_at: Option<DateTimeUtc>,
    /// Refreshed while the job runs: a running job whose heartbeat is old
    /// was interrupted (its server stopped).
    pub heartbeat_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

/// Where an import job stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
pub enum ImportJobStatus {
    #[sea_orm(string_value = "QUEUED")]
    Queued,
    #[sea_orm(string_value = "RUNNING")]
    Running,
    #[sea_orm(string_value = "SUCCEEDED")]
    Succeeded,
    #[sea_orm(string_value = "FAILED")]
    Failed,
}
