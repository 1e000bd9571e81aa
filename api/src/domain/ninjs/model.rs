//! The ninjs 3.1 properties we produce, as serde types. Property names and
//! nesting follow the IPTC schema (`api/standards/ninjs/`); empty lists and
//! absent values are left out.

use serde::Serialize;

/// One news item.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Ninjs {
    /// Stable identifier: `urn:toasoan:article:{id}`.
    pub uri: String,
    /// Always `text` for articles.
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub representation_type: &'static str,
    pub standard: Standard,
    /// The article's version (the optimistic-concurrency counter).
    pub version: String,
    /// First publication (creation for never-published drafts), +07:00.
    pub first_created: String,
    /// When this version was made, +07:00.
    pub version_created: String,
    /// `usable` when public, `withheld` for previews.
    pub pub_status: &'static str,
    pub language: String,
    pub slugline: String,
    pub headlines: Vec<Text>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub descriptions: Vec<Text>,
    pub bodies: Vec<Body>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub by: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub people: Vec<Concept>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub organisations: Vec<Concept>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub events: Vec<Concept>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub subjects: Vec<Concept>,
    /// The web page of the article.
    pub renditions: Vec<Rendition>,
    /// The photos: lead image first, then the body's, in order.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub associations: Vec<Association>,
    pub alt_ids: Vec<AltId>,
}

/// Which standard and schema the item follows.
#[derive(Clone, Debug, Serialize)]
pub struct Standard {
    pub name: &'static str,
    pub version: &'static str,
    pub schema: &'static str,
}

/// A headline or description.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Text {
    pub role: &'static str,
    pub content_type: &'static str,
    pub value: String,
}

/// A body, as sanitized HTML.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Body {
    pub role: &'static str,
    pub content_type: &'static str,
    pub word_count: u64,
    pub value: String,
}

/// A person, organisation, event or subject the item relates to.
#[derive(Clone, Debug, Serialize)]
pub struct Concept {
    pub name: String,
    pub rel: String,
    pub uri: String,
    /// Our slug, or the media topic code.
    pub literal: String,
}

/// A rendition of the item or of a photo.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Rendition {
    pub name: &'static str,
    pub href: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub content_type: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub width: Option<i32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub height: Option<i32>,
}

/// A photo associated with the item.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Association {
    /// `leadImage`, then `image1`, `image2`… for the body's photos.
    pub name: String,
    /// `leadImage` or `inline`.
    pub rel: &'static str,
    /// `urn:toasoan:media:{id}`.
    pub uri: String,
    #[serde(rename = "type")]
    pub kind: &'static str,
    /// The credit.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub by: Option<String>,
    /// The caption (`caption`) and the alternative text (`alt`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub descriptions: Vec<Text>,
    pub renditions: Vec<Rendition>,
}

/// Another identifier of the item.
#[derive(Clone, Debug, Serialize)]
pub struct AltId {
    pub role: &'static str,
    pub value: String,
}
