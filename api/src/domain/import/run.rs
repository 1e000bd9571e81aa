//! An import from start to end: the reader's items, one after another,
//! through [`apply`](super::apply), with counts, the problems met, and the
//! progress an observer (a progress bar, a job row) shows.

use std::{path::Path, sync::atomic::Ordering, time::Instant};

use chrono::Utc;
use sea_orm::DatabaseConnection;
use serde::Serialize;

use super::{
    apply::{self, Options, Outcome},
    read::{self, CatalogTerms, Format, Message},
    source::SourceArticle,
    terms::Terms,
    wordpress,
};
use crate::platform::error::AppResult;

/// Problems kept for the summary; beyond this they are only counted.
pub const MAX_PROBLEMS: usize = 1_000;

/// Counts so far, and the problems met.
#[derive(Clone, Debug, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Summary {
    /// Items read (posts or news items; bad ones included).
    pub items: u64,
    pub created: u64,
    pub updated: u64,
    pub unchanged: u64,
    pub conflicts: u64,
    /// Bad items (skipped) and items whose write failed.
    pub failed: u64,
    /// Sections, tags, people, organizations, events and photos created.
    pub linked_rows_created: u64,
    pub problems: Vec<Problem>,
    /// Problems beyond [`MAX_PROBLEMS`], counted only.
    pub problems_left_out: u64,
    pub dry_run: bool,
}

/// An item that was not imported, and why.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Problem {
    pub source_id: Option<String>,
    pub line: u64,
    /// `invalid` (the item makes no sense), `conflict` (editors changed
    /// the article) or `failed` (the write failed).
    pub kind: &'static str,
    pub message: String,
}

/// What one item came to, for observers.
pub struct ItemReport<'a> {
    pub source_id: Option<&'a str>,
    pub line: u64,
    pub outcome: Result<&'a Outcome, &'a Problem>,
}

/// Where an import stands.
pub struct Progress<'a> {
    pub bytes_read: u64,
    pub bytes_total: u64,
    pub summary: &'a Summary,
}

