//! Addresses of a media item: its original, its renditions (versioned by
//! content and focal point, so a CDN may keep them forever), a `srcset`,
//! and the rendition feeds, ninjs and JSON-LD show. Media that only point
//! at an external URL (the demo, imports) keep that URL and their own
//! width and height.

use entity::media;
use sha2::{Digest, Sha256};

use super::{
    render::{self, Focal},
    spec::{Fit, Format, Rules, Spec},
};

/// The width syndication shows (feeds, ninjs, JSON-LD): large enough for
/// Google Discover's 1,200 pixels, rounded to the allowed widths.
const SHOWN_WIDTH: u32 = 1200;

/// Builds media addresses under `MEDIA_PUBLIC_URL`.
#[derive(Clone, Debug)]
pub struct Links {
    base: String,
    rules: Rules,
}

/// An image as syndication shows it.
#[derive(Clone, Debug, PartialEq)]
pub struct Shown {
    pub url: String,
    pub width: Option<i32>,
    pub height: Option<i32>,
    pub mime: Option<String>,
}

impl Links {
    /// Addresses under `base` (no trailing slash) following `rules`.
    pub fn new(base: &str, rules: Rules) -> Self {
        Self {
            base: base.trim_end_matches('/').to_owned(),
            rules,
        }
    }

    /// The links `config` describes (`MEDIA_PUBLIC_URL`, else
    /// `PUBLIC_BASE_URL`; `MEDIA_WIDTHS`, `MEDIA_ASPECT_RATIOS`).
    pub fn from_config(config: &crate::platform::config::Config) -> Self {
        let media = &config.media;
        let rules = Rules::new(
            media.media_widths.clone(),
            media.aspect_ratios().unwrap_or_default(),
        );
        let base = media
            .media_public_url
            .as_deref()
            .unwrap_or_else(|| config.base_url());
        Self::new(base, rules)
    }

    /// `m` as HTML bodies and syndication show it: url, width, height and
    /// type of [`Self::shown`].
    pub fn syndicated(&self, mut m: media::Model) -> media::Model {
        let shown = self.shown(&m);
        m.url = shown.url;
        m.width = shown.width;
        m.height = shown.height;
        m.mime = shown.mime;
        m
    }

    pub fn rules(&self) -> &Rules {
        &self.rules
    }

    /// The original: the uploaded file (metadata removed), or the
    /// external URL.
    pub fn original(&self, m: &media::Model) -> String {
        match key(m) {
            Some(key) => format!("{}/media/{key}/original", self.base),
            None => m.url.clone(),
        }
    }

    /// The rendition `spec` of an uploaded photo, `None` for an external one.
    pub fn rendition(&self, m: &media::Model, spec: &Spec) -> Option<String> {
        Some(format!(
            "{}/media/{}/{spec}?v={}",
            self.base,
            key(m)?,
            version(m)
        ))
    }

    /// `srcset` for `widths` (each snapped to an allowed width, none
    /// wider than the photo: the photo's own width stands in for those),
    /// `None` for an external photo.
    pub fn srcset(&self, m: &media::Model, widths: &[u32], format: Format) -> Option<String> {
        m.content_hash.as_ref()?;
        let own = m.width.map_or(u32::MAX, |w| w.max(1) as u32);
        let mut seen = Vec::new();
        let mut parts = Vec::new();
        for asked in widths {
            let spec = self.rules.snap(*asked, None, Fit::Width, format);
            let actual = spec.width.min(own);
            if seen.contains(&actual) {
                continue;
            }
            seen.push(actual);
            parts.push(format!("{} {actual}w", self.rendition(m, &spec)?));
        }
        Some(parts.join(", "))
    }

    /// What feeds, ninjs and JSON-LD show: a JPEG about 1,200 pixels wide
    /// (the photo's own size when smaller) with its real width and height;
    /// an external photo as it is.
    pub fn shown(&self, m: &media::Model) -> Shown {
        let spec = self.rules.snap(SHOWN_WIDTH, None, Fit::Width, Format::Jpeg);
        match (self.rendition(m, &spec), m.width, m.height) {
            (Some(url), Some(w), Some(h)) if w > 0 && h > 0 => {
                let ((w, h), _) = render::plan(w as u32, h as u32, &spec, focal(m));
                Shown {
                    url,
                    width: Some(w as i32),
                    height: Some(h as i32),
                    mime: Some(Format::Jpeg.mime().to_owned()),
                }
            }
            _ => Shown {
                url: m.url.clone(),
                width: m.width,
                height: m.height,
                mime: m.mime.clone(),
            },
        }
    }
}

