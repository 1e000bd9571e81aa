//! schema.org `NewsArticle` JSON-LD for the website's `<script
//! type="application/ld+json">` (search engines' rich results), built from
//! rows already loaded. `Article.jsonLd` gathers them with the DataLoaders.

use entity::{article, event, media, organization, person, section, tag};
use serde_json::{Map, Value, json};

use crate::platform::zone;

/// The publisher block: `PUBLICATION_NAME`, the site and its logo.
pub struct Publisher<'a> {
    pub name: &'a str,
    /// The website's base URL, without a trailing slash.
    pub url: &'a str,
    pub logo_url: Option<&'a str>,
}

/// Everything a `NewsArticle` is made of.
pub struct NewsArticle<'a> {
    pub article: &'a article::Model,
    /// The article's page (`url`, `@id`, `mainEntityOfPage`).
    pub url: &'a str,
    pub section: Option<&'a section::Model>,
    /// The byline, in order.
    pub authors: &'a [person::Model],
    /// People the article mentions or quotes (`mentions`).
    pub mentioned: &'a [person::Model],
    /// Organizations and events the article is about (`about`).
    pub organizations: &'a [organization::Model],
    pub events: &'a [event::Model],
    pub tags: &'a [tag::Model],
    /// The lead image first, then the body's images.
    pub images: &'a [media::Model],
    pub publisher: Publisher<'a>,
}

impl NewsArticle<'_> {
    /// The JSON-LD object. Dates carry the newsroom's zone (+07:00).
    pub fn to_json(&self) -> Value {
        let a = self.article;
        let mut ld = Map::new();
        ld.insert("@context".into(), json!("https://schema.org"));
        ld.insert("@type".into(), json!("NewsArticle"));
        ld.insert("@id".into(), json!(self.url));
        ld.insert("url".into(), json!(self.url));
        ld.insert(
            "mainEntityOfPage".into(),
            json!({"@type": "WebPage", "@id": self.url}),
        );
        ld.insert("headline".into(), json!(a.title));
        ld.insert("description".into(), json!(a.lead));
        if let Some(published) = a.published_at {
            ld.insert("datePublished".into(), json!(zone::w3c(published)));
        }
        ld.insert("dateModified".into(), json!(zone::w3c(a.updated_at)));
        ld.insert("inLanguage".into(), json!(a.language));
        ld.insert(
            "author".into(),
            Value::Array(self.authors.iter().map(person).collect()),
        );
        if let Some(section) = self.section {
            ld.insert("articleSection".into(), json!(section.name));
        }
        if !self.tags.is_empty() {
            let names: Vec<&str> = self.tags.iter().map(|t| t.name.as_str()).collect();
            ld.insert("keywords".into(), json!(names.join(", ")));
        }
        let about: Vec<Value> = self
            .organizations
            .iter()
            .map(organization)
            .chain(self.events.iter().map(event))
            .collect();
        if !about.is_empty() {
            ld.insert("about".into(), Value::Array(about));
        }
        if !self.mentioned.is_empty() {
            ld.insert(
                "mentions".into(),
                Value::Array(self.mentioned.iter().map(person).collect()),
            );
        }
        if !self.images.is_empty() {
            ld.insert(
                "image".into(),
                Value::Array(self.images.iter().map(image).collect()),
            );
        }
        ld.insert("wordCount".into(), json!(a.word_count));
        ld.insert("isAccessibleForFree".into(), json!(true));
        ld.insert("publisher".into(), self.publisher());
        Value::Object(ld)
    }

    fn publisher(&self) -> Value {
        let p = &self.publisher;
        let mut publisher = json!({
            "@type": "Organization",
            "name": p.name,
            "url": format!("{}/", p.url),
        });
        if let Some(logo) = p.logo_url {
            publisher["logo"] = json!({"@type": "ImageObject", "url": logo});
        }
        publisher
    }
}

fn person(p: &person::Model) -> Value {
    json!({"@type": "Person", "name": p.full_name})
}

fn organization(o: &organization::Model) -> Value {
    let mut value = json!({"@type": "Organization", "name": o.name});
    if let Some(short) = &o.short_name {
        value["alternateName"] = json!(short);
    }
    value
}

fn event(e: &event::Model) -> Value {
    let mut value = json!({
        "@type": "Event",
        "name": e.name,
        "startDate": zone::w3c(e.starts_at),
    });
    if let Some(ends) = e.ends_at {
        value["endDate"] = json!(zone::w3c(ends));
    }
    if let Some(location) = &e.location {
        value["location"] = json!({"@type": "Place", "name": location});
    }
    value
}

fn image(m: &media::Model) -> Value {
    let mut value = json!({"@type": "ImageObject", "url": m.url, "contentUrl": m.url});
    if let Some(caption) = &m.caption {
        value["caption"] = json!(caption);
    }
    if let Some(credit) = &m.credit {
        value["creditText"] = json!(credit);
    }
    if let (Some(w), Some(h)) = (m.width, m.height) {
        value["width"] = json!(w);
        value["height"] = json!(h);
    }
    value
}
