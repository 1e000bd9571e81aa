//! Mutations of the media library: upload (the GraphQL multipart request
//! spec), details and focal point, delete.

use std::{io::Read, sync::Arc};

use async_graphql::{Context, ID, InputObject, MaybeUndefined, Object, SimpleObject, Upload};

use super::super::media::Media;
use crate::{
    domain::media::{Change, Details, MediaLibrary},
    platform::error::{AppError, AppResult},
    platform::ids::{self, NodeType},
};

/// Media mutations.
#[derive(Default)]
pub struct MediaMutation;

/// What an upload or an update answers.
#[derive(SimpleObject)]
pub struct MediaPayload {
    /// The media item.
    pub media: Media,
    /// False when the same bytes had been uploaded before: the existing
    /// item is answered, unchanged.
    pub created: bool,
}

/// What `deleteMedia` answers.
#[derive(SimpleObject)]
pub struct DeleteMediaPayload {
    /// The global ID the media item had.
    pub id: ID,
}

/// A focal point: fractions of the width and height, 0 to 1.
#[derive(InputObject)]
pub struct FocalPointInput {
    /// From the left edge (0) to the right edge (1).
    pub x: f64,
    /// From the top edge (0) to the bottom edge (1).
    pub y: f64,
}

/// Changes to a media item; an absent field is kept, `null` clears it.
#[derive(InputObject, Default)]
pub struct MediaInput {
    /// The caption printed under the photo.
    pub caption: MaybeUndefined<String>,
    /// Who took or owns it.
    pub credit: MaybeUndefined<String>,
    /// Text alternative for screen readers.
    pub alt: MaybeUndefined<String>,
    /// Where cover crops centre (editors set it on the subject's face).
    pub focal_point: MaybeUndefined<FocalPointInput>,
}

fn library<'a>(ctx: &'a Context<'_>) -> AppResult<&'a Arc<MediaLibrary>> {
    ctx.data::<Arc<MediaLibrary>>()
        .map_err(|_| AppError::Internal("the media library is not configured".into()))
}

fn patch<T>(value: MaybeUndefined<T>) -> Option<Option<T>> {
    match value {
        MaybeUndefined::Undefined => None,
        MaybeUndefined::Null => Some(None),
        MaybeUndefined::Value(v) => Some(Some(v)),
    }
}

#[Object]
impl MediaMutation {
    /// Uploads a photo (writers, editors, admins): JPEG, PNG, WebP or GIF
    /// up to `MEDIA_MAX_MB`, checked by its bytes, its location metadata
    /// removed. Send it as a GraphQL multipart request. The same bytes
    /// uploaded twice give the same item (`created: false`).
    async fn upload_media(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The image file.")] file: Upload,
        #[graphql(desc = "The caption printed under the photo.")] caption: Option<String>,
        #[graphql(desc = "Who took or owns it.")] credit: Option<String>,
        #[graphql(desc = "Text alternative for screen readers.")] alt: Option<String>,
    ) -> AppResult<MediaPayload> {
        let request = super::super::request(ctx)?;
        request.viewer.require_staff("upload media")?;
        let library = library(ctx)?;
        let value = file
            .value(ctx)
            .map_err(|e| AppError::bad_input("file", format!("unreadable upload: {e}")))?;
        let limit = library.max_bytes() as u64;
        let bytes = tokio::task::spawn_blocking(move || {
            let mut bytes = Vec::new();
            value
                .content
                .take(limit + 1)
                .read_to_end(&mut bytes)
                .map(|_| bytes)
        })
        .await
        .map_err(|e| AppError::Internal(format!("reading an upload: {e}")))?
        .map_err(|e| AppError::Internal(format!("reading an upload: {e}")))?;
        let details = Details {
            caption,
            credit,
            alt,
        };
        let db = super::super::db(ctx)?;
        let uploaded = library.upload(db, bytes.into(), details).await?;
        Ok(MediaPayload {
            media: Media(uploaded.media),
            created: uploaded.created,
        })
    }

    /// Changes a media item's caption, credit, alt text or focal point
    /// (writers, editors, admins). Renditions cropped around the old focal
    /// point keep their URLs' old version; `Media.url` gives the new ones.
    async fn update_media(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The media item's global ID.")] id: ID,
        #[graphql(desc = "The fields to change.")] input: MediaInput,
    ) -> AppResult<MediaPayload> {
        let request = super::super::request(ctx)?;
        request.viewer.require_staff("change media")?;
        let id = ids::decode(NodeType::Media, &id, "id")?;
        let change = Change {
            caption: patch(input.caption),
            credit: patch(input.credit),
            alt: patch(input.alt),
            focal_point: patch(input.focal_point).map(|p| p.map(|p| (p.x, p.y))),
        };
        let db = super::super::db(ctx)?;
        let media = library(ctx)?.update(db, id, change).await?;
        Ok(MediaPayload {
            media: Media(media),
            created: false,
        })
    }

    /// Deletes a media item, its original and its renditions (editors,
    /// admins). An item still shown by an article (as its lead image or
    /// in its body) is a `CONFLICT` that names the articles.
    async fn delete_media(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The media item's global ID.")] id: ID,
    ) -> AppResult<DeleteMediaPayload> {
        let request = super::super::request(ctx)?;
        request.viewer.require_editor("delete media")?;
        let number = ids::decode(NodeType::Media, &id, "id")?;
        let db = super::super::db(ctx)?;
        library(ctx)?.delete(db, number).await?;
        Ok(DeleteMediaPayload { id })
    }
}
