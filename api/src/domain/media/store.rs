//! Where originals and renditions live: one interface (object_store's)
//! over the local filesystem (`MEDIA_DIR`, the embedded default) and
//! S3-compatible object storage (`MEDIA_S3_BUCKET`, shared by replicas).
//!
//! Keys are derived from the original's content hash, so two uploads of
//! the same bytes share one object, and a photo's renditions sit under one
//! prefix that a delete removes whole:
//! `originals/{sha256}` and `renditions/{sha256}/{w}x{h}-{fit}[-{fx}-{fy}].{ext}`.

use std::{path::PathBuf, sync::Arc};

use bytes::Bytes;
use futures_util::TryStreamExt;
use object_store::{ObjectStore, ObjectStoreExt, PutPayload, path::Path};

use super::{
    render::Focal,
    spec::{Fit, Spec},
};
use crate::platform::config::{DatabaseUrl, media::MediaConfig};

/// The media store of this replica.
#[derive(Clone)]
pub struct Storage {
    store: Arc<dyn ObjectStore>,
    /// `local` or `s3`, for the log and `/readyz`-style diagnostics.
    pub kind: &'static str,
}

impl Storage {
    /// The store the settings name: S3 when `MEDIA_S3_BUCKET` is set, else
    /// `MEDIA_DIR` (created if missing), else `media/` beside the SQLite
    /// database file, else `./media`.
    pub fn from_config(config: &MediaConfig, database_url: &DatabaseUrl) -> Result<Self, String> {
        if let Some(bucket) = &config.media_s3_bucket {
            return Self::s3(config, bucket);
        }
        let dir = config
            .media_dir
            .clone()
            .unwrap_or_else(|| default_dir(database_url));
        Self::local(dir)
    }

    /// Files under `dir`.
    pub fn local(dir: PathBuf) -> Result<Self, String> {
        std::fs::create_dir_all(&dir).map_err(|e| format!("MEDIA_DIR {}: {e}", dir.display()))?;
        let store = object_store::local::LocalFileSystem::new_with_prefix(&dir)
            .map_err(|e| format!("MEDIA_DIR {}: {e}", dir.display()))?;
        Ok(Self {
            store: Arc::new(store.with_automatic_cleanup(true)),
            kind: "local",
        })
    }

    /// Objects in memory: lost at exit (a fallback, and for tools).
    pub fn memory() -> Self {
        Self {
            store: Arc::new(object_store::memory::InMemory::new()),
            kind: "memory",
        }
    }

    fn s3(config: &MediaConfig, bucket: &str) -> Result<Self, String> {
        // reqwest is built without a TLS provider of its own.
        let _ = rustls::crypto::ring::default_provider().install_default();
        let mut builder =
            object_store::aws::AmazonS3Builder::from_env().with_bucket_name(bucket.to_owned());
        if let Some(region) = &config.media_s3_region {
            builder = builder.with_region(region.clone());
        }
        if let Some(endpoint) = &config.media_s3_endpoint {
            builder = builder
                .with_allow_http(endpoint.starts_with("http://"))
                .with_endpoint(endpoint.clone());
        }
        let store = builder
            .build()
            .map_err(|e| format!("MEDIA_S3_BUCKET {bucket}: {e}"))?;
        Ok(Self {
            store: Arc::new(store),
            kind: "s3",
        })
    }

    /// Writes `bytes` at `key` (replacing what was there: keys name their
    /// content, so a rewrite writes the same bytes).
    pub async fn put(&self, key: &Path, bytes: Bytes) -> Result<(), String> {
        self.store
            .put(key, PutPayload::from(bytes))
            .await
            .map(|_| ())
            .map_err(|e| format!("media store: writing {key}: {e}"))
    }

    /// The object at `key`, `None` when there is none.
    pub async fn get(&self, key: &Path) -> Result<Option<Bytes>, String> {
        match self.store.get(key).await {
            Ok(found) => found
                .bytes()
                .await
                .map(Some)
                .map_err(|e| format!("media store: reading {key}: {e}")),
            Err(object_store::Error::NotFound { .. }) => Ok(None),
            Err(e) => Err(format!("media store: reading {key}: {e}")),
        }
    }

    /// Removes the object at `key` (absent is fine).
    pub async fn delete(&self, key: &Path) -> Result<(), String> {
        match self.store.delete(key).await {
            Ok(()) | Err(object_store::Error::NotFound { .. }) => Ok(()),
            Err(e) => Err(format!("media store: deleting {key}: {e}")),
        }
    }

    /// Removes every object under `prefix`; returns how many.
    pub async fn delete_prefix(&self, prefix: &Path) -> Result<usize, String> {
        let keys: Vec<Path> = self
            .store
            .list(Some(prefix))
            .map_ok(|meta| meta.location)
            .try_collect()
            .await
            .map_err(|e| format!("media store: listing {prefix}: {e}"))?;
        for key in &keys {
            self.delete(key).await?;
        }
        Ok(keys.len())
    }

    /// Keys under `prefix` (tests and diagnostics).
    pub async fn list(&self, prefix: &Path) -> Result<Vec<String>, String> {
        self.store
            .list(Some(prefix))
            .map_ok(|meta| meta.location.to_string())
            .try_collect()
            .await
            .map_err(|e| format!("media store: listing {prefix}: {e}"))
    }
}

/// `media/` beside a SQLite file, else `./media`.
fn default_dir(database_url: &str) -> PathBuf {
    let file = database_url
        .strip_prefix("sqlite://")
        .or_else(|| database_url.strip_prefix("sqlite:"))
        .map(|rest| rest.split('?').next().unwrap_or(rest))
        .filter(|path| !path.is_empty() && !path.contains(":memory:"));
    match file.and_then(|f| std::path::Path::new(f).parent()) {
        Some(parent) => parent.join("media"),
        None => PathBuf::from("media"),
    }
}

/// Where an original is kept.
pub fn original_key(hash: &str) -> Path {
    Path::from(format!("originals/{hash}"))
}

/// The prefix of an original's renditions.
pub fn renditions_prefix(hash: &str) -> Path {
    Path::from(format!("renditions/{hash}"))
}

/// Where a rendition is cached: the focal point is part of a cover crop's
/// key, so moving it never serves the old crop.
pub fn rendition_key(hash: &str, spec: &Spec, focal: Focal) -> Path {
    let focal = match spec.fit {
        Fit::Cover => format!("-{:.3}-{:.3}", focal.x, focal.y),
        Fit::Contain | Fit::Width => String::new(),
    };
    Path::from(format!(
        "renditions/{hash}/{}x{}-{}{focal}.{}",
        spec.width,
        spec.height,
        spec.fit.as_str(),
        spec.format.extension()
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_directory_sits_beside_the_database() {
        assert_eq!(
            default_dir("sqlite://data/toasoan.db?mode=rwc"),
            PathBuf::from("data/media")
        );
        assert_eq!(default_dir("sqlite://toasoan.db"), PathBuf::from("media"));
        assert_eq!(default_dir("sqlite::memory:"), PathBuf::from("media"));
        assert_eq!(default_dir("postgres://db/news"), PathBuf::from("media"));
    }
}
