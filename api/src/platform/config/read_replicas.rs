//! Read replicas: `DATABASE_READ_URL` (PostgreSQL streaming replicas that
//! take anonymous and partner reads off the primary) and
//! `DATABASE_READ_MAX_LAG` (how far behind one may be and still serve).
//! The URLs may carry passwords: they show only redacted.

use std::{str::FromStr, time::Duration};

use sea_orm::sqlx::postgres::PgConnectOptions;

use super::{ConfigError, DatabaseUrl, load::parse_duration};

/// Default of `DATABASE_READ_MAX_LAG`.
pub const DEFAULT_MAX_LAG: Duration = Duration::from_secs(5);

/// The read replicas' settings (flattened into [`super::Config`]).
#[derive(Clone, Debug, clap::Args)]
pub struct ReadReplicaConfig {
    /// PostgreSQL streaming replicas (hot standbys) of `DATABASE_URL` that
    /// serve anonymous and partner reads: one or more `postgres://…` URLs,
    /// comma-separated. Writes, staff reads and a client's reads right
    /// after its own writes stay on the primary. Needs a PostgreSQL
    /// `DATABASE_URL`.
    #[arg(long, env = "DATABASE_READ_URL", hide_env_values = true,
          value_parser = ReadUrls::parse)]
    pub database_read_url: Option<ReadUrls>,

    /// How far a replica may lag behind the primary and still serve reads,
    /// e.g. `5s` or `500ms` (a bare number is seconds). Past it, or when it
    /// fails, the primary serves its reads.
    #[arg(long, env = "DATABASE_READ_MAX_LAG", value_parser = parse_duration,
          default_value = "5s")]
    pub database_read_max_lag: Duration,
}

impl Default for ReadReplicaConfig {
    fn default() -> Self {
        Self {
            database_read_url: None,
            database_read_max_lag: DEFAULT_MAX_LAG,
        }
    }
}

impl ReadReplicaConfig {
    /// The replicas' URLs (none when unset).
    pub fn urls(&self) -> &[DatabaseUrl] {
        self.database_read_url.as_ref().map_or(&[], |u| &u.0)
    }

    /// Refuses read replicas in front of a SQLite database: there is
    /// nothing to replicate from.
    pub fn check(&self, primary: &DatabaseUrl) -> Result<(), ConfigError> {
        if !self.urls().is_empty() && !is_postgres(primary) {
            return Err(ConfigError::new(
                "DATABASE_READ_URL needs a PostgreSQL DATABASE_URL: read replicas are \
                 PostgreSQL streaming replicas of it (DATABASE_URL is SQLite; unset \
                 DATABASE_READ_URL)",
            ));
        }
        Ok(())
    }
}

/// One or more replica URLs, each a `postgres://` or `postgresql://` URL.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReadUrls(pub Vec<DatabaseUrl>);

impl ReadUrls {
    /// Parses `DATABASE_READ_URL`: comma-separated PostgreSQL URLs.
    pub fn parse(text: &str) -> Result<Self, String> {
        let mut urls = Vec::new();
        for part in text.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let url = DatabaseUrl::from(part);
            if !is_postgres(&url) {
                return Err(format!(
                    "{} is not a PostgreSQL URL: read replicas are postgres://… URLs",
                    url.redacted()
                ));
            }
            if let Err(err) = PgConnectOptions::from_str(&url) {
                return Err(format!(
                    "{} is not a valid PostgreSQL URL: {err}",
                    url.redacted()
                ));
            }
            urls.push(url);
        }
        if urls.is_empty() {
            return Err("no URL given: use postgres://… URLs, comma-separated".to_owned());
        }
        Ok(Self(urls))
    }
}

fn is_postgres(url: &DatabaseUrl) -> bool {
    url.starts_with("postgres://") || url.starts_with("postgresql://")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_are_postgresql_and_comma_separated() {
        let urls = ReadUrls::parse("postgres://a:pw@r1/db, postgresql://r2/db").unwrap();
        assert_eq!(urls.0.len(), 2);
        assert!(!format!("{urls:?}").contains("pw"));
        let refused = ReadUrls::parse("postgres://r1/db,sqlite://x.db").unwrap_err();
        assert!(refused.contains("sqlite://x.db"), "{refused}");
        let refused = ReadUrls::parse("mysql://u:secret@h/db").unwrap_err();
        assert!(!refused.contains("secret"), "{refused}");
        assert!(ReadUrls::parse(" , ").is_err());
    }

    #[test]
    fn sqlite_primaries_refuse_read_replicas() {
        let config = ReadReplicaConfig {
            database_read_url: Some(ReadUrls::parse("postgres://r1/db").unwrap()),
            ..ReadReplicaConfig::default()
        };
        let error = config
            .check(&DatabaseUrl::from("sqlite://toasoan.db"))
            .unwrap_err();
        assert!(error.0.contains("DATABASE_READ_URL"), "{error}");
        assert!(
            config
                .check(&DatabaseUrl::from("postgres://primary/db"))
                .is_ok()
        );
        assert!(
            ReadReplicaConfig::default()
                .check(&DatabaseUrl::from("sqlite://toasoan.db"))
                .is_ok()
        );
    }
}
