//! The rows an imported article links to — sections (with their parents),
//! tags, people, organizations, events, photos — found by slug (or URL)
//! or created, each in its own statement before the article's
//! transaction: a term is not part of the article, and a failed article
//! leaves at worst an unused tag, never a half-written article.
//!
//! Ids are remembered in a bounded LRU, so a 100,000-post export asks the
//! database once per distinct term, not once per link.

use std::num::NonZeroUsize;

use chrono::{DateTime, Utc};
use entity::{event, media, organization, person, section, tag};
use lru::LruCache;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter,
    QuerySelect, Set,
};

use super::source::{SourcePhoto, SourceTerm};
use crate::{
    domain::search::names::{self, NameKind},
    domain::slugs::{self, Slugged},
    platform::error::AppResult,
};

/// Distinct terms remembered; beyond this the least used are asked again.
const CACHE: usize = 20_000;

/// The longest name a term row gets (longer names are cut).
const MAX_NAME: usize = 300;

/// The section of articles whose source names none ("Uncategorized").
pub const DEFAULT_SECTION: (&str, &str) = ("chua-phan-loai", "Chưa phân loại");

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
enum Kind {
    Section,
    Tag,
    Person,
    Organization,
    Event,
    Photo,
}

/// Finds or creates the rows of imported terms.
pub struct Terms {
    ids: LruCache<(Kind, String), i64>,
    now: DateTime<Utc>,
    /// New rows created, for the summary.
    pub created: u64,
}

impl Terms {
    pub fn new(now: DateTime<Utc>) -> Self {
        let size = NonZeroUsize::new(CACHE).unwrap_or(NonZeroUsize::MIN);
        Self {
            ids: LruCache::new(size),
            now,
            created: 0,
        }
    }

    /// The section at the end of `chain` (root first), creating it and
    /// any missing ancestor under its parent; the default section when
    /// the chain is empty.
    pub async fn section(
        &mut self,
        db: &impl ConnectionTrait,
        chain: &[SourceTerm],
        media_topic: Option<&str>,
    ) -> AppResult<i64> {
        let default = [SourceTerm {
            slug: DEFAULT_SECTION.0.to_owned(),
            name: DEFAULT_SECTION.1.to_owned(),
        }];
        let chain = if chain.is_empty() {
            &default[..]
        } else {
            chain
        };
        let mut parent = None;
        let last = chain.len() - 1;
        for (i, term) in chain.iter().enumerate() {
            let id = match self.known(db, Kind::Section, &term.slug).await? {
                Some(id) => id,
                None => {
                    let position = section::Entity::find()
                        .filter(match parent {
                            Some(p) => section::Column::ParentId.eq(p),
                            None => section::Column::ParentId.is_null(),
                        })
                        .count(db)
                        .await?;
                    let row = section::ActiveModel {
                        parent_id: Set(parent),
                        name: Set(name(&term.name)),
                        slug: Set(term.slug.clone()),
                        position: Set(position as i32),
                        iptc_media_topic: Set(media_topic.filter(|_| i == last).map(str::to_owned)),
                        version: Set(1),
                        ..Default::default()
                    }
                    .insert(db)
                    .await?;
                    names::put(db, NameKind::Section, row.id, &row.name).await?;
                    self.new_row(Kind::Section, &term.slug, row.id)
                }
            };
            parent = Some(id);
        }
        Ok(parent.unwrap_or_default())
    }

    pub async fn tag(&mut self, db: &impl ConnectionTrait, term: &SourceTerm) -> AppResult<i64> {
        if let Some(id) = self.known(db, Kind::Tag, &term.slug).await? {
            return Ok(id);
        }
        let row = tag::ActiveModel {
            name: Set(name(&term.name)),
            slug: Set(term.slug.clone()),
            version: Set(1),
            ..Default::default()
        }
        .insert(db)
        .await?;
        names::put(db, NameKind::Tag, row.id, &row.name).await?;
        Ok(self.new_row(Kind::Tag, &term.slug, row.id))
    }

    pub async fn person(&mut self, db: &impl ConnectionTrait, term: &SourceTerm) -> AppResult<i64> {
        if let Some(id) = self.known(db, Kind::Person, &term.slug).await? {
            return Ok(id);
        }
        let row = person::ActiveModel {
            full_name: Set(name(&term.name)),
            slug: Set(term.slug.clone()),
            honorific: Set(None),
            bio: Set(None),
            created_at: Set(self.now),
            updated_at: Set(self.now),
            version: Set(1),
            ..Default::default()
        }
        .insert(db)
        .await?;
        names::put(db, NameKind::Person, row.id, &row.full_name).await?;
        Ok(self.new_row(Kind::Person, &term.slug, row.id))
    }

