//! One imported item, written or judged: matched by the source's own id,
//! in one transaction (the article, its links, revision, change-log entry,
//! search document, aliases and source record commit together or not at
//! all).
//!
//! | source id known? | item changed? | article changed since? | outcome |
//! |---|---|---|---|
//! | no | – | – | created |
//! | yes | no (same fingerprint) | either | unchanged (an editor's work stays) |
//! | yes | yes | no (version as imported) | updated |
//! | yes | yes | yes | conflict; updated with `--overwrite` |
//! | yes, article deleted since | – | – | conflict (never brought back) |
//!
//! `--dry-run` takes the same decisions and writes nothing.

use chrono::{DateTime, Utc};
use entity::{article, article::ArticleStatus, article_source, slug_alias};
use sea_orm::{ConnectionTrait, DatabaseConnection, EntityTrait, Set, sea_query::OnConflict};
use sha2::{Digest, Sha256};

use super::{
    source::{SourceArticle, SourceBlock, SourceStatus},
    terms::Terms,
};
use crate::{
    domain::articles::changes::{Changes, Image, PendingBlock},
    domain::articles::store::{self, Author},
    domain::slugs,
    platform::error::{AppError, AppResult},
    platform::text,
};

/// How an import treats what it finds.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Options {
    /// Decide, report, write nothing.
    pub dry_run: bool,
    /// Update articles that editors changed since the last import.
    pub overwrite: bool,
    /// Leave the change log alone (a first bulk load: partners and
    /// webhooks are not told about every archived article).
    pub quiet: bool,
    /// Stop at the first bad item instead of skipping it.
    pub strict: bool,
}

/// What happened to one item.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outcome {
    Created {
        id: i64,
        slug: String,
    },
    Updated {
        id: i64,
        slug: String,
    },
    Unchanged {
        id: i64,
    },
    /// Not written: why.
    Conflict {
        id: i64,
        reason: String,
    },
    WouldCreate,
    WouldUpdate {
        id: i64,
    },
}

const MAX_TITLE: usize = 500;
const MAX_LEAD: usize = 5_000;

/// Imports `item` (see the table above).
pub async fn apply(
    db: &DatabaseConnection,
    terms: &mut Terms,
    item: &SourceArticle,
    options: Options,
    by: Option<&str>,
    now: DateTime<Utc>,
) -> AppResult<Outcome> {
    let fingerprint = fingerprint(item);
    let known = article_source::Entity::find_by_id(item.source_id.clone())
        .one(db)
        .await?;
    let current = match &known {
        Some(source) => {
            article::Entity::find_by_id(source.article_id)
                .one(db)
                .await?
        }
        None => None,
    };
    let update = match (&known, current) {
        (None, _) => None,
        (Some(source), None) => {
            return Ok(Outcome::Conflict {
                id: source.article_id,
                reason: "the article is gone".into(),
            });
        }
        (Some(_), Some(article)) if article.deleted_at.is_some() => {
            return Ok(Outcome::Conflict {
                id: article.id,
                reason: "deleted by an editor since it was imported; not brought back".into(),
            });
        }
        (Some(source), Some(article)) if source.fingerprint == fingerprint => {
            return Ok(Outcome::Unchanged { id: article.id });
        }
        (Some(source), Some(article)) => {
            if article.version != source.article_version && !options.overwrite {
                return Ok(Outcome::Conflict {
                    id: article.id,
                    reason: format!(
                        "changed since the import (version {} now, {} then); use --overwrite to replace it",
                        article.version, source.article_version
                    ),
                });
            }
            Some(article)
        }
    };
    if options.dry_run {
        return Ok(match update {
            Some(article) => Outcome::WouldUpdate { id: article.id },
            None => Outcome::WouldCreate,
        });
    }
    let mut changes = resolve(db, terms, item, now).await?;
    let author = Author {
        sub: by,
        now,
        announce: !options.quiet,
    };
    let txn = crate::platform::db::begin_write(db).await?;
    let (row, created) = match update {
        Some(article) => {
            let row =
                store::update(&txn, article.id, article.version, changes, &author, &[]).await?;
            (row, false)
        }
        None => {
            changes.slug = Some(slug_for(&txn, item).await?);
            (store::create(&txn, changes, &author).await?, true)
        }
    };
    aliases(&txn, item, &row, now).await?;
    remember(&txn, item, &row, fingerprint, now).await?;
    txn.commit().await?;
    Ok(if created {
        Outcome::Created {
            id: row.id,
            slug: row.slug,
        }
    } else {
        Outcome::Updated {
            id: row.id,
            slug: row.slug,
        }
    })
}