/// Watches an import: every item's outcome, and the progress now and then.
pub trait Observer: Send {
    fn item(&mut self, report: &ItemReport<'_>);
    fn progress(&mut self, progress: &Progress<'_>);
}

/// Why an import stopped before its end.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error("cannot read the source: {0}")]
    Source(#[from] std::io::Error),
    #[error("stopped at a bad item (--strict): {}", describe(.0))]
    Strict(Problem),
    #[error("the database failed: {0}")]
    Database(String),
}

fn describe(p: &Problem) -> String {
    match &p.source_id {
        Some(id) => format!("{id} (line {}): {}", p.line, p.message),
        None => format!("line {}: {}", p.line, p.message),
    }
}

/// What an import reads and how.
pub struct Job<'a> {
    pub path: &'a Path,
    pub format: Format,
    pub options: Options,
    pub wordpress: wordpress::Options,
    /// Who imports (`sub`), recorded on revisions.
    pub by: Option<&'a str>,
}

/// Progress is reported at most this often.
const PROGRESS_EVERY_MS: u128 = 250;

/// Runs the import to its end (or its first bad item with `strict`).
pub async fn run(
    db: &DatabaseConnection,
    job: Job<'_>,
    observer: &mut dyn Observer,
) -> Result<Summary, ImportError> {
    let mut reader = read::start(job.path, job.format, job.wordpress)?;
    let mut summary = Summary {
        dry_run: job.options.dry_run,
        ..Summary::default()
    };
    let mut terms = Terms::new(Utc::now());
    let mut last = Instant::now();
    while let Some(message) = reader.messages.recv().await {
        match message {
            Message::Catalog(catalog) => {
                if !job.options.dry_run {
                    declare(db, &mut terms, &catalog)
                        .await
                        .map_err(|e| ImportError::Database(explain(&e)))?;
                }
            }
            Message::Item(item) => {
                summary.items += 1;
                let outcome = match *item {
                    Ok(item) => one(db, &mut terms, &item, &job).await,
                    Err(bad) => Err(Problem {
                        source_id: bad.source_id,
                        line: bad.line,
                        kind: "invalid",
                        message: bad.message,
                    }),
                };
                count(&mut summary, &outcome);
                let report = match &outcome {
                    Ok((id, line, o)) => ItemReport {
                        source_id: Some(id),
                        line: *line,
                        outcome: Ok(o),
                    },
                    Err(p) => ItemReport {
                        source_id: p.source_id.as_deref(),
                        line: p.line,
                        outcome: Err(p),
                    },
                };
                observer.item(&report);
                if let Err(problem) = outcome {
                    let fatal = job.options.strict && problem.kind != "conflict";
                    if fatal {
                        return Err(ImportError::Strict(problem));
                    }
                    keep(&mut summary, problem);
                }
            }
        }
        if last.elapsed().as_millis() >= PROGRESS_EVERY_MS {
            last = Instant::now();
            observer.progress(&Progress {
                bytes_read: reader.bytes_read.load(Ordering::Relaxed),
                bytes_total: reader.bytes_total,
                summary: &summary,
            });
        }
    }
    summary.linked_rows_created = terms.created;
    observer.progress(&Progress {
        bytes_read: reader.bytes_total,
        bytes_total: reader.bytes_total,
        summary: &summary,
    });
    Ok(summary)
}

/// One item: its outcome, or the problem it is (a conflict is a problem
/// to report, not a failure).
async fn one(
    db: &DatabaseConnection,
    terms: &mut Terms,
    item: &SourceArticle,
    job: &Job<'_>,
) -> Result<(String, u64, Outcome), Problem> {
    let problem = |kind, message| Problem {
        source_id: Some(item.source_id.clone()),
        line: item.line,
        kind,
        message,
    };
    match apply::apply(db, terms, item, job.options, job.by, Utc::now()).await {
        Ok(Outcome::Conflict { id, reason }) => Err(problem(
            "conflict",
            format!("article {id} not updated: {reason}"),
        )),
        Ok(outcome) => Ok((item.source_id.clone(), item.line, outcome)),
        Err(e) => Err(problem("failed", explain(&e))),
    }
}

/// An error for the report: internal causes go to the log, not to the
/// (API-readable) report.
fn explain(e: &crate::platform::error::AppError) -> String {
    if let crate::platform::error::AppError::Internal(detail) = e {
        tracing::error!(%detail, "import: a write failed");
    }
    format!("{}: {}", e.code(), e.message())
}

fn count(summary: &mut Summary, outcome: &Result<(String, u64, Outcome), Problem>) {
    match outcome {
        Ok((_, _, Outcome::Created { .. } | Outcome::WouldCreate)) => summary.created += 1,
        Ok((_, _, Outcome::Updated { .. } | Outcome::WouldUpdate { .. })) => summary.updated += 1,
        Ok((_, _, Outcome::Unchanged { .. })) => summary.unchanged += 1,
        Ok((_, _, Outcome::Conflict { .. })) => summary.conflicts += 1,
        Err(p) if p.kind == "conflict" => summary.conflicts += 1,
        Err(_) => summary.failed += 1,
    }
}

fn keep(summary: &mut Summary, problem: Problem) {
    if summary.problems.len() < MAX_PROBLEMS {
        summary.problems.push(problem);
    } else {
        summary.problems_left_out += 1;
    }
}

/// Creates what a source's catalogue declares.
async fn declare(
    db: &DatabaseConnection,
    terms: &mut Terms,
    catalog: &CatalogTerms,
) -> AppResult<()> {
    for person in &catalog.people {
        terms.person(db, person).await?;
    }
    for chain in &catalog.sections {
        terms.section(db, chain, None).await?;
    }
    for tag in &catalog.tags {
        terms.tag(db, tag).await?;
    }
    for photo in &catalog.photos {
        terms.photo(db, photo).await?;
    }
    Ok(())
}
