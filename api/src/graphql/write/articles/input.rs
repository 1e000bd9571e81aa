//! Article input: GraphQL input types, validated and resolved once into a
//! [`Changes`] value that the store writes.

use async_graphql::{ID, InputObject, MaybeUndefined, OneofObject};
use entity::{article_person::PersonRole, event, organization, person, section, tag};
use sea_orm::ConnectionTrait;

use crate::{
    domain::articles::changes::{Changes, Image, NewMedia, PendingBlock},
    domain::body::{self, Block},
    domain::references,
    domain::slugs::{self, Slugged},
    graphql::articles::ArticlePersonRole,
    platform::error::{AppResult, Errors},
    platform::ids::{self, NodeType},
    platform::text,
};

/// The fields of an article. `createArticle` needs `title` and `section`;
/// `updateArticle` changes only the fields it is given.
#[derive(InputObject, Default)]
pub struct ArticleInput {
    /// The headline; required on creation.
    pub title: Option<String>,
    /// Made from the title when not given on creation.
    pub slug: Option<String>,
    /// The sapo.
    pub lead: Option<String>,
    /// The body, block by block; replaces the current one.
    pub body: Option<Vec<BlockInput>>,
    /// A section ID or slug.
    pub section: Option<String>,
    /// BCP 47 tag; `vi` by default.
    pub language: Option<String>,
    /// Everyone linked to the article, with roles (authors included);
    /// replaces the current list.
    pub people: Option<Vec<ArticlePersonInput>>,
    /// Organization IDs or slugs; replaces the current list.
    pub organizations: Option<Vec<String>>,
    /// Event IDs or slugs; replaces the current list.
    pub events: Option<Vec<String>>,
    /// Tag IDs or slugs; replaces the current list.
    pub tags: Option<Vec<String>>,
    /// The photo shown with the title; `null` removes it.
    pub lead_image: MaybeUndefined<ImageInput>,
}

/// A person linked to the article.
#[derive(InputObject)]
pub struct ArticlePersonInput {
    /// A person ID or slug.
    pub person: String,
    /// What they did for the article.
    pub role: ArticlePersonRole,
}

/// One body block: exactly one of the fields.
#[derive(OneofObject)]
pub enum BlockInput {
    /// A paragraph of plain text.
    Paragraph(TextInput),
    /// A sub-heading.
    Heading(HeadingInput),
    /// A photo with its caption and credit.
    Image(ImageInput),
    /// A quotation.
    Quote(QuoteInput),
    /// A bulleted or numbered list.
    List(ListInput),
    /// Content from another site, by URL.
    Embed(EmbedInput),
}

/// A paragraph.
#[derive(InputObject)]
pub struct TextInput {
    /// Plain text; HTML is removed.
    pub text: String,
}

/// A sub-heading.
#[derive(InputObject)]
pub struct HeadingInput {
    /// 2 to 6.
    #[graphql(default = 2)]
    pub level: i32,
    /// The heading text.
    pub text: String,
}

/// A photo: an existing media `id`, or a new one by `url` and its details.
#[derive(InputObject, Clone)]
pub struct ImageInput {
    /// Reuse a media object by its ID (the other fields are then ignored).
    pub id: Option<ID>,
    /// Absolute http(s) URL.
    pub url: Option<String>,
    /// "Toàn cảnh hội nghị."
    pub caption: Option<String>,
    /// Who took the photo.
    pub credit: Option<String>,
    /// Text for readers who cannot see it.
    pub alt: Option<String>,
    /// Width in pixels, 1 to 100000.
    pub width: Option<i32>,
    /// Height in pixels, 1 to 100000.
    pub height: Option<i32>,
    /// Media type, e.g. `image/jpeg`.
    pub mime: Option<String>,
}

/// A quotation.
#[derive(InputObject)]
pub struct QuoteInput {
    /// What was said.
    pub text: String,
    /// Who said it.
    pub attribution: Option<String>,
}

/// A list.
#[derive(InputObject)]
pub struct ListInput {
    /// Numbered when true; bulleted by default.
    #[graphql(default)]
    pub ordered: bool,
    /// The items, plain text, at least one.
    pub items: Vec<String>,
}

