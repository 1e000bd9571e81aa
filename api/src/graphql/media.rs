//! Photos and other media: the library's items, their renditions and
//! their placeholders.

use std::sync::Arc;

use async_graphql::{
    Context, ContextBase, ContextSelectionSet, Enum, ID, Object, ScalarType, SimpleObject, Value,
    parser::types::Field,
};
use entity::media;

use super::plain::{PlainFields, or_null};
use crate::{
    domain::media::{
        MediaLibrary,
        spec::{Fit, Format},
    },
    platform::ids::{self, NodeType},
};

/// A photo (or other file) with its caption and credit.
#[derive(Clone)]
pub struct Media(pub media::Model);

/// How a rendition fills the box of `width` × `height`.
#[derive(Enum, Copy, Clone, Eq, PartialEq)]
pub enum MediaFit {
    /// Fill the box exactly, cropping around the focal point.
    Cover,
    /// Fit inside the box; nothing is cropped.
    Contain,
    /// The width alone; the height keeps the photo's ratio.
    Width,
}

/// The encoding of a rendition.
#[derive(Enum, Copy, Clone, Eq, PartialEq)]
pub enum MediaFormat {
    /// JPEG: photos, every browser.
    Jpeg,
    /// WebP (lossy): about a third smaller than JPEG at the same quality.
    Webp,
    /// PNG: lossless, for graphics and transparency.
    Png,
}

/// Where cover crops centre, as fractions of the width (from the left) and
/// of the height (from the top).
#[derive(SimpleObject, Clone, Copy)]
pub struct FocalPoint {
    /// 0 is the left edge, 1 the right edge.
    pub x: f64,
    /// 0 is the top edge, 1 the bottom edge.
    pub y: f64,
}

impl From<MediaFit> for Fit {
    fn from(fit: MediaFit) -> Self {
        match fit {
            MediaFit::Cover => Fit::Cover,
            MediaFit::Contain => Fit::Contain,
            MediaFit::Width => Fit::Width,
        }
    }
}

impl From<MediaFormat> for Format {
    fn from(format: MediaFormat) -> Self {
        match format {
            MediaFormat::Jpeg => Format::Jpeg,
            MediaFormat::Webp => Format::Webp,
            MediaFormat::Png => Format::Png,
        }
    }
}

fn library<'a, T>(ctx: &'a ContextBase<'_, T>) -> Option<&'a Arc<MediaLibrary>> {
    ctx.data_opt::<Arc<MediaLibrary>>()
}

impl Media {
    /// The URL of the photo itself: the library's link to the original
    /// of an uploaded photo, the stored URL of an external one.
    fn original_url(&self, library: Option<&Arc<MediaLibrary>>) -> String {
        match library {
            Some(library) => library.links.original(&self.0),
            None => self.0.url.clone(),
        }
    }
}

impl PlainFields for Media {
    fn plain_field(&self, ctx: &ContextSelectionSet<'_>, field: &Field) -> Option<Value> {
        let row = &self.0;
        let text = |value: &Option<String>| or_null(value.clone(), Value::String);
        Some(match field.name.node.as_str() {
            "id" => Value::String(ids::encode(NodeType::Media, row.id)),
            "url" => Value::String(self.original_url(library(ctx))),
            "placeholder" => text(&row.placeholder),
            "caption" => text(&row.caption),
            "credit" => text(&row.credit),
            "alt" => text(&row.alt),
            "width" => or_null(row.width, |w| w.to_value()),
            "height" => or_null(row.height, |h| h.to_value()),
            "mime" => text(&row.mime),
            "byteSize" => or_null(row.byte_size, |size| size.to_value()),
            "uploaded" => Value::Boolean(row.content_hash.is_some()),
            _ => return None,
        })
    }
}

/// A photo (or other file) of the media library, with its caption and
/// credit. Uploaded photos have renditions (`url` with a size, `srcset`)
/// and a `placeholder`; photos that only point at an external URL keep
/// that URL.
#[Object]
impl Media {
    /// The global ID (pass it to `node(id:)`).
    pub async fn id(&self) -> ID {
        ids::encode(NodeType::Media, self.0.id).into()
    }

