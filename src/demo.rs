//! The demo newsroom: a real article of our first publisher modelled in
//! full, and the small provincial newsroom around it. Shipped inside the
//! binary (`demo/newsroom.json`) and loaded in one transaction.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Duration, FixedOffset, NaiveDate, Utc};
use entity::{
    article, article::ArticleStatus, article_event, article_image, article_organization,
    article_person, article_person::PersonRole, article_tag, event, event_organization,
    event_person, media, organization, person, position, section, tag,
};
use sea_orm::{
    ActiveModelTrait, ConnectionTrait, DatabaseConnection, EntityTrait, PaginatorTrait,
    QuerySelect, Set, TransactionTrait,
};
use serde::Deserialize;

use api::{domain::body, domain::changes, domain::search, platform::slug};

/// The demo data, as shipped.
pub const NEWSROOM_JSON: &str = include_str!("../demo/newsroom.json");

/// Why the demo could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum DemoError {
    #[error("the demo data does not parse: {0}")]
    Parse(#[from] serde_json::Error),
    #[error("the demo data refers to an unknown {kind} `{slug}`")]
    UnknownReference { kind: &'static str, slug: String },
    #[error("the demo data is invalid: {0}")]
    Invalid(String),
    #[error("the database already has articles; the demo only loads into an empty one")]
    NotEmpty,
    #[error("database: {0}")]
    Db(#[from] sea_orm::DbErr),
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct Newsroom {
    sections: Vec<SectionIn>,
    organizations: Vec<OrganizationIn>,
    people: Vec<PersonIn>,
    tags: Vec<TagIn>,
    events: Vec<EventIn>,
    articles: Vec<ArticleIn>,
}

/// A section of the demo newsroom, as shipped (the archive generator files
/// its articles under the same sections).
#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SectionIn {
    pub slug: String,
    pub name: String,
    /// The parent's slug; parents are listed before their children.
    pub parent: Option<String>,
    pub position: i32,
    #[serde(default)]
    pub iptc_media_topic: Option<String>,
}

impl SectionIn {
    /// The row to insert, under the parent's id.
    pub fn row(&self, parent_id: Option<i64>) -> section::ActiveModel {
        section::ActiveModel {
            parent_id: Set(parent_id),
            name: Set(self.name.clone()),
            slug: Set(self.slug.clone()),
            position: Set(self.position),
            iptc_media_topic: Set(self.iptc_media_topic.clone()),
            version: Set(1),
            ..Default::default()
        }
    }
}

/// The sections of the demo newsroom alone.
pub fn sections() -> Result<Vec<SectionIn>, serde_json::Error> {
    /// The other collections are left unread.
    #[derive(Deserialize)]
    struct Sections {
        sections: Vec<SectionIn>,
    }
    Ok(serde_json::from_str::<Sections>(NEWSROOM_JSON)?.sections)
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct OrganizationIn {
    slug: String,
    name: String,
    #[serde(default)]
    short_name: Option<String>,
    kind: String,
    parent: Option<String>,
    #[serde(default)]
    description: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct PersonIn {
    slug: String,
    full_name: String,
    #[serde(default)]
    honorific: Option<String>,
    #[serde(default)]
    bio: Option<String>,
    #[serde(default)]
    positions: Vec<PositionIn>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct PositionIn {
    organization: String,
    title: String,
    from: NaiveDate,
    to: Option<NaiveDate>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct TagIn {
    slug: String,
    name: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct EventIn {
    slug: String,
    name: String,
    #[serde(default)]
    summary: Option<String>,
    starts_at: DateTime<FixedOffset>,
    #[serde(default)]
    ends_at: Option<DateTime<FixedOffset>>,
    #[serde(default)]
    location: Option<String>,
    #[serde(default)]
    people: Vec<String>,
    #[serde(default)]
    organizations: Vec<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct ArticleIn {
    title: String,
    lead: String,
    section: String,
    status: String,
    published_at: Option<DateTime<FixedOffset>>,
    #[serde(default)]
    publish_in_days: Option<i64>,
    #[serde(default)]
    authors: Vec<String>,
    #[serde(default)]
    people: Vec<ArticlePersonIn>,
    #[serde(default)]
    organizations: Vec<String>,
    #[serde(default)]
    events: Vec<String>,
    #[serde(default)]
    tags: Vec<String>,
    lead_image: Option<MediaIn>,
    body: Vec<BlockIn>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct ArticlePersonIn {
    person: String,
    role: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct MediaIn {
    url: String,
    #[serde(default)]
    caption: Option<String>,
    #[serde(default)]
    credit: Option<String>,
    #[serde(default)]
    alt: Option<String>,
    #[serde(default)]
    width: Option<i32>,
    #[serde(default)]
    height: Option<i32>,
    #[serde(default)]
    mime: Option<String>,
}

/// A body block as written in the data file: images carry their media.
#[derive(Deserialize)]
#[serde(tag = "type", rename_all = "camelCase", deny_unknown_fields)]
enum BlockIn {
    Paragraph {
        text: String,
    },
    Heading {
        level: u8,
        text: String,
    },
    Image {
        image: MediaIn,
    },
    Quote {
        text: String,
        #[serde(default)]
        attribution: Option<String>,
    },
    List {
        ordered: bool,
        items: Vec<String>,
    },
    Embed {
        url: String,
        #[serde(default)]
        provider: Option<String>,
        #[serde(default)]
        title: Option<String>,
    },
}

/// True when the database has no article yet.
pub async fn is_empty(db: &DatabaseConnection) -> Result<bool, sea_orm::DbErr> {
    Ok(article::Entity::find().count(db).await? == 0)
}

/// Loads the shipped demo newsroom; see [`load_json`].
pub async fn load(db: &DatabaseConnection) -> Result<String, DemoError> {
    load_json(db, NEWSROOM_JSON, Utc::now()).await
}

/// Loads a newsroom document into an empty database in one transaction;
/// scheduled articles are due `publishInDays` after `now`. Returns a
/// one-line summary.
pub async fn load_json(
    db: &DatabaseConnection,
    json: &str,
    now: DateTime<Utc>,
) -> Result<String, DemoError> {
    let data: Newsroom = serde_json::from_str(json)?;
    if !is_empty(db).await? {
        return Err(DemoError::NotEmpty);
    }
    let txn = db.begin().await?;
    let mut ids = Ids::default();
    insert_sections(&txn, &data.sections, &mut ids).await?;
    insert_organizations(&txn, &data.organizations, &mut ids, now).await?;
    insert_people(&txn, &data.people, &mut ids, now).await?;
    for t in &data.tags {
        let row = tag::ActiveModel {
            name: Set(t.name.clone()),
            slug: Set(t.slug.clone()),
            ..Default::default()
        }
        .insert(&txn)
        .await?;
        ids.tags.insert(t.slug.clone(), row.id);
    }
    insert_events(&txn, &data.events, &mut ids, now).await?;
    let mut article_slugs: HashSet<String> = article::Entity::find()
        .select_only()
        .column(article::Column::Slug)
        .into_tuple::<String>()
        .all(&txn)
        .await?
        .into_iter()
        .collect();
    let mut article_ids = Vec::with_capacity(data.articles.len());
    for a in &data.articles {
        article_ids.push(insert_article(&txn, a, &ids, &mut article_slugs, now).await?);
    }
    search::index_articles(&txn, &article_ids)
        .await
        .map_err(|e| DemoError::Invalid(format!("search index: {e:?}")))?;
    search::names::rebuild(&txn)
        .await
        .map_err(|e| DemoError::Invalid(format!("search names: {e:?}")))?;
    // Partners following the change log start from the published demo.
    changes::backfill(&txn, now)
        .await
        .map_err(|e| DemoError::Invalid(format!("change log: {e:?}")))?;
    txn.commit().await?;
    Ok(format!(
        "demo newsroom loaded: {} articles, {} sections, {} people, {} organizations, {} events, {} tags",
        data.articles.len(),
        data.sections.len(),
        data.people.len(),
        data.organizations.len(),
        data.events.len(),
        data.tags.len()
    ))
}

/// Slug → row id, per kind, for resolving references.
#[derive(Default)]
struct Ids {
    sections: HashMap<String, i64>,
    organizations: HashMap<String, i64>,
    people: HashMap<String, i64>,
    tags: HashMap<String, i64>,
    events: HashMap<String, i64>,
}

fn lookup(map: &HashMap<String, i64>, kind: &'static str, slug: &str) -> Result<i64, DemoError> {
    map.get(slug)
        .copied()
        .ok_or_else(|| DemoError::UnknownReference {
            kind,
            slug: slug.to_owned(),
        })
}

async fn insert_sections(
    txn: &impl ConnectionTrait,
    sections: &[SectionIn],
    ids: &mut Ids,
) -> Result<(), DemoError> {
    for s in sections {
        let parent_id = s
            .parent
            .as_deref()
            .map(|p| lookup(&ids.sections, "section", p))
            .transpose()?;
        let row = s.row(parent_id).insert(txn).await?;
        ids.sections.insert(s.slug.clone(), row.id);
    }
    Ok(())
}

async fn insert_organizations(
    txn: &impl ConnectionTrait,
    organizations: &[OrganizationIn],
    ids: &mut Ids,
    now: DateTime<Utc>,
) -> Result<(), DemoError> {
    for o in organizations {
        let parent_id = o
            .parent
            .as_deref()
            .map(|p| lookup(&ids.organizations, "organization", p))
            .transpose()?;
        let row = organization::ActiveModel {
            parent_id: Set(parent_id),
            name: Set(o.name.clone()),
            slug: Set(o.slug.clone()),
            short_name: Set(o.short_name.clone()),
            kind: Set(o.kind.clone()),
            description: Set(o.description.clone()),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        }
        .insert(txn)
        .await?;
        ids.organizations.insert(o.slug.clone(), row.id);
    }
    Ok(())
}

async fn insert_people(
    txn: &impl ConnectionTrait,
    people: &[PersonIn],
    ids: &mut Ids,
    now: DateTime<Utc>,
) -> Result<(), DemoError> {
    for p in people {
        let row = person::ActiveModel {
            full_name: Set(p.full_name.clone()),
            slug: Set(p.slug.clone()),
            honorific: Set(p.honorific.clone()),
            bio: Set(p.bio.clone()),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        }
        .insert(txn)
        .await?;
        ids.people.insert(p.slug.clone(), row.id);
        for pos in &p.positions {
            position::ActiveModel {
                person_id: Set(row.id),
                organization_id: Set(lookup(
                    &ids.organizations,
                    "organization",
                    &pos.organization,
                )?),
                title: Set(pos.title.clone()),
                start_date: Set(pos.from),
                end_date: Set(pos.to),
                ..Default::default()
            }
            .insert(txn)
            .await?;
        }
    }
    Ok(())
}

async fn insert_events(
    txn: &impl ConnectionTrait,
    events: &[EventIn],
    ids: &mut Ids,
    now: DateTime<Utc>,
) -> Result<(), DemoError> {
    for e in events {
        let row = event::ActiveModel {
            name: Set(e.name.clone()),
            slug: Set(e.slug.clone()),
            summary: Set(e.summary.clone()),
            starts_at: Set(e.starts_at.with_timezone(&Utc)),
            ends_at: Set(e.ends_at.map(|t| t.with_timezone(&Utc))),
            location: Set(e.location.clone()),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        }
        .insert(txn)
        .await?;
        ids.events.insert(e.slug.clone(), row.id);
        for p in &e.people {
            event_person::ActiveModel {
                event_id: Set(row.id),
                person_id: Set(lookup(&ids.people, "person", p)?),
                role: Set(None),
            }
            .insert(txn)
            .await?;
        }
        for o in &e.organizations {
            event_organization::ActiveModel {
                event_id: Set(row.id),
                organization_id: Set(lookup(&ids.organizations, "organization", o)?),
            }
            .insert(txn)
            .await?;
        }
    }
    Ok(())
}

async fn insert_media(
    txn: &impl ConnectionTrait,
    m: &MediaIn,
    now: DateTime<Utc>,
) -> Result<i64, DemoError> {
    if !body::is_http_url(&m.url) {
        return Err(DemoError::Invalid(format!(
            "image URL `{}` is not http(s)",
            m.url
        )));
    }
    let row = media::ActiveModel {
        url: Set(m.url.clone()),
        caption: Set(m.caption.clone()),
        credit: Set(m.credit.clone()),
        alt: Set(m.alt.clone()),
        width: Set(m.width),
        height: Set(m.height),
        mime: Set(m.mime.clone()),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(txn)
    .await?;
    Ok(row.id)
}

fn parse_status(value: &str) -> Result<ArticleStatus, DemoError> {
    Ok(match value {
        "DRAFT" => ArticleStatus::Draft,
        "SCHEDULED" => ArticleStatus::Scheduled,
        "PUBLISHED" => ArticleStatus::Published,
        "UNPUBLISHED" => ArticleStatus::Unpublished,
        other => return Err(DemoError::Invalid(format!("unknown status `{other}`"))),
    })
}

fn parse_role(value: &str) -> Result<PersonRole, DemoError> {
    Ok(match value {
        "AUTHOR" => PersonRole::Author,
        "MENTIONED" => PersonRole::Mentioned,
        "QUOTED" => PersonRole::Quoted,
        "PHOTOGRAPHER" => PersonRole::Photographer,
        other => return Err(DemoError::Invalid(format!("unknown role `{other}`"))),
    })
}

async fn insert_article(
    txn: &impl ConnectionTrait,
    a: &ArticleIn,
    ids: &Ids,
    slugs: &mut HashSet<String>,
    now: DateTime<Utc>,
) -> Result<i64, DemoError> {
    let status = parse_status(&a.status)?;
    let published_at = match (status, a.published_at, a.publish_in_days) {
        (ArticleStatus::Scheduled, _, Some(days)) => Some(now + Duration::days(days)),
        (ArticleStatus::Scheduled, Some(at), None) => Some(at.with_timezone(&Utc)),
        (_, at, _) => at.map(|t| t.with_timezone(&Utc)),
    };
    if matches!(
        status,
        ArticleStatus::Published | ArticleStatus::Unpublished
    ) && published_at.is_none()
    {
        return Err(DemoError::Invalid(format!(
            "`{}` is published without a date",
            a.title
        )));
    }
    let lead_image_id = match &a.lead_image {
        Some(m) => Some(insert_media(txn, m, now).await?),
        None => None,
    };
    let mut blocks = Vec::with_capacity(a.body.len());
    let mut images = Vec::new();
    for block in &a.body {
        blocks.push(match block {
            BlockIn::Paragraph { text } => body::Block::Paragraph { text: text.clone() },
            BlockIn::Heading { level, text } => body::Block::Heading {
                level: *level,
                text: text.clone(),
            },
            BlockIn::Image { image } => {
                // The lead photo usually opens the body too: one media row.
                let media_id = match (&a.lead_image, lead_image_id) {
                    (Some(lead), Some(id)) if lead.url == image.url => id,
                    _ => insert_media(txn, image, now).await?,
                };
                images.push(media_id);
                body::Block::Image { media_id }
            }
            BlockIn::Quote { text, attribution } => body::Block::Quote {
                text: text.clone(),
                attribution: attribution.clone(),
            },
            BlockIn::List { ordered, items } => body::Block::List {
                ordered: *ordered,
                items: items.clone(),
            },
            BlockIn::Embed {
                url,
                provider,
                title,
            } => body::Block::Embed {
                url: url.clone(),
                provider: provider.clone(),
                title: title.clone(),
            },
        });
    }
    let slug = slug::unique_slug(&slug::slugify(&a.title), |s| slugs.contains(s));
    slugs.insert(slug.clone());
    let created_at = published_at.filter(|at| *at <= now).unwrap_or(now);
    let row = article::ActiveModel {
        slug: Set(slug),
        title: Set(a.title.clone()),
        lead: Set(a.lead.clone()),
        body: Set(body::to_json(&blocks)),
        section_id: Set(lookup(&ids.sections, "section", &a.section)?),
        status: Set(status),
        published_at: Set(published_at),
        created_at: Set(created_at),
        updated_at: Set(created_at),
        version: Set(1),
        language: Set("vi".to_owned()),
        word_count: Set(body::word_count(&a.lead, &blocks) as i32),
        lead_image_id: Set(lead_image_id),
        ..Default::default()
    }
    .insert(txn)
    .await?;
    for (position, media_id) in images.into_iter().enumerate() {
        article_image::ActiveModel {
            article_id: Set(row.id),
            position: Set(position as i32),
            media_id: Set(media_id),
        }
        .insert(txn)
        .await?;
    }
    let mut people: Vec<(i64, PersonRole)> = Vec::new();
    for author in &a.authors {
        people.push((lookup(&ids.people, "person", author)?, PersonRole::Author));
    }
    for p in &a.people {
        people.push((
            lookup(&ids.people, "person", &p.person)?,
            parse_role(&p.role)?,
        ));
    }
    for (position, (person_id, role)) in people.into_iter().enumerate() {
        article_person::ActiveModel {
            article_id: Set(row.id),
            person_id: Set(person_id),
            role: Set(role),
            position: Set(position as i32),
        }
        .insert(txn)
        .await?;
    }
    for (position, o) in a.organizations.iter().enumerate() {
        article_organization::ActiveModel {
            article_id: Set(row.id),
            organization_id: Set(lookup(&ids.organizations, "organization", o)?),
            position: Set(position as i32),
        }
        .insert(txn)
        .await?;
    }
    for (position, e) in a.events.iter().enumerate() {
        article_event::ActiveModel {
            article_id: Set(row.id),
            event_id: Set(lookup(&ids.events, "event", e)?),
            position: Set(position as i32),
        }
        .insert(txn)
        .await?;
    }
    for (position, t) in a.tags.iter().enumerate() {
        article_tag::ActiveModel {
            article_id: Set(row.id),
            tag_id: Set(lookup(&ids.tags, "tag", t)?),
            position: Set(position as i32),
        }
        .insert(txn)
        .await?;
    }
    Ok(row.id)
}