/// What the item says, as a hash: equal hashes mean nothing changed in the
/// source. The line is left out (an item may move within the file).
pub fn fingerprint(item: &SourceArticle) -> String {
    let mut item = item.clone();
    item.line = 0;
    hex(&Sha256::digest(format!("{item:?}").as_bytes()))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The article's fields and links with every name resolved to a row.
async fn resolve(
    db: &DatabaseConnection,
    terms: &mut Terms,
    item: &SourceArticle,
    now: DateTime<Utc>,
) -> AppResult<Changes> {
    let mut people = Vec::new();
    for (term, role) in &item.people {
        let id = terms.person(db, term).await?;
        if !people.contains(&(id, *role)) {
            people.push((id, *role));
        }
    }
    let mut tags = Vec::new();
    for term in &item.tags {
        push_new(&mut tags, terms.tag(db, term).await?);
    }
    let mut organizations = Vec::new();
    for term in &item.organizations {
        push_new(&mut organizations, terms.organization(db, term).await?);
    }
    let starts = item.published_at.or(item.created_at).unwrap_or(now);
    let mut events = Vec::new();
    for term in &item.events {
        push_new(&mut events, terms.event(db, term, starts).await?);
    }
    let mut body = Vec::with_capacity(item.body.len());
    for block in &item.body {
        body.push(match block {
            SourceBlock::Block(block) => PendingBlock::Ready(block.clone()),
            SourceBlock::Image(photo) => {
                PendingBlock::Image(Image::Existing(terms.photo(db, photo).await?))
            }
        });
    }
    let lead_image = match &item.lead_image {
        Some(photo) => Some(Image::Existing(terms.photo(db, photo).await?)),
        None => None,
    };
    Ok(Changes {
        title: Some(cut(&text::line(&item.title), MAX_TITLE)),
        slug: None,
        lead: Some(cut(&text::plain(&item.lead), MAX_LEAD)),
        body: Some(body),
        section_id: Some(
            terms
                .section(db, &item.sections, item.media_topic.as_deref())
                .await?,
        ),
        language: Some(item.language.clone().unwrap_or_else(|| "vi".to_owned())),
        people: Some(people),
        organizations: Some(organizations),
        events: Some(events),
        tags: Some(tags),
        lead_image: Some(lead_image),
        placement: Some(placement(item, now)),
        created_at: item.created_at.or(item.published_at),
    })
}

fn push_new(ids: &mut Vec<i64>, id: i64) {
    if !ids.contains(&id) {
        ids.push(id);
    }
}

fn cut(text: &str, chars: usize) -> String {
    match text.char_indices().nth(chars) {
        Some((end, _)) => text[..end].to_owned(),
        None => text.to_owned(),
    }
}

/// The workflow state: a published article without a date is published
/// now; a scheduled one without a date stays a draft.
fn placement(item: &SourceArticle, now: DateTime<Utc>) -> (ArticleStatus, Option<DateTime<Utc>>) {
    let when = item.published_at;
    match item.status {
        SourceStatus::Published => (ArticleStatus::Published, Some(when.unwrap_or(now))),
        SourceStatus::Scheduled => match when {
            Some(at) => (ArticleStatus::Scheduled, Some(at)),
            None => (ArticleStatus::Draft, None),
        },
        SourceStatus::Draft => (ArticleStatus::Draft, None),
        SourceStatus::Unpublished => (ArticleStatus::Unpublished, when),
    }
}

/// The source's slug when it is free, else one made from the title.
async fn slug_for(db: &impl ConnectionTrait, item: &SourceArticle) -> AppResult<String> {
    if let Some(wanted) = item.slug.as_deref().filter(|s| slugs::is_valid(s))
        && !slugs::is_taken::<article::Entity>(db, wanted, None).await?
    {
        return Ok(wanted.to_owned());
    }
    slugs::choose::<article::Entity>(db, None, &item.title, None, "slug").await
}

/// Old addresses that must keep finding the article: the old permalink's
/// path and the source's slug when the article got another. One that
/// already names another article is left to it.
async fn aliases(
    db: &impl ConnectionTrait,
    item: &SourceArticle,
    row: &article::Model,
    now: DateTime<Utc>,
) -> AppResult<()> {
    let wanted = item.aliases.iter().chain(item.slug.iter());
    for alias in wanted {
        let alias = alias.trim_matches('/');
        if alias.is_empty() || alias.len() > 500 || alias == row.slug {
            continue;
        }
        if slugs::is_taken::<article::Entity>(db, alias, Some(row.id)).await? {
            continue;
        }
        slug_alias::Entity::insert(slug_alias::ActiveModel {
            kind: Set("article".to_owned()),
            slug: Set(alias.to_owned()),
            target_id: Set(row.id),
            created_at: Set(now),
        })
        .on_conflict(
            OnConflict::columns([slug_alias::Column::Kind, slug_alias::Column::Slug])
                .do_nothing()
                .to_owned(),
        )
        .exec_without_returning(db)
        .await?;
    }
    Ok(())
}

/// Records the source item against the article as it now is.
async fn remember(
    db: &impl ConnectionTrait,
    item: &SourceArticle,
    row: &article::Model,
    fingerprint: String,
    now: DateTime<Utc>,
) -> AppResult<()> {
    article_source::Entity::insert(article_source::ActiveModel {
        source_id: Set(item.source_id.clone()),
        article_id: Set(row.id),
        fingerprint: Set(fingerprint),
        article_version: Set(row.version),
        imported_at: Set(now),
    })
    .on_conflict(
        OnConflict::column(article_source::Column::SourceId)
            .update_columns([
                article_source::Column::Fingerprint,
                article_source::Column::ArticleVersion,
                article_source::Column::ImportedAt,
            ])
            .to_owned(),
    )
    .exec(db)
    .await
    .map_err(|e| AppError::Internal(format!("recording source {}: {e}", item.source_id)))?;
    Ok(())
}
