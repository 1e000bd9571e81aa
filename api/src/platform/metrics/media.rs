//! The media library on this replica: uploads by outcome, renditions by
//! where they came from (a CDN miss that the store answers is cheap; one
//! that is rendered costs a decode).

use prometheus_client::{
    encoding::EncodeLabelSet,
    metrics::{counter::Counter, family::Family},
    registry::Registry,
};

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct Outcome {
    outcome: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct Source {
    source: &'static str,
}

/// The media library's counters.
#[derive(Default)]
pub struct MediaMetrics {
    uploads: Family<Outcome, Counter>,
    renditions: Family<Source, Counter>,
}

impl MediaMetrics {
    /// An upload: `created`, `existing` (the same bytes again) or
    /// `refused`.
    pub fn upload(&self, outcome: &'static str) {
        self.uploads.get_or_create(&Outcome { outcome }).inc();
    }

    /// A rendition served: `store` (rendered before) or `rendered`.
    pub fn rendition(&self, source: &'static str) {
        self.renditions.get_or_create(&Source { source }).inc();
    }

    pub(super) fn register(&self, registry: &mut Registry) {
        registry.register(
            "toasoan_media_uploads",
            "Media uploads by outcome (created, existing, refused)",
            self.uploads.clone(),
        );
        registry.register(
            "toasoan_media_renditions",
            "Renditions served, by source (store: rendered before; rendered: decoded now)",
            self.renditions.clone(),
        );
    }
}
