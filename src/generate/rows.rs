//! The rows the generator inserts: the graph's, in one transaction, and
//! the articles', one batch per transaction.

use entity::{
    article, article_event, article_image, article_organization, article_person, article_tag,
    event, event_organization, event_person, media, organization, person, position, tag,
};

/// The rows to insert for the graph.
#[derive(Default)]
pub struct Rows {
    pub organizations: Vec<organization::ActiveModel>,
    pub people: Vec<person::ActiveModel>,
    pub positions: Vec<position::ActiveModel>,
    pub events: Vec<event::ActiveModel>,
    pub event_people: Vec<event_person::ActiveModel>,
    pub event_organizations: Vec<event_organization::ActiveModel>,
    pub tags: Vec<tag::ActiveModel>,
    /// Tags that already existed and are reused.
    pub reused_tags: usize,
}

/// The rows of a batch of articles, inserted in one transaction.
#[derive(Default)]
pub struct Batch {
    pub media: Vec<media::ActiveModel>,
    pub articles: Vec<article::ActiveModel>,
    pub images: Vec<article_image::ActiveModel>,
    pub people: Vec<article_person::ActiveModel>,
    pub organizations: Vec<article_organization::ActiveModel>,
    pub events: Vec<article_event::ActiveModel>,
    pub tags: Vec<article_tag::ActiveModel>,
}
