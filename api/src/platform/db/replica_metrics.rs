//! The read replicas in Prometheus' text format: one series per replica
//! (labelled `replica="host:port/database"`), and the reads the primary
//! served in their stead. Rendered by [`render`], for `/metrics`.

use std::fmt::Write;

use super::read_replicas::Databases;

/// Appends the replicas' series to `text` (nothing without replicas).
pub fn render(databases: &Databases, text: &mut String) {
    let replicas = databases.replicas();
    if replicas.is_empty() {
        return;
    }
    let series: [(&str, &str, &str); 4] = [
        (
            "toasoan_db_replica_up",
            "gauge",
            "Whether the read replica serves reads (1) or is skipped (0).",
        ),
        (
            "toasoan_db_replica_lag_seconds",
            "gauge",
            "How far the read replica was behind the primary at its last check.",
        ),
        (
            "toasoan_db_replica_reads_total",
            "counter",
            "Reads routed to the read replica.",
        ),
        (
            "toasoan_db_replica_statements_total",
            "counter",
            "SQL statements that reads ran on the read replica.",
        ),
    ];
    for (name, kind, help) in series {
        let _ = writeln!(text, "# HELP {name} {help}\n# TYPE {name} {kind}");
        for replica in replicas {
            let label = replica.name.replace('\\', "\\\\").replace('"', "\\\"");
            let value = match name {
                "toasoan_db_replica_up" => u64::from(replica.is_up()).to_string(),
                "toasoan_db_replica_lag_seconds" => format!("{:.3}", replica.lag().as_secs_f64()),
                "toasoan_db_replica_reads_total" => replica.reads_routed().to_string(),
                _ => replica.statements().to_string(),
            };
            let _ = writeln!(text, "{name}{{replica=\"{label}\"}} {value}");
        }
    }
    let name = "toasoan_db_primary_reads_total";
    let _ = writeln!(
        text,
        "# HELP {name} Reads the primary served although read replicas are configured \
         (staff, read-your-writes, replicas lagging or down).\n# TYPE {name} counter\n{name} {}",
        databases.primary_reads()
    );
}
