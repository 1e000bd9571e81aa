//! Imports started through the API (`POST /v1/import`): a row per job in
//! `import_jobs` that any replica can read (`importJob(id)`), the import
//! itself on a task of the replica that took the upload, its progress
//! written to the row about once a second.
//!
//! One import runs at a time per replica (they write the same catalogue);
//! the others wait, `QUEUED`. A job whose replica stopped keeps a stale
//! heartbeat and reads as `FAILED` ("interrupted"): importing the same
//! file again finishes it, since imports are repeatable.

use std::{
    path::PathBuf,
    sync::{Arc, Mutex},
    time::Duration,
};

use chrono::{DateTime, Utc};
use entity::{import_job, import_job::ImportJobStatus};
use sea_orm::{ActiveModelTrait, DatabaseConnection, EntityTrait, Set};
use tokio::sync::Semaphore;

use super::{
    apply::Options,
    read::Format,
    run::{self, ItemReport, Job, Observer, Problem, Progress, Summary},
    wordpress,
};
use crate::platform::error::AppResult;

/// Problems a job row keeps (the counts go on).
const ROW_PROBLEMS: usize = 200;

/// How often a running job writes its progress and heartbeat.
const BEAT: Duration = Duration::from_secs(1);

/// A running job whose heartbeat is older than this was interrupted.
const STALE_AFTER_SECS: i64 = 60;

/// One import at a time in this process.
static RUNNING: Semaphore = Semaphore::const_new(1);

/// What a new job is.
pub struct NewJob {
    pub format: Format,
    pub file_name: Option<String>,
    pub options: Options,
    pub by: Option<String>,
    pub bytes_total: u64,
}

