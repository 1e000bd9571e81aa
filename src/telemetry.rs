//! Logs and traces of the process.
//!
//! Logs: `LOG_FORMAT=json|text` (JSON by default when
//! `APP_ENV=production`; text is coloured on a terminal only), filtered
//! by `RUST_LOG` (default `info,sqlx=warn,sea_orm=warn`). JSON lines are flat objects
//! (`timestamp`, `level`, `target`, `message`, the event's fields) with
//! the enclosing spans in `spans`, so a request's lines all carry its
//! `request_id`.
//!
//! Traces: when `OTEL_EXPORTER_OTLP_ENDPOINT` is set, spans at `info` (the
//! request, each DataLoader batch, each SQL statement) are exported over
//! OTLP/HTTP with protobuf, batched (`OTEL_BSP_*`), under
//! `OTEL_SERVICE_NAME` (default `toasoan`). Unset, no exporter and no layer
//! exist.

use std::io::IsTerminal;

use opentelemetry::trace::TracerProvider as _;
use opentelemetry_otlp::{Protocol, SpanExporter, WithExportConfig};
use opentelemetry_sdk::{Resource, trace::SdkTracerProvider};
use tracing_subscriber::{EnvFilter, Layer, layer::SubscriberExt, util::SubscriberInitExt};

use api::platform::config::{Config, observability::LogFormat};

/// The log filter when `RUST_LOG` is unset.
const DEFAULT_FILTER: &str = "info,sqlx=warn,sea_orm=warn";
/// What traces get: every span at `info`, SQL statements and DataLoader
/// batches (a `debug` span, so that logs at `info` skip it) included.
const TRACE_FILTER: &str = "info,sqlx=warn,api::graphql::dataloader=debug";

/// Keeps the trace exporter; dropping it sends the spans still buffered.
pub struct Telemetry {
    traces: Option<SdkTracerProvider>,
}

impl Drop for Telemetry {
    fn drop(&mut self) {
        if let Some(provider) = self.traces.take()
            && let Err(err) = provider.shutdown()
        {
            eprintln!("warning: sending the last traces failed: {err}");
        }
    }
}

/// Installs the global subscriber: logs in the configured format, and
/// traces when an OTLP endpoint is set. A second call changes nothing.
pub fn init(config: &Config) -> Telemetry {
    let filter =
        EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(DEFAULT_FILTER));
    let logs = match config.observability.log_format(config.is_production()) {
        LogFormat::Json => tracing_subscriber::fmt::layer()
            .json()
            .flatten_event(true)
            .with_current_span(false)
            .with_span_list(true)
            .boxed(),
        LogFormat::Text => tracing_subscriber::fmt::layer()
            .with_ansi(std::io::stdout().is_terminal())
            .boxed(),
    };
    let (provider, problem) = match tracer_provider() {
        Ok(provider) => (provider, None),
        Err(err) => (None, Some(err)),
    };
    let traces = provider.as_ref().map(|provider| {
        tracing_opentelemetry::layer()
            .with_tracer(provider.tracer("toasoan"))
            .with_filter(EnvFilter::new(TRACE_FILTER))
    });
    let _ = tracing_subscriber::registry()
        .with(logs.with_filter(filter))
        .with(traces)
        .try_init();
    if let Some(err) = problem {
        tracing::warn!(%err, "OTEL_EXPORTER_OTLP_ENDPOINT is set but the exporter did not start: no traces");
    } else if provider.is_some() {
        tracing::info!("exporting traces over OTLP/HTTP");
    }
    Telemetry { traces: provider }
}

/// The tracer provider when `OTEL_EXPORTER_OTLP_ENDPOINT` (or its traces'
/// variant) is set.
fn tracer_provider() -> Result<Option<SdkTracerProvider>, String> {
    let set = |name: &str| std::env::var(name).is_ok_and(|v| !v.trim().is_empty());
    if !set("OTEL_EXPORTER_OTLP_ENDPOINT") && !set("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT") {
        return Ok(None);
    }
    // An https endpoint needs a TLS provider (the tree's rustls has ring).
    let _ = rustls::crypto::ring::default_provider().install_default();
    // The endpoint, headers and timeout come from the standard variables.
    let exporter = SpanExporter::builder()
        .with_http()
        .with_protocol(Protocol::HttpBinary)
        .build()
        .map_err(|e| e.to_string())?;
    let mut resource = Resource::builder();
    if !set("OTEL_SERVICE_NAME") {
        resource = resource.with_service_name("toasoan");
    }
    Ok(Some(
        SdkTracerProvider::builder()
            .with_batch_exporter(exporter)
            .with_resource(resource.build())
            .build(),
    ))
}
