//! `importJob(id)`: where an import started with `POST /v1/import`
//! stands (admins only), read from the primary so that every replica
//! shows the same progress.

use async_graphql::{Context, Enum, ID, Object, SimpleObject};
use chrono::{DateTime, Utc};
use entity::{import_job, import_job::ImportJobStatus as Stored};

use super::{db, request};
use crate::{
    domain::import::jobs,
    platform::error::AppResult,
    platform::ids::{self, NodeType},
};

/// Where an import job stands.
#[derive(Enum, Clone, Copy, PartialEq, Eq)]
pub enum ImportJobStatus {
    /// Waiting for another import on the same server to finish.
    Queued,
    /// Reading and writing.
    Running,
    /// Read to the end (bad items, if any, are in `problems`).
    Succeeded,
    /// Stopped: see `error`.
    Failed,
}

/// An item that was not imported, and why.
#[derive(SimpleObject)]
pub struct ImportProblem {
    /// The source's id of the item, when it got that far.
    pub source_id: Option<String>,
    /// The line of the file where the item starts (0 when unknown).
    pub line: i64,
    /// `invalid` (the item makes no sense), `conflict` (editors changed
    /// the article since the last import) or `failed` (the write failed).
    pub kind: String,
    /// What went wrong.
    pub message: String,
}

/// An import job's row.
pub struct ImportJob(pub import_job::Model);

/// An archive import started through `POST /v1/import`: its progress,
/// counts and the problems it met.
#[Object]
impl ImportJob {
    /// The job's global ID.
    async fn id(&self) -> ID {
        ID(ids::encode(NodeType::ImportJob, self.0.id))
    }

    /// `wordpress` or `ninjs`.
    async fn format(&self) -> &str {
        &self.0.format
    }

    /// The uploaded file's name, as sent.
    async fn file_name(&self) -> Option<&str> {
        self.0.file_name.as_deref()
    }

    /// Queued, running, succeeded or failed.
    async fn status(&self) -> ImportJobStatus {
        match self.0.status {
            Stored::Queued => ImportJobStatus::Queued,
            Stored::Running => ImportJobStatus::Running,
            Stored::Succeeded => ImportJobStatus::Succeeded,
            Stored::Failed => ImportJobStatus::Failed,
        }
    }

    /// True for a dry run: decisions are counted, nothing is written.
    async fn dry_run(&self) -> bool {
        serde_json::from_str::<serde_json::Value>(&self.0.options)
            .ok()
            .and_then(|o| o.get("dryRun").and_then(serde_json::Value::as_bool))
            .unwrap_or(false)
    }

    /// The archive's size in bytes.
    async fn bytes_total(&self) -> i64 {
        self.0.bytes_total
    }

    /// How far into the archive the import has read, in bytes.
    async fn bytes_read(&self) -> i64 {
        self.0.bytes_read
    }

    /// `bytesRead / bytesTotal`, 0 to 1.
    async fn progress(&self) -> f64 {
        if self.0.bytes_total <= 0 {
            return 0.0;
        }
        (self.0.bytes_read as f64 / self.0.bytes_total as f64).clamp(0.0, 1.0)
    }

    /// Items read so far (bad ones included).
    async fn items(&self) -> i64 {
        self.0.items
    }

    /// Articles created (would be, in a dry run).
    async fn created(&self) -> i64 {
        self.0.created
    }

    /// Articles updated because their source changed (would be, in a dry
    /// run).
    async fn updated(&self) -> i64 {
        self.0.updated
    }

    /// Items already imported as they are.
    async fn unchanged(&self) -> i64 {
        self.0.unchanged
    }

    /// Articles left alone because editors changed them since the last
    /// import (import with `overwrite` to replace them).
    async fn conflicts(&self) -> i64 {
        self.0.conflicts
    }

    /// Bad items skipped, and items whose write failed.
    async fn failed(&self) -> i64 {
        self.0.failed
    }

    /// The first problems met (up to 200), each with its source id and
    /// line.
    async fn problems(&self) -> Vec<ImportProblem> {
        jobs::problems(&self.0)
            .into_iter()
            .map(|p| ImportProblem {
                source_id: p
                    .get("sourceId")
                    .and_then(|v| v.as_str())
                    .map(str::to_owned),
                line: p.get("line").and_then(|v| v.as_i64()).unwrap_or(0),
                kind: p
                    .get("kind")
                    .and_then(|v| v.as_str())
                    .unwrap_or_default()
                    .to_owned(),
                message: p
                    .get("message")
                    .and_then(|v| v.as_str())
                    .unwrap_or_default()
                    .to_owned(),
            })
            .collect()
    }

    /// Why the job failed; null otherwise.
    async fn error(&self) -> Option<&str> {
        self.0.error.as_deref()
    }

    /// When the archive was received.
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }

    /// When the import began; null while queued.
    async fn started_at(&self) -> Option<DateTime<Utc>> {
        self.0.started_at
    }

    /// When it ended; null while it runs.
    async fn finished_at(&self) -> Option<DateTime<Utc>> {
        self.0.finished_at
    }
}

/// The import queries.
#[derive(Default)]
pub struct ImportsQuery;

#[Object]
impl ImportsQuery {
    /// An import job by the ID `POST /v1/import` answered with (admins).
    async fn import_job(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The job's global ID.")] id: ID,
    ) -> AppResult<Option<ImportJob>> {
        request(ctx)?.viewer.require_admin("following imports")?;
        let id = ids::decode(NodeType::ImportJob, &id, "id")?;
        Ok(jobs::find(db(ctx)?, id).await?.map(ImportJob))
    }
}
