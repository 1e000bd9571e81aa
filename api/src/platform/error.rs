//! One error type for every layer, with a stable code that clients can
//! branch on. The faces turn it into their own shape: GraphQL errors with
//! `extensions.code` (`graphql/error.rs`), REST error bodies
//! (`http/rest_error.rs`).

/// Stable error codes (the `extensions.code` of every GraphQL error).
pub mod code {
    pub const NOT_FOUND: &str = "NOT_FOUND";
    pub const UNAUTHENTICATED: &str = "UNAUTHENTICATED";
    pub const FORBIDDEN: &str = "FORBIDDEN";
    pub const BAD_USER_INPUT: &str = "BAD_USER_INPUT";
    pub const CONFLICT: &str = "CONFLICT";
    pub const RATE_LIMITED: &str = "RATE_LIMITED";
    pub const INTERNAL_SERVER_ERROR: &str = "INTERNAL_SERVER_ERROR";
    pub const GRAPHQL_PARSE_FAILED: &str = "GRAPHQL_PARSE_FAILED";
    pub const GRAPHQL_VALIDATION_FAILED: &str = "GRAPHQL_VALIDATION_FAILED";
    pub const BAD_REQUEST: &str = "BAD_REQUEST";
    pub const DATABASE_BUSY: &str = "DATABASE_BUSY";
    pub const TIMEOUT: &str = "TIMEOUT";
    pub const SERVICE_UNAVAILABLE: &str = "SERVICE_UNAVAILABLE";
}

/// Seconds a client is told to wait (`Retry-After`) after a `503`: long
/// enough for a burst to pass, short enough for a reader to stay.
pub const RETRY_AFTER_SECS: u64 = 2;

/// Everything that can go wrong while answering a request.
///
/// Deliberately not `Display`: async-graphql turns any `Display` type into
/// an error without a code, so this type only converts through the `From`
/// impl of `graphql/error.rs`, which always sets `extensions.code` (and
/// hides internals).
#[derive(Clone, Debug)]
pub enum AppError {
    NotFound(String),
    Unauthenticated,
    Forbidden(String),
    BadUserInput {
        field: String,
        message: String,
    },
    /// Several input errors at once (validation of a whole input object).
    Invalid(Vec<FieldError>),
    Conflict(String),
    /// An update sent a version that is no longer the current one.
    StaleVersion {
        kind: &'static str,
        current: i32,
    },
    RateLimited,
    /// SQLite's write lock stayed taken past the busy timeout (many
    /// concurrent writers): nothing was saved, a retry can succeed.
    Busy,
    /// A statement ran past `DB_STATEMENT_TIMEOUT_MS` (or the request past
    /// `REQUEST_TIMEOUT`) and was cancelled.
    Timeout,
    /// No pooled database connection came free in time: the server is
    /// overloaded, a retry later can succeed.
    Unavailable,
    /// The cause is logged, never shown to the client.
    Internal(String),
}

impl AppError {
    /// A `BAD_USER_INPUT` error about one argument or input field.
    pub fn bad_input(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self::BadUserInput {
            field: field.into(),
            message: message.into(),
        }
    }

    /// The message shown to the client.
    pub fn message(&self) -> String {
        match self {
            Self::NotFound(what) => format!("{what} not found"),
            Self::Unauthenticated => "authentication required".to_owned(),
            Self::Forbidden(message) | Self::Conflict(message) => message.clone(),
            Self::BadUserInput { message, .. } => message.clone(),
            Self::Invalid(errors) => match errors.as_slice() {
                [one] => format!("{}: {}", one.field, one.message),
                many => format!(
                    "{} input errors: {}",
                    many.len(),
                    many.iter()
                        .map(|e| format!("{}: {}", e.field, e.message))
                        .collect::<Vec<_>>()
                        .join("; ")
                ),
            },
            Self::RateLimited => "too many requests".to_owned(),
            Self::Busy => "the database is busy with other writes: nothing was saved, \
                           retry in a moment"
                .to_owned(),
            Self::Timeout => "the request took too long and was cancelled: retry later".to_owned(),
            Self::Unavailable => "the server is busy: retry later".to_owned(),
            Self::StaleVersion { kind, current } => format!(
                "the {kind} was changed by someone else and is now at version {current}: \
                 reload it and apply your change again"
            ),
            Self::Internal(_) => "internal server error".to_owned(),
        }
    }

    /// The stable code of this error.
    pub fn code(&self) -> &'static str {
        match self {
            Self::NotFound(_) => code::NOT_FOUND,
            Self::Unauthenticated => code::UNAUTHENTICATED,
            Self::Forbidden(_) => code::FORBIDDEN,
            Self::BadUserInput { .. } | Self::Invalid(_) => code::BAD_USER_INPUT,
            Self::Conflict(_) | Self::StaleVersion { .. } => code::CONFLICT,
            Self::RateLimited => code::RATE_LIMITED,
            Self::Busy => code::DATABASE_BUSY,
            Self::Timeout => code::TIMEOUT,
            Self::Unavailable => code::SERVICE_UNAVAILABLE,
            Self::Internal(_) => code::INTERNAL_SERVER_ERROR,
        }
    }
}

