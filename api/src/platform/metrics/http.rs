//! `http_server_request_duration_seconds` (OpenTelemetry's HTTP server
//! metric): one histogram per route template, method and status code.

use prometheus_client::{
    encoding::EncodeLabelSet,
    metrics::{family::Family, histogram::Histogram},
    registry::{Registry, Unit},
};

/// OpenTelemetry's advice for HTTP durations, in seconds.
pub const DURATION_BUCKETS: [f64; 14] = [
    0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1.0, 2.5, 5.0, 7.5, 10.0,
];

/// The route label of requests that matched no route.
pub const UNMATCHED_ROUTE: &str = "unmatched";

/// The labels of one request.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct RequestLabels {
    /// The matched route template (`/feeds/{file}`), never the raw path.
    pub http_route: String,
    /// `GET`, `POST`…; `_OTHER` for methods outside the standard set.
    pub http_request_method: String,
    pub http_response_status_code: u16,
}

/// The request duration histogram.
pub struct HttpMetrics {
    durations: Family<RequestLabels, Histogram>,
}

impl Default for HttpMetrics {
    fn default() -> Self {
        Self {
            durations: Family::new_with_constructor(|| Histogram::new(DURATION_BUCKETS)),
        }
    }
}

impl HttpMetrics {
    /// One request answered after `seconds`.
    pub fn observe(&self, labels: &RequestLabels, seconds: f64) {
        self.durations.get_or_create(labels).observe(seconds);
    }

    pub(super) fn register(&self, registry: &mut Registry) {
        registry.register_with_unit(
            "http_server_request_duration",
            "Duration of HTTP server requests, by route template, method and status code",
            Unit::Seconds,
            self.durations.clone(),
        );
    }
}

/// The method as a label: the standard methods by name, any other as
/// `_OTHER` (OpenTelemetry's rule), so a client cannot grow the series.
pub fn method_label(method: &axum::http::Method) -> &'static str {
    use axum::http::Method;
    match *method {
        Method::GET => "GET",
        Method::POST => "POST",
        Method::HEAD => "HEAD",
        Method::OPTIONS => "OPTIONS",
        Method::PUT => "PUT",
        Method::PATCH => "PATCH",
        Method::DELETE => "DELETE",
        Method::CONNECT => "CONNECT",
        Method::TRACE => "TRACE",
        _ => "_OTHER",
    }
}