/// Content embedded from another site.
#[derive(InputObject)]
pub struct EmbedInput {
    /// Absolute http(s) URL.
    pub url: String,
    /// Who hosts it ("YouTube").
    pub provider: Option<String>,
    /// Its title.
    pub title: Option<String>,
}

const MAX_TITLE: usize = 500;
const MAX_LEAD: usize = 5_000;
const MAX_BLOCKS: usize = 500;
const MAX_TEXT: usize = 50_000;

/// Validates and resolves `input` for article `own` (None when creating).
/// Every problem is reported at once, with its field path.
pub async fn prepare(
    db: &impl ConnectionTrait,
    input: ArticleInput,
    own: Option<i64>,
    creating: bool,
) -> AppResult<Changes> {
    let mut errors = Errors::default();
    let mut changes = Changes {
        title: prepare_title(input.title.as_deref(), creating, &mut errors),
        lead: input
            .lead
            .as_deref()
            .map(|lead| prepare_lead(lead, &mut errors)),
        language: (input.language).map(|language| prepare_language(language, &mut errors)),
        body: input.body.map(|blocks| prepare_body(blocks, &mut errors)),
        lead_image: prepare_lead_image(input.lead_image, &mut errors),
        ..Changes::default()
    };
    changes.section_id =
        prepare_section(db, input.section.as_deref(), creating, &mut errors).await?;
    changes.people = prepare_people(db, input.people.as_deref(), &mut errors).await?;
    changes.organizations = reference_list::<organization::Entity>(
        db,
        input.organizations.as_deref(),
        "input.organizations",
        &mut errors,
    )
    .await?;
    changes.events =
        reference_list::<event::Entity>(db, input.events.as_deref(), "input.events", &mut errors)
            .await?;
    changes.tags =
        reference_list::<tag::Entity>(db, input.tags.as_deref(), "input.tags", &mut errors).await?;
    changes.slug = prepare_slug(
        db,
        input.slug.as_deref(),
        changes.title.as_deref(),
        (own, creating),
        &mut errors,
    )
    .await?;
    errors.finish()?;
    Ok(changes)
}

/// The cleaned title; required on creation.
fn prepare_title(title: Option<&str>, creating: bool, errors: &mut Errors) -> Option<String> {
    let Some(title) = title else {
        if creating {
            errors.add("input.title", "is required");
        }
        return None;
    };
    let title = text::line(title);
    errors.check(!title.is_empty(), "input.title", "must not be empty");
    errors.check(
        title.chars().count() <= MAX_TITLE,
        "input.title",
        format!("must be at most {MAX_TITLE} characters"),
    );
    Some(title)
}

/// The cleaned sapo.
fn prepare_lead(lead: &str, errors: &mut Errors) -> String {
    let lead = text::plain(lead);
    errors.check(
        lead.chars().count() <= MAX_LEAD,
        "input.lead",
        format!("must be at most {MAX_LEAD} characters"),
    );
    lead
}

/// The language, which must look like a BCP 47 tag.
fn prepare_language(language: String, errors: &mut Errors) -> String {
    let ok = !language.is_empty()
        && language.len() <= 16
        && language
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-');
    errors.check(
        ok,
        "input.language",
        "must be a BCP 47 tag such as `vi` or `en`",
    );
    language
}

/// The body blocks, each cleaned; an invalid one is left out.
fn prepare_body(blocks: Vec<BlockInput>, errors: &mut Errors) -> Vec<PendingBlock> {
    errors.check(
        blocks.len() <= MAX_BLOCKS,
        "input.body",
        format!("must have at most {MAX_BLOCKS} blocks"),
    );
    blocks
        .into_iter()
        .enumerate()
        .filter_map(|(i, block)| prepare_block(block, &format!("input.body[{i}]"), errors))
        .collect()
}

/// The lead image change: `None` keeps it, `Some(None)` removes it.
fn prepare_lead_image(
    image: MaybeUndefined<ImageInput>,
    errors: &mut Errors,
) -> Option<Option<Image>> {
    match image {
        MaybeUndefined::Undefined => None,
        MaybeUndefined::Null => Some(None),
        MaybeUndefined::Value(image) => prepare_image(image, "input.leadImage", errors).map(Some),
    }
}

