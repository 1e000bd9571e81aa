//! schema.org `NewsArticle` JSON-LD for the website's `<script
//! type="application/ld+json">` (search engines' rich results), built from
//! rows already loaded. `Article.jsonLd` gathers them with the DataLoaders.
//!
//! The text is pasted between `<script>` tags, where HTML ends the script
//! at the first `</script` whatever JSON thinks of it, so [`script_safe`]
//! writes `<`, `>` and `&` (and U+2028/U+2029, line ends to old
//! JavaScript) as `\u` escapes: the same JSON, with no markup in it.

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

/// `value` as JSON text safe between `<script>` and `</script>`: `<`, `>`,
/// `&`, U+2028 and U+2029 escaped as `\u003c`… They can only occur inside
/// JSON strings, where the escape means the same character.
pub fn script_safe(value: &Value) -> String {
    let json = value.to_string();
    let mut out = String::with_capacity(json.len());
    for c in json.chars() {
        match c {
            '<' => out.push_str("\\u003c"),
            '>' => out.push_str("\\u003e"),
            '&' => out.push_str("\\u0026"),
            '\u{2028}' => out.push_str("\\u2028"),
            '\u{2029}' => out.push_str("\\u2029"),
            c => out.push(c),
        }
    }
    out
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn script_safe_json_has_no_markup_and_means_the_same() {
        let title = "Tỉnh ủy </script><script>alert(1)</script> & \u{2028}xong\u{2029}<!--";
        let value = json!({"headline": title, "nested": [{"name": "<b>"}]});
        let text = script_safe(&value);
        for raw in ['<', '>', '&', '\u{2028}', '\u{2029}'] {
            assert!(!text.contains(raw), "{raw:?} in {text}");
        }
        assert!(text.contains(r"\u003c/script\u003e"), "{text}");
        let back: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(back, value);
    }
}
