//! The database side: what is already there (ids, slugs, sections, tags),
//! bulk inserts within the bound-parameter limits, and the PostgreSQL
//! sequences after explicit ids.
//!
//! Ids are explicit: each table continues from its `MAX(id) + 1`, so the
//! generator knows every id before inserting (no read-back) and appends
//! correctly to a database that already has rows (`--force`). SQLite moves
//! its AUTOINCREMENT counter by itself; on PostgreSQL [`reset_sequences`]
//! moves each `bigserial` sequence past the new rows.

use std::collections::{HashMap, HashSet};

use entity::section;
use sea_orm::{
    ActiveModelTrait, ConnectionTrait, DatabaseConnection, DbBackend, DbErr, EntityTrait, Iterable,
    Statement, TransactionTrait,
};

use super::{rows::Batch, themes::Theme, world::SectionRef};
use crate::demo;

/// At most this many bound values per statement: under SQLite's 32766
/// (and PostgreSQL's 65535).
const MAX_PARAMS: usize = 30_000;
/// At most this many rows per statement.
const MAX_ROWS: usize = 1_000;

/// Tables whose ids the generator assigns.
pub const TABLES: [&str; 7] = [
    "organizations",
    "people",
    "positions",
    "events",
    "tags",
    "media",
    "articles",
];

/// What the database already holds.
pub struct Existing {
    pub articles: i64,
    pub next_org: i64,
    pub next_person: i64,
    pub next_position: i64,
    pub next_event: i64,
    pub next_tag: i64,
    pub next_media: i64,
    pub next_article: i64,
    pub org_slugs: HashSet<String>,
    pub person_slugs: HashSet<String>,
    pub event_slugs: HashSet<String>,
    pub article_slugs: HashSet<String>,
    /// Tag slug (current or old) → tag id: generated tags reuse them.
    pub tags: HashMap<String, i64>,
}

async fn scalar(db: &impl ConnectionTrait, sql: &str) -> Result<i64, DbErr> {
    let backend = db.get_database_backend();
    let row = db
        .query_one_raw(Statement::from_string(backend, sql.to_owned()))
        .await?;
    match row {
        Some(row) => row.try_get_by_index::<i64>(0),
        None => Ok(0),
    }
}

async fn strings(db: &impl ConnectionTrait, sql: &str) -> Result<Vec<String>, DbErr> {
    let backend = db.get_database_backend();
    db.query_all_raw(Statement::from_string(backend, sql.to_owned()))
        .await?
        .iter()
        .map(|row| row.try_get_by_index::<String>(0))
        .collect()
}

/// Current and old slugs of a table.
async fn slugs(
    db: &impl ConnectionTrait,
    table: &str,
    kind: &str,
) -> Result<HashSet<String>, DbErr> {
    let mut set: HashSet<String> = strings(db, &format!("SELECT slug FROM {table}"))
        .await?
        .into_iter()
        .collect();
    set.extend(
        strings(
            db,
            &format!("SELECT slug FROM slug_aliases WHERE kind = '{kind}'"),
        )
        .await?,
    );
    Ok(set)
}

async fn next_id(db: &impl ConnectionTrait, table: &str) -> Result<i64, DbErr> {
    Ok(scalar(db, &format!("SELECT COALESCE(MAX(id), 0) FROM {table}")).await? + 1)
}

impl Existing {
    pub async fn read(db: &impl ConnectionTrait) -> Result<Self, DbErr> {
        let backend = db.get_database_backend();
        let mut tags = HashMap::new();
        for row in db
            .query_all_raw(Statement::from_string(
                backend,
                "SELECT slug, id FROM tags UNION ALL \
                 SELECT slug, target_id FROM slug_aliases WHERE kind = 'tag'"
                    .to_owned(),
            ))
            .await?
        {
            let slug: String = row.try_get_by_index(0)?;
            let id: i64 = row.try_get_by_index(1)?;
            tags.entry(slug).or_insert(id);
        }
        Ok(Self {
            articles: scalar(db, "SELECT COUNT(*) FROM articles").await?,
            next_org: next_id(db, "organizations").await?,
            next_person: next_id(db, "people").await?,
            next_position: next_id(db, "positions").await?,
            next_event: next_id(db, "events").await?,
            next_tag: next_id(db, "tags").await?,
            next_media: next_id(db, "media").await?,
            next_article: next_id(db, "articles").await?,
            org_slugs: slugs(db, "organizations", "organization").await?,
            person_slugs: slugs(db, "people", "person").await?,
            event_slugs: slugs(db, "events", "event").await?,
            article_slugs: slugs(db, "articles", "article").await?,
            tags,
        })
    }
}