/// The section's row id; required on creation.
async fn prepare_section(
    db: &impl ConnectionTrait,
    section: Option<&str>,
    creating: bool,
    errors: &mut Errors,
) -> AppResult<Option<i64>> {
    match section {
        Some(section) => {
            references::check::<section::Entity>(db, errors, section, "input.section").await
        }
        None => {
            if creating {
                errors.add("input.section", "is required");
            }
            Ok(None)
        }
    }
}

/// The people with their roles (a person may have several roles, but
/// each only once).
async fn prepare_people(
    db: &impl ConnectionTrait,
    people: Option<&[ArticlePersonInput]>,
    errors: &mut Errors,
) -> AppResult<Option<Vec<(i64, PersonRole)>>> {
    let Some(people) = people else {
        return Ok(None);
    };
    let mut resolved = Vec::with_capacity(people.len());
    for (i, p) in people.iter().enumerate() {
        let field = format!("input.people[{i}].person");
        if let Some(id) = references::check::<person::Entity>(db, errors, &p.person, &field).await?
        {
            let role = PersonRole::from(p.role);
            if resolved.contains(&(id, role)) {
                errors.add(field, "is listed twice with the same role");
            } else {
                resolved.push((id, role));
            }
        }
    }
    Ok(Some(resolved))
}

/// The slug: the one given, or one made from the (new) title on creation.
/// `row` is the article's id (none on creation) and whether it is created.
async fn prepare_slug(
    db: &impl ConnectionTrait,
    wanted: Option<&str>,
    title: Option<&str>,
    (own, creating): (Option<i64>, bool),
    errors: &mut Errors,
) -> AppResult<Option<String>> {
    match (wanted, title) {
        (Some(wanted), _) => {
            match slugs::choose::<entity::article::Entity>(db, Some(wanted), "", own, "input.slug")
                .await
            {
                Ok(slug) => Ok(Some(slug)),
                Err(err) => {
                    errors.add("input.slug", err.message());
                    Ok(None)
                }
            }
        }
        (None, Some(title)) if creating => Ok(Some(
            slugs::choose::<entity::article::Entity>(db, None, title, own, "input.slug").await?,
        )),
        _ => Ok(None),
    }
}

fn prepare_block(block: BlockInput, field: &str, errors: &mut Errors) -> Option<PendingBlock> {
    Some(match block {
        BlockInput::Paragraph(p) => PendingBlock::Ready(Block::Paragraph {
            text: block_text(&p.text, field, "paragraph.text", errors),
        }),
        BlockInput::Heading(h) => {
            let text = block_text(&h.text, field, "heading.text", errors);
            errors.check(
                (2..=6).contains(&h.level),
                format!("{field}.heading.level"),
                "must be between 2 and 6",
            );
            PendingBlock::Ready(Block::Heading {
                level: h.level.clamp(2, 6) as u8,
                text,
            })
        }
        BlockInput::Quote(q) => PendingBlock::Ready(Block::Quote {
            text: block_text(&q.text, field, "quote.text", errors),
            attribution: q
                .attribution
                .map(|a| text::line(&a))
                .filter(|a| !a.is_empty()),
        }),
        BlockInput::List(l) => {
            errors.check(
                !l.items.is_empty(),
                format!("{field}.list.items"),
                "must not be empty",
            );
            let items = l
                .items
                .iter()
                .enumerate()
                .map(|(i, item)| block_text(item, field, &format!("list.items[{i}]"), errors))
                .collect();
            PendingBlock::Ready(Block::List {
                ordered: l.ordered,
                items,
            })
        }
        BlockInput::Embed(e) => {
            errors.check(
                body::is_http_url(&e.url),
                format!("{field}.embed.url"),
                "must be an absolute http(s) URL",
            );
            PendingBlock::Ready(Block::Embed {
                url: e.url.trim().to_owned(),
                provider: e.provider.map(|p| text::line(&p)).filter(|p| !p.is_empty()),
                title: e.title.map(|t| text::line(&t)).filter(|t| !t.is_empty()),
            })
        }
        BlockInput::Image(image) => {
            PendingBlock::Image(prepare_image(image, &format!("{field}.image"), errors)?)
        }
    })
}