    /// Absolute http(s) URL of the photo. Without arguments, the original;
    /// with a `width`, a rendition: the width rounded up to the next
    /// allowed one (`MEDIA_WIDTHS`), the height (for `COVER` and
    /// `CONTAIN`) to that width at the allowed aspect ratio nearest to
    /// `width`:`height`. Never larger than the photo. An external photo
    /// answers its own URL whatever the arguments.
    async fn url(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Width in pixels.")] width: Option<u32>,
        #[graphql(desc = "Height in pixels (with `COVER` or `CONTAIN`).")] height: Option<u32>,
        #[graphql(desc = "How the rendition fills its box (default: `COVER` when a \
                          height is given, else `WIDTH`).")]
        fit: Option<MediaFit>,
        #[graphql(desc = "Encoding (default `JPEG`).")] format: Option<MediaFormat>,
    ) -> String {
        let Some(library) = library(ctx) else {
            return self.original_url(None);
        };
        let links = &library.links;
        let Some(width) = width.or(height.and(self.0.width.map(|w| w.max(1) as u32))) else {
            return match format {
                // A format alone: the photo at its own width (or the
                // largest allowed), re-encoded.
                Some(format) => links
                    .rendition(
                        &self.0,
                        &links.rules().snap(
                            self.0.width.map_or(u32::MAX, |w| w.max(1) as u32),
                            None,
                            Fit::Width,
                            format.into(),
                        ),
                    )
                    .unwrap_or_else(|| links.original(&self.0)),
                None => self.original_url(Some(library)),
            };
        };
        let fit = fit.unwrap_or(if height.is_some() {
            MediaFit::Cover
        } else {
            MediaFit::Width
        });
        let format = format.unwrap_or(MediaFormat::Jpeg);
        let spec = links.rules().snap(width, height, fit.into(), format.into());
        links
            .rendition(&self.0, &spec)
            .unwrap_or_else(|| links.original(&self.0))
    }

    /// A `srcset` attribute value of width-only renditions
    /// (`https://…/320x0/width.webp?v=… 320w, …`), for the allowed widths
    /// nearest to `widths` (default: every allowed width), none wider
    /// than the photo. Null for an external photo.
    async fn srcset(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Widths in pixels (default: every allowed width).")] widths: Option<
            Vec<u32>,
        >,
        #[graphql(desc = "Encoding (default `WEBP`).")] format: Option<MediaFormat>,
    ) -> Option<String> {
        let links = &library(ctx)?.links;
        let widths = widths.unwrap_or_else(|| links.rules().widths().to_vec());
        let widths: Vec<u32> = widths.into_iter().take(32).collect();
        links.srcset(&self.0, &widths, format.unwrap_or(MediaFormat::Webp).into())
    }

    /// A tiny blurred preview (a `data:` URL of a JPEG about 24 pixels
    /// wide) to show, scaled up, while the photo loads. Null for an
    /// external photo.
    async fn placeholder(&self) -> Option<&str> {
        self.0.placeholder.as_deref()
    }

    /// Where cover crops centre; null is the middle.
    async fn focal_point(&self) -> Option<FocalPoint> {
        match (self.0.focal_x, self.0.focal_y) {
            (Some(x), Some(y)) => Some(FocalPoint { x, y }),
            _ => None,
        }
    }

    /// The caption printed under the photo ("Toàn cảnh hội nghị.").
    async fn caption(&self) -> Option<&str> {
        self.0.caption.as_deref()
    }

    /// Who took or owns it.
    async fn credit(&self) -> Option<&str> {
        self.0.credit.as_deref()
    }

    /// Text alternative for screen readers.
    async fn alt(&self) -> Option<&str> {
        self.0.alt.as_deref()
    }

    /// Width of the photo in pixels (upright, after its EXIF orientation);
    /// null when unknown.
    async fn width(&self) -> Option<i32> {
        self.0.width
    }

    /// Height of the photo in pixels (upright); null when unknown.
    async fn height(&self) -> Option<i32> {
        self.0.height
    }

    /// MIME type of the original, e.g. `image/jpeg`.
    async fn mime(&self) -> Option<&str> {
        self.0.mime.as_deref()
    }

    /// Size of the stored original in bytes; null for an external photo.
    async fn byte_size(&self) -> Option<i64> {
        self.0.byte_size
    }

    /// Whether the photo was uploaded (it has renditions), rather than
    /// pointing at an external URL.
    async fn uploaded(&self) -> bool {
        self.0.content_hash.is_some()
    }
}
