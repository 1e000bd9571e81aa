//! The media library's flows: upload (check, scrub, deduplicate, store,
//! record), renditions (from the store's cache, else rendered under a
//! bound on concurrent decodes), updates (caption, credit, alt, focal
//! point) and delete (refused while an article uses the item).

use std::sync::{
    Arc,
    atomic::{AtomicU64, Ordering},
};

use bytes::Bytes;
use chrono::Utc;
use entity::media;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter,
    Set, SqlErr, TransactionTrait,
};
use sha2::{Digest, Sha256};
use tokio::sync::Semaphore;

use super::{
    details::{Details, clean_details},
    inspect::{self, PixelLimits},
    links::{self, Links},
    render, scrub,
    spec::Spec,
    store::{self, Storage},
};
use crate::platform::{
    config::Config,
    error::{AppError, AppResult},
    metrics::Metrics,
};

/// One replica's media library.
pub struct MediaLibrary {
    pub storage: Storage,
    pub links: Links,
    limits: PixelLimits,
    max_bytes: usize,
    /// Decodes (uploads and renditions) running at once.
    decodes: Arc<Semaphore>,
    /// Renditions rendered (not served from the store) since start.
    rendered: AtomicU64,
    metrics: Arc<Metrics>,
}

/// The result of an upload: the row, and whether it is new (`false`:
/// the same bytes were uploaded before).
pub struct Uploaded {
    pub media: media::Model,
    pub created: bool,
}

/// A rendition's bytes and how to serve them.
pub struct Served {
    pub bytes: Bytes,
    pub mime: &'static str,
    /// Strong: names the original, the focal point and the spec.
    pub etag: String,
    /// The `v` its URLs carry now.
    pub version: String,
}

impl MediaLibrary {
    /// The library the settings describe.
    pub fn from_config(config: &Config, metrics: Arc<Metrics>) -> Result<Self, String> {
        let storage = Storage::from_config(&config.media, &config.database_url)?;
        Ok(Self::with_storage(config, storage, metrics))
    }

    /// The library over `storage` (tests pick their store).
    pub fn with_storage(config: &Config, storage: Storage, metrics: Arc<Metrics>) -> Self {
        let media = &config.media;
        Self {
            storage,
            links: Links::from_config(config),
            limits: PixelLimits {
                max_pixels: media.media_max_megapixels.saturating_mul(1_000_000),
            },
            max_bytes: media.max_bytes(),
            decodes: Arc::new(Semaphore::new(media.concurrent_renders())),
            rendered: AtomicU64::new(0),
            metrics,
        }
    }

    /// The upload limit in bytes.
    pub fn max_bytes(&self) -> usize {
        self.max_bytes
    }

    /// Renditions rendered since start (the rest came from the store).
    pub fn rendered(&self) -> u64 {
        self.rendered.load(Ordering::Relaxed)
    }

    /// Checks, scrubs and stores `bytes`; the same bytes uploaded again
    /// give the existing row. A refused file leaves nothing behind.
    pub async fn upload(
        &self,
        db: &DatabaseConnection,
        bytes: Bytes,
        details: Details,
    ) -> AppResult<Uploaded> {
        let result = self.checked_upload(db, bytes, details).await;
        self.metrics.media.upload(match &result {
            Ok(uploaded) if uploaded.created => "created",
            Ok(_) => "existing",
            Err(AppError::BadUserInput { .. }) => "refused",
            Err(_) => "failed",
        });
        result
    }

    async fn checked_upload(
        &self,
        db: &DatabaseConnection,
        bytes: Bytes,
        details: Details,
    ) -> AppResult<Uploaded> {
        let details = clean_details(details)?;
        if bytes.is_empty() {
            return Err(AppError::bad_input("file", "the file is empty"));
        }
        if bytes.len() > self.max_bytes {
            return Err(AppError::bad_input(
                "file",
                format!(
                    "the file is larger than {} MB",
                    self.max_bytes / (1024 * 1024)
                ),
            ));
        }
        let limits = self.limits;
        let checked = self
            .blocking(move || -> Result<_, String> {
                let decoded = inspect::decode(&bytes, &limits)?;
                let placeholder = render::placeholder(&decoded.image)?;
                let stored = scrub::scrub(bytes, decoded.format, decoded.orientation)
                    .map_err(|e| format!("the image's metadata is malformed: {e}"))?;
                Ok((
                    decoded.mime(),
                    decoded.image.width(),
                    decoded.image.height(),
                    placeholder,
                    stored,
                ))
            })
            .await?
            .map_err(|message| AppError::bad_input("file", message))?;
        let (mime, width, height, placeholder, stored) = checked;
        let hash = hex(&Sha256::digest(&stored));
        if let Some(existing) = by_hash(db, &hash).await? {
            return Ok(Uploaded {
                media: existing,
                created: false,
            });
        }
        let byte_size = stored.len() as i64;
        self.storage
            .put(&store::original_key(&hash), stored)
            .await
            .map_err(AppError::Internal)?;
        let row = media::ActiveModel {
            url: Set(String::new()),
            caption: Set(details.caption),
            credit: Set(details.credit),
            alt: Set(details.alt),
            width: Set(Some(width as i32)),
            height: Set(Some(height as i32)),
            mime: Set(Some(mime.to_owned())),
            created_at: Set(Utc::now()),
            content_hash: Set(Some(hash.clone())),
            byte_size: Set(Some(byte_size)),
            focal_x: Set(None),
            focal_y: Set(None),
            placeholder: Set(Some(placeholder)),
            ..Default::default()
        };
        match insert(db, row).await {
            Ok(media) => Ok(Uploaded {
                media,
                created: true,
            }),
            // The same bytes uploaded at the same moment: theirs won.
            Err(err) if matches!(err.sql_err(), Some(SqlErr::UniqueConstraintViolation(_))) => {
                let media = by_hash(db, &hash)
                    .await?
                    .ok_or_else(|| AppError::from(err))?;
                Ok(Uploaded {
                    media,
                    created: false,
                })
            }
            Err(err) => Err(err.into()),
        }
    }

