//! The body blocks as GraphQL types: a union, so apps switch on
//! `__typename` and render each block natively.

use std::collections::HashMap;

use async_graphql::{
    Context, ContextSelectionSet, Object, ScalarType, SimpleObject, Union, Value,
    parser::types::Field,
};
use entity::media;

use super::{
    loaders,
    media::Media,
    plain::{Plain, PlainFields, or_null, plain_child},
};
use crate::{
    domain::body::Block,
    domain::linked::{Linked, LinkedRows},
    domain::loaders::MediaId,
    platform::error::AppResult,
};

/// One block of an article body.
#[derive(Union)]
pub enum BodyBlock {
    Paragraph(ParagraphBlock),
    Heading(HeadingBlock),
    Image(ImageBlock),
    Quote(QuoteBlock),
    List(ListBlock),
    Embed(EmbedBlock),
    Html(HtmlBlock),
}

impl PlainFields for BodyBlock {
    fn plain_field(&self, ctx: &ContextSelectionSet<'_>, field: &Field) -> Option<Value> {
        let text = |text: &String| Value::String(text.clone());
        let optional = |text: &Option<String>| or_null(text.clone(), Value::String);
        Some(match (self, field.name.node.as_str()) {
            (Self::Paragraph(block), "text") => text(&block.text),
            (Self::Heading(block), "text") => text(&block.text),
            (Self::Heading(block), "level") => block.level.to_value(),
            (Self::Image(block), "image") => match block.prefetched.as_ref()? {
                Some(row) => plain_child(&Media(row.clone()), ctx, field)?,
                None => Value::Null,
            },
            (Self::Quote(block), "text") => text(&block.text),
            (Self::Quote(block), "attribution") => optional(&block.attribution),
            (Self::List(block), "ordered") => Value::Boolean(block.ordered),
            (Self::List(block), "items") => Value::List(block.items.iter().map(text).collect()),
            (Self::Embed(block), "url") => text(&block.url),
            (Self::Embed(block), "provider") => optional(&block.provider),
            (Self::Embed(block), "title") => optional(&block.title),
            (Self::Html(block), "html") => text(&block.html),
            _ => return None,
        })
    }
}

/// A paragraph of plain text.
#[derive(SimpleObject)]
pub struct ParagraphBlock {
    /// The paragraph's text, plain: no markup (`bodyHtml` escapes it).
    pub text: String,
}

/// A sub-heading; `level` 2 to 6.
#[derive(SimpleObject)]
pub struct HeadingBlock {
    /// The heading level, 2 to 6 (the article title is level 1), as in
    /// HTML `<h2>`…`<h6>`.
    pub level: i32,
    /// The heading's plain text.
    pub text: String,
}

/// A photo with its caption and credit.
pub struct ImageBlock {
    pub media_id: i64,
    /// The photo, when the body read it with the article's other rows:
    /// `Some(None)` if it was removed from the library.
    pub prefetched: Option<Option<media::Model>>,
}

/// A photo of the body; its caption and credit are on the `Media`.
#[Object]
impl ImageBlock {
    /// The photo; null only if it was removed from the media library.
    async fn image(&self, ctx: &Context<'_>) -> AppResult<Option<Plain<Media>>> {
        if let Some(row) = &self.prefetched {
            return Ok(row.clone().map(|row| Plain(Media(row))));
        }
        let row = loaders(ctx)?.load_one(Linked::Media(self.media_id)).await?;
        Ok(LinkedRows::media(row).map(|row| Plain(Media(row))))
    }
}

/// A quotation, with who said it.
#[derive(SimpleObject)]
pub struct QuoteBlock {
    /// The quoted words, without quotation marks.
    pub text: String,
    /// Who said or wrote it; null when the article does not say.
    pub attribution: Option<String>,
}

/// A bulleted or numbered list.
#[derive(SimpleObject)]
pub struct ListBlock {
    /// True for a numbered list, false for bullets.
    pub ordered: bool,
    /// The items in order, each plain text.
    pub items: Vec<String>,
}

/// Third-party content (a video, a post) shown as a link or a player.
#[derive(SimpleObject)]
pub struct EmbedBlock {
    /// Absolute http(s) URL of the embedded content.
    pub url: String,
    /// Who hosts it ("YouTube", "Facebook"…); null when unknown.
    pub provider: Option<String>,
    /// A title to show on the link or player; null when unknown.
    pub title: Option<String>,
}

/// Markup with no block type of its own (a table, a widget from an imported
/// archive), kept rather than lost.
#[derive(SimpleObject)]
pub struct HtmlBlock {
    /// Sanitized HTML: safe to insert into a page as it is; apps that
    /// render natively may show it in a web view or as its text.
    pub html: String,
}

/// The photos of `blocks`, read at once (in the batch of whatever else of
/// the page the level reads: the lead image, the article's relations).
pub async fn photos_of(
    ctx: &Context<'_>,
    blocks: &[Block],
) -> AppResult<HashMap<MediaId, media::Model>> {
    let ids = blocks.iter().filter_map(|b| match b {
        Block::Image { media_id } => Some(Linked::Media(*media_id)),
        _ => None,
    });
    let rows = loaders(ctx)?.load_many(ids).await?;
    Ok(rows
        .into_iter()
        .filter_map(|(key, row)| match (key, LinkedRows::media(Some(row))) {
            (Linked::Media(id), Some(row)) => Some((MediaId(id), row)),
            _ => None,
        })
        .collect())
}

impl BodyBlock {
    /// The block, its photo taken from `photos` (read beforehand).
    pub fn with_photos(block: Block, photos: &HashMap<MediaId, media::Model>) -> Self {
        match block {
            Block::Image { media_id } => BodyBlock::Image(ImageBlock {
                media_id,
                prefetched: Some(photos.get(&MediaId(media_id)).cloned()),
            }),
            other => other.into(),
        }
    }
}

impl From<Block> for BodyBlock {
    fn from(block: Block) -> Self {
        match block {
            Block::Paragraph { text } => BodyBlock::Paragraph(ParagraphBlock { text }),
            Block::Heading { level, text } => BodyBlock::Heading(HeadingBlock {
                level: i32::from(level),
                text,
            }),
            Block::Image { media_id } => BodyBlock::Image(ImageBlock {
                media_id,
                prefetched: None,
            }),
            Block::Quote { text, attribution } => {
                BodyBlock::Quote(QuoteBlock { text, attribution })
            }
            Block::List { ordered, items } => BodyBlock::List(ListBlock { ordered, items }),
            Block::Embed {
                url,
                provider,
                title,
            } => BodyBlock::Embed(EmbedBlock {
                url,
                provider,
                title,
            }),
            Block::Html { html } => BodyBlock::Html(HtmlBlock { html }),
        }
    }
}