/// Records a new job, `QUEUED`.
pub async fn create(db: &DatabaseConnection, job: &NewJob) -> AppResult<import_job::Model> {
    let now = Utc::now();
    let options = serde_json::json!({
        "dryRun": job.options.dry_run,
        "overwrite": job.options.overwrite,
        "quiet": job.options.quiet,
        "strict": job.options.strict,
    });
    Ok(import_job::ActiveModel {
        format: Set(job.format.name().to_owned()),
        file_name: Set(job.file_name.clone()),
        status: Set(ImportJobStatus::Queued),
        options: Set(options.to_string()),
        bytes_total: Set(job.bytes_total as i64),
        bytes_read: Set(0),
        items: Set(0),
        created: Set(0),
        updated: Set(0),
        unchanged: Set(0),
        conflicts: Set(0),
        failed: Set(0),
        report: Set("[]".to_owned()),
        error: Set(None),
        created_by: Set(job.by.clone()),
        created_at: Set(now),
        started_at: Set(None),
        finished_at: Set(None),
        heartbeat_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await?)
}

/// The job, with a stale running job read as interrupted.
pub async fn find(db: &DatabaseConnection, id: i64) -> AppResult<Option<import_job::Model>> {
    let job = import_job::Entity::find_by_id(id).one(db).await?;
    Ok(job.map(|job| interrupted(job, Utc::now())))
}

fn interrupted(mut job: import_job::Model, now: DateTime<Utc>) -> import_job::Model {
    let active = matches!(
        job.status,
        ImportJobStatus::Running | ImportJobStatus::Queued
    );
    if active && (now - job.heartbeat_at).num_seconds() > STALE_AFTER_SECS {
        job.status = ImportJobStatus::Failed;
        job.error = Some(
            "interrupted: the server running it stopped; import the file again (items already \
             imported are left as they are)"
                .to_owned(),
        );
    }
    job
}

/// The problems a job row holds.
pub fn problems(job: &import_job::Model) -> Vec<serde_json::Value> {
    serde_json::from_str(&job.report).unwrap_or_default()
}

/// Runs job `id` on a task of its own; `file` is removed when it ends.
pub fn spawn(db: DatabaseConnection, id: i64, file: tempfile::TempPath, job: NewJob) {
    tokio::spawn(async move {
        let outcome = execute(&db, id, &file, &job).await;
        if let Err(e) = outcome {
            tracing::error!(job = id, error = ?e, "import job could not record its end");
        }
        drop(file);
    });
}

async fn execute(
    db: &DatabaseConnection,
    id: i64,
    file: &std::path::Path,
    job: &NewJob,
) -> AppResult<()> {
    let beat = Arc::new(Mutex::new(Snapshot::default()));
    // Waiting its turn, the job keeps its heartbeat fresh.
    let permit = loop {
        tokio::select! {
            permit = RUNNING.acquire() => break permit,
            _ = tokio::time::sleep(BEAT) => write(db, id, &Snapshot::default(), None).await?,
        }
    };
    let started = Utc::now();
    update(db, id, |row| {
        row.status = Set(ImportJobStatus::Running);
        row.started_at = Set(Some(started));
        row.heartbeat_at = Set(started);
    })
    .await?;
    let ticker = tokio::spawn(heartbeat(db.clone(), id, beat.clone()));
    let mut observer = JobObserver {
        snapshot: beat.clone(),
    };
    let path = PathBuf::from(file);
    let result = run::run(
        db,
        Job {
            path: &path,
            format: job.format,
            options: job.options,
            wordpress: wordpress::Options::default(),
            by: job.by.as_deref(),
        },
        &mut observer,
    )
    .await;
    ticker.abort();
    drop(permit);
    let snapshot = snapshot_of(&beat);
    let finished = Utc::now();
    let (status, error, summary) = match result {
        Ok(summary) => (ImportJobStatus::Succeeded, None, Some(summary)),
        Err(e) => (ImportJobStatus::Failed, Some(e.to_string()), None),
    };
    let snapshot = match summary {
        Some(summary) => Snapshot {
            bytes_read: snapshot.bytes_read.max(job.bytes_total),
            summary,
        },
        None => snapshot,
    };
    write(db, id, &snapshot, Some((status, error, finished))).await
}

/// Where the job stands, as the observer last heard.
#[derive(Clone, Default)]
struct Snapshot {
    bytes_read: u64,
    summary: Summary,
}

fn snapshot_of(shared: &Mutex<Snapshot>) -> Snapshot {
    shared.lock().map(|s| s.clone()).unwrap_or_default()
}

struct JobObserver {
    snapshot: Arc<Mutex<Snapshot>>,
}

impl Observer for JobObserver {
    fn item(&mut self, _report: &ItemReport<'_>) {}

    fn progress(&mut self, progress: &Progress<'_>) {
        if let Ok(mut shared) = self.snapshot.lock() {
            shared.bytes_read = progress.bytes_read;
            shared.summary.clone_from(progress.summary);
        }
    }
}

async fn heartbeat(db: DatabaseConnection, id: i64, shared: Arc<Mutex<Snapshot>>) {
    loop {
        tokio::time::sleep(BEAT).await;
        let snapshot = snapshot_of(&shared);
        if let Err(e) = write(&db, id, &snapshot, None).await {
            tracing::warn!(job = id, error = ?e, "import job progress not written");
        }
    }
}

/// Writes progress (and the end, when given) to the job's row.
async fn write(
    db: &DatabaseConnection,
    id: i64,
    snapshot: &Snapshot,
    end: Option<(ImportJobStatus, Option<String>, DateTime<Utc>)>,
) -> AppResult<()> {
    let s = &snapshot.summary;
    let problems: Vec<&Problem> = s.problems.iter().take(ROW_PROBLEMS).collect();
    let report = serde_json::to_string(&problems).unwrap_or_else(|_| "[]".to_owned());
    let now = Utc::now();
    let started = s.items > 0 || end.is_some();
    update(db, id, |row| {
        row.heartbeat_at = Set(now);
        if started {
            row.bytes_read = Set(snapshot.bytes_read as i64);
            row.items = Set(s.items as i64);
            row.created = Set(s.created as i64);
            row.updated = Set(s.updated as i64);
            row.unchanged = Set(s.unchanged as i64);
            row.conflicts = Set(s.conflicts as i64);
            row.failed = Set(s.failed as i64);
            row.report = Set(report);
        }
        if let Some((status, error, at)) = end {
            row.status = Set(status);
            row.error = Set(error);
            row.finished_at = Set(Some(at));
        }
    })
    .await
}

async fn update(
    db: &DatabaseConnection,
    id: i64,
    change: impl FnOnce(&mut import_job::ActiveModel),
) -> AppResult<()> {
    let mut row = import_job::ActiveModel {
        id: Set(id),
        ..Default::default()
    };
    change(&mut row);
    row.update(db).await?;
    Ok(())
}