    /// Organizations the source only names are of kind `OTHER` until an
    /// editor says more.
    pub async fn organization(
        &mut self,
        db: &impl ConnectionTrait,
        term: &SourceTerm,
    ) -> AppResult<i64> {
        if let Some(id) = self.known(db, Kind::Organization, &term.slug).await? {
            return Ok(id);
        }
        let row = organization::ActiveModel {
            parent_id: Set(None),
            name: Set(name(&term.name)),
            slug: Set(term.slug.clone()),
            short_name: Set(None),
            kind: Set("OTHER".to_owned()),
            description: Set(None),
            created_at: Set(self.now),
            updated_at: Set(self.now),
            version: Set(1),
            ..Default::default()
        }
        .insert(db)
        .await?;
        names::put(db, NameKind::Organization, row.id, &row.name).await?;
        Ok(self.new_row(Kind::Organization, &term.slug, row.id))
    }

    /// An event the source only names starts, until an editor says
    /// otherwise, when the first article that covers it was published.
    pub async fn event(
        &mut self,
        db: &impl ConnectionTrait,
        term: &SourceTerm,
        starts_at: DateTime<Utc>,
    ) -> AppResult<i64> {
        if let Some(id) = self.known(db, Kind::Event, &term.slug).await? {
            return Ok(id);
        }
        let row = event::ActiveModel {
            name: Set(name(&term.name)),
            slug: Set(term.slug.clone()),
            summary: Set(None),
            starts_at: Set(starts_at),
            ends_at: Set(None),
            location: Set(None),
            created_at: Set(self.now),
            updated_at: Set(self.now),
            version: Set(1),
            ..Default::default()
        }
        .insert(db)
        .await?;
        names::put(db, NameKind::Event, row.id, &row.name).await?;
        Ok(self.new_row(Kind::Event, &term.slug, row.id))
    }

    /// The media row of a photo by its URL, caption, credit and alt text:
    /// one row however many articles show it so.
    pub async fn photo(
        &mut self,
        db: &impl ConnectionTrait,
        photo: &SourcePhoto,
    ) -> AppResult<i64> {
        let key = photo_key(photo);
        if let Some(id) = self.ids.get(&(Kind::Photo, key.clone())) {
            return Ok(*id);
        }
        // WordPress captions a photo per post: the same file with another
        // caption is another media row.
        let same = |column: media::Column, value: &Option<String>| match value {
            Some(v) => column.eq(v.clone()),
            None => column.is_null(),
        };
        let found: Option<i64> = media::Entity::find()
            .select_only()
            .column(media::Column::Id)
            .filter(media::Column::Url.eq(&photo.url))
            .filter(same(media::Column::Caption, &photo.caption))
            .filter(same(media::Column::Credit, &photo.credit))
            .filter(same(media::Column::Alt, &photo.alt))
            .into_tuple()
            .one(db)
            .await?;
        if let Some(id) = found {
            return Ok(self.remember(Kind::Photo, &key, id));
        }
        let row = media::ActiveModel {
            url: Set(photo.url.clone()),
            caption: Set(photo.caption.clone()),
            credit: Set(photo.credit.clone()),
            alt: Set(photo.alt.clone()),
            width: Set(photo.width.filter(|w| (1..=100_000).contains(w))),
            height: Set(photo.height.filter(|h| (1..=100_000).contains(h))),
            mime: Set(photo.mime.clone()),
            created_at: Set(self.now),
            ..Default::default()
        }
        .insert(db)
        .await?;
        Ok(self.new_row(Kind::Photo, &key, row.id))
    }

    /// The id of the row of that kind with `slug` (current or old).
    async fn known(
        &mut self,
        db: &impl ConnectionTrait,
        kind: Kind,
        slug: &str,
    ) -> AppResult<Option<i64>> {
        if let Some(id) = self.ids.get(&(kind, slug.to_owned())) {
            return Ok(Some(*id));
        }
        let found = match kind {
            Kind::Section => find::<section::Entity>(db, slug).await?,
            Kind::Tag => find::<tag::Entity>(db, slug).await?,
            Kind::Person => find::<person::Entity>(db, slug).await?,
            Kind::Organization => find::<organization::Entity>(db, slug).await?,
            Kind::Event => find::<event::Entity>(db, slug).await?,
            Kind::Photo => None,
        };
        Ok(found.inspect(|&id| {
            self.ids.put((kind, slug.to_owned()), id);
        }))
    }

    fn remember(&mut self, kind: Kind, key: &str, id: i64) -> i64 {
        self.ids.put((kind, key.to_owned()), id);
        id
    }

    fn new_row(&mut self, kind: Kind, key: &str, id: i64) -> i64 {
        self.created += 1;
        self.remember(kind, key, id)
    }
}

async fn find<E: Slugged>(db: &impl ConnectionTrait, slug: &str) -> AppResult<Option<i64>> {
    slugs::find_id::<E>(db, slug).await
}

/// What tells photos apart, as one cache key.
fn photo_key(photo: &SourcePhoto) -> String {
    format!(
        "{}\u{1f}{:?}\u{1f}{:?}\u{1f}{:?}",
        photo.url, photo.caption, photo.credit, photo.alt
    )
}

fn name(name: &str) -> String {
    let name = name.trim();
    match name.char_indices().nth(MAX_NAME) {
        Some((cut, _)) => name[..cut].trim_end().to_owned(),
        None => name.to_owned(),
    }
}
