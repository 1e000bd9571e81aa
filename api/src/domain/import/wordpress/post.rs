//! One `<item>` of post type `post` as a [`SourceArticle`]; the table of
//! the mapping is in the [module's documentation](super).
//!
//! Every problem with an item is collected, so that its report names them
//! all at once (`no <wp:post_id>; \`2021-13-45 99:00:00\` is not a date`).

use chrono::{DateTime, FixedOffset, Utc};
use entity::article_person::PersonRole;

use super::{
    dates,
    lookup::Lookup,
    photos,
    text::{non_empty, percent_decode, plain_text, slug},
    urls,
    xml::Element,
};
use crate::domain::import::source::{
    BadItem, SourceArticle, SourceBlock, SourceStatus, SourceTerm,
};

/// What a post is converted with.
pub(super) struct Convert<'a> {
    pub lookup: &'a Lookup,
    /// The site's zone, for `wp:post_date` when `wp:post_date_gmt` is missing.
    pub offset: FixedOffset,
    /// Body markup to blocks (`html::blocks_from_html`).
    pub blocks: fn(&str) -> Vec<SourceBlock>,
}

/// The slug of WordPress's default category: no section of its own.
const UNCATEGORIZED: &str = "uncategorized";

/// The source id of post `id`: `wordpress:{base url}:{id}`.
pub(super) fn source_id(base_url: Option<&str>, id: u64) -> String {
    let base = base_url.unwrap_or("").trim_end_matches('/');
    format!("wordpress:{base}:{id}")
}

/// Converts a post, or says what is wrong with it.
pub(super) fn article(
    item: &Element,
    line: u64,
    cx: &Convert<'_>,
) -> Result<SourceArticle, BadItem> {
    let mut problems = Vec::new();
    let id = post_id(item, &mut problems);
    let source_id = id.map(|id| source_id(cx.lookup.base_url(), id));
    let status = status(item, &mut problems);
    let date = date(item, cx.offset, &mut problems);
    let title = plain_text(item.text_of("title"));
    let content = item.text_of("content:encoded");
    if title.is_empty() && content.is_empty() {
        problems.push("no title and no content".to_owned());
    }
    if date.is_none()
        && problems.is_empty()
        && matches!(
            status,
            Some(SourceStatus::Published | SourceStatus::Scheduled)
        )
    {
        problems.push("no date: neither <wp:post_date_gmt> nor <wp:post_date>".to_owned());
    }
    let (Some(status), true) = (status, problems.is_empty()) else {
        return Err(BadItem {
            source_id,
            line,
            message: problems.join("; "),
        });
    };
    let (slug, aliases) = addresses(item, cx.lookup.base_url());
    Ok(SourceArticle {
        source_id: source_id.unwrap_or_default(),
        line,
        slug,
        aliases,
        title,
        lead: plain_text(item.text_of("excerpt:encoded")),
        body: photos::complete((cx.blocks)(content), cx.lookup),
        status,
        published_at: (status != SourceStatus::Draft).then_some(date).flatten(),
        created_at: date,
        language: None,
        sections: sections(item, cx.lookup),
        media_topic: None,
        tags: tags(item, cx.lookup),
        people: people(item, cx.lookup),
        organizations: Vec::new(),
        events: Vec::new(),
        lead_image: item
            .meta("_thumbnail_id")
            .and_then(|id| id.parse().ok())
            .and_then(|id| cx.lookup.attachment(id))
            .cloned(),
    })
}

fn post_id(item: &Element, problems: &mut Vec<String>) -> Option<u64> {
    let text = item.text_of("wp:post_id");
    let id = text.parse().ok();
    if id.is_none() {
        problems.push(if text.is_empty() {
            "no <wp:post_id>".to_owned()
        } else {
            format!("<wp:post_id> `{text}` is not a number")
        });
    }
    id
}