/// How long a prefix of the content hash a media key carries: 48 bits,
/// enough that nobody finds a photo by counting.
const KEY_HASH_CHARS: usize = 12;

/// The key of an uploaded photo in its URLs, `{id}-{hash prefix}`: the
/// number finds the row, the hash prefix proves the URL was given out, so
/// the photos of an unpublished article cannot be found by counting ids.
pub fn key(m: &media::Model) -> Option<String> {
    let hash = m.content_hash.as_deref()?;
    Some(format!(
        "{}-{}",
        m.id,
        &hash[..KEY_HASH_CHARS.min(hash.len())]
    ))
}

/// The id and hash prefix of a media key, `None` when malformed.
pub fn parse_key(key: &str) -> Option<(i64, &str)> {
    let (id, prefix) = key.split_once('-')?;
    let id = id.parse::<i64>().ok().filter(|id| *id > 0)?;
    let valid = prefix.len() == KEY_HASH_CHARS && prefix.bytes().all(|b| b.is_ascii_hexdigit());
    valid.then_some((id, prefix))
}

/// The focal point of `m` (the centre when unset).
pub fn focal(m: &media::Model) -> Focal {
    match (m.focal_x, m.focal_y) {
        (Some(x), Some(y)) => Focal { x, y },
        _ => Focal::default(),
    }
}

/// What a rendition URL's `v` names: the original's bytes and the focal
/// point. A change of either gives new URLs, so old ones may be cached
/// as immutable.
pub fn version(m: &media::Model) -> String {
    let f = focal(m);
    let mut hash = Sha256::new();
    hash.update(m.content_hash.as_deref().unwrap_or_default());
    hash.update(format!("{:.3}:{:.3}", f.x, f.y));
    let digest = hash.finalize();
    digest[..5].iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn uploaded() -> media::Model {
        media::Model {
            id: 7,
            url: "/media/7/original".to_owned(),
            caption: Some("Toàn cảnh hội nghị.".to_owned()),
            credit: None,
            alt: None,
            width: Some(1000),
            height: Some(750),
            mime: Some("image/jpeg".to_owned()),
            created_at: chrono::Utc::now(),
            content_hash: Some("ab".repeat(32)),
            byte_size: Some(1),
            focal_x: None,
            focal_y: None,
            placeholder: None,
        }
    }

    fn links() -> Links {
        Links::new(
            "https://cdn.example/",
            Rules::new(vec![320, 640, 1280], vec![(16, 9)]),
        )
    }

    #[test]
    fn srcsets_stop_at_the_photos_own_width() {
        let set = links()
            .srcset(&uploaded(), &[320, 640, 1280, 1920], Format::Webp)
            .unwrap();
        let widths: Vec<&str> = set
            .split(", ")
            .map(|p| p.rsplit(' ').next().unwrap())
            .collect();
        assert_eq!(widths, ["320w", "640w", "1000w"]);
        assert!(set.starts_with("https://cdn.example/media/7-abababababab/320x0/width.webp?v="));
    }

    #[test]
    fn syndication_shows_a_rendition_with_its_real_size() {
        let shown = links().shown(&uploaded());
        assert!(
            shown
                .url
                .contains("/media/7-abababababab/1280x0/width.jpg?v="),
            "{}",
            shown.url
        );
        assert_eq!((shown.width, shown.height), (Some(1000), Some(750)));
        let mut external = uploaded();
        external.content_hash = None;
        external.url = "https://baotinh.example/anh.jpg".to_owned();
        assert_eq!(links().shown(&external).url, external.url);
        assert_eq!(
            links().rendition(
                &external,
                &links().rules.snap(320, None, Fit::Width, Format::Jpeg)
            ),
            None
        );
    }

    #[test]
    fn keys_carry_the_hash_prefix() {
        assert_eq!(key(&uploaded()).as_deref(), Some("7-abababababab"));
        assert_eq!(parse_key("7-abababababab"), Some((7, "abababababab")));
        for bad in [
            "7",
            "7-abab",
            "x-abababababab",
            "-1-abababababab",
            "7-ghghghghghgh",
        ] {
            assert_eq!(parse_key(bad), None, "{bad}");
        }
    }

    #[test]
    fn moving_the_focal_point_changes_the_version() {
        let mut m = uploaded();
        let before = version(&m);
        m.focal_x = Some(0.2);
        m.focal_y = Some(0.4);
        assert_ne!(before, version(&m));
    }
}
