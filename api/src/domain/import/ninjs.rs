//! ninjs 3.x items to [`SourceArticle`]s: the mapping of our own export
//! (`domain::ninjs`) in reverse, so that an export re-imported into an
//! empty database gives the same articles, people, organizations, events
//! and links. Items from other systems work too, within what they say.
//!
//! | ninjs | article |
//! |---|---|
//! | `uri` | the source id |
//! | `slugline` | the slug (when it is one) |
//! | `headlines[role=main]` (else the first) | title |
//! | `descriptions[role=summary]` | lead |
//! | `bodies[role=main]` HTML (or plain text) | body blocks; figures get the caption, credit and alt of their `associations` |
//! | `pubStatus` `usable` / `withheld` / `canceled` | published / draft / unpublished |
//! | `firstCreated` | publication (and creation) time |
//! | `subjects[rel=section]`, `[rel=tag]` | section, tags (`literal` is the slug) |
//! | `people[rel]` (`author`, `quoted`, `photographer`, else mentioned); `by` when no author | people with roles |
//! | `organisations`, `events` | links (created by `literal` and `name` when new) |
//! | `associations[rel=leadImage]` | lead image |
//!
//! Not carried by ninjs, so not restored: revisions, people's positions,
//! an organization's kind and parent, an event's dates (a new event starts
//! at the first article that covers it).

use std::io::BufRead;

use chrono::{DateTime, Utc};
use entity::article_person::PersonRole;
use serde_json::Value;

use super::{
    html,
    source::{BadItem, SourceArticle, SourceBlock, SourcePhoto, SourceStatus, SourceTerm},
};
use crate::{
    domain::body::Block,
    platform::{slug::slugify, text},
};

/// One item of JSON text (a line of NDJSON, a `.json` file) to an article.
pub fn item(json: &str, line: u64) -> Result<SourceArticle, BadItem> {
    let value: Value = serde_json::from_str(json).map_err(|e| BadItem {
        source_id: None,
        line,
        message: format!("not JSON: {e}"),
    })?;
    from_value(&value, line)
}

/// The items of NDJSON text, one per non-empty line.
pub fn lines<R: BufRead>(reader: R) -> impl Iterator<Item = Result<SourceArticle, BadItem>> {
    reader.lines().enumerate().filter_map(|(i, line)| {
        let number = i as u64 + 1;
        match line {
            Ok(text) if text.trim().is_empty() => None,
            Ok(text) => Some(item(&text, number)),
            Err(e) => Some(Err(BadItem {
                source_id: None,
                line: number,
                message: format!("unreadable line: {e}"),
            })),
        }
    })
}

fn from_value(v: &Value, line: u64) -> Result<SourceArticle, BadItem> {
    let uri = str_of(v, "uri").map(str::to_owned);
    let bad = |message: String| BadItem {
        source_id: uri.clone(),
        line,
        message,
    };
    let Some(source_id) = uri.clone().filter(|u| !u.trim().is_empty()) else {
        return Err(bad("the item has no `uri`".into()));
    };
    let title = text::line(&pick(v, "headlines", "main").unwrap_or_default());
    if title.is_empty() {
        return Err(bad("the item has no headline".into()));
    }
    let first_created = match str_of(v, "firstCreated") {
        Some(t) => Some(time(t).ok_or_else(|| bad(format!("`firstCreated` {t:?} is not a date")))?),
        None => None,
    };
    let status = match str_of(v, "pubStatus").unwrap_or("usable") {
        "usable" => SourceStatus::Published,
        "withheld" => SourceStatus::Draft,
        "canceled" => SourceStatus::Unpublished,
        other => return Err(bad(format!("unknown `pubStatus` {other:?}"))),
    };
    let photos = associations(v);
    let lead_image = photos
        .iter()
        .find(|(rel, _)| rel == "leadImage")
        .map(|(_, p)| p.clone());
    let body = body(v, &photos);
    let slug = str_of(v, "slugline")
        .filter(|s| crate::domain::slugs::is_valid(s))
        .map(str::to_owned);
    Ok(SourceArticle {
        source_id,
        line,
        slug,
        aliases: Vec::new(),
        title,
        lead: text::plain(&pick(v, "descriptions", "summary").unwrap_or_default()),
        body,
        status,
        published_at: match status {
            SourceStatus::Draft => None,
            _ => first_created,
        },
        created_at: first_created,
        language: str_of(v, "language").map(str::to_owned),
        sections: concepts(v, "subjects", |rel| rel == "section")
            .into_iter()
            .take(1)
            .collect(),
        media_topic: media_topic(v),
        tags: concepts(v, "subjects", |rel| rel == "tag"),
        people: people(v),
        organizations: concepts(v, "organisations", |_| true),
        events: concepts(v, "events", |_| true),
        lead_image,
    })
}

/// The `literal` of the `mediatopic` subject (`medtop:11000000`).
fn media_topic(v: &Value) -> Option<String> {
    v.get("subjects")?
        .as_array()?
        .iter()
        .find(|s| str_of(s, "rel") == Some("mediatopic"))
        .and_then(|s| str_of(s, "literal"))
        .filter(|l| l.starts_with("medtop:") && l.len() <= 32)
        .map(str::to_owned)
}

fn str_of<'a>(v: &'a Value, key: &str) -> Option<&'a str> {
    v.get(key).and_then(Value::as_str)
}

fn time(text: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(text)
        .ok()
        .map(|t| t.with_timezone(&Utc))
}

