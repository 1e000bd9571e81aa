//! Keeping the search index in step with articles: the folded text of the
//! title, the lead, the photo captions, the body and the names of what
//! the article links to, each in a field of its own (weighted apart).
//! Called inside the writer's transaction, which also journals the ids
//! (`journal.rs`), so a change is searchable (or gone) on every replica
//! the moment it commits.

use std::collections::HashMap;

use entity::{
    article, article_event, article_organization, article_person, article_tag, event, media,
    organization, person, tag,
};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbBackend, EntityTrait, QueryFilter, Statement, Value,
};

use super::fold::{accent_keys, fold};
use crate::{domain::body, platform::error::AppResult};

/// The text of one article, as indexed.
#[derive(Debug, Default, PartialEq)]
pub struct Document {
    pub id: i64,
    pub title: String,
    pub lead: String,
    pub body: String,
    pub captions: String,
    pub extra: String,
    pub marked: String,
}

/// Rows per statement: far below SQLite's and PostgreSQL's parameter caps.
const BATCH: usize = 400;

/// Brings the index rows of `ids` up to date: (re)indexes live articles,
/// drops deleted ones.
pub async fn index_articles(db: &impl ConnectionTrait, ids: &[i64]) -> AppResult<()> {
    for chunk in ids.chunks(BATCH) {
        let documents = documents(db, chunk).await?;
        remove(db, chunk).await?;
        insert(db, &documents).await?;
        super::journal::append(db, chunk).await?;
    }
    Ok(())
}

/// Builds the documents of `ids` with one query per table.
async fn documents(db: &impl ConnectionTrait, ids: &[i64]) -> AppResult<Vec<Document>> {
    let articles = article::Entity::find()
        .filter(article::Column::Id.is_in(ids.to_vec()))
        .filter(article::Column::DeletedAt.is_null())
        .all(db)
        .await?;
    if articles.is_empty() {
        return Ok(Vec::new());
    }
    let ids: Vec<i64> = articles.iter().map(|a| a.id).collect();
    let mut extra: HashMap<i64, Vec<String>> = HashMap::new();

    let people_links = article_person::Entity::find()
        .filter(article_person::Column::ArticleId.is_in(ids.clone()))
        .all(db)
        .await?;
    let people: HashMap<i64, String> = person::Entity::find()
        .filter(
            person::Column::Id.is_in(people_links.iter().map(|l| l.person_id).collect::<Vec<_>>()),
        )
        .all(db)
        .await?
        .into_iter()
        .map(|p| (p.id, p.full_name))
        .collect();
    for link in &people_links {
        if let Some(name) = people.get(&link.person_id) {
            extra.entry(link.article_id).or_default().push(name.clone());
        }
    }

    let org_links = article_organization::Entity::find()
        .filter(article_organization::Column::ArticleId.is_in(ids.clone()))
        .all(db)
        .await?;
    let orgs: HashMap<i64, String> = organization::Entity::find()
        .filter(
            organization::Column::Id.is_in(
                org_links
                    .iter()
                    .map(|l| l.organization_id)
                    .collect::<Vec<_>>(),
            ),
        )
        .all(db)
        .await?
        .into_iter()
        .map(|o| {
            (
                o.id,
                format!("{} {}", o.name, o.short_name.unwrap_or_default()),
            )
        })
        .collect();
    for link in &org_links {
        if let Some(name) = orgs.get(&link.organization_id) {
            extra.entry(link.article_id).or_default().push(name.clone());
        }
    }

    let event_links = article_event::Entity::find()
        .filter(article_event::Column::ArticleId.is_in(ids.clone()))
        .all(db)
        .await?;
    let events: HashMap<i64, String> = event::Entity::find()
        .filter(event::Column::Id.is_in(event_links.iter().map(|l| l.event_id).collect::<Vec<_>>()))
        .all(db)
        .await?
        .into_iter()
        .map(|e| (e.id, e.name))
        .collect();
    for link in &event_links {
        if let Some(name) = events.get(&link.event_id) {
            extra.entry(link.article_id).or_default().push(name.clone());
        }
    }

    let tag_links = article_tag::Entity::find()
        .filter(article_tag::Column::ArticleId.is_in(ids.clone()))
        .all(db)
        .await?;
    let tags: HashMap<i64, String> = tag::Entity::find()
        .filter(tag::Column::Id.is_in(tag_links.iter().map(|l| l.tag_id).collect::<Vec<_>>()))
        .all(db)
        .await?
        .into_iter()
        .map(|t| (t.id, t.name))
        .collect();
    for link in &tag_links {
        if let Some(name) = tags.get(&link.tag_id) {
            extra.entry(link.article_id).or_default().push(name.clone());
        }
    }

    // Captions are part of what readers see: indexed in a field of their
    // own, weighted above the body.
    let mut bodies: HashMap<i64, Vec<body::Block>> = HashMap::new();
    let mut media_ids = Vec::new();
    for a in &articles {
        let blocks = body::parse(&a.body).unwrap_or_default();
        media_ids.extend(blocks.iter().filter_map(|b| match b {
            body::Block::Image { media_id } => Some(*media_id),
            _ => None,
        }));
        media_ids.extend(a.lead_image_id);
        bodies.insert(a.id, blocks);
    }
    let captions: HashMap<i64, String> = media::Entity::find()
        .filter(media::Column::Id.is_in(media_ids))
        .all(db)
        .await?
        .into_iter()
        .map(|m| (m.id, m.caption.unwrap_or_default()))
        .collect();

    Ok(articles
        .into_iter()
        .map(|a| {
            let blocks = bodies.get(&a.id).map(Vec::as_slice).unwrap_or_default();
            let body_text = body_text(blocks);
            let caption_text = captions_of(blocks, &captions, a.lead_image_id).join("\n");
            let extra_text = extra.remove(&a.id).unwrap_or_default().join(" ");
            let marked = accent_keys(&format!(
                "{} {} {} {} {}",
                a.title, a.lead, caption_text, body_text, extra_text
            ));
            Document {
                id: a.id,
                title: fold(&a.title),
                lead: fold(&a.lead),
                body: fold(&body_text),
                captions: fold(&caption_text),
                extra: fold(&extra_text),
                marked,
            }
        })
        .collect())
}