    /// The rendition `spec` of media `id`: from the store when it was
    /// rendered before, else rendered (at most `MEDIA_CONCURRENT_RENDERS`
    /// at once) and kept.
    pub async fn rendition(
        &self,
        db: &DatabaseConnection,
        key: &str,
        spec: Spec,
    ) -> AppResult<Served> {
        let m = uploaded(db, key).await?;
        let id = m.id;
        let hash = m.content_hash.clone().unwrap_or_default();
        let focal = links::focal(&m);
        let version = links::version(&m);
        let etag = format!(
            "\"{}-{}\"",
            &hash[..16.min(hash.len())],
            spec_tag(&spec, &version)
        );
        let key = store::rendition_key(&hash, &spec, focal);
        let mime = spec.format.mime();
        if let Some(bytes) = self.storage.get(&key).await.map_err(AppError::Internal)? {
            self.metrics.media.rendition("store");
            return Ok(Served {
                bytes,
                mime,
                etag,
                version,
            });
        }
        let original = self
            .storage
            .get(&store::original_key(&hash))
            .await
            .map_err(AppError::Internal)?
            .ok_or_else(|| AppError::Internal(format!("media {id}: the original is missing")))?;
        let limits = self.limits;
        let rendered = self
            .blocking(move || {
                let decoded = inspect::decode(&original, &limits)?;
                render::render(&decoded.image, &spec, focal)
            })
            .await?
            .map_err(|e| AppError::Internal(format!("media {id}: rendering {spec}: {e}")))?;
        self.rendered.fetch_add(1, Ordering::Relaxed);
        self.metrics.media.rendition("rendered");
        let bytes = Bytes::from(rendered.bytes);
        self.storage
            .put(&key, bytes.clone())
            .await
            .map_err(AppError::Internal)?;
        Ok(Served {
            bytes,
            mime,
            etag,
            version,
        })
    }

    /// The stored original of the media `key` names (metadata removed),
    /// its MIME type and its ETag.
    pub async fn original(
        &self,
        db: &DatabaseConnection,
        key: &str,
    ) -> AppResult<(Bytes, String, String)> {
        let m = uploaded(db, key).await?;
        let id = m.id;
        let hash = m.content_hash.unwrap_or_default();
        let bytes = self
            .storage
            .get(&store::original_key(&hash))
            .await
            .map_err(AppError::Internal)?
            .ok_or_else(|| AppError::NotFound(format!("media {id} has no stored original")))?;
        let mime = m
            .mime
            .unwrap_or_else(|| "application/octet-stream".to_owned());
        Ok((bytes, mime, format!("\"{hash}\"")))
    }

    /// Runs `work` on the blocking pool once a decode permit is free.
    async fn blocking<T: Send + 'static>(
        &self,
        work: impl FnOnce() -> T + Send + 'static,
    ) -> AppResult<T> {
        let permit = self
            .decodes
            .clone()
            .acquire_owned()
            .await
            .map_err(|_| AppError::Unavailable)?;
        tokio::task::spawn_blocking(move || {
            let _permit = permit;
            work()
        })
        .await
        .map_err(|e| AppError::Internal(format!("media work failed: {e}")))
    }
}

/// The uploaded media row that URL key `key` names, else `NOT_FOUND`
/// (a wrong hash prefix too: the key was not given out).
async fn uploaded(db: &DatabaseConnection, key: &str) -> AppResult<media::Model> {
    let missing = || AppError::NotFound(format!("no media {key}"));
    let (id, prefix) = links::parse_key(key).ok_or_else(missing)?;
    media::Entity::find_by_id(id)
        .one(db)
        .await?
        .filter(|m| {
            m.content_hash
                .as_deref()
                .is_some_and(|h| h.starts_with(prefix))
        })
        .ok_or_else(missing)
}

async fn by_hash(db: &impl ConnectionTrait, hash: &str) -> AppResult<Option<media::Model>> {
    Ok(media::Entity::find()
        .filter(media::Column::ContentHash.eq(hash))
        .one(db)
        .await?)
}

/// Inserts the row and gives it its own path as URL, in one transaction.
async fn insert(
    db: &DatabaseConnection,
    row: media::ActiveModel,
) -> Result<media::Model, sea_orm::DbErr> {
    let txn = db.begin().await?;
    let inserted = row.insert(&txn).await?;
    let path = format!(
        "/media/{}/original",
        links::key(&inserted).unwrap_or_default()
    );
    let mut row: media::ActiveModel = inserted.into();
    row.url = Set(path);
    let media = row.update(&txn).await?;
    txn.commit().await?;
    Ok(media)
}

fn spec_tag(spec: &Spec, version: &str) -> String {
    format!(
        "{}x{}-{}-{}-{version}",
        spec.width,
        spec.height,
        spec.fit.as_str(),
        spec.format.extension()
    )
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
