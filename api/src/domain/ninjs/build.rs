//! One article as a ninjs item, from its row and the page's [`Related`].

use chrono::{DateTime, Utc};
use entity::{article, article_person::PersonRole, media};

use super::{
    SCHEMA_URI, STANDARD_VERSION, article_uri,
    load::Related,
    model::{AltId, Association, Body, Concept, Ninjs, Rendition, Standard, Text},
};
use crate::{
    domain::body::{self, Block},
    domain::viewer::Viewer,
    platform::ids::{self, NodeType},
    platform::urls,
    platform::zone,
};

fn role_name(role: PersonRole) -> &'static str {
    match role {
        PersonRole::Author => "author",
        PersonRole::Mentioned => "mentioned",
        PersonRole::Quoted => "quoted",
        PersonRole::Photographer => "photographer",
    }
}

/// Builds the item of `a`; `related` must have been loaded for it.
pub fn article(a: &article::Model, related: &Related, base_url: &str, now: DateTime<Utc>) -> Ninjs {
    let no_blocks = Vec::new();
    let blocks = related.blocks.get(&a.id).unwrap_or(&no_blocks);
    let section = related.sections.get(&a.section_id);
    let url = urls::article(base_url, section.map(|s| s.slug.as_str()), &a.slug);
    let first_created = a.published_at.unwrap_or(a.created_at);
    let html = body::render_html(blocks, |id| {
        related.media.get(&id).map(body::ImageHtml::from)
    });

    let links = related.people_links.get(&a.id).map(Vec::as_slice);
    let people: Vec<Concept> = links
        .unwrap_or_default()
        .iter()
        .filter_map(|l| {
            let p = related.people.get(&l.person_id)?;
            Some(Concept {
                name: p.full_name.clone(),
                rel: role_name(l.role).to_owned(),
                uri: format!("urn:toasoan:person:{}", p.id),
                literal: p.slug.clone(),
            })
        })
        .collect();
    let authors: Vec<&str> = people
        .iter()
        .filter(|p| p.rel == "author")
        .map(|p| p.name.as_str())
        .collect();

    Ninjs {
        uri: article_uri(a.id),
        kind: "text",
        representation_type: "full",
        standard: Standard {
            name: "ninjs",
            version: STANDARD_VERSION,
            schema: SCHEMA_URI,
        },
        version: a.version.to_string(),
        first_created: zone::w3c(first_created),
        version_created: zone::w3c(a.updated_at.max(first_created)),
        pub_status: if Viewer::Anonymous.can_read(a, now) {
            "usable"
        } else {
            "withheld"
        },
        language: a.language.clone(),
        slugline: a.slug.clone(),
        headlines: vec![Text {
            role: "main",
            content_type: "text/plain",
            value: a.title.clone(),
        }],
        descriptions: (!a.lead.is_empty())
            .then(|| Text {
                role: "summary",
                content_type: "text/plain",
                value: a.lead.clone(),
            })
            .into_iter()
            .collect(),
        bodies: vec![Body {
            role: "main",
            content_type: "text/html",
            word_count: body::word_count("", blocks) as u64,
            value: html,
        }],
        by: (!authors.is_empty()).then(|| authors.join(" - ")),
        organisations: organisations(a.id, related),
        events: events(a.id, related),
        subjects: subjects(a, related),
        people,
        renditions: vec![Rendition {
            name: "web",
            href: url.clone(),
            content_type: Some("text/html".to_owned()),
            width: None,
            height: None,
        }],
        associations: photos(a, blocks, related),
        alt_ids: vec![
            AltId {
                role: "graphqlId",
                value: ids::encode(NodeType::Article, a.id),
            },
            AltId {
                role: "url",
                value: url,
            },
        ],
    }
}

fn organisations(id: i64, related: &Related) -> Vec<Concept> {
    let links = related.organization_links.get(&id).map(Vec::as_slice);
    links
        .unwrap_or_default()
        .iter()
        .filter_map(|l| related.organizations.get(&l.organization_id))
        .map(|o| Concept {
            name: o.name.clone(),
            rel: "about".to_owned(),
            uri: format!("urn:toasoan:organization:{}", o.id),
            literal: o.slug.clone(),
        })
        .collect()
}

fn events(id: i64, related: &Related) -> Vec<Concept> {
    let links = related.event_links.get(&id).map(Vec::as_slice);
    links
        .unwrap_or_default()
        .iter()
        .filter_map(|l| related.events.get(&l.event_id))
        .map(|e| Concept {
            name: e.name.clone(),
            rel: "covers".to_owned(),
            uri: format!("urn:toasoan:event:{}", e.id),
            literal: e.slug.clone(),
        })
        .collect()
}

/// The section, its IPTC media topic (inherited from the nearest ancestor
/// section that has one), then the tags.
fn subjects(a: &article::Model, related: &Related) -> Vec<Concept> {
    let mut subjects = Vec::new();
    if let Some(section) = related.sections.get(&a.section_id) {
        subjects.push(Concept {
            name: section.name.clone(),
            rel: "section".to_owned(),
            uri: format!("urn:toasoan:section:{}", section.id),
            literal: section.slug.clone(),
        });
        if let Some(code) = related.media_topic(section.id) {
            let number = code.trim_start_matches("medtop:");
            subjects.push(Concept {
                name: section.name.clone(),
                rel: "mediatopic".to_owned(),
                uri: format!("http://cv.iptc.org/newscodes/mediatopic/{number}"),
                literal: code.to_owned(),
            });
        }
    }
    let links = related.tag_links.get(&a.id).map(Vec::as_slice);
    subjects.extend(
        links
            .unwrap_or_default()
            .iter()
            .filter_map(|l| related.tags.get(&l.tag_id))
            .map(|t| Concept {
                name: t.name.clone(),
                rel: "tag".to_owned(),
                uri: format!("urn:toasoan:tag:{}", t.id),
                literal: t.slug.clone(),
            }),
    );
    subjects
}

/// The lead image, then the body's photos in order, each once.
fn photos(a: &article::Model, blocks: &[Block], related: &Related) -> Vec<Association> {
    let mut seen = Vec::new();
    let mut photos = Vec::new();
    let lead = a.lead_image_id.into_iter().map(|id| (id, true));
    let inline = blocks.iter().filter_map(|b| match b {
        Block::Image { media_id } => Some((*media_id, false)),
        _ => None,
    });
    for (id, is_lead) in lead.chain(inline) {
        let Some(m) = related.media.get(&id).filter(|_| !seen.contains(&id)) else {
            continue;
        };
        seen.push(id);
        let name = if is_lead {
            "leadImage".to_owned()
        } else {
            format!(
                "image{}",
                photos.len() + usize::from(a.lead_image_id.is_none())
            )
        };
        photos.push(photo(m, name, if is_lead { "leadImage" } else { "inline" }));
    }
    photos
}

fn photo(m: &media::Model, name: String, rel: &'static str) -> Association {
    let text = |role, value: &Option<String>| {
        value.as_ref().map(|v| Text {
            role,
            content_type: "text/plain",
            value: v.clone(),
        })
    };
    Association {
        name,
        rel,
        uri: format!("urn:toasoan:media:{}", m.id),
        kind: "picture",
        by: m.credit.clone(),
        descriptions: [text("caption", &m.caption), text("alt", &m.alt)]
            .into_iter()
            .flatten()
            .collect(),
        renditions: vec![Rendition {
            name: "original",
            href: m.url.clone(),
            content_type: m.mime.clone(),
            width: m.width,
            height: m.height,
        }],
    }
}
