//! Vietnamese-aware full-text search and autocomplete over text folded
//! by [`fold`]. The database holds the index's text (FTS5 on SQLite,
//! tsvector + GIN on PostgreSQL, written with every write) and the
//! search journal; each replica ranks in its embedded index
//! ([`embedded`]), which follows that journal.

pub mod embedded;
pub mod engine;
pub mod fold;
pub mod gate;
pub mod highlight;
pub mod index;
pub mod journal;
pub mod names;
pub mod parse;
pub mod query;
pub mod rank;
pub mod suggest;

pub use index::index_articles;

use entity::article;
use sea_orm::{ConnectionTrait, DatabaseConnection, EntityTrait, QueryOrder, QuerySelect};

use crate::platform::error::AppResult;

/// Rebuilds the index of every article and every autocomplete name, in
/// batches, with a progress bar on standard error when `progress`.
pub async fn reindex(db: &DatabaseConnection, progress: bool) -> AppResult<usize> {
    let ids: Vec<i64> = article::Entity::find()
        .select_only()
        .column(article::Column::Id)
        .order_by_asc(article::Column::Id)
        .into_tuple()
        .all(db)
        .await?;
    let bar = progress_bar(progress, ids.len() as u64);
    for chunk in ids.chunks(2_000) {
        let txn = crate::platform::db::begin_write(db).await?;
        index_articles(&txn, chunk).await?;
        txn.commit().await?;
        bar.inc(chunk.len() as u64);
    }
    bar.finish_and_clear();
    names::rebuild(db).await?;
    Ok(ids.len())
}

fn progress_bar(visible: bool, len: u64) -> indicatif::ProgressBar {
    if !visible {
        return indicatif::ProgressBar::hidden();
    }
    let bar = indicatif::ProgressBar::new(len);
    if let Ok(style) = indicatif::ProgressStyle::with_template(
        "reindexing {bar:40} {pos}/{len} articles, {per_sec}, eta {eta}",
    ) {
        bar.set_style(style);
    }
    bar
}

/// The articles whose index text holds the name of row `id` of `kind`.
pub async fn linked_articles(
    db: &impl ConnectionTrait,
    kind: names::NameKind,
    id: i64,
) -> AppResult<Vec<i64>> {
    use entity::{article_event, article_organization, article_person, article_tag};
    use names::NameKind;
    use sea_orm::{ColumnTrait, QueryFilter};
    Ok(match kind {
        NameKind::Person => {
            article_person::Entity::find()
                .select_only()
                .column(article_person::Column::ArticleId)
                .filter(article_person::Column::PersonId.eq(id))
                .into_tuple()
                .all(db)
                .await?
        }
        NameKind::Organization => {
            article_organization::Entity::find()
                .select_only()
                .column(article_organization::Column::ArticleId)
                .filter(article_organization::Column::OrganizationId.eq(id))
                .into_tuple()
                .all(db)
                .await?
        }
        NameKind::Event => {
            article_event::Entity::find()
                .select_only()
                .column(article_event::Column::ArticleId)
                .filter(article_event::Column::EventId.eq(id))
                .into_tuple()
                .all(db)
                .await?
        }
        NameKind::Tag => {
            article_tag::Entity::find()
                .select_only()
                .column(article_tag::Column::ArticleId)
                .filter(article_tag::Column::TagId.eq(id))
                .into_tuple()
                .all(db)
                .await?
        }
        NameKind::Section => Vec::new(),
    })
}

/// After a write of row `id` of `kind`: its autocomplete name follows (or
/// goes, when the row is gone), and `articles` — those that linked to it
/// before the write — are reindexed.
pub async fn refresh(
    db: &impl ConnectionTrait,
    kind: names::NameKind,
    id: i64,
    articles: &[i64],
) -> AppResult<()> {
    use entity::{event, organization, person, section, tag};
    use names::NameKind;
    let name = match kind {
        NameKind::Person => person::Entity::find_by_id(id)
            .one(db)
            .await?
            .map(|r| r.full_name),
        NameKind::Organization => organization::Entity::find_by_id(id)
            .one(db)
            .await?
            .map(|r| r.name),
        NameKind::Event => event::Entity::find_by_id(id).one(db).await?.map(|r| r.name),
        NameKind::Section => section::Entity::find_by_id(id)
            .one(db)
            .await?
            .map(|r| r.name),
        NameKind::Tag => tag::Entity::find_by_id(id).one(db).await?.map(|r| r.name),
    };
    match name {
        Some(name) => names::put(db, kind, id, &name).await?,
        None => names::remove(db, kind, id).await?,
    }
    let mut articles = articles.to_vec();
    articles.extend(linked_articles(db, kind, id).await?);
    articles.sort_unstable();
    articles.dedup();
    index_articles(db, &articles).await
}