impl From<sea_orm::DbErr> for AppError {
    fn from(err: sea_orm::DbErr) -> Self {
        Self::from(&err)
    }
}

impl From<std::sync::Arc<sea_orm::DbErr>> for AppError {
    fn from(err: std::sync::Arc<sea_orm::DbErr>) -> Self {
        Self::from(&*err)
    }
}

impl From<&sea_orm::DbErr> for AppError {
    fn from(err: &sea_orm::DbErr) -> Self {
        use sea_orm::{ConnAcquireErr, DbErr};
        if is_sqlite_busy(err) {
            return Self::Busy;
        }
        if matches!(err, DbErr::ConnectionAcquire(ConnAcquireErr::Timeout)) {
            return Self::Unavailable;
        }
        if is_cancelled_statement(err) {
            return Self::Timeout;
        }
        Self::Internal(format!("database: {err}"))
    }
}

impl AppError {
    /// The `Retry-After` of errors that a later retry can cure: `503`s.
    pub fn retry_after_secs(&self) -> Option<u64> {
        match self {
            Self::Timeout | Self::Unavailable => Some(RETRY_AFTER_SECS),
            _ => None,
        }
    }
}

/// The database error of a statement, when there is one.
fn database_error(err: &sea_orm::DbErr) -> Option<&dyn sea_orm::sqlx::error::DatabaseError> {
    use sea_orm::{DbErr, RuntimeErr};
    match err {
        DbErr::Exec(RuntimeErr::SqlxError(e))
        | DbErr::Query(RuntimeErr::SqlxError(e))
        | DbErr::Conn(RuntimeErr::SqlxError(e)) => e.as_database_error(),
        _ => None,
    }
}

/// A statement stopped by its time limit: PostgreSQL's `query_canceled`
/// (57014, what `statement_timeout` raises) or SQLite's `SQLITE_INTERRUPT`
/// (9, what the progress handler of `db::timeout` causes).
fn is_cancelled_statement(err: &sea_orm::DbErr) -> bool {
    let Some(db) = database_error(err) else {
        return false;
    };
    let code = db.code();
    if db
        .try_downcast_ref::<sea_orm::sqlx::sqlite::SqliteError>()
        .is_some()
    {
        code.and_then(|code| code.parse::<i32>().ok())
            .is_some_and(|code| code & 0xff == 9)
    } else {
        code.as_deref() == Some("57014")
    }
}

/// SQLITE_BUSY (5) and its extended codes: the lock was not free in time.
fn is_sqlite_busy(err: &sea_orm::DbErr) -> bool {
    database_error(err)
        .filter(|db| {
            db.try_downcast_ref::<sea_orm::sqlx::sqlite::SqliteError>()
                .is_some()
        })
        .and_then(|db| db.code())
        .and_then(|code| code.parse::<i32>().ok())
        .is_some_and(|code| code & 0xff == 5)
}

/// One problem with one input field.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FieldError {
    /// Path of the field, e.g. `input.body[2].image.url`.
    pub field: String,
    pub message: String,
}

/// Collects input errors so a client learns about all of them at once.
#[derive(Default)]
pub struct Errors(Vec<FieldError>);

impl Errors {
    /// Records an error about `field`.
    pub fn add(&mut self, field: impl Into<String>, message: impl Into<String>) {
        self.0.push(FieldError {
            field: field.into(),
            message: message.into(),
        });
    }

    /// Records an error unless `ok`.
    pub fn check(&mut self, ok: bool, field: impl Into<String>, message: impl Into<String>) {
        if !ok {
            self.add(field, message);
        }
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// `Ok(())` when nothing was recorded.
    pub fn finish(self) -> AppResult<()> {
        match self.0.len() {
            0 => Ok(()),
            _ => Err(AppError::Invalid(self.0)),
        }
    }
}

/// The result type of resolvers and query functions.
pub type AppResult<T> = Result<T, AppError>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_variant_has_its_stable_code() {
        let cases = [
            (AppError::NotFound("article".into()), code::NOT_FOUND),
            (AppError::Unauthenticated, code::UNAUTHENTICATED),
            (AppError::Forbidden("no".into()), code::FORBIDDEN),
            (
                AppError::bad_input("first", "too big"),
                code::BAD_USER_INPUT,
            ),
            (AppError::Conflict("stale".into()), code::CONFLICT),
            (AppError::RateLimited, code::RATE_LIMITED),
            (AppError::Busy, code::DATABASE_BUSY),
            (AppError::Timeout, code::TIMEOUT),
            (AppError::Unavailable, code::SERVICE_UNAVAILABLE),
            (
                AppError::Internal("boom".into()),
                code::INTERNAL_SERVER_ERROR,
            ),
        ];
        for (err, expected) in cases {
            assert_eq!(err.code(), expected);
        }
    }

    #[test]
    fn a_full_pool_is_unavailable_and_says_when_to_retry() {
        let err = AppError::from(sea_orm::DbErr::ConnectionAcquire(
            sea_orm::ConnAcquireErr::Timeout,
        ));
        assert_eq!(err.code(), code::SERVICE_UNAVAILABLE);
        assert_eq!(err.retry_after_secs(), Some(RETRY_AFTER_SECS));
    }
}