/// The `value` of the entry of `list` with `role` (else the first).
fn pick(v: &Value, list: &str, role: &str) -> Option<String> {
    let entries = v.get(list)?.as_array()?;
    let entry = entries
        .iter()
        .find(|e| str_of(e, "role") == Some(role))
        .or_else(|| entries.first())?;
    str_of(entry, "value").map(str::to_owned)
}

/// The concepts of `list` whose `rel` passes, as terms: `literal` is our
/// slug when it is one, else the name makes it.
fn concepts(v: &Value, list: &str, rel: impl Fn(&str) -> bool) -> Vec<SourceTerm> {
    let Some(entries) = v.get(list).and_then(Value::as_array) else {
        return Vec::new();
    };
    let mut terms: Vec<SourceTerm> = Vec::new();
    for entry in entries {
        if !rel(str_of(entry, "rel").unwrap_or_default()) {
            continue;
        }
        if let Some(term) = term(entry)
            && !terms.iter().any(|t| t.slug == term.slug)
        {
            terms.push(term);
        }
    }
    terms
}

fn term(entry: &Value) -> Option<SourceTerm> {
    let name = text::line(str_of(entry, "name").unwrap_or_default());
    let literal = str_of(entry, "literal").unwrap_or_default();
    let slug = if crate::domain::slugs::is_valid(literal) {
        literal.to_owned()
    } else {
        slugify(if name.is_empty() { literal } else { &name })
    };
    if slug.is_empty() {
        return None;
    }
    let name = if name.is_empty() { slug.clone() } else { name };
    Some(SourceTerm { slug, name })
}

fn people(v: &Value) -> Vec<(SourceTerm, PersonRole)> {
    let mut people: Vec<(SourceTerm, PersonRole)> = Vec::new();
    for entry in v
        .get("people")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let role = match str_of(entry, "rel").unwrap_or_default() {
            "author" => PersonRole::Author,
            "quoted" => PersonRole::Quoted,
            "photographer" => PersonRole::Photographer,
            _ => PersonRole::Mentioned,
        };
        if let Some(term) = term(entry)
            && !people
                .iter()
                .any(|(t, r)| t.slug == term.slug && *r == role)
        {
            people.push((term, role));
        }
    }
    // A byline with no author concepts (items from other systems).
    if !people.iter().any(|(_, r)| *r == PersonRole::Author)
        && let Some(by) = str_of(v, "by")
    {
        let authors = by
            .split([',', ';'])
            .flat_map(|part| part.split(" - "))
            .map(text::line)
            .filter(|name| !name.is_empty());
        for (i, name) in authors.enumerate() {
            let slug = slugify(&name);
            if !slug.is_empty() {
                people.insert(i, (SourceTerm { slug, name }, PersonRole::Author));
            }
        }
    }
    people
}

/// The pictures of `associations` with their `rel`.
fn associations(v: &Value) -> Vec<(String, SourcePhoto)> {
    let Some(entries) = v.get("associations").and_then(Value::as_array) else {
        return Vec::new();
    };
    entries
        .iter()
        .filter_map(|a| {
            let renditions = a.get("renditions")?.as_array()?;
            let rendition = renditions
                .iter()
                .find(|r| str_of(r, "name") == Some("original"))
                .or_else(|| renditions.first())?;
            let url = str_of(rendition, "href")?.to_owned();
            let int = |key| {
                rendition
                    .get(key)
                    .and_then(Value::as_i64)
                    .and_then(|n| i32::try_from(n).ok())
            };
            let photo = SourcePhoto {
                url,
                caption: pick_role(a, "caption"),
                credit: str_of(a, "by").map(text::line),
                alt: pick_role(a, "alt"),
                width: int("width"),
                height: int("height"),
                mime: str_of(rendition, "contentType").map(str::to_owned),
                source_ref: str_of(a, "uri").map(str::to_owned),
            };
            Some((str_of(a, "rel").unwrap_or_default().to_owned(), photo))
        })
        .collect()
}

fn pick_role(a: &Value, role: &str) -> Option<String> {
    a.get("descriptions")?
        .as_array()?
        .iter()
        .find(|d| str_of(d, "role") == Some(role))
        .and_then(|d| str_of(d, "value"))
        .map(text::line)
}

/// The main body as blocks: HTML through the shared converter, plain text
/// by blank lines. A figure takes what its association says about the
/// photo (the HTML has the caption, the association the media type too).
fn body(v: &Value, photos: &[(String, SourcePhoto)]) -> Vec<SourceBlock> {
    let Some(bodies) = v.get("bodies").and_then(Value::as_array) else {
        return Vec::new();
    };
    let Some(main) = bodies
        .iter()
        .find(|b| str_of(b, "role") == Some("main"))
        .or_else(|| bodies.first())
    else {
        return Vec::new();
    };
    let value = str_of(main, "value").unwrap_or_default();
    if str_of(main, "contentType").is_some_and(|t| t.starts_with("text/plain")) {
        return value
            .split("\n\n")
            .map(text::line)
            .filter(|p| !p.is_empty())
            .map(|text| SourceBlock::Block(Block::Paragraph { text }))
            .collect();
    }
    html::blocks_from_html(value)
        .into_iter()
        .map(|block| match block {
            SourceBlock::Image(mut photo) => {
                if let Some((_, known)) = photos.iter().find(|(_, p)| p.url == photo.url) {
                    photo.mime = photo.mime.or_else(|| known.mime.clone());
                    photo.credit = photo.credit.or_else(|| known.credit.clone());
                    photo.alt = known.alt.clone();
                    photo.width = photo.width.or(known.width);
                    photo.height = photo.height.or(known.height);
                }
                SourceBlock::Image(photo)
            }
            other => other,
        })
        .collect()
}
