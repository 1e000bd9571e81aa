//! Photos and other media.

use async_graphql::{ID, Object};
use entity::media;

use crate::platform::ids::{self, NodeType};

/// A photo (or other file) with its caption and credit.
#[derive(Clone)]
pub struct Media(pub media::Model);

/// A photo (or other file) of the media library, with its caption and
/// credit.
#[Object]
impl Media {
    /// The global ID (pass it to `node(id:)`).
    pub async fn id(&self) -> ID {
        ids::encode(NodeType::Media, self.0.id).into()
    }

    /// Absolute http(s) URL of the file.
    async fn url(&self) -> &str {
        &self.0.url
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

    /// Width of the file in pixels; null when unknown.
    async fn width(&self) -> Option<i32> {
        self.0.width
    }

    /// Height of the file in pixels; null when unknown.
    async fn height(&self) -> Option<i32> {
        self.0.height
    }

    /// MIME type, e.g. `image/jpeg`.
    async fn mime(&self) -> Option<&str> {
        self.0.mime.as_deref()
    }
}
