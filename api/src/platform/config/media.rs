//! The media library: where originals and renditions live, how big an
//! upload may be, and which renditions a client may ask for.

use std::path::PathBuf;

/// Media settings.
#[derive(Clone, Debug, clap::Args)]
pub struct MediaConfig {
    /// Largest accepted upload, in megabytes (`POST /v1/media` and
    /// GraphQL `uploadMedia`).
    #[arg(long, env = "MEDIA_MAX_MB", default_value_t = 25)]
    pub media_max_mb: usize,

    /// Largest accepted image, in megapixels: a bigger one is refused
    /// before it is decoded (a decompression bomb is a small file with a
    /// huge pixel count).
    #[arg(long, env = "MEDIA_MAX_MEGAPIXELS", default_value_t = 50)]
    pub media_max_megapixels: u64,

    /// Directory of originals and renditions on the local filesystem
    /// (default: `media/` beside the SQLite database, else `./media`).
    /// Ignored when `MEDIA_S3_BUCKET` is set.
    #[arg(long, env = "MEDIA_DIR")]
    pub media_dir: Option<PathBuf>,

    /// S3-compatible bucket for originals and renditions (replicas share
    /// it). Credentials come from the standard AWS variables
    /// (`AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`, `AWS_SESSION_TOKEN`).
    #[arg(long, env = "MEDIA_S3_BUCKET")]
    pub media_s3_bucket: Option<String>,

    /// Endpoint of an S3-compatible service (MinIO, Ceph, R2…); unset for
    /// AWS itself. Plain `http://` is allowed only here, for a service on
    /// the same network.
    #[arg(long, env = "MEDIA_S3_ENDPOINT")]
    pub media_s3_endpoint: Option<String>,

    /// Region of the bucket (`AWS_REGION` when unset, else `us-east-1`).
    #[arg(long, env = "MEDIA_S3_REGION")]
    pub media_s3_region: Option<String>,

    /// Rendition widths a client may ask for, in pixels; `Media.url`
    /// rounds a requested width up to the next of them.
    #[arg(
        long,
        env = "MEDIA_WIDTHS",
        value_delimiter = ',',
        default_value = "160,320,480,640,960,1280,1600,1920"
    )]
    pub media_widths: Vec<u32>,

    /// Aspect ratios (width:height) a cropped rendition may have; the
    /// height of a rendition URL is 0 (keep the photo's ratio) or the
    /// width at one of these ratios.
    #[arg(
        long,
        env = "MEDIA_ASPECT_RATIOS",
        value_delimiter = ',',
        default_value = "1:1,4:3,3:2,16:9,2:1,3:4,2:3,9:16"
    )]
    pub media_aspect_ratios: Vec<String>,

    /// Renditions decoded and encoded at once on this replica (default:
    /// one per core); the next wait their turn, so memory stays bounded.
    #[arg(long, env = "MEDIA_CONCURRENT_RENDERS")]
    pub media_concurrent_renders: Option<usize>,

    /// Base URL of rendition links (`Media.url`, feeds, ninjs): the CDN in
    /// front of this API. Default: `PUBLIC_BASE_URL`.
    #[arg(long, env = "MEDIA_PUBLIC_URL")]
    pub media_public_url: Option<String>,
}

impl Default for MediaConfig {
    fn default() -> Self {
        Self {
            media_max_mb: 25,
            media_max_megapixels: 50,
            media_dir: None,
            media_s3_bucket: None,
            media_s3_endpoint: None,
            media_s3_region: None,
            media_widths: vec![160, 320, 480, 640, 960, 1280, 1600, 1920],
            media_aspect_ratios: ["1:1", "4:3", "3:2", "16:9", "2:1", "3:4", "2:3", "9:16"]
                .map(str::to_owned)
                .to_vec(),
            media_concurrent_renders: None,
            media_public_url: None,
        }
    }
}

impl MediaConfig {
    /// The upload limit in bytes.
    pub fn max_bytes(&self) -> usize {
        self.media_max_mb.saturating_mul(1024 * 1024)
    }

    /// Renditions at once: the setting, else one per core.
    pub fn concurrent_renders(&self) -> usize {
        self.media_concurrent_renders
            .unwrap_or_else(|| std::thread::available_parallelism().map_or(2, |n| n.get()))
            .max(1)
    }

    /// The aspect ratios as (width, height) pairs; a malformed one is a
    /// start-up error.
    pub fn aspect_ratios(&self) -> Result<Vec<(u32, u32)>, String> {
        self.media_aspect_ratios
            .iter()
            .map(|ratio| {
                let parsed = ratio.split_once(':').and_then(|(w, h)| {
                    Some((w.trim().parse::<u32>().ok()?, h.trim().parse::<u32>().ok()?))
                });
                match parsed {
                    Some((w, h)) if w > 0 && h > 0 => Ok((w, h)),
                    _ => Err(format!(
                        "MEDIA_ASPECT_RATIOS: `{ratio}` is not width:height (e.g. 16:9)"
                    )),
                }
            })
            .collect()
    }
}