/// The sections of the demo newsroom, inserted where missing (parents
/// first, as listed), reused where present. Returns them with their
/// themes, and how many were inserted.
pub async fn ensure_sections(
    db: &impl ConnectionTrait,
) -> Result<(Vec<SectionRef>, usize), Box<dyn std::error::Error>> {
    let sections = demo::sections()?;
    let mut ids: HashMap<String, i64> = section::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .map(|s| (s.slug, s.id))
        .collect();
    let mut inserted = 0;
    let mut refs = Vec::with_capacity(sections.len());
    for s in sections {
        let id = match ids.get(&s.slug) {
            Some(id) => *id,
            None => {
                let parent_id = match &s.parent {
                    Some(p) => Some(
                        *ids.get(p)
                            .ok_or_else(|| format!("section `{}`: unknown parent `{p}`", s.slug))?,
                    ),
                    None => None,
                };
                let row = s.row(parent_id).insert(db).await?;
                inserted += 1;
                ids.insert(s.slug.clone(), row.id);
                row.id
            }
        };
        let (theme, weight) = Theme::of_section(&s.slug);
        refs.push(SectionRef { id, theme, weight });
    }
    Ok((refs, inserted))
}

/// Inserts `rows` with as few multi-row statements as the limits allow;
/// returns how many.
pub async fn insert_all<A>(db: &impl ConnectionTrait, rows: Vec<A>) -> Result<u64, DbErr>
where
    A: ActiveModelTrait,
{
    let columns = <<A as ActiveModelTrait>::Entity as EntityTrait>::Column::iter().count();
    let per = (MAX_PARAMS / columns.max(1)).clamp(1, MAX_ROWS);
    let total = rows.len() as u64;
    let mut rows = rows.into_iter();
    loop {
        let chunk: Vec<A> = rows.by_ref().take(per).collect();
        if chunk.is_empty() {
            break;
        }
        <A::Entity as EntityTrait>::insert_many(chunk)
            .exec_without_returning(db)
            .await?;
    }
    Ok(total)
}

/// Rows written by one batch.
#[derive(Default, Debug)]
pub struct Written {
    pub media: u64,
    pub articles: u64,
    pub images: u64,
    pub people: u64,
    pub organizations: u64,
    pub events: u64,
    pub tags: u64,
}

/// On PostgreSQL, a bulk load's commits need not wait for the disk: a
/// crash loses the last batches, never consistency.
pub async fn relax_durability(txn: &impl ConnectionTrait) -> Result<(), DbErr> {
    if txn.get_database_backend() == DbBackend::Postgres {
        txn.execute_unprepared("SET LOCAL synchronous_commit = off")
            .await?;
    }
    Ok(())
}

/// Writes one batch of articles with their media and links in one
/// transaction.
pub async fn write_batch(db: &DatabaseConnection, batch: Batch) -> Result<Written, DbErr> {
    let txn = db.begin().await?;
    relax_durability(&txn).await?;
    let written = Written {
        media: insert_all(&txn, batch.media).await?,
        articles: insert_all(&txn, batch.articles).await?,
        images: insert_all(&txn, batch.images).await?,
        people: insert_all(&txn, batch.people).await?,
        organizations: insert_all(&txn, batch.organizations).await?,
        events: insert_all(&txn, batch.events).await?,
        tags: insert_all(&txn, batch.tags).await?,
    };
    txn.commit().await?;
    Ok(written)
}

/// On PostgreSQL, moves each id sequence past the explicit ids.
pub async fn reset_sequences(db: &impl ConnectionTrait) -> Result<(), DbErr> {
    if db.get_database_backend() != DbBackend::Postgres {
        return Ok(());
    }
    for table in TABLES {
        db.execute_unprepared(&format!(
            "SELECT setval(pg_get_serial_sequence('{table}', 'id'), \
             (SELECT MAX(id) FROM {table})) WHERE EXISTS (SELECT 1 FROM {table})"
        ))
        .await?;
    }
    Ok(())
}
