//! The database's series, after OpenTelemetry's database conventions:
//! `db_client_operation_duration_seconds` (every statement of the serving
//! pool, from SeaORM's metric callback), and the pool's
//! `db_client_connection_count{state}` and `db_client_connection_max`
//! (read from sqlx at scrape time).

use prometheus_client::{
    encoding::EncodeLabelSet,
    metrics::{family::Family, gauge::Gauge, histogram::Histogram},
    registry::{Registry, Unit},
};
use sea_orm::{DatabaseConnection, DbBackend};

/// Statement durations, in seconds: from a tenth of a millisecond (an
/// indexed read on SQLite) to 10 s (the statement timeout).
pub const DURATION_BUCKETS: [f64; 15] = [
    0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5,
    10.0,
];

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct StatementLabels {
    db_system_name: &'static str,
    db_operation_name: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct ConnectionLabels {
    state: &'static str,
}

/// Statement durations and the pool's state.
pub struct DatabaseMetrics {
    durations: Family<StatementLabels, Histogram>,
    connections: Family<ConnectionLabels, Gauge>,
    max: Gauge,
}

impl Default for DatabaseMetrics {
    fn default() -> Self {
        Self {
            durations: Family::new_with_constructor(|| Histogram::new(DURATION_BUCKETS)),
            connections: Family::default(),
            max: Gauge::default(),
        }
    }
}

impl DatabaseMetrics {
    /// One statement ran on `backend` for `seconds`.
    pub fn statement(&self, backend: DbBackend, sql: &str, seconds: f64) {
        let labels = StatementLabels {
            db_system_name: system_name(backend),
            db_operation_name: operation_name(sql),
        };
        self.durations.get_or_create(&labels).observe(seconds);
    }

    /// Reads the pool's size now.
    pub fn read_pool(&self, db: &DatabaseConnection) {
        let (size, idle, max) = match db.get_database_backend() {
            DbBackend::Sqlite => {
                let pool = db.get_sqlite_connection_pool();
                (
                    pool.size(),
                    pool.num_idle(),
                    pool.options().get_max_connections(),
                )
            }
            DbBackend::Postgres => {
                let pool = db.get_postgres_connection_pool();
                (
                    pool.size(),
                    pool.num_idle(),
                    pool.options().get_max_connections(),
                )
            }
            _ => return,
        };
        let idle = i64::try_from(idle).unwrap_or(i64::MAX);
        let used = (i64::from(size) - idle).max(0);
        for (state, value) in [("idle", idle), ("used", used)] {
            self.connections
                .get_or_create(&ConnectionLabels { state })
                .set(value);
        }
        self.max.set(i64::from(max));
    }

    pub(super) fn register(&self, registry: &mut Registry) {
        registry.register_with_unit(
            "db_client_operation_duration",
            "Duration of SQL statements run by request handlers, by statement kind",
            Unit::Seconds,
            self.durations.clone(),
        );
        registry.register(
            "db_client_connection_count",
            "Connections of the serving pool, by state (idle, used)",
            self.connections.clone(),
        );
        registry.register(
            "db_client_connection_max",
            "Largest number of connections of the serving pool (DATABASE_MAX_CONNECTIONS)",
            self.max.clone(),
        );
    }
}

/// OpenTelemetry's `db.system.name` of a backend.
fn system_name(backend: DbBackend) -> &'static str {
    match backend {
        DbBackend::Sqlite => "sqlite",
        DbBackend::Postgres => "postgresql",
        _ => "other_sql",
    }
}

/// The statement's kind, from its first keyword (a bounded set).
fn operation_name(sql: &str) -> &'static str {
    let first = sql
        .trim_start_matches(|c: char| c.is_whitespace() || c == '(')
        .split(|c: char| !c.is_ascii_alphabetic())
        .next()
        .unwrap_or_default();
    const KINDS: [&str; 10] = [
        "SELECT",
        "INSERT",
        "UPDATE",
        "DELETE",
        "WITH",
        "BEGIN",
        "COMMIT",
        "ROLLBACK",
        "SAVEPOINT",
        "RELEASE",
    ];
    KINDS
        .into_iter()
        .find(|kind| first.eq_ignore_ascii_case(kind))
        .unwrap_or("OTHER")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statements_by_their_first_keyword() {
        assert_eq!(operation_name("SELECT 1"), "SELECT");
        assert_eq!(operation_name("  insert INTO x"), "INSERT");
        assert_eq!(operation_name("(SELECT 1) UNION (SELECT 2)"), "SELECT");
        assert_eq!(operation_name("PRAGMA x"), "OTHER");
        assert_eq!(operation_name(""), "OTHER");
    }
}
