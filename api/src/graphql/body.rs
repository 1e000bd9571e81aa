//! The body blocks as GraphQL types: a union, so apps switch on
//! `__typename` and render each block natively.

use async_graphql::{Context, Object, SimpleObject, Union};

use super::{loaders, media::Media};
use crate::{body::Block, error::AppResult, loaders::MediaId};

/// One block of an article body.
#[derive(Union)]
pub enum BodyBlock {
    Paragraph(ParagraphBlock),
    Heading(HeadingBlock),
    Image(ImageBlock),
    Quote(QuoteBlock),
    List(ListBlock),
    Embed(EmbedBlock),
}

/// A paragraph of plain text.
#[derive(SimpleObject)]
pub struct ParagraphBlock {
    pub text: String,
}

/// A sub-heading; `level` 2 to 6.
#[derive(SimpleObject)]
pub struct HeadingBlock {
    pub level: i32,
    pub text: String,
}

/// A photo with its caption and credit.
pub struct ImageBlock {
    pub media_id: i64,
}

#[Object]
impl ImageBlock {
    /// The photo; null only if it was removed from the media library.
    async fn image(&self, ctx: &Context<'_>) -> AppResult<Option<Media>> {
        Ok(loaders(ctx)?
            .load_one(MediaId(self.media_id))
            .await?
            .map(Media))
    }
}

/// A quotation, with who said it.
#[derive(SimpleObject)]
pub struct QuoteBlock {
    pub text: String,
    pub attribution: Option<String>,
}

/// A bulleted or numbered list.
#[derive(SimpleObject)]
pub struct ListBlock {
    pub ordered: bool,
    pub items: Vec<String>,
}

/// Third-party content (a video, a post) shown as a link or a player.
#[derive(SimpleObject)]
pub struct EmbedBlock {
    pub url: String,
    pub provider: Option<String>,
    pub title: Option<String>,
}

impl From<Block> for BodyBlock {
    fn from(block: Block) -> Self {
        match block {
            Block::Paragraph { text } => BodyBlock::Paragraph(ParagraphBlock { text }),
            Block::Heading { level, text } => BodyBlock::Heading(HeadingBlock {
                level: i32::from(level),
                text,
            }),
            Block::Image { media_id } => BodyBlock::Image(ImageBlock { media_id }),
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
        }
    }
}
