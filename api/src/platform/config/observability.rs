//! What an operator watches: where `/metrics` is served, how log lines are
//! written, and how many GraphQL operation names get series of their own.
//! (Traces follow OpenTelemetry's own `OTEL_EXPORTER_OTLP_*` variables.)

use std::net::SocketAddr;

/// Default of `METRICS_OPERATION_NAMES`.
pub const DEFAULT_OPERATION_NAMES: usize = 100;

/// How log lines are written.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum LogFormat {
    /// One JSON object per line (the default in production).
    Json,
    /// Human-readable lines (the default elsewhere).
    Text,
}

/// The observability settings (flattened into [`super::Config`]).
#[derive(Clone, Debug, clap::Args)]
pub struct ObservabilityConfig {
    /// Serve `GET /metrics` on this address only (e.g. `0.0.0.0:9090`),
    /// not on the public listener. Unset: `/metrics` is on the public
    /// listener.
    #[arg(long, env = "METRICS_ADDR")]
    pub metrics_addr: Option<SocketAddr>,

    /// `json` or `text`; default `json` when `APP_ENV=production`, `text`
    /// otherwise.
    #[arg(long, env = "LOG_FORMAT", value_enum)]
    pub log_format: Option<LogFormat>,

    /// Distinct GraphQL operation names that get series of their own in
    /// `/metrics`; later names are counted as `other`.
    #[arg(long, env = "METRICS_OPERATION_NAMES", default_value_t = DEFAULT_OPERATION_NAMES)]
    pub metrics_operation_names: usize,
}

impl Default for ObservabilityConfig {
    /// `/metrics` on the public listener, the environment's log format.
    fn default() -> Self {
        Self {
            metrics_addr: None,
            log_format: None,
            metrics_operation_names: DEFAULT_OPERATION_NAMES,
        }
    }
}

impl ObservabilityConfig {
    /// The log format: the setting, else JSON in production.
    pub fn log_format(&self, production: bool) -> LogFormat {
        match self.log_format {
            Some(format) => format,
            None if production => LogFormat::Json,
            None => LogFormat::Text,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_by_default_in_production_only() {
        let config = ObservabilityConfig::default();
        assert_eq!(config.log_format(true), LogFormat::Json);
        assert_eq!(config.log_format(false), LogFormat::Text);
        let text = ObservabilityConfig {
            log_format: Some(LogFormat::Text),
            ..ObservabilityConfig::default()
        };
        assert_eq!(text.log_format(true), LogFormat::Text);
    }
}
