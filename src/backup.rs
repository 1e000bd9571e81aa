//! `toasoan backup PATH`: an online, consistent copy of a SQLite database,
//! taken while the server serves.
//!
//! SQLite's `VACUUM INTO` reads the database inside one read transaction
//! (a snapshot: writers go on, in WAL mode they never wait for it) and
//! writes a compact, self-contained database file (no `-wal` beside it).
//! The copy is written under a temporary name beside `PATH`, checked with
//! `PRAGMA quick_check`, then renamed: a `PATH` that exists is always a
//! complete copy. PostgreSQL is refused: `pg_dump` is its tool.

use std::{
    path::{Path, PathBuf},
    time::Duration,
};

use sea_orm::{
    ConnectOptions, ConnectionTrait, Database, DatabaseConnection, DbBackend, DbErr, Statement,
};

/// The arguments of `toasoan backup`.
#[derive(Clone, Debug, clap::Args)]
pub struct BackupArgs {
    /// Where to write the copy: a new file (an existing one is refused).
    pub path: PathBuf,
}

/// Why no backup was written.
#[derive(Debug, thiserror::Error)]
pub enum BackupError {
    /// The database is PostgreSQL.
    #[error(
        "`toasoan backup` copies SQLite databases; for PostgreSQL use pg_dump \
         (`pg_dump --format=custom --file=toasoan.dump \"$DATABASE_URL\"`, restored with \
         pg_restore) or WAL archiving for point-in-time recovery (docs/OPERATIONS.md)"
    )]
    Postgres,
    /// The target exists.
    #[error("{0} already exists: a backup never overwrites a file; choose a new path")]
    Exists(PathBuf),
    /// The database has no Toà Soạn schema (or does not exist).
    #[error(
        "the database at DATABASE_URL has no Toà Soạn schema (no seaql_migrations): nothing to back up"
    )]
    NotToasoan,
    /// The database cannot be opened (a wrong path, no rights).
    #[error("cannot open the SQLite database of DATABASE_URL ({0}): check its path")]
    Open(DbErr),
    /// The copy failed its check.
    #[error("the copy failed SQLite's quick_check ({0}); it was removed")]
    Corrupt(String),
    /// SQLite failed.
    #[error("backup failed: {0}")]
    Db(#[from] DbErr),
    /// Moving the finished copy into place failed.
    #[error("backup failed: {0}")]
    Io(#[from] std::io::Error),
}

/// What was written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BackupReport {
    pub path: PathBuf,
    pub bytes: u64,
}

impl std::fmt::Display for BackupReport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "backup written to {} ({} bytes, checked)",
            self.path.display(),
            self.bytes
        )
    }
}

/// Copies the SQLite database at `url` to `path`.
pub async fn run(url: &str, path: &Path) -> Result<BackupReport, BackupError> {
    if !url.starts_with("sqlite:") {
        return Err(BackupError::Postgres);
    }
    if path.exists() {
        return Err(BackupError::Exists(path.to_owned()));
    }
    let source = open(url).await?;
    let copied = copy(&source, path).await;
    let _ = source.close().await;
    copied
}

/// One connection to an existing database (never creating one).
async fn open(url: &str) -> Result<DatabaseConnection, BackupError> {
    let mut options = ConnectOptions::new(url.to_owned());
    options
        .max_connections(1)
        .min_connections(0)
        .sqlx_logging(false)
        .map_sqlx_sqlite_opts(|o| {
            o.create_if_missing(false)
                .busy_timeout(Duration::from_secs(30))
        });
    let db = Database::connect(options)
        .await
        .map_err(BackupError::Open)?;
    if !has_schema(&db).await? {
        let _ = db.close().await;
        return Err(BackupError::NotToasoan);
    }
    Ok(db)
}

async fn has_schema(db: &DatabaseConnection) -> Result<bool, DbErr> {
    let row = db
        .query_one_raw(Statement::from_string(
            DbBackend::Sqlite,
            "SELECT count(*) AS n FROM sqlite_master WHERE type = 'table' AND name = 'seaql_migrations'",
        ))
        .await?;
    Ok(row
        .map(|r| r.try_get::<i64>("", "n"))
        .transpose()?
        .unwrap_or(0)
        == 1)
}

/// `VACUUM INTO` a temporary file beside `path`, checked, then renamed.
async fn copy(source: &DatabaseConnection, path: &Path) -> Result<BackupReport, BackupError> {
    let mut partial = path.as_os_str().to_owned();
    partial.push(format!(".partial-{}", std::process::id()));
    let partial = PathBuf::from(partial);
    let _ = std::fs::remove_file(&partial);
    let written = async {
        source
            .execute_raw(Statement::from_sql_and_values(
                DbBackend::Sqlite,
                "VACUUM INTO ?",
                [partial.to_string_lossy().into_owned().into()],
            ))
            .await?;
        check(&partial).await?;
        if path.exists() {
            return Err(BackupError::Exists(path.to_owned()));
        }
        std::fs::rename(&partial, path)?;
        Ok(())
    }
    .await;
    if let Err(err) = written {
        let _ = std::fs::remove_file(&partial);
        return Err(err);
    }
    Ok(BackupReport {
        path: path.to_owned(),
        bytes: std::fs::metadata(path)?.len(),
    })
}

/// `PRAGMA quick_check` on the copy.
async fn check(copy: &Path) -> Result<(), BackupError> {
    let url = format!("sqlite://{}?mode=ro", copy.display());
    let mut options = ConnectOptions::new(url);
    options
        .max_connections(1)
        .min_connections(0)
        .sqlx_logging(false);
    let db = Database::connect(options).await?;
    let rows = db
        .query_all_raw(Statement::from_string(
            DbBackend::Sqlite,
            "PRAGMA quick_check",
        ))
        .await;
    let _ = db.close().await;
    let answers: Vec<String> = rows?
        .iter()
        .map(|r| r.try_get_by_index::<String>(0))
        .collect::<Result<_, _>>()?;
    if answers == ["ok"] {
        Ok(())
    } else {
        Err(BackupError::Corrupt(answers.join("; ")))
    }
}