fn status(item: &Element, problems: &mut Vec<String>) -> Option<SourceStatus> {
    let status = match item.text_of("wp:status") {
        "publish" => SourceStatus::Published,
        "future" => SourceStatus::Scheduled,
        "draft" | "pending" => SourceStatus::Draft,
        "private" => SourceStatus::Unpublished,
        other => {
            problems.push(format!("unknown <wp:status> `{other}`"));
            return None;
        }
    };
    Some(status)
}

/// `wp:post_date_gmt`, else `wp:post_date` at the site's offset.
fn date(item: &Element, offset: FixedOffset, problems: &mut Vec<String>) -> Option<DateTime<Utc>> {
    let mut read = |name: &str| {
        dates::parse(item.text_of(name)).unwrap_or_else(|e| {
            problems.push(format!("<{name}>: {e}"));
            None
        })
    };
    let gmt = read("wp:post_date_gmt");
    let local = read("wp:post_date");
    match (gmt, local) {
        (Some(gmt), _) => Some(dates::from_gmt(gmt)),
        (None, Some(local)) => dates::from_local(local, offset),
        (None, None) => None,
    }
}

/// The slug from `wp:post_name`, and the old addresses: the permalink's
/// path, and the decoded post name when it is not a valid slug itself.
fn addresses(item: &Element, base_url: Option<&str>) -> (Option<String>, Vec<String>) {
    let post_name = item.text_of("wp:post_name");
    let slug = slug(post_name);
    let decoded = percent_decode(post_name);
    let mut aliases = Vec::new();
    let candidates = urls::permalink_path(item.text_of("link"), base_url)
        .into_iter()
        .chain(non_empty(&decoded));
    for alias in candidates {
        if Some(&alias) != slug.as_ref() && !aliases.contains(&alias) {
            aliases.push(alias);
        }
    }
    (slug, aliases)
}

/// `<category domain=… nicename=…>name</category>` as slug and name.
fn terms<'a>(item: &'a Element, domain: &'a str) -> impl Iterator<Item = SourceTerm> + 'a {
    item.children_named("category")
        .filter(move |c| c.attribute("domain") == Some(domain))
        .filter_map(|c| {
            let name = plain_text(&c.text);
            let slug = c
                .attribute("nicename")
                .and_then(slug)
                .or_else(|| slug(&name))?;
            Some(SourceTerm { slug, name })
        })
}

/// The first real category with its ancestors, root first.
fn sections(item: &Element, lookup: &Lookup) -> Vec<SourceTerm> {
    let Some(first) = terms(item, "category").find(|c| c.slug != UNCATEGORIZED) else {
        return Vec::new();
    };
    let chain = lookup.section_chain(&first.slug);
    if chain.is_empty() {
        // A category the export's list lacks: the post's own word for it.
        return vec![named(first)];
    }
    chain
}

fn tags(item: &Element, lookup: &Lookup) -> Vec<SourceTerm> {
    let mut tags: Vec<SourceTerm> = Vec::new();
    for mut tag in terms(item, "post_tag") {
        if tag.name.is_empty() {
            tag.name = lookup
                .tag(&tag.slug)
                .map_or(String::new(), |t| t.name.clone());
        }
        if !tags.iter().any(|t| t.slug == tag.slug) {
            tags.push(named(tag));
        }
    }
    tags
}

/// `term` with its slug for a name when it has none.
fn named(mut term: SourceTerm) -> SourceTerm {
    if term.name.is_empty() {
        term.name.clone_from(&term.slug);
    }
    term
}

/// `dc:creator` (a login) as the author, by their display name.
fn people(item: &Element, lookup: &Lookup) -> Vec<(SourceTerm, PersonRole)> {
    let login = item.text_of("dc:creator");
    let person = match lookup.author(login) {
        Some(author) => Some(SourceTerm {
            slug: author.slug.clone(),
            name: author.display_name.clone(),
        }),
        None => slug(login).map(|slug| SourceTerm {
            slug,
            name: login.to_owned(),
        }),
    };
    person
        .map(|p| (p, PersonRole::Author))
        .into_iter()
        .collect()
}