/// Cleans the text of a block, recording empty or oversize text.
fn block_text(value: &str, field: &str, name: &str, errors: &mut Errors) -> String {
    let value = text::plain(value);
    errors.check(
        !value.is_empty(),
        format!("{field}.{name}"),
        "must not be empty",
    );
    errors.check(
        value.chars().count() <= MAX_TEXT,
        format!("{field}.{name}"),
        format!("must be at most {MAX_TEXT} characters"),
    );
    value
}

fn prepare_image(image: ImageInput, field: &str, errors: &mut Errors) -> Option<Image> {
    if let Some(id) = &image.id {
        return match ids::decode(NodeType::Media, id, &format!("{field}.id")) {
            Ok(id) => Some(Image::Existing(id)),
            Err(err) => {
                errors.add(format!("{field}.id"), err.message());
                None
            }
        };
    }
    let Some(url) = image.url.as_deref().map(str::trim) else {
        errors.add(
            format!("{field}.url"),
            "give the `id` of a media object or the `url` of a new one",
        );
        return None;
    };
    errors.check(
        body::is_http_url(url),
        format!("{field}.url"),
        "must be an absolute http(s) URL",
    );
    for (name, value) in [("width", image.width), ("height", image.height)] {
        errors.check(
            value.is_none_or(|v| (1..=100_000).contains(&v)),
            format!("{field}.{name}"),
            "must be between 1 and 100000",
        );
    }
    let clean = |v: Option<String>| v.map(|v| text::line(&v)).filter(|v| !v.is_empty());
    Some(Image::New(NewMedia {
        url: url.to_owned(),
        caption: clean(image.caption),
        credit: clean(image.credit),
        alt: clean(image.alt),
        width: image.width,
        height: image.height,
        mime: clean(image.mime),
    }))
}

/// Resolves a list of references (order kept, duplicates refused).
async fn reference_list<E: Slugged>(
    db: &impl ConnectionTrait,
    values: Option<&[String]>,
    field: &str,
    errors: &mut Errors,
) -> AppResult<Option<Vec<i64>>> {
    let Some(values) = values else {
        return Ok(None);
    };
    let mut ids = Vec::with_capacity(values.len());
    for (i, value) in values.iter().enumerate() {
        let path = format!("{field}[{i}]");
        if let Some(id) = references::check::<E>(db, errors, value, &path).await? {
            if ids.contains(&id) {
                errors.add(path, "is listed twice");
            } else {
                ids.push(id);
            }
        }
    }
    Ok(Some(ids))
}

/// The changes that bring `current` back to `snapshot`'s content.
pub fn from_snapshot(
    snapshot: &crate::domain::revisions::Snapshot,
    current: &entity::article::Model,
) -> AppResult<Changes> {
    let blocks = body::parse(&snapshot.body)
        .map_err(|e| crate::platform::error::AppError::Internal(format!("revision body: {e}")))?;
    let people = snapshot
        .people
        .iter()
        .filter_map(|(id, role)| {
            <PersonRole as sea_orm::ActiveEnum>::try_from_value(role)
                .ok()
                .map(|role| (*id, role))
        })
        .collect();
    Ok(Changes {
        title: Some(snapshot.title.clone()),
        // The slug only changes back if it was different.
        slug: (snapshot.slug != current.slug).then(|| snapshot.slug.clone()),
        lead: Some(snapshot.lead.clone()),
        body: Some(blocks.into_iter().map(PendingBlock::Ready).collect()),
        section_id: Some(snapshot.section_id),
        language: Some(snapshot.language.clone()),
        people: Some(people),
        organizations: Some(snapshot.organizations.clone()),
        events: Some(snapshot.events.clone()),
        tags: Some(snapshot.tags.clone()),
        lead_image: Some(snapshot.lead_image_id.map(Image::Existing)),
        ..Changes::default()
    })
}