/// The captions of an article's photos (`captions` by media id): the lead
/// image's first, then those of the body, empty ones left out.
pub fn captions_of(
    blocks: &[body::Block],
    captions: &HashMap<i64, String>,
    lead_image: Option<i64>,
) -> Vec<String> {
    lead_image
        .into_iter()
        .chain(blocks.iter().filter_map(|b| match b {
            body::Block::Image { media_id } => Some(*media_id),
            _ => None,
        }))
        .filter_map(|id| captions.get(&id))
        .filter(|c| !c.trim().is_empty())
        .cloned()
        .collect()
}

/// The plain text of a body, without captions (they have a field of
/// their own).
pub fn body_text(blocks: &[body::Block]) -> String {
    let mut text = Vec::new();
    for block in blocks {
        match block {
            body::Block::Paragraph { text: t } | body::Block::Heading { text: t, .. } => {
                text.push(t.clone())
            }
            body::Block::Quote {
                text: t,
                attribution,
            } => {
                text.push(t.clone());
                text.extend(attribution.clone());
            }
            body::Block::List { items, .. } => text.extend(items.iter().cloned()),
            body::Block::Image { .. } => {}
            body::Block::Embed { title, .. } => text.extend(title.clone()),
            body::Block::Html { html } => text.push(body::html_text(html)),
        }
    }
    text.join("\n")
}

async fn remove(db: &impl ConnectionTrait, ids: &[i64]) -> AppResult<()> {
    let backend = db.get_database_backend();
    let list = ids.iter().map(i64::to_string).collect::<Vec<_>>().join(",");
    let sql = match backend {
        DbBackend::Postgres => format!("DELETE FROM article_search WHERE article_id IN ({list})"),
        _ => format!("DELETE FROM article_search WHERE rowid IN ({list})"),
    };
    db.execute_raw(Statement::from_string(backend, sql)).await?;
    Ok(())
}

async fn insert(db: &impl ConnectionTrait, documents: &[Document]) -> AppResult<()> {
    if documents.is_empty() {
        return Ok(());
    }
    let backend = db.get_database_backend();
    let id_column = match backend {
        DbBackend::Postgres => "article_id",
        _ => "rowid",
    };
    let mut rows = Vec::with_capacity(documents.len());
    let mut values: Vec<Value> = Vec::with_capacity(documents.len() * 7);
    for (i, d) in documents.iter().enumerate() {
        let p = |n: usize| match backend {
            DbBackend::Postgres => format!("${}", i * 7 + n),
            _ => "?".to_owned(),
        };
        rows.push(format!(
            "({})",
            (1..=7).map(p).collect::<Vec<_>>().join(", ")
        ));
        values.extend([
            d.id.into(),
            d.title.clone().into(),
            d.lead.clone().into(),
            d.body.clone().into(),
            d.captions.clone().into(),
            d.extra.clone().into(),
            d.marked.clone().into(),
        ]);
    }
    let sql = format!(
        "INSERT INTO article_search ({id_column}, title, lead, body, captions, extra, marked) VALUES {}",
        rows.join(", ")
    );
    db.execute_raw(Statement::from_sql_and_values(backend, sql, values))
        .await?;
    Ok(())
}
